//! The formula graph: hash-consed nodes in canonical form.
//!
//! Every node is built through a smart constructor of [`Graph`], which puts it in canonical form
//! (n-ary sums and products, sorted operands, constant coefficients folded, like terms
//! collected, integer powers merged) and then applies the stability rewrites of
//! the `rewrite` module. Equal subexpressions get the same [`Id`] (common subexpression
//! elimination for free), and children always have smaller ids than their parents, so the node
//! list is a topological order.

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
}
