//! The formula engine through its public API: differentiation checked against central
//! differences and closed forms, simplification and stability rewrites, printing, errors.

use act_expr::Formula;

fn f(text: &str) -> Formula {
    Formula::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Central difference with Richardson extrapolation, and a bound on its own error.
fn numeric_derivative(g: &dyn Fn(f64) -> f64, x: f64) -> (f64, f64) {
    let h = 1e-4 * x.abs().max(1.0);
    let d1 = (g(x + h) - g(x - h)) / (2.0 * h);
    let d2 = (g(x + h / 2.0) - g(x - h / 2.0)) / h;
    let d = (4.0 * d2 - d1) / 3.0;
    // Rounding noise of the differences plus the extrapolation's remainder.
    let scale = [x - h, x + h, x]
        .iter()
        .map(|&t| g(t).abs())
        .fold(0.0, f64::max);
    let noise = 16.0 * f64::EPSILON * scale / h + 1e-7 * d.abs() + (d1 - d2).abs() * 1e-2;
    (d, noise)
}

/// Points over [-12, 12] and out into the tails, avoiding the kinks at 0, ±3 and ±1.
fn points() -> Vec<f64> {
    let mut v: Vec<f64> = (0..1200)
        .map(|i| -12.0 + 24.0 * (f64::from(i) + 0.37) / 1200.0)
        .collect();
    v.extend([-40.0, -25.0, -17.5, 17.5, 25.0, 40.0]);
    v
}

/// Every construct of the language, alone and composed.
const RULES: &[&str] = &[
    "x",
    "3 * x + 2",
    "x * x * x",
    "x / (1 + x * x)",
    "exp(0.3 * x)",
    "ln(1 + x * x)",
    "log1p(x * x)",
    "expm1(0.5 * x)",
    "sqrt(1 + x * x)",
    "abs(x - 0.5) + 2 * x",
    "tanh(x)",
    "sigmoid(x)",
    "softplus(x)",
    "erf(x)",
    "erfc(x)",
    "atan(x)",
    "x * atan(0.7 * x)",
    "asinh(x)",
    "asinh(2 * x) / 2 - x * asinh(x)",
    "powi(x, 3) - powi(x, -2) * 0.001",
    "powf(1 + x * x, 0.3)",
    "powf(2, sin_free_x)",
    "max(0.5 * x, x)",
    "min(x, 2 * x + 1)",
    "clamp(x, -2, 2.5) * x",
    "if x > 1 { x * x } else if x > -1 { x } else { -1 - exp(x + 1) + exp(0) }",
    "{ let s = sigmoid(x); let t = tanh(s * x); s * t + t }",
    "x * tanh(softplus(x))",
    "0.5 * x * erfc(-x / sqrt(2))",
    "0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * powi(x, 3))))",
    "1 / (1 + exp(-x))",
    "(exp(x) - exp(-x)) / (exp(x) + exp(-x))",
    "ln(1 + exp(x))",
    "x * sigmoid(x)",
    "exp(x) / (1 + exp(x))",
    "1 - tanh(x) * tanh(x)",
    "sigmoid(x) * (1 - sigmoid(x))",
    "exp(-x * x / 2) * e",
];

#[test]
fn every_rule_agrees_with_central_differences() {
    let mut checked = 0;
    for text in RULES {
        let text = text.replace("sin_free_x", "x");
        let formula = f(&text);
        let g = |x: f64| formula.eval(x);
        for x in points() {
            if (x.abs() - 1.0).abs() < 1e-2 || (x - 0.5).abs() < 1e-2 || (x.abs() - 2.0).abs() < 0.1
            {
                continue; // kinks of abs/max/min/clamp/if
            }
            let (fd, tol) = numeric_derivative(&g, x);
            let d = formula.eval_derivative(x);
            if !fd.is_finite() {
                continue;
            }
            assert!(
                (d - fd).abs() <= tol + 1e-9 * d.abs().max(1e-300),
                "{text}: at x = {x}, symbolic {d}, numeric {fd} (tolerance {tol})"
            );
            checked += 1;
        }
    }
    assert!(checked > 30_000, "only {checked} comparisons");
}

#[test]
fn derivatives_in_the_tails_match_closed_forms() {
    // Closed forms evaluated directly; the frameworks' forms (1 - σ, 1 - tanh^2) give 0 here.
    let e40 = (-40f64).exp();
    let sigma40 = e40 / ((1.0 + e40) * (1.0 + e40));
    let rel = |a: f64, b: f64| ((a - b) / b).abs();
    assert!(rel(f("sigmoid(x)").eval_derivative(40.0), sigma40) < 4.0 * f64::EPSILON);
    assert!(rel(f("1 / (1 + exp(-x))").eval_derivative(-40.0), sigma40) < 4.0 * f64::EPSILON);
    assert!(rel(f("tanh(x)").eval_derivative(20.0), 4.0 * sigma40) < 4.0 * f64::EPSILON);
    // erf'(x) = 2/sqrt(pi) exp(-x^2)
    let erf5 = 2.0 / core::f64::consts::PI.sqrt() * (-25f64).exp();
    assert!(rel(f("erf(x)").eval_derivative(5.0), erf5) < 8.0 * f64::EPSILON);
    // softplus'(x) = sigmoid(x) = e^x / (1 + e^x) for very negative x
    let e700 = (-700f64).exp();
    assert!(
        rel(
            f("ln(1 + exp(x))").eval_derivative(-700.0),
            e700 / (1.0 + e700)
        ) < 4.0 * f64::EPSILON
    );
    // sigmoid''(x) = σ'(x) (1 - 2σ(x)) -> -e^-x for large x
    let d2 = f("sigmoid(x) * (1 - sigmoid(x))").eval_derivative(40.0);
    assert!(
        rel(d2, sigma40 * (1.0 - 2.0 / (1.0 + e40))) < 8.0 * f64::EPSILON,
        "{d2}"
    );
}

#[test]
fn textbook_forms_are_rewritten_to_stable_ones() {
    let cases = [
        ("1 / (1 + exp(-x))", "sigmoid(x)"),
        ("exp(x) / (1 + exp(x))", "sigmoid(x)"),
        ("ln(1 + exp(x))", "softplus(x)"),
        ("log1p(exp(x))", "softplus(x)"),
        ("exp(x) - 1", "expm1(x)"),
        ("ln(1 + x)", "log1p(x)"),
        ("(exp(x) - exp(-x)) / (exp(x) + exp(-x))", "tanh(x)"),
        ("1 - sigmoid(x)", "sigmoid(-x)"),
        ("1 - erf(x)", "erfc(x)"),
        ("1 + erf(x)", "erfc(-x)"),
        ("1 + tanh(x)", "2 * sigmoid(2 * x)"),
        ("ln(sigmoid(x))", "-softplus(-x)"),
        ("ln(exp(x))", "x"),
        ("sqrt(x * x)", "abs(x)"),
        (
            "sigmoid(x) * (1 - sigmoid(x))",
            "sigmoid(x) * (1 - sigmoid(x))",
        ),
        ("1 - tanh(x) * tanh(x)", "1 - powi(tanh(x), 2)"),
        ("ln(x + sqrt(x * x + 1))", "asinh(x)"),
    ];
    for (written, stable) in cases {
        assert_eq!(f(written).to_string(), stable, "{written}");
    }
    // And they behave: finite where the naive form overflows or cancels.
    assert_eq!(f("ln(1 + exp(x))").eval(800.0), 800.0);
    assert_eq!(f("1 / (1 + exp(-x))").eval(-800.0), 0.0);
    assert!(f("(exp(x) - exp(-x)) / (exp(x) + exp(-x))").eval(800.0) == 1.0);
    assert!(f("exp(x) - 1").eval(1e-20) == 1e-20);
    assert!(f("0.5 * x * (1 + erf(x / sqrt(2)))").eval(-30.0) < 0.0);
    assert!(f("1 - sigmoid(x)").eval(800.0) > 0.0 || f("1 - sigmoid(x)").eval(40.0) > 4e-18);
    // 1 / x^2 beyond the overflow of x^2 is subnormal, not 1 / ∞ = 0.
    // (std's own `powi(2, -1040)` is that 0; 2^-1040 is the subnormal 2^34 · 2^-1074.)
    assert_eq!(
        f("1 / (x * x)").eval(2f64.powi(520)),
        f64::from_bits(1 << 34)
    );
    // The textbook asinh cancels to ln(0) = -inf at -1e10 and overflows at 1e200.
    let asinh = f("ln(x + sqrt(x * x + 1))");
    for x in [-1e10, -1e200, 1e200, -1e-20, 3.0] {
        let (got, want) = (asinh.eval(x), f64::asinh(x));
        assert!(
            (got - want).abs() <= 4.0 * f64::EPSILON * want.abs(),
            "asinh({x}) = {got}"
        );
        let (d, dwant) = (asinh.eval_derivative(x), 1.0 / x.hypot(1.0));
        assert!(
            (d - dwant).abs() <= 4.0 * f64::EPSILON * dwant,
            "asinh'({x}) = {d}"
        );
    }
}

#[test]
fn simplification_folds_constants_and_collects_like_terms() {
    let cases = [
        ("x + x", "2 * x"),
        ("x - x", "0"),
        ("x * x", "powi(x, 2)"),
        ("2 * 3 * x", "6 * x"),
        ("x * 0", "0"),
        ("(x + 1) - 1", "x"),
        ("x / x", "1"),
        ("powi(powi(x, 2), 3)", "powi(x, 6)"),
        ("sqrt(2) * sqrt(2) * x", "2 * x"),
        ("exp(x) * exp(x)", "exp(2 * x)"),
        ("{ let a = x + 1; a * a }", "powi(x + 1, 2)"),
        ("if 1 > 0 { x } else { 2 * x }", "x"),
        ("max(x, x)", "x"),
    ];
    for (written, simple) in cases {
        assert_eq!(f(written).to_string(), simple, "{written}");
    }
}

#[test]
fn derivatives_read_like_a_textbook() {
    let cases = [
        ("max(0, x)", "if x > 0 { 1 } else { 0 }"),
        (
            "x * sigmoid(x)",
            "sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))",
        ),
        ("tanh(x)", "1 - powi(tanh(x), 2)"),
        ("ln(1 + exp(x))", "sigmoid(x)"),
        ("powi(x, 3)", "3 * powi(x, 2)"),
        (
            "x * tanh(softplus(x))",
            "tanh(softplus(x)) + x * (1 - powi(tanh(softplus(x)), 2)) * sigmoid(x)",
        ),
        (
            "(x + 1) * tanh(softplus(x + 1))",
            "tanh(softplus(x + 1)) + (x + 1) * (1 - powi(tanh(softplus(x + 1)), 2)) * sigmoid(x + 1)",
        ),
        (
            "if x > 0 { x } else { exp(x) - 1 }",
            "if x > 0 { 1 } else { exp(x) }",
        ),
    ];
    for (written, derivative) in cases {
        assert_eq!(f(written).derivative_text(), derivative, "{written}");
    }
}

#[test]
fn printed_formulas_parse_back_to_the_same_values() {
    for text in RULES {
        let text = text.replace("sin_free_x", "x");
        let a = f(&text);
        let printed = a.to_string();
        let b = f(&printed);
        let da = f(&a.derivative_text());
        for x in points() {
            let (va, vb) = (a.eval(x), b.eval(x));
            assert!(
                va == vb
                    || (va - vb).abs() <= 1e-14 * va.abs().max(1e-300)
                    || (va.is_nan() && vb.is_nan()),
                "{text} printed as {printed}: {va} vs {vb} at {x}"
            );
            let (d1, d2) = (a.eval_derivative(x), da.eval(x));
            assert!(
                (d1 - d2).abs() <= 1e-12 * d1.abs().max(1e-300) || (d1.is_nan() && d2.is_nan()),
                "{text}: derivative printed as {} gives {d2}, not {d1} at {x}",
                a.derivative_text()
            );
        }
    }
}

#[test]
fn a_shared_subexpression_prints_once_as_a_let() {
    // Squareplus's `h`, used in three branches: once, not written out at each use.
    let text = "{ let h = if abs(x) > 1e15 { abs(x) + 4 / (2 * abs(x)) } else { sqrt(x * x + 4) }; \
                if x >= 0 { x / 2 + h / 2 } else { 4 / (2 * (h - x)) } }";
    let a = f(text);
    let printed = a.to_string();
    assert_eq!(printed.matches("sqrt(").count(), 1, "{printed}");
    assert!(
        printed.starts_with("{ let v1 = if abs(x) > 1e15 {"),
        "{printed}"
    );
    // Its derivative binds a shared subexpression too; both parse back to the same values.
    let derivative = a.derivative_text();
    assert!(derivative.starts_with("{ let v1 = "), "{derivative}");
    let (b, db) = (f(&printed), f(&derivative));
    for x in [-1e300, -1e16, -3.0, -1e-8, 0.0, 2.5, 1e16] {
        let (va, vb) = (a.eval(x), b.eval(x));
        assert!(
            va == vb || (va - vb).abs() <= 1e-15 * va.abs(),
            "{printed} at {x}"
        );
        let (da, dp) = (a.eval_derivative(x), db.eval(x));
        assert!(
            da == dp || (da - dp).abs() <= 1e-15 * da.abs(),
            "{derivative} at {x}"
        );
    }
    // A small repeated subexpression stays inline, and no binding is left unread.
    assert_eq!(
        f("x * sigmoid(x)").derivative_text(),
        "sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))"
    );
    let once = f("exp(x) / (1 + exp(x) + sqrt(1 + powi(x, 2)))").to_string();
    assert!(!once.contains("let"), "{once}");
}

#[test]
fn derivative_graphs_stay_linear_in_the_nesting_depth() {
    // Each level doubles the tree size if the product rule is not shared.
    let mut text = String::from("x");
    for _ in 0..30 {
        text = format!("{{ let u = {text}; u * sigmoid(u) }}");
    }
    let formula = f(&text);
    // Quadratic (products flatten, so each level's product rule has one more term), far from
    // the 2^30 of an unshared tree.
    assert!(formula.size() < 30 * 30, "{} nodes", formula.size());
    assert!(formula.eval_derivative(0.3).is_finite());
    // Written out in full the derivative would have ~2^30 terms; printed with shared
    // bindings it stays small and still parses back to the same values.
    let d = formula.derivative_text();
    assert!(d.len() < 100_000, "{} bytes", d.len());
    let mut text = String::from("x");
    for _ in 0..8 {
        text = format!("{{ let u = {text}; u * sigmoid(u) }}");
    }
    let formula = f(&text);
    let d = formula.derivative_text();
    assert!(d.starts_with("{ let v1 = "), "{d}");
    let back = f(&d);
    for x in [-2.0, -0.3, 0.0, 0.7, 3.0] {
        let (a, b) = (formula.eval_derivative(x), back.eval(x));
        assert!((a - b).abs() <= 1e-12 * a.abs(), "{a} vs {b} at {x}");
    }
}

#[test]
fn errors_point_at_the_mistake_and_say_how_to_fix_it() {
    let cases = [
        ("x * sigmod(x)", "did you mean `sigmoid`?", "sigmod"),
        ("x ^ 2", "`^` is bitwise XOR", "^"),
        ("y * 2", "cannot find `y`", "y"),
        ("if x > 0 { x }", "has no `else`", "if"),
        ("1e400 * x", "out of range", "1e400"),
        ("powi(x, 2.5)", "integer literal", "2.5"),
        ("x.exp()", "method calls", "exp"),
        ("sum(x)", "only a `vector` activation", "sum"),
        ("x +", "", ""),
        ("erf(x", "never closed: add a `)`", "("),
        ("tanh(x))", "has no `(` to close", ")"),
        ("max(x, {1)}", "closes the `{` opened here", "{1)"),
        // A `*` with nothing on its left is not blamed on `**` (user trial).
        ("x + * 2", "an operand is missing before this `*`", "*"),
        ("* x", "an operand is missing before this `*`", "*"),
        // A trailing comma does not turn `max(x, y)` into the one-argument reduction.
        (
            "max(x,)",
            "a `,` with no argument after it: write `max(a, b)`",
            ",",
        ),
        ("min(x, )", "write `min(a, b)` for the smaller", ","),
        ("sum(x,)", "write `sum(x)` without the comma", ","),
        // `sum`/`mean` have no two-argument form: only `max`/`min` are told to take two.
        ("max(x)", "or give `max` two arguments (`max(a, b)`)", "max"),
        ("mean(x)", "declare it with `pub vector struct ...`", "mean"),
        // Constant clamp bounds the wrong way round.
        (
            "clamp(x, 1, -1)",
            "lo = 1 is above hi = -1: swap them, `clamp(a, -1, 1)`",
            "1, -1",
        ),
        ("clamp(x, pi, 1)", "lo = pi is above hi = 1", "pi, 1"),
    ];
    for (text, needle, at) in cases {
        let err = Formula::parse(text).expect_err(text);
        assert!(err.message().contains(needle), "{text}: {}", err.message());
        if !at.is_empty() {
            assert_eq!(&text[err.span()], at, "{text}: span {:?}", err.span());
        }
    }
    for text in ["sum(x)", "mean(x)"] {
        let err = Formula::parse(text).unwrap_err();
        assert!(
            !err.message().contains("two arguments"),
            "{}",
            err.message()
        );
    }
    // In a vector formula the same calls reduce, and a trailing comma is still refused.
    assert!(Formula::parse_vector("x - max(x)", &[]).is_ok());
    let err = Formula::parse_vector("x - max(x,)", &[]).unwrap_err();
    assert!(
        err.message().contains("a `,` with no argument"),
        "{}",
        err.message()
    );
    // Bounds in order, equal bounds, and parameter bounds (not checked: their values may
    // change) are accepted.
    assert!(Formula::parse("clamp(x, -1, 1)").is_ok());
    assert!(Formula::parse("clamp(x, 2, 2)").is_ok());
    assert!(Formula::parse_with_params("clamp(x, lo, -1)", &[("lo", 1.0)]).is_ok());
}

#[test]
fn hostile_sizes_are_refused_not_crashed_on() {
    let deep = format!("{}x{}", "(".repeat(1000), ")".repeat(1000));
    assert!(
        Formula::parse(&deep)
            .unwrap_err()
            .message()
            .contains("nested too deeply")
    );
    let deeper = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(Formula::parse(&deeper).is_err());
    let minus = format!("{}x", "-".repeat(100_000));
    assert!(Formula::parse(&minus).is_err());
    // Found by the fuzzer: closures make syn's parser take exponential time.
    let closures = "|doh|0|doh|0|..&_..66666|66h|00||....66666|doh|0|....v6666|66h|00||..66666";
    let err = Formula::parse(closures).unwrap_err();
    assert!(
        err.message()
            .contains("is not part of the formula language"),
        "{}",
        err.message()
    );
    let err = Formula::parse("x + |y| 0").unwrap_err();
    assert!(
        err.message()
            .contains("`|` is not part of the formula language"),
        "{}",
        err.message()
    );
    assert_eq!(err.span(), 4..5);
    let ranges =
        "00qqqqqqqqqqqqqqqqqq.7_.r*****..*0.7_.r*****..0qqqqqqqqqqqqqqqqqq.7_.r*****..*0.7_.r";
    let err = Formula::parse(ranges).unwrap_err();
    assert!(
        err.message().contains("`..` is not part of"),
        "{}",
        err.message()
    );
    // A long flat sum or product is not nested: it parses up to the length limit.
    let flat = vec!["x"; 2400].join(" + ");
    assert_eq!(f(&flat).eval(1.0), 2400.0);
    let flat = vec!["x"; 1200].join(" * ");
    let want = 1.5f64.powi(1200);
    assert!((f(&flat).eval(1.5) / want - 1.0).abs() < 1e-12);
    let long = vec!["x"; 20_000].join(" + ");
    assert!(
        Formula::parse(&long)
            .unwrap_err()
            .message()
            .contains("too long")
    );
}

#[test]
fn ranges_are_computed_from_the_formula() {
    let r = f("x * sigmoid(x)").range();
    assert!(r.min_attained && (r.min - -0.2784645427610738).abs() < 1e-16);
    let r = f("1 / (1 + exp(-x))").range();
    assert_eq!(
        (r.min, r.max, r.min_attained, r.max_attained),
        (0.0, 1.0, false, false)
    );
    let r = f("max(0, x)").range();
    assert_eq!((r.min, r.min_attained, r.max), (0.0, true, f64::INFINITY));
    let r = f("clamp(x, -1, 2)").range();
    assert_eq!(
        (r.min, r.max, r.min_attained, r.max_attained),
        (-1.0, 2.0, true, true)
    );
}

#[test]
fn nan_in_gives_nan_out_and_infinities_give_limits() {
    for text in RULES {
        let text = text.replace("sin_free_x", "x");
        let formula = f(&text);
        assert!(formula.eval(f64::NAN).is_nan(), "{text}");
        assert!(formula.eval_derivative(f64::NAN).is_nan(), "{text}");
    }
    assert_eq!(f("x * sigmoid(x)").eval(f64::NEG_INFINITY), 0.0);
    assert_eq!(f("max(0, x)").eval(f64::INFINITY), f64::INFINITY);
    assert_eq!(
        f("0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * powi(x, 3))))")
            .eval_derivative(f64::NEG_INFINITY),
        0.0
    );
}

#[test]
fn vector_formulas_have_their_jacobian_diagonal() {
    let xs = [0.5, -1.0, 2.0, 0.0];
    let softmax = Formula::parse_vector("{ let e = exp(x - max(x)); e / sum(e) }", &[]).unwrap();
    let log_softmax =
        Formula::parse_vector("{ let m = max(x); x - m - ln(sum(exp(x - m))) }", &[]).unwrap();
    let centred = Formula::parse_vector("x - mean(x)", &[]).unwrap();
    let (mut y, mut d) = ([0.0; 4], [0.0; 4]);
    softmax.eval_vector(&xs, &mut y);
    softmax.eval_vector_derivative(&xs, &mut d);
    for i in 0..4 {
        // Closed forms: softmax' diagonal y (1 - y); log-softmax' diagonal 1 - y; x - mean: 1 -
        // 1/n.
        assert!(
            (d[i] - y[i] * (1.0 - y[i])).abs() < 1e-15,
            "{i}: {} vs {}",
            d[i],
            y[i] * (1.0 - y[i])
        );
    }
    log_softmax.eval_vector_derivative(&xs, &mut d);
    for i in 0..4 {
        assert!((d[i] - (1.0 - y[i])).abs() < 1e-15, "{i}");
    }
    centred.eval_vector_derivative(&xs, &mut d);
    assert!(d.iter().all(|&v| (v - 0.75).abs() < 1e-15), "{d:?}");
}

#[test]
fn vector_means_of_huge_inputs_do_not_overflow() {
    // Closed forms: the mean of (1e308, 1e308) is 1e308, so x - mean(x) is 0 and x / mean(x)
    // is 1; the mean of (MAX, MAX, -MAX) is MAX / 3.
    let cases: [(&str, &[f64], &[f64]); 4] = [
        ("mean(x)", &[1e308, 1e308], &[1e308, 1e308]),
        ("x - mean(x)", &[1e308, 1e308], &[0.0, 0.0]),
        ("x / mean(x)", &[-1e308, -1e308], &[1.0, 1.0]),
        (
            "mean(x)",
            &[f64::MAX, f64::MAX, -f64::MAX],
            &[f64::MAX / 3.0; 3],
        ),
    ];
    for (text, xs, want) in cases {
        let f = Formula::parse_vector(text, &[]).unwrap();
        let mut y = vec![0.0; xs.len()];
        f.eval_vector(xs, &mut y);
        assert_eq!(y, want, "{text} at {xs:?}");
    }
    // The Jacobian's diagonal of x - mean(x) does not read the mean's value: 1 - 1/n.
    let f = Formula::parse_vector("x - mean(x)", &[]).unwrap();
    let mut d = [0.0; 2];
    f.eval_vector_derivative(&[1e308, 1e308], &mut d);
    assert_eq!(d, [0.5, 0.5]);
}

/// Distance from `got` to `want` in ULPs of `want` (both finite, same sign).
fn ulps(got: f64, want: f64) -> f64 {
    let next = f64::from_bits(want.abs().to_bits() + 1);
    (got - want).abs() / (next - want.abs())
}

/// Products with a factor that is subnormal while the product is not (`x sigmoid(x)` near
/// x = -714): the interpreter scales such tails as the generated code does. The values are
/// mpmath's (60 digits), rounded to f64.
#[test]
fn products_with_a_subnormal_factor_keep_precision() {
    #[rustfmt::skip]
    let cases: [(&str, f64, f64, f64); 9] = [
        ("x * sigmoid(x)", -713.82, -7.006508283470176e-308, -6.996692772159942e-308),
        ("x * sigmoid(x)", -710.25, -2.4760275384478014e-306, -2.472541403229994e-306),
        ("x * sigmoid(x)", -714.9, -2.38297883148155e-308, -2.379645527758677e-308),
        ("x * tanh(softplus(x))", -713.82, -7.006508283470176e-308, -6.996692772159942e-308),
        ("x * tanh(softplus(x))", -710.25, -2.4760275384478014e-306, -2.472541403229994e-306),
        ("x * tanh(softplus(x))", -714.9, -2.38297883148155e-308, -2.379645527758677e-308),
        ("x * exp(x)", -713.82, -7.006508283470176e-308, -6.996692772159942e-308),
        ("x * exp(x)", -710.25, -2.4760275384478014e-306, -2.472541403229994e-306),
        ("x * exp(x)", -714.9, -2.38297883148155e-308, -2.379645527758677e-308),
    ];
    for (text, x, value, derivative) in cases {
        let g = f(text);
        let (v, d) = (g.eval(x), g.eval_derivative(x));
        assert!(
            ulps(v, value) <= 4.0,
            "{text} at {x}: {v:e}, want {value:e} ({} ulp)",
            ulps(v, value)
        );
        assert!(
            ulps(d, derivative) <= 4.0,
            "{text}' at {x}: {d:e}, want {derivative:e} ({} ulp)",
            ulps(d, derivative)
        );
    }
}

/// A power of a product with a constant or parameter factor stays the power of the product
/// where `c^n x^n` would overflow or underflow: `(1e-200 x)^2` is not `1e-400 x^2` (0 · ∞ at
/// 1e200, 0 at 1e-200), `(k x)^2` with k = 1e160 is not `k^2 x^2` (∞ · 0 at x = 0). Closed
/// forms: `exp(-(x/c)^2)` is 1 at 0 and 1/e at x = c; `1 / (1 + (k x)^2)` is 1 at 0 and 1/2
/// at x = 1/k.
#[test]
fn a_power_of_a_scaled_input_does_not_overflow_where_the_product_does_not() {
    let e = f("exp(-powi(x / 1e-200, 2))");
    assert_eq!(e.eval(0.0), 1.0);
    assert!((e.eval(1e-200) - (-1.0f64).exp()).abs() <= 4.0 * f64::EPSILON);
    assert_eq!(e.eval(1e200), 0.0);
    let g = Formula::parse_with_params("1 / (1 + powi(k * x, 2))", &[("k", 1e160)]).unwrap();
    assert_eq!(g.eval(0.0), 1.0);
    assert_eq!(g.eval(1e-160), 0.5);
    // Moderate constants still distribute: `(x / sqrt(2))^2` is `x^2 / 2` (GELU's exponent).
    assert_eq!(f("powi(x / sqrt(2), 2)").to_string(), "powi(x, 2) / 2");
}
