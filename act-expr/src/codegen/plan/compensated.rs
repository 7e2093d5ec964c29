//! The compensated forms of a body: where the rounding of an argument would be amplified (an
//! affine sum near its root, `exp` of a difference of inputs, `erfc` of `x` times an inexact
//! constant, `exp` of `c x^2`), what to compute instead.

use super::{Affine, Facts};
use crate::dd::{self, Dd};
use crate::graph::{Func, Graph, Id, Node};

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

/// Sums `p + q` of two inputs (`x`, a gated activation's `b`, a reduction's value, or one of
/// them negated: `x - max(x)`) that are the argument of an `exp`: their rounding error is
/// computed (two-sum) and the `exp` corrected by it (`exp(u + err) = exp(u) (1 + err)`), so
/// that softmax's `exp(x - max(x))` is exact in the inputs however far apart they are (the
/// rounded difference alone costs `|x - max(x)| eps / 2` of relative error).
pub(super) fn exact_differences(facts: &Facts) -> Vec<bool> {
    let g = facts.g;
    let n = facts.live.last().map_or(0, |l| l.index() + 1);
    let mut out = vec![false; n];
    let leaf = |id: Id| match g.node(id) {
        Node::X | Node::B | Node::Red(_) => true,
        Node::Prod(fs) => {
            fs.len() == 2
                && g.as_const(fs[0]) == Some(-1.0)
                && matches!(g.node(fs[1]), Node::X | Node::B | Node::Red(_))
        }
        _ => false,
    };
    let needed = |id: Id| facts.needed[id.index()];
    for &id in &facts.live {
        let Node::Call(Func::Exp, a) = *g.node(id) else {
            continue;
        };
        if !facts.active(id) || Some(a) == facts.stored || !needed(a) {
            continue;
        }
        if let Node::Sum(ts) = g.node(a)
            && ts.len() == 2
            && ts.iter().all(|&t| leaf(t) && needed(t))
        {
            out[a.index()] = true;
        }
    }
    out
}

/// For each node: `Some((n, d))` where it is a quotient `n / d`, an input (`x`, a gated
/// activation's `b`) over a value that is not a constant (a parameter: CELU's `x / alpha`),
/// read by an `exp`. The code computes it as `n / d`, rounded once; `exp` multiplies that
/// rounding by `|n / d|` (92 ULP for CELU's derivative at `x = -1000`, `alpha = 3`), so the
/// quotient's rounding error is computed (`quotient_err`) and corrects the `exp` as an exact
/// difference's does. A constant denominator is folded into a rounded constant factor
/// instead, and stays uncorrected.
pub(super) fn exp_quotients(facts: &Facts) -> Vec<Option<(Id, Id)>> {
    let g = facts.g;
    let n = facts.live.last().map_or(0, |l| l.index() + 1);
    let mut out = vec![None; n];
    let needed = |id: Id| facts.needed[id.index()];
    for &id in &facts.live {
        let Node::Call(Func::Exp, a) = *g.node(id) else {
            continue;
        };
        if !facts.active(id) || Some(a) == facts.stored || !needed(a) || facts.is_const(a) {
            continue;
        }
        let Node::Prod(fs) = g.node(a) else {
            continue;
        };
        let [p, q] = fs[..] else {
            continue;
        };
        // Canonical order puts the power after the input, but take either.
        let quotient = |num: Id, den: Id| match *g.node(den) {
            Node::Pow(d, -1)
                if matches!(g.node(num), Node::X | Node::B)
                    && !facts.is_const(d)
                    && needed(num)
                    && needed(d) =>
            {
                Some((num, d))
            }
            _ => None,
        };
        out[a.index()] = quotient(p, q).or_else(|| quotient(q, p));
    }
    out
}

