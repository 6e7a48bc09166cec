//! Rule behaviour end to end: every status, every kind of ERROR with its exact message and
//! `file:line:column`, isolation of a broken rule, evidence, scoring and thread independence.

use super::*;
use crate::evaluate::{ScreenOptions, Status, Verdict, evaluate_rule, screen};
use crate::rules::Limits;
use std::time::Duration;

fn base() -> Universe {
    universe(vec![
        chain(
            "base",
            &[
                ("tvl_usd", Value::Num(4.2e9)),
                ("stage", t("1")),
                ("stack", t("op_stack")),
            ],
        ),
        chain(
            "arbitrum",
            &[
                ("tvl_usd", Value::Num(2.1e9)),
                ("stage", t("1")),
                ("stack", t("arbitrum_orbit")),
            ],
        ),
    ])
}

fn verdict(body: &str) -> Verdict {
    verdict_with(body, "", Limits::default())
}

fn verdict_with(body: &str, toml: &str, limits: Limits) -> Verdict {
    let p = pack_with_limits(&[("r", body)], toml, limits);
    evaluate_rule(&p, &base(), "r", Some("base")).unwrap()
}

fn error(body: &str) -> (String, String) {
    let v = verdict(body);
    assert_eq!(v.status, Status::Error, "{v:?}");
    (v.reason, v.location.unwrap())
}

#[test]
fn each_status_and_the_map_form() {
    let v = verdict("fn rule(chain, params, peers) { pass(`${chain.name} is big`) }");
    assert_eq!(
        (
            v.status,
            v.reason.as_str(),
            v.hint.as_deref(),
            v.location.as_deref()
        ),
        (Status::Pass, "base is big", None, None)
    );
    let v = verdict("fn rule(chain, params, peers) { fail(\"too small\", \"grow\") }");
    assert_eq!(
        (v.status, v.reason.as_str(), v.hint.as_deref()),
        (Status::Fail, "too small", Some("grow"))
    );
    let v = verdict("fn rule(chain, params, peers) { skip(\"no data\") }");
    assert_eq!((v.status, v.reason.as_str()), (Status::Skip, "no data"));
    let v = verdict(
        "fn rule(chain, params, peers) { #{status: \"FAIL\", reason: \"as a map\", hint: \"h\"} }",
    );
    assert_eq!(
        (v.status, v.reason.as_str(), v.hint.as_deref()),
        (Status::Fail, "as a map", Some("h"))
    );
}

/// Sorting and removing duplicates with a rule's function: the function's errors and limits
/// are the rule's (rhai's own sort swallowed them and sorted by type, so the rule passed on an
/// order it never made), a float or a boolean says an order, anything else is an error, an
/// inconsistent function gives some order without a panic, and equal items keep their order.
#[test]
fn sorting_with_a_function_keeps_its_errors() {
    let reason = |body: &str| {
        let v = verdict(&format!("fn rule(chain, params, peers) {{ {body} }}"));
        (v.status, v.reason)
    };
    assert_eq!(
        reason("let a = [3.5, 1.0, 2.25]; a.sort(|x, y| x - y); pass(`${a}`)"),
        (Status::Pass, "[1.0, 2.25, 3.5]".into())
    );
    assert_eq!(
        reason("let a = [3, 1, 2]; let b = a.order(|x, y| y - x); pass(`${b} ${a}`)"),
        (Status::Pass, "[3, 2, 1] [3, 1, 2]".into())
    );
    assert_eq!(
        reason(
            "let a = [[1, \"a\"], [0, \"b\"], [1, \"c\"], [0, \"d\"]]; a.sort_by(|x, y| x[0] <= y[0]); pass(`${a}`)"
        ),
        (
            Status::Pass,
            "[[0, \"b\"], [0, \"d\"], [1, \"a\"], [1, \"c\"]]".into()
        )
    );
    assert_eq!(
        reason(
            "let c = [#{k: 1, i: 0}, #{k: 1, i: 1}, #{k: 0, i: 2}, #{k: 0, i: 3}]; c.sort(|x, y| x.k < y.k); let d = [3, 1, 2]; d.sort(|x, y| false); pass(`${c.map(|x| x.i)} ${d}`)"
        ),
        (Status::Pass, "[2, 3, 0, 1] [3, 1, 2]".into())
    );
    assert_eq!(
        reason("let a = [5, 1, 4, 2, 3]; a.sort(|x, y| 1); a.sort(|x, y| -1); pass(`${a.len()}`)"),
        (Status::Pass, "5".into())
    );
    let (status, why) = reason("let a = [3, 1, 2]; a.sort(|x, y| { loop {} }); pass(`${a}`)");
    assert_eq!(status, Status::Error);
    assert!(why.contains("limit of 200000 operations"), "{why}");
    let (status, why) = reason("let a = [3, 1, 2]; a.sort(|x, y| \"before\"); pass(`${a}`)");
    assert_eq!(status, Status::Error);
    assert!(
        why.contains("the comparer returned the string \"before\": expected a number"),
        "{why}"
    );
    let (status, why) =
        reason("let a = [3, 1, 2]; let b = a.order(|x, y| x.nope - y); pass(`${b}`)");
    assert_eq!(status, Status::Error, "{why}");
    let (status, why) = reason("let a = [1, 1, 2]; a.dedup(|x, y| 1); pass(`${a}`)");
    assert_eq!(status, Status::Error);
    assert!(
        why.contains("dedup: the function returned i64 1")
            || why.contains("dedup: the function returned"),
        "{why}"
    );
    assert_eq!(
        reason(
            "let a = [1, 1, 2, 3, 3, 1]; a.dedup(); let b = [1, 2, 5, 6]; b.dedup(|x, y| y - x == 1); pass(`${a} ${b}`)"
        ),
        (Status::Pass, "[1, 2, 3, 1] [1, 5]".into())
    );
    // Caught, the array is as it was.
    assert_eq!(
        reason("let a = [3, 1, 2]; try { a.sort(|x, y| throw \"no\"); } catch { } pass(`${a}`)"),
        (Status::Pass, "[3, 1, 2]".into())
    );
}

