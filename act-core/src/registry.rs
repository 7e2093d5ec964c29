//! Look-up of the built-in activations by name, for tools that choose one at run time.
//!
//! ```
//! use act_core::registry;
//! let entry = registry::lookup("Leaky_ReLU").unwrap();
//! assert_eq!(entry.name, "leaky-relu");
//! let mut act = (entry.make)();
//! act.set_param("alpha", 0.01).unwrap();
//! assert_eq!(act.params(), vec![("alpha", 0.01)]);
//! assert_eq!(registry::suggest("rleu"), Some("relu"));
//! ```

use crate::builtins::*;
use crate::names::{close_matches, closest, is_named, spellings};
use crate::{DynActivation, DynGated};

/// A built-in activation: its command-line name, aliases, and a constructor.
#[derive(Clone, Copy)]
pub struct Entry {
    /// Canonical lower-case name, e.g. `"leaky-relu"`.
    pub name: &'static str,
    /// Other accepted names (compared case-insensitively, `_` equal to `-`).
    pub aliases: &'static [&'static str],
    /// A new instance with the default parameters.
    pub make: fn() -> Box<dyn DynActivation>,
}

impl core::fmt::Debug for Entry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Entry")
            .field("name", &self.name)
            .field("aliases", &self.aliases)
            .finish()
    }
}

fn boxed<A: DynActivation + Default + 'static>() -> Box<dyn DynActivation> {
    Box::new(A::default())
}

/// The built-in activations, once: each one's type, kind (`elementwise` or `vector`),
/// canonical name and aliases, in the registry's order (the article's eight and linear
/// first). `$($mac)*! { $($args)* <table> }` with the table as
/// `Type kind "name" ["alias", ...],` entries; [`all`] and `__for_each_builtin!` (which the
/// tests and benchmarks iterate over) are expanded from it.
#[doc(hidden)]
#[macro_export]
macro_rules! __builtin_table {
    ([$($mac:tt)*] $($args:tt)*) => {
        $($mac)*! {
            $($args)*
            Sigmoid elementwise "sigmoid" ["logistic"],
            Tanh elementwise "tanh" [],
            Softmax vector "softmax" [],
            LogSoftmax vector "log-softmax" ["logsoftmax"],
            Softmin vector "softmin" [],
            Relu elementwise "relu" [],
            LeakyRelu elementwise "leaky-relu" ["leakyrelu", "lrelu"],
            Elu elementwise "elu" [],
            Selu elementwise "selu" [],
            Swish elementwise "swish" ["silu"],
            Linear elementwise "linear" ["identity"],
            Gelu elementwise "gelu" [],
            GeluTanh elementwise "gelu-tanh" ["gelutanh", "gelu-approx"],
            Softplus elementwise "softplus" [],
            Mish elementwise "mish" [],
            HardSigmoid elementwise "hard-sigmoid" ["hardsigmoid"],
            HardSwish elementwise "hard-swish" ["hardswish"],
            PRelu elementwise "prelu" ["p-relu"],
            LogSigmoid elementwise "log-sigmoid" ["logsigmoid"],
            Softsign elementwise "softsign" [],
            Celu elementwise "celu" [],
            Relu6 elementwise "relu6" ["relu-6"],
            Hardtanh elementwise "hardtanh" ["hard-tanh"],
            Squareplus elementwise "squareplus" [],
        }
    };
}

/// [`Entry`]s from the table of [`__builtin_table!`](crate::__builtin_table).
macro_rules! entries {
    ($($t:ident $kind:ident $name:literal [$($alias:literal),*],)*) => {
        static ENTRIES: &[Entry] = &[
            $(Entry { name: $name, aliases: &[$($alias),*], make: boxed::<$t> },)*
        ];
    };
}

crate::__builtin_table!([entries]);

/// A gated built-in (two inputs): its command-line name, aliases, and a constructor.
#[derive(Clone, Copy)]
pub struct GatedEntry {
    /// Canonical lower-case name, e.g. `"swiglu"`.
    pub name: &'static str,
    /// Other accepted names (compared case-insensitively, `_` equal to `-`).
    pub aliases: &'static [&'static str],
    /// A new instance with the default parameters.
    pub make: fn() -> Box<dyn DynGated>,
}

