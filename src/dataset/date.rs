//! Dates are written one way everywhere, in the data and on the command line: `YYYY-MM-DD`,
//! exactly ten characters (`2024-1-5`, `+2024-01-05`, `-0001-01-01` and `2024-01-05 ` are not
//! dates). The parser reads the digits at fixed places, so it is also cheap per cell.

use chrono::{Datelike, NaiveDate};

/// Parse a `YYYY-MM-DD` date, or `None`.
pub fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let (y, m, d) = ymd_fields(s)?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The year, month and day of a text of the form `YYYY-MM-DD`, whether or not they make a date.
fn ymd_fields(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    Some((y as i32, m, d))
}

/// What is wrong with a text of the form `YYYY-MM-DD` that is not a date: its month or its
/// day does not exist (`there is no month 13`, `February 2026 has 28 days`). `None` for a date,
/// and for a text not of that form.
pub fn impossible(s: &str) -> Option<String> {
    let (y, m, d) = ymd_fields(s)?;
    if NaiveDate::from_ymd_opt(y, m, d).is_some() {
        return None;
    }
    let Some(first) = NaiveDate::from_ymd_opt(y, m, 1) else {
        return Some(format!(
            "there is no month {m}: expected a month from 01 to 12"
        ));
    };
    if d == 0 {
        return Some("there is no day 0: expected a day from 01".to_string());
    }
    let days = (28..=31)
        .rev()
        .find(|&n| first.with_day(n).is_some())
        .expect("every month has 28 days");
    Some(format!("{} {y:04} has {days} days", MONTHS[m as usize - 1]))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The message for a text that is not a date, `shown` as it is to be quoted: what is wrong
/// when it has the form but its month or day does not exist, else `expected <form>`. Every
/// place a date is read (a cell, the manifest's vintage, `--as-of`) says it this way.
pub fn not_a_date(shown: &str, form: &str) -> String {
    match impossible(shown) {
        Some(why) => format!("\"{shown}\" is not a date: {why}"),
        None => format!("\"{shown}\" is not a date: expected {form}"),
    }
}

/// How a date is written, for messages about the command line.
pub const FORM: &str = "YYYY-MM-DD, e.g. 2024-12-15";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_one_form_is_a_date() {
        assert_eq!(
            parse_ymd("2024-12-15"),
            NaiveDate::from_ymd_opt(2024, 12, 15)
        );
        assert_eq!(parse_ymd("0001-01-01"), NaiveDate::from_ymd_opt(1, 1, 1));
        for bad in [
            "2024-1-5",
            "+2024-01-05",
            "-0001-01-01",
            "2024-01-05 ",
            "2024/01/05",
            "2024-02-30",
            "2024-13-01",
            "20241-01-01",
            "",
            "2024-01-0x",
        ] {
            assert_eq!(parse_ymd(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_date_of_the_form_whose_month_or_day_does_not_exist_says_which() {
        let cases = [
            ("2026-02-30", Some("February 2026 has 28 days")),
            ("2024-02-30", Some("February 2024 has 29 days")),
            ("1900-02-29", Some("February 1900 has 28 days")),
            ("2024-04-31", Some("April 2024 has 30 days")),
            ("2024-01-32", Some("January 2024 has 31 days")),
            (
                "2026-13-01",
                Some("there is no month 13: expected a month from 01 to 12"),
            ),
            (
                "2026-00-10",
                Some("there is no month 0: expected a month from 01 to 12"),
            ),
            (
                "2026-01-00",
                Some("there is no day 0: expected a day from 01"),
            ),
            ("2024-02-29", None),
            ("2024-2-30", None),
            ("not a date", None),
        ];
        for (text, why) in cases {
            assert_eq!(impossible(text).as_deref(), why, "{text}");
        }
        assert_eq!(
            not_a_date("2026-02-30", FORM),
            "\"2026-02-30\" is not a date: February 2026 has 28 days"
        );
        assert_eq!(
            not_a_date("2026-2-3", FORM),
            "\"2026-2-3\" is not a date: expected YYYY-MM-DD, e.g. 2024-12-15"
        );
    }
}
