//! A CSV table file's records, each with its true line. Fields are split by the `csv` crate
//! (quotes, doubled quotes, any line end) into one reused record, so no cell is ever allocated;
//! a file without a quote or a carriage return, valid UTF-8 throughout (as the long tables moat
//! writes are), is split where its commas and line ends are instead, which is the same split at
//! a fraction of the cost (a test compares the two on generated files);
//! lines are counted here from the bytes, one per `\n`, `\r\n` or lone `\r` (the crate's own
//! count is wrong for CR-only files, and its record offsets can sit on the `\n` of a `\r\n` or
//! on a blank line before the record). Records that cannot be rows (unreadable bytes, the wrong
//! number of fields, a field over the size limit) are problems of their own, and reading goes on.

use super::limits::{MAX_FIELD_BYTES, size_in_words};
use super::problem::Problem;
use crate::diagnostics::csv_field_column;
use csv::StringRecord;

/// The header: column names (trimmed) and where the header record is.
pub struct Header {
    pub names: Vec<String>,
    pub line: usize,
    pub start: usize,
}

/// The records of a CSV file held in memory.
pub struct Records<'a> {
    bytes: &'a [u8],
    shown: &'a str,
    reader: csv::Reader<&'a [u8]>,
    lines: LineCounter<'a>,
    record: StringRecord,
    width: usize,
    /// The header's column names, for messages.
    names: Vec<String>,
    /// The file as text, where the next record is looked for and where the records end, when
    /// it is split at its commas and line ends (see the module's note).
    plain: Option<(&'a str, usize, usize)>,
    /// The fields of the record just read, as byte ranges of the text, when split so.
    ranges: Vec<(usize, usize)>,
    /// The field count and line of the record just refused for its count of fields.
    miscount: std::cell::Cell<Option<(usize, usize)>>,
}

/// Records refused for having `count` fields where the header has another number: the first
/// is shown, the others only counted (a header with a column added or lost makes every line
/// one, and one problem says it).
#[derive(Debug)]
pub struct Miscount {
    pub first: Problem,
    pub more: usize,
    pub last_line: usize,
}

/// [`Miscount`]s by field count.
#[derive(Debug, Default)]
pub struct Miscounts(std::collections::BTreeMap<usize, Miscount>);

impl Miscounts {
    /// Take `problem` of a record refused for its `count` of fields at `line`.
    pub fn add(&mut self, count: usize, line: usize, problem: Problem) {
        self.0
            .entry(count)
            .and_modify(|m| {
                m.more += 1;
                m.last_line = m.last_line.max(line);
            })
            .or_insert(Miscount {
                first: problem,
                more: 0,
                last_line: line,
            });
    }

    /// Both as one (the halves of a file read apart).
    pub fn merge(mut self, other: Miscounts) -> Miscounts {
        for (count, theirs) in other.0 {
            match self.0.remove(&count) {
                None => {
                    self.0.insert(count, theirs);
                }
                Some(mine) => {
                    let (first, second) = if mine.first.place_key() <= theirs.first.place_key() {
                        (mine, theirs)
                    } else {
                        (theirs, mine)
                    };
                    self.0.insert(
                        count,
                        Miscount {
                            more: first.more + second.more + 1,
                            last_line: first.last_line.max(second.last_line),
                            ..first
                        },
                    );
                }
            }
        }
        self
    }

    /// One problem per field count: the first record's, saying how many more have that count.
    pub fn problems(self) -> Vec<Problem> {
        self.0
            .into_values()
            .map(|m| {
                let mut p = m.first;
                match m.more {
                    0 => {}
                    1 => p
                        .message
                        .push_str(&format!("; so does 1 more line, line {}", m.last_line)),
                    more => p.message.push_str(&format!(
                        "; so do {more} more lines up to line {}",
                        m.last_line
                    )),
                }
                p
            })
            .collect()
    }
}

/// Where the record just read starts.
#[derive(Clone, Copy, Debug)]
pub struct RecordAt {
    pub line: usize,
    pub start: usize,
}

