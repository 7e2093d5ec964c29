//! Which products by a parameter can reach the overflow threshold: those whose other factors
//! grow without bound over the inputs where the product's value is used. Generated code
//! multiplies a parameter `p` (an `f64`) in the type `F` as `F::from_f64(p) * a`, two
//! roundings: harmless but at the threshold, where the rounded parameter can carry the
//! product across it (SELU's `scale x` was `∞` at x = 3.2386221e38 in `f32`, where the exact
//! value rounds to `f32::MAX`). Such products round once (`FloatKernels::__mul_param`); the
//! others, bounded for every input (`alpha (exp(x) - 1)` for x <= 0), keep the plain product
//! and its speed. An elementwise activation's methods with such products also have a plain
//! twin, which its loops run where the parameters make the plain product as right
//! (`FloatKernels::__plain_param`: an `f32`, or at most 1 in magnitude; the defaults of leaky
//! ReLU, PReLU and CELU), chosen once per call (`codegen/elementwise.rs`).
//!
//! The inputs where a value is used: the branches of `if x CMP c { .. } else { .. }` (a
//! constant `c`) see only their side of `c`; every other node, the inputs of its users.

use std::collections::HashMap;

use crate::graph::{Cmp, Func, Graph, Id, Node};

/// An interval of inputs `[lo, hi]` (the sides' ends are not told apart: only whether an end
/// is infinite matters).
type Inputs = (f64, f64);

const ALL: Inputs = (f64::NEG_INFINITY, f64::INFINITY);

/// Whether a value can be arbitrarily large below (towards -∞) and above (towards +∞).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Reach {
    below: bool,
    above: bool,
}

const BOUNDED: Reach = Reach {
    below: false,
    above: false,
};
const BOTH: Reach = Reach {
    below: true,
    above: true,
};

impl Reach {
    fn any(self) -> bool {
        self.below || self.above
    }
    fn flipped(self) -> Reach {
        Reach {
            below: self.above,
            above: self.below,
        }
    }
    fn or(self, o: Reach) -> Reach {
        Reach {
            below: self.below || o.below,
            above: self.above || o.above,
        }
    }
}

/// For each node reachable from `roots` (indexed by id): whether it is a product with a
/// parameter factor whose other factors can grow without bound where its value is used.
pub(super) fn param_products(g: &Graph, roots: &[Id]) -> Vec<bool> {
    let n = roots.iter().map(|r| r.index() + 1).max().unwrap_or(0);
    let mut marked = vec![false; n];
    let mut memo = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<(Id, Inputs)> = roots.iter().map(|&r| (r, ALL)).collect();
    while let Some((id, inputs)) = stack.pop() {
        if !seen.insert((id, inputs.0.to_bits(), inputs.1.to_bits())) {
            continue;
        }
        let node = g.node(id);
        if let Node::Prod(fs) = node {
            let has_param = fs.iter().any(|&f| matches!(g.node(f), Node::Param(_)));
            let others_grow = fs
                .iter()
                .filter(|&&f| !matches!(g.node(f), Node::Param(_)))
                .any(|&f| reach(g, f, inputs, &mut memo).any());
            marked[id.index()] |= has_param && others_grow;
        }
        match *node {
            Node::Select(cmp, a, b, th, el) => {
                let (t, e) = split(g, cmp, a, b, inputs);
                stack.extend([(a, inputs), (b, inputs), (th, t), (el, e)]);
            }
            _ => stack.extend(g.children(node).into_iter().map(|c| (c, inputs))),
        }
    }
    marked
}

/// The inputs of the two branches of `if a CMP b`, within `inputs`: narrowed where the test
/// compares `x` with a constant (NaN, which takes the `else` side, has no size).
fn split(g: &Graph, cmp: Cmp, a: Id, b: Id, inputs: Inputs) -> (Inputs, Inputs) {
    let (lo, hi) = inputs;
    let below = |c: f64| (lo, hi.min(c));
    let above = |c: f64| (lo.max(c), hi);
    match (g.node(a), g.as_const(b), g.as_const(a), g.node(b)) {
        // x > c, x >= c: then x >= c, else x <= c.
        (Node::X, Some(c), _, _) => match cmp {
            Cmp::Gt | Cmp::Ge => (above(c), below(c)),
            Cmp::Lt | Cmp::Le => (below(c), above(c)),
        },
        // c > x: then x <= c, else x >= c.
        (_, _, Some(c), Node::X) => match cmp {
            Cmp::Gt | Cmp::Ge => (below(c), above(c)),
            Cmp::Lt | Cmp::Le => (above(c), below(c)),
        },
        _ => (inputs, inputs),
    }
}

