//! The screen as one HTML page (`moat screen --format html`): the table of chains with verdict
//! colours, sortable by any column with a few lines of inline script, the sector verdict, the
//! stamps, and links to the memos written beside the page. Rendered through the template
//! `screen.html.j2` from the screen's values; the page needs no network and no other file.

use super::template::Templates;
use super::{counts_line, staleness_text, stamps_text};
use crate::error::Error;
use crate::evaluate::{ScreenResult, Status};
use crate::rules::RuleScope;
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::Serialize;
use std::collections::BTreeSet;

/// One row of the table.
#[derive(Serialize)]
struct Row {
    slug: String,
    name: String,
    overall: Status,
    score: Option<f64>,
    /// One status per chain rule, in rule order (`None` when the rule did not judge it).
    statuses: Vec<Option<Status>>,
    deciding: Option<String>,
    /// The chain's memo beside the page (`base.html`), when one is there.
    memo: Option<String>,
}

/// The page for `result`. `memos` are the memo files (`base.html`, `sector.html`) beside the
/// page that it links to.
pub fn screen(
    result: &ScreenResult,
    templates: &Templates,
    memos: &BTreeSet<String>,
) -> Result<String, Error> {
    let rules: Vec<_> = result
        .rules
        .iter()
        .filter(|r| r.scope == RuleScope::Chain)
        .collect();
    let link = |base: &str| {
        let file = format!("{base}.html");
        memos.contains(&file).then_some(file)
    };
    let rows: Vec<Row> = result
        .chains
        .iter()
        .map(|c| Row {
            slug: c.slug.clone(),
            name: c.name.clone(),
            overall: c.overall,
            score: c.score,
            statuses: rules
                .iter()
                .map(|r| c.verdicts.iter().find(|v| v.rule == r.id).map(|v| v.status))
                .collect(),
            deciding: c
                .deciding
                .as_ref()
                .map(|d| format!("{}: {}", d.rule, d.reason)),
            memo: link(&c.slug),
        })
        .collect();
    let context = context! {
        chain_rules => Value::from(Serde(&rules)),
        rows => Value::from(Serde(&rows)),
        sector_memo => link("sector"),
        stamps_line => stamps_text(&result.stamps),
        staleness => staleness_text(&result.stamps),
        counts => counts_line(result),
        ..Value::from(Serde(result))
    };
    templates.render("screen.html.j2", context)
}
