//! Numerical facts about a formula graph that the metadata and the code generator need, at
//! compile time (the macro) and at run time (`Formula`, the CLI): where its branches switch,
//! whether its straight-line code gives NaN at huge inputs, and, for vector formulas, their
//! values over a whole input and whether they are shift invariant.

use crate::analysis;
use crate::eval;
use crate::graph::{Func, Graph, Id, Node};

/// The switching expressions of `roots`: `a - b` for each `if a CMP b`, `max(a, b)` and
/// `min(a, b)`, and the argument of each `abs`, where they depend on `x`. Their sign changes
/// are the inputs where the formula or its derivative may jump.
pub fn switches(g: &mut Graph, roots: &[Id]) -> Vec<Id> {
    let mut diffs = Vec::new();
    for id in g.reachable(roots) {
        match *g.node(id) {
            Node::Select(_, a, b, _, _) | Node::Max(a, b) | Node::Min(a, b) => diffs.push((a, b)),
            Node::Call(Func::Abs, u) => diffs.push((u, u)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (a, b) in diffs {
        let d = if a == b { a } else { g.sub(a, b) };
        if g.depends_on_x(d) && !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// Inputs where a branch, `max`/`min` or `abs` switches, at the given parameters.
pub fn thresholds(g: &mut Graph, roots: &[Id], params: &[f64]) -> Vec<f64> {
    let grid = analysis::grid();
    let mut out = Vec::new();
    for d in switches(g, roots) {
        out.extend(analysis::sign_changes(
            &|x| eval::eval(g, d, x, params, &[]),
            &grid,
        ));
    }
    out.sort_by(f64::total_cmp);
    out.dedup();
    out
}

/// Whether the straight-line evaluation of `root` gives NaN at an input that is not NaN, over
/// the analysis grid (out to ±MAX) and ±∞, at the given parameters and at multiples of them (a
/// parameter may be set to anything at run time).
pub fn makes_nan_at_large_inputs(g: &Graph, root: Id, params: &[f64]) -> bool {
    let mut xs = analysis::grid();
    xs.extend([f64::INFINITY, f64::NEG_INFINITY]);
    let scales: &[f64] = if params.is_empty() {
        &[1.0]
    } else {
        &[1.0, 0.5, 2.0, 10.0, 0.1, -1.0, 0.0]
    };
    scales.iter().any(|&k| {
        let ps: Vec<f64> = params.iter().map(|p| p * k).collect();
        xs.iter()
            .any(|&x| eval::eval_all(g, root, x, &ps, &[])[root.index()].is_nan())
    })
}

/// Sample vectors for checking a vector activation's declared range and its shift invariance.
pub fn sample_vectors() -> Vec<Vec<f64>> {
    let mut v = vec![
        vec![0.0],
        vec![1000.0, 710.0, 709.0, -3.0],
        vec![-1.0, 0.0, 1.0],
        vec![1e300, -1e300],
        vec![5.0, 5.0, 5.0, 5.0],
        vec![-50.0, 50.0],
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for n in [2usize, 3, 5, 8, 16] {
        let row = (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 11) as f64 / (1u64 << 53) as f64 * 20.0 - 10.0
            })
            .collect();
        v.push(row);
    }
    v
}

/// Evaluates a vector formula on a whole input.
pub fn eval_vector(g: &Graph, f: Id, xs: &[f64], params: &[f64]) -> Vec<f64> {
    let reds = eval::eval_reductions(g, xs, params);
    xs.iter()
        .map(|&x| eval::eval(g, f, x, params, &reds))
        .collect()
}

/// Whether `f(x + c) = f(x)` on the moderate sample vectors, for two shifts `c`, to a relative
/// 1e-9 (what rounding allows).
pub fn is_shift_invariant(g: &Graph, f: Id, params: &[f64]) -> bool {
    sample_vectors()
        .into_iter()
        .filter(|v| v.iter().all(|x| x.abs() <= 100.0))
        .all(|v| {
            let y = eval_vector(g, f, &v, params);
            [0.75, -3.5].iter().all(|c| {
                let shifted: Vec<f64> = v.iter().map(|x| x + c).collect();
                let z = eval_vector(g, f, &shifted, params);
                y.iter()
                    .zip(&z)
                    .all(|(a, b)| (a - b).abs() <= 1e-9 * (1.0 + a.abs()))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Cmp;

    #[test]
    fn value_and_derivative_are_watched_for_nan_apart() {
        let mut g = Graph::new();
        let x = g.x();
        let zero = g.num(0.0);
        let one = g.num(1.0);
        let (alpha, scale) = (g.param(0), g.param(1));
        let ex = g.call(Func::Exp, x);
        let em1 = g.sub(ex, one);
        let tail = g.mul(alpha, em1);
        let elu = g.select(Cmp::Gt, x, zero, x, tail);
        // SELU: `scale * x` is `0 * ∞` at scale = 0, x = ∞ ...
        let selu = g.mul(scale, elu);
        let params = [1.67, 1.05];
        assert!(makes_nan_at_large_inputs(&g, selu, &params));
        // ... while its derivative `x > 0 ? scale : scale alpha e^x` never gives NaN.
        let scale_alpha = g.mul(scale, alpha);
        let tail_d = g.mul(scale_alpha, ex);
        let selu_d = g.select(Cmp::Gt, x, zero, scale, tail_d);
        assert!(!makes_nan_at_large_inputs(&g, selu_d, &params));
        // ELU itself never does.
        assert!(!makes_nan_at_large_inputs(&g, elu, &params));
        // x sigmoid(x) is `-∞ * 0` at -∞, without parameters.
        let s = g.call(Func::Sigmoid, x);
        let swish = g.mul(x, s);
        assert!(makes_nan_at_large_inputs(&g, swish, &[]));
    }
}
