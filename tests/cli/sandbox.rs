//! The rule sandbox against hostile and careless rules, through the binary: each test adds a
//! category of rules to the shipped pack and checks that the screen exits 1, that those rules'
//! verdicts are ERROR at the offending line with the expected words, that every other verdict
//! is byte-identical to the screen without them, and that nothing panics or prints a
//! backtrace (with `RUST_BACKTRACE=1`). Time and memory are measured outside the tests (see
//! the README); no test asserts a duration.

use super::*;

/// One hostile rule: its id, its body (line 6 of the file is the body's first line, after the
/// 4-line header and a blank line), the line its ERRORs must point at, and words its reason
/// must contain.
struct Hostile {
    id: &'static str,
    body: &'static str,
    line: usize,
    says: &'static str,
}

/// A screen of the shipped rules plus `extra` on `data` (`mini`, the fixture copied into the
/// temp dir, or the shipped dataset), with `settings` put at the top of screen.toml.
fn screen_with(extra: &[(&str, &str)], data: &str, settings: &str) -> (serde_json::Value, Output) {
    let dir = screen_dir(extra);
    let path = dir.path().join("rules/screen.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{settings}\n{text}")).unwrap();
    let data = if data == "mini" {
        "mini".to_string()
    } else {
        repo().join(data).display().to_string()
    };
    let out = moat_env(
        dir.path(),
        &[
            "screen", "--data", &data, "--rules", "rules", "--format", "json",
        ],
        &[("RUST_BACKTRACE", "1".as_ref())],
    );
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: exit {:?}: {}", out.status, stderr(&out)));
    (json, out)
}

/// Generous enough that a loaded test machine never stops the well-behaved rules, nor a
/// runaway rule by its budget before its evaluations reach their operations limit (where a
/// budget stops an evaluation depends on the machine's speed; the operations limit does not).
const SETTINGS: &str = "rule_time_budget_ms = 600000\nscreen_time_budget_ms = 600000";

/// Add `rules` to the shipped pack on `data` and check everything the sandbox promises.
fn contained(rules: &[Hostile], data: &str, settings: &str) -> serde_json::Value {
    let (before, out) = screen_with(&[], data, settings);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let extra: Vec<(&str, &str)> = rules.iter().map(|h| (h.id, h.body)).collect();
    let (after, out) = screen_with(&extra, data, settings);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "a rule ERROR exits 1: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "no panic: {err}"
    );
    assert_eq!(after["sector"], before["sector"], "the sector changed");
    for chain in before["chains"].as_array().unwrap() {
        let slug = chain["slug"].as_str().unwrap();
        for v in chain["verdicts"].as_array().unwrap() {
            let rule = v["rule"].as_str().unwrap();
            assert_eq!(verdict(&after, slug, rule), v, "{slug}/{rule} changed");
        }
        for h in rules {
            let v = verdict(&after, slug, h.id);
            assert_eq!(v["status"], "ERROR", "{slug}/{}: {v}", h.id);
            let reason = v["reason"].as_str().unwrap();
            // An evaluation stopped by its time limit (on a loaded machine, before it reached
            // the operations limit) is placed wherever its loop was at that moment.
            let at = if reason.contains("longer than its time limit") {
                format!("{}.rhai:", h.id)
            } else {
                format!("{}.rhai:{}:", h.id, h.line)
            };
            let location = v["location"].as_str().unwrap_or_default();
            assert!(
                location.starts_with(&at),
                "{slug}/{}: {location} is not at {at}: {v}",
                h.id
            );
            assert!(
                // On a loaded machine the evaluation's own time limit (1 s) can come first.
                reason.contains(h.says)
                    || reason.contains("time budget")
                    || reason.contains("longer than its time limit"),
                "{slug}/{}: {reason:?} lacks {:?}",
                h.id,
                h.says
            );
        }
    }
    after
}