impl<'a> Records<'a> {
    /// Read the header of `bytes`; `shown` names the file in problems.
    pub fn open(bytes: &'a [u8], shown: &'a str) -> Result<(Records<'a>, Header), Problem> {
        Records::open_as(bytes, shown, true)
    }

    /// [`Records::open`], splitting the records at commas and line ends if `plain` allows and
    /// the file can be (else with the `csv` crate).
    fn open_as(
        bytes: &'a [u8],
        shown: &'a str,
        plain: bool,
    ) -> Result<(Records<'a>, Header), Problem> {
        // Spreadsheets on Windows save "Unicode text" as UTF-16, which starts with its
        // byte-order mark: named as such rather than as bytes that are not UTF-8.
        let wide = if bytes.starts_with(b"\xFF\xFE\0\0") || bytes.starts_with(b"\0\0\xFE\xFF") {
            Some("UTF-32 text (it starts with a UTF-32 byte-order mark)")
        } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            Some("UTF-16 text (it starts with a UTF-16 byte-order mark)")
        } else if bytes[..memchr::memchr(b'\n', bytes).unwrap_or(bytes.len())].contains(&0) {
            // Text without a mark: ASCII in UTF-16 or UTF-32 is every other byte 0.
            Some("not UTF-8 (its first line holds NUL bytes: UTF-16 or UTF-32 text?)")
        } else {
            None
        };
        // A compressed file, an archive or a Parquet file named .csv: named for what it is.
        let packed = [
            (
                &b"\x1f\x8b"[..],
                "gzip-compressed: decompress it first (gunzip)",
            ),
            (
                &b"\x28\xb5\x2f\xfd"[..],
                "zstd-compressed: decompress it first (unzstd)",
            ),
            (
                &b"\xfd7zXZ\0"[..],
                "xz-compressed: decompress it first (unxz)",
            ),
            (
                &b"PK\x03\x04"[..],
                "a ZIP archive (a spreadsheet saved as .xlsx?): export the sheet as \"CSV UTF-8\"",
            ),
            (&b"PAR1"[..], "a Parquet file: name it .parquet"),
        ]
        .into_iter()
        .find(|(magic, _)| bytes.starts_with(magic));
        if let Some((_, what)) = packed {
            return Err(Problem::file(
                shown,
                format!("the file is {what}; expected CSV text (UTF-8)"),
            ));
        }
        if let Some(what) = wide {
            return Err(Problem::file(
                shown,
                format!("the file is {what}: expected UTF-8; save it as \"CSV UTF-8\""),
            ));
        }
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let record = reader
            .headers()
            .map_err(|e| match e.kind() {
                csv::ErrorKind::Utf8 { err, .. } => Problem::file(
                    shown,
                    format!(
                        "cannot read the header line: its field {} is not valid UTF-8: expected UTF-8 text",
                        err.field() + 1
                    ),
                ),
                _ => Problem::file(shown, format!("cannot read the header line: {e}")),
            })?
            .clone();
        let mut lines = LineCounter::new(bytes);
        let start = true_start(bytes, record.position().map_or(0, |p| p.byte() as usize));
        let line = lines.line_at(start);
        if let Some(i) = record.iter().position(|f| f.len() > MAX_FIELD_BYTES) {
            return Err(too_long(
                shown,
                bytes,
                RecordAt { line, start },
                i,
                record[i].len(),
            ));
        }
        let names: Vec<String> = record.iter().map(|h| h.trim().to_string()).collect();
        if names.iter().all(|h| h.is_empty()) {
            // A file of nothing but line ends, or a first line of blank names (`,,`).
            if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                return Err(Problem::file(
                    shown,
                    "the file is empty: expected a header line naming the table's columns",
                ));
            }
            return Err(Problem::at(
                shown,
                line,
                1,
                Some(line_text(bytes, start)),
                "the header line names no column: expected a first line naming the table's columns",
            ));
        }
        let header = Header { line, start, names };
        let plain = plain
            .then(|| plain_text(bytes))
            .flatten()
            .map(|text| (text, reader.position().byte() as usize, text.len()));
        let records = Records {
            bytes,
            shown,
            reader,
            lines,
            record: StringRecord::new(),
            width: header.names.len(),
            names: header.names.clone(),
            plain,
            ranges: Vec::new(),
            miscount: Default::default(),
        };
        Ok((records, header))
    }

    /// The next record that can be a row (`Ok`), or the next one that cannot (`Err`, with the
    /// problem); `None` at the end of the file.
    pub fn next_record(&mut self) -> Option<Result<RecordAt, Problem>> {
        if self.plain.is_some() {
            return self.next_plain_record();
        }
        loop {
            if let Some(record) = self.next_csv_record()? {
                return Some(record);
            }
        }
    }

    /// [`Records::next_record`] with the `csv` crate: `Some(None)` for a blank line, skipped.
    fn next_csv_record(&mut self) -> Option<Option<Result<RecordAt, Problem>>> {
        let read = self.reader.read_record(&mut self.record);
        let at = |lines: &mut LineCounter, offset: u64| {
            let start = true_start(self.bytes, offset as usize);
            RecordAt {
                line: lines.line_at(start),
                start,
            }
        };
        match read {
            Ok(false) => None,
            Err(e) => {
                // Only bad UTF-8 can fail on bytes in memory, and it is always placed; an error
                // without a place could not be skipped, so it ends the file.
                let offset = e.position()?.byte();
                let at = at(&mut self.lines, offset);
                let problem = match e.kind() {
                    // The crate's own message counts lines its way (wrong for CR-only files).
                    csv::ErrorKind::Utf8 { err, .. } => field_problem(
                        self.shown,
                        self.bytes,
                        at,
                        err.field(),
                        format!(
                            "unreadable record: field {}{} is not valid UTF-8: expected UTF-8 text (save the file as \"CSV UTF-8\")",
                            err.field() + 1,
                            self.names
                                .get(err.field())
                                .filter(|n| !n.is_empty())
                                .map_or_else(String::new, |n| format!(" ({n})"))
                        ),
                    ),
                    _ => self.whole_line(at, format!("unreadable record: {e}")),
                };
                Some(Some(Err(problem)))
            }
            Ok(true) => {
                let offset = self.record.position().map_or(0, |p| p.byte());
                let at = at(&mut self.lines, offset);
                // A line of white space alone is blank, as an empty line is (the crate skips
                // those): one field, and no quote on the line.
                if self.record.len() == 1 && blank(&line_text(self.bytes, at.start)) {
                    return Some(None);
                }
                // A record of the wrong count that runs over several lines: a quote holds them.
                let last_line = if self.record.len() == self.width {
                    at.line
                } else {
                    let mut end = (self.reader.position().byte() as usize).min(self.bytes.len());
                    while end > at.start + 1 && matches!(self.bytes[end - 1], b'\n' | b'\r') {
                        end -= 1;
                    }
                    self.lines.line_at(end.saturating_sub(1).max(at.start))
                };
                let lengths = self.record.iter().map(str::len);
                Some(Some(self.checked(
                    at,
                    last_line,
                    self.record.len(),
                    lengths,
                )))
            }
        }
    }

    /// The record just read, at `at` and ending on `last_line`, with `count` fields of
    /// `lengths`: a row, or why it cannot be one (a field over the size limit, the wrong number
    /// of fields).
    fn checked(
        &self,
        at: RecordAt,
        last_line: usize,
        count: usize,
        lengths: impl Iterator<Item = usize>,
    ) -> Result<RecordAt, Problem> {
        if let Some((i, len)) = lengths.enumerate().find(|(_, len)| *len > MAX_FIELD_BYTES) {
            return Err(too_long(self.shown, self.bytes, at, i, len));
        }
        if count != self.width {
            let mut message = format!(
                "found {count} field{}, expected {} (one per header column)",
                if count == 1 { "" } else { "s" },
                self.width
            );
            if last_line > at.line {
                message.push_str(&format!(
                    "; the record runs from line {} to line {last_line}, since a quoted field holds the line ends between: is a quote left open?",
                    at.line
                ));
            }
            self.miscount.set(Some((count, at.line)));
            return Err(self.whole_line(at, message));
        }
        Ok(at)
    }

    /// [`Records::next_record`] for a file split at its commas and line ends: a record is a
    /// line that is not empty.
    fn next_plain_record(&mut self) -> Option<Result<RecordAt, Problem>> {
        let (text, next, last) = self.plain.as_mut()?;
        let bytes = &text.as_bytes()[..*last];
        let (start, end) = loop {
            if *next >= bytes.len() {
                return None;
            }
            let start = *next;
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            *next = end + 1;
            if end > start && !blank(&text[start..end]) {
                break (start, end);
            }
        };
        self.ranges.clear();
        let mut from = start;
        for comma in memchr::memchr_iter(b',', &bytes[start..end]) {
            self.ranges.push((from, start + comma));
            from = start + comma + 1;
        }
        self.ranges.push((from, end));
        let at = RecordAt {
            line: self.lines.line_at(start),
            start,
        };
        let lengths = self.ranges.iter().map(|(a, b)| b - a);
        Some(self.checked(at, at.line, self.ranges.len(), lengths))
    }

    /// Field `f` of the record just read.
    pub fn field(&self, f: usize) -> &str {
        match &self.plain {
            Some((text, _, _)) => {
                let (a, b) = self.ranges[f];
                &text[a..b]
            }
            None => &self.record[f],
        }
    }

    /// The records not read yet split in two at a line end near their middle, when the file is
    /// split at its commas and line ends and each part would hold at least `least` bytes:
    /// these records are then the first part, and the second is returned (its lines counted
    /// from the file's start), to be read on another thread.
    pub fn split_off(&mut self, least: usize) -> Option<Records<'a>> {
        let (text, next, last) = self.plain.as_mut()?;
        let bytes = text.as_bytes();
        if *last - *next < 2 * least {
            return None;
        }
        let middle = *next + (*last - *next) / 2;
        let cut = middle + memchr::memchr(b'\n', &bytes[middle..*last])? + 1;
        let second = (*text, cut, *last);
        *last = cut;
        // No carriage return in such a file: a line ends at each `\n`.
        let lines = LineCounter {
            bytes: self.bytes,
            at: cut,
            line: 1 + memchr::memchr_iter(b'\n', &bytes[..cut]).count(),
        };
        Some(Records {
            bytes: self.bytes,
            shown: self.shown,
            reader: csv::ReaderBuilder::new().from_reader(&self.bytes[..0]),
            lines,
            record: StringRecord::new(),
            width: self.width,
            names: self.names.clone(),
            plain: Some(second),
            ranges: Vec::new(),
            miscount: Default::default(),
        })
    }

    /// The field count and line of the record just read, when it was refused for its count.
    pub fn take_miscount(&self) -> Option<(usize, usize)> {
        self.miscount.take()
    }

    /// How many records are left at most (one per line end, and one after the last).
    pub fn lines_left(&self) -> usize {
        let (from, to) = match self.plain {
            Some((_, next, last)) => (next, last),
            None => (0, self.bytes.len()),
        };
        memchr::memchr_iter(b'\n', &self.bytes[from.min(to)..to]).count() + 1
    }

    fn whole_line(&self, at: RecordAt, message: String) -> Problem {
        Problem::at(
            self.shown,
            at.line,
            1,
            Some(line_text(self.bytes, at.start)),
            message,
        )
    }
}

