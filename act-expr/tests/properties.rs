//! Properties over random formulas: the symbolic derivative agrees with central differences,
//! simplification and the stability rewrites do not change values, and printed formulas parse
//! back to the same values.

use act_expr::Formula;
use act_expr::eval::eval;
use act_expr::graph::Graph;
use act_expr::parse::{Scope, lower_as_written};
use proptest::prelude::*;

/// Random smooth formulas in `x`, as text in the formula language.
fn formula() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("x".to_string()),
        (-3i32..=3).prop_map(|k| format!("{k}")),
        (1i32..=9).prop_map(|k| format!("0.{k}")),
    ];
    leaf.prop_recursive(5, 40, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} + {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} - {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} * {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} / (2 + {b} * {b})")),
            inner.clone().prop_map(|a| format!("sigmoid({a})")),
            inner.clone().prop_map(|a| format!("tanh({a})")),
            inner.clone().prop_map(|a| format!("softplus({a})")),
            inner.clone().prop_map(|a| format!("erf({a})")),
            inner.clone().prop_map(|a| format!("exp(tanh({a}))")),
            inner.clone().prop_map(|a| format!("ln(1 + {a} * {a})")),
            inner.clone().prop_map(|a| format!("sqrt(1 + {a} * {a})")),
            inner.clone().prop_map(|a| format!("powi({a}, 3)")),
            inner.clone().prop_map(|a| format!("1 / (1 + exp(-{a}))")),
            inner.clone().prop_map(|a| format!("(exp({a}) - 1)")),
            inner
                .clone()
                .prop_map(|a| format!("{{ let u = {a}; u * sigmoid(u) }}")),
            // Forms the stability rewrites act on (arguments kept moderate so that the
            // formula as written stays finite and comparable).
            inner.clone().prop_map(|a| format!("(1 - tanh({a}))")),
            inner.clone().prop_map(|a| format!("(2 + 2 * tanh({a}))")),
            inner.clone().prop_map(|a| format!("(1 - sigmoid({a}))")),
            inner.clone().prop_map(|a| format!("(1 + erf({a}))")),
            inner
                .clone()
                .prop_map(|a| format!("(0.5 - 0.5 * erf({a}))")),
            inner
                .clone()
                .prop_map(|a| format!("ln(1 + exp(3 * tanh({a})))")),
            inner
                .clone()
                .prop_map(|a| format!("exp(3 * tanh({a})) / (1 + exp(3 * tanh({a})))")),
            inner.clone().prop_map(|a| {
                format!("{{ let v = 3 * tanh({a}); (exp(v) - exp(-v)) / (exp(v) + exp(-v)) }}")
            }),
            inner
                .clone()
                .prop_map(|a| format!("sigmoid({a}) * (1 - sigmoid({a}))")),
            inner
                .clone()
                .prop_map(|a| format!("(1 - tanh({a}) * tanh({a}))")),
            inner.prop_map(|a| format!("ln(sigmoid({a}))")),
        ]
    })
}

/// The formula as written: lowered without the stability rewrites (canonical forms and
/// folding only).
fn raw_value(text: &str, x: f64) -> f64 {
    let expr: syn::Expr = syn::parse_str(text).expect("parses");
    let mut g = Graph::new();
    let id = lower_as_written(&mut g, &expr, &mut Scope::new(vec![], false)).expect("lowers");
    eval(&g, id, x, &[], &[])
}

fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs()) + abs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn derivative_agrees_with_central_differences(text in formula(), x in -3.0f64..3.0) {
        let f = Formula::parse(&text).unwrap();
        let h = 1e-4;
        let g = |t: f64| f.eval(t);
        let d1 = (g(x + h) - g(x - h)) / (2.0 * h);
        let d2 = (g(x + h / 2.0) - g(x - h / 2.0)) / h;
        let fd = (4.0 * d2 - d1) / 3.0;
        let d = f.eval_derivative(x);
        prop_assume!(fd.is_finite() && d.is_finite());
        // Rounding noise of the differences and the extrapolation's remainder.
        let scale = g(x).abs().max(g(x + h).abs()).max(1.0);
        let tol = 1e-6 * d.abs() + 1e3 * f64::EPSILON * scale / h + (d1 - d2).abs();
        prop_assert!((d - fd).abs() <= tol, "{text} at {x}: symbolic {d}, numeric {fd}, tol {tol}");
    }

    #[test]
    fn rewrites_and_simplification_keep_values(text in formula(), x in -3.0f64..3.0) {
        let stable = Formula::parse(&text).unwrap().eval(x);
        let raw = raw_value(&text, x);
        prop_assume!(raw.is_finite());
        prop_assert!(close(stable, raw, 1e-9, 1e-12), "{text} at {x}: rewritten {stable}, as written {raw}");
    }

    #[test]
    fn printed_formulas_parse_back(text in formula(), x in -3.0f64..3.0) {
        let f = Formula::parse(&text).unwrap();
        let printed = f.to_string();
        let back = Formula::parse(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
        let (a, b) = (f.eval(x), back.eval(x));
        prop_assert!(close(a, b, 1e-12, 1e-300) || (a.is_nan() && b.is_nan()), "{text} printed as {printed}: {a} vs {b}");
        let dtext = f.derivative_text();
        let d = Formula::parse(&dtext).unwrap_or_else(|e| panic!("{dtext}: {e}"));
        let (da, db) = (f.eval_derivative(x), d.eval(x));
        prop_assert!(close(da, db, 1e-12, 1e-300) || (da.is_nan() && db.is_nan()), "{text}: f' printed as {dtext}: {da} vs {db}");
    }
}

/// Inputs near `c` with a step of no power of two (on a dyadic lattice the inputs would share
/// their rounding errors), out to `±200 · 1.37e-10 · max(|c|, 1)`, and the 8 floats either side.
fn around(c: f64) -> Vec<f64> {
    let s = 1.37e-10 * c.abs().max(1.0);
    let mut xs: Vec<f64> = (-200..=200).map(|j| c + f64::from(j) * s).collect();
    let (mut up, mut down) = (c, c);
    for _ in 0..8 {
        (up, down) = (up.next_up(), down.next_down());
        xs.extend([up, down]);
    }
    xs
}

/// The range's facts checked against the formula's own values: an attained bound is a value
/// the formula takes near the reported argument, and no sample passes a bound (an attained
/// one by at most `ulps` ULP, the rounding allowance next to a smooth extreme: 4 for a plain
/// formula, more for random compositions, whose evaluation error is larger).
fn check_range(f: &Formula, ulps: f64) -> Result<(), TestCaseError> {
    let r = f.range();
    let text = f.to_string();
    for (bound, attained, arg) in [
        (r.min, r.min_attained, r.argmin),
        (r.max, r.max_attained, r.argmax),
    ] {
        if attained {
            let at = arg.expect("an attained bound has an argument");
            prop_assert!(
                around(at).into_iter().any(|x| f.eval(x) == bound),
                "{text}: no input near {at} gives the attained bound {bound} ({r:?})"
            );
        }
    }
    let mut xs: Vec<f64> = (-4000..=4000)
        .map(|i| f64::from(i) * 0.0041 + 0.0007)
        .collect();
    xs.extend(r.argmin.map(around).unwrap_or_default());
    xs.extend(r.argmax.map(around).unwrap_or_default());
    for x in xs {
        let y = f.eval(x);
        if y.is_nan() {
            continue;
        }
        // Rounding noise may carry a computed value past a bound, attained or a limit:
        // sigmoid(exp(tanh(x - 1))) * (1 - sigmoid(exp(tanh(x - 1)))) rises towards its
        // limit 0.24172873823863164 at -∞ and is computed one ULP above it at -16.2.
        let near = |b: f64| (y - b).abs() <= ulps * f64::EPSILON * b.abs();
        let above = y >= r.min || near(r.min);
        let below = y <= r.max || near(r.max);
        prop_assert!(above && below, "{text}: f({x}) = {y} is outside {r:?}");
    }
    Ok(())
}

