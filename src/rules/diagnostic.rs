//! Load-time diagnostics for a rule pack. Rhai's own error text carries no file name, so every
//! problem is rendered here by hand as `file:line:column: message`, followed by the offending
//! source line and a caret, and a load reports every problem of every file at once.

use std::fmt;

/// One problem in a rule pack: the file, the 1-based line and column it points to (0 when the
/// problem concerns the whole file), the message, and the source line for the caret display.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The text of `line`, when the problem points into the file.
    pub source_line: Option<String>,
}

impl RuleError {
    /// A problem about a whole file (unreadable, missing entry, not listed in screen.toml).
    pub fn file(file: &str, message: impl Into<String>) -> RuleError {
        RuleError {
            file: file.to_string(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
        }
    }

    /// A problem at `line:column` of `source` (both 1-based).
    pub fn at(
        file: &str,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> RuleError {
        RuleError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            source_line: source
                .lines()
                .nth(line.saturating_sub(1))
                .map(str::to_string),
        }
    }

    /// `file:line:column` (or just `file` when the problem has no position).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)?;
        if let Some(text) = &self.source_line {
            f.write_str("\n")?;
            f.write_str(&snippet(text, self.line, self.column))?;
        }
        Ok(())
    }
}

/// Every problem found while loading a rule pack, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}

/// The source line with its number and a caret under `column`, rustc style:
///
/// ```text
///    |
/// 12 |     if chain.tvl > 1 {
///    |              ^
/// ```
pub fn snippet(text: &str, line: usize, column: usize) -> String {
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let caret = " ".repeat(column.saturating_sub(1));
    format!("{pad} |\n{number} | {text}\n{pad} | {caret}^")
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The candidate closest to `name` by Jaro-Winkler similarity, if it is close enough to be a
/// plausible typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_source_line_and_caret() {
        let e = RuleError::at(
            "rules/a.rhai",
            "fn rule() {\n    chain.tvl\n}",
            2,
            11,
            "unknown field",
        );
        assert_eq!(
            e.to_string(),
            "rules/a.rhai:2:11: unknown field\n  |\n2 |     chain.tvl\n  |           ^"
        );
    }

    #[test]
    fn whole_file_problems_have_no_position() {
        assert_eq!(
            RuleError::file("rules/a.rhai", "cannot read").to_string(),
            "rules/a.rhai: cannot read"
        );
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn did_you_mean_finds_close_names_only() {
        assert_eq!(
            did_you_mean("tvl_usdd", ["tvl_usd", "tvl_rank"]),
            Some("tvl_usd")
        );
        assert_eq!(did_you_mean("zzz", ["tvl_usd", "tvl_rank"]), None);
    }
}
