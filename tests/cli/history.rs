//! `moat backtest` and `moat diff`: the flips of the shipped history, a backtest's flips are
//! exactly the changes between consecutive screens, and diffs of dates and saved results.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

fn json_of(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = moat(dir, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (date, chain, rule, from, to) of every flip in a backtest's JSON.
fn flips(json: &serde_json::Value) -> Vec<(String, String, String, String, String)> {
    json["flips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("sector").to_string();
            (s("date"), s("chain"), s("rule"), s("from"), s("to"))
        })
        .collect()
}

#[test]
fn the_shipped_history_shows_base_taking_the_lead_and_the_arb_launch() {
    let json = json_of(
        &repo(),
        &[
            "backtest",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
            "--only",
            "tvl_leadership,token_existence",
            "--chains",
            "arbitrum,base",
            "--format",
            "json",
        ],
    );
    let all = flips(&json);
    let has = |date: &str, chain: &str, rule: &str, from: &str, to: &str| {
        all.contains(&(
            date.into(),
            chain.into(),
            rule.into(),
            from.into(),
            to.into(),
        ))
    };
    // Base became the TVL #1 in the week ending 2024-12-15: Arbitrum's lead stops being
    // durable that week.
    assert!(
        has("2024-12-15", "arbitrum", "tvl_leadership", "PASS", "FAIL"),
        "{all:#?}"
    );
    // ARB went live on 2023-03-23: the first weekly date after it flips the token verdict.
    assert!(
        has("2023-03-26", "arbitrum", "token_existence", "SKIP", "PASS"),
        "{all:#?}"
    );
    let reason = json["flips"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["chain"] == "arbitrum" && f["rule"] == "tvl_leadership" && f["date"] == "2024-12-15"
        })
        .unwrap()["reason_after"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reason.contains("to base (2024-12-15"), "{reason}");
    // Base is judged from its launch on; before it, a chain asked for is simply not there.
    let base = json["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "base")
        .unwrap()
        .clone();
    assert_eq!(base["dates_pass"], 0);
    assert!(
        has("2023-07-16", "base", "universe", "out", "in"),
        "{all:#?}"
    );
}

#[test]
fn a_backtests_flips_are_the_changes_between_consecutive_screens() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    let backtest = json_of(
        dir,
        &[
            "backtest",
            "--data",
            "mini",
            "--rules",
            "rules",
            "--from",
            "2024-11-03",
            "--to",
            "2024-12-29",
            "--format",
            "json",
        ],
    );
    let dates: Vec<String> = backtest["dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(dates.len(), 9);
    // Screen every date separately and compute the changes here, independently.
    let screens: Vec<serde_json::Value> = dates
        .iter()
        .map(|d| {
            json_of(
                dir,
                &[
                    "screen", "--data", "mini", "--rules", "rules", "--as-of", d, "--format",
                    "json",
                ],
            )
        })
        .collect();
    let statuses = |screen: &serde_json::Value| {
        let mut out = std::collections::BTreeMap::new();
        for c in screen["chains"].as_array().unwrap() {
            let slug = c["slug"].as_str().unwrap().to_string();
            out.insert(
                (slug.clone(), "overall".to_string()),
                c["overall"].as_str().unwrap().to_string(),
            );
            for v in c["verdicts"].as_array().unwrap() {
                out.insert(
                    (slug.clone(), v["rule"].as_str().unwrap().to_string()),
                    v["status"].as_str().unwrap().to_string(),
                );
            }
        }
        if let Some(sector) = screen["sector"].as_object() {
            out.insert(
                ("sector".into(), "overall".into()),
                sector["overall"].as_str().unwrap().to_string(),
            );
            for v in sector["verdicts"].as_array().unwrap() {
                out.insert(
                    ("sector".into(), v["rule"].as_str().unwrap().to_string()),
                    v["status"].as_str().unwrap().to_string(),
                );
            }
        }
        out
    };
    let mut expected = BTreeSet::new();
    for i in 1..screens.len() {
        let (before, after) = (statuses(&screens[i - 1]), statuses(&screens[i]));
        for ((chain, rule), to) in &after {
            match before.get(&(chain.clone(), rule.clone())) {
                Some(from) if from != to => {
                    expected.insert((
                        dates[i].clone(),
                        chain.clone(),
                        rule.clone(),
                        from.clone(),
                        to.clone(),
                    ));
                }
                None if rule == "overall" && chain != "sector" => {
                    expected.insert((
                        dates[i].clone(),
                        chain.clone(),
                        "universe".into(),
                        "out".into(),
                        "in".into(),
                    ));
                }
                _ => {}
            }
        }
        for (chain, rule) in before.keys() {
            if rule == "overall"
                && chain != "sector"
                && !after.contains_key(&(chain.clone(), rule.clone()))
            {
                expected.insert((
                    dates[i].clone(),
                    chain.clone(),
                    "universe".into(),
                    "in".into(),
                    "out".into(),
                ));
            }
        }
    }
    let got: BTreeSet<_> = flips(&backtest).into_iter().collect();
    assert!(
        !expected.is_empty(),
        "the fixture has changes over these weeks"
    );
    assert_eq!(got, expected);
    // And each date of the matrix is that date's screen.
    for (i, d) in backtest["dates"].as_array().unwrap().iter().enumerate() {
        for c in d["chains"].as_array().unwrap() {
            let slug = c["slug"].as_str().unwrap();
            let screened = statuses(&screens[i]);
            assert_eq!(
                c["overall"].as_str().unwrap(),
                screened[&(slug.to_string(), "overall".to_string())]
            );
        }
    }
}

#[test]
fn diff_of_two_dates_lists_the_flips_with_both_reasons() {
    let out = moat(
        &repo(),
        &[
            "diff",
            "2024-06-30",
            "2025-06-29",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("before: L2 moat screen as of 2024-06-30 | dataset l2 "),
        "{text}"
    );
    assert!(
        text.contains("\nafter:  L2 moat screen as of 2025-06-29 | dataset l2 "),
        "{text}"
    );
    // Base gained fault proofs on 2024-10-30 and reached stage 1 in April 2025.
    assert!(
        text.contains(
            "  base security_hygiene: FAIL → PASS\n    before: Base has no working proof system (none): below the hygiene bar an investor should expect.\n    after:  Base is stage 1 with fraud proofs and data on ethereum_blobs"
        ),
        "{text}"
    );
    assert!(text.contains("\nentered the universe: "), "{text}");
}

#[test]
fn diff_of_a_saved_result_with_itself_is_empty_and_other_packs_are_noted() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    let out = moat(
        dir,
        &[
            "screen", "--data", "mini", "--rules", "rules", "--format", "json",
        ],
    );
    fs::write(dir.join("a.json"), &out.stdout).unwrap();
    let same = moat(dir, &["diff", "a.json", "a.json"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(
        stdout(&same).ends_with("\nno change\n"),
        "{}",
        stdout(&same)
    );
    // Another rule pack: the diff says so.
    replace(
        &dir.join("rules/screen.toml"),
        "pass_mark = 0.6",
        "pass_mark = 0.5",
    );
    let other = moat(
        dir,
        &[
            "diff",
            "a.json",
            "2024-12-29",
            "--data",
            "mini",
            "--rules",
            "rules",
        ],
    );
    assert_eq!(other.status.code(), Some(0), "{}", stderr(&other));
    assert!(
        stdout(&other).contains("note: the rule packs differ"),
        "{}",
        stdout(&other)
    );
    assert!(stdout(&other).contains("note: the pass marks differ (0.60 before, 0.50 after)"));
    // A file that is not a screen's JSON is named with its place.
    fs::write(dir.join("b.json"), "{\"chains\": 3}").unwrap();
    let bad = moat(dir, &["diff", "a.json", "b.json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).starts_with("error: b.json:1:"),
        "{}",
        stderr(&bad)
    );
}

/// The maximal runs of `status` in each chain's overall verdicts (and the sector's), date by
/// date, counted from a backtest's JSON.
fn runs_of(json: &serde_json::Value, status: &str) -> usize {
    let dates = json["dates"].as_array().unwrap();
    let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, d) in dates.iter().enumerate() {
        for c in d["chains"].as_array().unwrap() {
            let row = rows
                .entry(c["slug"].as_str().unwrap().to_string())
                .or_default();
            row.resize(i, String::new());
            row.push(c["overall"].as_str().unwrap().to_string());
        }
        if let Some(s) = d["sector"]["overall"].as_str() {
            let row = rows.entry("(sector)".into()).or_default();
            row.resize(i, String::new());
            row.push(s.to_string());
        }
    }
    rows.values()
        .map(|row| {
            (0..row.len())
                .filter(|&i| row[i] == status && (i == 0 || row[i - 1] != status))
                .count()
        })
        .sum()
}

#[test]
fn the_chart_is_a_heatmap_of_the_overall_verdicts_written_whole() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    let base = [
        "backtest",
        "--data",
        "mini",
        "--rules",
        "rules",
        "--from",
        "2024-11-03",
        "--to",
        "2024-12-29",
    ];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        [base, extra].concat()
    }
    let json = json_of(
        dir,
        &with(&base, &["--format", "json", "--chart", "heat.svg"]),
    );
    let svg = fs::read_to_string(dir.join("heat.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    for slug in [
        "arbitrum",
        "base",
        "degen",
        "optimism",
        "zksync-era",
        "sector",
    ] {
        assert!(
            svg.contains(&format!(">\n{slug}\n</text>")),
            "{slug} has no row"
        );
    }
    // One rectangle per run of a verdict in a row, plus one in the legend.
    assert!(runs_of(&json, "FAIL") > 0, "the fixture has FAIL verdicts");
    for (status, fill) in [
        ("PASS", "#1B7837"),
        ("FAIL", "#F1A340"),
        ("SKIP", "#BDBDBD"),
        ("ERROR", "#762A83"),
    ] {
        let runs = runs_of(&json, status);
        assert_eq!(
            svg.matches(&format!("fill=\"{fill}\"")).count(),
            runs + 1,
            "{status} runs"
        );
    }
    // The same bytes whatever the thread count.
    json_of(
        dir,
        &with(
            &base,
            &["--format", "json", "--chart", "again.svg", "--threads", "1"],
        ),
    );
    assert_eq!(fs::read(dir.join("again.svg")).unwrap(), svg.as_bytes());
    // The chart written is noted on stderr, as `screen --out` notes its file.
    let noted = moat(
        dir,
        &with(&base, &["--format", "json", "--chart", "noted.svg"]),
    );
    assert_eq!(stderr(&noted), "wrote noted.svg\n");

    // A name that is not .svg is refused before anything runs; a run that fails leaves the
    // old chart as it was.
    let out = moat(dir, &with(&base, &["--chart", "heat.png"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--chart heat.png: the chart is an SVG file: name it FILE.svg"));
    assert!(!dir.join("heat.png").exists());
    let out = moat(
        dir,
        &[
            "backtest", "--data", "mini", "--rules", "rules", "--only", "nope", "--chart",
            "heat.svg",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.join("heat.svg")).unwrap(), svg);
}

/// A schedule of more than a century of weeks is refused before any screen runs.
#[test]
fn a_backtest_of_more_than_a_century_of_weeks_is_refused() {
    let tmp = screen_dir(&[]);
    let since_1900 = |extra: &[&str]| {
        let mut args = vec![
            "backtest",
            "--data",
            "mini",
            "--rules",
            "rules",
            "--from",
            "1900-01-01",
            "--to",
            "2024-12-29",
        ];
        args.extend_from_slice(extra);
        moat(tmp.path(), &args)
    };
    let out = since_1900(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "the schedule 1w from 1900-01-01 to 2024-12-29 holds 6522 dates: expected at most 5200 (a century of weeks)"
        ),
        "{}",
        stderr(&out)
    );
    // Quarter ends over the same span are 500 dates: within the bound.
    let out = since_1900(&["--every", "1q", "--format", "json"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    // Dates the wrong way round are named as such.
    let out = moat(
        tmp.path(),
        &[
            "backtest",
            "--data",
            "mini",
            "--rules",
            "rules",
            "--from",
            "2024-12-29",
            "--to",
            "2024-11-03",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --from 2024-12-29 is after --to 2024-11-03: expected the first date of the backtest, then its last\n"
    );
}

/// A saved result is read as every input is (a byte-order mark dropped, a bad file placed
/// once), and its text cannot add lines to the diff: a newline in a stamp is a space.
#[test]
fn a_saved_result_is_read_like_any_input_and_adds_no_line() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    let out = moat(
        dir,
        &[
            "screen", "--data", "mini", "--rules", "rules", "--format", "json",
        ],
    );
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&out.stdout);
    fs::write(dir.join("bom.json"), &bom).unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["stamps"]["moat_version"] = "0.1.0\n\nverdicts that changed: 0".into();
    fs::write(dir.join("forged.json"), json.to_string()).unwrap();
    fs::write(dir.join("empty.json"), "").unwrap();

    let same = moat(dir, &["diff", "bom.json", "forged.json"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    let text = stdout(&same);
    assert!(
        text.contains("moat 0.1.0  verdicts that changed: 0\n"),
        "{text}"
    );
    assert!(!text.contains("\nverdicts that changed"), "{text}");

    let empty = moat(dir, &["diff", "empty.json", "bom.json"]);
    assert_eq!(empty.status.code(), Some(2));
    assert_eq!(
        stderr(&empty),
        "error: empty.json:1:1: not a screen result (EOF while parsing a value at line 1 column 0): expected a JSON file written by `moat screen --format json`\n"
    );
}

/// A saved result moat could not have written (a chain twice, a score past 1, a date that is
/// not one, a verdict of a rule it does not list) is refused with each problem's field named:
/// a diff of it would drop or misread entries without a word.
#[test]
fn a_saved_result_moat_could_not_have_written_is_refused_by_field() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    let out = moat(
        dir,
        &[
            "screen", "--data", "mini", "--rules", "rules", "--format", "json",
        ],
    );
    fs::write(dir.join("good.json"), &out.stdout).unwrap();
    let good: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(good["chains"].as_array().unwrap().len() >= 2, "{good}");

    let mut odd = good.clone();
    let first = odd["chains"][0].clone();
    odd["chains"][1]["slug"] = first["slug"].clone();
    odd["chains"][0]["score"] = 1.5.into();
    odd["stamps"]["as_of"] = "yesterday".into();
    odd["chains"][0]["verdicts"][0]["rule"] = "no_such_rule".into();
    fs::write(dir.join("odd.json"), odd.to_string()).unwrap();
    let refused = moat(dir, &["diff", "good.json", "odd.json"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let slug = first["slug"].as_str().unwrap();
    assert_eq!(
        stderr(&refused),
        format!(
            "error: odd.json: not a screen result as `moat screen --format json` writes it:\n  \
             stamps.as_of is \"yesterday\": expected a date YYYY-MM-DD\n  \
             chains[0].score is 1.5: expected a number from 0 to 1\n  \
             chains[0].verdicts[0].rule \"no_such_rule\" is not among the result's rules: expected one of the ids listed under \"rules\"\n  \
             chains[0].verdicts has no verdict of rule \"differentiation\": expected one of every chain rule listed under \"rules\"\n  \
             chains[1].slug \"{slug}\" is listed twice (first at chains[0]): expected each chain once\n"
        )
    );

    // A weight screen.toml could not set is the problem named, not the scores it gives.
    let mut weighed = good.clone();
    weighed["rules"][1]["weight"] = (-5.0).into();
    fs::write(dir.join("weighed.json"), weighed.to_string()).unwrap();
    let refused = moat(dir, &["diff", "good.json", "weighed.json"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert_eq!(
        stderr(&refused),
        "error: weighed.json: not a screen result as `moat screen --format json` writes it:\n  \
         rules[1].weight is -5: expected a number greater than 0 and at most 1000000, as screen.toml's weights are\n"
    );
    // A number out of range is written in scientific notation, not in its 301 digits.
    weighed["rules"][1]["weight"] = 1e300.into();
    weighed["stamps"]["pass_mark"] = (-1.5e300).into();
    fs::write(dir.join("weighed.json"), weighed.to_string()).unwrap();
    let refused = moat(dir, &["diff", "good.json", "weighed.json"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert_eq!(
        stderr(&refused),
        "error: weighed.json: not a screen result as `moat screen --format json` writes it:\n  \
         stamps.pass_mark is -1.5e300: expected a number from 0 to 1\n  \
         rules[1].weight is 1e300: expected a number greater than 0 and at most 1000000, as screen.toml's weights are\n"
    );

    // A sector dropped would read as no change of the sector's verdicts.
    assert!(good["sector"].is_object(), "{good}");
    let mut no_sector = good.clone();
    no_sector["sector"] = serde_json::Value::Null;
    fs::write(dir.join("no_sector.json"), no_sector.to_string()).unwrap();
    let refused = moat(dir, &["diff", "good.json", "no_sector.json"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).ends_with(
            "  sector is missing or null, but \"rules\" lists the sector rule \"sector_moats\": expected the sector's verdicts\n"
        ),
        "{}",
        stderr(&refused)
    );

    let mut twice = good.clone();
    let verdict = twice["chains"][0]["verdicts"][0].clone();
    twice["chains"][0]["verdicts"]
        .as_array_mut()
        .unwrap()
        .push(verdict);
    fs::write(dir.join("twice.json"), twice.to_string()).unwrap();
    let refused = moat(dir, &["diff", "twice.json", "good.json"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("is a second verdict of rule"),
        "{}",
        stderr(&refused)
    );

    let mut inconsistent = good.clone();
    inconsistent["chains"][0]["overall"] = "PASS".into();
    inconsistent["chains"][0]["gates_failed"] = serde_json::json!(["token_existence"]);
    inconsistent["chains"][0]["score"] = serde_json::Value::Null;
    fs::write(dir.join("inconsistent.json"), inconsistent.to_string()).unwrap();
    let refused = moat(dir, &["diff", "good.json", "inconsistent.json"]);
    assert_eq!(refused.status.code(), Some(2));
    let err = stderr(&refused);
    assert!(
        err.contains("chains[0].overall is PASS: expected FAIL, as its verdicts give"),
        "{err}"
    );
    assert!(
        err.contains("chains[0].score is null: expected 0."),
        "{err}"
    );

    // Every field that follows from the verdicts is checked against them: a gate that is
    // not a gate, an error count, a deciding verdict of a rule the chain does not fail.
    let mut recounted = good.clone();
    let chain = &mut recounted["chains"][0];
    let gates = chain["gates_failed"].clone();
    chain["gates_failed"] = serde_json::json!(["no_such_rule"]);
    chain["errors"] = 7.into();
    chain["deciding"]["rule"] = "no_such_rule".into();
    fs::write(dir.join("recounted.json"), recounted.to_string()).unwrap();
    let refused = moat(dir, &["diff", "good.json", "recounted.json"]);
    assert_eq!(refused.status.code(), Some(2));
    let err = stderr(&refused);
    assert!(
        err.contains(&format!(
            "chains[0].gates_failed is [\"no_such_rule\"]: expected {}, the gates among its verdicts that are not PASS",
            gates.to_string().replace(',', ", ")
        )),
        "{err}"
    );
    assert!(
        err.contains("chains[0].errors is 7: expected 0, its verdicts that are ERROR"),
        "{err}"
    );
    assert!(
        err.contains("chains[0].deciding is rule \"no_such_rule\""),
        "{err}"
    );

    // A verdict taken out read as "no change".
    let mut fewer = good.clone();
    let removed = fewer["chains"][0]["verdicts"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    fs::write(dir.join("fewer.json"), fewer.to_string()).unwrap();
    let refused = moat(dir, &["diff", "good.json", "fewer.json"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains(&format!(
            "chains[0].verdicts has no verdict of rule {}: expected one of every chain rule",
            removed["rule"]
        )),
        "{}",
        stderr(&refused)
    );

    let same = moat(dir, &["diff", "good.json", "good.json"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
}

/// A backtest of one date says "1 date".
#[test]
fn a_backtest_of_one_date_says_one_date() {
    let tmp = screen_dir(&[]);
    let out = moat(
        tmp.path(),
        &[
            "backtest",
            "--data",
            "mini",
            "--rules",
            "rules",
            "--from",
            "2024-12-29",
            "--to",
            "2024-12-29",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("from 2024-12-29 to 2024-12-29 (1 date) |"),
        "{}",
        stdout(&out)
    );
}

/// A TVL point dated after the vintage (a `data check` warning) does not stop a backtest of
/// the default span: it ends at the vintage, and gives what it gave without that point.
#[test]
fn a_default_backtest_ends_at_the_vintage() {
    let tmp = screen_dir(&[]);
    let backtest = || {
        moat(
            tmp.path(),
            &[
                "backtest", "--data", "mini", "--rules", "rules", "--format", "json",
            ],
        )
    };
    let before = backtest();
    assert!(
        matches!(before.status.code(), Some(0 | 1)),
        "{}",
        stderr(&before)
    );
    let tvl = tmp.path().join("mini/tvl_weekly.csv");
    let mut text = fs::read_to_string(&tvl).unwrap();
    text.push_str("2025-01-05,base,5\n");
    fs::write(&tvl, text).unwrap();
    let after = backtest();
    assert_eq!(
        after.status.code(),
        before.status.code(),
        "{}",
        stderr(&after)
    );
    let dates = |o: &Output| -> Vec<serde_json::Value> {
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        json["dates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["date"].clone())
            .collect()
    };
    assert_eq!(dates(&after), dates(&before));
    assert_eq!(dates(&after).last().unwrap(), "2024-12-29");
}

/// Save the screen of `dir/mini` with `extra_args` as `dir/name`, and return its JSON.
fn saved(dir: &Path, name: &str, extra_args: &[&str]) -> serde_json::Value {
    let (json, out) = screen_json(dir, extra_args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fs::write(dir.join(name), &out.stdout).unwrap();
    json
}

/// `moat diff A B --format json` in `dir`.
fn diff_json(dir: &Path, a: &str, b: &str) -> serde_json::Value {
    json_of(dir, &["diff", a, b, "--format", "json"])
}

/// A screen narrowed with `--chains` says which chains it was asked for; a diff against it
/// compares only those: a chain it was not asked for neither entered nor left the universe,
/// while one it was asked for and could not screen did. A file saved without the field (an
/// older moat) still reads.
#[test]
fn diff_with_a_screen_of_some_chains_compares_only_the_chains_asked_for() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    let full = saved(dir, "full.json", &[]);
    assert!(full.get("chains_asked").is_none(), "{full}");
    assert_eq!(full["chains"].as_array().unwrap().len(), 5);
    let sub = saved(dir, "sub.json", &["--chains", "base,arbitrum,base"]);
    assert_eq!(sub["chains_asked"], serde_json::json!(["arbitrum", "base"]));

    for (a, b, side) in [
        ("full.json", "sub.json", "after"),
        ("sub.json", "full.json", "before"),
    ] {
        let out = moat(dir, &["diff", a, b]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains(&format!(
                "\nnote: the {side} side judged only the chains asked for with --chains (arbitrum, base): a chain it was not asked for is not compared, and neither entered nor left the universe\n"
            )),
            "{text}"
        );
        assert!(text.ends_with("\nno change\n"), "{text}");
        assert!(!text.contains("the universe:"), "{text}");
        let json = diff_json(dir, a, b);
        assert_eq!(json["entered"], serde_json::json!([]), "{json}");
        assert_eq!(json["left"], serde_json::json!([]), "{json}");
    }

    // Base launched in 2023-07: asked for at 2023-01-01, it is not screened, and enters.
    let early = saved(
        dir,
        "early.json",
        &["--chains", "base,arbitrum", "--as-of", "2023-01-01"],
    );
    assert_eq!(early["not_screened"][0]["chain"], "base", "{early}");
    assert_eq!(
        early["chains_asked"],
        serde_json::json!(["arbitrum", "base"])
    );
    let json = diff_json(dir, "early.json", "sub.json");
    assert_eq!(json["entered"], serde_json::json!(["base"]), "{json}");
    assert_eq!(json["left"], serde_json::json!([]), "{json}");
    assert_eq!(
        json["notes"],
        serde_json::json!([
            "both sides judged only the chains asked for with --chains (arbitrum, base): no other chain is compared"
        ])
    );
    // Against the whole screen, it was asked for base and did not have it: base left; the
    // chains it was not asked for did not.
    let json = diff_json(dir, "full.json", "early.json");
    assert_eq!(json["left"], serde_json::json!(["base"]), "{json}");
    assert_eq!(json["entered"], serde_json::json!([]), "{json}");

    // Saved without `chains_asked` (an older moat): the chains it could not screen show it
    // was narrowed, and what it was asked for is read from them and the chains it judged.
    let mut older = early.clone();
    older.as_object_mut().unwrap().remove("chains_asked");
    fs::write(dir.join("older.json"), older.to_string()).unwrap();
    assert_eq!(
        diff_json(dir, "older.json", "sub.json")["entered"],
        serde_json::json!(["base"])
    );
    let mut plain = full.clone();
    plain.as_object_mut().unwrap().remove("not_screened");
    fs::write(dir.join("plain.json"), plain.to_string()).unwrap();
    let same = moat(dir, &["diff", "plain.json", "full.json"]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(
        stdout(&same).ends_with("\nno change\n"),
        "{}",
        stdout(&same)
    );

    // Asked only for a chain not in the universe: nothing judged, nothing left.
    saved(dir, "all_2023.json", &["--as-of", "2023-01-01"]);
    let gone = saved(
        dir,
        "gone.json",
        &["--chains", "base", "--as-of", "2023-01-01"],
    );
    assert_eq!(gone["chains"], serde_json::json!([]), "{gone}");
    let out = moat(dir, &["diff", "all_2023.json", "gone.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).split_once("note: ").unwrap().1,
        "the after side judged only the chains asked for with --chains (base): a chain it was not asked for is not compared, and neither entered nor left the universe\n\nno change\n"
    );

    // A `chains_asked` other than the chains judged and not screened is refused: it would
    // read as chains leaving, or not compared.
    let mut odd = sub.clone();
    odd["chains_asked"] = serde_json::json!(["arbitrum", "optimism"]);
    fs::write(dir.join("odd.json"), odd.to_string()).unwrap();
    let refused = moat(dir, &["diff", "full.json", "odd.json"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains(
            ".slug \"base\" is not among chains_asked: expected only the chains the screen was asked to judge\n"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "  chains_asked[1] \"optimism\" is in neither chains nor not_screened: expected a result, or why there is none, for each chain asked for\n"
        ),
        "{err}"
    );
}

/// A diff of screens that ran other rules (`--only`) names the rules only one side ran:
/// their verdicts are not compared, and overall verdicts and scores rest on other rules.
#[test]
fn diff_of_screens_of_other_rules_names_the_rules_only_one_side_ran() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    saved(dir, "full.json", &[]);
    saved(dir, "only.json", &["--only", "traction"]);
    let out = moat(dir, &["diff", "full.json", "only.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "\nnote: only the before side ran the rules differentiation, ecosystem_interconnection, sector_moats, security_hygiene, token_existence, tvl_leadership: their verdicts are not compared, and the chains' overall verdicts and scores are taken over different rules\n"
        ),
        "{text}"
    );
    // The overall and score changes are still listed (the note says what they rest on).
    assert!(text.contains("\noverall and score changes: "), "{text}");
    let json = diff_json(dir, "full.json", "only.json");
    assert!(
        json["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["rule"] == "traction"),
        "{json}"
    );
    let back = stdout(&moat(dir, &["diff", "only.json", "full.json"]));
    assert!(
        back.contains("\nnote: only the after side ran the rules differentiation, "),
        "{back}"
    );

    // Rules on both sides: the rule each ran alone is named on its side.
    saved(dir, "other.json", &["--only", "traction,token_existence"]);
    saved(dir, "some.json", &["--only", "traction,tvl_leadership"]);
    assert_eq!(
        diff_json(dir, "other.json", "some.json")["notes"],
        serde_json::json!([
            "only the before side ran the rule token_existence; only the after side ran the rule tvl_leadership: their verdicts are not compared, and the chains' overall verdicts and scores are taken over different rules"
        ])
    );

    // A screen of sector rules alone judged no chain: none entered or left.
    saved(dir, "sector.json", &["--only", "sector_moats"]);
    let out = moat(dir, &["diff", "full.json", "sector.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "\nnote: the after side ran no chain rule and judged no chain: chains are not compared, and none entered or left the universe\n"
        ),
        "{text}"
    );
    assert!(!text.contains("the universe:"), "{text}");
}

/// Two screens of one dataset name and vintage at one as-of date whose contents differ (a
/// revised file) are noted, with both content hashes; two dates of one dataset are not.
#[test]
fn diff_of_revised_data_of_one_name_and_vintage_notes_the_contents_differ() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    let before = saved(dir, "before.json", &[]);
    replace(
        &dir.join("mini/tvl_weekly.csv"),
        "2024-12-29,zksync-era,98146605",
        "2024-12-29,zksync-era,98146606",
    );
    let after = saved(dir, "after.json", &[]);
    let hash =
        |j: &serde_json::Value| j["stamps"]["dataset_hash"].as_str().unwrap()[..12].to_string();
    assert_eq!(before["stamps"]["dataset"], after["stamps"]["dataset"]);
    assert_eq!(before["stamps"]["vintage"], after["stamps"]["vintage"]);
    assert_ne!(hash(&before), hash(&after));
    let out = moat(dir, &["diff", "before.json", "after.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let note = format!(
        "the data's contents differ (dataset mini of 2024-12-29, content {} before, {} after): a change may come from a revision of the data, not from time",
        hash(&before),
        hash(&after)
    );
    assert!(text.contains(&format!("\nnote: {note}\n")), "{text}");
    assert_eq!(
        diff_json(dir, "before.json", "after.json")["notes"],
        serde_json::json!([note])
    );
    let same = stdout(&moat(dir, &["diff", "after.json", "after.json"]));
    assert!(!same.contains("note:"), "{same}");

    // Two as-of dates, screened from one dataset with the same arguments: their hashes differ
    // (each covers the rows seen then), their contents do not.
    let out = moat(
        dir,
        &[
            "diff",
            "2024-12-01",
            "2024-12-29",
            "--data",
            "mini",
            "--rules",
            "rules",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("before: L2 moat screen as of 2024-12-01 | dataset mini "),
        "{text}"
    );
    assert!(!text.contains("note:"), "{text}");
}

/// The CSV backtest holds the chains entering or leaving the universe as the flips list them:
/// a row of rule `universe`, status `in` or `out`, flipped from the other.
#[test]
fn a_backtest_csv_has_the_universe_flips() {
    let args = |format: &'static str| {
        [
            "backtest",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
            "--only",
            "token_existence",
            "--chains",
            "base",
            "--from",
            "2023-07-02",
            "--to",
            "2023-07-23",
            "--format",
            format,
        ]
    };
    let json = moat(&repo(), &args("json"));
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let expected: Vec<String> = json["flips"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "universe")
        .map(|f| {
            format!(
                "{},{},universe,{},,{}",
                f["date"].as_str().unwrap(),
                f["chain"].as_str().unwrap(),
                f["to"].as_str().unwrap(),
                f["from"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(expected, ["2023-07-16,base,universe,in,,out"]);
    let csv = moat(&repo(), &args("csv"));
    assert_eq!(csv.status.code(), Some(0), "{}", stderr(&csv));
    let got: Vec<String> = stdout(&csv)
        .lines()
        .filter(|l| l.contains(",universe,"))
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            // date, chain, rule, status, score, flipped_from
            [cells[0], cells[7], cells[8], cells[9], cells[10], cells[11]].join(",")
        })
        .collect();
    assert_eq!(got, expected);
}
