//! What would flip a verdict, found by the engine rather than typed by the rule author: the
//! rule is evaluated again with one field it read changed at a time, for this chain only
//! (peers, ranks and shares stay as they are), and every change that gives another status is
//! reported with the smallest change found.
//!
//! - A number is moved up and down by growing steps (1%, 2%, 5%, … up to ×1000 of its size, or
//!   of the peers' typical size when it is 0), never below 0 when no peer has a negative value;
//!   where the status changes, the threshold is narrowed by bisection to 0.01% of itself
//!   (integers: to the unit). An integer is first moved one unit at a time up to 10 units, and
//!   a flip that does not hold one unit beyond its threshold is reported as `=` that value.
//! - A category takes each of its allowed values; a boolean the other value.
//! - A missing number is given the peers' lowest, median and highest values.
//!
//! When no change of one field reaches the verdict the chain is held back from (a PASS, for a
//! FAIL or a SKIP; any other, for a PASS) but a change gets the rule past the check on that
//! field (it then reads fields it did not read before: a chain below the TVL bar that is also
//! draining, or too young to have a yearly change), the field is held at the value that gets
//! past and each newly read field is searched for that verdict: the flip then needs both
//! changes, and says so. A change of one field that gives another verdict still (a FAIL that
//! becomes a SKIP) is reported, and does not stop that search.
//!
//! The search is bounded: [`MAX_EVALUATIONS`] evaluations per verdict, and for a run that
//! searches many verdicts ([`RunBound`]) [`RUN_OPERATIONS`] rule operations in all. Both count
//! work, not time, so the answer is the same on every machine and in every build; [`MAX_TIME`]
//! and [`RUN_TIME`] are safety nets that only a rule slow in its native calls (which a count
//! of operations does not see) reaches. It says when it found no flip, and when a bound cut it
//! short.

use crate::evaluate::{self, Status, Verdict};
use crate::features::catalog::{self, Kind};
use crate::features::{Universe, Value};
use crate::rules::RulePack;
use crate::rules::api::world::World;
use crate::rules::engine;
use crate::rules::format::{self, signed_pct};
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Evaluations of the rule per verdict explained.
pub const MAX_EVALUATIONS: usize = 300;
/// Wall time per verdict explained: far above what the evaluations of a well-behaved rule take
/// (300 of a shipped rule take about 15 ms in a release build), so that only a runaway rule
/// reaches it.
pub const MAX_TIME: Duration = Duration::from_secs(10);
/// Rule operations (as [`crate::rules::limits::MAX_OPERATIONS`] counts them) of all the
/// searches of one run that makes many (`moat memo --all`): a rule that is slow on every chain
/// would otherwise take up to [`MAX_TIME`] per chain. The shipped rules' searches for every
/// chain's memo spend about a tenth of it. Searches that would start after it are not made,
/// and say so; it is a count, so which ones are made is the same on every machine.
pub const RUN_OPERATIONS: u64 = 50_000_000;
/// Wall time of all the searches of one run: a safety net for a rule whose time goes into
/// native calls rather than operations (a debug build takes about a minute for the shipped
/// rules' searches of every chain's memo, a release build a few seconds).
pub const RUN_TIME: Duration = Duration::from_secs(600);

/// What is left of a run's bounds on its searches (see [`RUN_OPERATIONS`]), shared by the
/// searches of the run one after the other.
#[derive(Debug)]
pub struct RunBound {
    operations_left: u64,
    deadline: Instant,
}

impl RunBound {
    pub fn new() -> RunBound {
        RunBound {
            operations_left: RUN_OPERATIONS,
            deadline: Instant::now() + RUN_TIME,
        }
    }

    /// Why no further search can be made, if one cannot.
    fn spent(&self) -> Option<String> {
        if self.operations_left == 0 {
            Some(format!(
                "the run's what-if searches had spent the {} rule operations it gives them all",
                RUN_OPERATIONS
            ))
        } else if Instant::now() >= self.deadline {
            Some(format!(
                "the run's what-if searches had spent the {} s it gives them all",
                RUN_TIME.as_secs()
            ))
        } else {
            None
        }
    }
}

