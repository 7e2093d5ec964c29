//! Symbolic differentiation.
//!
//! Derivatives are memoised per node, so a shared subexpression is differentiated once and the
//! derivative graph stays linear in the size of the formula (no exponential blow-up through
//! the product rule). The result goes through the same smart constructors as everything else,
//! so it comes out simplified and stability-rewritten.

use crate::graph::{Cmp, Func, Graph, Id, Node, Var};

impl Graph {
    /// `d(id)/d(wrt)`.
    pub fn diff(&mut self, id: Id, wrt: Var) -> Id {
        if let Some(&d) = self.diff_memo.get(&(id, wrt)) {
            return d;
        }
        let d = self.diff_node(id, wrt);
        self.diff_memo.insert((id, wrt), d);
        d
    }

    fn diff_node(&mut self, id: Id, wrt: Var) -> Id {
        let zero = self.num(0.0);
        match self.node(id).clone() {
            Node::Const(_) | Node::Named(_) => zero,
            Node::Param(i) => self.num(if wrt == Var::Param(i) { 1.0 } else { 0.0 }),
            Node::X => self.num(if wrt == Var::X { 1.0 } else { 0.0 }),
            Node::B => self.num(if wrt == Var::B { 1.0 } else { 0.0 }),
            Node::Red(j) => self.num(if wrt == Var::Red(j) { 1.0 } else { 0.0 }),
            Node::Sum(ts) => {
                let ds = ts.iter().map(|&t| self.diff(t, wrt)).collect();
                self.sum(ds)
            }
            Node::Prod(fs) => {
                let mut terms = Vec::with_capacity(fs.len());
                for i in 0..fs.len() {
                    let di = self.diff(fs[i], wrt);
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
                    terms.push(self.prod(factors));
                }
                self.sum(terms)
            }
            Node::Pow(a, k) => {
                let da = self.diff(a, wrt);
                let p = self.powi(a, k - 1);
                let kk = self.num(f64::from(k));
                self.prod(vec![kk, p, da])
            }
            Node::PowF(a, b) => {
                // d(a^b) = a^b * (b' ln a + b a' / a)
                let da = self.diff(a, wrt);
                let db = self.diff(b, wrt);
                let ln_a = self.call(Func::Ln, a);
                let t1 = self.mul(db, ln_a);
                let ba = self.mul(b, da);
                let t2 = self.div(ba, a);
                let s = self.add(t1, t2);
                self.mul(id, s)
            }
            Node::Call(f, a) => {
                let da = self.diff(a, wrt);
                if da == zero {
                    return zero;
                }
                let outer = f.derivative(self, a);
                self.mul(outer, da)
            }
            Node::Max(a, b) => {
                let (da, db) = (self.diff(a, wrt), self.diff(b, wrt));
                self.select(Cmp::Ge, a, b, da, db)
            }
            Node::Min(a, b) => {
                let (da, db) = (self.diff(a, wrt), self.diff(b, wrt));
                self.select(Cmp::Le, a, b, da, db)
            }
            Node::Select(c, a, b, t, e) => {
                let (dt, de) = (self.diff(t, wrt), self.diff(e, wrt));
                self.select(c, a, b, dt, de)
            }
        }
    }
}
