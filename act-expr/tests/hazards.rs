//! Tails where the generated code's value or derivative is wrong (`act_expr::hazard`): the
//! thresholds against their closed forms, the claims against closed-form values, and the
//! formulas the rewrites already make safe, which must report nothing.

use act_expr::Formula;
use act_expr::hazard::{Cause, Hazard, Precision, Side};

fn hazards(text: &str) -> Vec<Hazard> {
    Formula::parse(text).expect("parses").hazards()
}

fn find(hs: &[Hazard], p: Precision, derivative: bool) -> Vec<&Hazard> {
    hs.iter()
        .filter(|h| h.precision == p && h.derivative == derivative)
        .collect()
}

#[test]
fn an_overflowing_power_is_named_with_its_threshold() {
    // x^3 / (1 + x^4) ~ 1/x: x^4 overflows beyond MAX^(1/4), 1.16e77 in f64 and 4.29e9 in
    // f32, where the value becomes 0 (then NaN once x^3 overflows too).
    let hs = hazards("powi(x, 3) / (1 + powi(x, 4))");
    for (p, max) in [
        (Precision::F64, f64::MAX),
        (Precision::F32, f64::from(f32::MAX)),
    ] {
        let f = find(&hs, p, false);
        assert_eq!(f.len(), 1, "{hs:?}");
        let threshold = max.powf(0.25);
        assert_eq!(f[0].side, Side::Both);
        assert!(
            f[0].from >= threshold && f[0].from <= threshold * 1.1,
            "{}",
            f[0]
        );
        assert_eq!(
            f[0].cause,
            Some((Cause::Overflow, "powi(x, 4)".to_string()))
        );
        // The derivative's denominator (1 + x^4)^2 overflows beyond MAX^(1/8).
        let d = find(&hs, p, true);
        assert_eq!(d.len(), 1, "{hs:?}");
        assert!(d[0].from >= max.powf(0.125) && d[0].from <= max.powf(0.125) * 1.1);
        assert_eq!(
            d[0].cause,
            Some((Cause::Overflow, "powi(1 + powi(x, 4), 2)".to_string()))
        );
    }
    assert_eq!(
        find(&hs, Precision::F32, false)[0].to_string(),
        "f32: f(x) is wrong for |x| > 4.3e9: `powi(x, 4)` overflows"
    );
    // The claim holds: 1/x just beyond, and right just below.
    let f = Formula::parse("powi(x, 3) / (1 + powi(x, 4))").unwrap();
    assert_eq!(f.eval(1.2e77), 0.0);
    assert!((f.eval(1.1e77) * 1.1e77 - 1.0).abs() < 1e-15);
}

#[test]
fn an_overflow_inside_a_logarithm_is_found_where_the_value_turns_to_inf() {
    // log1p(x^2) - x ~ -x: x^2 overflows beyond sqrt(MAX), 1.34e154 (f32 1.84e19), and the
    // value is +inf from there.
    let hs = hazards("-x + log1p(powi(x, 2))");
    assert_eq!(hs.len(), 2, "{hs:?}");
    let text: Vec<String> = hs.iter().map(|h| h.to_string()).collect();
    assert_eq!(
        text,
        [
            "f64: f(x) is wrong for |x| > 1.4e154: `powi(x, 2)` overflows",
            "f32: f(x) is wrong for |x| > 1.9e19: `powi(x, 2)` overflows",
        ]
    );
    let f = Formula::parse("-x + log1p(powi(x, 2))").unwrap();
    assert_eq!(f.eval(1.4e154), f64::INFINITY);
    assert!((f.eval(1.3e154) / -1.3e154 - 1.0).abs() < 1e-15);
}

