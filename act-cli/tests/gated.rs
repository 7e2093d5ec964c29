//! Gated activations (glu, swiglu, geglu, reglu) in the CLI: two inputs, both partials, every
//! format, the numbers against act-core's mpmath reference data, and clear errors.

mod common;
use common::*;

/// One row of act-core/tests/data/gated/NAME.f64.csv (scripts/gen_gated_reference.py).
struct Reference {
    a: f64,
    b: f64,
    value: f64,
    da: f64,
    db: f64,
    /// Allowance in ULP: 4, and GeGlu's `4 + κ` as documented for Gelu.
    allowance: f64,
}

fn reference(file: &str, kappa: bool) -> Vec<Reference> {
    let path = format!(
        "{}/../act-core/tests/data/gated/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("reference data");
    let hex = |s: &str| match s {
        "+inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        _ => f64::from_bits(u64::from_str_radix(s, 16).expect("hex")),
    };
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('a'))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let k = |s: &str| s.parse::<f64>().unwrap_or(f64::INFINITY);
            let allowance = if kappa {
                4.0 + k(f[9]).max(k(f[10]))
            } else {
                4.0
            };
            // The interior root of df/da is held to an absolute bound: left to act-core's test.
            let root = f[8] == "1";
            (
                root,
                Reference {
                    a: hex(f[0]),
                    b: hex(f[1]),
                    value: hex(f[2]),
                    da: hex(f[4]),
                    db: hex(f[6]),
                    allowance,
                },
            )
        })
        .filter(|(root, r)| {
            !root
                && r.allowance.is_finite()
                && [r.a, r.b].iter().all(|v| v.is_finite())
                // Normal results: below the normal range the documented allowance differs.
                && [r.value, r.da, r.db]
                    .iter()
                    .all(|v| v.is_finite() && (*v == 0.0 || v.abs() >= f64::MIN_POSITIVE))
        })
        .map(|(_, r)| r)
        .collect()
}

/// `act-cli eval NAME --a A,... --b B,... --format csv`, read back.
fn eval_csv(name: &str, a: &[f64], b: &[f64]) -> Vec<Vec<f64>> {
    let list = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:e}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let out = stdout(&[
        "eval",
        name,
        "--a",
        &list(a),
        "--b",
        &list(b),
        "--format",
        "csv",
    ]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("a,b,value,df_da,df_db"));
    lines
        .map(|l| l.split(',').map(|s| s.parse().expect("a number")).collect())
        .collect()
}

#[test]
fn csv_values_and_both_partials_agree_with_mpmath() {
    for (name, file, kappa) in [
        ("glu", "glu.f64.csv", false),
        ("swiglu", "swiglu.f64.csv", false),
        ("geglu", "geglu.f64.csv", true),
        ("reglu", "reglu.f64.csv", false),
    ] {
        let rows = reference(file, kappa);
        assert!(rows.len() > 100, "{name}: only {} points", rows.len());
        let a: Vec<f64> = rows.iter().map(|r| r.a).collect();
        let b: Vec<f64> = rows.iter().map(|r| r.b).collect();
        let got = eval_csv(name, &a, &b);
        assert_eq!(got.len(), rows.len(), "{name}");
        let mut worst = 0f64;
        for (r, g) in rows.iter().zip(&got) {
            assert_eq!((g[0], g[1]), (r.a, r.b), "{name}: inputs read back");
            for (what, got, want) in [
                ("value", g[2], r.value),
                ("df/da", g[3], r.da),
                ("df/db", g[4], r.db),
            ] {
                let u = ulps_apart(got, want) as f64;
                assert!(
                    u <= r.allowance,
                    "{name} at (a, b) = ({:e}, {:e}): {what} {got:e} is {u} ULP from {want:e}",
                    r.a,
                    r.b
                );
                worst = worst.max(u);
            }
        }
        eprintln!("{name}: {} pairs, worst {worst} ULP", rows.len());
    }
}

#[test]
fn eval_pairs_the_numbers_with_b_and_fits_80_columns() {
    let out = stdout(&["eval", "swiglu", "-2", "0", "2", "--b", "1.5"]);
    let lines: Vec<&str> = out.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, ["a", "b", "value", "df/da", "df/db"]);
    assert_eq!(lines.len(), 5, "{out}");
    assert!(lines.iter().all(|l| l.chars().count() <= 80), "{out}");
    // The numbers after the name are a; b = 1.5 on every row; at a = 0 the value and df/db
    // are 0 and df/da = b * silu'(0) = 1.5 / 2.
    let zero: Vec<&str> = lines[3].split_whitespace().collect();
    assert_eq!(zero, ["0", "1.5", "0", "0.75", "0"]);
    // --a given: the numbers are b (before --a, which takes every number after it).
    let rows = eval_csv_args(&["eval", "glu", "0", "-inf", "--a", "4", "--format", "csv"]);
    assert_eq!(
        rows,
        [
            vec![4.0, 0.0, 2.0, 0.5, 1.0],
            vec![4.0, f64::NEG_INFINITY, 0.0, 0.0, 0.0]
        ]
    );
}