/// The functions that test items with a rule's function keep rhai's meaning (the item, then
/// its index if the function takes two), but a function that returns anything other than a
/// boolean is an ERROR naming what it returned (rhai took it as `false`: `filter(|c|
/// c.tvl_usd)` was silently empty), and `retain`/`drain` leave the array as it was on one.
#[test]
fn testing_items_with_a_function_needs_a_boolean() {
    let reason = |body: &str| {
        let v = verdict(&format!("fn rule(chain, params, peers) {{ {body} }}"));
        (v.status, v.reason)
    };
    assert_eq!(
        reason(
            "let a = [1, 2, 3, 4]; let f = a.filter(|x| x % 2 == 0); let g = a.filter(|x, i| i > 1); \
             let s = a.some(|x| x > 3); let l = a.all(|x| x > 3); let i = a.index_of(|x| x == 3); \
             let n = a.index_of(|x| x > 9); let v = a.find(|x| x > 1); let w = a.find(|x| x > 9); \
             let b = [1, 2, 3, 4]; let r = b.retain(|x| x < 3); let c = [1, 2, 3, 4]; let d = c.drain(|x| x < 3); \
             pass(`${f} ${g} ${s} ${l} ${i} ${n} ${v} ${w} ${b} ${r} ${c} ${d}`)"
        ),
        (
            Status::Pass,
            "[2, 4] [3, 4] true false 2 -1 2  [1, 2] [3, 4] [3, 4] [1, 2]".into()
        )
    );
    for call in [
        "filter", "some", "all", "index_of", "find", "retain", "drain",
    ] {
        let (status, why) = reason(&format!("let a = [1.5, 2.5]; a.{call}(|x| x); pass(\"x\")"));
        assert_eq!(status, Status::Error, "{call}");
        assert!(
            why.contains(&format!(
                "{call}: the function returned the number 1.5: expected true or false"
            )),
            "{call}: {why}"
        );
    }
    assert_eq!(
        reason(
            "let a = [1, 2, 3]; try { a.retain(|x| if x == 3 { 0 } else { true }); } catch { } pass(`${a}`)"
        ),
        (Status::Pass, "[1, 2, 3]".into())
    );
}

/// A map's `filter`, `retain` and `drain` keep rhai's meaning (the key, the value as `this`
/// or a second argument), need a boolean from their function (rhai took anything else as
/// `false`), and an error leaves the map as it was (rhai's `drain`/`retain` lost the entries
/// taken out before it).
#[test]
fn testing_map_entries_with_a_function_needs_a_boolean() {
    let reason = |body: &str| {
        let v = verdict(&format!("fn rule(chain, params, peers) {{ {body} }}"));
        (v.status, v.reason)
    };
    assert_eq!(
        reason(
            "let m = #{a: 1, b: 2, c: 3}; let f = m.filter(|k| this >= 2); let g = m.filter(|k, v| k != \"c\" && v > 1); \
             let r = #{a: 1, b: 2, c: 3}; let out = r.retain(|k, v| v < 2); \
             let d = #{a: 1, b: 2, c: 3}; let took = d.drain(|k| k == \"b\"); \
             pass(`${f} ${g} ${r} ${out} ${d} ${took}`)"
        ),
        (
            Status::Pass,
            "#{\"b\": 2, \"c\": 3} #{\"b\": 2} #{\"a\": 1} #{\"b\": 2, \"c\": 3} #{\"a\": 1, \"c\": 3} #{\"b\": 2}"
                .into()
        )
    );
    for call in ["filter", "retain", "drain"] {
        let (status, why) = reason(&format!(
            "let m = #{{a: 1.5}}; m.{call}(|k| this); pass(\"x\")"
        ));
        assert_eq!(status, Status::Error, "{call}");
        assert!(
            why.contains(&format!(
                "{call}: the function returned the number 1.5: expected true or false"
            )),
            "{call}: {why}"
        );
    }
    for call in ["retain", "drain"] {
        assert_eq!(
            reason(&format!(
                "let m = #{{a: 1, b: 2, c: 3}}; try {{ m.{call}(|k, v| if v == 3 {{ 0 }} else {{ v == 1 }}); }} catch {{ }} pass(`${{m}}`)"
            )),
            (Status::Pass, "#{\"a\": 1, \"b\": 2, \"c\": 3}".into()),
            "{call}"
        );
    }
}

/// Reading a property of `()` (a chain not in the universe yet) names the missing value and
/// where it came from, not rhai's "a getter is not registered for type '()'".
#[test]
fn a_property_of_a_missing_value_names_it() {
    let v = verdict(
        "fn rule(chain, params, peers) {\n    let b = if false { chain } else { () };\n    pass(b.stack)\n}",
    );
    assert_eq!(v.status, Status::Error);
    assert_eq!(
        v.reason,
        "`b` is a missing value `()` (set from `if false { chain } else { () }`) and was used to read `.stack`: test it with `b == ()` and return skip(..)"
    );
}

/// The reason of the ERROR a rule whose body is `body` gives.
fn erred(body: &str) -> String {
    let v = verdict(&format!("fn rule(chain, params, peers) {{ {body} }}"));
    assert_eq!(v.status, Status::Error, "{v:?}");
    v.reason
}