impl Default for RunBound {
    fn default() -> Self {
        RunBound::new()
    }
}
/// Relative steps tried from a number, in both directions (1.0 = 100%).
const STEPS: &[f64] = &[
    0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 100.0, 1000.0,
];
/// Units an integer is first moved by, one at a time, before the growing steps.
const UNIT_STEPS: u32 = 10;
/// Bisection stops when the bracket is this small relative to the threshold…
const PRECISION: f64 = 1e-4;
/// … or after this many halvings.
const MAX_HALVINGS: usize = 40;

/// One field changed: `field op value`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Condition {
    pub field: String,
    /// `>=` / `<=` for a numeric threshold, `=` for a category or a missing value given.
    pub op: String,
    pub value: Value,
    /// The field's value now (`null` when missing).
    pub now: Value,
    /// For a number: the change relative to now (0.078 = +7.8%), when now is not 0.
    pub change: Option<f64>,
}

/// Changes that together give another status.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flip {
    pub conditions: Vec<Condition>,
    /// The status the rule then gives, and its reason then.
    pub status: Status,
    pub reason: String,
}

/// What the search found for one verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIf {
    pub rule: String,
    /// The status now.
    pub status: Status,
    pub flips: Vec<Flip>,
    /// The fields it read that were tried.
    pub fields_tried: Vec<String>,
    /// What it read that is never varied: dates, text without a list of values (a name, a
    /// token's symbol), and what is not a field of the chain (a series read through a helper,
    /// `aligned(..)`, `change(..)`; the peers' values), by the label of its evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields_not_varied: Vec<String>,
    pub evaluations: usize,
    /// Whether a bound (evaluations or time) stopped the search before every field was tried.
    pub cut_short: bool,
    /// Why no search was made, when none could be (a sector rule's verdict).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_searched: Option<String>,
}

impl Flip {
    /// `PASS if tvl_usd >= $100M (now $92.8M, +7.8%) and …`.
    pub fn sentence(&self) -> String {
        let conditions: Vec<String> = self
            .conditions
            .iter()
            .map(|c| {
                let now = if c.now.is_missing() {
                    "now missing".to_string()
                } else {
                    format!("now {}", shown(&c.field, &c.now))
                };
                // A relative change of a ratio reads badly: shown only for levels.
                let ratio = c.field.contains("_change_") || c.field.ends_with("_share");
                let change = match c.change {
                    Some(x) if !ratio => format!(", {}", signed_pct(x)),
                    _ => String::new(),
                };
                format!(
                    "{} {} {} ({now}{change})",
                    c.field,
                    c.op,
                    shown(&c.field, &c.value)
                )
            })
            .collect();
        format!("{} if {}", self.status, conditions.join(" and "))
    }
}

impl WhatIf {
    /// A sector rule's verdict: the search changes one chain's fields, and a sector rule
    /// judges the whole universe, so none is made.
    pub fn of_sector(verdict: &Verdict) -> WhatIf {
        WhatIf {
            not_searched: Some(
                "the search changes one chain's fields, and a sector rule judges the whole universe"
                    .to_string(),
            ),
            ..WhatIf::none(verdict)
        }
    }

    /// Nothing found yet for `verdict`.
    fn none(verdict: &Verdict) -> WhatIf {
        WhatIf {
            rule: verdict.rule.clone(),
            status: verdict.status,
            flips: Vec::new(),
            fields_tried: Vec::new(),
            fields_not_varied: Vec::new(),
            evaluations: 0,
            cut_short: false,
            not_searched: None,
        }
    }

