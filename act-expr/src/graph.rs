//! The formula graph: hash-consed nodes in canonical form.
//!
//! Every node is built through a smart constructor of [`Graph`], which puts it in canonical form
//! (n-ary sums and products, sorted operands, constant coefficients folded, like terms
//! collected, integer powers merged) and then applies the stability rewrites of
//! the `rewrite` module. Equal subexpressions get the same [`Id`] (common subexpression
//! elimination for free), and children always have smaller ids than their parents, so the node
//! list is a topological order.

use std::collections::HashMap;

/// Index of a node in a [`Graph`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub(crate) u32);

impl Id {
    /// The node's position in [`Graph::nodes`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

pub use crate::functions::Func;

/// Comparison in an `if` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Cmp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
    /// Applies the comparison (false when either side is NaN).
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
}

/// A reduction over the whole input of a `vector` activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reduce {
    /// `sum(E)`
    Sum,
    /// `mean(E)`
    Mean,
    /// `max(E)`
    Max,
    /// `min(E)`
    Min,
}

impl Reduce {
    /// Name in the formula language.
    pub fn name(self) -> &'static str {
        match self {
            Reduce::Sum => "sum",
            Reduce::Mean => "mean",
            Reduce::Max => "max",
            Reduce::Min => "min",
        }
    }
}

/// Named mathematical constants, kept symbolic so that e.g. `sqrt(pi)^2` simplifies exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Named {
    /// π
    Pi,
    /// Euler's number
    E,
}

/// A node of the graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// A number (its bits; `-0.0` is stored as `0.0`).
    Const(u64),
    /// `pi` or `e`.
    Named(Named),
    /// The input `x` (in a vector activation: the current element; in a gated activation:
    /// the first input, `a`).
    X,
    /// The second input of a gated activation (`b` in `f(a, b)`).
    B,
    /// Parameter number `i` of the declaration.
    Param(u32),
    /// The value of reduction number `j` (see [`Graph::reductions`]).
    Red(u32),
    /// Sum of at least two terms, sorted by id.
    Sum(Vec<Id>),
    /// Product of at least two factors, sorted by id; a constant factor comes first.
    Prod(Vec<Id>),
    /// Integer power (never 0 or 1).
    Pow(Id, i32),
    /// `a^b` for a non-integer or non-constant exponent.
    PowF(Id, Id),
    /// A unary function.
    Call(Func, Id),
    /// `max(a, b)`: `a` on a tie.
    Max(Id, Id),
    /// `min(a, b)`: `a` on a tie.
    Min(Id, Id),
    /// `if a CMP b { then } else { otherwise }`.
    Select(Cmp, Id, Id, Id, Id),
}

/// What to differentiate with respect to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Var {
    /// The input `x` (a gated activation's first input).
    X,
    /// A gated activation's second input.
    B,
    /// Parameter number `i`.
    Param(u32),
    /// Reduction number `j`, as a free variable.
    Red(u32),
}

