//! The batched methods of the vector built-ins (`forward_rows`, `backward_rows`,
//! `backward_rows_from_output`) give each row the bits of the slice method on that row, in every
//! build and at row widths that take each of the slice methods' builds (short, medium, long);
//! and NaN and -∞ inputs give what the docs say in each build.

use act_core::dispatch::Isa;
use act_core::prelude::*;

mod panics;
use panics::panic_location;

mod isa;
use isa::for_each_isa;

/// Row widths taking the batched methods' builds for rows of 1 to 8 (one each), the build of
/// blocks of rows side by side (9 to 32: every width), the short build (at most 16) and the
/// medium one (at most 64) behind it, and the long one, and their edges.
const WIDTHS: [usize; 37] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
    27, 28, 29, 30, 31, 32, 33, 63, 64, 65, 300,
];

/// Deterministic inputs in about [-spread, spread] (a fixed linear congruential sequence).
fn inputs(n: usize, seed: u64, spread: f64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * spread
        })
        .collect()
}

/// The same bits, or both NaN (a NaN's sign and payload depend on which operation made it:
/// the docs promise NaN, not its bits).
fn same_bits<F: Float>(a: &[F], b: &[F]) -> bool {
    a.iter()
        .zip(b)
        .all(|(p, q)| p.to_f64().to_bits() == q.to_f64().to_bits() || (p.is_nan() && q.is_nan()))
}

fn rows_match_slices<F: Float + core::fmt::Debug, A: VectorActivation + BackwardFromOutput>(
    act: &A,
    isa: Isa,
) {
    for cols in WIDTHS {
        // Many rows where the rows loop is vectorised across rows (the builds for rows of 1
        // to 32): a few hundred, not a multiple of any vector width or of the blocks of 16
        // rows, so that its main loop and its remainder both run; with a NaN, an infinity and
        // a -∞ among them.
        let rows = if cols <= 32 { 301 } else { 5 };
        let conv = |v: Vec<f64>| v.into_iter().map(F::from_f64).collect::<Vec<F>>();
        let mut x = conv(inputs(rows * cols, cols as u64, 30.0));
        if rows > 100 {
            x[37 * cols] = F::NAN;
            x[101 * cols] = F::INFINITY;
            x[202 * cols] = -F::INFINITY;
        }
        let g = conv(inputs(rows * cols, 7 + cols as u64, 1.0));
        let n = rows * cols;
        let (mut y, mut gx, mut gy) = (vec![F::ZERO; n], vec![F::ZERO; n], vec![F::ZERO; n]);
        act.forward_rows(&x, cols, &mut y);
        act.backward_rows(&x, cols, &g, &mut gx);
        act.backward_rows_from_output(&y, cols, &g, &mut gy);
        for r in 0..rows {
            let s = r * cols..(r + 1) * cols;
            let (mut y1, mut gx1, mut gy1) = (
                vec![F::ZERO; cols],
                vec![F::ZERO; cols],
                vec![F::ZERO; cols],
            );
            act.forward_slice(&x[s.clone()], &mut y1);
            act.backward_slice(&x[s.clone()], &g[s.clone()], &mut gx1);
            act.backward_from_output(&y[s.clone()], &g[s.clone()], &mut gy1);
            let what = format!("{} {isa:?} cols {cols} row {r}", A::NAME);
            assert!(
                same_bits(&y[s.clone()], &y1),
                "forward_rows, {what}: {:?} {:?} x {:?}",
                &y[s.clone()],
                y1,
                &x[s.clone()]
            );
            assert!(same_bits(&gx[s.clone()], &gx1), "backward_rows, {what}");
            assert!(
                same_bits(&gy[s.clone()], &gy1),
                "backward_rows_from_output, {what}"
            );
        }
    }
}

#[test]
fn rows_give_the_slice_methods_bits() {
    for_each_isa(|isa| {
        rows_match_slices::<f32, _>(&Softmax, isa);
        rows_match_slices::<f64, _>(&Softmax, isa);
        rows_match_slices::<f32, _>(&LogSoftmax, isa);
        rows_match_slices::<f64, _>(&LogSoftmax, isa);
        rows_match_slices::<f32, _>(&Softmin, isa);
        rows_match_slices::<f64, _>(&Softmin, isa);
    });
}

