//! Writing results: to stdout in one go through anstream (which keeps colour on a terminal or
//! with `--color always` and drops it elsewhere), treating a closed pipe (`moat screen | head`)
//! as a normal end; notes and errors to stderr the same way; and the terminal's width for
//! tables.

use std::io::{IsTerminal, Write};

/// Write a finished rendering to stdout.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
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
