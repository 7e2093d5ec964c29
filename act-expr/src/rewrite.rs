//! Stability rewrites: a pass over the graph whose rules turn textbook formulas, in canonical
//! form, into forms that stay accurate in floating point.
//!
//! [`run`] applies the rules to a node and everything below it, bottom-up and until none
//! applies. It runs after lowering ([`crate::parse::lower`]; the graph before it is the formula
//! as written, which the macro prints) and after differentiation
//! ([`crate::diff::Differentiator::diff`]). The graph's smart constructors only canonicalise.
//! Each rule is a function from one node to its replacement, if the rule applies; each removes
//! a term, a factor or a call, so rewriting terminates. The rules, with `k` any constant:
//!
//! | written                              | becomes          | why                            |
//! |--------------------------------------|------------------|--------------------------------|
//! | `k * exp(u) - k`                     | `k * expm1(u)`   | cancellation near `u = 0`      |
//! | `k + k * tanh(u)`, `k - k * tanh(u)` | `2k * sigmoid(±2u)` | cancellation in the tail    |
//! | `k - k * sigmoid(u)`                 | `k * sigmoid(-u)`| cancellation in the tail       |
//! | `k - k * erf(u)`, `k + k * erf(u)`   | `k * erfc(±u)`   | cancellation in the tail       |
//! | `k - k * tanh(u)^2`                  | `k * tanh'(u)`   | `sech^2` without cancellation  |
//! | `1 / (k + k * exp(u))`               | `sigmoid(-u) / k`| overflow of `exp`              |
//! | `exp(u) * sigmoid(-u)`               | `sigmoid(u)`     | overflow of `exp`              |
//! | `sigmoid(u) * sigmoid(-u)`           | `sigmoid'(u)`    | underflow in the tails         |
//! | `k tanh(s) + k u tanh'(s) sigmoid(u)`, `s = softplus(u)` | `k mish'(u)` | cancellation between the terms |
//! | `k erfc(-u / sqrt(2)) + 2k u exp(-u^2 / 2) / sqrt(2 pi)` | `2k gelu'(u)` | `exp(-u^2 / 2)` computed twice |
//! | `k u erfc(-u / sqrt(2))`            | `2k gelu(u)`     | the product and its scaling in one kernel |
//! | `u sigmoid(u) v`, `v` free of `u`    | `silu(u) v`      | `-∞ · 0` at `u = -∞`; one kernel (scaled, with factors `v`) |
//! | `k sigmoid(u) + k u sigmoid'(u)`, `\|k\| <= 4` | `k silu'(u)` | `∞ · 0` at `u = ±∞`; one kernel |
//! | `k u tanh(softplus(u))`, `\|k\| <= 4` | `k mish(u)` | `-∞ · 0` at `u = -∞`; one kernel (one exponential in f32) |
//! | `k u sigmoid(2 sqrt(2 / pi) (u + 0.044715 u^3))` | `k gelu_tanh(u)` | the argument in two parts, the product and its scaling in one kernel |
//! | `(exp(u) - exp(-u)) / (exp(u) + exp(-u))` | `tanh(u)`   | overflow of `exp`              |
//! | `ln(1 + exp(u))`, `log1p(exp(u))`    | `softplus(u)`    | overflow of `exp`              |
//! | `ln(1 + u)`                          | `log1p(u)`       | cancellation near `u = 0`      |
//! | `ln(exp(u))`                         | `u`              | overflow of `exp`              |
//! | `ln(sigmoid(u))`                     | `-softplus(-u)`  | underflow of `sigmoid`         |
//! | `sqrt(u^2)`                          | `abs(u)`         | overflow of `u^2`              |
//! | `exp(u) * exp(v)`                    | `exp(u + v)`     | overflow of one factor         |
//! | `ln(exp(u) * v)`                     | `u + ln(v)`      | overflow of `exp`              |
//! | `-(a + b)` as a term of a sum        | `-a - b`         | exact cancellation of terms    |
//! | `exp(u)^k`                           | `exp(k * u)`     | overflow of the power          |
//! | `sum(exp(u))`                        | `exp(M) * sum(exp(u - M))`, `M = max(u)` | overflow (shift invariance) |
//! | `ln(sum(exp(u - max(u))))`           | `log1p(sum(u' < 0 ? exp(u') : 0) + max(sum(u' < 0 ? 0 : exp(u')) - 1, 0))`, `u' = u - max(u)` (the second sum counts the ties, exactly) | the sum holds an exact 1 and tiny terms |
//!
//! With the last four, the textbook forms of softmax and log-softmax, `exp(x) / sum(exp(x))`
//! and `x - ln(sum(exp(x)))`, become the shifted, stable forms (`exp(x - max(x)) / sum(...)`,
//! `x - max(x) - log1p(...)`), and so does a declaration that shifts by hand.

use std::collections::HashMap;

use crate::graph::{Cmp, Func, Graph, Id, Named, Node, Reduce};

/// Applies the stability rewrites to `root` and everything below it, until no rule applies;
/// returns the rewritten node. The nodes as written stay in `g` (unused by the result).
pub fn run(g: &mut Graph, root: Id) -> Id {
    Rewriter::default().run(g, root)
}

/// [`run`] that moves the result into another graph: rewrites `root` of `src`, then copies the
/// nodes it needs into `dst` (so `dst` receives neither the nodes as written nor the
/// reductions they used).
pub fn run_into(dst: &mut Graph, mut src: Graph, root: Id) -> Id {
    let r = run(&mut src, root);
    dst.import(&src, r)
}

/// The rewriting pass, remembering the nodes it has rewritten (keep one per graph to share
/// that work between several roots).
#[derive(Clone, Debug, Default)]
pub struct Rewriter {
    done: HashMap<Id, Id>,
}

impl Rewriter {
    /// [`run`] with this rewriter's memory of what it has rewritten in `g` before.
    pub fn run(&mut self, g: &mut Graph, id: Id) -> Id {
        if let Some(&r) = self.done.get(&id) {
            return r;
        }
        let rebuilt = self.rebuild(g, id);
        let r = if rebuilt != id {
            // Rewritten children may give a node that canonicalises or rewrites further.
            self.run(g, rebuilt)
        } else if let Some(r) = rule(g, id) {
            self.run(g, r)
        } else {
            id
        };
        self.done.insert(id, r);
        self.done.insert(r, r);
        r
    }