    /// The sentences of the flips `keep` keeps, or else one saying that no change of a field it
    /// tried `does` (e.g. "makes it PASS").
    pub fn sentences(&self, keep: impl Fn(&Flip) -> bool, does: &str) -> Vec<String> {
        let found: Vec<String> = self
            .flips
            .iter()
            .filter(|f| keep(f))
            .map(Flip::sentence)
            .collect();
        if let Some(why) = &self.not_searched {
            return vec![format!("not searched: {why}")];
        }
        if found.is_empty() {
            let untried = match self.fields_not_varied.as_slice() {
                [] => String::new(),
                fields => format!(
                    "; {} not varied (dates, free text, series and what the peers give never are)",
                    fields.join(", ")
                ),
            };
            vec![format!(
                "no change of one field it read ({}) {does}{untried}",
                self.tried()
            )]
        } else {
            found
        }
    }

    /// `PASS if tvl_usd >= $100M (now $92.8M, +7.8%)`, one line per flip, or why there is none.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = self.sentences(|_| true, "flips it");
        if self.cut_short && self.evaluations > 0 {
            lines.push(format!(
                "(the search stopped after {} evaluations: not every field was tried)",
                self.evaluations
            ));
        }
        lines
    }

    /// The fields the search varied, listed, or that none could be.
    pub fn tried(&self) -> String {
        if self.fields_tried.is_empty() {
            "none could be varied".to_string()
        } else {
            self.fields_tried.join(", ")
        }
    }
}

/// A value as reasons write it: money for `*_usd` fields, changes and shares as percents.
fn shown(field: &str, value: &Value) -> String {
    match value.as_f64() {
        Some(x) if field.ends_with("_usd") => format::usd(x),
        Some(x) if field.contains("_change_") => signed_pct(x),
        Some(x) if field.ends_with("_share") => format::pct(x),
        Some(x) => format::num(x),
        None => value.to_string(),
    }
}

/// The search for one verdict: the universe to vary, and the budget spent.
struct Search<'a> {
    pack: &'a RulePack,
    /// The world the rule is evaluated in, one field of this chain changed at a time.
    world: Arc<World>,
    row: usize,
    rule: &'a str,
    /// When the search stops: its own [`MAX_TIME`], or the run's end if sooner.
    deadline: Instant,
    /// The operations on this thread when the search started, and how many it may spend.
    operations_start: u64,
    operations_left: u64,
    evaluations: usize,
    cut_short: bool,
}

impl Search<'_> {
    /// The verdict with `changes` applied to this chain, or `None` when the budget is spent.
    fn eval(&mut self, changes: &[(&str, &Value)]) -> Option<Verdict> {
        if self.evaluations >= MAX_EVALUATIONS
            || self.operations() >= self.operations_left
            || Instant::now() >= self.deadline
        {
            self.cut_short = true;
            return None;
        }
        self.evaluations += 1;
        // The evaluation before has dropped every handle on the world: this changes it in
        // place (a copy is made only if one was kept).
        let world = Arc::make_mut(&mut self.world);
        let saved: Vec<(String, Value)> = changes
            .iter()
            .filter_map(|(f, v)| {
                let old = world.set_field(self.row, f, (*v).clone())?;
                Some((f.to_string(), old))
            })
            .collect();
        let v = evaluate::evaluate_in_world(self.pack, &self.world, self.rule, self.row).ok();
        let world = Arc::make_mut(&mut self.world);
        for (f, old) in saved.into_iter().rev() {
            world.set_field(self.row, &f, old);
        }
        v
    }

    /// Rule operations the search has spent.
    fn operations(&self) -> u64 {
        engine::operations_spent() - self.operations_start
    }

    fn now(&self, field: &str) -> Value {
        self.world.universe.chains[self.row].fields[field].clone()
    }
}

/// Search what would flip `verdict` (of rule `verdict.rule` on `chain` in `universe`).
pub fn search(
    pack: &RulePack,
    universe: &Universe,
    chain: &str,
    verdict: &Verdict,
) -> anyhow::Result<WhatIf> {
    search_within(pack, universe, chain, verdict, &mut RunBound::new())
}

