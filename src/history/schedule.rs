//! The dates a backtest screens at: every week, every four weeks, every month end or every
//! quarter end between two dates (both included when they fall on the schedule).

use chrono::{Datelike, Duration, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// The most dates one backtest screens: a century of weeks (the longest leadership window
/// `screen.toml` allows is a century too). Each date is a whole screen and a column of the
/// output, so a schedule from year 1 would take minutes and write a report no one could read.
pub const MAX_DATES: usize = 5200;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Every {
    /// Every 7 days from the first date.
    Week,
    /// Every 28 days from the first date.
    FourWeeks,
    /// The last day of every month.
    Month,
    /// The last day of every quarter (Mar 31, Jun 30, Sep 30, Dec 31).
    Quarter,
}

impl Every {
    pub fn as_str(self) -> &'static str {
        match self {
            Every::Week => "1w",
            Every::FourWeeks => "4w",
            Every::Month => "1m",
            Every::Quarter => "1q",
        }
    }

    /// The dates from `from` to `to`.
    pub fn dates(self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        match self {
            Every::Week | Every::FourWeeks => {
                let step = Duration::days(if self == Every::Week { 7 } else { 28 });
                let mut d = from;
                while d <= to {
                    out.push(d);
                    d += step;
                }
            }
            Every::Month | Every::Quarter => {
                let months = if self == Every::Month { 1 } else { 3 };
                let (mut y, mut m) = (from.year(), from.month());
                while (m - 1) % months != months - 1 {
                    m += 1;
                }
                loop {
                    if m > 12 {
                        y += 1;
                        m -= 12;
                    }
                    let end = month_end(y, m);
                    if end > to {
                        break;
                    }
                    if end >= from {
                        out.push(end);
                    }
                    m += months;
                }
            }
        }
        out
    }
}

fn month_end(year: i32, month: u32) -> NaiveDate {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1).expect("a valid month") - Duration::days(1)
}

impl FromStr for Every {
    type Err = String;

    fn from_str(s: &str) -> Result<Every, String> {
        match s {
            "1w" => Ok(Every::Week),
            "4w" => Ok(Every::FourWeeks),
            "1m" => Ok(Every::Month),
            "1q" => Ok(Every::Quarter),
            _ => Err(format!(
                "\"{s}\" is not a step: expected 1w (every week), 4w (every four weeks), 1m (month ends) or 1q (quarter ends)"
            )),
        }
    }
}

impl fmt::Display for Every {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn schedules() {
        assert_eq!(
            Every::Week.dates(d("2024-12-01"), d("2024-12-15")),
            [d("2024-12-01"), d("2024-12-08"), d("2024-12-15")]
        );
        assert_eq!(
            Every::FourWeeks.dates(d("2024-12-01"), d("2025-01-28")),
            [d("2024-12-01"), d("2024-12-29"), d("2025-01-26")]
        );
        assert_eq!(
            Every::Month.dates(d("2024-11-15"), d("2025-02-28")),
            [
                d("2024-11-30"),
                d("2024-12-31"),
                d("2025-01-31"),
                d("2025-02-28")
            ]
        );
        assert_eq!(
            Every::Quarter.dates(d("2024-02-01"), d("2025-01-01")),
            [
                d("2024-03-31"),
                d("2024-06-30"),
                d("2024-09-30"),
                d("2024-12-31")
            ]
        );
        assert!(
            Every::Week
                .dates(d("2024-12-15"), d("2024-12-01"))
                .is_empty()
        );
        assert_eq!("1q".parse::<Every>(), Ok(Every::Quarter));
        assert!("2w".parse::<Every>().is_err());
    }
}
