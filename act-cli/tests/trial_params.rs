//! Findings of the eleventh session's user trial: gated inputs after `--a`/`--b`, messages for
//! parameters that break an activation's conditions, clap's own errors at 80 columns, `--param`
//! values shown in the output, and the Rust snippet of `show` going through the checked
//! constructor.

mod common;
use common::*;

/// The message with its wrapped lines joined, for looking up phrases.
fn flat(err: &str) -> String {
    err.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fits_80(text: &str) {
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80,
            "wider than 80 columns ({}): {line}\n{text}",
            line.chars().count()
        );
    }
}

// 1. `--b 1 2 3` is three values of b, not b = 1 and two more values of a.

#[test]
fn b_takes_every_number_up_to_the_next_option() {
    let err = usage_error(&["eval", "glu", "1", "2", "--b", "1", "2", "3"]);
    assert!(flat(&err).contains("2 values of a and 3 of b"), "{err}");
    // The list spellings give the same pairs.
    let spaced = stdout(&["eval", "glu", "1", "2", "3", "--b", "1", "2", "3"]);
    let commas = stdout(&["eval", "glu", "1", "2", "3", "--b", "1,2,3"]);
    assert_eq!(spaced, commas);
    let both = stdout(&["eval", "glu", "--a", "1", "2", "3", "--b", "1,2,3"]);
    assert_eq!(both, commas);
    // The values end at the next option.
    let out = stdout(&[
        "eval",
        "glu",
        "1",
        "2",
        "--b",
        "-1",
        "-2",
        "--precision",
        "3",
    ]);
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(out.contains(" 2  -2 "), "{out}");
}

#[test]
fn numbers_after_b_leave_a_without_values_and_the_message_says_why() {
    let err = usage_error(&["eval", "glu", "--b", "1", "2", "3"]);
    let f = flat(&err);
    assert!(f.contains("no values for a"), "{err}");
    assert!(f.contains("--b 1,2,3"), "{err}");
    fits_80(&err);
}

// 2. A parameter that breaks a condition: the conditions, the valid interval, a valid example.

#[test]
fn squareplus_b_zero_names_the_interval_and_relu() {
    let err = usage_error(&["show", "squareplus", "--param", "b=0"]);
    let f = flat(&err);
    assert!(f.contains("b >= 1e-30"), "{err}");
    assert!(f.contains("[1e-30, 1e14]"), "{err}");
    assert!(f.contains("b = 0 is ReLU: use relu"), "{err}");
    assert!(f.contains("--param b=4"), "{err}");
    fits_80(&err);
}

#[test]
fn squareplus_b_too_large_prints_short_numbers() {
    let err = usage_error(&["show", "squareplus", "--param", "b=1e15"]);
    assert!(!err.contains("1000000000000000"), "{err}");
    let f = flat(&err);
    assert!(f.contains("got b = 1e15"), "{err}");
    assert!(f.contains("[1e-30, 1e14]"), "{err}");
    fits_80(&err);
}

#[test]
fn hardtanh_equal_bounds_show_the_condition_and_the_defaults() {
    let err = usage_error(&[
        "show",
        "hardtanh",
        "--param",
        "min_val=1",
        "--param",
        "max_val=1",
    ]);
    let f = flat(&err);
    assert!(f.contains("min_val < max_val"), "{err}");
    assert!(f.contains("got min_val = 1, max_val = 1"), "{err}");
    assert!(f.contains("--param min_val=-1 --param max_val=1"), "{err}");
    fits_80(&err);
}

#[test]
fn celu_alpha_zero_says_nonzero_and_pytorch() {
    for cmd in ["show", "table", "plot"] {
        let err = usage_error(&[cmd, "celu", "--param", "alpha=0"]);
        let f = flat(&err);
        assert!(f.contains("alpha must be nonzero"), "{err}");
        assert!(f.contains("PyTorch"), "{err}");
        assert!(f.contains("--param alpha=1"), "{err}");
        fits_80(&err);
    }
}

// 3. clap's own errors fit in 80 columns.