/// [`search`], within what is left of a run's bounds, and spending from them.
pub fn search_within(
    pack: &RulePack,
    universe: &Universe,
    chain: &str,
    verdict: &Verdict,
    run: &mut RunBound,
) -> anyhow::Result<WhatIf> {
    if let Some(why) = run.spent() {
        let mut out = WhatIf::none(verdict);
        out.cut_short = true;
        out.not_searched = Some(why);
        return Ok(out);
    }
    evaluate::on_evaluation_stack(|| search_here(pack, universe, chain, verdict, run))
}

fn search_here(
    pack: &RulePack,
    universe: &Universe,
    chain: &str,
    verdict: &Verdict,
    run: &mut RunBound,
) -> WhatIf {
    let mut out = WhatIf::none(verdict);
    let Some(row) = universe.chains.iter().position(|c| c.slug == chain) else {
        return out;
    };
    let own_end = Instant::now() + MAX_TIME;
    let mut s = Search {
        pack,
        world: World::new(universe),
        row,
        rule: &verdict.rule,
        deadline: run.deadline.min(own_end),
        operations_start: engine::operations_spent(),
        operations_left: run.operations_left,
        evaluations: 0,
        cut_short: false,
    };
    let read = plain_fields(verdict);
    let status = verdict.status;
    // The verdict the chain is held back from: a PASS, or for a PASS any other.
    let goal = |to: Status| match status {
        Status::Pass => to != Status::Pass,
        _ => to == Status::Pass,
    };
    for (field, kind) in &read {
        if s.cut_short {
            break;
        }
        let varied = match kind {
            Kind::Date => false,
            Kind::Text => allowed(universe, field).is_some(),
            _ => true,
        };
        if !varied {
            out.fields_not_varied.push(field.clone());
            continue;
        }
        out.fields_tried.push(field.clone());
        let found = vary(&mut s, &[], field, *kind, &|v: &Verdict| v.status != status);
        let single = found.iter().any(|f| goal(f.status));
        out.flips.extend(found);
        if single || !matches!(kind, Kind::Int | Kind::Num) {
            continue;
        }
        // No flip from this field alone: find the change that gets the rule past it (it then
        // reads fields it had not read), and search those with this one held there.
        let known: BTreeSet<String> = read.iter().map(|(f, _)| f.clone()).collect();
        let past = |v: &Verdict| plain_fields(v).iter().any(|(f, _)| !known.contains(f));
        for reach in vary(&mut s, &[], field, *kind, &past) {
            let held = reach.conditions[0].clone();
            let Some(v) = s.eval(&[(field.as_str(), &held.value)]) else {
                break;
            };
            for (next, next_kind) in plain_fields(&v)
                .into_iter()
                .filter(|(f, _)| !known.contains(f))
            {
                let flips = vary(
                    &mut s,
                    &[(field.as_str(), &held.value)],
                    &next,
                    next_kind,
                    &|v: &Verdict| goal(v.status),
                );
                for mut f in flips {
                    f.conditions.insert(0, held.clone());
                    out.flips.push(f);
                }
            }
        }
    }
    // What it read that is not a field of the chain (a series through a helper, the peers'
    // values) is never varied: said, so that "no change flips it" is not read as "nothing could".
    let fields = catalog::fields();
    for e in &verdict.evidence {
        if !fields.iter().any(|f| f.name == e.field) && !out.fields_not_varied.contains(&e.field) {
            out.fields_not_varied.push(e.field.clone());
        }
    }
    out.evaluations = s.evaluations;
    out.cut_short = s.cut_short;
    run.operations_left = run.operations_left.saturating_sub(s.operations());
    // The most useful first: a PASS, then the fewest and smallest changes.
    out.flips.sort_by(|a, b| {
        let size = |f: &Flip| {
            f.conditions
                .iter()
                .map(|c| c.change.map_or(1.0, f64::abs))
                .sum::<f64>()
        };
        (b.status == Status::Pass)
            .cmp(&(a.status == Status::Pass))
            .then_with(|| a.conditions.len().cmp(&b.conditions.len()))
            .then_with(|| size(a).total_cmp(&size(b)))
    });
    out
}

