//! The small in-memory dataset every feature test runs on: six screened chains and one L1
//! context chain, six TVL weeks, a few events, links, metrics and speed rows, each chosen so
//! that the expected answer of every test can be worked out by hand (the tests do so in
//! comments next to their assertions). Frames have exactly the dtypes `Dataset` documents.
//!
//! Chains: `alpha` (L2, OP stack, launched 2023-01-01), `beta` (L2, stack `own`, launched
//! 2023-06-01), `gamma` (L3 hosted by alpha, evidenced by a stage event 2024-01-12), `delta`
//! (L2, evidenced by its chains-row stage_asof 2024-04-15, launch_date 2024-05-01), `omega`
//! (L2, evidenced by its first TVL point 2024-01-07, shut down 2024-02-01), `zeta` (layer
//! unknown, mainnet_launch event 2023-03-01) and `eth` (L1 context). Vintage 2024-06-30.
//!
//! TVL (weeks end Sunday; W1 = 2024-01-07 … W6 = 2024-02-11):
//!
//! | chain | 2023-02-12 | W1 01-07 | W2 01-14 | W3 01-21 | W4 01-28 | W5 02-04 | W6 02-11 |
//! |-------|-----|------|------|------|------|------|------|
//! | alpha | 60  | 100  | 100  | 90   | 80   | 80   | 120  |
//! | beta  |     | 50   | 100  | 95   | 85   | 90   | 110  |
//! | gamma |     |      | 0    | 5    | 82   |      | 10   |
//! | omega |     | 30   | 30   | 30   | 30   |      |      |
//! | eth   |     | 1000 | 1000 | 1000 | 1000 | (02-10: 1000) |  |

use crate::dataset::{Dataset, Manifest};
use chrono::NaiveDate;
use polars::prelude::*;
use std::path::PathBuf;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

fn od(s: Option<&str>) -> Option<NaiveDate> {
    s.map(d)
}

fn odates(v: &[Option<&str>]) -> Vec<Option<NaiveDate>> {
    v.iter().map(|s| od(*s)).collect()
}

/// date, from_project, from_chain, to_project, to_chain, kind
type LinkRow = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
    &'static str,
);
/// chain, block_time_s, preconf_latency_ms, asof
type SpeedRow = (&'static str, Option<f64>, Option<f64>, Option<&'static str>);

