//! Reading one table file straight into typed columns, checking every cell on the way: its
//! header against the table's columns, each cell against its column's type, references against
//! the tables they name, unique keys, and event values. Only the typed columns are kept, plus the
//! first problems of each kind (the rest are counted): a row's text is gone once the row is
//! read. Problems found after the last row (a repeated key, a reference to the table's own keys)
//! are placed then, from the lines they name.

use super::cell::{self, Cell, Why, escaped};
use super::cell::{FIRST_DAY, days_since_epoch};
use super::csv_file::{self, Miscounts, RecordAt, Records};
use super::frame::{NULL_CODE, Values};
use super::keys::{Dict, INVALID, KEY_PARTS, KeySet, UniqueCheck};
use super::limits::{self, MAX_FIELD_BYTES, size_in_words};
use super::parquet;
use super::problem::{Capped, PER_FILE_LIMIT, Problem};
use super::schema::{self, ColType, Column, Table, TableKind, key_column, reference_target};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;

/// A table file, read.
pub struct TableRead {
    /// Records that cannot be rows, in file order.
    pub structural: Capped,
    /// Problems with the header (and a file without rows that needs some).
    pub header: Capped,
    /// Cell problems: each column's (in schema order), then repeated keys, then event values.
    pub cells: Vec<Capped>,
    /// The typed columns in schema order, when the header allowed checking the cells.
    pub columns: Option<Vec<(&'static Column, Values)>>,
    /// The values of the table's key column, when other columns refer to it and it is there.
    pub keys: Option<KeySet>,
    /// Dates after the dataset's vintage, one warning per date column that has some.
    pub warnings: Vec<Problem>,
}

/// The key sets read so far, by the table they come from.
pub type Targets = BTreeMap<TableKind, KeySet>;

/// Read the file of `table` at `path` (`shown` names it), checking references against
/// `targets` (a reference to the table itself is checked against its own keys), and finding
/// the dates after `vintage`.
pub fn read(
    table: &'static Table,
    path: &Path,
    shown: &str,
    targets: &Targets,
    vintage: NaiveDate,
    parquet_limit: parquet::DataLimit,
) -> Result<TableRead, Problem> {
    let ctx = Context {
        shown,
        targets,
        vintage,
    };
    if !path.exists() {
        return Err(Problem::file(
            shown,
            "file not found (named in dataset.toml)",
        ));
    }
    match file_kind(path) {
        Some(FileKind::Csv) => read_csv(
            table,
            &limits::read_regular(path, shown, limits::TABLE_FILE)?,
            &ctx,
        ),
        Some(FileKind::Parquet) => {
            read_parquet(table, &parquet::read(path, shown, parquet_limit)?, &ctx)
        }
        None => Err(Problem::file(shown, UNSUPPORTED)),
    }
}

/// The formats a table's file can be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Parquet,
}

/// The problem of a file of another kind.
pub const UNSUPPORTED: &str = "unsupported file type: expected a .csv or .parquet file";

/// The format of the file at `path`, by its extension in any case (`speed.CSV` is CSV).
pub fn file_kind(path: &Path) -> Option<FileKind> {
    let extension = path.extension()?.to_str()?;
    if extension.eq_ignore_ascii_case("csv") {
        Some(FileKind::Csv)
    } else if extension.eq_ignore_ascii_case("parquet") {
        Some(FileKind::Parquet)
    } else {
        None
    }
}

/// What reading a table file needs besides the file.
struct Context<'a> {
    /// The file as problems name it.
    shown: &'a str,
    targets: &'a Targets,
    vintage: NaiveDate,
}

fn read_csv(table: &'static Table, bytes: &[u8], ctx: &Context) -> Result<TableRead, Problem> {
    read_csv_split(table, bytes, ctx, SPLIT_PART_BYTES)
}

/// [`read_csv`], in two parts when each would hold at least `part` bytes.
fn read_csv_split(
    table: &'static Table,
    bytes: &[u8],
    ctx: &Context,
    part: usize,
) -> Result<TableRead, Problem> {
    let shown = ctx.shown;
    let (mut records, header) = Records::open(bytes, shown)?;
    let at_header = RecordAt {
        line: header.line,
        start: header.start,
    };
    let header_problem =
        |field, message| csv_file::field_problem(shown, bytes, at_header, field, message);
    if let Some(message) = too_many_columns(table, header.names.len()) {
        return Err(header_problem(MAX_COLUMNS, message));
    }
    let names = current_names(table, header.names);
    let (header_problems, ok) = check_header(table, &names, &header_problem);
    // Room for every row up front (at most one per line end): growing the columns by
    // doubling would copy them, and hold old and new at once, as they fill.
    let lines = memchr::memchr_iter(b'\n', bytes).count() + 1;
    let mut builder = Builder::new(table, ctx, &names, ok, "line", lines);
    let read = |records: &mut Records, builder: &mut Builder| {
        let mut structural = Capped::default();
        let mut miscounts = Miscounts::default();
        while let Some(record) = records.next_record() {
            match record {
                Err(p) => match records.take_miscount() {
                    Some((count, line)) => miscounts.add(count, line, p),
                    None => structural.push(|| p),
                },
                Ok(at) => {
                    builder.row(
                        at.line as u32,
                        &|f| Cell::text(records.field(f)),
                        &|f, message| csv_file::field_problem(shown, bytes, at, f, message),
                        &|_| String::new(),
                    );
                }
            }
        }
        (structural, miscounts)
    };
    // A large file's second half is read on a thread of its own, into a builder of its own
    // that this one then takes in (as if its rows had been read after these). The chains
    // table, whose checks look across its rows, is small and read whole.
    let second = (ok && table.kind != TableKind::Chains)
        .then(|| records.split_off(part))
        .flatten();
    let (structural, miscounts) = match second {
        None => read(&mut records, &mut builder),
        Some(mut second) => std::thread::scope(|s| {
            let theirs = s.spawn(|| {
                let mut other = Builder::new(table, ctx, &names, ok, "line", second.lines_left());
                let structural = read(&mut second, &mut other);
                (other, structural)
            });
            let (structural, miscounts) = read(&mut records, &mut builder);
            let (other, (more, more_miscounts)) = theirs
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            builder.absorb(other);
            (structural.merge(more), miscounts.merge(more_miscounts))
        }),
    };
    // One problem per count of fields, placed at its first record among the others.
    let mut miscounted = Capped::default();
    for p in miscounts.problems() {
        miscounted.push(|| p);
    }
    let structural = structural.merge(miscounted);
    let place_late = |lates: &[Late]| {
        let mut lines: Vec<usize> = lates.iter().map(|l| l.pos as usize).collect();
        lines.sort_unstable();
        lines.dedup();
        let starts = csv_file::line_starts(bytes, &lines);
        lates
            .iter()
            .map(|l| {
                let start = starts[lines.binary_search(&(l.pos as usize)).expect("asked for")];
                let at = RecordAt {
                    line: l.pos as usize,
                    start,
                };
                csv_file::field_problem(shown, bytes, at, l.field, l.message.clone())
            })
            .collect()
    };
    Ok(builder.finish(structural, header_problems, &place_late))
}

