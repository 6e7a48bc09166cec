//! One cell read as its column's type. A cell comes as text (CSV, and Parquet string columns) or
//! as a typed Parquet value; either way the same checks apply and the same problem is reported.
//! Parsing allocates nothing: a bad cell yields a [`Why`], and its message is only written when
//! the problem will be listed.

use super::schema::{ColType, metric_names};
use chrono::{Datelike, NaiveDate};
use std::sync::OnceLock;

/// One cell of a row, as the reader found it.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    /// Empty, or only spaces: unknown.
    Empty,
    /// The cell's text, trimmed.
    Text(&'a str),
    /// A Parquet date: days since 1970-01-01.
    Date(i32),
    /// A Parquet number (float or integer).
    Num(f64),
    /// A Parquet boolean.
    Bool(bool),
    /// A cell of a Parquet column of the wrong type: the column is reported once, and its cells
    /// are neither values nor problems.
    Skip,
}

impl<'a> Cell<'a> {
    /// A text cell, trimmed; empty when nothing is left.
    pub fn text(raw: &'a str) -> Cell<'a> {
        // Nearly every cell starts and ends with a printable ASCII character, so has nothing to
        // trim: that is two byte compares instead of decoding characters at both ends.
        let printable = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
        let bytes = raw.as_bytes();
        if printable(bytes.first()) && printable(bytes.last()) {
            return Cell::Text(raw);
        }
        match raw.trim() {
            "" => Cell::Empty,
            v => Cell::Text(v),
        }
    }

    /// The text, for a text cell.
    pub fn as_text(&self) -> Option<&'a str> {
        match self {
            Cell::Text(v) => Some(v),
            _ => None,
        }
    }
}

/// Why a cell is not a valid value of its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    NotDate,
    NotNumber,
    NotFinite,
    Negative,
    NotBool,
    NotAllowed(&'static [&'static str]),
}

impl Why {
    /// What is wrong with the cell written `v` in a column of type `ty`, and what was expected.
    pub fn message(self, v: &str, ty: ColType) -> String {
        match self {
            Why::NotDate => format!("\"{v}\" is not a date: expected a date YYYY-MM-DD"),
            Why::NotNumber => format!("\"{v}\" is not a number: expected {}", ty.expected()),
            Why::NotFinite => format!("\"{v}\" is not finite: expected {}", ty.expected()),
            Why::Negative => format!("\"{v}\" is negative: expected {}", ty.expected()),
            Why::NotBool => format!("\"{v}\" is not yes or no"),
            Why::NotAllowed(allowed) => format!(
                "\"{v}\" is not an allowed value: expected one of {}{}",
                allowed.join(", "),
                did_you_mean(v, allowed.iter().copied())
            ),
        }
    }
}

/// `; did you mean `x`?` after a message about an unknown value, or nothing.
pub fn did_you_mean<'a>(value: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    crate::diagnostics::suggestion(value, candidates).map_or(String::new(), |s| format!("; {s}"))
}

/// The metric names of the catalogue, listed once for every cell that names one.
pub fn metric_list() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(metric_names)
}

/// Days from 1970-01-01 of the first and last dates that can be written `YYYY-MM-DD`.
pub const FIRST_DAY: i32 = -719_528;
pub const LAST_DAY: i32 = 2_932_896;

/// A `YYYY-MM-DD` date as days since 1970-01-01.
pub fn date(v: &str) -> Result<i32, Why> {
    super::date::parse_ymd(v)
        .map(days_since_epoch)
        .ok_or(Why::NotDate)
}

/// A Parquet date, if it can be written `YYYY-MM-DD` (as a date in the data must be).
pub fn checked_date(days: i32) -> Result<i32, Why> {
    if (FIRST_DAY..=LAST_DAY).contains(&days) {
        Ok(days)
    } else {
        Err(Why::NotDate)
    }
}

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const EPOCH_FROM_CE: i32 = 719_163;

pub fn days_since_epoch(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - EPOCH_FROM_CE
}

