//! Parameter gradients of an elementwise activation: `∂f/∂θ_k` for each parameter, and the
//! `act_core::ParamGradients` implementation (`param_derivatives`, `backward_params`).

use proc_macro2::TokenStream;
use quote::quote;

use super::emit::{in_range_test, param_constants};
use super::{Kernels, body_with, dispatched_in_range, names};
use crate::graph::{Id, Var};
use crate::model::Model;
use crate::print::print;

/// The partials `∂f/∂θ_k` (in a copy of the model's graph, which they extend) and their texts.
pub(crate) fn param_partials(m: &Model) -> (crate::graph::Graph, Vec<Id>, Vec<String>) {
    let mut g = m.graph.clone();
    let ids: Vec<Id> = (0..m.param_names.len())
        .map(|k| g.diff(m.f, Var::Param(k as u32)))
        .collect();
    let texts = ids.iter().map(|&d| print(&g, d, &m.param_names)).collect();
    (g, ids, texts)
}

/// The `ParamGradients` implementation of an elementwise model.
pub(super) fn expand(m: &Model) -> TokenStream {
    let name = &m.decl.name;
    let (g, ids, texts) = param_partials(m);
    let n = ids.len();
    let fl = quote!(<F as ::act_core::Float>);
    let backward_params = names::slice::backward_params();
    let methods: Vec<TokenStream> = ids
        .iter()
        .enumerate()
        .map(|(k, &d)| {
            let f = names::param_partial(k);
            let b = body_with(&g, d, &m.param_names, None, true, Kernels::Slice);
            quote! {
                #[doc(hidden)]
                #[inline(always)]
                #[allow(unused_variables, clippy::all)]
                pub fn #f<F: ::act_core::Float, const FMA: bool>(&self, x: F) -> F {
                    let y: F = { #b };
                    #fl::select(#fl::is_nan(x), x, y)
                }
            }
        })
        .collect();
    let arms: Vec<TokenStream> = (0..n)
        .map(|k| {
            let f = names::param_partial(k);
            quote!(#k => self.#f::<F, FMA>(u),)
        })
        .collect();
    // Parameter constants beyond `F`'s range: the `f64` code, the sums rounded once.
    let mut consts = Vec::new();
    param_constants(&g, &ids, &m.param_names, true, &mut consts);
    let backward_params_fn = dispatched_in_range(
        backward_params.clone(),
        quote!(x: &[F], grad_y: &[F], grad_params: &mut [F]),
        quote!(x, grad_y, grad_params),
        quote!(::act_core::__private::backward_params(x, grad_y, grad_params,
        #[inline(always)] |k: usize, u: F| -> F {
            match k {
                #(#arms)*
                _ => #fl::NAN,
            }
        })),
        &in_range_test(consts),
    );
    quote! {
        #[allow(clippy::all, clippy::pedantic)]
        impl #name {
            #(#methods)*
            #backward_params_fn
        }

        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::ParamGradients for #name {
            const PARAM_DERIVATIVES: &'static [&'static str] = &[#(#texts),*];

            fn param_derivatives<F: ::act_core::Float>(&self, x: F, d: &mut [F]) {
                ::act_core::__private::check_len("PARAMS", #n, "d", d.len());
                self.#backward_params(&[x], &[#fl::ONE], d);
            }

            #[inline]
            fn backward_params<F: ::act_core::Float>(&self, x: &[F], grad_y: &[F], grad_params: &mut [F]) {
                ::act_core::__private::check_len("PARAMS", #n, "grad_params", grad_params.len());
                self.#backward_params(x, grad_y, grad_params)
            }
        }
    }
}
