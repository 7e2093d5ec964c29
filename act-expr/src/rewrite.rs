//! Stability rewrites: rules over canonical forms that turn textbook formulas into forms that
//! stay accurate in floating point.
//!
//! The smart constructors of [`Graph`] call these hooks after canonicalisation, so the rules
//! apply to everything built, including derivatives. Each rule removes a term, a factor or a
//! call, so rewriting terminates. The rules, with `k` any constant:
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
//! | `(exp(u) - exp(-u)) / (exp(u) + exp(-u))` | `tanh(u)`   | overflow of `exp`              |
//! | `ln(1 + exp(u))`, `log1p(exp(u))`    | `softplus(u)`    | overflow of `exp`              |
//! | `ln(1 + u)`                          | `log1p(u)`       | cancellation near `u = 0`      |
//! | `ln(exp(u))`                         | `u`              | overflow of `exp`              |
//! | `ln(sigmoid(u))`                     | `-softplus(-u)`  | underflow of `sigmoid`         |
//! | `sqrt(u^2)`                          | `abs(u)`         | overflow of `u^2`              |

use crate::graph::{Func, Graph, Id, Node};

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
pub(crate) fn sum(g: &mut Graph, terms: &[Id]) -> Option<Id> {
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
            let mut rest: Vec<Id> = terms
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i && j != ci)
                .map(|(_, &t)| t)
                .collect();
            rest.push(r);
            return Some(g.sum(rest));
        }
    }
    None
}

/// `1 / (k + k * exp(u))^n  ->  sigmoid(-u)^n / k^n`.
pub(crate) fn inverse_power(g: &mut Graph, a: Id, n: i32) -> Option<Id> {
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
pub(crate) fn prod(g: &mut Graph, constant: f64, factors: &[Id]) -> Option<Id> {
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
            } else if let Node::Pow(den, -1) = *g.node(b) {
                tanh_ratio(g, a, den)
            } else {
                None
            };
            if let Some(r) = replacement {
                let mut rest: Vec<Id> = factors
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| k != i && k != j)
                    .map(|(_, &f)| f)
                    .collect();
                rest.push(r);
                let k = g.num(constant);
                rest.push(k);
                return Some(g.prod(rest));
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
pub(crate) fn call(g: &mut Graph, f: Func, a: Id) -> Option<Id> {
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
