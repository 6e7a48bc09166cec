//! `moat screen`: verdicts on the fixture and shipped data, hostile rules, determinism.

use super::*;

#[test]
fn screen_token_existence_on_the_shipped_data() {
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
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let base = verdict(&json, "base", "token_existence");
    assert_eq!(base["status"], "FAIL");
    assert!(
        base["reason"]
            .as_str()
            .unwrap()
            .starts_with("Base has no token"),
        "{base}"
    );
    assert_eq!(
        verdict(&json, "arbitrum", "token_existence")["status"],
        "PASS"
    );
    assert_eq!(
        verdict(&json, "optimism", "token_existence")["status"],
        "PASS"
    );
    // Evidence is recorded by the engine: the fields the rule read, with their values.
    let evidence = base["evidence"].as_array().unwrap();
    assert!(
        evidence
            .iter()
            .any(|e| e["field"] == "token_status" && e["value"] == "exploring"),
        "{base}"
    );
}

#[test]
fn screen_table_lists_every_screened_chain_and_the_footer() {
    let out = moat(
        &repo(),
        &["screen", "--data", "datasets/l2", "--rules", "rules"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('\x1b'), "no colour off a terminal");
    let check = moat(
        &repo(),
        &["data", "check", "--data", "datasets/l2", "--format", "json"],
    );
    let summary: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    // `data check` and `screen` count the chains screened at the vintage the same way.
    let screened = summary["screened"].as_u64().unwrap();
    let rows = text.lines().skip(1).take_while(|l| !l.is_empty()).count() as u64;
    assert!(rows >= 100, "{rows} rows");
    assert_eq!(rows, screened, "{text}");
    assert!(text.contains("\nsector: "), "{text}");
    let footer = text
        .lines()
        .find(|l| l.starts_with("L2 moat screen as of 2026-08-22 | dataset l2 "))
        .unwrap_or_else(|| panic!("no stamps line in\n{text}"));
    assert!(
        footer.contains(" (vintage 2026-08-22) | rule pack ") && footer.contains(" | moat "),
        "{footer}"
    );
}

/// `moat screen` on the shipped data and rules in `format` with `threads` threads.
fn shipped_screen(format: &str, threads: &str) -> Output {
    let args = [
        "screen",
        "--data",
        "datasets/l2",
        "--rules",
        "rules",
        "--format",
        format,
        "--threads",
        threads,
    ];
    moat(&repo(), &args)
}

#[test]
fn screen_json_is_identical_for_one_and_two_threads() {
    let one = shipped_screen("json", "1");
    let two = shipped_screen("json", "2");
    assert_eq!(one.status.code(), Some(0));
    assert!(
        one.stdout == two.stdout,
        "JSON differs between --threads 1 and --threads 2"
    );
    let csv1 = shipped_screen("csv", "1");
    let csv2 = shipped_screen("csv", "2");
    assert!(
        csv1.stdout == csv2.stdout,
        "CSV differs between thread counts"
    );
}

#[test]
fn hostile_rules_error_with_their_location_and_change_nothing_else() {
    let hostile: &[(&str, &str, &str, &str)] = &[
        (
            "h_loop",
            "fn rule(chain, params, peers) {\n    loop { }\n}\n",
            "h_loop.rhai:7:5",
            "operations",
        ),
        (
            "h_recursion",
            "fn deep(n) { deep(n + 1) }\nfn rule(chain, params, peers) {\n    deep(0)\n}\n",
            "h_recursion.rhai:6:14",
            "call",
        ),
        (
            "h_string",
            "fn rule(chain, params, peers) {\n    let s = \"x\";\n    loop { s += s; }\n}\n",
            "h_string.rhai:8:14",
            "a string of more than 10000 bytes",
        ),
        (
            "h_eval",
            "fn rule(chain, params, peers) {\n    eval(\"pass(`x`)\")\n}\n",
            "h_eval.rhai:7:5",
            "eval",
        ),
        (
            "h_field",
            "fn rule(chain, params, peers) {\n    if chain.tvl_usdd > 0.0 { pass(\"big\") } else { fail(\"small\") }\n}\n",
            "h_field.rhai:7:14",
            "did you mean `tvl_usd`",
        ),
        (
            "h_return",
            "fn rule(chain, params, peers) {\n    42\n}\n",
            "h_return.rhai:7:5",
            "got int (42)",
        ),
        (
            "h_import",
            "import \"secrets\" as s;\nfn rule(chain, params, peers) {\n    pass(\"x\")\n}\n",
            "h_import.rhai:6:1",
            "`import` is not allowed",
        ),
    ];
    let plain = screen_dir(&[]);
    let (before, out) = screen_json(plain.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let extra: Vec<(&str, &str)> = hostile
        .iter()
        .map(|(id, body, _, _)| (*id, *body))
        .collect();
    let dir = screen_dir(&extra);
    // Each rule is stopped by its own bound, not by the rule's time budget, which a debug
    // build on a loaded machine could spend on the endless loop's six evaluations.
    replace(
        &dir.path().join("rules/screen.toml"),
        "name = \"",
        "rule_time_budget_ms = 600000\nname = \"",
    );
    let (after, out) = screen_json(dir.path(), &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a rule ERROR exits 1: {}",
        stderr(&out)
    );
    for chain in before["chains"].as_array().unwrap() {
        let slug = chain["slug"].as_str().unwrap();
        for v in chain["verdicts"].as_array().unwrap() {
            let rule = v["rule"].as_str().unwrap();
            assert_eq!(verdict(&after, slug, rule), v, "{slug}/{rule} changed");
        }
        for (id, _, location, fragment) in hostile {
            let v = verdict(&after, slug, id);
            assert_eq!(v["status"], "ERROR", "{slug}/{id}: {v}");
            assert_eq!(v["location"], *location, "{slug}/{id}: {v}");
            let reason = v["reason"].as_str().unwrap();
            assert!(
                reason.contains(fragment),
                "{slug}/{id}: {reason:?} lacks {fragment:?}"
            );
        }
    }
}

#[test]
fn unknown_key_in_screen_toml_exits_2_naming_it() {
    let dir = screen_dir(&[]);
    replace(
        &dir.path().join("rules/screen.toml"),
        "[rules.traction]\nweight = 1.0",
        "[rules.traction]\nweight = 1.0\nwieght = 2.0",
    );
    let out = moat(
        dir.path(),
        &["screen", "--data", "mini", "--rules", "rules"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("rules/screen.toml:") && err.contains("wieght"),
        "{err}"
    );
}

#[test]
fn every_status_appears_on_the_fixture() {
    let dir = screen_dir(&[("h_return", "fn rule(chain, params, peers) {\n    42\n}\n")]);
    let (json, _) = screen_json(dir.path(), &[]);
    let statuses: std::collections::BTreeSet<String> = json["chains"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["verdicts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["status"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        ["ERROR", "FAIL", "PASS", "SKIP"]
    );
}

/// A screen at a date before any chain had launched is a screen (exit 0, the sector judged),
/// with a warning that says where the data starts; one of sector rules alone, or of chains
/// named, has no such warning (the sector is what it judges; the chains named are explained).
#[test]
fn a_screen_before_every_chain_warns_where_the_data_starts() {
    let tmp = broken(|_| {});
    let out = moat(
        tmp.path(),
        &[
            "screen",
            "--data",
            "mini",
            "--as-of",
            "2000-01-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(
        warnings,
        [
            "warning: no chain of dataset mini is in the universe as of 2000-01-01: none had launched by then, or every one had shut down (its first TVL point is 2024-11-03); give a later --as-of"
        ],
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["chains"].as_array().map(Vec::len), Some(0));
    for more in [["--only", "sector_moats"], ["--chains", "base"]] {
        let mut args = vec!["screen", "--data", "mini", "--as-of", "2000-01-01"];
        args.extend(more);
        let out = moat(tmp.path(), &args);
        assert!(
            !stderr(&out).contains("warning"),
            "{more:?}: {}",
            stderr(&out)
        );
    }
}

/// The whole JSON screen of the shipped data and rules, stored: a change made for speed (or
/// any other reason that should not change a result) must leave every verdict, reason,
/// evidence entry, order and stamp as it was. After a deliberate change of the data, the rules
/// or what a screen says, review the difference and accept it (`cargo insta review`).
#[test]
fn the_shipped_screen_is_the_stored_one() {
    let out = shipped_screen("json", "2");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(
        "shipped_screen_json",
        String::from_utf8(out.stdout).unwrap()
    );
}

/// A rule whose reason and hint hold what an output format must not act on: a spreadsheet
/// formula, raw HTML, a javascript link, a newline, a right-to-left override and a line
/// separator.
pub const HOSTILE: &str = r#"fn rule(chain, params, peers) {
    fail("=HYPERLINK(\"http://evil\",\"x\") <script>alert(1)</script> <img src=x onerror=alert(1)> [link](javascript:alert(1))\nnext line \u202egnp.exe\u2028end", "@SUM(1+1)*cmd|' /C calc'!A0")
}
"#;

/// `moat screen` on the fixture with the hostile rule alone, in `format`.
pub fn hostile_screen(format: &str, extra: &[&str]) -> String {
    let tmp = screen_dir(&[("hostile", HOSTILE)]);
    replace(
        &tmp.path().join("rules/screen.toml"),
        "name = \"",
        "name = \"<img src=x onerror=alert(1)> [x](javascript:alert(1)) ",
    );
    let mut args = vec![
        "screen", "--data", "mini", "--rules", "rules", "--only", "hostile", "--chains", "base",
        "--format", format,
    ];
    args.extend_from_slice(extra);
    let out = moat(tmp.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// Every cell of a CSV that is text (all but `numeric`) starts with nothing a spreadsheet takes
/// for a formula; returns the rows.
fn assert_no_formula(csv_text: &str, numeric: &[&str]) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for row in &rows {
        for (cell, column) in row.iter().zip(&header) {
            if !numeric.contains(&column) {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{column}: {cell:?}"
                );
            }
        }
    }
    rows
}

#[test]
fn csv_text_cells_never_start_a_formula() {
    let text = hostile_screen("csv", &[]);
    let rows = assert_no_formula(&text, &["tvl_age_days", "score", "weight"]);
    assert_eq!(rows.len(), 1, "{text}");
    let column = |name: &str| {
        let at = csv::Reader::from_reader(text.as_bytes())
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == name)
            .unwrap();
        rows[0][at].to_string()
    };
    assert!(column("reason").starts_with("'=HYPERLINK("), "{text}");
    assert_eq!(column("hint"), "'@SUM(1+1)*cmd|' /C calc'!A0");
    assert_eq!(column("score"), "0");

    // The backtest's CSV too: a rule whose reason flips between two formulas by the month.
    let tmp = screen_dir(&[(
        "flip",
        r#"fn rule(chain, params, peers) {
    if peers.as_of.month % 2 == 0 { pass("=1+1 even") } else { fail("-1+1 odd", "+1") }
}
"#,
    )]);
    let out = moat(
        tmp.path(),
        &[
            "backtest", "--data", "mini", "--rules", "rules", "--only", "flip", "--chains", "base",
            "--format", "csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let rows = assert_no_formula(&text, &["score"]);
    assert!(
        rows.iter().any(|r| r.iter().any(|c| c == "'=1+1 even"))
            && rows.iter().any(|r| r.iter().any(|c| c == "'-1+1 odd")),
        "{text}"
    );
}

#[test]
fn markdown_shows_rule_text_and_the_screen_name_literally() {
    let text = hostile_screen("markdown", &[]);
    for raw in ["<script", "<img", "[link]", "[x]"] {
        assert!(!text.contains(raw), "{raw} in\n{text}");
    }
    // No link: every `](` is escaped.
    assert!(!text.replace("\\](", "").contains("]("), "{text}");
    assert!(text.contains("&lt;script>alert(1)&lt;/script>"), "{text}");
    assert!(text.contains("\\[link\\](javascript:alert(1))"), "{text}");
    // The row is whole: the reason's newline is a space.
    assert!(
        text.lines()
            .any(|l| l.starts_with("| base |") && l.contains("next line")),
        "{text}"
    );
}

#[test]
fn bidi_overrides_and_line_separators_are_replaced_in_every_format() {
    for format in ["json", "csv", "markdown", "html", "table"] {
        let text = hostile_screen(format, &[]);
        assert!(
            !text.contains('\u{202e}') && !text.contains('\u{2028}'),
            "{format}: {text}"
        );
        assert!(
            text.contains("\u{fffd}gnp.exe\u{fffd}end"),
            "{format}: {text}"
        );
    }
}

/// Evaluation threads reserve their stacks as address space: where that is limited, a thread
/// count too large says so and what to do, rather than only the system's error.
#[cfg(unix)]
#[test]
fn too_many_threads_for_the_address_space_say_what_to_do() {
    let tmp = screen_dir(&[]);
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4000000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_moat"))
        .args([
            "screen",
            "--data",
            "mini",
            "--rules",
            "rules",
            "--threads",
            "64",
        ])
        .current_dir(tmp.path())
        .env_remove("MOAT_DATA")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "error: cannot start 64 evaluation threads, each with 256 MiB of stack reserved (address space, not memory in use): give fewer with --threads"
        ),
        "{}",
        stderr(&out)
    );
}

/// In a universe where the #1 changes every week, the shipped `tvl_leadership` names the first
/// run and the last two and counts the rest: listing every run made a reason of thousands of
/// bytes (cut at 1,000) and, with 10,000 chains, ran the rule out of its time budget.
#[test]
fn tvl_leadership_sums_up_a_leader_that_changes_every_week() {
    let tmp = broken(|d| {
        let last = chrono::NaiveDate::from_ymd_opt(2024, 12, 29).unwrap();
        let mut tvl = String::from("date,chain,tvl_usd\n");
        for w in 0..30 {
            let date = last - chrono::Duration::weeks(29 - w);
            let (arbitrum, base) = if w % 2 == 0 { (3e9, 1e9) } else { (1e9, 3e9) };
            tvl.push_str(&format!(
                "{date},arbitrum,{arbitrum}\n{date},base,{base}\n{date},optimism,1e8\n"
            ));
        }
        fs::write(d.join("tvl_weekly.csv"), tvl).unwrap();
    });
    let out = moat(
        tmp.path(),
        &[
            "screen",
            "--data",
            "mini",
            "--rules",
            &repo().join("rules").display().to_string(),
            "--only",
            "tvl_leadership",
            "--chains",
            "arbitrum",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let verdict = &doc["chains"][0]["verdicts"][0];
    assert_eq!(verdict["status"], "FAIL", "{verdict}");
    assert_eq!(
        verdict["reason"],
        "Arbitrum One led TVL in only 15 of 30 weeks (50%, ranked between #1 and #2); the #1 went \
         from arbitrum (2024-06-09 to 2024-06-09), through 27 more runs, to arbitrum (2024-12-22 \
         to 2024-12-22) to base (2024-12-29 to 2024-12-29).",
        "{verdict}"
    );
}
