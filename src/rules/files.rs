//! What moat agrees to read as a file of a rule pack (`screen.toml`, `*.rhai`, `tests/*.toml`),
//! as the dataset loader does for its files (`dataset::limits`): only a regular file, refused
//! from its metadata before it is opened (a FIFO would block the command until something writes
//! to it, `/dev/zero` never ends), within a size limit (a rule file is read whole and compiled,
//! and a 200 MB file of comments took gigabytes to do so), and UTF-8 text, with a byte-order mark
//! at its start dropped (editors on Windows write one; it would hide the header's first line).

use crate::dataset::limits::{Expected, read_regular};
use crate::diagnostics::Diagnostic;
use std::path::Path;

/// The largest rule file: 64 KiB, where the shipped rules are at most 3.3 KB each. rhai's
/// parser takes time growing with the square of some counts (the constants of a function, the
/// entries of a map literal): 8,000 constants took 2.0 s to compile in a debug build.
pub const RULE_FILE: Expected = Expected {
    max_bytes: 64 << 10,
    what: "a rule file (.rhai)",
};

/// The largest `screen.toml`: 1 MiB, where the shipped one is a few KB.
pub const SCREEN_SETTINGS: Expected = Expected {
    max_bytes: 1 << 20,
    what: "a screen.toml",
};

/// The largest test-case file: 16 MiB (a case may spell out long series).
pub const CASE_FILE: Expected = Expected {
    max_bytes: 16 << 20,
    what: "a test-case file (.toml)",
};

/// The text of the file at `path` (`shown` names it), or the problem that stops it being read.
pub fn read_text(path: &Path, shown: &str, expected: Expected) -> Result<String, Diagnostic> {
    let bytes =
        read_regular(path, shown, expected).map_err(|p| Diagnostic::file(shown, p.message))?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .map_or(bytes.clone(), <[u8]>::to_vec);
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // Where the first byte that is not UTF-8 is, as an editor counts: line, then column.
        let valid = std::str::from_utf8(valid).expect("valid up to here");
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let message = format!(
            "the file is not UTF-8 text (byte 0x{:02X}): save it as UTF-8",
            e.as_bytes()[valid.len()]
        );
        // The line is shown with the bytes that are not UTF-8 as `�`.
        Diagnostic::at(
            shown,
            &String::from_utf8_lossy(e.as_bytes()),
            line,
            column,
            message,
        )
    })
}

/// `text` with every lone `\r` (a line end of classic Mac OS) made `\n`: rhai counts lines at
/// `\n` alone, and would place everything in such a file on its first line. `\r\n` is kept
/// as it is, so the file's text (and the pack's hash) changes only where it had to.
pub fn lone_carriage_returns_as_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') {
            '\n'
        } else {
            c
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<String, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.rhai");
        std::fs::write(&path, bytes).unwrap();
        read_text(&path, "r.rhai", RULE_FILE).map_err(|d| d.to_string())
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_other_bytes_are_kept() {
        assert_eq!(read(b"\xEF\xBB\xBF//! id: a\n").unwrap(), "//! id: a\n");
        assert_eq!(read("é\n".as_bytes()).unwrap(), "é\n");
    }

    #[test]
    fn text_that_is_not_utf8_is_placed() {
        assert_eq!(
            read(b"ok\nab\xFFc\n").unwrap_err(),
            "r.rhai:2:3: error: the file is not UTF-8 text (byte 0xFF): save it as UTF-8\n  |\n2 | ab\u{FFFD}c\n  |   ^"
        );
    }

    #[test]
    fn lone_carriage_returns_become_line_ends_and_crlf_stays() {
        assert_eq!(
            lone_carriage_returns_as_line_ends("a\rb\r\nc\r".into()),
            "a\nb\r\nc\n"
        );
        assert_eq!(lone_carriage_returns_as_line_ends("a\nb".into()), "a\nb");
    }

    #[test]
    fn a_file_too_large_or_not_a_file_is_refused_before_it_is_read() {
        let big = vec![b'/'; (64 << 10) + 1];
        let err = read(&big).unwrap_err();
        assert!(
            err.contains("expected at most 65536 bytes (64 KiB)"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = read_text(dir.path(), "d.rhai", RULE_FILE).unwrap_err();
        assert!(
            err.to_string().contains("not a regular file (a directory)"),
            "{err}"
        );
    }
}