fn too_long(shown: &str, bytes: &[u8], at: RecordAt, field: usize, len: usize) -> Problem {
    let message = format!(
        "field {} is {len} bytes long: expected at most {MAX_FIELD_BYTES} bytes ({}); is a quote left open?",
        field + 1,
        size_in_words(MAX_FIELD_BYTES as u64)
    );
    field_problem(shown, bytes, at, field, message)
}

/// A problem in field `field` (0-based) of the record at `at`, with the record's first line
/// under it and a caret at the field.
pub fn field_problem(
    shown: &str,
    bytes: &[u8],
    at: RecordAt,
    field: usize,
    message: String,
) -> Problem {
    let line = line_text(bytes, at.start);
    let column = csv_field_column(&line, field);
    Problem::at(shown, at.line, column, Some(line), message)
}

/// The file as text, if it can be split at its commas and line ends as the `csv` crate would
/// split it: no quote (so no field holds a comma or a line end), no carriage return (so every
/// line ends at a `\n`), and valid UTF-8 throughout (so no record is unreadable). A byte order
/// mark, which the crate drops, is not expected in a file that has to be read in parts.
fn plain_text(bytes: &[u8]) -> Option<&str> {
    if memchr::memchr2(b'"', b'\r', bytes).is_some() || bytes.starts_with(BOM) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// Whether a line is blank: empty, or white space alone (spaces, tabs, any Unicode white
/// space, as a cell is trimmed of). Blank lines are skipped, wherever they are.
fn blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// The byte order mark (UTF-8) a file may start with.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where a record really starts: the crate's offset can be on the line ends before it.
fn true_start(bytes: &[u8], offset: usize) -> usize {
    let skipped = bytes
        .get(offset..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    offset + skipped
}

/// The text of the line starting at `start`, without its line end (lossy for bytes that are
/// not UTF-8), nor the byte order mark that may open the file: an editor does not show it, so
/// it is no column of the line.
pub fn line_text(bytes: &[u8], start: usize) -> String {
    let start = if start == 0 && bytes.starts_with(BOM) {
        BOM.len()
    } else {
        start
    };
    let rest = bytes.get(start..).unwrap_or_default();
    let end = rest
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end]).into_owned()
}