impl core::fmt::Debug for GatedEntry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GatedEntry")
            .field("name", &self.name)
            .field("aliases", &self.aliases)
            .finish()
    }
}

fn boxed_gated<A: DynGated + Default + 'static>() -> Box<dyn DynGated> {
    Box::new(A::default())
}

/// The gated built-ins, once: each one's type, canonical name and aliases, as
/// `Type "name" ["alias", ...],` entries (see [`__builtin_table!`](crate::__builtin_table));
/// [`gated`] and `__for_each_gated!` are expanded from it.
#[doc(hidden)]
#[macro_export]
macro_rules! __gated_table {
    ([$($mac:tt)*] $($args:tt)*) => {
        $($mac)*! {
            $($args)*
            Glu "glu" [],
            SwiGlu "swiglu" ["swi-glu", "silu-glu"],
            GeGlu "geglu" ["ge-glu", "gelu-glu"],
            ReGlu "reglu" ["re-glu", "relu-glu"],
        }
    };
}

/// [`GatedEntry`]s from the table of [`__gated_table!`](crate::__gated_table).
macro_rules! gated_entries {
    ($($t:ident $name:literal [$($alias:literal),*],)*) => {
        static GATED: &[GatedEntry] = &[
            $(GatedEntry { name: $name, aliases: &[$($alias),*], make: boxed_gated::<$t> },)*
        ];
    };
}

crate::__gated_table!([gated_entries]);

/// Every gated built-in (two inputs, see [`Gated`](crate::Gated)); they are not in [`all`],
/// whose entries take one input.
///
/// ```
/// use act_core::registry;
/// let swiglu = (registry::lookup_gated("SwiGLU").unwrap().make)();
/// assert_eq!(swiglu.formula(), "a * sigmoid(a) * b");
/// assert_eq!(swiglu.eval(0.0, 4.0), (0.0, 2.0, 0.0));
/// ```
pub fn gated() -> &'static [GatedEntry] {
    GATED
}

/// The gated built-in called `name` (case-insensitive, `_` or a space for `-`, with or
/// without the dashes, or an alias).
pub fn lookup_gated(name: &str) -> Option<&'static GatedEntry> {
    GATED.iter().find(|e| is_named(e.name, e.aliases, name))
}

/// Every built-in, the article's eight (and linear) first.
pub fn all() -> &'static [Entry] {
    ENTRIES
}

/// The entry of `entries` called `name` (case-insensitive, `_` or a space for `-`, with or
/// without the dashes, or an alias).
pub fn lookup_in<'a>(entries: &'a [Entry], name: &str) -> Option<&'a Entry> {
    entries.iter().find(|e| is_named(e.name, e.aliases, name))
}

/// The built-in called `name` (case-insensitive; `leaky_relu`, `LeakyReLU`, `silu` work).
pub fn lookup(name: &str) -> Option<&'static Entry> {
    lookup_in(ENTRIES, name)
}

/// The canonical name in `entries` closest to a misspelt `name` (edit distance over names and
/// aliases, at most 2 or a third of the name), if any is that close.
pub fn suggest_in(entries: &[Entry], name: &str) -> Option<&'static str> {
    closest(
        name,
        entries.iter().flat_map(|e| spellings(e.name, e.aliases)),
    )
}

/// The closest built-in name to a misspelt one, if any is close.
pub fn suggest(name: &str) -> Option<&'static str> {
    suggest_in(ENTRIES, name)
}

/// Up to `n` names of `entries` near `name`, closest first: within a few edits, or containing
/// it, or contained in it (`prelu` finds `relu`, `elu`, `selu` and `gelu`).
pub fn close_matches_in(entries: &[Entry], name: &str, n: usize) -> Vec<&'static str> {
    close_matches(
        name,
        entries.iter().flat_map(|e| spellings(e.name, e.aliases)),
        n,
    )
}

/// The gated built-in name closest to a misspelt one (`swigl` is `swiglu`), if any is close.
pub fn suggest_gated(name: &str) -> Option<&'static str> {
    closest(
        name,
        GATED.iter().flat_map(|e| spellings(e.name, e.aliases)),
    )
}

