//! Data problems: each names the file, the place in it (line and column for CSV, row for
//! Parquet), the bad value and what was expected. A load collects every problem of every file
//! (up to a per-file limit) so one run shows the whole list. They are rendered as every other
//! problem of moat is (`crate::diagnostics`): `file:line:column: error: …` with the line and a
//! caret.

use crate::diagnostics::Diagnostic;
use std::fmt;

/// Problems reported per file before the rest are only counted.
pub const PER_FILE_LIMIT: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The file as a whole (missing, unreadable, empty).
    File,
    /// 1-based line and character column in a text file (CSV, TOML).
    Line { line: usize, column: usize },
    /// 1-based data row of a Parquet file.
    Row { row: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub place: Place,
    pub message: String,
    /// The text of the line, for the caret display (CSV and TOML only).
    pub source_line: Option<String>,
}

impl Problem {
    pub fn file(file: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            place: Place::File,
            message: message.into(),
            source_line: None,
        }
    }

    /// A problem at `line:column` of a text file, with that line's text for the caret.
    pub fn at(
        file: &str,
        line: usize,
        column: usize,
        source_line: Option<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            file: file.to_string(),
            place: Place::Line { line, column },
            message: message.into(),
            source_line: source_line.map(|l| super::cell::displayable(shown_part(l, column))),
        }
    }

    pub fn row(file: &str, row: usize, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            place: Place::Row { row },
            message: message.into(),
            source_line: None,
        }
    }

    /// The problem as every other problem of moat is shown.
    pub fn diagnostic(&self) -> Diagnostic {
        match &self.place {
            Place::File => Diagnostic::file(&self.file, &self.message),
            Place::Line { line, column } => Diagnostic::at_line(
                &self.file,
                *line,
                *column,
                self.source_line.clone(),
                &self.message,
            ),
            Place::Row { row } => {
                Diagnostic::file(&self.file, format!("row {row}: {}", self.message))
            }
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diagnostic())
    }
}

/// Characters of a source line kept past a problem's column. A long line is shown cut to a
/// window around the caret (`crate::diagnostics::snippet`: at most 100 characters, 40 of them
/// before the caret), so the characters after that window are never shown: a line of a
/// million characters costs a problem the part up to its column, not the whole line.
const KEPT_PAST_COLUMN: usize = 100;

/// The part of `line` that the caret display of a problem at `column` shows the same way as
/// the whole line: all of it up to `KEPT_PAST_COLUMN` characters past the column (the window
/// ends before that, and the line still ends after the window, so it is still cut with `…`).
fn shown_part(mut line: String, column: usize) -> String {
    if let Some((end, _)) = line.char_indices().nth(column + KEPT_PAST_COLUMN) {
        line.truncate(end);
    }
    line
}

/// The first problems of one kind in one file, in the order they were found, and how many more
/// there were. A file can hold millions of bad cells, and at most [`PER_FILE_LIMIT`] of a file's
/// problems are ever listed, so only that many are kept (and only their messages are written);
/// the rest are counted.
#[derive(Debug, Default)]
pub struct Capped {
    kept: Vec<Problem>,
    more: usize,
}

impl Capped {
    /// `kept` (at most [`PER_FILE_LIMIT`], the first found) and `more` only counted.
    pub fn from_parts(kept: Vec<Problem>, more: usize) -> Capped {
        debug_assert!(kept.len() <= PER_FILE_LIMIT);
        Capped { kept, more }
    }

    /// Whether a problem found now would be kept (so its message is worth writing).
    pub fn wants(&self) -> bool {
        self.kept.len() < PER_FILE_LIMIT
    }

