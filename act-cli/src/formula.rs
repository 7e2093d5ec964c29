//! `--formula`: any formula in the macro's language, parsed, differentiated and evaluated at
//! run time by act-expr.

use act_core::{ParamError, Properties, Range};
use act_expr::Formula;

use crate::error::usage;
use crate::source::Curve;

/// A formula given on the command line.
#[derive(Debug)]
pub struct FormulaCurve {
    text: String,
    formula: Formula,
    params: Vec<(String, f64)>,
}

/// Parses `text` with the `--param`s as the formula's parameters. An elementwise formula is
/// tried first; one that needs one-argument reductions (`sum(e)`, `max(x)`) is read as a
/// vector formula.
pub fn parse(text: &str, params: &[(String, f64)]) -> anyhow::Result<Box<dyn Curve>> {
    let named: Vec<(&str, f64)> = params.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    if let Some(at) = text.find("**") {
        let message = "`**` is not an operator in a formula: write `powi(x, 2)` for an integer \
                       power or `powf(x, y)` for a real one";
        return Err(usage(caret_message(text, message, at..at + 2)));
    }
    let formula = match Formula::parse_with_params(text, &named) {
        Ok(f) => f,
        Err(first) => match Formula::parse_vector(text, &named) {
            Ok(f) => f,
            Err(vector) => {
                // A formula with a one-argument reduction is a vector formula: its mistakes
                // are the vector reading's (the elementwise one stops at the reduction).
                let e = if first.message().contains("with one argument reduces over") {
                    vector
                } else {
                    first
                };
                let span = end_of_input(text, e.message(), e.span());
                let message = explain(text, e.message(), span.clone());
                return Err(usage(caret_message(text, &message, span)));
            }
        },
    };
    if let Some(u) = formula.undefined() {
        return Err(usage(caret_message(text, &u.to_string(), 0..text.len())));
    }
    Ok(Box::new(FormulaCurve {
        text: text.trim().to_string(),
        formula,
        params: params.to_vec(),
    }))
}

impl Curve for FormulaCurve {
    fn label(&self) -> String {
        self.text.clone()
    }
    fn type_name(&self) -> Option<&'static str> {
        None
    }
    fn summary(&self) -> Option<&'static str> {
        None
    }
    fn formula(&self) -> String {
        self.formula.to_string()
    }
    fn derivative_formula(&self) -> String {
        self.formula.derivative_text()
    }
    fn range(&self) -> Option<Range> {
        let r = if self.formula.is_vector() {
            // Only a range the formula's shape proves (softmax's): others are not computed.
            self.formula.vector_range()?
        } else {
            self.formula.range()
        };
        Some(Range::new(r.min, r.min_attained, r.max, r.max_attained))
    }
    fn properties(&self) -> Option<Properties> {
        if self.formula.is_vector() {
            // Not analysed: a vector formula's outputs are not a function of one input.
            return None;
        }
        // As `activation!` builds its `properties()` from the same analysis.
        let (r, s) = self.formula.analyse();
        Some(Properties {
            monotonic: s.monotonic,
            bounded_below: r.min.is_finite(),
            bounded_above: r.max.is_finite(),
            zero_centred: s.zero_centred,
            smooth: s.kinks.is_empty(),
            kinks: s.kinks.into(),
            value_at_zero: s.value_at_zero,
            derivative_at_zero: s.derivative_at_zero,
            saturating: act_core::Saturation {
                left: s.saturating_left,
                right: s.saturating_right,
            },
        })
    }
    fn hazards(&self) -> Option<Vec<act_expr::hazard::Hazard>> {
        (!self.formula.is_vector()).then(|| self.formula.hazards())
    }
    fn params(&self) -> Vec<(String, f64)> {
        self.params.clone()
    }
    fn defaults(&self) -> Vec<(String, f64)> {
        self.params.clone()
    }
    fn set_param(&mut self, name: &str, _value: f64) -> Result<(), ParamError> {
        // Parameters are bound when the formula is parsed.
        Err(ParamError::Unknown {
            name: name.to_string(),
            valid: Vec::new(),
        })
    }
    fn is_vector(&self) -> bool {
        self.formula.is_vector()
    }
    fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]) {
        if self.formula.is_vector() {
            self.formula.eval_vector(x, value);
            self.formula.eval_vector_derivative(x, derivative);
            return;
        }
        for i in 0..x.len() {
            value[i] = self.formula.eval(x[i]);
            derivative[i] = self.formula.eval_derivative(x[i]);
        }
    }
}

/// Where a mistake is: `span`, except that syn reports a formula cut short ("unexpected end
/// of input") at its start; the caret then goes just past its last character.
fn end_of_input(
    text: &str,
    message: &str,
    span: core::ops::Range<usize>,
) -> core::ops::Range<usize> {
    if message.starts_with("unexpected end of input") {
        let end = text.trim_end().len();
        return end..end;
    }
    span
}

