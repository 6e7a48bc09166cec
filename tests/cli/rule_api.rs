//! The rule API as a rule author meets it: dates, values on one day, links as records, peers
//! conditions on presence, percentiles from either side, top and bottom, leads over a window,
//! provenance. Each probe rule writes what it computed into its reason, and the tests compare
//! the numbers with the fixture's rows (tests/fixtures/mini; as of its vintage, 2024-12-29).

use super::*;

/// The mini dataset with two Arbitrum metrics whose latest points are of different days:
/// fees 100 on 2024-11-20 and 200 on 2024-11-24, profit 99 on 2024-11-20 and 30 on 2024-11-22.
/// The same-day margin is 99 / 100 = 99%; the latest values give 30 / 200 = 15%.
const METRICS: &str = "2024-11-20,arbitrum,fees_paid_usd,100,USD,growthepie-2024-11
2024-11-24,arbitrum,fees_paid_usd,200,USD,growthepie-2024-11
2024-11-20,arbitrum,onchain_profit_usd,99,USD,growthepie-2024-11
2024-11-22,arbitrum,onchain_profit_usd,30,USD,growthepie-2024-11
";

/// A directory with that dataset as `mini/` and a pack of the given rules as `rules/`.
fn probes(rules: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = broken(|d| {
        let path = d.join("metrics_daily.csv");
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str(METRICS);
        fs::write(path, text).unwrap();
    });
    let dir = tmp.path().join("rules");
    fs::create_dir(&dir).unwrap();
    let mut screen = String::from("name = \"probes\"\npass_mark = 0.5\n");
    for (id, body) in rules {
        let header =
            format!("//! id: {id}\n//! title: {id}\n//! category: test\n//! why: A probe.\n\n");
        fs::write(dir.join(format!("{id}.rhai")), format!("{header}{body}")).unwrap();
        screen.push_str(&format!("\n[rules.{id}]\nweight = 1.0\n"));
    }
    fs::write(dir.join("screen.toml"), screen).unwrap();
    tmp
}