fn read_parquet(
    table: &'static Table,
    pq: &parquet::ParquetTable,
    ctx: &Context,
) -> Result<TableRead, Problem> {
    let shown = ctx.shown;
    if let Some(message) = too_many_columns(table, pq.header.len()) {
        return Err(Problem::file(shown, message));
    }
    let names = current_names(table, pq.header.clone());
    // A Parquet header is the file's schema, not a row: its problems are the file's.
    let (header_problems, ok) =
        check_header(table, &names, &|_, message| Problem::file(shown, message));
    let mut builder = Builder::new(table, ctx, &names, ok, "row", pq.height());
    // Each field the builder reads, ready to give its cells; a column of the wrong type is one
    // problem, listed before the cell problems of the file.
    let mut type_problems = Capped::default();
    let mut prepared: BTreeMap<usize, parquet::Prepared> = BTreeMap::new();
    for col in &builder.columns {
        let ready = pq
            .prepare(col.field, col.schema.ty)
            .unwrap_or_else(|message| {
                if builder.checking {
                    type_problems.push(|| Problem::file(shown, message));
                }
                parquet::Prepared::Wrong(pq.height())
            });
        prepared.insert(col.field, ready);
    }
    let mut iters: Vec<(usize, Box<dyn Iterator<Item = Cell<'_>> + '_>)> =
        prepared.iter().map(|(&f, p)| (f, p.cells())).collect();
    let mut cells: Vec<Cell> = vec![Cell::Empty; names.len()];
    let mut structural = Capped::default();
    for row in 0..pq.height() {
        for (f, it) in &mut iters {
            cells[*f] = it.next().unwrap_or(Cell::Empty);
        }
        let pos = row + 1;
        let long = iters.iter().find_map(|(f, _)| {
            let len = cells[*f].as_text().map_or(0, str::len);
            (len > MAX_FIELD_BYTES).then_some((*f, len))
        });
        if let Some((f, len)) = long {
            structural.push(|| {
                Problem::row(
                    shown,
                    pos,
                    format!(
                        "{}: the value is {len} bytes long: expected at most {MAX_FIELD_BYTES} bytes ({})",
                        names[f],
                        size_in_words(MAX_FIELD_BYTES as u64)
                    ),
                )
            });
            continue;
        }
        builder.row(
            pos as u32,
            &|f| cells[f],
            &|_, message| Problem::row(shown, pos, message),
            &|f| pq.value_text(f, row),
        );
    }
    let place_late = |lates: &[Late]| {
        lates
            .iter()
            .map(|l| Problem::row(shown, l.pos as usize, l.message.clone()))
            .collect()
    };
    let mut read = builder.finish(structural, header_problems, &place_late);
    read.cells.insert(0, type_problems);
    Ok(read)
}

/// The header with former column names (`Table::renamed`) read as the current ones.
fn current_names(table: &Table, mut names: Vec<String>) -> Vec<String> {
    for i in 0..names.len() {
        let current = table.current_name(&names[i]).to_string();
        if current != names[i] && !names.contains(&current) {
            names[i] = current;
        }
    }
    names
}

fn column_list(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The most columns a header may have: a few times the widest table's. A header far wider
/// than its table is not that table (or not a header), and each of its unknown columns would
/// be a problem of its own.
pub const MAX_COLUMNS: usize = 100;

/// Why a header of `count` columns is too wide to be `table`'s, if it is.
fn too_many_columns(table: &Table, count: usize) -> Option<String> {
    (count > MAX_COLUMNS).then(|| {
        format!(
            "the header has {count} columns: expected the {} columns of the {} table ({}); at most {MAX_COLUMNS} columns are read",
            table.columns.len(),
            table.key,
            column_list(table)
        )
    })
}

/// Unknown, repeated and missing columns (the first ones; the rest counted); whether the cells
/// can be checked.
fn check_header(
    table: &Table,
    names: &[String],
    problem: &dyn Fn(usize, String) -> Problem,
) -> (Capped, bool) {
    let mut problems = Capped::default();
    let columns = column_list(table);
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if !table.columns.iter().any(|c| c.name == name) {
            problems.push(|| {
                problem(
                    i,
                    format!(
                        "unknown column \"{}\": expected only {columns}",
                        escaped(name)
                    ),
                )
            });
        }
        if !seen.insert(name.as_str()) {
            problems.push(|| problem(i, format!("column \"{}\" appears twice", escaped(name))));
        }
    }
    for col in table.columns {
        if !names.iter().any(|h| h == col.name) {
            problems.push(|| {
                problem(
                    names.len(),
                    format!(
                        "missing column \"{}\": expected {columns} ({})",
                        col.name,
                        col.ty.expected()
                    ),
                )
            });
        }
    }
    let ok = problems.is_empty();
    (problems, ok)
}

/// A CSV file is read in two parts on two threads when each part is at least this large
/// (the shipped metrics file, 1.4 MB, is; its other tables are not): starting a thread and
/// joining the two parts costs more than reading less.
const SPLIT_PART_BYTES: usize = 256 << 10;

