//! The compensated forms of a body: where the rounding of an argument would be amplified (an
//! affine sum near its root, `exp` of a difference of inputs, `erfc` of `x` times an inexact
//! constant, `exp` of `c x^2`), what to compute instead. The shapes themselves are recognized
//! by [`crate::shape`], which the interpreter reads too; here only what the generated code
//! adds (the nodes it binds, the constants it folds).

use super::{Affine, Facts};
use crate::dd::Dd;
use crate::graph::{Func, Graph, Id, Node};
use crate::shape;

/// An affine sum `c·u + k` (constants `c` and `k`, `c` not ±1) evaluated as
/// `c·(u - u0) + r`, with `u0` its root `-k/c` rounded to the type and `r = c·u0 + k` the
/// residual (computed at compile time in double-double, then rounded): near the root
/// `u - u0` is exact (Sterbenz) and the result carries one rounding, where `c·u + k`
/// cancels (Keras's hard sigmoid `0.2 x + 0.5` just above -2.5 was tens of ULP off). The
/// constants are the f64 values of the literals, as everywhere.
pub(super) fn affine_near_root(facts: &Facts, id: Id) -> Option<Affine> {
    let g = facts.g;
    let Node::Sum(ts) = g.node(id) else {
        return None;
    };
    let [a, b] = ts[..] else {
        return None;
    };
    let (term, k) = match (g.as_const(a), g.as_const(b)) {
        (None, Some(k)) => (a, k),
        (Some(k), None) => (b, k),
        _ => return None,
    };
    let Node::Prod(fs) = g.node(term) else {
        return None;
    };
    let [cf, u] = fs[..] else {
        return None;
    };
    let c = g.as_const(cf)?;
    if c.abs() == 1.0 || facts.is_const(u) || !c.is_finite() || !k.is_finite() || k == 0.0 {
        return None;
    }
    // The root and residual for each precision: f64, and f32 (which the half types use too).
    let root = |round: &dyn Fn(f64) -> f64| {
        let u0 = round(-k / c);
        let r = Dd::from(c) * Dd::from(u0) + Dd::from(k);
        (u0, round(r.hi + r.lo))
    };
    let f64_root = root(&|v| v);
    let f32_root = root(&|v| v as f32 as f64);
    (f64_root.0.is_finite() && f32_root.0.is_finite()).then_some(Affine {
        c,
        u,
        f64_root,
        f32_root,
    })
}

/// Sums `p + q` of two inputs that are the argument of an `exp` ([`shape::input_difference`]),
/// both terms bound: their rounding error is computed (two-sum) and the `exp` corrected by it
/// (`exp(u + err) = exp(u) (1 + err)`), so that softmax's `exp(x - max(x))` is exact in the
/// inputs however far apart they are.
pub(super) fn exact_differences(facts: &Facts) -> Vec<bool> {
    let g = facts.g;
    let n = facts.live.last().map_or(0, |l| l.index() + 1);
    let mut out = vec![false; n];
    let needed = |id: Id| facts.needed[id.index()];
    for &id in &facts.live {
        let Node::Call(Func::Exp, a) = *g.node(id) else {
            continue;
        };
        if !facts.active(id) || Some(a) == facts.stored || !needed(a) {
            continue;
        }
        out[a.index()] =
            shape::input_difference(g, a).is_some_and(|ts| ts.iter().all(|&t| needed(t)));
    }
    out
}

/// For each node: `Some((n, d))` where it is a quotient `n / d` read by an `exp`
/// ([`shape::input_quotient`]: an input over a parameter, CELU's `x / alpha`), both bound.
/// The code computes it as `n / d`, rounded once, so the quotient's rounding error is
/// computed (`quotient_err`) and corrects the `exp` as an exact difference's does.
pub(super) fn exp_quotients(facts: &Facts) -> Vec<Option<(Id, Id)>> {
    let g = facts.g;
    let n = facts.live.last().map_or(0, |l| l.index() + 1);
    let mut out = vec![None; n];
    let needed = |id: Id| facts.needed[id.index()];
    let is_const = |id: Id| facts.is_const(id);
    for &id in &facts.live {
        let Node::Call(Func::Exp, a) = *g.node(id) else {
            continue;
        };
        if !facts.active(id) || Some(a) == facts.stored || !needed(a) || facts.is_const(a) {
            continue;
        }
        out[a.index()] =
            shape::input_quotient(g, a, &is_const).filter(|&(num, d)| needed(num) && needed(d));
    }
    out
}

/// `x · c` for a constant `c` ([`shape::x_times_constant`]) that is not exact in `f64`: `c` as
/// a double-double. `erfc` of such an argument is computed with the product's rounding error
/// (`FloatKernels::__erfc_mul`); an exact constant's product is left as it is.
pub(super) fn x_times_constant(g: &Graph, id: Id, is_const: &dyn Fn(Id) -> bool) -> Option<Dd> {
    shape::x_times_constant(g, id, is_const)
        .map(|(_, c)| c)
        .filter(|c| c.lo != 0.0)
}

/// `c · x^2` for a constant power of two `c` (`-x^2 / 2`, [`shape::power_of_two_times_square`]):
/// `c`. `exp` of it is computed with `x^2` split exactly (`FloatKernels::__exp_sq`).
pub(super) fn power_of_two_times_square(
    g: &Graph,
    id: Id,
    is_const: &dyn Fn(Id) -> bool,
) -> Option<f64> {
    shape::power_of_two_times_square(g, id, is_const).map(|(c, _)| c)
}

/// `c1·x + c3·x^3`, or a constant times such a sum ([`shape::odd_cubic`]): `(c1, c3)`. The
/// generated code computes its rounding error (`act_core::__private::odd_cubic_err`) and
/// corrects the `sigmoid`, `sigmoid'` or `exp` of it.
pub(super) fn odd_cubic(g: &Graph, id: Id, is_const: &dyn Fn(Id) -> bool) -> Option<(Dd, Dd)> {
    shape::odd_cubic(g, id, is_const).map(|c| (c.c1, c.c3))
}
