//! L2BEAT's terms onto the dataset's vocabulary (`dataset::vocabulary`). Each table below
//! lists exactly the L2BEAT values moat knows how to read; a value outside it is reported as
//! unmapped and nothing is written for it: moat never guesses what a new L2BEAT term means.

use super::l2beat::Project;

/// What one attribute of a project maps to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapped {
    /// A value of the dataset's vocabulary, and the L2BEAT term it came from (for notes).
    Value { value: String, from: String },
    /// L2BEAT says nothing about it.
    Absent,
    /// L2BEAT says something moat does not know how to map: reported, not written.
    Unknown { field: &'static str, raw: String },
}

#[cfg(test)]
impl Mapped {
    pub fn value(&self) -> Option<&str> {
        match self {
            Mapped::Value { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// `type` → layer.
const LAYER_TERMS: &[(&str, &str)] = &[("layer2", "L2"), ("layer3", "L3")];

/// `category` → category.
const CATEGORY_TERMS: &[(&str, &str)] = &[
    ("Optimistic Rollup", "optimistic_rollup"),
    ("ZK Rollup", "zk_rollup"),
    ("Optimium", "optimium"),
    ("Validium", "validium"),
    ("Other", "other"),
];

/// `stage` → stage (a project `isUnderReview` is `under_review` whatever its stage says).
const STAGE_TERMS: &[(&str, &str)] = &[
    ("Stage 0", "0"),
    ("Stage 1", "1"),
    ("Stage 2", "2"),
    ("NotApplicable", "na"),
    ("UnderReview", "under_review"),
];

/// `provider` / `providers` → stack: L2BEAT's provider list (Layer2Provider and
/// Layer3Provider in its config) onto the stack families of chains.csv.
const STACK_TERMS: &[(&str, &str)] = &[
    ("OP Stack", "op_stack"),
    ("Arbitrum", "arbitrum_orbit"),
    ("ZK Stack", "zk_stack"),
    ("Polygon", "polygon_cdk"),
    ("StarkEx", "starkex"),
    ("Starknet", "starknet"),
    ("ZKsync Lite", "zksync_lite"),
    ("Loopring", "loopring"),
    ("OVM", "ovm"),
    ("Taiko", "taiko"),
    ("Cartesi Rollups", "cartesi"),
    ("zkLink Nexus", "zklink_nexus"),
];

/// DA badge ids → DA. `external` is the dataset's value for a DA layer outside Ethereum
/// that has no value of its own (Avail, NEAR DA, custom solutions).
const DA_TERMS: &[(&str, &str)] = &[
    ("EthereumBlobs", "ethereum_blobs"),
    ("EthereumCalldata", "ethereum_calldata"),
    ("Celestia", "celestia"),
    ("CelestiaBlobstream", "celestia"),
    ("EigenDA", "eigenda"),
    ("DAC", "dac"),
    ("Avail", "external"),
    ("NearDA", "external"),
    ("CustomDA", "external"),
];

/// Prefixes of the `State Validation` risk value → proof system.
const PROOF_TERMS: &[(&str, &str)] = &[
    ("Fraud proofs", "fraud"),
    ("ZK proofs", "validity"),
    ("Validity proofs", "validity"),
    ("None", "none"),
];

fn lookup(table: &[(&str, &str)], field: &'static str, raw: &str) -> Mapped {
    match table.iter().find(|(term, _)| *term == raw) {
        Some((_, value)) => Mapped::Value {
            value: value.to_string(),
            from: raw.to_string(),
        },
        None => Mapped::Unknown {
            field,
            raw: raw.to_string(),
        },
    }
}

pub fn layer(p: &Project) -> Mapped {
    lookup(LAYER_TERMS, "type", &p.kind)
}

pub fn category(p: &Project) -> Mapped {
    lookup(CATEGORY_TERMS, "category", &p.category)
}

pub fn stage(p: &Project) -> Mapped {
    if p.under_review {
        return Mapped::Value {
            value: "under_review".into(),
            from: "isUnderReview".into(),
        };
    }
    lookup(STAGE_TERMS, "stage", &p.stage)
}

/// The stack: one provider; several different ones are reported rather than picked from.
pub fn stack(p: &Project) -> Mapped {
    let mut providers = p.providers.clone();
    providers.dedup();
    match providers.as_slice() {
        [] => Mapped::Absent,
        [one] => lookup(STACK_TERMS, "provider", one),
        many => Mapped::Unknown {
            field: "providers",
            raw: many.join(", "),
        },
    }
}

/// The DA: the DA badges' values, which must agree; blobs and calldata together are
/// `ethereum` (either, by price).
pub fn da(p: &Project) -> Mapped {
    let mut values = Vec::new();
    for badge in &p.da_badges {
        match DA_TERMS.iter().find(|(term, _)| term == badge) {
            Some((_, value)) => values.push(*value),
            None => return lookup(DA_TERMS, "DA badge", badge),
        }
    }
    values.sort_unstable();
    values.dedup();
    let from = p.da_badges.join(" + ");
    match values.as_slice() {
        [] => Mapped::Absent,
        [one] => Mapped::Value {
            value: one.to_string(),
            from,
        },
        ["ethereum_blobs", "ethereum_calldata"] => Mapped::Value {
            value: "ethereum".into(),
            from,
        },
        _ => Mapped::Unknown {
            field: "DA badges",
            raw: from,
        },
    }
}

pub fn proof_system(p: &Project) -> Mapped {
    let Some(raw) = &p.state_validation else {
        return Mapped::Absent;
    };
    match PROOF_TERMS
        .iter()
        .find(|(prefix, _)| raw.starts_with(prefix))
    {
        Some((_, value)) => Mapped::Value {
            value: value.to_string(),
            from: raw.clone(),
        },
        None => Mapped::Unknown {
            field: "State Validation risk",
            raw: raw.clone(),
        },
    }
}

/// The token, when L2BEAT associates exactly one with the project (a symbol is free text in
/// the dataset: it maps to itself).
pub fn token(p: &Project) -> Mapped {
    match p.tokens.as_slice() {
        [] => Mapped::Absent,
        [one] => Mapped::Value {
            value: one.clone(),
            from: one.clone(),
        },
        many => Mapped::Unknown {
            field: "associatedTokens",
            raw: many.join(", "),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::vocabulary::{CATEGORIES, DA, LAYERS, PROOF_SYSTEMS, STAGES};

    /// Each table with the vocabulary its values must belong to (a test checks them, so that a
    /// renamed vocabulary value cannot go unnoticed here).
    type Terms = &'static [(&'static str, &'static str)];
    fn vocabulary_tables() -> [(Terms, &'static [&'static str]); 5] {
        [
            (LAYER_TERMS, LAYERS),
            (CATEGORY_TERMS, CATEGORIES),
            (STAGE_TERMS, STAGES),
            (DA_TERMS, DA),
            (PROOF_TERMS, PROOF_SYSTEMS),
        ]
    }

    #[test]
    fn every_mapped_value_is_in_the_vocabulary() {
        for (table, vocabulary) in vocabulary_tables() {
            for (term, value) in table {
                assert!(vocabulary.contains(value), "{term} → {value}");
            }
        }
    }

    fn project() -> Project {
        Project {
            kind: "layer2".into(),
            category: "Optimistic Rollup".into(),
            stage: "Stage 1".into(),
            providers: vec!["OP Stack".into()],
            da_badges: vec!["EthereumBlobs".into()],
            state_validation: Some("Fraud proofs (INT)".into()),
            tokens: vec!["OP".into()],
            ..Project::default()
        }
    }

    #[test]
    fn known_terms_map() {
        let p = project();
        assert_eq!(layer(&p).value(), Some("L2"));
        assert_eq!(category(&p).value(), Some("optimistic_rollup"));
        assert_eq!(stage(&p).value(), Some("1"));
        assert_eq!(stack(&p).value(), Some("op_stack"));
        assert_eq!(da(&p).value(), Some("ethereum_blobs"));
        assert_eq!(proof_system(&p).value(), Some("fraud"));
        assert_eq!(token(&p).value(), Some("OP"));
        let p = Project {
            da_badges: vec!["EthereumCalldata".into(), "EthereumBlobs".into()],
            under_review: true,
            state_validation: Some("ZK proofs (ST, SN)".into()),
            ..project()
        };
        assert_eq!(da(&p).value(), Some("ethereum"));
        assert_eq!(stage(&p).value(), Some("under_review"));
        assert_eq!(proof_system(&p).value(), Some("validity"));
    }

    #[test]
    fn unknown_terms_are_reported_not_guessed() {
        let p = Project {
            kind: "layer4".into(),
            category: "Plasma".into(),
            stage: "Stage 3".into(),
            providers: vec!["Fancy Stack".into()],
            da_badges: vec!["MEMO".into()],
            state_validation: Some("SGX proofs".into()),
            tokens: vec!["A".into(), "B".into()],
            ..Project::default()
        };
        for (got, field, raw) in [
            (layer(&p), "type", "layer4"),
            (category(&p), "category", "Plasma"),
            (stage(&p), "stage", "Stage 3"),
            (stack(&p), "provider", "Fancy Stack"),
            (da(&p), "DA badge", "MEMO"),
            (proof_system(&p), "State Validation risk", "SGX proofs"),
            (token(&p), "associatedTokens", "A, B"),
        ] {
            assert_eq!(
                got,
                Mapped::Unknown {
                    field,
                    raw: raw.into()
                }
            );
        }
        let p = Project {
            da_badges: vec!["DAC".into(), "Celestia".into()],
            providers: vec![],
            ..project()
        };
        assert_eq!(
            da(&p),
            Mapped::Unknown {
                field: "DA badges",
                raw: "DAC + Celestia".into()
            }
        );
        assert_eq!(stack(&p), Mapped::Absent);
    }
}