/// A problem found after the last row, placed once every such problem is known.
struct Late {
    pos: u32,
    field: usize,
    message: String,
}

/// What a column's references are checked against.
enum Reference<'t> {
    None,
    /// Another table's keys, with what each code was found to be (0 not yet, 1 known, 2 not).
    To(&'t KeySet, Vec<u8>),
    /// The table's own keys, known after the last row: (position, code) of every reference.
    ToItself(Vec<(u32, u32)>),
}

struct Col<'t> {
    schema: &'static Column,
    /// The column's index in the file.
    field: usize,
    values: Values,
    problems: Capped,
    reference: Reference<'t>,
    /// Its slot in the unique key, if it is part of it.
    key_slot: Option<usize>,
    /// The chains' slugs, which name files and links (see [`cell::slug_problem`]).
    is_slug: bool,
    /// Texts of invalid values of a key column: two equal bad texts are still a repeated key.
    invalid: Dict,
    /// Of a date column: how many of its dates are after the vintage, and the first few of
    /// them (position, day as `Values::push` gives it).
    after_vintage: (usize, Vec<(u32, u32)>),
}

/// Dates after the vintage listed in their warning, per column.
const AFTER_VINTAGE_SHOWN: usize = 5;

struct Builder<'t> {
    table: &'static Table,
    shown: &'t str,
    /// False when the header is wrong: the rows are only counted, and the table's key column
    /// (if there) read for the references of other tables.
    checking: bool,
    columns: Vec<Col<'t>>,
    unique: UniqueCheck,
    /// The fields of an events table's `kind` and `value`.
    events: Option<(usize, usize)>,
    event_problems: Capped,
    rows: usize,
    /// "line" or "row": how a position is named.
    pos_word: &'static str,
    /// The vintage, as `Values::push` gives a day.
    vintage: NaiveDate,
    vintage_id: u32,
    /// The position of every row, for the checks across rows of the chains table (hosts).
    positions: Vec<u32>,
    /// The weekdays of the TVL table's dates (none for other tables).
    weekdays: Option<Weekdays>,
    /// The events table's values of an attribute per chain and day (none for other tables).
    same_day: Option<SameDay>,
    /// The metrics table's units checked against each metric's (none for other tables).
    units: Option<Units>,
}

/// The value each event gives an attribute of a chain on a day (stage, stack, DA, proof
/// system, the token's symbol and the token's status short of live: those of which the first
/// event of a day wins), by (chain code, day, attribute),
/// with the position of the first event that gave it; and the events that gave another value
/// on the same day, which change nothing (on one day the first event in file order wins).
#[derive(Default)]
struct SameDay {
    first: std::collections::HashMap<(u32, u32, &'static str), (u32, String)>,
    contradictions: Vec<Late>,
}

impl SameDay {
    /// The attribute an event of `kind` gives a value to, and the value.
    fn attribute(kind: &str, value: Option<&str>) -> Option<(&'static str, String)> {
        let of_value = |attribute| value.map(|v| (attribute, v.to_string()));
        match kind {
            "stage_observed" | "stage_change" => of_value("stage"),
            "stack_observed" | "stack_change" => of_value("stack"),
            "da_observed" | "da_change" => of_value("DA"),
            "proof_system_observed" | "proof_system_change" => of_value("proof system"),
            // A live token's symbol is the first of its day's; short of live, the status is
            // the first statement of its day (a live event beats them whatever the order).
            "token_launch" | "token_observed" => of_value("token"),
            "token_announced" => Some(("token status", "announced".to_string())),
            "token_exploration" => Some(("token status", "exploring".to_string())),
            "no_token_statement" => Some(("token status", "none".to_string())),
            // The others are decided otherwise on one day (a Superchain join beats a leave).
            _ => None,
        }
    }

    /// Note the event at `pos`; a contradiction of an earlier one is kept as a warning at it.
    fn push(
        &mut self,
        pos: u32,
        field: usize,
        key: (u32, u32, &'static str),
        value: String,
        pos_word: &str,
    ) {
        match self.first.entry(key) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert((pos, value));
            }
            std::collections::hash_map::Entry::Occupied(e) => {
                let (first_pos, first_value) = e.get();
                if *first_value != value && self.contradictions.len() < PER_FILE_LIMIT {
                    self.contradictions.push(Late {
                        pos,
                        field,
                        message: format!(
                            "this event gives the chain's {} the value \"{}\" on the day the event at {pos_word} {first_pos} gives it \"{}\": on one day the first in file order is used, so this one changes nothing; expected one value a day (keep the row the sources support, and mark a disagreement with CONFLICT in its note)",
                            key.2,
                            escaped(&value),
                            escaped(first_value),
                        ),
                    });
                }
            }
        }
    }
}

/// The metrics rows whose unit is not the one their metric is counted in: the value is read as
/// if in the metric's unit, so each is warned about at its unit.
struct Units {
    /// The places of `metric` and `unit` among the builder's columns, and their fields.
    cols: (usize, usize),
    fields: (usize, usize),
    /// Whether unit code `u` is the unit of metric code `m`, at `m * units + u` (both columns'
    /// dictionaries are fixed: a code is the place of its value in the vocabulary).
    right: Vec<bool>,
    units: usize,
    wrong: Vec<Late>,
}

impl Units {
    /// For a builder of the metrics table whose `columns` hold `metric` and `unit`.
    fn new(columns: &[Col]) -> Option<Units> {
        let place = |name: &str| columns.iter().position(|c| c.schema.name == name);
        let cols = (place("metric")?, place("unit")?);
        let dict = |i: usize| match &columns[i].values {
            Values::Coded(dict, _) => Some(dict),
            _ => None,
        };
        let (metrics, units) = (dict(cols.0)?, dict(cols.1)?);
        let mut right = Vec::with_capacity(metrics.len() * units.len());
        for m in 0..metrics.len() as u32 {
            let expected = super::vocabulary::metric_unit(metrics.value(m));
            for u in 0..units.len() as u32 {
                right.push(expected.is_none_or(|e| e == units.value(u)));
            }
        }
        Some(Units {
            cols,
            fields: (columns[cols.0].field, columns[cols.1].field),
            right,
            units: units.len(),
            wrong: Vec::new(),
        })
    }

