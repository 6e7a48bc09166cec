//! Integration tests: the real `moat` binary on fixture datasets and rule packs. Error tests
//! break a copy of the small fixture (tests/fixtures/mini, a real subset of datasets/l2) one
//! way each and compare the whole message and the exit code.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A temporary copy of the mini dataset at `<tmp>/mini`, edited by `edit`.
fn broken(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mini");
    fs::create_dir(&dir).unwrap();
    for entry in fs::read_dir(fixture("mini")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    edit(&dir);
    tmp
}

fn replace(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn moat(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(args)
        .current_dir(dir)
        .env_remove("MOAT_DATA")
        .env_remove("MOAT_RULES")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Run `data check` on a broken copy and assert exit 2 and the whole error text.
fn assert_check_fails(edit: impl FnOnce(&Path), expected: &str) {
    let tmp = broken(edit);
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(stderr(&out), expected);
    assert_eq!(out.status.code(), Some(2), "exit code");
    assert_eq!(stdout(&out), "", "nothing on stdout for a bad dataset");
}

#[test]
fn data_check_passes_on_the_fixture() {
    let tmp = broken(|_| {});
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("dataset mini (mini): valid\nvintage 2024-12-29\n"),
        "{text}"
    );
    assert!(
        text.contains("chains  6 (1 L1, 4 L2, 1 L3); 5 screened, 5 with a TVL series\n"),
        "{text}"
    );
    assert!(
        text.contains("  tvl      tvl_weekly.csv             45 rows  2024-11-03 .. 2024-12-29\n"),
        "{text}"
    );
}

#[test]
fn missing_file_is_named() {
    assert_check_fails(
        |d| fs::remove_file(d.join("speed.csv")).unwrap(),
        "error: mini/speed.csv: file not found (named in dataset.toml)\n1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn missing_column_is_named_with_the_expected_columns() {
    assert_check_fails(
        |d| {
            let p = d.join("tvl_weekly.csv");
            let text = fs::read_to_string(&p).unwrap();
            let cut: String = text
                .lines()
                .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
                .collect();
            fs::write(&p, cut).unwrap();
        },
        "error: mini/tvl_weekly.csv:1:3: missing column \"tvl_usd\": expected date, chain, tvl_usd (a finite number >= 0)\n\
         1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn unknown_column_is_named() {
    assert_check_fails(
        |d| {
            let p = d.join("sources.csv");
            let text = fs::read_to_string(&p).unwrap();
            let extra: String = text.lines().map(|l| format!("{l},x\n")).collect();
            fs::write(&p, extra.replacen("key,source,x", "key,source,url", 1)).unwrap();
        },
        "error: mini/sources.csv:1:3: unknown column \"url\": expected only key, source\n\
         1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn unparsable_date_names_line_column_and_format() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,",
                "2024-11-31,base,",
            )
        },
        "error: mini/tvl_weekly.csv:8:1: date: \"2024-11-31\" is not a date: expected a date YYYY-MM-DD\n\
         1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn unparsable_number_names_line_column_and_expectation() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,2488327187",
                "2024-11-10,base,2.4e9x",
            )
        },
        "error: mini/tvl_weekly.csv:8:3: tvl_usd: \"2.4e9x\" is not a number: expected a finite number >= 0\n\
         1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn negative_tvl_is_rejected() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,2488327187",
                "2024-11-10,base,-5",
            )
        },
        "error: mini/tvl_weekly.csv:8:3: tvl_usd: \"-5\" is negative: expected a finite number >= 0\n\
         1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn non_finite_tvl_is_rejected() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,2488327187",
                "2024-11-10,base,NaN",
            )
        },
        "error: mini/tvl_weekly.csv:8:3: tvl_usd: \"NaN\" is not finite: expected a finite number >= 0\n\
         1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn duplicate_date_chain_rows_point_at_both_lines() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,2488327187",
                "2024-11-03,base,2488327187",
            )
        },
        "error: mini/tvl_weekly.csv:8:1: duplicate (date, chain) = (2024-11-03, base): first at line 3; expected one row per (date, chain)\n\
         1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn tvl_series_naming_an_unknown_chain() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,",
                "2024-11-10,bsae,",
            )
        },
        "error: mini/tvl_weekly.csv:8:2: chain: \"bsae\" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv); did you mean \"base\"?\n\
         1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn event_naming_an_unknown_chain() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("events.csv"),
                ",base,no_token_statement,",
                ",basechain,no_token_statement,",
            )
        },
        &format!(
            "error: mini/events.csv:{}:2: chain: \"basechain\" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv); did you mean \"base\"?\n\
             1 problem found; the dataset was not loaded\n",
            line_of(&fixture("mini/events.csv"), ",base,no_token_statement,")
        ),
    );
}

