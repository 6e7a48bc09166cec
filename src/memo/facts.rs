//! The facts a memo states about a chain, each as the feature stage gives it at the as-of date
//! with the date and source of the observation it was read from: what the chain is (layer,
//! host, stack, DA, proofs, stage, launch, token, RaaS), its token and the value its ecosystem
//! earns, and its security. A fact the data says nothing about reads `unknown`; nothing is
//! filled in.

use super::verdicts::shown;
use crate::features::{ChainFeatures, Value};
use serde::Serialize;

/// One stated fact.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fact {
    /// What it is, in words (`Data availability`).
    pub label: String,
    /// The field it comes from (`da`).
    pub field: String,
    /// The value as a reader sees it; `unknown` when missing.
    pub value: String,
    pub known: bool,
    pub date: Option<String>,
    pub source: Option<String>,
    pub flags: Vec<String>,
}

/// The fact of `field`, labelled `label`, with its value shown by `show` when known.
fn fact_with(
    chain: &ChainFeatures,
    label: &str,
    field: &str,
    show: impl Fn(&Value) -> String,
) -> Fact {
    let value = chain.get(field).cloned().unwrap_or(Value::Missing);
    let provenance = chain.provenance.get(field);
    Fact {
        label: label.to_string(),
        field: field.to_string(),
        known: !value.is_missing(),
        value: if value.is_missing() {
            "unknown".to_string()
        } else {
            show(&value)
        },
        date: provenance.and_then(|p| p.date).map(|d| d.to_string()),
        source: provenance.and_then(|p| p.source.clone()),
        flags: provenance.map(|p| p.flags.clone()).unwrap_or_default(),
    }
}

fn fact(chain: &ChainFeatures, label: &str, field: &str) -> Fact {
    fact_with(chain, label, field, |v| match v {
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        _ => shown(field, v),
    })
}

fn text(chain: &ChainFeatures, field: &str) -> Option<String> {
    match chain.get(field) {
        Some(Value::Text(s)) => Some(s.clone()),
        _ => None,
    }
}

/// "What it is": layer, host, category, stack (and how many chains share it), DA, proof
/// system, stage, launch date, token and its origin, RaaS provider, Superchain membership.
pub fn profile(chain: &ChainFeatures) -> Vec<Fact> {
    let family = chain.get("stack_family_size").and_then(Value::as_f64);
    let own_stack = text(chain, "stack").is_some_and(|s| s == chain.slug);
    let stack = fact_with(chain, "Stack", "stack", |v| match family {
        _ if own_stack => "its own (no other chain runs it)".to_string(),
        Some(n) if n >= 2.0 => format!("{v} (shared by {n} chains of the universe)"),
        Some(_) => format!("{v} (no other chain of the universe runs it)"),
        None => v.to_string(),
    });
    let origin = text(chain, "token_origin");
    let token = fact_with(chain, "Token", "token", |v| match &origin {
        Some(o) => format!("{v} ({})", origin_words(o)),
        None => format!("{v} (origin unknown)"),
    });
    let mut token = token;
    if !token.known {
        token.value = no_token(chain);
    }
    vec![
        fact(chain, "Layer", "layer"),
        fact(chain, "Settles on", "host"),
        fact(chain, "Category", "category"),
        stack,
        fact(chain, "Data availability", "da"),
        fact(chain, "Proof system", "proof_system"),
        fact(chain, "Stage (L2BEAT)", "stage"),
        fact(chain, "Mainnet launch", "launch_date"),
        token,
        fact(chain, "RaaS provider", "raas"),
        fact(chain, "OP Superchain member", "superchain"),
    ]
}

/// "Token and value accrual": the token facts, then what the ecosystem earns (fees, profit,
/// revenue) where the data has it.
pub fn token(chain: &ChainFeatures) -> Vec<Fact> {
    let mut token = fact(chain, "Token", "token");
    if !token.known {
        token.value = no_token(chain);
    }
    let mut out = vec![
        token,
        fact_with(chain, "Whose token", "token_origin", |v| {
            origin_words(&v.to_string()).to_string()
        }),
        fact(chain, "Latest token fact", "token_status"),
        fact(chain, "Dated", "token_date"),
    ];
    for (field, label) in [
        ("fees_paid_usd", "Fees paid by users (USD per day)"),
        ("onchain_profit_usd", "Fees minus L1 rent (USD per day)"),
        ("app_fees_usd", "Fees paid to apps (USD per day)"),
        ("revenue_usd_artemis", "Revenue per Artemis (USD per day)"),
    ] {
        let f = fact(chain, label, field);
        if f.known {
            out.push(f);
        }
    }
    out
}

/// "Security": stage, proof system, data availability, category.
pub fn security(chain: &ChainFeatures) -> Vec<Fact> {
    vec![
        fact(chain, "Stage (L2BEAT)", "stage"),
        fact(chain, "Stage observed", "stage_date"),
        fact(chain, "Proof system", "proof_system"),
        fact(chain, "Data availability", "da"),
        fact(chain, "Category", "category"),
    ]
}

/// "no token", with what was last said about one.
fn no_token(chain: &ChainFeatures) -> String {
    match text(chain, "token_status").as_deref() {
        Some("exploring") => "no token (the team is exploring one)".into(),
        Some("announced") => "no token (one was announced, not live)".into(),
        Some("none") => "no token (a dated statement says there is none)".into(),
        _ => "no token known".into(),
    }
}

fn origin_words(origin: &str) -> &str {
    match origin {
        "chain" => "the chain's own",
        "builder" => "the builder's, predating the chain",
        "shared" => "another chain's",
        "app" => "born in an app of its ecosystem",
        other => other,
    }
}