#[test]
fn endless_loops_and_runaway_recursion_stop_at_their_line() {
    contained(
        &[
            Hostile {
                id: "x_loop",
                body: "fn rule(chain, params, peers) {\n    let n = 0;\n    loop { n += 1; }\n}\n",
                line: 8,
                says: "operations",
            },
            Hostile {
                id: "x_while",
                body: "fn rule(chain, params, peers) {\n    while true { let x = chain.name; }\n}\n",
                line: 7,
                says: "operations",
            },
            Hostile {
                id: "x_range",
                body: "fn rule(chain, params, peers) {\n    let s = 0;\n    for i in 0..9223372036854775807 { s += 1; }\n    pass(\"never\")\n}\n",
                line: 8,
                says: "operations",
            },
            Hostile {
                id: "x_mutual",
                body: "fn ping(n) { pong(n + 1) }\nfn pong(n) { ping(n + 1) }\nfn rule(chain, params, peers) {\n    ping(0)\n}\n",
                line: 7,
                says: "nested function calls",
            },
            Hostile {
                id: "x_closure",
                body: "fn rule(chain, params, peers) {\n    let f = |n| n;\n    let total = 0;\n    loop {\n        total += f.call(1);\n    }\n}\n",
                line: 10,
                says: "operations",
            },
            Hostile {
                // The `moat rules new` skeleton quotes the signature in a comment: errors are
                // still at the code, not in the comment.
                id: "x_comment",
                body: "// The entry point: fn rule(chain, params, peers) returns a verdict.\nfn rule(chain, params, peers) {\n    loop { }\n}\n",
                line: 8,
                says: "operations",
            },
        ],
        "mini",
        SETTINGS,
    );
}

#[test]
fn memory_growth_of_every_kind_is_bounded() {
    contained(
        &[
            Hostile {
                id: "m_string",
                body: "fn rule(chain, params, peers) {\n    let s = \"x\";\n    loop { s += s; }\n}\n",
                line: 8,
                says: "a string of more than 10000 bytes",
            },
            Hostile {
                id: "m_interpolated",
                body: "fn rule(chain, params, peers) {\n    let s = \"x\";\n    loop { s = `${s}${s}`; }\n}\n",
                line: 8,
                says: "MiB of memory",
            },
            Hostile {
                id: "m_array",
                body: "fn rule(chain, params, peers) {\n    let a = [1];\n    loop { a += a; }\n}\n",
                line: 8,
                says: "an array of more than 10000 items",
            },
            Hostile {
                id: "m_push",
                body: "fn rule(chain, params, peers) {\n    let a = [];\n    loop { a.push(chain.name); }\n}\n",
                line: 8,
                says: "an array of more than 10000 items",
            },
            Hostile {
                id: "m_map",
                body: "fn rule(chain, params, peers) {\n    let m = #{};\n    let i = 0;\n    loop { let one = #{}; one[`k${i}`] = i; m += one; i += 1; }\n}\n",
                line: 9,
                says: "a map of more than 1000 entries",
            },
            Hostile {
                // Inserts by index: bounded by memory (long keys) or operations.
                id: "m_index",
                body: "fn rule(chain, params, peers) {\n    let m = #{};\n    let key = \"k\"; key.pad(9000, \"k\");\n    let i = 0;\n    loop { m[`${key}${i}`] = i; i += 1; }\n}\n",
                line: 10,
                says: "",
            },
            Hostile {
                // Closures keeping copies alive: bounded by memory.
                id: "m_closures",
                body: "fn rule(chain, params, peers) {\n    let keep = [];\n    let big = \"b\"; big.pad(9000, \"b\");\n    loop { let copy = big + \"\"; keep.push(|| copy); }\n}\n",
                line: 9,
                says: "",
            },
            Hostile {
                id: "m_pad",
                body: "fn rule(chain, params, peers) {\n    let a = [];\n    a.pad(1000000000, \"x\");\n    pass(\"padded\")\n}\n",
                line: 8,
                says: "an array of more than 10000 items",
            },
            Hostile {
                id: "m_replace",
                body: "fn rule(chain, params, peers) {\n    let s = \"a\"; s.pad(5000, \"a\"); let t = s;\n    s.replace(\"a\", t);\n    pass(\"replaced\")\n}\n",
                line: 8,
                says: "a string of more than 10000 bytes",
            },
            Hostile {
                id: "m_curry",
                body: "fn f(a, b) { a }\nfn rule(chain, params, peers) {\n    let g = Fn(\"f\");\n    loop { g = g.curry([1, 2, 3]); }\n}\n",
                line: 9,
                says: "`curry` is not allowed",
            },
            Hostile {
                id: "m_nested",
                body: "fn rule(chain, params, peers) {\n    let a = [];\n    loop { a = [a, a.len()]; }\n}\n",
                line: 8,
                says: "",
            },
        ],
        "mini",
        SETTINGS,
    );
}