#[test]
fn link_naming_an_unknown_chain() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("ecosystem_links.csv"),
                "Farcaster,optimism,Farcaster Frames",
                "Farcaster,farcaster,Farcaster Frames",
            )
        },
        &format!(
            "error: mini/ecosystem_links.csv:{}:3: from_chain: \"farcaster\" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv)\n\
             1 problem found; the dataset was not loaded\n",
            line_of(
                &fixture("mini/ecosystem_links.csv"),
                "Farcaster,optimism,Farcaster Frames"
            )
        ),
    );
}

#[test]
fn unknown_event_kind_lists_the_allowed_kinds() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("events.csv"),
                ",base,no_token_statement,",
                ",base,no_token_statment,",
            )
        },
        &format!(
            "error: mini/events.csv:{}:3: kind: \"no_token_statment\" is not an allowed value: expected one of \
             mainnet_launch, shutdown, token_launch, token_announced, token_exploration, no_token_statement, token_observed, \
             stage_observed, stage_change, stack_change, da_change, proof_system_change, superchain_join, superchain_leave; \
             did you mean \"no_token_statement\"?\n\
             1 problem found; the dataset was not loaded\n",
            line_of(&fixture("mini/events.csv"), ",base,no_token_statement,")
        ),
    );
}

#[test]
fn empty_file_is_an_error() {
    assert_check_fails(
        |d| fs::write(d.join("ecosystem_links.csv"), "").unwrap(),
        "error: mini/ecosystem_links.csv: the file is empty: expected a header line and data rows\n\
         1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn header_only_file_is_an_error() {
    assert_check_fails(
        |d| {
            fs::write(
                d.join("speed.csv"),
                "chain,block_time_s,preconf_latency_ms,asof,note,source\n",
            )
            .unwrap()
        },
        "error: mini/speed.csv: the file has no data rows: expected a chain's block time / preconfirmation latency according to one source\n\
         1 problem found; the dataset was not loaded\n",
    );
}

#[test]
fn every_problem_of_every_file_is_reported_together() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,2488327187",
                "2024-11-10,base,-5",
            );
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-17,base,",
                "2024-11-17,bsae,",
            );
            replace(
                &d.join("chains.csv"),
                ",optimistic_rollup,op_stack,",
                ",optimistic-rollup,op_stack,",
            );
        },
        "error: mini/chains.csv:4:5: category: \"optimistic-rollup\" is not an allowed value: expected one of \
         optimistic_rollup, zk_rollup, optimium, validium, other; did you mean \"optimistic_rollup\"?\n\
         error: mini/tvl_weekly.csv:8:3: tvl_usd: \"-5\" is negative: expected a finite number >= 0\n\
         error: mini/tvl_weekly.csv:13:2: chain: \"bsae\" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv); did you mean \"base\"?\n\
         3 problems found; the dataset was not loaded\n",
    );
}