fn eval_csv_args(args: &[&str]) -> Vec<Vec<f64>> {
    stdout(args)
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|s| s.parse().unwrap()).collect())
        .collect()
}

#[test]
fn json_and_markdown_carry_both_partials() {
    let v: serde_json::Value = serde_json::from_str(&stdout(&[
        "eval", "reglu", "--a", "2,-1", "--b", "3", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(v["activation"], "reglu");
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    // ReGLU: max(0, a) * b, df/da = b for a > 0, df/db = max(0, a).
    assert_eq!(rows[0]["value"], 6.0);
    assert_eq!(rows[0]["df_da"], 3.0);
    assert_eq!(rows[0]["df_db"], 2.0);
    assert_eq!(rows[1]["value"], 0.0);
    let md = stdout(&["table", "reglu", "--points", "2", "--format", "markdown"]);
    assert!(
        md.starts_with("| a | b | value | df/da | df/db |\n| ---: |"),
        "{md}"
    );
}

#[test]
fn table_runs_one_input_over_the_grid_and_holds_the_other() {
    let out = stdout(&["table", "swiglu"]);
    assert!(
        out.starts_with("swiglu with a over the grid and b = 1"),
        "{out}"
    );
    let csv = eval_csv_args(&["table", "swiglu", "--format", "csv"]);
    assert_eq!(csv.len(), 11);
    assert!(csv.iter().all(|r| r[1] == 1.0));
    assert_eq!(csv[0][0], -5.0);
    let csv = eval_csv_args(&[
        "table", "glu", "--a", "-2", "--from", "-1", "--to", "1", "--format", "csv",
    ]);
    assert_eq!(csv.len(), 3);
    assert!(csv.iter().all(|r| r[0] == -2.0));
    assert_eq!(
        csv.iter().map(|r| r[1]).collect::<Vec<_>>(),
        [-1.0, 0.0, 1.0]
    );
    // glu(-2, 0) = -2 * sigmoid(0) = -1; df/db = -2 * sigmoid'(0) = -0.5.
    assert_eq!(&csv[1][2..], &[-1.0, 0.5, -0.5]);
}

#[test]
fn list_and_show_present_the_gated_builtins() {
    let list = stdout(&["list"]);
    let gated = list
        .split("Gated, two inputs a and b")
        .nth(1)
        .expect("a gated section");
    for name in ["glu", "swiglu", "geglu", "reglu"] {
        assert!(
            gated
                .lines()
                .any(|l| l.split_whitespace().next() == Some(name)),
            "{name} missing:\n{gated}"
        );
    }
    assert!(list.lines().all(|l| l.chars().count() <= 80), "{list}");
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&["list", "--format", "json"])).unwrap();
    let g: Vec<&serde_json::Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["gated"] == true)
        .collect();
    assert_eq!(g.len(), 4);
    assert!(
        g.iter()
            .all(|e| e["inputs"] == serde_json::json!(["a", "b"]))
    );

    use act_core::prelude::*;
    let show = stdout(&["show", "SwiGLU"]);
    assert!(
        show.starts_with("swiglu (act_core::SwiGlu, gated)"),
        "{show}"
    );
    for (key, formula) in [
        ("f(a, b)", SwiGlu::FORMULA),
        ("df/da", SwiGlu::PARTIALS[0]),
        ("df/db", SwiGlu::PARTIALS[1]),
    ] {
        let line = show
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("no {key} line:\n{show}"));
        assert!(line.contains(formula), "{line}");
    }
    assert!(show.lines().all(|l| l.chars().count() <= 80), "{show}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["show", "geglu", "--format", "json"])).unwrap();
    assert_eq!(json["partials"][0], GeGlu::PARTIALS[0]);
    assert_eq!(json["gated"], true);
}

