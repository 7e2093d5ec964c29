//! Formula engine of act: the formula language's parser, symbolic differentiation,
//! simplification and stability rewrites, a numeric interpreter, range analysis, a pretty
//! printer, and the code generator behind `act_core::activation!`.
//!
//! The pipeline: `parse` lowers a formula into a [`graph::Graph`] (hash-consed nodes in
//! canonical form: the graph stores and canonicalises, nothing more), [`rewrite::run`] applies
//! the stability rewrites as a pass (after lowering, and again after each differentiation),
//! [`diff`] differentiates, `model` checks and analyses a declaration, `codegen` emits Rust.
//!
//! Every unary function of the language is one entry of the table in [`functions`]: its name,
//! act-core kernels, interpreter, printed form, tail facts and derivative rule. The
//! derivative of `tanh`, for instance, is the `derivative:` field of the `tanh` entry there
//! (`tanh'`, an internal function whose own entry follows). Adding a function is an entry
//! there plus its kernels in `act_core::math`.
//!
//! At run time (the CLI), use `Formula` (with the default feature `syn`):
//!
//! ```
//! use act_expr::Formula;
//! let f = Formula::parse("1 / (1 + exp(-x))").unwrap();
//! assert_eq!(f.to_string(), "sigmoid(x)");
//! assert_eq!(f.derivative_text(), "sigmoid(x) * (1 - sigmoid(x))");
//! assert!(f.eval_derivative(40.0) > 4.24e-18); // not 0: the stable form is used
//! ```
#![warn(missing_docs)]

pub mod analysis;
pub mod dd;
pub mod decimal;
pub mod diff;
pub mod domain;
pub mod eval;
pub mod functions;
pub mod graph;
pub mod hazard;
pub mod isa;
pub mod print;
pub mod probe;
pub mod reduction;
pub mod rewrite;
mod shape;

#[cfg(feature = "syn")]
pub mod codegen;
#[cfg(feature = "syn")]
pub mod constraint;
#[cfg(feature = "syn")]
pub mod decl;
#[cfg(feature = "syn")]
mod errors;
#[cfg(feature = "syn")]
mod formula;
#[cfg(feature = "syn")]
pub mod gated;
#[cfg(feature = "syn")]
pub mod model;
#[cfg(feature = "syn")]
pub mod parse;

#[cfg(feature = "syn")]
pub use formula::{Error, Formula};

pub use analysis::RangeInfo;

/// Expands an `activation!` invocation: parse, analyse, generate. Errors come back as
/// `compile_error!` invocations spanned on the offending tokens.
#[cfg(feature = "syn")]
pub fn expand_activation(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let decl = match syn::parse2::<decl::Decl>(input) {
        Ok(d) => d,
        Err(e) => return e.to_compile_error(),
    };
    if decl.gated {
        return expand_gated(decl);
    }
    match model::build(decl.clone()) {
        Ok(m) => codegen::expand(&m),
        Err(e) => {
            // Still define the struct and its traits (with the formula `x`), so that one
            // mistake gives one error rather than one more at every use of the type.
            let mut placeholder = decl;
            placeholder.f = syn::parse_quote!(x);
            placeholder.df = None;
            placeholder.textbook = None;
            placeholder.range = None;
            placeholder.constraints.clear();
            placeholder.vjp = None;
            let mut out = e.to_compile_error();
            if let Ok(m) = model::build(placeholder) {
                out.extend(codegen::expand(&m));
            }
            out
        }
    }
}

/// [`expand_activation`] for a `gated struct`.
#[cfg(feature = "syn")]
fn expand_gated(decl: decl::Decl) -> proc_macro2::TokenStream {
    match gated::build(decl.clone()) {
        Ok(m) => codegen::gated::expand(&m),
        Err(e) => {
            // As above: the struct still exists (computing `a`), so uses of it do not fail too.
            let mut placeholder = decl;
            let a = syn::Ident::new("a", proc_macro2::Span::call_site());
            let b = syn::Ident::new("b", proc_macro2::Span::call_site());
            placeholder.inputs = vec![a.clone(), b];
            placeholder.f = syn::parse_quote!(#a);
            placeholder.df = None;
            placeholder.textbook = None;
            placeholder.range = None;
            placeholder.range_kw = None;
            placeholder.constraints.clear();
            placeholder
                .params
                .retain(|p| p.name != "a" && p.name != "b");
            let mut out = e.to_compile_error();
            if let Ok(m) = gated::build(placeholder) {
                out.extend(codegen::gated::expand(&m));
            }
            out
        }
    }
}
