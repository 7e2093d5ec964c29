//! The lean first pass of the gated forwards (GLU, SwiGLU, GEGLU): the near kernels give the
//! scaled kernels' bits from their bounds on, and the slice loops that run them over chunks
//! whose gates are all at or above the bound give the full loop's bits, in every build this
//! CPU runs (portable, AVX2, AVX-512), f32 and f64.

use act_core::__private::{FloatKernels, Kernel};
use act_core::dispatch::{self, Isa};
use act_core::prelude::*;
use std::sync::{Mutex, MutexGuard};

/// The tests that force a build take this lock (`dispatch::force` is global).
static ISA_LOCK: Mutex<()> = Mutex::new(());

fn for_each_isa(mut f: impl FnMut(Isa)) {
    let _guard: MutexGuard<'_, ()> = ISA_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    for isa in Isa::available() {
        dispatch::force(Some(isa)).expect("an available level");
        f(isa);
    }
    dispatch::force(None).expect("back to automatic");
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A cofactor: either sign, magnitudes from 1e-30 to 1e30, sometimes 0 or 1.
    fn cofactor(&mut self) -> f64 {
        let m = match self.next() % 16 {
            0 => 0.0,
            1 => 1.0,
            _ => 10f64.powf(self.unit() * 60.0 - 30.0),
        };
        if self.next() % 2 == 0 { m } else { -m }
    }
}

const KERNELS: [Kernel; 3] = [Kernel::SigmoidLean, Kernel::Silu, Kernel::Gelu];

/// `(near, full)` bits of one kernel at `x`, and the full kernel's `1/c`.
fn near_and_full<F: Float + FloatKernels, const FMA: bool>(x: F, k: Kernel) -> (F, F, F) {
    let (s, inv) = FloatKernels::__kernel_scaled::<FMA>(x, k);
    (FloatKernels::__kernel_near::<FMA>(x, k), s, inv)
}

fn check_kernel<F: Float + FloatKernels + core::fmt::Debug, const FMA: bool>(
    k: Kernel,
    xs: impl Iterator<Item = F>,
    bits: impl Fn(F) -> u64,
) -> usize {
    let from = F::__near_from(k);
    let mut n = 0;
    for x in xs {
        if x < from {
            continue;
        }
        let (near, full, inv) = near_and_full::<F, FMA>(x, k);
        assert_eq!(bits(inv), bits(F::ONE), "{k:?} FMA={FMA}: 1/c at {x:?}");
        // NaN gates take the full path (`__any_below_or_nan`); the kernels give NaN for them.
        let same = bits(near) == bits(full) || (x.is_nan() && near.is_nan() && full.is_nan());
        assert!(same, "{k:?} FMA={FMA} at {x:?}: {near:?} {full:?}");
        n += 1;
    }
    n
}

/// f32: every 251st bit pattern from the bound to -0 and from +0 to +∞, the bound itself and
/// its neighbours, ±∞ and NaNs of either sign; both forms of each kernel (with and without
/// FMA, the first through the library's `mul_add`, which rounds as the instruction does).
#[test]
fn near_kernels_give_the_scaled_kernels_bits_f32() {
    let specials = [
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7fc0_1234),
        f32::from_bits(0xffc0_0001),
        0.0,
        -0.0,
        f32::MAX,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        f32::from_bits(1),
        f32::from_bits(0x8000_0001),
    ];
    for k in KERNELS {
        let from = <f32 as FloatKernels>::__near_from(k);
        assert!(from.is_finite() && from < 0.0, "{k:?}: {from}");
        let edge = [from, f32::from_bits(from.to_bits() - 1), from.next_up()];
        let negative = (0x8000_0000u32..=from.to_bits())
            .step_by(251)
            .map(f32::from_bits);
        let positive = (0u32..=0x7f80_0000).step_by(251).map(f32::from_bits);
        let xs = || {
            specials
                .iter()
                .chain(&edge)
                .copied()
                .chain(negative.clone())
                .chain(positive.clone())
        };
        let bits = |x: f32| u64::from(x.to_bits());
        let n = check_kernel::<f32, false>(k, xs(), bits);
        assert_eq!(n, check_kernel::<f32, true>(k, xs(), bits));
        assert!(n > 10_000_000, "{k:?}: {n}");
    }
}

