//! Cell-by-cell validation of every table against `schema.rs`, collecting all problems of all
//! files, then the frames are built. Order matters only for references: chains and sources are
//! read first so that every other table's chain and source cells can be checked against them.

use super::Dataset;
use super::frame::{self, Cells, TypedTable};
use super::manifest::{self, MANIFEST_FILE, Manifest};
use super::problem::{DataErrors, Problem};
use super::raw::{self, RawTable};
use super::schema::{self, ColType, TABLES, Table, TableKind};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

pub fn load_dataset(dir: &Path) -> Result<Dataset, DataErrors> {
    let manifest = manifest::read(dir)?;
    let mut errors = DataErrors::default();
    check_manifest_files(dir, &manifest, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut raws: BTreeMap<TableKind, (RawTable, bool)> = BTreeMap::new();
    for table in TABLES {
        let entry = &manifest.files[table.key];
        let shown = dir.join(&entry.path).display().to_string();
        match raw::read(&dir.join(&entry.path), &shown) {
            Ok((mut raw, structural)) => {
                structural.into_iter().for_each(|p| errors.push(p));
                let cells_ok = check_header(table, &mut raw, &mut errors);
                raws.insert(table.kind, (raw, cells_ok));
            }
            Err(p) => errors.push(p),
        }
    }
    let refs = References {
        chains: key_set(raws.get(&TableKind::Chains).map(|(r, _)| r), "slug"),
        sources: key_set(raws.get(&TableKind::Sources).map(|(r, _)| r), "key"),
        chains_file: file_of(dir, &manifest, "chains"),
        sources_file: file_of(dir, &manifest, "sources"),
    };
    let mut typed: BTreeMap<TableKind, TypedTable> = BTreeMap::new();
    for table in TABLES {
        if let Some((raw, true)) = raws.get(&table.kind) {
            typed.insert(table.kind, check_cells(table, raw, &refs, &mut errors));
        }
    }
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    let mut take = |kind| frame::build(typed.remove(&kind).expect("validated table"));
    let dataset = Dataset {
        dir: dir.to_path_buf(),
        chains: take(TableKind::Chains),
        sources: take(TableKind::Sources),
        tvl: frame::sorted(take(TableKind::Tvl), &["chain", "date"]),
        events: frame::sorted(take(TableKind::Events), &["date", "chain"]),
        links: take(TableKind::Links),
        metrics: frame::sorted(take(TableKind::Metrics), &["chain", "metric", "date"]),
        speed: take(TableKind::Speed),
        manifest,
        content: Default::default(),
    };
    Ok(dataset)
}

fn file_of(dir: &Path, manifest: &Manifest, key: &str) -> String {
    manifest
        .files
        .get(key)
        .map_or(String::new(), |e| dir.join(&e.path).display().to_string())
}

/// Every table must be declared, with exactly the columns and types moat reads.
fn check_manifest_files(dir: &Path, manifest: &Manifest, errors: &mut DataErrors) {
    let shown = dir.join(MANIFEST_FILE).display().to_string();
    for table in TABLES {
        let Some(entry) = manifest.files.get(table.key) else {
            errors.push(Problem::file(
                &shown,
                format!(
                    "missing [files.{}] entry: expected the file holding {}",
                    table.key, table.what
                ),
            ));
            continue;
        };
        // A column written with its former name (and former type) is the current column.
        let mut declared: BTreeMap<String, String> = BTreeMap::new();
        for (name, ty) in &entry.columns {
            let former = table.renamed.iter().find(|(old, _, _)| old == name);
            match former {
                Some((_, old_ty, new))
                    if ty == old_ty.name() && !entry.columns.contains_key(*new) =>
                {
                    let current = table.columns.iter().find(|c| c.name == *new);
                    let current_ty = current.map_or(ty.as_str(), |c| c.ty.name());
                    declared.insert(new.to_string(), current_ty.to_string());
                }
                _ => {
                    declared.insert(name.clone(), ty.clone());
                }
            }
        }
        for col in table.columns {
            match declared.get(col.name) {
                None => errors.push(Problem::file(
                    &shown,
                    format!(
                        "[files.{}.columns] does not declare `{}`: expected `{} = \"{}\"`",
                        table.key,
                        col.name,
                        col.name,
                        col.ty.name()
                    ),
                )),
                Some(t) if t != col.ty.name() => errors.push(Problem::file(
                    &shown,
                    format!(
                        "[files.{}.columns] declares `{}` as \"{t}\": expected \"{}\"",
                        table.key,
                        col.name,
                        col.ty.name()
                    ),
                )),
                Some(_) => {}
            }
        }
        for name in declared.keys() {
            if !table.columns.iter().any(|c| c.name == name) {
                errors.push(Problem::file(
                    &shown,
                    format!(
                        "[files.{}.columns] declares unknown column `{name}`: expected only {}",
                        table.key,
                        column_list(table)
                    ),
                ));
            }
        }
    }
    for key in manifest.files.keys() {
        if !TABLES.iter().any(|t| t.key == key) {
            let keys: Vec<&str> = TABLES.iter().map(|t| t.key).collect();
            errors.push(Problem::file(
                &shown,
                format!(
                    "unknown table [files.{key}]: expected one of {}",
                    keys.join(", ")
                ),
            ));
        }
    }
}

fn column_list(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Missing and unknown columns; returns whether the cells can be checked. A column with a
/// former name (`Table::renamed`) is read as the current column.
fn check_header(table: &Table, raw: &mut RawTable, errors: &mut DataErrors) -> bool {
    let mut ok = true;
    for i in 0..raw.header.len() {
        let current = table.current_name(&raw.header[i]).to_string();
        if current != raw.header[i] && !raw.header.contains(&current) {
            raw.header[i] = current;
        }
    }
    for (i, name) in raw.header.iter().enumerate() {
        if !table.columns.iter().any(|c| c.name == name) {
            errors.push(raw.problem(
                1,
                i,
                format!(
                    "unknown column \"{name}\": expected only {}",
                    column_list(table)
                ),
            ));
            ok = false;
        }
        if raw.header[..i].contains(name) {
            errors.push(raw.problem(1, i, format!("column \"{name}\" appears twice")));
            ok = false;
        }
    }
    for col in table.columns {
        if !raw.header.iter().any(|h| h == col.name) {
            let at = raw.header.len();
            errors.push(raw.problem(
                1,
                at,
                format!(
                    "missing column \"{}\": expected {} ({})",
                    col.name,
                    column_list(table),
                    col.ty.expected()
                ),
            ));
            ok = false;
        }
    }
    if raw.rows.is_empty() {
        errors.push(Problem::file(
            &raw.file,
            format!("the file has no data rows: expected {}", table.what),
        ));
        ok = false;
    }
    ok
}

/// The keys a reference column may name; `None` when the table could not be read, so that
/// its absence is reported once and not again for every referencing cell.
fn key_set(raw: Option<&RawTable>, column: &str) -> Option<BTreeSet<String>> {
    let raw = raw?;
    let i = raw.header.iter().position(|h| h == column)?;
    Some(
        raw.rows
            .iter()
            .filter_map(|r| r.cells[i].as_deref().map(|c| c.trim().to_string()))
            .collect(),
    )
}

struct References {
    chains: Option<BTreeSet<String>>,
    sources: Option<BTreeSet<String>>,
    chains_file: String,
    sources_file: String,
}

impl References {
    fn unknown(&self, ty: ColType, value: &str) -> Option<String> {
        let (set, what, file) = match ty {
            ColType::Chain => (&self.chains, "chain", &self.chains_file),
            ColType::Source | ColType::Sources => (&self.sources, "source key", &self.sources_file),
            _ => return None,
        };
        let set = set.as_ref()?;
        let missing: Vec<&str> = value
            .split_whitespace()
            .filter(|k| !set.contains(*k))
            .collect();
        let first = missing.first()?;
        Some(format!(
            "\"{first}\" is not a known {what}: expected {} ({file}){}",
            ty.expected().trim_start_matches("space-separated "),
            did_you_mean(first, set.iter().map(String::as_str))
        ))
    }
}

/// `; did you mean `x`?` after a message about an unknown value, or nothing.
pub fn did_you_mean<'a>(value: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    crate::diagnostics::suggestion(value, candidates).map_or(String::new(), |s| format!("; {s}"))
}

fn check_cells(
    table: &Table,
    raw: &RawTable,
    refs: &References,
    errors: &mut DataErrors,
) -> TypedTable {
    let index: HashMap<&str, usize> = raw
        .header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let mut columns = Vec::with_capacity(table.columns.len());
    for col in table.columns {
        let i = index[col.name];
        let mut cells = Cells::empty(col.ty, raw.rows.len());
        for row in &raw.rows {
            let problem = match row.cells[i].as_deref().map(str::trim) {
                None => {
                    cells.push_null();
                    col.required.then(|| {
                        format!(
                            "{}: empty, expected {} (required)",
                            col.name,
                            col.ty.expected()
                        )
                    })
                }
                Some(v) => match cells.push_parsed(col.ty, v) {
                    Ok(()) => refs
                        .unknown(col.ty, v)
                        .map(|msg| format!("{}: {msg}", col.name)),
                    Err(msg) => {
                        cells.push_null();
                        Some(format!("{}: {msg}", col.name))
                    }
                },
            };
            if let Some(msg) = problem {
                errors.push(raw.problem(row.pos, i, msg));
            }
        }
        columns.push((col.name, cells));
    }
    check_unique(table, raw, errors);
    if table.kind == TableKind::Events {
        check_event_values(raw, errors);
    }
    TypedTable { columns }
}

fn check_unique(table: &Table, raw: &RawTable, errors: &mut DataErrors) {
    if table.unique.is_empty() {
        return;
    }
    let cols: Vec<usize> = table
        .unique
        .iter()
        .map(|n| {
            raw.header
                .iter()
                .position(|h| h == n)
                .expect("checked header")
        })
        .collect();
    let mut seen: HashMap<Vec<Option<String>>, usize> = HashMap::new();
    for row in &raw.rows {
        let key: Vec<Option<String>> = cols
            .iter()
            .map(|&i| row.cells[i].as_ref().map(|s| s.trim().to_string()))
            .collect();
        if key.iter().any(Option::is_none) {
            continue;
        }
        if let Some(first) = seen.get(&key) {
            let shown: Vec<String> = key.iter().map(|k| k.clone().unwrap_or_default()).collect();
            let first_place = if raw.parquet {
                format!("row {first}")
            } else {
                format!("line {first}")
            };
            errors.push(raw.problem(
                row.pos,
                cols[0],
                format!(
                    "duplicate ({}) = ({}): first at {first_place}; expected one row per ({})",
                    table.unique.join(", "),
                    shown.join(", "),
                    table.unique.join(", ")
                ),
            ));
        } else {
            seen.insert(key, row.pos);
        }
    }
}

/// Event values that must be present (symbols, stages, stacks) or one of a category.
fn check_event_values(raw: &RawTable, errors: &mut DataErrors) {
    let kind_col = raw
        .header
        .iter()
        .position(|h| h == "kind")
        .expect("checked header");
    let value_col = raw
        .header
        .iter()
        .position(|h| h == "value")
        .expect("checked header");
    for row in &raw.rows {
        let Some(kind) = row.cells[kind_col].as_deref().map(str::trim) else {
            continue;
        };
        let value = row.cells[value_col].as_deref().map(str::trim);
        match (value, schema::event_value_category(kind)) {
            (None, _) if schema::event_needs_value(kind) => errors.push(raw.problem(
                row.pos,
                value_col,
                format!(
                    "value: empty, expected a value for a {kind} event ({})",
                    event_value_expectation(kind)
                ),
            )),
            (Some(v), Some(allowed)) if !allowed.contains(&v) => errors.push(raw.problem(
                row.pos,
                value_col,
                format!(
                    "value: \"{v}\" is not allowed for a {kind} event: expected one of {}",
                    allowed.join(", ")
                ),
            )),
            _ => {}
        }
    }
}

fn event_value_expectation(kind: &str) -> String {
    match schema::event_value_category(kind) {
        Some(allowed) => format!("one of {}", allowed.join(", ")),
        None if kind.starts_with("stack_") => "the stack".into(),
        None => "the token symbol".into(),
    }
}

pub fn parse_date(v: &str) -> Result<NaiveDate, String> {
    super::date::parse_ymd(v)
        .ok_or_else(|| format!("\"{v}\" is not a date: expected a date YYYY-MM-DD"))
}
