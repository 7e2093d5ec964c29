//! The formula graph: hash-consed nodes in canonical form.
//!
//! Every node is built through a smart constructor of [`Graph`], which puts it in canonical form
//! (n-ary sums and products, operands in a canonical order that depends only on their
//! structure (not on when they were built), constant coefficients folded, like terms
//! collected, integer powers merged). The graph only stores and canonicalises: the stability
//! rewrites are a pass over it ([`crate::rewrite::run`]). Equal subexpressions get the same
//! [`Id`] (common subexpression elimination for free), and children always have smaller ids
//! than their parents, so the node list is a topological order.

use std::collections::HashMap;

mod construct;

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
    /// Sum of at least two terms, in canonical order ([`Graph::canonical_cmp`]).
    Sum(Vec<Id>),
    /// Product of at least two factors, in canonical order ([`Graph::canonical_cmp`]); a
    /// constant factor comes first.
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
    /// Height of each node: 0 for a leaf, one more than its tallest child (or reduction
    /// body, for [`Node::Red`]).
    heights: Vec<u32>,
    dedup: HashMap<Node, Id>,
    reductions: Vec<(Reduce, Id)>,
    /// For a constant written as a decimal literal that `f64` does not hold exactly (0.044715),
    /// the remainder `literal - f64(literal)`, by the constant's bits: double-double
    /// arithmetic on constants ([`crate::dd::eval`]) then starts from the written number.
    decimal_lo: HashMap<u64, f64>,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Graph::default()
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
        let height = match node {
            Node::Red(j) => 1 + self.heights[self.reductions[j as usize].1.index()],
            _ => self
                .children(&node)
                .iter()
                .map(|c| 1 + self.heights[c.index()])
                .max()
                .unwrap_or(0),
        };
        self.heights.push(height);
        self.nodes.push(node.clone());
        self.dedup.insert(node, id);
        id
    }

    /// The constant `v`.
    pub fn num(&mut self, v: f64) -> Id {
        let v = if v == 0.0 { 0.0 } else { v };
        self.intern(Node::Const(v.to_bits()))
    }

    /// A constant written as the decimal `v + lo` (`lo` the remainder of its rounding to
    /// `f64`, see [`crate::decimal::remainder`]).
    pub fn literal(&mut self, v: f64, lo: f64) -> Id {
        let id = self.num(v);
        if lo != 0.0 {
            if let Node::Const(bits) = self.nodes[id.index()] {
                self.decimal_lo.insert(bits, lo);
            }
        }
        id
    }

    /// The remainder recorded by [`Graph::literal`] for a constant of these bits (0 if none).
    pub fn decimal_lo(&self, bits: u64) -> f64 {
        self.decimal_lo.get(&bits).copied().unwrap_or(0.0)
    }

    /// Keeps the literals' remainders of `from` (a graph this one was rewritten from).
    pub fn keep_decimals(&mut self, from: &Graph) {
        for (&bits, &lo) in &from.decimal_lo {
            self.decimal_lo.entry(bits).or_insert(lo);
        }
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
        let j = match self.reductions.iter().position(|&r| r == (kind, body)) {
            Some(j) => j,
            None => {
                self.reductions.push((kind, body));
                self.reductions.len() - 1
            }
        };
        self.intern(Node::Red(j as u32))
    }

    /// Copies node `root` of `src`, with everything it uses (reductions included), into this
    /// graph; returns its id here. Nodes already here are shared, not duplicated. The copies
    /// keep their relative order (so the printer's order of appearance), and the reductions
    /// theirs.
    pub fn import(&mut self, src: &Graph, root: Id) -> Id {
        // What `root` uses, reduction bodies included (a body comes before its `Red` node).
        let mut used = vec![false; root.index() + 1];
        used[root.index()] = true;
        for i in (0..=root.index()).rev() {
            if !used[i] {
                continue;
            }
            let n = &src.nodes[i];
            for c in src.children(n) {
                used[c.index()] = true;
            }
            if let Node::Red(j) = n {
                used[src.reductions[*j as usize].1.index()] = true;
            }
        }
        let mut map: Vec<Option<Id>> = vec![None; root.index() + 1];
        let at = |map: &[Option<Id>], c: Id| map[c.index()].expect("children come first");
        for i in (0..=root.index()).filter(|&i| used[i]) {
            let copy = match src.nodes[i].clone() {
                Node::Red(j) => {
                    let (kind, body) = src.reductions[j as usize];
                    self.reduce(kind, at(&map, body))
                }
                n => {
                    let n = match n {
                        Node::Sum(v) => Node::Sum(v.iter().map(|&c| at(&map, c)).collect()),
                        Node::Prod(v) => Node::Prod(v.iter().map(|&c| at(&map, c)).collect()),
                        Node::Pow(a, k) => Node::Pow(at(&map, a), k),
                        Node::PowF(a, b) => Node::PowF(at(&map, a), at(&map, b)),
                        Node::Call(f, a) => Node::Call(f, at(&map, a)),
                        Node::Max(a, b) => Node::Max(at(&map, a), at(&map, b)),
                        Node::Min(a, b) => Node::Min(at(&map, a), at(&map, b)),
                        Node::Select(c, a, b, t, e) => {
                            let [a, b, t, e] = [a, b, t, e].map(|c| at(&map, c));
                            Node::Select(c, a, b, t, e)
                        }
                        leaf => leaf,
                    };
                    // The operands stay in canonical order: it depends on structure, not ids.
                    self.intern(n)
                }
            };
            map[i] = Some(copy);
        }
        at(&map, root)
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

    pub(crate) fn depends(&self, id: Id, leaf: &dyn Fn(&Node) -> bool) -> bool {
        let mut hit = vec![false; id.index() + 1];
        for i in 0..=id.index() {
            let n = &self.nodes[i];
            hit[i] = leaf(n) || self.children(n).iter().any(|c| hit[c.index()]);
        }
        hit[id.index()]
    }

    /// Node `id` rebuilt through the constructors with each child `c` replaced by `map(c)`
    /// (leaves and reductions as they are).
    pub fn remap(&mut self, id: Id, map: impl Fn(Id) -> Id) -> Id {
        let c = |k: &Id| map(*k);
        match self.node(id).clone() {
            Node::X | Node::B | Node::Const(_) | Node::Named(_) | Node::Param(_) | Node::Red(_) => {
                id
            }
            Node::Sum(ts) => {
                let ts = ts.iter().map(c).collect();
                self.sum(ts)
            }
            Node::Prod(fs) => {
                let fs = fs.iter().map(c).collect();
                self.prod(fs)
            }
            Node::Pow(a, k) => self.powi(c(&a), k),
            Node::PowF(a, e) => self.powf(c(&a), c(&e)),
            Node::Call(f, a) => self.call(f, c(&a)),
            Node::Max(a, e) => self.max(c(&a), c(&e)),
            Node::Min(a, e) => self.min(c(&a), c(&e)),
            Node::Select(cmp, a, e, t, f) => self.select(cmp, c(&a), c(&e), c(&t), c(&f)),
        }
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

    /// The canonical order of the operands of sums and products: by height, then by kind of
    /// node, then by content (numbers by value, functions by their order in the table,
    /// children compared in the same way). It depends only on the nodes' structure, never on
    /// their ids, so the order in which a formula's nodes were built (lowering, rewriting,
    /// differentiating) does not change the operands' order, nor the order in which generated
    /// code evaluates them. Distinct nodes never compare equal (the graph is hash-consed).
    pub fn canonical_cmp(&self, a: Id, b: Id) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        if a == b {
            return Ordering::Equal;
        }
        let by_height = self.heights[a.index()].cmp(&self.heights[b.index()]);
        let by_kind = || kind_rank(self.node(a)).cmp(&kind_rank(self.node(b)));
        let ids = |x: &[Id], y: &[Id]| -> Ordering {
            x.len().cmp(&y.len()).then_with(|| {
                x.iter()
                    .zip(y)
                    .map(|(&p, &q)| self.canonical_cmp(p, q))
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            })
        };
        by_height
            .then_with(by_kind)
            .then_with(|| match (self.node(a), self.node(b)) {
                (Node::Const(x), Node::Const(y)) => {
                    f64::from_bits(*x).total_cmp(&f64::from_bits(*y))
                }
                (Node::Named(x), Node::Named(y)) => (*x as u8).cmp(&(*y as u8)),
                (Node::Param(x), Node::Param(y)) => x.cmp(y),
                (Node::Red(x), Node::Red(y)) => {
                    let (kx, bx) = self.reductions[*x as usize];
                    let (ky, by) = self.reductions[*y as usize];
                    (kx as u8)
                        .cmp(&(ky as u8))
                        .then_with(|| self.canonical_cmp(bx, by))
                }
                (Node::Sum(x), Node::Sum(y)) | (Node::Prod(x), Node::Prod(y)) => ids(x, y),
                (Node::Pow(x, j), Node::Pow(y, k)) => self.canonical_cmp(*x, *y).then(j.cmp(k)),
                (Node::PowF(x, p), Node::PowF(y, q))
                | (Node::Max(x, p), Node::Max(y, q))
                | (Node::Min(x, p), Node::Min(y, q)) => ids(&[*x, *p], &[*y, *q]),
                (Node::Call(f, x), Node::Call(h, y)) => {
                    f.cmp(h).then_with(|| self.canonical_cmp(*x, *y))
                }
                (Node::Select(c, p, q, t, e), Node::Select(d, r, s, u, v)) => (*c as u8)
                    .cmp(&(*d as u8))
                    .then_with(|| ids(&[*p, *q, *t, *e], &[*r, *s, *u, *v])),
                // Leaves without content (`x`, `b`), and different kinds (already ordered).
                _ => Ordering::Equal,
            })
    }

    /// Sorts operands into the [canonical order](Graph::canonical_cmp).
    pub(crate) fn sort_canonical(&self, ids: &mut [Id]) {
        ids.sort_by(|&a, &b| self.canonical_cmp(a, b));
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
}

/// The rank of a node's kind in [`Graph::canonical_cmp`].
fn kind_rank(n: &Node) -> u8 {
    match n {
        Node::Const(_) => 0,
        Node::Named(_) => 1,
        Node::X => 2,
        Node::B => 3,
        Node::Param(_) => 4,
        Node::Red(_) => 5,
        Node::Call(..) => 6,
        Node::Pow(..) => 7,
        Node::PowF(..) => 8,
        Node::Prod(_) => 9,
        Node::Sum(_) => 10,
        Node::Max(..) => 11,
        Node::Min(..) => 12,
        Node::Select(..) => 13,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A node's structure, written out with its children (no ids).
    fn shape(g: &Graph, id: Id) -> String {
        let n = g.node(id);
        let kids: Vec<String> = g.children(n).iter().map(|&c| shape(g, c)).collect();
        let head = match n {
            Node::Sum(_) => "Sum".to_string(),
            Node::Prod(_) => "Prod".to_string(),
            Node::Call(f, _) => format!("{f:?}"),
            other => format!("{other:?}"),
        };
        format!("{head}({})", kids.join(", "))
    }

    /// `2 * exp(x) + sigmoid(x) + x * tanh(x) + 1`, its parts built in the given order.
    fn build(order: &[usize]) -> (Graph, Id) {
        let mut g = Graph::new();
        let x = g.x();
        let mut parts = vec![None; 4];
        for &i in order {
            parts[i] = Some(match i {
                0 => {
                    let e = g.call(Func::Exp, x);
                    g.scale(2.0, e)
                }
                1 => g.call(Func::Sigmoid, x),
                2 => {
                    let t = g.call(Func::Tanh, x);
                    g.mul(x, t)
                }
                _ => g.num(1.0),
            });
        }
        let terms = parts.into_iter().map(|p| p.expect("built")).collect();
        let s = g.sum(terms);
        (g, s)
    }

    #[test]
    fn operand_order_does_not_depend_on_build_order() {
        let (g, s) = build(&[0, 1, 2, 3]);
        let expected = shape(&g, s);
        for order in [[3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]] {
            let (h, t) = build(&order);
            assert_eq!(shape(&h, t), expected, "built in the order {order:?}");
        }
        // Lower nodes first, then by kind: the constant, the calls, then the products.
        assert_eq!(
            expected,
            "Sum(Const(4607182418800017408)(), Sigmoid(X()), Prod(Const(4611686018427387904)(), \
             Exp(X())), Prod(X(), Tanh(X())))"
        );
    }

    #[test]
    fn canonical_order_is_total_on_distinct_nodes() {
        let (g, _) = build(&[0, 1, 2, 3]);
        let n = g.len();
        for a in 0..n {
            for b in 0..n {
                let (a, b) = (Id(a as u32), Id(b as u32));
                let o = g.canonical_cmp(a, b);
                assert_eq!(o.is_eq(), a == b, "{a:?} {b:?}");
                assert_eq!(o.reverse(), g.canonical_cmp(b, a));
            }
        }
    }
}