#[test]
fn a_cancellation_is_found_where_no_digit_is_left() {
    // sqrt(x^2 + 1) - x = 1 / (sqrt(x^2 + 1) + x) ~ 1/(2x) on the right: the square root
    // rounds to x within half an ULP of x, which is half the value from x = 2^26 (6.7e7) on
    // in f64. On the left the value ~ 2|x| is fine until x^2 overflows.
    let hs = hazards("sqrt(powi(x, 2) + 1) - x");
    let f64s = find(&hs, Precision::F64, false);
    assert_eq!(f64s.len(), 2, "{hs:?}");
    assert_eq!(f64s[0].side, Side::Left);
    assert_eq!(f64s[0].cause.as_ref().unwrap().0, Cause::Overflow);
    assert_eq!(f64s[1].side, Side::Right);
    assert!(f64s[1].from >= 2f64.powi(26) && f64s[1].from <= 2f64.powi(26) * 1.1);
    assert_eq!(
        f64s[1].to_string(),
        "f64: f(x) has no correct digit for x beyond about 6.8e7: \
         `sqrt(1 + powi(x, 2)) - x` cancels"
    );
    let f = Formula::parse("sqrt(powi(x, 2) + 1) - x").unwrap();
    assert_eq!(f.eval(1e8), 0.0); // outside the range (0, ∞)
    // f32: the same from a few thousand on (x^2 + 1 and the square root in f32).
    let f32s = find(&hs, Precision::F32, false);
    assert_eq!(f32s.len(), 2, "{hs:?}");
    assert!(f32s[1].from > 1e3 && f32s[1].from < 1e4, "{}", f32s[1]);
}

#[test]
fn formulas_the_rewrites_make_safe_report_nothing() {
    for text in [
        "x * sigmoid(x)",
        "0.5 * x * (1 + erf(x / sqrt(2)))",
        "ln(1 + exp(x))",
        "x / (1 + abs(x))",
        "sqrt(powi(x, 2))",
        "exp(x)",
        "x * exp(-x)",
        "powi(x, 3)",
        "1 / (1 + powi(x, 2))",
        "if x > 0 { x } else { exp(x) - 1 }",
        // Squareplus as act-core declares it: scaled beyond 1e15.
        "{ let a = abs(x); let s = if a > 1e150 { 2.913414348125081e-157 } else if a > 1e15 \
         { 1.3552527156068805e-20 } else { 1 }; let r = if a > 1e150 { 3.432398830065305e156 } \
         else if a > 1e15 { 7.378697629483821e19 } else { 1 }; let u = abs(x * s); \
         let h = sqrt(u * u + 4 * s * s); if x >= 0 { (u / 2 + h / 2) * r } else \
         { 2 / (h + u) * s } }",
    ] {
        let hs: Vec<Hazard> = hazards(text)
            .into_iter()
            // 1 / (1 + x^2)'s derivative -2x / (1 + x^2)^2 does overflow, and softsign's
            // symbolic derivative 1/(1 + |x|) - |x|/(1 + |x|)^2 cancels (act-core's Softsign
            // declares its own).
            .filter(|h| !((text.starts_with("1 /") || text.starts_with("x /")) && h.derivative))
            .collect();
        assert!(hs.is_empty(), "{text}: {hs:?}");
    }
}

#[test]
fn the_macro_documents_what_it_found() {
    let tokens: proc_macro2::TokenStream = "
        /// ISRLU.
        pub struct Isrlu(alpha = 1.0);
        f(x) = if x >= 0 { x } else { x / sqrt(1 + alpha * x * x) };
    "
    .parse()
    .unwrap();
    let out = act_expr::expand_activation(tokens).to_string();
    assert!(out.contains("# Numerical limits"), "{out}");
    assert!(
        out.contains("f64: f(x) is wrong for x < -1.4e154: `powi(x, 2)` overflows"),
        "{out}"
    );
    assert!(
        out.contains("f32: f'(x) has no correct digit for x beyond about -3800: `1 / sqrt("),
        "{out}"
    );
    // With the stable derivative, the overflow of the value stays and the derivative's
    // cancellation goes.
    let tokens: proc_macro2::TokenStream = "
        /// ISRLU.
        pub struct Isrlu(alpha = 1.0);
        f(x) = if x >= 0 { x } else { x / sqrt(1 + alpha * x * x) };
        df(x) = if x >= 0 { 1 } else { powf(1 + alpha * x * x, -1.5) };
    "
    .parse()
    .unwrap();
    let out = act_expr::expand_activation(tokens).to_string();
    assert!(out.contains("f64: f(x) is wrong for x < -1.4e154"), "{out}");
    assert!(!out.contains("f'(x)"), "{out}");
    // And writes nothing where nothing was found.
    let tokens: proc_macro2::TokenStream = "
        /// Swish.
        pub struct S;
        f(x) = x * sigmoid(x);
    "
    .parse()
    .unwrap();
    assert!(
        !act_expr::expand_activation(tokens)
            .to_string()
            .contains("Numerical limits")
    );
}