    /// Check the row just read at `pos`, from the codes its metric and unit were given.
    fn check<'c>(&mut self, pos: u32, columns: &[Col], cell: &dyn Fn(usize) -> Cell<'c>) {
        let last = |i: usize| match &columns[i].values {
            Values::Coded(_, codes) => codes.last().copied(),
            _ => None,
        };
        let (Some(m), Some(u)) = (last(self.cols.0), last(self.cols.1)) else {
            return;
        };
        if m == NULL_CODE || u == NULL_CODE {
            return;
        }
        let at = m as usize * self.units + u as usize;
        if self.right.get(at).is_none_or(|&right| right) || self.wrong.len() >= PER_FILE_LIMIT {
            return;
        }
        let (metric, unit) = (cell(self.fields.0).as_text(), cell(self.fields.1).as_text());
        let expected = metric.and_then(super::vocabulary::metric_unit);
        let (Some(metric), Some(unit), Some(expected)) = (metric, unit, expected) else {
            return;
        };
        self.wrong.push(Late {
            pos,
            field: self.fields.1,
            message: format!(
                "unit: \"{}\" is not what {} is counted in: its values are read as {expected}; expected \"{expected}\" (or the value converted to it)",
                escaped(unit),
                escaped(metric),
            ),
        });
    }
}

/// How many of a weekly table's dates fall on each weekday (Monday first), with the first
/// (position, day) and the last position of each: TVL points are weekly, all on one weekday,
/// so that the chains ranked in a week are compared on one date. A point on another weekday
/// is a week of its own, with ranks among the few chains that have a point that day.
#[derive(Default)]
struct Weekdays {
    rows: [usize; 7],
    first: [Option<(u32, u32)>; 7],
    last: [u32; 7],
}

impl Weekdays {
    /// Count the date of day `id` (as `Values::push` gives it) at `pos`.
    fn push(&mut self, pos: u32, id: u32) {
        // FIRST_DAY (0000-01-01) is a Saturday: Monday is 0.
        let w = ((i64::from(id) + 5) % 7) as usize;
        self.rows[w] += 1;
        self.first[w].get_or_insert((pos, id));
        self.last[w] = pos;
    }

    /// Take in the counts of the rows read after these.
    fn absorb(&mut self, other: Weekdays) {
        for w in 0..7 {
            if other.rows[w] > 0 {
                self.rows[w] += other.rows[w];
                self.first[w] = self.first[w].or(other.first[w]);
                self.last[w] = other.last[w];
            }
        }
    }

    /// A warning at the first date of each weekday other than the file's own: the weekday of
    /// most rows (the first one seen, between equals). A warning, not an error: such a file
    /// loaded before this check, and loads the same.
    fn warnings(&self, col: &Col, pos_word: &str) -> Vec<Late> {
        const NAMES: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        let Some(own) = (0..7)
            .filter(|&w| self.rows[w] > 0)
            .min_by_key(|&w| (std::cmp::Reverse(self.rows[w]), self.first[w]))
        else {
            return Vec::new();
        };
        let (own_first, _) = self.first[own].expect("counted");
        let mut others: Vec<Late> = (0..7)
            .filter(|&w| w != own && self.rows[w] > 0)
            .filter_map(|w| {
                let (pos, id) = self.first[w]?;
                let more = match self.rows[w] - 1 {
                    0 => String::new(),
                    1 => format!("; so is 1 more {pos_word}, {}", self.last[w]),
                    n => format!(
                        "; so are {n} more {pos_word}s, up to {pos_word} {}",
                        self.last[w]
                    ),
                };
                Some(Late {
                    pos,
                    field: col.field,
                    message: format!(
                        "{}: {} is a {}, where {} {pos_word}{} of the file {} dated on a {} (the first at {pos_word} {own_first}){more}: a week's ranks, shares and leader compare the chains with a point on its date, so each such date is a week of its own, ranking only the chains with a point that day; expected a {}",
                        col.schema.name,
                        col.values.id_text(id),
                        NAMES[w],
                        self.rows[own],
                        if self.rows[own] == 1 { "" } else { "s" },
                        if self.rows[own] == 1 { "is" } else { "are" },
                        NAMES[own],
                        NAMES[own],
                    ),
                })
            })
            .collect();
        others.sort_by_key(|l| l.pos);
        others
    }
}

