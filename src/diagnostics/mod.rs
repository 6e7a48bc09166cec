//! One way to report a problem, whatever the file: a dataset table, its manifest, a rule,
//! screen.toml or a test case. Every problem is a [`Diagnostic`] rendered compiler-style,
//!
//! ```text
//! rules/traction.rhai:14:21: error: param `min_tvl` is not defined for rule `traction`
//!    |
//! 14 |     if tvl < params.min_tvl {
//!    |                     ^
//! ```
//!
//! with one did-you-mean (`suggest`) and one line/column reckoning (`position`) for the whole
//! crate, so the same mistake gets the same sentence wherever it is made. Rendering with colour
//! (`styled`) adds ANSI styles only; the plain text is `Display`, which tests compare whole.

mod position;
mod suggest;
mod text;

pub use position::{LineIndex, csv_field_column, line_col, toml_error};
pub use suggest::{did_you_mean, suggestion, unknown};
pub use text::{code_point, displayable, escaped, is_reordering, number, unprintable, unshown};

use anstyle::{AnsiColor, Style};
use std::fmt;

/// How bad a problem is: errors stop a command (exit 2), warnings are printed and counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    fn style(self) -> Style {
        let color = match self {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
        };
        Style::new().bold().fg_color(Some(color.into()))
    }
}

