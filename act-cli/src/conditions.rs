//! What to say when `--param` values break an activation's `where` conditions: the condition
//! broken and the values (short: `1e15`, not `1000000000000000`), why the value is refused
//! where act-core says so (`act_core::registry::refusal`), every condition of the activation
//! (simple bounds as an interval, `b in [1e-30, 1e14]`) and values that meet them all (the
//! defaults).

use act_core::ParamError;

use crate::number::fmt_number;

/// The message for `err`, raised while setting the parameters of the activation the CLI calls
/// `name`, whose declaration has `conditions` and `defaults`. A broken condition takes three
/// lines (the first is wrapped by the caller; the other two are short); other errors are
/// act-core's own words, after `name: `.
pub fn explain(
    name: &str,
    err: &ParamError,
    conditions: &[&str],
    defaults: &[(String, f64)],
) -> String {
    let ParamError::Invalid { condition, params } = err else {
        return format!("{name}: {err}");
    };
    let values: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k} = {}", fmt_number(*v)))
        .collect();
    let mut s = format!(
        "{name}: parameters must satisfy {condition}, got {}",
        values.join(", ")
    );
    if let Some(why) = act_core::registry::refusal(name, condition, params) {
        s.push_str("; ");
        s.push_str(why);
    }
    s.push_str(&format!(
        "\n  {name} takes {}",
        describe(conditions).join(", ")
    ));
    if !defaults.is_empty() {
        let example: Vec<String> = defaults
            .iter()
            .map(|(k, v)| format!("--param {k}={}", fmt_number(*v)))
            .collect();
        // "it" for one condition, "them" for several (`describe` may merge two bounds on one
        // parameter into one interval, still one thing to meet).
        let described = describe(conditions).len();
        let which = match (defaults.len() == 1, described == 1) {
            (true, true) => "the default meets it",
            (true, false) => "the default meets them",
            (false, true) => "the defaults meet it",
            (false, false) => "the defaults meet them",
        };
        let line = format!("  {which}: {}", example.join(" "));
        // Kept within 80 columns (the caller wraps only the first line): SELU's two defaults
        // with 17 digits each take 87 on one line.
        if line.chars().count() <= 80 {
            s.push_str(&format!("\n{line}"));
        } else {
            s.push_str(&format!("\n  {which}:\n    {}", example.join(" ")));
        }
    }
    s
}

/// One condition read as `lhs op rhs`.
fn split(condition: &str) -> Option<(&str, &str, &str)> {
    // Two-character operators first, so that `>=` is not read as `>`.
    for op in [">=", "<=", "!=", "==", ">", "<"] {
        if let Some((l, r)) = condition.split_once(op) {
            return Some((l.trim(), op, r.trim()));
        }
    }
    None
}

/// The conditions in words: a lower and an upper bound on one parameter as one interval
/// (`b >= 1e-30, b <= 1e14` is `b in [1e-30, 1e14]`), the others as declared.
fn describe(conditions: &[&str]) -> Vec<String> {
    type Bound = Option<(f64, bool)>; // value, closed
    let mut bounds: Vec<(String, Bound, Bound)> = Vec::new();
    let mut other: Vec<(usize, String)> = Vec::new();
    let mut order: Vec<(usize, String)> = Vec::new();
    for (i, c) in conditions.iter().enumerate() {
        let bound = split(c).and_then(|(l, op, r)| {
            let v: f64 = r.parse().ok()?;
            let ident = !l.is_empty() && l.chars().all(|ch| ch.is_alphanumeric() || ch == '_');
            ident.then_some((l, op, v))
        });
        match bound {
            Some((p, op @ (">=" | ">" | "<=" | "<"), v)) => {
                let at = match bounds.iter().position(|(name, _, _)| name == p) {
                    Some(at) => at,
                    None => {
                        bounds.push((p.to_string(), None, None));
                        order.push((i, p.to_string()));
                        bounds.len() - 1
                    }
                };
                let closed = op.len() == 2;
                if op.starts_with('>') {
                    bounds[at].1 = Some((v, closed));
                } else {
                    bounds[at].2 = Some((v, closed));
                }
            }
            _ => other.push((i, c.to_string())),
        }
    }
    let mut out: Vec<(usize, String)> = other;
    for (i, p) in order {
        let (_, lo, hi) = bounds
            .iter()
            .find(|(name, _, _)| *name == p)
            .expect("recorded");
        let text = match (lo, hi) {
            (Some((lo, lc)), Some((hi, hc))) => format!(
                "{p} in {}{}, {}{}",
                if *lc { '[' } else { '(' },
                fmt_number(*lo),
                fmt_number(*hi),
                if *hc { ']' } else { ')' }
            ),
            (Some((lo, lc)), None) => {
                format!("{p} {} {}", if *lc { ">=" } else { ">" }, fmt_number(*lo))
            }
            (None, Some((hi, hc))) => {
                format!("{p} {} {}", if *hc { "<=" } else { "<" }, fmt_number(*hi))
            }
            (None, None) => continue,
        };
        out.push((i, text));
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_default_examples_go_on_their_own_line() {
        let err = ParamError::Invalid {
            condition: "scale * alpha < inf",
            params: vec![("alpha", 1e300), ("scale", 1e300)],
        };
        let defaults = [
            ("alpha".to_string(), 1.6732632423543772),
            ("scale".to_string(), 1.0507009873554805),
        ];
        let conditions = ["scale * alpha < inf", "scale * alpha > -inf"];
        let text = explain("selu", &err, &conditions, &defaults);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "  the defaults meet them:");
        // One condition met by two defaults: "it".
        let one = explain("selu", &err, &conditions[..1], &defaults);
        assert_eq!(one.lines().nth(2), Some("  the defaults meet it:"));
        assert_eq!(
            lines[3],
            "    --param alpha=1.6732632423543772 --param scale=1.0507009873554805"
        );
        assert!(lines[1..].iter().all(|l| l.chars().count() <= 80), "{text}");
    }

    #[test]
    fn bounds_on_one_parameter_read_as_an_interval() {
        assert_eq!(
            describe(&["b >= 1e-30", "b <= 1e14"]),
            ["b in [1e-30, 1e14]"]
        );
        assert_eq!(describe(&["b > 0", "b < 1"]), ["b in (0, 1)"]);
        assert_eq!(describe(&["beta > 0"]), ["beta > 0"]);
        assert_eq!(describe(&["alpha != 0"]), ["alpha != 0"]);
        assert_eq!(
            describe(&["lo < hi", "lo >= -10", "hi <= 10"]),
            ["lo < hi", "lo >= -10", "hi <= 10"]
        );
    }

    #[test]
    fn a_broken_condition_gets_the_interval_a_hint_and_the_defaults() {
        let err = ParamError::Invalid {
            condition: "b <= 1e14",
            params: vec![("b", 1e15)],
        };
        let defaults = [("b".to_string(), 4.0)];
        let s = explain("squareplus", &err, &["b >= 1e-30", "b <= 1e14"], &defaults);
        let lines: Vec<&str> = s.lines().collect();
        assert!(
            lines[0].starts_with("squareplus: parameters must satisfy b <= 1e14, got b = 1e15; "),
            "{s}"
        );
        assert_eq!(lines[1], "  squareplus takes b in [1e-30, 1e14]");
        assert_eq!(lines[2], "  the default meets it: --param b=4");
        // Other errors: act-core's words.
        let err = ParamError::NotFinite {
            name: "b",
            value: f64::NAN,
        };
        assert_eq!(
            explain("squareplus", &err, &[], &defaults),
            "squareplus: parameter 'b' must be finite, got NaN"
        );
    }
}
