//! `moat rules doc` (the README's API reference, Rhai definition files) and `moat explain`
//! (verdicts with the fields read, parameters, hints and error locations).

use super::*;

const BEGIN: &str = "<!-- BEGIN moat rules doc -->\n";
const END: &str = "<!-- END moat rules doc -->";

#[test]
fn readme_api_reference_is_the_output_of_rules_doc() {
    let out = moat(&repo(), &["rules", "doc"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find(BEGIN).expect("README has the BEGIN marker") + BEGIN.len();
    let end = readme[start..]
        .find(END)
        .expect("README has the END marker")
        + start;
    let section = &readme[start..end];
    assert!(
        section == stdout(&out),
        "README.md's rule API reference (between {BEGIN:?} and {END:?}) differs from `moat rules doc`:\n\
         run `cargo run -- rules doc` and paste its output between the markers"
    );
}

#[test]
fn rules_doc_prints_fields_helpers_and_return_forms() {
    let text = stdout(&moat(&repo(), &["rules", "doc"]));
    for expected in [
        "| `fn rule(chain, params, peers) { … }` | verdict |",
        "| `token_status` | string |",
        "| `peers.percentile(chain, \"field\")` | float or () |",
        "| `fail(reason, hint)` | verdict |",
        "| `#{status: \"PASS\"\\|\"FAIL\"\\|\"SKIP\", reason: \"…\", hint: \"…\"}` | verdict |",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
}

#[test]
fn rules_doc_writes_definition_files_without_touching_others() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("editor/defs");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("mine.d.rhai"), "fn mine() -> int;\n").unwrap();
    fs::write(dir.join("moat.d.rhai"), "stale").unwrap();
    let out = moat(
        tmp.path(),
        &["rules", "doc", "--definitions", "editor/defs"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "wrote moat.d.rhai, std.d.rhai to editor/defs\n"
    );
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["mine.d.rhai", "moat.d.rhai", "std.d.rhai"]);
    assert_eq!(
        fs::read_to_string(dir.join("mine.d.rhai")).unwrap(),
        "fn mine() -> int;\n"
    );
    let api = fs::read_to_string(dir.join("moat.d.rhai")).unwrap();
    for expected in [
        "module static;\n",
        "fn has(chain: Chain, field: String) -> bool;",
        "fn percentile(peers: Peers, chain: Chain, field: String) -> ?;",
        "fn get token_status(chain: Chain) -> String;",
        "fn get leader_changes(peers: Peers) -> int;",
        "fn has(params: Params, name: String) -> bool;",
        "fn rule(chain, params, peers)",
    ] {
        assert!(
            api.contains(expected),
            "{expected:?} not in moat.d.rhai:\n{api}"
        );
    }
    let std = fs::read_to_string(dir.join("std.d.rhai")).unwrap();
    assert!(std.starts_with("/// The Rhai standard library"), "{std}");
    assert!(std.contains("fn contains(array: Array, value: ?) -> bool;"));
}

#[test]
fn rules_doc_definitions_into_a_file_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("taken"), "").unwrap();
    let out = moat(tmp.path(), &["rules", "doc", "--definitions", "taken"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: cannot create the definitions directory taken\n"),
        "{}",
        stderr(&out)
    );
}

fn explain(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--data", "mini", "--rules", "rules"]);
    moat(dir, &all)
}

/// The rule pack hash changes with every edit of a shipped rule; the rest must not.
/// The text with the 12-digit hashes after `dataset <name> ` and `rule pack ` as `<hash>`.
fn redact_hash(text: &str) -> String {
    let mut out = text.to_string();
    for marker in ["dataset mini ", "rule pack "] {
        if let Some(i) = out.find(marker) {
            let start = i + marker.len();
            out.replace_range(start..start + 12, "<hash>");
        }
    }
    out
}