/// The date `days` after 1970-01-01 (as a date column holds it; every one of them is a date
/// chrono can hold).
pub fn day_date(days: i32) -> NaiveDate {
    days.checked_add(EPOCH_FROM_CE)
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .expect("a date column's day is a date")
}

/// A number of an `amount` or `number` column.
pub fn number(v: &str, ty: ColType) -> Result<f64, Why> {
    checked_number(v.parse().map_err(|_| Why::NotNumber)?, ty)
}

/// A number that is finite, and not negative for an `amount`.
pub fn checked_number(x: f64, ty: ColType) -> Result<f64, Why> {
    if !x.is_finite() {
        return Err(Why::NotFinite);
    }
    if ty == ColType::Amount && x < 0.0 {
        return Err(Why::Negative);
    }
    Ok(x)
}

/// `yes`/`no`, `true`/`false`, in any case.
pub fn boolean(v: &str) -> Result<bool, Why> {
    if v.eq_ignore_ascii_case("yes") || v.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if v.eq_ignore_ascii_case("no") || v.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(Why::NotBool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text cell is the text trimmed of whitespace, whatever character it starts or ends
    /// with (the check that skips trimming looks at bytes).
    #[test]
    fn text_cells_are_trimmed_whatever_their_ends() {
        for c in (0..=0x3100u32)
            .chain([0xFEFF, 0x1F600])
            .filter_map(char::from_u32)
        {
            for raw in [
                c.to_string(),
                format!("{c}a"),
                format!("a{c}"),
                format!("{c}a b{c}"),
                format!("{c}{c}"),
            ] {
                let expected = match raw.trim() {
                    "" => None,
                    v => Some(v),
                };
                assert_eq!(Cell::text(&raw).as_text(), expected, "{:?}", raw);
            }
        }
    }

    fn epoch() -> NaiveDate {
        NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
    }

    /// Days counted from the common era are days counted from 1970-01-01, both ways, over
    /// every date a data file can write.
    #[test]
    fn days_since_epoch_and_day_date_are_chrono_date_arithmetic() {
        assert_eq!(days_since_epoch(epoch()), 0);
        for days in (FIRST_DAY..=LAST_DAY)
            .step_by(97)
            .chain([FIRST_DAY, -1, 0, 1, LAST_DAY])
        {
            let date = epoch() + chrono::Duration::days(i64::from(days));
            assert_eq!(day_date(days), date, "{days}");
            assert_eq!(days_since_epoch(date), days, "{date}");
        }
    }

    /// The Parquet range check accepts exactly the dates `parse_ymd` reads back from their text.
    #[test]
    fn parquet_dates_are_the_dates_the_text_form_allows() {
        for days in [
            FIRST_DAY - 1,
            FIRST_DAY,
            0,
            LAST_DAY,
            LAST_DAY + 1,
            i32::MIN,
            i32::MAX,
        ] {
            let text = days
                .checked_add(719_163)
                .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            assert_eq!(
                checked_date(days).is_ok(),
                date(&text) == Ok(days),
                "{days} {text}"
            );
        }
        assert_eq!(date("0000-01-01"), Ok(FIRST_DAY));
        assert_eq!(date("9999-12-31"), Ok(LAST_DAY));
    }

    #[test]
    fn cells_parse_as_before() {
        assert_eq!(number("2.4e9", ColType::Amount), Ok(2.4e9));
        assert_eq!(number("-1", ColType::Number), Ok(-1.0));
        assert_eq!(number("-1", ColType::Amount), Err(Why::Negative));
        assert_eq!(number("NaN", ColType::Amount), Err(Why::NotFinite));
        assert_eq!(number("2.4e9x", ColType::Amount), Err(Why::NotNumber));
        assert_eq!(boolean("YES"), Ok(true));
        assert_eq!(boolean("False"), Ok(false));
        assert_eq!(boolean("maybe"), Err(Why::NotBool));
        assert!(matches!(Cell::text("  "), Cell::Empty));
        assert_eq!(Cell::text(" base ").as_text(), Some("base"));
    }
}
