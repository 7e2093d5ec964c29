//! Messages for mistakes found in a user trial: each says what is wrong and where, at 80
//! columns, and no mistaken input is silently changed.

mod common;
use common::*;

/// The column of the first `^` in the caret line, and the formula line above it, both without
/// the two-space indent.
fn caret(err: &str) -> (String, usize) {
    let lines: Vec<&str> = err.lines().collect();
    let at = lines.iter().rposition(|l| l.contains('^')).expect(err);
    let col = lines[at].find('^').unwrap() - 2;
    (lines[at - 1][2..].to_string(), col)
}

/// The message with its wrapped lines joined, for looking up phrases.
fn flat(err: &str) -> String {
    err.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn formula_error(formula: &str) -> String {
    let err = usage_error(&["eval", "--formula", formula, "1"]);
    for line in err.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line}");
    }
    err
}

#[test]
fn a_missing_operand_before_star_is_named_not_blamed_on_a_power() {
    let err = formula_error("x + * 2");
    assert!(
        !flat(&err).contains("**") && !flat(&err).contains("power"),
        "{err}"
    );
    assert!(
        flat(&err).contains("an operand is missing before this `*`"),
        "{err}"
    );
    assert_eq!(caret(&err), ("x + * 2".to_string(), 4));
}

#[test]
fn a_formula_cut_short_has_its_caret_at_the_end() {
    for f in ["x +", "2 *", "exp(x) +", "x + "] {
        let err = formula_error(f);
        assert!(flat(&err).contains("unexpected end of input"), "{err}");
        assert_eq!(caret(&err).1, f.trim_end().len(), "{f}: {err}");
    }
}

#[test]
fn a_trailing_comma_is_not_the_one_argument_reduction() {
    let err = formula_error("max(x,)");
    assert!(
        flat(&err).contains("a `,` with no argument after it"),
        "{err}"
    );
    assert!(flat(&err).contains("`max(a, b)`"), "{err}");
    assert_eq!(caret(&err), ("max(x,)".to_string(), 5));
    assert!(flat(&formula_error("min(x,)")).contains("`min(a, b)`"));
    // Without the comma, `max(x)` is the whole vector's maximum: x - max(x) at (1, 3) is
    // (-2, 0).
    let out = stdout(&[
        "eval",
        "--formula",
        "x - max(x)",
        "1",
        "3",
        "--format",
        "csv",
    ]);
    assert!(out.contains("\n1,-2,") && out.contains("\n3,0,"), "{out}");
}

#[test]
fn sum_and_mean_are_not_told_to_take_two_arguments() {
    // The macro's wording (engine) for an elementwise formula is covered in act-expr; here
    // the CLI reads a formula with a reduction as a vector formula and reports its real mistake.
    let err = formula_error("sum(x) + foo");
    assert!(!flat(&err).contains("two arguments"), "{err}");
    assert!(flat(&err).contains("cannot find `foo`"), "{err}");
    assert_eq!(caret(&err).1, 9);
}

#[test]
fn clamp_with_bounds_the_wrong_way_round_is_refused() {
    let err = formula_error("clamp(x, 1, -1)");
    assert!(flat(&err).contains("lo = 1 is above hi = -1"), "{err}");
    assert!(flat(&err).contains("`clamp(a, -1, 1)`"), "{err}");
    // Equal bounds are a constant, and allowed.
    let out = stdout(&[
        "eval",
        "--formula",
        "clamp(x, 2, 2)",
        "-5",
        "--format",
        "csv",
    ]);
    assert!(out.contains("\n-5,2,0"), "{out}");
}

#[test]
fn an_overflowing_parameter_says_parameters_must_be_finite() {
    let err = usage_error(&[
        "eval",
        "--formula",
        "alpha * x",
        "--param",
        "alpha=1e309",
        "1",
    ]);
    assert!(flat(&err).contains("'1e309' overflows an f64"), "{err}");
    assert!(flat(&err).contains("parameters must be finite"), "{err}");
    assert!(!flat(&err).contains("write inf"), "{err}");
}

#[test]
fn an_empty_input_item_is_an_error_naming_its_place() {
    let err = usage_error(&["eval", "relu", "1,,2"]);
    assert!(
        flat(&err).contains("two commas with nothing between, after number 1 (1)"),
        "{err}"
    );
    assert!(flat(&err).contains("remove the extra comma"), "{err}");
    let err = usage_error(&["eval", "relu", "-1,,2"]);
    assert!(flat(&err).contains("after number 1 (-1)"), "{err}");
    assert!(
        flat(&usage_error(&["eval", "relu", "1,2,"])).contains("a comma after the last number")
    );
    assert!(
        flat(&usage_error(&["eval", "relu", ",1"])).contains("a comma before the first number")
    );
    // A comma at the end of one argument, before the next, separates two numbers.
    let out = stdout(&["eval", "relu", "-1,", "2", "--format", "csv"]);
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[test]
fn a_number_below_the_smallest_f64_is_refused_as_one_above_the_largest_is() {
    for x in ["1e-400", "-1e-400"] {
        let err = usage_error(&["eval", "relu", x]);
        assert!(flat(&err).contains("below the smallest number"), "{err}");
    }
    assert!(flat(&usage_error(&["eval", "relu", "1e400"])).contains("beyond the largest number"));
    // Zero written any way, and subnormals, are numbers.
    let out = stdout(&["eval", "relu", "0e-5", "1e-320", "--format", "csv"]);
    assert!(
        out.contains("\n0,0,") && out.contains("\n1e-320,1e-320,1"),
        "{out}"
    );
    let help = stdout(&["eval", "--help"]);
    assert!(help.contains("1e-400"), "{help}");
}

#[test]
fn huge_grid_ends_are_printed_with_an_exponent() {
    let err = usage_error(&["table", "relu", "--from", "1e308", "--to", "inf"]);
    assert!(flat(&err).contains("got 1e308 and inf"), "{err}");
    let err = usage_error(&["table", "relu", "--from", "1e308", "--to", "1e307"]);
    assert!(flat(&err).contains("--from (1e308)"), "{err}");
    assert!(err.lines().all(|l| l.chars().count() <= 80), "{err}");
}

#[test]
fn list_says_its_ranges_are_rounded_outward() {
    let out = stdout(&["list"]);
    // gelu's minimum (about -0.17) is attained, but printed rounded and so open.
    let gelu = out.lines().find(|l| l.starts_with(" gelu ")).unwrap();
    assert!(gelu.contains("(-0.17"), "{gelu}");
    assert!(
        flat(&out)
            .contains("Ranges are rounded outward to 4 digits: a rounded bound prints open even"),
        "{out}"
    );
}
