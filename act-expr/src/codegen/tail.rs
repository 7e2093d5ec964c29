//! Tail selects: `if |x| > c { .. } else { .. }` with a huge constant `c` (Squareplus' scaling
//! of x and b beyond |x| = 1e15, so that x^2 cannot overflow). Nearly every input takes the
//! `else` side, yet the straight-line body computes both sides and selects, in every
//! iteration. [`lean`] folds those selects to their `else` side: the slice loops run that
//! body over each chunk and run the full one again only over a chunk that holds an input at or
//! beyond the smallest such `c` (`act_core::__private::map1_tail`).

use std::collections::HashMap;

use crate::functions::Func;
use crate::graph::{Cmp, Graph, Id, Node};

/// The smallest `c` for which `|x| > c` (or `>=`) counts as a tail: below it the `then` side
/// is not rare enough to leave to a second pass.
pub(crate) const TAIL_FROM: f64 = 1e6;

/// `root` with every tail select (`|x| > c` or `|x| >= c`, `c >= TAIL_FROM` a constant)
/// replaced by its `else` side, and the smallest such `c`: the lean body is `root` wherever
/// `|x| < c` or `x` is NaN (every comparison is false for NaN). None where `root` has no tail
/// select. Nodes whose operands do not change keep their ids, so the rest of the body is
/// planned as before.
pub(crate) fn lean(g: &mut Graph, root: Id) -> Option<(Id, f64)> {
    let live = g.reachable(&[root]);
    let mut map: HashMap<Id, Id> = HashMap::new();
    let mut from = f64::INFINITY;
    for n in live {
        let node = g.node(n).clone();
        if let Some((c, e)) = tail_select(g, &node) {
            from = from.min(c);
            map.insert(n, map[&e]);
            continue;
        }
        let children = g.children(&node);
        if children.iter().all(|c| map[c] == *c) {
            map.insert(n, n);
            continue;
        }
        let new = g.remap(n, |k| map[&k]);
        map.insert(n, new);
    }
    from.is_finite().then(|| (map[&root], from))
}

/// `(c, else)` for a tail select `if |x| > c { .. } else { else }` (or `>=`).
fn tail_select(g: &Graph, n: &Node) -> Option<(f64, Id)> {
    let Node::Select(Cmp::Gt | Cmp::Ge, a, b, _, e) = *n else {
        return None;
    };
    let Node::Call(Func::Abs, u) = *g.node(a) else {
        return None;
    };
    let c = g.as_const(b)?;
    (matches!(g.node(u), Node::X) && c >= TAIL_FROM).then_some((c, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::eval;

    #[test]
    fn tail_selects_fold_to_their_else_side() {
        let mut g = Graph::new();
        let x = g.x();
        let a = g.call(Func::Abs, x);
        let (big, huge) = (g.num(1e15), g.num(1e150));
        let (s1, s2, one) = (g.num(2f64.powi(-66)), g.num(2f64.powi(-520)), g.num(1.0));
        let inner = g.select(Cmp::Gt, a, big, s1, one);
        let s = g.select(Cmp::Gt, a, huge, s2, inner);
        let xs = g.mul(x, s);
        let f = g.mul(xs, xs);
        let (lean, from) = lean(&mut g, f).expect("two tail selects");
        assert_eq!(from, 1e15);
        // The lean body is x^2, with no select left.
        let square = g.powi(x, 2);
        assert_eq!(lean, square);
        assert!(
            g.reachable(&[lean])
                .iter()
                .all(|&n| !matches!(g.node(n), Node::Select(..)))
        );
        for v in [0.0, -3.0, 1e14, f64::NAN] {
            let (l, full) = (eval(&g, lean, v, &[], &[]), eval(&g, f, v, &[], &[]));
            assert!(l.to_bits() == full.to_bits() || (l.is_nan() && full.is_nan()));
        }
        // Beyond the tail's start the two differ (the full body scales).
        assert_ne!(eval(&g, lean, 1e16, &[], &[]), eval(&g, f, 1e16, &[], &[]));
    }

    #[test]
    fn other_selects_are_no_tail() {
        let mut g = Graph::new();
        let x = g.x();
        let a = g.call(Func::Abs, x);
        let (small, big, one, two) = (g.num(3.0), g.num(1e15), g.num(1.0), g.num(2.0));
        // A threshold below TAIL_FROM, a comparison of x itself, and `<`: none is a tail.
        let near = g.select(Cmp::Gt, a, small, one, two);
        assert_eq!(lean(&mut g, near), None);
        let signed = g.select(Cmp::Gt, x, big, one, two);
        assert_eq!(lean(&mut g, signed), None);
        let below = g.select(Cmp::Lt, a, big, one, two);
        assert_eq!(lean(&mut g, below), None);
        let plain = g.mul(x, x);
        assert_eq!(lean(&mut g, plain), None);
    }
}
