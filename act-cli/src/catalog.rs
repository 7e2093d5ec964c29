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

/// Up to `n` built-in names close to `name`, closest first: within a few edits, or containing
/// it, or contained in it (`prelu` finds `relu`, `elu`, `selu`, `gelu`).
pub fn close_matches(entries: &[Entry], name: &str, n: usize) -> Vec<&'static str> {
    act_core::registry::close_matches_in(entries, name, n)
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
        assert_eq!(
            act_core::registry::suggest_in(FAKES, "leaky-rleu"),
            Some("leaky-relu")
        );
        assert_eq!(
            act_core::registry::suggest_in(FAKES, "sofmax"),
            Some("softmax")
        );
        assert_eq!(act_core::registry::suggest_in(FAKES, "quux"), None);
    }

    #[test]
    fn close_matches_rank_by_distance() {
        assert_eq!(close_matches(FAKES, "leaky", 4), ["leaky-relu"]);
        assert_eq!(close_matches(FAKES, "softmx", 4), ["softmax"]);
        assert!(close_matches(FAKES, "quux", 4).is_empty());
        // RReLU (randomised leaky ReLU) is not a built-in.
        let real = close_matches(builtins(), "rrelu", 4);
        assert!(real.contains(&"relu"), "{real:?}");
        assert!(real.contains(&"prelu"), "{real:?}");
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
        assert_eq!(
            act_core::registry::suggest_in(builtins(), "rleu"),
            Some("relu")
        );
    }
}