#[test]
fn clap_errors_fit_80_columns() {
    let cases: [&[&str]; 6] = [
        &["show", "celu", "--param", "alpha=nan"],
        &["show", "celu", "--param", "alpha"],
        &["plot", "relu", "--ylim", "3,1"],
        &["table", "relu", "--precision", "0"],
        &["table", "relu", "--precision", "100"],
        &["show", "celu", "--param", "alpha=1e400"],
    ];
    for args in cases {
        let err = usage_error(args);
        assert!(err.starts_with("error: "), "{err}");
        fits_80(&err);
        // Wrapping keeps every word.
        assert!(
            flat(&err).contains("For more information, try '--help'."),
            "{err}"
        );
    }
    let err = usage_error(&["table", "relu", "--precision", "100"]);
    assert!(flat(&err).contains("1 to 17 significant digits"), "{err}");
}

// 4. `--param` values are shown where the activation is named.

#[test]
fn plot_legend_shows_non_default_params() {
    let out = stdout(&["plot", "celu", "elu", "--param", "alpha=3", "--height", "6"]);
    let legend = out.lines().last().unwrap();
    assert!(legend.contains("celu(alpha=3)"), "{out}");
    assert!(legend.contains("elu(alpha=3)"), "{out}");
    // Defaults are not repeated.
    let out = stdout(&["plot", "celu", "elu", "--height", "6"]);
    assert!(!out.contains("alpha"), "{out}");
}

#[test]
fn plot_file_title_and_legend_show_non_default_params() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.svg");
    let p = path.to_str().unwrap();
    stdout(&[
        "plot", "softmax", "gelu", "celu", "--param", "alpha=3", "--output", p,
    ]);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("softmax, gelu, celu(alpha=3)"), "title");
    // The title, and the legend's line of its own.
    assert!(svg.lines().any(|l| l.trim() == "celu(alpha=3)"), "legend");
}

#[test]
fn a_param_only_some_plotted_activations_take_is_applied_to_those_and_named() {
    let out = stdout(&[
        "plot", "softmax", "gelu", "celu", "--param", "alpha=3", "--height", "6",
    ]);
    let legend = out.lines().last().unwrap();
    assert!(legend.contains("o gelu "), "{out}");
    assert!(legend.contains("celu(alpha=3)"), "{out}");
    // A parameter none of them takes is refused, as for one activation.
    let err = usage_error(&["plot", "softmax", "gelu", "--param", "alpha=3"]);
    assert!(flat(&err).contains("unknown parameter 'alpha'"), "{err}");
    let err = usage_error(&["show", "relu", "--param", "alpha=2"]);
    assert!(flat(&err).contains("unknown parameter 'alpha'"), "{err}");
    // --help says so.
    let help = stdout(&["plot", "--help"]);
    assert!(
        flat(&help).contains("each activation takes the parameters it has"),
        "{help}"
    );
}

#[test]
fn table_and_eval_text_name_non_default_params() {
    let out = stdout(&[
        "table", "celu", "--param", "alpha=3", "--from", "-1", "--to", "1",
    ]);
    assert_eq!(
        out.lines().next().unwrap(),
        "celu with alpha = 3 (default 1)"
    );
    let out = stdout(&["eval", "celu", "-1", "--param", "alpha=3"]);
    assert_eq!(
        out.lines().next().unwrap(),
        "celu with alpha = 3 (default 1)"
    );
    // At the defaults the table starts with its header, as before.
    let out = stdout(&["table", "celu", "--from", "-1", "--to", "1"]);
    assert!(
        out.lines().next().unwrap().trim_start().starts_with('x'),
        "{out}"
    );
    // csv stays data only.
    let out = stdout(&["table", "celu", "--param", "alpha=3", "--format", "csv"]);
    assert!(out.starts_with("x,value,derivative\n"), "{out}");
}

#[test]
fn compare_columns_show_non_default_params() {
    let out = stdout(&["compare", "celu", "relu", "--param", "alpha=3"]);
    assert!(out.contains("celu(alpha=3)'"), "{out}");
    assert!(out.contains(" relu "), "{out}");
    fits_80(&out);
}

// 5. The Rust snippet goes through the constructor that checks the conditions.

#[test]
fn show_suggests_the_checked_constructor() {
    let out = stdout(&["show", "celu", "--param", "alpha=3"]);
    assert!(out.contains("let act = Celu::new(3.0);"), "{out}");
    assert!(!out.contains("Celu {"), "{out}");
    let out = stdout(&[
        "show",
        "hardtanh",
        "--param",
        "min_val=0",
        "--param",
        "max_val=6",
    ]);
    assert!(out.contains("let act = Hardtanh::new(0.0, 6.0);"), "{out}");
    // At the defaults: Default.
    let out = stdout(&["show", "celu"]);
    assert!(out.contains("let act = Celu::default();"), "{out}");
}
