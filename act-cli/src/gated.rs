//! Gated activations (two inputs `a` and `b`, act-core's `Gated`): SwiGLU and its kin in
//! `list`, `show`, `eval` and `table`.
//!
//! A gated activation has two inputs, so its commands take both: `eval` pairs the numbers
//! given with `--a` and `--b` (one of them may come as the positional numbers), and `table`
//! runs one input over the grid and holds the other at the value given (`--b 1` unless told
//! otherwise). Every row carries both partials, `df/da` and `df/db`.

use act_core::registry::{self, GatedEntry};
use act_core::{DynGated, ParamError, Properties, Range};

use crate::error::usage;
use crate::number::{fmt_number, parse_numbers};

/// The gated built-ins, from act-core's registry.
pub fn entries() -> &'static [GatedEntry] {
    registry::gated()
}

/// Column names of a gated table: text header and csv/json keys.
pub const HEADER: [&str; 5] = ["a", "b", "value", "df/da", "df/db"];
/// The csv header and json keys (no `/` in a key).
pub const KEYS: [&str; 5] = ["a", "b", "value", "df_da", "df_db"];

/// A gated built-in with its parameters set.
#[derive(Debug)]
pub struct GatedSource {
    /// Canonical CLI name (`"swiglu"`).
    pub name: &'static str,
    /// Other accepted names.
    pub aliases: &'static [&'static str],
    /// The activation.
    pub act: Box<dyn DynGated>,
}

impl GatedSource {
    /// The gated built-in called `name`, if there is one.
    pub fn lookup(name: &str) -> Option<GatedSource> {
        registry::lookup_gated(name).map(GatedSource::new)
    }

    /// A fresh instance of `entry` at its defaults.
    pub fn new(entry: &GatedEntry) -> GatedSource {
        GatedSource {
            name: entry.name,
            aliases: entry.aliases,
            act: (entry.make)(),
        }
    }

    /// Applies `--param k=v`: every key must be a parameter of this activation; the values
    /// are set together, so that the declaration's conditions (`where lo < hi`) see the final
    /// values, and a broken one is reported as act-core words it.
    pub fn set_params(&mut self, params: &[(String, f64)]) -> anyhow::Result<()> {
        for (i, (key, _)) in params.iter().enumerate() {
            if params[..i].iter().any(|(k, _)| k == key) {
                return Err(usage(format!(
                    "--param {key} is given twice; give each parameter once"
                )));
            }
            if !self.act.param_info().iter().any(|p| p.name == key) {
                let valid: Vec<&str> = self.act.param_info().iter().map(|p| p.name).collect();
                return Err(usage(if valid.is_empty() {
                    format!("unknown parameter '{key}'; {} has no parameters", self.name)
                } else {
                    format!(
                        "unknown parameter '{key}' for {}; valid parameters: {}",
                        self.name,
                        valid.join(", ")
                    )
                }));
            }
        }
        let values: Vec<(&str, f64)> = params.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        self.act.set_params(&values).map_err(|e| {
            usage(crate::conditions::explain(
                self.name,
                &e,
                self.act.conditions(),
                &self.defaults(),
            ))
        })
    }

    /// Parameters with their defaults.
    pub fn defaults(&self) -> Vec<(String, f64)> {
        self.act
            .param_info()
            .iter()
            .map(|p| (p.name.to_string(), p.default))
            .collect()
    }

    /// Parameters with their current values.
    pub fn params(&self) -> Vec<(String, f64)> {
        self.act
            .params()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }

    /// `(f, df/da, df/db)` at each pair `(a[i], b[i])`.
    pub fn rows(&self, a: &[f64], b: &[f64]) -> Vec<[f64; 5]> {
        a.iter()
            .zip(b)
            .map(|(&a, &b)| {
                let (v, da, db) = self.act.eval(a, b);
                [a, b, v, da, db]
            })
            .collect()
    }
}

