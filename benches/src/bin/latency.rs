//! How long a dependent chain takes on this core, and how much of a loop the core keeps in
//! flight: the evidence for the third bound in `scripts/window_bound.py`.
//!
//! ```text
//! cargo build -p act-benches --release --bin latency
//! taskset -c 1 target/release/latency
//! ```
//!
//! A kernel's loop can be slower than its FMA-unit and issue bounds (`roofline`,
//! `scripts/bound_share.py`) when each vector's work is one long chain of dependent
//! instructions: the core overlaps consecutive vectors only as far as its out-of-order window
//! holds their instructions. By Little's law, a loop that runs `n` instructions per vector
//! along a chain of `p` ns, at `t` ns per vector, keeps `n p / t` instructions in flight. When
//! that number reaches the window's size `W`, the loop cannot go faster than `W / (n p)`
//! vectors per ns, whatever its FMA count.
//!
//! It prints, at each vector width the CPU has, the widest first (512 bits with `avx512f`,
//! 256 bits with `avx2` and `fma`; nothing elsewhere), as medians of 201 timed runs of at most
//! about 70 µs each (16,000 chained instructions, or 4 passes over 256 vectors; short, so that
//! a shared core's other work rarely falls inside one):
//! - the latency in ns of one instruction of each class at that width in a dependent chain
//!   (the line `one core, <bits>-bit latency ns: ...`, read by `window_bound.py`);
//! - for a loop whose vectors each go through a chain of `L` dependent FMAs (load, `L` FMAs,
//!   store, over 16 KiB at 512 bits, 8 KiB at 256, that stays in L1), its ns per vector and
//!   the instructions in flight `n p / t` that implies, for `L` from 2 to 128 (the table read
//!   by `window_bound.py`). Short chains are bound by the FMA units; long ones by the window,
//!   where the instructions in flight stop growing: the plateau is the window this kind of
//!   loop gets (the line `<bits>-bit window: ...`);
//! - the same loop with its `L` FMAs as two independent chains of `L / 2`: as many FMAs, a
//!   chain half as long. Where one chain is bound by the window, two run up to twice as fast.

use std::hint::black_box;

/// Timed runs per figure; the median is printed.
const RUNS: usize = 201;

/// Median wall time of `RUNS` calls of `f` (after two untimed ones), in nanoseconds.
fn median_ns(f: impl FnMut()) -> f64 {
    act_benches::median_ns(RUNS, std::time::Duration::ZERO, f)
}

#[cfg(target_arch = "x86_64")]
fn main() {
    // The widths this CPU has, the widest first.
    let mut widths = Vec::new();
    if is_x86_feature_detected!("avx512f") {
        widths.push(512);
    }
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        widths.push(256);
    }
    if widths.is_empty() {
        println!("no AVX2+FMA or AVX-512 here: nothing measured");
    }
    for bits in widths {
        report(bits);
    }
}

/// One width's latencies, sweep and window (`bits`: 512 with avx512f, 256 with avx2 and fma,
/// checked by the caller).
#[cfg(target_arch = "x86_64")]
fn report(bits: usize) {
    let lanes = bits / 32;
    let lat = if bits == 512 {
        chains::latencies()
    } else {
        chains::latencies_avx2()
    };
    let line: Vec<String> = lat
        .iter()
        .map(|(name, ns)| format!("{name} {ns:.3}"))
        .collect();
    println!("one core, {bits}-bit latency ns: {}", line.join(", "));
    let fma = lat[0].1;

    println!(
        "a loop of L dependent FMAs per {lanes}-lane vector ({} KiB in L1):",
        window::KIB * lanes / 16
    );
    println!(
        "  {:>4} {:>10} {:>10} {:>10} {:>22}",
        "L", "ns/vector", "chain ns", "in flight", "as two chains: ns/vec"
    );
    let mut plateau = Vec::new();
    for (l, ns, split) in window::sweep(bits) {
        // load, L FMAs, store, and the loop's add, compare and jump
        let n = l as f64 + 5.0;
        let path = l as f64 * fma;
        let in_flight = n * path / ns;
        println!("  {l:>4} {ns:>10.3} {path:>10.2} {in_flight:>10.0} {split:>22.3}");
        if l >= 64 {
            plateau.push(in_flight);
        }
    }
    plateau.sort_by(f64::total_cmp);
    println!(
        "{bits}-bit window: {:.0} instructions in flight (median of L >= 64)",
        plateau[plateau.len() / 2]
    );
}

