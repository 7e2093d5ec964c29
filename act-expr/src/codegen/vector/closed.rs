//! Vector formulas that are a member of the softmax family (softmax, softmin, log-softmax),
//! whose backward pass has a closed form (`act_core`'s `short::softmax_family_backward` over a
//! row in registers, `softmax_family_backward` over a long one): recognised by the engine's
//! own canonical form, so that
//! every spelling the stability rewrites bring to it (the textbook `exp(x) / sum(exp(x))`, the
//! shifted `exp(x - max(x)) / sum(...)`) is recognised, and nothing else is.

use std::str::FromStr;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Model;
use crate::print::print;

/// A member of the family (the variants of `act_core`'s `short::Family`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Family {
    Softmax,
    Softmin,
    LogSoftmax,
}

impl Family {
    /// The variant of `act_core`'s enum, under the lane module `path`.
    pub(super) fn path(self, lanes: &TokenStream) -> TokenStream {
        match self {
            Family::Softmax => quote!(#lanes::Family::Softmax),
            Family::Softmin => quote!(#lanes::Family::Softmin),
            Family::LogSoftmax => quote!(#lanes::Family::LogSoftmax),
        }
    }
}

/// The canonical declarations, as the engine rewrites them.
const CANONICAL: [(&str, Family); 3] = [
    (
        "pub vector struct S; f(x) = exp(x) / sum(exp(x));",
        Family::Softmax,
    ),
    (
        "pub vector struct S; f(x) = exp(-x) / sum(exp(-x));",
        Family::Softmin,
    ),
    (
        "pub vector struct S; f(x) = x - ln(sum(exp(x)));",
        Family::LogSoftmax,
    ),
];

thread_local! {
    /// The canonical formulas after the engine's rewrites, printed.
    static PRINTED: Vec<(String, Family)> = CANONICAL
        .iter()
        .map(|&(decl, family)| (printed(decl), family))
        .collect();
}

fn printed(decl: &str) -> String {
    let tokens = TokenStream::from_str(decl).expect("a canonical declaration's tokens");
    let decl = syn::parse2(tokens).expect("a canonical declaration");
    let m = crate::model::build(decl).unwrap_or_else(|_| panic!("a canonical declaration"));
    print(&m.graph, m.f, &m.param_names)
}

/// The member of the family `m` is, if it is one: a vector formula without parameters whose
/// rewritten form prints as a canonical one's.
pub(super) fn family(m: &Model) -> Option<Family> {
    if !m.decl.vector || !m.param_names.is_empty() {
        return None;
    }
    let text = print(&m.graph, m.f, &m.param_names);
    PRINTED.with(|p| p.iter().find(|(t, _)| *t == text).map(|&(_, f)| f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family_of(decl: &str) -> Option<Family> {
        let tokens = TokenStream::from_str(decl).expect("tokens");
        let m = crate::model::build(syn::parse2(tokens).expect("decl")).unwrap_or_else(|_| {
            panic!("{decl}");
        });
        family(&m)
    }

    #[test]
    fn the_family_in_its_spellings_and_nothing_else() {
        for (decl, want) in [
            (
                "pub vector struct S; f(x) = exp(x) / sum(exp(x));",
                Some(Family::Softmax),
            ),
            (
                "pub vector struct S; f(x) = { let e = exp(x - max(x)); e / sum(e) };",
                Some(Family::Softmax),
            ),
            (
                "pub vector struct S; f(x) = exp(-x) / sum(exp(-x));",
                Some(Family::Softmin),
            ),
            (
                "pub vector struct S; f(x) = x - ln(sum(exp(x)));",
                Some(Family::LogSoftmax),
            ),
            (
                "pub vector struct S; f(x) = x - max(x) - ln(sum(exp(x - max(x))));",
                Some(Family::LogSoftmax),
            ),
            // A factor, a temperature, a power: other functions.
            (
                "pub vector struct S; f(x) = 0.5 * exp(x) / sum(exp(x));",
                None,
            ),
            (
                "pub vector struct S; f(x) = exp(2 * x) / sum(exp(2 * x));",
                None,
            ),
            (
                "pub vector struct S(t = 1.0); f(x) = exp(x / t) / sum(exp(x / t));",
                None,
            ),
            ("pub vector struct S; f(x) = x - ln(sum(exp(2 * x)));", None),
            ("pub vector struct S; f(x) = x / sum(x * x);", None),
        ] {
            assert_eq!(family_of(decl), want, "{decl}");
        }
    }
}
