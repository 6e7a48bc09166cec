//! Loading what every command reads: the dataset and the rule pack, at their default places
//! unless `--data` / `--rules` say otherwise. Problems are printed in full where they are found
//! and come back as `Reported`, which `cli::main` turns into exit code 2 without repeating them.

use super::args::{DataArg, RulesArg};
use crate::dataset::{self, Dataset};
use crate::locate;
use crate::rules::{self, RulePack};
use std::fmt;

/// Problems already printed to stderr (bad data or bad rules): exit 2, say nothing more.
#[derive(Debug)]
pub struct Reported;

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the problems above stopped the command")
    }
}

impl std::error::Error for Reported {}

/// Load and validate the dataset, or print every problem.
pub fn load_dataset(arg: &DataArg) -> anyhow::Result<Dataset> {
    let dir = locate::data_dir(arg.data.as_deref());
    dataset::load(&dir).map_err(|errors| {
        eprintln!("{errors}");
        Reported.into()
    })
}

/// Load the rule pack, or print every problem. Rules whose code does not compile stay in the
/// pack (their verdicts are ERROR); each is named on stderr.
pub fn load_rules(arg: &RulesArg) -> anyhow::Result<RulePack> {
    let dir = locate::rules_dir(arg.rules.as_deref());
    let pack = rules::load(&dir).map_err(|errors| {
        eprintln!("{errors}");
        anyhow::Error::from(Reported)
    })?;
    for problem in pack.problems() {
        eprintln!(
            "warning: {problem}\n  (every verdict of this rule is ERROR; `moat rules check` lists such problems)"
        );
    }
    Ok(pack)
}
