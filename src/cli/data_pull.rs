//! `moat data pull`: its arguments, the refusal to write into the shipped dataset unless it
//! is named, and the progress bar (on a terminal only); the work is `crate::pull_dataset`.
//!
//! ```text
//! moat data pull [--data DIR] [--source all|defillama|l2beat] [--since DATE] [--add-new]
//!                [--base-url defillama=URL] [--base-url l2beat=URL] [--timeout SECONDS] [--retries N]
//! ```

use super::args::{DataArg, DateParser};
use super::output::print;
use crate::locate;
use crate::pull::{HttpOptions, Progress, PullOptions, Sources};
use chrono::NaiveDate;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal as _;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct PullArgs {
    #[command(flatten)]
    pub data: DataArg,
    /// Which sources to ask: DefiLlama for TVL histories, L2BEAT for stage, stack, DA, proof system and token
    #[arg(long, value_enum, default_value_t = SourceArg::All)]
    pub source: SourceArg,
    /// Merge only weekly TVL points dated on or after DATE (YYYY-MM-DD); the APIs send whole histories
    #[arg(long, value_name = "DATE", value_parser = DateParser)]
    pub since: Option<NaiveDate>,
    /// Add the chains L2BEAT lists that the dataset does not know (otherwise they are only reported)
    #[arg(long)]
    pub add_new: bool,
    /// Ask a mirror instead of a source's public API: defillama=URL or l2beat=URL (repeat for both)
    #[arg(long, value_name = "SOURCE=URL", value_parser = parse_base_url)]
    pub base_url: Vec<(SourceArg, String)>,
    /// Connect and read timeout of each request, in seconds
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Retries of a request that got 429, a 5xx, a timeout or a dropped connection (with backoff)
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub retries: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    All,
    Defillama,
    L2beat,
}

fn parse_base_url(s: &str) -> Result<(SourceArg, String), String> {
    let (source, url) = s.split_once('=').ok_or_else(|| {
        format!("{s:?}: expected SOURCE=URL, e.g. defillama=http://127.0.0.1:8080")
    })?;
    let source = match source {
        "defillama" => SourceArg::Defillama,
        "l2beat" => SourceArg::L2beat,
        other => {
            return Err(format!(
                "{other:?} is not a source: expected defillama or l2beat"
            ));
        }
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("{url:?} is not an http:// or https:// URL"));
    }
    Ok((source, url.to_string()))
}

fn parse_seconds(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0 && *v <= 86_400.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{s:?} is not a number of seconds between 0 and 86400"))
}

pub fn run(args: PullArgs) -> crate::Result<()> {
    let located = locate::data_dir(args.data.data.as_deref());
    if let Some(missing) = located.missing_from_env() {
        return Err(anyhow::anyhow!("{missing}").into());
    }
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/l2");
    let is_shipped =
        located.shipped || (args.data.data.is_none() && same_dir(&located.path, &shipped));
    if is_shipped {
        return Err(anyhow::anyhow!(
            "refusing to pull into the dataset shipped with moat ({}) without being told: name it with --data {} to update it, or give --data DIR for another dataset",
            located.path.display(),
            located.path.display()
        )
        .into());
    }
    let mut options = PullOptions {
        sources: match args.source {
            SourceArg::All => Sources::All,
            SourceArg::Defillama => Sources::DefiLlama,
            SourceArg::L2beat => Sources::L2beat,
        },
        since: args.since,
        add_new: args.add_new,
        http: HttpOptions {
            timeout: args.timeout,
            retries: args.retries,
            ..HttpOptions::default()
        },
        ..PullOptions::default()
    };
    for (source, url) in args.base_url {
        match source {
            SourceArg::Defillama => options.defillama_base = url,
            SourceArg::L2beat => options.l2beat_base = url,
            SourceArg::All => unreachable!("parse_base_url never yields all"),
        }
    }
    let bar = Bar::new();
    let result = crate::pull_dataset(&located.path, &options, &bar);
    bar.0.finish_and_clear();
    print(&result?.to_string())?;
    Ok(())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The progress bar: drawn on stderr when it is a terminal, never in a pipe or a log; retry
/// notes are printed in both cases.
struct Bar(ProgressBar, std::cell::Cell<u64>);

impl Bar {
    fn new() -> Bar {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed:>4} [{bar:30}] {pos}/{len} requests  {wide_msg}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        Bar(bar, std::cell::Cell::new(0))
    }
}

impl Progress for Bar {
    fn set_length(&self, requests: u64) {
        self.0.set_length(requests);
    }

    fn step(&self, what: &str) {
        // The position counts the requests done: those started before this one.
        self.0.set_position(self.1.get());
        self.1.set(self.1.get() + 1);
        self.0.set_message(what.to_string());
    }

    fn note(&self, what: &str) {
        if self.0.is_hidden() {
            super::output::eprint(&format!("note: {what}"));
        } else {
            self.0.println(format!("note: {what}"));
        }
    }
}
