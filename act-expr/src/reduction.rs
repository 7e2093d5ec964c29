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
