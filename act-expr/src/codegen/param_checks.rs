//! The parameter surface every declaration with parameters gets, elementwise, vector or
//! gated alike: `CONDITIONS`, `params`, `set_param`, `set_params` and `check_params` in the
//! activation's trait (`act_core::Activation` or `act_core::Gated`), and the constructors
//! `new` (`const`, panics on a non-finite value or a broken `where` condition) and `try_new`
//! (returns the `ParamError` instead).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::constraint::Constraint;

/// What the parameter checks of one declaration are made from.
pub(super) struct ParamChecks<'a> {
    /// The struct's name.
    pub name: &'a Ident,
    /// Parameter names, in declaration order.
    pub params: &'a [String],
    /// The `where` conditions.
    pub constraints: &'a [Constraint],
    /// The trait whose items these are, `::act_core::Activation` or `::act_core::Gated`.
    pub owner: TokenStream,
}

impl ParamChecks<'_> {
    fn fields(&self) -> Vec<Ident> {
        self.params.iter().map(|p| format_ident!("{p}")).collect()
    }

    /// `CONDITIONS`, `params`, `set_param`, `set_params` and `check_params`, for the trait's
    /// `impl` block.
    pub fn trait_items(&self) -> TokenStream {
        let owner = &self.owner;
        let pstrs = self.params;
        let pnames = self.fields();
        let conditions: Vec<&str> = self.constraints.iter().map(|c| c.text.as_str()).collect();
        let checks = self.constraints.iter().map(|c| {
            let cond = c.tokens();
            let text = &c.text;
            quote! {
                if !#cond {
                    return ::core::result::Result::Err(::act_core::ParamError::Invalid {
                        condition: #text,
                        params: #owner::params(self),
                    });
                }
            }
        });
        let set_arms = pnames
            .iter()
            .zip(pstrs)
            .map(|(p, s)| quote!(#s => next.#p = value,));
        quote! {
            const CONDITIONS: &'static [&'static str] = &[#(#conditions),*];

            fn params(&self) -> ::std::vec::Vec<(&'static str, f64)> {
                ::std::vec![#( (#pstrs, self.#pnames) ),*]
            }

            fn set_param(&mut self, name: &str, value: f64) -> ::core::result::Result<(), ::act_core::ParamError> {
                #owner::set_params(self, &[(name, value)])
            }

            #[allow(unused_mut)]
            fn set_params(&mut self, values: &[(&str, f64)]) -> ::core::result::Result<(), ::act_core::ParamError> {
                let mut next = *self;
                for &(name, value) in values {
                    match name {
                        #( #set_arms )*
                        _ => return ::core::result::Result::Err(::act_core::ParamError::Unknown {
                            name: ::std::string::String::from(name),
                            valid: ::std::vec![#(#pstrs),*],
                        }),
                    }
                }
                #owner::check_params(&next)?;
                *self = next;
                ::core::result::Result::Ok(())
            }

            #[allow(clippy::all)]
            fn check_params(&self) -> ::core::result::Result<(), ::act_core::ParamError> {
                #(
                    if !self.#pnames.is_finite() {
                        return ::core::result::Result::Err(
                            ::act_core::ParamError::NotFinite { name: #pstrs, value: self.#pnames });
                    }
                )*
                #( let #pnames: f64 = self.#pnames; )*
                #( #checks )*
                ::core::result::Result::Ok(())
            }
        }
    }

    /// `new` (checked, panicking, `const`) and `try_new` (checked, `Result`), for the struct's
    /// inherent `impl` block; a struct without parameters gets a plain `const fn new()`.
    pub fn constructors(&self) -> TokenStream {
        let name = self.name;
        let owner = &self.owner;
        let name_str = name.to_string();
        let pstrs = self.params;
        let pnames = self.fields();
        if pnames.is_empty() {
            let doc = format!("Creates a `{name_str}` (it has no parameters).");
            return quote! {
                #[doc = #doc]
                #[allow(clippy::new_without_default)]
                pub const fn new() -> Self {
                    #name
                }
            };
        }
        let ctor = quote!(#name { #(#pnames),* });
        let list = pstrs
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let conds = self
            .constraints
            .iter()
            .map(|c| format!("`{}`", c.text))
            .collect::<Vec<_>>()
            .join(", ");
        let new_doc = format!(
            "Creates a `{name_str}` with the given {list}.\n\n# Panics\n\nIf a value is not finite{}; \
             `try_new` returns the error instead.",
            if conds.is_empty() {
                String::new()
            } else {
                format!(", or the values do not meet {conds}")
            }
        );
        let try_doc = format!(
            "Creates a `{name_str}` with the given {list}, or says why the values are not \
             allowed: each must be finite{}.",
            if conds.is_empty() {
                String::new()
            } else {
                format!(" and meet {conds}")
            }
        );
        let finite_msgs: Vec<String> = pstrs
            .iter()
            .map(|p| format!("{name_str}::new: `{p}` must be finite (use try_new for an error)"))
            .collect();
        let cond_checks = self.constraints.iter().map(|c| {
            let cond = c.tokens();
            let msg = format!(
                "{name_str}::new: the parameters must satisfy `{}` (use try_new for an error)",
                c.text
            );
            quote!(if !#cond { ::core::panic!(#msg) })
        });
        quote! {
            #[doc = #new_doc]
            #[allow(clippy::new_without_default)]
            #[track_caller]
            pub const fn new(#(#pnames: f64),*) -> Self {
                #( if !#pnames.is_finite() { ::core::panic!(#finite_msgs) } )*
                #( #cond_checks )*
                #ctor
            }

            #[doc = #try_doc]
            pub fn try_new(#(#pnames: f64),*) -> ::core::result::Result<Self, ::act_core::ParamError> {
                let a = #ctor;
                #owner::check_params(&a)?;
                ::core::result::Result::Ok(a)
            }
        }
    }
}
