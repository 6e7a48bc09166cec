//! DefiLlama's free API (`https://api.llama.fi`): the chain list (`/v2/chains`) and each
//! chain's daily TVL history (`/v2/historicalChainTvl/{chain}`), read against the shapes its
//! OpenAPI spec documents. Only the fields moat uses are read: a chain's `name` and `tvl`, a
//! history point's `date` (unix seconds, UTC midnight) and `tvl` (USD).

use super::http::Client;
use super::json::{Node, parse};
use chrono::NaiveDate;

pub const DEFAULT_BASE: &str = "https://api.llama.fi";

/// One entry of `/v2/chains`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainEntry {
    pub name: String,
    pub tvl: f64,
}

/// One daily point of a history.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DailyTvl {
    pub date: NaiveDate,
    pub tvl: f64,
}

pub fn chains_url(base: &str) -> String {
    format!("{}/v2/chains", base.trim_end_matches('/'))
}

pub fn history_url(base: &str, chain: &str) -> String {
    format!(
        "{}/v2/historicalChainTvl/{}",
        base.trim_end_matches('/'),
        encode_segment(chain)
    )
}

/// `/v2/chains`: every chain DefiLlama tracks.
pub fn chains(
    client: &Client,
    base: &str,
    on_wait: &dyn Fn(&str),
) -> anyhow::Result<Vec<ChainEntry>> {
    let url = chains_url(base);
    let body = client.get(&url, on_wait)?;
    parse_chains(&format!("GET {url}"), &body)
}

/// `/v2/historicalChainTvl/{chain}`; `Ok(None)` when DefiLlama answers 404 (it no longer knows
/// the chain).
pub fn history(
    client: &Client,
    base: &str,
    chain: &str,
    on_wait: &dyn Fn(&str),
) -> anyhow::Result<Option<Vec<DailyTvl>>> {
    let url = history_url(base, chain);
    match client.get(&url, on_wait) {
        Ok(body) => Ok(Some(parse_history(&format!("GET {url}"), &body)?)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub fn parse_chains(request: &str, body: &str) -> anyhow::Result<Vec<ChainEntry>> {
    let value = parse(request, body)?;
    Node::root(&value, request).each(|chain| {
        Ok(ChainEntry {
            name: chain.field("name")?.str()?.to_string(),
            tvl: chain.field("tvl")?.amount()?,
        })
    })
}

pub fn parse_history(request: &str, body: &str) -> anyhow::Result<Vec<DailyTvl>> {
    let value = parse(request, body)?;
    Node::root(&value, request).each(|point| {
        let date = point.field("date")?;
        let secs = date.unix_seconds()?;
        let date = chrono::DateTime::from_timestamp(secs, 0)
            .map(|t| t.date_naive())
            .ok_or_else(|| anyhow::anyhow!("{request}: `{}`: {secs} is not a date", date.path()))?;
        Ok(DailyTvl {
            date,
            tvl: point.field("tvl")?.amount()?,
        })
    })
}

/// A chain name as one URL path segment (`OP Mainnet` → `OP%20Mainnet`): everything but
/// RFC 3986's unreserved characters is percent-encoded.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_names_are_encoded_as_one_segment() {
        assert_eq!(
            history_url("https://api.llama.fi/", "OP Mainnet"),
            "https://api.llama.fi/v2/historicalChainTvl/OP%20Mainnet"
        );
        assert_eq!(encode_segment("a/b?c"), "a%2Fb%3Fc");
        assert_eq!(encode_segment("zkSync-Era_1.0~"), "zkSync-Era_1.0~");
    }

    #[test]
    fn the_documented_examples_parse() {
        // The example values of DefiLlama's OpenAPI spec (shared/reference/api_samples).
        let chains = parse_chains(
            "GET c",
            r#"[{"gecko_id":"ethereum","tvl":65998652431.40251,"tokenSymbol":"ETH","cmcId":"1027","name":"Ethereum","chainId":1},
                {"gecko_id":null,"tvl":4454355034.903551,"tokenSymbol":null,"cmcId":null,"name":"Base","chainId":8453}]"#,
        )
        .unwrap();
        assert_eq!(chains[1].name, "Base");
        let history = parse_history("GET h", r#"[{"date":1609459200,"tvl":45000000000}]"#).unwrap();
        assert_eq!(
            history,
            vec![DailyTvl {
                date: NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
                tvl: 45e9
            }]
        );
    }

    #[test]
    fn a_changed_shape_names_the_field() {
        let e = parse_history(
            "GET h",
            r#"[{"date":1609459200,"tvl":1},{"date":"2021-01-02","tvl":2}]"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "GET h: unexpected response shape at `[1].date`: expected a unix time in seconds, found the string \"2021-01-02\""
        );
        let e = parse_chains("GET c", r#"[{"tvl":1,"chain":"Base"}]"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "GET c: unexpected response shape at `[0].name`: expected a value (the field is missing or null), found nothing"
        );
        let e = parse_history("GET h", r#"[{"date":1609459200,"tvl":-5}]"#).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("`[0].tvl`: expected a number >= 0, found the number -5"),
            "{e}"
        );
    }
}
