//! `--formula`: any formula in the macro's language, parsed, differentiated and evaluated at
//! run time by act-expr.

use crate::error::usage;
use crate::source::Curve;

/// Parses `text` with the `--param`s as the formula's parameters.
pub fn parse(text: &str, params: &[(String, f64)]) -> anyhow::Result<Box<dyn Curve>> {
    // TODO(wire): act_expr::Formula::parse_with_params once it lands.
    let _ = params;
    Err(usage(caret_message(
        text,
        "--formula is not available yet (act-expr's run-time API has not landed)",
        0..0,
    )))
}

/// `error in formula: MESSAGE`, then the formula, then a caret line under `span` (byte
/// offsets into `text`). Tabs and newlines in the formula are shown as spaces so the caret
/// lines up.
pub fn caret_message(text: &str, message: &str, span: core::ops::Range<usize>) -> String {
    let shown: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let clamp = |i: usize| {
        let mut i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (clamp(span.start), clamp(span.end.max(span.start)));
    let pad = text[..start].chars().count();
    let width = text[start..end].chars().count().max(1);
    format!(
        "error in formula: {message}\n  {shown}\n  {}{}",
        " ".repeat(pad),
        "^".repeat(width)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_span() {
        let m = caret_message("x * tanhh(x)", "unknown function 'tanhh'", 4..9);
        assert_eq!(
            m,
            "error in formula: unknown function 'tanhh'\n  x * tanhh(x)\n      ^^^^^"
        );
    }

    #[test]
    fn caret_at_end_and_out_of_range() {
        let m = caret_message("x +", "expected an expression", 3..3);
        assert!(m.ends_with("\n  x +\n     ^"), "{m}");
        let m = caret_message("σ(x)", "unknown", 0..100);
        assert!(m.ends_with("\n  σ(x)\n  ^^^^"), "{m}");
        let m = caret_message("σ(x)", "unknown", 1..1);
        assert!(m.ends_with("\n  ^"), "{m}");
    }
}
