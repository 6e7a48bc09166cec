//! Text from rules, datasets and screen.toml (reasons, hints, titles, `why`, names) as each
//! output format must hold it: it can contain anything, and must neither act in the format
//! (a spreadsheet formula, Markdown's raw HTML and links, a terminal's escape sequences) nor
//! break its layout (a table row split by a newline). Every format cleans it the way
//! [`limits::bounded`](crate::rules::limits::bounded) cleans a reason: control characters other
//! than newline and tab, bidirectional overrides and isolates and line separators become `�`.

use crate::rules::limits::clean;
use std::borrow::Cow;

/// `text` as a terminal shows it: control characters other than newline and tab (which could
/// start an escape sequence), bidirectional controls and line separators as `�`.
pub fn shown(text: &str) -> Cow<'_, str> {
    if text.chars().all(|c| clean(c) == c) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(clean).collect())
    }
}

/// `text` on one line, for a table cell or a line of its own: [`shown`], with newlines and
/// tabs as spaces.
pub fn one_line(text: &str) -> Cow<'_, str> {
    let flat = |c: char| match c {
        '\n' | '\t' => ' ',
        c => clean(c),
    };
    if text.chars().all(|c| flat(c) == c) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(flat).collect())
    }
}

/// `text` as Markdown that shows it literally rather than acting on it: [`shown`], and
/// nothing that starts raw HTML, an autolink, an entity, a link, an image or a link
/// definition. A `<` before a letter, `/`, `!` or `?` is written `&lt;` and a `&` that could
/// start an entity is written `&amp;`; a `]` before `(`, `[` or `:` (or at the end,
/// where a template's text follows) is escaped with a backslash, and so is a `[` and a
/// backslash that would escape the next character. Other characters are kept as they are,
/// so that a value between backticks in a template (a code span, where nothing is escaped)
/// reads the same unless it holds such a sequence: `a >= b` and `x <= 2` are unchanged.
///
/// Every value is inline text in a template (a sentence, a table cell, a quote): a newline is
/// written as a space, so that no value starts a block of its own (a heading, a list, the end
/// of a quote), and a value that would start one where a template puts it at the start of a
/// line (`# `, `> `, `- `, `1. `, `---`) has that marker escaped; `|` is escaped, so that a
/// value in a table row is one cell.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let marker = block_marker(text);
    let mut chars = text
        .char_indices()
        .map(|(at, c)| (Some(at) == marker, c))
        .peekable();
    while let Some((is_marker, c)) = chars.next() {
        if is_marker {
            out.push('\\');
            out.push(c);
            continue;
        }
        let next = chars.peek().map(|&(_, n)| n);
        match c {
            '<' if next.is_none_or(|n| n.is_ascii_alphabetic() || "/!?".contains(n)) => {
                out.push_str("&lt;");
            }
            '&' if entity_like(chars.clone().map(|(_, c)| c)) => out.push_str("&amp;"),
            '\\' if next.is_none_or(|n| n.is_ascii_punctuation()) => out.push_str("\\\\"),
            ']' if next.is_none_or(|n| "([:".contains(n)) => out.push_str("\\]"),
            '[' => out.push_str("\\["),
            // A table's column separator, wherever a template puts the value (a cell or not:
            // `\|` shows `|` in both).
            '|' => out.push_str("\\|"),
            '\n' => out.push(' '),
            c => out.push(clean(c)),
        }
    }
    out
}

/// `text` as a whole Markdown code span (backticks included) in a table cell: inside a code
/// span nothing is a link, a tag or an entity and a backslash escapes nothing, so the text is
/// kept as written ([`shown`], on one line), but for `|`, which a table splits cells at even
/// there (`\|` shows `|`). The fence is one backtick longer than the longest run in the text,
/// with a space inside it when the text starts or ends with a backtick. Empty text is nothing.
pub fn markdown_code(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    let mut out = String::with_capacity(text.len() + 2 * fence.len() + 2);
    out.push_str(&fence);
    out.push_str(pad);
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\t' => out.push(' '),
            c => out.push(clean(c)),
        }
    }
    out.push_str(pad);
    out.push_str(&fence);
    out
}

/// Where the character is (its byte index) that would make `text`, at the start of a line,
/// start a Markdown block: an ATX heading's `#`, a quote's `>`, a list item's `-`, `+`, `*` or
/// the `.`/`)` after its number, a thematic break's first character.
fn block_marker(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    // A marker alone (`-`, a missing value) starts at most an empty item: left as it is.
    let then_blank = |at: usize| bytes.get(at).is_some_and(|b| *b == b' ' || *b == b'\t');
    match first {
        b'#' | b'>' => Some(0),
        b'-' | b'+' | b'*' if then_blank(1) => Some(0),
        b'-' | b'*' | b'_' if bytes.iter().take_while(|b| **b == first).count() >= 3 => Some(0),
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            (digits <= 9
                && matches!(bytes.get(digits), Some(b'.' | b')'))
                && then_blank(digits + 1))
            .then_some(digits)
        }
        _ => None,
    }
}

/// Whether what follows a `&` could make it an entity (`&lt;`, `&#60;`, `&#x3c;`), given
/// that a template's text may follow the value: an optional `#`, letters and digits, then a
/// `;` or the end.
fn entity_like(mut rest: impl Iterator<Item = char>) -> bool {
    let mut next = rest.next();
    if next == Some('#') {
        next = rest.next();
    }
    while next.is_some_and(|c| c.is_ascii_alphanumeric()) {
        next = rest.next();
    }
    matches!(next, None | Some(';'))
}

