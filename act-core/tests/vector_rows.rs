//! The batched methods of the vector built-ins (`forward_rows`, `backward_rows`,
//! `backward_rows_from_output`) give each row the bits of the slice method on that row, in every
//! build and at row widths that take each of the slice methods' builds (short, medium, long);
//! and NaN and -∞ inputs give what the docs say in each build.

use std::sync::Mutex;

use act_core::dispatch::{self, Isa};
use act_core::prelude::*;

/// The dispatch level is process-wide: the tests forcing it take turns.
static ISA_LOCK: Mutex<()> = Mutex::new(());

/// Runs `f` once per instruction-set level this CPU has, with that level forced.
fn for_each_isa(mut f: impl FnMut(Isa)) {
    let _guard = ISA_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    for isa in Isa::available() {
        dispatch::force(Some(isa)).expect("an available level");
        f(isa);
    }
    dispatch::force(None).expect("back to automatic");
}

/// Row widths taking the short build (at most 16), the medium one (at most 64) and the long
/// one, and their edges.
const WIDTHS: [usize; 7] = [1, 10, 16, 17, 64, 65, 300];

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

fn same_bits<F: Float>(a: &[F], b: &[F]) -> bool {
    a.iter()
        .zip(b)
        .all(|(p, q)| p.to_f64().to_bits() == q.to_f64().to_bits())
}

fn rows_match_slices<F: Float, A: VectorActivation + BackwardFromOutput>(act: &A, isa: Isa) {
    for cols in WIDTHS {
        let rows = 5;
        let conv = |v: Vec<f64>| v.into_iter().map(F::from_f64).collect::<Vec<F>>();
        let x = conv(inputs(rows * cols, cols as u64, 30.0));
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
            assert!(same_bits(&y[s.clone()], &y1), "forward_rows, {what}");
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