/// A thrown array or map writes a date or a chain as `print` does (it wrote the Rust type's
/// path), and a value nested without end is cut.
#[test]
fn a_thrown_value_writes_dates_and_chains_as_print_does() {
    assert_eq!(
        erred("throw [date(\"2024-01-01\"), chain, #{a: \"x\"}, 1.5];"),
        "the rule threw an error: [date(\"2024-01-01\"), chain(base), #{\"a\": \"x\"}, 1.5]"
    );
    // Peers, parameters and a caught error by the rule API's names (they were written as
    // moat's Rust paths, `moat::rules::api::peers::Peers`), alone and nested.
    assert_eq!(
        erred("try { chain.nope } catch (e) { throw [chain, peers, params, #{p: peers}, e]; }"),
        "the rule threw an error: [chain(base), Peers, Params, #{\"p\": Peers}, error(\"unknown field `nope` (`moat rules doc` lists every field)\")]"
    );
    assert_eq!(erred("throw peers;"), "the rule threw an error: Peers");
    assert_eq!(erred("throw params;"), "the rule threw an error: Params");
    assert_eq!(
        erred("try { chain.nope } catch (e) { return e; }"),
        "rule must return pass(..), fail(..) or skip(..); got Error"
    );
    assert_eq!(erred("throw \"plain\";"), "the rule threw an error: plain");
    let deep = erred("let a = []; for i in 0..1000 { a = [a]; } throw a;");
    assert!(deep.contains("[[[…]]]") && deep.len() < 100, "{deep}");
}

/// Changing a chain's field or a parameter, and a condition that is not a bool, are said in
/// the rule's terms (rhai said "No writable property … a setter is not registered for type
/// 'Chain'" and "Data type incorrect: string (expecting bool)").
#[test]
fn read_only_values_and_conditions_that_are_not_bools_are_said_plainly() {
    assert_eq!(
        erred("chain.tvl_usd = 5.0; pass(\"x\")"),
        "`chain.tvl_usd` cannot be changed: a chain's fields are read-only (copy the value into a variable: `let x = chain.tvl_usd;`)"
    );
    assert!(
        erred("params.min = 1; pass(\"x\")")
            .starts_with("`params.min` cannot be changed: parameters are read-only"),
    );
    // Defined or not, by name or by index, assigned or changed in place: read-only. (An
    // undefined one said "param `foo` is not defined …: add `foo = …`"; `params["foo"] = 1`
    // said "Indexer unavailable: Params [string] = i64"; a push changed a copy silently.)
    let said = |name: &str| {
        format!(
            "`params.{name}` cannot be changed: parameters are read-only, set in screen.toml under [rules.r.params] (copy the value into a variable: `let x = params.{name};`)"
        )
    };
    let toml = "[rules.r.params]\nmin = 1\nlist = [\"a\", 2.5, true]\n";
    for (body, name) in [
        ("params.foo = 1", "foo"),
        ("params[\"foo\"] = 1", "foo"),
        ("params.foo += 1", "foo"),
        ("params[\"foo\"] += 1", "foo"),
        ("params.min += 1", "min"),
        ("params[\"min\"] = 2", "min"),
        ("params.list.push(1)", "list"),
        ("params.list[0] = \"b\"", "list"),
    ] {
        let v = verdict_with(
            &format!("fn rule(chain, params, peers) {{ {body}; pass(\"x\") }}"),
            toml,
            Limits::default(),
        );
        assert_eq!((v.status, v.reason), (Status::Error, said(name)), "{body}");
    }
    // Reading a parameter's value with a method hands it back unchanged: no error. (Rhai hands
    // it to the setter "in case it changed", so the setter lets the value it has through, and
    // an assignment of that same value changes nothing; `rules check` reports it from the
    // source.)
    let v = verdict_with(
        "fn rule(chain, params, peers) { pass(`${params.list.len()} ${params.list.contains(\"a\")} ${params[\"list\"].len()} ${params.list.index_of(2.5)}`) }",
        toml,
        Limits::default(),
    );
    assert_eq!((v.status, v.reason.as_str()), (Status::Pass, "3 true 3 1"));
    assert_eq!(
        erred("if chain.name { pass(\"x\") } else { fail(\"y\", \"z\") }"),
        "a condition must be true or false, and this one is a string: compare it instead (`x != \"\"`, `n > 0`, `chain.has(\"field\")`)"
    );
}

/// `list`, `join` and `to_json` write a date or a chain as `${value}` does (they wrote the Rust
/// type's path, and `to_json` gave text that was not JSON), and `to_json` is valid JSON
/// whatever the map holds.
#[test]
fn list_join_and_to_json_write_api_values_as_text() {
    let reason = |body: &str| {
        let v = verdict(&format!("fn rule(chain, params, peers) {{ {body} }}"));
        assert_eq!(v.status, Status::Pass, "{v:?}");
        v.reason
    };
    assert_eq!(
        reason(
            "let ds = [date(\"2024-01-02\"), date(\"2025-03-04\")]; pass(`${list(ds)}; ${join([chain, 1.5, 2], \"|\")}`)"
        ),
        "2024-01-02 and 2025-03-04; base|1.5|2"
    );
    let json = reason(
        "let m = #{d: date(\"2024-01-02\"), c: chain, x: 0.0 / 0.0, s: \"a\\u001bb\", n: (), a: [1, 2.5, true]}; pass(m.to_json())",
    );
    let parsed: serde_json::Value = serde_json::from_str(&json).expect(&json);
    assert_eq!(
        parsed,
        serde_json::json!({"d": "2024-01-02", "c": "base", "x": null, "s": "a\u{1b}b", "n": null, "a": [1, 2.5, true]})
    );
}

