//! The per-element methods of a vector activation: value and derivative with the reductions
//! given, each reduction's body and partials, and the forms reading a stored body.

use proc_macro2::{Group, Ident, TokenStream, TokenTree};
use quote::quote;

use super::plan::Plan;
use crate::codegen::{Kernels, body_with, method, method_not_nan, method_stored, names};
use crate::graph::Node;

/// Every per-element method the slice methods call.
pub(super) fn expand(plan: &Plan) -> TokenStream {
    let m = plan.m;
    let mut methods = vec![
        method(m, &names::value(), m.f),
        method(m, &names::deriv(), m.df),
    ];
    for (j, (r, rm)) in plan.reductions.iter().zip(&m.reductions).enumerate() {
        methods.push(method(m, &names::body(j), r.body));
        methods.push(method(m, &names::output_partial(j), rm.output_partial));
        methods.push(method(m, &names::body_dx(j), rm.body_dx));
        for &(kk, d) in &rm.body_dr {
            methods.push(method(m, &names::body_dr(j, kk as usize), d));
        }
    }
    if let (Some(store), Some(fl)) = (&plan.forward_store, plan.flushing) {
        let kernel = quote!(__exp_nonpositive_final);
        methods.push(flushing_body(plan, &store.method, fl.u, kernel));
        let normal = names::body_raw_forward_normal(store.j);
        methods.push(flushing_body(
            plan,
            &normal,
            fl.u,
            quote!(__exp_nonpositive_normal),
        ));
    }
    for &j in plan.normal_rows.iter().flat_map(|n| &n.bodies) {
        // No NaN there: a NaN element makes the maximum NaN, and the row take the other path.
        let body = method_not_nan(m, &names::body_normal(j), plan.reductions[j].body);
        methods.push(with_normal_exp(body));
    }
    for j in plan.plain_raw() {
        let body = plan.reductions[j].body;
        methods.push(method_stored(m, &names::body_raw(j), body, None, false));
    }
    if let Some(store) = &plan.forward_store {
        let body = Some(plan.reductions[store.j].body);
        methods.push(method_stored(m, &names::value_stored(), m.f, body, true));
    }
    let stored = plan
        .backward_store
        .as_ref()
        .map(|s| plan.reductions[s.j].body);
    methods.push(method_stored(m, &names::deriv_stored(), m.df, stored, true));
    for (j, (r, rm)) in plan.reductions.iter().zip(&m.reductions).enumerate() {
        let partial = names::output_partial_stored(j);
        methods.push(method_stored(m, &partial, rm.output_partial, stored, true));
        if r.is_sum() {
            let dx = names::body_dx_stored(j);
            methods.push(method_stored(m, &dx, rm.body_dx, stored, true));
        }
    }
    quote!(#(#methods)*)
}

/// The forward pass's stored body `exp(u)`, `u = x - max(x)`, with the `exp` that flushes
/// below the normal range, corrected by the rounding error of the difference (as every such
/// `exp` is), exact in the inputs: the error enters the kernel's reduced argument (one
/// addition, where `exp_corrected` after the kernel costs a product, a sum and a select).
/// `kernel` is that `exp` (`__exp_nonpositive_final`), or its form for arguments that keep
/// it normal (`__exp_nonpositive_normal`, for rows whose spread the max pass checked).
fn flushing_body(
    plan: &Plan,
    name: &proc_macro2::Ident,
    u: crate::graph::Id,
    kernel: TokenStream,
) -> TokenStream {
    let (g, params, k) = (&plan.m.graph, &plan.m.param_names, plan.k());
    let b = body_with(g, u, params, None, false, Kernels::Slice);
    let Node::Sum(ref terms) = *g.node(u) else {
        unreachable!("flushable_exp checked the form")
    };
    let bp = body_with(g, terms[0], params, None, false, Kernels::Slice);
    let bq = body_with(g, terms[1], params, None, false, Kernels::Slice);
    quote! {
        #[doc(hidden)]
        #[inline(always)]
        #[allow(unused_variables, clippy::all)]
        pub fn #name<F: ::act_core::Float, const FMA: bool>(&self, x: F, e: F, r: [F; #k]) -> F {
            let u: F = { #b };
            let err: F = ::act_core::__private::two_sum_err({ #bp }, { #bq }, u);
            <F as ::act_core::__private::FloatKernels>::#kernel::<FMA>(u, err)
        }
    }
}

/// `code` with every `exp` of an exact difference (`__exp_lo`) taken by the kernel for
/// arguments that keep it normal (`__exp_nonpositive_normal`, the same bits there): for the
/// sums whose every `exp` is of `p - max(p)`, in rows whose spread the max pass checked
/// (`plan::NormalRows`).
fn with_normal_exp(code: TokenStream) -> TokenStream {
    code.into_iter()
        .map(|tt| match tt {
            TokenTree::Ident(i) if i == "__exp_lo" => {
                TokenTree::Ident(Ident::new("__exp_nonpositive_normal", i.span()))
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), with_normal_exp(g.stream()));
                ng.set_span(g.span());
                TokenTree::Group(ng)
            }
            tt => tt,
        })
        .collect()
}