/// A NaN anywhere in a row makes the whole row NaN; -∞ entries (+∞ for softmin) get 0 while
/// the others share 1; in every build and at every width.
#[test]
fn nan_and_infinite_inputs() {
    for_each_isa(|isa| {
        for cols in WIDTHS.into_iter().filter(|&c| c > 1) {
            let mut x = inputs(cols, 3, 5.0);
            x[cols / 2] = f64::NAN;
            for (name, y) in [
                ("softmax", run(&Softmax, &x)),
                ("softmin", run(&Softmin, &x)),
                ("log_softmax", run(&LogSoftmax, &x)),
            ] {
                assert!(
                    y.iter().all(|v| v.is_nan()),
                    "{name} {isa:?} cols {cols}: {y:?}"
                );
            }
            let mut x = vec![0.0; cols];
            x[0] = f64::NEG_INFINITY;
            let share = 1.0 / (cols - 1) as f64;
            let y = run(&Softmax, &x);
            assert_eq!(y[0], 0.0, "softmax {isa:?} cols {cols}");
            assert!(
                y[1..]
                    .iter()
                    .all(|&v| (v - share).abs() <= 4.0 * f64::EPSILON * share)
            );
            let neg: Vec<f64> = x.iter().map(|v| -v).collect();
            let y = run(&Softmin, &neg);
            assert_eq!(y[0], 0.0, "softmin {isa:?} cols {cols}");
            assert!(
                y[1..]
                    .iter()
                    .all(|&v| (v - share).abs() <= 4.0 * f64::EPSILON * share)
            );
        }
    });
}

fn run<A: VectorActivation>(act: &A, x: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; x.len()];
    act.forward_slice(x, &mut y);
    y
}

/// Widths of the closed-form backward's tests: one and two classes, a short row, a medium row
/// and one past a block of 16.
const CLOSED_WIDTHS: [usize; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 10, 16, 32, 33, 64, 65, 100, 300];