/// `--a` and `--b`: the inputs of a gated activation. Each takes every argument after it up to
/// the next option, so that `--b 1 2 3` is three values of b (as is `--b 1,2,3`), never
/// `b = 1` with `2 3` left over for a. Negative numbers need no `allow_hyphen_values`
/// (`main` hands clap every number as a value), which would take the next option as a value.
#[derive(Debug, Default, clap::Args)]
pub struct GatedInputs {
    /// Gated activations (swiglu, geglu, reglu, glu): the first input a, one number or a list
    /// (`--a 1,2,3` or `--a 1 2 3`: every number up to the next option); the positional
    /// numbers, if any, are then b.
    #[arg(long = "a", value_name = "A", num_args = 1..)]
    pub a: Option<Vec<String>>,
    /// Gated activations: the second input b, one number or a list (`--b 1,2,3` or
    /// `--b 1 2 3`: every number up to the next option); the positional numbers, if any, are
    /// then a.
    #[arg(long = "b", value_name = "B", num_args = 1..)]
    pub b: Option<Vec<String>>,
}

impl GatedInputs {
    /// True when `--a` or `--b` was given.
    pub fn given(&self) -> bool {
        self.a.is_some() || self.b.is_some()
    }

    /// `--a`'s arguments as one list, separated by spaces.
    fn a_text(&self) -> Option<String> {
        self.a.as_ref().map(|v| v.join(" "))
    }

    /// `--b`'s arguments as one list, separated by spaces.
    fn b_text(&self) -> Option<String> {
        self.b.as_ref().map(|v| v.join(" "))
    }

    /// The error for `--a`/`--b` given with `--formula`, which reads formulas of one input.
    pub fn refuse_for_formula(&self) -> anyhow::Result<()> {
        if !self.given() {
            return Ok(());
        }
        Err(usage(format!(
            "--formula reads formulas of one input x, so --a and --b do not apply; a gated \
             formula of two inputs is declared in Rust (activation! {{ pub gated struct Mine; \
             f(a, b) = a * sigmoid(b); }}); the gated built-ins here are {}",
            gated_names()
        )))
    }

    /// The error for `--a`/`--b` given to an activation with one input.
    pub fn refuse_for(&self, label: &str) -> anyhow::Result<()> {
        if !self.given() {
            return Ok(());
        }
        let option = if self.a.is_some() { "--a" } else { "--b" };
        let mut message = format!(
            "{option} is an input of gated activations ({}); {label} takes one input x",
            gated_names()
        );
        if option == "--b" {
            message.push_str(" (a parameter named b is set with --param b=VALUE)");
        }
        Err(usage(message))
    }
}

/// Gated names within a few edits of `name`, or containing it (`glu` finds all four),
/// closest first.
pub fn close_matches(name: &str) -> Vec<&'static str> {
    registry::close_gated(name, usize::MAX)
}