#[cfg(not(target_arch = "x86_64"))]
fn main() {
    println!("not x86-64: nothing measured");
}

#[cfg(target_arch = "x86_64")]
mod chains {
    use super::{black_box, median_ns};
    use std::arch::asm;
    use std::arch::x86_64::*;

    /// Steps per timed run; each step is 8 instructions of the chain.
    const STEPS: usize = 2_000;

    /// One chain of `8 * STEPS` copies of `$insn` (Intel syntax, `{v}` the chain's register,
    /// `{a}` and `{b}` constants, `{k}` a mask register), timed; ns per instruction.
    macro_rules! chain {
        ($insn:literal) => {{
            #[target_feature(enable = "avx512f,avx512dq")]
            unsafe fn run() -> __m512 {
                let mut v = _mm512_set1_ps(1.0);
                let a = _mm512_set1_ps(1.0);
                let b = _mm512_set1_ps(0.0);
                for _ in 0..STEPS {
                    // SAFETY: register-only arithmetic on the operands named; no memory.
                    unsafe {
                        asm!(
                            "kxorw {k}, {k}, {k} /* {a} {b} */",
                            $insn, $insn, $insn, $insn, $insn, $insn, $insn, $insn,
                            v = inout(zmm_reg) v,
                            a = in(zmm_reg) a,
                            b = in(zmm_reg) b,
                            k = out(kreg) _,
                            options(nomem, nostack),
                        );
                    }
                }
                v
            }
            // SAFETY: the caller checked avx512f; avx512dq is on every AVX-512 CPU that
            // runs these benches (checked below).
            median_ns(|| {
                black_box(unsafe { run() });
            }) / (8 * STEPS) as f64
        }};
    }

    /// [`chain!`] at 256 bits (`{v}`, `{a}`, `{b}` ymm registers; no mask register).
    macro_rules! chain_avx2 {
        ($insn:literal) => {{
            #[target_feature(enable = "avx2,fma")]
            unsafe fn run() -> __m256 {
                let mut v = _mm256_set1_ps(1.0);
                let a = _mm256_set1_ps(1.0);
                let b = _mm256_set1_ps(0.0);
                for _ in 0..STEPS {
                    // SAFETY: register-only arithmetic on the operands named; no memory.
                    unsafe {
                        asm!(
                            "/* {a} {b} */",
                            $insn, $insn, $insn, $insn, $insn, $insn, $insn, $insn,
                            v = inout(ymm_reg) v,
                            a = in(ymm_reg) a,
                            b = in(ymm_reg) b,
                            options(nomem, nostack),
                        );
                    }
                }
                v
            }
            // SAFETY: the caller checked avx2 and fma.
            median_ns(|| {
                black_box(unsafe { run() });
            }) / (8 * STEPS) as f64
        }};
    }

