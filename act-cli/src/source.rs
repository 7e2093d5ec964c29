//! Where an activation comes from: a built-in (act-core) or a `--formula` (act-expr). The
//! commands see both through [`Curve`].

use act_core::{DynActivation, ParamError, Properties, Range};

use crate::catalog::{self, Entry};
use crate::error::{did_you_mean, usage};
use crate::formula;

/// What the commands need from an activation, whichever way it was given.
pub trait Curve {
    /// How the user named it: the CLI name, or the formula as typed.
    fn label(&self) -> String;
    /// The label with the parameters that differ from their defaults, `celu(alpha=3)` (the
    /// label alone at the defaults): for legends, titles and column headers, where `--param`
    /// would otherwise leave no trace.
    fn display_label(&self) -> String {
        let changed: Vec<String> = changed_params(self)
            .iter()
            .map(|(k, v, _)| format!("{k}={}", crate::number::fmt_number(*v)))
            .collect();
        if changed.is_empty() {
            self.label()
        } else {
            format!("{}({})", self.label(), changed.join(", "))
        }
    }
    /// The Rust type in act-core (`"LeakyRelu"`), for built-ins.
    fn type_name(&self) -> Option<&'static str>;
    /// One-sentence description, for built-ins.
    fn summary(&self) -> Option<&'static str>;
    /// The formula, pretty-printed.
    fn formula(&self) -> String;
    /// The derivative, simplified.
    fn derivative_formula(&self) -> String;
    /// The range at the current parameters, where known (for a vector formula, only where its
    /// shape proves one: softmax's (0, 1], log-softmax's (-∞, 0]).
    fn range(&self) -> Option<Range>;
    /// Shape properties, where known.
    fn properties(&self) -> Option<Properties>;
    /// Where `formula()` and `derivative_formula()` are the textbook forms of a built-in
    /// declared with `textbook(x)`: the formula and the derivative its code computes.
    fn implementation(&self) -> Option<(String, String)> {
        None
    }
    /// Tails where the computed value or derivative is wrong (an intermediate overflows or
    /// cancels; `act_expr::hazard`), for `f64` and `f32`: `None` where not examined
    /// (built-ins, whose declarations `activation!` examined at compile time at the defaults
    /// and documents in the type's docs; vector and gated activations).
    fn hazards(&self) -> Option<Vec<act_expr::hazard::Hazard>> {
        None
    }
    /// The inputs where the derivative jumps, where known (plots break their lines there).
    fn kinks(&self) -> Vec<f64> {
        self.properties()
            .map_or_else(Vec::new, |p| p.kinks.to_vec())
    }
    /// The name of the input that varies along the curve: `x`, or `a`/`b` for a gated
    /// activation with the other input held.
    fn variable(&self) -> &'static str {
        "x"
    }
    /// Parameters with their current values.
    fn params(&self) -> Vec<(String, f64)>;
    /// Parameters with their defaults.
    fn defaults(&self) -> Vec<(String, f64)>;
    /// The declaration's `where` conditions on the parameters, as written.
    fn conditions(&self) -> &'static [&'static str] {
        &[]
    }
    /// Sets a parameter.
    fn set_param(&mut self, name: &str, value: f64) -> Result<(), ParamError>;
    /// Sets several parameters, checking the activation's conditions on the result.
    fn set_params(&mut self, values: &[(&str, f64)]) -> Result<(), ParamError> {
        values
            .iter()
            .try_for_each(|&(name, value)| self.set_param(name, value))
    }
    /// True for softmax-like activations (outputs depend on the whole input).
    fn is_vector(&self) -> bool;
    /// Values and derivatives (Jacobian diagonal for vector activations) over `x`.
    fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]);
}

/// The parameters of `c` whose values differ from their defaults: name, value, default.
pub fn changed_params<C: Curve + ?Sized>(c: &C) -> Vec<(String, f64, f64)> {
    let defaults = c.defaults();
    c.params()
        .into_iter()
        .filter_map(|(k, v)| {
            let d = defaults.iter().find(|(name, _)| *name == k)?.1;
            (v.to_bits() != d.to_bits()).then_some((k, v, d))
        })
        .collect()
}

/// A built-in activation from act-core.
#[derive(Debug)]
pub struct Builtin {
    name: &'static str,
    act: Box<dyn DynActivation>,
}

