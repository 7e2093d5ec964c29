//! `act-cli eval --formula` of a vector formula (act-expr's interpreter) against the code the
//! `activation!` macro generates for the same formula (act-core): the CLI shows what the
//! library computes, values and the Jacobian's diagonal, at ordinary rows and at rows holding
//! ±inf or NaN (where vector activations take no limit: softmax of a row holding +inf is NaN,
//! as in PyTorch).

use act_core::DynActivation;
use act_core::prelude::*;

mod common;
use common::stdout;

activation! { pub vector struct Mean; f(x) = mean(x); }
activation! { pub vector struct Centred; f(x) = x - mean(x); }
activation! { pub vector struct LogSoftmaxPlain; f(x) = x - ln(sum(exp(x))); }
activation! { pub vector struct SwishOverSum; f(x) = x * sigmoid(x) / sum(exp(x)); }
activation! { pub vector struct ExpOverMean; f(x) = exp(x) / mean(exp(x)); }
activation! { pub vector struct FromMax; f(x) = x - max(x); }
activation! { pub vector struct SoftmaxShifted; f(x) = exp(x - max(x)) / sum(exp(x - max(x))); }
activation! { pub vector struct SoftminShifted; f(x) = exp(min(x) - x) / sum(exp(min(x) - x)); }
activation! { pub vector struct AboveMean; f(x) = if x > mean(x) { x } else { 0 }; }

/// Each declared activation with its formula as the CLI takes it.
fn cases() -> Vec<(&'static str, Box<dyn DynActivation>)> {
    vec![
        ("mean(x)", Box::new(Mean)),
        ("x - mean(x)", Box::new(Centred)),
        ("x - ln(sum(exp(x)))", Box::new(LogSoftmaxPlain)),
        ("x * sigmoid(x) / sum(exp(x))", Box::new(SwishOverSum)),
        ("exp(x) / mean(exp(x))", Box::new(ExpOverMean)),
        ("x - max(x)", Box::new(FromMax)),
        (
            "exp(x - max(x)) / sum(exp(x - max(x)))",
            Box::new(SoftmaxShifted),
        ),
        (
            "exp(min(x) - x) / sum(exp(min(x) - x))",
            Box::new(SoftminShifted),
        ),
        ("if x > mean(x) { x } else { 0 }", Box::new(AboveMean)),
    ]
}

const INF: f64 = f64::INFINITY;

/// Ordinary rows, rows holding ±inf or NaN, and rows whose sum of finite values overflows
/// (both sides then take the mean scaled: `eval::mean`, act-core's `mean_rescaled`); none
/// whose sum cancels (the sums add in different orders: `1e300 + 2 - 1e300` is 0 in one, 2
/// in the other).
fn rows() -> Vec<Vec<f64>> {
    vec![
        vec![1.0, 2.0, -3.0],
        vec![INF, 1.0],
        vec![-INF, 1.0],
        vec![INF, -INF, 0.0],
        vec![INF, INF],
        vec![-INF, -INF],
        vec![f64::NAN, 1.0],
        vec![1e300, -1e300],
        vec![-800.0, 0.5, 1e-310],
        vec![1e308, 1e308],
        vec![f64::MAX, f64::MAX, -f64::MAX],
    ]
}

fn number(v: &serde_json::Value) -> f64 {
    match v {
        serde_json::Value::String(s) => match s.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => INF,
            "-Infinity" => -INF,
            other => panic!("unexpected {other}"),
        },
        v => v.as_f64().unwrap(),
    }
}

/// Same value: both NaN, or equal (±0 alike), or within a relative 1e-13 (the sums' order).
fn agree(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan())
        || a == b
        || (a.is_finite() && b.is_finite() && (a - b).abs() <= 1e-13 * a.abs().max(b.abs()))
}

#[test]
fn the_interpreter_computes_what_the_generated_code_computes() {
    let mut wrong = Vec::new();
    for (text, act) in cases() {
        for xs in rows() {
            let (mut v, mut d) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
            act.table(&xs, &mut v, &mut d);
            let inputs: Vec<String> = xs.iter().map(|x| format!("{x:?}")).collect();
            let mut args = vec!["eval", "--format", "json", "--formula", text, "--"];
            args.extend(inputs.iter().map(String::as_str));
            let json: serde_json::Value = serde_json::from_str(&stdout(&args)).unwrap();
            let cli = json["rows"].as_array().unwrap();
            for i in 0..xs.len() {
                let (cv, cd) = (number(&cli[i]["value"]), number(&cli[i]["derivative"]));
                if !agree(cv, v[i]) || !agree(cd, d[i]) {
                    wrong.push(format!(
                        "{text} at {xs:?}[{i}]: cli ({cv}, {cd}), library ({}, {})",
                        v[i], d[i]
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
