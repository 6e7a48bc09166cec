//! The shipped rules written as native Rust over the same features, the floor the Rhai rules
//! are compared with: same branches, same reads, same reason sentences (numbers formatted with
//! the same helpers). Only for benchmarks: the rules themselves are the Rhai files.

use moat::features::{ChainFeatures, Universe, Value};
use moat::rules::format::{list, pct, signed_pct, usd};
use std::collections::BTreeMap;

pub type Verdict = (&'static str, String);

fn num(c: &ChainFeatures, f: &str) -> Option<f64> {
    c.get(f).and_then(Value::as_f64)
}

fn int(c: &ChainFeatures, f: &str) -> Option<i64> {
    match c.get(f) {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

fn text<'a>(c: &'a ChainFeatures, f: &str) -> Option<&'a str> {
    match c.get(f) {
        Some(Value::Text(s)) => Some(s),
        _ => None,
    }
}

fn name(c: &ChainFeatures) -> &str {
    text(c, "name").unwrap_or(&c.slug)
}

pub fn token_existence(c: &ChainFeatures) -> Verdict {
    let name = name(c);
    let status = text(c, "token_status").unwrap_or("");
    let date = || match c.get("token_date") {
        Some(Value::Date(d)) => Some(d.to_string()),
        _ => None,
    };
    if status == "none" {
        let dated = date().map_or(String::new(), |d| format!(" (statement dated {d})"));
        return (
            "FAIL",
            format!(
                "{name} has no token: its ecosystem's value cannot accrue to outside holders, like an excellent company that never lists{dated}."
            ),
        );
    }
    let Some(token) = text(c, "token") else {
        if status == "exploring" || status == "announced" {
            let said = if status == "exploring" {
                "the team said it is exploring one"
            } else {
                "one was announced"
            };
            let when = date().map_or(String::new(), |d| format!(" ({d})"));
            return (
                "FAIL",
                format!(
                    "{name} has no token: {said}{when}, but until it is live the ecosystem's value cannot accrue to outside holders."
                ),
            );
        }
        return (
            "SKIP",
            format!("No source says whether {name} has a token."),
        );
    };
    let Some(origin) = text(c, "token_origin") else {
        return (
            "SKIP",
            format!(
                "{name} lists the token {token}, but whose token it is (its own, the builder's or another chain's) is not known."
            ),
        );
    };
    if origin == "chain" || origin == "app" {
        let whose = if origin == "chain" {
            "its own token"
        } else {
            "a token born in its own ecosystem"
        };
        return (
            "PASS",
            format!("{name} has {token}, {whose}: holders share in the chain's success."),
        );
    }
    let why = match origin {
        "shared" => {
            format!("{token} is another chain's token, so value accrues to that chain's holders")
        }
        "builder" => format!(
            "{token} is the builder's token and predates the chain, so the chain's value is diluted in the builder's other business"
        ),
        _ => format!("{token} has origin \"{origin}\", which this screen does not accept"),
    };
    ("FAIL", format!("{name} has no token of its own: {why}."))
}

pub fn traction(c: &ChainFeatures, max_rank: f64) -> Verdict {
    let name = name(c);
    let Some(tvl) = num(c, "tvl_usd") else {
        return ("SKIP", format!("No TVL data for {name}."));
    };
    let rank = int(c, "tvl_rank").map_or(String::new(), |r| format!(" (#{r} of {max_rank})"));
    if tvl < 100_000_000.0 {
        return (
            "FAIL",
            format!(
                "{name} holds {} of TVL{rank}, below the {} an investable ecosystem needs.",
                usd(tvl),
                usd(1e8)
            ),
        );
    }
    let (c52, c13) = (num(c, "tvl_change_52w"), num(c, "tvl_change_13w"));
    if c52.is_none() && c13.is_none() {
        return (
            "SKIP",
            format!(
                "{name} holds {} of TVL{rank}, but its history is too short to judge the trend.",
                usd(tvl)
            ),
        );
    }
    let mut trend = Vec::new();
    let mut draining = Vec::new();
    for (change, span, floor) in [(c52, "over a year", -0.5), (c13, "over 13 weeks", -0.3)] {
        if let Some(x) = change {
            trend.push(format!("{} {span}", signed_pct(x)));
            if x < floor {
                draining.push(format!(
                    "{} {span} (the screen tolerates {})",
                    signed_pct(x),
                    signed_pct(floor)
                ));
            }
        }
    }
    if !draining.is_empty() {
        return (
            "FAIL",
            format!(
                "{name} holds {} of TVL{rank}, but it is draining: {}.",
                usd(tvl),
                list(&draining)
            ),
        );
    }
    (
        "PASS",
        format!("{name} holds {} of TVL{rank}, {}.", usd(tvl), list(&trend)),
    )
}

pub fn security_hygiene(c: &ChainFeatures) -> Verdict {
    let name = name(c);
    let (mut problems, mut unknown) = (Vec::new(), Vec::new());
    match text(c, "da") {
        None => unknown.push("data availability".to_string()),
        Some(da) if !["ethereum_blobs", "ethereum_calldata", "ethereum"].contains(&da) => {
            problems.push(format!("posts its data to {da} rather than Ethereum"))
        }
        _ => {}
    }
    match text(c, "proof_system") {
        None => unknown.push("proof system".to_string()),
        Some(p) if !["fraud", "validity"].contains(&p) => {
            problems.push(format!("has no working proof system ({p})"))
        }
        _ => {}
    }
    match text(c, "stage") {
        None => unknown.push("stage".to_string()),
        Some("na") => problems.push("is not a rollup by L2BEAT's definition (stage na)".into()),
        Some("under_review") => problems.push("is under review at L2BEAT".into()),
        Some(s) if !["1", "2"].contains(&s) => {
            problems.push(format!("is only at L2BEAT stage {s}"))
        }
        _ => {}
    }
    if !problems.is_empty() {
        return (
            "FAIL",
            format!(
                "{name} {}: below the hygiene bar an investor should expect.",
                list(&problems)
            ),
        );
    }
    if !unknown.is_empty() {
        let verb = if unknown.len() == 1 { "is" } else { "are" };
        return (
            "SKIP",
            format!("{name}'s {} {verb} not known.", list(&unknown)),
        );
    }
    (
        "PASS",
        format!(
            "{name} is stage {} with {} proofs and data on {}: hygiene in order, though security inherited from Ethereum is no moat.",
            text(c, "stage").unwrap_or(""),
            text(c, "proof_system").unwrap_or(""),
            text(c, "da").unwrap_or("")
        ),
    )
}

pub fn ecosystem_interconnection(c: &ChainFeatures) -> Verdict {
    let name = name(c);
    let (s, l, o) = (int(c, "spawned"), int(c, "l3_count"), int(c, "links_out"));
    if s.is_none() && l.is_none() && o.is_none() {
        return ("SKIP", format!("No ecosystem link data for {name}."));
    }
    let (s, l, o) = (s.unwrap_or(0), l.unwrap_or(0), o.unwrap_or(0));
    let facts = format!(
        "tokens or chains born in its ecosystem: {s}; L3s hosted: {l}; outgoing ecosystem links: {o}"
    );
    if s >= 1 && l + o >= 3 {
        return (
            "PASS",
            format!(
                "{name}'s ecosystem is interconnected ({facts}): projects born there and spread across it are network effects a competitor cannot fork."
            ),
        );
    }
    (
        "FAIL",
        format!("{name} shows little ecosystem interconnection ({facts})."),
    )
}

pub fn tvl_leadership(c: &ChainFeatures, u: &Universe) -> Verdict {
    let name = name(c);
    let (Some(led), Some(window)) = (int(c, "lead_weeks"), int(c, "window_weeks")) else {
        return (
            "SKIP",
            format!("{name} has no TVL ranking history at this date."),
        );
    };
    if window < 26 {
        return (
            "SKIP",
            format!("Only {window} weeks of TVL ranking data; judging durability needs 26."),
        );
    }
    let share = led as f64 / window as f64;
    let mut runs: Vec<(&str, String, String)> = Vec::new();
    for (d, slug) in &u.leaders {
        match runs.last_mut() {
            Some(r) if r.0 == slug => r.2 = d.to_string(),
            _ => runs.push((slug, d.to_string(), d.to_string())),
        }
    }
    let changes = runs.len().saturating_sub(1);
    let moves = runs
        .iter()
        .map(|r| format!("{} ({} to {})", r.0, r.1, r.2))
        .collect::<Vec<_>>()
        .join(" to ");
    let ranks = match (int(c, "best_rank"), int(c, "worst_rank")) {
        (Some(b), Some(w)) if b == w => format!("ranked #{b} throughout"),
        (Some(b), Some(w)) => format!("ranked between #{b} and #{w}"),
        _ => "rank history unknown".into(),
    };
    if led == 0 {
        return (
            "FAIL",
            format!(
                "{name} never ranked #1 by TVL in the last {window} weeks ({ranks}); the #1 went from {moves}."
            ),
        );
    }
    if share < 0.75 {
        return (
            "FAIL",
            format!(
                "{name} led TVL in only {led} of {window} weeks ({}, {ranks}); the #1 went from {moves}.",
                pct(share)
            ),
        );
    }
    if changes > 0 {
        return (
            "FAIL",
            format!(
                "{name} led TVL in {led} of {window} weeks, but the #1 changed hands {changes} times in the window, from {moves}: leadership that moves is not a moat."
            ),
        );
    }
    (
        "PASS",
        format!(
            "{name} led TVL in {led} of {window} weeks ({}) and the #1 never changed hands.",
            pct(share)
        ),
    )
}

/// The fee series of every chain by date, built once per universe (as the engine's world does).
pub type ByDate = BTreeMap<chrono::NaiveDate, Vec<(usize, f64)>>;

pub fn by_date(u: &Universe) -> ByDate {
    let mut out = ByDate::new();
    for (i, c) in u.chains.iter().enumerate() {
        for (d, v) in c.series.get("txcost_median_usd").into_iter().flatten() {
            out.entry(*d).or_default().push((i, *v));
        }
    }
    out
}

pub fn differentiation(i: usize, c: &ChainFeatures, fees: &ByDate) -> Verdict {
    let name = name(c);
    let family = int(c, "stack_family_size");
    let (mut dates, mut led) = (0usize, 0usize);
    for (d, x) in c.series.get("txcost_median_usd").into_iter().flatten() {
        let Some(points) = fees.get(d) else { continue };
        let others: Vec<f64> = points
            .iter()
            .filter(|(j, _)| *j != i)
            .map(|(_, v)| *v)
            .collect();
        if others.is_empty() {
            continue;
        }
        let beaten = others.iter().filter(|o| **o > *x).count();
        dates += 1;
        if 100.0 * beaten as f64 / others.len() as f64 >= 90.0 {
            led += 1;
        }
    }
    if family.is_none() && dates == 0 {
        return (
            "SKIP",
            format!("No stack or fee history for {name}: differentiation cannot be judged."),
        );
    }
    if let Some(f) = family
        && f <= 2
    {
        return (
            "PASS",
            format!(
                "{name} runs a stack of its own ({}): only {} other chain runs it, so its technology is not a commodity.",
                text(c, "stack").unwrap_or(""),
                f - 1
            ),
        );
    }
    let share = if dates > 0 {
        led as f64 / dates as f64
    } else {
        0.0
    };
    if dates >= 30 && share >= 0.8 {
        return (
            "PASS",
            format!(
                "{name}'s median fee was cheaper than 90% of peers on {led} of {dates} comparable days ({}): a large and persistent cost lead.",
                pct(share)
            ),
        );
    }
    let mut parts = vec![match family {
        Some(f) => format!(
            "it runs {}, a stack {f} chains in the universe share",
            text(c, "stack").unwrap_or("")
        ),
        None => "its stack is unknown".to_string(),
    }];
    parts.push(if dates == 0 {
        "there is no fee history to show a persistent cost lead".to_string()
    } else if dates < 30 {
        format!("its fee record is too short to show a persistent lead ({dates} comparable days, fewer than 30)")
    } else {
        format!("its fee was cheaper than 90% of peers on only {led} of {dates} comparable days ({})", pct(share))
    });
    (
        "FAIL",
        format!("{name} is not differentiated: {}.", parts.join("; ")),
    )
}
