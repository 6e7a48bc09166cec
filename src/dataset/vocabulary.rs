//! The data's vocabulary, named once for every stage: the allowed values of each category
//! column, the event and link kinds, and the daily metrics. The validator accepts exactly
//! these; the feature stage compares against these constants (a typo in a comparison would
//! silently turn a feature into "no data"); the rule API documents them.

pub const LAYERS: &[&str] = &["L1", "L2", "L3"];
pub const CATEGORIES: &[&str] = &[
    "optimistic_rollup",
    "zk_rollup",
    "optimium",
    "validium",
    "other",
];
pub const DA: &[&str] = &[
    "ethereum_blobs",
    "ethereum_calldata",
    "ethereum",
    "celestia",
    "eigenda",
    "dac",
    "external",
];
pub const PROOF_SYSTEMS: &[&str] = &["fraud", "validity", "none", "other"];
pub const STAGES: &[&str] = &["0", "1", "2", "na", "under_review"];
pub const TOKEN_ORIGINS: &[&str] = &["chain", "builder", "shared", "app"];
pub const EVENT_KINDS: &[&str] = &[
    "mainnet_launch",
    "shutdown",
    "token_launch",
    "token_announced",
    "token_exploration",
    "no_token_statement",
    "token_observed",
    "stage_observed",
    "stage_change",
    "stack_observed",
    "stack_change",
    "da_observed",
    "da_change",
    "proof_system_observed",
    "proof_system_change",
    "superchain_join",
    "superchain_leave",
];
pub const LINK_KINDS: &[&str] = &[
    "launched_on",
    "spawned_token",
    "spawned_chain",
    "forked_to",
    "migrated_to",
    "integrated",
    "acquired",
];
pub const UNITS: &[&str] = &["USD", "addresses", "tx", "USD/tx", "Mgas/s"];

/// Daily metrics of `metrics_daily`, with their meaning: the validator accepts exactly these
/// names, and each becomes chain fields (`<metric>`, `<metric>_date`, `<metric>_pctl`).
pub const METRICS: &[(&str, &str)] = &[
    ("txcost_median_usd", "median transaction cost, USD per tx"),
    ("fees_paid_usd", "fees paid by users, USD per day"),
    ("txcount", "transactions per day"),
    ("daa", "daily active addresses"),
    ("onchain_profit_usd", "fees minus L1 rent, USD per day"),
    ("rent_paid_l1_usd", "rent paid to Ethereum L1, USD per day"),
    ("costs_l1_usd", "L1 costs, USD per day"),
    ("costs_total_usd", "total costs, USD per day"),
    ("throughput_mgas_per_s", "throughput, Mgas per second"),
    (
        "active_addresses_last7d",
        "active addresses over the last 7 days",
    ),
    (
        "app_fees_usd",
        "fees paid to apps on the chain, USD per day",
    ),
    ("fees_usd_artemis", "fees per Artemis, USD per day"),
    ("revenue_usd_artemis", "revenue per Artemis, USD per day"),
];

/// The unit a metric of [`METRICS`] is counted in (one of [`UNITS`]): a row of another unit
/// is warned about, since its value is read as if in this one.
pub fn metric_unit(metric: &str) -> Option<&'static str> {
    Some(match metric {
        "txcost_median_usd" => "USD/tx",
        "fees_paid_usd"
        | "onchain_profit_usd"
        | "rent_paid_l1_usd"
        | "costs_l1_usd"
        | "costs_total_usd"
        | "app_fees_usd"
        | "fees_usd_artemis"
        | "revenue_usd_artemis" => "USD",
        "txcount" => "tx",
        "daa" | "active_addresses_last7d" => "addresses",
        "throughput_mgas_per_s" => "Mgas/s",
        _ => return None,
    })
}

pub const MAINNET_LAUNCH: &str = "mainnet_launch";
pub const SHUTDOWN: &str = "shutdown";

pub const STAGE_OBSERVED: &str = "stage_observed";
pub const STAGE_CHANGE: &str = "stage_change";
/// Events that record a chain's L2BEAT stage (value = the stage).
pub const STAGE_KINDS: &[&str] = &[STAGE_OBSERVED, STAGE_CHANGE];

/// A source states the attribute's value at the event's date (e.g. at launch)...
pub const STACK_OBSERVED: &str = "stack_observed";
pub const DA_OBSERVED: &str = "da_observed";
pub const PROOF_SYSTEM_OBSERVED: &str = "proof_system_observed";
/// ... or dates a change to the value. Both are observations: the value is known from the
/// event's date on.
pub const STACK_CHANGE: &str = "stack_change";
pub const DA_CHANGE: &str = "da_change";
pub const PROOF_SYSTEM_CHANGE: &str = "proof_system_change";
/// Events that record the chain's stack, DA and proof system (value = the attribute's value).
pub const STACK_KINDS: &[&str] = &[STACK_OBSERVED, STACK_CHANGE];
pub const DA_KINDS: &[&str] = &[DA_OBSERVED, DA_CHANGE];
pub const PROOF_SYSTEM_KINDS: &[&str] = &[PROOF_SYSTEM_OBSERVED, PROOF_SYSTEM_CHANGE];

pub const SUPERCHAIN_JOIN: &str = "superchain_join";
pub const SUPERCHAIN_LEAVE: &str = "superchain_leave";

pub const TOKEN_LAUNCH: &str = "token_launch";
pub const TOKEN_OBSERVED: &str = "token_observed";
pub const TOKEN_ANNOUNCED: &str = "token_announced";
pub const TOKEN_EXPLORATION: &str = "token_exploration";
pub const NO_TOKEN_STATEMENT: &str = "no_token_statement";
/// Events that show a token trading or listed (value = symbol).
pub const TOKEN_LIVE_KINDS: &[&str] = &[TOKEN_LAUNCH, TOKEN_OBSERVED];
/// Every token event, live or not.
pub const TOKEN_KINDS: &[&str] = &[
    TOKEN_LAUNCH,
    TOKEN_OBSERVED,
    TOKEN_ANNOUNCED,
    TOKEN_EXPLORATION,
    NO_TOKEN_STATEMENT,
];

/// Links that record something born in an ecosystem: a token, or a chain.
pub const SPAWNED_TOKEN: &str = "spawned_token";
pub const SPAWNED_CHAIN: &str = "spawned_chain";

/// The `layer` value of context chains, which are never screened.
pub const LAYER_L1: &str = "L1";
pub const LAYER_L3: &str = "L3";
/// The `stack` value meaning "a stack of its own" (normalised to the chain's slug).
pub const OWN_STACK: &str = "own";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_a_unit_of_the_units() {
        for (metric, _) in METRICS {
            let unit = metric_unit(metric);
            assert!(
                unit.is_some_and(|u| UNITS.contains(&u)),
                "{metric}: {unit:?}"
            );
        }
    }
}
