//! The metadata half of the generated `Activation` implementation: constants, parameters
//! (their checks and constructors come from [`super::param_checks`]), range and properties.
//!
//! At the declared defaults, range and properties are the constants the macro computed; for
//! other parameter values the generated code runs the same analysis at run time
//! (`act_core::__private::Analysed`) on the generated `forward`, `derivative` and switching
//! expressions, so a statement made for the defaults is never reported for other values.

use proc_macro2::TokenStream;
use quote::quote;

use super::param_checks::ParamChecks;
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
    let defaults: Vec<TokenStream> = m.defaults.iter().map(|&d| lit(d)).collect();
    let properties = properties_const(m);
    let range = range_fn(m);
    let props_fn = properties_fn(m);
    let is_vector = m.decl.vector;
    let param_items = param_checks(m).trait_items();
    let implementation = match &m.implementation_text {
        Some((f, df)) => quote! {
            const IMPLEMENTATION: ::core::option::Option<(&'static str, &'static str)> =
                ::core::option::Option::Some((#f, #df));
        },
        None => quote!(),
    };
    quote! {
        const NAME: &'static str = #name_str;
        const FORMULA: &'static str = #formula;
        const DERIVATIVE: &'static str = #derivative;
        #implementation
        const PARAMS: &'static [::act_core::ParamInfo] = &[
            #( ::act_core::ParamInfo { name: #pstrs, default: #defaults } ),*
        ];
        const PROPERTIES: ::act_core::Properties = #properties;
        const IS_VECTOR: bool = #is_vector;
        #param_items

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

/// The parameter surface of an elementwise or vector model (see [`ParamChecks`]).
pub(super) fn param_checks(m: &Model) -> ParamChecks<'_> {
    ParamChecks {
        name: &m.decl.name,
        params: &m.param_names,
        constraints: &m.constraints,
        owner: quote!(::act_core::Activation),
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
    } else if m.decl.vector && m.range_bounds.is_some() && !m.range_proven {
        // A vector activation's declared range, checked on sample vectors at the defaults,
        // is reported open (sampling cannot show a bound is reached for every length). A
        // proven one (softmax's) is the constant, for every parameter value.
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
