//! The `activation!` procedural macro. Use it through `act_core::activation` (or
//! `act_core::prelude::*`); its documentation and examples live there.
//!
//! This crate is a thin front: the parser, the symbolic engine and the code generator are in
//! `act-expr`, where they are unit-tested without a macro.

use proc_macro::TokenStream;

// No doc comment here: rustdoc appends it to the documentation of the re-export
// `act_core::activation`, which is the one users read.
#[proc_macro]
pub fn activation(input: TokenStream) -> TokenStream {
    act_expr::expand_activation(input.into()).into()
}