/// `x · c` for a constant `c` (a product of constants) that is not exact in `f64`: `c` as a
/// double-double. `erfc` of such an argument is computed with the product's rounding error
/// (`FloatKernels::__erfc_mul`): in the tail, `erfc(a)` multiplies the relative error of `a` by
/// about `2 a^2`.
pub(super) fn x_times_constant(g: &Graph, id: Id, is_const: &dyn Fn(Id) -> bool) -> Option<Dd> {
    let Node::Prod(fs) = g.node(id) else {
        return None;
    };
    let (consts, rest): (Vec<Id>, Vec<Id>) = fs.iter().partition(|&&f| is_const(f));
    if consts.is_empty() || rest.len() != 1 || !matches!(g.node(rest[0]), Node::X) {
        return None;
    }
    let c = consts
        .iter()
        .fold(Dd::from(1.0), |acc, &k| acc * dd::eval(g, k));
    (c.lo != 0.0 && c.lo.is_finite() && c.hi.is_finite()).then_some(c)
}

/// `c · x^2` for a constant power of two `c` (`-x^2 / 2`): `c`. `exp` of it is computed with
/// `x^2` split exactly (`FloatKernels::__exp_sq`): the rounding of `x^2` would cost `|c| x^2` ulps.
pub(super) fn power_of_two_times_square(
    g: &Graph,
    id: Id,
    is_const: &dyn Fn(Id) -> bool,
) -> Option<f64> {
    let Node::Prod(fs) = g.node(id) else {
        return None;
    };
    let (consts, rest): (Vec<Id>, Vec<Id>) = fs.iter().partition(|&&f| is_const(f));
    if consts.is_empty()
        || rest.len() != 1
        || !matches!(g.node(rest[0]), Node::Pow(a, 2) if matches!(g.node(*a), Node::X))
    {
        return None;
    }
    let c = consts
        .iter()
        .fold(Dd::from(1.0), |acc, &k| acc * dd::eval(g, k));
    let power_of_two =
        c.hi != 0.0 && c.hi.is_finite() && c.hi.abs().to_bits() & ((1u64 << 52) - 1) == 0;
    (c.lo == 0.0 && power_of_two).then_some(c.hi)
}

/// `c1·x + c3·x^3`, or a constant times such a sum (GELU-tanh's
/// `2 sqrt(2/pi) (x + 0.044715 x^3)`), with `c3 != 0`: `(c1, c3)` as double-doubles. The
/// rounding error of such an argument is computed (`act_core::__private::odd_cubic_err`) and
/// the `sigmoid`, `sigmoid'` or `exp` of it corrected by it: in the tail they multiply the
/// argument's relative error by the argument (GELU-tanh's value was 186 ULP off in f32 at
/// x = -8.9).
pub(super) fn odd_cubic(g: &Graph, id: Id, is_const: &dyn Fn(Id) -> bool) -> Option<(Dd, Dd)> {
    let one = Dd::from(1.0);
    let is_x = |i: Id| matches!(g.node(i), Node::X);
    let constant_times = |fs: &[Id]| -> Option<(Dd, Id)> {
        let (consts, rest): (Vec<Id>, Vec<Id>) = fs.iter().partition(|&&f| is_const(f));
        let [r] = rest[..] else {
            return None;
        };
        Some((consts.iter().fold(one, |acc, &k| acc * dd::eval(g, k)), r))
    };
    let (k, sum) = match g.node(id) {
        Node::Prod(fs) => constant_times(fs)?,
        Node::Sum(_) => (one, id),
        _ => return None,
    };
    let Node::Sum(ts) = g.node(sum) else {
        return None;
    };
    let (mut c1, mut c3) = (Dd::from(0.0), Dd::from(0.0));
    for &t in ts {
        let (c, base) = match g.node(t) {
            Node::Prod(fs) => constant_times(fs)?,
            _ => (one, t),
        };
        match *g.node(base) {
            Node::X => c1 = c1 + c,
            Node::Pow(a, 3) if is_x(a) => c3 = c3 + c,
            _ => return None,
        }
    }
    let (c1, c3) = (k * c1, k * c3);
    let finite = [c1.hi, c1.lo, c3.hi, c3.lo].iter().all(|v| v.is_finite());
    (finite && c3.hi != 0.0).then_some((c1, c3))
}
