//! `chain`: the chain a rule judges (or a peer reached through `peers`). Property syntax
//! `chain.tvl_usd` falls back to the indexer, which is the one place every field read passes:
//! it records the evidence, remembers missing values, and rejects unknown names with a
//! suggestion. Series helpers do their arithmetic here in Rust, not in Rhai loops.

use super::api_error;
use super::date::Date;
use super::trace::Trace;
use super::world::World;
use crate::features::Value;
use rhai::{Array, Dynamic, INT, ImmutableString};
use std::sync::Arc;

type Res<T> = Result<T, Box<rhai::EvalAltResult>>;

#[derive(Clone)]
pub struct Chain {
    world: Arc<World>,
    index: usize,
    trace: Trace,
    /// The chain being judged (its reads are plain field names in the evidence), or a peer
    /// (recorded as `slug.field`).
    subject: bool,
}

impl Chain {
    pub fn subject(world: Arc<World>, index: usize, trace: Trace) -> Chain {
        Chain {
            world,
            index,
            trace,
            subject: true,
        }
    }

    pub fn peer(world: Arc<World>, index: usize, trace: Trace) -> Chain {
        Chain {
            world,
            index,
            trace,
            subject: false,
        }
    }

    pub fn index(&self) -> usize {
        self.index
    }

    pub fn slug(&self) -> &str {
        self.world.slug(self.index)
    }

    /// How this chain is written in evidence labels: `chain` for the subject, else its slug.
    pub fn expr(&self) -> String {
        if self.subject {
            "chain".to_string()
        } else {
            self.slug().to_string()
        }
    }

    /// Record a reading of this chain as evidence. The judged chain's readings are kept even
    /// inside a helper's callback over the peers (`peers.count(|c| c.tvl_usd > chain.tvl_usd)`
    /// depends on `chain.tvl_usd`); a peer's are kept only outside one.
    fn note(&self, label: String, value: Value) {
        if self.subject {
            self.trace.read_always(label, value);
        } else {
            self.trace.read(label, value);
        }
    }

    /// The column of field `name` and whether this chain has no value in it, recording the
    /// read as evidence.
    fn lookup(&self, name: &str) -> Res<(usize, bool)> {
        let f = self.world.field(name).map_err(api_error)?;
        let raw = self.world.raw(self.index, f);
        let of = (!self.subject).then(|| self.slug());
        self.trace.read_field(of, name, || raw.clone());
        Ok((f, raw.is_missing()))
    }

    /// `chain.<field>` / `chain["field"]`: the value, `()` when missing.
    pub fn field(&mut self, name: ImmutableString) -> Res<Dynamic> {
        let (f, missing) = self.lookup(&name)?;
        if missing {
            let advice = if self.subject {
                format!("test it with chain.has(\"{name}\")")
            } else {
                format!("test it with .has(\"{name}\") on each chain")
            };
            self.trace.missing_of(
                format!("{}.{name}", self.expr()),
                Some(self.slug()),
                name.as_str(),
                advice,
            );
        }
        Ok(self.world.dynamic(self.index, f))
    }

    /// `chain.has("field")`: whether the field has a value.
    pub fn has(&mut self, name: &str) -> Res<bool> {
        Ok(!self.lookup(name)?.1)
    }

    /// `chain.get("field", default)`: the value, or `default` when missing.
    pub fn get_or(&mut self, name: &str, default: Dynamic) -> Res<Dynamic> {
        let (f, missing) = self.lookup(name)?;
        Ok(if missing {
            default
        } else {
            self.world.dynamic(self.index, f)
        })
    }

    /// `chain.change("tvl_usd", 13)`: relative change from `points` points before the latest
    /// point to the latest (0.1 = +10%); `()` without enough points or from a base of 0 or less.
    pub fn change(&mut self, series: &str, points: INT) -> Res<Dynamic> {
        self.world.series_slot(series).map_err(api_error)?;
        if points < 1 {
            return Err(api_error(format!(
                "chain.change(\"{series}\", {points}): the number of points must be at least 1"
            )));
        }
        let s = self.world.series(self.index, series);
        let n = points as usize;
        let value = if s.len() > n {
            let (last, base) = (s[s.len() - 1].1, s[s.len() - 1 - n].1);
            (base > 0.0).then(|| last / base - 1.0)
        } else {
            None
        };
        let label = format!("{}.change(\"{series}\", {points})", self.expr());
        self.note(label.clone(), Value::num(value));
        Ok(match value {
            Some(v) => Dynamic::from(v),
            None => {
                let advice = format!("it has {} points; test the result with `== ()`", s.len());
                self.trace
                    .missing_of(label, Some(self.slug()), "change(", advice);
                Dynamic::UNIT
            }
        })
    }