/// Up to `n` gated built-in names near `name`, closest first (`glu` finds all four).
pub fn close_gated(name: &str, n: usize) -> Vec<&'static str> {
    close_matches(
        name,
        GATED.iter().flat_map(|e| spellings(e.name, e.aliases)),
        n,
    )
}

/// The name closest to a misspelt one among `entries` and the gated built-ins together.
pub fn suggest_any(entries: &[Entry], name: &str) -> Option<&'static str> {
    closest(
        name,
        entries
            .iter()
            .flat_map(|e| spellings(e.name, e.aliases))
            .chain(GATED.iter().flat_map(|e| spellings(e.name, e.aliases))),
    )
}

/// Which of the values that break a condition a [`Refusal`] speaks of.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Refused {
    /// The parameter named, equal to the value.
    Equal(&'static str, f64),
    /// The parameter named, below the value.
    Below(&'static str, f64),
    /// Any values that break the condition.
    Any,
}

/// Why a built-in's `where` condition refuses what it refuses, in a few words for messages
/// that name the broken condition (the activation's documentation gives the reasons at more
/// length). [`refusal`] reads the table.
#[derive(Clone, Copy, Debug)]
pub struct Refusal {
    /// The activation's canonical name, as in [`all`].
    pub activation: &'static str,
    /// The condition as declared (`ParamError::Invalid`'s `condition`).
    pub condition: &'static str,
    /// The values this reason is about; the first entry that matches is taken.
    pub refused: Refused,
    /// The reason, one clause, lower-case.
    pub reason: &'static str,
}

/// The reasons, per activation and condition.
const REFUSALS: &[Refusal] = &[
    Refusal {
        activation: "squareplus",
        condition: "b >= 1e-30",
        refused: Refused::Equal("b", 0.0),
        reason: "b = 0 is ReLU: use relu",
    },
    Refusal {
        activation: "squareplus",
        condition: "b >= 1e-30",
        refused: Refused::Below("b", 0.0),
        reason: "b < 0 puts a negative number under the square root near x = 0",
    },
    Refusal {
        activation: "squareplus",
        condition: "b >= 1e-30",
        refused: Refused::Any,
        reason: "below 1e-30, x^2 underflows in f32 before it is negligible against b",
    },
    Refusal {
        activation: "squareplus",
        condition: "b <= 1e14",
        refused: Refused::Any,
        reason: "above 1e14 lies outside what the accuracy tests cover (they hold b up to 1e14)",
    },
    Refusal {
        activation: "celu",
        condition: "alpha != 0",
        refused: Refused::Any,
        reason: "alpha must be nonzero: the formula divides by alpha (PyTorch refuses alpha = 0 too)",
    },
    Refusal {
        activation: "selu",
        condition: "scale * alpha < inf",
        refused: Refused::Any,
        reason: "the x <= 0 side multiplies by it: |scale * alpha| must be at most 1.8e308",
    },
    Refusal {
        activation: "selu",
        condition: "scale * alpha > -inf",
        refused: Refused::Any,
        reason: "the x <= 0 side multiplies by it: |scale * alpha| must be at most 1.8e308",
    },
    Refusal {
        activation: "hardtanh",
        condition: "min_val < max_val",
        refused: Refused::Any,
        reason: "min_val must be below max_val, as in PyTorch",
    },
];

/// Every [`Refusal`] the built-ins state.
pub fn refusals() -> &'static [Refusal] {
    REFUSALS
}