impl<'t> Builder<'t> {
    fn new(
        table: &'static Table,
        ctx: &Context<'t>,
        names: &[String],
        checking: bool,
        pos_word: &'static str,
        rows: usize,
    ) -> Builder<'t> {
        let (shown, targets) = (ctx.shown, ctx.targets);
        let field = |name: &str| names.iter().position(|h| h == name);
        let mut columns = Vec::new();
        for col in table.columns {
            let key_column = key_column(table.kind).is_some_and(|(name, _)| name == col.name);
            if !checking && !key_column {
                continue;
            }
            let Some(at) = field(col.name) else { continue };
            let key_slot = table.unique.iter().position(|u| *u == col.name);
            let reference = match reference_target(col.ty) {
                Some((kind, _, _)) if kind == table.kind => Reference::ToItself(Vec::new()),
                Some((kind, _, _)) => targets
                    .get(&kind)
                    .map_or(Reference::None, |keys| Reference::To(keys, Vec::new())),
                None => Reference::None,
            };
            let mut values = Values::new(col.name, col.ty, key_slot.is_some() || key_column);
            values.reserve(rows);
            columns.push(Col {
                schema: col,
                field: at,
                values,
                problems: Capped::default(),
                reference: if checking { reference } else { Reference::None },
                key_slot: key_slot.filter(|_| checking),
                is_slug: key_column && table.kind == TableKind::Chains,
                invalid: Dict::open(),
                after_vintage: (0, Vec::new()),
            });
        }
        let units = (checking && table.kind == TableKind::Metrics)
            .then(|| Units::new(&columns))
            .flatten();
        let events = (checking && table.kind == TableKind::Events)
            .then(|| Some((field("kind")?, field("value")?)))
            .flatten();
        Builder {
            table,
            shown,
            checking,
            columns,
            unique: UniqueCheck::default(),
            events,
            event_problems: Capped::default(),
            rows: 0,
            pos_word,
            vintage: ctx.vintage,
            vintage_id: (days_since_epoch(ctx.vintage) - FIRST_DAY) as u32,
            positions: Vec::new(),
            weekdays: (checking && table.kind == TableKind::Tvl).then(Weekdays::default),
            same_day: (checking && table.kind == TableKind::Events).then(SameDay::default),
            units,
        }
    }

    /// Read one row: `cell(f)` is the cell of field `f`, `problem(f, message)` a problem at it,
    /// and `typed_text(f)` the text of a typed (Parquet) cell, to quote it.
    fn row<'c>(
        &mut self,
        pos: u32,
        cell: &dyn Fn(usize) -> Cell<'c>,
        problem: &dyn Fn(usize, String) -> Problem,
        typed_text: &dyn Fn(usize) -> String,
    ) {
        self.rows += 1;
        if self.table.kind == TableKind::Chains {
            self.positions.push(pos);
        }
        let mut key = [0u32; KEY_PARTS];
        let mut whole_key = !self.table.unique.is_empty();
        // An event's chain (code) and day, for the events of one day.
        let (mut event_chain, mut event_day) = (None, None);
        for col in &mut self.columns {
            let c = cell(col.field);
            let (name, ty, field) = (col.schema.name, col.schema.ty, col.field);
            let text = || {
                c.as_text()
                    .map_or_else(|| typed_text(field), str::to_string)
            };
            let part = match col.values.push(ty, c) {
                Ok(None) => {
                    if matches!(c, Cell::Empty) && col.schema.required && self.checking {
                        col.problems.push(|| {
                            problem(
                                field,
                                format!("{name}: empty, expected {} (required)", ty.expected()),
                            )
                        });
                    }
                    None
                }
                Ok(Some(id)) => {
                    col.check_reference(pos, id, problem);
                    if self.same_day.is_some() {
                        match name {
                            "chain" => event_chain = Some(id),
                            "date" => event_day = Some(id),
                            _ => {}
                        }
                    }
                    if col.is_slug
                        && self.checking
                        && let Some(why) = c.as_text().and_then(cell::slug_problem)
                    {
                        let message = Why::NotSlug(why).message(&text(), ty);
                        col.problems
                            .push(|| problem(field, format!("{name}: {message}")));
                    }
                    if ty == ColType::Date
                        && let Some(weekdays) = &mut self.weekdays
                    {
                        weekdays.push(pos, id);
                    }
                    // A code of another column is far below any day: one compare for most cells.
                    if id > self.vintage_id && ty == ColType::Date && self.checking {
                        let (count, first) = &mut col.after_vintage;
                        *count += 1;
                        if first.len() < AFTER_VINTAGE_SHOWN {
                            first.push((pos, id));
                        }
                    }
                    Some(id)
                }
                Err(why) => {
                    if self.checking {
                        col.problems.push(|| {
                            problem(field, format!("{name}: {}", why.message(&text(), ty)))
                        });
                    }
                    col.key_slot
                        .and_then(|_| col.invalid.code(&text()))
                        .map(|code| INVALID | code)
                }
            };
            if let Some(slot) = col.key_slot {
                match part {
                    Some(p) => key[slot] = p,
                    None => whole_key = false,
                }
            }
        }
        if whole_key && self.checking {
            self.unique.push(key, pos);
        }
        if let Some(units) = &mut self.units {
            units.check(pos, &self.columns, cell);
        }
        if let Some((kind_field, value_field)) = self.events
            && let Some(kind) = cell(kind_field).as_text()
        {
            let value = cell(value_field).as_text();
            if event_value_is_bad(kind, value) {
                self.event_problems
                    .push(|| problem(value_field, event_value_message(kind, value)));
            } else if let (Some(same_day), Some(chain), Some(day)) =
                (&mut self.same_day, event_chain, event_day)
                && let Some((attribute, given)) = SameDay::attribute(kind, value)
            {
                same_day.push(
                    pos,
                    value_field,
                    (chain, day, attribute),
                    given,
                    self.pos_word,
                );
            }
        }
    }

    /// Take in `other`, a builder of the same table that read the rows after these: its
    /// columns appended (codes recoded into these columns' dictionaries), its keys, references
    /// and problems after these. The result is the builder that would have read both parts.
    fn absorb(&mut self, other: Builder<'t>) {
        let Builder {
            columns,
            unique,
            event_problems,
            rows,
            positions,
            weekdays,
            same_day,
            units,
            ..
        } = other;
        let mut recodes: Vec<(Vec<u32>, Vec<Option<u32>>)> = Vec::new();
        for (col, theirs) in self.columns.iter_mut().zip(columns) {
            let recode = col.values.absorb(theirs.values);
            let recode_invalid = col.invalid.absorb(&theirs.invalid);
            col.problems = std::mem::take(&mut col.problems).merge(theirs.problems);
            if let (Reference::ToItself(refs), Reference::ToItself(more)) =
                (&mut col.reference, theirs.reference)
            {
                refs.extend(more.into_iter().map(|(pos, c)| (pos, recode[c as usize])));
            }
            let (count, first) = &mut col.after_vintage;
            *count += theirs.after_vintage.0;
            first.extend(theirs.after_vintage.1);
            first.truncate(AFTER_VINTAGE_SHOWN);
            recodes.push((recode, recode_invalid));
        }
        // A key part is a code (recoded), an invalid text's code (recoded likewise) or a day.
        let slots: Vec<Option<usize>> = (0..KEY_PARTS)
            .map(|slot| self.columns.iter().position(|c| c.key_slot == Some(slot)))
            .collect();
        self.unique.absorb(unique, |slot, part| {
            let Some(col) = slots[slot] else { return part };
            let (recode, recode_invalid) = &recodes[col];
            if part & INVALID != 0 {
                INVALID
                    | recode_invalid[(part & !INVALID) as usize]
                        .expect("an open dictionary codes every value")
            } else if recode.is_empty() {
                part
            } else {
                recode[part as usize]
            }
        });
        self.event_problems = std::mem::take(&mut self.event_problems).merge(event_problems);
        self.rows += rows;
        self.positions.extend(positions);
        if let (Some(mine), Some(theirs)) = (&mut self.weekdays, weekdays) {
            mine.absorb(theirs);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.same_day, same_day) {
            // Their chain codes are their dictionary's: recoded into this one's.
            let chain = self.columns.iter().position(|c| c.schema.name == "chain");
            let recode = chain.map(|i| &recodes[i].0);
            let field = self.events.map_or(0, |(_, value_field)| value_field);
            let mut firsts: Vec<_> = theirs.first.into_iter().collect();
            firsts.sort_by_key(|(_, (pos, _))| *pos);
            for ((code, day, attribute), (pos, value)) in firsts {
                let code = match recode {
                    Some(r) if !r.is_empty() => r[code as usize],
                    _ => code,
                };
                mine.push(pos, field, (code, day, attribute), value, self.pos_word);
            }
            mine.contradictions.extend(theirs.contradictions);
            mine.contradictions.truncate(PER_FILE_LIMIT);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.units, units) {
            mine.wrong.extend(theirs.wrong);
            mine.wrong.truncate(PER_FILE_LIMIT);
        }
    }

    /// The table read: references to its own keys and repeated keys are checked now, and the
    /// problems found after the last row placed by `place_late`.
    fn finish(
        self,
        structural: Capped,
        mut header: Capped,
        place_late: &dyn Fn(&[Late]) -> Vec<Problem>,
    ) -> TableRead {
        let Builder {
            table,
            shown,
            checking,
            columns,
            unique,
            event_problems,
            rows,
            pos_word,
            vintage,
            positions,
            weekdays,
            same_day,
            units,
            ..
        } = self;
        let own_keys = key_column(table.kind).and_then(|(name, what)| {
            let col = columns.iter().find(|c| c.schema.name == name)?;
            let values = col.values.dict()?.values();
            Some(KeySet::new(values, what, shown.to_string()).with_unread(structural.first_place()))
        });
        // Records refused for their shape are rows of the file all the same: it has data,
        // whose problems are named.
        if rows == 0 && structural.is_empty() && table.needs_rows {
            header.push(|| {
                Problem::file(
                    shown,
                    format!(
                        "the file has no data rows: expected {} (the {} table needs at least one row)",
                        table.what, table.key
                    ),
                )
            });
        }
        let mut cells = Vec::new();
        let mut duplicates = Vec::new();
        let checked = checking && (rows > 0 || !table.needs_rows);
        if checked {
            duplicates = unique.duplicates();
        }
        let mut built = Vec::new();
        for mut col in columns {
            if let Reference::ToItself(refs) =
                std::mem::replace(&mut col.reference, Reference::None)
                && let (Some(keys), Some(dict)) = (&own_keys, col.values.dict())
            {
                let mut lates = Vec::new();
                let mut more = 0;
                for (pos, code) in refs {
                    let Some(first) = keys.first_unknown(col.schema.ty, dict.value(code)) else {
                        continue;
                    };
                    if lates.len() < PER_FILE_LIMIT {
                        let message = format!(
                            "{}: {}",
                            col.schema.name,
                            keys.message(col.schema.ty, first)
                        );
                        lates.push(Late {
                            pos,
                            field: col.field,
                            message,
                        });
                    } else {
                        more += 1;
                    }
                }
                let placed = Capped::from_parts(place_late(&lates), more);
                col.problems = std::mem::take(&mut col.problems).merge(placed);
            }
            cells.push(std::mem::take(&mut col.problems));
            built.push(col);
        }
        let mut lates = Vec::new();
        let key_cols: Vec<&Col> = table
            .unique
            .iter()
            .filter_map(|u| built.iter().find(|c| c.schema.name == *u))
            .collect();
        let unique = table.unique.join(", ");
        for d in duplicates.iter().take(PER_FILE_LIMIT) {
            let shown_key: Vec<String> = key_cols
                .iter()
                .zip(d.key)
                .map(|(c, part)| {
                    if part & INVALID != 0 {
                        escaped(c.invalid.value(part & !INVALID)).into_owned()
                    } else {
                        escaped(&c.values.id_text(part)).into_owned()
                    }
                })
                .collect();
            lates.push(Late {
                pos: d.pos,
                field: key_cols[0].field,
                message: format!(
                    "duplicate ({unique}) = ({}): first at {pos_word} {}; expected one row per ({unique})",
                    shown_key.join(", "),
                    d.first
                ),
            });
        }
        let more = duplicates.len().saturating_sub(PER_FILE_LIMIT);
        cells.push(Capped::from_parts(place_late(&lates), more));
        cells.push(event_problems);
        if checked && table.kind == TableKind::Chains {
            let mut hosts = host_problems(&built, &positions, pos_word);
            hosts.extend(case_problems(&built, &positions, pos_word));
            let more = hosts.len().saturating_sub(PER_FILE_LIMIT);
            cells.push(Capped::from_parts(
                place_late(&hosts[..hosts.len().min(PER_FILE_LIMIT)]),
                more,
            ));
        }
        let mut future: Vec<Late> = built
            .iter()
            .filter_map(|c| after_vintage_warning(c, vintage, pos_word))
            .collect();
        if checked
            && let Some(weekdays) = &weekdays
            && let Some(date) = built.iter().find(|c| c.schema.ty == ColType::Date)
        {
            future.extend(weekdays.warnings(date, pos_word));
        }
        if checked && let Some(same_day) = same_day {
            let mut contradictions = same_day.contradictions;
            contradictions.sort_by_key(|l| l.pos);
            future.extend(contradictions);
        }
        if checked && let Some(units) = units {
            future.extend(units.wrong);
        }
        TableRead {
            structural,
            header,
            cells,
            columns: checked.then(|| built.into_iter().map(|c| (c.schema, c.values)).collect()),
            keys: own_keys,
            warnings: place_late(&future),
        }
    }
}