    /// Node `id` rebuilt from its rewritten children (itself if none changed).
    fn rebuild(&mut self, g: &mut Graph, id: Id) -> Id {
        let mut all = |g: &mut Graph, ids: &[Id]| -> Vec<Id> {
            ids.iter().map(|&c| self.run(g, c)).collect()
        };
        match g.node(id).clone() {
            Node::Const(_) | Node::Named(_) | Node::X | Node::B | Node::Param(_) => id,
            Node::Red(j) => {
                let (kind, body) = g.reductions()[j as usize];
                let b = all(g, &[body])[0];
                if b == body { id } else { g.reduce(kind, b) }
            }
            Node::Sum(ts) => {
                let ts2 = all(g, &ts);
                if ts2 == ts { id } else { g.sum(ts2) }
            }
            Node::Prod(fs) => {
                let fs2 = all(g, &fs);
                if fs2 == fs { id } else { g.prod(fs2) }
            }
            Node::Pow(a, k) => {
                let a2 = all(g, &[a])[0];
                if a2 == a { id } else { g.powi(a2, k) }
            }
            Node::PowF(a, b) => match all(g, &[a, b])[..] {
                [a2, b2] if (a2, b2) != (a, b) => g.powf(a2, b2),
                _ => id,
            },
            Node::Call(f, a) => {
                let a2 = all(g, &[a])[0];
                if a2 == a { id } else { g.call(f, a2) }
            }
            Node::Max(a, b) => match all(g, &[a, b])[..] {
                [a2, b2] if (a2, b2) != (a, b) => g.max(a2, b2),
                _ => id,
            },
            Node::Min(a, b) => match all(g, &[a, b])[..] {
                [a2, b2] if (a2, b2) != (a, b) => g.min(a2, b2),
                _ => id,
            },
            Node::Select(c, a, b, t, e) => {
                let v = all(g, &[a, b, t, e]);
                if v == [a, b, t, e] {
                    id
                } else {
                    g.select(c, v[0], v[1], v[2], v[3])
                }
            }
        }
    }
}

/// The first rule that applies at node `id` (not below it), and what it gives.
fn rule(g: &mut Graph, id: Id) -> Option<Id> {
    match g.node(id).clone() {
        Node::Sum(ts) => negated_sum(g, &ts)
            .or_else(|| mish_derivative(g, &ts))
            .or_else(|| gelu_derivative(g, &ts))
            .or_else(|| silu_derivative(g, &ts))
            .or_else(|| sum(g, &ts)),
        Node::Prod(fs) => gelu_product(g, &fs)
            .or_else(|| silu_product(g, &fs))
            .or_else(|| mish_product(g, &fs))
            .or_else(|| gelu_tanh_product(g, &fs))
            .or_else(|| match g.as_const(fs[0]) {
                Some(c) => prod(g, c, &fs[1..]),
                None => prod(g, 1.0, &fs),
            }),
        Node::Pow(a, k) => exp_power(g, a, k).or_else(|| inverse_power(g, a, k)),
        Node::Call(f, a) => call(g, f, a),
        Node::Red(j) => {
            let (kind, body) = g.reductions()[j as usize];
            reduction(g, kind, body)
        }
        _ => None,
    }
}

/// `-(a + b)` as a term of a sum becomes `-a - b`, so that its terms combine with the others
/// first: `x - (max(x) + l)` is `(x - max(x)) - l`, where the cancelling pair is exact, not
/// `x - (max(x) + l)` with `max(x) + l` rounded. (Only a negation: it is exact, where
/// `k (x + 3)` distributed would lose the exact root of `x + 3`.)
fn negated_sum(g: &mut Graph, terms: &[Id]) -> Option<Id> {
    let negated = |g: &Graph, t: Id| match g.node(t) {
        Node::Prod(fs) if fs.len() == 2 && g.as_const(fs[0]) == Some(-1.0) => match g.node(fs[1]) {
            Node::Sum(inner) => Some(inner.clone()),
            _ => None,
        },
        _ => None,
    };
    if !terms.iter().any(|&t| negated(g, t).is_some()) {
        return None;
    }
    let mut flat = Vec::with_capacity(terms.len() + 1);
    for &t in terms {
        match negated(g, t) {
            Some(inner) => {
                for i in inner {
                    flat.push(g.scale(-1.0, i));
                }
            }
            None => flat.push(t),
        }
    }
    Some(g.sum(flat))
}

/// `exp(u)^k  ->  exp(k * u)`.
fn exp_power(g: &mut Graph, a: Id, k: i32) -> Option<Id> {
    let u = call_arg(g, a, Func::Exp)?;
    let ku = g.scale(f64::from(k), u);
    Some(g.call(Func::Exp, ku))
}

/// The term `coef * base` of a sum, seen through its canonical form.
fn term(g: &mut Graph, t: Id) -> (f64, Option<Id>) {
    g.coef_and_base(t)
}

fn call_arg(g: &Graph, id: Id, f: Func) -> Option<Id> {
    match *g.node(id) {
        Node::Call(h, u) if h == f => Some(u),
        _ => None,
    }
}

/// Rules on a sum whose like terms are already collected. `terms` holds scaled bases and at
/// most one constant.
fn sum(g: &mut Graph, terms: &[Id]) -> Option<Id> {
    let ci = terms.iter().position(|&t| g.as_const(t).is_some())?;
    let k = g.as_const(terms[ci])?;
    for (i, &t) in terms.iter().enumerate() {
        if i == ci {
            continue;
        }
        let (c, Some(base)) = term(g, t) else {
            continue;
        };
        let replacement = if c == -k {
            if let Some(u) = call_arg(g, base, Func::Exp) {
                // -k * exp(u) + k  ==  -k * expm1(u)
                let e = g.call(Func::Expm1, u);
                Some(g.scale(c, e))
            } else if let Some(u) = call_arg(g, base, Func::Tanh) {
                let u2 = g.scale(-2.0, u);
                let s = g.call(Func::Sigmoid, u2);
                Some(g.scale(2.0 * k, s))
            } else if let Some(u) = call_arg(g, base, Func::Sigmoid) {
                let nu = g.neg(u);
                let s = g.call(Func::Sigmoid, nu);
                Some(g.scale(k, s))
            } else if let Some(u) = call_arg(g, base, Func::Erf) {
                let e = g.call(Func::Erfc, u);
                Some(g.scale(k, e))
            } else if let Node::Pow(b, 2) = *g.node(base) {
                call_arg(g, b, Func::Tanh).map(|u| {
                    let d = g.call(Func::TanhPrime, u);
                    g.scale(k, d)
                })
            } else {
                None
            }
        } else if c == k {
            if let Some(u) = call_arg(g, base, Func::Tanh) {
                let u2 = g.scale(2.0, u);
                let s = g.call(Func::Sigmoid, u2);
                Some(g.scale(2.0 * k, s))
            } else if let Some(u) = call_arg(g, base, Func::Erf) {
                let nu = g.neg(u);
                let e = g.call(Func::Erfc, nu);
                Some(g.scale(k, e))
            } else {
                None
            }
        } else {
            None
        };
        if let Some(r) = replacement {
            return Some(sum_replacing(g, terms, (i, ci), r));
        }
    }
    None
}

/// The ids of `ids` but those at positions `i` and `j` (the two a rule combines), in order.
fn all_but(ids: &[Id], i: usize, j: usize) -> Vec<Id> {
    ids.iter()
        .enumerate()
        .filter(|&(k, _)| k != i && k != j)
        .map(|(_, &v)| v)
        .collect()
}

