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
        "error: ethereum is an L1 context chain: it is never screened, so it has no features and no verdicts\n"
    );
}
