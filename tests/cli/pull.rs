//! `moat data pull` against an HTTP server started inside each test on 127.0.0.1, serving
//! responses in DefiLlama's and L2BEAT's documented shapes (no test reaches the internet). A
//! copy of the mini fixture is the dataset pulled into; failures must leave every one of its
//! bytes as it was.

use super::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the test server answers to one request.
enum Reply {
    Status(u16, Vec<(&'static str, String)>, String),
    /// Accept the request and answer nothing for this long, then close.
    Stall(Duration),
}

fn ok(body: String) -> Reply {
    Reply::Status(200, vec![], body)
}

type Handler = dyn Fn(&str, usize) -> Reply + Send + Sync;

/// A tiny HTTP/1.1 server on 127.0.0.1 (one thread per connection, `Connection: close`); the
/// handler gets the path and how many times that path was asked before.
struct Server {
    base: String,
    log: Arc<Mutex<Vec<(String, Instant)>>>,
    /// The User-Agent headers received.
    agents: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(handler: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let agents: Arc<Mutex<Vec<String>>> = Arc::default();
        let (server_log, server_agents) = (log.clone(), agents.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (log, handler) = (server_log.clone(), handler.clone());
                let agents = server_agents.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut first = String::new();
                    if reader.read_line(&mut first).is_err() {
                        return;
                    }
                    loop {
                        let mut line = String::new();
                        match reader.read_line(&mut line) {
                            Ok(0) | Err(_) => break,
                            Ok(_) if line == "\r\n" => break,
                            Ok(_) => {
                                if let Some((k, v)) = line.split_once(':')
                                    && k.eq_ignore_ascii_case("user-agent")
                                {
                                    agents.lock().unwrap().push(v.trim().to_string());
                                }
                            }
                        }
                    }
                    let path = first.split(' ').nth(1).unwrap_or("").to_string();
                    let nth = {
                        let mut log = log.lock().unwrap();
                        let n = log.iter().filter(|(p, _)| *p == path).count();
                        log.push((path.clone(), Instant::now()));
                        n
                    };
                    match handler(&path, nth) {
                        Reply::Stall(d) => std::thread::sleep(d),
                        Reply::Status(code, headers, body) => {
                            let mut head = format!(
                                "HTTP/1.1 {code} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                                reason(code),
                                body.len()
                            );
                            for (k, v) in headers {
                                head.push_str(&format!("{k}: {v}\r\n"));
                            }
                            head.push_str("\r\n");
                            let _ = stream.write_all(head.as_bytes());
                            let _ = stream.write_all(body.as_bytes());
                        }
                    }
                });
            }
        });
        Server { base, log, agents }
    }

    fn requests(&self, path: &str) -> Vec<Instant> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, t)| *t)
            .collect()
    }

    fn args(&self) -> Vec<String> {
        vec![
            "--base-url".into(),
            format!("defillama={}", self.base),
            "--base-url".into(),
            format!("l2beat={}", self.base),
        ]
    }
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Other",
    }
}

/// DefiLlama names of the mini fixture's chains and the daily TVL the server gives them.
const CHAINS: &[(&str, f64)] = &[
    ("Arbitrum", 2.0e9),
    ("Base", 3.0e9),
    ("OP Mainnet", 8.0e8),
    ("ZKsync Era", 1.0e8),
    ("Degen", 1.0e6),
];

/// Days served: 2024-12-23 .. 2025-01-14, so weeks ending 2024-12-29 (already in the fixture),
/// 2025-01-05, 2025-01-12 and 2025-01-19 (its last day served is 2025-01-14).
fn history(chain: &str) -> String {
    let base = CHAINS.iter().find(|(n, _)| *n == chain).unwrap().1;
    let start = 1734912000; // 2024-12-23 00:00 UTC
    let points: Vec<_> = (0..23)
        .map(|i| json!({"date": start + i * 86400, "tvl": base + (i as f64) * 1000.0 + 0.4}))
        .collect();
    serde_json::to_string(&points).unwrap()
}

