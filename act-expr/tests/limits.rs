//! Limits at ±∞ through the interpreter (`Formula::eval`, `eval_derivative`) for formulas
//! whose straight-line value is NaN there (`∞ - ∞`, `∞ · 0`): a limit that diverges is ±∞,
//! not the value at the largest probe. The same formulas and closed-form limits as act-core's
//! `tests/limits.rs`, which checks the generated code.

use act_expr::Formula;

const INF: f64 = f64::INFINITY;

/// `(formula, [f(-∞), f'(-∞), f(+∞), f'(+∞)])`, each a closed form: e.g. for `x^2 σ(x)`,
/// `f' = 2x σ(x) + x^2 σ(x)(1 - σ(x))`, +∞ at +∞ and 0 at -∞; for `x^2 / (1 + |x|)`,
/// `f' = sign(x) (1 - 1/(1 + |x|)^2)`, ±1.
/// `x^3 / (1 + x^4)` falls like `1/x` and its derivative `(3x^2 - x^6) / (1 + x^4)^2` like
/// `-1/x^2`: both tend to 0 at ±∞ without ever settling on one value at the probes.
const CASES: [(&str, [f64; 4]); 8] = [
    ("x - sqrt(abs(x))", [-INF, 1.0, INF, 1.0]),
    ("x * x * sigmoid(x)", [0.0, 0.0, INF, INF]),
    ("x * x * exp(x)", [0.0, 0.0, INF, INF]),
    ("x * exp(x)", [0.0, 0.0, INF, INF]),
    ("x * softplus(x)", [0.0, 0.0, INF, INF]),
    ("x * x / (1 + abs(x))", [INF, -1.0, INF, 1.0]),
    ("x * sigmoid(x) * ln(1 + abs(x))", [0.0, 0.0, INF, INF]),
    ("powi(x, 3) / (1 + powi(x, 4))", [0.0, 0.0, 0.0, 0.0]),
];

#[test]
fn limits_at_infinity_are_the_closed_forms() {
    let mut wrong = Vec::new();
    for (text, want) in CASES {
        let f = Formula::parse(text).expect("parses");
        let got = [
            f.eval(-INF),
            f.eval_derivative(-INF),
            f.eval(INF),
            f.eval_derivative(INF),
        ];
        if got != want {
            wrong.push(format!("{text}: {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The shape analysis reads saturation off `f'(±∞)`: a derivative falling towards 0 like
/// `-1/x^2` without settling at the probes is saturating on both sides.
#[test]
fn a_derivative_falling_towards_zero_saturates() {
    let f = Formula::parse("powi(x, 3) / (1 + powi(x, 4))").expect("parses");
    let (_, shape) = f.analyse();
    assert!(shape.saturating_left && shape.saturating_right, "{shape:?}");
}
