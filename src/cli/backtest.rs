//! `moat backtest`: the screen replayed over history, every flip with its reason.
//!
//! ```text
//! moat backtest [--from DATE] [--to DATE] [--every 1w|4w|1m|1q] [--data DIR] [--rules DIR]
//!               [--only RULE,..] [--chains SLUG,..] [--format table|json|csv]
//!               [--chart FILE.svg]
//! ```
//! Exit 0, 1 when some rule ERRORed at some date, 2 for bad usage, rules or data. A progress
//! bar is drawn on stderr when it is a terminal, never in a pipe.

use super::Outcome;
use super::args::{DataArg, DateParser, RulesArg};
use super::inputs::load_both;
use super::output::print;
use crate::evaluate::ScreenOptions;
use crate::history::Every;
use crate::report;
use chrono::NaiveDate;
use clap::ValueEnum;

#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub data: DataArg,
    #[command(flatten)]
    pub rules: RulesArg,
    /// First date [default: the dataset's first TVL point]
    #[arg(long, value_name = "DATE", value_parser = DateParser)]
    pub from: Option<NaiveDate>,
    /// Last date [default: the dataset's last TVL point, or its vintage when a point is dated after it]
    #[arg(long, value_name = "DATE", value_parser = DateParser)]
    pub to: Option<NaiveDate>,
    /// Step: 1w (every week), 4w (every four weeks), 1m (month ends), 1q (quarter ends)
    #[arg(long, value_name = "STEP", default_value = "1w")]
    pub every: Every,
    /// Allow dates after the dataset's vintage
    #[arg(long)]
    pub allow_future: bool,
    /// Apply only these rules (comma-separated ids)
    #[arg(long, value_name = "RULE,..", value_delimiter = ',')]
    pub only: Option<Vec<String>>,
    /// Judge only these chains (comma-separated slugs); a chain not in the universe at a date is
    /// left out of that date
    #[arg(long, value_name = "SLUG,..", value_delimiter = ',')]
    pub chains: Option<Vec<String>>,
    /// Output format
    #[arg(long, value_enum, default_value_t = BacktestFormat::Table)]
    pub format: BacktestFormat,
    /// Also write the overall verdicts as an SVG heatmap (chains × dates, the sector on top),
    /// replacing FILE only once it is complete
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<std::path::PathBuf>,
    /// Evaluation threads, 1 to 256 [default: one per core]; the output is identical for any number
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BacktestFormat {
    /// The flips with their reasons and a summary per chain
    Table,
    /// Everything: the verdict matrix, the flips, the summary, the stamps
    Json,
    /// One row per date × chain × rule (and overall), with the flips
    Csv,
}

pub fn run(args: BacktestArgs) -> crate::Result<Outcome> {
    if let Some(chart) = &args.chart
        && chart.extension().and_then(|e| e.to_str()) != Some("svg")
    {
        return Err(anyhow::anyhow!(
            "--chart {}: the chart is an SVG file: name it FILE.svg",
            chart.display()
        )
        .into());
    }
    let (ds, pack) = load_both(&args.data, &args.rules)?;
    let (first, last) = crate::tvl_span(&ds)?;
    // A TVL point dated after the vintage is a warning of `data check`, not a date to judge
    // at: the default span ends at the vintage.
    let last = last.min(ds.manifest.vintage_date());
    let from = crate::date_within(
        &ds,
        Some(args.from.unwrap_or(first)),
        args.allow_future,
        "--from",
    )?;
    let to = crate::date_within(
        &ds,
        Some(args.to.unwrap_or(last)),
        args.allow_future,
        "--to",
    )?;
    let options = ScreenOptions {
        chains: args.chains,
        rules: args.only,
        threads: args.threads.map(usize::from),
        ..Default::default()
    };
    let bar = progress_bar();
    let backtest = crate::backtest(
        &ds,
        &pack,
        (from, to, args.every),
        &options,
        &mut |done, all| {
            bar.set_length(all as u64);
            bar.set_position(done as u64);
        },
    )?;
    bar.finish_and_clear();
    if let Some(chart) = &args.chart {
        crate::report::files::write_file(chart, &report::heatmap::svg(&backtest)?)?;
        super::output::eprint(&format!("wrote {}", chart.display()));
    }
    let errored = backtest.dates.iter().any(|d| {
        d.chains
            .iter()
            .flat_map(|c| &c.verdicts)
            .any(|(_, s)| *s == crate::evaluate::Status::Error)
    });
    print(&match args.format {
        BacktestFormat::Table => report::backtest::text(&backtest),
        BacktestFormat::Json => report::backtest::json(&backtest)?,
        BacktestFormat::Csv => report::backtest::csv(&backtest)?,
    })?;
    Ok(Outcome::findings_if(errored))
}

/// The dates screened so far, on stderr when it is a terminal; hidden in a pipe or a log.
fn progress_bar() -> indicatif::ProgressBar {
    use std::io::IsTerminal as _;
    let target = if std::io::stderr().is_terminal() {
        indicatif::ProgressDrawTarget::stderr()
    } else {
        indicatif::ProgressDrawTarget::hidden()
    };
    let bar = indicatif::ProgressBar::with_draw_target(None, target);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} dates")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar
}