/// The sum of `terms` with the two at `i` and `j` replaced by `r`, what a rule combined them
/// into.
fn sum_replacing(g: &mut Graph, terms: &[Id], (i, j): (usize, usize), r: Id) -> Id {
    let mut out = all_but(terms, i, j);
    out.push(r);
    g.sum(out)
}

/// The product of `factors` with the two at `i` and `j` replaced by `r` (one factor or more).
fn prod_replacing(g: &mut Graph, factors: &[Id], (i, j): (usize, usize), r: &[Id]) -> Id {
    let mut out = all_but(factors, i, j);
    out.extend_from_slice(r);
    g.prod(out)
}

/// Whether every factor but those at `i` and `j` is a constant: the GELU and GELU-tanh
/// kernels' results are final, rounded once where they are subnormal, so a further factor
/// that is not a constant (GEGLU's `b`) would multiply that rounding (the product as written
/// keeps the tail's scaling to its end).
fn others_constant(g: &Graph, factors: &[Id], (i, j): (usize, usize)) -> bool {
    all_but(factors, i, j)
        .iter()
        .all(|&v| g.as_const(v).is_some())
}

/// `k tanh(softplus(u)) + k u tanh'(softplus(u)) sigmoid(u)  ->  k mish'(u)`: Mish's
/// derivative as differentiation gives it, whose two terms cancel (ratio about 1.6 at
/// `u = -2.7`) on top of three kernels' errors; `mish'` has a kernel of its own.
fn mish_derivative(g: &mut Graph, terms: &[Id]) -> Option<Id> {
    for (i, &t) in terms.iter().enumerate() {
        let (c, Some(base)) = term(g, t) else {
            continue;
        };
        let Some(s) = call_arg(g, base, Func::Tanh) else {
            continue;
        };
        let Some(u) = call_arg(g, s, Func::Softplus) else {
            continue;
        };
        let tp = g.call(Func::TanhPrime, s);
        let sg = g.call(Func::Sigmoid, u);
        for (j, &t2) in terms.iter().enumerate() {
            let (c2, Some(base2)) = term(g, t2) else {
                continue;
            };
            let Node::Prod(fs) = g.node(base2).clone() else {
                continue;
            };
            if j == i || !fs.contains(&tp) || !fs.contains(&sg) {
                continue;
            }
            // The other factors times c2 must be c u.
            let rest: Vec<Id> = fs.iter().copied().filter(|&f| f != tp && f != sg).collect();
            if rest.len() + 2 != fs.len() {
                continue;
            }
            let r = g.prod(rest);
            let lhs = g.scale(c2, r);
            let rhs = g.scale(c, u);
            if lhs != rhs {
                continue;
            }
            let m = g.call(Func::MishPrime, u);
            let r = g.scale(c, m);
            return Some(sum_replacing(g, terms, (i, j), r));
        }
    }
    None
}

/// `u` if `a = -u / sqrt(2)` (as the graph builds it).
fn gelu_argument(g: &mut Graph, a: Id) -> Option<Id> {
    let two = g.num(2.0);
    let s2 = g.call(Func::Sqrt, two);
    let m = g.num(-1.0);
    let u = g.prod(vec![m, s2, a]);
    let inv_s2 = g.powi(s2, -1);
    (g.prod(vec![m, u, inv_s2]) == a).then_some(u)
}

/// `k u erfc(-u / sqrt(2))  ->  2k gelu(u)`: its kernel forms the product with `u` and the
/// scaling of the tail itself.
fn gelu_product(g: &mut Graph, factors: &[Id]) -> Option<Id> {
    for (i, &f) in factors.iter().enumerate() {
        let Some(a) = call_arg(g, f, Func::Erfc) else {
            continue;
        };
        let Some(u) = gelu_argument(g, a) else {
            continue;
        };
        let Some(j) = factors.iter().position(|&v| v == u) else {
            continue;
        };
        // Only GELU times a constant (see `others_constant`).
        if !others_constant(g, factors, (i, j)) {
            continue;
        }
        let two = g.num(2.0);
        let gelu = g.call(Func::Gelu, u);
        // `2` folds into the coefficient.
        return Some(prod_replacing(g, factors, (i, j), &[two, gelu]));
    }
    None
}

/// `2 sqrt(2 / pi) (u + 0.044715 u^3)` as the graph builds it: GELU-tanh's `tanh` argument
/// as written, doubled by the rule `1 + tanh(v) -> 2 sigmoid(2v)`.
fn gelu_tanh_argument(g: &mut Graph, u: Id) -> Id {
    let two = g.num(2.0);
    let pi = g.named(Named::Pi);
    let q = g.div(two, pi);
    let s = g.call(Func::Sqrt, q);
    let c = g.num(GELU_TANH_C);
    let u3 = g.powi(u, 3);
    let t = g.mul(c, u3);
    let inner = g.add(u, t);
    let v = g.mul(s, inner);
    g.scale(2.0, v)
}

/// Whether `w` is a product with a sum among its factors, one of whose terms is `u^3` or a
/// product with the factor `u^3` (the shape of [`gelu_tanh_argument`]), without building
/// anything.
fn holds_cube_of(g: &Graph, w: Id, u: Id) -> bool {
    let cube = |t: Id| matches!(*g.node(t), Node::Pow(a, 3) if a == u);
    let Node::Prod(wf) = g.node(w) else {
        return false;
    };
    wf.iter().any(|&f| match g.node(f) {
        Node::Sum(ts) => ts.iter().any(|&t| match g.node(t) {
            Node::Prod(tf) => tf.iter().any(|&q| cube(q)),
            _ => cube(t),
        }),
        _ => false,
    })
}

/// GELU-tanh's cubic coefficient, the decimal `0.044715` (its `f64` and the remainder the
/// graph records for the literal, `crate::decimal::remainder`).
const GELU_TANH_C: f64 = 0.044715;

/// `k u sigmoid(2 sqrt(2 / pi) (u + 0.044715 u^3))  ->  k gelu_tanh(u)`: GELU-tanh
/// `0.5 u (1 + tanh(sqrt(2 / pi) (u + 0.044715 u^3)))` after the rule `1 + tanh(v) -> 2
/// sigmoid(2v)`. Its kernel carries the cubic argument in two parts into the exponential and
/// forms the product and the tail's scaling itself. Only times a constant, as for
/// [`gelu_product`], and only for the literal 0.044715 written as such (the kernel's constants
/// are that decimal's).
fn gelu_tanh_product(g: &mut Graph, factors: &[Id]) -> Option<Id> {
    for (i, &f) in factors.iter().enumerate() {
        let Some(w) = call_arg(g, f, Func::Sigmoid) else {
            continue;
        };
        for (j, &u) in factors.iter().enumerate() {
            // Built only where `w` holds a cube of `u`: building it for every factor of every
            // product with a sigmoid would grow the graph level by level (nested SiLUs).
            if j == i
                || g.is_constant(u)
                || !holds_cube_of(g, w, u)
                || gelu_tanh_argument(g, u) != w
            {
                continue;
            }
            let lo = g.decimal_lo(GELU_TANH_C.to_bits());
            if lo != crate::decimal::remainder("0.044715", GELU_TANH_C) {
                continue;
            }
            if !others_constant(g, factors, (i, j)) {
                continue;
            }
            let gt = g.call(Func::GeluTanh, u);
            return Some(prod_replacing(g, factors, (i, j), &[gt]));
        }
    }
    None
}

