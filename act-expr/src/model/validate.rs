//! The checks of a declaration against its formula: `where` conditions, a hand-written `df`,
//! a declared `range`. Each check reports into [`Errors`], so that one compile shows every
//! mistake (as serde_derive's `Ctxt` does), each as its own error at its own tokens.

use syn::spanned::Spanned;

use crate::analysis::{self, RangeInfo};
use crate::constraint::Constraint;
use crate::decl::Decl;
pub(crate) use crate::errors::Errors;
use crate::eval;
use crate::graph::{Graph, Id};
use crate::print::{number, print};
use crate::probe::{eval_vector, sample_vectors};

/// The `where` conditions, each checked, and all of them met by the defaults (elementwise,
/// vector and gated declarations alike).
pub(crate) fn constraints(
    decl: &Decl,
    names: &[String],
    defaults: &[f64],
    errors: &mut Errors,
) -> Vec<Constraint> {
    let inputs: Vec<String> = decl.inputs.iter().map(|i| i.to_string()).collect();
    let mut out = Vec::new();
    for e in &decl.constraints {
        match Constraint::new(e, names, &inputs) {
            Ok(c) if !c.holds(names, defaults) => errors.push(syn::Error::new(
                e.span(),
                format!(
                    "the defaults do not meet `{}` ({}): change the defaults or the condition",
                    c.text,
                    names
                        .iter()
                        .zip(defaults)
                        .map(|(n, v)| format!("{n} = {}", number(*v)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Ok(c) => out.push(c),
            Err(e) => errors.push(e),
        }
    }
    out
}

fn value(g: &Graph, id: Id, x: f64, params: &[f64]) -> f64 {
    eval::eval(g, id, x, params, &[])
}

/// A hand-written `df` (node `user`, written as `span`) against the symbolic derivative, on
/// sample points away from kinks, at the parameters `params` (named `names`).
pub(super) fn df(
    g: &Graph,
    (symbolic, user): (Id, Id),
    (names, params): (&[String], &[f64]),
    span: &syn::Expr,
) -> syn::Result<()> {
    let mut points: Vec<f64> = (-400..=400).map(|i| f64::from(i) / 20.0 + 0.0123).collect();
    points.extend([
        -1e3, -100.0, -30.0, 30.0, 100.0, 1e3, 0.5, -0.5, 1e-3, -1e-3,
    ]);
    for x in points {
        let a = value(g, symbolic, x, params);
        let b = value(g, user, x, params);
        if !a.is_finite() || !b.is_finite() {
            if a.is_nan() != b.is_nan() && !(a.is_infinite() || b.is_infinite()) {
                // One side NaN, the other a number: they disagree.
            } else {
                continue;
            }
        }
        if (a - b).abs() <= 1e-8 * (a.abs() + b.abs()) + 1e-12 {
            continue;
        }
        // Skip inputs next to a kink, where two conventions are both defensible.
        let h = 1e-6 * x.abs().max(1.0);
        let near_kink = (value(g, symbolic, x - h, params) - value(g, symbolic, x + h, params))
            .abs()
            > 1e-3 * (a.abs() + 1.0);
        if near_kink {
            continue;
        }
        return Err(syn::Error::new(
            span.span(),
            format!(
                "df(x) disagrees with the derivative of f(x): at x = {}, df(x) = {} but d/dx f(x) = {} (the derivative of f is `{}`)",
                number(x),
                number(b),
                number(a),
                print(g, symbolic, names),
            ),
        ));
    }
    Ok(())
}

/// A declared `textbook(x)` (node `textbook`, written as `span`) against the formula `f`, on
/// moderate inputs (|x| <= 100, where the textbook form has not yet lost its digits to the
/// overflow or cancellation the implementation avoids), at the parameters `params`: the
/// values must agree to a relative 1e-7.
pub(super) fn textbook(
    g: &Graph,
    (f, textbook): (Id, Id),
    (names, params): (&[String], &[f64]),
    span: &syn::Expr,
) -> syn::Result<()> {
    let mut points: Vec<f64> = (-400..=400).map(|i| f64::from(i) / 4.0 + 0.0123).collect();
    points.extend([0.0, 0.5, -0.5, 1e-3, -1e-3, 1.0, -1.0]);
    for x in points {
        let a = value(g, f, x, params);
        let b = value(g, textbook, x, params);
        if a == b || (a - b).abs() <= 1e-7 * (a.abs() + b.abs()) + 1e-300 {
            continue;
        }
        return Err(syn::Error::new(
            span.span(),
            format!(
                "textbook(x) is not the formula f(x): at x = {}, textbook(x) = {} but f(x) = {} (the textbook formula reads `{}`)",
                number(x),
                number(b),
                number(a),
                print(g, textbook, names),
            ),
        ));
    }
    Ok(())
}

/// A witness input where `f` crosses `bound` (below it when `lower`): the one of least
/// magnitude at least 1/64 (a readable number), else the smallest.
fn witness(fx: &dyn Fn(f64) -> f64, bound: f64, lower: bool) -> Option<(f64, f64)> {
    let mut xs = analysis::grid();
    let key = |x: &f64| (x.abs() < 1.0 / 64.0, x.abs());
    xs.sort_by(|a, b| key(a).partial_cmp(&key(b)).expect("no NaN in the grid"));
    xs.into_iter()
        .map(|x| (x, fx(x)))
        .find(|&(_, y)| if lower { y < bound } else { y > bound })
}

/// One declared bound of an elementwise activation against the analysed infimum
/// (`lower`) or supremum.
pub(super) fn bound(
    fx: &dyn Fn(f64) -> f64,
    declared: f64,
    actual: f64,
    arg: Option<f64>,
    lower: bool,
    span: &syn::Expr,
) -> syn::Result<()> {
    if analysis::same_bound(declared, actual) {
        return Ok(());
    }
    let (word, side) = if lower {
        ("minimum", "below")
    } else {
        ("maximum", "above")
    };
    let crosses = if lower {
        actual < declared
    } else {
        actual > declared
    };
    let msg = if crosses {
        let (x, y) = witness(fx, declared, lower)
            .or(arg.map(|a| (a, fx(a))))
            .unwrap_or((f64::NAN, actual));
        format!(
            "declared range is wrong: the formula goes {side} the declared {word} {}: at x = {}, f(x) = {} (the {} of f is {})",
            number(declared),
            number(x),
            number(y),
            if lower { "infimum" } else { "supremum" },
            number(actual),
        )
    } else {
        format!(
            "declared range is too wide: f never goes {side} {} (its {} is {}{}, at the default parameters); declare a bound equal to {} there",
            number(actual),
            if lower { "infimum" } else { "supremum" },
            number(actual),
            arg.map(|a| format!(", reached at x = {}", number(a)))
                .unwrap_or_default(),
            number(actual),
        )
    };
    Err(syn::Error::new(span.span(), msg))
}

/// A vector activation's declared range `(lo, hi)` (nodes of `g`, written as `exprs`) against
/// its outputs on the sample vectors; the range to report when it holds. Sampling can refute
/// a declared range but not prove a bound is reached by an n-vector for every n, so vector
/// ranges are reported open.
pub(super) fn vector_range(
    g: &Graph,
    f: Id,
    (lo, hi): (Id, Id),
    exprs: &(syn::Expr, syn::Expr),
    params: &[f64],
) -> syn::Result<RangeInfo> {
    let lo_v = value(g, lo, 0.0, params);
    let hi_v = value(g, hi, 0.0, params);
    let (lo_e, hi_e) = exprs;
    for xs in sample_vectors() {
        for (i, y) in eval_vector(g, f, &xs, params).into_iter().enumerate() {
            let (e, word) = if y < lo_v {
                (lo_e, "below the declared minimum")
            } else if y > hi_v {
                (hi_e, "above the declared maximum")
            } else {
                continue;
            };
            return Err(syn::Error::new(
                e.span(),
                format!(
                    "declared range is wrong: for the input {xs:?}, output {i} is {} which lies {word}",
                    number(y)
                ),
            ));
        }
    }
    Ok(RangeInfo {
        min: lo_v,
        max: hi_v,
        min_attained: false,
        max_attained: false,
        argmin: None,
        argmax: None,
    })
}
