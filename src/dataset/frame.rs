//! Typed columns and their polars frames. Each column is built while its file is read, in the
//! form its frame column needs and nothing more: dates as days, numbers as floats, text straight
//! into polars' string builder, and values that repeat (categories, metrics, chain slugs, source
//! keys, key text) as codes into a dictionary. The frame is then built with explicit dtypes
//! (Date, Float64, Boolean, String): polars never infers a type from the data.

use super::cell::{self, Cell, Why, day_date, metric_list};
use super::keys::Dict;
use super::schema::{ColType, Column as SchemaColumn};
use chrono::NaiveDate;
use polars::prelude::*;

/// The code, day or flag that marks an empty cell in a column of integers.
pub const NULL_CODE: u32 = u32::MAX;
const NULL_DAY: i32 = i32::MIN;
const NULL_BOOL: u8 = 2;

/// One column being built, in the dtype its frame column will have. Numbers are validated
/// finite, so NaN marks an empty cell.
pub enum Values {
    /// Free text.
    Text(StringChunkedBuilder),
    /// Codes into a dictionary: the allowed values of a category or metric (fixed), or every
    /// distinct chain slug, source key or key text (open).
    Coded(Dict, Vec<u32>),
    /// Days since 1970-01-01.
    Date(Vec<i32>),
    Num(Vec<f64>),
    Bool(Vec<u8>),
}

impl Values {
    /// The builder for a column of type `ty`; `coded` asks for codes even for free text (the
    /// columns of a unique key, so the key is integers).
    pub fn new(name: &str, ty: ColType, coded: bool) -> Values {
        match ty {
            ColType::Date => Values::Date(Vec::new()),
            ColType::Amount | ColType::Number => Values::Num(Vec::new()),
            ColType::Bool => Values::Bool(Vec::new()),
            ColType::Category(allowed) => Values::Coded(Dict::fixed(allowed), Vec::new()),
            ColType::Metric => Values::Coded(Dict::fixed(metric_list()), Vec::new()),
            ColType::Chain | ColType::Source | ColType::Sources => {
                Values::Coded(Dict::open(), Vec::new())
            }
            ColType::Text if coded => Values::Coded(Dict::open(), Vec::new()),
            ColType::Text => Values::Text(StringChunkedBuilder::new(name.into(), 0)),
        }
    }

    /// Append the values of `other` (the same column, read from later rows): its codes
    /// recoded into this column's dictionary. The code each of `other`'s codes now has.
    pub fn absorb(&mut self, other: Values) -> Vec<u32> {
        match (self, other) {
            (Values::Text(out), Values::Text(more)) => {
                for v in more.finish().iter() {
                    out.append_option(v);
                }
                Vec::new()
            }
            (Values::Coded(dict, codes), Values::Coded(more_dict, more)) => {
                let recode: Vec<u32> = dict
                    .absorb(&more_dict)
                    .into_iter()
                    .map(|c| c.expect("a fixed dictionary holds every value it coded"))
                    .collect();
                codes.extend(more.iter().map(|&c| match c {
                    NULL_CODE => NULL_CODE,
                    c => recode[c as usize],
                }));
                recode
            }
            (Values::Date(days), Values::Date(more)) => {
                days.extend(more);
                Vec::new()
            }
            (Values::Num(xs), Values::Num(more)) => {
                xs.extend(more);
                Vec::new()
            }
            (Values::Bool(flags), Values::Bool(more)) => {
                flags.extend(more);
                Vec::new()
            }
            _ => unreachable!("a column is absorbed only by the same column"),
        }
    }

    /// Room for `rows` more values without growing.
    pub fn reserve(&mut self, rows: usize) {
        match self {
            Values::Text(_) => {}
            Values::Coded(_, codes) => codes.reserve(rows),
            Values::Date(days) => days.reserve(rows),
            Values::Num(xs) => xs.reserve(rows),
            Values::Bool(flags) => flags.reserve(rows),
        }
    }

    /// Append `cell` read as `ty`. `Ok(Some(id))` for a value, where `id` is the value's code,
    /// or its day counted from the first writable date, for a date (a part of a row's key);
    /// `Ok(None)` for an empty cell. A bad value appends an empty cell and says why.
    pub fn push(&mut self, ty: ColType, cell: Cell) -> Result<Option<u32>, Why> {
        let parsed = self.parse(ty, cell);
        if !matches!(parsed, Ok(Some(_))) {
            self.push_null();
        }
        parsed
    }

