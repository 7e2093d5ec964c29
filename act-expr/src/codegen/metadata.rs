//! The metadata half of the generated `Activation` implementation: constants, parameters
//! (with their `where` conditions), range and properties.
//!
//! At the declared defaults, range and properties are the constants the macro computed; for
//! other parameter values the generated code runs the same analysis at run time
//! (`act_core::__private::Analysed`) on the generated `forward`, `derivative` and switching
//! expressions, so a statement made for the defaults is never reported for other values.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{body, lit};
use crate::model::Model;

/// The items shared by every activation's `impl Activation` block.
pub(super) fn activation_items(m: &Model) -> TokenStream {
    let name_str = m.decl.name.to_string();
    let formula = &m.formula_text;
    // A vector activation with a `vjp` clause describes its Jacobian.
    let derivative = &super::from_output::jacobian_derivative_text(m)
        .unwrap_or_else(|| m.derivative_text.clone());
    let pstrs = &m.param_names;
    let pnames: Vec<proc_macro2::Ident> = pstrs.iter().map(|p| format_ident!("{p}")).collect();
    let defaults: Vec<TokenStream> = m.defaults.iter().map(|&d| lit(d)).collect();
    let conditions: Vec<&str> = m.constraints.iter().map(|c| c.text.as_str()).collect();
    let properties = properties_const(m);
    let range = range_fn(m);
    let props_fn = properties_fn(m);
    let is_vector = m.decl.vector;
    let checks = m.constraints.iter().map(|c| {
        let cond = c.tokens();
        let text = &c.text;
        quote! {
            if !#cond {
                return ::core::result::Result::Err(::act_core::ParamError::Invalid {
                    condition: #text,
                    params: ::act_core::Activation::params(self),
                });
            }
        }
    });
    let set_arms = pnames
        .iter()
        .zip(pstrs)
        .map(|(p, s)| quote!(#s => next.#p = value,));
    quote! {
        const NAME: &'static str = #name_str;
        const FORMULA: &'static str = #formula;
        const DERIVATIVE: &'static str = #derivative;
        const PARAMS: &'static [::act_core::ParamInfo] = &[
            #( ::act_core::ParamInfo { name: #pstrs, default: #defaults } ),*
        ];
        const PROPERTIES: ::act_core::Properties = #properties;
        const CONDITIONS: &'static [&'static str] = &[#(#conditions),*];
        const IS_VECTOR: bool = #is_vector;

        fn params(&self) -> ::std::vec::Vec<(&'static str, f64)> {
            ::std::vec![#( (#pstrs, self.#pnames) ),*]
        }

        fn set_param(&mut self, name: &str, value: f64) -> ::core::result::Result<(), ::act_core::ParamError> {
            ::act_core::Activation::set_params(self, &[(name, value)])
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
            ::act_core::Activation::check_params(&next)?;
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

        #[allow(clippy::all)]
        fn range(&self) -> ::act_core::Range {
            #range
        }

        #[allow(clippy::all)]
        fn properties(&self) -> ::act_core::Properties {
            #props_fn
        }
    }
}

/// `new` (checked, panicking, `const`) and `try_new` (checked, `Result`).
pub(super) fn constructors(m: &Model) -> TokenStream {
    let name = &m.decl.name;
    let name_str = name.to_string();
    let pstrs = &m.param_names;
    let pnames: Vec<proc_macro2::Ident> = pstrs.iter().map(|p| format_ident!("{p}")).collect();
    let ctor = if pnames.is_empty() {
        quote!(#name)
    } else {
        quote!(#name { #(#pnames),* })
    };
    if pnames.is_empty() {
        let doc = format!("Creates a `{name_str}` (it has no parameters).");
        return quote! {
            #[doc = #doc]
            #[allow(clippy::new_without_default)]
            pub const fn new() -> Self {
                #ctor
            }
        };
    }
    let list = pstrs
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let conds = if m.constraints.is_empty() {
        String::new()
    } else {
        format!(
            " and meet {}",
            m.constraints
                .iter()
                .map(|c| format!("`{}`", c.text))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let new_doc = format!(
        "Creates a `{name_str}` with the given {list}.\n\n# Panics\n\nIf a value is not finite{}; \
         `try_new` returns the error instead.",
        if conds.is_empty() {
            String::new()
        } else {
            format!(", or the values do not{}", &conds[4..])
        }
    );
    let try_doc = format!(
        "Creates a `{name_str}` with the given {list}, or says why the values are not \
         allowed: each must be finite{conds}."
    );
    let finite_msgs: Vec<String> = pstrs
        .iter()
        .map(|p| format!("{name_str}::new: `{p}` must be finite (use try_new for an error)"))
        .collect();
    let cond_checks = m.constraints.iter().map(|c| {
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
        pub const fn new(#(#pnames: f64),*) -> Self {
            #( if !#pnames.is_finite() { ::core::panic!(#finite_msgs) } )*
            #( #cond_checks )*
            #ctor
        }

        #[doc = #try_doc]
        pub fn try_new(#(#pnames: f64),*) -> ::core::result::Result<Self, ::act_core::ParamError> {
            let a = #ctor;
            ::act_core::Activation::check_params(&a)?;
            ::core::result::Result::Ok(a)
        }
    }
}

fn properties_const(m: &Model) -> TokenStream {
    let r = &m.range;
    let s = &m.shape;
    let monotonic = s.monotonic;
    let bounded_below = r.min.is_finite();
    let bounded_above = r.max.is_finite();
    let zero_centred = s.zero_centred;
    let smooth = s.kinks.is_empty();
    let kinks: Vec<TokenStream> = s.kinks.iter().map(|&k| lit(k)).collect();
    let f0 = lit(s.value_at_zero);
    let df0 = lit(s.derivative_at_zero);
    let (sl, sr) = (s.saturating_left, s.saturating_right);
    quote! {
        ::act_core::Properties {
            monotonic: #monotonic,
            bounded_below: #bounded_below,
            bounded_above: #bounded_above,
            zero_centred: #zero_centred,
            smooth: #smooth,
            kinks: ::std::borrow::Cow::Borrowed(&[#(#kinks),*]),
            value_at_zero: #f0,
            derivative_at_zero: #df0,
            saturating: ::act_core::Saturation { left: #sl, right: #sr },
        }
    }
}

/// The range at the defaults, as a constant expression.
fn range_const(m: &Model) -> TokenStream {
    let r = &m.range;
    let (lo, hi) = (lit(r.min), lit(r.max));
    let (la, ha) = (r.min_attained, r.max_attained);
    quote!(::act_core::Range::new(#lo, #la, #hi, #ha))
}

/// The declared bounds at the current parameters, as `Option<(f64, f64)>`.
fn declared(m: &Model) -> TokenStream {
    match m.range_bounds {
        Some((lo, hi)) => {
            let lo_b = body(&m.graph, lo, &m.param_names);
            let hi_b = body(&m.graph, hi, &m.param_names);
            quote! {{
                type F = f64;
                const FMA: bool = false;
                let lo: f64 = { #lo_b };
                let hi: f64 = { #hi_b };
                ::core::option::Option::Some((lo, hi))
            }}
        }
        None => quote!(::core::option::Option::None),
    }
}

/// Whether range and properties must be computed at run time: an elementwise activation
/// with parameters, whose values may not be the defaults.
fn at_run_time(m: &Model) -> bool {
    !m.param_names.is_empty() && !m.decl.vector
}

fn analysed(m: &Model) -> TokenStream {
    let declared = declared(m);
    let n = m.switches.len();
    let switch = super::names::switch();
    quote! {
        ::act_core::__private::Analysed {
            f: &|x: f64| ::act_core::Elementwise::forward(self, x),
            df: &|x: f64| ::act_core::Elementwise::derivative(self, x),
            switch: &|k: usize, x: f64| self.#switch(k, x),
            switches: #n,
            declared: #declared,
        }
        .run()
    }
}

fn range_fn(m: &Model) -> TokenStream {
    let constant = range_const(m);
    if at_run_time(m) {
        let analysed = analysed(m);
        quote! {
            if *self == <Self as ::core::default::Default>::default() {
                return #constant;
            }
            #analysed.0
        }
    } else if m.decl.vector && m.range_bounds.is_some() {
        // A vector activation's declared range, checked on sample vectors at the defaults,
        // is reported open (sampling cannot show a bound is reached for every length).
        let declared = declared(m);
        quote! {
            let (lo, hi) = #declared.expect("declared");
            ::act_core::Range::new(lo, false, hi, false)
        }
    } else {
        constant
    }
}

fn properties_fn(m: &Model) -> TokenStream {
    if at_run_time(m) {
        let analysed = analysed(m);
        quote! {
            if *self == <Self as ::core::default::Default>::default() {
                return <Self as ::act_core::Activation>::PROPERTIES;
            }
            #analysed.1
        }
    } else {
        quote!(<Self as ::act_core::Activation>::PROPERTIES)
    }
}

/// `names::switch()(k, x)`: the `k`-th switching expression at the current parameters, for the
/// run-time analysis.
pub(super) fn switch_method(m: &Model) -> TokenStream {
    if !at_run_time(m) {
        return TokenStream::new();
    }
    let arms = m.switches.iter().enumerate().map(|(k, &id)| {
        let b = body(&m.graph, id, &m.param_names);
        quote!(#k => { #b })
    });
    let switch = super::names::switch();
    quote! {
        #[doc(hidden)]
        #[allow(unused_variables, clippy::all)]
        pub fn #switch(&self, k: usize, x: f64) -> f64 {
            type F = f64;
            const FMA: bool = false;
            match k {
                #( #arms )*
                _ => ::core::f64::NAN,
            }
        }
    }
}
