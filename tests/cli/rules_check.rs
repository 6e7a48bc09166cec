//! `moat rules check`, `rules list` and `rules new`: each check breaks a copy of the shipped
//! rule pack one way and compares the whole report and the exit code, on the mini fixture.

use super::*;
use std::collections::BTreeMap;

/// `rules check` on a copy of the shipped pack (and the mini dataset) edited by `edit`, which
/// gets the rule directory.
fn check_broken(edit: impl FnOnce(&Path)) -> Output {
    let tmp = screen_dir(&[]);
    edit(&tmp.path().join("rules"));
    moat(
        tmp.path(),
        &["rules", "check", "--rules", "rules", "--data", "mini"],
    )
}

/// Exit 2 and nothing on stdout; the whole report on stderr, which each test compares with
/// its snapshot.
fn problems(out: &Output) -> String {
    assert_eq!(stdout(out), "", "nothing on stdout when there are problems");
    assert_eq!(out.status.code(), Some(2), "exit code");
    stderr(out)
}

/// Add the rule `id` with `body` (after the header of [`RULE_HEADER`], its id replaced) to the
/// pack in `r`, with its screen.toml entry.
fn add_rule(r: &Path, id: &str, body: &str) {
    let header = RULE_HEADER.replace("liquidity", id);
    fs::write(r.join(format!("{id}.rhai")), format!("{header}{body}")).unwrap();
    let screen = r.join("screen.toml");
    let mut text = fs::read_to_string(&screen).unwrap();
    text.push_str(&format!("\n[rules.{id}]\nweight = 1.0\n"));
    fs::write(screen, text).unwrap();
}

const RULE_HEADER: &str =
    "//! id: liquidity\n//! title: Liquid\n//! category: traction\n//! why: Depth matters.\n\n";

