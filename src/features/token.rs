//! What was known about a chain's token at the as-of date. "Without a token there is nothing to
//! invest in", so the rules need to tell a live token from an announced one, from a dated
//! statement that there will be none, from plain silence; the token events are the only
//! dated source for that, and the chains row's `token` column (a later snapshot) is never used.
//!
//! Semantics: `token_launch` and `token_observed` events mean live; `token_announced` →
//! `announced`, `token_exploration` → `exploring`, `no_token_statement` → `none`. If a live
//! event is dated on or before `as_of`: `token_status` = `live`, `token` = the value (symbol)
//! of the latest live event (Missing if it has none), `token_date` = the date of the earliest
//! live event, and `token_origin` = `chains.token_origin` (Missing when null). Otherwise
//! `token_status` and `token_date` come from the latest other token event on or before
//! `as_of`, and `token` and `token_origin` are Missing. With no token event on or before
//! `as_of`, all four are Missing. `token_origin` describes the token itself (whose token it
//! is), true from its launch on, so the curated chains-row value is used once a token is live.
//! Among events of the same date the first in file order wins. (On the shipped data Base is
//! `none` from 2023-08-09 and `exploring` from its `token_exploration` event of 2025-09-15.)

use super::attributes::event_provenance;
use super::cut::Cut;
use super::universe::ChainFeatures;
use super::value::Value;
use crate::dataset::vocabulary::{
    NO_TOKEN_STATEMENT, TOKEN_ANNOUNCED, TOKEN_EXPLORATION, TOKEN_LIVE_KINDS,
};

/// Fields produced (besides slug).
#[cfg(test)]
pub const FIELDS: &[&str] = &["token", "token_origin", "token_status", "token_date"];

pub fn fill(cut: &Cut, chains: &mut [ChainFeatures]) {
    for (c, &i) in chains.iter_mut().zip(&cut.members) {
        let events = cut.events(i);
        let live: Vec<_> = events
            .iter()
            .filter(|e| TOKEN_LIVE_KINDS.contains(&e.kind.as_str()))
            .collect();
        if let Some(first) = live.first() {
            // Events are in (date, row) order: the first live one is the earliest; the
            // latest symbol is that of the last live date's first row.
            let last_date = live.last().map(|e| e.date);
            let symbol = live
                .iter()
                .find(|e| Some(e.date) == last_date)
                .and_then(|e| e.value.as_deref());
            let p = event_provenance(first);
            c.set_from("token", Value::text(symbol), p.clone());
            let origin = cut.index.chains[i].token_origin.as_deref();
            c.set_from("token_origin", Value::text(origin), p.clone());
            c.set_from("token_status", Value::Text("live".into()), p.clone());
            c.set_from("token_date", Value::Date(first.date), p);
            continue;
        }
        let status = |kind: &str| match kind {
            TOKEN_ANNOUNCED => Some("announced"),
            TOKEN_EXPLORATION => Some("exploring"),
            NO_TOKEN_STATEMENT => Some("none"),
            _ => None,
        };
        // The latest other token event; on one date, the first in file order.
        let other: Vec<_> = events
            .iter()
            .filter(|e| status(&e.kind).is_some())
            .collect();
        let last_date = other.last().map(|e| e.date);
        if let Some(e) = other.iter().find(|e| Some(e.date) == last_date) {
            let p = event_provenance(e);
            let s = status(&e.kind).unwrap_or_default();
            c.set_from("token_status", Value::Text(s.into()), p.clone());
            c.set_from("token_date", Value::Date(e.date), p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{at, d, field};
    use crate::features::Value;

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn token_status_over_time() {
        // alpha: announced 2023-03-01, launched ALP 2023-09-01, observed as ALP2 2024-01-10.
        let u = at("2023-02-28");
        for f in ["token", "token_origin", "token_status", "token_date"] {
            assert_eq!(field(&u, "alpha", f), Value::Missing, "{f}");
        }
        let u = at("2023-03-01");
        assert_eq!(field(&u, "alpha", "token_status"), text("announced"));
        assert_eq!(
            field(&u, "alpha", "token_date"),
            Value::Date(d("2023-03-01"))
        );
        assert_eq!(field(&u, "alpha", "token"), Value::Missing);
        assert_eq!(field(&u, "alpha", "token_origin"), Value::Missing);
        let u = at("2023-09-01");
        assert_eq!(field(&u, "alpha", "token_status"), text("live"));
        assert_eq!(field(&u, "alpha", "token"), text("ALP"));
        assert_eq!(
            field(&u, "alpha", "token_date"),
            Value::Date(d("2023-09-01"))
        );
        assert_eq!(field(&u, "alpha", "token_origin"), text("chain"));
        // Latest live symbol, earliest live date.
        let u = at("2024-01-10");
        assert_eq!(field(&u, "alpha", "token"), text("ALP2"));
        assert_eq!(
            field(&u, "alpha", "token_date"),
            Value::Date(d("2023-09-01"))
        );

        // beta: no_token_statement 2023-08-01, token_exploration 2024-02-01.
        let u = at("2023-12-31");
        assert_eq!(field(&u, "beta", "token_status"), text("none"));
        assert_eq!(
            field(&u, "beta", "token_date"),
            Value::Date(d("2023-08-01"))
        );
        assert_eq!(field(&u, "beta", "token"), Value::Missing);
        let u = at("2024-02-01");
        assert_eq!(field(&u, "beta", "token_status"), text("exploring"));
        assert_eq!(
            field(&u, "beta", "token_date"),
            Value::Date(d("2024-02-01"))
        );

        // zeta: token_observed ZET 2023-05-01, token_origin null; gamma: no token events.
        assert_eq!(field(&u, "zeta", "token_status"), text("live"));
        assert_eq!(field(&u, "zeta", "token"), text("ZET"));
        assert_eq!(field(&u, "zeta", "token_origin"), Value::Missing);
        assert_eq!(field(&u, "gamma", "token_status"), Value::Missing);
        assert_eq!(field(&u, "gamma", "token_date"), Value::Missing);
    }
}
