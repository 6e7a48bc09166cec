//! Turn the feature stage's polars results into the plain values rules see. This is where the
//! contract with the rule side is enforced: every chain gets every field of
//! `catalog::fields()`, typed by its catalog `Kind`, `Value::Missing` where the frames hold a
//! null (or a non-finite number); nothing is filled in. Percentiles are taken here, after all
//! values are known, with the one convention `catalog::percentile` defines.

use super::catalog::{self, Field, Kind};
use super::frames::from_days;
use super::series::SeriesByChain;
use super::universe::ChainFeatures;
use super::value::Value;
use crate::dataset::vocabulary::METRICS;
use anyhow::{Context, Result, bail};
use polars::prelude::{Column, DataFrame, DataType, PolarsResult};
use std::collections::{BTreeMap, HashMap};

/// Value fields whose `_pctl` companion is computed here: (value field, percentile field).
pub fn percentile_pairs() -> Vec<(String, String)> {
    let mut pairs = vec![
        ("block_time_s".to_string(), "block_time_pctl".to_string()),
        (
            "preconf_latency_ms".to_string(),
            "preconf_latency_pctl".to_string(),
        ),
    ];
    pairs.extend(
        METRICS
            .iter()
            .map(|(m, _)| (m.to_string(), format!("{m}_pctl"))),
    );
    pairs
}

/// Fields that do not come from the wide per-chain frame: metric values and dates (from the
/// long frame of current metrics) and all percentiles.
fn filled_elsewhere() -> Vec<String> {
    let mut names: Vec<String> = METRICS
        .iter()
        .flat_map(|(m, _)| [m.to_string(), format!("{m}_date")])
        .collect();
    names.extend(percentile_pairs().into_iter().map(|(_, p)| p));
    names
}

/// The fields the wide frame must hold as columns (the `slug` field included).
pub fn wide_fields() -> Vec<Field> {
    let elsewhere = filled_elsewhere();
    catalog::fields()
        .into_iter()
        .filter(|f| !elsewhere.contains(&f.name))
        .collect()
}

/// One chain per row of `wide` (which holds `slug` and every field of [`wide_fields`]),
/// completed with the current metrics (chain, metric, value, date) and the series.
pub fn chains(
    wide: &DataFrame,
    current_metrics: &DataFrame,
    mut series: SeriesByChain,
) -> Result<Vec<ChainFeatures>> {
    let slugs: Vec<String> = wide
        .column("slug")?
        .str()?
        .iter()
        .map(|s| {
            s.map(str::to_string)
                .context("a universe chain without a slug")
        })
        .collect::<Result<_>>()?;
    let missing_row: BTreeMap<String, Value> = catalog::fields()
        .into_iter()
        .map(|f| (f.name, Value::Missing))
        .collect();
    let mut rows: Vec<BTreeMap<String, Value>> = vec![missing_row; slugs.len()];

    for field in wide_fields() {
        let Ok(column) = wide.column(&field.name) else {
            bail!("the feature stage did not produce field `{}`", field.name);
        };
        let values = to_values(column, field.kind)
            .with_context(|| format!("converting feature `{}`", field.name))?;
        for (row, value) in rows.iter_mut().zip(values) {
            row.insert(field.name.clone(), value);
        }
    }

    let index: HashMap<&str, usize> = slugs
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let chain = current_metrics.column("chain")?.str()?;
    let metric = current_metrics.column("metric")?.str()?;
    let value = to_values(current_metrics.column("value")?, Kind::Num)?;
    let date = to_values(current_metrics.column("date")?, Kind::Date)?;
    for (i, (c, m)) in chain.iter().zip(metric.iter()).enumerate() {
        if let (Some(c), Some(m)) = (c, m)
            && let Some(&r) = index.get(c)
        {
            rows[r].insert(m.to_string(), value[i].clone());
            rows[r].insert(format!("{m}_date"), date[i].clone());
        }
    }

    for (value_field, pctl_field) in percentile_pairs() {
        let have: Vec<(usize, f64)> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.get(&value_field).and_then(Value::as_f64).map(|x| (i, x)))
            .collect();
        for (k, &(i, x)) in have.iter().enumerate() {
            let others: Vec<f64> = have
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .map(|(_, (_, o))| *o)
                .collect();
            rows[i].insert(
                pctl_field.clone(),
                Value::num(catalog::percentile(x, &others)),
            );
        }
    }

    Ok(slugs
        .into_iter()
        .zip(rows)
        .map(|(slug, fields)| {
            let series = series.remove(&slug).unwrap_or_default();
            ChainFeatures {
                slug,
                fields,
                series,
            }
        })
        .collect())
}

/// A column as values of one catalog kind; nulls and non-finite numbers are Missing.
fn to_values(column: &Column, kind: Kind) -> PolarsResult<Vec<Value>> {
    Ok(match kind {
        Kind::Text => {
            let c = column.cast(&DataType::String)?;
            c.str()?.iter().map(Value::text).collect()
        }
        Kind::Int => {
            let c = column.cast(&DataType::Int64)?;
            c.i64()?.iter().map(Value::int).collect()
        }
        Kind::Num => {
            let c = column.cast(&DataType::Float64)?;
            c.f64()?
                .iter()
                .map(|x| Value::num(x.filter(|x| x.is_finite())))
                .collect()
        }
        Kind::Date => {
            let c = column.cast(&DataType::Date)?;
            c.date()?
                .physical()
                .iter()
                .map(|d| Value::date(d.map(from_days)))
                .collect()
        }
        Kind::Bool => {
            let c = column.cast(&DataType::Boolean)?;
            c.bool()?
                .iter()
                .map(|b| b.map_or(Value::Missing, Value::Bool))
                .collect()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixture::at;
    use super::*;

    #[test]
    fn every_chain_has_every_field_with_its_kind() {
        for as_of in ["2023-06-01", "2024-01-14", "2024-02-11", "2024-06-30"] {
            let u = at(as_of);
            assert!(!u.chains.is_empty());
            for c in &u.chains {
                assert_eq!(c.fields.len(), catalog::fields().len(), "{}", c.slug);
                for f in catalog::fields() {
                    let v = &c.fields[&f.name];
                    let ok = matches!(
                        (v, f.kind),
                        (Value::Missing, _)
                            | (Value::Bool(_), Kind::Bool)
                            | (Value::Int(_), Kind::Int)
                            | (Value::Num(_), Kind::Num)
                            | (Value::Text(_), Kind::Text)
                            | (Value::Date(_), Kind::Date)
                    );
                    assert!(
                        ok,
                        "{as_of} {} {}: {v:?} is not a {:?}",
                        c.slug, f.name, f.kind
                    );
                }
                assert_eq!(c.fields["slug"], Value::Text(c.slug.clone()));
            }
        }
    }

    #[test]
    fn an_empty_universe_is_not_an_error() {
        let u = at("2022-12-31");
        assert!(u.chains.is_empty());
        assert_eq!(u.tvl_week, None);
        assert!(u.leaders.is_empty());
    }

    #[test]
    fn text_values_convert_and_nulls_stay_missing() {
        let c = Column::new("x".into(), [Some("a"), None]);
        assert_eq!(
            to_values(&c, Kind::Text).unwrap(),
            vec![Value::Text("a".into()), Value::Missing]
        );
        let c = Column::new("x".into(), [Some(f64::NAN), Some(1.5), None]);
        assert_eq!(
            to_values(&c, Kind::Num).unwrap(),
            vec![Value::Missing, Value::Num(1.5), Value::Missing]
        );
    }
}