/// `k erfc(-u / sqrt(2)) + 2k u exp(-u^2 / 2) / (sqrt(2) sqrt(pi))  ->  2k gelu'(u)`: GELU's
/// derivative as differentiation gives it; its kernel computes `exp(-u^2 / 2)` once for both
/// terms (the second is the derivative of the first's argument, `erfc`'s own `exp`).
fn gelu_derivative(g: &mut Graph, terms: &[Id]) -> Option<Id> {
    for (i, &t) in terms.iter().enumerate() {
        let (c, Some(base)) = term(g, t) else {
            continue;
        };
        let Some(a) = call_arg(g, base, Func::Erfc) else {
            continue;
        };
        let Some(u) = gelu_argument(g, a) else {
            continue;
        };
        let two = g.num(2.0);
        let s2 = g.call(Func::Sqrt, two);
        let inv_s2 = g.powi(s2, -1);
        // The second term as differentiation builds it (`erf_derivative` in functions.rs).
        let sq = g.powi(a, 2);
        let nsq = g.neg(sq);
        let e = g.call(Func::Exp, nsq);
        let pi = g.named(Named::Pi);
        let rp = g.call(Func::Sqrt, pi);
        let inv_rp = g.powi(rp, -1);
        let dens = g.prod(vec![u, inv_s2, inv_rp, e]);
        let want = g.scale(2.0 * c, dens);
        let Some(j) = terms.iter().position(|&t2| t2 == want) else {
            continue;
        };
        if j == i {
            continue;
        }
        let d = g.call(Func::GeluPrime, u);
        let r = g.scale(2.0 * c, d);
        return Some(sum_replacing(g, terms, (i, j), r));
    }
    None
}

/// The largest constant factor the Mish rule and the SiLU derivative's rule take: the
/// kernels' results are final, rounded once where they are subnormal (`u < -87` in f32), and
/// a factor `k` multiplies that rounding, to at most `(|k| + 1) / 2` ulp of the result (2.5
/// for `|k| <= 4`). A product with any other factor keeps its form as written, whose scaling
/// lasts to its end. SiLU itself has a scaled kernel (`silu_scaled`), which carries the
/// scaling into the product: its rule takes any other factors.
const SILU_MAX_FACTOR: f64 = 4.0;

/// `u sigmoid(u) v...  ->  silu(u) v...`, the factors `v` free of `u`: one kernel, whose value
/// at `u = -∞` is the limit (the product as written is `-∞ · 0` there, which the generated
/// code had to check for on every element). With other factors (SwiGLU's `silu(a) b`, a
/// constant beyond 4), the code
/// generator computes `silu(u)` scaled, `(c silu(u), 1/c)`, and the product rounds once
/// where `1/c` is applied, as with a scaled sigmoid.
fn silu_product(g: &mut Graph, factors: &[Id]) -> Option<Id> {
    self_gated_product(g, factors, Func::Silu, |g, f| call_arg(g, f, Func::Sigmoid))
}

/// `k u tanh(softplus(u))  ->  k mish(u)`, `|k| <= 4` as for SiLU: one kernel, whose value at
/// `u = -∞` is the limit (the product as written is `-∞ · 0` there), and in `f32` with FMA one
/// exponential and one division where the composition takes a softplus (a logarithm) and a
/// tanh.
fn mish_product(g: &mut Graph, factors: &[Id]) -> Option<Id> {
    self_gated_product(g, factors, Func::Mish, |g, f| {
        call_arg(g, f, Func::Tanh).and_then(|s| call_arg(g, s, Func::Softplus))
    })
}

/// `k u gate(u)  ->  k kernel(u)`, where `gate` takes a factor to its argument `u` (if it is
/// the gate's shape) and the other factors are constants of at most [`SILU_MAX_FACTOR`], or,
/// where the kernel has a scaled form ([`Func::has_tiny_tail`]), any factors free of `u`.
fn self_gated_product(
    g: &mut Graph,
    factors: &[Id],
    kernel: Func,
    gate: impl Fn(&Graph, Id) -> Option<Id>,
) -> Option<Id> {
    for (i, &f) in factors.iter().enumerate() {
        let Some(u) = gate(g, f) else {
            continue;
        };
        let Some(j) = factors.iter().position(|&v| v == u) else {
            continue;
        };
        let small = |v: Id| g.as_const(v).is_some_and(|k| k.abs() <= SILU_MAX_FACTOR);
        // With a scaled kernel, any factor that does not depend on `u` (SwiGLU's `b`, a
        // constant): a factor of `u` may be part of a larger rule's shape (SiLU's and Mish's
        // derivatives hold `u sigmoid(u) sigmoid(-u)`, `u sigmoid(u) tanh'(softplus(u))`).
        // Nor a reduction (`x sigmoid(x) / sum(exp(x))`): a vector formula keeps its form as
        // written, which the interpreter (`act-cli eval --formula`) computes the same way.
        let free = |v: Id| {
            g.is_constant(v)
                || g.reachable(&[v])
                    .iter()
                    .all(|&n| n != u && !matches!(g.node(n), Node::Red(_)))
        };
        let others = all_but(factors, i, j);
        let taken = if kernel.has_tiny_tail() {
            others.iter().all(|&v| free(v))
        } else {
            others.iter().all(|&v| small(v))
        };
        if !taken {
            continue;
        }
        let call = g.call(kernel, u);
        return Some(prod_replacing(g, factors, (i, j), &[call]));
    }
    None
}

/// `k sigmoid(u) + k u sigmoid'(u)  ->  k silu'(u)`: SiLU's derivative as differentiation
/// gives it, as one kernel with the limits at `u = ±∞` (the second term is `±∞ · 0` there).
fn silu_derivative(g: &mut Graph, terms: &[Id]) -> Option<Id> {
    for (i, &t) in terms.iter().enumerate() {
        let (c, Some(base)) = term(g, t) else {
            continue;
        };
        if c.abs() > SILU_MAX_FACTOR {
            continue;
        }
        let Some(u) = call_arg(g, base, Func::Sigmoid) else {
            continue;
        };
        let sp = g.call(Func::SigmoidPrime, u);
        let p = g.prod(vec![u, sp]);
        let want = g.scale(c, p);
        let Some(j) = terms.iter().position(|&t2| t2 == want) else {
            continue;
        };
        let d = g.call(Func::SiluPrime, u);
        let r = g.scale(c, d);
        return Some(sum_replacing(g, terms, (i, j), r));
    }
    None
}