/// f64: a random sample from the bound to +∞ (uniform in the bound's range, and over the
/// exponents of either sign), the bound and its neighbours, ±∞ and NaNs.
#[test]
fn near_kernels_give_the_scaled_kernels_bits_f64() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for k in KERNELS {
        let from = <f64 as FloatKernels>::__near_from(k);
        assert!(from.is_finite() && from < 0.0, "{k:?}: {from}");
        let mut xs = vec![
            from,
            from.next_down(),
            from.next_up(),
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            0.0,
            -0.0,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        for _ in 0..400_000 {
            xs.push(from * rng.unit());
            xs.push(-from * 1.2 * rng.unit());
            let m = f64::from_bits(rng.next() & 0x7fff_ffff_ffff_ffff);
            xs.push(if rng.next() % 2 == 0 { m } else { -m });
        }
        let bits = |x: f64| x.to_bits();
        let n = check_kernel::<f64, false>(k, xs.iter().copied(), bits);
        assert_eq!(n, check_kernel::<f64, true>(k, xs.iter().copied(), bits));
        assert!(n > 800_000, "{k:?}: {n}");
    }
}

/// The gated built-in of each near kernel, with its gate (`b` for GLU, `a` otherwise).
fn gated_cases() -> [(&'static str, &'static dyn DynForward, Kernel, bool); 3] {
    [
        ("glu", &Glu, Kernel::SigmoidLean, true),
        ("swiglu", &SwiGlu, Kernel::Silu, false),
        ("geglu", &GeGlu, Kernel::Gelu, false),
    ]
}

/// A gated forward for f32 and f64 (the tests below loop over the three built-ins).
trait DynForward {
    fn slice32(&self, a: &[f32], b: &[f32], y: &mut [f32]);
    fn slice64(&self, a: &[f64], b: &[f64], y: &mut [f64]);
}

impl<G: Gated> DynForward for G {
    fn slice32(&self, a: &[f32], b: &[f32], y: &mut [f32]) {
        self.forward_slice(a, b, y);
    }
    fn slice64(&self, a: &[f64], b: &[f64], y: &mut [f64]) {
        self.forward_slice(a, b, y);
    }
}

/// The f32 and f64 forms of the test's slices.
trait Elem: Float + FloatKernels + core::fmt::Debug {
    fn slice(g: &dyn DynForward, a: &[Self], b: &[Self], y: &mut [Self]);
    fn bits(self) -> u64;
}

impl Elem for f32 {
    fn slice(g: &dyn DynForward, a: &[f32], b: &[f32], y: &mut [f32]) {
        g.slice32(a, b, y);
    }
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl Elem for f64 {
    fn slice(g: &dyn DynForward, a: &[f64], b: &[f64], y: &mut [f64]) {
        g.slice64(a, b, y);
    }
    fn bits(self) -> u64 {
        self.to_bits()
    }
}

/// Each element through the full loop: a slice of two, the first with a gate far below every
/// bound, so that its chunk takes the full path.
fn full_path<F: Elem>(g: &dyn DynForward, gate_is_b: bool, a: &[F], b: &[F]) -> Vec<F> {
    let far = F::from_f64(-1000.0);
    let one = F::ONE;
    a.iter()
        .zip(b)
        .map(|(&ai, &bi)| {
            let (a2, b2) = if gate_is_b {
                ([one, ai], [far, bi])
            } else {
                ([far, ai], [one, bi])
            };
            let mut y = [F::ZERO; 2];
            F::slice(g, &a2, &b2, &mut y);
            y[1]
        })
        .collect()
}

/// Asserts that the slice `(a, b)` through the forward slice method gives the full loop's bits
/// for every element (NaN for NaN).
/// `gates` and `others` are the gate input and the other one, put in `a` and `b` as
/// `gate_is_b` says.
fn assert_full_bits<F: Elem>(
    name: &str,
    isa: Isa,
    g: &dyn DynForward,
    gate_is_b: bool,
    gates: &[F],
    others: &[F],
) {
    let (a, b) = if gate_is_b {
        (others, gates)
    } else {
        (gates, others)
    };
    let mut y = vec![F::ZERO; a.len()];
    F::slice(g, a, b, &mut y);
    let want = full_path(g, gate_is_b, a, b);
    for i in 0..a.len() {
        // A NaN result is NaN in both; its sign is not a property of the source (the full
        // loop's vector body and scalar tail give NaNs of either sign for the same pair).
        if y[i].is_nan() && want[i].is_nan() {
            continue;
        }
        assert_eq!(
            y[i].bits(),
            want[i].bits(),
            "{name} {isa:?} len {} at {i}: ({:?}, {:?}) gave {:?}, the full loop {:?}",
            a.len(),
            a[i],
            b[i],
            y[i],
            want[i]
        );
    }
}

/// Gates dense from the bound up (uniform over `[bound, 0]`, then over the exponents up to
/// `MAX`), random cofactors over the exponent range, and among them NaN, ±∞ and ±0 in either
/// input: all near chunks, each element the full loop's bits.
fn dense_near_slices<F: Elem>() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for_each_isa(|isa| {
        for (name, g, k, gate_is_b) in gated_cases() {
            let from = F::__near_from(k).to_f64();
            let n = 40_009;
            let mut gates = Vec::with_capacity(n);
            let mut others = Vec::with_capacity(n);
            for i in 0..n {
                let gate = match i % 3 {
                    0 => from * (i as f64 / n as f64),
                    1 => from * rng.unit(),
                    _ => 10f64.powf(rng.unit() * 80.0 - 40.0),
                };
                gates.push(F::from_f64(gate));
                others.push(F::from_f64(rng.cofactor()));
            }
            gates[0] = F::from_f64(from);
            let specials = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0];
            for (j, &s) in specials.iter().enumerate() {
                others[100 + 37 * j] = F::from_f64(s);
                // The gate: NaN and +∞ and ±0 (-∞ is below every bound: the test below).
                if s != f64::NEG_INFINITY {
                    gates[2000 + 37 * j] = F::from_f64(s);
                }
            }
            assert_full_bits(name, isa, g, gate_is_b, &gates, &others);
        }
    });
}