/// Why the built-in called `activation` (any of its names) refuses `params` for breaking
/// `condition` (as in `ParamError::Invalid`), where a [`Refusal`] says so.
///
/// ```
/// use act_core::registry;
/// let why = registry::refusal("Squareplus", "b >= 1e-30", &[("b", 0.0)]);
/// assert_eq!(why, Some("b = 0 is ReLU: use relu"));
/// assert_eq!(registry::refusal("elu", "alpha != 0", &[("alpha", 0.0)]), None);
/// ```
pub fn refusal(activation: &str, condition: &str, params: &[(&str, f64)]) -> Option<&'static str> {
    let name = lookup(activation)
        .map(|e| e.name)
        .or_else(|| lookup_gated(activation).map(|e| e.name))?;
    let value = |p: &str| params.iter().find(|(k, _)| *k == p).map(|&(_, v)| v);
    REFUSALS
        .iter()
        .filter(|r| r.activation == name && r.condition == condition)
        .find(|r| match r.refused {
            Refused::Equal(p, v) => value(p) == Some(v),
            Refused::Below(p, v) => value(p).is_some_and(|x| x < v),
            Refused::Any => true,
        })
        .map(|r| r.reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reason names a condition its activation declares: a renamed activation or a changed
    /// condition fails here instead of silently losing its reason.
    #[test]
    fn every_refusal_names_a_declared_condition() {
        for r in refusals() {
            let act = (lookup(r.activation).expect(r.activation).make)();
            assert!(
                act.conditions().contains(&r.condition),
                "{}: {}",
                r.activation,
                r.condition
            );
        }
    }

    #[test]
    fn every_entry_is_found_by_its_names_and_builds_its_type() {
        for e in all() {
            assert_eq!(lookup(e.name).unwrap().name, e.name);
            assert_eq!(lookup(&e.name.to_uppercase()).unwrap().name, e.name);
            for a in e.aliases {
                assert_eq!(lookup(a).unwrap().name, e.name);
            }
            let act = (e.make)();
            assert_eq!(act.name().to_lowercase(), e.name.replace('-', ""));
        }
        assert_eq!(lookup("leaky_relu").unwrap().name, "leaky-relu");
        assert_eq!(lookup("LeakyReLU").unwrap().name, "leaky-relu");
        assert_eq!(lookup("SiLU").unwrap().name, "swish");
        assert_eq!(lookup("identity").unwrap().name, "linear");
        assert!(lookup("nope").is_none());
    }

    /// The registry and `__for_each_builtin!` (which the tests iterate over), both expanded
    /// from `__builtin_table!`, name the same types, each once, and each entry's canonical
    /// name is its type's name.
    #[test]
    fn registry_lists_every_builtin() {
        macro_rules! names {
            (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {
                vec![$(DynActivation::name(&$e::default())),*, $(DynActivation::name(&$v::default())),*]
            };
        }
        let mut listed: Vec<&str> = crate::__for_each_builtin!(names);
        let mut registered: Vec<&str> = all().iter().map(|e| (e.make)().name()).collect();
        listed.sort_unstable();
        registered.sort_unstable();
        assert_eq!(listed, registered);
        listed.dedup();
        assert_eq!(listed.len(), registered.len(), "a built-in is listed twice");
    }

    /// The gated registry and `__for_each_gated!` name the same types, each once, and every
    /// entry is found by its names.
    #[test]
    fn gated_registry_lists_every_gated_builtin() {
        macro_rules! names {
            ($($g:ident),*) => { vec![$(DynGated::name(&$g::default())),*] };
        }
        let mut listed: Vec<&str> = crate::__for_each_gated!(names);
        let mut registered: Vec<&str> = gated().iter().map(|e| (e.make)().name()).collect();
        listed.sort_unstable();
        registered.sort_unstable();
        assert_eq!(listed, registered);
        for e in gated() {
            assert_eq!(lookup_gated(e.name).unwrap().name, e.name);
            assert_eq!(lookup_gated(&e.name.to_uppercase()).unwrap().name, e.name);
            for a in e.aliases {
                assert_eq!(lookup_gated(a).unwrap().name, e.name);
            }
            assert_eq!((e.make)().name().to_lowercase(), e.name);
            assert!(
                lookup(e.name).is_none(),
                "{} is also a one-input entry",
                e.name
            );
        }
        assert_eq!(lookup_gated("swi_glu").unwrap().name, "swiglu");
    }

    #[test]
    fn misspellings_get_a_suggestion() {
        assert_eq!(suggest("rleu"), Some("relu"));
        assert_eq!(suggest("sigmod"), Some("sigmoid"));
        assert_eq!(suggest("sofmax"), Some("softmax"));
        assert_eq!(suggest("completely-different"), None);
    }
}