    fn parse(&mut self, ty: ColType, cell: Cell) -> Result<Option<u32>, Why> {
        // Free text is shown as it is written (in tables, memos, on a terminal): it must be.
        // (Checked in the arms that hold text, so that other columns do not pay for it.)
        let plain = |v: &str| match cell::unprintable(v) {
            Some((at, c)) => Err(Why::Unprintable(at, c)),
            None => Ok(()),
        };
        let id = match (self, cell) {
            (_, Cell::Empty | Cell::Skip) => return Ok(None),
            (Values::Date(out), Cell::Text(v)) => push_day(out, cell::date(v)?),
            (Values::Date(out), Cell::Date(d)) => push_day(out, cell::checked_date(d)?),
            (Values::Num(out), Cell::Text(v)) => {
                out.push(cell::number(v, ty)?);
                0
            }
            (Values::Num(out), Cell::Num(x)) => {
                out.push(cell::checked_number(x, ty)?);
                0
            }
            (Values::Bool(out), Cell::Text(v)) => {
                out.push(u8::from(cell::boolean(v)?));
                0
            }
            (Values::Bool(out), Cell::Bool(b)) => {
                out.push(u8::from(b));
                0
            }
            (Values::Coded(dict, codes), Cell::Text(v)) => {
                if ty == ColType::Text {
                    plain(v)?;
                }
                let code = match (dict.code(v), ty) {
                    (Some(c), _) => c,
                    (None, ColType::Category(allowed)) => return Err(Why::NotAllowed(allowed)),
                    (None, _) => return Err(Why::NotAllowed(metric_list())),
                };
                codes.push(code);
                code
            }
            (Values::Text(out), Cell::Text(v)) => {
                plain(v)?;
                out.append_value(v);
                0
            }
            // A typed Parquet value in a column of another type: the reader gives `Skip` for
            // those, so this is never reached.
            (_, Cell::Date(_) | Cell::Num(_) | Cell::Bool(_)) => return Ok(None),
        };
        Ok(Some(id))
    }

    fn push_null(&mut self) {
        match self {
            Values::Text(out) => out.append_null(),
            Values::Coded(_, codes) => codes.push(NULL_CODE),
            Values::Date(out) => out.push(NULL_DAY),
            Values::Num(out) => out.push(f64::NAN),
            Values::Bool(out) => out.push(NULL_BOOL),
        }
    }

    /// The dictionary of a coded column.
    pub fn dict(&self) -> Option<&Dict> {
        match self {
            Values::Coded(dict, _) => Some(dict),
            _ => None,
        }
    }

    /// The text of a key part `id` given by `push` (a code or a day).
    pub fn id_text(&self, id: u32) -> String {
        match self {
            Values::Coded(dict, _) => dict.value(id).to_string(),
            Values::Date(_) => day_date(id as i32 + cell::FIRST_DAY)
                .format("%Y-%m-%d")
                .to_string(),
            _ => String::new(),
        }
    }

    /// The frame column named `name`, its rows in `order` (row indexes; `taken` the same as a
    /// polars column): integers are put in order before the column is built, free text after.
    fn finish_in_order(self, name: &str, order: &[IdxSize], taken: &IdxCa) -> Column {
        fn gather<T: Copy>(v: &[T], order: &[IdxSize]) -> Vec<T> {
            order.iter().map(|&i| v[i as usize]).collect()
        }
        match self {
            Values::Text(_) => self
                .finish(name)
                .take(taken)
                .expect("the order indexes every row"),
            Values::Coded(dict, codes) => Values::Coded(dict, gather(&codes, order)).finish(name),
            Values::Date(days) => Values::Date(gather(&days, order)).finish(name),
            Values::Num(xs) => Values::Num(gather(&xs, order)).finish(name),
            Values::Bool(flags) => Values::Bool(gather(&flags, order)).finish(name),
        }
    }

    /// The frame column named `name`.
    pub fn finish(self, name: &str) -> Column {
        let name: PlSmallStr = name.into();
        let series = match self {
            Values::Text(out) => {
                let mut s = out.finish().into_series();
                s.rename(name);
                s
            }
            // Each distinct text once, then gathered by code (copying a view of each, the
            // texts themselves shared): not a text written per row.
            Values::Coded(dict, codes) => {
                let texts = StringChunked::from_iter_values(name, dict.values());
                let codes = IdxCa::from_iter_options(
                    PlSmallStr::EMPTY,
                    codes
                        .iter()
                        .map(|&c| (c != NULL_CODE).then_some(c as IdxSize)),
                );
                texts
                    .take(&codes)
                    .expect("codes index their dictionary")
                    .into_series()
            }
            Values::Date(days) => Int32Chunked::from_iter_options(
                name,
                days.iter().map(|&d| (d != NULL_DAY).then_some(d)),
            )
            .into_date()
            .into_series(),
            Values::Num(v) => Float64Chunked::from_iter_options(
                name,
                v.iter().map(|&x| (!x.is_nan()).then_some(x)),
            )
            .into_series(),
            Values::Bool(v) => BooleanChunked::from_iter_options(
                name,
                v.iter().map(|&b| (b != NULL_BOOL).then_some(b == 1)),
            )
            .into_series(),
        };
        series.into_column()
    }
}

