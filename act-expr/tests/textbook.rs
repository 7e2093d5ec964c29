//! `textbook(x) = ...`: the formula as papers write it, printed as the activation's formula
//! and differentiated for its printed derivative, while `f` (an implementation of it) runs.

fn expand(text: &str) -> String {
    act_expr::expand_activation(text.parse().unwrap()).to_string()
}

#[test]
fn the_textbook_formula_is_printed_and_the_implementation_labelled() {
    let out = expand(
        "
        /// Squareplus, scaled where x^2 would overflow.
        pub struct Sp(b = 4.0);
        f(x) = if abs(x) > 1e15 { (x + abs(x)) / 2 } else { (x + sqrt(x * x + b)) / 2 };
        textbook(x) = (x + sqrt(x * x + b)) / 2;
        ",
    );
    assert!(
        out.contains(r#"const FORMULA : & 'static str = "(x + sqrt(powi(x, 2) + b)) / 2""#),
        "{out}"
    );
    assert!(
        out.contains(r#"const DERIVATIVE : & 'static str = "(1 + x / sqrt(powi(x, 2) + b)) / 2""#),
        "{out}"
    );
    assert!(out.contains("const IMPLEMENTATION"), "{out}");
    assert!(out.contains("if abs(x) > 1e15"), "{out}");
    // Without the clause: no IMPLEMENTATION, the formula as declared.
    let plain = expand("pub struct P; f(x) = x * sigmoid(x);");
    assert!(!plain.contains("const IMPLEMENTATION"), "{plain}");
}

#[test]
fn a_textbook_formula_that_is_not_the_formula_is_refused() {
    let out = expand(
        "
        pub struct Sp(b = 4.0);
        f(x) = (x + sqrt(x * x + b)) / 2;
        textbook(x) = (x + sqrt(x * x + 2 * b)) / 2;
        ",
    );
    assert!(out.contains("compile_error"), "{out}");
    assert!(
        out.contains("textbook(x) is not the formula f(x): at x = "),
        "{out}"
    );
    let twice = expand("pub struct T; f(x) = x; textbook(x) = x; textbook(x) = x;");
    assert!(twice.contains("`textbook(x)` is declared twice"), "{twice}");
    let gated = expand("pub gated struct G; f(a, b) = a * b; textbook(a, b) = a * b;");
    assert!(
        gated.contains("not supported in a gated activation"),
        "{gated}"
    );
}