#[test]
fn check_passes_the_shipped_pack_on_the_fixture_and_the_shipped_data() {
    let out = check_broken(|_| {});
    assert_eq!(stdout(&out), "rules/: 7 rules, no problems\n");
    assert_eq!(stderr(&out), "");
    assert_eq!(out.status.code(), Some(0));

    let out = moat(
        &repo(),
        &[
            "rules",
            "check",
            "--rules",
            "rules",
            "--data",
            "datasets/l2",
        ],
    );
    assert_eq!(stdout(&out), "rules/: 7 rules, no problems\n");
    assert_eq!(stderr(&out), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn check_reports_a_parse_error() {
    let out = check_broken(|r| {
        replace(
            &r.join("security_hygiene.rhai"),
            "let problems = [];",
            "let problems = [;",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/security_hygiene.rhai:10:21: error: Unexpected ';'
       |
    10 |     let problems = [;
       |                     ^
    1 problem in rules/
    ");
}

#[test]
fn check_reports_an_undefined_variable() {
    let out = check_broken(|r| {
        replace(
            &r.join("tvl_leadership.rhai"),
            "let window = chain.window_weeks;",
            "let window = chain.window_weeks + lookback;",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/tvl_leadership.rhai:13:39: error: unknown variable `lookback` (a rule sees only its parameters, e.g. chain, params, peers, and its own `let`s)
       |
    13 |     let window = chain.window_weeks + lookback;
       |                                       ^
    1 problem in rules/
    ");
}

#[test]
fn check_reports_a_missing_entry_function() {
    let out = check_broken(|r| {
        replace(
            &r.join("differentiation.rhai"),
            "fn rule(chain, params, peers) {",
            "fn judge(chain, params, peers) {",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/differentiation.rhai: error: no entry function: a chain rule must define `fn rule(chain, params, peers)`
    1 problem in rules/
    ");
}

#[test]
fn check_reports_a_rule_that_cannot_compile_in_the_sandbox() {
    let out = check_broken(|r| {
        replace(
            &r.join("traction.rhai"),
            "let name = chain.name;",
            "let name = eval(\"chain.name\");",
        )
    });
    insta::assert_snapshot!(problems(&out), @r#"
    rules/traction.rhai:8:16: error: `eval` is not allowed in rules: a rule is one self-contained file and cannot run or load other code
      |
    8 |     let name = eval("chain.name");
      |                ^
    1 problem in rules/
    "#);
}

/// Found by the scan and by evaluating: one problem, at the field, not at the `.`.
#[test]
fn check_reports_an_unknown_field_once_at_the_field() {
    let out = check_broken(|r| {
        replace(
            &r.join("traction.rhai"),
            "let tvl = chain.tvl_usd;",
            "let tvl = chain.tvl_usdd;",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/traction.rhai:12:21: error: unknown field `tvl_usdd`: did you mean `tvl_usd`?
       |
    12 |     let tvl = chain.tvl_usdd;
       |                     ^
    1 problem in rules/
    ");
}

/// A screen's verdict, `explain` and `rules check` place an unknown name at the same column,
/// the name's (the screen and explain placed it at the `.` before it, one column left).
#[test]
fn screen_explain_and_check_place_an_unknown_name_alike() {
    let tmp = screen_dir(&[]);
    replace(
        &tmp.path().join("rules/traction.rhai"),
        "let tvl = chain.tvl_usd;",
        "let tvl = chain.tvl_usd_typo;",
    );
    let out = moat(
        tmp.path(),
        &["rules", "check", "--rules", "rules", "--data", "mini"],
    );
    assert!(
        problems(&out).starts_with("rules/traction.rhai:12:21: error: unknown field"),
        "{}",
        stderr(&out)
    );
    let (json, _) = screen_json(tmp.path(), &[]);
    assert_eq!(
        verdict(&json, "base", "traction")["location"],
        "traction.rhai:12:21"
    );
    let out = moat(
        tmp.path(),
        &[
            "explain", "base", "--data", "mini", "--rules", "rules", "--rule", "traction",
        ],
    );
    assert!(
        stdout(&out).contains(
            "  at       rules/traction.rhai:12:21\n              |\n           12 |     let tvl = chain.tvl_usd_typo;\n              |                     ^\n"
        ),
        "{}",
        stdout(&out)
    );
}

/// No chain of the fixture has a one-year TVL change, so evaluating never reaches this line.
#[test]
fn check_reports_an_unknown_field_in_a_branch_no_chain_takes() {
    let out = check_broken(|r| {
        replace(
            &r.join("traction.rhai"),
            "let c = chain.tvl_change_52w;",
            "let c = chain.tvl_change_52wk;",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/traction.rhai:27:23: error: unknown field `tvl_change_52wk`: did you mean `tvl_change_52w`?
       |
    27 |         let c = chain.tvl_change_52wk;
       |                       ^
    1 problem in rules/
    ");
}

/// A field name handed to a helper is only found by evaluating the rule.
#[test]
fn check_reports_an_unknown_field_given_to_a_helper() {
    let out = check_broken(|r| {
        replace(
            &r.join("traction.rhai"),
            "peers.max(\"tvl_rank\")",
            "peers.max(\"tvl_rnk\")",
        )
    });
    insta::assert_snapshot!(problems(&out), @r#"
    rules/traction.rhai:13:85: error: unknown field `tvl_rnk`: did you mean `tvl_rank`?
       |
    13 | … = if chain.has("tvl_rank") { ` (#${chain.tvl_rank} of ${num(peers.max("tvl_rnk"))})` } else { "" };
       |                                                                          ^
    1 problem in rules/
    "#);
}

#[test]
fn check_reports_an_unknown_peers_property() {
    let out = check_broken(|r| {
        replace(
            &r.join("sector_moats.rhai"),
            "let changes = peers.leader_changes;",
            "let changes = peers.leader_change;",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/sector_moats.rhai:18:25: error: peers has no property `leader_change`: did you mean `peers.leader_changes`?
       |
    18 |     let changes = peers.leader_change;
       |                         ^
    1 problem in rules/
    ");
}

/// `peers["name"]` is `peers.name`: checked in the source too, in a branch no chain takes.
#[test]
fn check_reports_an_unknown_peers_property_read_by_index() {
    let body = "fn rule(chain, params, peers) {
    if false {
        return pass(`${peers[\"tvl_wek\"]}`);
    }
    pass(\"ok\")
}
";
    let out = check_broken(|r| add_rule(r, "indexed", body));
    insta::assert_snapshot!(problems(&out), @r#"
    rules/indexed.rhai:8:31: error: peers has no property `tvl_wek`: did you mean `peers.tvl_week`?
      |
    8 |         return pass(`${peers["tvl_wek"]}`);
      |                               ^
    1 problem in rules/
    "#);
}

/// An error that names a peer says the same on every chain, the peer's own verdict included:
/// one problem with every chain, not the judged peer's apart.
#[test]
fn check_gives_an_error_naming_a_peer_once_for_every_chain() {
    let body = "fn rule(chain, params, peers) {
    if peers.count(\"tvl_usd\", \">\", \"big\") > 0 {
        return pass(\"some\");
    }
    pass(\"none\")
}
";
    let out = check_broken(|r| add_rule(r, "compares", body));
    insta::assert_snapshot!(problems(&out), @r#"
    rules/compares.rhai:7:14: error: peers.count("tvl_usd", ">", "big"): `tvl_usd` of arbitrum: the field holds numbers but is compared with "big" (a screen gives ERROR here: on arbitrum, optimism and 3 more)
      |
    7 |     if peers.count("tvl_usd", ">", "big") > 0 {
      |              ^
    1 problem in rules/
    "#);
}

#[test]
fn check_reports_an_unknown_param() {
    let out = check_broken(|r| {
        replace(
            &r.join("traction.rhai"),
            "if tvl < params.min_tvl_usd {",
            "if tvl < params.min_tvl {",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/traction.rhai:14:21: error: param `min_tvl` is not defined for rule `traction` (did you mean `min_tvl_usd`?): add `min_tvl = …` under [rules.traction.params] in screen.toml
       |
    14 |     if tvl < params.min_tvl {
       |                     ^
    1 problem in rules/
    ");
}

/// An assignment to a parameter is said read-only whether or not screen.toml defines it, in
/// every branch (it said "param `floor` is not defined …: add `floor = …`" for an undefined one,
/// leading the author to define what the rule must not change), once, at the name.
#[test]
fn check_reports_an_assignment_to_any_param_as_read_only() {
    let out = check_broken(|r| {
        replace(
            &r.join("traction.rhai"),
            "if tvl < params.min_tvl_usd {",
            "params.floor = 5;\n    if tvl < 0.0 { params.min_tvl_usd += 1; }\n    if tvl < params.min_tvl_usd {",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/traction.rhai:14:12: error: `params.floor` cannot be changed: parameters are read-only, set in screen.toml under [rules.traction.params] (copy the value into a variable: `let x = params.floor;`)
       |
    14 |     params.floor = 5;
       |            ^
    rules/traction.rhai:15:27: error: `params.min_tvl_usd` cannot be changed: parameters are read-only, set in screen.toml under [rules.traction.params] (copy the value into a variable: `let x = params.min_tvl_usd;`)
       |
    15 |     if tvl < 0.0 { params.min_tvl_usd += 1; }
       |                           ^
    2 problems in rules/
    ");
}

/// A param set in screen.toml that its rule never reads is a warning: exit 0.
#[test]
fn check_warns_about_a_param_no_rule_reads() {
    let out = check_broken(|r| {
        replace(
            &r.join("screen.toml"),
            "min_spawned = 1 ",
            "min_links = 2\nmin_spawned = 1 ",
        )
    });
    assert_eq!(
        stderr(&out),
        "rules/screen.toml:33:1: warning: param `min_links` of rule `ecosystem_interconnection` is never read: rules/ecosystem_interconnection.rhai has no `params.min_links` (remove it, or read it)
   |
33 | min_links = 2
   | ^
"
    );
    assert_eq!(stdout(&out), "rules/: 7 rules, no problems, 1 warning\n");
    assert_eq!(out.status.code(), Some(0));
}

/// A parameter the rule tests with `params.has` is optional: reading it under that test is not
/// a problem, in either pass; an untested read of another undefined name still is.
#[test]
fn check_accepts_an_optional_param_read_under_params_has() {
    let optional = |r: &Path| {
        replace(
            &r.join("traction.rhai"),
            "if tvl < params.min_tvl_usd {",
            "let floor = if params.has(\"floor_usd\") { params[\"floor_usd\"] } else { params.min_tvl_usd };\n    if tvl < floor {",
        )
    };
    let out = check_broken(optional);
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out), "rules/: 7 rules, no problems\n");
    assert_eq!(out.status.code(), Some(0));

    let out = check_broken(|r| {
        optional(r);
        replace(
            &r.join("traction.rhai"),
            "if tvl < floor {",
            "if tvl < floor + params.margin_usd {",
        )
    });
    assert!(
        problems(&out).contains("param `margin_usd` is not defined for rule `traction`"),
        "{}",
        stderr(&out)
    );
}

/// Renaming a param in screen.toml only: every read of the old name, and the new name unread.
#[test]
fn check_reports_every_read_of_a_renamed_param() {
    let out = check_broken(|r| {
        replace(
            &r.join("screen.toml"),
            "min_tvl_usd = 100_000_000",
            "min_tvl = 100_000_000",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/screen.toml:47:1: warning: param `min_tvl` of rule `traction` is never read: rules/traction.rhai has no `params.min_tvl` (remove it, or read it)
       |
    47 | min_tvl = 100_000_000
       | ^
    rules/traction.rhai:14:21: error: param `min_tvl_usd` is not defined for rule `traction` (did you mean `min_tvl`?): add `min_tvl_usd = …` under [rules.traction.params] in screen.toml
       |
    14 |     if tvl < params.min_tvl_usd {
       |                     ^
    rules/traction.rhai:16:78: error: param `min_tvl_usd` is not defined for rule `traction` (did you mean `min_tvl`?): add `min_tvl_usd = …` under [rules.traction.params] in screen.toml
       |
    16 | …lds ${usd(tvl)} of TVL${rank}, below the ${usd(params.min_tvl_usd)} an investable ecosystem needs.`,
       |                                                        ^
    rules/traction.rhai:17:51: error: param `min_tvl_usd` is not defined for rule `traction` (did you mean `min_tvl`?): add `min_tvl_usd = …` under [rules.traction.params] in screen.toml
       |
    17 |             `TVL would have to reach ${usd(params.min_tvl_usd)}`
       |                                                   ^
    3 problems and 1 warning in rules/
    ");
}

#[test]
fn check_reports_a_duplicate_id() {
    let out = check_broken(|r| {
        fs::copy(r.join("traction.rhai"), r.join("traction_v2.rhai")).unwrap();
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/traction_v2.rhai:1:9: error: rule id `traction` is already used by rules/traction.rhai
      |
    1 | //! id: traction
      |         ^
    1 problem in rules/
    ");
}

#[test]
fn check_reports_a_weight_that_is_not_positive() {
    let out = check_broken(|r| {
        replace(
            &r.join("screen.toml"),
            "[rules.traction]\nweight = 1.0",
            "[rules.traction]\nweight = -1",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/screen.toml:44:10: error: `rules.traction.weight` must be a number greater than 0 and at most 1000000, found -1
       |
    44 | weight = -1
       |          ^
    1 problem in rules/
    ");
}

#[test]
fn check_reports_a_rule_missing_from_screen_toml() {
    let out = check_broken(|r| {
        fs::write(
            r.join("liquidity.rhai"),
            format!("{RULE_HEADER}fn rule(chain, params, peers) {{\n    pass(\"ok\")\n}}\n"),
        )
        .unwrap();
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/liquidity.rhai: error: rule `liquidity` is not listed in rules/screen.toml: add a [rules.liquidity] table (weight, gate, params)
    1 problem in rules/
    ");
}

#[test]
fn check_reports_a_screen_toml_entry_without_a_rule_file() {
    let out = check_broken(|r| {
        replace(
            &r.join("screen.toml"),
            "[rules.traction]",
            "[rules.liquidity]\nweight = 1.0\n\n[rules.traction]",
        )
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/screen.toml:43:1: error: [rules.liquidity] has no rule file: no `*.rhai` file declares `//! id: liquidity`
       |
    43 | [rules.liquidity]
       | ^
    1 problem in rules/
    ");
}

/// One run shows every problem, in file order, even when screen.toml itself is wrong.
#[test]
fn check_reports_every_problem_at_once() {
    let out = check_broken(|r| {
        replace(
            &r.join("screen.toml"),
            "[rules.traction]\nweight = 1.0",
            "[rules.traction]\nweight = 0",
        );
        replace(
            &r.join("security_hygiene.rhai"),
            "let problems = [];",
            "let problems = [;",
        );
        replace(
            &r.join("traction.rhai"),
            "let c = chain.tvl_change_52w;",
            "let c = chain.tvl_change_52wk;",
        );
        replace(
            &r.join("differentiation.rhai"),
            "fn rule(chain, params, peers) {",
            "fn judge(chain, params, peers) {",
        );
        fs::write(
            r.join("liquidity.rhai"),
            format!("{RULE_HEADER}fn rule(chain, params, peers) {{ pass(\"ok\") }}\n"),
        )
        .unwrap();
    });
    insta::assert_snapshot!(problems(&out), @"
    rules/screen.toml:44:10: error: `rules.traction.weight` must be a number greater than 0 and at most 1000000, found 0
       |
    44 | weight = 0
       |          ^
    rules/differentiation.rhai: error: no entry function: a chain rule must define `fn rule(chain, params, peers)`
    rules/liquidity.rhai: error: rule `liquidity` is not listed in rules/screen.toml: add a [rules.liquidity] table (weight, gate, params)
    rules/security_hygiene.rhai:10:21: error: Unexpected ';'
       |
    10 |     let problems = [;
       |                     ^
    rules/traction.rhai:27:23: error: unknown field `tvl_change_52wk`: did you mean `tvl_change_52w`?
       |
    27 |         let c = chain.tvl_change_52wk;
       |                       ^
    5 problems in rules/
    ");
}

#[test]
fn check_needs_a_dataset_that_loads() {
    let tmp = screen_dir(&[]);
    replace(
        &tmp.path().join("mini/tvl_weekly.csv"),
        "2024-11-03,base,",
        "2024-11-03,bsae,",
    );
    let out = moat(
        tmp.path(),
        &["rules", "check", "--rules", "rules", "--data", "mini"],
    );
    insta::assert_snapshot!(problems(&out), @r#"
    mini/tvl_weekly.csv:3:12: error: chain: "bsae" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv); did you mean `base`?
      |
    3 | 2024-11-03,bsae,2104373122
      |            ^
    1 problem found; the dataset was not loaded
    error: the rules in rules/ were not checked: they are evaluated on the chains of mini, which did not load
    "#);
}

#[test]
fn list_prints_an_aligned_table() {
    let tmp = screen_dir(&[]);
    let out = moat(tmp.path(), &["rules", "list", "--rules", "rules"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "\
id                         title                                               category         weight  gate  scope   file
differentiation            Differentiated in a way peers cannot simply copy    differentiation       2  no    chain   rules/differentiation.rhai
ecosystem_interconnection  The ecosystem is interconnected                     ecosystem             2  no    chain   rules/ecosystem_interconnection.rhai
sector_moats               The sector has moats, not an airline business       sector                1  yes   sector  rules/sector_moats.rhai
security_hygiene           Security hygiene (stage, proofs, data on Ethereum)  security              1  no    chain   rules/security_hygiene.rhai
token_existence            The chain has a token investors can hold            token                 2  yes   chain   rules/token_existence.rhai
traction                   Enough TVL, and not draining                        traction              1  yes   chain   rules/traction.rhai
tvl_leadership             TVL leadership is durable                           leadership            1  no    chain   rules/tvl_leadership.rhai
"
    );
}

#[test]
fn list_prints_json() {
    let tmp = screen_dir(&[]);
    let out = moat(
        tmp.path(),
        &["rules", "list", "--rules", "rules", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = json.as_array().unwrap();
    assert_eq!(rules.len(), 7);
    let traction = rules.iter().find(|r| r["id"] == "traction").unwrap();
    assert_eq!(traction["title"], "Enough TVL, and not draining");
    assert_eq!(traction["category"], "traction");
    assert_eq!(traction["weight"], 1.0);
    assert_eq!(traction["gate"], true);
    assert_eq!(traction["scope"], "chain");
    assert_eq!(traction["file"], "traction.rhai");
    assert_eq!(traction["params"]["min_tvl_usd"], 100_000_000);
}

#[test]
fn list_reports_a_pack_that_does_not_load() {
    let tmp = screen_dir(&[]);
    fs::copy(
        tmp.path().join("rules/traction.rhai"),
        tmp.path().join("rules/traction_v2.rhai"),
    )
    .unwrap();
    let out = moat(tmp.path(), &["rules", "list", "--rules", "rules"]);
    assert_eq!(
        stderr(&out),
        "rules/traction_v2.rhai:1:9: error: rule id `traction` is already used by rules/traction.rhai\n  |\n1 | //! id: traction\n  |         ^\n\
         1 problem in rules/; the rule pack was not loaded\n"
    );
    assert_eq!(out.status.code(), Some(2));
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(snapshot(&path));
        } else {
            out.insert(path.clone(), fs::read(&path).unwrap());
        }
    }
    out
}

#[test]
fn new_writes_a_rule_that_checks_screens_and_has_test_cases() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    let out = moat(
        dir,
        &[
            "rules",
            "new",
            "sequencer_revenue",
            "--rules",
            "rules",
            "--category",
            "economics",
        ],
    );
    assert_eq!(
        stdout(&out),
        "wrote rules/sequencer_revenue.rhai
added [rules.sequencer_revenue] to rules/screen.toml (weight 1, not a gate, param min_tvl_usd)
wrote rules/tests/sequencer_revenue.toml
next: edit the rule and its test cases, then run `moat rules check --rules rules` and `moat rules test --rules rules`
"
    );
    assert_eq!(stderr(&out), "");
    assert_eq!(out.status.code(), Some(0));

    let rule = fs::read_to_string(dir.join("rules/sequencer_revenue.rhai")).unwrap();
    assert!(
        rule.starts_with(
            "//! id: sequencer_revenue\n//! title: Sequencer revenue\n//! category: economics\n//! why: "
        ),
        "{rule}"
    );
    for taught in [
        "fn rule(chain, params, peers) {",
        "chain.has(\"tvl_usd\")",
        "params.min_tvl_usd",
        "return skip(",
        "return fail(",
        "pass(",
    ] {
        assert!(rule.contains(taught), "the skeleton shows {taught}");
    }
    let screen = fs::read_to_string(dir.join("rules/screen.toml")).unwrap();
    assert!(
        screen.ends_with(
            "\n[rules.sequencer_revenue]\nweight = 1.0\ngate = false                    # true: a chain must PASS this rule to PASS overall\n[rules.sequencer_revenue.params]\nmin_tvl_usd = 1_000_000_000     # read by rules/sequencer_revenue.rhai as params.min_tvl_usd\n"
        ),
        "{screen}"
    );
    let cases: toml::Table = toml::from_str(
        &fs::read_to_string(dir.join("rules/tests/sequencer_revenue.toml")).unwrap(),
    )
    .unwrap();
    let cases = cases["case"].as_array().unwrap();
    assert!(cases.len() >= 3);
    assert!(
        cases
            .iter()
            .all(|c| c["rule"].as_str() == Some("sequencer_revenue"))
    );
    let expects: Vec<&str> = cases
        .iter()
        .map(|c| c["expect"].as_str().unwrap())
        .collect();
    for status in ["PASS", "FAIL", "SKIP"] {
        assert!(expects.contains(&status), "a case expects {status}");
    }

    let check = moat(
        dir,
        &["rules", "check", "--rules", "rules", "--data", "mini"],
    );
    assert_eq!(
        stdout(&check),
        "rules/: 8 rules, no problems\n",
        "{}",
        stderr(&check)
    );
    assert_eq!(check.status.code(), Some(0));

    let (json, screen) = screen_json(dir, &["--only", "sequencer_revenue"]);
    assert_eq!(screen.status.code(), Some(0), "{}", stderr(&screen));
    assert_eq!(
        verdict(&json, "base", "sequencer_revenue")["reason"],
        "Base holds $3.2B of TVL, at least the $1B this rule asks for."
    );
    assert_eq!(
        verdict(&json, "degen", "sequencer_revenue")["status"],
        "FAIL"
    );
}

#[test]
fn new_refuses_to_overwrite_and_writes_nothing() {
    let refused = |prepare: &dyn Fn(&Path), args: &[&str], expected: &str| {
        let tmp = screen_dir(&[]);
        prepare(&tmp.path().join("rules"));
        let before = snapshot(tmp.path());
        let mut all = vec!["rules", "new"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--rules", "rules"]);
        let out = moat(tmp.path(), &all);
        assert_eq!(stderr(&out), expected);
        assert_eq!(stdout(&out), "");
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(snapshot(tmp.path()), before, "nothing was written");
    };
    refused(
        &|_| {},
        &["traction"],
        "error: rules/screen.toml already has a [rules.traction] entry
error: rules/traction.rhai already exists
nothing was written
",
    );
    refused(
        &|r| {
            fs::create_dir(r.join("tests")).unwrap();
            fs::write(r.join("tests/fees.toml"), "# mine\n").unwrap();
        },
        &["fees"],
        "error: rules/tests/fees.toml already exists\nnothing was written\n",
    );
    refused(
        &|r| fs::write(r.join("fees.rhai"), "// mine\n").unwrap(),
        &["fees"],
        "error: rules/fees.rhai already exists\nnothing was written\n",
    );
    refused(
        &|r| {
            let text = fs::read_to_string(r.join("screen.toml")).unwrap();
            fs::write(r.join("screen.toml"), text + "\n[rules.fees]\n").unwrap();
        },
        &["fees"],
        "error: rules/screen.toml already has a [rules.fees] entry\nnothing was written\n",
    );
    refused(
        &|r| {
            fs::write(
                r.join("screen.toml"),
                "name = \"x\"\npass_mark = 0.6\nrules = {}\n",
            )
            .unwrap()
        },
        &["fees"],
        "error: rules/screen.toml cannot take a [rules.fees] table after what it holds (cannot extend value of type inline table with a dotted key): write its rules as [rules.<id>] tables, not `rules = { … }`\nnothing was written\n",
    );
    refused(
        &|r| fs::rename(r.join("traction.rhai"), r.join("tvl.rhai")).unwrap(),
        &["traction", "--title", "A\nB"],
        "error: the title must be one line of text, got \"A\\nB\"
error: rules/screen.toml already has a [rules.traction] entry
error: rules/tvl.rhai already declares `//! id: traction`
nothing was written
",
    );
    refused(
        &|_| {},
        &["fees", "--title", "Fees \u{202E}reversed", "--category", "x\u{7}"],
        "error: the title holds U+202E at character 6: expected plain text on one line, without control or bidirectional formatting characters
error: the category holds U+0007 at character 2: expected plain text on one line, without control or bidirectional formatting characters
nothing was written
",
    );
    refused(
        &|_| {},
        &["Fees-2"],
        "error: rule id `Fees-2` must be lowercase letters, digits and `_`, starting with a letter (e.g. `sequencer_revenue`)
nothing was written
",
    );
}

/// A string compared with a number, a helper that does not exist and a verdict thrown away:
/// each ERRORs (or silently falls through) in a screen, so the check reports all three at
/// their lines, and exits 2; the thrown-away verdict alone is a warning and exits 0.
#[test]
fn check_reports_what_a_screen_would_error_on_and_a_discarded_verdict() {
    let body = "fn rule(chain, params, peers) {
    if chain.stack > 2 {
        return fail(\"a stack is not a number\");
    }
    let q = peers.quantile(\"tvl_usd\", 0.5);
    fail(\"unreachable\")
}
";
    let discarded = "fn rule(chain, params, peers) {
    if chain.has(\"tvl_usd\") {
        pass(\"has a TVL\");
    }
    fail(\"no TVL\")
}
";
    let out = check_broken(|r| {
        add_rule(r, "liquidity", body);
        add_rule(r, "depth", discarded);
    });
    insta::assert_snapshot!(problems(&out), @r#"
    rules/depth.rhai:8:9: warning: the verdict of `pass(..)` is thrown away: it is neither returned nor the last value of the function, so the rule goes on to another verdict; write `return pass(..)`
      |
    8 |         pass("has a TVL");
      |         ^
    rules/liquidity.rhai:7:20: error: `>` compares a string with an int: convert one side first (e.g. parse_int(..), to_string(..)) (a screen gives ERROR here: on arbitrum, optimism and 3 more)
      |
    7 |     if chain.stack > 2 {
      |                    ^
    rules/liquidity.rhai:10:19: error: unknown function `quantile`: did you mean `percentile`? (written peers.percentile(chain, "field") or peers.percentile(chain, "field", "below"|"above"))
       |
    10 |     let q = peers.quantile("tvl_usd", 0.5);
       |                   ^
    2 problems and 1 warning in rules/
    "#);

    // The discarded verdict alone: a warning, exit 0, the report on stdout.
    let out = check_broken(|r| {
        fs::write(
            r.join("depth.rhai"),
            format!("{}{discarded}", RULE_HEADER.replace("liquidity", "depth")),
        )
        .unwrap();
        let screen = r.join("screen.toml");
        let mut text = fs::read_to_string(&screen).unwrap();
        text.push_str("\n[rules.depth]\nweight = 1.0\n");
        fs::write(screen, text).unwrap();
    });
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(format!("{}{}", stdout(&out), stderr(&out)), @r#"
    rules/: 8 rules, no problems, 1 warning
    rules/depth.rhai:8:9: warning: the verdict of `pass(..)` is thrown away: it is neither returned nor the last value of the function, so the rule goes on to another verdict; write `return pass(..)`
      |
    8 |         pass("has a TVL");
      |         ^
    "#);
}

/// A rule pack's files are read as the dataset's are: a `*.rhai` that is a directory, a rule
/// file over its size limit and a screen.toml that is a FIFO (which would block the command
/// forever) are each refused by name, before anything is read from them.
#[test]
fn files_that_are_not_rule_files_are_refused_by_name() {
    let out = check_broken(|r| {
        fs::create_dir(r.join("folder.rhai")).unwrap();
        let mut big = String::from("//! id: big\n");
        big.push_str(&"// padding\n".repeat(100_000));
        fs::write(r.join("big.rhai"), big).unwrap();
    });
    let err = problems(&out);
    assert!(
        err.contains(
            "folder.rhai: error: not a regular file (a directory): expected a rule file (.rhai)"
        ),
        "{err}"
    );
    assert!(
        err.contains("big.rhai: error: the file is 1100012 bytes: expected at most 65536 bytes (64 KiB), the largest a rule file (.rhai) moat reads"),
        "{err}"
    );

    #[cfg(unix)]
    {
        let out = check_broken(|r| {
            fs::remove_file(r.join("screen.toml")).unwrap();
            let made = Command::new("mkfifo")
                .arg(r.join("screen.toml"))
                .status()
                .unwrap();
            assert!(made.success());
        });
        assert!(
            problems(&out).contains(
                "screen.toml: error: not a regular file (a FIFO): expected a screen.toml"
            ),
            "{}",
            stderr(&out)
        );
    }
}

/// A rule file whose lines end in a lone `\r` (classic Mac OS) reads as one whose lines end in
/// `\n`: it checks clean, and a problem in it is placed at its line.
#[test]
fn check_reads_lone_carriage_returns_as_line_ends() {
    let to_cr = |path: &Path| {
        let text = fs::read_to_string(path).unwrap();
        fs::write(path, text.replace('\n', "\r")).unwrap();
    };
    let out = check_broken(|r| to_cr(&r.join("security_hygiene.rhai")));
    assert_eq!(
        stdout(&out),
        "rules/: 7 rules, no problems\n",
        "{}",
        stderr(&out)
    );
    let out = check_broken(|r| {
        let path = r.join("security_hygiene.rhai");
        replace(&path, "let problems = [];", "let problems = [;");
        to_cr(&path);
    });
    assert!(
        problems(&out).starts_with("rules/security_hygiene.rhai:10:21: error: Unexpected ';'"),
        "{}",
        stderr(&out)
    );
}

/// One place where chains fail in different ways gets each way with its chains, the most
/// chains' first (a chain without the field, and the others comparing a date with a number);
/// an unknown variable does not hide an unknown function elsewhere in the file.
#[test]
fn check_reports_each_way_a_place_fails_and_every_unknown_name() {
    let body = "fn rule(chain, params, peers) {
    if chain.launch_date > 2023 {
        return pass(\"recent\");
    }
    fail(\"old\")
}
";
    let typos = "fn rule(chain, params, peers) {
    let y = peers.medain(\"tvl_usd\");
    let v = undefined_var + 1;
    pass(\"ok\")
}
";
    let out = check_broken(|r| {
        add_rule(r, "liquidity", body);
        add_rule(r, "depth", typos);
    });
    insta::assert_snapshot!(problems(&out), @r#"
    rules/depth.rhai:7:19: error: unknown function `medain`: did you mean `median`? (written peers.median("field"))
      |
    7 |     let y = peers.medain("tvl_usd");
      |                   ^
    rules/depth.rhai:8:13: error: unknown variable `undefined_var` (a rule sees only its parameters, e.g. chain, params, peers, and its own `let`s)
      |
    8 |     let v = undefined_var + 1;
      |             ^
    rules/liquidity.rhai:7:26: error: `>` mixes a date with a number: compare dates with dates (date("YYYY-MM-DD")), and add or subtract whole days (an int) or use add_days/add_weeks (a screen gives ERROR here: on arbitrum, optimism and 2 more); and on degen: chain.launch_date is missing for degen and was used in `>`: test it with chain.has("launch_date") and return skip(..)
      |
    7 |     if chain.launch_date > 2023 {
      |                          ^
    3 problems in rules/
    "#);
}

/// A function of the rule file named like one of the rule API silently replaces it in that
/// file: a warning at its name, and the check still passes.
#[test]
fn check_warns_about_a_function_named_like_the_rule_api() {
    let body = "fn usd(x) {
    `${x}`
}

fn rule(chain, params, peers) {
    pass(`TVL ${usd(chain.get(\"tvl_usd\", 0.0))}`)
}
";
    let out = check_broken(|r| {
        add_rule(r, "liquidity", body);
    });
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(format!("{}{}", stdout(&out), stderr(&out)), @"
    rules/: 8 rules, no problems, 1 warning
    rules/liquidity.rhai:6:4: warning: `fn usd` has the name of a function of the rule API: in this file a call of `usd` with 1 argument runs this function instead; give it another name
      |
    6 | fn usd(x) {
      |    ^
    ");
}

/// A chain rule that also defines `fn sector(peers, params)` (and never calls it) holds code
/// that never runs: a warning at it.
#[test]
fn check_warns_about_the_entry_function_of_the_other_scope() {
    let body = "fn rule(chain, params, peers) {
    pass(\"ok\")
}

fn sector(peers, params) {
    pass(\"the sector\")
}
";
    let out = check_broken(|r| {
        add_rule(r, "liquidity", body);
    });
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(format!("{}{}", stdout(&out), stderr(&out)), @"
    rules/: 8 rules, no problems, 1 warning
    rules/liquidity.rhai:10:4: warning: `fn sector` never runs in a chain rule, which only `fn rule(chain, params, peers)` starts: to judge the sector, give it a rule file of its own with `//! scope: sector`
       |
    10 | fn sector(peers, params) {
       |    ^
    ");
}

/// Names handed to `provenance`, `value_on`, `aligned` and `links` are checked in the source,
/// in a branch no chain takes too, as those handed to `get` and `series` are.
#[test]
fn check_reports_names_given_to_every_helper_in_a_branch_no_chain_takes() {
    let body = "fn rule(chain, params, peers) {
    if chain.slug == \"never-a-chain\" {
        let a = chain.links(\"spawned\");
        let b = chain.provenance(\"stagge\");
        let c = chain.value_on(\"fees\", \"2024-01-01\");
        let d = chain.aligned([\"fees_paid_usd\", \"rent\"]);
    }
    pass(\"ok\")
}
";
    let out = check_broken(|r| {
        add_rule(r, "liquidity", body);
    });
    let err = problems(&out);
    let placed: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("rules/liquidity.rhai:"))
        .map(|l| l.split(": error: ").next().unwrap())
        .collect();
    assert_eq!(
        placed,
        [
            "rules/liquidity.rhai:8:30",
            "rules/liquidity.rhai:9:35",
            "rules/liquidity.rhai:10:33",
            "rules/liquidity.rhai:11:50",
        ],
        "{err}"
    );
    assert!(
        err.contains("chain.links(\"spawned\"): no link kind `spawned`"),
        "{err}"
    );
    assert!(err.ends_with("4 problems in rules/\n"), "{err}");
}

/// A param key holding a reordering character is an error, and the warning that no rule reads
/// it shows the key as every message does, the character replaced.
#[test]
fn a_param_key_with_a_reordering_character_is_shown_replaced_in_every_message() {
    let out = check_broken(|r| {
        replace(
            &r.join("screen.toml"),
            "[rules.traction.params]\n",
            "[rules.traction.params]\n\"key\u{202e}abc\" = 1\n",
        )
    });
    let text = stderr(&out);
    assert!(!text.contains('\u{202e}'), "{text}");
    assert!(
        text.contains("warning: param `key\u{fffd}abc` of rule `traction` is never read"),
        "{text}"
    );
}