pub fn fixture() -> Dataset {
    let chains = df!(
        "slug" => ["eth", "alpha", "beta", "gamma", "delta", "omega", "zeta"],
        "name" => ["Ethereum", "Alpha", "Beta", "Gamma", "Delta", "Omega", "Zeta"],
        "layer" => [Some("L1"), Some("L2"), Some("L2"), Some("L3"), Some("L2"), Some("L2"), None],
        "host" => [None, Some("eth"), Some("eth"), Some("alpha"), Some("eth"), Some("eth"), None],
        "category" => [None, Some("optimistic_rollup"), Some("zk_rollup"), Some("optimium"), Some("validium"), Some("optimistic_rollup"), None],
        "stack" => [None, Some("op_stack"), Some("own"), Some("op_stack"), None, Some("op_stack"), Some("zk_stack")],
        "da" => [None, Some("ethereum_blobs"), Some("celestia"), None, Some("dac"), None, None],
        "proof_system" => [None, Some("fraud"), Some("validity"), None, Some("validity"), None, Some("validity")],
        "stage" => [None, Some("0"), Some("1"), None, Some("0"), None, None],
        "stage_asof" => odates(&[None, Some("2024-03-01"), Some("2024-03-01"), None, Some("2024-04-15"), None, None]),
        "token" => [None, Some("ALP"), None, None, None, None, Some("ZET")],
        "token_origin" => [None, Some("chain"), None, None, None, None, None],
        "launch_date" => odates(&[None, Some("2023-01-01"), Some("2023-06-01"), None, Some("2024-05-01"), None, Some("2023-04-01")]),
        "raas" => [None, None, Some("conduit"), Some("caldera"), None, None, None],
        "superchain_2024" => [None, Some(true), Some(false), Some(true), Some(true), None, None],
        "tvs_usd_2024_11_09" => [None, Some(1.0e9), None, None, None, None, None],
        "defillama_name" => [Some("Ethereum"), Some("Alpha"), Some("Beta"), Some("Gamma"), None, Some("Omega"), None],
        "l2beat_id" => [None, Some("alpha"), Some("beta"), Some("gamma"), Some("delta"), Some("omega"), None],
        "sources" => ["s", "s", "s", "s", "s", "s", "s"],
        "notes" => [None::<&str>, None, None, None, None, None, None],
    )
    .expect("chains");

    let tvl_rows: &[(&str, &str, f64)] = &[
        ("alpha", "2023-02-12", 60.0),
        ("alpha", "2024-01-07", 100.0),
        ("alpha", "2024-01-14", 100.0),
        ("alpha", "2024-01-21", 90.0),
        ("alpha", "2024-01-28", 80.0),
        ("alpha", "2024-02-04", 80.0),
        ("alpha", "2024-02-11", 120.0),
        ("beta", "2024-01-07", 50.0),
        ("beta", "2024-01-14", 100.0),
        ("beta", "2024-01-21", 95.0),
        ("beta", "2024-01-28", 85.0),
        ("beta", "2024-02-04", 90.0),
        ("beta", "2024-02-11", 110.0),
        ("eth", "2024-01-07", 1000.0),
        ("eth", "2024-01-14", 1000.0),
        ("eth", "2024-01-21", 1000.0),
        ("eth", "2024-01-28", 1000.0),
        ("eth", "2024-02-10", 1000.0),
        ("gamma", "2024-01-14", 0.0),
        ("gamma", "2024-01-21", 5.0),
        ("gamma", "2024-01-28", 82.0),
        ("gamma", "2024-02-11", 10.0),
        ("omega", "2024-01-07", 30.0),
        ("omega", "2024-01-14", 30.0),
        ("omega", "2024-01-21", 30.0),
        ("omega", "2024-01-28", 30.0),
    ];
    let tvl = df!(
        "date" => tvl_rows.iter().map(|r| d(r.1)).collect::<Vec<_>>(),
        "chain" => tvl_rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "tvl_usd" => tvl_rows.iter().map(|r| r.2).collect::<Vec<_>>(),
    )
    .expect("tvl");

    let ev: &[(&str, &str, &str, Option<&str>)] = &[
        ("2023-03-01", "alpha", "token_announced", Some("ALP")),
        ("2023-03-01", "zeta", "mainnet_launch", None),
        ("2023-05-01", "zeta", "token_observed", Some("ZET")),
        ("2023-06-01", "alpha", "superchain_join", None),
        ("2023-08-01", "beta", "no_token_statement", None),
        ("2023-09-01", "alpha", "token_launch", Some("ALP")),
        ("2023-12-01", "beta", "stage_observed", Some("0")),
        ("2024-01-10", "alpha", "token_observed", Some("ALP2")),
        ("2024-01-12", "gamma", "stage_observed", Some("na")),
        ("2024-02-01", "beta", "da_change", Some("celestia")),
        ("2024-02-01", "beta", "token_exploration", None),
        ("2024-02-01", "omega", "shutdown", None),
        ("2024-03-01", "beta", "stage_observed", Some("under_review")),
        ("2024-04-01", "alpha", "superchain_leave", None),
        ("2024-05-01", "alpha", "superchain_join", None),
        ("2024-05-15", "beta", "stack_change", Some("op_stack")),
        ("2024-06-01", "alpha", "stage_change", Some("1")),
        (
            "2024-06-30",
            "zeta",
            "proof_system_change",
            Some("validity"),
        ),
    ];
    let events = df!(
        "date" => ev.iter().map(|r| d(r.0)).collect::<Vec<_>>(),
        "chain" => ev.iter().map(|r| r.1).collect::<Vec<_>>(),
        "kind" => ev.iter().map(|r| r.2).collect::<Vec<_>>(),
        "value" => ev.iter().map(|r| r.3).collect::<Vec<_>>(),
        "note" => ev.iter().map(|_| None::<&str>).collect::<Vec<_>>(),
        "source" => ev.iter().map(|_| "s").collect::<Vec<_>>(),
    )
    .expect("events");

    let lk: &[LinkRow] = &[
        (
            "2023-10-01",
            "App1",
            Some("alpha"),
            "App1",
            Some("alpha"),
            "launched_on",
        ),
        (
            "2023-11-01",
            "App2",
            Some("alpha"),
            "TokenX",
            Some("alpha"),
            "spawned_token",
        ),
        (
            "2023-12-01",
            "App6",
            None,
            "App6",
            Some("beta"),
            "launched_on",
        ),
        (
            "2024-01-20",
            "App3",
            Some("alpha"),
            "GammaChain",
            Some("gamma"),
            "spawned_chain",
        ),
        (
            "2024-02-15",
            "App5",
            Some("eth"),
            "App5",
            Some("beta"),
            "forked_to",
        ),
        (
            "2024-03-01",
            "App4",
            Some("beta"),
            "App4",
            Some("alpha"),
            "migrated_to",
        ),
    ];
    let links = df!(
        "date" => lk.iter().map(|r| d(r.0)).collect::<Vec<_>>(),
        "from_project" => lk.iter().map(|r| r.1).collect::<Vec<_>>(),
        "from_chain" => lk.iter().map(|r| r.2).collect::<Vec<_>>(),
        "to_project" => lk.iter().map(|r| r.3).collect::<Vec<_>>(),
        "to_chain" => lk.iter().map(|r| r.4).collect::<Vec<_>>(),
        "kind" => lk.iter().map(|r| r.5).collect::<Vec<_>>(),
        "note" => lk.iter().map(|_| None::<&str>).collect::<Vec<_>>(),
        "sources" => lk.iter().map(|_| "s").collect::<Vec<_>>(),
    )
    .expect("links");

    let mt: &[(&str, &str, &str, f64)] = &[
        ("2023-02-09", "gamma", "txcount", 300.0),
        ("2023-02-10", "zeta", "txcount", 700.0),
        ("2024-01-01", "alpha", "fees_paid_usd", 10.0),
        ("2024-02-01", "beta", "txcount", 500.0),
        ("2024-02-03", "alpha", "txcount", 900.0),
        ("2024-02-10", "alpha", "txcount", 1000.0),
        ("2024-02-10", "eth", "txcount", 100000.0),
        ("2024-02-12", "alpha", "txcount", 5000.0),
    ];
    let metrics = df!(
        "date" => mt.iter().map(|r| d(r.0)).collect::<Vec<_>>(),
        "chain" => mt.iter().map(|r| r.1).collect::<Vec<_>>(),
        "metric" => mt.iter().map(|r| r.2).collect::<Vec<_>>(),
        "value" => mt.iter().map(|r| r.3).collect::<Vec<_>>(),
        "unit" => mt.iter().map(|_| "u").collect::<Vec<_>>(),
        "source" => mt.iter().map(|_| "s").collect::<Vec<_>>(),
    )
    .expect("metrics");

    let sp: &[SpeedRow] = &[
        ("alpha", Some(2.0), None, Some("2024-01-01")),
        ("alpha", Some(1.0), Some(200.0), Some("2024-01-01")),
        ("alpha", Some(0.5), None, Some("2024-03-01")),
        ("beta", None, Some(100.0), Some("2024-02-01")),
        ("beta", Some(0.25), None, None),
        ("gamma", Some(2.0), None, Some("2023-01-01")),
        ("zeta", Some(3.0), None, Some("2023-06-01")),
        ("zeta", Some(1.0), None, Some("2023-12-01")),
        ("eth", Some(12.0), None, Some("2024-01-01")),
    ];
    let speed = df!(
        "chain" => sp.iter().map(|r| r.0).collect::<Vec<_>>(),
        "block_time_s" => sp.iter().map(|r| r.1).collect::<Vec<_>>(),
        "preconf_latency_ms" => sp.iter().map(|r| r.2).collect::<Vec<_>>(),
        "asof" => sp.iter().map(|r| od(r.3)).collect::<Vec<_>>(),
        "note" => sp.iter().map(|_| None::<&str>).collect::<Vec<_>>(),
        "source" => sp.iter().map(|_| "s").collect::<Vec<_>>(),
    )
    .expect("speed");

    let sources = df!("key" => ["s"], "source" => ["test fixture"]).expect("sources");

    Dataset {
        dir: PathBuf::from("fixture"),
        manifest: Manifest::synthetic(d("2024-06-30")),
        chains,
        tvl,
        events,
        links,
        metrics,
        speed,
        sources,
    }
}