    /// `chain.series("tvl_usd")`: `[[date, value], …]`, oldest first, up to the as-of date.
    pub fn series(&mut self, name: &str) -> Res<Array> {
        self.world.series_slot(name).map_err(api_error)?;
        let s = self.world.series(self.index, name);
        let summary = match (s.first(), s.last()) {
            (Some(a), Some(b)) => format!("{} points, {} to {}", s.len(), a.0, b.0),
            _ => "no points".to_string(),
        };
        self.note(
            format!("{}.series(\"{name}\")", self.expr()),
            Value::Text(summary),
        );
        Ok(s.iter()
            .map(|(d, v)| Dynamic::from(vec![Dynamic::from(Date(*d)), Dynamic::from(*v)]))
            .collect())
    }
}

/// A date a rule gives: a `Date`, or a `"YYYY-MM-DD"` string.
pub fn date_arg(v: &Dynamic, call: &str) -> Res<chrono::NaiveDate> {
    if let Some(d) = v.read_lock::<Date>() {
        return Ok(d.0);
    }
    if let Some(s) = v.read_lock::<ImmutableString>()
        && let Some(d) = crate::dataset::date::parse_ymd(s.as_str())
    {
        return Ok(d);
    }
    Err(api_error(format!(
        "{call}: {} is not a date: give a date (date(\"YYYY-MM-DD\"), peers.as_of, a date field)",
        super::condition::describe(v)
    )))
}

impl Chain {
    /// `chain.value_on("series", date)`: the series' value on `date`, or its last point before
    /// it; `()` when it has none on or before that date.
    pub fn value_on(&mut self, series: &str, date: Dynamic) -> Res<Dynamic> {
        self.world.series_slot(series).map_err(api_error)?;
        let label = format!(
            "{}.value_on(\"{series}\", {})",
            self.expr(),
            describe_date(&date)
        );
        let day = date_arg(&date, &label)?;
        let s = self.world.series(self.index, series);
        let point = s[..s.partition_point(|(d, _)| *d <= day)].last();
        self.note(label.clone(), Value::num(point.map(|p| p.1)));
        Ok(match point {
            Some((_, v)) => Dynamic::from(*v),
            None => {
                self.trace.missing_of(
                    label,
                    Some(self.slug()),
                    "value_on(",
                    format!(
                        "no point of `{series}` on or before {day}; test the result with `== ()`"
                    ),
                );
                Dynamic::UNIT
            }
        })
    }