/// Operations inside the functions that native functions call (a `filter` test, a `sort`
/// comparer) count toward the evaluation's limit, as the same work in a plain loop does: rhai
/// counted them in a copy of its state it dropped, so only the time limit stopped such a rule,
/// at a different place in every run.
#[test]
fn operations_inside_called_functions_count_toward_the_limit() {
    // Stopped by operations, not by time: a debug build on a loaded machine takes most of a
    // second for 200,000 operations in closures, near the 1 s limit of an evaluation.
    let error = |body: &str| {
        let v = verdict_with(
            body,
            "rule_time_budget_ms = 600000\n[rules.r]\n",
            Limits {
                time_limit: Duration::from_secs(60),
                ..Limits::default()
            },
        );
        assert_eq!(v.status, Status::Error, "{v:?}");
        (v.reason, v.location.unwrap())
    };
    for body in [
        "let a = []; for i in 0..1000 { a.push(i); } let b = a.filter(|x| { let s = 0; for k in 0..200 { s += k; } true }); pass(\"x\")",
        "let a = []; for i in 0..1000 { a.push(i); } a.sort(|x, y| { let s = 0; for k in 0..200 { s += k; } y - x }); pass(\"x\")",
    ] {
        let (reason, at) = error(&format!("fn rule(chain, params, peers) {{ {body} }}"));
        assert_eq!(
            reason, "the rule exceeded the limit of 200000 operations (an endless loop?)",
            "{body}"
        );
        // Placed where they ran out, the same statement every time.
        let (_, again) = error(&format!("fn rule(chain, params, peers) {{ {body} }}"));
        assert_eq!(at, again);
    }
}

#[test]
fn endless_loop_is_an_operations_error() {
    let (reason, at) = error("fn rule(chain, params, peers) {\n    loop { }\n}");
    assert_eq!(
        reason,
        "the rule exceeded the limit of 200000 operations (an endless loop?)"
    );
    // At the loop, not at `fn rule`.
    assert_eq!(at, "r.rhai:6:5");
}

#[test]
fn deep_recursion_is_a_call_depth_error() {
    let (reason, at) =
        error("fn down(n) { down(n + 1) }\nfn rule(chain, params, peers) { down(0) }");
    assert_eq!(
        reason,
        "the rule exceeded the limit of 32 nested function calls (runaway recursion?)"
    );
    // At the recursive call.
    assert_eq!(at, "r.rhai:5:14");
}

/// The limit counts the calls a rule nests, whatever the evaluator's own calls on the way to
/// the entry function: 32 nested calls run, 33 are an error.
#[test]
fn a_rule_nests_exactly_as_many_calls_as_its_limit() {
    let nesting = |calls: usize| {
        verdict(&format!(
            "fn down(n) {{ if n == 1 {{ pass(\"deep enough\") }} else {{ down(n - 1) }} }}\n\
             fn rule(chain, params, peers) {{ down({calls}) }}"
        ))
    };
    assert_eq!(nesting(32).status, Status::Pass);
    let too_deep = nesting(33);
    assert_eq!(too_deep.status, Status::Error);
    assert_eq!(
        too_deep.reason,
        "the rule exceeded the limit of 32 nested function calls (runaway recursion?)"
    );
}

#[test]
fn huge_string_is_a_size_error() {
    let (reason, at) =
        error("fn rule(chain, params, peers) {\n    let s = \"x\";\n    loop { s += s; }\n}");
    assert_eq!(
        reason,
        "the rule exceeded a size limit: a string of more than 10000 bytes"
    );
    assert_eq!(at, "r.rhai:7:14");
}

#[test]
fn wall_clock_deadline() {
    let limits = Limits {
        max_operations: 0,
        time_limit: Duration::from_millis(20),
        ..Limits::default()
    };
    let v = verdict_with(
        "fn rule(chain, params, peers) {\n    loop { }\n}",
        "",
        limits,
    );
    assert_eq!(
        (v.status, v.reason.as_str()),
        (
            Status::Error,
            "the rule ran longer than its time limit of 20 ms"
        )
    );
}

#[test]
fn misspelt_field_suggests_the_right_one() {
    let (reason, at) = error(
        "fn rule(chain, params, peers) {\n    if chain.tvl_usdd > 1.0 { pass(\"big\") } else { fail(\"small\") }\n}",
    );
    assert_eq!(reason, "unknown field `tvl_usdd`: did you mean `tvl_usd`?");
    assert_eq!(at, "r.rhai:6:14");
}

/// An error whose message names a name the rule wrote is placed at that name, where `moat
/// rules check` places it (rhai places it at the `.` or `[` before it); every other error
/// stays where rhai places it.
#[test]
fn an_error_about_a_name_is_placed_at_the_name() {
    let at = |line: &str| {
        let (reason, at) = error(&format!("fn rule(chain, params, peers) {{\n{line}\n}}"));
        (reason.split(':').next().unwrap_or("").to_string(), at)
    };
    let cases = [
        (
            "    let x = chain.tvl_usdd; pass(\"a\")",
            "unknown field `tvl_usdd`",
            "r.rhai:6:19",
        ),
        (
            "    let x = chain[\"tvl_usdd\"]; pass(\"a\")",
            "unknown field `tvl_usdd`",
            "r.rhai:6:20",
        ),
        (
            "    let x = chain.get(\"tvl_usdd\", 0); pass(\"a\")",
            "unknown field `tvl_usdd`",
            "r.rhai:6:24",
        ),
        (
            "    let x = peers.leader; pass(\"a\")",
            "peers has no property `leader`",
            "r.rhai:6:19",
        ),
        (
            "    let x = params.min_tvl; pass(\"a\")",
            "param `min_tvl` is not defined for rule `r`",
            "r.rhai:6:20",
        ),
        (
            "    let x = params[\"min_tvl\"]; pass(\"a\")",
            "param `min_tvl` is not defined for rule `r`",
            "r.rhai:6:21",
        ),
        (
            "    params.min_tvl += 1; pass(\"a\")",
            "`params.min_tvl` cannot be changed",
            "r.rhai:6:12",
        ),
        (
            "    let x = chain.links(\"bridg\"); pass(\"a\")",
            "chain.links(\"bridg\")",
            "r.rhai:6:26",
        ),
        // Not about a name: where rhai places it.
        (
            "    let x = chain.tvl_usd; throw `tvl_usd ${x}`;",
            "the rule threw an error",
            "r.rhai:6:28",
        ),
    ];
    for (line, said, place) in cases {
        let (reason, location) = at(line);
        assert_eq!(
            (reason.as_str(), location.as_str()),
            (said, place),
            "{line}"
        );
    }
}

