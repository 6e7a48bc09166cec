//! The helpers a rule calls, each with exact numbers on a small universe.

use super::*;
use crate::evaluate::{Status, evaluate_rule};

fn world() -> Universe {
    let mut u = universe(vec![
        with_series(
            chain(
                "base",
                &[
                    ("tvl_usd", Value::Num(400.0)),
                    ("stack", t("op_stack")),
                    ("layer", t("L2")),
                    ("stack_family_size", Value::Int(3)),
                ],
            ),
            "tvl_usd",
            "2026-04-19",
            7,
            &[100.0, 150.0, 200.0, 400.0],
        ),
        with_series(
            chain(
                "arbitrum",
                &[
                    ("tvl_usd", Value::Num(300.0)),
                    ("stack", t("arbitrum_orbit")),
                    ("layer", t("L2")),
                    ("stack_family_size", Value::Int(2)),
                ],
            ),
            "txcost_median_usd",
            "2026-04-19",
            1,
            &[0.01, 0.02, 0.01],
        ),
        with_series(
            chain(
                "optimism",
                &[
                    ("tvl_usd", Value::Num(200.0)),
                    ("stack", t("op_stack")),
                    ("layer", t("L2")),
                    ("stack_family_size", Value::Int(3)),
                ],
            ),
            "txcost_median_usd",
            "2026-04-19",
            1,
            &[0.05, 0.01, 0.03],
        ),
        chain(
            "degen",
            &[
                ("stack", t("arbitrum_orbit")),
                ("layer", t("L3")),
                ("stack_family_size", Value::Int(2)),
            ],
        ),
        chain(
            "zora",
            &[
                ("tvl_usd", Value::Num(100.0)),
                ("stack", t("op_stack")),
                ("layer", t("L2")),
                ("stack_family_size", Value::Int(3)),
            ],
        ),
    ]);
    u.leaders = vec![
        (d("2026-03-29"), "arbitrum".into()),
        (d("2026-04-05"), "base".into()),
        (d("2026-04-12"), "base".into()),
        (d("2026-04-19"), "base".into()),
    ];
    u
}

/// The reason of a rule that returns `pass(<expression>)` for `chain`.
fn eval_on(expr: &str, slug: &str) -> String {
    let body = format!("fn rule(chain, params, peers) {{ pass(`${{{expr}}}`) }}");
    let p = pack(&[("h", &body)], "");
    let v = evaluate_rule(&p, &world(), "h", Some(slug)).unwrap();
    assert_eq!(v.status, Status::Pass, "{expr}: {}", v.reason);
    v.reason
}

fn eval(expr: &str) -> String {
    eval_on(expr, "base")
}

#[test]
fn aggregates_over_peers() {
    assert_eq!(eval("peers.len()"), "5");
    assert_eq!(eval("peers.median(\"tvl_usd\")"), "250.0");
    assert_eq!(eval("peers.mean(\"tvl_usd\")"), "250.0");
    assert_eq!(eval("peers.min(\"tvl_usd\")"), "100.0");
    assert_eq!(eval("peers.max(\"tvl_usd\")"), "400.0");
    assert_eq!(eval("peers.sum(\"tvl_usd\")"), "1000.0");
    assert_eq!(eval("peers.median(\"l3_count\") == ()"), "true");
}

#[test]
fn percentile_counts_other_peers_strictly_lower() {
    assert_eq!(eval("peers.percentile(chain, \"tvl_usd\")"), "100.0");
    assert_eq!(
        eval_on("peers.percentile(chain, \"tvl_usd\")", "optimism"),
        "33.333333333333336"
    );
    assert_eq!(
        eval_on("peers.percentile(chain, \"tvl_usd\") == ()", "degen"),
        "true"
    );
}

