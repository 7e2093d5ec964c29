//! The built-in activations, as the CLI sees them: a name, aliases, and a constructor.
//!
//! The data comes from act-core's registry; the CLI only looks names up.

use act_core::DynActivation;

/// One built-in activation.
#[derive(Clone, Copy)]
pub struct Entry {
    /// CLI name, e.g. `"leaky-relu"`.
    pub name: &'static str,
    /// Other accepted names, e.g. `"leaky_relu"`.
    pub aliases: &'static [&'static str],
    /// A fresh instance at the default parameters.
    pub make: fn() -> Box<dyn DynActivation>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry").field("name", &self.name).finish()
    }
}

/// The built-in activations.
pub fn builtins() -> &'static [Entry] {
    // TODO(wire): replace with act_core::registry::all() once the registry lands.
    &[]
}

fn normalize(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            '_' | ' ' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Looks a name up (case-insensitive, `_` for `-`, aliases).
pub fn lookup<'a>(entries: &'a [Entry], name: &str) -> Option<&'a Entry> {
    let key = normalize(name);
    entries.iter().find(|e| {
        normalize(e.name) == key || e.aliases.iter().any(|a| normalize(a) == key)
    })
}

/// The closest name to a misspelt one, if it is a plausible typo.
pub fn suggest(entries: &[Entry], name: &str) -> Option<&'static str> {
    let key = normalize(name);
    let mut best: Option<(f64, &'static str)> = None;
    for e in entries {
        for candidate in std::iter::once(e.name).chain(e.aliases.iter().copied()) {
            let score = strsim::jaro_winkler(&key, &normalize(candidate));
            let close = strsim::damerau_levenshtein(&key, &normalize(candidate)) <= 2;
            if (score > 0.8 || close) && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, e.name));
            }
        }
    }
    best.map(|(_, name)| name)
}