    /// `(class, ns)` of one instruction in a dependent chain. The classes are what
    /// `window_bound.py` assigns each instruction of a kernel's loop to; FMA comes first.
    pub fn latencies() -> Vec<(&'static str, f64)> {
        assert!(is_x86_feature_detected!("avx512dq"));
        // v = v * 1 + 0 keeps 1.0: no denormals, no overflow in any chain.
        let fma = chain!("vfmadd213ps {v}, {a}, {b}");
        let mul = chain!("vmulps {v}, {v}, {a}");
        let add = chain!("vaddps {v}, {v}, {b}");
        let max = chain!("vmaxps {v}, {v}, {b}");
        let logic = chain!("vandps {v}, {v}, {a}");
        let int = chain!("vpaddd {v}, {v}, {b}");
        let shift = chain!("vpslld {v}, {v}, 0");
        // the mask is all zeros: the result is v
        let blend = chain!("vblendmps {v} {{{k}}}, {v}, {a}");
        // compare into a mask, then blend by it: the compare's latency is this less blend's
        let cmp_blend = chain!("vcmpltps {k}, {v}, {b}\nvblendmps {v} {{{k}}}, {v}, {a}");
        let perm = chain!("vpermps {v}, {b}, {v}");
        let div = chain!("vdivps {v}, {v}, {a}");
        let sqrt = chain!("vsqrtps {v}, {v}");
        let cvt = chain!("vcvtps2dq {v}, {v}\nvcvtdq2ps {v}, {v}");
        let round = chain!("vrndscaleps {v}, {v}, 0");
        vec![
            ("fma", fma),
            ("mul", mul),
            ("add", add),
            ("max", max),
            ("logic", logic),
            ("int", int),
            ("shift", shift),
            ("blend", blend),
            ("cmp", (cmp_blend - blend).max(0.0)),
            ("perm", perm),
            ("div", div),
            ("sqrt", sqrt),
            ("cvt", cvt / 2.0),
            ("round", round),
        ]
    }
    /// [`latencies`] at 256 bits (AVX2 and FMA): the same classes, each the AVX2 instruction
    /// act's AVX2 loops use. A compare writes a vector register here, so its chain is timed
    /// on its own; the blend is `vblendvps`, the rounding `vroundps`.
    pub fn latencies_avx2() -> Vec<(&'static str, f64)> {
        assert!(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"));
        // v = v * 1 + 0 keeps 1.0, as at 512 bits.
        let fma = chain_avx2!("vfmadd213ps {v}, {a}, {b}");
        let mul = chain_avx2!("vmulps {v}, {v}, {a}");
        let add = chain_avx2!("vaddps {v}, {v}, {b}");
        let max = chain_avx2!("vmaxps {v}, {v}, {b}");
        let logic = chain_avx2!("vandps {v}, {v}, {a}");
        let int = chain_avx2!("vpaddd {v}, {v}, {b}");
        let shift = chain_avx2!("vpslld {v}, {v}, 0");
        // b = +0.0 has its sign bit clear: every lane takes v
        let blend = chain_avx2!("vblendvps {v}, {v}, {a}, {b}");
        // 1 < 0 is false: v becomes 0 and stays 0 (not a denormal)
        let cmp = chain_avx2!("vcmpltps {v}, {v}, {b}");
        // b's bits are 0: every lane takes lane 0
        let perm = chain_avx2!("vpermps {v}, {b}, {v}");
        let div = chain_avx2!("vdivps {v}, {v}, {a}");
        let sqrt = chain_avx2!("vsqrtps {v}, {v}");
        let cvt = chain_avx2!("vcvtps2dq {v}, {v}\nvcvtdq2ps {v}, {v}");
        let round = chain_avx2!("vroundps {v}, {v}, 0");
        vec![
            ("fma", fma),
            ("mul", mul),
            ("add", add),
            ("max", max),
            ("logic", logic),
            ("int", int),
            ("shift", shift),
            ("blend", blend),
            ("cmp", cmp),
            ("perm", perm),
            ("div", div),
            ("sqrt", sqrt),
            ("cvt", cvt / 2.0),
            ("round", round),
        ]
    }
}

#[cfg(target_arch = "x86_64")]
mod window {
    use super::{black_box, median_ns};
    use std::arch::x86_64::*;

    /// 256 vectors of input and as many of output: 16 KiB each at 512 bits, 8 KiB at 256;
    /// both stay in L1.
    const VECTORS: usize = 256;
    /// The input's KiB at 512 bits.
    pub const KIB: usize = 16;
    /// Passes over the buffer per timed run.
    const PASSES: usize = 4;

    /// One pass over `x` into `y`, for a width whose features the caller checked.
    type Pass = unsafe fn(&[f32], &mut [f32]);

