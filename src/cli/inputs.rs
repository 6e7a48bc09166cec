//! Loading what every command reads: the dataset and the rule pack, at their default places
//! unless `--data` / `--rules` say otherwise (a note on stderr when the shipped copy is used),
//! and the as-of date a command judges at.

use super::args::{AsOfArg, DataArg, RulesArg};
use super::output::eprint;
use crate::dataset::Dataset;
use crate::locate::{self, Located};
use crate::rules::RulePack;
use chrono::NaiveDate;
use std::path::PathBuf;

/// Where the dataset is, with the note when it is the shipped fallback; an error naming
/// `$MOAT_DATA` when that names a directory that is not there.
pub fn data_dir(arg: &DataArg) -> crate::Result<PathBuf> {
    noted(locate::data_dir(arg.data.as_deref()))
}

/// Where the rule pack is, with the note when it is the shipped fallback; an error naming
/// `$MOAT_RULES` when that names a directory that is not there.
pub fn rules_dir(arg: &RulesArg) -> crate::Result<PathBuf> {
    noted(locate::rules_dir(arg.rules.as_deref()))
}

fn noted(located: Located) -> crate::Result<PathBuf> {
    if let Some(missing) = located.missing_from_env() {
        return Err(anyhow::anyhow!("{missing}").into());
    }
    if let Some(note) = located.note() {
        eprint(&note);
    }
    Ok(located.path)
}

/// Load and validate the dataset.
pub fn load_dataset(arg: &DataArg) -> crate::Result<Dataset> {
    crate::load_dataset(&data_dir(arg)?)
}

/// Load the rule pack. Rules whose code does not compile stay in the pack (their verdicts are
/// ERROR); each is shown on stderr as a warning.
pub fn load_rules(arg: &RulesArg) -> crate::Result<RulePack> {
    warned(crate::load_rules(&rules_dir(arg)?)?)
}

/// [`load_dataset`] and [`load_rules`] side by side (compiling the rules takes about as long
/// as reading a small dataset), with the same notes, warnings and errors in the same order: a
/// dataset that does not load is the error even when the rules do not load either.
pub fn load_both(data: &DataArg, rules: &RulesArg) -> crate::Result<(Dataset, RulePack)> {
    let (data, rules) = (data_dir(data)?, rules_dir(rules)?);
    let (ds, pack) = std::thread::scope(|s| {
        let pack = s.spawn(|| crate::load_rules(&rules));
        let ds = crate::load_dataset(&data);
        let pack = pack
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (ds, pack)
    });
    Ok((ds?, warned(pack?)?))
}

fn warned(pack: RulePack) -> crate::Result<RulePack> {
    for problem in pack.problems() {
        let mut warning = problem.clone().warning();
        warning.message.push_str(
            " (every verdict of this rule is ERROR; `moat rules check` lists such problems)",
        );
        eprint(&warning.styled());
    }
    Ok(pack)
}

/// The as-of date: the one given (refused after the vintage unless allowed), else the
/// dataset's vintage.
pub fn as_of(ds: &Dataset, arg: &AsOfArg) -> crate::Result<NaiveDate> {
    crate::as_of(ds, arg.as_of, arg.allow_future)
}
