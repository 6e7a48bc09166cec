//! What a user sees: every screen format, an explanation and a chain's features on the fixture,
//! compared whole with their snapshots (tests/cli/snapshots/); the table fitting a terminal's
//! width; colour only on a terminal or when asked; output that does not depend on the working
//! directory; stamps that change with the data; shell completions; the defaults' notes.

use super::*;

fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = moat(dir, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

const SCREEN: &[&str] = &["screen", "--data", "mini", "--rules", "rules"];

fn screen_in(dir: &Path, extra: &[&str]) -> String {
    let mut args = SCREEN.to_vec();
    args.extend_from_slice(extra);
    run_ok(dir, &args)
}

#[test]
fn every_screen_format_on_the_fixture() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    insta::assert_snapshot!("screen_table", screen_in(dir, &[]));
    insta::assert_snapshot!(
        "screen_table_colour",
        screen_in(dir, &["--color", "always"])
    );
    insta::assert_snapshot!("screen_json", screen_in(dir, &["--format", "json"]));
    insta::assert_snapshot!("screen_csv", screen_in(dir, &["--format", "csv"]));
    insta::assert_snapshot!("screen_markdown", screen_in(dir, &["--format", "markdown"]));
    insta::assert_snapshot!(
        "screen_sector_only",
        screen_in(dir, &["--only", "sector_moats"])
    );
}

/// A table written with `--out` is the table stdout shows in a pipe: no colour, unless asked
/// for with `--color always` (as on stdout).
#[test]
fn a_table_written_to_a_file_is_in_colour_only_when_asked() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    let piped = screen_in(dir, &[]);
    let written = |extra: &[&str]| {
        let mut args = vec!["--out", "t.txt"];
        args.extend_from_slice(extra);
        let out = moat(dir, &[SCREEN, &args[..]].concat());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        fs::read_to_string(dir.join("t.txt")).unwrap()
    };
    assert!(!piped.contains('\x1b'));
    // Without a terminal the table takes its natural width, piped or written.
    assert_eq!(written(&[]), piped);
    assert_eq!(written(&["--color", "never"]), piped);
    assert_eq!(written(&["--color", "auto"]), piped);
    assert_eq!(
        written(&["--color", "always"]),
        screen_in(dir, &["--color", "always"])
    );
}

#[test]
fn explain_and_data_show_on_the_fixture() {
    let tmp = screen_dir(&[]);
    let dir = tmp.path();
    let common = ["--data", "mini", "--rules", "rules"];
    let with = |head: &[&str]| {
        let mut args = head.to_vec();
        args.extend_from_slice(&common);
        run_ok(dir, &args)
    };
    insta::assert_snapshot!("explain_base", with(&["explain", "base"]));
    insta::assert_snapshot!(
        "explain_base_json",
        with(&[
            "explain",
            "base",
            "--rule",
            "token_existence",
            "--format",
            "json"
        ])
    );
    insta::assert_snapshot!("data_show_base", with(&["data", "show", "base"]));
}

/// Run `moat` on a pseudo-terminal `columns` wide (util-linux `script`), as a user would.
fn on_terminal(dir: &Path, args: &[&str], columns: usize) -> String {
    let command = std::iter::once(env!("CARGO_BIN_EXE_moat").to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("stty rows 50 cols {columns}; {command}"),
            "/dev/null",
        ])
        .current_dir(dir)
        .env_remove("MOAT_DATA")
        .env_remove("MOAT_RULES")
        .env_remove("COLUMNS")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

#[test]
fn the_table_fits_the_terminal_and_a_pipe_gets_whole_rows() {
    let shipped = ["screen", "--data", "datasets/l2", "--rules", "rules"];
    let text = on_terminal(&repo(), &shipped, 100);
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    assert!(
        text.contains('…'),
        "reasons are cut with an ellipsis:\n{text}"
    );
    assert!(
        text.contains("\nrules: "),
        "shortened rule headers have a legend:\n{text}"
    );
    assert!(!text.contains('\x1b'), "NO_COLOR wins on a terminal");

    // Piped: whole rows (longer than 100 columns), no colour.
    let piped = run_ok(&repo(), &shipped);
    assert!(piped.lines().any(|l| l.chars().count() > 100));
    assert!(!piped.contains('…') && !piped.contains('\x1b'));
    // Asked for: colour in a pipe.
    let mut always = shipped.to_vec();
    always.extend(["--color", "always"]);
    assert!(run_ok(&repo(), &always).contains("\x1b["));
}

