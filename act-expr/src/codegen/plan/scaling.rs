//! Scaled evaluation of products with a tiny factor, and the sigmoid pairs that ride on it.

use super::Facts;
use crate::graph::{Func, Id, Node};

/// Pairs `(sigmoid(u), sigmoid'(u))` of one argument computed together
/// (`FloatKernels::__sigmoid_pair`: one division in the FMA builds), as in swish' = `sigmoid(x) +
/// x sigmoid'(x)`. The sigmoid must be a plain value (not scaled, nor a final call of a
/// one-root body (see `final_calls` in [`super::Body`]): its `final` kernel is cheaper than
/// the pair; in a joint body, a root sigmoid pairs with the `sigmoid'` of another root).
pub(super) fn sigmoid_pairs(facts: &Facts, scaling: &Scaling, final_calls: &[Id]) -> Vec<(Id, Id)> {
    let g = facts.g;
    let mut pairs = Vec::new();
    let one_root = facts.roots.len() == 1;
    for &s in &facts.live {
        if !facts.active(s) || scaling.uses[s.index()] || (one_root && final_calls.contains(&s)) {
            continue;
        }
        let Node::Call(Func::Sigmoid, a) = *g.node(s) else {
            continue;
        };
        let prime = facts.live.iter().copied().find(|&p| {
            facts.active(p) && matches!(*g.node(p), Node::Call(Func::SigmoidPrime, b) if b == a)
        });
        if let Some(p) = prime {
            pairs.push((s, p));
        }
    }
    pairs
}

/// Whether the pair `(sigmoid(u), sigmoid'(u))` can take the lean pair kernel: both values are
/// final factors of the roots, their errors reaching the results unamplified. The sigmoid
/// is a root itself; `sigmoid'` is a root, or its only consumer is a root that is a product
/// of it and at most one other non-constant factor (GLU's `a sigmoid'(b)`).
pub(super) fn lean_pair(facts: &Facts, scaling: &Scaling, sigmoid: Id, prime: Id) -> bool {
    let g = facts.g;
    if !facts.is_root(sigmoid) || facts.live.iter().any(|&c| consumes(facts, c, sigmoid)) {
        return false;
    }
    if facts.is_root(prime) {
        return !facts.live.iter().any(|&c| consumes(facts, c, prime));
    }
    let consumers: Vec<Id> = facts
        .live
        .iter()
        .copied()
        .filter(|&c| consumes(facts, c, prime))
        .collect();
    match consumers[..] {
        [c] if facts.is_root(c) && scaling.uses[c.index()] => match g.node(c) {
            Node::Prod(fs) => {
                fs.iter().filter(|&&f| f == prime).count() == 1
                    && fs.iter().filter(|f| !facts.is_const(**f)).count() <= 2
            }
            _ => false,
        },
        _ => false,
    }
}

/// Whether the active node `c` reads `id`.
fn consumes(facts: &Facts, c: Id, id: Id) -> bool {
    facts.active(c) && facts.g.children(facts.g.node(c)).contains(&id)
}

/// Which nodes are computed scaled, and which of those also need their plain value.
///
/// A tiny source (`sigmoid(u)`, `exp(u)`, ...) can be subnormal where a product it enters is
/// not: `x * sigmoid(x)` at `x = -713` is 7e-308, normal, but `sigmoid(-713)` has only a few
/// significant bits left, and the product inherits their error (over 100 ulp). A scaled
/// source returns `c·value` with `c` a power of two chosen in the tail, every factor is
/// multiplied in, and `1/c` is applied once at the end, so the product rounds as if computed
/// exactly. Scaling passes through functions linear at 0 (`tanh(softplus(x))`) and into
/// products; a source no product consumes is left plain.
pub(super) struct Scaling {
    /// Computed as a pair `(c·value, 1/c)`.
    pub uses: Vec<bool>,
    /// Also needed unscaled (by the root or by a consumer that does not take the pair).
    pub plain: Vec<bool>,
    /// A source whose only consumer is the root, a product of it and one other non-constant
    /// factor (`x * sigmoid(x)`): its error reaches the result unamplified, so a cheaper,
    /// slightly less accurate kernel serves (products inside sums may cancel, and there every
    /// factor's error is magnified).
    pub lean: Vec<bool>,
}

impl Scaling {
    /// `final_calls`: the calls whose values are results (a root, or what a root negates),
    /// computed by their `final` kernels, which round a subnormal result once: neither they
    /// nor the roots that negate them carry a scale.
    ///
    /// `pair_primes`: derivatives computed by a kernel pair (see `kernel_pairs` in
    /// [`super`]), which returns them scaled: sources like the tiny-tail calls.
    pub(super) fn new(facts: &Facts, final_calls: &[Id], pair_primes: &[Id]) -> Scaling {
        let g = facts.g;
        let n = facts.roots.iter().map(|r| r.index() + 1).max().unwrap_or(0);
        let active = |id: Id| facts.active(id);
        // Bottom-up: what could carry a scale.
        let mut cand = vec![false; n];
        for &id in &facts.live {
            let negates_final = facts.is_root(id)
                && super::negated_call(g, id).is_some_and(|c| final_calls.contains(&c));
            if !active(id) || final_calls.contains(&id) || negates_final {
                continue;
            }
            cand[id.index()] = match *g.node(id) {
                Node::Call(f, _) if f.has_tiny_tail() || pair_primes.contains(&id) => true,
                Node::Call(f, a) if f.is_linear_at_zero() => cand[a.index()],
                Node::Prod(ref fs) => fs.iter().any(|f| cand[f.index()]),
                _ => false,
            };
        }
        // Top-down: a product uses the scale; a source or a linear-at-0 call only if a
        // consumer that uses it takes the pair.
        let mut uses = vec![false; n];
        for &id in facts.live.iter().rev() {
            if !cand[id.index()] {
                continue;
            }
            if matches!(g.node(id), Node::Prod(_)) {
                uses[id.index()] = true;
            }
            if uses[id.index()] {
                for c in g.children(g.node(id)) {
                    if cand[c.index()] {
                        uses[c.index()] = true;
                    }
                }
            }
        }
        // A scaled node's plain value is needed by the root and by consumers that do not use
        // scales (sums, denominators via powers, calls that are not linear at 0, ...).
        let mut plain = vec![false; n];
        for r in &facts.roots {
            plain[r.index()] = true;
        }
        let mut consumers = vec![0usize; n];
        for &id in &facts.live {
            if !active(id) {
                continue;
            }
            let takes_pairs = uses[id.index()];
            for c in g.children(g.node(id)) {
                if !(takes_pairs && uses[c.index()]) {
                    plain[c.index()] = true;
                }
                consumers[c.index()] += 1;
            }
        }
        let mut lean = vec![false; n];
        for &root in &facts.roots {
            if let Node::Prod(fs) = g.node(root)
                && uses[root.index()]
                && fs.iter().filter(|f| !facts.is_const(**f)).count() <= 2
            {
                for &f in fs {
                    lean[f.index()] =
                        uses[f.index()] && consumers[f.index()] == 1 && !facts.is_root(f);
                }
            }
        }
        Scaling { uses, plain, lean }
    }
}