#[test]
fn lean_forward_slices_give_the_full_loops_bits_f32() {
    dense_near_slices::<f32>();
}

#[test]
fn lean_forward_slices_give_the_full_loops_bits_f64() {
    dense_near_slices::<f64>();
}

/// Far gates (below the bound: in the scaled tail, -∞; and NaN) at the
/// first and last element of chunks and of the slice, and slices of lengths that are not
/// multiples of the chunk or the vector width: every element the full loop's bits.
fn far_gates_at_chunk_edges<F: Elem>() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    for_each_isa(|isa| {
        for (name, g, k, gate_is_b) in gated_cases() {
            let from = F::__near_from(k).to_f64();
            for len in [
                1,
                2,
                15,
                17,
                255,
                256,
                257,
                511,
                512,
                513,
                1023,
                1024,
                1025,
                3 * 512 + 17,
            ] {
                let mut gates: Vec<F> = (0..len)
                    .map(|_| F::from_f64(from * 0.9 * rng.unit() + 3.0 * rng.unit()))
                    .collect();
                let others: Vec<F> = (0..len).map(|_| F::from_f64(rng.cofactor())).collect();
                for (j, at) in [0, 255, 256, 511, 512, 1023, 1024, len - 1]
                    .into_iter()
                    .enumerate()
                {
                    if at < len && rng.next() % 4 != 0 {
                        gates[at] = F::from_f64(match j % 4 {
                            0 => from * 1.5,
                            1 => f64::NEG_INFINITY,
                            2 => -f64::NAN,
                            _ => from - 1e-9 * from.abs(),
                        });
                    }
                }
                assert_full_bits(name, isa, g, gate_is_b, &gates, &others);
            }
        }
    });
}

#[test]
fn far_gates_at_chunk_edges_take_the_full_path_f32() {
    far_gates_at_chunk_edges::<f32>();
}

#[test]
fn far_gates_at_chunk_edges_take_the_full_path_f64() {
    far_gates_at_chunk_edges::<f64>();
}

/// The scan: a gate below the bound, however far (the tail's deep end, -∞), or NaN of either
/// sign, anywhere in the slice; none at or above the bound, +∞ included.
#[test]
fn the_scan_finds_every_gate_below_the_bound() {
    for k in KERNELS {
        let from = <f32 as FloatKernels>::__near_from(k);
        let below = [
            from.next_down(),
            -1e30,
            f32::NEG_INFINITY,
            -f32::NAN,
            f32::NAN,
            -f32::MAX,
        ];
        let not = [from, from.next_up(), 0.0, -0.0, f32::INFINITY, f32::MAX];
        for len in [1, 7, 16, 33, 512] {
            let mut xs = vec![1.0f32; len];
            for (i, &v) in not.iter().enumerate() {
                xs[i % len] = v;
                assert!(!f32::__any_below_or_nan(&xs, from), "{k:?}: {xs:?}");
            }
            for at in [0, len / 2, len - 1] {
                for &v in &below {
                    let mut ys = xs.clone();
                    ys[at] = v;
                    assert!(
                        f32::__any_below_or_nan(&ys, from),
                        "{k:?} {v} at {at} of {len}"
                    );
                }
            }
        }
        let from = <f64 as FloatKernels>::__near_from(k);
        assert!(f64::__any_below_or_nan(&[1.0, from.next_down()], from));
        assert!(f64::__any_below_or_nan(&[-f64::NAN], from));
        assert!(f64::__any_below_or_nan(&[1.0, f64::NAN], from));
        assert!(!f64::__any_below_or_nan(&[from, f64::INFINITY, -0.0], from));
    }
}
