//! The rule API reference: every property and helper a rule can use, with its signature and
//! meaning, in one list. `moat rules doc` and the README render it; a test checks it against
//! the functions actually registered in the engine, so the reference cannot drift.

/// One documented entry of the rule API.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Helper {
    /// How it is written in a rule.
    pub signature: &'static str,
    /// What it returns.
    pub returns: &'static str,
    pub doc: &'static str,
    /// The function name registered in the engine (`""` for property syntax served by an
    /// indexer or for plain Rhai syntax).
    #[serde(skip)]
    pub registered: &'static str,
}

/// A group of entries: what the rule receives or can call.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Section {
    pub title: &'static str,
    pub intro: &'static str,
    pub helpers: &'static [Helper],
}

const fn h(
    signature: &'static str,
    returns: &'static str,
    registered: &'static str,
    doc: &'static str,
) -> Helper {
    Helper {
        signature,
        returns,
        doc,
        registered,
    }
}

pub const REFERENCE: &[Section] = &[
    Section {
        title: "chain",
        intro: "The chain being judged, at the as-of date. Every field read is recorded as evidence for the verdict, in first-read order; the author never writes evidence.",
        helpers: &[
            h(
                "chain.<field>  or  chain[\"field\"]",
                "float, int, string, bool or ()",
                "",
                "The field's value (see the field list). Dates are \"YYYY-MM-DD\" strings; a missing value is `()`. An unknown field name is an ERROR with a suggestion (\"did you mean `tvl_usd`?\"). Using a missing value in arithmetic or an ordering comparison is an ERROR that names the field: test with `chain.has(..)` first.",
            ),
            h(
                "chain.has(\"field\")",
                "bool",
                "has",
                "Whether the field has a value for this chain.",
            ),
            h(
                "chain.get(\"field\", default)",
                "the value, or default",
                "get",
                "The field's value, or `default` when it is missing.",
            ),
            h(
                "chain.change(\"series\", points)",
                "float or ()",
                "change",
                "Relative change from `points` points before the latest point to the latest (0.1 = +10%; `tvl_usd` is weekly, so 13 = a quarter). `()` with too few points or a base of 0 or less.",
            ),
            h(
                "chain.series(\"series\")",
                "array of [date, value]",
                "series",
                "The whole series up to the as-of date, oldest first: `tvl_usd` (weekly) or a daily metric name. Empty when the chain has none; an unknown name is an ERROR.",
            ),
            h(
                "chain.to_string()",
                "string",
                "to_string",
                "The chain's slug (also what `${chain}` prints in a string).",
            ),
        ],
    },
    Section {
        title: "peers",
        intro: "Every screened chain at the same as-of date (the judged chain included), for relative judgements. Helper results are recorded as evidence under a label showing how they were asked, e.g. `peers.median(\"tvl_usd\")`.",
        helpers: &[
            h(
                "peers.as_of",
                "string",
                "",
                "The as-of date, \"YYYY-MM-DD\".",
            ),
            h(
                "peers.tvl_week",
                "string or ()",
                "",
                "The TVL week ranks and shares are taken at.",
            ),
            h(
                "peers.window_weeks",
                "int",
                "",
                "Length of the leadership window, in weeks.",
            ),
            h(
                "peers.leaders",
                "array of #{date, slug}",
                "",
                "The #1 chain by TVL for each week of the window, oldest first (whole universe, even on a filtered set).",
            ),
            h(
                "peers.leader_runs",
                "array of #{slug, from, to, weeks}",
                "",
                "The same history as uninterrupted runs of one leader.",
            ),
            h(
                "peers.leader_changes",
                "int",
                "",
                "How many times the #1 changed within the window.",
            ),
            h(
                "peers.chains",
                "array of chains",
                "",
                "The member chains, each usable like `chain` (their reads are recorded as `slug.field`).",
            ),
            h(
                "peers.slugs",
                "array of strings",
                "",
                "The members' slugs, sorted.",
            ),
            h("peers.len()", "int", "len", "Number of member chains."),
            h(
                "peers.chain(\"slug\")",
                "chain or ()",
                "chain",
                "One member by slug; `()` when it is not a member at this date.",
            ),
            h(
                "peers.without(chain)",
                "peers",
                "without",
                "The members except that chain.",
            ),
            h(
                "peers.filter(\"field\", op, value)",
                "peers",
                "filter",
                "Members whose field satisfies `op value`; op is one of `==`, `!=`, `<`, `<=`, `>`, `>=`, `in` (value an array). A missing field never matches; comparing a field with a value of another type is an ERROR.",
            ),
            h(
                "peers.filter(|c| …)",
                "peers",
                "filter",
                "Members for which the function returns true.",
            ),
            h(
                "peers.count(\"field\", op, value)",
                "int",
                "count",
                "Number of members matching the condition (as in `filter`).",
            ),
            h(
                "peers.count(|c| …)",
                "int",
                "count",
                "Number of members for which the function returns true.",
            ),
            h(
                "peers.share(\"field\", op, value)",
                "float or ()",
                "share",
                "Matching members / all members, 0..1; `()` when there are no members.",
            ),
            h(
                "peers.share(|c| …)",
                "float or ()",
                "share",
                "Share of members for which the function returns true.",
            ),
            h(
                "peers.mean(\"field\")",
                "float or ()",
                "mean",
                "Mean of the members' values of a number field; `()` when none has one.",
            ),
            h(
                "peers.median(\"field\")",
                "float or ()",
                "median",
                "Median (mean of the middle two for an even count).",
            ),
            h(
                "peers.min(\"field\")",
                "float or ()",
                "min",
                "Smallest value.",
            ),
            h(
                "peers.max(\"field\")",
                "float or ()",
                "max",
                "Largest value.",
            ),
            h(
                "peers.sum(\"field\")",
                "float or ()",
                "sum",
                "Sum of the values.",
            ),
            h(
                "peers.percentile(chain, \"field\")",
                "float or ()",
                "percentile",
                "Percent of the other members with a value strictly lower than the chain's, 0..100 (the `_pctl` fields' convention). `()` when the chain or every other member lacks a value.",
            ),
            h(
                "peers.lead(chain, \"series\", \"low\"|\"high\", beat)",
                "#{dates, lead_dates, share, first, last, latest} or ()",
                "lead",
                "How persistent a lead is: on every date the chain and at least one other member have a point of the series, the percent of those members it beats (with \"low\", a lower value beats). `dates` compared, `lead_dates` where it beat at least `beat` percent, `share` = lead_dates / dates, `latest` = percent beaten on the last date. `()` when there is no date to compare.",
            ),
        ],
    },
    Section {
        title: "params",
        intro: "The rule's `[rules.<id>.params]` table from screen.toml. Reading a name the table does not define is an ERROR naming it; each read is listed with the verdict.",
        helpers: &[
            h(
                "params.<name>  or  params[\"name\"]",
                "the TOML value",
                "",
                "Strings, ints, floats, bools, arrays (`[..]`) and tables (maps); TOML dates as strings.",
            ),
            h(
                "params.has(\"name\")",
                "bool",
                "has",
                "Whether the parameter is defined (for optional parameters).",
            ),
        ],
    },
    Section {
        title: "verdicts",
        intro: "What a rule returns. Anything else (a bool, a number, a string, a map without a valid status) is an ERROR: \"rule must return pass(..), fail(..) or skip(..)\".",
        helpers: &[
            h(
                "pass(reason)",
                "verdict",
                "pass",
                "The chain passes; `reason` is an analyst's sentence with its numbers.",
            ),
            h("fail(reason)", "verdict", "fail", "The chain fails."),
            h(
                "fail(reason, hint)",
                "verdict",
                "fail",
                "Fails, with what would have to change to pass (shown by `moat explain`).",
            ),
            h(
                "skip(reason)",
                "verdict",
                "skip",
                "The rule does not apply or the data is missing; SKIP does not count in the score.",
            ),
            h(
                "#{status: \"PASS\"|\"FAIL\"|\"SKIP\", reason: \"…\", hint: \"…\"}",
                "verdict",
                "",
                "The same as a map (`hint` optional).",
            ),
        ],
    },
    Section {
        title: "formatting",
        intro: "Text for reasons. The number formatters take an int, a float or `()` (which formats as \"n/a\").",
        helpers: &[
            h(
                "usd(x)",
                "string",
                "usd",
                "Money: $1.2B, $340M, $12.5K, $950, $0.0021.",
            ),
            h(
                "pct(x)",
                "string",
                "pct",
                "A fraction as a percent: 0.123 → 12%, 0.045 → 4.5%.",
            ),
            h(
                "signed_pct(x)",
                "string",
                "signed_pct",
                "A change: 0.12 → +12%, -0.4 → -40%.",
            ),
            h(
                "num(x)",
                "string",
                "num",
                "A readable number: 12,345; 87.5; 0.25; 3.4M.",
            ),
            h(
                "ordinal(x)",
                "string",
                "ordinal",
                "1 → 1st, 87.5 → 87th (percentiles, ranks).",
            ),
            h(
                "list(array)",
                "string",
                "list",
                "An English list: [\"a\", \"b\", \"c\"] → \"a, b and c\".",
            ),
            h(
                "join(array, separator)",
                "string",
                "join",
                "The items joined with the separator.",
            ),
        ],
    },
];

/// The reference as Markdown (what `moat rules doc` prints and the README embeds): the chain
/// fields from the feature catalog, then every section above.
pub fn markdown() -> String {
    let cell = |t: &str| t.replace('|', "\\|");
    let mut out = String::from(
        "### chain fields\n\nRead as `chain.<field>`; `()` when the data says nothing.\n\n| field | type | meaning |\n|---|---|---|\n",
    );
    for f in crate::features::catalog::fields() {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            f.name,
            f.kind.rhai_name(),
            cell(&f.meaning)
        ));
    }
    out.push('\n');
    for s in REFERENCE {
        out.push_str(&format!(
            "### {}\n\n{}\n\n| expression | returns | meaning |\n|---|---|---|\n",
            s.title, s.intro
        ));
        for h in s.helpers {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                cell(h.signature),
                cell(h.returns),
                cell(h.doc)
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_lists_fields_and_helpers() {
        let md = super::markdown();
        assert!(md.contains(
            "| `tvl_usd` | float | latest DefiLlama TVL on or before the as-of date, USD |"
        ));
        assert!(md.contains("| `peers.lead(chain, \"series\", \"low\"\\|\"high\", beat)` |"));
        assert!(md.contains("### verdicts"));
    }
}
