//! What one core of this machine can do, next to what act's kernels do: the evidence for
//! "what is in the way" in `benches/RESULTS.md`.
//!
//! ```text
//! cargo build -p act-benches --release --bin roofline
//! taskset -c 1 target/release/roofline
//! ```
//!
//! It prints, as medians of 11 timed runs:
//! - the peak rate, in operations per ns, of independent FMAs, adds and divisions and of a mix
//!   of FMAs, adds, maxima and ands, at each vector width the CPU has: 512 bits (`avx512f`) and
//!   256 bits (`avx2` and `fma`), one line per width, the widest first;
//! - a copy (the memory bound), act's ReLU, ReLU6 and PReLU forwards (the same two streams
//!   as the copy), and act's slice kernels for sigmoid, tanh and swish (values and
//!   derivatives) and softmax, over 1M f32 inputs in `[-8, 8)` as in `benches/`;
//! - on AVX-512 CPUs only (elsewhere a one-line note says they are skipped), a hand-written
//!   AVX-512 sigmoid (not part of act) whose `exp` looks `2^(j/16)` up in a register with
//!   `vpermd`, an instruction the compiler does not generate from scalar code, and its worst
//!   error against the closed form in `f64` on the same inputs; and the same kernel written as
//!   scalar code, which the compiler vectorises with a gather for the table.
//!
//! Each kernel's cost is also given in *FMA slots per vector* of the widest width measured
//! (the one act's kernels run at on this CPU: 16 `f32` lanes with AVX-512, 8 with AVX2; the
//! output says which): its time per vector times that width's FMA rate, i.e. how many FMAs
//! the core could have issued meanwhile. A throughput of `t` elements/ns leaves
//! `lanes * fma / t` slots per vector.

use std::hint::black_box;

use act_core::prelude::*;

/// Timed runs per figure; the median is printed.
const RUNS: usize = 11;

/// Median wall time of `RUNS` calls of `f` (after [`act_benches::WARM_UP`] of untimed ones), in
/// nanoseconds.
fn median_ns(f: impl FnMut()) -> f64 {
    act_benches::median_ns(RUNS, act_benches::WARM_UP, f)
}

fn main() {
    let n = 1 << 20;
    let x: Vec<f32> = act_benches::inputs(n, 1)
        .into_iter()
        .map(|v| v as f32)
        .collect();
    let mut y = vec![0.0f32; n];
    let reps = 20;

    let rates = peak::rates();
    for r in &rates {
        println!(
            "one core, {}-bit ops/ns: fma {:.2}, add {:.2}, div {:.3}, mix {:.2}",
            r.bits, r.fma, r.add, r.div, r.mix
        );
    }
    // The widest width measured: the one act's kernels run at here.
    let widest = rates.first().copied();
    match widest {
        Some(r) => println!(
            "1M f32 in [-8, 8), elements/ns (FMA slots per {}-bit vector, {} lanes):",
            r.bits,
            r.lanes()
        ),
        None => {
            println!("no AVX2+FMA or AVX-512 here: the peak rates and FMA slots are skipped");
            println!("1M f32 in [-8, 8), elements/ns:");
        }
    }
    let row = |name: &str, y: &mut [f32], f: &dyn Fn(&[f32], &mut [f32])| {
        let ns = median_ns(|| {
            for _ in 0..reps {
                f(black_box(&x), y);
                black_box(&mut *y);
            }
        });
        let rate = (n * reps) as f64 / ns;
        match widest {
            Some(r) => println!(
                "  {name:<44} {rate:6.2} ({:.1})",
                r.lanes() as f64 * r.fma / rate
            ),
            None => println!("  {name:<44} {rate:6.2}"),
        }
    };
    row("copy", &mut y, &|x, y| y.copy_from_slice(x));
    // The memory-bound forwards: the same two streams as the copy (`stores` compares them
    // with it on the same buffers, interleaved).
    row("act relu", &mut y, &|x, y| Relu.forward_slice(x, y));
    row("act relu6", &mut y, &|x, y| Relu6.forward_slice(x, y));
    row("act prelu", &mut y, &|x, y| {
        PRelu::default().forward_slice(x, y)
    });
    row("act sigmoid", &mut y, &|x, y| Sigmoid.forward_slice(x, y));
    row("act sigmoid'", &mut y, &|x, y| {
        Sigmoid.derivative_slice(x, y)
    });
    row("act tanh", &mut y, &|x, y| Tanh.forward_slice(x, y));
    row("act tanh'", &mut y, &|x, y| Tanh.derivative_slice(x, y));
    row("act swish", &mut y, &|x, y| Swish.forward_slice(x, y));
    row("act swish'", &mut y, &|x, y| Swish.derivative_slice(x, y));
    row("act softmax (one row)", &mut y, &|x, y| {
        Softmax.forward_slice(x, y)
    });
    if widest.is_some_and(|r| r.bits == 512) {
        row(
            "hand-written AVX-512 sigmoid, table exp",
            &mut y,
            &|x, y| peak::table_sigmoid(x, y),
        );
        peak::table_sigmoid(&x, &mut y);
        let worst = x
            .iter()
            .zip(&y)
            .map(|(&x, &y)| ulps(y, 1.0 / (1.0 + (-(x as f64)).exp())))
            .fold(0.0, f64::max);
        println!("  (its worst error on these inputs: {worst:.2} ulp against f64)");
        row("the same as scalar code (a gather)", &mut y, &|x, y| {
            peak::gather_sigmoid(x, y)
        });
    } else {
        println!(
            "  (no AVX-512 here: the hand-written AVX-512 sigmoid and its scalar twin are skipped)"
        );
    }
}

