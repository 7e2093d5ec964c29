//! From a parsed declaration to everything the code generator needs: the formula graph, its
//! derivatives, the checks of a hand-written `df` and a declared `range`, and the metadata.

use syn::spanned::Spanned;

use crate::analysis::{self, RangeInfo, Shape};
use crate::constraint::Constraint;
use crate::decl::Decl;
use crate::eval;
use crate::graph::{Func, Graph, Id, Node, Var};
use crate::parse::{Scope, lower};
use crate::print::{number, print};

/// A reduction of a vector activation with the derivatives the VJP needs.
#[derive(Clone, Debug)]
pub struct ReductionModel {
    /// `∂f/∂r_j`: how the output depends on this reduction's value.
    pub output_partial: Id,
    /// `∂g_j/∂x`: derivative of the reduced expression with respect to the element.
    pub body_dx: Id,
    /// `(k, ∂g_j/∂r_k)` for the earlier reductions `k` the body uses.
    pub body_dr: Vec<(u32, Id)>,
    /// Number of passes over the data before this reduction can be computed (1 = first pass).
    pub level: usize,
}

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
    /// The range at the default parameters.
    pub range: RangeInfo,
    /// Shape properties at the default parameters.
    pub shape: Shape,
    /// The formula as written, pretty-printed.
    pub formula_text: String,
    /// The derivative, simplified and pretty-printed.
    pub derivative_text: String,
    /// Reductions, for vector activations.
    pub reductions: Vec<ReductionModel>,
    /// The straight-line code of the value gives NaN at some huge or infinite input (`∞ * 0`
    /// in `x * sigmoid(x)` at -∞), so the generated code must watch for it and take the limit
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
}

/// Builds and checks the model of a declaration.
pub fn build(decl: Decl) -> syn::Result<Model> {
    let param_names: Vec<String> = decl.params.iter().map(|p| p.name.to_string()).collect();
    let defaults: Vec<f64> = decl.params.iter().map(|p| p.default).collect();
    let mut scope = Scope::new(param_names.clone(), decl.vector);
    let constraints = check_constraints(&decl, &param_names, &defaults)?;

    let mut raw = Graph::new_raw();
    let raw_f = lower(&mut raw, &decl.f, &mut scope)?;
    let formula_text = print(&raw, raw_f, &param_names);

    let mut g = Graph::new();
    let f = lower(&mut g, &decl.f, &mut scope)?;
    let symbolic_df = g.diff(f, Var::X);
    let df = match &decl.df {
        Some(e) if decl.vector => {
            return Err(syn::Error::new(
                e.span(),
                "`df(x)` is not supported in a vector activation: its derivative is a Jacobian, which the macro derives itself",
            ));
        }
        Some(e) => {
            let user = lower(&mut g, e, &mut scope)?;
            check_df(&g, f, symbolic_df, user, &defaults, e)?;
            user
        }
        None => symbolic_df,
    };
    let derivative_text = print(&g, df, &param_names);

    let range_bounds = match &decl.range {
        Some((lo, hi)) => {
            let mut s = Scope::new(param_names.clone(), false);
            let l = lower(&mut g, lo, &mut s)?;
            let h = lower(&mut g, hi, &mut s)?;
            for (id, e) in [(l, lo), (h, hi)] {
                if g.depends_on_x(id) {
                    return Err(syn::Error::new(
                        e.span(),
                        "a range bound may use constants and parameters, not `x`",
                    ));
                }
            }
            Some((l, h))
        }
        None => None,
    };

    let mut model = Model {
        decl,
        graph: g,
        f,
        df,
        param_names,
        defaults,
        constraints,
        range_bounds,
        range: RangeInfo {
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
            min_attained: false,
            max_attained: false,
            argmin: None,
            argmax: None,
        },
        shape: Shape {
            monotonic: false,
            zero_centred: false,
            kinks: vec![],
            value_at_zero: f64::NAN,
            derivative_at_zero: f64::NAN,
            saturating_left: false,
            saturating_right: false,
        },
        formula_text,
        derivative_text,
        reductions: Vec::new(),
        switches: Vec::new(),
        value_needs_limit: true,
        deriv_needs_limit: true,
        shift_invariant: false,
    };
    if model.decl.vector {
        vector_parts(&mut model);
        model.shift_invariant = is_shift_invariant(&model.graph, model.f, &model.defaults);
        check_vector_range(&mut model)?;
    } else {
        scalar_analysis(&mut model)?;
    }
    Ok(model)
}