#[test]
fn wrong_return_type() {
    let (reason, at) = error("fn rule(chain, params, peers) {\n    chain.tvl_usd > 1e9\n}");
    assert_eq!(
        reason,
        "rule must return pass(..), fail(..) or skip(..); got bool (true)"
    );
    // The last expression the rule evaluated.
    assert_eq!(at, "r.rhai:6:19");
    let (reason, _) =
        error("fn rule(chain, params, peers) { #{status: \"OK\", reason: \"fine\"} }");
    assert_eq!(
        reason,
        "rule must return pass(..), fail(..) or skip(..); got a map with status \"OK\" (expected \"PASS\", \"FAIL\" or \"SKIP\")"
    );
}

#[test]
fn missing_value_in_a_comparison_names_the_field() {
    let (reason, at) = error(
        "fn rule(chain, params, peers) {\n    if chain.tvl_change_52w > 0.1 { pass(\"growing\") } else { fail(\"shrinking\") }\n}",
    );
    assert_eq!(
        reason,
        "chain.tvl_change_52w is missing for base and was used in `>`: test it with chain.has(\"tvl_change_52w\") and return skip(..)"
    );
    assert_eq!(at, "r.rhai:6:29");
}

#[test]
fn missing_value_in_arithmetic_via_a_variable() {
    let (reason, at) = error(
        "fn rule(chain, params, peers) {\n    let g = chain.tvl_change_13w;\n    let x = chain.tvl_usd * g;\n    pass(`${x}`)\n}",
    );
    assert_eq!(
        reason,
        "chain.tvl_change_13w is missing for base and was used in `*`: test it with chain.has(\"tvl_change_13w\") and return skip(..)"
    );
    assert_eq!(at, "r.rhai:7:27");
}

#[test]
fn missing_value_as_a_condition() {
    let (reason, _) = error(
        "fn rule(chain, params, peers) {\n    if chain.superchain { pass(\"member\") } else { fail(\"not a member\") }\n}",
    );
    assert_eq!(
        reason,
        "chain.superchain is missing for base and was used where bool was expected: test it with chain.has(\"superchain\") and return skip(..)"
    );
}

#[test]
fn missing_helper_result_is_named() {
    let (reason, _) = error(
        "fn rule(chain, params, peers) {\n    if chain.change(\"tvl_usd\", 13) > 0.0 { pass(\"up\") } else { fail(\"down\") }\n}",
    );
    assert_eq!(
        reason,
        "chain.change(\"tvl_usd\", 13) is missing for base and was used in `>`: it has 0 points; test the result with `== ()` and return skip(..)"
    );
}

#[test]
fn comparing_a_string_with_a_number_is_an_error_not_false() {
    let (reason, _) = error(
        "fn rule(chain, params, peers) {\n    if chain.stage >= 1 { pass(\"ok\") } else { fail(\"no\") }\n}",
    );
    assert_eq!(
        reason,
        "`>=` compares a string with an int: convert one side first (e.g. parse_int(..), to_string(..))"
    );
}

#[test]
fn undefined_param_names_it() {
    let (reason, at) = error(
        "fn rule(chain, params, peers) {\n    if chain.tvl_usd > params.min_tvl { pass(\"a\") } else { fail(\"b\") }\n}",
    );
    assert_eq!(
        reason,
        "param `min_tvl` is not defined for rule `r`: add `min_tvl = …` under [rules.r.params] in screen.toml"
    );
    assert_eq!(at, "r.rhai:6:31");
    let v = verdict_with(
        "fn rule(chain, params, peers) { if chain.tvl_usd > params.min_tvl { pass(\"a\") } else { fail(\"b\") } }",
        "[rules.r.params]\nmin_tvl_usd = 1\n",
        Limits::default(),
    );
    assert_eq!(
        v.reason,
        "param `min_tvl` is not defined for rule `r` (did you mean `min_tvl_usd`?): add `min_tvl = …` under [rules.r.params] in screen.toml"
    );
}

#[test]
fn a_param_of_another_rule_is_not_this_ones() {
    // Every parameter name the pack declares has a getter; a rule still reads only its own.
    let p = pack_with_limits(
        &[
            (
                "r",
                "fn rule(chain, params, peers) { pass(`${params.min_tvl}`) }",
            ),
            (
                "s",
                "fn rule(chain, params, peers) { pass(`${params.min_tvl} ${params[\"min_tvl\"]}`) }",
            ),
        ],
        "[rules.s.params]\nmin_tvl = 5\n",
        Limits::default(),
    );
    let r = evaluate_rule(&p, &base(), "r", Some("base")).unwrap();
    assert_eq!(
        (r.status, r.reason.as_str()),
        (
            Status::Error,
            "param `min_tvl` is not defined for rule `r`: add `min_tvl = …` under [rules.r.params] in screen.toml"
        )
    );
    let s = evaluate_rule(&p, &base(), "s", Some("base")).unwrap();
    assert_eq!((s.status, s.reason.as_str()), (Status::Pass, "5 5"));
}

#[test]
fn a_throw_is_an_error_with_its_message() {
    let (reason, at) = error("fn rule(chain, params, peers) {\n    throw \"no idea\";\n}");
    assert_eq!(
        (reason.as_str(), at.as_str()),
        ("the rule threw an error: no idea", "r.rhai:6:5")
    );
    for body in ["throw;", "throw \"  \";"] {
        let (reason, _) = error(&format!("fn rule(chain, params, peers) {{\n    {body}\n}}"));
        assert_eq!(
            reason,
            "the rule threw an error without a message (`throw;` or an empty text): throw a text that says what went wrong"
        );
    }
}

