//! A chain's descriptive and technical attributes at the as-of date. `chains.csv` is a
//! snapshot (Nov 2024 for most rows) and `events.csv` dates the changes, so using the snapshot
//! for an earlier date is look-ahead unless nothing changed in between; this module combines
//! the two so that every attribute is what was known of the chain at `as_of`, or Missing.
//!
//! Semantics (`snapshot date` = `chains.stage_asof`, or the manifest vintage when null):
//! - `name`, `layer`, `host`, `category`, `raas`: the chains row (descriptive, static).
//! - `launch_date`: the earliest `mainnet_launch` event, else `chains.launch_date`; Missing
//!   when that date is after `as_of`.
//! - `stage` / `stage_date`: the latest `stage_observed` / `stage_change` event on or before
//!   `as_of`, where the chains row (`stage`, `stage_asof`) also counts as an observation dated
//!   `stage_asof` (ignored when either is null). On the same date an event beats the chains
//!   row, and among events the first in file order wins. Missing before the first observation.
//! - `stack` / `da` / `proof_system`: the latest `stack_change` / `da_change` /
//!   `proof_system_change` event on or before `as_of` wins. Otherwise the chains row value, as
//!   long as no event of that kind is dated on or before the snapshot date (then the snapshot
//!   describes the chain from launch until the first later change); otherwise Missing. Events
//!   with an empty value are ignored. A stack `own` is normalised to the chain's slug.
//! - `stack_family_size`: universe members whose stack at `as_of` equals this chain's, itself
//!   included; Missing when the stack is Missing.
//! - `superchain`: if the chain has any `superchain_join` / `superchain_leave` event (at any
//!   date): true when its latest join on or before `as_of` is not followed by a leave dated
//!   after that join and on or before `as_of` (a leave on the join's own date does not end
//!   it), false otherwise — including before its first join, which is the registry date of
//!   its first mainnet config. A chain without such events: `chains.superchain_2024` from the
//!   snapshot date (`stage_asof`) on, Missing before it or when either is null.

use super::frames::{ROW, date_lit, keyed, latest_last, null, on_or_before, one_of};
use crate::dataset::Dataset;
use crate::dataset::vocabulary::{
    DA_CHANGE, MAINNET_LAUNCH, OWN_STACK, PROOF_SYSTEM_CHANGE, STACK_CHANGE, STAGE_KINDS,
    SUPERCHAIN_JOIN, SUPERCHAIN_LEAVE,
};
use chrono::NaiveDate;
use polars::prelude::*;

/// Columns produced: slug plus the fields listed in the module doc.
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