/// How far node `id` can grow over `inputs`, conservatively (unknown: both ways).
fn reach(g: &Graph, id: Id, inputs: Inputs, memo: &mut HashMap<(Id, u64, u64), Reach>) -> Reach {
    let key = (id, inputs.0.to_bits(), inputs.1.to_bits());
    if let Some(&r) = memo.get(&key) {
        return r;
    }
    let r = |c: Id, memo: &mut HashMap<_, _>| reach(g, c, inputs, memo);
    let out = match *g.node(id) {
        Node::X => Reach {
            below: inputs.0 == f64::NEG_INFINITY,
            above: inputs.1 == f64::INFINITY,
        },
        Node::B | Node::Red(_) | Node::PowF(..) => BOTH,
        Node::Const(b) => {
            let c = f64::from_bits(b);
            Reach {
                below: c == f64::NEG_INFINITY,
                above: c == f64::INFINITY,
            }
        }
        Node::Named(_) | Node::Param(_) => BOUNDED,
        Node::Sum(ref ts) => ts.iter().fold(BOUNDED, |acc, &t| acc.or(r(t, memo))),
        Node::Prod(ref fs) => {
            // One factor that grows, the others constants: their sign says which way.
            let growing: Vec<Reach> = fs.iter().map(|&f| r(f, memo)).filter(|x| x.any()).collect();
            let sign = fs
                .iter()
                .filter_map(|&f| g.as_const(f))
                .fold(1.0, |s: f64, c| s * c.signum());
            let all_const_but_one = fs.iter().filter(|&&f| g.as_const(f).is_none()).count() == 1;
            match growing[..] {
                [] => BOUNDED,
                [one] if all_const_but_one && sign > 0.0 => one,
                [one] if all_const_but_one => one.flipped(),
                _ => BOTH,
            }
        }
        Node::Pow(a, k) => {
            let ra = r(a, memo);
            match k {
                0 => BOUNDED,
                // 1/u is large where u is small: unknown unless u does not depend on x.
                k if k < 0 => {
                    if matches!(g.node(a), Node::Param(_) | Node::Const(_) | Node::Named(_)) {
                        BOUNDED
                    } else {
                        BOTH
                    }
                }
                _ if !ra.any() => BOUNDED,
                k if k % 2 == 0 => Reach {
                    below: false,
                    above: true,
                },
                _ => ra,
            }
        }
        Node::Call(f, a) => call(f, r(a, memo)),
        Node::Max(a, b) => {
            let (ra, rb) = (r(a, memo), r(b, memo));
            Reach {
                below: ra.below && rb.below,
                above: ra.above || rb.above,
            }
        }
        Node::Min(a, b) => {
            let (ra, rb) = (r(a, memo), r(b, memo));
            Reach {
                below: ra.below || rb.below,
                above: ra.above && rb.above,
            }
        }
        Node::Select(cmp, a, b, th, el) => {
            let (t, e) = split(g, cmp, a, b, inputs);
            reach(g, th, t, memo).or(reach(g, el, e, memo))
        }
    };
    memo.insert(key, out);
    out
}

/// How far `f(u)` can grow, given how far `u` can.
fn call(f: Func, u: Reach) -> Reach {
    match f {
        // Bounded for every argument.
        Func::Tanh
        | Func::Sigmoid
        | Func::Erf
        | Func::Erfc
        | Func::Atan
        | Func::AsinhPrime
        | Func::SigmoidPrime
        | Func::TanhPrime
        | Func::GeluPrime
        | Func::SiluPrime
        | Func::GeluTanhPrime
        | Func::MishPrime => BOUNDED,
        // Bounded below, growing with the argument.
        Func::Exp
        | Func::Expm1
        | Func::Sqrt
        | Func::Softplus
        | Func::Gelu
        | Func::Silu
        | Func::GeluTanh
        | Func::Mish => Reach {
            below: false,
            above: u.above,
        },
        Func::Abs => Reach {
            below: false,
            above: u.any(),
        },
        Func::Asinh => u,
        // A pole (at 0, at -1): unbounded below whatever the argument.
        Func::Ln | Func::Log1p => Reach {
            below: true,
            above: u.above,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SELU's `scale * (if x > 0 { x } else { alpha (exp(x) - 1) })`: the outer product reaches
    /// overflow (its `then` side is x for x > 0), the inner one is bounded (x <= 0 there); in
    /// the derivative, `scale * (if x > 0 { 1 } else { alpha exp(x) })`, neither does.
    #[test]
    fn only_products_that_grow_where_they_are_used_are_marked() {
        let mut g = Graph::new();
        let x = g.x();
        let zero = g.num(0.0);
        let one = g.num(1.0);
        let (alpha, scale) = (g.param(0), g.param(1));
        let e = g.call(Func::Exp, x);
        let m1 = g.num(-1.0);
        let em1 = g.sum(vec![e, m1]);
        let tail = g.mul(alpha, em1);
        let inner = g.select(Cmp::Gt, x, zero, x, tail);
        let selu = g.mul(scale, inner);
        let marked = param_products(&g, &[selu]);
        assert!(marked[selu.index()]);
        assert!(!marked[tail.index()]);
        let d_tail = g.mul(alpha, e);
        let d_inner = g.select(Cmp::Gt, x, zero, one, d_tail);
        let d = g.mul(scale, d_inner);
        let marked = param_products(&g, &[d]);
        assert!(!marked[d.index()] && !marked[d_tail.index()]);
        // The same tail outside a branch grows with x; `0 < x` is `x > 0` turned round.
        let marked = param_products(&g, &[tail]);
        assert!(marked[tail.index()]);
        let flipped = g.select(Cmp::Lt, zero, x, one, tail);
        assert!(!param_products(&g, &[flipped])[tail.index()]);
        // Leaky ReLU's `alpha x` for x <= 0 grows towards -∞; `alpha sigmoid(x)` never grows.
        let ax = g.mul(alpha, x);
        let leaky = g.select(Cmp::Gt, x, zero, x, ax);
        assert!(param_products(&g, &[leaky])[ax.index()]);
        let s = g.call(Func::Sigmoid, x);
        let as_ = g.mul(alpha, s);
        assert!(!param_products(&g, &[as_])[as_.index()]);
        // A product without a parameter is never marked.
        let three = g.num(3.0);
        let x3 = g.mul(three, x);
        assert!(!param_products(&g, &[x3])[x3.index()]);
    }
}
