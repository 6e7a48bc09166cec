//! A memo's verdicts: each rule's verdict as the screen gave it, beside the rule's title,
//! category and `why` text, with its evidence table (every value the rule read, shown the way
//! reasons show numbers, with the date and source of the observation where the feature stage
//! knows them); and the summary built from them: the case for, the case against, and the
//! verdict that decides.

use crate::evaluate::{ChainResult, Status, Verdict};
use crate::features::{ChainFeatures, Universe, Value};
use crate::rules::RuleInfo;
use crate::rules::format;
use serde::Serialize;

/// One value a rule read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvidenceRow {
    /// As recorded: a field, `peer.field`, or a helper as it was called.
    pub field: String,
    /// The value read, exactly (`null` when missing).
    pub value: Value,
    /// The value as a reason would write it (`$4.5B`, `49%`, `+79%`, `missing`).
    pub shown: String,
    /// When the value was observed and where it comes from, for fields read from dated
    /// observations (see `features::Provenance`).
    pub date: Option<String>,
    pub source: Option<String>,
    pub flags: Vec<String>,
}

/// One rule's verdict, with what a reader needs to weigh it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleVerdict {
    pub rule: String,
    pub title: String,
    pub category: String,
    pub why: String,
    pub weight: f64,
    pub gate: bool,
    pub status: Status,
    pub reason: String,
    /// For a FAIL, what the rule says would have to change.
    pub hint: Option<String>,
    /// For an ERROR, `file:line:column` in the rule file.
    pub location: Option<String>,
    pub evidence: Vec<EvidenceRow>,
}

/// A verdict in one line, for the summary and section 9.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    pub rule: String,
    pub title: String,
    pub gate: bool,
    pub weight: f64,
    pub status: Status,
    pub reason: String,
}

/// The summary: what passes, what does not, and the verdict that decides.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub overall: Status,
    pub score: Option<f64>,
    pub pass_mark: f64,
    /// PASS verdicts, heaviest first (then in rule order).
    pub case_for: Vec<Point>,
    /// FAIL and ERROR verdicts, heaviest first.
    pub case_against: Vec<Point>,
    /// SKIP verdicts: not applicable or not enough data.
    pub not_judged: Vec<Point>,
    /// Gate rules that did not pass.
    pub gates_failed: Vec<String>,
    /// The verdict that decided the overall result (the screen's `deciding`).
    pub deciding: Option<Point>,
}

/// The verdicts of `result`, each beside its rule, in rule order.
pub fn rule_verdicts(
    rules: &[RuleInfo],
    verdicts: &[Verdict],
    universe: &Universe,
    chain: Option<&ChainFeatures>,
) -> Vec<RuleVerdict> {
    verdicts
        .iter()
        .filter_map(|v| {
            let info = rules.iter().find(|r| r.id == v.rule)?;
            Some(rule_verdict(info, v, universe, chain))
        })
        .collect()
}

