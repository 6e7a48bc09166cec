//! The tables a dataset holds and the type of every column. This is the data format: the
//! manifest must declare the same columns and types, the validator checks every cell against
//! them, and the frames are built with these dtypes (no type inference).

use super::vocabulary::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TableKind {
    Chains,
    Sources,
    Tvl,
    Events,
    Links,
    Metrics,
    Speed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    /// Free text.
    Text,
    /// A calendar date `YYYY-MM-DD`.
    Date,
    /// A finite number >= 0 (money, durations).
    Amount,
    /// A finite number, possibly negative.
    Number,
    /// `yes`/`no` (also `true`/`false`).
    Bool,
    /// One of a fixed list of values.
    Category(&'static [&'static str]),
    /// A metric name of `vocabulary::METRICS`.
    Metric,
    /// A chain slug defined in the chains table.
    Chain,
    /// A key of the sources table.
    Source,
    /// Space-separated keys of the sources table.
    Sources,
}

impl ColType {
    /// The type's name in `dataset.toml`.
    pub fn name(self) -> &'static str {
        match self {
            ColType::Text => "text",
            ColType::Date => "date",
            ColType::Amount => "amount",
            ColType::Number => "number",
            ColType::Bool => "bool",
            ColType::Category(_) => "category",
            ColType::Metric => "metric",
            ColType::Chain => "chain",
            ColType::Source => "source",
            ColType::Sources => "sources",
        }
    }

    /// What a valid cell looks like, for error messages.
    pub fn expected(self) -> String {
        match self {
            ColType::Text => "text".into(),
            ColType::Date => "a date YYYY-MM-DD".into(),
            ColType::Amount => "a finite number >= 0".into(),
            ColType::Number => "a finite number".into(),
            ColType::Bool => "yes or no".into(),
            ColType::Category(values) => format!("one of {}", values.join(", ")),
            ColType::Metric => format!("one of {}", metric_names().join(", ")),
            ColType::Chain => "a chain slug defined in the chains table".into(),
            ColType::Source => "a key defined in the sources table".into(),
            ColType::Sources => "space-separated keys defined in the sources table".into(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColType,
    /// An empty cell is an error (otherwise it means unknown).
    pub required: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct Table {
    pub kind: TableKind,
    /// The key of the table's entry in `dataset.toml` (`[files.<key>]`).
    pub key: &'static str,
    pub what: &'static str,
    pub columns: &'static [Column],
    /// Columns whose combined values must be unique.
    pub unique: &'static [&'static str],
    /// Whether the file must have a row: a dataset without chains has nothing to screen, and
    /// one without TVL nothing to rank them by; the other tables may be empty (a header only).
    pub needs_rows: bool,
    /// Columns an earlier version of the format named differently: (old name, its type then,
    /// current name). A file or manifest with the old name still loads, as the current column.
    pub renamed: &'static [(&'static str, ColType, &'static str)],
}

impl Table {
    /// The current name of a column written `name` (an old name is translated).
    pub fn current_name<'a>(&self, name: &'a str) -> &'a str {
        self.renamed
            .iter()
            .find(|(old, _, _)| *old == name)
            .map_or(name, |(_, _, new)| new)
    }
}

const fn req(name: &'static str, ty: ColType) -> Column {
    Column {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: ColType) -> Column {
    Column {
        name,
        ty,
        required: false,
    }
}

/// The table and column a reference column names, and what one of its values is called.
pub fn reference_target(ty: ColType) -> Option<(TableKind, &'static str, &'static str)> {
    match ty {
        ColType::Chain => Some((TableKind::Chains, "slug", "chain")),
        ColType::Source | ColType::Sources => Some((TableKind::Sources, "key", "source key")),
        _ => None,
    }
}

/// The column of a table that reference columns name, and what one of its values is called.
pub fn key_column(kind: TableKind) -> Option<(&'static str, &'static str)> {
    [ColType::Chain, ColType::Source]
        .into_iter()
        .filter_map(reference_target)
        .find(|(table, _, _)| *table == kind)
        .map(|(_, column, what)| (column, what))
}

/// Metric names accepted in `metrics_daily` (the catalogue's list).
pub fn metric_names() -> Vec<&'static str> {
    METRICS.iter().map(|(m, _)| *m).collect()
}

/// Events whose `value` must be one of a category, and that category.
pub fn event_value_category(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        "stage_observed" | "stage_change" => Some(STAGES),
        "da_observed" | "da_change" => Some(DA),
        "proof_system_observed" | "proof_system_change" => Some(PROOF_SYSTEMS),
        _ => None,
    }
}