#[test]
fn counts_filters_and_shares() {
    assert_eq!(eval("peers.count(\"stack\", \"==\", \"op_stack\")"), "3");
    assert_eq!(eval("peers.count(\"tvl_usd\", \">=\", 200)"), "3");
    assert_eq!(eval("peers.count(\"tvl_usd\", \"!=\", 1)"), "4");
    assert_eq!(
        eval("peers.count(\"layer\", \"in\", [\"L3\", \"L1\"])"),
        "1"
    );
    assert_eq!(eval("peers.count(|c| c.stack_family_size == 2)"), "2");
    assert_eq!(
        eval("peers.filter(\"layer\", \"==\", \"L2\").median(\"tvl_usd\")"),
        "250.0"
    );
    assert_eq!(eval("peers.filter(|c| c.has(\"tvl_usd\")).len()"), "4");
    assert_eq!(eval("peers.share(\"stack\", \"==\", \"op_stack\")"), "0.6");
    assert_eq!(eval("peers.without(chain).len()"), "4");
    assert_eq!(eval("peers.chain(\"zora\").tvl_usd"), "100.0");
    assert_eq!(eval("peers.chain(\"nope\") == ()"), "true");
    assert_eq!(
        eval("list(peers.slugs)"),
        "arbitrum, base, degen, optimism and zora"
    );
}

#[test]
fn helper_results_are_evidence_with_their_call() {
    let body = "fn rule(chain, params, peers) {\n    let l2 = peers.filter(\"layer\", \"==\", \"L2\");\n    let n = l2.count(|c| c.tvl_usd > 150.0);\n    pass(`${n} of ${l2.len()}`)\n}";
    let p = pack(&[("h", body)], "");
    let v = evaluate_rule(&p, &world(), "h", Some("base")).unwrap();
    assert_eq!(v.reason, "3 of 4");
    let fields: Vec<String> = v
        .evidence
        .iter()
        .map(|e| format!("{} = {}", e.field, e.value))
        .collect();
    assert_eq!(
        fields,
        [
            "peers.filter(\"layer\", \"==\", \"L2\").count(|..| at 7:16) = 3",
            "peers.filter(\"layer\", \"==\", \"L2\").len() = 4"
        ]
    );
}

#[test]
fn series_and_change() {
    assert_eq!(eval("chain.change(\"tvl_usd\", 1)"), "1.0");
    assert_eq!(eval("signed_pct(chain.change(\"tvl_usd\", 3))"), "+300%");
    assert_eq!(eval("chain.change(\"tvl_usd\", 4) == ()"), "true");
    assert_eq!(eval("chain.series(\"tvl_usd\").len()"), "4");
    assert_eq!(
        eval("chain.series(\"tvl_usd\")[0]"),
        "[date(\"2026-03-29\"), 100.0]"
    );
    assert_eq!(eval("chain.series(\"daa\").len()"), "0");
}

#[test]
fn lead_measures_persistence() {
    // arbitrum vs optimism on 3 shared days: cheaper on day 1 (0.01 < 0.05), tied on day 2,
    // cheaper on day 3 (0.01 < 0.03).
    assert_eq!(
        eval_on(
            "peers.lead(chain, \"txcost_median_usd\", \"low\", 90)",
            "arbitrum"
        ),
        "#{\"dates\": 3, \"first\": date(\"2026-04-17\"), \"last\": date(\"2026-04-19\"), \"latest\": 100.0, \"lead_dates\": 2, \"share\": 0.6666666666666666}"
    );
    assert_eq!(
        eval("peers.lead(chain, \"txcost_median_usd\", \"low\", 90) == ()"),
        "true"
    );
}

#[test]
fn universe_facts() {
    assert_eq!(eval("peers.as_of"), "2026-04-19");
    assert_eq!(eval("peers.leader_changes"), "1");
    assert_eq!(eval("peers.leaders.len()"), "4");
    assert_eq!(eval("peers.leader_runs[1].weeks"), "3");
    // The weeks the window (104 long) holds data for, as `leaders` lists them and each
    // chain's `window_weeks` counts them.
    assert_eq!(eval("peers.window_weeks"), "4");
}

