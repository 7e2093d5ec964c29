//! Integration tests: run the binary.

use predicates::prelude::*;

mod common;
use common::*;

// ---- snapshots of the text outputs ----

#[test]
fn table_relu_default_is_minus_five_to_five() {
    insta::assert_snapshot!(stdout(&["table", "relu"]));
}

#[test]
fn show_leaky_relu_with_param() {
    insta::assert_snapshot!(stdout(&["show", "leaky-relu", "--param", "alpha=0.2"]));
}

#[test]
fn list_text() {
    insta::assert_snapshot!(stdout(&["list"]));
}

#[test]
fn recommend_list_and_task() {
    insta::assert_snapshot!("recommend_list", stdout(&["recommend"]));
    insta::assert_snapshot!(
        "recommend_binary",
        stdout(&["recommend", "binary-classification"])
    );
    insta::assert_snapshot!(
        "recommend_transformer",
        stdout(&["recommend", "transformer"])
    );
}

#[test]
fn compare_text() {
    insta::assert_snapshot!(stdout(&[
        "compare", "relu", "gelu", "swish", "--at", "-1,0,1"
    ]));
}

#[test]
fn terminal_plot() {
    insta::assert_snapshot!(stdout(&[
        "plot",
        "relu",
        "sigmoid",
        "--derivative",
        "--width",
        "50",
        "--height",
        "10"
    ]));
}

#[test]
fn show_formula_has_derivative_and_range() {
    let s = stdout(&["show", "--formula", "x * tanh(softplus(x))"]);
    assert!(
        s.contains("f'(x)") && s.contains("tanh(softplus(x))"),
        "{s}"
    );
    assert!(s.contains("range  [-0.30884"), "{s}");
}

/// An attained maximum at a smooth turn is the value there: it was printed one ULP above
/// (0.25000000000000006, 1.0000000000000002), rounding noise of the analysis's evaluation.
#[test]
fn show_formula_prints_the_attained_maximum_exactly() {
    let s = stdout(&["show", "--formula", "sigmoid(x) * (1 - sigmoid(x))"]);
    assert!(s.contains("range  (0, 0.25]\n"), "{s}");
    let s = stdout(&["show", "--formula", "1 - powi(tanh(x), 2)"]);
    assert!(s.contains("range  (0, 1]\n"), "{s}");
}

/// A vector formula's range where its shape proves one (it printed none), and none where not.
#[test]
fn show_vector_formula_prints_a_proven_range_only() {
    let s = flat(&stdout(&[
        "show",
        "--formula",
        "exp(x / 2) / sum(exp(x / 2))",
    ]));
    assert!(s.contains("range (0, 1]"), "{s}");
    let s = flat(&stdout(&["show", "--formula", "x - ln(sum(exp(x)))"]));
    assert!(s.contains("range (-∞, 0]"), "{s}");
    let s = flat(&stdout(&["show", "--formula", "ln(exp(x) / sum(exp(x)))"]));
    assert!(s.contains("range (-∞, 0]"), "{s}");
    let s = flat(&stdout(&[
        "show",
        "--formula",
        "sigmoid(x) / sum(sigmoid(x))",
    ]));
    assert!(s.contains("range (0, 1]"), "{s}");
    // Not proven: exp(x) / mean(exp(x)) is in (0, n), unbounded over the lengths.
    for f in ["x - mean(x)", "exp(x) / mean(exp(x))"] {
        let s = flat(&stdout(&["show", "--formula", f]));
        assert!(!s.contains("range"), "{s}");
    }
}

// ---- machine formats ----

#[test]
fn csv_header_and_full_precision() {
    let s = stdout(&[
        "table", "sigmoid", "--from", "-1", "--to", "40", "--step", "41", "--format", "csv",
    ]);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines[0], "x,value,derivative");
    assert_eq!(lines.len(), 3);
    let row: Vec<f64> = lines[1].split(',').map(|v| v.parse().unwrap()).collect();
    assert_eq!(row[0], -1.0);
    assert_eq!(row[1], 0.2689414213699951);
    let tail: Vec<f64> = lines[2].split(',').map(|v| v.parse().unwrap()).collect();
    assert_eq!(tail[0], 40.0);
    assert!(
        (tail[2] - 4.248354255291589e-18).abs() < 1e-30,
        "{}",
        lines[2]
    );
}

