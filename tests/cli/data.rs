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
    insta::assert_snapshot!(check_fails(|d| fs::remove_file(d.join("speed.csv")).unwrap()), @"
    mini/speed.csv: error: file not found (named in dataset.toml)
    1 problem found; the dataset was not loaded
    ");
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
    mini/tvl_weekly.csv:8:1: error: date: "2024-11-31" is not a date: expected a date YYYY-MM-DD
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
    mini/ecosystem_links.csv: error: the file is empty: expected a header line and data rows
    1 problem found; the dataset was not loaded
    ");
}

#[test]
fn header_only_file_is_an_error() {
    insta::assert_snapshot!(check_fails(|d| {
            fs::write(
                d.join("speed.csv"),
                "chain,block_time_s,preconf_latency_ms,asof,note,source\n",
            )
            .unwrap()
        }), @"
    mini/speed.csv: error: the file has no data rows: expected a chain's block time / preconfirmation latency according to one source
    1 problem found; the dataset was not loaded
    ");
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
fn mkfifo(path: &Path) {
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

/// Problems are found column by column, and the first 50 of a file are listed: with 60 rows
/// that each have a bad date and an unknown chain, the 50 listed are dates, and the other 70
/// are counted.
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
    assert_eq!(text.matches(": error: date: ").count(), 50, "{text}");
    assert!(!text.contains("chain:"), "{text}");
    assert!(
        text.ends_with(
            "mini/tvl_weekly.csv: error: 70 more problems not shown (limit 50 per file)\n120 problems found; the dataset was not loaded\n"
        ),
        "{text}"
    );
}
