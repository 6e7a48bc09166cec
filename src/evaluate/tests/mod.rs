//! Tests of the evaluate stage on synthetic universes: rule behaviour and the sandbox
//! (`engine`), the helpers rules call (`helpers`), and the shipped rule pack (`default_pack`).

mod copies;
mod default_pack;
mod engine;
mod helpers;

use crate::features::catalog;
use crate::features::{ChainFeatures, Universe, Value};
use crate::rules::{Limits, RulePack, SourceFile};
use chrono::NaiveDate;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn t(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// A chain with every catalog field missing except `slug`, `name` (the slug unless given) and
/// the fields listed.
pub fn chain(slug: &str, fields: &[(&str, Value)]) -> ChainFeatures {
    let mut c = ChainFeatures {
        slug: slug.to_string(),
        fields: catalog::empty_row().clone(),
        ..Default::default()
    };
    c.set("slug", t(slug));
    c.set("name", t(slug));
    for (k, v) in fields {
        assert!(c.fields.contains_key(*k), "no field {k} in the catalog");
        c.set(k, v.clone());
    }
    c
}

/// Add a series to a chain, one point per week (or per `step_days`) ending at `end`.
pub fn with_series(
    mut c: ChainFeatures,
    name: &str,
    end: &str,
    step_days: i64,
    values: &[f64],
) -> ChainFeatures {
    let end = d(end);
    let n = values.len() as i64;
    let points = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                end - chrono::Duration::days(step_days * (n - 1 - i as i64)),
                *v,
            )
        })
        .collect();
    c.series.insert(name.to_string(), points);
    c
}

pub fn universe(mut chains: Vec<ChainFeatures>) -> Universe {
    chains.sort_by(|a, b| a.slug.cmp(&b.slug));
    Universe {
        as_of: d("2026-04-19"),
        data: Default::default(),
        tvl_week: Some(d("2026-04-19")),
        window_weeks: 104,
        leaders: vec![],
        chains,
        sources: Default::default(),
    }
}

pub fn header(id: &str) -> String {
    format!("//! id: {id}\n//! title: Title of {id}\n//! category: test\n//! why: Because.\n")
}

/// A pack of rules given as (id, body): each in `rules/<id>.rhai` after a 4-line header (so the
/// body starts on line 5), all with weight 1 and `params` from `params_toml` (`[rules.<id>.params]`
/// tables and anything else to append to screen.toml).
pub fn pack(rules: &[(&str, &str)], extra_toml: &str) -> RulePack {
    pack_with_limits(rules, extra_toml, Limits::default())
}

pub fn pack_with_limits(rules: &[(&str, &str)], extra_toml: &str, limits: Limits) -> RulePack {
    let mut screen = String::from("name = \"test screen\"\npass_mark = 0.5\n");
    for (id, _) in rules {
        if !extra_toml.contains(&format!("[rules.{id}]")) {
            screen.push_str(&format!("[rules.{id}]\n"));
        }
    }
    screen.push_str(extra_toml);
    let files = rules
        .iter()
        .map(|(id, body)| {
            SourceFile::new(
                format!("rules/{id}.rhai"),
                format!("{}{body}\n", header(id)),
            )
        })
        .collect();
    crate::rules::load_sources(SourceFile::new("rules/screen.toml", screen), files, limits)
        .unwrap_or_else(|e| panic!("{e}"))
}
