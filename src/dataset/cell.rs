//! One cell read as its column's type. A cell comes as text (CSV, and Parquet string columns) or
//! as a typed Parquet value; either way the same checks apply and the same problem is reported.
//! Parsing allocates nothing: a bad cell yields a [`Why`], and its message is only written when
//! the problem will be listed.

use super::schema::{ColType, metric_names};
use crate::diagnostics::code_point;
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
    /// Larger in size than [`MAX_MAGNITUDE`].
    TooLarge,
    Negative,
    NotBool,
    NotAllowed(&'static [&'static str]),
    /// A character a terminal would not show as written (its index in characters, and it).
    Unprintable(usize, char),
    /// A chain's slug that could not name a file or a link (see [`slug_problem`]).
    NotSlug(NotSlug),
}

impl Why {
    /// What is wrong with the cell written `v` in a column of type `ty`, and what was expected.
    pub fn message(self, v: &str, ty: ColType) -> String {
        let v = escaped(v);
        match self {
            Why::NotDate => super::date::not_a_date(&v, "a date YYYY-MM-DD"),
            Why::NotNumber => format!("\"{v}\" is not a number: expected {}", ty.expected()),
            Why::NotFinite => format!("\"{v}\" is not finite: expected {}", ty.expected()),
            Why::Negative => format!("\"{v}\" is negative: expected {}", ty.expected()),
            Why::TooLarge => format!(
                "\"{v}\" is larger in size than 1e15 (a quadrillion): expected {} of at most that size (a value this large is a mistake of units or of the source, and sums of such values overflow)",
                ty.expected()
            ),
            Why::NotBool => {
                format!("\"{v}\" is not a yes/no value: expected yes, no, true or false (any case)")
            }
            Why::NotAllowed(allowed) => format!(
                "\"{v}\" is not an allowed value: expected one of {}{}",
                allowed.join(", "),
                did_you_mean(&v, allowed.iter().copied())
            ),
            Why::Unprintable(at, c) => format!(
                "\"{v}\" holds {} ({}) at character {}: expected {PLAIN_TEXT}",
                code_point(c),
                if c.is_control() {
                    "a control character"
                } else {
                    "a character that reorders or breaks text for display"
                },
                at + 1
            ),
            Why::NotSlug(why) => {
                format!("\"{v}\" is not a slug: {}; expected {SLUG}", why.message())
            }
        }
    }
}

/// Why `v` cannot be a chain's slug, as a load of the chains table says it, if it cannot.
pub fn slug_message(v: &str) -> Option<String> {
    slug_problem(v).map(|why| Why::NotSlug(why).message(v, ColType::Chain))
}

/// What a chain's slug may be, for messages.
pub const SLUG: &str = "1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or a digit, not `sector`, `index` or a Windows device name (`con`, `nul`, `com1`, …)";

/// Why a text cannot be a chain's slug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSlug {
    TooLong,
    /// The character at this index (in characters) may not be there.
    Char(usize, char),
    /// A name a file of moat's own takes, or that Windows keeps for a device: why.
    Reserved(&'static str),
}

impl NotSlug {
    fn message(self) -> String {
        match self {
            NotSlug::TooLong => "it is longer than 64 bytes".to_string(),
            NotSlug::Char(at, c) => {
                let shown = if c.is_ascii_graphic() {
                    format!("`{c}`")
                } else if c.is_alphanumeric() {
                    format!("`{c}` ({})", code_point(c))
                } else {
                    code_point(c)
                };
                format!("it holds {shown} at character {}", at + 1)
            }
            NotSlug::Reserved(why) => why.to_string(),
        }
    }
}