/// One row per universe member (`members`, from `membership::members`).
pub fn frame(ds: &Dataset, members: &DataFrame, as_of: NaiveDate) -> PolarsResult<LazyFrame> {
    let events = ds.events.clone().lazy().with_row_index(ROW, None);
    let vintage = ds.manifest.vintage_date();

    let launch = events
        .clone()
        .filter(col("kind").eq(lit(MAINNET_LAUNCH)))
        .group_by([col("chain")])
        .agg([col("date").min().alias("__launch_event")]);

    let mut out = members
        .clone()
        .lazy()
        .select([
            col("slug"),
            col("name"),
            col("layer"),
            col("host"),
            col("category"),
            col("raas"),
            col("launch_date").alias("__launch_row"),
            col("stage_asof").alias("__stage_asof"),
            col("stage_asof")
                .fill_null(date_lit(vintage))
                .alias("__snapshot"),
            col("stack").alias("__stack_row"),
            col("da").alias("__da_row"),
            col("proof_system").alias("__proof_system_row"),
            col("superchain_2024").alias("__superchain_2024"),
        ])
        .left_join(launch, col("slug"), col("chain"))
        .left_join(
            stage(events.clone(), members, as_of)?,
            col("slug"),
            col("chain"),
        )
        .left_join(superchain(events.clone(), as_of), col("slug"), col("chain"));

    for (kind, field) in [
        (STACK_CHANGE, "stack"),
        (DA_CHANGE, "da"),
        (PROOF_SYSTEM_CHANGE, "proof_system"),
    ] {
        out = changing(out, events.clone(), as_of, kind, field);
    }

    let launch_date = col("__launch_event").fill_null(col("__launch_row"));
    let member = col("__sc_join").is_not_null().and(
        col("__sc_leave")
            .is_null()
            .or(col("__sc_leave").lt_eq(col("__sc_join"))),
    );
    Ok(out
        .with_columns([
            when(launch_date.clone().lt_eq(date_lit(as_of)))
                .then(launch_date)
                .otherwise(null())
                .alias("launch_date"),
            when(col("stack").eq(lit(OWN_STACK)))
                .then(col("slug"))
                .otherwise(col("stack"))
                .alias("stack"),
            when(col("__sc_events").is_not_null())
                .then(member)
                .when(col("__stage_asof").lt_eq(date_lit(as_of)))
                .then(col("__superchain_2024"))
                .otherwise(null())
                .alias("superchain"),
        ])
        .with_column(
            when(col("stack").is_not_null())
                .then(
                    col("slug")
                        .len()
                        .over([col("stack")])?
                        .cast(DataType::Int64),
                )
                .otherwise(null())
                .alias("stack_family_size"),
        )
        .select(keyed(FIELDS)))
}

/// Latest stage observation on or before `as_of` per chain: `stage`, `stage_date`.
fn stage(events: LazyFrame, members: &DataFrame, as_of: NaiveDate) -> PolarsResult<LazyFrame> {
    // prio: on the same date an event (1) sorts after, hence beats, the chains row (0).
    let from_events = events
        .filter(one_of(col("kind"), STAGE_KINDS).and(col("value").is_not_null()))
        .select([
            col("chain"),
            col("date"),
            col("value").alias("stage"),
            lit(1i32).alias("__prio"),
            col(ROW).cast(DataType::Int64),
        ]);
    let from_row = members
        .clone()
        .lazy()
        .filter(
            col("stage")
                .is_not_null()
                .and(col("stage_asof").is_not_null()),
        )
        .select([
            col("slug").alias("chain"),
            col("stage_asof").alias("date"),
            col("stage"),
            lit(0i32).alias("__prio"),
            lit(0i64).cast(DataType::Int64).alias(ROW),
        ]);
    Ok(concat([from_events, from_row], UnionArgs::default())?
        .filter(on_or_before("date", as_of))
        .sort(
            ["date", "__prio", ROW],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, false, true])
                .with_maintain_order(true),
        )
        .group_by([col("chain")])
        .agg([
            col("stage").last().alias("stage"),
            col("date").last().alias("stage_date"),
        ]))
}

/// Superchain events per chain: how many (any date), latest join and leave on or before `as_of`.
fn superchain(events: LazyFrame, as_of: NaiveDate) -> LazyFrame {
    let dated =
        |kind: &str| col("date").filter(col("kind").eq(lit(kind)).and(on_or_before("date", as_of)));
    events
        .filter(one_of(col("kind"), &[SUPERCHAIN_JOIN, SUPERCHAIN_LEAVE]))
        .group_by([col("chain")])
        .agg([
            len().alias("__sc_events"),
            dated(SUPERCHAIN_JOIN).max().alias("__sc_join"),
            dated(SUPERCHAIN_LEAVE).max().alias("__sc_leave"),
        ])
}

