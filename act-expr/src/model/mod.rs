//! From a parsed declaration to everything the code generator needs, in three steps:
//! lowering (`model/lower.rs`: the formula, its derivative, `df` and `range` in one graph),
//! validation (`model/validate.rs`: `where`, `df` and `range` checked, every mistake
//! reported) and analysis (range, shape, kinks, NaN limits, the reductions' partials; the
//! run-time parts are in [`crate::probe`] and [`crate::reduction`], which `Formula` uses
//! too).

mod lower;
pub(crate) mod validate;

use crate::analysis::{self, RangeInfo, Shape};
use crate::constraint::Constraint;
use crate::decl::Decl;
use crate::diff::Differentiator;
use crate::eval;
use crate::graph::{Graph, Id};
use crate::print::print;
use crate::probe;
pub use crate::probe::{eval_vector, switches, thresholds};
pub use crate::reduction::ReductionModel;
use validate::Errors;

/// The analysed activation.
#[derive(Clone)]
pub struct Model {
    /// The declaration as parsed.
    pub decl: Decl,
    /// The graph holding every expression below.
    pub graph: Graph,
    /// The formula (stability-rewritten).
    pub f: Id,
    /// `df/dx` (for a vector activation: with the reductions held fixed).
    pub df: Id,
    /// Parameter names.
    pub param_names: Vec<String>,
    /// Parameter defaults.
    pub defaults: Vec<f64>,
    /// The `where` conditions on the parameters.
    pub constraints: Vec<Constraint>,
    /// The declared range's bounds, as expressions over the parameters.
    pub range_bounds: Option<(Id, Id)>,
    /// The range at the default parameters. For a vector activation: the range its shape
    /// proves ([`crate::reduction::proven_vector_range`]), else the declared one, else
    /// `(-∞, ∞)` standing for "unknown" (see `range_proven`).
    pub range: RangeInfo,
    /// A vector activation whose range the analysis proved for every parameter value and input
    /// length (softmax and log-softmax shapes): `range` holds for any parameters, attainment
    /// included. False for elementwise activations (their range is analysed per parameters).
    pub range_proven: bool,
    /// Shape properties at the default parameters.
    pub shape: Shape,
    /// The formula as written, pretty-printed.
    pub formula_text: String,
    /// The derivative, simplified and pretty-printed (of the `textbook(x)` formula where one
    /// is declared).
    pub derivative_text: String,
    /// Where a `textbook(x)` is declared: the formula and the derivative the code computes,
    /// pretty-printed (`formula_text` and `derivative_text` are the textbook's).
    pub implementation_text: Option<(String, String)>,
    /// Reductions, for vector activations.
    pub reductions: Vec<ReductionModel>,
    /// The straight-line code of the value gives NaN at some huge or infinite input (`∞ * 0`
    /// in `x * x * sigmoid(x)` at -∞), so the generated code must watch for it and take the limit
    /// there. False lets the value's slice loops skip the check.
    pub value_needs_limit: bool,
    /// The same for the derivative's code (the backward and derivative slice loops). Separate,
    /// because one often needs the check and the other not: SELU's `scale * x` is `0 * ∞` at
    /// `scale = 0`, but its derivative never gives NaN.
    pub deriv_needs_limit: bool,
    /// The switching expressions of the formula and its derivative ([`switches`]), whose sign
    /// changes locate the kinks; generated code evaluates them at run time for the current
    /// parameters.
    pub switches: Vec<Id>,
    /// A vector activation whose outputs do not change when a constant is added to every
    /// input (checked on sample vectors at the default parameters): its Jacobian rows sum to 0.
    pub shift_invariant: bool,
    /// Tails where the generated code's value or derivative is wrong at the default
    /// parameters (an intermediate overflows or cancels; [`crate::hazard`]); empty for a
    /// vector activation (not examined).
    pub hazards: Vec<crate::hazard::Hazard>,
}

/// Builds and checks the model of a declaration. Every mistake found is in the error (one
/// `compile_error!` each); a mistake in the formula itself ends the checks there.
pub fn build(decl: Decl) -> syn::Result<Model> {
    let param_names: Vec<String> = decl.params.iter().map(|p| p.name.to_string()).collect();
    let defaults: Vec<f64> = decl.params.iter().map(|p| p.default).collect();
    let mut errors = Errors::default();
    let constraints = validate::constraints(&decl, &param_names, &defaults, &mut errors);
    let lowered = match lower::lower_decl(&decl, &param_names, &mut errors) {
        Ok(l) => l,
        Err(e) => return Err(errors.with(e)),
    };
    let lower::Lowered {
        mut graph,
        mut diff,
        f,
        symbolic_df,
        user_df,
        range_bounds,
        formula_text,
        textbook,
        proven_range,
    } = lowered;
    let df = match (user_df, &decl.df) {
        (Some(user), Some(e)) => {
            let checked = validate::df(&graph, (symbolic_df, user), (&param_names, &defaults), e);
            errors.take(checked);
            user
        }
        _ => symbolic_df,
    };
    let mut derivative_text = print(&graph, df, &param_names);
    let mut implementation_text = None;
    if let (Some((t, dt, implementation)), Some(e)) = (textbook, &decl.textbook) {
        let checked = validate::textbook(&graph, (f, t), (&param_names, &defaults), e);
        errors.take(checked);
        let code_derivative =
            std::mem::replace(&mut derivative_text, print(&graph, dt, &param_names));
        implementation_text = Some((implementation, code_derivative));
    }
    let analysed = if decl.vector {
        Ok(vector_analysis(
            &mut graph,
            &mut diff,
            f,
            (range_bounds, &decl),
            (&defaults, proven_range),
            &mut errors,
        ))
    } else {
        scalar_analysis(
            &mut graph,
            (f, df),
            (range_bounds, &decl),
            &defaults,
            &mut errors,
        )
    };
    let a = match analysed {
        Ok(a) => a,
        Err(e) => return Err(errors.with(e)),
    };
    errors.finish()?;
    Ok(Model {
        decl,
        graph,
        f,
        df,
        param_names,
        defaults,
        constraints,
        range_bounds,
        range: a.range,
        range_proven: a.range_proven,
        shape: a.shape,
        formula_text,
        derivative_text,
        implementation_text,
        reductions: a.reductions,
        value_needs_limit: a.value_needs_limit,
        deriv_needs_limit: a.deriv_needs_limit,
        switches: a.switches,
        shift_invariant: a.shift_invariant,
        hazards: a.hazards,
    })
}

