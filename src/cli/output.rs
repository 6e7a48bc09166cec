//! Writing results: to stdout in one go through anstream (which keeps colour on a terminal or
//! with `--color always` and drops it elsewhere), treating a closed pipe (`moat screen | head`)
//! as a normal end; notes and errors to stderr the same way; and the terminal's width for
//! tables.

use std::io::{IsTerminal, Write};

/// Write a finished rendering to stdout: through anstream when it holds something anstream
/// may drop (a style, a control character), as it is otherwise (a JSON or CSV screen, which
/// anstream would copy byte by byte to the same bytes).
pub fn print(text: &str) -> anyhow::Result<()> {
    fn write(mut out: impl Write, text: &str) -> std::io::Result<()> {
        out.write_all(text.as_bytes())?;
        out.flush()
    }
    if nothing_to_strip(text) {
        write(std::io::stdout().lock(), text)?;
    } else {
        write(anstream::stdout().lock(), text)?;
    }
    Ok(())
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
    let _ = writeln!(err, "{text}");
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