/// Add column `field` to `base` (which holds `__<field>_row` and `__snapshot`): the latest
/// `kind` event on or before `as_of`, else the chains-row value unless an event of that kind is
/// dated on or before the snapshot date.
fn changing(
    base: LazyFrame,
    events: LazyFrame,
    as_of: NaiveDate,
    kind: &str,
    field: &str,
) -> LazyFrame {
    let latest = format!("__{field}_event");
    let first = format!("__{field}_first");
    let row = format!("__{field}_row");
    let changes = latest_last(
        events.filter(col("kind").eq(lit(kind)).and(col("value").is_not_null())),
        "date",
    )
    .group_by([col("chain")])
    .agg([
        col("value")
            .filter(on_or_before("date", as_of))
            .last()
            .alias(latest.as_str()),
        col("date").min().alias(first.as_str()),
    ]);
    base.left_join(changes, col("slug"), col("chain"))
        .with_column(
            when(col(latest.as_str()).is_not_null())
                .then(col(latest.as_str()))
                .when(
                    col(first.as_str())
                        .is_null()
                        .or(col(first.as_str()).gt(col("__snapshot"))),
                )
                .then(col(row.as_str()))
                .otherwise(null())
                .alias(field),
        )
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
        // Straight from the chains row; zeta's layer is unknown.
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
        let u = at("2024-01-31");
        // alpha: no stack events -> snapshot value op_stack, even before the snapshot date.
        assert_eq!(field(&u, "alpha", "stack"), text("op_stack"));
        // beta: row `own` -> its slug (stack_change to op_stack only on 2024-05-15).
        assert_eq!(field(&u, "beta", "stack"), text("beta"));
        // beta's da_change (2024-02-01) is dated before its snapshot (2024-03-01): the row's
        // `celestia` is the post-change value, so before 2024-02-01 da is unknown.
        assert_eq!(field(&u, "beta", "da"), Value::Missing);
        assert_eq!(field(&u, "alpha", "da"), text("ethereum_blobs"));
        // zeta: stage_asof null -> snapshot = vintage 2024-06-30; its proof_system_change is
        // dated exactly 2024-06-30 ("on or before" the snapshot) -> Missing before it.
        assert_eq!(field(&u, "zeta", "proof_system"), Value::Missing);
        assert_eq!(field(&u, "alpha", "proof_system"), text("fraud"));
        // stack families on 2024-01-31 (alpha, beta, gamma, omega, zeta): op_stack = alpha,
        // gamma and omega (shut down only on 2024-02-01).
        assert_eq!(field(&u, "alpha", "stack_family_size"), Value::Int(3));
        assert_eq!(field(&u, "gamma", "stack_family_size"), Value::Int(3));
        assert_eq!(field(&u, "omega", "stack_family_size"), Value::Int(3));
        assert_eq!(field(&u, "beta", "stack_family_size"), Value::Int(1));
        assert_eq!(field(&u, "zeta", "stack_family_size"), Value::Int(1));

        // 2024-02-01: omega is gone, op_stack = alpha + gamma.
        let u = at("2024-02-01");
        assert_eq!(field(&u, "beta", "da"), text("celestia"));
        assert_eq!(field(&u, "alpha", "stack_family_size"), Value::Int(2));

        // 2024-05-15: beta moves to op_stack (alpha, beta, gamma); delta (stack unknown) is a
        // member.
        let u = at("2024-05-15");
        assert_eq!(field(&u, "beta", "stack"), text("op_stack"));
        assert_eq!(field(&u, "alpha", "stack_family_size"), Value::Int(3));
        assert_eq!(field(&u, "beta", "stack_family_size"), Value::Int(3));
        assert_eq!(field(&u, "delta", "stack"), Value::Missing);
        assert_eq!(field(&u, "delta", "stack_family_size"), Value::Missing);

        let u = at("2024-06-30");
        assert_eq!(field(&u, "zeta", "proof_system"), text("validity"));
    }

    #[test]
    fn superchain_join_leave_and_snapshot() {
        // alpha: join 2023-06-01, leave 2024-04-01, join again 2024-05-01.
        assert_eq!(
            field(&at("2023-05-31"), "alpha", "superchain"),
            Value::Bool(false)
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