#[test]
fn output_floods_are_cut_with_a_marker() {
    let after = contained(
        &[
            Hostile {
                id: "o_print",
                body: "fn rule(chain, params, peers) {\n    let s = \"p\"; s.pad(9000, \"p\");\n    loop { print(s); debug(s); }\n}\n",
                line: 8,
                says: "operations",
            },
            Hostile {
                id: "o_labels",
                body: "fn rule(chain, params, peers) {\n    let s = \"l\"; s.pad(9000, \"l\");\n    let i = 0;\n    loop { peers.count(\"name\", \"!=\", `${s}${i}`); i += 1; }\n}\n",
                line: 9,
                says: "",
            },
        ],
        "mini",
        SETTINGS,
    );
    for chain in after["chains"].as_array().unwrap() {
        for v in chain["verdicts"].as_array().unwrap() {
            let output = v["output"].as_array().unwrap();
            let bytes: usize = output.iter().map(|l| l.as_str().unwrap().len()).sum();
            assert!(output.len() <= 21 && bytes <= 2_200, "{v}");
            let evidence = v["evidence"].as_array().unwrap();
            assert!(evidence.len() <= 25, "{} evidence entries", evidence.len());
            for e in evidence {
                assert!(e["field"].as_str().unwrap().len() <= 80, "{e}");
            }
        }
    }
    // The evaluations that ran (the others were refused by the time budget) end their output
    // with the marker.
    let printed: Vec<&serde_json::Value> = after["chains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| verdict(&after, c["slug"].as_str().unwrap(), "o_print"))
        .filter(|v| !v["output"].as_array().unwrap().is_empty())
        .collect();
    assert!(!printed.is_empty());
    for v in printed {
        let last = v["output"].as_array().unwrap().last().unwrap();
        assert!(
            last.as_str().unwrap().contains("more line(s) not kept"),
            "{v}"
        );
    }
    // A reason and a hint are cut, not refused: the rule is not an ERROR.
    let (json, out) = screen_with(
        &[(
            "o_reason",
            "fn rule(chain, params, peers) {\n    let s = \"r\"; s.pad(9000, \"r\");\n    fail(s, s)\n}\n",
        )],
        "mini",
        SETTINGS,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = verdict(&json, "base", "o_reason");
    assert_eq!(v["status"], "FAIL");
    assert_eq!(v["reason"].as_str().unwrap().len(), 1_000);
    assert!(v["reason"].as_str().unwrap().ends_with('…'));
    assert_eq!(v["hint"].as_str().unwrap().len(), 500);
}

#[test]
fn inputs_that_used_to_panic_give_verdicts() {
    // NaN among floats sorts last (rhai's sort panicked on it).
    let rule = "fn rule(chain, params, peers) {\n    let a = [2.0, 0.0 / 0.0, 1.0, 0.0 / 0.0, 0.5, 3.0, 2.5, 0.25, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.5, 1.5, 0.75, 0.0 / 0.0, 11.0, 12.0, 13.0];\n    a.sort();\n    let b = a.order_desc();\n    pass(`${a[0]} ${a[20]} ${b[0]}`)\n}\n";
    let (json, out) = screen_with(&[("p_nan", rule)], "mini", SETTINGS);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let v = verdict(&json, "base", "p_nan");
    assert_eq!(
        (&v["status"], &v["reason"]),
        (&"PASS".into(), &"0.25 NaN NaN".into()),
        "{v}"
    );
}

#[test]
fn type_confusion_is_an_error_at_its_line() {
    contained(
        &[
            Hostile {
                id: "t_add",
                body: "fn rule(chain, params, peers) {\n    let x = chain.name;\n    let y = x - 1;\n    pass(\"x\")\n}\n",
                line: 8,
                says: "no function `-`",
            },
            Hostile {
                id: "t_compare",
                body: "fn rule(chain, params, peers) {\n    if chain.name > 3 { pass(\"x\") } else { fail(\"y\") }\n}\n",
                line: 7,
                says: "compares a string with an int",
            },
            Hostile {
                id: "t_peers",
                body: "fn rule(chain, params, peers) {\n    let p = peers + 1;\n    pass(\"x\")\n}\n",
                line: 7,
                says: "no function `+`",
            },
            Hostile {
                id: "t_return",
                body: "fn rule(chain, params, peers) {\n    let x = 1;\n    [x, x]\n}\n",
                line: 8,
                says: "got array",
            },
            Hostile {
                id: "t_status",
                body: "fn rule(chain, params, peers) {\n    #{status: \"MAYBE\", reason: \"unsure\"}\n}\n",
                line: 7,
                says: "status \"MAYBE\"",
            },
            Hostile {
                id: "t_sort",
                body: "fn rule(chain, params, peers) {\n    let a = [1, \"two\", 3.0];\n    a.sort();\n    pass(\"x\")\n}\n",
                line: 8,
                says: "different types",
            },
            Hostile {
                // A comparer that says no order (rhai's sort took it as an order by type and
                // went on); one that is not a consistent order gives some order, no panic.
                id: "t_comparer",
                body: "fn rule(chain, params, peers) {\n    let c = [];\n    for i in 0..40 { c.push(i % 7); }\n    c.sort(|x, y| if (x * 7 + y * 13) % 3 == 0 { -1 } else { 1 });\n    c.sort(|x, y| if x > 3 { \"later\" } else { 1 });\n    pass(\"sorted\")\n}\n",
                line: 10,
                says: "the comparer returned the string \"later\"",
            },
            Hostile {
                // The type is named as rules know it, not as moat's code does.
                id: "t_predicate",
                body: "fn rule(chain, params, peers) {\n    let n = peers.count(|c| c);\n    pass(`${n}`)\n}\n",
                line: 7,
                says: "it returned a Chain",
            },
            Hostile {
                id: "t_sleep",
                body: "fn rule(chain, params, peers) {\n    sleep(10);\n    pass(\"rested\")\n}\n",
                line: 7,
                says: "`sleep` is not allowed",
            },
            Hostile {
                // A verdict that depends on the clock would differ from one run to the next.
                id: "t_clock",
                body: "fn rule(chain, params, peers) {\n    let t = timestamp();\n    pass(`took ${t.elapsed}`)\n}\n",
                line: 7,
                says: "`timestamp` is not allowed",
            },
        ],
        "mini",
        SETTINGS,
    );
}

#[test]
fn no_state_leaks_from_one_evaluation_to_the_next() {
    // Top-level code never runs, so nothing it defines is there for the entry function; and
    // each evaluation starts from fresh values, whichever thread runs it.
    contained(
        &[
            Hostile {
                id: "s_global",
                body: "const SEEN = [];\nfn rule(chain, params, peers) {\n    global::SEEN.push(chain.name);\n    pass(`${global::SEEN.len()}`)\n}\n",
                line: 8,
                says: "",
            },
            Hostile {
                id: "s_this",
                body: "fn rule(chain, params, peers) {\n    this.count += 1;\n    pass(`${this.count}`)\n}\n",
                line: 7,
                says: "",
            },
        ],
        "mini",
        SETTINGS,
    );
    // A rule that counts what it can see gives the same count on every chain.
    let counter = "fn rule(chain, params, peers) {\n    let seen = [];\n    seen.push(chain.name);\n    pass(`${seen.len()}`)\n}\n";
    for threads in ["1", "2"] {
        let dir = screen_dir(&[("s_count", counter)]);
        let (json, out) = screen_json(dir.path(), &["--threads", threads]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        for chain in json["chains"].as_array().unwrap() {
            let v = verdict(&json, chain["slug"].as_str().unwrap(), "s_count");
            assert_eq!(v["reason"], "1", "{v}");
        }
    }
}

#[test]
fn errors_are_located_at_the_innermost_statement() {
    contained(
        &[
            Hostile {
                // In a helper function: at the helper's line, not the call in `fn rule`.
                id: "l_helper",
                body: "fn spin(n) {\n    while n >= 0 { n += 1; }\n}\nfn rule(chain, params, peers) {\n    spin(0)\n}\n",
                line: 7,
                says: "operations",
            },
            Hostile {
                // In a closure handed to a peers helper.
                id: "l_closure",
                body: "fn rule(chain, params, peers) {\n    let n = peers.count(|c| {\n        let t = 0;\n        loop { t += 1; }\n    });\n    pass(`${n}`)\n}\n",
                line: 9,
                says: "operations",
            },
            Hostile {
                // A bad value built on one line and used on another: at the use.
                id: "l_use",
                body: "fn rule(chain, params, peers) {\n    let a = [];\n    for i in 0..5 { a.push(i); }\n    let b = a[7];\n    pass(\"x\")\n}\n",
                line: 9,
                says: "out of bounds",
            },
        ],
        "mini",
        SETTINGS,
    );
}

/// A closure's name (rhai makes it up from a hash of its body) is the same in every process,
/// so a rule that prints or compares it cannot give a different verdict on each run.
#[test]
fn a_closure_is_named_the_same_in_every_run() {
    let rule = "fn rule(chain, params, peers) {\n    let f = |x| x + 1;\n    pass(`${f}`)\n}\n";
    let reason = || {
        let (json, out) = screen_with(&[("n_named", rule)], "mini", SETTINGS);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v = verdict(&json, "base", "n_named");
        assert_eq!(v["status"], "PASS", "{v}");
        v["reason"].as_str().unwrap().to_string()
    };
    let first = reason();
    assert!(first.starts_with("Fn(anon$"), "{first}");
    for _ in 0..3 {
        assert_eq!(reason(), first);
    }
}

#[test]
fn peers_helpers_nest_inside_closures() {
    let rule = "fn rule(chain, params, peers) {\n    let n = peers.count(|c| c.tvl_usd != () && c.tvl_usd > peers.median(\"tvl_usd\"));\n    let m = peers.chains.filter(|c| peers.filter(|d| d.name == c.name).len() == 1).len();\n    pass(`${n} of ${m}`)\n}\n";
    let (json, out) = screen_with(&[("n_nested", rule)], "mini", SETTINGS);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = verdict(&json, "base", "n_nested");
    assert_eq!(v["status"], "PASS", "{v}");
    let total = json["chains"].as_array().unwrap().len();
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .ends_with(&format!(" of {total}")),
        "{v}"
    );
}

#[test]
fn a_runaway_rule_spends_its_time_budget_then_errs_without_running() {
    // 130 chains of the shipped data and a rule whose every evaluation runs into its time
    // limit (1 s: each operation sorts ten thousand texts, so a release build, as a debug
    // one, is stopped by time long before it reaches the operations limit). With a
    // 3 s budget the rule spends it in a few evaluations, whatever the build or the machine's
    // speed; the rest of its verdicts are ERROR without running, at the line where the
    // earlier ones stopped. The budget is three times the default, which every other screen
    // of the shipped pack in these tests runs under, so a loaded machine does not stop a
    // shipped rule by it.
    let after = contained(
        &[Hostile {
            id: "b_spin",
            // On one line: an evaluation the budget stops while it builds the texts is
            // placed where the others stop too.
            body: "fn rule(chain, params, peers) {\n    let a = []; for i in 0..10000 { a.push(`${(i * 7919) % 10000}`); } while a.order().len() > 0 { }\n}\n",
            line: 7,
            says: "time limit",
        }],
        "datasets/l2",
        "rule_time_budget_ms = 3000\nscreen_time_budget_ms = 600000",
    );
    let reasons: Vec<&str> = after["chains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            verdict(&after, c["slug"].as_str().unwrap(), "b_spin")["reason"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        reasons.iter().any(|r| r.starts_with(
            "rule exceeded its time budget for this screen (3000 ms, `rule_time_budget_ms` in screen.toml)"
        )),
        "{reasons:?}"
    );
}