fn rule_verdict(
    info: &RuleInfo,
    v: &Verdict,
    universe: &Universe,
    chain: Option<&ChainFeatures>,
) -> RuleVerdict {
    let evidence = v
        .evidence
        .iter()
        .map(|e| {
            // `field` reads the judged chain; `peer.field` reads a peer.
            let (owner, field) = match e.field.split_once('.') {
                Some((peer, field)) if is_name(peer) && is_name(field) => {
                    (universe.chain(peer), field)
                }
                _ => (chain, e.field.as_str()),
            };
            let provenance = owner.and_then(|c| c.provenance.get(field));
            EvidenceRow {
                field: e.field.clone(),
                value: e.value.clone(),
                shown: shown(&e.field, &e.value),
                date: provenance.and_then(|p| p.date).map(|d| d.to_string()),
                source: provenance.and_then(|p| p.source.clone()),
                flags: provenance.map(|p| p.flags.clone()).unwrap_or_default(),
            }
        })
        .collect();
    RuleVerdict {
        rule: v.rule.clone(),
        title: info.title.clone(),
        category: info.category.clone(),
        why: info.why.clone(),
        weight: info.weight,
        gate: info.gate,
        status: v.status,
        reason: v.reason.clone(),
        hint: v.hint.clone(),
        location: v.location.clone(),
        evidence,
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A value as a reason would write it. The unit is read from the name: a field ending in
/// `_usd` is money, `_share` a percent, `tvl_change_*` a signed percent; a helper's result
/// (`peers.median("tvl_usd")`) is read by its method: `mean`, `median`, `min`, `max` and `sum`
/// keep the unit of the field they are given, `share` is a percent, `change` a signed percent,
/// any other (`len`, `count`, `percentile`, …) a plain number.
pub fn shown(label: &str, value: &Value) -> String {
    let Some(x) = value.as_f64() else {
        return top_shown(label, value).unwrap_or_else(|| value.to_string());
    };
    let unit = match label.rfind('(') {
        Some(open) => {
            let method = label[..open].rsplit('.').next().unwrap_or("");
            let field = label[open..].split('"').nth(1).unwrap_or("");
            match method {
                "mean" | "median" | "min" | "max" | "sum" => field_unit(field),
                "share" => Unit::Pct,
                "change" => Unit::SignedPct,
                _ => Unit::Num,
            }
        }
        None => field_unit(label.rsplit('.').next().unwrap_or(label)),
    };
    unit.write(x)
}

/// A `peers.top("field")` or `peers.bottom("field")` result, recorded as `slug (value)`, with
/// its value written in the field's unit: `base ($4.5B)`.
fn top_shown(label: &str, value: &Value) -> Option<String> {
    let Value::Text(text) = value else {
        return None;
    };
    let open = label.rfind('(')?;
    let method = label[..open].rsplit('.').next()?;
    if !matches!(method, "top" | "bottom") {
        return None;
    }
    let field = label[open..].split('"').nth(1)?;
    let (slug, number) = text.strip_suffix(')')?.rsplit_once(" (")?;
    let x: f64 = number.parse().ok()?;
    Some(format!("{slug} ({})", field_unit(field).write(x)))
}

enum Unit {
    Usd,
    Pct,
    SignedPct,
    Num,
}

impl Unit {
    /// `x` as a reason writes a value of this unit.
    fn write(&self, x: f64) -> String {
        match self {
            Unit::Usd => format::usd(x),
            Unit::Pct => format::pct(x),
            Unit::SignedPct => format::signed_pct(x),
            Unit::Num => format::num(x),
        }
    }
}

fn field_unit(field: &str) -> Unit {
    if field.starts_with("tvl_change_") {
        Unit::SignedPct
    } else if field.ends_with("_share") {
        Unit::Pct
    } else if field.ends_with("_usd") {
        Unit::Usd
    } else {
        Unit::Num
    }
}

impl From<&RuleVerdict> for Point {
    fn from(v: &RuleVerdict) -> Point {
        Point {
            rule: v.rule.clone(),
            title: v.title.clone(),
            gate: v.gate,
            weight: v.weight,
            status: v.status,
            reason: v.reason.clone(),
        }
    }
}

/// The summary of a chain's (or the sector's) verdicts.
pub fn summary(result: &ChainResult, verdicts: &[RuleVerdict], pass_mark: f64) -> Summary {
    let heaviest_first = |statuses: &[Status]| {
        let mut points: Vec<Point> = verdicts
            .iter()
            .filter(|v| statuses.contains(&v.status))
            .map(Point::from)
            .collect();
        points.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        points
    };
    Summary {
        overall: result.overall,
        score: result.score,
        pass_mark,
        case_for: heaviest_first(&[Status::Pass]),
        case_against: heaviest_first(&[Status::Fail, Status::Error]),
        not_judged: heaviest_first(&[Status::Skip]),
        gates_failed: result.gates_failed.clone(),
        deciding: result
            .deciding
            .as_ref()
            .and_then(|d| verdicts.iter().find(|v| v.rule == d.rule).map(Point::from)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shown_the_way_reasons_show_them() {
        let n = |x: f64| Value::Num(x);
        assert_eq!(shown("tvl_usd", &n(4_454_264_985.0)), "$4.5B");
        assert_eq!(shown("arbitrum.tvl_usd", &n(2.5e9)), "$2.5B");
        assert_eq!(shown("peers.median(\"tvl_usd\")", &n(1.2e6)), "$1.2M");
        assert_eq!(shown("tvl_share", &n(0.4946)), "49%");
        assert_eq!(shown("tvl_change_52w", &n(0.793)), "+79%");
        assert_eq!(shown("chain.change(\"tvl_usd\", 13)", &n(-0.16)), "-16%");
        assert_eq!(
            shown("peers.share(\"stack_family_size\", \"<=\", 2)", &n(0.2)),
            "20%"
        );
        assert_eq!(
            shown(
                "peers.filter(\"tvl_usd\", \">=\", 10000000).len()",
                &Value::Int(4)
            ),
            "4"
        );
        assert_eq!(shown("peers.max(\"tvl_rank\")", &Value::Int(65)), "65");
        assert_eq!(shown("tvl_rank", &Value::Int(1)), "1");
        assert_eq!(shown("lead_weeks", &Value::Int(1234)), "1,234");
        assert_eq!(shown("token", &Value::Missing), "missing");
        assert_eq!(shown("stack", &Value::Text("op_stack".into())), "op_stack");
        // The chain a `top`/`bottom` found, with its value in the field's unit.
        let text = |s: &str| Value::Text(s.into());
        assert_eq!(
            shown("peers.top(\"tvl_usd\")", &text("base (4454264985)")),
            "base ($4.5B)"
        );
        assert_eq!(
            shown(
                "peers.filter(\"layer\", \"==\", \"L2\").bottom(\"block_time_s\")",
                &text("megaeth (0.01)")
            ),
            "megaeth (0.01)"
        );
        assert_eq!(
            shown("peers.top(\"tvl_share\")", &text("base (0.4946)")),
            "base (49%)"
        );
        // Text that is not a chain and a value is kept.
        assert_eq!(
            shown("peers.top(\"tvl_usd\")", &text("odd text")),
            "odd text"
        );
    }
}