#[test]
fn arrays_and_maps_print_as_rhai_writes_them() {
    let v = verdict(
        "fn rule(chain, params, peers) { let a = [1, \"a\", [true, ()], #{x: 2.5}, chain]; pass(`${a} ${a.to_debug()} ${#{k: [2]}}`) }",
    );
    assert_eq!(
        v.reason,
        "[1, \"a\", [true, ()], #{\"x\": 2.5}, chain(base)] [1, \"a\", [true, ()], #{\"x\": 2.5}, chain(base)] #{\"k\": [2]}"
    );
}

/// One long string shared by every item of a long array: rhai's own text of the array would
/// be its items' text in full (here 9000 × 8 KiB, and unbounded in general) made in one call.
#[test]
fn the_text_of_a_huge_array_stops_at_the_string_limit() {
    let setup = "let s = \"x\"; for i in 0..13 { s = `${s}${s}`; } let a = []; for i in 0..9000 { a.push(s); }";
    for write in [
        "`${a}`",
        "a.to_string()",
        "a.to_debug()",
        "`${#{a: a}}`",
        "`${[[a]]}`",
    ] {
        let v = verdict(&format!(
            "fn rule(chain, params, peers) {{ {setup} let t = {write}; pass(`${{t.len()}} ${{t.sub_string(t.len() - 4)}}`) }}"
        ));
        assert_eq!(v.status, Status::Pass, "{write}: {v:?}");
        // 9,997 bytes and `…` (3 bytes): 9,998 characters.
        assert_eq!(v.reason, "9998 xxx…", "{write}");
    }
    let v = verdict(&format!(
        "fn rule(chain, params, peers) {{ {setup} print(a); debug(a); pass(\"printed\") }}"
    ));
    assert_eq!(v.status, Status::Pass, "{v:?}");
    let (reason, _) = error(&format!(
        "fn rule(chain, params, peers) {{ {setup} throw a; }}"
    ));
    assert!(
        reason.starts_with("the rule threw an error: [\"xxx"),
        "{reason}"
    );
    assert!(reason.len() < 1100, "{}", reason.len());
}

/// A string joined with anything else is within the string limit, however the other value is
/// written: an array's text, a map's JSON, a list or a join of many long strings.
#[test]
fn strings_grown_from_arrays_maps_lists_and_joins_stay_within_the_string_limit() {
    let setup = "let s = \"x\"; s.pad(9000, \"y\"); let a = []; for i in 0..2000 { a.push(s); }";
    for grow in [
        "let t = \"pre \" + a;",
        "let t = a + \" post\";",
        "let t = \"\"; for i in 0..30 { t += [s, s]; }",
        "let t = \"\"; for i in 0..30 { t.append(#{a: s}); }",
        "let t = join(a, \",\");",
        "let t = join([1, 2, 3], s + s);",
        "let t = list(a);",
        "let t = #{a: a}.to_json();",
        "let t = \"\"; for i in 0..30 { t += blob(9000, 65); }",
    ] {
        let (reason, _) = error(&format!(
            "fn rule(chain, params, peers) {{ {setup} {grow} pass(`${{t.len()}}`) }}"
        ));
        assert_eq!(
            reason, "the rule exceeded a size limit: a string of more than 10000 bytes",
            "{grow}"
        );
    }
    // Within the limit, as before.
    let v = verdict(
        "fn rule(chain, params, peers) { pass(\"n = \" + 3 + \", \" + [1, 2] + \" \" + join([\"a\", \"b\"], \"-\") + \" \" + list([\"x\", \"y\", \"z\"]) + \" \" + #{k: 1}.to_json()) }",
    );
    assert_eq!(v.reason, "n = 3, [1, 2] a-b x, y and z {\"k\":1}");
}

/// An error of the rule API caught by the rule reads as its message.
#[test]
fn a_caught_api_error_reads_as_its_message() {
    let v = verdict(
        "fn rule(chain, params, peers) { try { chain.tvl_usdd } catch (e) { return pass(`${type_of(e)}: ${e}`) } fail(\"no\") }",
    );
    assert_eq!(
        v.reason,
        "Error: unknown field `tvl_usdd`: did you mean `tvl_usd`?"
    );
}

#[test]
fn errors_inside_helper_functions_point_into_them() {
    let (reason, at) = error(
        "fn size(c) {\n    c.tvl_usdx\n}\nfn rule(chain, params, peers) { if size(chain) > 1 { pass(\"a\") } else { fail(\"b\") } }",
    );
    assert_eq!(reason, "unknown field `tvl_usdx`: did you mean `tvl_usd`?");
    assert_eq!(at, "r.rhai:6:7");
}

#[test]
fn evidence_is_recorded_automatically_in_first_read_order() {
    let v = verdict_with(
        "fn rule(chain, params, peers) {\n    let m = peers.median(\"tvl_usd\");\n    if chain.has(\"token\") { return skip(\"token\"); }\n    if chain.tvl_usd > m && chain.stack == \"op_stack\" && chain.tvl_usd > params.floor {\n        pass(`${chain.name} above the median of ${usd(m)}`)\n    } else { fail(\"below\") }\n}",
        "[rules.r.params]\nfloor = 1000\nunused = 5\n",
        Limits::default(),
    );
    assert_eq!(v.reason, "base above the median of $3.1B");
    let evidence: Vec<(String, Value)> =
        v.evidence.into_iter().map(|e| (e.field, e.value)).collect();
    assert_eq!(
        evidence,
        [
            ("peers.median(\"tvl_usd\")".to_string(), Value::Num(3.15e9)),
            ("token".to_string(), Value::Missing),
            ("tvl_usd".to_string(), Value::Num(4.2e9)),
            ("stack".to_string(), t("op_stack")),
            ("name".to_string(), t("base")),
        ]
    );
    assert_eq!(
        serde_json::to_string(&v.params).unwrap(),
        "{\"floor\":1000}"
    );
}

