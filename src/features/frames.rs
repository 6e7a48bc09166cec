//! Small polars helpers shared by the feature modules: date literals (the `dtype-datetime`
//! feature that would give `lit(NaiveDate)` is not enabled), "on or before" cuts, membership
//! tests against a list of strings, and the one ordering rule every "latest observation"
//! uses, so that all modules break ties the same way.

use chrono::NaiveDate;
use polars::prelude::*;

/// Name of the file-order column added with `with_row_index` before any filter.
pub const ROW: &str = "__row";

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

/// Days since 1970-01-01 (polars' physical representation of `Date`).
pub fn days(d: NaiveDate) -> i32 {
    (d - epoch()).num_days() as i32
}

/// The date of a polars physical `Date` value.
pub fn from_days(d: i32) -> NaiveDate {
    epoch() + chrono::Duration::days(i64::from(d))
}

/// A `Date` literal.
pub fn date_lit(d: NaiveDate) -> Expr {
    lit(Scalar::new(DataType::Date, AnyValue::Date(days(d))))
}

/// `column <= as_of` (false for a null date, so undated rows never pass).
pub fn on_or_before(column: &str, as_of: NaiveDate) -> Expr {
    col(column).lt_eq(date_lit(as_of))
}

/// `column` is dated on or before `as_of` and at most `max_age_days` before it.
pub fn within_age(column: &str, as_of: NaiveDate, max_age_days: i64) -> Expr {
    let oldest = as_of - chrono::Duration::days(max_age_days);
    on_or_before(column, as_of).and(col(column).gt_eq(date_lit(oldest)))
}

/// `e` is one of `values`.
pub fn one_of(e: Expr, values: &[&str]) -> Expr {
    let list = Series::new("values".into(), values);
    e.is_in(lit(list).implode(false), false)
}

/// A typed-by-context null.
pub fn null() -> Expr {
    lit(NULL)
}

/// Order observations so that, within any group, the LAST row is the latest one by `date`
/// and, among rows with the same date, the FIRST in file order (`ROW`). Aggregations then
/// take `.last()`; `.min()` of the date still gives the earliest.
pub fn latest_last(lf: LazyFrame, date: &str) -> LazyFrame {
    lf.sort(
        [date, ROW],
        SortMultipleOptions::default()
            .with_order_descending_multi([false, true])
            .with_maintain_order(true),
    )
}

/// The universe's slugs as a one-column frame, to restrict other tables to members.
pub fn slugs(members: &DataFrame) -> LazyFrame {
    members.clone().lazy().select([col("slug")])
}

/// `slug` followed by `fields`: the columns a feature group hands over.
pub fn keyed(fields: &[&str]) -> Vec<Expr> {
    std::iter::once(col("slug"))
        .chain(fields.iter().map(|f| col(*f)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 11).unwrap();
        assert_eq!(days(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        assert_eq!(from_days(days(d)), d);
    }
}