/// `|got - want|` in units of the `f32` spacing at `want` (normal `want` only).
fn ulps(got: f32, want: f64) -> f64 {
    let w = want as f32;
    let ulp = (f32::from_bits(w.to_bits() + 1) - w) as f64;
    (got as f64 - want).abs() / ulp
}

/// Independent operations per nanosecond at one vector width.
#[derive(Clone, Copy)]
struct Rates {
    /// The vector width: 512 or 256 bits.
    bits: usize,
    fma: f64,
    add: f64,
    div: f64,
    /// FMAs, adds, maxima and bitwise ands issued together (a quarter each): the rate at
    /// which the vector pipes get through the mix of a transcendental kernel's loop.
    mix: f64,
}

impl Rates {
    /// `f32` lanes per vector.
    fn lanes(&self) -> usize {
        self.bits / 32
    }
}

#[cfg(target_arch = "x86_64")]
mod peak {
    use super::{Rates, median_ns};
    use std::arch::asm;
    use std::arch::x86_64::*;
    use std::hint::black_box;

    /// Chains run side by side: more than the latency times the issue width of any core
    /// here, so the rate measured is the issue rate. With the two constants they fit in 16
    /// registers, as many as AVX2 has.
    const CHAINS: usize = 12;
    const STEPS: usize = 200_000;

    /// The rates at each vector width this CPU has, the widest first: 512 bits with avx512f,
    /// 256 bits with avx2 and fma.
    pub fn rates() -> Vec<Rates> {
        let mut rates = Vec::new();
        if is_x86_feature_detected!("avx512f") {
            rates.push(measured(
                512,
                4 * MIX,
                // SAFETY (both): avx512f was detected above.
                |op| {
                    black_box(unsafe { chains(op) });
                },
                || {
                    black_box(unsafe { mix() });
                },
            ));
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            rates.push(measured(
                256,
                4 * MIX_AVX2,
                // SAFETY (both): avx2 and fma were detected above.
                |op| {
                    black_box(unsafe { chains_avx2(op) });
                },
                || {
                    black_box(unsafe { mix_avx2() });
                },
            ));
        }
        rates
    }

    /// One width's rates: `chain(op)` runs `CHAINS` chains of `STEPS` operations, `mix()`
    /// runs `mix_ops` operations a step for `STEPS` steps.
    fn measured(bits: usize, mix_ops: usize, chain: impl Fn(Op), mut mix: impl FnMut()) -> Rates {
        let rate = |op: Op| (CHAINS * STEPS) as f64 / median_ns(|| chain(op));
        Rates {
            bits,
            fma: rate(Op::Fma),
            add: rate(Op::Add),
            div: rate(Op::Div),
            mix: (mix_ops * STEPS) as f64 / median_ns(&mut mix),
        }
    }

