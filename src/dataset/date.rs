//! Dates are written one way everywhere, in the data and on the command line: `YYYY-MM-DD`,
//! exactly ten characters (`2024-1-5`, `+2024-01-05`, `-0001-01-01` and `2024-01-05 ` are not
//! dates). The parser reads the digits at fixed places, so it is also cheap per cell.

use chrono::NaiveDate;

/// Parse a `YYYY-MM-DD` date, or `None`.
pub fn parse_ymd(s: &str) -> Option<NaiveDate> {
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
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// The message for a text that is not a date.
pub fn not_a_date(s: &str) -> String {
    format!("\"{s}\" is not a date: expected YYYY-MM-DD, e.g. 2024-12-15")
}

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
}
