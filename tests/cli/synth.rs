//! `moat data synth`: valid, deterministic synthetic datasets.

use super::*;

fn synth(dir: &Path, out: &str, seed: &str) -> Output {
    moat(
        dir,
        &[
            "data", "synth", "--chains", "120", "--weeks", "80", "--seed", seed, "--out", out,
        ],
    )
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_synthetic_dataset_is_valid_screens_and_is_the_same_for_a_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = synth(dir, "a", "7");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("wrote a: 120 chains, "),
        "{}",
        stdout(&out)
    );
    let check = moat(dir, &["data", "check", "--data", "a", "--format", "json"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let summary: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(summary["chains"]["L2"], 96);
    assert_eq!(summary["chains"]["L3"], 24);
    assert!(summary["screened"].as_u64().unwrap() >= 100);
    let screen = moat(
        dir,
        &[
            "screen",
            "--data",
            "a",
            "--rules",
            &repo().join("rules").display().to_string(),
        ],
    );
    assert!(
        matches!(screen.status.code(), Some(0 | 1)),
        "{}",
        stderr(&screen)
    );

    assert_eq!(synth(dir, "b", "7").status.code(), Some(0));
    assert_eq!(
        files(&dir.join("a")),
        files(&dir.join("b")),
        "same seed, same bytes"
    );
    assert_eq!(synth(dir, "c", "8").status.code(), Some(0));
    assert_ne!(
        files(&dir.join("a")),
        files(&dir.join("c")),
        "another seed, other data"
    );
}

/// Over ten years a chain's random walk wandered past any real amount: seed 21's 300 chains
/// reached $1.8 quadrillion, which `data check` refuses. A chain's drift fades as it ages, and
/// no walk passes $1 trillion.
#[test]
fn a_long_synthetic_history_stays_within_real_amounts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = moat(
        dir,
        &[
            "data", "synth", "--chains", "300", "--weeks", "520", "--seed", "21", "--out", "d",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let check = moat(dir, &["data", "check", "--data", "d"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let tvl = fs::read_to_string(dir.join("d/tvl_weekly.csv")).unwrap();
    let largest = tvl
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse::<f64>().unwrap())
        .fold(0.0, f64::max);
    assert!(largest <= 1e12, "largest TVL {largest}");
    assert!(largest > 1e9, "the heavy tail is still there: {largest}");
}

#[test]
fn synth_never_replaces_a_directory() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("mine")).unwrap();
    fs::write(tmp.path().join("mine/keep.txt"), "data").unwrap();
    let out = synth(tmp.path(), "mine", "1");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: mine already exists: moat data synth writes a new directory and never replaces one\n"
    );
    assert_eq!(
        fs::read_to_string(tmp.path().join("mine/keep.txt")).unwrap(),
        "data"
    );
    let entries: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "no temporary directory left behind");
}

/// The smallest datasets are valid too: with one to three chains there is no link (one per four
/// chains) and often no metric, and those tables are written as a header only, which loads.
#[test]
fn a_synthetic_dataset_of_one_to_three_chains_is_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let rules = repo().join("rules").display().to_string();
    for chains in ["1", "2", "3"] {
        for weeks in ["1", "3"] {
            let out = format!("s-{chains}-{weeks}");
            let synth = moat(
                dir,
                &[
                    "data", "synth", "--chains", chains, "--weeks", weeks, "--seed", "1", "--out",
                    &out,
                ],
            );
            assert_eq!(synth.status.code(), Some(0), "{}", stderr(&synth));
            let check = moat(dir, &["data", "check", "--data", &out]);
            assert_eq!(check.status.code(), Some(0), "{out}: {}", stderr(&check));
            let screen = moat(dir, &["screen", "--data", &out, "--rules", &rules]);
            assert!(
                matches!(screen.status.code(), Some(0 | 1)),
                "{out}: {}",
                stderr(&screen)
            );
        }
    }
}

#[test]
fn synth_refuses_sizes_it_cannot_write_before_writing() {
    let tmp = tempfile::tempdir().unwrap();
    for (chains, weeks, expected) in [
        ("10", "10001", "--weeks 10001: expected at most 10000"),
        (
            "18446744073709551615",
            "2",
            "--chains 18446744073709551615: expected at most 1000000",
        ),
        (
            "1000000",
            "101",
            "--chains 1000000 --weeks 101: 101000000 weekly TVL points, expected at most 100000000",
        ),
        ("0", "10", "must be at least 1"),
    ] {
        let out = moat(
            tmp.path(),
            &[
                "data", "synth", "--chains", chains, "--weeks", weeks, "--out", "big",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{chains}x{weeks}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
        assert!(!tmp.path().join("big").exists());
    }
}