/// Events that need a `value` (symbol, stage, stack, …).
pub fn event_needs_value(kind: &str) -> bool {
    matches!(
        kind,
        "token_launch"
            | "token_observed"
            | "stage_observed"
            | "stage_change"
            | "stack_observed"
            | "stack_change"
            | "da_observed"
            | "da_change"
            | "proof_system_observed"
            | "proof_system_change"
    )
}

pub const TABLES: &[Table] = &[
    Table {
        kind: TableKind::Chains,
        key: "chains",
        needs_rows: true,
        what: "one row per chain: attributes as of the source's snapshot",
        unique: &["slug"],
        renamed: &[],
        columns: &[
            req("slug", ColType::Text),
            req("name", ColType::Text),
            opt("layer", ColType::Category(LAYERS)),
            opt("host", ColType::Chain),
            opt("category", ColType::Category(CATEGORIES)),
            opt("stack", ColType::Text),
            opt("da", ColType::Category(DA)),
            opt("proof_system", ColType::Category(PROOF_SYSTEMS)),
            opt("stage", ColType::Category(STAGES)),
            opt("stage_asof", ColType::Date),
            opt("token", ColType::Text),
            opt("token_origin", ColType::Category(TOKEN_ORIGINS)),
            opt("launch_date", ColType::Date),
            opt("raas", ColType::Text),
            opt("superchain_2024", ColType::Bool),
            opt("tvs_usd_2024_11_09", ColType::Amount),
            opt("defillama_name", ColType::Text),
            opt("l2beat_id", ColType::Text),
            opt("sources", ColType::Sources),
            opt("notes", ColType::Text),
        ],
    },
    Table {
        kind: TableKind::Sources,
        key: "sources",
        needs_rows: false,
        what: "one row per source key: what the source is (repository + path + commit, or page)",
        unique: &["key"],
        renamed: &[],
        columns: &[req("key", ColType::Text), req("source", ColType::Text)],
    },
    Table {
        kind: TableKind::Tvl,
        key: "tvl",
        needs_rows: true,
        what: "weekly TVL in USD for one chain at the end of one week",
        unique: &["date", "chain"],
        renamed: &[],
        columns: &[
            req("date", ColType::Date),
            req("chain", ColType::Chain),
            req("tvl_usd", ColType::Amount),
        ],
    },
    Table {
        kind: TableKind::Events,
        key: "events",
        needs_rows: false,
        what: "a dated change or observation for a chain",
        unique: &[],
        renamed: &[],
        columns: &[
            req("date", ColType::Date),
            req("chain", ColType::Chain),
            req("kind", ColType::Category(EVENT_KINDS)),
            opt("value", ColType::Text),
            opt("note", ColType::Text),
            req("source", ColType::Source),
        ],
    },
    Table {
        kind: TableKind::Links,
        key: "links",
        needs_rows: false,
        what: "a dated link between projects (spawned token or chain, fork, migration, …): one fact per row, with every source that records it",
        unique: &[],
        // Until moat 0.1 a link had one source key, `source`.
        renamed: &[("source", ColType::Source, "sources")],
        columns: &[
            req("date", ColType::Date),
            req("from_project", ColType::Text),
            opt("from_chain", ColType::Chain),
            req("to_project", ColType::Text),
            opt("to_chain", ColType::Chain),
            req("kind", ColType::Category(LINK_KINDS)),
            opt("note", ColType::Text),
            req("sources", ColType::Sources),
        ],
    },
    Table {
        kind: TableKind::Metrics,
        key: "metrics",
        needs_rows: false,
        what: "one daily metric value for one chain (long format)",
        unique: &["date", "chain", "metric"],
        renamed: &[],
        columns: &[
            req("date", ColType::Date),
            req("chain", ColType::Chain),
            req("metric", ColType::Metric),
            req("value", ColType::Number),
            req("unit", ColType::Category(UNITS)),
            req("source", ColType::Source),
        ],
    },
    Table {
        kind: TableKind::Speed,
        key: "speed",
        needs_rows: false,
        what: "a chain's block time / preconfirmation latency according to one source",
        unique: &[],
        renamed: &[],
        columns: &[
            req("chain", ColType::Chain),
            opt("block_time_s", ColType::Amount),
            opt("preconf_latency_ms", ColType::Amount),
            opt("asof", ColType::Date),
            opt("note", ColType::Text),
            req("source", ColType::Source),
        ],
    },
];