/// chain → (status, reason) of the one rule `id`.
fn reasons(rules: &[(&str, &str)], id: &str) -> BTreeMap<String, (String, String)> {
    let tmp = probes(rules);
    let (json, out) = screen_json(tmp.path(), &[]);
    assert_eq!(
        out.status.code().map(|c| c <= 1),
        Some(true),
        "{}",
        stderr(&out)
    );
    json["chains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let v = verdict(&json, c["slug"].as_str().unwrap(), id);
            (
                c["slug"].as_str().unwrap().to_string(),
                (
                    v["status"].as_str().unwrap().to_string(),
                    v["reason"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

use std::collections::BTreeMap;

#[test]
fn dates_count_days_shift_compare_and_print_as_before() {
    let rule = r#"fn rule(chain, params, peers) {
    if !chain.has("launch_date") { return skip("no launch date"); }
    let d = chain.launch_date;
    pass(`${d} (${d.year}/${d.month}/${d.day}) ${days_between(d, peers.as_of)} = ${peers.as_of - d} days; +2w ${d.add_weeks(2)}, -1d ${d - 1}, +10d ${d.add_days(10)}; before 2022: ${d < "2022-01-01"}, before ${date("2023-07-13")}: ${d < date("2023-07-13")}; ${type_of(d)}; ` + d)
}
"#;
    let r = reasons(&[("dates", rule)], "dates");
    // chains.csv: arbitrum launched 2021-08-31, base 2023-07-13. To 2024-12-29: 122 days to
    // the end of 2021, 365 + 365 for 2022 and 2023, and 364 in the leap year 2024 = 1216; for
    // base 171 days to the end of 2023 + 364 = 535.
    assert_eq!(
        r["arbitrum"],
        (
            "PASS".into(),
            "2021-08-31 (2021/8/31) 1216 = 1216 days; +2w 2021-09-14, -1d 2021-08-30, +10d 2021-09-10; before 2022: true, before 2023-07-13: true; Date; 2021-08-31".into()
        )
    );
    assert_eq!(
        r["base"].1,
        "2023-07-13 (2023/7/13) 535 = 535 days; +2w 2023-07-27, -1d 2023-07-12, +10d 2023-07-23; before 2022: false, before 2023-07-13: false; Date; 2023-07-13"
    );
    assert_eq!(r["degen"].0, "SKIP");
}

#[test]
fn mixing_dates_with_numbers_or_bad_dates_is_an_error_that_says_so() {
    let cases = [
        (
            "fn rule(chain, params, peers) { if chain.launch_date > 2023 { return pass(\"x\"); } fail(\"y\") }\n",
            "`>` mixes a date with a number",
        ),
        (
            "fn rule(chain, params, peers) { let d = chain.launch_date + 1.5; pass(`${d}`) }\n",
            "`+` mixes a date with a number",
        ),
        (
            "fn rule(chain, params, peers) { let d = date(\"2024-02-30\"); pass(`${d}`) }\n",
            "date(\"2024-02-30\"): not a date: February 2024 has 29 days",
        ),
        (
            "fn rule(chain, params, peers) { if chain.launch_date >= \"March 2023\" { return pass(\"x\"); } fail(\"y\") }\n",
            "`>=` compares a date with \"March 2023\", which is not a date",
        ),
        (
            "fn rule(chain, params, peers) { if peers.count(\"launch_date\", \">\", 2023) > 0 { return pass(\"x\"); } fail(\"y\") }\n",
            "the field holds dates but is compared with 2023",
        ),
        // Past the years a date can be written in, or past what a day count can hold: the
        // rule's error, not a fault of moat's.
        (
            "fn rule(chain, params, peers) { let d = date(\"9999-12-31\") + 1; pass(`${d}`) }\n",
            "9999-12-31 moved by 1 day is outside the years 0000 to 9999",
        ),
        (
            "fn rule(chain, params, peers) { let d = date(\"0000-01-01\") - 1; pass(`${d}`) }\n",
            "0000-01-01 moved by -1 day is outside the years 0000 to 9999",
        ),
        (
            "fn rule(chain, params, peers) { let d = peers.as_of + 9223372036854775807; pass(`${d}`) }\n",
            "moved by 9223372036854775807 days is outside the years 0000 to 9999",
        ),
        (
            "fn rule(chain, params, peers) { let d = peers.as_of.add_weeks(-9223372036854775807); pass(`${d}`) }\n",
            "moved by -9223372036854775807 weeks is outside the years 0000 to 9999",
        ),
    ];
    for (body, expected) in cases {
        let r = reasons(&[("mix", body)], "mix");
        let (status, reason) = &r["arbitrum"];
        assert_eq!(status, "ERROR", "{body}");
        assert!(
            reason.contains(expected),
            "{body}: {reason:?} lacks {expected:?}"
        );
    }
}

#[test]
fn value_on_a_date_and_the_aligned_day_give_the_same_day_ratio() {
    let rule = r#"fn rule(chain, params, peers) {
    let on = chain.value_on("tvl_usd", "2024-11-05");
    let before = chain.value_on("tvl_usd", date("2020-01-01"));
    let a = chain.aligned(["fees_paid_usd", "onchain_profit_usd"]);
    if a == () { return skip(`tvl on 2024-11-05 ${on}, before the data ${before == ()}`); }
    let latest = chain.onchain_profit_usd / chain.fees_paid_usd;
    let same_day = a.values.onchain_profit_usd / a.values.fees_paid_usd;
    pass(`tvl on 2024-11-05 ${on}; aligned on ${a.date}: ${pct(same_day)}; latest (${chain.fees_paid_usd_date}, ${chain.onchain_profit_usd_date}): ${pct(latest)}`)
}
"#;
    let r = reasons(&[("margin", rule)], "margin");
    // tvl_weekly.csv: arbitrum 2,326,509,830 on 2024-11-03, the last point on or before 11-05.
    assert_eq!(
        r["arbitrum"].1,
        "tvl on 2024-11-05 2326509830.0; aligned on 2024-11-20: 99%; latest (2024-11-24, 2024-11-22): 15%"
    );
    assert_eq!(
        r["base"],
        (
            "SKIP".into(),
            "tvl on 2024-11-05 2104373122.0, before the data true".into()
        )
    );
}

#[test]
fn links_are_records_in_both_directions() {
    let rule = r#"fn rule(chain, params, peers) {
    let born = chain.links("spawned_token").filter(|l| l.born_here).map(|l| `${l.date} ${l.to_project} (${l.sources.len()} sources, from ${l.from_chain})`);
    let out = chain.links().filter(|l| l.outgoing && !l.incoming).len();
    let inc = chain.links().filter(|l| l.incoming).len();
    pass(`${chain.links().len()} links, ${out} only out, ${inc} in; tokens born here: ${join(born, "; ")}`)
}
"#;
    let r = reasons(&[("links", rule)], "links");
    // ecosystem_links.csv, up to 2024-12-29: 11 rows name base as from_chain or to_chain; the
    // two DEGEN rows (two sources, two from_chains) are one fact, so 10 links. Two go out only
    // (DEGEN → Degen Chain on degen, friend.tech → Friendchain, no chain yet); 8 come in. Three
    // tokens were born on Base: DEGEN (from Farcaster on OP Mainnet and its channel on Base),
    // FRIEND, and Clanker (from Farcaster, whose contracts live on OP Mainnet).
    assert_eq!(
        r["base"].1,
        "10 links, 2 only out, 8 in; tokens born here: 2024-01-31 DEGEN (2 sources, from optimism); 2024-05-03 FRIEND token (1 sources, from base); 2024-11-30 Clanker (1 sources, from optimism)"
    );
    let unknown = "fn rule(chain, params, peers) { pass(`${chain.links(\"spawned\").len()}`) }\n";
    let r = reasons(&[("kind", unknown)], "kind");
    assert!(
        r["base"]
            .1
            .starts_with("chain.links(\"spawned\"): no link kind `spawned`"),
        "{}",
        r["base"].1
    );
}

#[test]
fn peers_presence_percentile_sides_top_bottom_and_windowed_leads() {
    let rule = r#"fn rule(chain, params, peers) {
    let w4 = peers.lead(chain, "tvl_usd", "high", 100, #{weeks: 4});
    let since = peers.lead(chain, "tvl_usd", "high", 100, #{since: "2024-12-15"});
    pass(`has ${peers.count("txcost_median_usd", "has")}, missing ${peers.count("txcost_median_usd", "missing")}, share ${peers.share("txcost_median_usd", "has")}, over ${peers.filter("txcost_median_usd", "has").len()}; below ${peers.percentile(chain, "txcost_median_usd", "below")} above ${peers.percentile(chain, "txcost_median_usd", "above")}; top ${peers.top("tvl_usd")} bottom ${peers.bottom("txcost_median_usd")}; before 2022 ${peers.count("launch_date", "<", "2022-01-01")}; 4w ${w4.lead_dates}/${w4.dates} from ${w4.first}; since ${since.lead_dates}/${since.dates} from ${since.first}`)
}
"#;
    let r = reasons(&[("peers", rule)], "peers");
    // metrics_daily.csv, 2024-11-25 median tx cost: optimism 0.00279 < base 0.00776 <
    // arbitrum 0.01020 < zksync-era 0.01954; degen has none. So 4 have it and 1 does not;
    // base is above 1 of the 3 others (33%) and below 2 (67%). tvl_weekly.csv, 2024-12-29:
    // base 3.236B leads arbitrum 3.023B. The last 4 weeks are 12-08, 12-15, 12-22, 12-29: base
    // is #1 on the last three (arbitrum on 12-08), so 3/4, and 3/3 since 12-15.
    assert_eq!(
        r["base"].1,
        "has 4, missing 1, share 0.8, over 4; below 33.333333333333336 above 66.66666666666667; top base bottom optimism; before 2022 2; 4w 3/4 from 2024-12-08; since 3/3 from 2024-12-15"
    );
    assert!(
        r["arbitrum"]
            .1
            .contains("4w 1/4 from 2024-12-08; since 0/3"),
        "{}",
        r["arbitrum"].1
    );
    let misuse = [
        (
            "fn rule(chain, params, peers) { pass(`${peers.count(\"txcost_median_usd\", \"has\", 1)}`) }\n",
            "`has` takes no value: write peers.count(\"txcost_median_usd\", \"has\")",
        ),
        (
            "fn rule(chain, params, peers) { pass(`${peers.count(\"txcost_median_usd\", \">\")}`) }\n",
            "a comparison needs a value",
        ),
        (
            "fn rule(chain, params, peers) { pass(`${peers.percentile(chain, \"tvl_usd\", \"cheaper\")}`) }\n",
            "the side must be \"below\"",
        ),
        (
            "fn rule(chain, params, peers) { pass(`${peers.lead(chain, \"tvl_usd\", \"high\", 50, #{months: 3})}`) }\n",
            "`months` is not a window key",
        ),
    ];
    for (body, expected) in misuse {
        let r = reasons(&[("misuse", body)], "misuse");
        assert_eq!(r["base"].0, "ERROR", "{body}");
        assert!(r["base"].1.contains(expected), "{body}: {:?}", r["base"].1);
    }
}

#[test]
fn provenance_names_the_source_and_its_flags() {
    let rule = r#"fn rule(chain, params, peers) {
    let p = chain.provenance("stage");
    if p == () { return skip("no dated stage"); }
    pass(`stage ${chain.stage} from ${p.source} on ${p.date}, flags ${p.flags}; tvl provenance ${chain.provenance("tvl_usd") == ()}`)
}
"#;
    let r = reasons(&[("prov", rule)], "prov");
    // events.csv: 2024-11-09,base,stage_observed,0,…,l2beat-summary-2024-11.
    assert_eq!(
        r["base"].1,
        "stage 0 from l2beat-summary-2024-11 on 2024-11-09, flags []; tvl provenance true"
    );
}

#[test]
fn the_judged_chain_read_inside_a_peers_callback_is_evidence_and_the_peers_are_not() {
    let rule = r#"fn rule(chain, params, peers) {
    let bigger = peers.count(|c| c.get("tvl_usd", 0.0) > chain.tvl_usd);
    if bigger == 0 { return pass("no chain is larger"); }
    fail(`${bigger} chains are larger`)
}
"#;
    let tmp = probes(&[("bigger", rule)]);
    let (json, _) = screen_json(tmp.path(), &[]);
    let labels: Vec<String> = verdict(&json, "arbitrum", "bigger")["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    // The verdict depends on arbitrum's TVL, read inside the callback; the peers' reads there
    // (one per peer) are summed up by the helper's own reading.
    assert!(labels.contains(&"tvl_usd".to_string()), "{labels:?}");
    assert!(
        labels.iter().all(|l| !l.contains(".tvl_usd")),
        "a peer's read inside the callback was kept: {labels:?}"
    );
    assert!(
        labels.iter().any(|l| l.starts_with("peers.count(")),
        "{labels:?}"
    );
}
