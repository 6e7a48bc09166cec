//! `peers`: the universe of chains at the same as-of date, for relative judgements. Every
//! helper (percentile, count, median, lead, …) is computed in Rust over the member chains, and
//! its result is recorded as evidence under a label that shows how it was asked, e.g.
//! `peers.filter("layer", "==", "L2").median("tvl_usd") = 1200000000`.

use super::api_error;
use super::chain::Chain;
use super::condition::{self, Op, describe};
use super::date::Date;
use super::trace::Trace;
use super::world::World;
use crate::features::Value;
use crate::features::catalog::{self, Kind};
use rhai::{Array, Dynamic, FnPtr, INT, ImmutableString, Map, NativeCallContext};
use std::sync::{Arc, Mutex};

type Res<T> = Result<T, Box<rhai::EvalAltResult>>;

/// Properties readable as `peers.<name>`.
pub const PROPERTIES: &[&str] = &[
    "as_of",
    "tvl_week",
    "window_weeks",
    "leaders",
    "leader_runs",
    "leader_changes",
    "chains",
    "slugs",
];

/// Statistics of one peer set by (field, statistic).
type Memo = super::world::PeerStats;

#[derive(Clone)]
pub struct Peers {
    world: Arc<World>,
    members: Arc<Vec<usize>>,
    /// How this set was obtained, e.g. `peers` or `peers.filter("layer", "==", "L2")`.
    label: Arc<str>,
    trace: Trace,
    /// Statistics already computed over this set (field, statistic) → value: a rule asking
    /// for the median inside a closure over every peer computes it once, not once per peer.
    memo: Arc<Mutex<Memo>>,
}

#[derive(Clone, Copy)]
enum Agg {
    Mean,
    Median,
    Min,
    Max,
    Sum,
}

impl Peers {
    pub fn all(world: Arc<World>, trace: Trace) -> Peers {
        let members = world.all.clone();
        let memo = world.all_stats.clone();
        Peers {
            world,
            members,
            label: Arc::from("peers"),
            trace,
            memo,
        }
    }

    fn derive(&self, members: Vec<usize>, label: String) -> Peers {
        Peers {
            world: self.world.clone(),
            members: Arc::new(members),
            label: Arc::from(label),
            trace: self.trace.clone(),
            memo: Arc::default(),
        }
    }

    fn call_label(&self, call: &str) -> String {
        format!("{}.{call}", self.label)
    }

    fn record(&self, label: &str, value: Value) {
        self.trace.read(label, value);
    }

    fn missing(&self, label: &str, subject: Option<&str>, needle: &str, why: &str) {
        self.trace.missing_of(
            label,
            subject,
            needle,
            format!("{why}; test the result with `== ()`"),
        );
    }