/// `1 / (k + k * exp(u))^n  ->  sigmoid(-u)^n / k^n`.
fn inverse_power(g: &mut Graph, a: Id, n: i32) -> Option<Id> {
    let Node::Sum(ts) = g.node(a).clone() else {
        return None;
    };
    if ts.len() != 2 || n >= 0 {
        return None;
    }
    let (c0, b0) = term(g, ts[0]);
    let (c1, b1) = term(g, ts[1]);
    let (k, base) = match (b0, b1) {
        (Some(b), None) if c0 == c1 => (c1, b),
        (None, Some(b)) if c0 == c1 => (c0, b),
        _ => return None,
    };
    let u = call_arg(g, base, Func::Exp)?;
    let nu = g.neg(u);
    let s = g.call(Func::Sigmoid, nu);
    let p = g.powi(s, -n);
    Some(g.scale(k.powi(n), p))
}

/// Rules on a product: `constant` times the non-constant `factors`.
fn prod(g: &mut Graph, constant: f64, factors: &[Id]) -> Option<Id> {
    for (i, &a) in factors.iter().enumerate() {
        for (j, &b) in factors.iter().enumerate() {
            if i == j {
                continue;
            }
            let replacement = if let (Some(u), Some(v)) =
                (call_arg(g, a, Func::Exp), call_arg(g, b, Func::Sigmoid))
            {
                // exp(u) * sigmoid(-u) = sigmoid(u)
                (g.neg(u) == v).then(|| g.call(Func::Sigmoid, u))
            } else if let (Some(u), Some(v)) =
                (call_arg(g, a, Func::Sigmoid), call_arg(g, b, Func::Sigmoid))
            {
                (i < j && g.neg(u) == v).then(|| {
                    // Keep the argument without the leading minus.
                    let w = if g.coef_and_base(u).0 < 0.0 { v } else { u };
                    g.call(Func::SigmoidPrime, w)
                })
            } else if let (Some(u), Some(v)) =
                (call_arg(g, a, Func::Exp), call_arg(g, b, Func::Exp))
            {
                // exp(u) * exp(v) = exp(u + v): one rounding, and no overflow of a factor
                // that the other would bring back (exp(x) * exp(-max(x))).
                (i < j).then(|| {
                    let s = g.add(u, v);
                    g.call(Func::Exp, s)
                })
            } else if let Node::Pow(den, -1) = *g.node(b) {
                tanh_ratio(g, a, den)
            } else {
                None
            };
            if let Some(r) = replacement {
                let k = g.num(constant);
                return Some(prod_replacing(g, factors, (i, j), &[r, k]));
            }
        }
    }
    None
}

/// `(exp(u) - exp(-u)) / (exp(u) + exp(-u)) -> tanh(u)`.
fn tanh_ratio(g: &mut Graph, num: Id, den: Id) -> Option<Id> {
    let Node::Sum(ts) = g.node(num).clone() else {
        return None;
    };
    if ts.len() != 2 {
        return None;
    }
    let (c0, b0) = term(g, ts[0]);
    let (c1, b1) = term(g, ts[1]);
    let (p, q) = match (c0, c1) {
        (1.0, -1.0) => (b0?, b1?),
        (-1.0, 1.0) => (b1?, b0?),
        _ => return None,
    };
    let u = call_arg(g, p, Func::Exp)?;
    let v = call_arg(g, q, Func::Exp)?;
    if g.neg(u) != v {
        return None;
    }
    let expected = g.add(p, q);
    (expected == den).then(|| g.call(Func::Tanh, u))
}

/// Rules on a call `f(a)`.
fn call(g: &mut Graph, f: Func, a: Id) -> Option<Id> {
    match f {
        Func::Ln => {
            if let Some(u) = call_arg(g, a, Func::Exp) {
                return Some(u);
            }
            if let Some(u) = call_arg(g, a, Func::Sigmoid) {
                let nu = g.neg(u);
                let s = g.call(Func::Softplus, nu);
                return Some(g.neg(s));
            }
            if let Node::Prod(fs) = g.node(a).clone() {
                // ln(exp(u) * v) = u + ln(v): exp(u) > 0, so both sides are NaN together.
                if let Some(k) = fs.iter().position(|&f| call_arg(g, f, Func::Exp).is_some()) {
                    let u = call_arg(g, fs[k], Func::Exp).expect("an exp factor");
                    let rest: Vec<Id> = fs
                        .iter()
                        .enumerate()
                        .filter(|&(i, _)| i != k)
                        .map(|(_, &f)| f)
                        .collect();
                    let r = g.prod(rest);
                    let l = g.call(Func::Ln, r);
                    return Some(g.add(u, l));
                }
            }
            if let Some(r) = log_sum_exp_shifted(g, a) {
                return Some(r);
            }
            if let Some(u) = textbook_asinh(g, a) {
                return Some(g.call(Func::Asinh, u));
            }
            let Node::Sum(ts) = g.node(a).clone() else {
                return None;
            };
            let one = g.num(1.0);
            if !ts.contains(&one) {
                return None;
            }
            let rest: Vec<Id> = ts.iter().copied().filter(|&t| t != one).collect();
            let t = g.sum(rest);
            Some(g.call(Func::Log1p, t))
        }
        Func::Log1p => call_arg(g, a, Func::Exp).map(|u| g.call(Func::Softplus, u)),
        Func::Sqrt => match *g.node(a) {
            Node::Pow(u, 2) => Some(g.call(Func::Abs, u)),
            _ => None,
        },
        Func::Abs => match *g.node(a) {
            Node::Call(Func::Abs | Func::Exp | Func::Sigmoid | Func::Softplus, _) => Some(a),
            Node::Pow(_, k) if k % 2 == 0 => Some(a),
            _ => None,
        },
        _ => None,
    }
}

/// `u` if `a` is `u + sqrt(u^2 + 1)` (`u = k v` may have its square expanded to `k^2 v^2`):
/// `ln` of it is `asinh(u)`, which neither cancels for `u << 0` (where the sum is about
/// `1 / (2|u|)`) nor overflows for huge `u`.
fn textbook_asinh(g: &mut Graph, a: Id) -> Option<Id> {
    let Node::Sum(ts) = g.node(a).clone() else {
        return None;
    };
    let [p, q] = ts[..] else {
        return None;
    };
    let mut root_of = |r: Id, u: Id| {
        let s = call_arg(g, r, Func::Sqrt)?;
        let Node::Sum(inner) = g.node(s).clone() else {
            return None;
        };
        let [s1, s2] = inner[..] else {
            return None;
        };
        let square = if g.as_const(s1) == Some(1.0) { s2 } else { s1 };
        if g.as_const(s1) != Some(1.0) && g.as_const(s2) != Some(1.0) {
            return None;
        }
        let (ku, v) = term(g, u);
        let (ks, sq) = term(g, square);
        let v2 = g.powi(v?, 2);
        (sq == Some(v2) && ks == ku * ku).then_some(u)
    };
    root_of(q, p).or_else(|| root_of(p, q))
}