#[test]
fn print_goes_to_the_verdict_not_stdout() {
    let v = verdict(
        "fn rule(chain, params, peers) {\n    print(`looking at ${chain}`);\n    debug(\"here\");\n    pass(\"ok\")\n}",
    );
    assert_eq!(v.output, ["looking at base", "line 7: \"here\""]);
}

const MIXED: &[(&str, &str)] = &[
    (
        "a_size",
        "fn rule(chain, params, peers) { if chain.tvl_usd > 3e9 { pass(`${usd(chain.tvl_usd)}`) } else { fail(`${usd(chain.tvl_usd)}`) } }",
    ),
    ("b_broken", "fn rule(chain, params, peers) { loop { } }"),
    (
        "c_stage",
        "fn rule(chain, params, peers) { if chain.stage == \"1\" { pass(\"stage 1\") } else { skip(\"other\") } }",
    ),
];

#[test]
fn an_erroring_rule_leaves_every_other_verdict_unchanged() {
    let with = screen(&pack(MIXED, ""), &base(), &ScreenOptions::default()).unwrap();
    let without = screen(
        &pack(&[MIXED[0], MIXED[2]], ""),
        &base(),
        &ScreenOptions::default(),
    )
    .unwrap();
    for slug in ["base", "arbitrum"] {
        let w = &with.chain(slug).unwrap().verdicts;
        let wo = &without.chain(slug).unwrap().verdicts;
        assert_eq!(w.len(), 3);
        assert_eq!(w[1].status, Status::Error);
        assert_eq!((&w[0], &w[2]), (&wo[0], &wo[1]));
    }
    assert_eq!(with.errors(), 2);
}

#[test]
fn scores_gates_and_order() {
    let p = pack(MIXED, "[rules.a_size]\nweight = 3.0\ngate = true\n");
    let r = screen(&p, &base(), &ScreenOptions::default()).unwrap();
    type Row<'a> = (&'a str, Status, Option<f64>, Vec<String>, usize);
    let summary: Vec<Row> = r
        .chains
        .iter()
        .map(|c| {
            (
                c.slug.as_str(),
                c.overall,
                c.score,
                c.gates_failed.clone(),
                c.errors,
            )
        })
        .collect();
    // base: PASS(3) ERROR(1) PASS(1) → 4/5; arbitrum: FAIL(3) ERROR(1) PASS(1) → 1/5, gate failed.
    assert_eq!(
        summary,
        [
            ("base", Status::Pass, Some(0.8), vec![], 1),
            (
                "arbitrum",
                Status::Fail,
                Some(0.2),
                vec!["a_size".to_string()],
                1
            )
        ]
    );
    assert_eq!(r.stamps.rule_pack_hash, p.hash());
    assert_eq!(r.stamps.as_of, "2026-04-19");
}

/// In a run of screens (a backtest's dates) a rule's budget is one budget for the run, plus
/// the allowance of each chain judged at an earlier date: a rule stopped on every chain by the
/// operations limit, which never runs out within one date, runs out within a few, and is
/// refused at every date after. Timed by hand here, so nothing depends on the machine.
#[test]
fn a_rule_spends_one_budget_over_the_dates_of_a_run() {
    use crate::evaluate::{Budget, SpentRules};
    use crate::rules::DeadlineKind;
    let p = pack(
        &[("r", "fn rule(chain, params, peers) { pass(\"x\") }")],
        "rule_time_budget_ms = 100\n[rules.r]\n",
    );
    let ms = Duration::from_millis;
    let run = SpentRules::default();
    let left = |b: &Budget| match b.allowance(b.of(p.compiled("r").unwrap()), ms(1_000)) {
        Ok((time, _)) => Ok(time),
        Err(kind) => Err(kind),
    };
    // The first date: the screen's budget; 60 ms spent on 10 chains.
    let first = Budget::after(&p, 10, &run);
    assert_eq!(left(&first), Ok(ms(100)));
    first.charge(first.of(p.compiled("r").unwrap()), ms(60));
    first.pass_on(&run, 10);
    // The second: 100 ms + 0.1 ms for each of the 10 chains judged before, less the 60 spent.
    let second = Budget::after(&p, 10, &run);
    assert_eq!(left(&second), Ok(ms(41)));
    second.charge(second.of(p.compiled("r").unwrap()), ms(60));
    second.pass_on(&run, 10);
    // The third: 102 ms for the run, 120 spent: refused without running.
    let third = Budget::after(&p, 10, &run);
    assert_eq!(left(&third), Err(DeadlineKind::RuleBudget));
    third.pass_on(&run, 1_000);
    // Out of its budget, it stays out, whatever the allowance of the chains judged since adds
    // (here 100 ms more than it has spent).
    let fourth = Budget::after(&p, 10, &run);
    assert_eq!(left(&fourth), Err(DeadlineKind::RuleBudget));
    // A screen outside any run starts afresh.
    assert_eq!(left(&Budget::new(&p, 10)), Ok(ms(100)));
}

