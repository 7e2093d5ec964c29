//! Pretty printer. Its output is in the formula language itself, so it parses back (to an
//! expression with the same values).

use crate::functions::Spelling;
use crate::graph::{Graph, Id, Named, Node};

/// Binding strength of what is printed, loosest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    If,
    Sum,
    Prod,
    Unary,
    Atom,
}

/// Formats a number the way the formula language reads it: `2`, `0.5`, `1e-300`, `inf`.
pub fn number(v: f64) -> String {
    if v.is_nan() {
        // The language has no NaN literal; this folds back to NaN.
        "(inf - inf)".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if v.fract() == 0.0 && v.abs() < 1e16 {
        let plain = format!("{}", v as i64);
        // 1e15, not 1000000000000000; 1000000 stays as written.
        let short = format!("{v:e}");
        if plain.len() > short.len() + 4 {
            short
        } else {
            plain
        }
    } else {
        let plain = format!("{v}");
        if plain.len() > 24 {
            format!("{v:e}")
        } else {
            plain
        }
    }
}

/// Above this many nodes when written out in full, shared subexpressions get `let` bindings
/// (a derivative's tree can be exponentially larger than its graph).
const INLINE_LIMIT: u64 = 400;
/// Below [`INLINE_LIMIT`], a subexpression of at least this many nodes that occurs more than
/// once is still bound, so that a declared `let` reads once (Squareplus's `h`, used three times
/// in its derivative) instead of being written out at every use.
const SHARED_LIMIT: u64 = 10;

/// Prints node `id` of `g`; `params` names the parameters.
pub fn print(g: &Graph, id: Id, params: &[String]) -> String {
    print_inputs(g, id, params, ["x", "b"])
}

/// [`print()`] with the inputs named: `inputs[0]` for [`Node::X`], `inputs[1]` for [`Node::B`]
/// (a gated activation's `f(a, b)`).
pub fn print_inputs(g: &Graph, id: Id, params: &[String], inputs: [&str; 2]) -> String {
    let live = g.reachable(&[id]);
    let mut weight = vec![0u64; id.index() + 1];
    let mut uses = vec![0u32; id.index() + 1];
    for &n in &live {
        let children = g.children(g.node(n));
        weight[n.index()] = children
            .iter()
            .fold(1u64, |w, c| w.saturating_add(weight[c.index()]));
        for c in children {
            uses[c.index()] += 1;
        }
    }
    let min_weight = if weight[id.index()] <= INLINE_LIMIT {
        SHARED_LIMIT
    } else {
        4
    };
    let mut bind: Vec<Id> = live
        .iter()
        .copied()
        .filter(|&n| n != id && uses[n.index()] >= 2 && weight[n.index()] >= min_weight)
        .collect();
    // A node shared in the graph may still be printed once (or not at all, inside a printed
    // product or sum): keep only the bindings the text reads at least twice.
    loop {
        let (out, reads) = render(g, id, params, inputs, &bind);
        let before = bind.len();
        bind.retain(|n| reads.get(n).copied().unwrap_or(0) >= 2);
        if bind.len() == before {
            return out;
        }
    }
}

/// Prints `id` with `let` bindings for `bind` (in order); also returns how often each bound
/// name is read.
fn render(
    g: &Graph,
    id: Id,
    params: &[String],
    inputs: [&str; 2],
    bind: &[Id],
) -> (String, std::collections::HashMap<Id, u32>) {
    let mut p = Printer {
        g,
        params,
        inputs,
        bound: std::collections::HashMap::new(),
        reads: Default::default(),
    };
    let mut out = String::new();
    if bind.is_empty() {
        p.expr(id, Prec::If, &mut out);
        return (out, p.reads.into_inner());
    }
    out.push_str("{ ");
    for &n in bind {
        let mut name = format!("v{}", p.bound.len() + 1);
        while params.contains(&name) {
            name.insert(0, '_');
        }
        out.push_str(&format!("let {name} = "));
        p.expr(n, Prec::If, &mut out);
        out.push_str("; ");
        p.bound.insert(n, name);
    }
    p.expr(id, Prec::If, &mut out);
    out.push_str(" }");
    (out, p.reads.into_inner())
}

struct Printer<'a> {
    g: &'a Graph,
    params: &'a [String],
    inputs: [&'a str; 2],
    bound: std::collections::HashMap<Id, String>,
    /// How often each bound name was printed.
    reads: std::cell::RefCell<std::collections::HashMap<Id, u32>>,
}

impl Printer<'_> {
    fn expr(&self, id: Id, ctx: Prec, out: &mut String) {
        if let Some(name) = self.bound.get(&id) {
            *self.reads.borrow_mut().entry(id).or_insert(0) += 1;
            out.push_str(name);
            return;
        }
        let own = self.prec(id);
        if own < ctx {
            out.push('(');
            self.bare(id, out);
            out.push(')');
        } else {
            self.bare(id, out);
        }
    }

    fn prec(&self, id: Id) -> Prec {
        match self.g.node(id) {
            Node::Const(b) if f64::from_bits(*b) < 0.0 => Prec::Unary,
            Node::Sum(_) => Prec::Sum,
            Node::Call(f, _) if matches!(f.spelling(), Spelling::Sum(_)) => Prec::Sum,
            Node::Call(f, _) if matches!(f.spelling(), Spelling::Product(_)) => Prec::Prod,
            Node::Prod(fs) => match self.g.as_const(fs[0]) {
                Some(c) if c == -1.0 && fs.len() == 2 => Prec::Unary,
                _ => Prec::Prod,
            },
            Node::Pow(_, k) if *k < 0 => Prec::Prod,
            Node::Select(..) => Prec::If,
            _ => Prec::Atom,
        }
    }

    fn bare(&self, id: Id, out: &mut String) {
        match self.g.node(id) {
            Node::Const(b) => out.push_str(&number(f64::from_bits(*b))),
            Node::Named(Named::Pi) => out.push_str("pi"),
            Node::Named(Named::E) => out.push('e'),
            Node::X => out.push_str(self.inputs[0]),
            Node::B => out.push_str(self.inputs[1]),
            Node::Param(i) => match self.params.get(*i as usize) {
                Some(name) => out.push_str(name),
                None => out.push_str(&format!("p{i}")),
            },
            Node::Red(j) => {
                let (kind, body) = self.g.reductions()[*j as usize];
                out.push_str(kind.name());
                out.push('(');
                self.expr(body, Prec::If, out);
                out.push(')');
            }
            Node::Sum(ts) => self.sum(ts, out),
            Node::Prod(fs) => self.prod(fs, out),
            Node::Pow(a, k) if *k < 0 => {
                out.push_str("1 / ");
                self.power(*a, -*k, Prec::Unary, out);
            }
            Node::Pow(a, k) => self.power(*a, *k, Prec::Atom, out),
            Node::PowF(a, b) => {
                out.push_str("powf(");
                self.expr(*a, Prec::If, out);
                out.push_str(", ");
                self.expr(*b, Prec::If, out);
                out.push(')');
            }
            Node::Call(f, a) => match f.spelling() {
                Spelling::Call => {
                    out.push_str(f.name());
                    out.push('(');
                    self.expr(*a, Prec::If, out);
                    out.push(')');
                }
                Spelling::Product(form) | Spelling::Sum(form) => {
                    // `{u}` inside a call's parentheses, `{u*}` as a factor of a product.
                    let mut rest = form;
                    while let Some(k) = rest.find("{u") {
                        out.push_str(&rest[..k]);
                        let factor = rest[k..].starts_with("{u*}");
                        let prec = if factor { Prec::Prod } else { Prec::If };
                        self.expr(*a, prec, out);
                        rest = &rest[k + if factor { 4 } else { 3 }..];
                    }
                    out.push_str(rest);
                }
            },
            Node::Max(a, b) | Node::Min(a, b) => {
                let name = if matches!(self.g.node(id), Node::Max(..)) {
                    "max"
                } else {
                    "min"
                };
                out.push_str(name);
                out.push('(');
                self.expr(*a, Prec::If, out);
                out.push_str(", ");
                self.expr(*b, Prec::If, out);
                out.push(')');
            }
            Node::Select(c, a, b, t, e) => {
                out.push_str("if ");
                self.expr(*a, Prec::Sum, out);
                out.push_str(&format!(" {} ", c.symbol()));
                self.expr(*b, Prec::Sum, out);
                out.push_str(" { ");
                self.expr(*t, Prec::If, out);
                out.push_str(" } else ");
                if matches!(self.g.node(*e), Node::Select(..)) {
                    self.bare(*e, out);
                } else {
                    out.push_str("{ ");
                    self.expr(*e, Prec::If, out);
                    out.push_str(" }");
                }
            }
        }
    }

    fn power(&self, a: Id, k: i32, ctx: Prec, out: &mut String) {
        if k == 1 {
            self.expr(a, ctx, out);
        } else {
            out.push_str("powi(");
            self.expr(a, Prec::If, out);
            out.push_str(&format!(", {k})"));
        }
    }

    fn sum(&self, ts: &[Id], out: &mut String) {
        // Non-constant terms in order of appearance (of id: the graph's own order of operands
        // is canonical, not the order written); the constant last (`x + 3`, `exp(x) - 1`)
        // except a leading 1 before non-linear terms (`1 + exp(-x)`, `1 - powi(tanh(x), 2)`).
        let mut order: Vec<Id> = ts
            .iter()
            .copied()
            .filter(|&t| self.g.as_const(t).is_none())
            .collect();
        order.sort();
        if let Some(&c) = ts.iter().find(|&&t| self.g.as_const(t).is_some()) {
            let linear = order.iter().any(|&t| match self.g.node(t) {
                Node::X | Node::B | Node::Param(_) => true,
                Node::Prod(fs) => {
                    fs.len() == 2
                        && matches!(self.g.node(fs[1]), Node::X | Node::B | Node::Param(_))
                }
                _ => false,
            });
            if self.g.as_const(c) == Some(1.0) && !linear {
                order.insert(0, c);
            } else {
                order.push(c);
            }
        }
        for (i, &t) in order.iter().enumerate() {
            let (negative, body) = self.negated(t);
            match (i, negative) {
                (0, true) => out.push('-'),
                (0, false) => {}
                (_, true) => out.push_str(" - "),
                (_, false) => out.push_str(" + "),
            }
            match body {
                Term::Number(v) => out.push_str(&number(v)),
                Term::Scaled(c, base) => self.scaled(c, base, out),
            }
        }
    }

    /// A term as sign and magnitude.
    fn negated(&self, t: Id) -> (bool, Term) {
        match self.g.node(t) {
            Node::Const(b) => {
                let v = f64::from_bits(*b);
                (v < 0.0, Term::Number(v.abs()))
            }
            Node::Prod(fs) => match self.g.as_const(fs[0]) {
                Some(c) => (c < 0.0, Term::Scaled(c.abs(), t)),
                None => (false, Term::Scaled(1.0, t)),
            },
            _ => (false, Term::Scaled(1.0, t)),
        }
    }

    /// Prints `c * t` where `t` may itself carry a constant factor (ignored: `c` replaces it).
    fn scaled(&self, c: f64, t: Id, out: &mut String) {
        match self.g.node(t) {
            Node::Prod(fs) => {
                let rest = if self.g.as_const(fs[0]).is_some() {
                    &fs[1..]
                } else {
                    &fs[..]
                };
                self.factors(c, rest, out);
            }
            _ if c == 1.0 => self.expr(t, Prec::Sum, out),
            _ => self.factors(c, &[t], out),
        }
    }

    fn prod(&self, fs: &[Id], out: &mut String) {
        match self.g.as_const(fs[0]) {
            Some(c) if c < 0.0 => {
                out.push('-');
                let mut inner = String::new();
                self.factors(-c, &fs[1..], &mut inner);
                out.push_str(&inner);
            }
            Some(c) => self.factors(c, &fs[1..], out),
            None => self.factors(1.0, fs, out),
        }
    }

    fn factors(&self, c: f64, fs: &[Id], out: &mut String) {
        let mut num: Vec<(Id, i32)> = Vec::new();
        let mut den: Vec<(Id, i32)> = Vec::new();
        // In order of appearance, as the terms of a sum.
        let mut fs = fs.to_vec();
        fs.sort();
        for f in fs {
            match *self.g.node(f) {
                Node::Pow(a, k) if k < 0 => den.push((a, -k)),
                _ => num.push((f, 1)),
            }
        }
        // `x / 6` reads better than `0.16666666666666666 * x`.
        let divisor = (c != 1.0 && !num.is_empty())
            .then(|| 1.0 / c)
            .filter(|d| d.fract() == 0.0 && d.abs() <= 1e6 && 1.0 / d == c);
        let mut first = true;
        if divisor.is_none() && (c != 1.0 || num.is_empty()) {
            out.push_str(&number(c));
            first = false;
        }
        for (f, k) in num {
            if !first {
                out.push_str(" * ");
            }
            first = false;
            self.power(f, k, Prec::Prod, out);
        }
        if let Some(d) = divisor {
            out.push_str(" / ");
            out.push_str(&number(d));
        }
        for (a, k) in den {
            out.push_str(" / ");
            self.power(a, k, Prec::Unary, out);
        }
    }
}

enum Term {
    Number(f64),
    Scaled(f64, Id),
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_print_short_and_parseable() {
        assert_eq!(number(2.0), "2");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(1e-300), "1e-300");
        assert_eq!(number(f64::INFINITY), "inf");
        assert_eq!(number(0.044715), "0.044715");
        assert_eq!(number(1e15), "1e15");
        assert_eq!(number(-1e14), "-1e14");
        assert_eq!(number(1_000_000.0), "1000000");
        assert_eq!(number(123_456_789.0), "123456789");
    }
}