impl Col<'_> {
    /// Check the reference `code` (if this column refers to another table), or keep it for
    /// the end (if it refers to its own table).
    fn check_reference(&mut self, pos: u32, code: u32, problem: &dyn Fn(usize, String) -> Problem) {
        let dict = match &self.values {
            Values::Coded(dict, _) => dict,
            _ => return,
        };
        match &mut self.reference {
            Reference::None => {}
            Reference::ToItself(refs) => refs.push((pos, code)),
            Reference::To(keys, seen) => {
                let i = code as usize;
                if seen.len() <= i {
                    seen.resize(i + 1, 0);
                }
                if seen[i] == 0 {
                    seen[i] = if keys
                        .first_unknown(self.schema.ty, dict.value(code))
                        .is_some()
                    {
                        2
                    } else {
                        1
                    };
                }
                if seen[i] == 2 {
                    let (name, ty, field) = (self.schema.name, self.schema.ty, self.field);
                    self.problems.push(|| {
                        let first = keys.first_unknown(ty, dict.value(code)).expect("checked");
                        problem(field, format!("{name}: {}", keys.message(ty, first)))
                    });
                }
            }
        }
    }
}

/// Slugs that differ from an earlier one only in case (`Base` after `base`): their memo files
/// (`Base.html`, `base.html`) are one file on the file systems of macOS and Windows.
fn case_problems(built: &[Col], positions: &[u32], pos_word: &str) -> Vec<Late> {
    let Some(slug) = built.iter().find(|c| c.schema.name == "slug") else {
        return Vec::new();
    };
    let Values::Coded(slugs, codes) = &slug.values else {
        return Vec::new();
    };
    let mut first: std::collections::HashMap<String, usize> = Default::default();
    let mut lates = Vec::new();
    for (row, &code) in codes.iter().enumerate() {
        if code == NULL_CODE {
            continue;
        }
        let text = slugs.value(code);
        match first.entry(text.to_ascii_lowercase()) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(row);
            }
            std::collections::hash_map::Entry::Occupied(e) => {
                let earlier = slugs.value(codes[*e.get()]);
                // The same slug twice is a duplicate key, reported as such.
                if earlier != text {
                    lates.push(Late {
                        pos: positions[row],
                        field: slug.field,
                        message: format!(
                            "slug: \"{text}\" differs from \"{earlier}\" ({pos_word} {}) only in case: their memo files are one file on macOS and Windows; expected slugs that differ in more than case",
                            positions[*e.get()]
                        ),
                    });
                }
            }
        }
    }
    lates
}