/// A backtest hands the rules that ran out of their time budget from one date's screen to the
/// next: there, a runaway rule is refused at once on every chain, where a fresh budget would
/// let its first evaluation run (and stop at its own time limit) again.
#[test]
fn a_rule_out_of_its_budget_in_one_screen_is_refused_in_the_next_of_the_run() {
    let limits = Limits {
        time_limit: Duration::from_millis(200),
        ..Limits::default()
    };
    let p = pack_with_limits(
        &[
            // Each operation formats a thousand numbers: stopped by time, not operations.
            (
                "spin",
                "fn rule(chain, params, peers) { let a = []; a.pad(1000, 1.5); while a.to_string() != \"\" { } }",
            ),
            ("ok", "fn rule(chain, params, peers) { pass(\"fine\") }"),
        ],
        "rule_time_budget_ms = 300\n[rules.spin]\n[rules.ok]\n",
        limits,
    );
    let spent = std::sync::Arc::new(crate::evaluate::SpentRules::default());
    let opts = ScreenOptions {
        threads: Some(1),
        spent_before: Some(spent.clone()),
        ..Default::default()
    };
    let reasons = |opts: &ScreenOptions| -> Vec<(String, String)> {
        let r = screen(&p, &base(), opts).unwrap();
        r.chains
            .iter()
            .flat_map(|c| &c.verdicts)
            .map(|v| (v.rule.clone(), v.reason.clone()))
            .collect()
    };
    let budget = "rule exceeded its time budget for this screen";
    // The first evaluation stops at its 200 ms limit, the second at the budget's 300 ms.
    let first = reasons(&opts);
    assert!(
        first
            .iter()
            .any(|(rule, reason)| rule == "spin" && !reason.starts_with(budget)),
        "{first:?}"
    );
    let again = reasons(&opts);
    for (rule, reason) in &again {
        match rule.as_str() {
            "spin" => assert!(reason.starts_with(budget), "{reason}"),
            _ => assert_eq!(reason, "fine"),
        }
    }
}

#[test]
fn options_select_chains_and_rules_and_reject_unknown_ones() {
    let p = pack(MIXED, "");
    let opts = ScreenOptions {
        chains: Some(vec!["base".into()]),
        rules: Some(vec!["c_stage".into()]),
        ..Default::default()
    };
    let r = screen(&p, &base(), &opts).unwrap();
    assert_eq!(
        (r.chains.len(), r.chains[0].verdicts.len(), r.rules.len()),
        (1, 1, 1)
    );
    let opts = ScreenOptions {
        chains: Some(vec!["bse".into()]),
        ..Default::default()
    };
    assert_eq!(
        screen(&p, &base(), &opts).unwrap_err().to_string(),
        "no chain `bse` in the universe at 2026-04-19: did you mean `base`?"
    );
    let opts = ScreenOptions {
        rules: Some(vec!["c_stag".into()]),
        ..Default::default()
    };
    assert_eq!(
        screen(&p, &base(), &opts).unwrap_err().to_string(),
        "no rule `c_stag` in the rule pack: did you mean `c_stage`?"
    );
}

#[test]
fn sector_rules_get_their_own_result() {
    let p = pack(
        &[(
            "chain_rule",
            "fn rule(chain, params, peers) { pass(\"x\") }",
        )],
        "",
    );
    assert!(
        screen(&p, &base(), &ScreenOptions::default())
            .unwrap()
            .sector
            .is_none()
    );
    let files = vec![SourceFile::new(
        "rules/s.rhai",
        "//! id: s\n//! title: S\n//! category: sector\n//! why: W\n//! scope: sector\nfn sector(peers, params) { fail(`${peers.len()} chains`) }\n",
    )];
    let p = crate::rules::load_sources(
        SourceFile::new(
            "rules/screen.toml",
            "name = \"s\"\npass_mark = 0.5\n[rules.s]\ngate = true\n",
        ),
        files,
        Limits::default(),
    )
    .unwrap();
    let r = screen(&p, &base(), &ScreenOptions::default()).unwrap();
    let s = r.sector.unwrap();
    assert_eq!(
        (
            s.overall,
            s.verdicts[0].reason.as_str(),
            s.gates_failed.len()
        ),
        (Status::Fail, "2 chains", 1)
    );
    // A screen of sector rules alone judges the sector, not each chain.
    assert!(r.chains.is_empty());
    assert_eq!(
        evaluate_rule(&p, &base(), "s", None).unwrap().reason,
        "2 chains"
    );
    assert_eq!(
        evaluate_rule(&p, &base(), "s", Some("base"))
            .unwrap_err()
            .to_string(),
        "rule `s` is a sector rule: it judges the whole universe, not one chain"
    );
}

#[test]
fn status_serializes_uppercase() {
    assert_eq!(
        serde_json::to_string(&[Status::Pass, Status::Fail, Status::Skip, Status::Error]).unwrap(),
        "[\"PASS\",\"FAIL\",\"SKIP\",\"ERROR\"]"
    );
}

/// A closure that captured a variable, handed to a call that changes that variable, is said in
/// the rule's terms rather than as rhai's "data race".
#[test]
fn a_value_holding_itself_is_said_as_such() {
    let (reason, location) = error(
        "fn rule(chain, params, peers) {\n    let a = [1];\n    let f = || a;\n    a.push(f);\n    pass(\"x\")\n}",
    );
    assert_eq!(
        reason,
        "argument #1 of function 'push' is a value shared with the variable the call changes (a closure that captured it): a value cannot be changed while it is read, nor hold itself; give the closure a copy (`let copy = a; let f = || copy;`)"
    );
    assert!(location.ends_with(":8:6"), "{location}");
}

/// `has` on a map (a table parameter, a helper's result) is no function of the rule API: the
/// error says how a map's keys are tested.
#[test]
fn has_on_a_map_points_at_in() {
    let (why, _) = error(
        "fn rule(chain, params, peers) { let m = #{a: 1}; if m.has(\"a\") { pass(\"x\") } else { skip(\"y\") } }",
    );
    assert!(
        why.starts_with("no function `has` takes (map, a string)")
            && why.ends_with("; a map's keys are tested with `\"key\" in map`"),
        "{why}"
    );
    let (why, _) = error(
        "fn rule(chain, params, peers) { let a = [1]; if a.has(1) { pass(\"x\") } else { skip(\"y\") } }",
    );
    assert!(!why.contains("in map"), "{why}");
}