/// The argument `u - max(u)` of a sum's body `exp(u - max(u))`, if it has that form, with `u`.
fn shifted_by_max(g: &mut Graph, v: Id) -> Option<Id> {
    let Node::Sum(ts) = g.node(v).clone() else {
        return None;
    };
    for &t in &ts {
        let (c, Some(base)) = g.coef_and_base(t) else {
            continue;
        };
        if c != -1.0 {
            continue;
        }
        let Node::Red(j) = *g.node(base) else {
            continue;
        };
        let (kind, u) = g.reductions()[j as usize];
        if kind != Reduce::Max {
            continue;
        }
        let rest: Vec<Id> = ts.iter().copied().filter(|&s| s != t).collect();
        if g.sum(rest) == u {
            return Some(u);
        }
    }
    None
}

/// Rules on a reduction `kind(body)`: `sum(exp(u)) = exp(M) * sum(exp(u - M))` with
/// `M = max(u)`, so that every term is at most 1 and the largest is exactly 1 (no overflow,
/// and the sum is at least 1). Not applied where `u` is already shifted by its maximum.
fn reduction(g: &mut Graph, kind: Reduce, body: Id) -> Option<Id> {
    if kind != Reduce::Sum {
        return None;
    }
    let u = call_arg(g, body, Func::Exp)?;
    if !g.depends_on_x(u) || shifted_by_max(g, u).is_some() {
        return None;
    }
    let m = g.reduce(Reduce::Max, u);
    let shifted = g.sub(u, m);
    let e = g.call(Func::Exp, shifted);
    let s = g.reduce(Reduce::Sum, e);
    let em = g.call(Func::Exp, m);
    Some(g.mul(em, s))
}

/// `ln(sum(exp(v)))` with `v = u - max(u)`: the sum is `1 + t`, where `t` holds the terms
/// below the maximum (and 1 for each further tie), so `ln` of it is `log1p(t)`; summing `t`
/// apart keeps the tiny terms that `1 + t` would round away (log-softmax of `[16.25, 0]`).
fn log_sum_exp_shifted(g: &mut Graph, a: Id) -> Option<Id> {
    let Node::Red(j) = *g.node(a) else {
        return None;
    };
    let (kind, body) = g.reductions()[j as usize];
    if kind != Reduce::Sum {
        return None;
    }
    let v = call_arg(g, body, Func::Exp)?;
    shifted_by_max(g, v)?;
    // `v < 0` exactly where `u < max(u)`: a rounded difference is 0 only for equal operands.
    let zero = g.num(0.0);
    let below = g.select(Cmp::Lt, v, zero, body, zero);
    // The terms at the maximum are exp(0) = 1 exactly; written as `exp(v)` rather than 1 they
    // keep their derivative, so that the gradient at a tie is that of the sum (1/k each).
    let at_max = g.select(Cmp::Lt, v, zero, zero, body);
    let t = g.reduce(Reduce::Sum, below);
    let c = g.reduce(Reduce::Sum, at_max);
    // `c - 1` (exact: c counts the ties) kept apart from `t` by `max(., 0)`, which is the
    // identity here (c >= 1) but keeps the sum from being flattened into `-1 + t + c`, where
    // `-1 + t` would round `t` away.
    let minus_one = g.num(-1.0);
    let ties = g.add(c, minus_one);
    let ties = g.max(ties, zero);
    let arg = g.add(t, ties);
    Some(g.call(Func::Log1p, arg))
}

#[cfg(all(test, feature = "syn"))]
mod tests {
    use super::run;
    use crate::graph::Graph;
    use crate::parse::{Scope, lower_as_written};
    use crate::print::print;

    /// `text` lowered as written, rewritten, printed; and the pass run again changes nothing.
    fn rewritten(text: &str, vector: bool) -> String {
        let expr: syn::Expr = syn::parse_str(text).expect("parses");
        let mut g = Graph::new();
        let written =
            lower_as_written(&mut g, &expr, &mut Scope::new(vec![], vector)).expect("lowers");
        let r = run(&mut g, written);
        assert_eq!(run(&mut g, r), r, "{text}: not a fixed point");
        print(&g, r, &[])
    }

    #[test]
    fn silu_and_its_derivative_become_one_call() {
        use crate::graph::{Func, Graph, Id, Node, Var};
        let calls = |g: &Graph, r: Id, f: Func| {
            g.reachable(&[r])
                .into_iter()
                .any(|n| matches!(g.node(n), Node::Call(h, _) if *h == f))
        };
        for text in ["x * sigmoid(x)", "x / (1 + exp(-x))", "sigmoid(x) * x"] {
            let (mut g, f) = rewritten_in_graph(text);
            let x = g.x();
            assert_eq!(*g.node(f), Node::Call(Func::Silu, x), "{text}");
            let d = g.diff(f, Var::X);
            assert_eq!(*g.node(d), Node::Call(Func::SiluPrime, x), "{text}'");
        }
        // A small constant factor stays outside the call.
        let (mut g, f) = rewritten_in_graph("-3 * x * sigmoid(x)");
        let x = g.x();
        let silu = g.call(Func::Silu, x);
        assert_eq!(g.coef_and_base(f), (-3.0, Some(silu)));
        // The derivative written out, as differentiation gives it, and with a factor.
        let sp = "x * sigmoid(x) * (1 - sigmoid(x))";
        let (mut g, r) = rewritten_in_graph(&format!("sigmoid(x) + {sp}"));
        let x = g.x();
        assert_eq!(
            *g.node(r),
            Node::Call(Func::SiluPrime, x),
            "{}",
            print(&g, r, &[])
        );
        let (mut g, r) = rewritten_in_graph(&format!("2 * sigmoid(x) + 2 * {sp} + x"));
        let x = g.x();
        let d = g.call(Func::SiluPrime, x);
        let want = g.scale(2.0, d);
        assert!(
            matches!(g.node(r), Node::Sum(ts) if ts.contains(&want)),
            "{}",
            print(&g, r, &[])
        );
        // Other factors (SwiGLU's `b`, a constant beyond 4): one call too, times them (the
        // code generator scales it, `silu_scaled`).
        for text in ["8 * x * sigmoid(x)", "-1e30 * x * sigmoid(x)"] {
            let (mut g, r) = rewritten_in_graph(text);
            let x = g.x();
            let Node::Prod(fs) = g.node(r) else {
                panic!("{text}: {}", print(&g, r, &[]))
            };
            assert!(
                fs.iter().any(|&f| *g.node(f) == Node::Call(Func::Silu, x)),
                "{text}: {}",
                print(&g, r, &[])
            );
            assert!(!calls(&g, r, Func::Sigmoid), "{text}");
        }
        // Not rewritten: another factor of `x` (it may belong to a larger rule's shape),
        // another argument, unequal coefficients, a derivative's terms times a constant beyond
        // 4 (it would multiply the subnormal tail's rounding).
        for text in [
            "x * sigmoid(x) * exp(x)".to_string(),
            "x * sigmoid(2 * x)".into(),
            "x * sigmoid(-x)".into(),
            format!("sigmoid(x) + 2 * {sp}"),
            format!("8 * sigmoid(x) + 8 * {sp}"),
        ] {
            let (g, r) = rewritten_in_graph(&text);
            let p = print(&g, r, &[]);
            assert!(!calls(&g, r, Func::Silu), "{text}: {p}");
            assert!(!calls(&g, r, Func::SiluPrime), "{text}: {p}");
        }
    }

