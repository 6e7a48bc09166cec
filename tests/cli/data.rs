//! `moat data check` and `moat data show`.

use super::*;

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
        text.contains(
            "chains  6 (1 L1, 4 L2, 1 L3); 5 screened at the vintage, 5 with a TVL series\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  tvl      tvl_weekly.csv             45 rows  2024-11-03 .. 2024-12-29\n"),
        "{text}"
    );
}

#[test]
fn missing_file_is_named() {
    insta::assert_snapshot!(check_fails(|d| fs::remove_file(d.join("speed.csv")).unwrap()), @r#"
    mini/dataset.toml:36:8: error: [files.speed] path "speed.csv": file not found (mini/speed.csv): expected the file holding a chain's block time / preconfirmation latency according to one source
       |
    36 | path = "speed.csv"
       |        ^
    1 problem found; the dataset was not loaded
    "#);
}

/// A file of another kind is placed at the path that names it; an extension in capitals is
/// the same kind (`speed.CSV` is CSV).
#[test]
fn a_file_of_another_kind_is_named_at_its_path() {
    insta::assert_snapshot!(check_fails(|d| {
        fs::rename(d.join("speed.csv"), d.join("speed.txt")).unwrap();
        replace(&d.join("dataset.toml"), "path = \"speed.csv\"", "path = \"speed.txt\"");
    }), @r#"
    mini/dataset.toml:36:8: error: [files.speed] path "speed.txt": unsupported file type: expected a .csv or .parquet file (mini/speed.txt)
       |
    36 | path = "speed.txt"
       |        ^
    1 problem found; the dataset was not loaded
    "#);
    let tmp = broken(|d| {
        fs::rename(d.join("speed.csv"), d.join("speed.CSV")).unwrap();
        replace(
            &d.join("dataset.toml"),
            "path = \"speed.csv\"",
            "path = \"speed.CSV\"",
        );
    });
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn missing_column_is_named_with_the_expected_columns() {
    insta::assert_snapshot!(check_fails(|d| {
            let p = d.join("tvl_weekly.csv");
            let text = fs::read_to_string(&p).unwrap();
            let cut: String = text
                .lines()
                .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
                .collect();
            fs::write(&p, cut).unwrap();
        }), @r#"
    mini/tvl_weekly.csv:1:12: error: missing column "tvl_usd": expected date, chain, tvl_usd (a finite number >= 0)
      |
    1 | date,chain
      |            ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn unknown_column_is_named() {
    insta::assert_snapshot!(check_fails(|d| {
            let p = d.join("sources.csv");
            let text = fs::read_to_string(&p).unwrap();
            let extra: String = text.lines().map(|l| format!("{l},x\n")).collect();
            fs::write(&p, extra.replacen("key,source,x", "key,source,url", 1)).unwrap();
        }), @r#"
    mini/sources.csv:1:12: error: unknown column "url": expected only key, source
      |
    1 | key,source,url
      |            ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn unparsable_date_names_line_column_and_format() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,",
                "2024-11-31,base,",
            )
        }), @r#"
    mini/tvl_weekly.csv:8:1: error: date: "2024-11-31" is not a date: November 2024 has 30 days
      |
    8 | 2024-11-31,base,2488327187
      | ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn unparsable_number_names_line_column_and_expectation() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,2488327187",
                "2024-11-10,base,2.4e9x",
            )
        }), @r#"
    mini/tvl_weekly.csv:8:17: error: tvl_usd: "2.4e9x" is not a number: expected a finite number >= 0
      |
    8 | 2024-11-10,base,2.4e9x
      |                 ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn negative_tvl_is_rejected() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,2488327187",
                "2024-11-10,base,-5",
            )
        }), @r#"
    mini/tvl_weekly.csv:8:17: error: tvl_usd: "-5" is negative: expected a finite number >= 0
      |
    8 | 2024-11-10,base,-5
      |                 ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn non_finite_tvl_is_rejected() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,2488327187",
                "2024-11-10,base,NaN",
            )
        }), @r#"
    mini/tvl_weekly.csv:8:17: error: tvl_usd: "NaN" is not finite: expected a finite number >= 0
      |
    8 | 2024-11-10,base,NaN
      |                 ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn duplicate_date_chain_rows_point_at_both_lines() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,2488327187",
                "2024-11-03,base,2488327187",
            )
        }), @"
    mini/tvl_weekly.csv:8:1: error: duplicate (date, chain) = (2024-11-03, base): first at line 3; expected one row per (date, chain)
      |
    8 | 2024-11-03,base,2488327187
      | ^
    1 problem found; the dataset was not loaded
    ");
}

