//! L2BEAT's public scaling summary (`https://l2beat.com/api/scaling/summary`): one object per
//! project with its type, host, category, stack provider, badges (DA among them), stage, risks
//! (the state-validation risk names the proof system), TVS and associated tokens. Two shapes
//! are read: the 2024 one (`provider` a string, badges `{category, name}`, tokens as strings,
//! sometimes `tvl` for `tvs`) and the 2025 one (`providers` a list, badges `{id, type, name,
//! …}`, tokens `{symbol, icon}`); `projects` sits at the top level or under `data`.

use super::http::Client;
use super::json::{Node, parse};

pub const DEFAULT_BASE: &str = "https://l2beat.com";

/// What L2BEAT says about one project, in its own terms (mapping to the dataset's vocabulary
/// is `mapping`'s job).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Project {
    /// The key of the project in `projects` (the dataset's `l2beat_id`).
    pub id: String,
    pub slug: String,
    pub name: String,
    /// `layer2` / `layer3`.
    pub kind: String,
    pub host: Option<String>,
    pub category: String,
    pub providers: Vec<String>,
    pub archived: bool,
    pub upcoming: bool,
    pub under_review: bool,
    /// The ids of its DA badges (`EthereumBlobs`, `DAC`, …).
    pub da_badges: Vec<String>,
    pub stage: String,
    /// The value of the `State Validation` risk (`Fraud proofs (INT)`, `ZK proofs (ST, SN)`).
    pub state_validation: Option<String>,
    /// Total value secured, USD.
    pub tvs: Option<f64>,
    pub tokens: Vec<String>,
}

pub fn summary_url(base: &str) -> String {
    format!("{}/api/scaling/summary", base.trim_end_matches('/'))
}

pub fn summary(
    client: &Client,
    base: &str,
    on_wait: &dyn Fn(&str),
) -> anyhow::Result<Vec<Project>> {
    let url = summary_url(base);
    let body = client.get(&url, on_wait)?;
    parse_summary(&format!("GET {url}"), &body)
}

pub fn parse_summary(request: &str, body: &str) -> anyhow::Result<Vec<Project>> {
    let value = parse(request, body)?;
    let root = Node::root(&value, request);
    let data = root.opt("data")?;
    let projects = match (root.opt("projects")?, &data) {
        (Some(p), _) => p,
        (None, Some(data)) => data.field("projects")?,
        (None, None) => root.field("projects")?,
    };
    projects.members(project)
}