    #[test]
    fn gelu_product_becomes_one_call() {
        use crate::graph::{Func, Node};
        let (mut g, r) = rewritten_in_graph("0.5 * x * erfc(-x / sqrt(2))");
        let x = g.x();
        assert_eq!(
            *g.node(r),
            Node::Call(Func::Gelu, x),
            "{}",
            print(&g, r, &[])
        );
        // A constant factor.
        let (mut g, r) = rewritten_in_graph("3 * x * erfc(-x / sqrt(2))");
        let x = g.x();
        let gelu = g.call(Func::Gelu, x);
        assert_eq!(
            g.coef_and_base(r),
            (6.0, Some(gelu)),
            "{}",
            print(&g, r, &[])
        );
        // Not rewritten: another factor (GEGLU's: the kernel's result is final), another
        // argument, an argument the product flattens (`2 x`, GELU of `2 x` times 4), no
        // factor `x`.
        for text in [
            "x * erfc(-x / sqrt(2)) * sigmoid(x)",
            "x * erfc(-x / sqrt(3))",
            "x * erfc(x / sqrt(2))",
            "2 * x * erfc(-2 * x / sqrt(2))",
            "erfc(-x / sqrt(2)) * sigmoid(x)",
        ] {
            let (g, r) = rewritten_in_graph(text);
            let p = print(&g, r, &[]);
            assert!(p.contains("erfc"), "{text}: {p}");
            assert!(
                !matches!(g.node(r), Node::Call(Func::Gelu, _)),
                "{text}: {p}"
            );
        }
    }

    #[test]
    fn gelu_tanh_product_becomes_one_call() {
        use crate::graph::{Func, Node};
        let cubic = "sqrt(2 / pi) * (x + 0.044715 * powi(x, 3))";
        let (mut g, r) = rewritten_in_graph(&format!("0.5 * x * (1 + tanh({cubic}))"));
        let x = g.x();
        assert_eq!(
            *g.node(r),
            Node::Call(Func::GeluTanh, x),
            "{}",
            print(&g, r, &[])
        );
        // A constant factor, and the sigmoid form written out.
        let (mut g, r) = rewritten_in_graph(&format!("3 * x * (1 + tanh({cubic}))"));
        let x = g.x();
        let gt = g.call(Func::GeluTanh, x);
        assert_eq!(g.coef_and_base(r), (6.0, Some(gt)), "{}", print(&g, r, &[]));
        let (g, r) = rewritten_in_graph(&format!("x * sigmoid(2 * {cubic})"));
        assert!(
            matches!(g.node(r), Node::Call(Func::GeluTanh, _)),
            "{}",
            print(&g, r, &[])
        );
        // Its derivative is the derivative's kernel.
        let (mut g, r) = rewritten_in_graph(&format!("0.5 * x * (1 + tanh({cubic}))"));
        let d = crate::diff::Differentiator::new().diff(&mut g, r, crate::graph::Var::X);
        let d = run(&mut g, d);
        let x = g.x();
        assert_eq!(*g.node(d), Node::Call(Func::GeluTanhPrime, x));
        // Not rewritten: another factor (a gate's `b` would multiply the kernel's final
        // rounding), another constant (0.0447, or 0.044715 not written as that decimal),
        // another argument, no factor `x`.
        for text in [
            format!("x * (1 + tanh({cubic})) * sigmoid(x)"),
            "0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.0447 * powi(x, 3))))".to_string(),
            "0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.0447150000000000000001 * powi(x, 3))))"
                .to_string(),
            "0.5 * x * (1 + tanh(sqrt(2 / pi) * (2 * x + 0.044715 * powi(x, 3))))".to_string(),
            format!("0.5 * (1 + tanh({cubic}))"),
        ] {
            let (g, r) = rewritten_in_graph(&text);
            let p = print(&g, r, &[]);
            assert!(p.contains("sigmoid"), "{text}: {p}");
            let calls = g.reachable(&[r]);
            assert!(
                !calls
                    .iter()
                    .any(|&n| matches!(g.node(n), Node::Call(Func::GeluTanh, _))),
                "{text}: {p}"
            );
        }
    }

    #[test]
    fn gelu_derivative_becomes_one_call() {
        use crate::graph::{Func, Node, Var};
        // What differentiating GELU gives, and the sum written out.
        let (mut g, f) = rewritten_in_graph("0.5 * x * erfc(-x / sqrt(2))");
        let d = g.diff(f, Var::X);
        let x = g.x();
        assert_eq!(
            *g.node(d),
            Node::Call(Func::GeluPrime, x),
            "{}",
            print(&g, d, &[])
        );
        let dens = "x * exp(-powi(x, 2) / 2) / sqrt(2) / sqrt(pi)";
        let (mut g, r) = rewritten_in_graph(&format!("erfc(-x / sqrt(2)) / 2 + {dens}"));
        let x = g.x();
        assert_eq!(
            *g.node(r),
            Node::Call(Func::GeluPrime, x),
            "{}",
            print(&g, r, &[])
        );
        // A common factor and another term.
        let (mut g, r) = rewritten_in_graph(&format!("3 * erfc(-x / sqrt(2)) + 6 * {dens} + x"));
        let x = g.x();
        let m = g.call(Func::GeluPrime, x);
        let want = g.scale(6.0, m);
        let p = print(&g, r, &[]);
        assert!(
            matches!(g.node(r), Node::Sum(ts) if ts.contains(&want)),
            "{p}"
        );
        // Not GELU's derivative: the density's factor is not twice the erfc's, or the
        // argument is another.
        for text in [
            format!("erfc(-x / sqrt(2)) + {dens}"),
            format!("erfc(-x / sqrt(3)) / 2 + {dens}"),
            "erfc(-x / sqrt(2)) / 2 + 2 * x * exp(-powi(x, 2) / 2) / sqrt(2) / sqrt(pi)".into(),
        ] {
            let (g, r) = rewritten_in_graph(&text);
            let p = print(&g, r, &[]);
            assert!(!p.contains("gelu"), "{text}: {p}");
            assert!(matches!(g.node(r), Node::Sum(_)), "{text}: {p}");
        }
    }

    fn check(text: &str, expected: &str) {
        assert_eq!(rewritten(text, false), expected, "{text}");
    }

    /// The node `text` rewrites to, in its graph.
    fn rewritten_in_graph(text: &str) -> (Graph, crate::graph::Id) {
        let expr: syn::Expr = syn::parse_str(text).expect("parses");
        let mut g = Graph::new();
        let written =
            lower_as_written(&mut g, &expr, &mut Scope::new(vec![], false)).expect("lowers");
        let r = run(&mut g, written);
        (g, r)
    }

