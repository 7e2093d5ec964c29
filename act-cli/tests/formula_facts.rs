//! What `show` and `compare` say about a `--formula`: the properties `activation!` gives the
//! same formula, and the tails where the computed result is wrong.

mod common;
use common::*;

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout(&[args, &["--format", "json"]].concat())).unwrap()
}

/// The words of `s` with single spaces: text wrapped at any width reads the same.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_formula_has_the_properties_of_the_builtin_declared_with_it() {
    // Swish and ReLU are declared as `x * sigmoid(x)` and `max(0, x)`-like formulas; the
    // CLI's analysis of the same text must say what the macro's does.
    for (name, formula) in [
        ("swish", "x * sigmoid(x)"),
        ("tanh", "tanh(x)"),
        ("softplus", "ln(1 + exp(x))"),
        ("relu", "if x > 0 { x } else { 0 }"),
    ] {
        let builtin = json(&["show", name]);
        let mine = json(&["show", "--formula", formula]);
        assert_eq!(mine["properties"], builtin["properties"], "{name}");
        assert!(mine["properties"].is_object(), "{mine}");
    }
    // And `compare` prints them, with no `?`.
    let text = stdout(&["compare", "swish", "--formula", "x * sigmoid(x)"]);
    // The columns after the label, which is as wide as the longer label.
    let rows: Vec<&str> = text.lines().skip(2).take(2).collect();
    let facts = |row: &str| row.get(" x * sigmoid(x)".len()..).map(str::to_string);
    assert_eq!(facts(rows[0]), facts(rows[1]), "{text}");
    assert!(!text.contains('?'), "{text}");
    let show = stdout(&["show", "--formula", "sqrt(powi(x, 2) + 1) - abs(x)"]);
    assert!(
        show.contains("  properties (yes when, on the right)\n"),
        "{show}"
    );
    assert!(flat(&show).contains("smooth no (kink at 0)"), "{show}");
    // The maximum at the kink is exact (it was 0.9999999999999999 at -5.6e-17).
    assert!(show.contains("  range  (0, 1]\n"), "{show}");
}

#[test]
fn show_names_the_tails_where_an_intermediate_overflows_or_cancels() {
    let text = stdout(&["show", "--formula", "powi(x, 3) / (1 + powi(x, 4))"]);
    let flat_text = flat(&text);
    for line in [
        "numerical limits (where the computed result is wrong)",
        "f64: f(x) is wrong for |x| > 1.2e77: `powi(x, 4)` overflows",
        "f32: f(x) is wrong for |x| > 4.3e9: `powi(x, 4)` overflows",
        "f32: f'(x) is wrong for |x| > 6.6e4: `powi(1 + powi(x, 4), 2)` overflows",
    ] {
        assert!(flat_text.contains(line), "{text}");
    }
    let v = json(&["show", "--formula", "sqrt(powi(x, 2) + 1) - x"]);
    let limits = v["numerical_limits"].as_array().unwrap();
    let right = limits
        .iter()
        .find(|h| h["type"] == "f64" && h["function"] == "f" && h["side"] == "right")
        .unwrap();
    assert_eq!(right["cause"], "cancellation");
    assert_eq!(right["intermediate"], "sqrt(1 + powi(x, 2)) - x");
    assert_eq!(right["from"], 6.8e7);
    let v = json(&["show", "--formula", "-x + log1p(powi(x, 2))"]);
    let texts: Vec<&str> = v["numerical_limits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "f64: f(x) is wrong for |x| > 1.4e154: `powi(x, 2)` overflows",
            "f32: f(x) is wrong for |x| > 1.9e19: `powi(x, 2)` overflows",
        ]
    );
    // Nothing to say: no section, an empty list; a built-in: not examined here (null).
    let safe = stdout(&["show", "--formula", "x * sigmoid(x)"]);
    assert!(!safe.contains("numerical limits"), "{safe}");
    assert_eq!(
        json(&["show", "--formula", "x * sigmoid(x)"])["numerical_limits"],
        serde_json::json!([])
    );
    assert!(json(&["show", "relu"])["numerical_limits"].is_null());
}

#[test]
fn squareplus_shows_the_published_formula_and_labels_the_implementation() {
    let text = stdout(&["show", "squareplus"]);
    assert!(
        text.contains("\n  f(x)        (x + sqrt(powi(x, 2) + b)) / 2\n"),
        "{text}"
    );
    assert!(
        text.contains("\n  f'(x)       (1 + x / sqrt(b + powi(x, 2))) / 2\n"),
        "{text}"
    );
    // The scaled code appears only under its label.
    let (before, after) = text
        .split_once("  implementation (what the code computes")
        .unwrap();
    assert!(!before.contains("1e150"), "{text}");
    assert!(
        after.contains("    f(x)   { let v1 = if abs(x) > 1e150"),
        "{text}"
    );
    let v = json(&["show", "squareplus"]);
    assert_eq!(v["formula"], "(x + sqrt(powi(x, 2) + b)) / 2");
    assert_eq!(v["derivative"], "(1 + x / sqrt(b + powi(x, 2))) / 2");
    assert!(
        v["implementation"]["formula"]
            .as_str()
            .unwrap()
            .contains("1e150")
    );
    assert!(
        v["implementation"]["derivative"]
            .as_str()
            .unwrap()
            .contains("1e150")
    );
    // Built-ins declared with their published formula have none.
    assert!(json(&["show", "gelu"])["implementation"].is_null());
}