    /// `peers.<property>`.
    pub fn property(&mut self, name: ImmutableString) -> Res<Dynamic> {
        let u = &self.world.universe;
        let label = format!("peers.{name}");
        let date = Date;
        Ok(match name.as_str() {
            "as_of" => {
                self.record(&label, Value::Date(u.as_of));
                Dynamic::from(date(u.as_of))
            }
            "tvl_week" => {
                self.record(&label, Value::date(u.tvl_week));
                u.tvl_week.map_or(Dynamic::UNIT, |d| Dynamic::from(date(d)))
            }
            // The weeks the window holds data for, as the chains' `window_weeks` counts them:
            // a rule saying "in N weeks" is then true of a history shorter than the window.
            "window_weeks" => {
                let weeks = u.leaders.len() as INT;
                self.record(&label, Value::Int(weeks));
                Dynamic::from(weeks)
            }
            "leader_changes" => {
                let changes = self.world.leader_runs.len().saturating_sub(1) as INT;
                self.record(&label, Value::Int(changes));
                Dynamic::from(changes)
            }
            "leaders" => {
                self.record(&label, Value::Text(self.world.leader_summary.clone()));
                let rows: Array = u
                    .leaders
                    .iter()
                    .map(|(d, slug)| {
                        let mut m = Map::new();
                        m.insert("date".into(), Dynamic::from(date(*d)));
                        m.insert("slug".into(), Dynamic::from(slug.clone()));
                        Dynamic::from(m)
                    })
                    .collect();
                Dynamic::from(rows)
            }
            "leader_runs" => {
                self.record(&label, Value::Text(self.world.leader_summary.clone()));
                let rows: Array = self
                    .world
                    .leader_runs
                    .iter()
                    .map(|r| {
                        let mut m = Map::new();
                        m.insert("slug".into(), Dynamic::from(r.slug.clone()));
                        m.insert("from".into(), Dynamic::from(date(r.from)));
                        m.insert("to".into(), Dynamic::from(date(r.to)));
                        m.insert("weeks".into(), Dynamic::from(r.weeks as INT));
                        Dynamic::from(m)
                    })
                    .collect();
                Dynamic::from(rows)
            }
            "chains" => {
                let chains: Array = self
                    .members
                    .iter()
                    .map(|&i| Dynamic::from(Chain::peer(self.world.clone(), i, self.trace.clone())))
                    .collect();
                Dynamic::from(chains)
            }
            "slugs" => {
                let slugs: Array = self
                    .members
                    .iter()
                    .map(|&i| Dynamic::from(self.world.slug(i).to_string()))
                    .collect();
                Dynamic::from(slugs)
            }
            other => {
                let hint = crate::diagnostics::did_you_mean(other, PROPERTIES.iter().copied())
                    .map(|s| format!(": did you mean `peers.{s}`?"))
                    .unwrap_or_else(|| format!(" (properties: {})", PROPERTIES.join(", ")));
                return Err(api_error(format!("peers has no property `{other}`{hint}")));
            }
        })
    }

    /// `peers.len()`
    pub fn size(&mut self) -> INT {
        let n = self.members.len() as INT;
        self.record(&self.call_label("len()"), Value::Int(n));
        n
    }

    /// `peers.chain("base")`: that chain, or `()` when it is not among the peers.
    pub fn chain(&mut self, slug: &str) -> Dynamic {
        match self
            .world
            .chain_index(slug)
            .filter(|i| Arc::ptr_eq(&self.members, &self.world.all) || self.members.contains(i))
        {
            Some(i) => Dynamic::from(Chain::peer(self.world.clone(), i, self.trace.clone())),
            None => {
                let label = self.call_label(&format!("chain(\"{slug}\")"));
                self.missing(
                    &label,
                    None,
                    "chain(",
                    "no such chain among the peers at this date",
                );
                Dynamic::UNIT
            }
        }
    }

    /// `peers.without(chain)`: the peers except that chain.
    pub fn without(&mut self, chain: Chain) -> Peers {
        let members = self
            .members
            .iter()
            .copied()
            .filter(|&i| i != chain.index())
            .collect();
        self.derive(
            members,
            self.call_label(&format!("without({})", chain.expr())),
        )
    }

    /// How a condition is written in a label: `"field", "op", value` or `"field", "has"`.
    fn condition_text(field: &str, op: &str, value: Option<&Dynamic>) -> String {
        match value {
            Some(v) => format!("\"{field}\", \"{op}\", {}", describe(v)),
            None => format!("\"{field}\", \"{op}\""),
        }
    }

    fn select(
        &self,
        helper: &str,
        field: &str,
        op: &str,
        value: Option<&Dynamic>,
    ) -> Res<Vec<usize>> {
        let call = format!(
            "{}.{helper}({})",
            self.label,
            Self::condition_text(field, op, value)
        );
        let f = self.world.field(field).map_err(api_error)?;
        let op = Op::parse(op).map_err(|e| api_error(format!("{call}: {e}")))?;
        let value = match (op.is_unary(), value) {
            (true, None) => Dynamic::UNIT,
            (false, Some(v)) => v.clone(),
            (true, Some(_)) => {
                return Err(api_error(format!(
                    "{call}: `{}` takes no value: write peers.{helper}(\"{field}\", \"{}\")",
                    Self::op_name(op),
                    Self::op_name(op)
                )));
            }
            (false, None) => {
                return Err(api_error(format!(
                    "{call}: a comparison needs a value, e.g. peers.{helper}(\"{field}\", \">=\", 1); without a value only \"has\" and \"missing\" apply"
                )));
            }
        };
        let mut out = Vec::new();
        for &i in self.members.iter() {
            let hit = condition::matches(self.world.raw(i, f), op, &value).map_err(|e| {
                api_error(format!("{call}: `{field}` of {}: {e}", self.world.slug(i)))
            })?;
            if hit {
                out.push(i);
            }
        }
        Ok(out)
    }

