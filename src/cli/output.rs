//! Writing results: to stdout in one go through anstream (which keeps colour on a terminal or
//! with `--color always` and drops it elsewhere), treating a closed pipe (`moat screen | head`)
//! as a normal end; notes and errors to stderr the same way; and the terminal's width for
//! tables. Whatever is written, a control character that is not part of one of moat's own
//! styles is written as `�` (`escaped`): text from a rule, a dataset or screen.toml cannot move
//! the cursor, retitle the window or clear the screen, with colour or without.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

/// Write a finished rendering to stdout: through anstream when it holds something anstream
/// may drop (a style), as it is otherwise (a JSON or CSV screen, which anstream would copy
/// byte by byte to the same bytes).
pub fn print(text: &str) -> anyhow::Result<()> {
    fn write(mut out: impl Write, text: &str) -> std::io::Result<()> {
        out.write_all(text.as_bytes())?;
        out.flush()
    }
    let text = escaped(text);
    if nothing_to_strip(&text) {
        write(std::io::stdout().lock(), &text)?;
    } else {
        write(anstream::stdout().lock(), &text)?;
    }
    Ok(())
}

/// `text` with every control character but newline and tab written as `�`, except the escape
/// characters that start a style (Select Graphic Rendition: `ESC [`, digits and `;`, `m`),
/// which is all moat's renderers write (see `report::style`). Text from rules and datasets
/// reaches a renderer already cleaned (`report::escape`); this is the last guard for the rest.
fn escaped(text: &str) -> Cow<'_, str> {
    // Below 0x20 but newline and tab, DEL, and 0xC2 (which starts the C1 controls in UTF-8).
    let maybe = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') | (b == 0x7f) | (b == 0xc2);
    if !text
        .as_bytes()
        .chunks(64)
        .any(|block| block.iter().fold(false, |any, &b| any | maybe(b)))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = style_len(rest).unwrap_or(c.len_utf8());
        if c.is_control() && c != '\n' && c != '\t' && len == c.len_utf8() {
            out.push('\u{fffd}');
        } else {
            out.push_str(&rest[..len]);
        }
        rest = &rest[len..];
    }
    Cow::Owned(out)
}

/// The length of the style sequence (`ESC [ 1 ; 31 m`) `text` starts with, if it starts with
/// one.
fn style_len(text: &str) -> Option<usize> {
    let params = text.strip_prefix("\x1b[")?;
    let digits = params
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (params.as_bytes().get(digits) == Some(&b'm')).then_some(2 + digits + 1)
}

/// Whether `text` has no byte anstream's stripping drops or starts a sequence with: no escape,
/// no control character but whitespace, no DEL. Such text is the same stripped or not (the
/// test below checks every character). Read in blocks without an early exit inside, which the
/// compiler turns into vector code: a JSON screen is most of a megabyte.
fn nothing_to_strip(text: &str) -> bool {
    // Below 0x20 and not ASCII whitespace (tab, line feed, form feed, carriage return), or DEL.
    let dropped =
        |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != 0x0c) & (b != b'\r') | (b == 0x7f);
    !text
        .as_bytes()
        .chunks(64)
        .any(|block| block.iter().fold(false, |any, &b| any | dropped(b)))
}

/// Write a message (a note, a warning, an error) to stderr, ending the line.
pub fn eprint(text: &str) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{}", escaped(text));
}

/// The width tables must fit when stdout is a terminal (`$COLUMNS` when set, else the
/// terminal's); `None` when output goes to a pipe or a file, which get whole rows.
pub fn terminal_width() -> Option<usize> {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return None;
    }
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    columns.or_else(|| terminal_size::terminal_size_of(&stdout).map(|(w, _)| usize::from(w.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// moat's own styles pass; every other control character, alone or starting a sequence
    /// (clear the screen, retitle the window, ring the bell, a C1 CSI), is shown as `�`.
    #[test]
    fn only_moats_own_styles_reach_the_terminal() {
        use crate::evaluate::Status;
        use crate::report::style::{paint, paint_status};
        let styled = format!(
            "{} {}\n\tok",
            paint_status(Status::Error),
            paint(anstyle::Style::new().bold().underline(), "x")
        );
        assert_eq!(escaped(&styled), styled);
        assert!(matches!(escaped("plain — text\n\t"), Cow::Borrowed(_)));
        assert_eq!(
            escaped("a\x1b[2Jb\x1b]0;title\x07c\rd\u{9b}31me\x1b[31"),
            "a\u{fffd}[2Jb\u{fffd}]0;title\u{fffd}c\u{fffd}d\u{fffd}31me\u{fffd}[31"
        );
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            let expected = if c.is_control() && c != '\n' && c != '\t' {
                "a\u{fffd}b".to_string()
            } else {
                text.clone()
            };
            assert_eq!(escaped(&text), expected, "{c:?}");
        }
    }

    #[test]
    fn text_with_nothing_to_strip_is_what_anstream_would_write() {
        // Every character, each between two letters: those `nothing_to_strip` lets through are
        // kept as they are by anstream's stripping, and the others are not all kept.
        let (plain, other): (Vec<char>, Vec<char>) = (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .partition(|c| nothing_to_strip(c.encode_utf8(&mut [0; 4])));
        let text: String = plain.iter().flat_map(|&c| ['a', c]).collect();
        assert!(nothing_to_strip(&text));
        assert_eq!(anstream::adapter::strip_str(&text).to_string(), text);
        for c in other {
            let text = format!("a{c}b");
            assert_ne!(
                anstream::adapter::strip_str(&text).to_string(),
                text,
                "{c:?}"
            );
        }
        let styled = crate::report::style::paint_status(crate::evaluate::Status::Pass);
        assert!(!nothing_to_strip(&styled));
    }
}