/// The served value of `chain`'s last day (2025-01-14, day 22), as written (whole USD).
fn last_value(chain: &str) -> String {
    let base = CHAINS.iter().find(|(n, _)| *n == chain).unwrap().1;
    format!("{:.0}", base + 22.0 * 1000.0)
}

fn chain_list(names: &[&str]) -> String {
    let mut list: Vec<_> = names
        .iter()
        .map(|n| {
            json!({"gecko_id": null, "tvl": CHAINS.iter().find(|(c, _)| c == n).unwrap().1,
                   "tokenSymbol": null, "cmcId": null, "name": n, "chainId": null})
        })
        .collect();
    list.push(json!({"gecko_id": "solana", "tvl": 9.0e9, "tokenSymbol": "SOL", "cmcId": "5426", "name": "Solana", "chainId": null}));
    serde_json::to_string(&list).unwrap()
}

/// L2BEAT's summary in its 2024 shape: the recorded excerpt (arbitrum, degen) plus base (now
/// on the OP Stack per its provider), optimism (a provider moat does not know) and a chain the
/// dataset does not know.
fn summary() -> String {
    let text =
        fs::read_to_string(fixture("api/l2beat_scaling_summary_2024-11_excerpt.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let project = |id: &str, name: &str, provider: &str, stage: &str| {
        json!({"id": id, "name": name, "slug": id, "type": "layer2", "category": "Optimistic Rollup",
               "provider": provider, "purposes": ["Universal"], "isArchived": false,
               "isUpcoming": false, "isUnderReview": false,
               "badges": [{"category": "DA", "name": "EthereumBlobs"}],
               "tvs": {"breakdown": {"total": 1.0e9, "ether": 0, "stablecoin": 0, "associated": 0},
                       "associatedTokens": [], "change7d": 0.0},
               "stage": stage,
               "risks": [{"name": "State Validation", "value": "Fraud proofs (INT)", "sentiment": "warning", "description": "d"}]})
    };
    let projects = doc["projects"].as_object_mut().unwrap();
    projects.insert(
        "base".into(),
        project("base", "Base", "OP Stack", "Stage 1"),
    );
    projects.insert(
        "optimism".into(),
        project("optimism", "OP Mainnet", "Fancy Stack", "Stage 1"),
    );
    projects.insert(
        "newchain".into(),
        project("newchain", "New Chain", "OP Stack", "Stage 0"),
    );
    serde_json::to_string(&doc).unwrap()
}

/// The server a full pull talks to; `zksync` says whether DefiLlama still lists ZKsync Era.
fn normal(path: &str, zksync: bool) -> Reply {
    match path {
        "/api/scaling/summary" => ok(summary()),
        "/v2/chains" if zksync => ok(chain_list(&CHAINS.iter().map(|c| c.0).collect::<Vec<_>>())),
        "/v2/chains" => ok(chain_list(&["Arbitrum", "Base", "OP Mainnet", "Degen"])),
        _ => match path.strip_prefix("/v2/historicalChainTvl/") {
            Some(name) => match CHAINS.iter().find(|(n, _)| n.replace(' ', "%20") == name) {
                Some((n, _)) => ok(history(n)),
                None => Reply::Status(404, vec![], "{}".into()),
            },
            None => Reply::Status(404, vec![], "{}".into()),
        },
    }
}

fn pull(tmp: &Path, server: &Server, extra: &[&str]) -> Output {
    let mut args: Vec<String> = ["data", "pull", "--data", "mini"]
        .map(String::from)
        .to_vec();
    args.extend(server.args());
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    moat(tmp, &args)
}

/// Every file under `dir` with its bytes (paths relative to `dir`), the lock file aside.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            if rel.ends_with(".moat-pull.lock") {
                continue;
            }
            if path.is_dir() {
                out.insert(format!("{rel}/"), vec![]);
                walk(root, &path, out);
            } else {
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Names in `dir` that a pull leaves only when interrupted.
fn stray(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".moat-pull-"))
        .collect()
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// The message with the test's variable parts replaced: server address, temp dir, today, and
/// the jittered wait before a retry.
fn normalized(text: &str, server: &Server, tmp: &Path) -> String {
    let tmp = fs::canonicalize(tmp).unwrap();
    let text = text
        .replace(&server.base, "http://[SERVER]")
        .replace(&tmp.display().to_string(), "[TMP]")
        .replace(&today(), "[TODAY]");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("retrying in ") {
        let (head, tail) = rest.split_at(i + "retrying in ".len());
        out.push_str(head);
        out.push_str("[WAIT]");
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    }
    out.push_str(rest);
    out
}

