//! Writing results: to stdout, treating a closed pipe (`moat screen | head`) as a normal end,
//! and rendering errors whole, with their context chain, on stderr.

use std::io::{self, Write};

/// Write a finished rendering to stdout in one go.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

pub fn render_error(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for (i, cause) in e.chain().enumerate() {
        let s = cause.to_string();
        if i == 0 {
            if s.starts_with("error:") {
                text.push_str(&s);
            } else {
                text.push_str(&format!("error: {s}"));
            }
        } else {
            text.push_str(&format!("\n  caused by: {s}"));
        }
    }
    text
}

/// Whether colour may be used: a terminal, and `NO_COLOR` unset or empty.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
}