#[test]
fn fixture_has_the_documented_dtypes() {
    let ds = fixture();
    let dt = |df: &DataFrame, c: &str| df.column(c).unwrap().dtype().clone();
    assert_eq!(dt(&ds.chains, "stage_asof"), DataType::Date);
    assert_eq!(dt(&ds.chains, "superchain_2024"), DataType::Boolean);
    assert_eq!(dt(&ds.chains, "notes"), DataType::String);
    assert_eq!(dt(&ds.chains, "tvs_usd_2024_11_09"), DataType::Float64);
    assert_eq!(dt(&ds.events, "value"), DataType::String);
    assert_eq!(dt(&ds.speed, "asof"), DataType::Date);
    assert_eq!(dt(&ds.speed, "preconf_latency_ms"), DataType::Float64);
    assert_eq!(dt(&ds.links, "from_chain"), DataType::String);
}

/// The universe of the fixture at `as_of` with default options.
pub fn at(as_of: &str) -> crate::features::Universe {
    at_with(
        as_of,
        crate::features::FeatureOptions::default().window_weeks,
    )
}

/// The universe of the fixture at `as_of` with a leadership window of `window_weeks`.
pub fn at_with(as_of: &str, window_weeks: i64) -> crate::features::Universe {
    crate::features::compute(
        &fixture(),
        d(as_of),
        &crate::features::FeatureOptions { window_weeks },
    )
    .expect("compute")
}

/// One field of one chain (panics if the chain is not in the universe).
pub fn field(u: &crate::features::Universe, slug: &str, name: &str) -> crate::features::Value {
    let chain = u
        .chain(slug)
        .unwrap_or_else(|| panic!("{slug} is not in the universe at {}", u.as_of));
    chain
        .get(name)
        .unwrap_or_else(|| panic!("{slug} has no field {name}"))
        .clone()
}