#[test]
fn mistakes_with_gated_inputs_say_how_to_fix_them() {
    let cases: [(&[&str], &str); 12] = [
        (&["eval", "swiglu", "1", "2"], "give b with --b"),
        (
            &["eval", "swiglu", "--a", "1,2", "--b", "1,2,3"],
            "2 values of a and 3 of b",
        ),
        (
            &["eval", "swiglu", "3", "--a", "1", "--b", "2"],
            "besides --a and --b",
        ),
        (&["eval", "swiglu", "--b", "2"], "no values for a"),
        (
            &["eval", "swiglu", "1", "--b", "two"],
            "'two' is not a number",
        ),
        (&["table", "swiglu", "--a", "1", "--b", "2"], "not both"),
        (&["table", "swiglu", "--b", "1,2"], "one number in a table"),
        (&["eval", "relu", "1", "--b", "2"], "--param b=VALUE"),
        (
            &["eval", "--formula", "x", "1", "--a", "2"],
            "--formula reads formulas of one input",
        ),
        // Only --a and --b after a formula: the same advice, not clap's missing argument.
        (
            &[
                "eval",
                "--formula",
                "a * sigmoid(b)",
                "--a",
                "1",
                "--b",
                "2",
            ],
            "--formula reads formulas of one input",
        ),
        (
            &["eval", "--formula", "x * sigmoid(x)"],
            "no inputs: give numbers, e.g. act-cli eval --formula",
        ),
        (
            &["show", "swiglu", "--param", "beta=2"],
            "swiglu has no parameters",
        ),
    ];
    for (args, expected) in cases {
        let err = usage_error(args);
        assert!(err.starts_with("error:"), "{args:?}: {err}");
        assert!(
            err.replace('\n', " ").contains(expected),
            "{args:?}: expected '{expected}' in\n{err}"
        );
    }
    for command in ["compare", "plot"] {
        let err = usage_error(&[command, "relu", "--b", "1"]);
        assert!(
            err.contains("--b is an input of gated activations"),
            "{err}"
        );
        let err = usage_error(&[command, "geglu", "--a", "1", "--b", "2"]);
        assert!(err.contains("not both"), "{err}");
    }
    let err = usage_error(&["eval", "swigl", "1"]);
    assert!(err.contains("did you mean 'swiglu'?"), "{err}");
}

#[test]
fn show_in_csv_and_markdown_and_eval_with_precision() {
    use act_core::prelude::*;
    let csv = stdout(&["show", "reglu", "--format", "csv"]);
    for (field, value) in [
        ("\"f(a, b)\"", ReGlu::FORMULA),
        ("df/da", ReGlu::PARTIALS[0]),
        ("df/db", ReGlu::PARTIALS[1]),
    ] {
        assert!(
            csv.lines()
                .any(|l| l.starts_with(field) && l.contains(value)),
            "{field}:\n{csv}"
        );
    }
    assert!(
        csv.contains("usage,\"act-cli eval reglu -2 0 2 --b 1.5"),
        "{csv}"
    );
    let md = stdout(&["show", "glu", "--format", "markdown"]);
    assert!(
        md.starts_with("| field | value |\n| --- | --- |\n| name | glu |"),
        "{md}"
    );
    // --precision rounds the text table only: 4 significant digits of swiglu(1, 1) = silu(1).
    let out = stdout(&["eval", "swiglu", "1", "--b", "1", "--precision", "4"]);
    let row: Vec<&str> = out.lines().nth(2).unwrap().split_whitespace().collect();
    assert_eq!(row[..3], ["1", "1", "0.7311"], "{out}");
}

/// `compare` and `plot` take a gated activation as a curve of one input, the other held:
/// SwiGLU with b = 1 is Swish (an independent code path: the one-input built-in).
#[test]
fn compare_and_plot_hold_one_input() {
    let v: serde_json::Value = serde_json::from_str(&stdout(&[
        "compare",
        "swish",
        "swiglu",
        "--b",
        "1",
        "--format",
        "json",
        "--at",
        "-3,-0.5,0,2,30",
    ]))
    .unwrap();
    let acts = v["activations"].as_array().unwrap();
    assert_eq!(acts[1]["activation"], "swiglu(a, b=1)");
    for key in ["values", "derivatives"] {
        let s = acts[0][key].as_array().unwrap();
        let g = acts[1][key].as_array().unwrap();
        assert_eq!(s.len(), 5);
        for (s, g) in s.iter().zip(g) {
            let (s, g) = (s.as_f64().unwrap(), g.as_f64().unwrap());
            assert!(
                (s - g).abs() <= 4.0 * f64::EPSILON * s.abs(),
                "{key}: {s} vs {g}"
            );
        }
    }
    // a held instead: glu(a = 2, b) = 2 sigmoid(b), its derivative df/db = 2 sigmoid'(b).
    let out = stdout(&["compare", "glu", "--a", "2", "--at", "0", "--format", "csv"]);
    assert_eq!(out.lines().nth(1), Some("\"glu(a=2, b)\",0,1,0.5"), "{out}");
    let plot = stdout(&[
        "plot",
        "swiglu",
        "reglu",
        "--b",
        "2",
        "--derivative",
        "--height",
        "8",
    ]);
    for legend in ["swiglu(a, b=2)", "swiglu(a, b=2)'", "reglu(a, b=2)"] {
        assert!(plot.contains(legend), "{legend}:\n{plot}");
    }
}

