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

/// Names analysts know from other tools (pandas, SQL, spreadsheets) and the helper that does
/// that job here: a rule calling `quantile` is told about `percentile`.
pub const ALIASES: &[(&str, &str)] = &[
    ("quantile", "percentile"),
    ("percentile_rank", "percentile"),
    ("rank", "percentile"),
    ("avg", "mean"),
    ("average", "mean"),
    ("select", "filter"),
    ("count_if", "count"),
    ("countif", "count"),
    ("size", "len"),
    ("length", "len"),
    ("except", "without"),
    ("exclude", "without"),
    ("argmax", "top"),
    ("idxmax", "top"),
    ("max_by", "top"),
    ("argmin", "bottom"),
    ("idxmin", "bottom"),
    ("min_by", "bottom"),
    ("value_at", "value_on"),
    ("asof", "value_on"),
    ("at_date", "value_on"),
    ("pct_change", "change"),
    ("history", "series"),
    ("parse_date", "date"),
    ("to_date", "date"),
];

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
                "float, int, string, bool, date or ()",
                "",
                &["index$get$(chain: Chain, field: String) -> ?"],
                "The field's value (see the field list). A date field reads as a date (see dates), which prints as \"YYYY-MM-DD\"; a missing value is `()`. An unknown field name is an ERROR with a suggestion (\"did you mean `tvl_usd`?\"). Using a missing value in arithmetic or an ordering comparison is an ERROR that names the field: test with `chain.has(..)` first.",
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
                "chain.value_on(\"series\", date)",
                "float or ()",
                "value_on",
                &["value_on(chain: Chain, series: String, date: ?) -> ?"],
                "The series' value on `date` (a date or a \"YYYY-MM-DD\" string), or at its last point before it; `()` when it has no point on or before that date. Each metric field's own date is its `<metric>_date` field.",
            ),
            h(
                "chain.aligned([\"a\", \"b\", …])",
                "#{date, values: #{a, b, …}} or ()",
                "aligned",
                &["aligned(chain: Chain, series: Array) -> ?"],
                "The latest date on which every one of the series has a point, with their values that day: divide two metrics read this way and the ratio is of one day (the latest values of two metrics are often of different days). `()` when they share no date.",
            ),
            h(
                "chain.links()",
                "array of link maps",
                "links",
                &["links(chain: Chain) -> Array"],
                "The ecosystem link facts that touch the chain at the as-of date, oldest first, each `#{date, kind, from_project, from_chain, to_project, to_chain, ecosystem, note, sources, flags, outgoing, incoming, born_here}`: `from_chain`/`to_chain` are the chains the two projects live on (`()` when none), `ecosystem` the chain the fact is credited to, `outgoing`/`incoming` whether this chain is the `from_chain`/`to_chain`, `born_here` whether it is the `ecosystem`.",
            ),
            h(
                "chain.links(\"kind\")",
                "array of link maps",
                "links",
                &["links(chain: Chain, kind: String) -> Array"],
                "Those of one kind (`spawned_token`, `spawned_chain`, …; an unknown kind is an ERROR with the list).",
            ),
            h(
                "chain.provenance(\"field\")",
                "#{date, source, flags} or ()",
                "provenance",
                &["provenance(chain: Chain, field: String) -> ?"],
                "Where a field's value comes from: the dated observation's date, its source key (the dataset's sources table) and that source's quality flags (`PROXY`, `DOUBTFUL`, `WEAK SOURCE`, `CONFLICT`), so a reason can word a weak fact as a report rather than a fact. `()` for a field no dated observation gives (TVL, ranks, counts).",
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
                "date",
                "",
                &["get as_of(peers: Peers) -> Date"],
                "The as-of date.",
            ),
            h(
                "peers.tvl_week",
                "date or ()",
                "",
                &["get tvl_week(peers: Peers) -> ?"],
                "The TVL week ranks and shares are taken at.",
            ),
            h(
                "peers.window_weeks",
                "int",
                "",
                &["get window_weeks(peers: Peers) -> int"],
                "The weeks of the leadership window that hold TVL data: its length (screen.toml's `window_weeks`) once the data is that long, fewer before; the same as every chain's `window_weeks`, and the weeks `leaders` lists.",
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
                "The same history as uninterrupted runs of one leader. As evidence (also of `peers.leaders`) it reads `arbitrum 33 weeks to 2024-12-08; base 71 weeks to 2026-04-19`; a history too long for an evidence value (80 bytes) keeps its latest runs and counts the others in front (`3 earlier runs; …`).",
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
                "Members whose field satisfies `op value`; op is one of `==`, `!=`, `<`, `<=`, `>`, `>=`, `in` (value an array). A date field compares with a date or a \"YYYY-MM-DD\" string. A missing field never matches; comparing a field with a value of another type is an ERROR.",
            ),
            h(
                "peers.filter(\"field\", \"has\"|\"missing\")",
                "peers",
                "filter",
                &["filter(peers: Peers, field: String, op: String) -> Peers"],
                "Members that have a value of the field (`\"has\"`), or lack one (`\"missing\"`): `peers.filter(\"txcost_median_usd\", \"has\")` is the set a median of that field is taken over, so counts and medians agree.",
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
                "peers.count(\"field\", \"has\"|\"missing\")",
                "int",
                "count",
                &["count(peers: Peers, field: String, op: String) -> int"],
                "Number of members with (without) a value of the field.",
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
                "peers.share(\"field\", \"has\"|\"missing\")",
                "float or ()",
                "share",
                &["share(peers: Peers, field: String, op: String) -> ?"],
                "Share of members with (without) a value of the field: the data's coverage.",
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
                "peers.percentile(chain, \"field\", \"below\"|\"above\")",
                "float or ()",
                "percentile",
                &["percentile(peers: Peers, chain: Chain, field: String, side: String) -> ?"],
                "Percent of the other members strictly below (`\"below\"`, as above) or strictly above (`\"above\"`) the chain's value: \"cheaper than X% of peers\" is `peers.percentile(chain, \"txcost_median_usd\", \"above\")`.",
            ),
            h(
                "peers.top(\"field\")",
                "chain or ()",
                "top",
                &["top(peers: Peers, field: String) -> ?"],
                "The member holding the largest value of a number field (the first by slug on a tie), usable like `chain`; `()` when no member has a value.",
            ),
            h(
                "peers.bottom(\"field\")",
                "chain or ()",
                "bottom",
                &["bottom(peers: Peers, field: String) -> ?"],
                "The member holding the smallest value.",
            ),
            h(
                "peers.lead(chain, \"series\", \"low\"|\"high\", beat)",
                "#{dates, lead_dates, share, first, last, latest} or ()",
                "lead",
                &["lead(peers: Peers, chain: Chain, series: String, better: String, beat: ?) -> ?"],
                "How persistent a lead is: on every date the chain and at least one other member have a point of the series, the percent of those members it beats (with \"low\", a lower value beats). `dates` compared, `lead_dates` where it beat at least `beat` percent (0 to 100; another `beat` is an ERROR), `share` = lead_dates / dates, `latest` = percent beaten on the last date; `first` and `last` are dates. `()` when there is no date to compare.",
            ),
            h(
                "peers.lead(chain, \"series\", \"low\"|\"high\", beat, #{weeks: N})  or  #{since: date}",
                "#{dates, lead_dates, share, first, last, latest} or ()",
                "lead",
                &[
                    "lead(peers: Peers, chain: Chain, series: String, better: String, beat: ?, window: Map) -> ?",
                ],
                "The same over a look-back window: the dates of the last N weeks up to the as-of date (`#{weeks: 26}`), or the dates on or after a date (`#{since: date(\"2025-01-01\")}` or a \"YYYY-MM-DD\" string).",
            ),
        ],
    },
    Section {
        title: "dates",
        intro: "Date fields (`launch_date`, `token_date`, `tvl_date`, each metric's `<metric>_date`, …), `peers.as_of`, series points, leaders, link dates and `lead`'s `first`/`last` are dates. A date prints as \"YYYY-MM-DD\" (so `${chain.token_date}` reads as before; inside a printed array or map, where a string shows its quotes, a date shows as `date(\"YYYY-MM-DD\")`, and `list(..)`/`join(..)` write it plain), compares with a date or a \"YYYY-MM-DD\" string (`chain.launch_date < \"2023-01-01\"`), and `==`/`!=` with `()`. Mixing a date with a number (`chain.launch_date > 2023`, `date + 1.5`) is an ERROR that says so, as is ordering a date against a missing value.",
        helpers: &[
            h(
                "date(\"YYYY-MM-DD\")",
                "date",
                "date",
                &["date(text: String) -> Date"],
                "A date from its text; anything but a real `YYYY-MM-DD` date is an ERROR.",
            ),
            h(
                "d.year  d.month  d.day",
                "int",
                "",
                &[
                    "get year(date: Date) -> int",
                    "get month(date: Date) -> int",
                    "get day(date: Date) -> int",
                ],
                "The date's parts.",
            ),
            h(
                "d.add_days(n)",
                "date",
                "add_days",
                &["add_days(date: Date, days: int) -> Date"],
                "The date `n` days later (earlier for a negative `n`); also `d + n` and `d - n`.",
            ),
            h(
                "d.add_weeks(n)",
                "date",
                "add_weeks",
                &["add_weeks(date: Date, weeks: int) -> Date"],
                "The date `n` weeks later (earlier for a negative `n`).",
            ),
            h(
                "days_between(a, b)",
                "int",
                "days_between",
                &[
                    "days_between(from: Date, to: Date) -> int",
                    "days_between(from: Date, to: String) -> int",
                    "days_between(from: String, to: Date) -> int",
                ],
                "Days from `a` to `b`, negative when `b` is earlier; also `b - a`. One of the two may be a \"YYYY-MM-DD\" string.",
            ),
            h(
                "d.to_string()",
                "string",
                "to_string",
                &["to_string(date: Date) -> String"],
                "\"YYYY-MM-DD\".",
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
                "The same as a map (`hint` optional, and only on a FAIL: a PASS or SKIP with a hint is an ERROR).",
            ),
        ],
    },
    Section {
        title: "formatting",
        intro: "Text for reasons. The number formatters take an int, a float or `()` (which formats as \"n/a\"); a magnitude past a million trillion is written in scientific notation (1.7e308), and so is an amount or number below a millionth (1e-9; a percent that small rounds to 0%).",
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
                "The items joined with the separator. In both, each item is written as `${item}` writes it (a date as YYYY-MM-DD, a chain as its slug).",
            ),
            h(
                "e.to_string()",
                "string",
                "to_string",
                &["to_string(error: Error) -> String"],
                "The message of an error of the rule API caught with `try { … } catch (e) { … }` (also what `${e}` and `print(e)` write; `type_of(e)` is \"Error\"). An error of the language itself caught so (a function or operator not found for its arguments, as for a missing value in `+`; an index out of bounds) is a map instead, as rhai makes it: `e.message` is rhai's own message (`Function not found: + ((), i64)`), with `e.error`, `e.line` and `e.position`; left uncaught, the same error is an ERROR verdict with moat's message, which names the missing field.",
            ),
        ],
    },
];