    #[test]
    fn mish_product_becomes_one_call() {
        use crate::graph::{Func, Graph, Id, Node};
        let calls = |g: &Graph, r: Id, f: Func| {
            g.reachable(&[r])
                .into_iter()
                .any(|n| matches!(g.node(n), Node::Call(h, _) if *h == f))
        };
        let (mut g, r) = rewritten_in_graph("x * tanh(softplus(x))");
        let x = g.x();
        assert_eq!(
            *g.node(r),
            Node::Call(Func::Mish, x),
            "{}",
            print(&g, r, &[])
        );
        // A small constant factor is kept outside the call.
        let (mut g, r) = rewritten_in_graph("-3 * x * tanh(softplus(x))");
        let x = g.x();
        let m = g.call(Func::Mish, x);
        assert_eq!(g.coef_and_base(r), (-3.0, Some(m)), "{}", print(&g, r, &[]));
        // Not Mish: the factor is not the argument, or a factor beyond 4, or a variable factor.
        for text in [
            "2 * x * tanh(softplus(x + 1))",
            "8 * x * tanh(softplus(x))",
            "x * x * tanh(softplus(x))",
        ] {
            let (g, r) = rewritten_in_graph(text);
            let p = print(&g, r, &[]);
            assert!(!calls(&g, r, Func::Mish), "{text}: {p}");
        }
    }

    #[test]
    fn mish_derivative_becomes_one_call() {
        use crate::graph::{Func, Node};
        let t = "(1 - powi(tanh(softplus(x)), 2))";
        let (mut g, r) = rewritten_in_graph(&format!("tanh(softplus(x)) + x * {t} * sigmoid(x)"));
        let x = g.x();
        assert_eq!(
            *g.node(r),
            Node::Call(Func::MishPrime, x),
            "{}",
            print(&g, r, &[])
        );
        // A common factor, and an argument other than x.
        let (mut g, r) =
            rewritten_in_graph(&format!("3 * tanh(softplus(x)) + 3 * x * {t} * sigmoid(x)"));
        let x = g.x();
        let m = g.call(Func::MishPrime, x);
        assert_eq!(g.coef_and_base(r), (3.0, Some(m)), "{}", print(&g, r, &[]));
        let u = "(2 * x)";
        let tu = format!("(1 - powi(tanh(softplus({u})), 2))");
        let (g, r) = rewritten_in_graph(&format!(
            "tanh(softplus({u})) + {u} * {tu} * sigmoid({u}) + 1"
        ));
        let p = print(&g, r, &[]);
        assert!(p.contains("tanh(softplus(2 * x)) + 2 * x *"), "{p}");
        // Not Mish's derivative: the second term's factor is not the argument.
        let (g, r) = rewritten_in_graph(&format!("tanh(softplus(x)) + 2 * x * {t} * sigmoid(x)"));
        assert!(!matches!(g.node(r), Node::Call(Func::MishPrime, _)));
        let p = print(&g, r, &[]);
        assert!(p.contains("2 * x"), "{p}");
    }

    #[test]
    fn cancelling_sums() {
        check("2 * exp(x) - 2", "2 * expm1(x)");
        check("1 + tanh(x)", "2 * sigmoid(2 * x)");
        check("3 - 3 * tanh(x)", "6 * sigmoid(-2 * x)");
        check("1 - sigmoid(x)", "sigmoid(-x)");
        check("1 - erf(x)", "erfc(x)");
        check("1 + erf(x)", "erfc(-x)");
    }

    /// The node that `text` rewrites to.
    fn rewritten_node(text: &str) -> crate::graph::Node {
        let expr: syn::Expr = syn::parse_str(text).expect("parses");
        let mut g = Graph::new();
        let written =
            lower_as_written(&mut g, &expr, &mut Scope::new(vec![], false)).expect("lowers");
        let r = run(&mut g, written);
        g.node(r).clone()
    }

    #[test]
    fn derivatives_of_sigmoid_and_tanh_without_cancellation() {
        use crate::graph::{Func, Node};
        // Printed as `1 - powi(tanh(x), 2)` and `sigmoid(x) * (1 - sigmoid(x))`, but computed
        // by their own kernels.
        assert!(matches!(
            rewritten_node("1 - tanh(x) * tanh(x)"),
            Node::Call(Func::TanhPrime, _)
        ));
        assert!(matches!(
            rewritten_node("sigmoid(x) * sigmoid(-x)"),
            Node::Call(Func::SigmoidPrime, _)
        ));
    }

    #[test]
    fn overflowing_exponentials() {
        check("1 / (1 + exp(-x))", "sigmoid(x)");
        check("1 / (2 + 2 * exp(x))", "sigmoid(-x) / 2");
        check("exp(x) * sigmoid(-x)", "sigmoid(x)");
        check("(exp(x) - exp(-x)) / (exp(x) + exp(-x))", "tanh(x)");
        check("exp(x) * exp(2 * x)", "exp(3 * x)");
        check("exp(x) * exp(x)", "exp(2 * x)");
        check("ln(1 + exp(x))", "softplus(x)");
        check("log1p(exp(x))", "softplus(x)");
        check("ln(exp(x))", "x");
        check("ln(exp(x) * x)", "x + ln(x)");
    }

    #[test]
    fn logarithms_roots_and_absolute_values() {
        check("ln(1 + x)", "log1p(x)");
        check("ln(sigmoid(x))", "-softplus(-x)");
        check("sqrt(x * x)", "abs(x)");
        check("abs(exp(x))", "exp(x)");
        check("ln(x + sqrt(x * x + 1))", "asinh(x)");
        check("ln(sqrt(1 + powi(x, 2)) + x)", "asinh(x)");
        check("ln(2 * x + sqrt(powi(2 * x, 2) + 1))", "asinh(2 * x)");
        // Not the textbook form: left alone.
        check("ln(x + sqrt(x * x + 2))", "ln(x + sqrt(powi(x, 2) + 2))");
    }

    #[test]
    fn a_negated_sum_enters_a_sum_term_by_term() {
        // `exp(x) - (exp(x) + x)`: the two exponentials cancel exactly.
        check("exp(x) - (exp(x) + x)", "-x");
    }

    #[test]
    fn softmax_and_log_softmax_are_shifted_by_the_maximum() {
        assert_eq!(
            rewritten("exp(x) / sum(exp(x))", true),
            "exp(x - max(x)) / sum(exp(x - max(x)))"
        );
        let log_softmax = rewritten("x - ln(sum(exp(x)))", true);
        assert!(
            log_softmax.starts_with("x - max(x) - log1p("),
            "{log_softmax}"
        );
    }

    #[test]
    fn rules_apply_inside_what_other_rules_build() {
        // ln(1 + 1 / (1 + exp(-x))): the sigmoid is found first, then log1p.
        check("ln(1 + 1 / (1 + exp(-x)))", "log1p(sigmoid(x))");
    }
}