#[test]
fn compare_heads_the_input_column_with_the_input_that_varies() {
    let first_cell = |args: &[&str]| -> String {
        let out = stdout(args);
        // The value table follows the properties table and a blank line.
        let table = out.split("\n\n").nth(1).unwrap_or_default().to_string();
        table
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(first_cell(&["compare", "swiglu", "geglu"]), "a");
    assert_eq!(first_cell(&["compare", "swiglu", "geglu", "--a", "2"]), "b");
    // A one-input activation beside a gated one: the common input is x.
    assert_eq!(first_cell(&["compare", "swiglu", "relu"]), "x");
}

#[test]
fn infinite_inputs_give_the_library_limits_and_say_so() {
    use act_core::{Gated, GeGlu, Glu, ReGlu, SwiGlu};
    fn library<G: Gated>(g: G, a: f64, b: f64) -> (f64, f64, f64) {
        let (da, db) = g.partials(a, b);
        (g.forward(a, b), da, db)
    }
    // The CLI prints what act-core computes: 0 where the straight product is inf * 0.
    let inf = f64::INFINITY;
    let pairs = [
        (inf, 0.0),
        (-inf, 0.0),
        (inf, -inf),
        (1.0, inf),
        (0.0, -inf),
    ];
    let (a, b): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
    type Eval<'a> = &'a dyn Fn(f64, f64) -> (f64, f64, f64);
    let acts: [(&str, Eval); 4] = [
        ("swiglu", &|a, b| library(SwiGlu, a, b)),
        ("geglu", &|a, b| library(GeGlu, a, b)),
        ("reglu", &|a, b| library(ReGlu, a, b)),
        ("glu", &|a, b| library(Glu, a, b)),
    ];
    for (name, eval) in acts {
        let rows = eval_csv(name, &a, &b);
        for (row, &(x, y)) in rows.iter().zip(&pairs) {
            let (v, da, db) = eval(x, y);
            let same = |p: f64, q: f64| p == q || (p.is_nan() && q.is_nan());
            assert!(
                same(row[2], v) && same(row[3], da) && same(row[4], db),
                "{name}({x}, {y}): cli {row:?}, library ({v}, {da}, {db})"
            );
        }
    }
    assert_eq!(SwiGlu.forward(inf, 0.0), 0.0);
    // The text output says which convention gives those numbers.
    let s = stdout(&["eval", "swiglu", "inf", "--b", "0"]);
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("At an infinite input each value is the limit along that input"),
        "{s}"
    );
    assert!(s.lines().all(|l| l.chars().count() <= 80), "{s}");
    let s = stdout(&["eval", "swiglu", "1", "--b", "0"]);
    assert!(!s.contains("infinite"), "{s}");
}

#[test]
fn eval_gives_finite_partials_where_a_times_b_overflows() {
    use act_core::{Gated, GeGlu, SwiGlu};
    // ∂f/∂a = b silu'(a) (b gelu'(a)): b itself at a >= 1e10, where `a * b * sigmoid'(a)` was
    // `∞ · 0` (the CLI printed NaN); at a = -30 a finite number of act-core's.
    let (a, b) = ([1e308, 1e10, 1e10, -30.0], [1e308, 1e300, -1e300, 1e307]);
    for (name, da_at) in [
        ("swiglu", SwiGlu.partials(-30.0, 1e307).0),
        ("geglu", GeGlu.partials(-30.0, 1e307).0),
    ] {
        let rows = eval_csv(name, &a, &b);
        let da: Vec<f64> = rows.iter().map(|r| r[3]).collect();
        assert_eq!(da, [1e308, 1e300, -1e300, da_at], "{name}");
        assert!(da_at.is_finite() && da_at < 0.0, "{name}: {da_at:e}");
    }
    let s = stdout(&["eval", "swiglu", "1e308", "--b", "1e308"]);
    assert!(!s.contains("NaN"), "{s}");
}
