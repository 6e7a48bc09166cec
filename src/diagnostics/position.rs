//! Lines and columns, reckoned one way for every file: lines end at `\n`, `\r\n` or a lone
//! `\r` (files from every platform, and CR-only files that the `csv` crate miscounts), and
//! columns count characters from 1, as editors show them.

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let index = LineIndex::new(text.as_bytes());
    index.line_col(text.as_bytes(), offset)
}

/// Where every line of a text starts, for turning byte offsets into lines and columns and for
/// showing a line under a diagnostic.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset of the first byte of each line (the first is 0).
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(bytes: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// The text of 1-based `line`, without its line end (lossy for bytes that are not UTF-8).
    pub fn line_text(&self, bytes: &[u8], line: usize) -> String {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return String::new();
        };
        let end = self.starts.get(line).copied().unwrap_or(bytes.len());
        let raw = &bytes[start.min(bytes.len())..end.min(bytes.len())];
        let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        String::from_utf8_lossy(raw).into_owned()
    }

    /// 1-based line and character column of byte `offset`.
    pub fn line_col(&self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(bytes.len());
        let line = self.line_of(offset);
        let start = self.starts[line - 1];
        let column = String::from_utf8_lossy(&bytes[start..offset])
            .chars()
            .count()
            + 1;
        (line, column)
    }
}

/// The 1-based character column where field `field` (0-based) of a CSV line starts, reading
/// quotes as CSV does; past the last field, the column just after the line.
pub fn csv_field_column(line: &str, field: usize) -> usize {
    let mut current = 0;
    let mut quoted = false;
    for (chars, c) in line.chars().enumerate() {
        if current == field {
            return chars + 1;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => current += 1,
            _ => {}
        }
    }
    if current == field {
        return line.chars().count() + 1;
    }
    line.chars().count() + 2
}

/// How many parts a TOML key may have, or how deep tables and arrays may nest: the `toml`
/// crate's limit, past which it says only "recursion limit", with no place.
const TOML_NESTING: usize = 80;

/// Where a TOML reader's error is (its span's start; for an error without one, 1:1) and what it
/// says: the bare "recursion limit" is placed at the first key of `TOML_NESTING` parts or more
/// and said in words.
pub fn toml_error(
    text: &str,
    span: Option<std::ops::Range<usize>>,
    message: &str,
) -> ((usize, usize), String) {
    let message = message.trim_end();
    if span.is_none() && message == "recursion limit" {
        let deep = text.lines().enumerate().find_map(|(i, line)| {
            let key = line.split('=').next().unwrap_or_default();
            (key.matches('.').count() + 1 >= TOML_NESTING).then_some(i + 1)
        });
        let said = format!(
            "keys or values nested {TOML_NESTING} levels deep or more (a dotted key of {TOML_NESTING} parts, or tables or arrays within each other as deep): expected fewer levels"
        );
        return ((deep.unwrap_or(1), 1), said);
    }
    let at = span.map_or((1, 1), |s| line_col(text, s.start));
    (at, message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn every_line_end_counts_once() {
        for (text, second) in [("a\nb\nc", 2), ("a\r\nb\r\nc", 3), ("a\rb\rc", 2)] {
            let index = LineIndex::new(text.as_bytes());
            assert_eq!(index.line_of(0), 1, "{text:?}");
            assert_eq!(index.line_of(second), 2, "{text:?}");
            assert_eq!(index.line_text(text.as_bytes(), 2), "b", "{text:?}");
            assert_eq!(index.line_text(text.as_bytes(), 3), "c", "{text:?}");
        }
    }

    #[test]
    fn csv_columns_skip_quoted_commas() {
        let line = r#"2024-01-01,"a, b",x"#;
        assert_eq!(csv_field_column(line, 0), 1);
        assert_eq!(csv_field_column(line, 1), 12);
        assert_eq!(csv_field_column(line, 2), 19);
        assert_eq!(csv_field_column("a,b", 2), 5);
    }
}