/// The fields of the catalogue a verdict read (its evidence), in first-read order.
fn plain_fields(v: &Verdict) -> Vec<(String, Kind)> {
    let fields = catalog::fields();
    v.evidence
        .iter()
        .filter_map(|e| {
            let f = fields.iter().find(|f| f.name == e.field)?;
            Some((f.name.clone(), f.kind))
        })
        .collect()
}

/// The nearest values of `field` (with `held` changes applied too) at which `hit` holds: for
/// a number the threshold up and the threshold down, for a category every value.
fn vary(
    s: &mut Search,
    held: &[(&str, &Value)],
    field: &str,
    kind: Kind,
    hit: &dyn Fn(&Verdict) -> bool,
) -> Vec<Flip> {
    let now = s.now(field);
    let mut out = Vec::new();
    let eval = |s: &mut Search, value: &Value| {
        let mut changes: Vec<(&str, &Value)> = held.to_vec();
        changes.push((field, value));
        s.eval(&changes)
    };
    let found = |value: Value, op: &str, change: Option<f64>, v: Verdict| Flip {
        conditions: vec![Condition {
            field: field.to_string(),
            op: op.to_string(),
            value,
            now: now.clone(),
            change,
        }],
        status: v.status,
        reason: v.reason,
    };
    let candidates = match (kind, now.as_f64()) {
        (Kind::Int | Kind::Num, Some(x)) => {
            let (floor, scale) = bounds(&s.world.universe, field);
            for up in [true, false] {
                let as_value = |v: f64| match kind {
                    Kind::Int => Value::Int(v.round() as i64),
                    _ => Value::Num(v),
                };
                let mut probe = |s: &mut Search, v: f64| eval(s, &as_value(v));
                if let Some((t, v)) = threshold(
                    s,
                    &mut probe,
                    hit,
                    (x, kind == Kind::Int),
                    (up, floor, scale),
                ) {
                    // An integer's threshold holds beyond it too, or the flip is at that
                    // value only (`== 1`), and is said so.
                    let beyond = if up { t + 1.0 } else { t - 1.0 };
                    let only_there = kind == Kind::Int
                        && !floor.is_some_and(|f| beyond < f)
                        && probe(s, beyond).is_some_and(|b| !hit(&b));
                    let op = match (only_there, up) {
                        (true, _) => "=",
                        (false, true) => ">=",
                        (false, false) => "<=",
                    };
                    let change = (x != 0.0).then(|| t / x - 1.0);
                    out.push(found(as_value(t), op, change, v));
                }
            }
            return out;
        }
        (Kind::Int | Kind::Num, None) => peer_values(&s.world.universe, field, kind),
        (Kind::Bool, _) => match now {
            Value::Bool(b) => vec![Value::Bool(!b)],
            _ => vec![Value::Bool(true), Value::Bool(false)],
        },
        (Kind::Text, _) => match allowed(&s.world.universe, field) {
            Some(values) => values
                .into_iter()
                .map(Value::Text)
                .filter(|v| *v != now)
                .collect(),
            None => return out,
        },
        (Kind::Date, _) => return out,
    };
    for value in candidates {
        let Some(v) = eval(s, &value) else { break };
        if hit(&v) {
            out.push(found(value, "=", None, v));
        }
    }
    out
}

type Probe<'a> = dyn FnMut(&mut Search, f64) -> Option<Verdict> + 'a;

