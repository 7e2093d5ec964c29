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

/// Up to `n` built-in names close to `name`, closest first: within a few edits, or containing
/// it, or contained in it (`prelu` finds `relu`, `elu`, `selu`, `gelu`).
pub fn close_matches(entries: &[Entry], name: &str, n: usize) -> Vec<&'static str> {
    let key: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '_' | ' ' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    if key.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, &'static str)> = entries
        .iter()
        .filter_map(|e| {
            let best = std::iter::once(e.name)
                .chain(e.aliases.iter().copied())
                .filter_map(|candidate| {
                    let d = strsim::osa_distance(&key, candidate);
                    let near = d <= (key.chars().count() / 3).max(2);
                    let overlap = candidate.contains(&key) || key.contains(candidate);
                    (near || overlap).then_some(d)
                })
                .min()?;
            Some((best, e.name))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, name)| name).collect()
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
        assert_eq!(suggest(builtins(), "rleu"), Some("relu"));
    }
}
