//! Typed columns and their polars frames. Cells are parsed here, one type per column as the
//! schema says, and the frame is built with explicit dtypes (Date, Float64, Boolean, String):
//! polars never infers a type from the data.

use super::schema::{ColType, metric_names};
use super::validate::parse_date;
use chrono::NaiveDate;
use polars::prelude::*;

pub enum Cells {
    Text(Vec<Option<String>>),
    Date(Vec<Option<NaiveDate>>),
    Num(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
}

pub struct TypedTable {
    pub columns: Vec<(&'static str, Cells)>,
}

impl Cells {
    pub fn empty(ty: ColType, capacity: usize) -> Cells {
        match ty {
            ColType::Date => Cells::Date(Vec::with_capacity(capacity)),
            ColType::Amount | ColType::Number => Cells::Num(Vec::with_capacity(capacity)),
            ColType::Bool => Cells::Bool(Vec::with_capacity(capacity)),
            _ => Cells::Text(Vec::with_capacity(capacity)),
        }
    }

    pub fn push_null(&mut self) {
        match self {
            Cells::Text(v) => v.push(None),
            Cells::Date(v) => v.push(None),
            Cells::Num(v) => v.push(None),
            Cells::Bool(v) => v.push(None),
        }
    }

    /// Parse `v` as `ty` and push it; on error push nothing and say what was expected.
    pub fn push_parsed(&mut self, ty: ColType, v: &str) -> Result<(), String> {
        match (self, ty) {
            (Cells::Date(out), _) => out.push(Some(parse_date(v)?)),
            (Cells::Num(out), ty) => out.push(Some(parse_number(v, ty)?)),
            (Cells::Bool(out), _) => out.push(Some(match v.to_ascii_lowercase().as_str() {
                "yes" | "true" => true,
                "no" | "false" => false,
                _ => return Err(format!("\"{v}\" is not yes or no")),
            })),
            (Cells::Text(out), ColType::Category(allowed)) => {
                if !allowed.contains(&v) {
                    return Err(not_allowed(v, allowed));
                }
                out.push(Some(v.to_string()));
            }
            (Cells::Text(out), ColType::Metric) => {
                let names = metric_names();
                if !names.contains(&v) {
                    return Err(not_allowed(v, &names));
                }
                out.push(Some(v.to_string()));
            }
            (Cells::Text(out), _) => out.push(Some(v.to_string())),
        }
        Ok(())
    }
}

fn not_allowed(v: &str, allowed: &[&str]) -> String {
    format!(
        "\"{v}\" is not an allowed value: expected one of {}{}",
        allowed.join(", "),
        super::validate::did_you_mean(v, allowed.iter().copied())
    )
}

fn parse_number(v: &str, ty: ColType) -> Result<f64, String> {
    let x: f64 = v
        .parse()
        .map_err(|_| format!("\"{v}\" is not a number: expected {}", ty.expected()))?;
    if !x.is_finite() {
        return Err(format!("\"{v}\" is not finite: expected {}", ty.expected()));
    }
    if ty == ColType::Amount && x < 0.0 {
        return Err(format!("\"{v}\" is negative: expected {}", ty.expected()));
    }
    Ok(x)
}

fn days_since_epoch(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

pub fn build(table: TypedTable) -> DataFrame {
    let columns: Vec<Column> = table
        .columns
        .into_iter()
        .map(|(name, cells)| {
            let name: PlSmallStr = name.into();
            let series = match cells {
                Cells::Text(v) => Series::new(name, v),
                Cells::Num(v) => Series::new(name, v),
                Cells::Bool(v) => Series::new(name, v),
                Cells::Date(v) => {
                    let days: Vec<Option<i32>> =
                        v.into_iter().map(|d| d.map(days_since_epoch)).collect();
                    Series::new(name, days)
                        .cast(&DataType::Date)
                        .expect("i32 days cast to Date")
                }
            };
            series.into_column()
        })
        .collect();
    DataFrame::new_infer_height(columns).expect("validated columns have equal lengths")
}

pub fn sorted(df: DataFrame, by: &[&str]) -> DataFrame {
    df.sort(
        by.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        SortMultipleOptions::default().with_maintain_order(true),
    )
    .expect("sort by validated columns")
}

/// Read a Date column back as chrono dates (for the stages after polars).
pub fn dates(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<NaiveDate>>> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    Ok(df
        .column(name)?
        .date()?
        .physical()
        .iter()
        .map(|d| d.map(|d| epoch + chrono::Duration::days(d as i64)))
        .collect())
}

/// Read a String column back as owned strings.
pub fn texts(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|s| s.map(str::to_string))
        .collect())
}

/// Read a Float64 column back.
pub fn nums(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    Ok(df.column(name)?.f64()?.iter().collect())
}