impl Builtin {
    /// A fresh instance of `entry` at its defaults.
    pub fn new(entry: &Entry) -> Self {
        Builtin {
            name: entry.name,
            act: (entry.make)(),
        }
    }
}

impl Curve for Builtin {
    fn label(&self) -> String {
        self.name.to_string()
    }
    fn type_name(&self) -> Option<&'static str> {
        Some(self.act.name())
    }
    fn summary(&self) -> Option<&'static str> {
        Some(self.act.summary()).filter(|s| !s.is_empty())
    }
    fn formula(&self) -> String {
        self.act.formula().to_string()
    }
    fn derivative_formula(&self) -> String {
        self.act.derivative_formula().to_string()
    }
    fn implementation(&self) -> Option<(String, String)> {
        self.act
            .implementation()
            .map(|(f, df)| (f.to_string(), df.to_string()))
    }
    fn range(&self) -> Option<Range> {
        Some(self.act.range())
    }
    fn properties(&self) -> Option<Properties> {
        Some(self.act.properties())
    }
    fn params(&self) -> Vec<(String, f64)> {
        self.act
            .params()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }
    fn defaults(&self) -> Vec<(String, f64)> {
        self.act
            .param_info()
            .iter()
            .map(|p| (p.name.to_string(), p.default))
            .collect()
    }
    fn conditions(&self) -> &'static [&'static str] {
        self.act.conditions()
    }
    fn set_param(&mut self, name: &str, value: f64) -> Result<(), ParamError> {
        self.act.set_param(name, value)
    }
    fn set_params(&mut self, values: &[(&str, f64)]) -> Result<(), ParamError> {
        self.act.set_params(values)
    }
    fn is_vector(&self) -> bool {
        self.act.is_vector()
    }
    fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]) {
        self.act.table(x, value, derivative)
    }
}

/// Looks up a built-in by name; an unknown name gets the closest names and how to declare an
/// activation of one's own.
pub fn builtin(entries: &[Entry], name: &str) -> anyhow::Result<Box<dyn Curve>> {
    match catalog::lookup(entries, name) {
        Some(e) => Ok(Box::new(Builtin::new(e))),
        None if crate::gated::GatedSource::lookup(name).is_some() => {
            let g = crate::gated::GatedSource::lookup(name).map_or("", |g| g.name);
            Err(usage(format!(
                "{g} is a gated activation with two inputs (a, b); this command takes \
                 activations of one input. Its values and both partials: act-cli table {g} \
                 --b 1, or act-cli eval {g} -2 0 2 --b 1.5"
            )))
        }
        None => {
            let mut close = catalog::close_matches(entries, name, 4);
            close.extend(crate::gated::close_matches(name).into_iter().take(4));
            let mut message = format!(
                "unknown activation '{}'{}",
                name.trim(),
                did_you_mean(closest_of_all(entries, name))
            );
            if !close.is_empty() {
                message.push_str(&format!("\n  close matches: {}", close.join(", ")));
            }
            message.push_str(&format!(
                "\n  or declare your own with --formula, e.g.\n    {}\n  ('act-cli list' lists \
                 the built-ins)",
                DECLARE_EXAMPLE
            ));
            Err(usage(message))
        }
    }
}

/// The closest name to a misspelt one among the one-input built-ins and the gated ones.
fn closest_of_all(entries: &[Entry], name: &str) -> Option<&'static str> {
    act_core::registry::suggest_any(entries, name)
}

/// The example of `--formula` in the message for an unknown activation (a leaky ReLU with a
/// parameter). act-cli/tests/usage_lines.rs runs it.
pub const DECLARE_EXAMPLE: &str =
    "act-cli show --formula \"if x > 0 { x } else { a * x }\" --param a=0.25";

impl crate::cli::OneSource {
    /// The activation this NAME or `--formula` names, with the `--param`s applied.
    pub fn resolve(
        &self,
        entries: &[Entry],
        params: &crate::cli::ParamArgs,
    ) -> anyhow::Result<Box<dyn Curve>> {
        one(
            entries,
            self.name.as_deref(),
            self.formula.as_deref(),
            &params.params,
        )
    }
}

