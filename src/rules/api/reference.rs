//! The rule API reference: every entry point, property and helper a rule can use, with its
//! signature and meaning, in one list. The author's `moat rules doc` (`authoring::doc`) renders
//! it as Markdown (the README embeds that output) and as Rhai definition files for editors; its
//! tests check it against the functions actually registered in the engine, overload by
//! overload, so it cannot drift.

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
    /// The engine functions behind this entry, one per overload, with parameter names and
    /// types as Rhai definition files write them: `has(chain: Chain, field: String) -> bool`;
    /// `get name(this: Type) -> T` for a property served by the type's indexer. Tests compare
    /// these with the engine's own metadata; the definition files are written from them.
    #[serde(skip)]
    pub forms: &'static [&'static str],
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
    forms: &'static [&'static str],
    doc: &'static str,
) -> Helper {
    Helper {
        signature,
        returns,
        doc,
        registered,
        forms,
    }
}

/// The section after which the chain fields of the feature catalog are listed.
pub const FIELDS_AFTER: &str = "chain";

pub const REFERENCE: &[Section] = &[
    Section {
        title: "entry functions",
        intro: "A rule file starts with its header (`//! id:`, `//! title:`, `//! category:`, `//! why:`, optionally `//! scope: sector`) and defines one entry function, which moat calls with these arguments (the names are free, the order is not). The file's top level is compiled but never run: define functions there, nothing else (a `let` or `const` at the top level is not visible to them).",
        helpers: &[
            h(
                "fn rule(chain, params, peers) { … }",
                "verdict",
                "",
                &[],
                "A chain rule (the default scope): called once for every screened chain. Its verdict counts in that chain's score.",
            ),
            h(
                "fn sector(peers, params) { … }",
                "verdict",
                "",
                &[],
                "A sector rule (`//! scope: sector`): called once per screen, to judge the whole universe.",
            ),
        ],
    },
    Section {
        title: "chain",
        intro: "The chain being judged, at the as-of date. Every field read is recorded as evidence for the verdict, in first-read order; the author never writes evidence.",
        helpers: &[
            h(
                "chain.<field>  or  chain[\"field\"]",
                "float, int, string, bool or ()",
                "",
                &["index$get$(chain: Chain, field: String) -> ?"],
                "The field's value (see the field list). Dates are \"YYYY-MM-DD\" strings; a missing value is `()`. An unknown field name is an ERROR with a suggestion (\"did you mean `tvl_usd`?\"). Using a missing value in arithmetic or an ordering comparison is an ERROR that names the field: test with `chain.has(..)` first.",
            ),
            h(
                "chain.has(\"field\")",
                "bool",
                "has",
                &["has(chain: Chain, field: String) -> bool"],
                "Whether the field has a value for this chain.",
            ),
            h(
                "chain.get(\"field\", default)",
                "the value, or default",
                "get",
                &["get(chain: Chain, field: String, default: ?) -> ?"],
                "The field's value, or `default` when it is missing.",
            ),
            h(
                "chain.change(\"series\", points)",
                "float or ()",
                "change",
                &["change(chain: Chain, series: String, points: int) -> ?"],
                "Relative change from `points` points before the latest point to the latest (0.1 = +10%; `tvl_usd` is weekly, so 13 = a quarter). `()` with too few points or a base of 0 or less.",
            ),
            h(
                "chain.series(\"series\")",
                "array of [date, value]",
                "series",
                &["series(chain: Chain, series: String) -> Array"],
                "The whole series up to the as-of date, oldest first: `tvl_usd` (weekly) or a daily metric name. Empty when the chain has none; an unknown name is an ERROR.",
            ),
            h(
                "chain.to_string()",
                "string",
                "to_string",
                &["to_string(chain: Chain) -> String"],
                "The chain's slug (also what `${chain}` prints in a string).",
            ),
        ],
    },
    Section {
        title: "peers",
        intro: "Every screened chain at the same as-of date (the judged chain included), for relative judgements. Helper results are recorded as evidence under a label showing how they were asked, e.g. `peers.median(\"tvl_usd\")`.",
        helpers: &[
            h(
                "peers.<property>  or  peers[\"property\"]",
                "see below",
                "",
                &["index$get$(peers: Peers, property: String) -> ?"],
                "One of the properties below; any other name is an ERROR with a suggestion.",
            ),
            h(
                "peers.as_of",
                "string",
                "",
                &["get as_of(peers: Peers) -> String"],
                "The as-of date, \"YYYY-MM-DD\".",
            ),
            h(
                "peers.tvl_week",
                "string or ()",
                "",
                &["get tvl_week(peers: Peers) -> ?"],
                "The TVL week ranks and shares are taken at.",
            ),
            h(
                "peers.window_weeks",
                "int",
                "",
                &["get window_weeks(peers: Peers) -> int"],
                "Length of the leadership window, in weeks.",
            ),
            h(
                "peers.leaders",
                "array of #{date, slug}",
                "",
                &["get leaders(peers: Peers) -> Array"],
                "The #1 chain by TVL for each week of the window, oldest first (whole universe, even on a filtered set).",
            ),
            h(
                "peers.leader_runs",
                "array of #{slug, from, to, weeks}",
                "",
                &["get leader_runs(peers: Peers) -> Array"],
                "The same history as uninterrupted runs of one leader.",
            ),
            h(
                "peers.leader_changes",
                "int",
                "",
                &["get leader_changes(peers: Peers) -> int"],
                "How many times the #1 changed within the window.",
            ),
            h(
                "peers.chains",
                "array of chains",
                "",
                &["get chains(peers: Peers) -> Array"],
                "The member chains, each usable like `chain` (their reads are recorded as `slug.field`).",
            ),
            h(
                "peers.slugs",
                "array of strings",
                "",
                &["get slugs(peers: Peers) -> Array"],
                "The members' slugs, sorted.",
            ),
            h(
                "peers.len()",
                "int",
                "len",
                &["len(peers: Peers) -> int"],
                "Number of member chains.",
            ),
            h(
                "peers.chain(\"slug\")",
                "chain or ()",
                "chain",
                &["chain(peers: Peers, slug: String) -> ?"],
                "One member by slug; `()` when it is not a member at this date.",
            ),
            h(
                "peers.without(chain)",
                "peers",
                "without",
                &["without(peers: Peers, chain: Chain) -> Peers"],
                "The members except that chain.",
            ),
            h(
                "peers.filter(\"field\", op, value)",
                "peers",
                "filter",
                &["filter(peers: Peers, field: String, op: String, value: ?) -> Peers"],
                "Members whose field satisfies `op value`; op is one of `==`, `!=`, `<`, `<=`, `>`, `>=`, `in` (value an array). A missing field never matches; comparing a field with a value of another type is an ERROR.",
            ),
            h(
                "peers.filter(|c| …)",
                "peers",
                "filter",
                &["filter(peers: Peers, predicate: FnPtr) -> Peers"],
                "Members for which the function returns true.",
            ),
            h(
                "peers.count(\"field\", op, value)",
                "int",
                "count",
                &["count(peers: Peers, field: String, op: String, value: ?) -> int"],
                "Number of members matching the condition (as in `filter`).",
            ),
            h(
                "peers.count(|c| …)",
                "int",
                "count",
                &["count(peers: Peers, predicate: FnPtr) -> int"],
                "Number of members for which the function returns true.",
            ),
            h(
                "peers.share(\"field\", op, value)",
                "float or ()",
                "share",
                &["share(peers: Peers, field: String, op: String, value: ?) -> ?"],
                "Matching members / all members, 0..1; `()` when there are no members.",
            ),
            h(
                "peers.share(|c| …)",
                "float or ()",
                "share",
                &["share(peers: Peers, predicate: FnPtr) -> ?"],
                "Share of members for which the function returns true.",
            ),
            h(
                "peers.mean(\"field\")",
                "float or ()",
                "mean",
                &["mean(peers: Peers, field: String) -> ?"],
                "Mean of the members' values of a number field; `()` when none has one.",
            ),
            h(
                "peers.median(\"field\")",
                "float or ()",
                "median",
                &["median(peers: Peers, field: String) -> ?"],
                "Median (mean of the middle two for an even count).",
            ),
            h(
                "peers.min(\"field\")",
                "float or ()",
                "min",
                &["min(peers: Peers, field: String) -> ?"],
                "Smallest value.",
            ),
            h(
                "peers.max(\"field\")",
                "float or ()",
                "max",
                &["max(peers: Peers, field: String) -> ?"],
                "Largest value.",
            ),
            h(
                "peers.sum(\"field\")",
                "float or ()",
                "sum",
                &["sum(peers: Peers, field: String) -> ?"],
                "Sum of the values.",
            ),
            h(
                "peers.percentile(chain, \"field\")",
                "float or ()",
                "percentile",
                &["percentile(peers: Peers, chain: Chain, field: String) -> ?"],
                "Percent of the other members with a value strictly lower than the chain's, 0..100 (the `_pctl` fields' convention). `()` when the chain or every other member lacks a value.",
            ),
            h(
                "peers.lead(chain, \"series\", \"low\"|\"high\", beat)",
                "#{dates, lead_dates, share, first, last, latest} or ()",
                "lead",
                &["lead(peers: Peers, chain: Chain, series: String, better: String, beat: ?) -> ?"],
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
                &["index$get$(params: Params, name: String) -> ?"],
                "Strings, ints, floats, bools, arrays (`[..]`) and tables (maps); TOML dates as strings.",
            ),
            h(
                "params.has(\"name\")",
                "bool",
                "has",
                &["has(params: Params, name: String) -> bool"],
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
                &["pass(reason: String) -> Map"],
                "The chain passes; `reason` is an analyst's sentence with its numbers.",
            ),
            h(
                "fail(reason)",
                "verdict",
                "fail",
                &["fail(reason: String) -> Map"],
                "The chain fails.",
            ),
            h(
                "fail(reason, hint)",
                "verdict",
                "fail",
                &["fail(reason: String, hint: String) -> Map"],
                "Fails, with what would have to change to pass (shown by `moat explain`).",
            ),
            h(
                "skip(reason)",
                "verdict",
                "skip",
                &["skip(reason: String) -> Map"],
                "The rule does not apply or the data is missing; SKIP does not count in the score.",
            ),
            h(
                "#{status: \"PASS\"|\"FAIL\"|\"SKIP\", reason: \"…\", hint: \"…\"}",
                "verdict",
                "",
                &[],
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
                &[
                    "usd(x: float) -> String",
                    "usd(x: int) -> String",
                    "usd(x: ()) -> String",
                ],
                "Money: $1.2B, $340M, $12.5K, $950, $0.0021.",
            ),
            h(
                "pct(x)",
                "string",
                "pct",
                &[
                    "pct(x: float) -> String",
                    "pct(x: int) -> String",
                    "pct(x: ()) -> String",
                ],
                "A fraction as a percent: 0.123 → 12%, 0.045 → 4.5%.",
            ),
            h(
                "signed_pct(x)",
                "string",
                "signed_pct",
                &[
                    "signed_pct(x: float) -> String",
                    "signed_pct(x: int) -> String",
                    "signed_pct(x: ()) -> String",
                ],
                "A change: 0.12 → +12%, -0.4 → -40%.",
            ),
            h(
                "num(x)",
                "string",
                "num",
                &[
                    "num(x: float) -> String",
                    "num(x: int) -> String",
                    "num(x: ()) -> String",
                ],
                "A readable number: 12,345; 87.5; 0.25; 3.4M.",
            ),
            h(
                "ordinal(x)",
                "string",
                "ordinal",
                &[
                    "ordinal(x: float) -> String",
                    "ordinal(x: int) -> String",
                    "ordinal(x: ()) -> String",
                ],
                "1 → 1st, 87.5 → 87th (percentiles, ranks).",
            ),
            h(
                "list(array)",
                "string",
                "list",
                &["list(items: Array) -> String"],
                "An English list: [\"a\", \"b\", \"c\"] → \"a, b and c\".",
            ),
            h(
                "join(array, separator)",
                "string",
                "join",
                &["join(items: Array, separator: String) -> String"],
                "The items joined with the separator.",
            ),
        ],
    },
];