/// Where each of `lines` (1-based, ascending) starts: one pass over the bytes, for the few
/// problems found after the rows were read (duplicates, references to the same table).
pub fn line_starts(bytes: &[u8], lines: &[usize]) -> Vec<usize> {
    let mut counter = LineCounter::new(bytes);
    lines.iter().map(|&l| counter.start_of(l)).collect()
}

/// Counts lines forward through the bytes: a line ends at `\n`, `\r\n` or a lone `\r`, as
/// `diagnostics::LineIndex` reckons them, without keeping every line's start.
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// A byte at the start of line `line`.
    at: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// Past the line end at `i`, if there is one: the next line's start.
    fn line_end(&self, i: usize) -> Option<usize> {
        match self.bytes[i] {
            b'\n' => Some(i + 1),
            b'\r' if self.bytes.get(i + 1) == Some(&b'\n') => Some(i + 2),
            b'\r' => Some(i + 1),
            _ => None,
        }
    }

    /// The line of `offset`, a line start at or after the last one asked for.
    fn line_at(&mut self, offset: usize) -> usize {
        let end = offset.min(self.bytes.len());
        let mut i = self.at;
        // From one line end to the next (a search that skips the bytes between them).
        while i < end {
            let Some(found) = memchr::memchr2(b'\n', b'\r', &self.bytes[i..end]) else {
                break;
            };
            let j = i + found;
            self.line += 1;
            i = self.line_end(j).expect("a line end where one was found");
        }
        self.at = offset;
        self.line
    }

    /// The start of `line`, at or after the last line asked for.
    fn start_of(&mut self, line: usize) -> usize {
        let mut i = self.at;
        while self.line < line && i < self.bytes.len() {
            match self.line_end(i) {
                Some(next) => {
                    self.line += 1;
                    i = next;
                }
                None => i += 1,
            }
        }
        self.at = i;
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, first field) of every record, and the problems.
    fn read(text: impl AsRef<[u8]>) -> (Vec<(usize, String)>, Vec<String>) {
        let (mut records, header) = Records::open(text.as_ref(), "t.csv").unwrap();
        assert_eq!(header.names, ["a", "b"]);
        let (mut rows, mut problems) = (Vec::new(), Vec::new());
        while let Some(r) = records.next_record() {
            match r {
                Ok(at) => rows.push((at.line, records.field(0).to_string())),
                Err(p) => problems.push(p.to_string()),
            }
        }
        (rows, problems)
    }

    /// A record read: its line, start and fields, or its problem.
    type Read = Result<(usize, usize, Vec<String>), String>;

    /// Every record of `text` read one way (the header first).
    fn records_of(text: &[u8], plain: bool) -> Option<Vec<Read>> {
        let (mut records, header) = Records::open_as(text, "t.csv", plain).ok()?;
        assert_eq!(records.plain.is_some(), plain && plain_text(text).is_some());
        let mut out = vec![Ok((header.line, header.start, header.names.clone()))];
        while let Some(r) = records.next_record() {
            out.push(match r {
                Ok(at) => Ok((
                    at.line,
                    at.start,
                    (0..records.width)
                        .map(|f| records.field(f).to_string())
                        .collect(),
                )),
                Err(p) => Err(p.to_string()),
            });
        }
        Some(out)
    }

    /// Files without quotes or carriage returns split at their commas and line ends give the
    /// records, lines, starts and problems the `csv` crate gives: blank lines anywhere, a last
    /// line with or without its end, empty and spaced fields, too few or too many fields, a
    /// field over the size limit, characters of every width.
    #[test]
    fn a_file_split_at_commas_and_line_ends_is_the_file_the_csv_crate_reads() {
        let pieces = [
            "a", "bc", "é", "日本", "🦀", " ", "  x ", ",", ",", "\n", "\n", "\n\n", "0.5",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut plain_files = 0;
        for case in 0..3000 {
            let mut text = String::new();
            if case % 5 == 0 {
                text.push('\n');
            }
            text.push_str(["a,b\n", "a,b,c\n", "a\n", " a , b \n"][case % 4]);
            for _ in 0..random(40) {
                text.push_str(pieces[random(pieces.len())]);
            }
            if case % 7 == 0 {
                text.push_str(&format!("x,{}\n", "y".repeat(MAX_FIELD_BYTES + random(3))));
            }
            if case % 3 == 0 {
                text.push('\n');
            }
            let (Some(csv), Some(plain)) = (
                records_of(text.as_bytes(), false),
                records_of(text.as_bytes(), true),
            ) else {
                continue;
            };
            plain_files += 1;
            assert!(
                plain == csv,
                "{:?}",
                text.chars().take(300).collect::<String>()
            );
        }
        assert!(plain_files > 2500, "{plain_files}");
        // A quote, a carriage return, bad UTF-8 or a byte order mark: read by the crate.
        for text in [
            &b"a,b\n\"x\",1\n"[..],
            b"a,b\r\nx,1\r\n",
            b"a,b\nx,\xff\n",
            b"\xEF\xBB\xBFa,b\nx,1\n",
        ] {
            assert!(plain_text(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn every_line_end_counts_once() {
        for text in [
            "a,b\nx,1\ny,2\n",
            "a,b\r\nx,1\r\ny,2\r\n",
            "a,b\rx,1\ry,2\r",
            "a,b\nx,1\r\ny,2",
        ] {
            let (rows, _) = read(text);
            assert_eq!(rows, [(2, "x".into()), (3, "y".into())], "{text:?}");
        }
    }

    #[test]
    fn blank_lines_and_quoted_line_ends_are_lines() {
        let (rows, _) = read("a,b\n\nx,\"1\r\n2\"\r\n\r\ny,2\n");
        assert_eq!(rows, [(3, "x".into()), (6, "y".into())]);
        let text = "a,b\r\rx,1\r\ry,2";
        let starts = line_starts(text.as_bytes(), &[3, 5]);
        assert_eq!(
            starts
                .iter()
                .map(|&s| line_text(text.as_bytes(), s))
                .collect::<Vec<_>>(),
            ["x,1", "y,2"]
        );
    }

    /// A line of white space alone is skipped as an empty line is, with the csv crate (a file
    /// with a quote) and split at its commas alike; a quoted blank field is a field.
    #[test]
    fn lines_of_white_space_alone_are_blank() {
        for text in ["a,b\n  \nx,1\n\t \ny,2\n", "a,b\n  \nx,\"1\"\n\t \ny,2\n"] {
            let (rows, problems) = read(text);
            assert_eq!(rows, [(3, "x".into()), (5, "y".into())], "{text:?}");
            assert!(problems.is_empty(), "{text:?}: {problems:?}");
        }
        let (rows, problems) = read("a,b\n\"  \"\nx,1\n");
        assert_eq!(rows, [(3, "x".into())]);
        assert!(
            problems[0].starts_with("t.csv:2:1: error: found 1 field, expected 2"),
            "{problems:?}"
        );
    }

    #[test]
    fn records_that_cannot_be_rows_are_placed() {
        let (rows, problems) = read(b"a,b\r\nx\r\ny,2\r\nz,\xc3\xa9\xff\r\n");
        assert_eq!(rows, [(3, "y".into())]);
        assert_eq!(
            problems[0],
            "t.csv:2:1: error: found 1 field, expected 2 (one per header column)\n  |\n2 | x\n  | ^"
        );
        assert_eq!(
            problems[1],
            "t.csv:4:3: error: unreadable record: field 2 (b) is not valid UTF-8: expected UTF-8 text (save the file as \"CSV UTF-8\")\n  |\n4 | z,\u{e9}\u{fffd}\n  |   ^"
        );
        // A quote left open joins the lines up to the next quote into one record: said so.
        let (rows, problems) = read("a,b\nx,\"open\ny,2\nz\",4\nw,5\n");
        assert_eq!(rows, [(5, "w".into())]);
        assert!(
            problems[0].starts_with("t.csv:2:1: error: found 3 fields, expected 2 (one per header column); the record runs from line 2 to line 4, since a quoted field holds the line ends between: is a quote left open?"),
            "{problems:?}"
        );
        // Cut inside a quote: the record runs to the end of the file.
        let (_, problems) = read("a,b\nx,1\n\"y,cut\nshort\n");
        assert!(
            problems[0].starts_with("t.csv:3:1: error: found 1 field, expected 2 (one per header column); the record runs from line 3 to line 4,"),
            "{problems:?}"
        );
        // A compressed file named .csv is named for what it is, not as text of another encoding.
        let open_err = |text: &[u8]| Records::open(text, "t.csv").err().map(|p| p.to_string());
        assert_eq!(
            open_err(b"\x1f\x8b\x08\0\0\0\0\0").as_deref(),
            Some(
                "t.csv: error: the file is gzip-compressed: decompress it first (gunzip); expected CSV text (UTF-8)"
            )
        );
        assert!(
            open_err(b"PK\x03\x04\x14\0").is_some_and(|e| e.contains("a ZIP archive")),
            "a zip"
        );
        // A first line of blank names is named as such, where it is; a file of line ends is
        // empty.
        let open = |text: &[u8]| Records::open(text, "t.csv").err().map(|p| p.to_string());
        assert_eq!(
            open(b",,\nx,1,2\n").as_deref(),
            Some(
                "t.csv:1:1: error: the header line names no column: expected a first line naming the table's columns\n  |\n1 | ,,\n  | ^"
            )
        );
        assert_eq!(
            open(b"\n\n").as_deref(),
            Some(
                "t.csv: error: the file is empty: expected a header line naming the table's columns"
            )
        );
        let long = format!("a,b\nx,\"{}\n", "y".repeat(MAX_FIELD_BYTES + 1));
        let (_, problems) = read(&long);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with(
                "t.csv:2:3: error: field 2 is 65538 bytes long: expected at most 65536 bytes (64 KiB); is a quote left open?"
            ),
            "{}",
            problems[0]
        );
    }
}
