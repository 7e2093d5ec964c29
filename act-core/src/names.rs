//! Comparing names typed by people: normalisation and the closest match, shared by the
//! registry of activations and the task guide.

/// Lower case, trimmed, `_` and spaces as `-`: how names are compared.
pub(crate) fn normalise(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            '_' | ' ' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The canonical name whose spelling (`candidates` yields `(spelling, canonical)` pairs) is
/// closest to `name`, if it is within about a third of the spelling's length (at least 2
/// edits). Distances are optimal string alignment (`strsim::osa_distance`: Levenshtein plus
/// adjacent transpositions, so `"rrn"` is one edit from `"rnn"`).
pub(crate) fn closest(
    name: &str,
    candidates: impl IntoIterator<Item = (&'static str, &'static str)>,
) -> Option<&'static str> {
    let key = normalise(name);
    let mut best: Option<(usize, &'static str)> = None;
    for (spelling, canonical) in candidates {
        let d = strsim::osa_distance(&key, spelling);
        let limit = (spelling.chars().count() / 3).max(2);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, canonical));
        }
    }
    best.map(|(_, name)| name)
}

/// Up to `n` canonical names near `name`, closest first (ties in name order): a spelling
/// within about a third of the typed name's length (at least 2 edits), or one containing it
/// or contained in it (`prelu` finds `relu`, `elu`, `selu`, `gelu`).
pub(crate) fn close_matches(
    name: &str,
    candidates: impl IntoIterator<Item = (&'static str, &'static str)>,
    n: usize,
) -> Vec<&'static str> {
    let key = normalise(name);
    if key.is_empty() {
        return Vec::new();
    }
    let limit = (key.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &'static str)> = Vec::new();
    for (spelling, canonical) in candidates {
        let d = strsim::osa_distance(&key, spelling);
        if d > limit && !spelling.contains(&*key) && !key.contains(spelling) {
            continue;
        }
        match scored.iter_mut().find(|(_, c)| *c == canonical) {
            Some(best) => best.0 = best.0.min(d),
            None => scored.push((d, canonical)),
        }
    }
    scored.sort();
    scored.into_iter().take(n).map(|(_, name)| name).collect()
}

/// The `(spelling, canonical)` pairs of a named thing: its canonical name and each alias, for
/// [`closest`].
pub(crate) fn spellings(
    name: &'static str,
    aliases: &'static [&'static str],
) -> impl Iterator<Item = (&'static str, &'static str)> {
    core::iter::once(name)
        .chain(aliases.iter().copied())
        .map(move |spelling| (spelling, name))
}

/// Whether `query` names the thing called `name` with `aliases`: after [`normalise`], the
/// name itself, the name without its dashes, or an alias.
pub(crate) fn is_named(name: &str, aliases: &[&str], query: &str) -> bool {
    let key = normalise(query);
    name == key || name.replace('-', "") == key.replace('-', "") || aliases.contains(&&*key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names_allow_typos_and_transpositions() {
        let names = [("relu", "relu"), ("lrelu", "leaky-relu"), ("rnn", "rnn")];
        assert_eq!(closest("rleu", names), Some("relu"));
        assert_eq!(closest("LRELU", names), Some("leaky-relu"));
        assert_eq!(closest("rrn", names), Some("rnn"));
        assert_eq!(closest("transformer", names), None);
        assert_eq!(normalise(" Leaky_ReLU "), "leaky-relu");
    }

    #[test]
    fn close_matches_rank_by_distance_and_find_containment() {
        let names = [
            ("relu", "relu"),
            ("elu", "elu"),
            ("selu", "selu"),
            ("leaky-relu", "leaky-relu"),
            ("lrelu", "leaky-relu"),
            ("softmax", "softmax"),
        ];
        // one edit from `lrelu` and from `relu`, two from `elu` and `selu`: ties in name order
        assert_eq!(
            close_matches("prelu", names, 3),
            ["leaky-relu", "relu", "elu"]
        );
        assert_eq!(close_matches("leaky", names, 4), ["leaky-relu"]);
        assert_eq!(close_matches("Softmx", names, 4), ["softmax"]);
        assert!(close_matches("quux", names, 4).is_empty());
        assert!(close_matches("  ", names, 4).is_empty());
    }

    #[test]
    fn a_thing_is_named_by_its_name_without_dashes_or_an_alias() {
        assert!(is_named("leaky-relu", &["lrelu"], "Leaky_ReLU"));
        assert!(is_named("leaky-relu", &["lrelu"], "LEAKYRELU"));
        assert!(is_named("leaky-relu", &["lrelu"], " lrelu "));
        assert!(!is_named("leaky-relu", &["lrelu"], "relu"));
        let pairs: Vec<_> = spellings("swish", &["silu"]).collect();
        assert_eq!(pairs, [("swish", "swish"), ("silu", "swish")]);
    }
}
