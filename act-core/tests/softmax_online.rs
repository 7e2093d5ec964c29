//! Softmax, softmin and log-softmax over rows long enough for the two-pass (online) forward
//! pass (`act_core::__private::softmax_forward_online` and `log_softmax_forward_online`, from
//! `ONLINE_FROM` elements): f32 against a
//! reference computed in f64 with `std`'s `exp` (the difference `x - max` exact in f64, the
//! sum in f64), in every instruction set, on rows whose running maximum rises block after
//! block (so that earlier segments are rescaled, some into the subnormal range and to 0);
//! and the special values (NaN, ±∞, a first stretch of -∞) in f32 and f64.

use act_core::__private::ONLINE_FROM;
use act_core::prelude::*;

mod isa;
use isa::for_each_isa;

/// Deterministic values in [0, 1) (a fixed linear congruential sequence).
fn unit(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// Softmax of `x` (or of `-x`) in f64 with `std`'s `exp`: the reference for f32 results.
fn reference(x: &[f32], neg: bool) -> Vec<f64> {
    let p: Vec<f64> = x
        .iter()
        .map(|&v| if neg { -v as f64 } else { v as f64 })
        .collect();
    let m = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = p.iter().map(|&v| (v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|&v| v / s).collect()
}

/// The error of `got` in ULPs of f32 at `want` (subnormal ULP below the normal range); `None`
/// where `got` is 0 and `want` below the normal range (a flush, allowed as everywhere).
fn ulps(got: f32, want: f64) -> Option<f64> {
    if got == 0.0 && want < f32::MIN_POSITIVE as f64 {
        return None;
    }
    let w = want.abs().max(f32::MIN_POSITIVE as f64);
    let ulp = 2f64.powi(w.log2().floor() as i32 - 23);
    Some((got as f64 - want).abs() / ulp)
}

/// Rows of `len` whose maximum rises in several blocks: a base in [-lo, 0], and in a few
/// places a new maximum `step` above the last.
fn rising(len: usize, seed: u64, lo: f64, step: f64) -> Vec<f32> {
    let u = unit(len, seed);
    let mut x: Vec<f32> = u.iter().map(|&v| (-lo * v) as f32).collect();
    let mut top = 0.0;
    for k in 1..6 {
        top += step;
        let at = len * k / 6 + k * 37;
        x[at.min(len - 1)] = top as f32;
    }
    x
}

/// Log-softmax of `x` in f64 with `std`'s `exp` and `ln_1p` (of the sum without the
/// maximum's 1, which would round the tiny sums away): the reference for f32 results.
fn reference_log(x: &[f32]) -> Vec<f64> {
    let m = x
        .iter()
        .map(|&v| v as f64)
        .fold(f64::NEG_INFINITY, f64::max);
    let top = x.iter().position(|&v| v as f64 == m).expect("a maximum");
    let t: f64 = x
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != top)
        .map(|(_, &v)| (v as f64 - m).exp())
        .sum();
    let l = t.ln_1p();
    x.iter().map(|&v| v as f64 - m - l).collect()
}

/// The worst error in ULPs of `LogSoftmax.forward_slice` over the row `x`, against
/// [`reference_log`].
fn log_softmax_worst(x: &[f32]) -> f64 {
    let mut y = vec![0.0f32; x.len()];
    LogSoftmax.forward_slice(x, &mut y);
    y.iter()
        .zip(reference_log(x))
        .map(|(&g, w)| ulps_log(g, w))
        .fold(0.0, f64::max)
}

/// The error of `got` in ULPs of f32 at `want`, both normal (log-softmax).
fn ulps_log(got: f32, want: f64) -> f64 {
    let w = want.abs().max(f32::MIN_POSITIVE as f64);
    (got as f64 - want).abs() / 2f64.powi(w.log2().floor() as i32 - 23)
}

#[test]
fn long_rows_against_an_f64_reference() {
    let n = ONLINE_FROM * 3 / 2 + 123;
    // (base spread, rise): every earlier segment scaled by e^-1 to e^-5 (normal), by about
    // e^-40 per rise (earlier segments subnormal, then 0), and a base wide enough for the
    // `exp` with gradual underflow within blocks.
    let rows = [
        (10.0, 1.0, 1u64),
        (10.0, 40.0, 2),
        (100.0, 3.0, 3),
        (16.0, 0.0, 4),
    ];
    for_each_isa(|isa| {
        for &(lo, step, seed) in &rows {
            let x = rising(n, seed, lo, step);
            for neg in [false, true] {
                let xin: Vec<f32> = if neg {
                    x.iter().map(|&v| -v).collect()
                } else {
                    x.clone()
                };
                let mut y = vec![0.0f32; n];
                if neg {
                    Softmin.forward_slice(&xin, &mut y);
                } else {
                    Softmax.forward_slice(&xin, &mut y);
                }
                let want = reference(&xin, neg);
                let worst = y
                    .iter()
                    .zip(&want)
                    .filter_map(|(&g, &w)| ulps(g, w))
                    .fold(0.0, f64::max);
                // 4 ULP, plus the sum's rounding: n/256 terms per lane, then a tree of 8.
                let bound = 4.0 + ((n / 256) as f64 + 8.0) / 2.0;
                println!("{isa:?} spread {lo} rise {step} neg {neg}: worst {worst:.2} ULP");
                assert!(
                    worst <= bound,
                    "{isa:?} {lo} {step} {neg}: {worst} ULP > {bound}"
                );
                // Near the top (values at least 1e-3 of the largest) the sum's rounding is
                // the same as the three-pass form's: 4 ULP with it, measured.
                let top = want.iter().copied().fold(0.0, f64::max);
                let near = y
                    .iter()
                    .zip(&want)
                    .filter(|&(_, &w)| w >= top * 1e-3)
                    .filter_map(|(&g, &w)| ulps(g, w))
                    .fold(0.0, f64::max);
                assert!(
                    near <= 4.0,
                    "{isa:?} {lo} {step} {neg}: {near} ULP near the top"
                );
            }
            let worst = log_softmax_worst(&x);
            println!("{isa:?} spread {lo} rise {step} log-softmax: worst {worst:.2} ULP");
            assert!(worst <= 4.0, "{isa:?} {lo} {step} log-softmax: {worst} ULP");
        }
    });
}

/// Log-softmax over rows whose other entries are far below the maximum (the sum `t` about
/// `1e-7`, so that the maximum's own 1 counted in `t`, or a tie left out, moves every output by
/// thousands of ULP): the maximum alone in a late block (the blocks before it have no ties, the
/// block that holds it has), tied in the first, a middle and the last block, and every block's
/// maximum tied with the row's. Each against the f64 reference within 4 ULP.
#[test]
fn log_softmax_ties_and_blocks_without_ties() {
    let n = 2 * ONLINE_FROM + 77;
    let u = unit(n, 11);
    let every_block: Vec<usize> = (100..n).step_by(2048).collect();
    let cases: [(&str, Vec<usize>); 4] = [
        ("alone, late", vec![n - 1500]),
        ("alone, last", vec![n - 1]),
        ("first, middle, last", vec![5, n / 2, n - 3]),
        ("every block", every_block),
    ];
    // (maximum, lowest, highest other entry): each form of the difference's error (TwoSum,
    // Fast2Sum with `v` first where `m <= 0`, with `-m` first where every `|v|` is below the
    // power of two above `m`).
    let rows = [
        (1.5, -32.0, -24.0),
        (-0.5, -32.0, -24.0),
        (20.0, -8.0, -3.0),
    ];
    for_each_isa(|isa| {
        for &(top, lo, hi) in &rows {
            for (what, at) in &cases {
                let mut x: Vec<f32> = u.iter().map(|&v| (lo + (hi - lo) * v) as f32).collect();
                for &i in at {
                    x[i] = top as f32;
                }
                let worst = log_softmax_worst(&x);
                assert!(worst <= 4.0, "{isa:?} top {top} {what}: {worst} ULP");
            }
        }
    });
}

fn special<F: Float + core::fmt::Debug>() {
    let n = ONLINE_FROM + 5000;
    let base: Vec<F> = unit(n, 9)
        .into_iter()
        .map(|v| F::from_f64(-8.0 * v))
        .collect();
    let run = |x: &[F]| {
        let (mut a, mut b) = (vec![F::ZERO; n], vec![F::ZERO; n]);
        Softmax.forward_slice(x, &mut a);
        let neg: Vec<F> = x.iter().map(|&v| -v).collect();
        Softmin.forward_slice(&neg, &mut b);
        (a, b)
    };
    let all_nan = |y: &[F]| y.iter().all(|v| v.is_nan());
    // A NaN in the first block, in a late block; +∞ anywhere: every output NaN.
    for (at, v) in [
        (3, F::NAN),
        (n - 2, F::NAN),
        (n / 2, F::INFINITY),
        (10, F::INFINITY),
    ] {
        let mut x = base.clone();
        x[at] = v;
        let (a, b) = run(&x);
        assert!(all_nan(&a) && all_nan(&b), "{v:?} at {at}");
    }
    // Only -∞: NaN, as the three-pass form.
    let (a, b) = run(&vec![-F::INFINITY; n]);
    assert!(all_nan(&a) && all_nan(&b), "only -inf");
    // A first stretch of -∞ (three blocks and more: a segment at -∞) before finite values:
    // 0 there, and the rest as the same values without the stretch would give, up to the
    // sum's rounding; with a NaN in the stretch, every output NaN.
    let dead = 3 * 2048 + 100;
    let mut x = base.clone();
    x[..dead].iter_mut().for_each(|v| *v = -F::INFINITY);
    let (a, b) = run(&x);
    for y in [&a, &b] {
        assert!(y[..dead].iter().all(|&v| v == F::ZERO), "zeros at -inf");
        let s: f64 = y.iter().map(|v| v.to_f64()).sum();
        assert!((s - 1.0).abs() < 1e-3, "the rest sums to 1: {s}");
        assert!(y[dead..].iter().all(|&v| v > F::ZERO));
    }
    let mut l = vec![F::ZERO; n];
    LogSoftmax.forward_slice(&x, &mut l);
    assert!(l[..dead].iter().all(|&v| v == -F::INFINITY), "-inf at -inf");
    let s: f64 = l[dead..].iter().map(|v| v.to_f64().exp()).sum();
    assert!(
        (s - 1.0).abs() < 1e-3,
        "log-softmax: the rest sums to 1: {s}"
    );
    x[dead / 2] = F::NAN;
    let (a, b) = run(&x);
    assert!(all_nan(&a) && all_nan(&b), "NaN among -inf");
    LogSoftmax.forward_slice(&x, &mut l);
    assert!(all_nan(&l), "log-softmax: NaN among -inf");
    // Log-softmax: NaN, +∞ and only -∞ give NaN everywhere; ties at the maximum in two
    // segments (the earlier one's ties are below the final maximum).
    for (at, v) in [(3, F::NAN), (n - 2, F::NAN), (n / 2, F::INFINITY)] {
        let mut x = base.clone();
        x[at] = v;
        LogSoftmax.forward_slice(&x, &mut l);
        assert!(all_nan(&l), "log-softmax {v:?} at {at}");
    }
    LogSoftmax.forward_slice(&vec![-F::INFINITY; n], &mut l);
    assert!(all_nan(&l), "log-softmax: only -inf");
    // Equal entries: 1/n each, log-softmax -ln(n), across every segment.
    let x = vec![F::from_f64(2.5); n];
    LogSoftmax.forward_slice(&x, &mut l);
    let want = -(n as f64).ln();
    assert!(
        l.iter()
            .all(|v| (v.to_f64() - want).abs() <= 4.0 * want.abs() * 1.2e-7),
        "ties"
    );
    Softmax.forward_slice(&x, &mut l);
    assert!(
        l.iter().all(|v| (v.to_f64() * n as f64 - 1.0).abs() < 1e-5),
        "ties"
    );
}

#[test]
fn long_rows_at_special_values() {
    for_each_isa(|_| {
        special::<f32>();
        special::<f64>();
    });
}