    fn op_name(op: Op) -> &'static str {
        if op == Op::Has { "has" } else { "missing" }
    }

    fn select_fn(&self, ctx: &NativeCallContext, f: &FnPtr, helper: &str) -> Res<Vec<usize>> {
        self.trace.quietly(|| {
            let mut out = Vec::new();
            for &i in self.members.iter() {
                let chain = Chain::peer(self.world.clone(), i, self.trace.clone());
                let result: Dynamic = f.call_within_context(ctx, (chain,))?;
                match result.as_bool() {
                    Ok(true) => out.push(i),
                    Ok(false) => {}
                    Err(_) => {
                        return Err(api_error(format!(
                            "the function given to peers.{helper} must return true or false; for {} it returned {}",
                            self.world.slug(i),
                            super::sandbox::returned(&result)
                        )));
                    }
                }
            }
            Ok(out)
        })
    }

    fn fn_label(ctx: &NativeCallContext) -> String {
        let p = ctx.call_position();
        format!(
            "|..| at {}:{}",
            p.line().unwrap_or(0),
            p.position().unwrap_or(0)
        )
    }

    fn filter_where(&mut self, field: &str, op: &str, value: Option<&Dynamic>) -> Res<Peers> {
        let members = self.select("filter", field, op, value)?;
        Ok(self.derive(
            members,
            self.call_label(&format!(
                "filter({})",
                Self::condition_text(field, op, value)
            )),
        ))
    }

    /// `peers.filter("field", op, value)`: the peers matching the condition.
    pub fn filter(&mut self, field: &str, op: &str, value: Dynamic) -> Res<Peers> {
        self.filter_where(field, op, Some(&value))
    }

    /// `peers.filter("field", "has" | "missing")`
    pub fn filter_presence(&mut self, field: &str, op: &str) -> Res<Peers> {
        self.filter_where(field, op, None)
    }

    /// `peers.filter(|c| …)`
    pub fn filter_fn(ctx: NativeCallContext, this: &mut Peers, f: FnPtr) -> Res<Peers> {
        let members = this.select_fn(&ctx, &f, "filter")?;
        Ok(this.derive(
            members,
            this.call_label(&format!("filter({})", Self::fn_label(&ctx))),
        ))
    }

    fn count_where(&mut self, field: &str, op: &str, value: Option<&Dynamic>) -> Res<INT> {
        let n = self.select("count", field, op, value)?.len() as INT;
        self.record(
            &self.call_label(&format!(
                "count({})",
                Self::condition_text(field, op, value)
            )),
            Value::Int(n),
        );
        Ok(n)
    }

    /// `peers.count("field", op, value)`
    pub fn count(&mut self, field: &str, op: &str, value: Dynamic) -> Res<INT> {
        self.count_where(field, op, Some(&value))
    }

    /// `peers.count("field", "has" | "missing")`
    pub fn count_presence(&mut self, field: &str, op: &str) -> Res<INT> {
        self.count_where(field, op, None)
    }

    /// `peers.count(|c| …)`
    pub fn count_fn(ctx: NativeCallContext, this: &mut Peers, f: FnPtr) -> Res<INT> {
        let n = this.select_fn(&ctx, &f, "count")?.len() as INT;
        this.record(
            &this.call_label(&format!("count({})", Self::fn_label(&ctx))),
            Value::Int(n),
        );
        Ok(n)
    }

    fn share_of(&self, hits: usize, label: String) -> Dynamic {
        if self.members.is_empty() {
            self.record(&label, Value::Missing);
            self.missing(&label, None, "share(", "there are no peers");
            return Dynamic::UNIT;
        }
        let share = hits as f64 / self.members.len() as f64;
        self.record(&label, Value::Num(share));
        Dynamic::from(share)
    }

    fn share_where(&mut self, field: &str, op: &str, value: Option<&Dynamic>) -> Res<Dynamic> {
        let hits = self.select("share", field, op, value)?.len();
        Ok(self.share_of(
            hits,
            self.call_label(&format!(
                "share({})",
                Self::condition_text(field, op, value)
            )),
        ))
    }

    /// `peers.share("field", op, value)`: matching chains / all peers, 0..1; `()` without peers.
    pub fn share(&mut self, field: &str, op: &str, value: Dynamic) -> Res<Dynamic> {
        self.share_where(field, op, Some(&value))
    }

    /// `peers.share("field", "has" | "missing")`
    pub fn share_presence(&mut self, field: &str, op: &str) -> Res<Dynamic> {
        self.share_where(field, op, None)
    }

    /// `peers.share(|c| …)`
    pub fn share_fn(ctx: NativeCallContext, this: &mut Peers, f: FnPtr) -> Res<Dynamic> {
        let hits = this.select_fn(&ctx, &f, "share")?.len();
        Ok(this.share_of(
            hits,
            this.call_label(&format!("share({})", Self::fn_label(&ctx))),
        ))
    }

    fn numeric_field(&self, field: &str, helper: &str) -> Res<usize> {
        let f = self.world.field(field).map_err(api_error)?;
        match self.world.kind(f) {
            Some(Kind::Int | Kind::Num) | None => Ok(f),
            Some(kind) => Err(api_error(format!(
                "{}.{helper}(\"{field}\"): `{field}` holds {} values; {helper} needs a number field",
                self.label,
                kind.rhai_name()
            ))),
        }
    }

    fn aggregate(&mut self, field: &str, agg: Agg) -> Res<Dynamic> {
        let name = match agg {
            Agg::Mean => "mean",
            Agg::Median => "median",
            Agg::Min => "min",
            Agg::Max => "max",
            Agg::Sum => "sum",
        };
        let f = self.numeric_field(field, name)?;
        let key = (field.to_string(), name);
        let known = self
            .memo
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .copied();
        let value = known.unwrap_or_else(|| {
            let value = self.statistic(f, agg);
            self.memo
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, value);
            value
        });
        let label = self.call_label(&format!("{name}(\"{field}\")"));
        self.record(&label, Value::num(value));
        Ok(match value {
            Some(v) => Dynamic::from(v),
            None => {
                self.missing(
                    &label,
                    None,
                    &format!("{name}("),
                    &format!("no peer has a value of `{field}`"),
                );
                Dynamic::UNIT
            }
        })
    }

    fn statistic(&self, f: usize, agg: Agg) -> Option<f64> {
        let mut xs: Vec<f64> = self
            .members
            .iter()
            .filter_map(|&i| self.world.raw(i, f).as_f64())
            .collect();
        if xs.is_empty() {
            return None;
        }
        xs.sort_by(f64::total_cmp);
        let n = xs.len();
        Some(match agg {
            Agg::Mean => xs.iter().sum::<f64>() / n as f64,
            Agg::Median if n % 2 == 1 => xs[n / 2],
            Agg::Median => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
            Agg::Min => xs[0],
            Agg::Max => xs[n - 1],
            Agg::Sum => xs.iter().sum(),
        })
    }

    pub fn mean(&mut self, field: &str) -> Res<Dynamic> {
        self.aggregate(field, Agg::Mean)
    }
    pub fn median(&mut self, field: &str) -> Res<Dynamic> {
        self.aggregate(field, Agg::Median)
    }
    pub fn min(&mut self, field: &str) -> Res<Dynamic> {
        self.aggregate(field, Agg::Min)
    }
    pub fn max(&mut self, field: &str) -> Res<Dynamic> {
        self.aggregate(field, Agg::Max)
    }
    pub fn sum(&mut self, field: &str) -> Res<Dynamic> {
        self.aggregate(field, Agg::Sum)
    }

    /// `peers.percentile(chain, "field")`: percent of the other peers with a value strictly
    /// lower than the chain's, 0..100; `()` when the chain or every other peer lacks a value.
    pub fn percentile(&mut self, chain: Chain, field: &str) -> Res<Dynamic> {
        self.percentile_of(chain, field, None)
    }

    /// `peers.percentile(chain, "field", "below" | "above")`: percent of the other peers
    /// strictly below (as the two-argument form) or strictly above the chain's value; "above"
    /// answers "cheaper than X% of peers" for a cost field.
    pub fn percentile_side(&mut self, chain: Chain, field: &str, side: &str) -> Res<Dynamic> {
        self.percentile_of(chain, field, Some(side))
    }

    fn percentile_of(&mut self, chain: Chain, field: &str, side: Option<&str>) -> Res<Dynamic> {
        let f = self.numeric_field(field, "percentile")?;
        let above = match side {
            None | Some("below") => false,
            Some("above") => true,
            Some(other) => {
                return Err(api_error(format!(
                    "peers.percentile({}, \"{field}\", \"{other}\"): the side must be \"below\" (percent of peers with a lower value) or \"above\" (a higher value)",
                    chain.expr()
                )));
            }
        };
        let label = self.call_label(&match side {
            Some(side) => format!("percentile({}, \"{field}\", \"{side}\")", chain.expr()),
            None => format!("percentile({}, \"{field}\")", chain.expr()),
        });
        let x = self.world.raw(chain.index(), f).as_f64();
        let everyone = Arc::ptr_eq(&self.members, &self.world.all);
        let value = match x {
            None => None,
            // The whole universe: a binary search in the field's sorted values, which hold the
            // chain's own value (never strictly below or above itself).
            Some(x) if everyone => {
                let sorted = crate::rules::memory::exempt(|| self.world.sorted_field(f));
                let others = sorted.len() - 1;
                let beaten = if above {
                    sorted.len() - sorted.partition_point(|v| *v <= x)
                } else {
                    sorted.partition_point(|v| *v < x)
                };
                (others > 0).then(|| 100.0 * beaten as f64 / others as f64)
            }
            Some(x) => {
                let others: Vec<f64> = self
                    .members
                    .iter()
                    .filter(|&&i| i != chain.index())
                    .filter_map(|&i| self.world.raw(i, f).as_f64())
                    .collect();
                if above {
                    let negated: Vec<f64> = others.iter().map(|o| -o).collect();
                    catalog::percentile(-x, &negated)
                } else {
                    catalog::percentile(x, &others)
                }
            }
        };
        self.record(&label, Value::num(value));
        Ok(match value {
            Some(v) => Dynamic::from(v),
            None => {
                let why = if x.is_none() {
                    format!("`{field}` is missing for {}", chain.slug())
                } else {
                    "no other peer has a value".into()
                };
                self.missing(&label, Some(chain.slug()), "percentile(", &why);
                Dynamic::UNIT
            }
        })
    }

    /// `peers.top("field")` / `peers.bottom("field")`: the member holding the largest
    /// (smallest) value of a number field, the first by slug on a tie; `()` when none has one.
    pub fn top(&mut self, field: &str) -> Res<Dynamic> {
        self.extreme(field, true)
    }

    pub fn bottom(&mut self, field: &str) -> Res<Dynamic> {
        self.extreme(field, false)
    }

    fn extreme(&mut self, field: &str, top: bool) -> Res<Dynamic> {
        let name = if top { "top" } else { "bottom" };
        let f = self.numeric_field(field, name)?;
        let label = self.call_label(&format!("{name}(\"{field}\")"));
        let mut best: Option<(usize, f64)> = None;
        let mut order: Vec<usize> = self.members.to_vec();
        order.sort_by(|a, b| self.world.slug(*a).cmp(self.world.slug(*b)));
        for i in order {
            let Some(x) = self.world.raw(i, f).as_f64() else {
                continue;
            };
            let better = match best {
                None => true,
                Some((_, b)) => (top && x > b) || (!top && x < b),
            };
            if better {
                best = Some((i, x));
            }
        }
        match best {
            Some((i, x)) => {
                self.record(
                    &label,
                    Value::Text(format!(
                        "{} ({})",
                        self.world.slug(i),
                        crate::features::value::format_num(x)
                    )),
                );
                Ok(Dynamic::from(Chain::peer(
                    self.world.clone(),
                    i,
                    self.trace.clone(),
                )))
            }
            None => {
                self.record(&label, Value::Missing);
                self.missing(
                    &label,
                    None,
                    &format!("{name}("),
                    &format!("no peer has a value of `{field}`"),
                );
                Ok(Dynamic::UNIT)
            }
        }
    }

    /// `peers.lead(chain, "series", "low"|"high", beat)`: on every date the chain has a point of
    /// the series and some other peer has one too, the percent of those peers it beats (lower is
    /// better with "low"); the chain leads that date when it beats at least `beat` percent.
    pub fn lead(
        &mut self,
        chain: Chain,
        series: &str,
        direction: &str,
        beat: Dynamic,
    ) -> Res<Dynamic> {
        self.lead_within(chain, series, direction, beat, None)
    }

    /// `peers.lead(chain, "series", "low"|"high", beat, #{weeks: N})` or `#{since: date}`:
    /// the same over a look-back window, the last N weeks to the as-of date or the dates on or
    /// after `since`.
    pub fn lead_window(
        &mut self,
        chain: Chain,
        series: &str,
        direction: &str,
        beat: Dynamic,
        window: Map,
    ) -> Res<Dynamic> {
        self.lead_within(chain, series, direction, beat, Some(window))
    }

    /// The first date a look-back window keeps, and how the window is written in a label.
    fn window_start(&self, window: &Map) -> Res<(chrono::NaiveDate, String)> {
        let bad = |why: String| {
            api_error(format!(
                "peers.lead: the window must be #{{weeks: N}} (the last N weeks) or #{{since: date}}; {why}"
            ))
        };
        if window.len() != 1 {
            return Err(bad(format!("found {} keys", window.len())));
        }
        let (key, value) = window.iter().next().expect("one key");
        match key.as_str() {
            "weeks" => {
                let n = value
                    .as_int()
                    .map_err(|t| bad(format!("`weeks` is {t}, not a whole number")))?;
                if n < 1 {
                    return Err(bad(format!("`weeks` is {n}; it must be at least 1")));
                }
                let as_of = self.world.universe.as_of;
                let start = as_of
                    .checked_sub_signed(
                        chrono::Duration::try_days(n.saturating_mul(7) - 1)
                            .unwrap_or(chrono::Duration::MAX),
                    )
                    .unwrap_or(chrono::NaiveDate::MIN);
                Ok((start, format!("#{{weeks: {n}}}")))
            }
            "since" => {
                let day = super::chain::date_arg(value, "peers.lead: `since`")?;
                Ok((day, format!("#{{since: {day}}}")))
            }
            other => Err(bad(format!("`{other}` is not a window key"))),
        }
    }

    fn lead_within(
        &mut self,
        chain: Chain,
        series: &str,
        direction: &str,
        beat: Dynamic,
        window: Option<Map>,
    ) -> Res<Dynamic> {
        let slot = self.world.series_slot(series).map_err(api_error)?;
        let low = match direction {
            "low" => true,
            "high" => false,
            other => {
                return Err(api_error(format!(
                    "peers.lead: direction must be \"low\" or \"high\", found \"{other}\""
                )));
            }
        };
        // As the rule wrote it (an integer stays one in the message).
        let written = beat.to_string();
        let Some(beat) = beat
            .as_float()
            .ok()
            .or_else(|| beat.as_int().ok().map(|i| i as f64))
        else {
            return Err(api_error(format!(
                "peers.lead: `beat` must be a number of percent, found {}",
                describe(&beat)
            )));
        };
        // A share of peers beaten is 0 to 100 percent: a `beat` outside it (a fraction
        // written as 0.75 is inside, and reads as 0.75%) could never or would always lead.
        if !(0.0..=100.0).contains(&beat) {
            return Err(api_error(format!(
                "peers.lead: `beat` is a percent of the peers beaten, from 0 to 100, found {written}"
            )));
        }
        let window = window.map(|w| self.window_start(&w)).transpose()?;
        let label = self.call_label(&format!(
            "lead({}, \"{series}\", \"{direction}\", {beat}{})",
            chain.expr(),
            window
                .as_ref()
                .map_or(String::new(), |(_, text)| format!(", {text}"))
        ));
        let start = window.map(|(d, _)| d);
        // Built once per screen by whichever evaluation needs it first: not that one's memory.
        let index = crate::rules::memory::exempt(|| self.world.by_date(slot));
        // The whole universe: on each date, the peers a value beats are a binary search in
        // that date's sorted values (the chain itself is never strictly above or below its own
        // value); a subset is counted member by member.
        let everyone = Arc::ptr_eq(&self.members, &self.world.all);
        let sorted =
            everyone.then(|| crate::rules::memory::exempt(|| self.world.sorted_by_date(slot)));
        let mut member = Vec::new();
        if !everyone {
            member = vec![false; self.world.len()];
            for &i in self.members.iter() {
                member[i] = i != chain.index();
            }
        }
        let (mut dates, mut led, mut first, mut last, mut latest) = (0_i64, 0_i64, None, None, 0.0);
        for (date, x) in self.world.series(chain.index(), series) {
            if start.is_some_and(|s| *date < s) {
                continue;
            }
            let (mut others, mut beaten) = (0_usize, 0_usize);
            if let Some(sorted) = sorted {
                let Some(values) = sorted.get(date) else {
                    continue;
                };
                others = values.len() - 1;
                beaten = if low {
                    values.len() - values.partition_point(|v| v <= x)
                } else {
                    values.partition_point(|v| v < x)
                };
            } else {
                let Some(points) = index.get(date) else {
                    continue;
                };
                for (_, o) in points.iter().filter(|(i, _)| member[*i]) {
                    others += 1;
                    beaten += usize::from(if low { *o > *x } else { *o < *x });
                }
            }
            if others == 0 {
                continue;
            }
            latest = 100.0 * beaten as f64 / others as f64;
            dates += 1;
            if latest >= beat {
                led += 1;
            }
            first.get_or_insert(*date);
            last = Some(*date);
        }
        let (Some(first), Some(last)) = (first, last) else {
            self.record(&label, Value::Missing);
            self.missing(
                &label,
                Some(chain.slug()),
                "lead(",
                &format!(
                    "no date where {} and another peer both have `{series}`",
                    chain.slug()
                ),
            );
            return Ok(Dynamic::UNIT);
        };
        let share = led as f64 / dates as f64;
        self.record(
            &label,
            // Percents as `pct` writes them, so that a reason's `pct(lead.share)` and the
            // evidence beside it agree (0.6%, not 1%).
            Value::Text(format!(
                "led on {led} of {dates} dates ({}) from {first} to {last}; latest beats {}",
                super::format::pct(share),
                super::format::pct(latest / 100.0)
            )),
        );
        let mut m = Map::new();
        m.insert("dates".into(), Dynamic::from(dates));
        m.insert("lead_dates".into(), Dynamic::from(led));
        m.insert("share".into(), Dynamic::from(share));
        m.insert("first".into(), Dynamic::from(Date(first)));
        m.insert("last".into(), Dynamic::from(Date(last)));
        m.insert("latest".into(), Dynamic::from(latest));
        Ok(Dynamic::from(m))
    }
}