/// The `where` conditions, each checked, and all of them met by the defaults. Every mistake
/// is reported, not only the first.
fn check_constraints(
    decl: &Decl,
    names: &[String],
    defaults: &[f64],
) -> syn::Result<Vec<Constraint>> {
    let mut out = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut push = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for e in &decl.constraints {
        match Constraint::new(e, names) {
            Ok(c) if !c.holds(names, defaults) => push(syn::Error::new(
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
            Err(e) => push(e),
        }
    }
    match errors {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

fn value(g: &Graph, id: Id, x: f64, params: &[f64]) -> f64 {
    eval::eval(g, id, x, params, &[])
}

/// The switching expressions of `roots`: `a - b` for each `if a CMP b`, `max(a, b)` and
/// `min(a, b)`, and the argument of each `abs`, where they depend on `x`. Their sign changes
/// are the inputs where the formula or its derivative may jump.
pub fn switches(g: &mut Graph, roots: &[Id]) -> Vec<Id> {
    let mut diffs = Vec::new();
    for id in g.reachable(roots) {
        match *g.node(id) {
            Node::Select(_, a, b, _, _) | Node::Max(a, b) | Node::Min(a, b) => diffs.push((a, b)),
            Node::Call(Func::Abs, u) => diffs.push((u, u)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (a, b) in diffs {
        let d = if a == b { a } else { g.sub(a, b) };
        if g.depends_on_x(d) && !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// Inputs where a branch, `max`/`min` or `abs` switches, at the given parameters.
pub fn thresholds(g: &mut Graph, roots: &[Id], params: &[f64]) -> Vec<f64> {
    let grid = analysis::grid();
    let mut out = Vec::new();
    for d in switches(g, roots) {
        out.extend(analysis::sign_changes(
            &|x| eval::eval(g, d, x, params, &[]),
            &grid,
        ));
    }
    out.sort_by(f64::total_cmp);
    out.dedup();
    out
}

fn scalar_analysis(m: &mut Model) -> syn::Result<()> {
    let (f, df) = (m.f, m.df);
    if let Some(u) = crate::domain::undefined_at(&mut m.graph, f, &m.defaults) {
        return Err(syn::Error::new_spanned(&m.decl.f, u.to_string()));
    }
    m.switches = switches(&mut m.graph, &[f, df]);
    let g = &m.graph;
    let p = &m.defaults;
    let fx = |x: f64| value(g, f, x, p);
    let dfx = |x: f64| value(g, df, x, p);
    let sw = |k: usize, x: f64| value(g, m.switches[k], x, p);
    (m.range, m.shape) = analysis::analyse(&fx, &dfx, &sw, m.switches.len());
    m.value_needs_limit = makes_nan_at_large_inputs(g, f, p);
    m.deriv_needs_limit = makes_nan_at_large_inputs(g, df, p);
    if let Some((lo, hi)) = m.range_bounds {
        let (lo_e, hi_e) = m
            .decl
            .range
            .as_ref()
            .map(|(a, b)| (a.clone(), b.clone()))
            .expect("declared");
        let lo_v = value(g, lo, 0.0, p);
        let hi_v = value(g, hi, 0.0, p);
        check_bound(&fx, lo_v, m.range.min, m.range.argmin, true, &lo_e)?;
        check_bound(&fx, hi_v, m.range.max, m.range.argmax, false, &hi_e)?;
        // The declared expressions are exact where the analysis rounds.
        (m.range.min, m.range.max) = (lo_v + 0.0, hi_v + 0.0);
    }
    Ok(())
}

/// Whether the straight-line evaluation of `root` gives NaN at an input that is not NaN, over
/// the analysis grid (out to ±MAX) and ±∞, at the given parameters and at multiples of them (a
/// parameter may be set to anything at run time).
fn makes_nan_at_large_inputs(g: &Graph, root: Id, params: &[f64]) -> bool {
    let mut xs = analysis::grid();
    xs.extend([f64::INFINITY, f64::NEG_INFINITY]);
    let scales: &[f64] = if params.is_empty() {
        &[1.0]
    } else {
        &[1.0, 0.5, 2.0, 10.0, 0.1, -1.0, 0.0]
    };
    scales.iter().any(|&k| {
        let ps: Vec<f64> = params.iter().map(|p| p * k).collect();
        xs.iter()
            .any(|&x| eval::eval_all(g, root, x, &ps, &[])[root.index()].is_nan())
    })
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

fn check_bound(
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

fn check_df(
    g: &Graph,
    f: Id,
    symbolic: Id,
    user: Id,
    params: &[f64],
    span: &syn::Expr,
) -> syn::Result<()> {
    let _ = f;
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
                print(g, symbolic, &[]),
            ),
        ));
    }
    Ok(())
}

fn vector_parts(m: &mut Model) {
    let g = &mut m.graph;
    let reds: Vec<(crate::graph::Reduce, Id)> = g.reductions().to_vec();
    let mut levels: Vec<usize> = Vec::with_capacity(reds.len());
    let mut out = Vec::with_capacity(reds.len());
    for (j, &(_, body)) in reds.iter().enumerate() {
        let output_partial = g.diff(m.f, Var::Red(j as u32));
        let body_dx = g.diff(body, Var::X);
        let mut body_dr = Vec::new();
        let mut level = 1;
        let used = g.reachable(&[body]);
        for (k, &level_k) in levels.iter().enumerate() {
            let d = g.diff(body, Var::Red(k as u32));
            if g.as_const(d) != Some(0.0) {
                body_dr.push((k as u32, d));
            }
            if used.iter().any(|&i| *g.node(i) == Node::Red(k as u32)) {
                level = level.max(level_k + 1);
            }
        }
        levels.push(level);
        out.push(ReductionModel {
            output_partial,
            body_dx,
            body_dr,
            level,
        });
    }
    m.reductions = out;
    m.shape.value_at_zero = f64::NAN;
    m.shape.derivative_at_zero = f64::NAN;
}

/// Sample vectors for checking a vector activation's declared range.
fn sample_vectors() -> Vec<Vec<f64>> {
    let mut v = vec![
        vec![0.0],
        vec![1000.0, 710.0, 709.0, -3.0],
        vec![-1.0, 0.0, 1.0],
        vec![1e300, -1e300],
        vec![5.0, 5.0, 5.0, 5.0],
        vec![-50.0, 50.0],
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for n in [2usize, 3, 5, 8, 16] {
        let row = (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 11) as f64 / (1u64 << 53) as f64 * 20.0 - 10.0
            })
            .collect();
        v.push(row);
    }
    v
}

/// Evaluates a vector formula on a whole input.
pub fn eval_vector(g: &Graph, f: Id, xs: &[f64], params: &[f64]) -> Vec<f64> {
    let reds = eval::eval_reductions(g, xs, params);
    xs.iter()
        .map(|&x| eval::eval(g, f, x, params, &reds))
        .collect()
}

/// Whether `f(x + c) = f(x)` on the moderate sample vectors, for two shifts `c`, to a relative
/// 1e-9 (what rounding allows).
fn is_shift_invariant(g: &Graph, f: Id, params: &[f64]) -> bool {
    sample_vectors()
        .into_iter()
        .filter(|v| v.iter().all(|x| x.abs() <= 100.0))
        .all(|v| {
            let y = eval_vector(g, f, &v, params);
            [0.75, -3.5].iter().all(|c| {
                let shifted: Vec<f64> = v.iter().map(|x| x + c).collect();
                let z = eval_vector(g, f, &shifted, params);
                y.iter()
                    .zip(&z)
                    .all(|(a, b)| (a - b).abs() <= 1e-9 * (1.0 + a.abs()))
            })
        })
}

fn check_vector_range(m: &mut Model) -> syn::Result<()> {
    let Some((lo, hi)) = m.range_bounds else {
        return Ok(());
    };
    let g = &m.graph;
    let p = &m.defaults;
    let lo_v = value(g, lo, 0.0, p);
    let hi_v = value(g, hi, 0.0, p);
    let (lo_e, hi_e) = m.decl.range.clone().expect("declared");
    for xs in sample_vectors() {
        for (i, y) in eval_vector(g, m.f, &xs, p).into_iter().enumerate() {
            let (bad, e, word) = if y < lo_v {
                (true, &lo_e, "below the declared minimum")
            } else if y > hi_v {
                (true, &hi_e, "above the declared maximum")
            } else {
                (false, &lo_e, "")
            };
            if bad {
                return Err(syn::Error::new(
                    e.span(),
                    format!(
                        "declared range is wrong: for the input {xs:?}, output {i} is {} which lies {word}",
                        number(y)
                    ),
                ));
            }
        }
    }
    // Sampling can refute a declared range but not prove a bound is reached by an n-vector
    // for every n, so vector ranges are reported open.
    m.range = RangeInfo {
        min: lo_v,
        max: hi_v,
        min_attained: false,
        max_attained: false,
        argmin: None,
        argmax: None,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Cmp;

    #[test]
    fn value_and_derivative_are_watched_for_nan_apart() {
        let mut g = Graph::new();
        let x = g.x();
        let zero = g.num(0.0);
        let one = g.num(1.0);
        let (alpha, scale) = (g.param(0), g.param(1));
        let ex = g.call(Func::Exp, x);
        let em1 = g.sub(ex, one);
        let tail = g.mul(alpha, em1);
        let elu = g.select(Cmp::Gt, x, zero, x, tail);
        // SELU: `scale * x` is `0 * ∞` at scale = 0, x = ∞ ...
        let selu = g.mul(scale, elu);
        let params = [1.67, 1.05];
        assert!(makes_nan_at_large_inputs(&g, selu, &params));
        // ... while its derivative `x > 0 ? scale : scale alpha e^x` never gives NaN.
        let scale_alpha = g.mul(scale, alpha);
        let tail_d = g.mul(scale_alpha, ex);
        let selu_d = g.select(Cmp::Gt, x, zero, scale, tail_d);
        assert!(!makes_nan_at_large_inputs(&g, selu_d, &params));
        // ELU itself never does.
        assert!(!makes_nan_at_large_inputs(&g, elu, &params));
        // x sigmoid(x) is `-∞ * 0` at -∞, without parameters.
        let s = g.call(Func::Sigmoid, x);
        let swish = g.mul(x, s);
        assert!(makes_nan_at_large_inputs(&g, swish, &[]));
    }
}