#[test]
fn manifest_unknown_key_names_line_and_column() {
    assert_check_fails(
        |d| {
            replace(
                &d.join("dataset.toml"),
                "name = \"mini\"",
                "name = \"mini\"\nowner = \"me\"",
            )
        },
        "error: mini/dataset.toml:8:1: unknown field `owner`, expected one of `name`, `description`, `vintage`, `files`\n\
         1 problem found; the dataset was not loaded\n",
    );
}

fn line_of(path: &Path, needle: &str) -> usize {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap()
        + 1
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The value printed for `field` by `data show` in table form.
fn shown_field(table: &str, field: &str) -> String {
    table
        .lines()
        .find_map(|l| {
            let mut parts = l.split_whitespace();
            (parts.next() == Some(field)).then(|| parts.collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| panic!("field {field} not shown in:\n{table}"))
}

#[test]
fn shipped_dataset_checks_clean_with_60_plus_tvl_series() {
    let out = moat(
        &repo(),
        &["data", "check", "--data", "datasets/l2", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["chains_with_tvl"].as_u64().unwrap() >= 60, "{json}");
    let tvl = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["table"] == "tvl")
        .unwrap();
    assert!(
        tvl["first_date"].as_str().unwrap().starts_with("2021-"),
        "{tvl}"
    );
    assert!(
        tvl["last_date"].as_str().unwrap().starts_with("2026-"),
        "{tvl}"
    );
}

#[test]
fn base_overtakes_arbitrum_in_the_week_ending_2024_12_15() {
    let at = |date: &str, chain: &str| {
        let out = moat(
            &repo(),
            &[
                "data",
                "show",
                chain,
                "--data",
                "datasets/l2",
                "--as-of",
                date,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(shown_field(&at("2024-12-15", "base"), "tvl_rank"), "1");
    assert_eq!(shown_field(&at("2024-12-15", "arbitrum"), "tvl_rank"), "2");
    assert_eq!(shown_field(&at("2024-12-08", "base"), "tvl_rank"), "2");
    assert_eq!(shown_field(&at("2024-12-08", "arbitrum"), "tvl_rank"), "1");
}

#[test]
fn base_has_no_token_at_the_latest_date() {
    let out = moat(
        &repo(),
        &[
            "data",
            "show",
            "base",
            "--data",
            "datasets/l2",
            "--as-of",
            "2024-12-15",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["fields"]["token"], serde_json::Value::Null);
    assert_eq!(json["fields"]["token_status"], "none");

    let out = moat(
        &repo(),
        &[
            "data",
            "show",
            "base",
            "--data",
            "datasets/l2",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["fields"]["token"], serde_json::Value::Null);
    // Base stated it had no token (2023), then said it was exploring one (2025): no token either way.
    assert_eq!(json["fields"]["token_status"], "exploring");
    assert_eq!(
        json["as_of"], "2026-08-22",
        "defaults to the dataset vintage"
    );
}

#[test]
fn show_explains_chains_it_cannot_show() {
    let out = moat(&repo(), &["data", "show", "bsae", "--data", "datasets/l2"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: unknown chain \"bsae\" in dataset l2; did you mean \"base\"?\n"
    );
    let out = moat(
        &repo(),
        &["data", "show", "ethereum", "--data", "datasets/l2"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: ethereum is an L1 context chain: it is never screened and has no feature row\n"
    );
}

// ---------------------------------------------------------------------------------------------
// moat screen

/// A temp dir holding `mini/` (the fixture dataset) and `rules/` (the shipped rule pack) plus
/// any extra rules given as (id, body); each extra rule gets a screen.toml entry.
fn screen_dir(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = broken(|_| {});
    let rules = tmp.path().join("rules");
    fs::create_dir(&rules).unwrap();
    for entry in fs::read_dir(repo().join("rules")).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            fs::copy(entry.path(), rules.join(entry.file_name())).unwrap();
        }
    }
    let mut screen = fs::read_to_string(rules.join("screen.toml")).unwrap();
    for (id, body) in extra {
        let header = format!(
            "//! id: {id}\n//! title: Hostile rule {id}\n//! category: test\n//! why: Exercises the sandbox.\n\n"
        );
        fs::write(rules.join(format!("{id}.rhai")), header + body).unwrap();
        screen.push_str(&format!("\n[rules.{id}]\nweight = 1.0\n"));
    }
    fs::write(rules.join("screen.toml"), screen).unwrap();
    tmp
}

fn screen_json(dir: &Path, extra_args: &[&str]) -> (serde_json::Value, Output) {
    let mut args = vec![
        "screen", "--data", "mini", "--rules", "rules", "--format", "json",
    ];
    args.extend_from_slice(extra_args);
    let out = moat(dir, &args);
    let json =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    (json, out)
}

/// Verdict of `rule` for `chain` in a screen's JSON.
fn verdict<'a>(json: &'a serde_json::Value, chain: &str, rule: &str) -> &'a serde_json::Value {
    let c = json["chains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == chain)
        .unwrap();
    c["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["rule"] == rule)
        .unwrap()
}

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
    let chains = &summary["chains"];
    let screened = chains["L2"].as_u64().unwrap()
        + chains["L3"].as_u64().unwrap()
        + chains["unknown"].as_u64().unwrap();
    let rows = text.lines().skip(1).take_while(|l| !l.is_empty()).count() as u64;
    assert!(
        rows >= 100 && rows <= screened,
        "{rows} rows of {screened} screenable chains"
    );
    assert!(text.contains("\nsector: "), "{text}");
    assert!(
        text.contains(
            "L2 moat screen as of 2026-08-22 | dataset l2 (vintage 2026-08-22) | rule pack "
        ),
        "{text}"
    );
}

#[test]
fn screen_json_is_identical_for_one_and_two_threads() {
    let one = moat(
        &repo(),
        &[
            "screen",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
            "--format",
            "json",
            "--threads",
            "1",
        ],
    );
    let two = moat(
        &repo(),
        &[
            "screen",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
            "--format",
            "json",
            "--threads",
            "2",
        ],
    );
    assert_eq!(one.status.code(), Some(0));
    assert!(
        one.stdout == two.stdout,
        "JSON differs between --threads 1 and --threads 2"
    );
    let csv1 = moat(
        &repo(),
        &[
            "screen",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
            "--format",
            "csv",
            "--threads",
            "1",
        ],
    );
    let csv2 = moat(
        &repo(),
        &[
            "screen",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
            "--format",
            "csv",
            "--threads",
            "2",
        ],
    );
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
            "rules/h_loop.rhai:6:1",
            "operations",
        ),
        (
            "h_recursion",
            "fn deep(n) { deep(n + 1) }\nfn rule(chain, params, peers) {\n    deep(0)\n}\n",
            "rules/h_recursion.rhai:7:1",
            "call",
        ),
        (
            "h_string",
            "fn rule(chain, params, peers) {\n    let s = \"x\";\n    loop { s += s; }\n}\n",
            "rules/h_string.rhai:6:1",
            "too large",
        ),
        (
            "h_eval",
            "fn rule(chain, params, peers) {\n    eval(\"pass(`x`)\")\n}\n",
            "rules/h_eval.rhai:7:5",
            "eval",
        ),
        (
            "h_field",
            "fn rule(chain, params, peers) {\n    if chain.tvl_usdd > 0.0 { pass(\"big\") } else { fail(\"small\") }\n}\n",
            "rules/h_field.rhai:7:13",
            "did you mean `tvl_usd`",
        ),
        (
            "h_return",
            "fn rule(chain, params, peers) {\n    42\n}\n",
            "rules/h_return.rhai:6:1",
            "got int (42)",
        ),
        (
            "h_import",
            "import \"secrets\" as s;\nfn rule(chain, params, peers) {\n    pass(\"x\")\n}\n",
            "rules/h_import.rhai:6:1",
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
