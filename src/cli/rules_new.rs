//! `moat rules new`: start a rule from a working skeleton (`authoring::new`).
//!
//! ```text
//! moat rules new <id> [--rules DIR] [--category C] [--title T]
//! ```
//! The rule pack must be one the user chose (`--rules`, `$MOAT_RULES` or `./rules`): the copy
//! shipped with moat is never written to. Exit 0, or 2 with every reason nothing was written.

use super::Outcome;
use super::args::RulesArg;
use super::output::print;
use crate::authoring::new;
use crate::locate;
use crate::report;

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The rule's id: lowercase letters, digits and `_`, starting with a letter (e.g. sequencer_revenue)
    pub id: String,
    #[command(flatten)]
    pub rules: RulesArg,
    /// The rule's category (header line `//! category:`)
    #[arg(long, value_name = "C", default_value = "other")]
    pub category: String,
    /// The rule's title, one line [default: the id in words]
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
}

pub fn run(args: NewArgs) -> crate::Result<Outcome> {
    let located = locate::rules_dir(args.rules.rules.as_deref());
    if let Some(missing) = located.missing_from_env() {
        return Err(anyhow::anyhow!("{missing}").into());
    }
    if located.shipped {
        return Err(anyhow::anyhow!(
            "no rule pack to add `{}` to: pass --rules DIR, set $MOAT_RULES, or run moat where ./rules holds screen.toml (the rule pack shipped with moat, {}, is never written to)",
            args.id,
            located.path.display()
        )
        .into());
    }
    let created = new::create(
        &located.path,
        &args.id,
        args.title.as_deref(),
        &args.category,
    )?;
    print(&report::rules_new::render(
        &created,
        args.rules.rules.as_deref(),
    ))?;
    Ok(Outcome::Clean)
}
