//! The hidden per-element methods: a straight-line body computing one node of the model for
//! one element, with NaN passed through where the formula alone would not.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::emit::{Kernels, body_plain, body_with};
use crate::graph::{Graph, Id, Node};
use crate::model::Model;

/// A hidden method computing `root` for one element, calling the slice loops' kernel entries.
pub(super) fn method(m: &Model, name: &Ident, root: Id) -> TokenStream {
    method_with(m, name, root, Kernels::Slice)
}

/// [`method`] for an `x` known not to be NaN: without the select that passes NaN through
/// (softmax-family sums over rows whose maximum the pass before found not NaN).
pub(super) fn method_not_nan(m: &Model, name: &Ident, root: Id) -> TokenStream {
    guarded_method(m, name, root, Kernels::Slice, false, false)
}

/// [`method`] calling the kernel entries `k`.
pub(super) fn method_with(m: &Model, name: &Ident, root: Id, k: Kernels) -> TokenStream {
    guarded_method(m, name, root, k, true, false)
}

/// [`method_with`] with every product by a parameter plain (see [`body_plain`]).
pub(super) fn method_plain(m: &Model, name: &Ident, root: Id, k: Kernels) -> TokenStream {
    guarded_method(m, name, root, k, true, true)
}

fn guarded_method(
    m: &Model,
    name: &Ident,
    root: Id,
    k: Kernels,
    guard: bool,
    plain: bool,
) -> TokenStream {
    // An elementwise activation's value and derivative are final results; a vector
    // activation's pieces are combined further.
    let b = if plain {
        body_plain(&m.graph, root, &m.param_names, !m.decl.vector, k)
    } else {
        body_with(&m.graph, root, &m.param_names, None, !m.decl.vector, k)
    };
    let k = m.graph.reductions().len();
    let red_arg = if m.decl.vector {
        quote!(, r: [F; #k])
    } else {
        quote!()
    };
    // NaN in gives NaN out: by the formula itself where every step propagates NaN, else by
    // an explicit select (two instructions per vector saved where it is not needed).
    let out = if !guard || propagates_nan(&m.graph, root) {
        quote!(y)
    } else {
        quote!(<F as ::act_core::Float>::select(
            <F as ::act_core::Float>::is_nan(x),
            x,
            y
        ))
    };
    quote! {
        #[doc(hidden)]
        #[inline(always)]
        #[allow(unused_variables, clippy::all)]
        pub fn #name<F: ::act_core::Float, const FMA: bool>(&self, x: F #red_arg) -> F {
            let y: F = { #b };
            #out
        }
    }
}

/// Whether `root` is NaN whenever `x` is, by the operations alone: arithmetic, integer powers
/// other than 0, every act-core kernel, and act's `max`/`min` propagate NaN; a constant, a
/// parameter, a reduction and `powf` (`pow(1, NaN) = 1`) do not. A branch `if a CMP b { t }
/// else { e }` does where `a` or `b` does and `e` does: every comparison is false for NaN,
/// so NaN takes the `else` side (`if x > 0 { 1 } else { alpha exp(x) }`).
fn propagates_nan(g: &Graph, root: Id) -> bool {
    propagates_nan_of(g, root, |n| matches!(n, Node::X | Node::B))
}

/// [`propagates_nan`] with NaN in the inputs that `source` picks (a gated activation asks
/// for `a` and `b` one at a time: `f(a, b) = sigmoid(b)` propagates `b`'s NaN, not `a`'s).
pub(super) fn propagates_nan_of(g: &Graph, root: Id, source: impl Fn(&Node) -> bool) -> bool {
    let live = g.reachable(&[root]);
    let mut nan = vec![false; root.index() + 1];
    for &id in &live {
        nan[id.index()] = match *g.node(id) {
            ref n @ (Node::X | Node::B) => source(n),
            Node::Const(_) | Node::Named(_) | Node::Param(_) | Node::Red(_) => false,
            Node::Sum(ref ts) | Node::Prod(ref ts) => ts.iter().any(|t| nan[t.index()]),
            Node::Pow(a, k) => k != 0 && nan[a.index()],
            Node::PowF(..) => false,
            Node::Select(_, a, b, _, e) => (nan[a.index()] || nan[b.index()]) && nan[e.index()],
            Node::Call(_, a) => nan[a.index()],
            Node::Max(a, b) | Node::Min(a, b) => nan[a.index()] || nan[b.index()],
        };
    }
    nan[root.index()]
}

/// A hidden method computing `root` for one element from `x`, the value `e` of the node
/// `stored` (see [`body_with`]; `e` is unused without one) and the reductions; with `wrap`,
/// NaN in gives NaN out.
pub(super) fn method_stored(
    m: &Model,
    name: &Ident,
    root: Id,
    stored: Option<Id>,
    wrap: bool,
) -> TokenStream {
    let b = body_with(
        &m.graph,
        root,
        &m.param_names,
        stored,
        false,
        Kernels::Slice,
    );
    let k = m.graph.reductions().len();
    let out = if wrap {
        quote!(<F as ::act_core::Float>::select(
            <F as ::act_core::Float>::is_nan(x),
            x,
            y
        ))
    } else {
        quote!(y)
    };
    quote! {
        #[doc(hidden)]
        #[inline(always)]
        #[allow(unused_variables, clippy::all)]
        pub fn #name<F: ::act_core::Float, const FMA: bool>(&self, x: F, e: F, r: [F; #k]) -> F {
            let y: F = { #b };
            #out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Cmp, Func, Graph};

    #[test]
    fn nan_propagation_is_decided_by_the_operations() {
        let mut g = Graph::new();
        let x = g.x();
        let zero = g.num(0.0);
        let one = g.num(1.0);
        let alpha = g.param(0);
        let ex = g.call(Func::Exp, x);
        let tail = g.mul(alpha, ex);
        // ELU': NaN fails `x > 0` and takes the `else` side, which propagates.
        let elu_d = g.select(Cmp::Gt, x, zero, one, tail);
        assert!(propagates_nan(&g, elu_d));
        // ReLU': both sides constant.
        let relu_d = g.select(Cmp::Gt, x, zero, one, zero);
        assert!(!propagates_nan(&g, relu_d));
        // The `then` side alone does not help: NaN never takes it.
        let flipped = g.select(Cmp::Gt, x, zero, tail, one);
        assert!(!propagates_nan(&g, flipped));
        // A comparison of constants and parameters decides nothing about x.
        let by_param = g.select(Cmp::Gt, alpha, zero, one, tail);
        assert!(!propagates_nan(&g, by_param));
        let by_exp = g.select(Cmp::Lt, ex, one, tail, x);
        assert!(propagates_nan(&g, by_exp));
        let pw = g.powf(x, alpha);
        assert!(!propagates_nan(&g, pw));
        assert!(!propagates_nan(&g, alpha));
        assert!(propagates_nan(&g, tail));
    }

    /// A gated formula drops its NaN select only where each input on its own propagates.
    #[test]
    fn gated_nan_propagation_is_decided_per_input() {
        let mut g = Graph::new();
        let (a, b) = (g.x(), g.b());
        let s = g.call(Func::Sigmoid, b);
        let glu = g.mul(a, s);
        let from_a = |n: &Node| matches!(n, Node::X);
        let from_b = |n: &Node| matches!(n, Node::B);
        assert!(propagates_nan_of(&g, glu, from_a) && propagates_nan_of(&g, glu, from_b));
        // `sigmoid(b)` alone is not NaN where only `a` is; the two together are.
        assert!(!propagates_nan_of(&g, s, from_a) && propagates_nan_of(&g, s, from_b));
        assert!(propagates_nan(&g, s));
    }
}