#[test]
fn a_legitimate_rule_pushing_ten_thousand_numbers_passes() {
    let rule = "fn rule(chain, params, peers) {\n    let a = [];\n    for i in 0..10000 { a.push(i * 1.5); }\n    pass(`${a.len()} numbers, the last ${a[9999]}`)\n}\n";
    // A debug build under a loaded test machine is far slower than a release build: the
    // budget is set out of the way here (the README gives the release timings).
    let settings = "rule_time_budget_ms = 600000\nscreen_time_budget_ms = 600000";
    let (json, out) = screen_with(&[("g_push", rule)], "mini", settings);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for chain in json["chains"].as_array().unwrap() {
        let v = verdict(&json, chain["slug"].as_str().unwrap(), "g_push");
        assert_eq!(v["reason"], "10000 numbers, the last 14998.5", "{v}");
    }
}

/// A caught error's text names the rule's file as results do, by its name in the pack: the
/// same bytes whether the pack is given by a relative or an absolute path.
#[test]
fn a_caught_error_names_the_file_wherever_the_pack_lives() {
    let tmp = screen_dir(&[(
        "c_catch",
        "fn rule(chain, params, peers) {\n    try { let x = 1 / 0; } catch (e) { return pass(`${e}`); }\n    pass(\"none\")\n}\n",
    )]);
    let absolute = tmp.path().join("rules").display().to_string();
    let run = |rules: &str| {
        let out = moat(
            tmp.path(),
            &[
                "screen", "--data", "mini", "--rules", rules, "--only", "c_catch", "--format",
                "json",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        out.stdout
    };
    let relative = run("rules");
    assert_eq!(relative, run(&absolute));
    let json: serde_json::Value = serde_json::from_slice(&relative).unwrap();
    let reason = verdict(&json, "base", "c_catch")["reason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("\"source\": \"c_catch.rhai\""), "{reason}");
}