#[test]
fn json_does_not_depend_on_the_working_directory() {
    let tmp = screen_dir(&[]);
    let inside = run_ok(
        tmp.path(),
        &[
            "screen", "--data", "mini", "--rules", "rules", "--format", "json",
        ],
    );
    let data = tmp.path().join("mini").display().to_string();
    let rules = tmp.path().join("rules").display().to_string();
    let outside = run_ok(
        &repo(),
        &[
            "screen", "--data", &data, "--rules", &rules, "--format", "json",
        ],
    );
    assert!(
        inside == outside,
        "JSON differs between working directories"
    );
    assert!(!inside.contains(&tmp.path().display().to_string()));
}

#[test]
fn one_changed_cell_changes_the_stamps() {
    let stamps = |edit: &dyn Fn(&Path)| {
        let tmp = screen_dir(&[]);
        edit(&tmp.path().join("mini"));
        let json: serde_json::Value = serde_json::from_str(&screen_in(
            tmp.path(),
            &["--format", "json", "--only", "traction"],
        ))
        .unwrap();
        json["stamps"].clone()
    };
    let plain = stamps(&|_| {});
    let changed = stamps(&|d| {
        replace(
            &d.join("tvl_weekly.csv"),
            "2024-12-29,base,",
            "2024-12-29,base,1",
        )
    });
    let noted = stamps(&|d| {
        replace(
            &d.join("sources.csv"),
            "emissions-adapters",
            "emissions adapters",
        )
    });
    assert_ne!(plain["dataset_hash"], changed["dataset_hash"]);
    assert_ne!(plain["dataset_hash"], noted["dataset_hash"]);
    assert_eq!(plain["rule_pack_hash"], changed["rule_pack_hash"]);
    assert_eq!(plain["moat_version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn completions_are_generated_for_the_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let script = run_ok(&repo(), &["completions", shell]);
        assert!(
            script.contains("screen") && script.contains("as-of"),
            "{shell}"
        );
    }
}

#[test]
fn a_fallback_to_the_shipped_copies_is_noted_and_never_written_to() {
    let empty = tempfile::tempdir().unwrap();
    let out = moat(empty.path(), &["rules", "list"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).starts_with("note: using the rule pack shipped with moat (")
            && stderr(&out).contains(
                "): no --rules was given, $MOAT_RULES is not set and ./rules does not exist\n"
            ),
        "{}",
        stderr(&out)
    );
    let out = moat(empty.path(), &["rules", "new", "my_rule"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: no rule pack to add `my_rule` to: pass --rules DIR, set $MOAT_RULES, or run moat where ./rules holds screen.toml"),
        "{}",
        stderr(&out)
    );
    assert!(!repo().join("rules/my_rule.rhai").exists());
}

/// A reason with a newline (and a line separator, bounded to `�`) keeps its row whole, piped
/// or on a terminal, with colour or without.
#[test]
fn a_table_row_is_one_line_whatever_the_reason_holds() {
    for extra in [&[][..], &["--color", "always"]] {
        let text = super::screen::hostile_screen("table", extra);
        let row = text
            .lines()
            .find(|l| l.starts_with("base"))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(
            row.contains("[link](javascript:alert(1)) next line"),
            "{text}"
        );
        assert!(row.ends_with("\u{fffd}end"), "{text}");
        assert!(!text.lines().any(|l| l.starts_with("next line")), "{text}");
    }
}

/// A test case's name with a window-title sequence, a bell, a clear-screen sequence and a
/// right-to-left override is refused where it is written, and none of them reaches the
/// terminal, with colour asked for.
#[test]
fn rules_test_writes_no_escape_sequence_of_a_case_name() {
    let tmp = screen_dir(&[]);
    let tests = tmp.path().join("rules/tests");
    fs::create_dir_all(&tests).unwrap();
    fs::write(
        tests.join("evil.toml"),
        r#"[[case]]
name = "evil \u001b]0;TITLE\u0007 \u001b[2J \u202eRTL"
rule = "differentiation"
chain = "base"
as_of = "2024-12-29"
expect = "ERROR"
"#,
    )
    .unwrap();
    let out = moat(
        tmp.path(),
        &[
            "rules", "test", "--data", "mini", "--rules", "rules", "--color", "always",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let text = anstream::adapter::strip_str(&stderr(&out)).to_string();
    assert!(
        text.contains("rules/tests/evil.toml:2:8: error: `name` holds the character U+001B: a case's text is plain text on one line"),
        "{text}"
    );
    assert!(!text.contains(['\x1b', '\x07', '\u{202e}']), "{text:?}");
    assert!(stdout(&out).is_empty());
}