/// The value nearest to `x`, going up or down, at which `hit` holds, narrowed by bisection.
fn threshold(
    s: &mut Search,
    probe: &mut Probe,
    hit: &dyn Fn(&Verdict) -> bool,
    (x, integer): (f64, bool),
    (up, floor, scale): (bool, Option<f64>, f64),
) -> Option<(f64, Verdict)> {
    let size = if x != 0.0 { x.abs() } else { scale };
    let sign = if up { 1.0 } else { -1.0 };
    // An integer is first moved one unit at a time, so that a rule that holds at one value
    // only (`chain.l3_count == 1`) is not stepped over; then by the growing steps.
    let units = (1..=UNIT_STEPS).map(|d| x + sign * d as f64);
    let steps = STEPS.iter().map(|step| x + sign * step * size);
    let candidates: Box<dyn Iterator<Item = f64>> = if integer {
        Box::new(units.chain(steps.filter(|c| (c - x).abs() > UNIT_STEPS as f64)))
    } else {
        Box::new(steps)
    };
    let mut miss = x;
    for mut candidate in candidates {
        if let Some(f) = floor {
            candidate = candidate.max(f);
        }
        if integer {
            candidate = if up {
                candidate.ceil().max(x + 1.0)
            } else {
                candidate.floor().min(x - 1.0)
            };
            if floor.is_some_and(|f| candidate < f) {
                return None;
            }
        }
        // A small step of a small integer rounds to the value already tried: the next,
        // larger step moves it.
        if candidate == miss {
            continue;
        }
        let v = probe(s, candidate)?;
        if hit(&v) {
            let (mut lo, mut hi, mut best) = (miss, candidate, v);
            for _ in 0..MAX_HALVINGS {
                let gap = (hi - lo).abs();
                if gap <= PRECISION * hi.abs().max(lo.abs()) || (integer && gap <= 1.0) {
                    break;
                }
                let mid = if integer {
                    ((lo + hi) / 2.0).round()
                } else {
                    (lo + hi) / 2.0
                };
                if mid == lo || mid == hi {
                    break;
                }
                let Some(m) = probe(s, mid) else { break };
                if hit(&m) {
                    hi = mid;
                    best = m;
                } else {
                    lo = mid;
                }
            }
            return Some((hi, best));
        }
        miss = candidate;
        if floor.is_some_and(|f| candidate <= f) {
            return None;
        }
    }
    None
}

/// The floor of a number (0 when no peer has a negative value) and its peers' typical size
/// (median of absolute values, 1 when none).
fn bounds(universe: &Universe, field: &str) -> (Option<f64>, f64) {
    let mut values: Vec<f64> = universe
        .chains
        .iter()
        .filter_map(|c| c.get(field).and_then(Value::as_f64))
        .collect();
    let floor = values.iter().all(|v| *v >= 0.0).then_some(0.0);
    values.iter_mut().for_each(|v| *v = v.abs());
    values.sort_by(f64::total_cmp);
    let scale = values
        .get(values.len() / 2)
        .copied()
        .filter(|v| *v > 0.0)
        .unwrap_or(1.0);
    (floor, scale)
}

/// The peers' lowest, median and highest values of a number.
fn peer_values(universe: &Universe, field: &str, kind: Kind) -> Vec<Value> {
    let mut values: Vec<f64> = universe
        .chains
        .iter()
        .filter_map(|c| c.get(field).and_then(Value::as_f64))
        .collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let picks = match values.len() {
        0 => Vec::new(),
        n => vec![values[0], values[n / 2], values[n - 1]],
    };
    let mut out: Vec<Value> = picks
        .into_iter()
        .map(|v| match kind {
            Kind::Int => Value::Int(v as i64),
            _ => Value::Num(v),
        })
        .collect();
    out.dedup();
    out
}

