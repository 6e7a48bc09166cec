//! "Did you mean …?": one similarity measure and one threshold for every name a user can get
//! wrong (a field, a rule id, a chain slug, a column, a parameter), and one sentence for it, so
//! that `--only tokn`, `--rule tokn` and `[rules.tokn]` are answered alike.

/// How similar (Jaro-Winkler, 0..1) a known name must be to count as the likely intent.
const THRESHOLD: f64 = 0.8;

/// The candidate closest to `name`, if it is close enough to be a plausible typo. Case counts
/// for nothing (`BASE` finds `base`), and then for the first ties; other ties go to the
/// alphabetically first candidate, so the answer never depends on the candidates' order.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let score = strsim::jaro_winkler(&lower, &c.to_lowercase())
                + strsim::jaro_winkler(name, c) * 1e-6;
            (score, c)
        })
        .filter(|(score, _)| *score > THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `did you mean `x`?` for the closest candidate, or `None`.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(name, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// The sentence for a name that is not one of `candidates`: ``no rule `tokn` in the rule pack:
/// did you mean `token`?`` — `what` names the kind of thing and `place` where it was looked for.
pub fn unknown<'a>(
    what: &str,
    name: &str,
    place: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    match suggestion(name, candidates) {
        Some(s) => format!("no {what} `{name}` {place}: {s}"),
        None => format!("no {what} `{name}` {place}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_close_names_only() {
        assert_eq!(
            did_you_mean("tvl_usdd", ["tvl_usd", "tvl_rank"]),
            Some("tvl_usd")
        );
        assert_eq!(did_you_mean("zzz", ["tvl_usd", "tvl_rank"]), None);
        assert_eq!(did_you_mean("BASE", ["base", "blast"]), Some("base"));
        assert_eq!(did_you_mean("Base", ["BASE", "base"]), Some("base"));
    }

    #[test]
    fn one_sentence_for_every_unknown_name() {
        assert_eq!(
            unknown("rule", "tokn", "in the rule pack", ["token", "traction"]),
            "no rule `tokn` in the rule pack: did you mean `token`?"
        );
        assert_eq!(
            unknown("chain", "qqq", "in the universe at 2024-12-15", ["base"]),
            "no chain `qqq` in the universe at 2024-12-15"
        );
    }

    #[test]
    fn ties_do_not_depend_on_order() {
        assert_eq!(
            did_you_mean("ab", ["ac", "aa"]),
            did_you_mean("ab", ["aa", "ac"])
        );
    }
}
