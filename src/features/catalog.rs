//! The chain fields a rule can read: name, type and meaning. This list is the contract between
//! the feature stage (which must produce every field for every chain, `Missing` where the data
//! says nothing) and the rule API (`moat rules doc`, "did you mean", README reference).

use crate::dataset::vocabulary::METRICS;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Bool,
    Int,
    Num,
    Text,
    Date,
}

impl Kind {
    /// The type name a rule author sees (Rhai's names: dates reach rules as `"YYYY-MM-DD"` strings).
    pub fn rhai_name(self) -> &'static str {
        match self {
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Num => "float",
            Kind::Text => "string",
            Kind::Date => "date string",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Field {
    pub name: String,
    pub kind: Kind,
    pub meaning: String,
}

/// How old (in days before the as-of date) a daily metric or speed observation may be and
/// still count as the chain's current value.
pub const METRIC_MAX_AGE_DAYS: i64 = 366;

const STATIC: &[(&str, Kind, &str)] = &[
    ("slug", Kind::Text, "the chain's id (L2BEAT slug)"),
    ("name", Kind::Text, "display name"),
    (
        "layer",
        Kind::Text,
        "`L2` or `L3`; missing when the sources do not say",
    ),
    (
        "host",
        Kind::Text,
        "the chain it settles on (`ethereum` for L2s, an L2's slug for L3s)",
    ),
    (
        "category",
        Kind::Text,
        "`optimistic_rollup`, `zk_rollup`, `optimium`, `validium` or `other` (L2BEAT)",
    ),
    ("raas", Kind::Text, "rollup-as-a-service provider"),
    (
        "launch_date",
        Kind::Date,
        "mainnet launch date (event, else chains file)",
    ),
    (
        "stage",
        Kind::Text,
        "L2BEAT stage at the as-of date: `0`, `1`, `2`, `na`, `under_review`",
    ),
    (
        "stage_date",
        Kind::Date,
        "date of the stage observation used",
    ),
    (
        "stack",
        Kind::Text,
        "software stack at the as-of date (`op_stack`, `arbitrum_orbit`, …; the chain's own slug when it runs a stack of its own)",
    ),
    (
        "stack_family_size",
        Kind::Int,
        "chains in the universe sharing this chain's stack at the as-of date, itself included",
    ),
    (
        "da",
        Kind::Text,
        "data availability at the as-of date: `ethereum_blobs`, `ethereum_calldata`, `ethereum`, `celestia`, `eigenda`, `dac`, `external`",
    ),
    (
        "proof_system",
        Kind::Text,
        "proof system at the as-of date: `fraud`, `validity`, `none`, `other`",
    ),
    (
        "superchain",
        Kind::Bool,
        "member of the OP Superchain registry at the as-of date",
    ),
    (
        "token",
        Kind::Text,
        "symbol of the chain's token seen live on or before the as-of date",
    ),
    (
        "token_origin",
        Kind::Text,
        "whose token it is: `chain` (its own), `builder` (the builder's, predating the chain), `shared` (another chain's), `app` (born in an ecosystem app)",
    ),
    (
        "token_status",
        Kind::Text,
        "latest token fact on or before the as-of date: `live`, `announced`, `exploring`, `none` (a dated statement that there is no token)",
    ),
    (
        "token_date",
        Kind::Date,
        "date of the token fact behind `token_status`",
    ),
    (
        "tvl_usd",
        Kind::Num,
        "latest DefiLlama TVL on or before the as-of date, USD",
    ),
    ("tvl_date", Kind::Date, "date of `tvl_usd`"),
    (
        "tvl_age_days",
        Kind::Int,
        "days from `tvl_date` to the as-of date: how stale the TVL is",
    ),
    (
        "tvl_weeks",
        Kind::Int,
        "weekly TVL points on or before the as-of date",
    ),
    (
        "tvl_rank",
        Kind::Int,
        "rank by TVL among all chains with a point in the reference week (1 = largest)",
    ),
    (
        "tvl_share",
        Kind::Num,
        "share of total L2/L3 TVL in the reference week, 0..1",
    ),
    (
        "tvl_change_4w",
        Kind::Num,
        "relative TVL change over 4 weeks (0.1 = +10%)",
    ),
    (
        "tvl_change_13w",
        Kind::Num,
        "relative TVL change over 13 weeks",
    ),
    (
        "tvl_change_52w",
        Kind::Num,
        "relative TVL change over 52 weeks",
    ),
    (
        "window_weeks",
        Kind::Int,
        "weeks of the leadership window ending at the reference week that have TVL data (of any chain: the same for every chain, the window's length once the data is that long; the chain's own weeks with a point are `tvl_weeks` at most)",
    ),
    (
        "lead_weeks",
        Kind::Int,
        "weeks in the window this chain ranked #1 by TVL",
    ),
    (
        "leader_changes",
        Kind::Int,
        "times the #1 chain changed within the window (same for every chain)",
    ),
    ("best_rank", Kind::Int, "best weekly TVL rank in the window"),
    (
        "worst_rank",
        Kind::Int,
        "worst weekly TVL rank in the window",
    ),
    (
        "rank_changes",
        Kind::Int,
        "weeks in the window where this chain's rank differed from the week before",
    ),
    (
        "l3_count",
        Kind::Int,
        "L3s hosted by this chain that exist at the as-of date",
    ),
    (
        "links_out",
        Kind::Int,
        "ecosystem link facts starting on this chain (`from_chain`: the home chain of the project that made the link)",
    ),
    (
        "links_in",
        Kind::Int,
        "ecosystem link facts arriving on this chain (`to_chain`: launches, migrations, forks, tokens onto it)",
    ),
    (
        "spawned",
        Kind::Int,
        "tokens and chains born in this chain's ecosystem, each fact once: tokens issued on it (`spawned_token` with `to_chain` = it) and chains that settle on it (`spawned_chain` whose new chain's host is it)",
    ),
    (
        "block_time_s",
        Kind::Num,
        "block time in seconds: the latest observation, preferring rows not flagged PROXY, DOUBTFUL or WEAK SOURCE",
    ),
    (
        "block_time_date",
        Kind::Date,
        "date of the `block_time_s` observation",
    ),
    (
        "block_time_age_days",
        Kind::Int,
        "days from `block_time_date` to the as-of date",
    ),
    (
        "block_time_pctl",
        Kind::Num,
        "percentile of `block_time_s` among peers with a value",
    ),
    (
        "preconf_latency_ms",
        Kind::Num,
        "preconfirmation latency in milliseconds: the latest observation, preferring rows not flagged PROXY, DOUBTFUL or WEAK SOURCE",
    ),
    (
        "preconf_latency_date",
        Kind::Date,
        "date of the `preconf_latency_ms` observation",
    ),
    (
        "preconf_latency_age_days",
        Kind::Int,
        "days from `preconf_latency_date` to the as-of date",
    ),
    (
        "preconf_latency_pctl",
        Kind::Num,
        "percentile of `preconf_latency_ms` among peers with a value",
    ),
    (
        "speed_date",
        Kind::Date,
        "`block_time_date`, else `preconf_latency_date`",
    ),
];

/// Every chain field, in documentation order (built once).
/// The values a text field can hold when the data fixes them (a category of the chains table,
/// a token status); `None` for free text and for the stack (any slug of a stack family).
pub fn vocabulary(field: &str) -> Option<&'static [&'static str]> {
    use crate::dataset::vocabulary::{
        CATEGORIES, DA, LAYERS, PROOF_SYSTEMS, STAGES, TOKEN_ORIGINS,
    };
    Some(match field {
        "layer" => LAYERS,
        "category" => CATEGORIES,
        "da" => DA,
        "proof_system" => PROOF_SYSTEMS,
        "stage" => STAGES,
        "token_origin" => TOKEN_ORIGINS,
        "token_status" => TOKEN_STATUSES,
        _ => return None,
    })
}

/// What `token_status` can be.
pub const TOKEN_STATUSES: &[&str] = &["live", "announced", "exploring", "none"];

pub fn fields() -> &'static [Field] {
    static FIELDS: std::sync::OnceLock<Vec<Field>> = std::sync::OnceLock::new();
    FIELDS.get_or_init(build)
}