/// What the analysis finds, at the default parameters.
struct Analysis {
    range: RangeInfo,
    range_proven: bool,
    shape: Shape,
    switches: Vec<Id>,
    value_needs_limit: bool,
    deriv_needs_limit: bool,
    reductions: Vec<ReductionModel>,
    shift_invariant: bool,
    hazards: Vec<crate::hazard::Hazard>,
}

fn value(g: &Graph, id: Id, x: f64, params: &[f64]) -> f64 {
    eval::eval(g, id, x, params, &[])
}

/// An elementwise activation: defined everywhere (else the error, which ends the checks),
/// its range and shape, the NaN limits, and the declared range checked.
fn scalar_analysis(
    g: &mut Graph,
    (f, df): (Id, Id),
    (range_bounds, decl): (Option<(Id, Id)>, &Decl),
    p: &[f64],
    errors: &mut Errors,
) -> syn::Result<Analysis> {
    if let Some(u) = crate::domain::undefined_at(g, f, p) {
        return Err(syn::Error::new_spanned(&decl.f, u.to_string()));
    }
    let switches = probe::switches(g, &[f, df]);
    let g = &*g;
    let fx = |x: f64| value(g, f, x, p);
    let dfx = |x: f64| value(g, df, x, p);
    let sw = |k: usize, x: f64| value(g, switches[k], x, p);
    let (mut range, shape) = analysis::analyse(&fx, &dfx, &sw, switches.len());
    if let (Some((lo, hi)), Some((lo_e, hi_e))) = (range_bounds, &decl.range) {
        let lo_v = value(g, lo, 0.0, p);
        let hi_v = value(g, hi, 0.0, p);
        errors.take(validate::bound(
            &fx,
            lo_v,
            range.min,
            range.argmin,
            true,
            lo_e,
        ));
        errors.take(validate::bound(
            &fx,
            hi_v,
            range.max,
            range.argmax,
            false,
            hi_e,
        ));
        // The declared expressions are exact where the analysis rounds.
        (range.min, range.max) = (lo_v + 0.0, hi_v + 0.0);
    }
    Ok(Analysis {
        range,
        range_proven: false,
        shape,
        value_needs_limit: probe::makes_nan_at_large_inputs(g, f, p),
        deriv_needs_limit: probe::makes_nan_at_large_inputs(g, df, p),
        hazards: crate::hazard::hazards(g, (f, df), p, &param_names(decl)),
        switches,
        reductions: Vec::new(),
        shift_invariant: false,
    })
}

/// A vector activation: the reductions' partials, shift invariance, the range its shape proves
/// (softmax, log-softmax), and the declared range checked on sample vectors. A declared range
/// that agrees with the proven one takes its attainment (softmax's 1, reached by a
/// one-element input); with neither, the range is unknown and reported as `(-∞, ∞)`.
fn vector_analysis(
    g: &mut Graph,
    diff: &mut Differentiator,
    f: Id,
    (range_bounds, decl): (Option<(Id, Id)>, &Decl),
    (p, proven): (&[f64], Option<RangeInfo>),
    errors: &mut Errors,
) -> Analysis {
    let reductions = crate::reduction::partials(g, diff, f);
    let shift_invariant = probe::is_shift_invariant(g, f, p);
    let declared = match (range_bounds, &decl.range) {
        (Some(bounds), Some(exprs)) => errors.take(validate::vector_range(g, f, bounds, exprs, p)),
        _ => None,
    };
    let (range, range_proven) = match (proven, declared) {
        (Some(r), None) => (r, true),
        (Some(r), Some(d))
            if analysis::same_bound(r.min, d.min) && analysis::same_bound(r.max, d.max) =>
        {
            (r, true)
        }
        // A declared range wider than the proven one stays as declared.
        (_, Some(d)) => (d, false),
        (None, None) => (
            RangeInfo {
                min: f64::NEG_INFINITY,
                max: f64::INFINITY,
                min_attained: false,
                max_attained: false,
                argmin: None,
                argmax: None,
            },
            false,
        ),
    };
    Analysis {
        range,
        range_proven,
        shape: Shape {
            monotonic: false,
            zero_centred: false,
            kinks: vec![],
            value_at_zero: f64::NAN,
            derivative_at_zero: f64::NAN,
            saturating_left: false,
            saturating_right: false,
        },
        switches: Vec::new(),
        value_needs_limit: true,
        deriv_needs_limit: true,
        reductions,
        shift_invariant,
        hazards: Vec::new(),
    }
}

fn param_names(decl: &Decl) -> Vec<String> {
    decl.params.iter().map(|p| p.name.to_string()).collect()
}
