//! Facts that must come out right on the shipped dataset: links counted once and credited
//! where the born thing lives, each speed field's latest known value, staleness, the strict
//! cut of snapshot values, and the refusal of as-of dates after the vintage.

use super::*;

/// `moat data show <chain> --as-of <date> --format json` on the shipped data.
fn show(chain: &str, as_of: &str) -> serde_json::Value {
    let out = moat(
        &repo(),
        &[
            "data",
            "show",
            chain,
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
            "--as-of",
            as_of,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn links_are_facts_counted_once_and_credited_where_the_born_thing_lives() {
    let base = show("base", "2026-08-22");
    // DEGEN (issued on Base), Degen Chain (an L3 settling on Base), FRIEND, Clanker and ZORA
    // (issued on Base): five facts, although Farcaster's contracts live on OP Mainnet.
    assert_eq!(base["fields"]["spawned"], 5);
    let born: Vec<String> = base["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["ecosystem"] == "base")
        .map(|l| {
            format!(
                "{} {}",
                l["date"].as_str().unwrap(),
                l["to_project"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        born,
        [
            "2024-01-31 DEGEN",
            "2024-03-28 Degen Chain",
            "2024-05-03 FRIEND token",
            "2024-11-30 Clanker",
            "2025-04-23 ZORA token"
        ]
    );
    // DEGEN is one fact recorded by two sources.
    let degen = base["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["to_project"] == "DEGEN")
        .unwrap();
    assert_eq!(
        degen["sources"],
        serde_json::json!(["page-paragraph-xyz-2", "page-paragraph-xyz-3"])
    );
    // OP Mainnet is credited with none of them: the chains its apps spawned (World Chain,
    // Derive) settle on Ethereum, and Clanker lives on Base.
    assert_eq!(show("optimism", "2026-08-22")["fields"]["spawned"], 0);
}

#[test]
fn a_fact_recorded_twice_in_the_first_format_is_one_fact() {
    // The frozen moat 0.1 copy of the mini fixture records DEGEN twice (two sources, two
    // home chains); it is still one fact.
    let out = moat(
        &repo(),
        &[
            "data",
            "show",
            "base",
            "--data",
            "tests/fixtures/mini-v1",
            "--rules",
            "rules",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let degen: Vec<&serde_json::Value> = json["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["to_project"] == "DEGEN")
        .collect();
    assert_eq!(degen.len(), 1, "{json}");
    assert_eq!(degen[0]["sources"].as_array().unwrap().len(), 2);
}

#[test]
fn each_speed_field_is_its_latest_known_value_from_a_source_that_measures_it() {
    let base = show("base", "2026-08-22");
    // The 200 ms Flashblocks preconfirmations (2025-07-31) are not lost behind later rows
    // without a latency.
    assert_eq!(base["fields"]["preconf_latency_ms"], 200.0);
    assert_eq!(base["fields"]["preconf_latency_date"], "2025-07-31");
    assert_eq!(base["fields"]["preconf_latency_age_days"], 387);
    assert_eq!(
        base["provenance"]["preconf_latency_ms"]["source"],
        "page-docs-base-org"
    );
    // MegaETH: 10 ms blocks (growthepie), not the 1 s EVM block of a client library, which
    // the data flags PROXY although it is newer.
    let mega = show("megaeth", "2026-08-22");
    assert_eq!(mega["fields"]["block_time_s"], 0.01);
    assert_eq!(mega["fields"]["block_time_date"], "2026-07-14");
    assert_eq!(
        mega["provenance"]["block_time_s"]["source"],
        "growthepie-dna"
    );
}

#[test]
fn staleness_is_a_field_and_a_stamp() {
    let base = show("base", "2026-08-22");
    assert_eq!(base["fields"]["tvl_date"], "2026-04-19");
    assert_eq!(base["fields"]["tvl_age_days"], 125);
    let out = moat(
        &repo(),
        &[
            "screen",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["stamps"]["tvl_newest"], "2026-04-19");
    assert_eq!(json["stamps"]["tvl_age_days"], 125);
    let table = moat(
        &repo(),
        &["screen", "--data", "datasets/l2", "--rules", "rules"],
    );
    assert!(
        stdout(&table).contains("\nnewest TVL point 2026-04-19, 125 days before the as-of date\n"),
        "{}",
        stdout(&table)
    );
}

#[test]
fn snapshot_values_are_unknown_before_their_date_unless_a_dated_source_says() {
    // At the end of 2023, before blobs went live (2024-03-13), no chain uses blobs.
    let out = moat(
        &repo(),
        &[
            "screen",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
            "--as-of",
            "2023-12-31",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let blobs: Vec<&str> = json["chains"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["verdicts"].as_array().unwrap().iter().any(|v| {
                v["evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["field"] == "da" && e["value"] == "ethereum_blobs")
            })
        })
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert!(blobs.is_empty(), "blobs before Dencun: {blobs:?}");
    // Base launched on the OP Stack with calldata (dated L2BEAT milestones).
    let base = show("base", "2023-12-31");
    assert_eq!(base["fields"]["stack"], "op_stack");
    assert_eq!(base["fields"]["da"], "ethereum_calldata");
}

#[test]
fn a_date_after_the_vintage_is_refused_unless_allowed() {
    for args in [
        vec!["screen", "--as-of", "2099-01-01"],
        vec!["explain", "base", "--as-of", "2099-01-01"],
        vec!["data", "show", "base", "--as-of", "2099-01-01"],
    ] {
        let mut all = args.clone();
        all.extend(["--data", "datasets/l2", "--rules", "rules"]);
        let out = moat(&repo(), &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stdout(&out), "");
        assert_eq!(
            stderr(&out),
            "error: the as-of date 2099-01-01 is after the vintage of dataset l2 (2026-08-22, when its data was retrieved): nothing after 2026-08-22 is known, so a result at 2099-01-01 would judge stale data as current; pass --allow-future to run it anyway, or pull fresh data\n",
            "{args:?}"
        );
        all.push("--allow-future");
        let out = moat(&repo(), &all);
        assert_ne!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    // A backtest names the option whose date it refuses.
    let out = moat(
        &repo(),
        &[
            "backtest",
            "--to",
            "2099-01-01",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: --to 2099-01-01 is after the vintage of dataset l2"),
        "{}",
        stderr(&out)
    );
}

/// A date option's value with control characters is quoted with them written as `<U+001B>`
/// (they were dropped: `"2024-01-0" is not a date`), in clap's part of the message and in
/// moat's, and `moat diff` quotes a side the same way.
#[test]
fn a_date_with_control_characters_is_quoted_with_them_escaped() {
    let bad = "2024-01-0\x1b]0;pwned\x07";
    let shown = "2024-01-0<U+001B>]0;pwned<U+0007>";
    for option in [
        &["screen", "--as-of"][..],
        &["backtest", "--from"],
        &["backtest", "--to"],
        &["data", "show", "base", "--as-of"],
        &["data", "pull", "--since"],
    ] {
        let mut args = option.to_vec();
        args.push(bad);
        let out = moat(&repo(), &args);
        let flag = option.last().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&out),
            format!(
                "error: invalid value '{shown}' for '{flag} <DATE>': \"{shown}\" is not a date: expected YYYY-MM-DD, e.g. 2024-12-15\n\nFor more information, try '--help'.\n"
            ),
            "{args:?}"
        );
    }
    let out = moat(&repo(), &["diff", bad, "2024-01-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!(
            "error: \"{shown}\" is neither a date (YYYY-MM-DD) nor a file"
        )),
        "{}",
        stderr(&out)
    );
}

/// A side of `moat diff` of the date's form whose month or day does not exist, and no file of
/// that name, says what is wrong with the date as `--as-of` does (it said "neither a date nor
/// a file"); a file of that name is read as a file.
#[test]
fn diff_says_why_a_side_of_the_date_form_is_not_a_date() {
    for (bad, why) in [
        ("2024-02-30", "February 2024 has 29 days"),
        (
            "2024-13-01",
            "there is no month 13: expected a month from 01 to 12",
        ),
    ] {
        let out = moat(&repo(), &["diff", bad, "2024-01-01"]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert_eq!(
            stderr(&out),
            format!(
                "error: \"{bad}\" is not a date: {why}; nor is it a file: a side of `moat diff` is an as-of date (YYYY-MM-DD) or a JSON file written by `moat screen --format json`\n"
            )
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("2024-02-30"), "{").unwrap();
    let out = moat(tmp.path(), &["diff", "2024-02-30", "2024-02-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("2024-02-30:1:1: not a screen result"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn dates_are_only_yyyy_mm_dd_on_the_command_line() {
    for bad in ["2024-1-5", "+2024-01-05", "-0001-01-01"] {
        let out = moat(&repo(), &["screen", &format!("--as-of={bad}")]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&out).contains(&format!(
                "\"{bad}\" is not a date: expected YYYY-MM-DD, e.g. 2024-12-15"
            )),
            "{bad}: {}",
            stderr(&out)
        );
    }
}