/// One problem at one place: the file as shown to the user, the 1-based line and column it
/// points to (0 when it concerns the whole file), what is wrong, and the text of that line for
/// the caret display.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The text of `line`, when the problem points into the file.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// An error about a whole file (missing, unreadable, not listed); with an empty `file`, a
    /// plain `error: …` about the command's arguments.
    pub fn file(file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
        }
    }

    /// An error at `line:column` (1-based) of a file whose whole text is `source`.
    pub fn at(
        file: &str,
        source: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let text = source
            .split_inclusive('\n')
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end_matches(['\n', '\r']).to_string());
        Diagnostic::at_line(file, line, column, text, message)
    }

    /// An error at `line:column` when only that line's text is at hand.
    pub fn at_line(
        file: &str,
        line: usize,
        column: usize,
        source_line: Option<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            // The line is quoted under the message: what it holds must not act on a terminal.
            source_line: source_line.map(displayable),
        }
    }

    /// The same problem as a warning.
    pub fn warning(mut self) -> Diagnostic {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` (or the file alone), a file name's control and invisible characters
    /// shown as symbols: a line end or an escape sequence in a directory's name would split the
    /// line or vanish on a terminal.
    pub fn location(&self) -> String {
        let file = text::displayable(self.file.clone());
        if self.line == 0 {
            file
        } else {
            format!("{file}:{}:{}", self.line, self.column)
        }
    }

    /// The rendering with ANSI styles: bold location, coloured severity, blue gutter. Print it
    /// through `anstream`, which removes the styles where colour is off.
    pub fn styled(&self) -> String {
        let bold = Style::new().bold();
        let sev = self.severity.style();
        let mut out = if self.file.is_empty() {
            String::new()
        } else {
            format!("{bold}{}:{bold:#} ", self.location())
        };
        out.push_str(&format!(
            "{sev}{}:{sev:#} {}",
            self.severity.as_str(),
            self.message
        ));
        if let Some(text) = &self.source_line {
            out.push('\n');
            out.push_str(&snippet_styled(text, self.line, self.column, self.severity));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.is_empty() {
            write!(f, "{}: ", self.location())?;
        }
        write!(f, "{}: {}", self.severity.as_str(), self.message)?;
        if let Some(text) = &self.source_line {
            write!(f, "\n{}", snippet(text, self.line, self.column))?;
        }
        Ok(())
    }
}

/// Problems found together, in the order they should be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn errors(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.0.len() - self.errors()
    }

    pub fn styled(&self) -> String {
        let lines: Vec<String> = self.0.iter().map(Diagnostic::styled).collect();
        lines.join("\n")
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(list: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics(list)
    }
}

/// `1 problem`, `2 problems`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The source line with its number and a caret under `column`, rustc style:
///
/// ```text
///    |
/// 12 |     if chain.tvl > 1 {
///    |              ^
/// ```
pub fn snippet(text: &str, line: usize, column: usize) -> String {
    let (text, column) = window(text, column);
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let caret = " ".repeat(column.saturating_sub(1));
    format!("{pad} |\n{number} | {text}\n{pad} | {caret}^")
}

/// Characters of a long source line shown around the caret (data rows can be very long).
const SNIPPET_WIDTH: usize = 100;
/// Of those, how many before the caret.
const SNIPPET_BEFORE: usize = 40;

/// A long line cut to a window around `column`, with `…` where it was cut, and the caret's
/// column in the window.
fn window(text: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= SNIPPET_WIDTH {
        return (text.to_string(), column);
    }
    let start = column
        .saturating_sub(1 + SNIPPET_BEFORE)
        .min(chars.len().saturating_sub(SNIPPET_WIDTH));
    let end = (start + SNIPPET_WIDTH).min(chars.len());
    let mut shown = String::new();
    let mut caret = column - start;
    if start > 0 {
        shown.push('…');
        caret += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret)
}

fn snippet_styled(text: &str, line: usize, column: usize, severity: Severity) -> String {
    let (text, column) = window(text, column);
    let gutter = Style::new().bold().fg_color(Some(AnsiColor::Blue.into()));
    let mark = severity.style();
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let caret = " ".repeat(column.saturating_sub(1));
    format!(
        "{gutter}{pad} |{gutter:#}\n{gutter}{number} |{gutter:#} {text}\n{gutter}{pad} |{gutter:#} {caret}{mark}^{mark:#}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_severity_source_line_and_caret() {
        let e = Diagnostic::at(
            "rules/a.rhai",
            "fn rule() {\n    chain.tvl\n}",
            2,
            11,
            "unknown field",
        );
        assert_eq!(
            e.to_string(),
            "rules/a.rhai:2:11: error: unknown field\n  |\n2 |     chain.tvl\n  |           ^"
        );
        assert_eq!(
            e.clone().warning().to_string().lines().next(),
            Some("rules/a.rhai:2:11: warning: unknown field")
        );
    }

    #[test]
    fn a_file_name_with_a_line_end_or_an_escape_stays_on_its_line() {
        let e = Diagnostic::at("data\nx\u{1b}[31m/chains.csv", "a\nb", 2, 1, "bad");
        assert_eq!(
            e.to_string().lines().next(),
            Some("data\u{240a}x\u{241b}[31m/chains.csv:2:1: error: bad")
        );
        assert_eq!(
            e.file, "data\nx\u{1b}[31m/chains.csv",
            "kept as it is for JSON"
        );
    }

    #[test]
    fn whole_file_problems_have_no_position() {
        assert_eq!(
            Diagnostic::file("rules/a.rhai", "cannot read").to_string(),
            "rules/a.rhai: error: cannot read"
        );
    }

    #[test]
    fn a_quoted_line_shows_what_would_act_on_a_terminal_as_symbols() {
        let d = Diagnostic::at(
            "a.rhai",
            "//! title: T\u{1b}]0;x\u{7}\u{202e}!\n",
            1,
            13,
            "bad",
        );
        assert_eq!(d.source_line.as_deref(), Some("//! title: T␛]0;x␇�!"));
        assert!(!d.to_string().contains('\u{1b}'), "{d}");
    }

    #[test]
    fn styled_rendering_is_the_plain_one_with_styles() {
        let e = Diagnostic::at("a.csv", "x,y\n1,2\n", 2, 3, "bad");
        assert_eq!(
            anstream::adapter::strip_str(&e.styled()).to_string(),
            e.to_string()
        );
        assert_ne!(e.styled(), e.to_string());
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(150), "b".repeat(150));
        let shown = snippet(&line, 3, 151);
        let text_line = shown.lines().nth(1).unwrap();
        let caret_line = shown.lines().nth(2).unwrap();
        assert!(
            text_line.starts_with("3 | …") && text_line.ends_with('…'),
            "{shown}"
        );
        let x = text_line.chars().position(|c| c == 'X').unwrap();
        assert_eq!(caret_line.chars().position(|c| c == '^'), Some(x));
        assert_eq!(text_line.chars().count(), "3 | ".len() + SNIPPET_WIDTH + 2);
    }

    #[test]
    fn crlf_source_lines_lose_their_line_end() {
        let e = Diagnostic::at("a.csv", "x,y\r\n1,2\r\n", 2, 1, "bad");
        assert_eq!(e.source_line.as_deref(), Some("1,2"));
    }
}