/// Chains that host themselves, and hosts that form a cycle (a hosted by b, b by a): each is
/// a problem at the `host` of a chain, the first in the file of the cycle. (A host that is no
/// chain is a reference problem of its own.)
fn host_problems(built: &[Col], positions: &[u32], pos_word: &str) -> Vec<Late> {
    let column = |name: &str| built.iter().find(|c| c.schema.name == name);
    let (Some(slug), Some(host)) = (column("slug"), column("host")) else {
        return Vec::new();
    };
    let (Values::Coded(slugs, slug_codes), Values::Coded(hosts, host_codes)) =
        (&slug.values, &host.values)
    else {
        return Vec::new();
    };
    fn text(dict: &Dict, code: u32) -> Option<&str> {
        (code != NULL_CODE).then(|| dict.value(code))
    }
    let mut row_of: std::collections::HashMap<&str, usize> = Default::default();
    for (row, &code) in slug_codes.iter().enumerate() {
        if let Some(s) = text(slugs, code) {
            row_of.entry(s).or_insert(row);
        }
    }
    let slug_of = |row: usize| text(slugs, slug_codes[row]).unwrap_or_default();
    let host_row: Vec<Option<usize>> = host_codes
        .iter()
        .map(|&code| text(hosts, code).and_then(|h| row_of.get(h).copied()))
        .collect();
    let mut lates = Vec::new();
    // 0: not seen, 1: on the path being followed, 2: done.
    let mut state = vec![0u8; host_row.len()];
    for start in 0..host_row.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(row) = at.filter(|&r| state[r] == 0) {
            state[row] = 1;
            path.push(row);
            at = host_row[row];
        }
        if let Some(row) = at.filter(|&r| state[r] == 1) {
            let cycle = &path[path.iter().position(|&p| p == row).expect("on the path")..];
            let first = *cycle.iter().min_by_key(|&&r| positions[r]).expect("a row");
            let message = if cycle.len() == 1 {
                format!(
                    "host: \"{}\" is its own host: expected the slug of the chain it runs on (empty for an L1)",
                    slug_of(first)
                )
            } else {
                // The cycle from its first row in the file, back to it.
                let from = cycle
                    .iter()
                    .position(|&r| r == first)
                    .expect("in the cycle");
                let ring: Vec<usize> = cycle[from..]
                    .iter()
                    .chain(&cycle[..from])
                    .copied()
                    .collect();
                let mut names: Vec<&str> = ring.iter().take(10).map(|&r| slug_of(r)).collect();
                if ring.len() > 10 {
                    names.push("…");
                }
                names.push(slug_of(first));
                let mut at: Vec<u32> = ring.iter().map(|&r| positions[r]).collect();
                at.sort_unstable();
                let at: Vec<String> = at.iter().take(10).map(u32::to_string).collect();
                format!(
                    "host: the hosts of {} chains form a cycle, {} ({pos_word}s {}{}): expected each chain to run, host by host, on a chain without a host (an L1)",
                    ring.len(),
                    names.join(" → "),
                    at.join(", "),
                    if ring.len() > 10 { ", …" } else { "" }
                )
            };
            lates.push(Late {
                pos: positions[first],
                field: host.field,
                message,
            });
        }
        for row in path {
            state[row] = 2;
        }
    }
    lates.sort_by_key(|l| l.pos);
    lates
}