#[test]
fn explain_token_existence_on_base_shows_the_fail_and_the_fields_it_read() {
    let tmp = screen_dir(&[]);
    let out = explain(
        tmp.path(),
        &["base", "--rule", "token_existence", "--as-of", "2024-12-29"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        redact_hash(&stdout(&out)),
        r#"base (Base) as of 2024-12-29
L2 moat screen as of 2024-12-29 | dataset mini <hash> (vintage 2024-12-29) | rule pack <hash> | pass mark 0.60 | moat 0.1.0
newest TVL point 2024-12-29, the as-of date
overall FAIL, score 0.57; gates failed: token_existence, traction; verdicts: 2 PASS, 2 FAIL, 2 SKIP, 0 ERROR

token_existence  FAIL
  The chain has a token investors can hold (category token, weight 2, gate)
  why      "Without a token there is nothing to invest in. A chain whose ecosystem thrives but that
           has no token (Base) is like an excellent company that never lists: its value cannot
           accrue to outside holders. A token borrowed from another chain, or the builder's token
           from an older business, does not capture the chain's value either."
  reason   Base has no token: its ecosystem's value cannot accrue to outside holders, like an
           excellent company that never lists (statement dated 2024-11-30).
  to pass  a token of its own would have to launch
  read     name          Base
           token_status  none
           token_date    2024-11-30
  params   none read
"#
    );
}

#[test]
fn explain_every_rule_lists_each_chain_rule_and_points_to_the_sector() {
    let tmp = screen_dir(&[]);
    let out = explain(tmp.path(), &["optimism", "--as-of", "2024-12-29"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for rule in [
        "differentiation",
        "ecosystem_interconnection",
        "security_hygiene",
        "token_existence",
        "traction",
        "tvl_leadership",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{rule}  "))),
            "no section for {rule}:\n{text}"
        );
    }
    assert!(
        text.contains("  params   accepted_stages  = [\"1\", \"2\"]\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "\nSector rules judge the whole universe, not one chain: sector_moats. `moat explain optimism --rule sector_moats` shows the sector's verdict.\n"
        ),
        "{text}"
    );
}

#[test]
fn explain_an_error_shows_the_location_the_source_line_and_a_caret() {
    let body = "fn rule(chain, params, peers) {\n    if chain.tvl_usdd > 1 {\n        return pass(\"big\");\n    }\n    fail(\"small\")\n}\n";
    let tmp = screen_dir(&[("typo_field", body)]);
    let line = line_of(&tmp.path().join("rules/typo_field.rhai"), "tvl_usdd");
    let out = explain(tmp.path(), &["base", "--rule", "typo_field"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an ERROR exits 1: {}",
        stderr(&out)
    );
    let text = stdout(&out);
    let section = &text[text.find("\ntypo_field  ").expect("a section") + 1..];
    assert_eq!(
        section,
        format!(
            "typo_field  ERROR
  Hostile rule typo_field (category test, weight 1)
  why      \"Exercises the sandbox.\"
  reason   unknown field `tvl_usdd`: did you mean `tvl_usd`?
  at       rules/typo_field.rhai:{line}:14
             |
           {line} |     if chain.tvl_usdd > 1 {{
             |              ^
  read     nothing
  params   none read
"
        )
    );
}

#[test]
fn explain_a_sector_rule_by_name() {
    let tmp = screen_dir(&[]);
    let out = explain(tmp.path(), &["base", "--rule", "sector_moats"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("\nsector_moats  SKIP\n  The sector has moats, not an airline business (sector rule, category sector, weight 1, gate)\n"),
        "{text}"
    );
    assert!(
        text.contains("  read     peers.filter(\"tvl_usd\", \">=\", 10000000).len()  4\n"),
        "{text}"
    );
}

#[test]
fn explain_json_has_the_chain_result_and_the_rule() {
    let tmp = screen_dir(&[]);
    let out = explain(
        tmp.path(),
        &["base", "--rule", "token_existence", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["stamps"]["as_of"], "2024-12-29");
    assert_eq!(json["chain"]["slug"], "base");
    assert_eq!(json["chain"]["overall"], "FAIL");
    let verdicts = json["chain"]["verdicts"].as_array().unwrap();
    assert_eq!(verdicts.len(), 1);
    assert_eq!(verdicts[0]["status"], "FAIL");
    assert_eq!(
        verdicts[0]["hint"],
        "a token of its own would have to launch"
    );
    assert_eq!(
        verdicts[0]["evidence"][1],
        // events.csv: 2024-11-30,base,no_token_statement,…,page-blockworks-co (no flags).
        serde_json::json!({"field": "token_status", "value": "none", "source": "page-blockworks-co"})
    );
    assert_eq!(json["rules"][0]["id"], "token_existence");
    assert_eq!(
        json["rules"][0]["params"]["accepted_origins"],
        serde_json::json!(["chain", "app"])
    );
    assert_eq!(json["sector"], serde_json::json!([]));
}

#[test]
fn explain_refuses_what_it_cannot_explain() {
    let tmp = screen_dir(&[]);
    for (args, expected) in [
        (
            &["bsae"][..],
            "error: no chain `bsae` in dataset mini: did you mean `base`?\n",
        ),
        (
            &["base", "--rule", "token_existance"][..],
            "error: no rule `token_existance` in the rule pack: did you mean `token_existence`?\n",
        ),
        (
            &["ethereum"][..],
            "error: ethereum is an L1 context chain: it is never screened, so it has no features and no verdicts\n",
        ),
        (
            &["base", "--as-of", "2019-01-01"][..],
            "error: base is not in the universe as of 2019-01-01: nothing dated on or before it shows that it had launched (a launch date, a mainnet launch or stage event, a TVL point)\n",
        ),
    ] {
        let out = explain(tmp.path(), args);
        assert_eq!(stderr(&out), expected, "{args:?}");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stdout(&out), "", "{args:?}");
    }
}

/// `moat explain --what-if` on the shipped data, as JSON.
fn what_if(chain: &str, rule: &str) -> serde_json::Value {
    let out = moat(
        &repo(),
        &[
            "explain",
            chain,
            "--rule",
            rule,
            "--what-if",
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
    json["what_if"][0].clone()
}

fn screen_params(rule: &str) -> toml::Value {
    let text = fs::read_to_string(repo().join("rules/screen.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    table["rules"][rule]["params"].clone()
}

#[test]
fn what_if_finds_the_rules_own_numeric_threshold() {
    // Linea holds $92.8M of TVL, below traction's bar, and its TVL fell by half over 13 weeks:
    // it passes only with both changed, and the search finds the bar screen.toml sets.
    let w = what_if("linea", "traction");
    assert_eq!(w["status"], "FAIL");
    let bar = screen_params("traction")["min_tvl_usd"]
        .as_integer()
        .unwrap() as f64;
    let pass = w["flips"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["status"] == "PASS")
        .unwrap_or_else(|| panic!("no flip to PASS: {w}"));
    let tvl = &pass["conditions"][0];
    assert_eq!(
        (tvl["field"].as_str(), tvl["op"].as_str()),
        (Some("tvl_usd"), Some(">="))
    );
    let found = tvl["value"].as_f64().unwrap();
    assert!((found - bar).abs() <= bar * 1e-3, "{found} vs {bar}");
    let trend = &pass["conditions"][1];
    assert_eq!(trend["field"], "tvl_change_13w");
    let tolerated = screen_params("traction")["min_change_13w"]
        .as_float()
        .unwrap();
    assert!(
        (trend["value"].as_f64().unwrap() - tolerated).abs() < 1e-3,
        "{trend}"
    );
}

#[test]
fn what_if_tries_each_value_of_a_category() {
    // Linea is at stage 0; security hygiene accepts the stages screen.toml lists.
    let w = what_if("linea", "security_hygiene");
    assert_eq!(w["status"], "FAIL");
    let accepted: Vec<String> = screen_params("security_hygiene")["accepted_stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let passing: Vec<String> = w["flips"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "PASS" && f["conditions"][0]["field"] == "stage")
        .map(|f| f["conditions"][0]["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(passing, accepted);
    let text = stdout(&moat(
        &repo(),
        &[
            "explain",
            "linea",
            "--rule",
            "traction",
            "--what-if",
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
        ],
    ));
    assert!(
        text.contains(
            "  what if  PASS if tvl_usd >= $100M (now $92.8M, +7.8%) and tvl_change_13w >= -30% (now -50%)\n"
        ),
        "{text}"
    );
}

/// `--what-if` on a sector rule says why there is no search, rather than nothing.
#[test]
fn what_if_on_a_sector_rule_says_it_is_not_searched() {
    let tmp = screen_dir(&[]);
    let out = explain(tmp.path(), &["base", "--rule", "sector_moats", "--what-if"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "what if  not searched: the search changes one chain's fields, and a sector rule"
        ),
        "{text}"
    );
    let out = explain(
        tmp.path(),
        &[
            "base",
            "--rule",
            "sector_moats",
            "--what-if",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["what_if"][0]["rule"], "sector_moats", "{json}");
    assert_eq!(
        json["what_if"][0]["not_searched"],
        "the search changes one chain's fields, and a sector rule judges the whole universe"
    );
}
