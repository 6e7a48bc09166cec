//! `chain`: the chain a rule judges (or a peer reached through `peers`). Property syntax
//! `chain.tvl_usd` falls back to the indexer, which is the one place every field read passes:
//! it records the evidence, remembers missing values, and rejects unknown names with a
//! suggestion. Series helpers do their arithmetic here in Rust, not in Rhai loops.

use super::api_error;
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

    fn label(&self, field: &str) -> String {
        if self.subject {
            field.to_string()
        } else {
            format!("{}.{field}", self.slug())
        }
    }

    fn lookup(&self, name: &str) -> Res<(usize, Value)> {
        let f = self.world.field(name).map_err(api_error)?;
        let raw = self.world.raw(self.index, f).clone();
        self.trace.read(self.label(name), raw.clone());
        Ok((f, raw))
    }

    /// `chain.<field>` / `chain["field"]`: the value, `()` when missing.
    pub fn field(&mut self, name: ImmutableString) -> Res<Dynamic> {
        let (f, raw) = self.lookup(&name)?;
        if raw.is_missing() {
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
        Ok(!self.lookup(name)?.1.is_missing())
    }

    /// `chain.get("field", default)`: the value, or `default` when missing.
    pub fn get_or(&mut self, name: &str, default: Dynamic) -> Res<Dynamic> {
        let (f, raw) = self.lookup(name)?;
        Ok(if raw.is_missing() {
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
        self.trace.read(label.clone(), Value::num(value));
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
        self.trace.read(
            format!("{}.series(\"{name}\")", self.expr()),
            Value::Text(summary),
        );
        Ok(s.iter()
            .map(|(d, v)| {
                Dynamic::from(vec![
                    Dynamic::from(d.format("%Y-%m-%d").to_string()),
                    Dynamic::from(*v),
                ])
            })
            .collect())
    }
}