/// The softmax family's VJP from the input in f64 from f32 inputs (the closed form, whose
/// rounding is 2^-29 of an f32 ulp), with the size of the terms it subtracts: `(vjp, scale,
/// kappa)`, `kappa` the largest amplification of rounding `s x_i - max(s x)` (`|d_i| +
/// sum_j p_j |d_j|`, as `tests/accuracy.rs` has it).
fn closed_reference(name: &str, x: &[f32], g: &[f32]) -> (Vec<f64>, Vec<f64>, f64) {
    let sign = if name == "softmin" { -1.0 } else { 1.0 };
    let p: Vec<f64> = x.iter().map(|&v| sign * v as f64).collect();
    let m = p.iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v));
    let e: Vec<f64> = p.iter().map(|v| (v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    let q: Vec<f64> = e.iter().map(|v| v / s).collect();
    let g: Vec<f64> = g.iter().map(|&v| v as f64).collect();
    let dot: f64 = g.iter().zip(&q).map(|(a, b)| a * b).sum();
    let abs_dot: f64 = g.iter().zip(&q).map(|(a, b)| a.abs() * b).sum();
    let sum_g: f64 = g.iter().sum();
    let abs_g: f64 = g.iter().map(|v| v.abs()).sum();
    let d: Vec<f64> = p.iter().map(|v| (v - m).abs()).collect();
    let spread: f64 = d.iter().zip(&q).map(|(a, b)| a * b).sum();
    let kappa = d.iter().fold(0.0f64, |a, &v| a.max(v)) + spread;
    let (vjp, scale) = (0..x.len())
        .map(|i| match name {
            "softmax" => (q[i] * (g[i] - dot), q[i] * (g[i].abs() + abs_dot)),
            "softmin" => (q[i] * (dot - g[i]), q[i] * (g[i].abs() + abs_dot)),
            _ => (g[i] - q[i] * sum_g, g[i].abs() + q[i] * abs_g),
        })
        .unzip();
    (vjp, scale, kappa)
}

fn backward_rows_of(name: &str, x: &[f32], cols: usize, g: &[f32]) -> Vec<f32> {
    let mut gx = vec![f32::NAN; x.len()];
    match name {
        "softmax" => Softmax.backward_rows(x, cols, g, &mut gx),
        "softmin" => Softmin.backward_rows(x, cols, g, &mut gx),
        _ => LogSoftmax.backward_rows(x, cols, g, &mut gx),
    }
    gx
}

/// Rows of the widths the closed form takes (and 64, its last), in f32: random rows and rows
/// with huge spreads (entries far below the maximum, whose `e^(x - max)` is subnormal or 0,
/// and `±3e38`, whose difference overflows to -∞), against the closed form in f64 with the
/// allowance of `tests/accuracy.rs` (`2 (4 + n + κ) eps` of the size of the terms); each row
/// is also computed alone (`backward_slice`) and as the last row of the batch (which runs in
/// the padded copy), with the same bits.
#[test]
fn backward_rows_against_the_closed_form() {
    let eps = f32::EPSILON as f64;
    for_each_isa(|isa| {
        for cols in CLOSED_WIDTHS {
            let mut rows: Vec<Vec<f32>> = (0..6)
                .map(|k| {
                    inputs(
                        cols,
                        100 + k,
                        [1.0, 8.0, 30.0, 100.0, 1e4, 1e30][k as usize],
                    )
                    .into_iter()
                    .map(|v| v as f32)
                    .collect()
                })
                .collect();
            // Huge spreads: one entry far above the rest; the extremes of f32.
            let mut far = vec![-120.0f32; cols];
            far[cols / 2] = 0.0;
            rows.push(far);
            let mut extremes = vec![-3e38f32; cols];
            extremes[cols - 1] = 3e38;
            rows.push(extremes);
            let mut tail: Vec<f32> = (0..cols).map(|i| -(i as f32) * 6.0).collect();
            tail.reverse();
            rows.push(tail);
            let x: Vec<f32> = rows.concat();
            let g: Vec<f32> = inputs(x.len(), 5 + cols as u64, 1.0)
                .into_iter()
                .map(|v| v as f32)
                .collect();
            for name in ["softmax", "softmin", "log_softmax"] {
                let gx = backward_rows_of(name, &x, cols, &g);
                for (r, ((xr, gr), gxr)) in x
                    .chunks(cols)
                    .zip(g.chunks(cols))
                    .zip(gx.chunks(cols))
                    .enumerate()
                {
                    let what = format!("{name} {isa:?} cols {cols} row {r}");
                    let (want, scale, kappa) = closed_reference(name, xr, gr);
                    let tol = 2.0 * (4.0 + cols as f64 + kappa) * eps;
                    // Below the normal range, a few of the subnormals' spacing (2^-149).
                    let tiny = 8.0 * 2f64.powi(-149);
                    for i in 0..cols {
                        let err = (gxr[i] as f64 - want[i]).abs();
                        assert!(
                            err <= tol * scale[i] + tiny,
                            "{what}: gx[{i}] = {:e}, exact {:e} (x = {xr:?})",
                            gxr[i],
                            want[i]
                        );
                    }
                    let alone = backward_rows_of(name, xr, cols, gr);
                    assert!(same_bits(&alone, gxr), "{what}: alone {alone:?}");
                }
            }
        }
    });
}

/// Rows holding special values, at the widths the closed form takes, f32 and f64: a NaN in
/// the input or the gradient, `+∞` (`-∞` for softmin), or only `-∞` make the whole row NaN;
/// an entry at `-∞` (`+∞` for softmin) among finite ones has probability 0, so its gradient is
/// exactly 0 (softmax, softmin) or `g_i` (log-softmax), even where the sum of the gradient
/// overflows; the row's other entries are those of the row without it.
#[test]
fn backward_rows_at_special_values() {
    fn check<F: Float + core::fmt::Debug>(isa: Isa) {
        for cols in CLOSED_WIDTHS {
            let base = inputs(cols, 9 + cols as u64, 4.0);
            let g = inputs(cols, 11, 1.0);
            for (name, sign) in [("softmax", 1.0), ("softmin", -1.0), ("log_softmax", 1.0)] {
                let run = |x: &[f64], g: &[f64]| -> Vec<f64> {
                    let cols = x.len();
                    let conv = |v: &[f64]| v.iter().map(|&a| F::from_f64(a)).collect::<Vec<F>>();
                    // The row second in a batch of three equal rows: windows of the batch.
                    let (x3, g3) = (conv(&x.repeat(3)), conv(&g.repeat(3)));
                    let mut out = vec![F::ZERO; 3 * cols];
                    match name {
                        "softmax" => Softmax.backward_rows(&x3, cols, &g3, &mut out),
                        "softmin" => Softmin.backward_rows(&x3, cols, &g3, &mut out),
                        _ => LogSoftmax.backward_rows(&x3, cols, &g3, &mut out),
                    }
                    out[cols..2 * cols].iter().map(|v| v.to_f64()).collect()
                };
                let what = format!("{name} {isa:?} {} cols {cols}", core::any::type_name::<F>());
                let all_nan = |y: &[f64]| y.iter().all(|v| v.is_nan());
                let mut x = base.clone();
                x[cols / 2] = f64::NAN;
                assert!(all_nan(&run(&x, &g)), "{what}: NaN input");
                let mut gn = g.clone();
                gn[cols - 1] = f64::NAN;
                assert!(all_nan(&run(&base, &gn)), "{what}: NaN gradient");
                let mut x = base.clone();
                x[0] = sign * f64::INFINITY;
                assert!(all_nan(&run(&x, &g)), "{what}: +inf input");
                let x = vec![-sign * f64::INFINITY; cols];
                assert!(all_nan(&run(&x, &g)), "{what}: only -inf");
                if cols < 2 {
                    continue;
                }
                // An entry at -∞: probability 0, the others those of the row without it.
                let k = cols - 1;
                let mut x = base.clone();
                x[k] = -sign * f64::INFINITY;
                for gk in [
                    g.clone(),
                    g.iter().map(|v| v.abs() * 1e38).collect::<Vec<f64>>(),
                ] {
                    if F::from_f64(1e38).is_infinite() && gk[0].abs() > 1.0 {
                        continue; // f16/bf16 have no such gradients
                    }
                    let y = run(&x, &gk);
                    let masked = if name == "log_softmax" { gk[k] } else { 0.0 };
                    assert_eq!(y[k], F::from_f64(masked).to_f64(), "{what}: at -inf, {y:?}");
                    if gk[0].abs() <= 1.0 {
                        let mut rest = run(&x[..k], &gk[..k]);
                        if name == "log_softmax" {
                            // g_i - p_i sum_j g_j: the masked entry's g_k is in the sum.
                            let xr: Vec<F> = x[..k].iter().map(|&v| F::from_f64(v)).collect();
                            let mut p = vec![F::ZERO; k];
                            Softmax.forward_slice(&xr, &mut p);
                            for (r, p) in rest.iter_mut().zip(&p) {
                                *r -= p.to_f64() * F::from_f64(gk[k]).to_f64();
                            }
                        }
                        for i in 0..k {
                            let tol = 64.0 * F::EPSILON.to_f64() * (1.0 + rest[i].abs());
                            assert!(
                                (y[i] - rest[i]).abs() <= tol,
                                "{what}: {y:?} against {rest:?}"
                            );
                        }
                    }
                }
            }
        }
    }
    for_each_isa(|isa| {
        check::<f32>(isa);
        check::<f64>(isa);
    });
}

/// Log-softmax's `g_i - p_i sum_j g_j` where the sum of the gradient overflows `f32` (every
/// `g_j = 3e37`: the sum is `3e37 n`): within the closed form's allowance in every build, at
/// the widths of each build, where the result is finite; ±∞ where it overflows itself.
#[test]
fn log_softmax_where_the_sum_of_the_gradient_overflows() {
    let eps = f32::EPSILON as f64;
    for_each_isa(|isa| {
        for cols in CLOSED_WIDTHS.into_iter().filter(|&c| c >= 16) {
            let x: Vec<f32> = inputs(cols, 21 + cols as u64, 6.0)
                .into_iter()
                .map(|v| v as f32)
                .collect();
            let g = vec![3e37f32; cols];
            let gx = backward_rows_of("log_softmax", &x, cols, &g);
            let (want, scale, kappa) = closed_reference("log_softmax", &x, &g);
            let tol = 2.0 * (4.0 + cols as f64 + kappa) * eps;
            for i in 0..cols {
                if want[i].abs() > f32::MAX as f64 {
                    // The result itself overflows (a large p_i).
                    assert_eq!(gx[i] as f64, want[i].signum() * f64::INFINITY, "{isa:?}");
                    continue;
                }
                assert!(
                    gx[i].is_finite() && (gx[i] as f64 - want[i]).abs() <= tol * scale[i],
                    "{isa:?} cols {cols}: gx[{i}] = {:e}, exact {:e}",
                    gx[i],
                    want[i]
                );
            }
        }
    });
}

/// A batch that is not a whole number of rows panics at the caller's line
/// (`#[track_caller]` on the generated rows methods), not inside act-core where the built-in
/// is declared, for each of the three rows methods.
#[test]
fn wrongly_shaped_batches_panic_at_the_callers_line() {
    let (x, mut y) = ([1.0f64, 2.0, 3.0], [0.0f64; 3]);
    let forward = move || Softmax.forward_rows(&x, 2, &mut y);
    let forward_line = line!() - 1;
    let backward = move || LogSoftmax.backward_rows(&x, 2, &x, &mut y);
    let backward_line = line!() - 1;
    let from_output = move || Softmin.backward_rows_from_output(&x, 2, &x, &mut y);
    let from_output_line = line!() - 1;
    let needle = "not a whole number of rows of 2 columns";
    let cases = [
        (forward_line, panic_location(needle, forward)),
        (backward_line, panic_location(needle, backward)),
        (from_output_line, panic_location(needle, from_output)),
    ];
    for (line, (file, at)) in cases {
        assert!(
            file.ends_with("vector_rows.rs"),
            "panic located in {file}:{at}"
        );
        assert_eq!(at, line);
    }
}