    /// `chain.aligned(["a", "b"])`: the latest date on which every one of the series has a
    /// point, with their values that day: `#{date, values: #{a: .., b: ..}}`; `()` when they
    /// never share a date.
    pub fn aligned(&mut self, names: Array) -> Res<Dynamic> {
        let names: Vec<String> = names
            .iter()
            .map(|n| match n.read_lock::<ImmutableString>() {
                Some(s) => Ok(s.to_string()),
                None => Err(api_error(format!(
                    "chain.aligned(..) takes series names (strings), found {}",
                    super::condition::describe(n)
                ))),
            })
            .collect::<Res<_>>()?;
        if names.is_empty() {
            return Err(api_error(
                "chain.aligned(..) needs at least one series name",
            ));
        }
        for n in &names {
            self.world.series_slot(n).map_err(api_error)?;
        }
        let label = format!(
            "{}.aligned([{}])",
            self.expr(),
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let series: Vec<&[(chrono::NaiveDate, f64)]> = names
            .iter()
            .map(|n| self.world.series(self.index, n))
            .collect();
        // Walk back from the first series' latest point to a date every series has.
        let found = series[0].iter().rev().find_map(|(d, _)| {
            let values: Option<Vec<f64>> = series
                .iter()
                .map(|s| {
                    let k = s.partition_point(|(x, _)| x < d);
                    s.get(k).filter(|(x, _)| x == d).map(|(_, v)| *v)
                })
                .collect();
            values.map(|v| (*d, v))
        });
        let Some((day, values)) = found else {
            self.note(label.clone(), Value::Missing);
            self.trace.missing_of(
                label,
                Some(self.slug()),
                "aligned(",
                "the series share no date; test the result with `== ()`",
            );
            return Ok(Dynamic::UNIT);
        };
        let summary = names
            .iter()
            .zip(&values)
            .map(|(n, v)| format!("{n} = {}", crate::features::value::format_num(*v)))
            .collect::<Vec<_>>()
            .join(", ");
        self.note(label, Value::Text(format!("{day}: {summary}")));
        let mut m = rhai::Map::new();
        m.insert("date".into(), Dynamic::from(Date(day)));
        let mut v = rhai::Map::new();
        for (n, x) in names.iter().zip(values) {
            v.insert(n.as_str().into(), Dynamic::from(x));
        }
        m.insert("values".into(), Dynamic::from(v));
        Ok(Dynamic::from(m))
    }

    /// `chain.links()`: the ecosystem link facts that touch the chain, oldest first.
    pub fn links(&mut self) -> Res<Array> {
        self.links_where(None)
    }

    /// `chain.links("kind")`: those of one kind.
    pub fn links_of(&mut self, kind: &str) -> Res<Array> {
        if !crate::dataset::vocabulary::LINK_KINDS.contains(&kind) {
            let hint = crate::diagnostics::suggestion(
                kind,
                crate::dataset::vocabulary::LINK_KINDS.iter().copied(),
            )
            .map_or(String::new(), |s| format!(": {s}"));
            return Err(api_error(format!(
                "chain.links(\"{kind}\"): no link kind `{kind}`{hint} (kinds: {})",
                crate::dataset::vocabulary::LINK_KINDS.join(", ")
            )));
        }
        self.links_where(Some(kind))
    }

    fn links_where(&mut self, kind: Option<&str>) -> Res<Array> {
        let slug = self.slug().to_string();
        let links: Vec<&crate::features::Link> = self.world.universe.chains[self.index]
            .links
            .iter()
            .filter(|l| kind.is_none_or(|k| l.kind == k))
            .collect();
        let label = match kind {
            Some(k) => format!("{}.links(\"{k}\")", self.expr()),
            None => format!("{}.links()", self.expr()),
        };
        let summary = links
            .iter()
            .map(|l| format!("{} {} → {}", l.date, l.from_project, l.to_project))
            .collect::<Vec<_>>()
            .join("; ");
        self.note(
            label,
            Value::Text(format!(
                "{} links{}{summary}",
                links.len(),
                if links.is_empty() { "" } else { ": " }
            )),
        );
        let text = |s: &Option<String>| s.clone().map_or(Dynamic::UNIT, Dynamic::from);
        let list =
            |v: &[String]| Dynamic::from(v.iter().cloned().map(Dynamic::from).collect::<Array>());
        Ok(links
            .into_iter()
            .map(|l| {
                let mut m = rhai::Map::new();
                m.insert("date".into(), Dynamic::from(Date(l.date)));
                m.insert("kind".into(), Dynamic::from(l.kind.clone()));
                m.insert("from_project".into(), Dynamic::from(l.from_project.clone()));
                m.insert("from_chain".into(), text(&l.from_chain));
                m.insert("to_project".into(), Dynamic::from(l.to_project.clone()));
                m.insert("to_chain".into(), text(&l.to_chain));
                m.insert("ecosystem".into(), text(&l.ecosystem));
                m.insert("note".into(), text(&l.note));
                m.insert("sources".into(), list(&l.sources));
                m.insert("flags".into(), list(&l.flags));
                let is = |c: &Option<String>| c.as_deref() == Some(slug.as_str());
                m.insert("outgoing".into(), Dynamic::from(is(&l.from_chain)));
                m.insert("incoming".into(), Dynamic::from(is(&l.to_chain)));
                m.insert("born_here".into(), Dynamic::from(is(&l.ecosystem)));
                Dynamic::from(m)
            })
            .collect())
    }
}

impl Chain {
    /// `chain.provenance("field")`: where the field's value comes from, `#{date, source,
    /// flags}` (the observation's date, the source key of the dataset's sources table, its
    /// quality flags such as "WEAK SOURCE"); `()` for a field without a dated observation.
    pub fn provenance(&mut self, field: &str) -> Res<Dynamic> {
        self.world.field(field).map_err(api_error)?;
        let label = format!("{}.provenance(\"{field}\")", self.expr());
        let Some(p) = self.world.universe.chains[self.index].provenance.get(field) else {
            self.note(label.clone(), Value::Missing);
            self.trace.missing_of(
                label,
                Some(self.slug()),
                "provenance(",
                format!("`{field}` has no dated observation; test the result with `== ()`"),
            );
            return Ok(Dynamic::UNIT);
        };
        let mut text = p.source.clone().unwrap_or_else(|| "no source".into());
        if let Some(d) = p.date {
            text.push_str(&format!(", {d}"));
        }
        if !p.flags.is_empty() {
            text.push_str(&format!(", flagged {}", p.flags.join(", ")));
        }
        self.note(label, Value::Text(text));
        let mut m = rhai::Map::new();
        m.insert(
            "date".into(),
            p.date.map_or(Dynamic::UNIT, |d| Dynamic::from(Date(d))),
        );
        m.insert(
            "source".into(),
            p.source.clone().map_or(Dynamic::UNIT, Dynamic::from),
        );
        m.insert(
            "flags".into(),
            Dynamic::from(
                p.flags
                    .iter()
                    .cloned()
                    .map(Dynamic::from)
                    .collect::<Array>(),
            ),
        );
        Ok(Dynamic::from(m))
    }
}

/// A date argument as a label writes it.
fn describe_date(v: &Dynamic) -> String {
    match v.read_lock::<Date>() {
        Some(d) => d.to_string(),
        None => super::condition::describe(v),
    }
}