impl crate::cli::ManySources {
    /// The activations these NAMEs and `--formula`s name, with the `--param`s applied; a gated
    /// NAME is a curve of one input with the other held by `--a` or `--b` (`b = 1` unless
    /// given).
    pub fn resolve(
        &self,
        entries: &[Entry],
        params: &crate::cli::ParamArgs,
        gated: &crate::gated::GatedInputs,
    ) -> anyhow::Result<Vec<Box<dyn Curve>>> {
        let mut curves: Vec<Box<dyn Curve>> = Vec::new();
        let mut any_gated = false;
        for name in &self.names {
            match crate::gated::GatedSource::lookup(name) {
                Some(g) => {
                    any_gated = true;
                    let held = crate::gated::Held::from_inputs(g.name, gated)?;
                    curves.push(Box::new(crate::gated::HeldCurve::new(g, held)));
                }
                None => curves.push(builtin(entries, name)?),
            }
        }
        let builtin_count = curves.len();
        if !any_gated {
            // No gated activation among them: --a and --b do not apply.
            gated.refuse_for("each activation here")?;
        }
        for text in &self.formulas {
            curves.push(formula::parse(text, &params.params)?);
        }
        apply_params(&mut curves, builtin_count, &params.params)?;
        Ok(curves)
    }
}

/// A NAME or a `--formula`, with `--param`s applied.
pub fn one(
    entries: &[Entry],
    name: Option<&str>,
    formula_text: Option<&str>,
    params: &[(String, f64)],
) -> anyhow::Result<Box<dyn Curve>> {
    let mut curves = many(entries, name.into_iter(), formula_text.into_iter(), params)?;
    curves
        .pop()
        .ok_or_else(|| usage("give an activation NAME or --formula"))
}

/// Several NAMEs and `--formula`s, with each `--param` applied to every one that has it.
pub fn many<'a>(
    entries: &[Entry],
    names: impl Iterator<Item = &'a str>,
    formulas: impl Iterator<Item = &'a str>,
    params: &[(String, f64)],
) -> anyhow::Result<Vec<Box<dyn Curve>>> {
    let mut curves: Vec<Box<dyn Curve>> = Vec::new();
    for name in names {
        curves.push(builtin(entries, name)?);
    }
    let builtin_count = curves.len();
    for text in formulas {
        curves.push(formula::parse(text, params)?);
    }
    apply_params(&mut curves, builtin_count, params)?;
    Ok(curves)
}

/// Applies the `--param`s to the first `builtin_count` curves (formulas took theirs when
/// parsed), refusing repeated and unknown names.
fn apply_params(
    curves: &mut [Box<dyn Curve>],
    builtin_count: usize,
    params: &[(String, f64)],
) -> anyhow::Result<()> {
    for (i, (key, _)) in params.iter().enumerate() {
        if params[..i].iter().any(|(k, _)| k == key) {
            return Err(usage(format!(
                "--param {key} is given twice; give each parameter once"
            )));
        }
    }
    // Formulas take their parameters when parsed; built-ins get theirs here, all at once, so
    // that conditions between parameters (Hardtanh's min_val < max_val) see the final values.
    for c in curves.iter_mut().take(builtin_count) {
        let own: Vec<String> = c.defaults().into_iter().map(|(k, _)| k).collect();
        let mine: Vec<(&str, f64)> = params
            .iter()
            .filter(|(k, _)| own.contains(k))
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
        if !mine.is_empty() {
            c.set_params(&mine).map_err(|e| {
                usage(crate::conditions::explain(
                    &c.label(),
                    &e,
                    c.conditions(),
                    &c.defaults(),
                ))
            })?;
        }
    }
    for (key, _) in params {
        // A formula uses a parameter it names (the names in its text are its parameters).
        let named_in = |text: &str| {
            text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == key)
        };
        let used = curves[builtin_count..].iter().any(|c| named_in(&c.label()))
            || curves
                .iter()
                .take(builtin_count)
                .any(|c| c.defaults().iter().any(|(k, _)| k == key));
        let mut valid: Vec<String> = curves
            .iter()
            .take(builtin_count)
            .flat_map(|c| c.defaults().into_iter().map(|(k, _)| k))
            .collect();
        if !used {
            valid.sort();
            valid.dedup();
            let labels: Vec<String> = curves.iter().map(|c| c.label()).collect();
            let whose = labels.join(", ");
            return Err(usage(if curves.len() > builtin_count && valid.is_empty() {
                format!("unknown parameter '{key}': {whose} does not use it; drop --param {key}")
            } else if valid.is_empty() {
                format!("unknown parameter '{key}'; {whose} has no parameters")
            } else {
                format!(
                    "unknown parameter '{key}' for {whose}; valid parameters: {}",
                    valid.join(", ")
                )
            }));
        }
    }
    Ok(())
}