/// A property run's draw: `-x + log1p(powi(x, 2))` falls without bound, but its intermediate `x^2`
/// overflows from 1.3e154 on, and the analysis read its value at ∞ (∞ - ∞, NaN) as no limit,
/// reporting the grid's edge f(16) = -10.45 as an attained minimum. Likewise
/// `sqrt(powi(x, 2) + 1) - x` tends to 0 and was given an attained minimum 0.0312 at 16.
#[test]
fn a_limit_is_found_where_an_intermediate_overflows() {
    for (text, min) in [
        ("-x + log1p(powi(x, 2))", f64::NEG_INFINITY),
        ("log1p(x * x) - x", f64::NEG_INFINITY),
        ("sqrt(powi(x, 2) + 1) - x", 0.0),
    ] {
        let f = Formula::parse(text).unwrap();
        let r = f.range();
        assert_eq!(
            (r.min, r.max, r.min_attained, r.max_attained),
            (min, f64::INFINITY, false, false),
            "{text}"
        );
        check_range(&f, 4.0).unwrap();
    }
}

/// The thirteenth session's trial: bounded formulas whose intermediates overflow far out
/// (`x^2`, `x^4`, `exp(2x)`) were given an unbounded range by the tail's first reading, and
/// a maximum at a kink equal to the limit at ±∞ was called not attained. Closed forms:
/// `x / (1 + x^2)` peaks at ±1/2 at x = ±1; `x^3 / (1 + x^4)` at `3^(3/4) / 4` at
/// `x = 3^(1/4)`; `e^x / (e^x + e^2x) = 1 / (1 + e^x)` spans (0, 1); `log1p(x^2) - 2 log1p(|x|)`
/// is 0 at x = 0 and at ±∞, `-ln 2` at x = ±1.
#[test]
fn bounded_formulas_with_overflowing_intermediates_and_kinks_at_the_limit() {
    let peak3 = 3f64.powf(0.75) / 4.0;
    for (text, min, max, attained) in [
        ("x / (1 + powi(x, 2))", -0.5, 0.5, (true, true)),
        ("powi(x, 3) / (1 + powi(x, 4))", -peak3, peak3, (true, true)),
        ("exp(x) / (exp(x) + exp(2 * x))", 0.0, 1.0, (false, false)),
        (
            "log1p(powi(x, 2)) - 2 * log1p(abs(x))",
            -std::f64::consts::LN_2,
            0.0,
            (true, true),
        ),
    ] {
        let f = Formula::parse(text).unwrap();
        let r = f.range();
        let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1e-300);
        assert!(
            close(r.min, min) && close(r.max, max),
            "{text}: [{}, {}], want [{min}, {max}]",
            r.min,
            r.max
        );
        assert_eq!((r.min_attained, r.max_attained), attained, "{text}");
        check_range(&f, 4.0).unwrap();
    }
}

/// The trial's examples: the maximum at the turn was reported one ULP above the value there
/// (0.25000000000000006 and 1.0000000000000002), rounding noise of the analysis's own
/// evaluation taken for a value the function attains.
#[test]
fn an_attained_maximum_is_the_value_at_the_turn() {
    for (text, max) in [
        ("sigmoid(x) * (1 - sigmoid(x))", 0.25),
        ("1 - powi(tanh(x), 2)", 1.0),
        ("1 - tanh(x) * tanh(x)", 1.0),
        ("exp(-x * x)", 1.0),
    ] {
        let f = Formula::parse(text).unwrap();
        let r = f.range();
        assert_eq!(
            (r.min, r.max, r.min_attained, r.max_attained),
            (0.0, max, false, true),
            "{text}"
        );
        check_range(&f, 4.0).unwrap();
    }
    // Interior extremes away from 0 and a minimum.
    for text in [
        "x * exp(-x * x)",
        "x * sigmoid(x)",
        "x * tanh(softplus(x))",
        "-3 * exp(-(x - 0.7) * (x - 0.7))",
    ] {
        check_range(&Formula::parse(text).unwrap(), 4.0).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn range_bounds_are_values_and_not_passed(text in formula()) {
        // Compositions carry the condition numbers of their parts: around its minimum at
        // -4.89, erfc(6 sigmoid(-2x)) sigmoid(sigmoid(3 tanh(x sigmoid(x)))) / 2 scatters over
        // 60 ULP (the relative 1e-12 of `analysis::same_bound`, "the same bound up to the
        // rounding of the expressions", allows 4500).
        let f = Formula::parse(&text).unwrap();
        check_range(&f, 4500.0)?;
    }
}
