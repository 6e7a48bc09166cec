//! A chain's descriptive and technical attributes at the as-of date. `chains.csv` is a
//! snapshot (Nov 2024 for most rows) and `events.csv` dates observations and changes; every
//! attribute is what was observed of the chain on or before `as_of`, or Missing.
//!
//! Semantics (`snapshot date` = `chains.stage_asof`, or the manifest vintage when null):
//! - `name`, `layer`, `host`, `category`, `raas`: the chains row (descriptive, static).
//! - `launch_date`: the earliest `mainnet_launch` event on or before `as_of`; without one,
//!   `chains.launch_date` when it is on or before `as_of` (a launch date dates itself);
//!   otherwise Missing.
//! - `stage` / `stage_date`, `stack`, `da`, `proof_system`: the latest observation on or
//!   before `as_of`. Observations are the events of the attribute (`stage_observed` /
//!   `stage_change`; `stack_observed` / `stack_change`; `da_observed` / `da_change`;
//!   `proof_system_observed` / `proof_system_change`) and the chains row's value, dated at its
//!   snapshot date (for the stage: `stage_asof` only; a row without one is no observation).
//!   On the same date an event beats the chains row, and among events the first in file order
//!   wins. Before the first observation the attribute is Missing: a snapshot value is never
//!   used for a date before its snapshot. Events with an empty value are no observation. A
//!   stack `own` is the chain's slug (a family of one).
//! - `stack_family_size`: universe members whose stack at `as_of` equals this chain's, itself
//!   included; Missing when the stack is Missing.
//! - `superchain`: the latest observation on or before `as_of` of `superchain_join` (true),
//!   `superchain_leave` (false) and the chains row's `superchain_2024` dated `stage_asof`
//!   (only when both are set). On one date a join beats a leave (a leave on the join's own
//!   date does not end it) and an event beats the row. Missing before the first observation.

use super::cut::{Cut, latest};
use super::index::Event;
use super::universe::{ChainFeatures, Provenance};
use super::value::Value;
use crate::dataset::vocabulary::{
    DA_KINDS, MAINNET_LAUNCH, OWN_STACK, PROOF_SYSTEM_KINDS, STACK_KINDS, STAGE_KINDS,
    SUPERCHAIN_JOIN, SUPERCHAIN_LEAVE,
};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Fields produced (besides slug).
#[cfg(test)]
pub const FIELDS: &[&str] = &[
    "name",
    "layer",
    "host",
    "category",
    "raas",
    "launch_date",
    "stage",
    "stage_date",
    "stack",
    "stack_family_size",
    "da",
    "proof_system",
    "superchain",
];

/// Priority of an event over the chains row on the same date.
const ROW: u8 = 0;
const EVENT: u8 = 1;

pub fn fill(cut: &Cut, chains: &mut [ChainFeatures]) {
    for (c, &i) in chains.iter_mut().zip(&cut.members) {
        let row = &cut.index.chains[i];
        let events = cut.events(i);
        for (field, value) in [
            ("name", &row.name),
            ("layer", &row.layer),
            ("host", &row.host),
            ("category", &row.category),
            ("raas", &row.raas),
        ] {
            c.set(field, Value::text(value.as_deref()));
        }
        let row_provenance = |date: NaiveDate| Provenance {
            date: Some(date),
            source: row.sources.first().cloned(),
            flags: Vec::new(),
        };

        let launch = events
            .iter()
            .find(|e| e.kind == MAINNET_LAUNCH)
            .map(|e| (e.date, event_provenance(e)))
            .or_else(|| {
                row.launch_date
                    .filter(|d| *d <= cut.as_of)
                    .map(|d| (d, row_provenance(d)))
            });
        if let Some((date, p)) = launch {
            c.set_from("launch_date", Value::Date(date), p);
        }

        let stage_row = row
            .stage
            .as_ref()
            .zip(row.stage_asof)
            .filter(|(_, d)| *d <= cut.as_of);
        let stage = observed(events, STAGE_KINDS, stage_row.map(|(v, d)| (d, v.as_str())));
        if let Some((value, date, p)) = stage {
            let p = if p.source.is_none() {
                row_provenance(date)
            } else {
                p
            };
            c.set_from("stage", Value::Text(value), p.clone());
            c.set_from("stage_date", Value::Date(date), p);
        }

        let snapshot = (row.snapshot <= cut.as_of).then_some(row.snapshot);
        for (field, kinds, value) in [
            ("stack", STACK_KINDS, &row.stack),
            ("da", DA_KINDS, &row.da),
            ("proof_system", PROOF_SYSTEM_KINDS, &row.proof_system),
        ] {
            let from_row = snapshot.zip(value.as_deref());
            if let Some((mut value, _, p)) = observed(events, kinds, from_row) {
                if field == "stack" && value == OWN_STACK {
                    value = row.slug.clone();
                }
                let p = if p.source.is_none() {
                    row_provenance(row.snapshot)
                } else {
                    p
                };
                c.set_from(field, Value::Text(value), p);
            }
        }

        let superchain = latest(
            events
                .iter()
                .filter_map(|e| match e.kind.as_str() {
                    SUPERCHAIN_JOIN => Some((e.date, 2, e.row, (true, event_provenance(e)))),
                    SUPERCHAIN_LEAVE => Some((e.date, 1, e.row, (false, event_provenance(e)))),
                    _ => None,
                })
                .chain(
                    row.superchain_2024
                        .zip(row.stage_asof)
                        .filter(|(_, d)| *d <= cut.as_of)
                        .map(|(member, d)| (d, 0, 0, (member, row_provenance(d)))),
                ),
        );
        if let Some((member, p)) = superchain {
            c.set_from("superchain", Value::Bool(member), p);
        }
    }

    let mut families: HashMap<String, i64> = HashMap::new();
    for c in chains.iter() {
        if let Some(Value::Text(stack)) = c.get("stack") {
            *families.entry(stack.clone()).or_default() += 1;
        }
    }
    for c in chains.iter_mut() {
        if let Some(Value::Text(stack)) = c.get("stack") {
            let n = families[stack];
            c.set("stack_family_size", Value::Int(n));
        }
    }
}