/// A graph of formula nodes, built only through smart constructors.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    dedup: HashMap<Node, Id>,
    reductions: Vec<(Reduce, Id)>,
    /// Apply the stability rewrites (on by default; off to print formulas as written).
    pub(crate) raw: bool,
    pub(crate) diff_memo: HashMap<(Id, Var), Id>,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Graph::default()
    }

    /// An empty graph that does not apply the stability rewrites: formulas stay as written
    /// (up to canonical order and constant folding).
    pub fn new_raw() -> Self {
        Graph {
            raw: true,
            ..Graph::default()
        }
    }

    /// All nodes; children come before parents.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Node `id`.
    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id.index()]
    }

    /// The reductions `(kind, body)` referenced by [`Node::Red`].
    pub fn reductions(&self) -> &[(Reduce, Id)] {
        &self.reductions
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True if there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub(crate) fn intern(&mut self, node: Node) -> Id {
        if let Some(&id) = self.dedup.get(&node) {
            return id;
        }
        let id = Id(self.nodes.len() as u32);
        self.nodes.push(node.clone());
        self.dedup.insert(node, id);
        id
    }

    /// The constant `v`.
    pub fn num(&mut self, v: f64) -> Id {
        let v = if v == 0.0 { 0.0 } else { v };
        self.intern(Node::Const(v.to_bits()))
    }

    /// `pi` or `e`.
    pub fn named(&mut self, n: Named) -> Id {
        self.intern(Node::Named(n))
    }

    /// The input `x`.
    pub fn x(&mut self) -> Id {
        self.intern(Node::X)
    }

    /// The second input of a gated activation.
    pub fn b(&mut self) -> Id {
        self.intern(Node::B)
    }

    /// Parameter `i`.
    pub fn param(&mut self, i: u32) -> Id {
        self.intern(Node::Param(i))
    }

    /// A reduction over the input; returns the node standing for its value.
    pub fn reduce(&mut self, kind: Reduce, body: Id) -> Id {
        if !self.raw {
            if let Some(r) = crate::rewrite::reduction(self, kind, body) {
                return r;
            }
        }
        let j = match self.reductions.iter().position(|&r| r == (kind, body)) {
            Some(j) => j,
            None => {
                self.reductions.push((kind, body));
                self.reductions.len() - 1
            }
        };
        self.intern(Node::Red(j as u32))
    }

    /// The value of a constant node.
    pub fn as_const(&self, id: Id) -> Option<f64> {
        match self.node(id) {
            Node::Const(bits) => Some(f64::from_bits(*bits)),
            _ => None,
        }
    }

    /// True when `id` depends on neither `x`, parameters nor reductions.
    pub fn is_constant(&self, id: Id) -> bool {
        !self.depends(id, &|n| {
            matches!(n, Node::X | Node::B | Node::Param(_) | Node::Red(_))
        })
    }

    /// True when the node depends on an input: `x`, or a gated activation's second input.
    pub fn depends_on_input(&self, id: Id) -> bool {
        self.depends(id, &|n| matches!(n, Node::X | Node::B))
    }

    /// True when the node depends on `x` directly (a reduction's value counts as a constant).
    pub fn depends_on_x(&self, id: Id) -> bool {
        self.depends(id, &|n| matches!(n, Node::X))
    }

    fn depends(&self, id: Id, leaf: &dyn Fn(&Node) -> bool) -> bool {
        let mut hit = vec![false; id.index() + 1];
        for i in 0..=id.index() {
            let n = &self.nodes[i];
            hit[i] = leaf(n) || self.children(n).iter().any(|c| hit[c.index()]);
        }
        hit[id.index()]
    }

    /// The children of a node.
    pub fn children(&self, n: &Node) -> Vec<Id> {
        match n {
            Node::Const(_) | Node::Named(_) | Node::X | Node::B | Node::Param(_) | Node::Red(_) => {
                vec![]
            }
            Node::Sum(v) | Node::Prod(v) => v.clone(),
            Node::Pow(a, _) | Node::Call(_, a) => vec![*a],
            Node::PowF(a, b) | Node::Max(a, b) | Node::Min(a, b) => vec![*a, *b],
            Node::Select(_, a, b, t, e) => vec![*a, *b, *t, *e],
        }
    }

    /// Ids reachable from `roots`, in increasing (topological) order.
    pub fn reachable(&self, roots: &[Id]) -> Vec<Id> {
        let Some(top) = roots.iter().max() else {
            return vec![];
        };
        let mut live = vec![false; top.index() + 1];
        for r in roots {
            live[r.index()] = true;
        }
        for i in (0..=top.index()).rev() {
            if live[i] {
                for c in self.children(&self.nodes[i]) {
                    live[c.index()] = true;
                }
            }
        }
        (0..=top.index())
            .filter(|&i| live[i])
            .map(|i| Id(i as u32))
            .collect()
    }

    // ---- smart constructors -------------------------------------------------------------

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

    /// Sum of terms: flattened, like terms collected, constants folded, rewritten.
    pub fn sum(&mut self, terms: Vec<Id>) -> Id {
        let mut flat = Vec::with_capacity(terms.len());
        for t in terms {
            match self.node(t).clone() {
                Node::Sum(inner) => flat.extend(inner.iter().copied()),
                // `-(a + b)` enters as `-a - b`, so that its terms combine with the others
                // first: `x - (max(x) + l)` is `(x - max(x)) - l`, where the cancelling pair is
                // exact, not `x - (max(x) + l)` with `max(x) + l` rounded. (Only a negation: it
                // is exact, where `k (x + 3)` distributed would lose the exact root of `x + 3`.)
                Node::Prod(fs)
                    if !self.raw
                        && fs.len() == 2
                        && self.as_const(fs[0]) == Some(-1.0)
                        && matches!(self.node(fs[1]), Node::Sum(_)) =>
                {
                    let k = self.as_const(fs[0]).expect("constant");
                    let Node::Sum(inner) = self.node(fs[1]).clone() else {
                        unreachable!("a sum")
                    };
                    for i in inner {
                        flat.push(self.scale(k, i));
                    }
                }
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
        out.sort();
        if out.len() >= 2 {
            // Already built (and so already rewritten): rules need not run again. Without this
            // the rules' own constructions would recurse through every level of nesting.
            if let Some(&id) = self.dedup.get(&Node::Sum(out.clone())) {
                return id;
            }
        }
        if !self.raw {
            if let Some(r) = crate::rewrite::sum(self, &out) {
                return r;
            }
        }
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

    /// Product of factors: flattened, constants folded, powers of equal bases merged,
    /// rewritten.
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
        out.sort();
        if out.is_empty() {
            return self.num(constant);
        }
        let mut key = out.clone();
        if constant != 1.0 {
            let k = self.num(constant);
            key.insert(0, k);
        }
        if key.len() >= 2 {
            if let Some(&id) = self.dedup.get(&Node::Prod(key.clone())) {
                return id;
            }
        }
        if !self.raw {
            if let Some(r) = crate::rewrite::prod(self, constant, &out) {
                return r;
            }
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
            Node::Prod(fs) => {
                let parts: Vec<Id> = fs.iter().map(|&f| self.powi(f, k)).collect();
                return self.prod(parts);
            }
            Node::Call(Func::Sqrt, u) if k % 2 == 0 => return self.powi(u, k / 2),
            Node::Call(Func::Exp, u) if !self.raw => {
                let ku = self.scale(f64::from(k), u);
                return self.call(Func::Exp, ku);
            }
            _ => {}
        }
        if !self.raw {
            if let Some(r) = crate::rewrite::inverse_power(self, a, k) {
                return r;
            }
        }
        self.intern(Node::Pow(a, k))
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
        if let Some(&id) = self.dedup.get(&Node::Call(f, a)) {
            return id;
        }
        if !self.raw {
            if let Some(r) = crate::rewrite::call(self, f, a) {
                return r;
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
