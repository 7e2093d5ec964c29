//! The smart constructors of [`Graph`]: every node is built through them, in canonical form
//! (n-ary sums and products, operands in canonical order, constant coefficients folded, like
//! terms collected, integer powers merged). They rewrite nothing else: the stability rewrites
//! are a pass, [`crate::rewrite::run`].

use super::{Cmp, Func, Graph, Id, Node};

impl Graph {
    /// `a + b`.
    pub fn add(&mut self, a: Id, b: Id) -> Id {
        self.sum(vec![a, b])
    }

    /// `a - b`.
    pub fn sub(&mut self, a: Id, b: Id) -> Id {
        let nb = self.neg(b);
        self.sum(vec![a, nb])
    }

    /// `-a`.
    pub fn neg(&mut self, a: Id) -> Id {
        let m = self.num(-1.0);
        self.prod(vec![m, a])
    }

    /// `a * b`.
    pub fn mul(&mut self, a: Id, b: Id) -> Id {
        self.prod(vec![a, b])
    }

    /// `a / b`.
    pub fn div(&mut self, a: Id, b: Id) -> Id {
        let inv = self.powi(b, -1);
        self.prod(vec![a, inv])
    }

    /// `c * t` without re-running product canonicalisation on `t`'s factors.
    pub(crate) fn scale(&mut self, c: f64, t: Id) -> Id {
        if c == 0.0 {
            return self.num(0.0);
        }
        if c == 1.0 {
            return t;
        }
        let k = self.num(c);
        self.prod(vec![k, t])
    }

    /// Sum of terms: flattened, like terms collected, constants folded.
    pub fn sum(&mut self, terms: Vec<Id>) -> Id {
        let mut flat = Vec::with_capacity(terms.len());
        for t in terms {
            match self.node(t).clone() {
                Node::Sum(inner) => flat.extend(inner.iter().copied()),
                _ => flat.push(t),
            }
        }
        let mut constant = 0.0;
        let mut collected: Vec<(Id, f64)> = Vec::new();
        for t in flat {
            let (c, rest) = self.coef_and_base(t);
            match rest {
                None => constant += c,
                Some(base) => match collected.iter_mut().find(|(b, _)| *b == base) {
                    Some(entry) => entry.1 += c,
                    None => collected.push((base, c)),
                },
            }
        }
        let mut out: Vec<Id> = Vec::with_capacity(collected.len() + 1);
        for (base, c) in collected {
            if c != 0.0 {
                out.push(self.scale(c, base));
            }
        }
        if constant != 0.0 || constant.is_nan() {
            out.push(self.num(constant));
        }
        self.sort_canonical(&mut out);
        match out.len() {
            0 => self.num(0.0),
            1 => out[0],
            _ => self.intern(Node::Sum(out)),
        }
    }

    /// Coefficient and base of a term, where the base is a product without constant factor.
    pub(crate) fn coef_and_base(&mut self, t: Id) -> (f64, Option<Id>) {
        match self.node(t).clone() {
            Node::Const(b) => (f64::from_bits(b), None),
            Node::Prod(fs) => match self.as_const(fs[0]) {
                Some(c) => {
                    let rest = fs[1..].to_vec();
                    let base = if rest.len() == 1 {
                        rest[0]
                    } else {
                        self.intern(Node::Prod(rest))
                    };
                    (c, Some(base))
                }
                None => (1.0, Some(t)),
            },
            _ => (1.0, Some(t)),
        }
    }

    /// Product of factors: flattened, constants folded, powers of equal bases merged.
    pub fn prod(&mut self, factors: Vec<Id>) -> Id {
        let mut flat = Vec::with_capacity(factors.len());
        for f in factors {
            match self.node(f) {
                Node::Prod(inner) => flat.extend(inner.iter().copied()),
                _ => flat.push(f),
            }
        }
        let mut constant = 1.0;
        let mut bases: Vec<(Id, i32)> = Vec::new();
        for f in flat {
            if let Some(c) = self.as_const(f) {
                constant *= c;
                continue;
            }
            let (base, k) = match *self.node(f) {
                Node::Pow(b, k) => (b, k),
                _ => (f, 1),
            };
            match bases.iter_mut().find(|(b, _)| *b == base) {
                Some(entry) => entry.1 = entry.1.saturating_add(k),
                None => bases.push((base, k)),
            }
        }
        if constant == 0.0 {
            return self.num(0.0);
        }
        let mut out: Vec<Id> = Vec::with_capacity(bases.len() + 1);
        for (b, k) in bases {
            if k != 0 {
                let p = self.powi(b, k);
                // A power may fold to a constant or a product (e.g. sqrt(2)^2 = 2).
                match self.node(p).clone() {
                    Node::Const(c) => constant *= f64::from_bits(c),
                    Node::Prod(inner) => {
                        for i in inner {
                            match self.as_const(i) {
                                Some(c) => constant *= c,
                                None => out.push(i),
                            }
                        }
                    }
                    _ => out.push(p),
                }
            }
        }
        self.sort_canonical(&mut out);
        if out.is_empty() {
            return self.num(constant);
        }
        let mut key = out.clone();
        if constant != 1.0 {
            let k = self.num(constant);
            key.insert(0, k);
        }
        if key.len() == 1 {
            return key[0];
        }
        self.intern(Node::Prod(key))
    }

