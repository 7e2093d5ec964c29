//! The task guide, as data: which activation to use where, with the loss, the weight
//! initialisation, the alternatives and the pitfalls.
//!
//! The first seven tasks follow the classic article's advice (hidden layers of an MLP or CNN:
//! ReLU; of an RNN: tanh and/or sigmoid; when unsure, start with ReLU; outputs: one sigmoid
//! node for binary classification, softmax with one node per class for multiclass, one sigmoid
//! per class for multilabel, linear for regression). The others go beyond it. Activation names
//! are the CLI's names (`relu`, `leaky-relu`, `gelu-tanh`, ...).
//!
//! ```
//! use act_core::guide::{self, Layer};
//!
//! let t = guide::task("binary_classification").unwrap();
//! assert_eq!(t.name, "binary-classification");
//! assert_eq!(t.layer, Layer::Output);
//! assert_eq!(t.placements[0].activation, "sigmoid");
//! assert!(t.loss.name.contains("logits"));
//!
//! assert_eq!(guide::task("MLP").unwrap().placements[0].activation, "relu");
//! assert_eq!(guide::suggest("regresion"), Some("regression"));
//! assert!(guide::tasks().len() >= 14);
//! ```

mod frameworks;
mod tasks;

use core::fmt;

pub use frameworks::framework_defaults;

/// Where an activation sits in a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Between the input and the output layer.
    Hidden,
    /// The last layer, whose values are the network's prediction.
    Output,
}

impl Layer {
    /// `"hidden"` or `"output"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Layer::Hidden => "hidden",
            Layer::Output => "output",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One activation of a recommendation and where it goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    /// The activation's CLI name, e.g. `"leaky-relu"`.
    pub activation: &'static str,
    /// Hidden or output layer.
    pub layer: Layer,
    /// Where exactly, e.g. `"after every convolution"`.
    pub position: &'static str,
    /// How many units use it, e.g. `"1"` or `"one per class"`.
    pub units: &'static str,
}

/// The loss to pair with a recommendation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loss {
    /// Short name, e.g. `"binary cross-entropy on logits"`.
    pub name: &'static str,
    /// How to spell it in the common frameworks, and why this form.
    pub detail: &'static str,
}

/// A gain of PyTorch's `torch.nn.init.calculate_gain`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gain {
    /// The `nonlinearity` argument, e.g. `"leaky_relu"`.
    pub nonlinearity: &'static str,
    /// The `param` argument (the negative slope for `"leaky_relu"`), if any.
    pub param: Option<f64>,
    /// The gain as a formula, e.g. `"sqrt(2)"`.
    pub expression: &'static str,
    /// The gain's value.
    pub value: f64,
}

/// How to initialise the weights feeding the recommended activations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Init {
    /// The scheme, e.g. `"He (Kaiming) normal"`.
    pub scheme: &'static str,
    /// How to call it and why it suits the activation.
    pub detail: &'static str,
    /// The relevant `calculate_gain` figures (may be empty).
    pub gains: &'static [Gain],
}

/// Another activation worth trying, and when.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Alternative {
    /// The activation's CLI name.
    pub activation: &'static str,
    /// When it is the better choice.
    pub when: &'static str,
}

/// One task of the guide: what to use, where, and how to train it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Task {
    /// Kebab-case name, e.g. `"binary-classification"`.
    pub name: &'static str,
    /// Other names [`task`] accepts, e.g. `"binary"`.
    pub aliases: &'static [&'static str],
    /// Human title, e.g. `"Binary classification"`.
    pub title: &'static str,
    /// The layer the task is about.
    pub layer: Layer,
    /// True for the tasks the classic article covers, false for those beyond it.
    pub from_article: bool,
    /// One-line answer, e.g. `"One sigmoid unit on the output"`.
    pub summary: &'static str,
    /// The recommended activations and where they go (the first is the main one).
    pub placements: &'static [Placement],
    /// Why these activations.
    pub why: &'static str,
    /// The loss to pair with.
    pub loss: Loss,
    /// The weight initialisation.
    pub init: Init,
    /// Other activations and when to prefer them.
    pub alternatives: &'static [Alternative],
    /// Common mistakes.
    pub pitfalls: &'static [&'static str],
}

impl Task {
    /// Every activation name the task mentions (placements, then alternatives), without
    /// repeats.
    pub fn activation_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        let all = self.placements.iter().map(|p| p.activation);
        for name in all.chain(self.alternatives.iter().map(|a| a.activation)) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

/// A default that differs between this crate and PyTorch, JAX or Keras.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameworkDefault {
    /// The activation's CLI name.
    pub activation: &'static str,
    /// What differs, e.g. `"negative slope"`.
    pub topic: &'static str,
    /// This crate's default.
    pub ours: &'static str,
    /// PyTorch's.
    pub pytorch: &'static str,
    /// JAX's.
    pub jax: &'static str,
    /// Keras's.
    pub keras: &'static str,
}

