//! Integration tests, one binary: the real `moat` binary on fixture datasets and rule packs. Error tests
//! break a copy of the small fixture (tests/fixtures/mini, a real subset of datasets/l2) one
//! way each and compare the whole message and the exit code.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A temporary copy of the mini dataset at `<tmp>/mini`, edited by `edit`.
pub fn broken(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
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

pub fn replace(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

pub fn moat(dir: &Path, args: &[&str]) -> Output {
    moat_env(dir, args, &[])
}

/// [`moat`] with the environment variables `env` set (`$MOAT_DATA` and `$MOAT_RULES` are unset
/// unless `env` sets them).
pub fn moat_env(dir: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(args)
        .current_dir(dir)
        .env_remove("MOAT_DATA")
        .env_remove("MOAT_RULES")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Run `data check` on a broken copy, assert exit 2 and nothing on stdout, and return the
/// whole error text (which each test compares with its snapshot).
pub fn check_fails(edit: impl FnOnce(&Path)) -> String {
    let tmp = broken(edit);
    let out = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(out.status.code(), Some(2), "exit code");
    assert_eq!(stdout(&out), "", "nothing on stdout for a bad dataset");
    stderr(&out)
}

pub fn line_of(path: &Path, needle: &str) -> usize {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap()
        + 1
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temp dir holding `mini/` (the fixture dataset) and `rules/` (the shipped rule pack) plus
/// any extra rules given as (id, body); each extra rule gets a screen.toml entry.
pub fn screen_dir(extra: &[(&str, &str)]) -> tempfile::TempDir {
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
        fs::write(rules.join(format!("{id}.rhai")), format!("{header}{body}")).unwrap();
        screen.push_str(&format!("\n[rules.{id}]\nweight = 1.0\n"));
    }
    fs::write(rules.join("screen.toml"), screen).unwrap();
    tmp
}

pub fn screen_json(dir: &Path, extra_args: &[&str]) -> (serde_json::Value, Output) {
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
pub fn verdict<'a>(json: &'a serde_json::Value, chain: &str, rule: &str) -> &'a serde_json::Value {
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

mod data;
mod doc_explain;
mod history;
mod lookahead;
mod memo;
mod pull;
mod rule_api;
mod rules_check;
mod rules_test;
mod sandbox;
mod screen;
mod synth;
mod terminal;
mod trust;