/// The latest observation among the events of `kinds` (with a value) and the chains row's
/// value at its date (`from_row`, already cut at `as_of`): value, date, provenance (the row's
/// has no source: the caller gives it).
fn observed(
    events: &[Event],
    kinds: &[&str],
    from_row: Option<(NaiveDate, &str)>,
) -> Option<(String, NaiveDate, Provenance)> {
    latest(
        events
            .iter()
            .filter(|e| kinds.contains(&e.kind.as_str()))
            .filter_map(|e| {
                let value = e.value.clone()?;
                Some((e.date, EVENT, e.row, (value, e.date, event_provenance(e))))
            })
            .chain(from_row.map(|(date, value)| {
                (
                    date,
                    ROW,
                    0,
                    (
                        value.to_string(),
                        date,
                        Provenance {
                            date: Some(date),
                            source: None,
                            flags: Vec::new(),
                        },
                    ),
                )
            })),
    )
}

pub fn event_provenance(e: &Event) -> Provenance {
    Provenance {
        date: Some(e.date),
        source: Some(e.source.clone()),
        flags: e.flags.iter().map(|f| f.to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, field};
    use crate::features::Value;
    use crate::features::fixture::d;

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn descriptive_fields_and_launch_date() {
        let u = at("2024-04-30");
        // Straight from the chains row; zeta's layer is unknown. `slug` is a field like any
        // other (a rule reads `chain.slug`).
        assert_eq!(field(&u, "gamma", "slug"), text("gamma"));
        assert_eq!(field(&u, "gamma", "name"), text("Gamma"));
        assert_eq!(field(&u, "gamma", "layer"), text("L3"));
        assert_eq!(field(&u, "gamma", "host"), text("alpha"));
        assert_eq!(field(&u, "gamma", "category"), text("optimium"));
        assert_eq!(field(&u, "gamma", "raas"), text("caldera"));
        assert_eq!(field(&u, "alpha", "raas"), Value::Missing);
        assert_eq!(field(&u, "zeta", "layer"), Value::Missing);
        // alpha: no mainnet_launch event -> chains.launch_date 2023-01-01.
        assert_eq!(
            field(&u, "alpha", "launch_date"),
            Value::Date(d("2023-01-01"))
        );
        // zeta: the event (2023-03-01) beats the chains row (2023-04-01).
        assert_eq!(
            field(&u, "zeta", "launch_date"),
            Value::Date(d("2023-03-01"))
        );
        // gamma: no date anywhere.
        assert_eq!(field(&u, "gamma", "launch_date"), Value::Missing);
        // delta is a member from its stage_asof 2024-04-15 but launches 2024-05-01.
        assert_eq!(field(&u, "delta", "launch_date"), Value::Missing);
        let u = at("2024-05-01");
        assert_eq!(
            field(&u, "delta", "launch_date"),
            Value::Date(d("2024-05-01"))
        );
    }

    #[test]
    fn stage_is_point_in_time() {
        // alpha: chains row "0" @ 2024-03-01, stage_change "1" @ 2024-06-01.
        let u = at("2024-02-29");
        assert_eq!(field(&u, "alpha", "stage"), Value::Missing);
        assert_eq!(field(&u, "alpha", "stage_date"), Value::Missing);
        // beta: stage_observed "0" @ 2023-12-01 is its only observation before March.
        assert_eq!(field(&u, "beta", "stage"), text("0"));
        assert_eq!(
            field(&u, "beta", "stage_date"),
            Value::Date(d("2023-12-01"))
        );
        // gamma: stage_observed "na" @ 2024-01-12; zeta: no observation at all.
        assert_eq!(field(&u, "gamma", "stage"), text("na"));
        assert_eq!(field(&u, "zeta", "stage"), Value::Missing);
        let u = at("2024-03-01");
        assert_eq!(field(&u, "alpha", "stage"), text("0"));
        assert_eq!(
            field(&u, "alpha", "stage_date"),
            Value::Date(d("2024-03-01"))
        );
        // beta on 2024-03-01: the event "under_review" beats the chains row "1" of that date.
        assert_eq!(field(&u, "beta", "stage"), text("under_review"));
        assert_eq!(
            field(&u, "beta", "stage_date"),
            Value::Date(d("2024-03-01"))
        );
        let u = at("2024-06-01");
        assert_eq!(field(&u, "alpha", "stage"), text("1"));
        assert_eq!(
            field(&u, "alpha", "stage_date"),
            Value::Date(d("2024-06-01"))
        );
    }

    #[test]
    fn stack_da_proof_follow_events_and_snapshot() {
        // Snapshot dates: alpha and beta 2024-03-01 (stage_asof); gamma and zeta have none,
        // so their rows are dated at the vintage, 2024-06-30.
        let u = at("2024-01-31");
        // Before its snapshot, a chains-row value is unknown: no look-ahead.
        for f in ["stack", "da", "proof_system", "stack_family_size"] {
            assert_eq!(field(&u, "alpha", f), Value::Missing, "alpha {f}");
            assert_eq!(field(&u, "gamma", f), Value::Missing, "gamma {f}");
        }
        assert_eq!(field(&u, "beta", "stack"), Value::Missing);
        assert_eq!(field(&u, "beta", "da"), Value::Missing);
        assert_eq!(field(&u, "zeta", "proof_system"), Value::Missing);

        // 2024-02-01: beta's da_change is an observation from its date on.
        let u = at("2024-02-01");
        assert_eq!(field(&u, "beta", "da"), text("celestia"));
        assert_eq!(field(&u, "beta", "stack"), Value::Missing);

        // 2024-03-01, the snapshot of alpha and beta: alpha op_stack, beta `own` (its slug).
        // Families among the members known then: op_stack = alpha; beta alone.
        let u = at("2024-03-01");
        assert_eq!(field(&u, "alpha", "stack"), text("op_stack"));
        assert_eq!(field(&u, "alpha", "da"), text("ethereum_blobs"));
        assert_eq!(field(&u, "alpha", "proof_system"), text("fraud"));
        assert_eq!(field(&u, "beta", "stack"), text("beta"));
        assert_eq!(field(&u, "beta", "da"), text("celestia"));
        assert_eq!(field(&u, "alpha", "stack_family_size"), Value::Int(1));
        assert_eq!(field(&u, "beta", "stack_family_size"), Value::Int(1));
        assert_eq!(field(&u, "gamma", "stack_family_size"), Value::Missing);

        // 2024-05-15: beta's stack_change to op_stack (alpha, beta); delta (stack unknown) is
        // a member.
        let u = at("2024-05-15");
        assert_eq!(field(&u, "beta", "stack"), text("op_stack"));
        assert_eq!(field(&u, "alpha", "stack_family_size"), Value::Int(2));
        assert_eq!(field(&u, "beta", "stack_family_size"), Value::Int(2));
        assert_eq!(field(&u, "delta", "stack"), Value::Missing);
        assert_eq!(field(&u, "delta", "stack_family_size"), Value::Missing);

        // 2024-06-30, the vintage: gamma's row (op_stack) joins the family; zeta's
        // proof_system_change and its row agree on validity.
        let u = at("2024-06-30");
        assert_eq!(field(&u, "gamma", "stack"), text("op_stack"));
        assert_eq!(field(&u, "alpha", "stack_family_size"), Value::Int(3));
        assert_eq!(field(&u, "zeta", "proof_system"), text("validity"));
        assert_eq!(field(&u, "zeta", "stack"), text("zk_stack"));
    }

    #[test]
    fn superchain_join_leave_and_snapshot() {
        // alpha: join 2023-06-01, leave 2024-04-01, join again 2024-05-01. Before the first
        // join nothing was observed (a later join says nothing about earlier dates).
        assert_eq!(
            field(&at("2023-05-31"), "alpha", "superchain"),
            Value::Missing
        );
        assert_eq!(
            field(&at("2023-06-01"), "alpha", "superchain"),
            Value::Bool(true)
        );
        assert_eq!(
            field(&at("2024-03-31"), "alpha", "superchain"),
            Value::Bool(true)
        );
        assert_eq!(
            field(&at("2024-04-01"), "alpha", "superchain"),
            Value::Bool(false)
        );
        assert_eq!(
            field(&at("2024-05-01"), "alpha", "superchain"),
            Value::Bool(true)
        );
        // beta: no events, superchain_2024 false from its stage_asof 2024-03-01.
        assert_eq!(
            field(&at("2024-02-29"), "beta", "superchain"),
            Value::Missing
        );
        assert_eq!(
            field(&at("2024-03-01"), "beta", "superchain"),
            Value::Bool(false)
        );
        // delta: superchain_2024 true from 2024-04-15 (also its first day in the universe).
        assert_eq!(
            field(&at("2024-04-15"), "delta", "superchain"),
            Value::Bool(true)
        );
        // gamma: superchain_2024 true but no stage_asof; zeta: superchain_2024 null.
        let u = at("2024-06-30");
        assert_eq!(field(&u, "gamma", "superchain"), Value::Missing);
        assert_eq!(field(&u, "zeta", "superchain"), Value::Missing);
    }
}