fn project(id: &str, p: Node<'_>) -> anyhow::Result<Project> {
    let flag = |name| -> anyhow::Result<bool> {
        Ok(match p.opt(name)? {
            Some(v) => v.bool()?,
            None => false,
        })
    };
    let mut providers = Vec::new();
    if let Some(one) = p.opt("provider")? {
        providers.push(one.str()?.to_string());
    }
    if let Some(list) = p.opt("providers")? {
        providers.extend(list.each(|s| Ok(s.str()?.to_string()))?);
    }
    let mut da_badges = Vec::new();
    if let Some(badges) = p.opt("badges")? {
        for (kind, badge_id) in badges.each(|b| {
            // 2025: {id, type, name: display name}; 2024: {category, name: the id}.
            let kind = match b.opt("type")? {
                Some(t) => t.str()?,
                None => b.field("category")?.str()?,
            };
            let badge_id = match b.opt("id")? {
                Some(i) => i.str()?,
                None => b.field("name")?.str()?,
            };
            Ok((kind.to_string(), badge_id.to_string()))
        })? {
            if kind == "DA" {
                da_badges.push(badge_id);
            }
        }
    }
    let mut state_validation = None;
    if let Some(risks) = p.opt("risks")? {
        for (name, value) in risks.each(|r| {
            Ok((
                r.field("name")?.str()?.to_string(),
                r.field("value")?.str()?.to_string(),
            ))
        })? {
            if name == "State Validation" {
                state_validation = Some(value);
            }
        }
    }
    let (mut tvs, mut tokens) = (None, Vec::new());
    let value_secured = match p.opt("tvs")? {
        Some(t) => Some(t),
        None => p.opt("tvl")?,
    };
    if let Some(t) = value_secured {
        tvs = Some(t.field("breakdown")?.field("total")?.amount()?);
        if let Some(list) = t.opt("associatedTokens")? {
            tokens = list.each(|token| {
                Ok(if token.is_object() {
                    token.field("symbol")?.str()?.to_string()
                } else {
                    token.str()?.to_string()
                })
            })?;
        }
    }
    Ok(Project {
        id: id.to_string(),
        slug: match p.opt("slug")? {
            Some(s) => s.str()?.to_string(),
            None => id.to_string(),
        },
        name: p.field("name")?.str()?.to_string(),
        kind: p.field("type")?.str()?.to_string(),
        host: p
            .opt("hostChain")?
            .map(|h| h.str())
            .transpose()?
            .map(str::to_string),
        category: p.field("category")?.str()?.to_string(),
        providers,
        archived: flag("isArchived")?,
        upcoming: flag("isUpcoming")?,
        under_review: flag("isUnderReview")?,
        da_badges,
        stage: p.field("stage")?.str()?.to_string(),
        state_validation,
        tvs,
        tokens,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE_2024: &str =
        include_str!("../../tests/fixtures/api/l2beat_scaling_summary_2024-11_excerpt.json");

    #[test]
    fn the_2024_excerpt_reads() {
        let projects = parse_summary("GET s", SAMPLE_2024).unwrap();
        assert_eq!(projects.len(), 2);
        let arb = &projects[0];
        assert_eq!(
            (arb.id.as_str(), arb.name.as_str(), arb.kind.as_str()),
            ("arbitrum", "Arbitrum One", "layer2")
        );
        assert_eq!(arb.providers, vec!["Arbitrum"]);
        assert_eq!(arb.da_badges, vec!["EthereumBlobs"]);
        assert_eq!(arb.stage, "Stage 1");
        assert_eq!(arb.state_validation.as_deref(), Some("Fraud proofs (INT)"));
        assert_eq!(arb.tvs, Some(14519913133.67));
        assert_eq!(arb.tokens, vec!["ARB"]);
        let degen = &projects[1];
        assert_eq!(degen.host.as_deref(), Some("Base"));
        assert_eq!(degen.da_badges, vec!["DAC"]);
        assert_eq!(degen.stage, "NotApplicable");
    }

    #[test]
    fn the_2025_shape_reads() {
        let body = r#"{"chart": {"data": [[1756620000, 1, 2, 3, 4214.4897]], "syncedUntil": 1756620000},
          "projects": {"arbitrum": {"id": "arbitrum", "name": "Arbitrum One", "slug": "arbitrum",
            "type": "layer2", "hostChain": "Ethereum", "category": "Optimistic Rollup",
            "providers": ["Arbitrum"], "purposes": ["Universal"], "isArchived": false,
            "isUpcoming": false, "isUnderReview": false,
            "badges": [{"id": "EVM", "type": "VM", "name": "EVM", "description": "d",
                        "action": {"type": "scalingFilter", "id": "vm", "value": "EVM"}},
                       {"id": "EthereumBlobs", "type": "DA", "name": "Ethereum with blobs", "description": "d",
                        "action": {"type": "scalingFilter", "id": "da", "value": "x"}}],
            "stage": "Stage 1",
            "risks": [{"name": "State Validation", "value": "Fraud proofs (INT)", "sentiment": "warning", "description": "d"}],
            "tvs": {"breakdown": {"total": 20010035000, "native": 1, "canonical": 1, "external": 1,
                    "ether": 1, "stablecoin": 1, "btc": 1, "other": 1, "associated": 1},
                    "change7d": 0.02, "associatedTokens": [{"symbol": "ARB", "icon": "https://x"}]}}}}"#;
        let projects = parse_summary("GET s", body).unwrap();
        let arb = &projects[0];
        assert_eq!(arb.host.as_deref(), Some("Ethereum"));
        assert_eq!(arb.providers, vec!["Arbitrum"]);
        assert_eq!(arb.da_badges, vec!["EthereumBlobs"]);
        assert_eq!(arb.tvs, Some(20010035000.0));
        assert_eq!(arb.tokens, vec!["ARB"]);
    }

    #[test]
    fn a_changed_shape_names_the_project_and_field() {
        let body = SAMPLE_2024.replace(r#""stage": "Stage 1""#, r#""stage": {"value": 1}"#);
        let e = parse_summary("GET s", &body).unwrap_err();
        assert_eq!(
            e.to_string(),
            "GET s: unexpected response shape at `projects.arbitrum.stage`: expected a string, found an object"
        );
        let e = parse_summary("GET s", r#"{"success": true}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "GET s: unexpected response shape at `projects`: expected a value (the field is missing or null), found nothing"
        );
    }
}