#[test]
fn helper_misuse_is_explained() {
    let p = pack(
        &[(
            "h",
            "fn rule(chain, params, peers) { pass(`${peers.median(\"stack\")}`) }",
        )],
        "",
    );
    let v = evaluate_rule(&p, &world(), "h", Some("base")).unwrap();
    assert_eq!(
        v.reason,
        "peers.median(\"stack\"): `stack` holds string values; median needs a number field"
    );
    let p = pack(
        &[(
            "h",
            "fn rule(chain, params, peers) { pass(`${peers.count(\"tvl_usd\", \"=>\", 1)}`) }",
        )],
        "",
    );
    let v = evaluate_rule(&p, &world(), "h", Some("base")).unwrap();
    assert_eq!(
        v.reason,
        "peers.count(\"tvl_usd\", \"=>\", 1): unknown operator `=>` (use one of `==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, or without a value `has`, `missing`)"
    );
    let p = pack(
        &[(
            "h",
            "fn rule(chain, params, peers) { pass(`${peers.count(\"stack\", \">\", 1)}`) }",
        )],
        "",
    );
    let v = evaluate_rule(&p, &world(), "h", Some("base")).unwrap();
    assert_eq!(
        v.reason,
        "peers.count(\"stack\", \">\", 1): `stack` of arbitrum: the field holds strings but is compared with 1"
    );
    let p = pack(
        &[(
            "h",
            "fn rule(chain, params, peers) { pass(`${peers.leader}`) }",
        )],
        "",
    );
    let v = evaluate_rule(&p, &world(), "h", Some("base")).unwrap();
    assert_eq!(
        v.reason,
        "peers has no property `leader`: did you mean `peers.leaders`?"
    );
    let p = pack(
        &[(
            "h",
            "fn rule(chain, params, peers) { pass(`${chain.series(\"tvl\").len()}`) }",
        )],
        "",
    );
    let v = evaluate_rule(&p, &world(), "h", Some("base")).unwrap();
    assert_eq!(v.reason, "unknown series `tvl`: did you mean `tvl_usd`?");
}

#[test]
fn formatting_helpers() {
    assert_eq!(eval("usd(chain.tvl_usd * 3e6)"), "$1.2B");
    assert_eq!(eval("pct(0.123)"), "12%");
    assert_eq!(eval("usd(())"), "n/a");
    assert_eq!(eval("num(12345)"), "12,345");
    assert_eq!(eval("ordinal(87.5)"), "87th");
}

/// Dates sort in calendar order, and a "YYYY-MM-DD" string counts days with a date as the date
/// it writes (as it compares with one).
#[test]
fn dates_sort_and_count_days_with_date_strings() {
    assert_eq!(
        eval("[date(\"2025-03-01\"), date(\"2024-12-31\"), date(\"2025-01-15\")].order()"),
        "[date(\"2024-12-31\"), date(\"2025-01-15\"), date(\"2025-03-01\")]"
    );
    assert_eq!(
        eval("[date(\"2024-12-31\"), date(\"2025-03-01\")].order_desc()"),
        "[date(\"2025-03-01\"), date(\"2024-12-31\")]"
    );
    assert_eq!(eval("date(\"2025-01-31\") - \"2025-01-01\""), "30");
    assert_eq!(eval("\"2025-01-31\" - date(\"2025-01-01\")"), "30");
    assert_eq!(
        eval("days_between(\"2025-01-01\", date(\"2024-12-25\"))"),
        "-7"
    );
    assert_eq!(
        eval("days_between(date(\"2024-12-25\"), \"2025-01-01\")"),
        "7"
    );
}

/// `beat` is a percent of the peers beaten: a value outside 0..100 is an ERROR, not a lead
/// that could never (or would always) happen.
#[test]
fn a_lead_beat_outside_a_percent_is_an_error() {
    for beat in ["101", "-1", "1e9"] {
        let body = format!(
            "fn rule(chain, params, peers) {{ pass(`${{peers.lead(chain, \"txcost_median_usd\", \"low\", {beat})}}`) }}"
        );
        let p = pack(&[("h", &body)], "");
        let v = evaluate_rule(&p, &world(), "h", Some("base")).unwrap();
        assert_eq!(v.status, Status::Error, "{beat}");
        assert!(
            v.reason.starts_with(
                "peers.lead: `beat` is a percent of the peers beaten, from 0 to 100, found "
            ),
            "{beat}: {}",
            v.reason
        );
    }
}