    #[derive(Clone, Copy)]
    enum Op {
        Fma,
        Add,
        Div,
    }

    /// Chains per operation in [`mix`]: four kinds of six, 24 registers in all.
    const MIX: usize = 6;

    /// `MIX` chains each of FMAs, adds, maxima and ands, interleaved.
    #[target_feature(enable = "avx512f")]
    fn mix() -> f32 {
        let mut a = [_mm512_set1_ps(1.0); MIX];
        let mut b = a;
        let mut c = a;
        let mut d = a;
        let m = _mm512_set1_ps(0.999_999);
        let k = _mm512_set1_ps(1.000_001);
        let bits = _mm512_castps_si512(k);
        for _ in 0..STEPS {
            for j in 0..MIX {
                a[j] = _mm512_fmadd_ps(a[j], m, k);
                b[j] = _mm512_add_ps(b[j], k);
                c[j] = _mm512_max_ps(c[j], m);
                d[j] = and_avx512(d[j], bits);
            }
        }
        let s = a
            .iter()
            .chain(&b)
            .chain(&c)
            .chain(&d)
            .fold(_mm512_setzero_ps(), |s, &v| _mm512_add_ps(s, v));
        _mm512_reduce_add_ps(s)
    }

    /// `d & bits`, out of the compiler's sight: as an intrinsic, `(d & k) & k` folds to
    /// `d & k` and [`mix`]'s ands leave the loop.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn and_avx512(d: __m512, bits: __m512i) -> __m512 {
        let mut d = _mm512_castps_si512(d);
        // SAFETY: one AVX-512 instruction on registers.
        unsafe {
            asm!(
                "vpandd {d}, {d}, {bits}",
                d = inout(zmm_reg) d,
                bits = in(zmm_reg) bits,
                options(pure, nomem, nostack, preserves_flags)
            )
        };
        _mm512_castsi512_ps(d)
    }

    #[target_feature(enable = "avx512f")]
    fn chains(op: Op) -> f32 {
        let mut v = [_mm512_set1_ps(1.0); CHAINS];
        let m = _mm512_set1_ps(0.999_999);
        let c = _mm512_set1_ps(1.000_001);
        for _ in 0..STEPS {
            for v in v.iter_mut() {
                *v = match op {
                    Op::Fma => _mm512_fmadd_ps(*v, m, c),
                    Op::Add => _mm512_add_ps(*v, c),
                    Op::Div => _mm512_div_ps(*v, c),
                };
            }
        }
        let s = v
            .iter()
            .fold(_mm512_setzero_ps(), |s, &v| _mm512_add_ps(s, v));
        _mm512_reduce_add_ps(s)
    }

    /// [`chains`] at 256 bits.
    #[target_feature(enable = "avx2,fma")]
    fn chains_avx2(op: Op) -> f32 {
        let mut v = [_mm256_set1_ps(1.0); CHAINS];
        let m = _mm256_set1_ps(0.999_999);
        let c = _mm256_set1_ps(1.000_001);
        for _ in 0..STEPS {
            for v in v.iter_mut() {
                *v = match op {
                    Op::Fma => _mm256_fmadd_ps(*v, m, c),
                    Op::Add => _mm256_add_ps(*v, c),
                    Op::Div => _mm256_div_ps(*v, c),
                };
            }
        }
        sum_avx2(&v)
    }

    /// Operations of each kind per step in [`mix_avx2`].
    const MIX_AVX2: usize = 20;

    /// [`mix`] at 256 bits. AVX2 has 16 registers, not 32: 13 chains and two constants, each
    /// chain stepping often enough per step that every kind issues `MIX_AVX2` operations,
    /// and each kind has more chains than its latency in cycles (FMA 4, add 3, max and and 1
    /// on the cores here), so that none runs short of independent work at one issue a cycle.
    #[target_feature(enable = "avx2,fma")]
    fn mix_avx2() -> f32 {
        let one = _mm256_set1_ps(1.0);
        let mut a = [one; 5];
        let mut b = [one; 4];
        let mut c = [one; 2];
        let mut d = [one; 2];
        let m = _mm256_set1_ps(0.999_999);
        let k = _mm256_set1_ps(1.000_001);
        let bits = _mm256_castps_si256(k);
        for _ in 0..STEPS {
            for _ in 0..MIX_AVX2 / a.len() {
                for a in a.iter_mut() {
                    *a = _mm256_fmadd_ps(*a, m, k);
                }
            }
            for _ in 0..MIX_AVX2 / b.len() {
                for b in b.iter_mut() {
                    *b = _mm256_add_ps(*b, k);
                }
            }
            for _ in 0..MIX_AVX2 / c.len() {
                for j in 0..c.len() {
                    c[j] = _mm256_max_ps(c[j], m);
                    d[j] = and_avx2(d[j], bits);
                }
            }
        }
        sum_avx2(&a) + sum_avx2(&b) + sum_avx2(&c) + sum_avx2(&d)
    }

    /// [`and_avx512`] at 256 bits.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn and_avx2(d: __m256, bits: __m256i) -> __m256 {
        let mut d = _mm256_castps_si256(d);
        // SAFETY: one AVX2 instruction on registers.
        unsafe {
            asm!(
                "vpand {d}, {d}, {bits}",
                d = inout(ymm_reg) d,
                bits = in(ymm_reg) bits,
                options(pure, nomem, nostack, preserves_flags)
            )
        };
        _mm256_castsi256_ps(d)
    }

    /// The sum of every lane of `v` (so that no lane's work is dead).
    #[target_feature(enable = "avx2")]
    fn sum_avx2(v: &[__m256]) -> f32 {
        let s = v
            .iter()
            .fold(_mm256_setzero_ps(), |s, &v| _mm256_add_ps(s, v));
        let h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps::<1>(s));
        let h = _mm_hadd_ps(h, h);
        _mm_cvtss_f32(_mm_hadd_ps(h, h))
    }

    /// `2^(j/16)`, `j = 0..16`, as `f32` bits (checked against `powf` in `table_sigmoid`).
    const POW2_16THS: [u32; 16] = [
        0x3f80_0000,
        0x3f85_aac3,
        0x3f8b_95c2,
        0x3f91_c3d3,
        0x3f98_37f0,
        0x3f9e_f532,
        0x3fa5_fed7,
        0x3fad_583f,
        0x3fb5_04f3,
        0x3fbd_08a4,
        0x3fc5_672a,
        0x3fce_248c,
        0x3fd7_44fd,
        0x3fe0_ccdf,
        0x3fea_c0c7,
        0x3ff5_257d,
    ];

    /// Sigmoid over whole 16-lane vectors (the tail is left as is): `e = e^-|x|` as
    /// `2^(k/16) (1 + p(r))`, `|r| <= ln 2 / 32`, `p` of degree 3, the table in a register,
    /// flushed below the normal range; then `(x < 0 ? e : 1) / (1 + e)`.
    pub fn table_sigmoid(x: &[f32], y: &mut [f32]) {
        for (j, &bits) in POW2_16THS.iter().enumerate() {
            assert_eq!(bits, (2f64.powf(j as f64 / 16.0) as f32).to_bits());
        }
        assert!(is_x86_feature_detected!("avx512f"));
        // SAFETY: avx512f was detected; the loop reads and writes whole vectors in bounds.
        unsafe { table_sigmoid_avx512(x, y) }
    }

    /// The same sigmoid written as scalar code, as the macro generates it, in an AVX-512
    /// build: the compiler vectorises the loop, and the table lookup becomes a gather.
    pub fn gather_sigmoid(x: &[f32], y: &mut [f32]) {
        assert!(is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("fma"));
        // SAFETY: both features were detected.
        unsafe { gather_sigmoid_avx512(x, y) }
    }

    #[target_feature(enable = "avx512f,fma")]
    fn gather_sigmoid_avx512(x: &[f32], y: &mut [f32]) {
        const SHIFT: f32 = 12_582_912.0;
        for (yi, &xi) in y.iter_mut().zip(x) {
            let a = xi.abs();
            let t = (-a).mul_add(16.0 * std::f32::consts::LOG2_E, SHIFT);
            let k = t - SHIFT;
            let r = (-k).mul_add(0.693_145_75 / 16.0, -a);
            let r = (-k).mul_add(1.428_606_8e-6 / 16.0, r);
            let bits = t.to_bits();
            let entry = POW2_16THS[(bits & 15) as usize];
            let s = f32::from_bits(entry.wrapping_add((bits & !15) << 19));
            let p = (1.0f32 / 6.0).mul_add(r, 0.5).mul_add(r, 1.0) * r;
            let e = if t >= SHIFT - 126.0 * 16.0 {
                s.mul_add(p, s)
            } else {
                0.0
            };
            *yi = (if xi < 0.0 { e } else { 1.0 }) / (1.0 + e);
        }
    }

    #[target_feature(enable = "avx512f")]
    unsafe fn table_sigmoid_avx512(x: &[f32], y: &mut [f32]) {
        const SHIFT: f32 = 12_582_912.0; // 1.5 * 2^23: adding it rounds to an integer
        let n = x.len().min(y.len()) / 16 * 16;
        // SAFETY: the table has 16 entries of 4 bytes.
        let table = unsafe { _mm512_loadu_si512(POW2_16THS.as_ptr().cast()) };
        let abs = _mm512_set1_epi32(0x7fff_ffff);
        for i in (0..n).step_by(16) {
            // SAFETY: i + 16 <= n <= both lengths.
            let xv = unsafe { _mm512_loadu_ps(x.as_ptr().add(i)) };
            let a = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(xv), abs));
            // t = SHIFT + round(-16 a / ln 2); k = t - SHIFT; r = -a - k ln2/16 (two parts).
            let t = _mm512_fnmadd_ps(
                a,
                _mm512_set1_ps(16.0 * std::f32::consts::LOG2_E),
                _mm512_set1_ps(SHIFT),
            );
            let k = _mm512_sub_ps(t, _mm512_set1_ps(SHIFT));
            let minus_a = _mm512_sub_ps(_mm512_setzero_ps(), a);
            let r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693_145_75 / 16.0), minus_a);
            let r = _mm512_fnmadd_ps(k, _mm512_set1_ps(1.428_606_8e-6 / 16.0), r);
            // 2^(k/16): table entry k mod 16, exponent raised by floor(k/16).
            let ti = _mm512_castps_si512(t);
            let entry = _mm512_permutexvar_epi32(ti, table);
            let high = _mm512_slli_epi32::<19>(_mm512_andnot_si512(_mm512_set1_epi32(15), ti));
            let s = _mm512_castsi512_ps(_mm512_add_epi32(entry, high));
            // e^r - 1 = r (1 + r (1/2 + r / 6)).
            let p = _mm512_fmadd_ps(_mm512_set1_ps(1.0 / 6.0), r, _mm512_set1_ps(0.5));
            let p = _mm512_mul_ps(_mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0)), r);
            let normal = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(t, _mm512_set1_ps(SHIFT - 126.0 * 16.0));
            let e = _mm512_maskz_fmadd_ps(normal, s, p, s);
            let negative = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(xv, _mm512_setzero_ps());
            let num = _mm512_mask_blend_ps(negative, _mm512_set1_ps(1.0), e);
            let v = _mm512_div_ps(num, _mm512_add_ps(e, _mm512_set1_ps(1.0)));
            // SAFETY: as for the load.
            unsafe { _mm512_storeu_ps(y.as_mut_ptr().add(i), v) };
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod peak {
    use super::Rates;

    pub fn rates() -> Vec<Rates> {
        Vec::new()
    }
    pub fn table_sigmoid(_: &[f32], _: &mut [f32]) {}
    pub fn gather_sigmoid(_: &[f32], _: &mut [f32]) {}
}
