//! Symbolic differentiation.
//!
//! A [`Differentiator`] memoises derivatives per node, so a shared subexpression is
//! differentiated once and the derivative graph stays linear in the size of the formula (no
//! exponential blow-up through the product rule). The derivative is built through the graph's
//! smart constructors (so it comes out in canonical form), then goes through the stability
//! rewrites ([`crate::rewrite::run`]). The rule of each unary function is its entry's
//! `derivative` in the [function table](crate::functions).

use std::collections::HashMap;

use crate::graph::{Cmp, Func, Graph, Id, Node, Var};
use crate::rewrite::Rewriter;

/// Differentiates nodes of a graph, remembering every derivative it has built (keep one
/// differentiator per graph to share that work between calls).
#[derive(Clone, Debug, Default)]
pub struct Differentiator {
    /// Derivatives as built, before the rewrites.
    memo: HashMap<(Id, Var), Id>,
    rewriter: Rewriter,
}

impl Graph {
    /// `d(id)/d(wrt)`, with a differentiator of its own (see [`Differentiator`] to share the
    /// work between several derivatives).
    pub fn diff(&mut self, id: Id, wrt: Var) -> Id {
        Differentiator::default().diff(self, id, wrt)
    }
}

impl Differentiator {
    /// A differentiator that has built nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `d(id)/d(wrt)`, built in `g` and stability-rewritten.
    pub fn diff(&mut self, g: &mut Graph, id: Id, wrt: Var) -> Id {
        let d = self.diff_as_built(g, id, wrt);
        self.rewriter.run(g, d)
    }

    /// `d(id)/d(wrt)` in canonical form, before the rewrites.
    fn diff_as_built(&mut self, g: &mut Graph, id: Id, wrt: Var) -> Id {
        if let Some(&d) = self.memo.get(&(id, wrt)) {
            return d;
        }
        let d = self.diff_node(g, id, wrt);
        self.memo.insert((id, wrt), d);
        d
    }

    fn diff_node(&mut self, g: &mut Graph, id: Id, wrt: Var) -> Id {
        let zero = g.num(0.0);
        match g.node(id).clone() {
            Node::Const(_) | Node::Named(_) => zero,
            Node::Param(i) => g.num(if wrt == Var::Param(i) { 1.0 } else { 0.0 }),
            Node::X => g.num(if wrt == Var::X { 1.0 } else { 0.0 }),
            Node::B => g.num(if wrt == Var::B { 1.0 } else { 0.0 }),
            Node::Red(j) => g.num(if wrt == Var::Red(j) { 1.0 } else { 0.0 }),
            Node::Sum(ts) => {
                let ds = ts.iter().map(|&t| self.diff_as_built(g, t, wrt)).collect();
                g.sum(ds)
            }
            Node::Prod(fs) => {
                let mut terms = Vec::with_capacity(fs.len());
                for i in 0..fs.len() {
                    let di = self.diff_as_built(g, fs[i], wrt);
                    if di == zero {
                        continue;
                    }
                    let mut factors: Vec<Id> = fs
                        .iter()
                        .enumerate()
                        .filter(|&(j, _)| j != i)
                        .map(|(_, &f)| f)
                        .collect();
                    factors.push(di);
                    terms.push(g.prod(factors));
                }
                g.sum(terms)
            }
            Node::Pow(a, k) => {
                let da = self.diff_as_built(g, a, wrt);
                let p = g.powi(a, k - 1);
                let kk = g.num(f64::from(k));
                g.prod(vec![kk, p, da])
            }
            Node::PowF(a, b) => {
                // d(a^b) = a^b * (b' ln a + b a' / a)
                let da = self.diff_as_built(g, a, wrt);
                let db = self.diff_as_built(g, b, wrt);
                let ln_a = g.call(Func::Ln, a);
                let t1 = g.mul(db, ln_a);
                let ba = g.mul(b, da);
                let t2 = g.div(ba, a);
                let s = g.add(t1, t2);
                g.mul(id, s)
            }
            Node::Call(f, a) => {
                let da = self.diff_as_built(g, a, wrt);
                if da == zero {
                    return zero;
                }
                let outer = f.derivative(g, a);
                g.mul(outer, da)
            }
            Node::Max(a, b) => {
                let (da, db) = (self.diff_as_built(g, a, wrt), self.diff_as_built(g, b, wrt));
                g.select(Cmp::Ge, a, b, da, db)
            }
            Node::Min(a, b) => {
                let (da, db) = (self.diff_as_built(g, a, wrt), self.diff_as_built(g, b, wrt));
                g.select(Cmp::Le, a, b, da, db)
            }
            Node::Select(c, a, b, t, e) => {
                let (dt, de) = (self.diff_as_built(g, t, wrt), self.diff_as_built(g, e, wrt));
                g.select(c, a, b, dt, de)
            }
        }
    }
}