/// The values a text field of a screened chain can take, when it has a vocabulary: the data's
/// categories (a layer other than L1), or for the stack every stack of the universe.
fn allowed(universe: &Universe, field: &str) -> Option<Vec<String>> {
    let fixed: &[&str] = match catalog::vocabulary(field) {
        Some(fixed) => fixed,
        None if field == "stack" => {
            let mut stacks: Vec<String> = universe
                .chains
                .iter()
                .filter_map(|c| match c.get("stack") {
                    Some(Value::Text(s)) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            stacks.sort();
            stacks.dedup();
            return Some(stacks);
        }
        None => return None,
    };
    Some(
        fixed
            .iter()
            // An L1 is never screened: a screened chain cannot become one.
            .filter(|v| !(field == "layer" && **v == "L1"))
            .map(|s| s.to_string())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_screened_chain_is_never_proposed_to_become_an_l1() {
        let universe = crate::evaluate::tests::universe(Vec::new());
        let layers = allowed(&universe, "layer").unwrap();
        assert!(!layers.iter().any(|l| l == "L1"), "{layers:?}");
        assert!(layers.iter().any(|l| l == "L2"), "{layers:?}");
    }

    /// A pack of one rule `r` whose body is `body`, a universe of one chain `base` (stage 1,
    /// launched 2023-07-13), and the rule's verdict on it.
    fn judged(body: &str) -> (RulePack, Universe, Verdict) {
        use crate::evaluate::tests::{chain, d, pack, t, universe};
        let universe = universe(vec![chain(
            "base",
            &[
                ("stage", t("1")),
                ("launch_date", Value::Date(d("2023-07-13"))),
            ],
        )]);
        let pack = pack(
            &[("r", &format!("fn rule(chain, params, peers) {{ {body} }}"))],
            "",
        );
        let verdict = evaluate::evaluate_rule(&pack, &universe, "r", Some("base")).unwrap();
        (pack, universe, verdict)
    }

    /// A date or a free text is never varied: a search that finds nothing says which fields
    /// it read and did not try, not that no change of them could flip the verdict.
    #[test]
    fn fields_never_varied_are_named_apart_from_those_tried() {
        let (pack, universe, verdict) = judged(
            "if chain.name == \"Nope\" && chain.launch_date != () && chain.stage == \"2\" { pass(\"x\") } else { fail(\"y\") }",
        );
        assert_eq!(verdict.status, Status::Fail, "{verdict:?}");
        let found = search(&pack, &universe, "base", &verdict).unwrap();
        assert_eq!(found.fields_not_varied, ["name"]);
        assert_eq!(
            found.lines(),
            [
                "no change of one field it read (none could be varied) flips it; name not varied (dates, free text, series and what the peers give never are)"
            ]
        );
    }

    /// An integer is searched both ways, however small its steps round: a count of 6 that
    /// passes at 2 or more flips at 1 (small steps of 6 all rounded to 5, which ended the
    /// search after one try), and one of 1 that fails flips at 2.
    #[test]
    fn integers_are_searched_down_and_up() {
        use crate::evaluate::tests::{chain, pack, universe};
        let universe = universe(vec![
            chain("base", &[("l3_count", Value::Int(6))]),
            chain("op", &[("l3_count", Value::Int(1))]),
        ]);
        let pack = pack(
            &[(
                "r",
                "fn rule(chain, params, peers) { if chain.l3_count >= 2 { pass(\"many\") } else { fail(\"few\") } }",
            )],
            "",
        );
        for (slug, line) in [
            ("base", "FAIL if l3_count <= 1 (now 6, -83%)"),
            ("op", "PASS if l3_count >= 2 (now 1, +100%)"),
        ] {
            let verdict = evaluate::evaluate_rule(&pack, &universe, "r", Some(slug)).unwrap();
            let found = search(&pack, &universe, slug, &verdict).unwrap();
            assert_eq!(found.lines(), [line], "{slug}: {found:?}");
        }
    }

    /// A rule that holds at one integer only is found however far it is within the unit
    /// steps, and reported as `=` that value (it was stepped over, or reported as `<=`, which
    /// 0 would contradict); a threshold stays `>=`/`<=`.
    #[test]
    fn an_integer_flip_at_one_value_is_said_as_equal() {
        use crate::evaluate::tests::{chain, pack, universe};
        let universe = universe(vec![
            chain("base", &[("l3_count", Value::Int(3))]),
            chain("op", &[("l3_count", Value::Int(7))]),
        ]);
        let pack = pack(
            &[(
                "r",
                "fn rule(chain, params, peers) { if chain.l3_count == 1 { pass(\"one\") } else if chain.l3_count >= 5 { pass(\"many\") } else { fail(\"some\") } }",
            )],
            "",
        );
        for (slug, lines) in [
            (
                "base",
                vec![
                    "PASS if l3_count >= 5 (now 3, +67%)",
                    "PASS if l3_count = 1 (now 3, -67%)",
                ],
            ),
            ("op", vec!["FAIL if l3_count <= 4 (now 7, -43%)"]),
        ] {
            let verdict = evaluate::evaluate_rule(&pack, &universe, "r", Some(slug)).unwrap();
            let found = search(&pack, &universe, slug, &verdict).unwrap();
            assert_eq!(found.lines(), lines, "{slug}: {found:?}");
        }
    }

    /// A change of one field that gives a SKIP (a chain over the TVL bar but too young for a
    /// yearly change) does not end the search for a PASS: that change is held, and the field
    /// the rule then reads is searched, so the PASS that needs both is found.
    #[test]
    fn a_flip_to_skip_does_not_end_the_search_for_a_pass() {
        use crate::evaluate::tests::{chain, pack, universe};
        let universe = universe(vec![
            chain("base", &[("tvl_usd", Value::Num(5.0))]),
            chain(
                "op",
                &[
                    ("tvl_usd", Value::Num(500.0)),
                    ("tvl_change_52w", Value::Num(0.5)),
                ],
            ),
        ]);
        let pack = pack(
            &[(
                "r",
                "fn rule(chain, params, peers) {\n\
                 if chain.tvl_usd < 100.0 { return fail(\"small\"); }\n\
                 if !chain.has(\"tvl_change_52w\") { return skip(\"too young\"); }\n\
                 if chain.tvl_change_52w > 0.1 { pass(\"growing\") } else { fail(\"shrinking\") }\n}",
            )],
            "",
        );
        let verdict = evaluate::evaluate_rule(&pack, &universe, "r", Some("base")).unwrap();
        assert_eq!(verdict.status, Status::Fail, "{verdict:?}");
        let found = search(&pack, &universe, "base", &verdict).unwrap();
        let lines = found.lines();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("SKIP if tvl_usd >= $100 ")),
            "{lines:?}"
        );
        let pass = found
            .flips
            .iter()
            .find(|f| f.status == Status::Pass)
            .unwrap_or_else(|| panic!("{lines:?}"));
        let fields: Vec<&str> = pass.conditions.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["tvl_usd", "tvl_change_52w"], "{lines:?}");
        assert_eq!(pass.conditions[1].value, Value::Num(0.5), "{lines:?}");
    }

    /// A run's searches share its bound on operations: a search that would start after they
    /// are spent is not made and says so, and one that spends the rest stops there.
    #[test]
    fn a_runs_searches_share_its_operations() {
        let (pack, universe, verdict) =
            judged("if chain.stage == \"2\" { pass(\"x\") } else { fail(\"y\") }");
        let mut run = RunBound::new();
        let whole = search_within(&pack, &universe, "base", &verdict, &mut run).unwrap();
        assert!(
            whole.flips.iter().any(|f| f.status == Status::Pass) && !whole.cut_short,
            "{whole:?}"
        );
        let spent = RUN_OPERATIONS - run.operations_left;
        assert!(spent > 0 && whole.evaluations > 1, "{spent} {whole:?}");
        // Room for one evaluation's operations: the search stops after it.
        let mut run = RunBound {
            operations_left: spent / whole.evaluations as u64,
            ..RunBound::new()
        };
        let cut = search_within(&pack, &universe, "base", &verdict, &mut run).unwrap();
        assert_eq!((cut.evaluations, cut.cut_short), (1, true), "{cut:?}");
        assert_eq!(run.operations_left, 0);
        let none = search_within(&pack, &universe, "base", &verdict, &mut run).unwrap();
        assert_eq!((none.evaluations, none.cut_short), (0, true));
        assert_eq!(
            none.lines(),
            [format!(
                "not searched: the run's what-if searches had spent the {RUN_OPERATIONS} rule \
                 operations it gives them all"
            )]
        );
    }
}