    /// `a^k` for an integer `k`.
    pub fn powi(&mut self, a: Id, k: i32) -> Id {
        if k == 0 {
            return self.num(1.0);
        }
        if k == 1 {
            return a;
        }
        if let Some(c) = self.as_const(a) {
            return self.num(c.powi(k));
        }
        match self.node(a).clone() {
            Node::Pow(b, j) => {
                let kk = j.saturating_mul(k);
                return self.powi(b, kk);
            }
            // `(c x)^n` becomes `c^n x^n` only where that cannot overflow or underflow where
            // the product's power does not: every factor that is not an input is a constant
            // whose power is moderate (`(1e-200 x)^2` as `1e-400 x^2` would be `0 · ∞` at
            // x = 1e200, and `(k x)^2` with a parameter `k` = 1e160 NaN at x = 0).
            Node::Prod(fs) if fs.iter().all(|&f| self.distributes(f, k)) => {
                let parts: Vec<Id> = fs.iter().map(|&f| self.powi(f, k)).collect();
                return self.prod(parts);
            }
            Node::Call(Func::Sqrt, u) if k % 2 == 0 => return self.powi(u, k / 2),
            _ => {}
        }
        self.intern(Node::Pow(a, k))
    }

    /// Whether `f^k` may stand for a factor `f` of a product raised to `k` (see [`Self::powi`]):
    /// `k = ±1`, or `f` depends on an input or a reduction, or is a constant whose `k`-th
    /// power lies within `2^±64`.
    fn distributes(&self, f: Id, k: i32) -> bool {
        if k.abs() == 1 || self.depends(f, &|n| matches!(n, Node::X | Node::B | Node::Red(_))) {
            return true;
        }
        if !self.is_constant(f) {
            return false;
        }
        let c = crate::eval::eval(self, f, 0.0, &[], &[]).abs();
        let p = c.powi(k);
        c == 0.0 || (p >= 2f64.powi(-64) && p <= 2f64.powi(64))
    }

    /// `a^b`.
    pub fn powf(&mut self, a: Id, b: Id) -> Id {
        if let Some(k) = self.as_const(b) {
            if k == k.trunc() && k.abs() <= 64.0 {
                return self.powi(a, k as i32);
            }
            if k == 0.5 {
                return self.call(Func::Sqrt, a);
            }
        }
        if let (Some(x), Some(y)) = (self.as_const(a), self.as_const(b)) {
            return self.num(x.powf(y));
        }
        self.intern(Node::PowF(a, b))
    }

    /// `f(a)`.
    pub fn call(&mut self, f: Func, a: Id) -> Id {
        if let Some(c) = self.as_const(a) {
            match f {
                // Inexact square roots stay symbolic so that sqrt(2)^2 = 2 exactly.
                Func::Sqrt if c.sqrt() * c.sqrt() != c => {}
                _ => return self.num(crate::eval::apply(f, c)),
            }
        }
        self.intern(Node::Call(f, a))
    }

    /// `max(a, b)` (`a` on a tie).
    pub fn max(&mut self, a: Id, b: Id) -> Id {
        if a == b {
            return a;
        }
        if let (Some(x), Some(y)) = (self.as_const(a), self.as_const(b)) {
            return self.num(if x >= y { x } else { y });
        }
        self.intern(Node::Max(a, b))
    }

    /// `min(a, b)` (`a` on a tie).
    pub fn min(&mut self, a: Id, b: Id) -> Id {
        if a == b {
            return a;
        }
        if let (Some(x), Some(y)) = (self.as_const(a), self.as_const(b)) {
            return self.num(if x <= y { x } else { y });
        }
        self.intern(Node::Min(a, b))
    }

    /// `if a CMP b { t } else { e }`.
    pub fn select(&mut self, cmp: Cmp, a: Id, b: Id, t: Id, e: Id) -> Id {
        if t == e {
            return t;
        }
        if let (Some(x), Some(y)) = (self.as_const(a), self.as_const(b)) {
            return if cmp.holds(x, y) { t } else { e };
        }
        if self.is_constant(a) && !self.is_constant(b) {
            // `c >= x` reads better as `x > c`; the negated comparison swaps the branches
            // (NaN inputs are handled apart, so the two agree wherever it matters).
            let flipped = match cmp {
                Cmp::Ge => Cmp::Gt,
                Cmp::Gt => Cmp::Ge,
                Cmp::Le => Cmp::Lt,
                Cmp::Lt => Cmp::Le,
            };
            return self.select(flipped, b, a, e, t);
        }
        self.intern(Node::Select(cmp, a, b, t, e))
    }
}