/// `glu, swiglu, geglu, reglu`.
pub fn gated_names() -> String {
    entries()
        .iter()
        .map(|e| e.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn numbers(option: &str, text: &str) -> anyhow::Result<Vec<f64>> {
    let v = parse_numbers(text).map_err(|e| {
        // `plot swiglu --b 1 geglu`: the name went to --b.
        let why = if e.contains("is not a number") {
            format!(" ({option} takes every argument after it up to the next option)")
        } else {
            String::new()
        };
        usage(format!("invalid {option}: {e}{why}"))
    })?;
    if v.is_empty() {
        return Err(usage(format!("{option} needs at least one number")));
    }
    Ok(v)
}

/// The pairs `(a[i], b[i])` for `eval`: `--a` and `--b` lists, the positional numbers standing
/// for whichever is missing; a single number is paired with every number of the other list.
pub fn eval_inputs(
    name: &str,
    inputs: &GatedInputs,
    positional: &[String],
) -> anyhow::Result<(Vec<f64>, Vec<f64>)> {
    // One list, as for `eval`: `1, 2` is two numbers, `1,,2` an error.
    let rest =
        parse_numbers(&positional.join(" ")).map_err(|e| usage(format!("invalid input: {e}")))?;
    let example = format!("e.g. act-cli eval {name} -2 0 2 --b 1");
    let (a, b) = match (&inputs.a_text(), &inputs.b_text()) {
        (None, None) => {
            return Err(usage(format!(
                "{name} takes two inputs, a and b: give b with --b (the numbers are then a), \
                 {example}"
            )));
        }
        (Some(a), Some(b)) => {
            if !rest.is_empty() {
                return Err(usage(format!(
                    "{name}: numbers given besides --a and --b; give the inputs either as --a \
                     and --b or as numbers with one of them, {example}"
                )));
            }
            (numbers("--a", a)?, numbers("--b", b)?)
        }
        (Some(a), None) => (numbers("--a", a)?, rest),
        (None, Some(b)) => (rest, numbers("--b", b)?),
    };
    if a.is_empty() || b.is_empty() {
        let (missing, given) = if a.is_empty() { ("a", "b") } else { ("b", "a") };
        return Err(usage(format!(
            "no values for {missing}: --{given} takes every number after it up to the next \
             option (--{given} 1,2,3 or --{given} 1 2 3); give {missing} as numbers after the \
             name, {example}"
        )));
    }
    match (a.len(), b.len()) {
        (n, m) if n == m => Ok((a, b)),
        (1, m) => Ok((vec![a[0]; m], b)),
        (n, 1) => Ok((a, vec![b[0]; n])),
        (n, m) => Err(usage(format!(
            "{n} values of a and {m} of b: give as many of each, or one value of either to pair \
             with all the others"
        ))),
    }
}

/// Which input `table` runs over the grid, and the value the other one holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Held {
    /// The grid is `a`, `b` holds this value.
    B(f64),
    /// The grid is `b`, `a` holds this value.
    A(f64),
}

impl Held {
    /// From `--a`/`--b`: at most one of them, one number; `b = 1` when neither is given.
    pub fn from_inputs(name: &str, inputs: &GatedInputs) -> anyhow::Result<Held> {
        let one = |option: &str, text: &str| -> anyhow::Result<f64> {
            match numbers(option, text)?[..] {
                [v] => Ok(v),
                _ => Err(usage(format!(
                    "{option} takes one number in a table (the other input runs over the grid); \
                     for a list of pairs use act-cli eval {name} --a A,... --b B,..."
                ))),
            }
        };
        match (&inputs.a_text(), &inputs.b_text()) {
            (None, None) => Ok(Held::B(1.0)),
            (None, Some(b)) => Ok(Held::B(one("--b", b)?)),
            (Some(a), None) => Ok(Held::A(one("--a", a)?)),
            (Some(_), Some(_)) => Err(usage(format!(
                "give --a or --b, not both: the table runs the other input over the grid \
                 (for given pairs use act-cli eval {name} --a A,... --b B,...)"
            ))),
        }
    }

    /// The pairs for grid inputs `grid`.
    pub fn pairs(self, grid: &[f64]) -> (Vec<f64>, Vec<f64>) {
        match self {
            Held::B(b) => (grid.to_vec(), vec![b; grid.len()]),
            Held::A(a) => (vec![a; grid.len()], grid.to_vec()),
        }
    }

    /// The line above a text table: which input runs and what the other holds.
    pub fn note(self, name: &str) -> String {
        match self {
            Held::B(b) => format!(
                "{name} with a over the grid and b = {} (set b with --b, or run b over the grid \
                 with --a A)",
                fmt_number(b)
            ),
            Held::A(a) => format!(
                "{name} with b over the grid and a = {} (set a with --a)",
                fmt_number(a)
            ),
        }
    }
}

/// A gated built-in with one input held, as a curve of the other (for `plot` and `compare`):
/// the value and the partial with respect to the input that varies.
#[derive(Debug)]
pub struct HeldCurve {
    source: GatedSource,
    held: Held,
}

impl HeldCurve {
    /// `source` with `held` fixed.
    pub fn new(source: GatedSource, held: Held) -> HeldCurve {
        HeldCurve { source, held }
    }
}

impl crate::source::Curve for HeldCurve {
    fn label(&self) -> String {
        match self.held {
            Held::B(b) => format!("{}(a, b={})", self.source.name, fmt_number(b)),
            Held::A(a) => format!("{}(a={}, b)", self.source.name, fmt_number(a)),
        }
    }
    fn display_label(&self) -> String {
        let changed: String = crate::source::changed_params(self)
            .iter()
            .map(|(k, v, _)| format!(", {k}={}", fmt_number(*v)))
            .collect();
        let label = self.label();
        match label.strip_suffix(')') {
            Some(head) if !changed.is_empty() => format!("{head}{changed})"),
            _ => label,
        }
    }
    fn variable(&self) -> &'static str {
        match self.held {
            Held::B(_) => "a",
            Held::A(_) => "b",
        }
    }
    fn type_name(&self) -> Option<&'static str> {
        Some(self.source.act.name())
    }
    fn summary(&self) -> Option<&'static str> {
        Some(self.source.act.summary()).filter(|s| !s.is_empty())
    }
    fn formula(&self) -> String {
        self.source.act.formula().to_string()
    }
    fn derivative_formula(&self) -> String {
        let [da, db] = self.source.act.partial_formulas();
        match self.held {
            Held::B(_) => da.to_string(),
            Held::A(_) => db.to_string(),
        }
    }
    fn range(&self) -> Option<Range> {
        None
    }
    fn properties(&self) -> Option<Properties> {
        None
    }
    fn params(&self) -> Vec<(String, f64)> {
        self.source.params()
    }
    fn defaults(&self) -> Vec<(String, f64)> {
        self.source.defaults()
    }
    fn conditions(&self) -> &'static [&'static str] {
        self.source.act.conditions()
    }
    fn set_param(&mut self, name: &str, value: f64) -> Result<(), ParamError> {
        self.source.act.set_param(name, value)
    }
    fn set_params(&mut self, values: &[(&str, f64)]) -> Result<(), ParamError> {
        self.source.act.set_params(values)
    }
    fn is_vector(&self) -> bool {
        false
    }
    fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]) {
        for (i, &x) in x.iter().enumerate() {
            let (v, da, db) = match self.held {
                Held::B(b) => self.source.act.eval(x, b),
                Held::A(a) => self.source.act.eval(a, x),
            };
            value[i] = v;
            derivative[i] = match self.held {
                Held::B(_) => da,
                Held::A(_) => db,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Curve;

    fn inputs(a: Option<&str>, b: Option<&str>) -> GatedInputs {
        GatedInputs {
            a: a.map(|a| vec![a.to_string()]),
            b: b.map(|b| vec![b.to_string()]),
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn eval_pairs_lists_and_broadcasts_one_value() {
        let r = eval_inputs("swiglu", &inputs(None, Some("2")), &strings(&["-1", "0,1"]));
        assert_eq!(r.unwrap(), (vec![-1.0, 0.0, 1.0], vec![2.0; 3]));
        let r = eval_inputs("swiglu", &inputs(Some("3"), None), &strings(&["-1", "4"]));
        assert_eq!(r.unwrap(), (vec![3.0; 2], vec![-1.0, 4.0]));
        let r = eval_inputs("swiglu", &inputs(Some("1,2"), Some("-3 -4")), &[]);
        assert_eq!(r.unwrap(), (vec![1.0, 2.0], vec![-3.0, -4.0]));
    }

    #[test]
    fn eval_refuses_missing_or_mismatched_inputs() {
        let msg = |r: anyhow::Result<(Vec<f64>, Vec<f64>)>| r.unwrap_err().to_string();
        assert!(msg(eval_inputs("glu", &inputs(None, None), &strings(&["1"]))).contains("--b"));
        assert!(
            msg(eval_inputs("glu", &inputs(Some("1,2"), Some("1,2,3")), &[]))
                .contains("2 values of a and 3 of b")
        );
        assert!(
            msg(eval_inputs(
                "glu",
                &inputs(Some("1"), Some("2")),
                &strings(&["3"])
            ))
            .contains("besides --a and --b")
        );
        assert!(msg(eval_inputs("glu", &inputs(None, Some("1")), &[])).contains("no values for a"));
        assert!(msg(eval_inputs("glu", &inputs(None, Some("x")), &[])).contains("invalid --b"));
        assert!(msg(eval_inputs("glu", &inputs(None, Some(" ")), &[])).contains("at least one"));
        assert!(
            msg(eval_inputs("glu", &inputs(None, Some(",")), &[]))
                .contains("a comma before the first number")
        );
        assert!(
            msg(eval_inputs(
                "glu",
                &inputs(None, Some("1")),
                &strings(&["1,,2"])
            ))
            .contains("two commas with nothing between")
        );
    }

    #[test]
    fn misspelt_gated_names_get_a_suggestion() {
        assert_eq!(registry::suggest_gated("swigl"), Some("swiglu"));
        assert_eq!(registry::suggest_gated("GEGLU_"), Some("geglu"));
        assert_eq!(registry::suggest_gated("completely-different"), None);
        assert_eq!(close_matches("glu"), ["glu", "geglu", "reglu", "swiglu"]);
        assert!(close_matches("swish").is_empty());
    }

    #[test]
    fn table_holds_one_input() {
        assert_eq!(
            Held::from_inputs("glu", &inputs(None, None)).unwrap(),
            Held::B(1.0)
        );
        assert_eq!(
            Held::from_inputs("glu", &inputs(Some("-2"), None)).unwrap(),
            Held::A(-2.0)
        );
        assert!(Held::from_inputs("glu", &inputs(Some("1"), Some("2"))).is_err());
        assert!(Held::from_inputs("glu", &inputs(None, Some("1,2"))).is_err());
        assert_eq!(
            Held::A(3.0).pairs(&[1.0, 2.0]),
            (vec![3.0, 3.0], vec![1.0, 2.0])
        );
    }

    act_core::activation! {
        /// A gate with a condition between its parameters, as a user's crate declares one.
        pub gated struct ClampGate(lo = -1.0, hi = 1.0);
        f(a, b) = clamp(a, lo, hi) * b;
        where lo < hi;
    }

    fn clamp_gate() -> GatedSource {
        GatedSource {
            name: "clamp-gate",
            aliases: &[],
            act: Box::new(ClampGate::default()),
        }
    }

    fn params(v: &[(&str, f64)]) -> Vec<(String, f64)> {
        v.iter().map(|&(k, v)| (k.to_string(), v)).collect()
    }

    #[test]
    fn params_are_set_together_and_a_broken_condition_is_named() {
        let mut s = clamp_gate();
        // lo = 2 alone breaks lo < hi (hi is 1), with hi = 5 it does not.
        s.set_params(&params(&[("lo", 2.0), ("hi", 5.0)])).unwrap();
        assert_eq!(s.params(), params(&[("lo", 2.0), ("hi", 5.0)]));
        let err = clamp_gate()
            .set_params(&params(&[("lo", 3.0)]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "clamp-gate: parameters must satisfy lo < hi, got lo = 3, hi = 1\n  clamp-gate takes \
             lo < hi\n  the defaults meet it: --param lo=-1 --param hi=1"
        );
        let err = clamp_gate()
            .set_params(&params(&[("hi", f64::NAN)]))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "clamp-gate: parameter 'hi' must be finite, got NaN");
        // Through `plot`'s and `compare`'s curves too.
        let mut curve = HeldCurve::new(clamp_gate(), Held::B(1.0));
        assert!(curve.set_param("lo", 3.0).is_err());
        curve.set_params(&[("lo", 3.0), ("hi", 4.0)]).unwrap();
        assert_eq!(curve.params(), params(&[("lo", 3.0), ("hi", 4.0)]));
    }

    #[test]
    fn rows_hold_the_value_and_both_partials() {
        let s = GatedSource::lookup("ReGLU").unwrap();
        assert_eq!(s.name, "reglu");
        assert_eq!(
            s.rows(&[2.0, -1.0], &[3.0, 3.0]),
            [[2.0, 3.0, 6.0, 3.0, 2.0], [-1.0, 3.0, 0.0, 0.0, 0.0]]
        );
        let mut s = GatedSource::lookup("glu").unwrap();
        assert!(
            s.set_params(&[("alpha".into(), 1.0)])
                .unwrap_err()
                .to_string()
                .contains("glu has no parameters")
        );
    }
}
