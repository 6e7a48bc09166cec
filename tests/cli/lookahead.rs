//! No look-ahead, by experiment: for many as-of dates D, rows of every table (every event and
//! link kind, new chains and sources too) dated after D are appended to a copy of the fixture,
//! and every output at D must stay byte-identical: the screen in every format, an explanation
//! and a chain's features. Rows and dates come from a seeded generator, so a failure names its
//! seed and can be replayed.

use super::*;
use chrono::{Duration, NaiveDate};
use moat::dataset::vocabulary::{DA, EVENT_KINDS, LINK_KINDS, PROOF_SYSTEMS, STAGES};
use std::fmt::Write as _;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const CHAINS: &[&str] = &["arbitrum", "base", "optimism", "zksync-era", "degen"];

/// A value an event of `kind` may carry.
fn event_value(kind: &str, rng: &mut Rng) -> String {
    match kind {
        "stage_observed" | "stage_change" => rng.pick(STAGES).to_string(),
        "da_observed" | "da_change" => rng.pick(DA).to_string(),
        "proof_system_observed" | "proof_system_change" => rng.pick(PROOF_SYSTEMS).to_string(),
        "stack_observed" | "stack_change" => rng.pick(&["op_stack", "own", "zk_stack"]).to_string(),
        "token_launch" | "token_observed" => "FUT".to_string(),
        _ => String::new(),
    }
}

/// Append to the dataset in `dir` rows dated after `d`: a new source, a new chain, and rows
/// of every other table, every event kind and every link kind.
fn append_future_rows(dir: &Path, d: NaiveDate, rng: &mut Rng) {
    let later = |rng: &mut Rng| d + Duration::days(1 + rng.below(500) as i64);
    let add = |file: &str, rows: String| {
        let path = dir.join(file);
        let mut text = fs::read_to_string(&path).unwrap();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&rows);
        fs::write(path, text).unwrap();
    };
    add(
        "sources.csv",
        "future-src,a source only future rows cite\n".into(),
    );
    let (launch, snapshot) = (later(rng), later(rng));
    add(
        "chains.csv",
        format!(
            "futurechain,Future Chain,L2,ethereum,optimistic_rollup,op_stack,ethereum_blobs,fraud,1,{snapshot},FUT,chain,{launch},,yes,1000,Future,futurechain,future-src,\n"
        ),
    );
    let mut events = String::new();
    for kind in EVENT_KINDS {
        let chain = rng.pick(&[CHAINS, &["futurechain"]].concat()).to_string();
        let value = event_value(kind, rng);
        let _ = writeln!(
            events,
            "{},{chain},{kind},{value},WEAK SOURCE: generated,future-src",
            later(rng)
        );
    }
    add("events.csv", events);
    let mut links = String::new();
    for kind in LINK_KINDS {
        let (from, to) = (rng.pick(CHAINS), rng.pick(CHAINS));
        let _ = writeln!(
            links,
            "{},App {kind},{from},Thing {kind},{to},{kind},,future-src",
            later(rng)
        );
    }
    // A repeat of a fact the fixture already records, later: still one fact, dated earlier.
    let _ = writeln!(
        links,
        "{},Farcaster (/degen channel),optimism,DEGEN,base,spawned_token,,future-src",
        later(rng)
    );
    add("ecosystem_links.csv", links);
    // TVL and metric rows on dates after every existing one (no duplicate keys).
    let far = NaiveDate::from_ymd_opt(2030, 1, 6).unwrap();
    let mut tvl = String::new();
    let mut metrics = String::new();
    for (k, chain) in CHAINS.iter().chain(&["futurechain"]).enumerate() {
        let day = far.max(later(rng)) + Duration::days(7 * k as i64);
        let _ = writeln!(tvl, "{day},{chain},{}", 1000 + rng.below(1_000_000_000));
        let _ = writeln!(
            metrics,
            "{day},{chain},txcost_median_usd,{},USD/tx,future-src",
            rng.below(100) as f64 / 1000.0
        );
    }
    // Also a TVL point right after D (when that day has none for the chain).
    let next = d + Duration::days(1);
    let chain = rng.pick(CHAINS);
    let existing = fs::read_to_string(dir.join("tvl_weekly.csv")).unwrap();
    if !existing.contains(&format!("{next},{chain},")) {
        let _ = writeln!(tvl, "{next},{chain},123");
    }
    add("tvl_weekly.csv", tvl);
    add("metrics_daily.csv", metrics);
    let mut speed = String::new();
    for chain in CHAINS {
        let _ = writeln!(speed, "{chain},0.001,1,{},,future-src", later(rng));
    }
    add("speed.csv", speed);
}

/// Every output at `d` on the dataset in `<tmp>/mini`.
fn outputs(tmp: &Path, d: NaiveDate) -> Vec<(String, String)> {
    let date = d.to_string();
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in ["json", "csv", "markdown", "table"] {
        runs.push(vec![
            "screen", "--data", "mini", "--rules", "rules", "--as-of", &date, "--format", format,
        ]);
    }
    for chain in ["base", "arbitrum"] {
        runs.push(vec![
            "explain", chain, "--data", "mini", "--rules", "rules", "--as-of", &date, "--format",
            "json",
        ]);
        runs.push(vec![
            "data", "show", chain, "--data", "mini", "--rules", "rules", "--as-of", &date,
            "--format", "json",
        ]);
    }
    runs.into_iter()
        .map(|args| {
            let out = moat(tmp, &args);
            let shown = format!("{}\n{}", stdout(&out), stderr(&out));
            (args.join(" "), shown)
        })
        .collect()
}

#[test]
fn rows_dated_after_the_as_of_date_change_nothing_at_it() {
    // Dates around the fixture's facts (its TVL runs 2024-11-03 .. 2024-12-29), then dates
    // drawn at random over its whole span.
    let fixed = [
        "2021-09-30",
        "2023-08-09",
        "2024-11-02",
        "2024-11-03",
        "2024-11-24",
        "2024-12-14",
        "2024-12-15",
        "2024-12-29",
    ];
    let start = NaiveDate::from_ymd_opt(2021, 7, 1).unwrap();
    let drawn = (100..104u64).map(|seed| {
        let days = Rng(seed).below(1300) as i64;
        (start + Duration::days(days)).to_string()
    });
    let dates: Vec<String> = fixed.iter().map(|d| d.to_string()).chain(drawn).collect();
    for (seed, date) in dates.iter().enumerate() {
        let d: NaiveDate = date.parse().unwrap();
        let mut rng = Rng(seed as u64 + 1);
        let plain = screen_dir(&[]);
        let before = outputs(plain.path(), d);
        let grown = screen_dir(&[]);
        append_future_rows(&grown.path().join("mini"), d, &mut rng);
        let check = moat(grown.path(), &["data", "check", "--data", "mini"]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "seed {seed}: the grown dataset must be valid: {}",
            stderr(&check)
        );
        let after = outputs(grown.path(), d);
        for ((command, a), (_, b)) in before.iter().zip(&after) {
            assert!(
                a == b,
                "seed {seed}, as of {d}: `moat {command}` changed:\n{a}\n---\n{b}"
            );
        }
    }
}
