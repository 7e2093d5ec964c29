//! The argument shapes whose rounding a call amplifies in its tail, recognized in one place
//! for the two evaluators: the generated code (`codegen::plan::compensated`, which emits the
//! compensated form as tokens) and the interpreter ([`crate::eval`], which evaluates it in
//! `f64`). Each function here only reads the graph; what is computed from a match, and any
//! condition of the generated code alone (a node it binds, a constant it folds), stays with
//! the evaluator.
//!
//! `is_const` tells which nodes are constants (no input, parameter or reduction below them):
//! [`Graph::is_constant`] for the interpreter, the plan's folded nodes for the generated code.

use crate::dd::{self, Dd};
use crate::graph::{Graph, Id, Node};

/// Whether a term is an input (`x`, a gated activation's `b`, a reduction's value) or one
/// negated (`-1 · x`): a term of an exact difference.
pub(crate) fn input_term(g: &Graph, t: Id) -> bool {
    let leaf = |id: Id| matches!(g.node(id), Node::X | Node::B | Node::Red(_));
    match g.node(t) {
        Node::Prod(fs) => fs.len() == 2 && g.as_const(fs[0]) == Some(-1.0) && leaf(fs[1]),
        _ => leaf(t),
    }
}

/// A sum `p + q` of two [`input_term`]s (softmax's `x - max(x)`): its two terms. As an
/// argument of `exp`, its rounding error (two-sum) corrects the `exp`,
/// `exp(u + err) = exp(u) (1 + err)`: the rounded difference alone costs
/// `|x - max(x)| eps / 2` of relative error.
pub(crate) fn input_difference(g: &Graph, a: Id) -> Option<[Id; 2]> {
    let Node::Sum(ts) = g.node(a) else {
        return None;
    };
    let [p, q] = ts[..] else {
        return None;
    };
    (input_term(g, p) && input_term(g, q)).then_some([p, q])
}

/// A quotient `n / d` (the product `n · d^-1`, factors in either order) of an input `n` (`x`,
/// a gated activation's `b`) over a value `d` that is not a constant (a parameter: CELU's
/// `x / alpha`): `(n, d)`. As an argument of `exp`, the division's rounding error corrects the
/// `exp` (92 ULP for CELU's derivative at `x = -1000`, `alpha = 3` without). A constant
/// denominator is folded into a constant factor instead, and is not this shape.
pub(crate) fn input_quotient(g: &Graph, a: Id, is_const: &dyn Fn(Id) -> bool) -> Option<(Id, Id)> {
    let Node::Prod(fs) = g.node(a) else {
        return None;
    };
    let [p, q] = fs[..] else {
        return None;
    };
    let quotient = |num: Id, den: Id| match *g.node(den) {
        Node::Pow(d, -1) if matches!(g.node(num), Node::X | Node::B) && !is_const(d) => {
            Some((num, d))
        }
        _ => None,
    };
    // Canonical order puts the power after the input, but take either.
    quotient(p, q).or_else(|| quotient(q, p))
}

/// Factors `fs` that are constants but one: the constants' product in double-double (1
/// without any) and the other factor.
fn constant_times(g: &Graph, fs: &[Id], is_const: &dyn Fn(Id) -> bool) -> Option<(Dd, Id)> {
    let (consts, rest): (Vec<Id>, Vec<Id>) = fs.iter().partition(|&&f| is_const(f));
    let [r] = rest[..] else {
        return None;
    };
    let c = consts
        .iter()
        .fold(Dd::from(1.0), |acc, &k| acc * dd::eval(g, k));
    Some((c, r))
}

/// `x · c` for a product `c` of one or more constants, finite: `x`'s node and `c` in
/// double-double (`-x / sqrt(2)`'s `-1/sqrt 2`). `erfc` of it is computed with the product in
/// two parts: in the tail `erfc(a)` multiplies the relative error of `a` by about `2 a^2`.
pub(crate) fn x_times_constant(
    g: &Graph,
    a: Id,
    is_const: &dyn Fn(Id) -> bool,
) -> Option<(Id, Dd)> {
    let Node::Prod(fs) = g.node(a) else {
        return None;
    };
    let (c, x) = constant_times(g, fs, is_const)?;
    let finite = c.hi.is_finite() && c.lo.is_finite();
    (fs.len() > 1 && matches!(g.node(x), Node::X) && finite).then_some((x, c))
}

/// `c · x^2` for a constant `c` that is a power of two (`-x^2 / 2`): `c` and `x`'s node.
/// `exp` of it is computed with `x^2` split exactly: the rounding of `x^2` would cost
/// `|c| x^2` ULP.
pub(crate) fn power_of_two_times_square(
    g: &Graph,
    a: Id,
    is_const: &dyn Fn(Id) -> bool,
) -> Option<(f64, Id)> {
    let Node::Prod(fs) = g.node(a) else {
        return None;
    };
    let (c, square) = constant_times(g, fs, is_const)?;
    let Node::Pow(x, 2) = *g.node(square) else {
        return None;
    };
    let power_of_two =
        c.hi != 0.0 && c.hi.is_finite() && c.hi.abs().to_bits() & ((1u64 << 52) - 1) == 0;
    (fs.len() > 1 && matches!(g.node(x), Node::X) && c.lo == 0.0 && power_of_two)
        .then_some((c.hi, x))
}

/// An odd cubic `c1·x + c3·x^3` (see [`odd_cubic`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct OddCubic {
    /// The coefficient of `x`, from the literals.
    pub c1: Dd,
    /// The coefficient of `x^3`, not 0.
    pub c3: Dd,
    /// `x`'s node.
    pub x: Id,
}

/// `c1·x + c3·x^3`, or a constant times such a sum (GELU-tanh's
/// `2 sqrt(2/pi) (x + 0.044715 x^3)`), with `c3 != 0` and the coefficients finite, each a
/// double-double from the literals. The `sigmoid`, `sigmoid'` or `exp` of it is corrected by
/// its rounding error (`act_core::__private::odd_cubic_err` in the generated code): in the
/// tail they multiply the argument's relative error by the argument (GELU-tanh's value was
/// 186 ULP off in f32 at x = -8.9).
pub(crate) fn odd_cubic(g: &Graph, a: Id, is_const: &dyn Fn(Id) -> bool) -> Option<OddCubic> {
    let one = Dd::from(1.0);
    let (k, sum) = match g.node(a) {
        Node::Prod(fs) => constant_times(g, fs, is_const)?,
        Node::Sum(_) => (one, a),
        _ => return None,
    };
    let Node::Sum(ts) = g.node(sum) else {
        return None;
    };
    let (mut c1, mut c3, mut x) = (Dd::from(0.0), Dd::from(0.0), None);
    for &t in ts {
        let (c, base) = match g.node(t) {
            Node::Prod(fs) => constant_times(g, fs, is_const)?,
            _ => (one, t),
        };
        match *g.node(base) {
            Node::X => {
                c1 = c1 + c;
                x = Some(base);
            }
            Node::Pow(b, 3) if matches!(g.node(b), Node::X) => {
                c3 = c3 + c;
                x = Some(b);
            }
            _ => return None,
        }
    }
    let (c1, c3) = (k * c1, k * c3);
    let finite = [c1.hi, c1.lo, c3.hi, c3.lo].iter().all(|v| v.is_finite());
    (finite && c3.hi != 0.0).then_some(OddCubic { c1, c3, x: x? })
}
