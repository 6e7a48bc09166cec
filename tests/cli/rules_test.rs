//! `moat rules test`: the shipped pack's own cases pass (CI relies on it), and a wrong case, a
//! broken case file and a missed branch are reported in full.

use super::*;

/// A temp dir with `mini/`, `rules/` (the shipped pack without its cases, plus `extra` rules)
/// and `rules/tests/cases.toml` holding `cases`.
fn pack_with_cases(cases: &str, extra: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = screen_dir(extra);
    let tests = tmp.path().join("rules/tests");
    fs::create_dir(&tests).unwrap();
    fs::write(tests.join("cases.toml"), cases).unwrap();
    tmp
}

fn rules_test(dir: &Path, extra_args: &[&str]) -> Output {
    let mut args = vec!["rules", "test", "--rules", "rules", "--data", "mini"];
    args.extend_from_slice(extra_args);
    moat(dir, &args)
}

#[test]
fn rules_test_passes_on_the_shipped_pack() {
    let out = moat(
        &repo(),
        &["rules", "test", "--rules", "rules", "--data", "datasets/l2"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    let cases: usize = fs::read_dir(repo().join("rules/tests"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .map(|t| t.matches("[[case]]").count())
        .sum();
    assert!(
        text.ends_with(&format!("\n{cases} passed, 0 failed\n")),
        "{text}"
    );
    let case_lines: Vec<&str> = text.lines().filter(|l| l.starts_with("test ")).collect();
    assert_eq!(case_lines.len(), cases);
    assert!(case_lines.iter().all(|l| l.ends_with(" ... ok")), "{text}");
    assert!(!text.contains("rules without a case"), "{text}");
    // Every shipped rule has a coverage line, and the cases take every one of its lines.
    for rule in [
        "differentiation",
        "ecosystem_interconnection",
        "sector_moats",
        "security_hygiene",
        "token_existence",
        "traction",
        "tvl_leadership",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("coverage: {rule} ")))
            .unwrap_or_else(|| panic!("no coverage line for {rule}: {text}"));
        assert!(!line.contains("not run"), "{line}");
    }
}

#[test]
fn rules_test_json_has_cases_coverage_and_totals() {
    let tmp = pack_with_cases(
        "[[case]]\nname = \"Base has no token\"\nrule = \"token_existence\"\nchain = \"base\"\nas_of = \"2024-06-30\"\nexpect = \"FAIL\"\n",
        &[],
    );
    let out = rules_test(tmp.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let case = &json["cases"][0];
    assert_eq!(case["status"], "ok");
    assert_eq!(case["expected"], "FAIL");
    assert_eq!(case["got"], "FAIL");
    assert_eq!(case["chain"], "base");
    assert!(
        case["reason"]
            .as_str()
            .unwrap()
            .starts_with("Base has no token"),
        "{case}"
    );
    assert!(
        case["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "token_status" && e["value"] == "none"),
        "{case}"
    );
    assert_eq!(
        json["totals"],
        serde_json::json!({"passed": 1, "failed": 0})
    );
    let coverage = json["coverage"].as_array().unwrap();
    let token = coverage
        .iter()
        .find(|c| c["rule"] == "token_existence")
        .unwrap();
    assert!(!token["not_run"].as_array().unwrap().is_empty(), "{token}");
    assert!(
        json["rules_without_cases"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("traction"))
    );
}

#[test]
fn a_wrong_expectation_fails_with_expected_and_got() {
    let tmp = pack_with_cases(
        "[[case]]\nname = \"Base has a token\"\nrule = \"token_existence\"\nchain = \"base\"\nas_of = \"2024-06-30\"\nexpect = \"PASS\"\n\n\
         [[case]]\nname = \"Base has no token\"\nrule = \"token_existence\"\nchain = \"base\"\nas_of = \"2024-06-30\"\nexpect = \"FAIL\"\nreason_contains = \"never lists\"\n",
        &[],
    );
    let out = rules_test(tmp.path(), &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(
        text.starts_with(
            "running 2 cases from 1 file\n\n\
             test token_existence::Base has a token ... FAILED\n\
             test token_existence::Base has no token ... ok\n\n\
             failures:\n\n"
        ),
        "{text}"
    );
    let block = text
        .split("failures:\n\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap();
    assert_eq!(
        block,
        "---- token_existence::Base has a token ----\n\
         case:     rules/tests/cases.toml:1\n\
         judging:  chain base as of 2024-06-30\n\
         expected: PASS\n\
         got:      FAIL: Base has no token: its ecosystem's value cannot accrue to outside holders, like an excellent company that never lists (statement dated 2023-12-31).\n\
         hint:     a token of its own would have to launch\n\
         evidence:\n  \
         name = Base\n  \
         token_status = none\n  \
         token_date = 2023-12-31"
    );
    assert!(text.ends_with("\n1 passed, 1 failed\n"), "{text}");
}

#[test]
fn a_reason_that_does_not_match_fails() {
    let tmp = pack_with_cases(
        "[[case]]\nname = \"Wrong reason\"\nrule = \"token_existence\"\nchain = \"base\"\nas_of = \"2024-06-30\"\nexpect = \"FAIL\"\nreason_contains = \"exploring\"\n",
        &[],
    );
    let out = rules_test(tmp.path(), &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "\nexpected: FAIL, reason containing \"exploring\"\ngot:      FAIL: Base has no token"
        ),
        "{text}"
    );
    assert!(text.ends_with("\n0 passed, 1 failed\n"), "{text}");
}

#[test]
fn problems_in_a_case_file_are_placed_and_stop_the_run() {
    let tmp = pack_with_cases(
        "[[case]]\n\
         name = \"typos\"\n\
         rule = \"token_existance\"\n\
         chain = \"bsae\"\n\
         expect = \"FAIL\"\n\
         \n\
         [[case]]\n\
         name = \"synthetic\"\n\
         rule = \"traction\"\n\
         expct = \"PASS\"\n\
         params = { min_tvl = 1 }\n\
         [case.fields]\n\
         tvl_usdd = 5\n\
         tvl_rank = 1.5\n",
        &[],
    );
    let out = rules_test(tmp.path(), &[]);
    insta::assert_snapshot!(stderr(&out), @r#"
    rules/tests/cases.toml:3:8: error: no rule `token_existance` in the rule pack: did you mean `token_existence`?
      |
    3 | rule = "token_existance"
      |        ^
    rules/tests/cases.toml:4:9: error: no chain `bsae` in dataset mini: did you mean `base`?
      |
    4 | chain = "bsae"
      |         ^
    rules/tests/cases.toml:7:1: error: this case has no `expect`: add `expect = "PASS" (or FAIL, SKIP, ERROR)`
      |
    7 | [[case]]
      | ^
    rules/tests/cases.toml:10:1: error: unknown key `expct` in a case: did you mean `expect`?
       |
    10 | expct = "PASS"
       | ^
    rules/tests/cases.toml:11:12: error: rule `traction` has no param `min_tvl`: did you mean `min_tvl_usd`?
       |
    11 | params = { min_tvl = 1 }
       |            ^
    rules/tests/cases.toml:13:1: error: unknown field `tvl_usdd`: did you mean `tvl_usd`?
       |
    13 | tvl_usdd = 5
       | ^
    rules/tests/cases.toml:14:12: error: `tvl_rank` must be an integer, found a float 1.5
       |
    14 | tvl_rank = 1.5
       |            ^
    7 problems in the test cases; no case was run
    "#);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "", "no case runs when a case file is wrong");
}

#[test]
fn a_chain_outside_the_universe_at_the_date_is_an_error() {
    let tmp = pack_with_cases(
        "[[case]]\nname = \"Degen before it existed\"\nrule = \"traction\"\nchain = \"degen\"\nas_of = \"2023-01-01\"\nexpect = \"SKIP\"\n",
        &[],
    );
    let out = rules_test(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @r#"
    rules/tests/cases.toml:4:9: error: chain `degen` is not screened as of 2023-01-01: it is an L1, or it did not exist yet, or it had shut down (`moat data show degen --as-of 2023-01-01` shows it)
      |
    4 | chain = "degen"
      |         ^
    1 problem in the test cases; no case was run
    "#);
}

/// A rule whose code does not compile is a bad rule: its problem is shown, no case is run and
/// the exit is 2 (a screen would run it as ERROR verdicts).
#[test]
fn a_rule_that_does_not_compile_stops_the_run() {
    let tmp = pack_with_cases(
        "[[case]]\nname = \"Base\"\nrule = \"traction\"\nchain = \"base\"\nexpect = \"PASS\"\n",
        &[],
    );
    let path = tmp.path().join("rules/traction.rhai");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replacen("let name = chain.name;", "let name = ;", 1),
    )
    .unwrap();
    let out = rules_test(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.starts_with("rules/traction.rhai:8:16: error: ")
            && err.ends_with("1 problem in the rules; no case was run\n"),
        "{err}"
    );
}

/// A case sees no more than a screen would: no date after the dataset's vintage, no point of a
/// synthetic series after its as-of date, and no field text a terminal would act on.
#[test]
fn a_case_cannot_judge_a_future_date_see_a_future_point_or_hold_control_characters() {
    let tmp = pack_with_cases(
        "[[case]]\nname = \"later\"\nrule = \"traction\"\nchain = \"base\"\nas_of = \"2030-01-01\"\nexpect = \"PASS\"\n\n\
         [[case]]\nname = \"ahead\"\nrule = \"traction\"\nas_of = \"2024-12-01\"\nexpect = \"PASS\"\n\
         [case.fields]\nslug = \"probe\"\ntvl_usd = 5.0\n\
         [case.series]\ntvl_usd = [[\"2024-11-24\", 1.0], [\"2024-12-08\", 5.0]]\n\n\
         [[case]]\nname = \"escape\"\nrule = \"traction\"\nexpect = \"PASS\"\n\
         [case.fields]\nslug = \"probe\\u001b[2J\"\n",
        &[],
    );
    let out = rules_test(tmp.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for expected in [
        "cases.toml:5:9: error: `as_of` 2030-01-01 is after the dataset's vintage 2024-12-29",
        "cases.toml:17:11: error: series `tvl_usd` has a point dated 2024-12-08, after the case's as-of date 2024-12-01",
        "error: `slug` holds the character U+001B: a field's text is plain text on one line",
    ] {
        assert!(err.contains(expected), "{expected:?} not in {err}");
    }
}

/// A case with a problem still has its name, chain and date checked: one run reports every
/// problem (an unknown rule hid a duplicate name and a date after the vintage).
#[test]
fn a_case_with_a_problem_still_has_its_name_and_date_checked() {
    let tmp = pack_with_cases(
        "[[case]]\nname = \"a\"\nrule = \"tracton\"\nas_of = \"2030-01-01\"\nexpect = \"PASS\"\n[case.fields]\nslug = \"probe\"\n\n\
         [[case]]\nname = \"a\"\nrule = \"traction\"\nchain = \"base\"\nexpect = \"PASS\"\n",
        &[],
    );
    let out = rules_test(tmp.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.contains(" error: ")).collect();
    assert_eq!(errors.len(), 3, "{err}");
    assert!(
        errors[0].starts_with("rules/tests/cases.toml:3:8: error: no rule `tracton`"),
        "{err}"
    );
    assert!(
        errors[1].starts_with(
            "rules/tests/cases.toml:4:9: error: `as_of` 2030-01-01 is after the dataset's vintage"
        ),
        "{err}"
    );
    assert!(
        errors[2].starts_with(
            "rules/tests/cases.toml:9:1: error: case name `a` is already used at line 1"
        ),
        "{err}"
    );
    assert!(
        err.ends_with("3 problems in the test cases; no case was run\n"),
        "{err}"
    );
}

#[test]
fn coverage_lists_the_branch_no_case_took() {
    let rule = "fn rule(chain, params, peers) {\n    if chain.has(\"token\") {\n        return pass(\"has a token\");\n    }\n    // no token: fail\n    fail(\"no token\")\n}\n";
    let tmp = pack_with_cases(
        "[[case]]\nname = \"no token\"\nrule = \"branchy\"\nchain = \"base\"\nas_of = \"2024-06-30\"\nexpect = \"FAIL\"\n\n\
         [[case]]\nname = \"a synthetic chain without a token\"\nrule = \"branchy\"\nexpect = \"FAIL\"\n[case.fields]\nname = \"Synthetic\"\n",
        &[("branchy", rule)],
    );
    let out = rules_test(tmp.path(), &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    let pass_line = line_of(&tmp.path().join("rules/branchy.rhai"), "return pass");
    assert!(
        text.contains(&format!(
            "\ncoverage: branchy 2/3 lines; not run: {pass_line}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("\nrules without a case: differentiation, ecosystem_interconnection, sector_moats, security_hygiene, token_existence, traction, tvl_leadership\n"),
        "{text}"
    );
    let traction = text
        .lines()
        .find(|l| l.starts_with("coverage: traction 0/"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(traction.ends_with(" lines (no case)"), "{traction}");
    assert!(text.ends_with("\n2 passed, 0 failed\n"), "{text}");
}

/// A parameter the rule tests with `params.has` may be left out of screen.toml (optional), and
/// a case may set it, of any type, so both branches can be covered; a parameter the rule does
/// not test so is still refused when screen.toml does not define it.
#[test]
fn a_case_sets_an_optional_parameter() {
    let rule = "fn rule(chain, params, peers) {\n    if params.has(\"since\") {\n        return pass(`since ${params.since}`);\n    }\n    fail(\"no since\")\n}\n";
    let tmp = pack_with_cases(
        "[[case]]\nname = \"without\"\nrule = \"optional\"\nchain = \"base\"\nexpect = \"FAIL\"\n\n\
         [[case]]\nname = \"with\"\nrule = \"optional\"\nchain = \"base\"\nparams = { since = 2024-01-01 }\nexpect = \"PASS\"\nreason_contains = \"since 2024-01-01\"\n",
        &[("optional", rule)],
    );
    let out = rules_test(tmp.path(), &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("\ncoverage: optional 3/3 lines\n"), "{text}");
    assert!(text.ends_with("\n2 passed, 0 failed\n"), "{text}");

    let tmp = pack_with_cases(
        "[[case]]\nname = \"not optional\"\nrule = \"optional\"\nchain = \"base\"\nparams = { until = 1 }\nexpect = \"FAIL\"\n",
        &[("optional", rule)],
    );
    let out = rules_test(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("error: rule `optional` has no param `until`"),
        "{}",
        stderr(&out)
    );
}
