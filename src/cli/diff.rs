//! `moat diff <A> <B>`: what changed between two screens. Each side is an as-of date (screened
//! with `--data` and `--rules`) or a JSON file written by `moat screen --format json`.
//!
//! Exit 0 (whether or not something changed), 2 for bad usage, rules, data or a file that is
//! not a screen's JSON.

use super::Outcome;
use super::args::{DataArg, RulesArg};
use super::inputs::load_both;
use super::output::print;
use crate::evaluate::{ScreenOptions, ScreenResult};
use crate::report;
use clap::ValueEnum;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier side: an as-of date (YYYY-MM-DD) or a JSON file of `moat screen --format json`
    pub before: String,
    /// The later side, likewise
    pub after: String,
    #[command(flatten)]
    pub data: DataArg,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Allow dates after the dataset's vintage
    #[arg(long)]
    pub allow_future: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

pub fn run(args: DiffArgs) -> crate::Result<Outcome> {
    let mut loaded = None;
    let mut side = |given: &str| -> crate::Result<ScreenResult> {
        if let Some(date) = crate::dataset::date::parse_ymd(given) {
            if loaded.is_none() {
                loaded = Some(load_both(&args.data, &args.rules)?);
            }
            let (ds, pack) = loaded.as_ref().expect("loaded above");
            let date = crate::as_of(ds, Some(date), args.allow_future)?;
            return crate::screen(ds, pack, date, &ScreenOptions::default());
        }
        read_screen(Path::new(given))
    };
    let before = side(&args.before)?;
    let after = side(&args.after)?;
    let d = crate::history::diff(&before, &after);
    print(&match args.format {
        DiffFormat::Text => report::diff::text(&d),
        DiffFormat::Json => report::diff::json(&d)?,
    })?;
    Ok(Outcome::Clean)
}

/// A screen result saved as JSON.
fn read_screen(path: &Path) -> crate::Result<ScreenResult> {
    let given = path.to_string_lossy();
    if !path.is_file()
        && let Some(why) = crate::dataset::date::impossible(&given)
    {
        // `2024-02-30`: meant as a date, so say what is wrong with it, as `--as-of` does.
        return Err(anyhow::anyhow!(
            "\"{given}\" is not a date: {why}; nor is it a file: a side of `moat diff` is an as-of date (YYYY-MM-DD) or a JSON file written by `moat screen --format json`"
        )
        .into());
    }
    if !path.is_file() {
        return Err(anyhow::anyhow!(
            "\"{}\" is neither a date (YYYY-MM-DD) nor a file: a side of `moat diff` is an as-of date or a JSON file written by `moat screen --format json`",
            crate::diagnostics::escaped(&path.display().to_string())
        )
        .into());
    }
    let shown = path.display().to_string();
    // As every input: a regular file within a size limit, UTF-8 (a byte-order mark dropped).
    let text = crate::rules::files::read_text(path, &shown, SAVED_RESULT)
        .map_err(|d| anyhow::anyhow!("{}", d.message).context(format!("cannot read {shown}")))?;
    let result: ScreenResult = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{shown}:{}:{}: not a screen result ({e}): expected a JSON file written by `moat screen --format json`",
            e.line().max(1),
            e.column().max(1)
        )
    })?;
    let problems = crate::history::diff::saved_problems(&result);
    if !problems.is_empty() {
        return Err(anyhow::anyhow!(
            "{shown}: not a screen result as `moat screen --format json` writes it:\n  {}",
            problems.join("\n  ")
        )
        .into());
    }
    Ok(result)
}

/// The largest saved result `moat diff` reads: 1 GiB, as a table file (the JSON screen of
/// 10,000 chains is 63 MB).
const SAVED_RESULT: crate::dataset::limits::Expected = crate::dataset::limits::Expected {
    max_bytes: 1 << 30,
    what: "a JSON file written by `moat screen --format json`",
};
