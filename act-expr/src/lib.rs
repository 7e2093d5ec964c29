//! Formula engine of act: the formula language's parser, symbolic differentiation,
//! simplification and stability rewrites, a numeric interpreter, range analysis, a pretty
//! printer, and the code generator behind `act_core::activation!`.
//!
//! At run time (the CLI), use [`Formula`]:
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
mod diff;
pub mod eval;
pub mod graph;
pub mod print;
mod rewrite;

#[cfg(feature = "syn")]
pub mod codegen;
#[cfg(feature = "syn")]
pub mod decl;
#[cfg(feature = "syn")]
mod formula;
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
    match syn::parse2::<decl::Decl>(input).and_then(model::build) {
        Ok(m) => codegen::expand(&m),
        Err(e) => e.to_compile_error(),
    }
}