/// act-expr's message, plus how to declare a parameter when the formula uses an unknown name.
fn explain(text: &str, message: &str, span: core::ops::Range<usize>) -> String {
    let name = text.get(span).unwrap_or("");
    let is_name = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !is_name || !message.starts_with("cannot find") {
        return message.to_string();
    }
    format!(
        "{message}. To make `{name}` a parameter, give its value: --param {name}=VALUE (e.g. \
         --param {name}=0.2)"
    )
}

/// `invalid formula: MESSAGE`, then the formula, then a caret line under `span` (byte
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
    // A long formula is shown as a window of SHOWN characters around the mistake, `…` marking
    // what is cut, so that the message fits a terminal.
    const SHOWN: usize = 72;
    let chars: Vec<char> = shown.chars().collect();
    if chars.len() <= SHOWN {
        return format!(
            "invalid formula: {message}\n  {shown}\n  {}{}",
            " ".repeat(pad),
            "^".repeat(width)
        );
    }
    let from = pad.saturating_sub(SHOWN / 3).min(chars.len() - SHOWN);
    let to = from + SHOWN;
    let (before, after) = (
        if from > 0 { "…" } else { "" },
        if to < chars.len() { "…" } else { "" },
    );
    let window: String = chars[from..to].iter().collect();
    let caret_at = pad - from + before.chars().count();
    let caret_width = width.min(to.saturating_sub(pad)).max(1);
    format!(
        "invalid formula: {message}\n  {before}{window}{after}\n  {}{}",
        " ".repeat(caret_at),
        "^".repeat(caret_width)
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
            "invalid formula: unknown function 'tanhh'\n  x * tanhh(x)\n      ^^^^^"
        );
    }

    #[test]
    fn a_long_formula_is_shown_around_the_mistake() {
        let text = format!("{} + tanhh(x) + {}", "x + ".repeat(500), "x + ".repeat(500));
        let at = text.find("tanhh").unwrap();
        let m = caret_message(&text, "unknown function 'tanhh'", at..at + 5);
        let lines: Vec<&str> = m.lines().collect();
        assert!(lines[1].chars().count() <= 80, "{}", lines[1]);
        assert!(
            lines[1].starts_with("  …") && lines[1].ends_with('…'),
            "{}",
            lines[1]
        );
        let col = lines[2].find('^').unwrap();
        let under: String = lines[1].chars().skip(col).take(5).collect();
        assert_eq!(under, "tanhh");
        // A span over the whole of a long formula is cut too.
        let m = caret_message(&text, "too long", 0..text.len());
        assert!(m.lines().all(|l| l.chars().count() <= 80), "{m}");
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

    #[test]
    fn evaluates_a_formula_and_its_derivative() {
        let c = parse("x * sigmoid(x)", &[]).unwrap();
        let (mut v, mut d) = ([0.0; 2], [0.0; 2]);
        c.table(&[0.0, 1.0], &mut v, &mut d);
        assert_eq!(v[0], 0.0);
        assert!((d[0] - 0.5).abs() < 1e-15);
        let s = 1.0 / (1.0 + (-1.0f64).exp());
        assert!((v[1] - s).abs() < 1e-15);
        assert!(!c.is_vector());
    }

    #[test]
    fn formula_params_are_bound_at_parse_time() {
        let c = parse("max(alpha * x, x)", &[("alpha".into(), 0.2)]).unwrap();
        let (mut v, mut d) = ([0.0], [0.0]);
        c.table(&[-1.0], &mut v, &mut d);
        assert_eq!((v[0], d[0]), (-0.2, 0.2));
        assert_eq!(c.params(), [("alpha".to_string(), 0.2)]);
    }

    #[test]
    fn unknown_names_say_how_to_declare_a_parameter() {
        let m = parse("if x >= 0 { x } else { a * x }", &[])
            .err()
            .unwrap()
            .to_string();
        assert!(m.contains("--param a=VALUE"), "{m}");
        let m = parse("x ** 2", &[]).err().unwrap().to_string();
        assert!(m.contains("powi(x, 2)") && m.ends_with("\n    ^^"), "{m}");
    }

    #[test]
    fn bad_formula_is_a_usage_error_with_a_caret() {
        let e = parse("x * tanhh(x)", &[]).err().unwrap();
        assert!(e.downcast_ref::<crate::error::UsageError>().is_some());
        let m = e.to_string();
        assert!(m.starts_with("invalid formula: "), "{m}");
        assert!(m.contains("\n  x * tanhh(x)\n") && m.contains('^'), "{m}");
    }
}