fn push_day(out: &mut Vec<i32>, day: i32) -> u32 {
    out.push(day);
    (day - cell::FIRST_DAY) as u32
}

/// The frame of a table from its columns, in schema order, its rows in file order.
pub fn build(columns: Vec<(&'static SchemaColumn, Values)>) -> DataFrame {
    let columns: Vec<Column> = columns
        .into_iter()
        .map(|(col, values)| values.finish(col.name))
        .collect();
    DataFrame::new_infer_height(columns).expect("validated columns have equal lengths")
}

/// The frame of a table with its rows sorted by the columns `by` (ascending, empty cells first,
/// equal rows in file order), as `sorted` would sort it. When `by` are codes and dates, the
/// order comes from integers (a code's rank among its dictionary's values) and each column is
/// built and put in order one at a time, so a large table is never held twice over.
pub fn build_sorted(columns: Vec<(&'static SchemaColumn, Values)>, by: &[&str]) -> DataFrame {
    let Some(order) = integer_order(&columns, by) else {
        return sorted(build(columns), by);
    };
    // A file already in order (as moat writes them) is not gathered again.
    if order.iter().enumerate().all(|(i, &row)| row as usize == i) {
        return build(columns);
    }
    // Integers are put in order before their column is built (free text, after).
    let taken = IdxCa::from_vec("order".into(), order.clone());
    let columns: Vec<Column> = columns
        .into_iter()
        .map(|(col, values)| values.finish_in_order(col.name, &order, &taken))
        .collect();
    DataFrame::new_infer_height(columns).expect("validated columns have equal lengths")
}

/// The row order sorting by `by`, from integer keys: up to three code or date columns. Each row's
/// key is the columns' parts (0 for an empty cell, so it sorts first) then the row's index, in
/// one `u128`, so that an unstable sort keeps equal rows in file order.
fn integer_order(columns: &[(&SchemaColumn, Values)], by: &[&str]) -> Option<Vec<IdxSize>> {
    if by.is_empty() || by.len() > 3 {
        return None;
    }
    let mut parts: Vec<Box<dyn Fn(usize) -> u32 + '_>> = Vec::new();
    let mut rows = 0;
    for name in by {
        let (_, values) = columns.iter().find(|(c, _)| c.name == *name)?;
        parts.push(match values {
            Values::Coded(dict, codes) => {
                rows = codes.len();
                let mut by_value: Vec<u32> = (0..dict.len() as u32).collect();
                by_value.sort_by(|&a, &b| dict.value(a).cmp(dict.value(b)));
                let mut rank = vec![0u32; by_value.len()];
                for (r, &code) in by_value.iter().enumerate() {
                    rank[code as usize] = r as u32 + 1;
                }
                Box::new(move |i| match codes[i] {
                    NULL_CODE => 0,
                    c => rank[c as usize],
                })
            }
            Values::Date(days) => Box::new({
                rows = days.len();
                |i| match days[i] {
                    NULL_DAY => 0,
                    d => (d - cell::FIRST_DAY) as u32 + 1,
                }
            }),
            _ => return None,
        });
    }
    let mut keys: Vec<u128> = (0..rows)
        .map(|i| {
            let key = parts
                .iter()
                .fold(0u128, |k, part| (k << 32) | part(i) as u128);
            (key << (32 * (3 - parts.len()) + 32)) | i as u128
        })
        .collect();
    keys.sort_unstable();
    Some(keys.into_iter().map(|k| k as u32 as IdxSize).collect())
}

pub fn sorted(df: DataFrame, by: &[&str]) -> DataFrame {
    df.sort(
        by.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        SortMultipleOptions::default().with_maintain_order(true),
    )
    .expect("sort by validated columns")
}

/// Read a Date column back as chrono dates (for the stages after polars).
pub fn dates(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<NaiveDate>>> {
    Ok(df
        .column(name)?
        .date()?
        .physical()
        .iter()
        .map(|d| d.map(day_date))
        .collect())
}

/// A String column read in place, borrowed from its frame.
pub fn text_refs<'a>(df: &'a DataFrame, name: &str) -> PolarsResult<Vec<Option<&'a str>>> {
    Ok(df.column(name)?.str()?.iter().collect())
}

/// A Date column's cells in row order, read in place (the long tables are read this way:
/// a copy of a whole column first would be memory touched for nothing).
pub fn date_cells<'a>(
    df: &'a DataFrame,
    name: &str,
) -> PolarsResult<impl Iterator<Item = Option<NaiveDate>> + 'a> {
    Ok(df
        .column(name)?
        .date()?
        .physical()
        .iter()
        .map(|d| d.map(day_date)))
}

