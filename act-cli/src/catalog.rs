//! The built-in activations, as the CLI sees them: a name, aliases, and a constructor.
//!
//! The data comes from act-core's registry; the CLI only looks names up. Lookups take the
//! entries as a slice so that unit tests can pass fakes.

pub use act_core::registry::Entry;

/// The built-in activations, from act-core's registry.
pub fn builtins() -> &'static [Entry] {
    act_core::registry::all()
}

/// Looks a name up (case-insensitive, `_` for `-`, aliases).
pub fn lookup<'a>(entries: &'a [Entry], name: &str) -> Option<&'a Entry> {
    act_core::registry::lookup_in(entries, name)
}

/// The closest name to a misspelt one, if it is a plausible typo.
pub fn suggest(entries: &[Entry], name: &str) -> Option<&'static str> {
    act_core::registry::suggest_in(entries, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::FAKES;

    #[test]
    fn lookup_is_case_and_separator_insensitive() {
        for name in [
            "leaky-relu",
            "Leaky_ReLU",
            "LEAKYRELU",
            "lrelu",
            " leaky relu ",
        ] {
            assert_eq!(
                lookup(FAKES, name).map(|e| e.name),
                Some("leaky-relu"),
                "{name}"
            );
        }
        assert!(lookup(FAKES, "relu").is_none());
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest(FAKES, "leaky-rleu"), Some("leaky-relu"));
        assert_eq!(suggest(FAKES, "sofmax"), Some("softmax"));
        assert_eq!(suggest(FAKES, "quux"), None);
    }

    #[test]
    fn real_registry_has_design_names() {
        for name in [
            "relu",
            "leaky_relu",
            "silu",
            "identity",
            "logistic",
            "gelu-tanh",
        ] {
            assert!(lookup(builtins(), name).is_some(), "{name}");
        }
        assert_eq!(suggest(builtins(), "rleu"), Some("relu"));
    }
}