    /// Load, `L` dependent FMAs, store, for every vector of `x`; with `SPLIT`, the same `L`
    /// FMAs as two independent chains of `L / 2` and one add joining them (one instruction
    /// more, a chain half as long).
    #[target_feature(enable = "avx512f")]
    fn pass<const L: usize, const SPLIT: bool>(x: &[f32], y: &mut [f32]) {
        let m = _mm512_set1_ps(0.999_999);
        let c = _mm512_set1_ps(1e-6);
        for (xs, ys) in x.chunks_exact(16).zip(y.chunks_exact_mut(16)) {
            // SAFETY: both chunks hold 16 f32.
            let mut v = unsafe { _mm512_loadu_ps(xs.as_ptr()) };
            if SPLIT {
                let mut w = v;
                for _ in 0..L / 2 {
                    v = _mm512_fmadd_ps(v, m, c);
                    w = _mm512_fmadd_ps(w, c, m);
                }
                v = _mm512_add_ps(v, w);
            } else {
                for _ in 0..L {
                    v = _mm512_fmadd_ps(v, m, c);
                }
            }
            // SAFETY: as for the load.
            unsafe { _mm512_storeu_ps(ys.as_mut_ptr(), v) };
        }
    }

    /// [`pass`] at 256 bits.
    #[target_feature(enable = "avx2,fma")]
    fn pass_avx2<const L: usize, const SPLIT: bool>(x: &[f32], y: &mut [f32]) {
        let m = _mm256_set1_ps(0.999_999);
        let c = _mm256_set1_ps(1e-6);
        for (xs, ys) in x.chunks_exact(8).zip(y.chunks_exact_mut(8)) {
            // SAFETY: both chunks hold 8 f32.
            let mut v = unsafe { _mm256_loadu_ps(xs.as_ptr()) };
            if SPLIT {
                let mut w = v;
                for _ in 0..L / 2 {
                    v = _mm256_fmadd_ps(v, m, c);
                    w = _mm256_fmadd_ps(w, c, m);
                }
                v = _mm256_add_ps(v, w);
            } else {
                for _ in 0..L {
                    v = _mm256_fmadd_ps(v, m, c);
                }
            }
            // SAFETY: as for the load.
            unsafe { _mm256_storeu_ps(ys.as_mut_ptr(), v) };
        }
    }

    /// ns per vector of `pass` over `x` (`lanes` f32 a vector).
    fn time(x: &[f32], y: &mut [f32], lanes: usize, pass: Pass) -> f64 {
        let ns = median_ns(|| {
            for _ in 0..PASSES {
                // SAFETY: the caller checked the pass's features.
                unsafe { pass(black_box(x), y) };
                black_box(&mut *y);
            }
        });
        ns / (PASSES * x.len() / lanes) as f64
    }

    fn both<const L: usize>(x: &[f32], y: &mut [f32], bits: usize) -> (usize, f64, f64) {
        let (one, two): (Pass, Pass) = if bits == 512 {
            (pass::<L, false>, pass::<L, true>)
        } else {
            (pass_avx2::<L, false>, pass_avx2::<L, true>)
        };
        let lanes = bits / 32;
        (L, time(x, y, lanes, one), time(x, y, lanes, two))
    }

    /// `(L, ns per vector as one chain, ns per vector as two chains)` for `L` FMAs per
    /// `bits`-bit vector (512: the caller checked avx512f; 256: avx2 and fma).
    pub fn sweep(bits: usize) -> Vec<(usize, f64, f64)> {
        let x = vec![1.0f32; bits / 32 * VECTORS];
        let mut y = vec![0.0f32; bits / 32 * VECTORS];
        let (x, y) = (&x, &mut y);
        vec![
            both::<2>(x, y, bits),
            both::<4>(x, y, bits),
            both::<8>(x, y, bits),
            both::<12>(x, y, bits),
            both::<16>(x, y, bits),
            both::<24>(x, y, bits),
            both::<32>(x, y, bits),
            both::<48>(x, y, bits),
            both::<64>(x, y, bits),
            both::<96>(x, y, bits),
            both::<128>(x, y, bits),
        ]
    }
}