/// A String column's cells in row order, read in place.
pub fn text_cells<'a>(
    df: &'a DataFrame,
    name: &str,
) -> PolarsResult<impl Iterator<Item = Option<&'a str>> + 'a> {
    Ok(df.column(name)?.str()?.iter())
}

/// A Float64 column's cells in row order, read in place.
pub fn num_cells<'a>(
    df: &'a DataFrame,
    name: &str,
) -> PolarsResult<impl Iterator<Item = Option<f64>> + 'a> {
    Ok(df.column(name)?.f64()?.iter())
}

/// Read a String column back as owned strings.
pub fn texts(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|s| s.map(str::to_string))
        .collect())
}

/// Read a Float64 column back.
pub fn nums(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    Ok(df.column(name)?.f64()?.iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::schema::TABLES;

    /// A coded column is its texts by code, empty cells null, whatever its dictionary holds
    /// (nothing at all, for a column of empty cells).
    #[test]
    fn a_coded_column_is_its_texts() {
        let column = |dict: Dict, codes: Vec<u32>| -> Vec<Option<String>> {
            let c = Values::Coded(dict, codes).finish("c");
            c.str()
                .unwrap()
                .iter()
                .map(|v| v.map(str::to_string))
                .collect()
        };
        let mut dict = Dict::open();
        let long = "a text longer than twelve bytes, held in a buffer";
        for v in ["base", long, "op"] {
            dict.code(v);
        }
        assert_eq!(
            column(dict, vec![2, NULL_CODE, 0, 1, 1, 0]),
            [
                Some("op"),
                None,
                Some("base"),
                Some(long),
                Some(long),
                Some("base")
            ]
            .map(|v| v.map(str::to_string))
        );
        assert_eq!(column(Dict::open(), vec![NULL_CODE; 3]), vec![None; 3]);
        assert_eq!(
            column(Dict::open(), Vec::new()),
            Vec::<Option<String>>::new()
        );
    }

    /// Sorting from integer keys gives the frame polars' own sort gives: empty cells first,
    /// values in byte order, equal rows in file order.
    #[test]
    fn integer_sort_is_polars_sort() {
        let metrics = TABLES.iter().find(|t| t.key == "metrics").unwrap();
        // `txcost_median_usd` comes before `fees_paid_usd` in the catalogue (so in its codes),
        // after it in byte order.
        let (t, f) = ("txcost_median_usd", "fees_paid_usd");
        let rows: Vec<[&str; 6]> = vec![
            ["2024-01-02", "base", f, "1", "USD", "a"],
            ["2024-01-01", "zora", f, "2", "USD", "a"],
            ["", "base", f, "3", "USD", "a"],
            ["2024-01-01", "base", "", "4", "USD", "a"],
            ["2024-01-01", "base", t, "9", "USD", "a"],
            ["2024-01-01", "Base", f, "5", "USD", "a"],
            ["2024-01-01", "base", f, "6", "USD", "a"],
            ["2024-01-01", "", t, "7", "USD", "a"],
            ["2024-01-02", "base", f, "8", "USD", "a"],
        ];
        let columns = || {
            metrics
                .columns
                .iter()
                .enumerate()
                .map(|(i, col)| {
                    let mut values = Values::new(col.name, col.ty, false);
                    for row in &rows {
                        let _ = values.push(col.ty, Cell::text(row[i]));
                    }
                    (col, values)
                })
                .collect::<Vec<_>>()
        };
        for by in [
            &["chain", "metric", "date"][..],
            &["date", "chain"],
            &["metric"],
        ] {
            let ours = build_sorted(columns(), by);
            let theirs = sorted(build(columns()), by);
            assert!(ours.equals_missing(&theirs), "{by:?}\n{ours}\n{theirs}");
        }
        // Every row has unit USD: in order by unit already, they come back as they are.
        let by_unit = build_sorted(columns(), &["unit"]);
        assert!(by_unit.equals_missing(&build(columns())));
        assert!(integer_order(&columns(), &["unit"]).is_some_and(|o| o.is_sorted()));
    }
}