#[test]
fn tvl_series_naming_an_unknown_chain() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,",
                "2024-11-10,bsae,",
            )
        }), @r#"
    mini/tvl_weekly.csv:8:12: error: chain: "bsae" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv); did you mean `base`?
      |
    8 | 2024-11-10,bsae,2488327187
      |            ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn event_naming_an_unknown_chain() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("events.csv"),
                ",base,no_token_statement,",
                ",basechain,no_token_statement,",
            )
        }), @r#"
    mini/events.csv:11:12: error: chain: "basechain" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv); did you mean `base`?
       |
    11 | 2023-08-09,basechain,no_token_statement,,"At public launch Coinbase said ""we currently do not plan …
       |            ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn link_naming_an_unknown_chain() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("ecosystem_links.csv"),
                "Farcaster,optimism,Farcaster Frames",
                "Farcaster,farcaster,Farcaster Frames",
            )
        }), @r#"
    mini/ecosystem_links.csv:11:22: error: from_chain: "farcaster" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv)
       |
    11 | 2024-01-26,Farcaster,farcaster,Farcaster Frames,base,launched_on,Frames (mini-apps inside casts) lau…
       |                      ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn unknown_event_kind_lists_the_allowed_kinds() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("events.csv"),
                ",base,no_token_statement,",
                ",base,no_token_statment,",
            )
        }), @r#"
    mini/events.csv:11:17: error: kind: "no_token_statment" is not an allowed value: expected one of mainnet_launch, shutdown, token_launch, token_announced, token_exploration, no_token_statement, token_observed, stage_observed, stage_change, stack_observed, stack_change, da_observed, da_change, proof_system_observed, proof_system_change, superchain_join, superchain_leave; did you mean `no_token_statement`?
       |
    11 | 2023-08-09,base,no_token_statment,,"At public launch Coinbase said ""we currently do not plan to iss…
       |                 ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn empty_file_is_an_error() {
    insta::assert_snapshot!(check_fails(|d| fs::write(d.join("ecosystem_links.csv"), "").unwrap()), @"
    mini/ecosystem_links.csv: error: the file is empty: expected a header line naming the table's columns
    1 problem found; the dataset was not loaded
    ");
}

/// Keep only the header line of `file` in the dataset `d`.
fn header_only(d: &Path, file: &str) {
    let path = d.join(file);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{}\n", text.lines().next().unwrap())).unwrap();
}

/// Tables other than chains and TVL may be empty (a header only): the dataset loads, checks
/// and screens; an empty chains or TVL table is an error.
#[test]
fn header_only_tables_load_except_chains_and_tvl() {
    let tmp = broken(|d| {
        for file in [
            "events.csv",
            "ecosystem_links.csv",
            "metrics_daily.csv",
            "speed.csv",
        ] {
            header_only(d, file);
        }
    });
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("  speed    speed.csv                   0 rows  undated\n"),
        "{}",
        stdout(&out)
    );
    let rules = repo().join("rules").display().to_string();
    let screen = moat(tmp.path(), &["screen", "--data", "mini", "--rules", &rules]);
    assert!(
        matches!(screen.status.code(), Some(0 | 1)),
        "{}",
        stderr(&screen)
    );
    insta::assert_snapshot!(check_fails(|d| header_only(d, "tvl_weekly.csv")), @"
    mini/tvl_weekly.csv: error: the file has no data rows: expected weekly TVL in USD for one chain at the end of one week (the tvl table needs at least one row)
    1 problem found; the dataset was not loaded
    ");
    // Every reference to a chain fails too: the first problem is the empty file.
    let text = check_fails(|d| header_only(d, "chains.csv"));
    assert!(
        text.starts_with(
            "mini/chains.csv: error: the file has no data rows: expected one row per chain: attributes as of the source's snapshot (the chains table needs at least one row)\n"
        ),
        "{text}"
    );
}

/// A file whose every record is refused for its shape (a header with an extra, empty column)
/// has data rows: it is not said to have none.
#[test]
fn refused_records_are_not_called_no_data_rows() {
    let text = check_fails(|d| {
        let path = d.join("tvl_weekly.csv");
        let body = fs::read_to_string(&path).unwrap();
        let (_, rows) = body.split_once('\n').unwrap();
        fs::write(&path, format!("date,chain,,\n{rows}")).unwrap();
    });
    assert!(!text.contains("no data rows"), "{text}");
    assert!(
        text.starts_with("mini/tvl_weekly.csv:1:12: error: unknown column \"\": expected only date, chain, tvl_usd\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "mini/tvl_weekly.csv:2:1: error: found 3 fields, expected 4 (one per header column)"
        ),
        "{text}"
    );
}

#[test]
fn every_problem_of_every_file_is_reported_together() {
    insta::assert_snapshot!(check_fails(|d| {
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
        }), @r#"
    mini/chains.csv:4:23: error: category: "optimistic-rollup" is not an allowed value: expected one of optimistic_rollup, zk_rollup, optimium, validium, other; did you mean `optimistic_rollup`?
      |
    4 | base,Base,L2,ethereum,optimistic-rollup,op_stack,ethereum_blobs,fraud,0,2024-11-09,,,2023-07-13,,yes…
      |                       ^
    mini/tvl_weekly.csv:8:17: error: tvl_usd: "-5" is negative: expected a finite number >= 0
      |
    8 | 2024-11-10,base,-5
      |                 ^
    mini/tvl_weekly.csv:13:12: error: chain: "bsae" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv); did you mean `base`?
       |
    13 | 2024-11-17,bsae,2654550440
       |            ^
    3 problems found; the dataset was not loaded
    "#);
}

/// Every key of the wrong type, unknown or missing in the manifest is named in one run, each
/// at its place (serde stopped at the first, and named no key for a value of the wrong type).
#[test]
fn every_manifest_shape_problem_is_named_at_once() {
    insta::assert_snapshot!(check_fails(|d| {
        let toml = d.join("dataset.toml");
        replace(&toml, "path = \"sources.csv\"", "path = 3");
        replace(&toml, "chain = \"chain\", tvl_usd", "chain = 5, tvl_usd");
        replace(&toml, "path = \"speed.csv\"", "pathh = \"speed.csv\"");
        replace(&toml, "description = ", "description = [\"a\"]\nnotes = ");
        // A table without its entry is named with the rest, not after they are fixed.
        replace(
            &toml,
            "[files.events]\npath = \"events.csv\"\n",
            "[files.no_events]\npath = \"events.csv\"\n",
        );
    }), @r#"
    mini/dataset.toml:1:1: error: missing [files.events] entry: expected the file holding a dated change or observation for a chain
      |
    1 | # moat dataset manifest. Every table moat reads, its file (.csv or .parquet, chosen by the
      | ^
    mini/dataset.toml:8:15: error: description is an array ["a"]: expected a quoted string
      |
    8 | description = ["a"]
      |               ^
    mini/dataset.toml:9:1: error: unknown field `notes`, expected one of `name`, `description`, `vintage`, `files`
      |
    9 | notes = "Test fixture: a real subset of datasets/l2 (6 chains, Nov-Dec 2024 TVL)."
      | ^
    mini/dataset.toml:17:8: error: [files.sources] path is an integer 3: expected the table's file as a quoted string, as in path = "sources.csv"
       |
    17 | path = 3
       |        ^
    mini/dataset.toml:22:36: error: [files.tvl] column `chain` is an integer 5: expected its type as a quoted string (text, date, amount, number, bool, category, metric, chain, source, sources)
       |
    22 | columns = { date = "date", chain = 5, tvl_usd = "amount" }
       |                                    ^
    mini/dataset.toml:36:8: error: [files.speed] has no `path`: expected path = "speed.csv"
       |
    36 | [files.speed]
       |        ^
    mini/dataset.toml:37:1: error: [files.speed] has an unknown key `pathh`: expected `path` and `columns`
       |
    37 | pathh = "speed.csv"
       | ^
    7 problems found; the dataset was not loaded
    "#);
}

#[test]
fn manifest_unknown_key_names_line_and_column() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("dataset.toml"),
                "name = \"mini\"",
                "name = \"mini\"\nowner = \"me\"",
            )
        }), @r#"
    mini/dataset.toml:8:1: error: unknown field `owner`, expected one of `name`, `description`, `vintage`, `files`
      |
    8 | owner = "me"
      | ^
    1 problem found; the dataset was not loaded
    "#);
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