/// The warning about the dates of `col` after the vintage, at the first of them, if any.
fn after_vintage_warning(col: &Col, vintage: NaiveDate, pos_word: &str) -> Option<Late> {
    let (count, first) = &col.after_vintage;
    let &(pos, id) = first.first()?;
    let name = col.schema.name;
    let others = match count - 1 {
        0 => String::new(),
        more => {
            let listed: Vec<String> = first[1..].iter().map(|(p, _)| p.to_string()).collect();
            format!(
                ", and so is the {name} of {more} more {pos_word}{} ({}{})",
                if more == 1 { "" } else { "s" },
                listed.join(", "),
                if more > listed.len() { ", …" } else { "" }
            )
        }
    };
    let them = if *count == 1 {
        "this row"
    } else {
        "these rows"
    };
    Some(Late {
        pos,
        field: col.field,
        message: format!(
            "{name}: {} is after the dataset's vintage {vintage}{others}: a screen at the vintage does not see {them}; only one at a later --as-of date with --allow-future does",
            col.values.id_text(id)
        ),
    })
}

/// Whether an event's `value` is wrong for its `kind`: missing where the kind needs one, or
/// not one of the values the kind allows.
fn event_value_is_bad(kind: &str, value: Option<&str>) -> bool {
    match (value, schema::event_value_category(kind)) {
        (None, _) => schema::event_needs_value(kind),
        (Some(v), Some(allowed)) => !allowed.contains(&v),
        (Some(_), None) => false,
    }
}

/// What is wrong with a bad event value (see `event_value_is_bad`).
fn event_value_message(kind: &str, value: Option<&str>) -> String {
    match (value, schema::event_value_category(kind)) {
        (Some(v), Some(allowed)) => format!(
            "value: \"{}\" is not allowed for a {kind} event: expected one of {}",
            escaped(v),
            allowed.join(", ")
        ),
        _ => format!(
            "value: empty, expected a value for a {kind} event ({})",
            event_value_expectation(kind)
        ),
    }
}

fn event_value_expectation(kind: &str) -> String {
    match schema::event_value_category(kind) {
        Some(allowed) => format!("one of {}", allowed.join(", ")),
        None if kind.starts_with("stack_") => "the stack".into(),
        None => "the token symbol".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::schema::{ColType, TABLES};

    /// The typed columns and every problem of a table read, as text (the rows in full).
    fn shown(read: TableRead) -> String {
        let mut out = format!(
            "structural {:?}\nheader {:?}\ncells {:?}\nafter vintage {:?}\n",
            read.structural, read.header, read.cells, read.warnings
        );
        for (col, values) in read.columns.into_iter().flatten() {
            let column = values.finish(col.name);
            let cells: Vec<String> = column
                .as_materialized_series()
                .iter()
                .map(|v| v.to_string())
                .collect();
            out.push_str(&format!("{}: {}\n", col.name, cells.join("|")));
        }
        out
    }

    /// A file read in two parts on two threads gives what reading it whole gives: the same
    /// columns, and the same problems in the same order with the same counts past the cap,
    /// whatever the rows hold (bad and future dates, unknown chains and metrics, keys repeated
    /// across the parts, repeated bad key texts, wrong field counts, blank lines).
    #[test]
    fn a_file_read_in_two_parts_reads_as_the_whole_file() {
        let chains = ["base", "op", "arb", "zk"];
        let targets: Targets = [
            (
                TableKind::Chains,
                KeySet::new(chains.into_iter(), "chain", "chains.csv".into()),
            ),
            (
                TableKind::Sources,
                KeySet::new(["s1", "s2"].into_iter(), "source", "sources.csv".into()),
            ),
        ]
        .into_iter()
        .collect();
        let vintage = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let metrics = crate::dataset::cell::metric_list();
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut tried = 0;
        for round in 0..40 {
            let mut text = String::from("date,chain,metric,value,unit,source\n");
            let rows = 50 + next(400);
            // Few distinct keys, so that keys repeat, within a part and across the two.
            for _ in 0..rows {
                let date = match next(20) {
                    0 => "2024-13-01".to_string(),
                    1 => "2025-02-03".to_string(),
                    2 => String::new(),
                    _ => format!("2024-0{}-1{}", 1 + next(3), next(3)),
                };
                let chain = match next(15) {
                    0 => "nope",
                    1 => "",
                    c => chains[(c % 4) as usize],
                };
                let metric = match next(12) {
                    0 => "not_a_metric",
                    m => metrics[(m % 3) as usize],
                };
                let value = match next(10) {
                    0 => "x".to_string(),
                    v => format!("{}.5", v * 3),
                };
                let source = ["s1", "s2", "s3"][next(3) as usize];
                match next(40) {
                    0 => text.push_str("1,2\n"),
                    1 => text.push('\n'),
                    _ => {}
                }
                text.push_str(&format!("{date},{chain},{metric},{value},USD,{source}\n"));
            }
            let table = TABLES.iter().find(|t| t.key == "metrics").unwrap();
            let ctx = Context {
                shown: "m.csv",
                targets: &targets,
                vintage,
            };
            let whole = read_csv_split(table, text.as_bytes(), &ctx, usize::MAX / 4).unwrap();
            // Parts of any size down to one byte, so the cut falls anywhere.
            let part = [1, 7, 100, text.len() / 3][round % 4];
            let (mut records, _) = Records::open(text.as_bytes(), "m.csv").unwrap();
            assert!(records.split_off(part).is_some(), "{round}: not split");
            tried += 1;
            let split = read_csv_split(table, text.as_bytes(), &ctx, part).unwrap();
            assert_eq!(shown(whole), shown(split), "round {round}, part {part}");
        }
        assert_eq!(tried, 40);
    }

    /// A unique key is integers: at most `KEY_PARTS` columns, each a date or a coded column.
    #[test]
    fn unique_keys_are_integer_keys() {
        for table in TABLES {
            assert!(table.unique.len() <= KEY_PARTS, "{}", table.key);
            for name in table.unique {
                let col = table.columns.iter().find(|c| c.name == *name).unwrap();
                let values = Values::new(col.name, col.ty, true);
                assert!(
                    col.ty == ColType::Date || values.dict().is_some(),
                    "{}.{name}",
                    table.key
                );
            }
        }
    }
}
