//! Lowering a declaration into one graph: the formula, its symbolic derivative, a hand-written
//! `df` and the declared range's bounds, plus the formula as written.

use syn::spanned::Spanned;

use super::validate::Errors;
use crate::decl::Decl;
use crate::diff::Differentiator;
use crate::graph::{Graph, Id, Var};
use crate::parse::{Scope, lower, lower_as_written};
use crate::print::print;
use crate::rewrite;

/// A declaration's expressions in one graph.
pub(super) struct Lowered {
    pub graph: Graph,
    pub diff: Differentiator,
    pub f: Id,
    /// `df/dx` as the macro derives it.
    pub symbolic_df: Id,
    /// The hand-written `df`, when declared.
    pub user_df: Option<Id>,
    pub range_bounds: Option<(Id, Id)>,
    /// The formula as written (before the stability rewrites), pretty-printed.
    pub formula_text: String,
    /// A declared `textbook(x)`: the node, its symbolic derivative, and the text of `f` as
    /// written (the implementation, which the textbook formula replaces in `formula_text`).
    pub textbook: Option<(Id, Id, String)>,
    /// A vector formula's range, where its shape as written proves one
    /// ([`crate::reduction::proven_vector_range`]; the stability rewrites hide the shape:
    /// log-softmax becomes a `log1p` of split sums).
    pub proven_range: Option<crate::analysis::RangeInfo>,
}

/// Lowers `decl`. A mistake in `f` ends it (there is nothing to check without the formula);
/// mistakes in `df` and `range` are collected in `errors`, and those parts left out.
pub(super) fn lower_decl(
    decl: &Decl,
    param_names: &[String],
    errors: &mut Errors,
) -> syn::Result<Lowered> {
    let mut scope = Scope::new(param_names.to_vec(), decl.vector);

    let mut written = Graph::new();
    let written_f = lower_as_written(&mut written, &decl.f, &mut scope)?;
    let mut formula_text = print(&written, written_f, param_names);
    let proven_range = if decl.vector {
        crate::reduction::proven_vector_range(&written, written_f)
    } else {
        None
    };

    let mut g = Graph::new();
    let mut diff = Differentiator::new();
    g.keep_decimals(&written);
    let f = rewrite::run_into(&mut g, written, written_f);
    let symbolic_df = diff.diff(&mut g, f, Var::X);
    let user_df = match &decl.df {
        Some(e) if decl.vector => {
            errors.push(syn::Error::new(
                e.span(),
                "`df(x)` is not supported in a vector activation: its derivative is a Jacobian, which the macro derives itself",
            ));
            None
        }
        Some(e) => errors.take(lower(&mut g, e, &mut scope)),
        None => None,
    };

    let textbook = match &decl.textbook {
        Some(e) if decl.vector => {
            errors.push(syn::Error::new(
                e.span(),
                "`textbook(x)` is not supported in a vector activation",
            ));
            None
        }
        Some(e) => {
            let mut written_t = Graph::new();
            let mut s = Scope::new(param_names.to_vec(), false);
            match errors.take(lower_as_written(&mut written_t, e, &mut s)) {
                Some(wt) => {
                    let implementation =
                        std::mem::replace(&mut formula_text, print(&written_t, wt, param_names));
                    g.keep_decimals(&written_t);
                    let t = rewrite::run_into(&mut g, written_t, wt);
                    let dt = diff.diff(&mut g, t, Var::X);
                    Some((t, dt, implementation))
                }
                None => None,
            }
        }
        None => None,
    };

    let range_bounds = decl.range.as_ref().and_then(|(lo, hi)| {
        let mut s = Scope::new(param_names.to_vec(), false);
        let l = errors.take(lower(&mut g, lo, &mut s));
        let h = errors.take(lower(&mut g, hi, &mut s));
        let mut ok = true;
        for (id, e) in [(l, lo), (h, hi)] {
            if id.is_some_and(|id| g.depends_on_x(id)) {
                errors.push(syn::Error::new(
                    e.span(),
                    "a range bound may use constants and parameters, not `x`",
                ));
                ok = false;
            }
        }
        Some((l?, h?)).filter(|_| ok)
    });

    Ok(Lowered {
        graph: g,
        diff,
        f,
        symbolic_df,
        user_df,
        range_bounds,
        formula_text,
        textbook,
        proven_range,
    })
}