/// The table gives each dated value its date and source, as the JSON's `provenance` does, and
/// the source's quality flags when it has any; a value of no dated observation stands alone.
#[test]
fn show_gives_each_dated_value_its_date_and_source() {
    let show = |format: &str| {
        let out = moat(
            &repo(),
            &[
                "data",
                "show",
                "base",
                "--data",
                "datasets/l2",
                "--format",
                format,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let table = show("table");
    let json: serde_json::Value = serde_json::from_str(&show("json")).unwrap();
    let provenance = json["provenance"].as_object().unwrap();
    assert!(provenance.len() > 5, "{json}");
    for (field, p) in provenance {
        let mut said = format!(
            "{}  {}",
            p["date"].as_str().unwrap(),
            p["source"].as_str().unwrap()
        );
        let flags: Vec<&str> = p["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        if !flags.is_empty() {
            said.push_str(&format!(", flagged {}", flags.join(", ")));
        }
        let line = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(field.as_str()))
            .unwrap_or_else(|| panic!("{field} not shown:\n{table}"));
        assert!(line.ends_with(&said), "{field}: {line:?} lacks {said:?}");
    }
    assert!(
        table.contains("  token_status  ")
            && shown_field(&table, "token_status").ends_with("page-xpool-eu, flagged WEAK SOURCE"),
        "{table}"
    );
    // TVL has no dated observation of a source: its value alone.
    assert!(!shown_field(&table, "tvl_usd").contains(' '), "{table}");
}

#[test]
fn show_explains_chains_it_cannot_show() {
    let out = moat(&repo(), &["data", "show", "bsae", "--data", "datasets/l2"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no chain `bsae` in dataset l2: did you mean `base`?\n"
    );
    let out = moat(
        &repo(),
        &["data", "show", "ethereum", "--data", "datasets/l2"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: ethereum is an L1 context chain: it is never screened, so it has no features and no verdicts\n"
    );
}

/// A dataset written in the format of moat 0.1 (links with one `source` column) still loads,
/// and screens the same as the same data in today's format.
#[test]
fn the_first_dataset_format_still_loads() {
    let old = moat(
        &repo(),
        &["data", "check", "--data", "tests/fixtures/mini-v1"],
    );
    assert_eq!(old.status.code(), Some(0), "{}", stderr(&old));
    let screen = |data: &str| {
        let out = moat(
            &repo(),
            &[
                "screen", "--data", data, "--rules", "rules", "--format", "csv",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let strip_stamps = |csv: String| -> Vec<String> {
        csv.lines()
            .map(|l| l.splitn(7, ',').nth(6).unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        strip_stamps(screen("tests/fixtures/mini-v1")),
        strip_stamps(screen("tests/fixtures/mini"))
    );
}

/// The mini TVL file with Base's 2024-11-10 value made negative (line 8, column 17) and every
/// line ended by `end`.
fn negative_tvl_with_line_ends(d: &Path, end: &str) {
    let p = d.join("tvl_weekly.csv");
    let text = fs::read_to_string(&p)
        .unwrap()
        .replace("2024-11-10,base,2488327187", "2024-11-10,base,-5");
    let lines: Vec<&str> = text.lines().collect();
    fs::write(&p, lines.join(end) + end).unwrap();
}

#[test]
fn crlf_line_ends_name_the_true_line() {
    insta::assert_snapshot!(check_fails(|d| negative_tvl_with_line_ends(d, "\r\n")), @r#"
    mini/tvl_weekly.csv:8:17: error: tvl_usd: "-5" is negative: expected a finite number >= 0
      |
    8 | 2024-11-10,base,-5
      |                 ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn cr_only_line_ends_name_the_true_line() {
    insta::assert_snapshot!(check_fails(|d| negative_tvl_with_line_ends(d, "\r")), @r#"
    mini/tvl_weekly.csv:8:17: error: tvl_usd: "-5" is negative: expected a finite number >= 0
      |
    8 | 2024-11-10,base,-5
      |                 ^
    1 problem found; the dataset was not loaded
    "#);
}

/// A blank line is a line: the record after it is one line further down.
#[test]
fn blank_lines_count_as_lines() {
    insta::assert_snapshot!(check_fails(|d| {
            replace(
                &d.join("tvl_weekly.csv"),
                "2024-11-10,base,2488327187\n",
                "\r\n\n2024-11-10,base,-5\r\n",
            )
        }), @r#"
    mini/tvl_weekly.csv:10:17: error: tvl_usd: "-5" is negative: expected a finite number >= 0
       |
    10 | 2024-11-10,base,-5
       |                 ^
    1 problem found; the dataset was not loaded
    "#);
}

#[cfg(unix)]
/// Run `data check` on `mini` in `dir`, failing the test if it does not end within 20 s (a
/// FIFO must not hang the load).
fn check_within_20s(dir: &Path) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["data", "check", "--data", "mini"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("moat data check hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
pub fn mkfifo(path: &Path) {
    fs::remove_file(path).ok();
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_it() {
    let tmp = broken(|d| mkfifo(&d.join("tvl_weekly.csv")));
    let out = check_within_20s(tmp.path());
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @"
    mini/tvl_weekly.csv: error: not a regular file (a FIFO): expected a .csv or .parquet file
    1 problem found; the dataset was not loaded
    ");
    let tmp = broken(|d| mkfifo(&d.join("dataset.toml")));
    let out = check_within_20s(tmp.path());
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @"
    mini/dataset.toml: error: cannot read the dataset manifest: not a regular file (a FIFO): expected a TOML file
    1 problem found; the dataset was not loaded
    ");
}

#[cfg(unix)]
#[test]
fn dev_zero_is_never_read() {
    // As the manifest: refused as a device.
    let tmp = broken(|d| {
        fs::remove_file(d.join("dataset.toml")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", d.join("dataset.toml")).unwrap();
    });
    let out = check_within_20s(tmp.path());
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @"
    mini/dataset.toml: error: cannot read the dataset manifest: not a regular file (a character device): expected a TOML file
    1 problem found; the dataset was not loaded
    ");
    // As a table file: it is outside the dataset directory.
    insta::assert_snapshot!(check_fails(|d| {
        fs::remove_file(d.join("tvl_weekly.csv")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", d.join("tvl_weekly.csv")).unwrap();
    }), @r#"
    mini/dataset.toml:20:8: error: [files.tvl] path "tvl_weekly.csv" leads outside the dataset directory through a symbolic link: expected a path relative to the dataset directory, inside it
       |
    20 | path = "tvl_weekly.csv"
       |        ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn a_directory_is_not_a_table_file() {
    insta::assert_snapshot!(check_fails(|d| {
        fs::remove_file(d.join("speed.csv")).unwrap();
        fs::create_dir(d.join("speed.csv")).unwrap();
    }), @"
    mini/speed.csv: error: not a regular file (a directory): expected a .csv or .parquet file
    1 problem found; the dataset was not loaded
    ");
}

#[test]
fn a_path_up_and_out_of_the_dataset_is_refused() {
    insta::assert_snapshot!(check_fails(|d| {
        fs::write(d.join("../secret.csv"), "top secret line\n").unwrap();
        replace(&d.join("dataset.toml"), "path = \"tvl_weekly.csv\"", "path = \"../secret.csv\"");
    }), @r#"
    mini/dataset.toml:20:8: error: [files.tvl] path "../secret.csv" goes up with `..`: expected a path relative to the dataset directory, inside it
       |
    20 | path = "../secret.csv"
       |        ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn an_absolute_path_is_refused() {
    insta::assert_snapshot!(check_fails(|d| {
        replace(&d.join("dataset.toml"), "path = \"sources.csv\"", "path = \"/etc/passwd\"");
        replace(&d.join("dataset.toml"), "path = \"speed.csv\"", "path = \"/etc/hostname\"");
    }), @r#"
    mini/dataset.toml:16:8: error: [files.sources] path "/etc/passwd" is absolute: expected a path relative to the dataset directory, inside it
       |
    16 | path = "/etc/passwd"
       |        ^
    mini/dataset.toml:36:8: error: [files.speed] path "/etc/hostname" is absolute: expected a path relative to the dataset directory, inside it
       |
    36 | path = "/etc/hostname"
       |        ^
    2 problems found; the dataset was not loaded
    "#);
}

#[cfg(unix)]
/// A symbolic link out of the directory is refused, and no line of the file it leads to is
/// shown.
#[test]
fn a_symlink_out_of_the_dataset_is_refused() {
    let text = check_fails(|d| {
        fs::write(d.join("../secret.csv"), "date,chain,top secret\n").unwrap();
        fs::remove_file(d.join("tvl_weekly.csv")).unwrap();
        std::os::unix::fs::symlink("../secret.csv", d.join("tvl_weekly.csv")).unwrap();
    });
    assert!(!text.contains("secret"), "{text}");
    insta::assert_snapshot!(text, @r#"
    mini/dataset.toml:20:8: error: [files.tvl] path "tvl_weekly.csv" leads outside the dataset directory through a symbolic link: expected a path relative to the dataset directory, inside it
       |
    20 | path = "tvl_weekly.csv"
       |        ^
    1 problem found; the dataset was not loaded
    "#);
}

#[cfg(unix)]
/// A symbolic link that stays inside the directory is only a name.
#[test]
fn a_symlink_inside_the_dataset_loads() {
    let tmp = broken(|d| {
        fs::create_dir(d.join("tables")).unwrap();
        fs::rename(d.join("tvl_weekly.csv"), d.join("tables/tvl.csv")).unwrap();
        std::os::unix::fs::symlink("tables/tvl.csv", d.join("tvl_weekly.csv")).unwrap();
    });
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    insta::assert_snapshot!(check_fails(|d| {
        // Sparse: as large as the limit says, without the disk space.
        let f = fs::OpenOptions::new().append(true).open(d.join("metrics_daily.csv")).unwrap();
        // One byte over `dataset::limits::MAX_FILE_BYTES` (1 GiB).
        f.set_len((1 << 30) + 1).unwrap();
    }), @"
    mini/metrics_daily.csv: error: the file is 1073741825 bytes: expected at most 1073741824 bytes (1 GiB), the largest a .csv or .parquet file moat reads
    1 problem found; the dataset was not loaded
    ");
}

#[test]
fn a_field_over_the_size_limit_is_refused_where_it_starts() {
    insta::assert_snapshot!(check_fails(|d| {
        // A quote left open swallows every line after it into one field.
        let p = d.join("events.csv");
        let mut text = fs::read_to_string(&p).unwrap();
        text.push_str("2024-12-01,base,mainnet_launch,,\"an open note,l2beat-base\n");
        text.push_str(&"2024-12-02,base,mainnet_launch,,a note,l2beat-base\n".repeat(2000));
        fs::write(p, text).unwrap();
    }), @r#"
    mini/events.csv:35:33: error: field 5 is 102025 bytes long: expected at most 65536 bytes (64 KiB); is a quote left open?
       |
    35 | 2024-12-01,base,mainnet_launch,,"an open note,l2beat-base
       |                                 ^
    1 problem found; the dataset was not loaded
    "#);
}

/// The first 50 problems of a file by place are listed, though they are found column by
/// column: with 60 rows that each have a bad date and an unknown chain, the 50 listed are
/// both problems of the first 25 rows, and the other 70 are counted.
#[test]
fn the_first_fifty_problems_of_a_file_are_listed_and_the_rest_counted() {
    let text = check_fails(|d| {
        let p = d.join("tvl_weekly.csv");
        let mut text = fs::read_to_string(&p).unwrap();
        for i in 0..60 {
            text.push_str(&format!("2024-13-{i:02},bsae,1\n"));
        }
        fs::write(p, text).unwrap();
    });
    assert_eq!(text.matches(": error: date: ").count(), 25, "{text}");
    assert_eq!(text.matches(": error: chain: ").count(), 25, "{text}");
    assert!(
        text.contains("mini/tvl_weekly.csv:71:12: error: chain:"),
        "{text}"
    );
    assert!(!text.contains("mini/tvl_weekly.csv:72:"), "{text}");
    assert!(
        text.ends_with(
            "mini/tvl_weekly.csv: error: 70 more problems not shown (limit 50 per file)\n120 problems found; the dataset was not loaded\n"
        ),
        "{text}"
    );
}

/// A header of far more columns than its table has is one problem, found in time and memory
/// that grow with the file, not with the square of its width (each of 100,000 unknown columns
/// was once a problem holding the whole header line).
#[test]
fn a_header_far_wider_than_its_table_is_one_problem() {
    insta::assert_snapshot!(check_fails(|d| {
        let p = d.join("speed.csv");
        let text = fs::read_to_string(&p).unwrap();
        let (header, rows) = text.split_once('\n').unwrap();
        let extra: String = (0..100_000).map(|i| format!(",c{i}")).collect();
        fs::write(&p, format!("{header}{extra}\n{rows}")).unwrap();
    }), @r#"
    mini/speed.csv:1:422: error: the header has 100006 columns: expected the 6 columns of the speed table (chain, block_time_s, preconf_latency_ms, asof, note, source); at most 100 columns are read
      |
    1 | …c84,c85,c86,c87,c88,c89,c90,c91,c92,c93,c94,c95,c96,c97,c98,c99,c100,c101,c102,c103,c104,c105,c106,c…
      |                                          ^
    1 problem found; the dataset was not loaded
    "#);
}

/// A header with a few unknown columns lists the first 50 and counts the rest.
#[test]
fn unknown_columns_past_the_limit_are_counted() {
    let text = check_fails(|d| {
        let p = d.join("sources.csv");
        let text = fs::read_to_string(&p).unwrap();
        let (header, rows) = text.split_once('\n').unwrap();
        let extra: String = (0..60).map(|i| format!(",c{i}")).collect();
        let cells: String = rows
            .lines()
            .map(|l| format!("{l}{}\n", ",x".repeat(60)))
            .collect();
        fs::write(&p, format!("{header}{extra}\n{cells}")).unwrap();
    });
    assert_eq!(text.matches("error: unknown column").count(), 50, "{text}");
    assert!(
        text.contains("mini/sources.csv: error: 10 more problems not shown (limit 50 per file)\n"),
        "{text}"
    );
}

/// The vintage is when the data was retrieved: never after today.
#[test]
fn a_vintage_after_today_is_an_error() {
    let text = check_fails(|d| {
        replace(
            &d.join("dataset.toml"),
            "vintage = \"2024-12-29\"",
            "vintage = \"2099-01-01\"",
        )
    });
    let today = text
        .split_once("is after today (")
        .and_then(|(_, rest)| rest.split_once(", UTC)"))
        .map(|(today, _)| today.to_string())
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        text,
        format!(
            "mini/dataset.toml:9:11: error: vintage 2099-01-01 is after today ({today}, UTC): expected the date the data was retrieved, which cannot be in the future\n  |\n9 | vintage = \"2099-01-01\"\n  |           ^\n1 problem found; the dataset was not loaded\n"
        )
    );
}

#[test]
fn a_vintage_written_as_a_toml_date_says_to_quote_it() {
    insta::assert_snapshot!(check_fails(|d| {
        replace(
            &d.join("dataset.toml"),
            "vintage = \"2024-12-29\"",
            "vintage = 2024-12-29",
        )
    }), @r#"
    mini/dataset.toml:9:11: error: vintage 2024-12-29 is a TOML date: expected a quoted string "YYYY-MM-DD", as in vintage = "2024-12-29"
      |
    9 | vintage = 2024-12-29
      |           ^
    1 problem found; the dataset was not loaded
    "#);
}

#[test]
fn an_empty_name_or_a_padded_path_in_the_manifest_is_placed() {
    insta::assert_snapshot!(check_fails(|d| {
        let p = d.join("dataset.toml");
        replace(&p, "name = \"mini\"", "name = \" \"");
        replace(&p, "path = \"events.csv\"", "path = \"\"");
        replace(&p, "path = \"speed.csv\"", "path = \" speed.csv\"");
    }), @r#"
    mini/dataset.toml:7:8: error: name is empty: expected the dataset's name, which every output shows
      |
    7 | name = " "
      |        ^
    mini/dataset.toml:24:8: error: [files.events] path is empty: expected the table's file, relative to the dataset directory
       |
    24 | path = ""
       |        ^
    mini/dataset.toml:36:8: error: [files.speed] path " speed.csv" has white space around it: expected the file's name alone
       |
    36 | path = " speed.csv"
       |        ^
    3 problems found; the dataset was not loaded
    "#);
}

/// A spreadsheet's "Unicode text" is UTF-16: named as such, and a header that is not UTF-8
/// names its field, not the CSV parser's byte offsets.
#[test]
fn a_utf16_file_or_a_header_not_in_utf8_says_so() {
    insta::assert_snapshot!(check_fails(|d| {
        let p = d.join("sources.csv");
        let text = fs::read_to_string(&p).unwrap();
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        fs::write(&p, utf16).unwrap();
        fs::write(d.join("speed.csv"), b"chain,block\xfftime_s\n").unwrap();
        let p = d.join("events.csv");
        let text = fs::read_to_string(&p).unwrap();
        let mut utf32 = vec![0xFF, 0xFE, 0, 0];
        utf32.extend(text.chars().flat_map(|c| (c as u32).to_le_bytes()));
        fs::write(&p, utf32).unwrap();
        let p = d.join("ecosystem_links.csv");
        let text = fs::read_to_string(&p).unwrap();
        fs::write(&p, text.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>()).unwrap();
    }), @r#"
    mini/sources.csv: error: the file is UTF-16 text (it starts with a UTF-16 byte-order mark): expected UTF-8; save it as "CSV UTF-8"
    mini/events.csv: error: the file is UTF-32 text (it starts with a UTF-32 byte-order mark): expected UTF-8; save it as "CSV UTF-8"
    mini/ecosystem_links.csv: error: the file is not UTF-8 (its first line holds NUL bytes: UTF-16 or UTF-32 text?): expected UTF-8; save it as "CSV UTF-8"
    mini/speed.csv: error: cannot read the header line: its field 2 is not valid UTF-8: expected UTF-8 text
    4 problems found; the dataset was not loaded
    "#);
}

/// A character that shows as nothing (a zero-width space) is quoted by its code point and
/// marked in the source line: `ba<U+200B>se` is not `base`, and a message says why.
#[test]
fn an_invisible_character_is_shown_where_it_breaks_a_value() {
    insta::assert_snapshot!(check_fails(|d| {
        replace(
            &d.join("tvl_weekly.csv"),
            "2024-11-10,base,",
            "2024-11-10,ba\u{200B}se,",
        );
    }), @r#"
    mini/tvl_weekly.csv:8:12: error: chain: "ba<U+200B>se" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv); did you mean `base`?
      |
    8 | 2024-11-10,ba�se,2488327187
      |            ^
    1 problem found; the dataset was not loaded
    "#);
}

/// Two tables cannot read one file: each would find the other's columns, one problem each.
#[test]
fn two_tables_naming_one_file_is_one_problem() {
    insta::assert_snapshot!(check_fails(|d| {
        replace(
            &d.join("dataset.toml"),
            "path = \"metrics_daily.csv\"",
            "path = \"./tvl_weekly.csv\"",
        );
    }), @r#"
    mini/dataset.toml:32:8: error: [files.tvl] and [files.metrics] both name "./tvl_weekly.csv": expected a file of its own for each table
       |
    32 | path = "./tvl_weekly.csv"
       |        ^
    1 problem found; the dataset was not loaded
    "#);
}

/// Rows dated after the vintage load (a screen at a later as-of date with --allow-future sees
/// them), and `data check` warns about them, per file and column, at the first of them.
#[test]
fn rows_dated_after_the_vintage_are_warnings() {
    let tmp = broken(|d| {
        let p = d.join("tvl_weekly.csv");
        let mut text = fs::read_to_string(&p).unwrap();
        text.push_str("2030-01-06,base,1\n2030-01-13,base,2\n");
        fs::write(&p, text).unwrap();
    });
    let out = moat(
        tmp.path(),
        &["data", "check", "--data", "mini", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings: Vec<String> = summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            format!(
                "{}:{}:{}: {}",
                w["file"].as_str().unwrap(),
                w["line"],
                w["column"],
                w["message"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!(warnings.join("\n"), @r#"
    mini/tvl_weekly.csv:47:1: date: 2030-01-06 is after the dataset's vintage 2024-12-29, and so is the date of 1 more line (48): a screen at the vintage does not see these rows; only one at a later --as-of date with --allow-future does
    mini/events.csv:29:1: date: 2025-04-18 is after the dataset's vintage 2024-12-29, and so is the date of 5 more lines (30, 31, 32, 33, …): a screen at the vintage does not see these rows; only one at a later --as-of date with --allow-future does
    mini/ecosystem_links.csv:23:1: date: 2025-06-30 is after the dataset's vintage 2024-12-29, and so is the date of 4 more lines (24, 25, 26, 27): a screen at the vintage does not see these rows; only one at a later --as-of date with --allow-future does
    mini/speed.csv:2:16: asof: 2026-07-14 is after the dataset's vintage 2024-12-29, and so is the asof of 12 more lines (3, 4, 5, 6, …): a screen at the vintage does not see these rows; only one at a later --as-of date with --allow-future does
    "#);
    // As text, the same warnings on stderr, and the summary on stdout.
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.matches(": warning: ").count(), 4, "{err}");
    assert!(
        err.starts_with("mini/tvl_weekly.csv:47:1: warning: date: 2030-01-06 is after the dataset's vintage 2024-12-29"),
        "{err}"
    );
    assert!(!stdout(&out).contains("warning"), "{}", stdout(&out));
}

/// A chain cannot host itself, and hosts cannot form a cycle (each would count the other as
/// one of its L3s).
#[test]
fn a_chain_hosting_itself_or_a_cycle_of_hosts_is_an_error() {
    insta::assert_snapshot!(check_fails(|d| {
        let p = d.join("chains.csv");
        replace(&p, "arbitrum,Arbitrum One,L2,ethereum,", "arbitrum,Arbitrum One,L2,arbitrum,");
        replace(&p, "optimism,OP Mainnet,L2,ethereum,", "optimism,OP Mainnet,L2,degen,");
        replace(&p, "degen,Degen Chain,L3,base,", "degen,Degen Chain,L3,zksync-era,");
        replace(&p, "zksync-era,ZKsync Era,L2,ethereum,", "zksync-era,ZKsync Era,L2,optimism,");
    }), @r#"
    mini/chains.csv:3:26: error: host: "arbitrum" is its own host: expected the slug of the chain it runs on (empty for an L1)
      |
    3 | arbitrum,Arbitrum One,L2,arbitrum,optimistic_rollup,arbitrum_orbit,ethereum_blobs,fraud,1,2024-11-09…
      |                          ^
    mini/chains.csv:5:24: error: host: the hosts of 3 chains form a cycle, optimism → degen → zksync-era → optimism (lines 5, 6, 7): expected each chain to run, host by host, on a chain without a host (an L1)
      |
    5 | optimism,OP Mainnet,L2,degen,optimistic_rollup,op_stack,ethereum_blobs,fraud,1,2024-11-09,OP,chain,2…
      |                        ^
    2 problems found; the dataset was not loaded
    "#);
}

/// A slug names the chain's memo files and the links to them: only characters that mean the
/// same in a file name and a URL, so that no slug can become a `javascript:` link, a path, or
/// a name that looks like another; `sector` is the sector memo's.
#[test]
fn a_slug_is_a_plain_file_name() {
    let text = check_fails(|d| {
        let p = d.join("chains.csv");
        let mut chains = fs::read_to_string(&p).unwrap();
        for slug in [
            "javascript:alert(1)",
            "a/b",
            "Sector",
            "bäse",
            ".hidden",
            "ok-1.2_x",
            "Index",
            "con",
            "COM1",
            "Base",
        ] {
            chains.push_str(&format!("{slug},Some chain,L2,ethereum,,,,,,,,,,,,,,,,\n"));
        }
        fs::write(&p, chains).unwrap();
    });
    insta::assert_snapshot!(text, @r#"
    mini/chains.csv:8:1: error: slug: "javascript:alert(1)" is not a slug: it holds `:` at character 11; expected 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or a digit, not `sector`, `index` or a Windows device name (`con`, `nul`, `com1`, …)
      |
    8 | javascript:alert(1),Some chain,L2,ethereum,,,,,,,,,,,,,,,,
      | ^
    mini/chains.csv:9:1: error: slug: "a/b" is not a slug: it holds `/` at character 2; expected 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or a digit, not `sector`, `index` or a Windows device name (`con`, `nul`, `com1`, …)
      |
    9 | a/b,Some chain,L2,ethereum,,,,,,,,,,,,,,,,
      | ^
    mini/chains.csv:10:1: error: slug: "Sector" is not a slug: `sector` names the sector memo's files; expected 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or a digit, not `sector`, `index` or a Windows device name (`con`, `nul`, `com1`, …)
       |
    10 | Sector,Some chain,L2,ethereum,,,,,,,,,,,,,,,,
       | ^
    mini/chains.csv:11:1: error: slug: "bäse" is not a slug: it holds `ä` (U+00E4) at character 2; expected 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or a digit, not `sector`, `index` or a Windows device name (`con`, `nul`, `com1`, …)
       |
    11 | bäse,Some chain,L2,ethereum,,,,,,,,,,,,,,,,
       | ^
    mini/chains.csv:12:1: error: slug: ".hidden" is not a slug: it holds `.` at character 1; expected 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or a digit, not `sector`, `index` or a Windows device name (`con`, `nul`, `com1`, …)
       |
    12 | .hidden,Some chain,L2,ethereum,,,,,,,,,,,,,,,,
       | ^
    mini/chains.csv:14:1: error: slug: "Index" is not a slug: `index` names the screen report beside the memos (`index.html`); expected 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or a digit, not `sector`, `index` or a Windows device name (`con`, `nul`, `com1`, …)
       |
    14 | Index,Some chain,L2,ethereum,,,,,,,,,,,,,,,,
       | ^
    mini/chains.csv:15:1: error: slug: "con" is not a slug: Windows keeps it for a device: no file can take it there; expected 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or a digit, not `sector`, `index` or a Windows device name (`con`, `nul`, `com1`, …)
       |
    15 | con,Some chain,L2,ethereum,,,,,,,,,,,,,,,,
       | ^
    mini/chains.csv:16:1: error: slug: "COM1" is not a slug: Windows keeps it for a device: no file can take it there; expected 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or a digit, not `sector`, `index` or a Windows device name (`con`, `nul`, `com1`, …)
       |
    16 | COM1,Some chain,L2,ethereum,,,,,,,,,,,,,,,,
       | ^
    mini/chains.csv:17:1: error: slug: "Base" differs from "base" (line 4) only in case: their memo files are one file on macOS and Windows; expected slugs that differ in more than case
       |
    17 | Base,Some chain,L2,ethereum,,,,,,,,,,,,,,,,
       | ^
    9 problems found; the dataset was not loaded
    "#);
}

/// Text cells and the manifest's text are plain text: a control character (an escape
/// sequence, a NUL, a newline) or a bidi override is refused where it is, named by its code
/// point, and no message or source line shown carries one.
#[test]
fn control_characters_are_refused_and_never_printed() {
    let text = check_fails(|d| {
        replace(&d.join("chains.csv"), "base,Base,", "base,Ba\u{1b}[2Jse,");
        replace(
            &d.join("events.csv"),
            ",mainnet_launch,,",
            ",mainnet_launch,,a\u{202E}b",
        );
        replace(
            &d.join("tvl_weekly.csv"),
            "2024-11-10,base,",
            "2024-11-10,ba\0se,",
        );
    });
    assert!(!text.contains(['\u{1b}', '\0', '\u{202E}']), "{text:?}");
    insta::assert_snapshot!(text, @r#"
    mini/chains.csv:4:6: error: name: "Ba<U+001B>[2Jse" holds U+001B (a control character) at character 3: expected text on one line without control characters (a tab excepted) or bidirectional formatting characters (U+202A to U+202E, U+2066 to U+2069)
      |
    4 | base,Ba␛[2Jse,L2,ethereum,optimistic_rollup,op_stack,ethereum_blobs,fraud,0,2024-11-09,,,2023-07-13,…
      |      ^
    mini/tvl_weekly.csv:8:12: error: chain: "ba<U+0000>se" is not a known chain: expected a chain slug defined in the chains table (mini/chains.csv); did you mean `base`?
      |
    8 | 2024-11-10,ba␀se,2488327187
      |            ^
    mini/events.csv:2:37: error: note: "a<U+202E>b" holds U+202E (a character that reorders or breaks text for display) at character 2: expected text on one line without control characters (a tab excepted) or bidirectional formatting characters (U+202A to U+202E, U+2066 to U+2069)
      |
    2 | 2021-08-31,arbitrum,mainnet_launch,,a�b,l2beat-summary-2024-11
      |                                     ^
    3 problems found; the dataset was not loaded
    "#);
    insta::assert_snapshot!(check_fails(|d| {
        replace(&d.join("dataset.toml"), "name = \"mini\"", "name = \"mi\\nni\"");
    }), @r#"
    mini/dataset.toml:7:8: error: name holds U+000A at character 3: expected text on one line without control characters (a tab excepted) or bidirectional formatting characters (U+202A to U+202E, U+2066 to U+2069)
      |
    7 | name = "mi\nni"
      |        ^
    1 problem found; the dataset was not loaded
    "#);
}

/// A `source` column holds one key: two keys are not a key (only `sources` columns hold
/// several).
#[test]
fn a_source_column_holds_one_key() {
    insta::assert_snapshot!(check_fails(|d| {
        let p = d.join("events.csv");
        let text = fs::read_to_string(&p).unwrap();
        let line = text.lines().nth(1).unwrap().to_string();
        let (rest, _) = line.rsplit_once(',').unwrap();
        replace(&p, &line, &format!("{rest},defillama-emissions growthepie-dna"));
    }), @r#"
    mini/events.csv:2:38: error: source: "defillama-emissions growthepie-dna" is several source keys: expected one, a key defined in the sources table (mini/sources.csv); only a `sources` column holds several, space-separated
      |
    2 | 2021-08-31,arbitrum,mainnet_launch,,,defillama-emissions growthepie-dna
      |                                      ^
    1 problem found; the dataset was not loaded
    "#);
}

/// A byte order mark opening a file is no column: the caret under line 1 is where an editor
/// shows the field.
#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    insta::assert_snapshot!(check_fails(|d| {
        let p = d.join("sources.csv");
        let text = fs::read_to_string(&p).unwrap();
        let extra: String = text.lines().map(|l| format!("{l},x\n")).collect();
        let text = extra.replacen("key,source,x", "\u{feff}key,source,url", 1);
        fs::write(&p, text).unwrap();
    }), @r#"
    mini/sources.csv:1:12: error: unknown column "url": expected only key, source
      |
    1 | key,source,url
      |            ^
    1 problem found; the dataset was not loaded
    "#);
}

/// What is wrong with a `[files.x]` entry is placed where it is written: an unknown table at
/// its key, a column's wrong type at the type, an unknown column at its name, a column not
/// declared at the `columns` value.
#[test]
fn manifest_entry_problems_are_placed_where_they_are_written() {
    insta::assert_snapshot!(check_fails(|d| {
        let p = d.join("dataset.toml");
        replace(&p, "tvl_usd = \"amount\"", "tvl_usd = \"number\"");
        replace(&p, "key = \"text\", source = \"text\"", "key = \"text\", source = \"text\", url = \"text\"");
        replace(&p, ", note = \"text\", source = \"source\" }\n\n[files.links]", ", source = \"source\" }\n\n[files.links]");
        let mut text = fs::read_to_string(&p).unwrap();
        text.push_str("\n[files.prices]\npath = \"prices.csv\"\ncolumns = { date = \"date\" }\n");
        fs::write(&p, text).unwrap();
    }), @r#"
    mini/dataset.toml:17:44: error: [files.sources.columns] declares unknown column `url`: expected only key, source
       |
    17 | columns = { key = "text", source = "text", url = "text" }
       |                                            ^
    mini/dataset.toml:21:55: error: [files.tvl.columns] declares `tvl_usd` as "number": expected "amount"
       |
    21 | columns = { date = "date", chain = "chain", tvl_usd = "number" }
       |                                                       ^
    mini/dataset.toml:25:11: error: [files.events.columns] does not declare `note`: expected `note = "text"`
       |
    25 | columns = { date = "date", chain = "chain", kind = "category", value = "text", source = "source" }
       |           ^
    mini/dataset.toml:39:8: error: unknown table [files.prices]: expected one of chains, sources, tvl, events, links, metrics, speed
       |
    39 | [files.prices]
       |        ^
    4 problems found; the dataset was not loaded
    "#);
}

/// The 50 problems shown of a file are its first by line, whatever check found them: an
/// unknown chain on line 2 is shown though sixty bad dates further down (and the repeated keys
/// they make) were found first.
#[test]
fn the_problems_shown_are_the_first_by_line() {
    let text = check_fails(|d| {
        let p = d.join("tvl_weekly.csv");
        let mut text = fs::read_to_string(&p).unwrap();
        text = text.replacen("2024-11-03,arbitrum,", "2024-11-03,arbitrun,", 1);
        for i in 0..60 {
            text.push_str(&format!("2024-13-{:02},base,1\n", i % 28 + 1));
        }
        fs::write(&p, text).unwrap();
    });
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(
            "mini/tvl_weekly.csv:2:12: error: chain: \"arbitrun\" is not a known chain"
        ),
        "{text}"
    );
    assert!(
        text.contains("mini/tvl_weekly.csv: error: 43 more problems not shown (limit 50 per file)"),
        "{text}"
    );
    assert!(
        text.ends_with("93 problems found; the dataset was not loaded\n"),
        "{text}"
    );
}

/// A table file that is a symbolic link leading nowhere (here round in a loop) is named as
/// such at its path in the manifest, not as a missing file.
#[cfg(unix)]
#[test]
fn a_link_leading_nowhere_is_named_as_one() {
    let text = check_fails(|d| {
        fs::remove_file(d.join("speed.csv")).unwrap();
        std::os::unix::fs::symlink("speed.csv", d.join("speed.csv")).unwrap();
    });
    assert!(
        text.starts_with("mini/dataset.toml:36:8: error: [files.speed] path \"speed.csv\": a symbolic link that leads to no file (to one missing, or round in a loop) (mini/speed.csv)"),
        "{text}"
    );
}

/// A manifest key of the wrong type is named, with what it should be.
#[test]
fn a_manifest_key_of_the_wrong_type_is_named() {
    let text = check_fails(|d| {
        replace(
            &d.join("dataset.toml"),
            "vintage = \"2024-12-29\"",
            "vintage = 20241229",
        );
    });
    assert!(
        text.starts_with("mini/dataset.toml:9:11: error: vintage is an integer 20241229: expected a quoted string \"YYYY-MM-DD\"\n"),
        "{text}"
    );
}

/// A header with a column the rows lack makes every row one record with the wrong count of
/// fields: one problem says so for all of them (and one for each other count), not one a line.
#[test]
fn rows_with_the_wrong_count_of_fields_are_one_problem_per_count() {
    let mut lines = 0;
    let text = check_fails(|d| {
        edit_rows(d, "tvl_weekly.csv", |rows| {
            rows[0].push_str(",extra");
            rows[2].push_str(",x,y");
            lines = rows.len();
        });
    });
    assert!(lines > 10, "{lines}");
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(" error: ")).collect();
    assert_eq!(
        errors,
        [
            "mini/tvl_weekly.csv:1:20: error: unknown column \"extra\": expected only date, chain, tvl_usd".to_string(),
            format!(
                "mini/tvl_weekly.csv:2:1: error: found 3 fields, expected 4 (one per header column); so do {} more lines up to line {lines}",
                lines - 3
            ),
            "mini/tvl_weekly.csv:3:1: error: found 5 fields, expected 4 (one per header column)".to_string(),
        ],
        "{text}"
    );
    assert!(
        text.ends_with("3 problems found; the dataset was not loaded\n"),
        "{text}"
    );
}

/// TVL points on another weekday than the file's are warned about at the first of each
/// weekday: each such date is a week of its own, ranking only the chains with a point that day
/// (a chain moved to Saturdays had no rank, and another led every second "week"). A warning,
/// so that such a file loads as before.
#[test]
fn tvl_dates_on_another_weekday_are_warned_about() {
    let mut lines = 0;
    let tmp = broken(|d| {
        edit_rows(d, "tvl_weekly.csv", |rows| {
            lines = rows.len();
            // Every arbitrum point a day earlier (Sunday to Saturday), one base point on a Monday.
            for row in rows.iter_mut().skip(1) {
                if row.contains(",arbitrum,") {
                    let date = chrono::NaiveDate::parse_from_str(&row[..10], "%Y-%m-%d").unwrap();
                    *row = format!("{}{}", date.pred_opt().unwrap(), &row[10..]);
                }
            }
            rows[2] = rows[2].replacen("2024-11-03", "2024-11-04", 1);
        });
    });
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stderr(&out);
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("mini/tvl_weekly.csv") && l.contains(" warning: "))
        .collect();
    let sundays = lines - 1 - 9 - 1;
    let why = "a week's ranks, shares and leader compare the chains with a point on its date, so each such date is a week of its own, ranking only the chains with a point that day; expected a Sunday";
    assert_eq!(
        warnings,
        [
            format!(
                "mini/tvl_weekly.csv:2:1: warning: date: 2024-11-02 is a Saturday, where {sundays} lines of the file are dated on a Sunday (the first at line 4); so are 8 more lines, up to line 42: {why}"
            ),
            format!(
                "mini/tvl_weekly.csv:3:1: warning: date: 2024-11-04 is a Monday, where {sundays} lines of the file are dated on a Sunday (the first at line 4): {why}"
            ),
        ],
        "{text}"
    );
}

/// A value too large to be an amount (1.7e308, whose sum with another is infinite and made
/// every chain's TVL share 0) is refused at its cell.
#[test]
fn a_value_too_large_in_size_is_refused() {
    let text = check_fails(|d| {
        edit_rows(d, "tvl_weekly.csv", |rows| {
            let cells: Vec<&str> = rows[1].split(',').collect();
            rows[1] = format!("{},{},1.7e308", cells[0], cells[1]);
        });
    });
    assert!(
        text.contains(
            "tvl_usd: \"1.7e308\" is larger in size than 1e15 (a quadrillion): expected a finite number >= 0 of at most that size"
        ),
        "{text}"
    );
}

/// Rewrite the lines of `file` in `dir` with `edit`.
fn edit_rows(dir: &Path, file: &str, edit: impl FnOnce(&mut Vec<String>)) {
    let path = dir.join(file);
    let body = fs::read_to_string(&path).unwrap();
    let mut rows: Vec<String> = body.lines().map(str::to_string).collect();
    edit(&mut rows);
    fs::write(&path, rows.join("\n") + "\n").unwrap();
}

/// Remove the lines of `file` in `dir` for which `drop` holds, and append `extra` lines.
fn edit_lines(dir: &Path, file: &str, drop: impl Fn(&str) -> bool, extra: &[&str]) {
    let path = dir.join(file);
    let body = fs::read_to_string(&path).unwrap();
    let mut rows: Vec<&str> = body.lines().filter(|l| !drop(l)).collect();
    rows.extend(extra);
    fs::write(&path, rows.join("\n") + "\n").unwrap();
}

/// A chains.csv row of the fixture's columns, with `cells` given by column name.
fn chain_row(dir: &Path, cells: &[(&str, &str)]) -> String {
    let body = fs::read_to_string(dir.join("chains.csv")).unwrap();
    let header = body.lines().next().unwrap();
    header
        .split(',')
        .map(|column| {
            cells
                .iter()
                .find(|(c, _)| *c == column)
                .map_or("", |(_, v)| *v)
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `screened chains without a TVL series` counts only the chains screened at the vintage: a
/// chain that shut down before it is listed as not screened, not as a screened chain without TVL.
#[test]
fn chains_without_tvl_are_only_the_screened_ones() {
    let tmp = broken(|d| {
        let quiet = chain_row(
            d,
            &[
                ("slug", "quiet"),
                ("name", "Quiet"),
                ("layer", "L2"),
                ("launch_date", "2023-01-01"),
            ],
        );
        let gone = chain_row(
            d,
            &[
                ("slug", "gone"),
                ("name", "Gone"),
                ("layer", "L2"),
                ("launch_date", "2022-01-01"),
            ],
        );
        // A shutdown dated before the chain's launch: a wrong date, most likely.
        let early = chain_row(
            d,
            &[
                ("slug", "early"),
                ("name", "Early"),
                ("layer", "L2"),
                ("launch_date", "2022-03-01"),
            ],
        );
        edit_lines(d, "chains.csv", |_| false, &[&quiet, &gone, &early]);
        edit_lines(
            d,
            "events.csv",
            |_| false,
            &[
                "2024-06-01,gone,shutdown,,,l2beat-summary-2024-11",
                "2010-01-01,early,shutdown,,,l2beat-summary-2024-11",
            ],
        );
    });
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("  not screened at the vintage: gone is not in the universe as of 2024-12-29: it shut down on 2024-06-01 (a shutdown event)\n"),
        "{text}"
    );
    assert!(
        text.contains("  not screened at the vintage: early is not in the universe as of 2024-12-29: it shut down on 2010-01-01 (a shutdown event), before the first sign that it had launched (2022-03-01), so it is never screened: is the shutdown's date right?\n"),
        "{text}"
    );
    assert!(
        text.contains("\nscreened chains without a TVL series: 1\n  quiet\n"),
        "{text}"
    );
    let out = moat(
        tmp.path(),
        &["data", "check", "--data", "mini", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["without_tvl"], serde_json::json!(["quiet"]), "{json}");
}

/// A series stops early when it ends before the last TVL week on or before the vintage: a
/// point after the vintage, which no screen at the vintage sees, does not make every other
/// series stop early.
#[test]
fn series_that_stop_early_are_measured_at_the_vintage() {
    let tmp = broken(|d| {
        edit_lines(
            d,
            "tvl_weekly.csv",
            |l| l.starts_with("2024-12-29,degen,"),
            &["2025-01-05,base,1"],
        );
    });
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "TVL series that stop before the last week at the vintage: 1\n  degen (last point 2024-12-22)\nTVL series with gaps: 0\n"
        ),
        "{text}"
    );
}

/// Weeks missing inside a chain's TVL series (between its first and last point) are reported,
/// each run of them, as text and in the JSON summary.
#[test]
fn gaps_inside_a_tvl_series_are_reported() {
    let tmp = broken(|d| {
        edit_lines(
            d,
            "tvl_weekly.csv",
            |l| {
                let (date, rest) = l.split_at(10);
                (rest.starts_with(",base,") && ("2024-11-17"..="2024-12-01").contains(&date))
                    || (rest.starts_with(",optimism,")
                        && (date == "2024-11-10" || date == "2024-12-15"))
            },
            &[],
        );
    });
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "TVL series with gaps: 2\n  base (3 weeks missing, 2024-11-17 to 2024-12-01)\n  optimism (2 weeks missing in 2 gaps: 2024-11-10 (1 week), 2024-12-15 (1 week))\n"
        ),
        "{text}"
    );
    let out = moat(
        tmp.path(),
        &["data", "check", "--data", "mini", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["gaps"][0],
        serde_json::json!({
            "chain": "base",
            "weeks_missing": 3,
            "gaps": [{"first": "2024-11-17", "last": "2024-12-01", "weeks": 3}],
        }),
        "{json}"
    );
    assert_eq!(json["gaps"][1]["weeks_missing"], 2, "{json}");
}

/// A text of the form YYYY-MM-DD whose month or day does not exist says which, the same way
/// in a cell, in the manifest's vintage and in `--as-of`.
#[test]
fn a_date_whose_day_or_month_does_not_exist_says_so_everywhere() {
    let text = check_fails(|d| {
        replace(
            &d.join("tvl_weekly.csv"),
            "2024-11-10,base,",
            "2024-13-10,base,",
        );
        replace(
            &d.join("dataset.toml"),
            "vintage = \"2024-12-29\"",
            "vintage = \"2024-02-30\"",
        );
    });
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(" error: ")).collect();
    assert_eq!(
        errors,
        [
            "mini/dataset.toml:9:11: error: vintage \"2024-02-30\" is not a date: February 2024 has 29 days"
        ],
        "{text}"
    );
    let text = check_fails(|d| {
        replace(
            &d.join("tvl_weekly.csv"),
            "2024-11-10,base,",
            "2024-13-10,base,",
        );
    });
    assert!(
        text.starts_with("mini/tvl_weekly.csv:8:1: error: date: \"2024-13-10\" is not a date: there is no month 13: expected a month from 01 to 12\n"),
        "{text}"
    );
    let tmp = broken(|_| {});
    for (bad, why) in [
        ("2026-02-30", "February 2026 has 28 days"),
        (
            "2026-13-01",
            "there is no month 13: expected a month from 01 to 12",
        ),
    ] {
        let out = moat(
            tmp.path(),
            &["data", "show", "base", "--data", "mini", "--as-of", bad],
        );
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("\"{bad}\" is not a date: {why}")),
            "{bad}: {}",
            stderr(&out)
        );
    }
}

/// A line of white space alone (spaces, tabs) is blank, skipped as an empty line is, in a file
/// split at its commas and in one read with quotes alike; a row of one field says "1 field",
/// and one problem more than the limit says "1 more problem".
#[test]
fn a_line_of_white_space_alone_is_blank_and_counts_are_in_words() {
    for quoted in [false, true] {
        let tmp = broken(|d| {
            let path = d.join("tvl_weekly.csv");
            let mut text = fs::read_to_string(&path).unwrap();
            text = text.replacen("\n2024-11-10,base,", "\n   \n2024-11-10,base,", 1);
            text.push_str(" \t \n");
            if quoted {
                text = text.replacen("2024-11-17,base,", "\"2024-11-17\",base,", 1);
            }
            fs::write(&path, text).unwrap();
        });
        let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
        assert_eq!(out.status.code(), Some(0), "{quoted}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("  tvl      tvl_weekly.csv             45 rows"),
            "{}",
            stdout(&out)
        );
    }
    let text = check_fails(|d| {
        replace(
            &d.join("tvl_weekly.csv"),
            "2024-11-10,base,",
            "x\n2024-11-10,base,",
        );
        replace(
            &d.join("tvl_weekly.csv"),
            "2024-11-17,base,",
            "y\n2024-11-17,base,",
        );
    });
    assert!(
        text.contains(
            "mini/tvl_weekly.csv:8:1: error: found 1 field, expected 3 (one per header column); so does 1 more line, line 14\n"
        ),
        "{text}"
    );
    let text = check_fails(|d| {
        let p = d.join("tvl_weekly.csv");
        let mut text = fs::read_to_string(&p).unwrap();
        for i in 0..51 {
            text.push_str(&format!(
                "2025-{:02}-{:02},bsae,1\n",
                i / 28 + 1,
                i % 28 + 1
            ));
        }
        fs::write(p, text).unwrap();
    });
    assert!(
        text.contains("mini/tvl_weekly.csv: error: 1 more problem not shown (limit 50 per file)\n"),
        "{text}"
    );
}

/// `$MOAT_DATA` or `$MOAT_RULES` naming a directory that is not there is an error naming the
/// variable, not only the path (which the user never typed on the command line).
#[test]
fn an_environment_variable_naming_no_directory_is_named() {
    let tmp = broken(|_| {});
    let missing = tmp.path().join("nowhere");
    for (var, what, flag, args) in [
        ("MOAT_DATA", "dataset", "--data", &["data", "check"][..]),
        (
            "MOAT_DATA",
            "dataset",
            "--data",
            &["screen", "--rules", "rules"][..],
        ),
        (
            "MOAT_RULES",
            "rule pack",
            "--rules",
            &["screen", "--data", "mini"][..],
        ),
        (
            "MOAT_RULES",
            "rule pack",
            "--rules",
            &["rules", "check", "--data", "mini"][..],
        ),
    ] {
        let out = moat_env(tmp.path(), args, &[(var, missing.as_os_str())]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "error: ${var} is {}, which does not exist: expected the {what} directory; set ${var} to one, unset it, or pass {flag} DIR\n",
                missing.display()
            ),
            "{args:?}"
        );
    }
}

/// A chains row that cannot be read (a byte that is not UTF-8) is not a chain, so references
/// to its slug are not known: each such problem says the unread record may hold it, rather
/// than claiming a mistake in the referring file.
#[test]
fn a_reference_to_a_chain_on_an_unread_row_says_it_may_be_there() {
    let mut line = 0;
    let text = check_fails(|d| {
        let path = d.join("chains.csv");
        line = line_of(&path, "arbitrum,Arbitrum One");
        let mut bytes = Vec::new();
        for (i, l) in fs::read(&path).unwrap().split(|b| *b == b'\n').enumerate() {
            if i > 0 {
                bytes.push(b'\n');
            }
            bytes.extend_from_slice(l);
            if i + 1 == line {
                bytes.push(0xE9);
            }
        }
        fs::write(&path, bytes).unwrap();
    });
    assert!(text.contains("is not valid UTF-8"), "{text}");
    let unknown: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("\"arbitrum\" is not a known chain"))
        .collect();
    assert!(!unknown.is_empty(), "{text}");
    for l in unknown {
        assert!(
            l.ends_with(&format!(
                "(mini/chains.csv has a record that could not be read as a row, at line {line}, which may hold it)"
            )),
            "{l}"
        );
    }
}

/// Two events giving one attribute of one chain different values on one day: the second
/// changes nothing (the first in file order wins), so it is warned about at its value with the
/// first's line; a token's symbol and its status short of live too. A repeat of the same value,
/// events of other days or chains, a live token beside a statement of the same day (live wins,
/// whatever the order), and a Superchain join and leave of one day (the join wins) are not.
#[test]
fn events_contradicting_each_other_on_one_day_are_warned_about() {
    let mut first = 0;
    let (mut symbol, mut statement) = (0, 0);
    let mut lines = 0;
    let tmp = broken(|d| {
        let path = d.join("events.csv");
        first = line_of(&path, "2024-11-09,arbitrum,stage_observed,1");
        symbol = line_of(&path, "2024-11-09,arbitrum,token_observed,ARB");
        statement = line_of(&path, "2023-08-09,base,no_token_statement");
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str(
            "2024-11-09,arbitrum,stage_change,0,a second source,l2beat-summary-2024-11\n",
        );
        text.push_str(
            "2024-11-09,arbitrum,stage_observed,1,the same again,l2beat-summary-2024-11\n",
        );
        text.push_str("2024-11-10,arbitrum,stage_observed,2,another day,l2beat-summary-2024-11\n");
        text.push_str("2024-11-09,base,superchain_join,,,l2beat-summary-2024-11\n");
        text.push_str("2024-11-09,base,superchain_leave,,,l2beat-summary-2024-11\n");
        text.push_str(
            "2024-11-09,arbitrum,token_observed,ARBX,a second symbol,l2beat-summary-2024-11\n",
        );
        text.push_str(
            "2024-11-09,arbitrum,token_observed,ARB,the same again,l2beat-summary-2024-11\n",
        );
        text.push_str("2023-08-09,base,token_exploration,,a second statement,page-theblock-co\n");
        text.push_str("2023-08-09,base,token_launch,BASE,live beats statements,page-theblock-co\n");
        fs::write(&path, &text).unwrap();
        lines = text.lines().count();
    });
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let warnings: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(" warning: this event gives"))
        .collect();
    let why = "on one day the first in file order is used, so this one changes nothing; expected one value a day (keep the row the sources support, and mark a disagreement with CONFLICT in its note)";
    assert_eq!(
        warnings,
        [
            format!(
                "mini/events.csv:{}:34: warning: this event gives the chain's stage the value \"0\" on the day the event at line {first} gives it \"1\": {why}",
                lines - 8
            ),
            format!(
                "mini/events.csv:{}:36: warning: this event gives the chain's token the value \"ARBX\" on the day the event at line {symbol} gives it \"ARB\": {why}",
                lines - 3
            ),
            format!(
                "mini/events.csv:{}:35: warning: this event gives the chain's token status the value \"exploring\" on the day the event at line {statement} gives it \"none\": {why}",
                lines - 1
            ),
        ],
        "{err}"
    );
}

/// A metric row whose unit is not the one its metric is counted in is read as if it were: a
/// warning at the unit names the metric's unit; rows of the right unit are not warned about.
#[test]
fn a_metric_row_of_another_unit_is_warned_about_at_its_unit() {
    let mut at = (0, 0);
    let tmp = broken(|d| {
        let path = d.join("metrics_daily.csv");
        let needle = "2024-11-25,arbitrum,txcost_median_usd,0.010201116846622714,USD/tx";
        at.0 = line_of(&path, needle);
        at.1 = needle.len() - "USD/tx".len() + 1;
        replace(
            &path,
            needle,
            "2024-11-25,arbitrum,txcost_median_usd,0.010201116846622714,USD",
        );
    });
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let warnings: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(" warning: unit:"))
        .collect();
    assert_eq!(
        warnings,
        [format!(
            "mini/metrics_daily.csv:{}:{}: warning: unit: \"USD\" is not what txcost_median_usd is counted in: its values are read as USD/tx; expected \"USD/tx\" (or the value converted to it)",
            at.0, at.1
        )],
        "{err}"
    );
}

/// `data check --format json` on a dataset that does not load writes its problems to stdout as
/// JSON (a program reads them there), the text on stderr as always, and exits 2.
#[test]
fn data_check_json_gives_the_problems_of_a_bad_dataset_as_json() {
    let tmp = broken(|d| {
        let path = d.join("tvl_weekly.csv");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replacen(",base,", ",bsae,", 1)).unwrap();
    });
    let out = moat(
        tmp.path(),
        &["data", "check", "--data", "mini", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["valid"], false, "{doc}");
    let problems = doc["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{doc}");
    assert_eq!(problems[0]["file"], "mini/tvl_weekly.csv");
    assert!(problems[0]["line"].as_u64().unwrap() > 1, "{doc}");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("chain: \"bsae\" is not a known chain"),
        "{doc}"
    );
    assert_eq!(
        doc["summary"],
        "1 problem found; the dataset was not loaded"
    );
    assert!(
        stderr(&out).contains("error: chain: \"bsae\""),
        "{}",
        stderr(&out)
    );
}

/// Whatever stops a dataset from loading, `data check --format json` says so as JSON on stdout,
/// `"valid"` telling the two documents apart: a directory that is not there is a problem at its
/// manifest, and a valid dataset's summary starts with `"valid": true`.
#[test]
fn data_check_json_says_valid_or_not() {
    let tmp = tempfile::tempdir().unwrap();
    let out = moat(
        tmp.path(),
        &["data", "check", "--data", "nowhere", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["valid"], false, "{doc}");
    assert_eq!(doc["problems"][0]["file"], "nowhere/dataset.toml", "{doc}");
    let message = doc["problems"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("cannot read the dataset manifest"),
        "{doc}"
    );
    assert_eq!(
        doc["summary"],
        "1 problem found; the dataset was not loaded"
    );

    let out = moat(
        tmp.path(),
        &[
            "data",
            "check",
            "--data",
            &repo().join("datasets/l2").display().to_string(),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("{\n  \"valid\": true,\n"), "{text}");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(doc["screened"].as_u64().unwrap() > 0, "{doc}");
}
