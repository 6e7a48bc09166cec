//! The pull as a library call: what happens when the staged dataset fails validation (the
//! CLI passes `moat data check`'s checks, which the served data cannot be made to fail).

use super::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Serve L2BEAT's recorded summary excerpt to every request, on 127.0.0.1.
fn server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let body = include_str!("../../tests/fixtures/api/l2beat_scaling_summary_2024-11_excerpt.json");
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

fn copy_of_mini() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mini");
    std::fs::create_dir(&dir).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for entry in std::fs::read_dir(fixture).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    (tmp, dir)
}

fn bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_staged_dataset_that_does_not_validate_is_not_swapped_in() {
    let (tmp, dir) = copy_of_mini();
    let before = bytes(&dir);
    let options = PullOptions {
        sources: Sources::L2beat,
        l2beat_base: server(),
        ..PullOptions::default()
    };
    let seen = std::cell::Cell::new(false);
    let reject = |staged: &Path| -> crate::Result<()> {
        // The staged copy holds the observations the pull wrote.
        let events = std::fs::read_to_string(staged.join("events.csv")).unwrap();
        seen.set(events.contains(",arbitrum,stack_observed,arbitrum_orbit,"));
        Err(crate::Error::messages(
            &["staged/events.csv:40:1: something is wrong".to_string()],
            "1 problem found",
        ))
    };
    let e = pull(&dir, &options, &reject, &Silent).unwrap_err();
    assert!(seen.get(), "validation saw the staged data");
    let dir = std::fs::canonicalize(&dir).unwrap();
    assert_eq!(
        e.to_string(),
        format!(
            "error: staged/events.csv:40:1: something is wrong\n1 problem found; the pulled data does not make a valid dataset, so the dataset in {} was not changed",
            dir.display()
        )
    );
    assert_eq!(bytes(&dir), before);
    let beside: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("moat-pull-"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn a_pull_that_validates_is_swapped_in() {
    let (_tmp, dir) = copy_of_mini();
    let options = PullOptions {
        sources: Sources::L2beat,
        l2beat_base: server(),
        ..PullOptions::default()
    };
    let accept = |staged: &Path| -> crate::Result<()> { crate::load_dataset(staged).map(|_| ()) };
    let summary = pull(&dir, &options, &accept, &Silent).unwrap();
    assert_eq!(summary.chains_updated, vec!["arbitrum", "degen"]);
    // arbitrum: stack, DA, proof system (stage 1 and ARB were known); degen: the same three.
    assert_eq!(summary.new_observations, 6);
    assert_eq!(summary.new_points, 0);
    let events = std::fs::read_to_string(dir.join("events.csv")).unwrap();
    assert!(events.contains(",degen,da_observed,dac,"), "{events}");
}