/// A chain's row before any value is known: every field, missing (built once; a universe
/// clones it per chain).
pub fn empty_row() -> &'static std::collections::BTreeMap<super::universe::FieldName, super::Value>
{
    type Row = std::collections::BTreeMap<super::universe::FieldName, super::Value>;
    static ROW: std::sync::OnceLock<Row> = std::sync::OnceLock::new();
    ROW.get_or_init(|| {
        fields()
            .iter()
            .map(|f| (f.name.as_str().into(), super::Value::Missing))
            .collect()
    })
}

fn build() -> Vec<Field> {
    let mut out: Vec<Field> = STATIC
        .iter()
        .map(|(n, k, m)| Field {
            name: n.to_string(),
            kind: *k,
            meaning: m.to_string(),
        })
        .collect();
    for (metric, meaning) in METRICS {
        out.push(Field {
            name: metric.to_string(),
            kind: Kind::Num,
            meaning: format!(
                "{meaning}: the latest daily value no older than {METRIC_MAX_AGE_DAYS} days"
            ),
        });
        out.push(Field {
            name: format!("{metric}_date"),
            kind: Kind::Date,
            meaning: format!("date of `{metric}`"),
        });
        out.push(Field {
            name: format!("{metric}_age_days"),
            kind: Kind::Int,
            meaning: format!("days from `{metric}_date` to the as-of date"),
        });
        out.push(Field {
            name: format!("{metric}_pctl"),
            kind: Kind::Num,
            meaning: format!("percentile of `{metric}` among peers with a value"),
        });
    }
    out
}

/// Percentile convention used by every `_pctl` field and the `percentile` helper: the percent
/// of the *other* chains with a value that is strictly lower than this chain's, 0..100.
/// Missing when no other chain has a value.
pub fn percentile(x: f64, others: &[f64]) -> Option<f64> {
    if others.is_empty() {
        return None;
    }
    let below = others.iter().filter(|o| **o < x).count();
    Some(100.0 * below as f64 / others.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_unique() {
        let f = fields();
        let mut names: Vec<&str> = f.iter().map(|f| f.name.as_str()).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len());
    }

    #[test]
    fn percentile_counts_strictly_lower_others() {
        assert_eq!(percentile(5.0, &[1.0, 5.0, 9.0, 2.0]), Some(50.0));
        assert_eq!(percentile(0.5, &[1.0]), Some(0.0));
        assert_eq!(percentile(1.0, &[]), None);
    }
}