    /// Keep the problem `make` writes, or only count it.
    pub fn push(&mut self, make: impl FnOnce() -> Problem) {
        if self.wants() {
            self.kept.push(make());
        } else {
            self.more += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.kept.len() + self.more
    }

    /// Where the first problem kept is, as a message names it ("line 3", "row 3").
    pub fn first_place(&self) -> Option<String> {
        self.kept.iter().find_map(|p| match p.place {
            Place::Line { line, .. } => Some(format!("line {line}")),
            Place::Row { row } => Some(format!("row {row}")),
            Place::File => None,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Both lists as one, in order of place (line or row): the first problems of the union are
    /// among the first of each, so keeping the first [`PER_FILE_LIMIT`] stays exact.
    pub fn merge(mut self, other: Capped) -> Capped {
        self.kept.extend(other.kept);
        self.kept.sort_by_key(|p| p.place_key());
        let over = self.kept.len().saturating_sub(PER_FILE_LIMIT);
        self.kept.truncate(PER_FILE_LIMIT);
        Capped {
            kept: self.kept,
            more: self.more + other.more + over,
        }
    }
}

impl Problem {
    /// (line, column) or (row, 0): where the problem sits in its file, for ordering.
    pub(crate) fn place_key(&self) -> (usize, usize) {
        match self.place {
            Place::File => (0, 0),
            Place::Line { line, column } => (line, column),
            Place::Row { row } => (row, 0),
        }
    }
}

/// Every problem found while loading a dataset.
#[derive(Clone, Debug, Default)]
pub struct DataErrors {
    pub problems: Vec<Problem>,
    /// Problems beyond the per-file limit, counted but not listed, by file.
    pub omitted: Vec<(String, usize)>,
}

impl DataErrors {
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty() && self.omitted.is_empty()
    }

    pub fn total(&self) -> usize {
        self.problems.len() + self.omitted.iter().map(|(_, n)| n).sum::<usize>()
    }

    /// Add a problem, keeping the first [`PER_FILE_LIMIT`] of its file by place (line and
    /// column, or row), whatever order they are found in: past the limit, the last by place
    /// is only counted (a header's problem found after fifty rows' is still shown).
    pub fn push(&mut self, p: Problem) {
        let mut listed = 0;
        let mut last: Option<usize> = None;
        for (i, q) in self.problems.iter().enumerate() {
            if q.file == p.file {
                listed += 1;
                if last.is_none_or(|l| q.place_key() >= self.problems[l].place_key()) {
                    last = Some(i);
                }
            }
        }
        if listed < PER_FILE_LIMIT {
            self.problems.push(p);
            return;
        }
        let last = last.expect("the file has problems listed");
        let file = p.file.clone();
        if p.place_key() < self.problems[last].place_key() {
            self.problems.remove(last);
            self.problems.push(p);
        }
        self.count_omitted(file, 1);
    }

    fn count_omitted(&mut self, file: String, n: usize) {
        match self.omitted.iter_mut().find(|(f, _)| *f == file) {
            Some(entry) => entry.1 += n,
            None => self.omitted.push((file, n)),
        }
    }
}

impl DataErrors {
    /// Add every problem of `capped` (as `push` does), and count those it only counted.
    pub fn push_capped(&mut self, capped: Capped) {
        let file = capped.kept.first().map(|p| p.file.clone());
        for p in capped.kept {
            self.push(p);
        }
        if capped.more > 0 {
            let file = file.expect("problems were counted only after some were kept");
            self.count_omitted(file, capped.more);
        }
    }

    /// Every problem as a diagnostic, the omitted counts as one more per file.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self.problems.iter().map(Problem::diagnostic).collect();
        for (file, n) in &self.omitted {
            out.push(Diagnostic::file(
                file,
                format!(
                    "{n} more problem{} not shown (limit {PER_FILE_LIMIT} per file)",
                    if *n == 1 { "" } else { "s" }
                ),
            ));
        }
        out
    }

    /// The closing line under the list.
    pub fn summary(&self) -> String {
        let n = self.total();
        format!(
            "{} found; the dataset was not loaded",
            crate::diagnostics::plural(n, "problem")
        )
    }

    /// Order problems by file (in the order files were first reported), then by position.
    pub fn sort(&mut self) {
        let mut files: Vec<String> = Vec::new();
        for p in &self.problems {
            if !files.contains(&p.file) {
                files.push(p.file.clone());
            }
        }
        let key = |p: &Problem| {
            let file = files
                .iter()
                .position(|f| *f == p.file)
                .unwrap_or(usize::MAX);
            (file, p.place_key())
        };
        self.problems.sort_by_key(key);
    }
}

impl From<Problem> for DataErrors {
    fn from(p: Problem) -> DataErrors {
        DataErrors {
            problems: vec![p],
            omitted: Vec::new(),
        }
    }
}

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.diagnostics() {
            writeln!(f, "{d}")?;
        }
        write!(f, "{}", self.summary())
    }
}

impl std::error::Error for DataErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems shown of a file are its first by place, whatever order they were found in:
    /// a header's problem found after a full list of rows' is shown, the last row's counted.
    #[test]
    fn the_problems_shown_are_the_first_by_place() {
        let mut errors = DataErrors::default();
        for line in 10..10 + PER_FILE_LIMIT {
            errors.push(Problem::at("t.csv", line, 1, None, "row"));
        }
        errors.push(Problem::at("other.csv", 1, 1, None, "other"));
        errors.push(Problem::at("t.csv", 1, 4, None, "header"));
        errors.push(Problem::at("t.csv", 500, 1, None, "late"));
        errors.sort();
        let t: Vec<usize> = errors
            .problems
            .iter()
            .filter(|p| p.file == "t.csv")
            .map(|p| p.place_key().0)
            .collect();
        assert_eq!(t.len(), PER_FILE_LIMIT);
        assert_eq!(t[0], 1);
        assert_eq!(*t.last().unwrap(), 10 + PER_FILE_LIMIT - 2);
        assert_eq!(errors.omitted, vec![("t.csv".to_string(), 2)]);
        assert_eq!(errors.total(), PER_FILE_LIMIT + 3);
    }

    /// A problem keeps only the part of a long line its caret display shows, and is shown as
    /// it would be with the whole line.
    #[test]
    fn a_long_line_is_kept_only_as_far_as_it_is_shown() {
        let line: String = (0..20_000).map(|i| format!("f{i},")).collect();
        for column in [1, 2, 40, 41, 42, 100, 5_000, line.chars().count() - 150] {
            let p = Problem::at("t.csv", 1, column, Some(line.clone()), "bad");
            let whole = Diagnostic::at_line("t.csv", 1, column, Some(line.clone()), "bad");
            assert_eq!(p.to_string(), whole.to_string(), "{column}");
            assert!(
                p.source_line.as_ref().unwrap().chars().count() <= column + KEPT_PAST_COLUMN,
                "{column}"
            );
        }
        let short = Problem::at("t.csv", 1, 3, Some("a,b,c".into()), "bad");
        assert_eq!(short.source_line.as_deref(), Some("a,b,c"));
    }
}