/// The function an unknown name most likely meant: the helper whose job the name has in other
/// tools (`quantile` → `percentile`), else the closest name among the methods of the receiver's
/// type when it is known (`Peers`, `Chain`, …), else among `known` (every function a rule can
/// call).
pub fn closest_function<'a>(
    name: &str,
    receiver: Option<&str>,
    known: &'a std::collections::BTreeSet<String>,
) -> Option<&'a str> {
    if let Some((_, to)) = ALIASES.iter().find(|(from, _)| *from == name) {
        return known.get(*to).map(String::as_str);
    }
    let methods: Vec<&str> = REFERENCE
        .iter()
        .flat_map(|s| s.helpers)
        .filter(|h| {
            h.forms.iter().any(|f| {
                f.split_once('(')
                    .and_then(|(_, params)| params.split([',', ')']).next())
                    .and_then(|first| first.split_once(':'))
                    .is_some_and(|(_, t)| Some(t.trim()) == receiver)
            })
        })
        .map(|h| h.registered)
        .filter(|r| !r.is_empty())
        .collect();
    crate::diagnostics::did_you_mean(name, methods.iter().copied())
        .and_then(|m| known.get(m).map(String::as_str))
        .or_else(|| crate::diagnostics::did_you_mean(name, known.iter().map(String::as_str)))
}

/// How the helper `name` is written, from the reference: ` (written peers.percentile(chain,
/// "field") or …)`; empty for a function that is not one of the rule API's.
pub fn written(name: &str) -> String {
    let forms: Vec<&str> = REFERENCE
        .iter()
        .flat_map(|s| s.helpers)
        .filter(|h| h.registered == name)
        .map(|h| h.signature)
        .collect();
    if forms.is_empty() {
        String::new()
    } else {
        format!(" (written {})", forms.join(" or "))
    }
}