/// Why `v` cannot be a chain's slug, if it cannot. A slug names the chain's memo files
/// (`<slug>.html`, `<slug>.md`) and the links to them, so it holds only characters that mean
/// the same in a file name and a URL path on every system; `sector` names the sector memo's.
pub fn slug_problem(v: &str) -> Option<NotSlug> {
    if v.len() > 64 {
        return Some(NotSlug::TooLong);
    }
    let allowed =
        |at: usize, c: char| c.is_ascii_alphanumeric() || (at > 0 && matches!(c, '-' | '_' | '.'));
    if let Some((at, c)) = v.chars().enumerate().find(|&(at, c)| !allowed(at, c)) {
        return Some(NotSlug::Char(at, c));
    }
    let lower = v.to_ascii_lowercase();
    if lower == "sector" {
        return Some(NotSlug::Reserved("`sector` names the sector memo's files"));
    }
    if lower == "index" {
        return Some(NotSlug::Reserved(
            "`index` names the screen report beside the memos (`index.html`)",
        ));
    }
    // A device name is one with any extension too (`com1.txt`, `nul.json`).
    let stem = lower.split('.').next().unwrap_or_default();
    let device = matches!(stem, "con" | "prn" | "aux" | "nul")
        || (stem.len() == 4
            && (stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0');
    if device {
        return Some(NotSlug::Reserved(
            "Windows keeps it for a device: no file can take it there",
        ));
    }
    None
}

/// What a text value may hold, for messages.
pub const PLAIN_TEXT: &str = "text on one line without control characters (a tab excepted) or bidirectional formatting characters (U+202A to U+202E, U+2066 to U+2069)";

pub use crate::diagnostics::unprintable;

pub use crate::diagnostics::escaped;

pub use crate::diagnostics::displayable;

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
pub const EPOCH_FROM_CE: i32 = 719_163;

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

/// The largest size of a number in the data: a quadrillion, where the largest amount in the
/// sector (a chain's TVL) is in the tens of billions of dollars. Shares, sums and squares of
/// values within it stay finite (two TVLs of 1.7e308 made the week's total infinite and every
/// chain's share 0).
pub const MAX_MAGNITUDE: f64 = 1e15;

/// A number that is finite and within [`MAX_MAGNITUDE`], and not negative for an `amount`.
pub fn checked_number(x: f64, ty: ColType) -> Result<f64, Why> {
    if !x.is_finite() {
        return Err(Why::NotFinite);
    }
    if x.abs() > MAX_MAGNITUDE {
        return Err(Why::TooLarge);
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

    /// A Windows device name is refused with or without an extension; a name that only
    /// starts like one is a slug.
    #[test]
    fn device_names_are_not_slugs_with_any_extension() {
        for bad in ["con", "NUL", "com1", "com1.txt", "lpt9.json", "aux.x.y"] {
            assert!(
                matches!(slug_problem(bad), Some(NotSlug::Reserved(_))),
                "{bad}"
            );
        }
        for good in [
            "com0",
            "com10",
            "console",
            "nullchain",
            "auxiliary.io",
            "base",
        ] {
            assert!(slug_problem(good).is_none(), "{good}");
        }
    }
    use crate::diagnostics::unshown;
    use std::borrow::Cow;

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

    /// Text a terminal would not show as written is found, quoted as code points in messages,
    /// and replaced one character for one in the source line under a caret.
    #[test]
    fn unprintable_text_is_found_quoted_and_replaced_in_place() {
        assert_eq!(unprintable("Base\tL2 é ✓"), None);
        assert_eq!(unprintable("Ba\u{1b}[2J"), Some((2, '\u{1b}')));
        assert_eq!(unprintable("é\u{85}"), Some((1, '\u{85}')));
        assert_eq!(unprintable("a\u{2067}b"), Some((1, '\u{2067}')));
        assert_eq!(escaped("opti\0mism\u{202E}"), "opti<U+0000>mism<U+202E>");
        assert!(matches!(escaped("base"), Cow::Borrowed("base")));
        assert_eq!(
            displayable("a,\u{1b}[31m,\0,\u{7f},\u{202E}".into()),
            "a,\u{241b}[31m,\u{2400},\u{2421},\u{fffd}"
        );
        // Every character of every width: the check on bytes agrees with the one on characters.
        for c in (0..=0x3000u32).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(unprintable(&text).is_some(), unshown(c), "{c:?}");
            assert_eq!(displayable(text.clone()).chars().count(), 3, "{c:?}");
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
        assert_eq!(number("1.7e308", ColType::Amount), Err(Why::TooLarge));
        assert_eq!(number("-2e15", ColType::Number), Err(Why::TooLarge));
        assert_eq!(number("1e15", ColType::Amount), Ok(1e15));
        assert_eq!(number("2.4e9x", ColType::Amount), Err(Why::NotNumber));
        assert_eq!(boolean("YES"), Ok(true));
        assert_eq!(boolean("False"), Ok(false));
        assert_eq!(boolean("maybe"), Err(Why::NotBool));
        assert_eq!(
            Why::NotBool.message("1", ColType::Bool),
            "\"1\" is not a yes/no value: expected yes, no, true or false (any case)"
        );
        assert!(matches!(Cell::text("  "), Cell::Empty));
        assert_eq!(Cell::text(" base ").as_text(), Some("base"));
    }
}