/// A free-text CSV cell that no spreadsheet runs as a formula (OWASP's advice for CSV
/// injection): one starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'`
/// in front.
pub fn csv_text(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_has_no_escape_sequence_and_one_line_no_break() {
        let hostile = "a\x1b[2J\x1b]0;title\x07b\r\u{9b}c\u{202e}d\u{2028}e\nf\tg";
        let shown = shown(hostile);
        assert_eq!(
            shown,
            "a\u{fffd}[2J\u{fffd}]0;title\u{fffd}b\u{fffd}\u{fffd}c\u{fffd}d\u{fffd}e\nf\tg"
        );
        assert_eq!(
            one_line(hostile),
            "a\u{fffd}[2J\u{fffd}]0;title\u{fffd}b\u{fffd}\u{fffd}c\u{fffd}d\u{fffd}e f g"
        );
        assert!(matches!(super::shown("plain — text"), Cow::Borrowed(_)));
        assert!(matches!(one_line("plain — text"), Cow::Borrowed(_)));
    }

    #[test]
    fn markdown_shows_html_and_links_literally() {
        assert_eq!(
            markdown("<script>alert(1)</script> <img src=x onerror=alert(1)> <!-- c --> <?x>"),
            "&lt;script>alert(1)&lt;/script> &lt;img src=x onerror=alert(1)> &lt;!-- c --> &lt;?x>"
        );
        assert_eq!(
            markdown("&lt; &#60; &#x3c; R&D"),
            "&amp;lt; &amp;#60; &amp;#x3c; R&amp;D"
        );
        assert_eq!(
            markdown("[link](javascript:alert(1)) ![i](x) [r]: javascript:x [a][r]"),
            "\\[link\\](javascript:alert(1)) !\\[i\\](x) \\[r\\]: javascript:x \\[a\\]\\[r\\]"
        );
        // A backslash of the text's own cannot undo an escape.
        assert_eq!(
            markdown("\\[a\\](javascript:x) \\<b>"),
            "\\\\\\[a\\\\\\](javascript:x) \\\\&lt;b>"
        );
        assert_eq!(
            markdown("<javascript:alert(1)>"),
            "&lt;javascript:alert(1)>"
        );
        // What a template writes after the value cannot complete a tag, an entity or a link.
        assert_eq!(markdown("a <"), "a &lt;");
        assert_eq!(markdown("a &"), "a &amp;");
        assert_eq!(markdown("a ]"), "a \\]");
        assert_eq!(markdown("a \\"), "a \\\\");
        assert_eq!(markdown("a\x1bb\u{202e}c"), "a\u{fffd}b\u{fffd}c");
        // What cannot act is kept, so that code spans read as before.
        for kept in [
            "tvl_change_13w >= -30% (now -38%)",
            "peers.filter(\"tvl_usd\", \">=\", 1).count(\"x\", \"<=\", 2)",
            "a < b && c > d; 3.5% of $1.2B; C:\\dir; x] y",
            "https://x.org/index.php?title=GMX_(GMX)&oldid=17099",
        ] {
            assert_eq!(markdown(kept), kept);
        }
        assert_eq!(markdown("a|b\nc\\|d"), "a\\|b c\\\\\\|d");
    }

    /// A value is inline text wherever a template puts it: it cannot start a block (a
    /// heading, a list, a quote, a rule) of its own, nor end the quote it is in.
    #[test]
    fn markdown_values_start_no_block() {
        assert_eq!(markdown("fine\n# Owned\n> quote"), "fine # Owned > quote");
        // In a table row or not, a value is one cell.
        assert_eq!(markdown("Arbitrum | pipe"), "Arbitrum \\| pipe");
        for (text, escaped) in [
            ("# Owned", "\\# Owned"),
            ("> quote", "\\> quote"),
            ("- item", "\\- item"),
            ("+ item", "\\+ item"),
            ("* item", "\\* item"),
            ("---", "\\---"),
            ("***", "\\***"),
            ("___", "\\___"),
            ("1. first", "1\\. first"),
            ("12) twelfth", "12\\) twelfth"),
        ] {
            assert_eq!(markdown(text), escaped, "{text}");
        }
        for kept in [
            "-38% in 13 weeks",
            "2024.5 weeks",
            "*emphasis*",
            "1.5x",
            "a # b",
            "--flag",
        ] {
            assert_eq!(markdown(kept), kept);
        }
    }

    /// In a code span nothing acts, so nothing but a table's `|` is escaped: what a rule's
    /// evidence label holds reads as written.
    #[test]
    fn markdown_code_spans_keep_the_text() {
        assert_eq!(
            markdown_code("peers.filter(\"host\", \"in\", [\"base\"]).len()"),
            "`peers.filter(\"host\", \"in\", [\"base\"]).len()`"
        );
        assert_eq!(
            markdown_code("<b>&lt;[a](javascript:x) \\"),
            "`<b>&lt;[a](javascript:x) \\`"
        );
        assert_eq!(markdown_code("a|b\nc\x1b"), "`a\\|b c\u{fffd}`");
        assert_eq!(markdown_code("x `y` z"), "``x `y` z``");
        assert_eq!(markdown_code("`a``"), "``` `a`` ```");
        assert_eq!(markdown_code(""), "");
    }

    #[test]
    fn csv_cells_that_start_a_formula_are_quoted() {
        for text in [
            "=HYPERLINK(\"http://evil\",\"x\")",
            "+1",
            "-1+1",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert_eq!(csv_text(text), format!("'{text}"));
        }
        for text in ["", "fine", " =1", "1-1", "{\"a\": 1}"] {
            assert!(matches!(csv_text(text), Cow::Borrowed(t) if t == text));
        }
    }
}