/// A failed pull: exit 2, nothing on stdout, every byte of the dataset (and of the directory
/// around it) as before, no stray directory; returns stderr.
fn fails_unchanged(server: &Server, extra: &[&str]) -> String {
    let tmp = broken(|_| {});
    let before = files(tmp.path());
    let out = pull(tmp.path(), server, extra);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(files(tmp.path()), before, "the dataset changed");
    assert!(stray(tmp.path()).is_empty());
    normalized(&stderr(&out), server, tmp.path())
}

#[test]
fn a_full_pull_yields_a_valid_dataset_whose_newest_points_are_the_served_ones() {
    let server = Server::start(|path, _| normal(path, false));
    let tmp = broken(|_| {});
    let old_tvl = fs::read(tmp.path().join("mini/tvl_weekly.csv")).unwrap();
    let old_events = fs::read(tmp.path().join("mini/events.csv")).unwrap();
    let out = pull(tmp.path(), &server, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stray(tmp.path()).is_empty());

    let check = moat(tmp.path(), &["data", "check", "--data", "mini"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(stdout(&check).contains(&format!("vintage {}\n", today())));

    // Old rows are kept byte for byte; the new weekly points follow them.
    let tvl = fs::read_to_string(tmp.path().join("mini/tvl_weekly.csv")).unwrap();
    assert!(tvl.as_bytes().starts_with(&old_tvl));
    let added = &tvl[old_tvl.len()..];
    assert_eq!(added.lines().count(), 12, "{added}");
    for (chain, slug) in [
        ("Arbitrum", "arbitrum"),
        ("Base", "base"),
        ("OP Mainnet", "optimism"),
        ("Degen", "degen"),
    ] {
        assert!(added.contains(&format!("2025-01-05,{slug},")), "{added}");
        assert!(
            added.contains(&format!("2025-01-19,{slug},{}\n", last_value(chain))),
            "{added}"
        );
    }
    assert!(
        !added.contains("zksync-era"),
        "DefiLlama no longer lists ZKsync Era"
    );

    let events = fs::read_to_string(tmp.path().join("mini/events.csv")).unwrap();
    assert!(events.as_bytes().starts_with(&old_events));
    let key = format!("l2beat-pull-{}", today());
    insta::assert_snapshot!(normalized(&events[old_events.len()..], &server, tmp.path()), @r#"
    [TODAY],arbitrum,stack_observed,arbitrum_orbit,"L2BEAT scaling summary: provider ""Arbitrum""",l2beat-pull-[TODAY]
    [TODAY],arbitrum,da_observed,ethereum_blobs,"L2BEAT scaling summary: DA badges ""EthereumBlobs""",l2beat-pull-[TODAY]
    [TODAY],arbitrum,proof_system_observed,fraud,"L2BEAT scaling summary: State Validation risk ""Fraud proofs (INT)""",l2beat-pull-[TODAY]
    [TODAY],base,stack_observed,op_stack,"L2BEAT scaling summary: provider ""OP Stack""",l2beat-pull-[TODAY]
    [TODAY],degen,stack_observed,arbitrum_orbit,"L2BEAT scaling summary: provider ""Arbitrum""",l2beat-pull-[TODAY]
    [TODAY],degen,da_observed,dac,"L2BEAT scaling summary: DA badges ""DAC""",l2beat-pull-[TODAY]
    [TODAY],degen,proof_system_observed,fraud,"L2BEAT scaling summary: State Validation risk ""Fraud proofs (INT)""",l2beat-pull-[TODAY]
    [TODAY],optimism,da_observed,ethereum_blobs,"L2BEAT scaling summary: DA badges ""EthereumBlobs""",l2beat-pull-[TODAY]
    [TODAY],optimism,proof_system_observed,fraud,"L2BEAT scaling summary: State Validation risk ""Fraud proofs (INT)""",l2beat-pull-[TODAY]
    "#);
    let sources = fs::read_to_string(tmp.path().join("mini/sources.csv")).unwrap();
    assert!(
        sources.contains(&format!(
            "\n{key},\"L2BEAT {}/api/scaling/summary, retrieved ",
            server.base
        )),
        "{sources}"
    );
    let readme = fs::read_to_string(tmp.path().join("mini/README.md")).unwrap();
    assert!(readme.contains("## Pulls"), "{readme}");

    let text = normalized(&stdout(&out), &server, tmp.path());
    let (first, rest) = text.split_once('\n').unwrap();
    assert!(first.starts_with("pulled into [TMP]/mini in "), "{first}");
    insta::assert_snapshot!(rest, @r#"
    chains updated: 4 (arbitrum, base, degen, optimism)
    new weekly TVL points: 12, 2025-01-05 .. 2025-01-19
      4 points already in the dataset differ from what DefiLlama serves now; kept as they were
    new observations: 9
    unknown chains: 1 in L2BEAT, 1 in DefiLlama
      L2BEAT (not added; --add-new adds them): newchain (New Chain)
      DefiLlama (no chain of the dataset has this defillama_name; largest TVL first): Solana
    chains the sources no longer have (their data is kept):
      DefiLlama: zksync-era
      L2BEAT: zksync-era
    not mapped: optimism: provider "Fancy Stack" is not in moat's vocabulary; no stack_observed written
    TVS: read for 5 projects, not stored (the format has no dated TVS column)
    sources added: defillama-pull-[TODAY], l2beat-pull-[TODAY]
    vintage: 2024-12-29 -> [TODAY]
    "#);

    // Every request said who asked.
    let agents = server.agents.lock().unwrap().clone();
    assert_eq!(agents.len(), 6);
    assert!(
        agents
            .iter()
            .all(|a| *a == format!("moat/{}", env!("CARGO_PKG_VERSION"))),
        "{agents:?}"
    );

    // A second pull the same day finds nothing new.
    let again = pull(tmp.path(), &server, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let text = stdout(&again);
    assert!(text.contains("\nnew weekly TVL points: 0\n"), "{text}");
    assert!(text.contains("\nnew observations: 0\n"), "{text}");
}

#[test]
fn a_500_then_a_200_is_retried_and_succeeds() {
    let server = Server::start(|path, nth| {
        if path == "/v2/historicalChainTvl/Base" && nth == 0 {
            return Reply::Status(500, vec![], "oops".into());
        }
        normal(path, true)
    });
    let tmp = broken(|_| {});
    let out = pull(tmp.path(), &server, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(server.requests("/v2/historicalChainTvl/Base").len(), 2);
    let err = normalized(&stderr(&out), &server, tmp.path());
    assert!(
        err.starts_with(
            "note: GET http://[SERVER]/v2/historicalChainTvl/Base: HTTP 500 Internal Server Error; retrying in "
        ),
        "{err}"
    );
    let tvl = fs::read_to_string(tmp.path().join("mini/tvl_weekly.csv")).unwrap();
    assert!(tvl.contains(&format!("2025-01-19,base,{}\n", last_value("Base"))));
    assert!(stdout(&out).contains(" requests (1 retried), retrieved "));
}

#[test]
fn a_429_with_retry_after_waits_that_long() {
    let server = Server::start(|path, nth| {
        if path == "/v2/chains" && nth == 0 {
            return Reply::Status(429, vec![("Retry-After", "1".into())], "{}".into());
        }
        normal(path, true)
    });
    let tmp = broken(|_| {});
    let out = pull(tmp.path(), &server, &["--source", "defillama"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let asked = server.requests("/v2/chains");
    assert_eq!(asked.len(), 2);
    let waited = asked[1] - asked[0];
    assert!(waited >= Duration::from_secs(1), "waited {waited:?}");
    // The wait is the server's, not the backoff's (which would start at 0.5 to 1 s plus jitter).
    assert!(
        stderr(&out).starts_with(&format!(
            "note: GET {}/v2/chains: HTTP 429 Too Many Requests; retrying in 1.0s (4 of 5 attempts left)\n",
            server.base
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_malformed_body_leaves_the_dataset_unchanged_and_names_the_request() {
    let server = Server::start(|path, _| {
        if path == "/v2/historicalChainTvl/OP%20Mainnet" {
            return ok("[{\"date\": 1734912000, \"tvl\": 5".into());
        }
        normal(path, true)
    });
    insta::assert_snapshot!(fails_unchanged(&server, &[]), @r#"
    error: GET http://[SERVER]/v2/historicalChainTvl/OP%20Mainnet: the response is not JSON (EOF while parsing an object at line 1 column 30); it starts with "[{\"date\": 1734912000, \"tvl\": 5"
    the dataset in [TMP]/mini was not changed
    "#);
}

#[test]
fn a_changed_shape_leaves_the_dataset_unchanged_and_names_the_field() {
    let server = Server::start(|path, _| {
        if path == "/api/scaling/summary" {
            return ok(summary().replace("\"stage\":\"Stage 1\"", "\"stage\":{\"value\":1}"));
        }
        normal(path, true)
    });
    insta::assert_snapshot!(fails_unchanged(&server, &[]), @"
    error: GET http://[SERVER]/api/scaling/summary: unexpected response shape at `projects.arbitrum.stage`: expected a string, found an object
    the dataset in [TMP]/mini was not changed
    ");
}

#[test]
fn a_timeout_leaves_the_dataset_unchanged_and_names_the_request() {
    let server = Server::start(|path, _| {
        if path == "/v2/chains" {
            return Reply::Stall(Duration::from_secs(10));
        }
        normal(path, true)
    });
    let started = Instant::now();
    let err = fails_unchanged(&server, &["--timeout", "1", "--retries", "1"]);
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "the timeout was not applied"
    );
    assert_eq!(
        server.requests("/v2/chains").len(),
        2,
        "a timeout is retried"
    );
    insta::assert_snapshot!(err, @"
    note: GET http://[SERVER]/v2/chains: timed out: no data for 1s (--timeout); retrying in [WAIT]s (1 of 2 attempts left)
    error: GET http://[SERVER]/v2/chains: timed out: no data for 1s (--timeout); gave up after 2 attempts
    the dataset in [TMP]/mini was not changed
    ");
}

#[test]
fn a_failure_halfway_leaves_the_dataset_unchanged_and_names_the_request() {
    // The third of five histories fails every time, after two were fetched.
    let server = Server::start(|path, _| {
        if path == "/v2/historicalChainTvl/OP%20Mainnet" {
            return Reply::Status(500, vec![], "down".into());
        }
        normal(path, true)
    });
    let err = fails_unchanged(&server, &["--retries", "1"]);
    assert_eq!(
        server.requests("/v2/historicalChainTvl/OP%20Mainnet").len(),
        2
    );
    assert_eq!(server.requests("/v2/historicalChainTvl/Base").len(), 1);
    assert!(server.requests("/v2/historicalChainTvl/Degen").is_empty());
    insta::assert_snapshot!(err, @"
    note: GET http://[SERVER]/v2/historicalChainTvl/OP%20Mainnet: HTTP 500 Internal Server Error; retrying in [WAIT]s (1 of 2 attempts left)
    error: GET http://[SERVER]/v2/historicalChainTvl/OP%20Mainnet: HTTP 500 Internal Server Error; gave up after 2 attempts
    the dataset in [TMP]/mini was not changed
    ");
}

#[test]
fn a_pull_killed_midway_leaves_the_old_dataset_and_nothing_a_later_pull_trips_on() {
    let server = Server::start(|path, _| {
        if path == "/v2/historicalChainTvl/Base" {
            return Reply::Stall(Duration::from_secs(60));
        }
        normal(path, true)
    });
    let tmp = broken(|_| {});
    let before = files(&tmp.path().join("mini"));
    let mut args: Vec<String> = ["data", "pull", "--data", "mini"]
        .map(String::from)
        .to_vec();
    args.extend(server.args());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(&args)
        .current_dir(tmp.path())
        .env_remove("MOAT_DATA")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.requests("/v2/historicalChainTvl/Base").is_empty() {
        assert!(
            Instant::now() < deadline,
            "the pull never reached the stalling request"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Mid-pull: the staged copy exists beside the dataset.
    assert_eq!(stray(tmp.path()).len(), 1, "{:?}", stray(tmp.path()));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        files(&tmp.path().join("mini")),
        before,
        "the dataset changed"
    );

    // A later pull cleans up what the killed one left, and succeeds.
    let good = Server::start(|path, _| normal(path, true));
    let out = pull(tmp.path(), &good, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = normalized(&stdout(&out), &good, tmp.path());
    assert!(
        text.starts_with("note: removed [TMP]/.mini.moat-pull-new-"),
        "{text}"
    );
    assert!(
        text.contains(", left by an interrupted pull\npulled into [TMP]/mini in "),
        "{text}"
    );
    assert!(stray(tmp.path()).is_empty(), "{:?}", stray(tmp.path()));
}

#[test]
fn add_new_adds_the_chains_l2beat_lists_with_what_it_says() {
    let server = Server::start(|path, _| normal(path, true));
    let tmp = broken(|_| {});
    let out = pull(tmp.path(), &server, &["--add-new", "--since", "2025-01-10"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let chains = fs::read_to_string(tmp.path().join("mini/chains.csv")).unwrap();
    let key = format!("l2beat-pull-{}", today());
    assert!(
        chains.ends_with(&format!(
            "newchain,New Chain,L2,ethereum,optimistic_rollup,,,,,,,,,,,,,newchain,{key},\"added by moat data pull on {} from L2BEAT; stage, stack, DA and proof system are in events\"\n",
            today()
        )),
        "{chains}"
    );
    let events = fs::read_to_string(tmp.path().join("mini/events.csv")).unwrap();
    assert!(events.contains(&format!("{},newchain,stage_observed,0,", today())));
    // --since: only weeks on or after 2025-01-10.
    let tvl = fs::read_to_string(tmp.path().join("mini/tvl_weekly.csv")).unwrap();
    assert!(!tvl.contains("2025-01-05,"));
    assert!(tvl.contains("2025-01-12,base,"));
    let text = stdout(&out);
    assert!(text.contains("\nnew chains: 1 (newchain)\n"), "{text}");
    let check = moat(
        tmp.path(),
        &[
            "data", "show", "newchain", "--data", "mini", "--format", "json",
        ],
    );
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn the_shipped_dataset_is_never_written_unless_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = moat(
        tmp.path(),
        &[
            "data",
            "pull",
            "--base-url",
            "defillama=http://127.0.0.1:9",
            "--base-url",
            "l2beat=http://127.0.0.1:9",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let shipped = repo().join("datasets/l2");
    insta::assert_snapshot!(stderr(&out).replace(&shipped.display().to_string(), "[SHIPPED]"), @"error: refusing to pull into the dataset shipped with moat ([SHIPPED]) without being told: name it with --data [SHIPPED] to update it, or give --data DIR for another dataset");
}

#[test]
fn add_new_needs_l2beat() {
    let tmp = broken(|_| {});
    let out = moat(
        tmp.path(),
        &[
            "data",
            "pull",
            "--data",
            "mini",
            "--source",
            "defillama",
            "--add-new",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @"error: --add-new needs L2BEAT (--source l2beat or all): only L2BEAT says which chains are L2s and L3s");
}

#[test]
fn a_bad_base_url_is_a_usage_error() {
    let tmp = broken(|_| {});
    let out = moat(
        tmp.path(),
        &[
            "data",
            "pull",
            "--data",
            "mini",
            "--base-url",
            "llama=http://x",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("\"llama\" is not a source: expected defillama or l2beat"),
        "{}",
        stderr(&out)
    );
}
