//! Code generation: a [`Model`] to the Rust items `activation!` expands to.
//!
//! Each expression becomes a straight-line `#[inline(always)]` function generic over
//! `act_core::Float`: one `let` per node, branches lowered to `Float::select`, constant
//! subexpressions folded to one literal. Straight-line code without jumps is what lets the
//! compiler vectorise the slice loops.
//!
//! Plan, then emit: `plan/` decides what a body computes (live nodes, constants, scaled
//! products, sigmoid pairs, compensated forms) as typed data, and `emit.rs` spells the plan;
//! `vector/plan.rs` likewise decides a vector activation's passes and stored values before
//! its emitters (`passes.rs`, `vjp.rs`, `jacobian.rs`) run. Generated method names come from
//! `names.rs`, the instruction-set builds from `isa.rs` (over [`crate::isa::TIERS`]).

use proc_macro2::TokenStream;
use quote::quote;

mod elementwise;
mod emit;
mod from_output;
pub mod gated;
mod isa;
mod metadata;
mod method;
mod names;
mod param_checks;
mod params;
mod plan;
mod tail;
mod vector;

use crate::model::Model;
use emit::{Kernels, body, body_with, lit};
use isa::dispatched_in_range;
use method::{method, method_not_nan, method_plain, method_stored, method_with};

/// The declared struct (one public `f64` per parameter, documented with its default, or a
/// unit struct), its `Default` (the declared defaults), and an inherent `impl` holding
/// `inherent`: shared by elementwise, vector and gated declarations.
pub(super) fn struct_items(
    decl: &crate::decl::Decl,
    defaults: &[f64],
    inherent: TokenStream,
) -> TokenStream {
    let (attrs, vis, name) = (&decl.attrs, &decl.vis, &decl.name);
    let pnames: Vec<&proc_macro2::Ident> = decl.params.iter().map(|p| &p.name).collect();
    let (fields, default_ctor) = if pnames.is_empty() {
        (quote!(;), quote!(#name))
    } else {
        let docs = pnames.iter().zip(defaults).map(|(p, d)| {
            format!(
                "The `{p}` parameter (default {}).",
                crate::print::number(*d)
            )
        });
        let values: Vec<TokenStream> = defaults.iter().map(|&d| lit(d)).collect();
        (
            quote!({ #( #[doc = #docs] pub #pnames: f64, )* }),
            quote!(#name { #(#pnames: #values),* }),
        )
    };
    quote! {
        #(#attrs)*
        #[derive(Clone, Copy, Debug, PartialEq)]
        #vis struct #name #fields

        impl ::core::default::Default for #name {
            fn default() -> Self {
                #default_ctor
            }
        }

        #[allow(clippy::all, clippy::pedantic)]
        impl #name {
            #inherent
        }
    }
}

/// The declaration with a `# Numerical limits` section appended to its documentation where
/// the analysis found tails in which the generated code's result is wrong (a compile-time
/// warning is not possible from a proc macro on stable Rust; the docs are where a user reads
/// about the type).
fn with_hazards(decl: &crate::decl::Decl, hazards: &[crate::hazard::Hazard]) -> crate::decl::Decl {
    let mut decl = decl.clone();
    if hazards.is_empty() {
        return decl;
    }
    let mut lines = vec![
        String::new(),
        " # Numerical limits".to_string(),
        String::new(),
        " Where the generated code's result is wrong at the default parameters, as \
         `activation!` found it: an intermediate overflows or cancels there. Beyond these \
         inputs, rewrite the formula (a branch for large inputs, as act-core's `Squareplus` \
         has) or give the derivative with `df(x) = ...`."
            .to_string(),
        String::new(),
    ];
    lines.extend(hazards.iter().map(|h| format!(" - {h}")));
    for line in lines {
        decl.attrs.push(syn::parse_quote!(#[doc = #line]));
    }
    decl
}

/// Expands a model into the struct and its trait implementations.
pub fn expand(m: &Model) -> TokenStream {
    let decl = &m.decl;
    let name = &decl.name;
    let attrs = &decl.attrs;
    let summary = gated::doc_summary(attrs);
    let is_vector = decl.vector;

    let common = metadata::activation_items(m);
    let constructors = metadata::param_checks(m).constructors();
    let switch = metadata::switch_method(m);
    let documented = with_hazards(decl, &m.hazards);
    let structure = struct_items(&documented, &m.defaults, quote!(#constructors #switch));

    let (forward, backward) = (names::slice::forward(), names::slice::backward());
    let diagonal = names::jacobian_diagonal();
    let dyn_table = if is_vector {
        quote! {
            ::act_core::Activation::forward_slice(self, x, value);
            self.#diagonal(x, derivative);
        }
    } else {
        quote! {
            ::act_core::Activation::forward_slice(self, x, value);
            ::act_core::Elementwise::derivative_slice(self, x, derivative);
        }
    };

    let specific = if is_vector {
        vector::expand(m)
    } else {
        elementwise::expand(m)
    };
    let param_gradients = if is_vector {
        quote!()
    } else {
        params::expand(m)
    };
    let from_output = from_output::expand(m);

    quote! {
        #structure

        #specific
        #param_gradients
        #from_output

        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::DynActivation for #name {
            fn name(&self) -> &'static str { <Self as ::act_core::Activation>::NAME }
            fn summary(&self) -> &'static str { #summary }
            fn formula(&self) -> &'static str { <Self as ::act_core::Activation>::FORMULA }
            fn derivative_formula(&self) -> &'static str { <Self as ::act_core::Activation>::DERIVATIVE }
            fn implementation(&self) -> ::core::option::Option<(&'static str, &'static str)> {
                <Self as ::act_core::Activation>::IMPLEMENTATION
            }
            fn param_info(&self) -> &'static [::act_core::ParamInfo] { <Self as ::act_core::Activation>::PARAMS }
            fn params(&self) -> ::std::vec::Vec<(&'static str, f64)> { ::act_core::Activation::params(self) }
            fn set_param(&mut self, name: &str, value: f64) -> ::core::result::Result<(), ::act_core::ParamError> {
                ::act_core::Activation::set_param(self, name, value)
            }
            fn set_params(&mut self, values: &[(&str, f64)]) -> ::core::result::Result<(), ::act_core::ParamError> {
                ::act_core::Activation::set_params(self, values)
            }
            fn conditions(&self) -> &'static [&'static str] { <Self as ::act_core::Activation>::CONDITIONS }
            fn range(&self) -> ::act_core::Range { ::act_core::Activation::range(self) }
            fn properties(&self) -> ::act_core::Properties { ::act_core::Activation::properties(self) }
            fn is_vector(&self) -> bool { #is_vector }
            fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]) {
                #dyn_table
            }
        }

        #[allow(clippy::all, clippy::pedantic)]
        impl ::act_core::Activation for #name {
            #common
            #[inline]
            fn forward_slice<F: ::act_core::Float>(&self, x: &[F], y: &mut [F]) {
                self.#forward(x, y)
            }
            #[inline]
            fn backward_slice<F: ::act_core::Float>(&self, x: &[F], grad_y: &[F], grad_x: &mut [F]) {
                self.#backward(x, grad_y, grad_x)
            }
        }
    }
}
