//! Text that a terminal or a page would not show as it is written: control characters (an
//! escape sequence can clear a terminal or retitle its window, a newline splits a line of
//! output) and the characters that reorder text for display (bidi overrides and isolates, which
//! make text read differently from what it says). Names, titles and headers a user writes are
//! plain text; these are refused where they are read.

/// The first character of `text` that is not plain text on one line, with its 0-based index
/// in characters; a tab passes.
pub fn unprintable(text: &str) -> Option<(usize, char)> {
    // Nearly all text is printable ASCII: that is known from its bytes, in blocks without an
    // early exit inside (which the compiler turns into vector code), before any decoding.
    let printable = |b: u8| (b' '..=b'~').contains(&b) | (b == b'\t');
    let ascii = text
        .as_bytes()
        .chunks(32)
        .all(|block| block.iter().fold(true, |ok, &b| ok & printable(b)));
    if ascii {
        return None;
    }
    text.chars().enumerate().find(|&(_, c)| unshown(c))
}

/// Whether `c` is not shown as written: a control character other than tab, or a character
/// that reorders text or breaks its line.
pub fn unshown(c: char) -> bool {
    (c.is_control() && c != '\t') || is_reordering(c)
}

/// A character that reorders the text around it for display, or separates lines or paragraphs.
pub fn is_reordering(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// A character that takes no room when shown (a zero-width space or joiner, a soft hyphen, a
/// byte-order mark, a left-to-right, right-to-left or Arabic letter mark): text holding one reads like text without it
/// (`ba<U+200B>se` shows as `base`). Allowed in text, but never quoted as it is in a message.
pub fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Whether `text` holds a character [`invisible`], known from its bytes for ASCII text.
fn has_invisible(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(invisible)
}

/// `line` with each character a terminal would not show as written replaced in place, one for
/// one (so a caret's column still points at the same character): a control character by its
/// symbol (`␛` for escape, `␀` for NUL), any other (an invisible one too) by `�`.
pub fn displayable(line: String) -> String {
    if unprintable(&line).is_none() && !has_invisible(&line) {
        return line;
    }
    line.chars()
        .map(|c| match c as u32 {
            _ if !unshown(c) && !invisible(c) => c,
            n @ 0..=0x1F => char::from_u32(0x2400 + n).unwrap_or('\u{FFFD}'),
            0x7F => '\u{2421}',
            _ => '\u{FFFD}',
        })
        .collect()
}

/// A number as a message quotes it: as Rust writes it (`0.6`, `-5`), but past a million
/// billion or below a millionth in scientific notation (`1e300`, `2.5e-310`), which Rust would
/// write out in all its hundreds of digits.
pub fn number(x: f64) -> String {
    if x.is_finite() && x != 0.0 && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// `U+001B`: how a problem names a character it cannot print.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// `v` as a message quotes it: each character a terminal would not show as written, or would
/// show as nothing ([`invisible`]), is written as its code point, `<U+001B>`, so a message
/// never carries one and a quoted value reads as what it holds.
pub fn escaped(v: &str) -> std::borrow::Cow<'_, str> {
    if unprintable(v).is_none() && !has_invisible(v) {
        return std::borrow::Cow::Borrowed(v);
    }
    let mut out = String::with_capacity(v.len() + 8);
    for c in v.chars() {
        if unshown(c) || invisible(c) {
            out.push('<');
            out.push_str(&code_point(c));
            out.push('>');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_far_from_one_is_written_in_scientific_notation() {
        assert_eq!(number(0.6), "0.6");
        assert_eq!(number(-5.0), "-5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(-1.7976931348623157e308), "-1.7976931348623157e308");
        assert_eq!(number(2.5e-310), "2.5e-310");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(999_999_999_999_999.0), "999999999999999");
    }

    #[test]
    fn control_and_reordering_characters_are_found_tabs_and_letters_pass() {
        assert_eq!(unprintable("Base\tL2 é ✓"), None);
        assert_eq!(unprintable("Base\u{1b}[31m"), Some((4, '\u{1b}')));
        assert_eq!(unprintable("a\nb"), Some((1, '\n')));
        assert_eq!(unprintable("ab\u{202E}cd"), Some((2, '\u{202E}')));
        assert_eq!(unprintable("x\u{7f}"), Some((1, '\u{7f}')));
        assert_eq!(code_point('\u{1b}'), "U+001B");
    }
}