#[test]
fn json_table_shape() {
    let s = stdout(&[
        "table",
        "leaky-relu",
        "--param",
        "alpha=0.2",
        "--points",
        "3",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(v["activation"], "leaky-relu");
    assert_eq!(v["params"]["alpha"], 0.2);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["x"], -5.0);
    assert_eq!(rows[0]["value"], -1.0);
    assert_eq!(rows[0]["derivative"], 0.2);
    assert_eq!(rows[2]["value"], 5.0);
}

#[test]
fn markdown_table() {
    let s = stdout(&[
        "table", "relu", "--from", "-1", "--to", "1", "--format", "markdown",
    ]);
    assert_eq!(
        s,
        "| x | value | derivative |\n| ---: | ---: | ---: |\n| -1 | 0 | 0 |\n| 0 | 0 | 0 |\n| 1 | 1 | 1 |\n"
    );
}

#[test]
fn softmax_table_applies_to_whole_grid() {
    let s = stdout(&[
        "table", "softmax", "--from", "0", "--to", "2", "--format", "csv",
    ]);
    let vals: Vec<f64> = s
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(vals.len(), 3);
    assert!((vals.iter().sum::<f64>() - 1.0).abs() < 1e-15);
}

#[test]
fn eval_negative_numbers_and_aliases() {
    let s = stdout(&["eval", "relu", "-2", "3", "--format", "csv"]);
    assert_eq!(s, "x,value,derivative\n-2,0,0\n3,3,1\n");
    for alias in ["leaky_relu", "LEAKY-RELU", "silu", "identity", "logistic"] {
        stdout(&["eval", alias, "-1"]);
    }
    let s = stdout(&[
        "eval",
        "--formula",
        "max(0.2 * x, x)",
        "--format",
        "csv",
        "--",
        "-1",
    ]);
    assert_eq!(s, "x,value,derivative\n-1,-0.2,0.2\n");
}

#[test]
fn eval_softmax_is_a_vector() {
    let s = stdout(&["eval", "softmax", "1", "2", "3", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    let sum: f64 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-15);
}

#[test]
fn softmax_of_a_vector_holding_inf_says_why_it_is_nan() {
    let s = flat(&stdout(&["eval", "softmax", "1", "inf"]));
    assert!(
        s.contains("Every value is NaN: softmax takes no limit when the vector holds +inf"),
        "{s}"
    );
    assert!(s.contains("clamp the inputs first"), "{s}");
    // Not said where the output holds no NaN.
    let s = flat(&stdout(&["eval", "softmax", "1", "-inf"]));
    assert!(!s.contains("NaN"), "{s}");
    let s = flat(&stdout(&["eval", "softmin", "1", "inf"]));
    assert!(!s.contains("NaN"), "{s}");
    // Softmin's NaN comes from -inf, and the note says so.
    let s = flat(&stdout(&["eval", "softmin", "1", "-inf"]));
    assert!(
        s.contains("Every value is NaN: softmin takes no limit when the vector holds -inf"),
        "{s}"
    );
    let s = flat(&stdout(&["eval", "log-softmax", "inf", "-inf"]));
    assert!(s.contains("holds +inf (vector"), "{s}");
    // A formula whose output is NaN in part, and one where NaN came in: no infinity to blame.
    let s = flat(&stdout(&["eval", "--formula", "x - mean(x)", "inf", "1"]));
    assert!(
        s.contains("Some values are NaN: x - mean(x) takes no limit when the vector holds +inf"),
        "{s}"
    );
    let s = flat(&stdout(&["eval", "softmax", "nan", "inf"]));
    assert!(!s.contains("takes no limit"), "{s}");
    // A vector of one infinity only: that is the condition (one -inf beside finite entries
    // is harmless for softmax, every entry -inf is not).
    let s = flat(&stdout(&["eval", "softmax", "-inf", "-inf"]));
    assert!(s.contains("takes no limit when every entry is -inf"), "{s}");
    let s = flat(&stdout(&["eval", "softmin", "inf", "inf"]));
    assert!(s.contains("takes no limit when every entry is +inf"), "{s}");
    // Lines fit 80 columns.
    let s = stdout(&["eval", "softmin", "1", "-inf"]);
    assert!(s.lines().all(|l| l.chars().count() <= 80), "{s}");
}

#[test]
fn show_of_a_vector_activation_words_its_derivative_by_what_it_is() {
    // Built-ins print their full Jacobian: nothing is held fixed.
    for name in ["softmax", "softmin", "log-softmax"] {
        let s = flat(&stdout(&["show", name]));
        assert!(s.contains("f'(x) J_ij = ∂y_i/∂x_j = "), "{s}");
        assert!(!s.contains("held fixed"), "{s}");
    }
    // A vector formula's printed derivative is the partial with the reductions held fixed
    // (`x - mean(x)`: 1), while its tables give the Jacobian's diagonal (1 - 1/n).
    let s = flat(&stdout(&["show", "--formula", "x - mean(x)"]));
    assert!(
        s.contains("f'(x) 1 (the partial with sum, mean, max and min held fixed"),
        "{s}"
    );
    let s = flat(&stdout(&["eval", "--formula", "x - mean(x)", "1", "2"]));
    assert!(s.contains("1 -0.5 0.5 2 0.5 0.5"), "{s}");
}

#[test]
fn csv_and_json_give_the_grid_decimals_and_the_same_shortest_numbers() {
    let args = [
        "table", "relu", "--from", "-0.5", "--to", "0.5", "--step", "0.1",
    ];
    let csv = stdout(&[&args[..], &["--format", "csv"]].concat());
    let json = stdout(&[&args[..], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = json["rows"].as_array().unwrap();
    let xs: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(xs[2], "-0.3");
    assert_eq!(xs[8], "0.3");
    assert_eq!(rows.len(), xs.len());
    for (x, row) in xs.iter().zip(rows) {
        // Both read back as the same f64.
        assert_eq!(x.parse::<f64>().unwrap(), row["x"].as_f64().unwrap(), "{x}");
    }
}

#[test]
fn json_ranges_have_one_shape_in_every_command() {
    let show: serde_json::Value =
        serde_json::from_str(&stdout(&["show", "tanh", "--format", "json"])).unwrap();
    let compare: serde_json::Value =
        serde_json::from_str(&stdout(&["compare", "tanh", "relu", "--format", "json"])).unwrap();
    let list: serde_json::Value =
        serde_json::from_str(&stdout(&["list", "--format", "json"])).unwrap();
    let listed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "tanh")
        .unwrap();
    assert_eq!(compare["activations"][0]["range"], show["range"]);
    assert_eq!(listed["range"], show["range"]);
    assert_eq!(show["range"]["text"], "(-1, 1)");
    assert_eq!(compare["activations"][1]["range"]["min_attained"], true);
}

#[test]
fn compare_in_markdown_keeps_the_notes_of_text_output() {
    let args = ["compare", "mish", "softmax", "swiglu", "--formula", "x * x"];
    let text = flat(&stdout(&args));
    let md = stdout(&[&args[..], &["--format", "markdown"]].concat());
    for note in [
        "?: not known for a vector --formula or a gated activation",
        "Ranges are rounded outward to 6 digits: a rounded bound prints open even where it is \
         attained (`act-cli show NAME` gives it exactly).",
        "A vector activation (softmax) is applied to the --at inputs as one vector; the \
         derivative shown is the Jacobian's diagonal.",
    ] {
        assert!(text.contains(note), "{text}");
        // One paragraph each, between blank lines.
        assert!(md.contains(&format!("\n\n{note}\n\n")), "{md}");
    }
}

/// The words of `s` with single spaces: text wrapped at any width reads the same.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every JSON document writes numbers one way, serde_json's (`0.0`): the streamed tables
/// (`table`, `eval`) as the documents built whole (`show`, `compare`).
#[test]
fn json_numbers_are_written_alike_in_every_command() {
    let s = stdout(&[
        "table", "relu", "--from", "-1", "--to", "1", "--step", "1", "--format", "json",
    ]);
    assert!(
        s.contains(r#"{"x":-1.0,"value":0.0,"derivative":0.0}"#),
        "{s}"
    );
    let s = stdout(&["eval", "tanh", "0", "--format", "json"]);
    assert!(s.contains(r#""x":0.0"#), "{s}");
    let s = stdout(&["show", "relu", "--format", "json"]);
    assert!(s.contains(r#""derivative_at_zero": 0.0"#), "{s}");
}

#[test]
fn compare_and_recommend_json() {
    let s = stdout(&["compare", "relu", "tanh", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(v["activations"].as_array().unwrap().len(), 2);
    let s = stdout(&["recommend", "mlp", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(v["placements"][0]["activation"], "relu");
    assert!(v["init"]["scheme"].as_str().unwrap().contains("He"));
    let s = stdout(&["recommend", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert!(v.as_array().unwrap().len() >= 14);
    let s = stdout(&["list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert!(v.as_array().unwrap().iter().any(|e| e["name"] == "relu"));
}

#[test]
fn completions() {
    for shell in ["bash", "zsh", "fish"] {
        let s = stdout(&["completions", shell]);
        assert!(s.contains("act-cli") && s.contains("recommend"), "{shell}");
    }
}

#[test]
fn help_has_examples() {
    for cmd in SUBCOMMANDS {
        let s = stdout(&[cmd, "--help"]);
        assert!(s.contains("Examples:"), "{cmd}");
    }
}

// ---- files ----

#[test]
fn png_plot_is_a_real_png() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plot.png");
    act()
        .args([
            "plot",
            "relu",
            "sigmoid",
            "--derivative",
            "--width",
            "640",
            "--height",
            "400",
            "--output",
        ])
        .arg(&path)
        .assert()
        .success();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().unwrap();
    let (w, h) = (reader.info().width, reader.info().height);
    assert_eq!((w, h), (640, 400));
    let mut buf = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut buf).unwrap();
    // Text and lines drew something: many non-white pixels, and several distinct colours.
    let non_white = buf.chunks(3).filter(|p| p.iter().any(|&c| c < 200)).count();
    assert!(non_white > 2000, "{non_white}");
}

/// The trimmed text of every `<text>` element of an SVG document.
fn svg_texts<'a>(doc: &'a roxmltree::Document) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect()
}

#[test]
fn svg_plot_parses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plot.svg");
    act()
        .args(["plot", "tanh", "swish", "--derivative", "--output"])
        .arg(&path)
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("960"));
    assert_eq!(root.attribute("height"), Some("600"));
    let texts = svg_texts(&doc);
    for label in ["tanh", "swish", "tanh'", "swish'", "x"] {
        assert!(texts.contains(&label), "{label} missing from {texts:?}");
    }
    assert!(
        doc.descendants()
            .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("path"))
            .count()
            > 4
    );
}

// ---- errors: exit 2, one clear message ----

#[test]
fn misspelt_activation_suggests() {
    let e = usage_error(&["table", "rleu"]);
    assert!(
        e.starts_with("error: unknown activation 'rleu'; did you mean 'relu'?\n"),
        "{e}"
    );
    let e = usage_error(&["plot", "relu", "sigmod"]);
    assert!(e.contains("did you mean 'sigmoid'?"), "{e}");
}

#[test]
fn misspelt_task_suggests() {
    let e = usage_error(&["recommend", "regresion"]);
    assert!(
        e.starts_with("error: unknown task 'regresion'; did you mean 'regression'?"),
        "{e}"
    );
}

#[test]
fn bad_grids() {
    assert!(
        usage_error(&["table", "relu", "--step", "0"]).contains("--step must be greater than 0")
    );
    assert!(
        usage_error(&["table", "relu", "--step", "-1"]).contains("--step must be greater than 0")
    );
    assert!(
        usage_error(&["table", "relu", "--from", "3", "--to", "-3"])
            .contains("must not be greater")
    );
    assert!(
        usage_error(&["table", "relu", "--points", "0"]).contains("--points must be at least 1")
    );
    // One point cannot hold both ends of the default -5..5: the error says what to give.
    let e = usage_error(&["table", "relu", "--points", "1"]);
    assert!(flat(&e).contains("give --points 2 or more"), "{e}");
    assert!(e.lines().all(|l| l.chars().count() <= 80), "{e}");
    assert!(
        stdout(&["table", "relu", "--points", "1", "--from", "2", "--to", "2"]).contains(" 2 ")
    );
    assert!(
        usage_error(&["plot", "relu", "--from", "1", "--to", "1"])
            .contains("--from must be less than --to")
    );
}

#[test]
fn bad_numbers() {
    assert!(usage_error(&["eval", "relu", "abc"]).contains("'abc' is not a number"));
    assert!(usage_error(&["table", "relu", "--from", "x"]).contains("'x' is not a number"));
    assert!(usage_error(&["compare", "relu", "--at", "1,y"]).contains("'y' is not a number"));
    assert!(usage_error(&["table", "relu", "--points", "-3"]).contains("-3"));
}

#[test]
fn unknown_param_lists_valid_ones() {
    let e = usage_error(&["table", "elu", "--param", "beta=2"]);
    assert_eq!(
        e,
        "error: unknown parameter 'beta' for elu; valid parameters: alpha\n"
    );
    let e = usage_error(&["table", "relu", "--param", "alpha=2"]);
    assert!(e.contains("relu has no parameters"), "{e}");
    assert!(usage_error(&["table", "elu", "--param", "alpha"]).contains("K=V"));
}

#[test]
fn bad_formula_shows_a_caret() {
    let e = usage_error(&["table", "--formula", "x * tanhh(x)"]);
    let lines: Vec<&str> = e.lines().collect();
    assert!(lines[0].starts_with("error: invalid formula: "), "{e}");
    // The message may wrap; the formula and the caret under it end the message.
    let n = lines.len();
    assert_eq!(lines[n - 2], "  x * tanhh(x)", "{e}");
    assert_eq!(lines[n - 1], "      ^^^^^", "{e}");
}

#[test]
fn deeply_nested_formula_is_an_error_not_a_crash() {
    let deep = format!("{}x{}", "(".repeat(3000), ")".repeat(3000));
    let e = usage_error(&["eval", "--formula", &deep, "1"]);
    assert!(e.contains("nested too deeply"), "{e}");
    let huge = "x + ".repeat(20000) + "x";
    assert!(usage_error(&["eval", "--formula", &huge, "1"]).contains("too long"));
}

#[test]
fn bad_output_extension() {
    let e = usage_error(&["plot", "relu", "--output", "plot.jpg"]);
    assert!(e.contains(".svg or .png"), "{e}");
}

#[test]
fn clap_errors_exit_2() {
    act().args(["frobnicate"]).assert().code(2);
    act().args(["table"]).assert().code(2);
    act()
        .args(["table", "relu", "--format", "yaml"])
        .assert()
        .code(2);
    act()
        .args(["table", "relu", "--step", "1", "--points", "3"])
        .assert()
        .code(2);
    act()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage"));
}

#[test]
fn huge_csv_streams() {
    let out = act()
        .args(["table", "relu", "--points", "200000", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 200_001);
    assert_eq!(text.lines().last(), Some("5,5,1"));
}

#[test]
fn parameters_are_set_together_and_their_conditions_are_enforced() {
    // min_val = 2 alone would break min_val < max_val (max_val is 1 by default); with
    // max_val = 5 in the same command it is fine.
    let out = stdout(&[
        "table",
        "hardtanh",
        "--param",
        "min_val=2",
        "--param",
        "max_val=5",
        "--from",
        "0",
        "--to",
        "6",
        "--step",
        "2",
        "--format",
        "csv",
    ]);
    assert_eq!(out, "x,value,derivative\n0,2,0\n2,2,0\n4,4,1\n6,5,0\n");
    let err = usage_error(&["table", "hardtanh", "--param", "min_val=3"]);
    let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("parameters must satisfy min_val < max_val, got min_val = 3, max_val = 1"),
        "{err}"
    );
    // The metadata follows the parameters: ELU with alpha = -2 is not monotonic.
    let show = stdout(&["show", "elu", "--param", "alpha=-2", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["range"]["text"], "[0, ∞)", "{show}");
    assert_eq!(v["range"]["min_attained"], true, "{show}");
    assert_eq!(v["properties"]["monotonic"], false, "{show}");
}

/// The leading space act-cli gives negative numbers (so that clap takes them as values) never
/// shows in an error: every message quotes the argument as typed.
#[test]
fn errors_quote_negative_numbers_as_typed() {
    for (args, quoted) in [
        (&["table", "relu", "-3"][..], "'-3'"),
        (&["eval", "sigmoid", "-3", "--precision", "-3"], "'-3'"),
        (&["table", "relu", "--points", "-3"], "'-3'"),
        (&["plot", "relu", "--ylim", "-1"], "'-1'"),
        (&["eval", "relu", "-2", "--format", "-inf"], "'-inf'"),
        (&["show", "relu", "-.5"], "'-.5'"),
    ] {
        let err = usage_error(args);
        assert!(err.contains(quoted), "{args:?}: {err}");
        assert!(
            !err.contains("' -"),
            "{args:?}: inserted space shows: {err}"
        );
    }
    let err = usage_error(&["table", "relu", "--points", "-3"]);
    assert!(err.contains("whole number"), "{err}");
}

#[test]
fn a_param_that_no_formula_uses_is_refused() {
    let err = usage_error(&["show", "--formula", "x * atan(x)", "--param", "k=2"]);
    assert!(err.contains("does not use it; drop --param k"), "{err}");
    // A name inside a longer identifier is not a use: `kk` does not use `k`.
    let err = usage_error(&[
        "eval",
        "--formula",
        "x * kk",
        "--param",
        "kk=1",
        "--param",
        "k=2",
        "1",
    ]);
    assert!(err.contains("unknown parameter 'k'"), "{err}");
    // Used by name, it is taken.
    let out = stdout(&["eval", "--formula", "x * k", "--param", "k=2", "3"]);
    assert!(out.contains(" 6 "), "{out}");
}

#[test]
fn compare_names_the_vector_activations_it_applies_to_one_vector() {
    let out = stdout(&["compare", "relu", "--formula", "max(x)"]).replace('\n', " ");
    assert!(
        out.contains("A vector activation (max(x)) is applied"),
        "{out}"
    );
    let out = stdout(&["compare", "softmax", "log-softmax"]).replace('\n', " ");
    assert!(
        out.contains("Vector activations (softmax, log-softmax) are applied"),
        "{out}"
    );
}

#[test]
fn a_gated_plot_names_the_input_that_varies_on_its_axes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("glu.svg");
    act()
        .args(["plot", "glu", "--a", "1", "--derivative", "--output"])
        .arg(&path)
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let texts = svg_texts(&doc);
    for label in ["b", "f(b), df/db"] {
        assert!(texts.contains(&label), "{label} missing from {texts:?}");
    }
    assert!(!texts.contains(&"x"), "{texts:?}");
}

#[test]
fn an_act_isa_that_names_no_level_is_reported_not_ignored_silently() {
    let out = act()
        .env("ACT_ISA", "bogus")
        .args(["eval", "relu", "1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("ACT_ISA=\"bogus\" is not portable, avx2 or avx512: ignored"),
        "{err}"
    );
    let out = act()
        .env("ACT_ISA", "portable")
        .args(["eval", "relu", "1"])
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
