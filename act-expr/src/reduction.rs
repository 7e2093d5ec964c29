//! The partial derivatives through a vector formula's reductions, computed once for the code
//! generator (VJP, Jacobian) and for `Formula`'s interpreter (the Jacobian's diagonal).

use crate::diff::Differentiator;
use crate::graph::{Graph, Id, Node, Var};

/// A reduction `r_j = R(g_j(x))` of a vector formula with the derivatives the VJP needs.
#[derive(Clone, Debug)]
pub struct ReductionModel {
    /// `∂f/∂r_j`: how the output depends on this reduction's value.
    pub output_partial: Id,
    /// `∂g_j/∂x`: derivative of the reduced expression with respect to the element.
    pub body_dx: Id,
    /// `(k, ∂g_j/∂r_k)` for the earlier reductions `k` the body uses (the nonzero ones).
    pub body_dr: Vec<(u32, Id)>,
    /// Number of passes over the data before this reduction can be computed (1 = first pass).
    pub level: usize,
}

/// The partials of `f` through each reduction of `g`, in the order of [`Graph::reductions`].
pub fn partials(g: &mut Graph, d: &mut Differentiator, f: Id) -> Vec<ReductionModel> {
    let reds: Vec<Id> = g.reductions().iter().map(|&(_, body)| body).collect();
    let mut levels: Vec<usize> = Vec::with_capacity(reds.len());
    let mut out = Vec::with_capacity(reds.len());
    for (j, &body) in reds.iter().enumerate() {
        let output_partial = d.diff(g, f, Var::Red(j as u32));
        let body_dx = d.diff(g, body, Var::X);
        let mut body_dr = Vec::new();
        let mut level = 1;
        let used = g.reachable(&[body]);
        for (k, &level_k) in levels.iter().enumerate() {
            let dk = d.diff(g, body, Var::Red(k as u32));
            if g.as_const(dk) != Some(0.0) {
                body_dr.push((k as u32, dk));
            }
            if used.iter().any(|&i| *g.node(i) == Node::Red(k as u32)) {
                level = level.max(level_k + 1);
            }
        }
        levels.push(level);
        out.push(ReductionModel {
            output_partial,
            body_dx,
            body_dr,
            level,
        });
    }
    out
}

/// The exact range of a vector formula whose shape proves one, whatever the parameters and
/// the input's length; `None` for any other shape (its range is then unknown, not `ℝ`).
///
/// - `a / sum(a)` with `a` positive (`exp(..)` or `sigmoid(..)`): softmax, softmin, softmax
///   with a temperature, shifted by `max(x)` or not. Each output lies in (0, 1]: `a_i < sum(a)`
///   for two or more elements, `a_i = sum(a)` for one (the maximum is attained, by a
///   one-element input); a second element far above the first brings it as close to 0 as
///   wanted, never to 0.
/// - `w - ln(sum(exp(w)))` and `ln(a / sum(a))`: log-softmax, in (-∞, 0], 0 attained by a
///   one-element input.
///
/// Matched on the canonical graph: the candidate shapes are rebuilt from each `sum`
/// reduction's body (on a copy of `g`) and compared with `f` by identity.
pub fn proven_vector_range(g: &Graph, f: Id) -> Option<crate::analysis::RangeInfo> {
    use crate::graph::{Func, Reduce};
    let mut h = g.clone();
    let positive =
        |h: &Graph, id: Id| matches!(h.node(id), Node::Call(Func::Exp | Func::Sigmoid, _));
    let info =
        |min: f64, min_attained: bool, max: f64, max_attained: bool| crate::analysis::RangeInfo {
            min,
            max,
            min_attained,
            max_attained,
            argmin: None,
            argmax: None,
        };
    for &(kind, body) in g.reductions().to_vec().iter() {
        if kind != Reduce::Sum || !positive(&h, body) {
            continue;
        }
        let red = h.reduce(Reduce::Sum, body);
        let ratio = h.div(body, red);
        if ratio == f {
            return Some(info(0.0, false, 1.0, true));
        }
        let log_ratio = h.call(Func::Ln, ratio);
        let log_softmax = match *h.node(body) {
            Node::Call(Func::Exp, w) => {
                let ln = h.call(Func::Ln, red);
                Some(h.sub(w, ln))
            }
            _ => None,
        };
        if log_ratio == f || log_softmax == Some(f) {
            return Some(info(f64::NEG_INFINITY, false, 0.0, true));
        }
    }
    None
}