/// Every task of the guide, output-layer tasks of the article first.
pub fn tasks() -> &'static [Task] {
    tasks::TASKS
}

/// Looks a task up by name or alias; case-insensitive, `_` and spaces count as `-`.
///
/// ```
/// let t = act_core::guide::task("Lstm_Gates").unwrap();
/// assert_eq!(t.name, "lstm-gates");
/// assert!(act_core::guide::task("lstm").is_some());
/// assert!(act_core::guide::task("nope").is_none());
/// ```
pub fn task(name: &str) -> Option<&'static Task> {
    let key = crate::names::normalise(name);
    tasks()
        .iter()
        .find(|t| t.name == key || t.aliases.iter().any(|a| *a == key))
}

/// The task name closest to a misspelt one (edit distance over names and aliases), if any is
/// close enough to be a plausible typo. Returns the task's canonical name.
///
/// ```
/// assert_eq!(act_core::guide::suggest("trasnformer"), Some("transformer"));
/// assert_eq!(act_core::guide::suggest("zzzzzzzz"), None);
/// ```
pub fn suggest(name: &str) -> Option<&'static str> {
    crate::names::closest(
        name,
        tasks()
            .iter()
            .flat_map(|t| crate::names::spellings(t.name, t.aliases)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESIGN_TASKS: [&str; 14] = [
        "binary-classification",
        "multiclass-classification",
        "multilabel-classification",
        "regression",
        "mlp",
        "cnn",
        "rnn",
        "transformer",
        "self-normalizing",
        "lstm-gates",
        "positive-regression",
        "bounded-regression",
        "gan-generator",
        "mobile-cnn",
    ];

    /// The CLI's names: the registry's canonical names (one-input and gated).
    fn is_cli_name(n: &str) -> bool {
        crate::registry::all().iter().any(|e| e.name == n)
            || crate::registry::gated().iter().any(|e| e.name == n)
    }

    #[test]
    fn every_design_task_is_present_and_complete() {
        for name in DESIGN_TASKS {
            let t = task(name).unwrap_or_else(|| panic!("task {name} missing"));
            assert_eq!(t.name, name);
            for (field, text) in [
                ("title", t.title),
                ("summary", t.summary),
                ("why", t.why),
                ("loss.name", t.loss.name),
                ("loss.detail", t.loss.detail),
                ("init.scheme", t.init.scheme),
                ("init.detail", t.init.detail),
            ] {
                assert!(!text.trim().is_empty(), "{name}: empty {field}");
            }
            assert!(!t.placements.is_empty(), "{name}: no placement");
            assert!(!t.alternatives.is_empty(), "{name}: no alternative");
            assert!(!t.pitfalls.is_empty(), "{name}: no pitfall");
            for p in t.placements {
                assert!(
                    !p.position.is_empty() && !p.units.is_empty(),
                    "{name}: {p:?}"
                );
            }
            for a in t.alternatives {
                assert!(!a.when.is_empty(), "{name}: {a:?}");
            }
            assert!(
                t.pitfalls.iter().all(|p| !p.is_empty()),
                "{name}: empty pitfall"
            );
        }
        assert_eq!(tasks().len(), DESIGN_TASKS.len());
    }

    #[test]
    fn names_are_unique_kebab_case() {
        let mut seen: Vec<&str> = Vec::new();
        for t in tasks() {
            for n in core::iter::once(&t.name).chain(t.aliases.iter()) {
                assert_eq!(crate::names::normalise(n), *n, "{n} is not normalised");
                assert!(!seen.contains(n), "{n} used twice");
                seen.push(n);
            }
        }
    }

    #[test]
    fn activation_names_are_cli_names() {
        for t in tasks() {
            for n in t.activation_names() {
                assert!(is_cli_name(n), "{}: unknown activation {n}", t.name);
            }
        }
        for d in framework_defaults() {
            assert!(is_cli_name(d.activation), "{}", d.activation);
        }
    }

    #[test]
    fn article_advice() {
        let main = |n: &str| task(n).unwrap().placements[0];
        assert_eq!(main("mlp").activation, "relu");
        assert_eq!(main("cnn").activation, "relu");
        assert_eq!(main("binary-classification").activation, "sigmoid");
        assert_eq!(main("binary-classification").units, "1");
        assert_eq!(main("multiclass-classification").activation, "softmax");
        assert_eq!(main("multilabel-classification").activation, "sigmoid");
        assert_eq!(main("regression").activation, "linear");
        let rnn = task("rnn").unwrap().activation_names();
        assert!(rnn.contains(&"tanh") && rnn.contains(&"sigmoid"));
        assert_eq!(main("self-normalizing").activation, "selu");
        for name in DESIGN_TASKS.iter().take(7) {
            assert!(task(name).unwrap().from_article, "{name}");
        }
        for name in DESIGN_TASKS.iter().skip(7) {
            assert!(!task(name).unwrap().from_article, "{name}");
        }
        for name in &DESIGN_TASKS[..4] {
            assert_eq!(task(name).unwrap().layer, Layer::Output, "{name}");
        }
        for name in &DESIGN_TASKS[4..7] {
            assert_eq!(task(name).unwrap().layer, Layer::Hidden, "{name}");
        }
    }

    #[test]
    fn gains_match_pytorch() {
        let expected = |g: &Gain| match (g.nonlinearity, g.param) {
            ("relu", None) => 2f64.sqrt(),
            ("tanh", None) => 5.0 / 3.0,
            ("selu", None) => 0.75,
            ("sigmoid" | "linear" | "conv2d", None) => 1.0,
            // PyTorch's default param for leaky_relu is 0.01.
            ("leaky_relu", slope) => {
                let s = slope.unwrap_or(0.01);
                (2.0 / (1.0 + s * s)).sqrt()
            }
            other => panic!("unexpected nonlinearity {other:?}"),
        };
        let mut count = 0;
        for t in tasks() {
            for g in t.init.gains {
                let want = expected(g);
                assert!(
                    (g.value - want).abs() < 1e-12,
                    "{}: {g:?} vs {want}",
                    t.name
                );
                count += 1;
            }
        }
        assert!(count >= 10);
        assert!(tasks().iter().filter(|t| !t.init.gains.is_empty()).count() >= 10);
    }

    #[test]
    fn init_matches_family() {
        assert!(task("mlp").unwrap().init.scheme.contains("He"));
        assert!(task("cnn").unwrap().init.scheme.contains("He"));
        assert!(task("rnn").unwrap().init.scheme.contains("Glorot"));
        let snn = task("self-normalizing").unwrap();
        assert!(snn.init.scheme.contains("LeCun normal"));
        assert!(
            snn.init.detail.contains("AlphaDropout")
                || snn.pitfalls.iter().any(|p| p.contains("AlphaDropout"))
        );
    }

    #[test]
    fn logits_losses() {
        for n in ["binary-classification", "multilabel-classification"] {
            assert!(
                task(n).unwrap().loss.detail.contains("BCEWithLogitsLoss"),
                "{n}"
            );
        }
        assert!(
            task("multiclass-classification")
                .unwrap()
                .loss
                .name
                .contains("logits")
        );
    }

    #[test]
    fn lookups_and_aliases() {
        assert_eq!(
            task("Binary_Classification").unwrap().name,
            "binary-classification"
        );
        assert_eq!(
            task("  multiclass classification ").unwrap().name,
            "multiclass-classification"
        );
        assert_eq!(task("binary").unwrap().name, "binary-classification");
        assert_eq!(task("SNN").unwrap().name, "self-normalizing");
        assert_eq!(task("self_normalising").unwrap().name, "self-normalizing");
        assert_eq!(task("gan").unwrap().name, "gan-generator");
        assert_eq!(task("mobilenet").unwrap().name, "mobile-cnn");
        assert!(task("").is_none());
        assert!(task("relu").is_none());
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("regresion"), Some("regression"));
        assert_eq!(suggest("rrn"), Some("rnn"));
        assert_eq!(
            suggest("Binary-Clasification"),
            Some("binary-classification")
        );
        assert_eq!(suggest("lstm_gate"), Some("lstm-gates"));
        assert_eq!(suggest("mobilnet"), Some("mobile-cnn"));
        assert_eq!(suggest("quantum-chemistry"), None);
    }

    #[test]
    fn framework_defaults_cover_leaky_and_gelu() {
        let leaky = framework_defaults()
            .iter()
            .find(|d| d.activation == "leaky-relu")
            .unwrap();
        assert!(leaky.ours.contains("0.1") && leaky.pytorch.contains("0.01"));
        assert!(
            leaky.jax.contains("0.01")
                && leaky.keras.contains("0.3")
                && leaky.keras.contains("0.2")
        );
        let gelu = framework_defaults()
            .iter()
            .find(|d| d.activation == "gelu")
            .unwrap();
        assert!(gelu.jax.contains("tanh"));
        assert!(
            framework_defaults()
                .iter()
                .all(|d| !d.topic.is_empty() && !d.ours.is_empty())
        );
    }
}
