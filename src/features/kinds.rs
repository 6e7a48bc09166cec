//! The event and link kinds the feature stage reads, named once. `events.csv` and
//! `ecosystem_links.csv` carry them as free strings; a typo in a comparison would silently
//! turn a feature into "no data", so every module compares against these constants instead.

pub const MAINNET_LAUNCH: &str = "mainnet_launch";
pub const SHUTDOWN: &str = "shutdown";

pub const STAGE_OBSERVED: &str = "stage_observed";
pub const STAGE_CHANGE: &str = "stage_change";
/// Events that record a chain's L2BEAT stage (value = the stage).
pub const STAGE_KINDS: &[&str] = &[STAGE_OBSERVED, STAGE_CHANGE];

pub const STACK_CHANGE: &str = "stack_change";
pub const DA_CHANGE: &str = "da_change";
pub const PROOF_SYSTEM_CHANGE: &str = "proof_system_change";

pub const SUPERCHAIN_JOIN: &str = "superchain_join";
pub const SUPERCHAIN_LEAVE: &str = "superchain_leave";

pub const TOKEN_LAUNCH: &str = "token_launch";
pub const TOKEN_OBSERVED: &str = "token_observed";
pub const TOKEN_ANNOUNCED: &str = "token_announced";
pub const TOKEN_EXPLORATION: &str = "token_exploration";
pub const NO_TOKEN_STATEMENT: &str = "no_token_statement";
/// Events that show a token trading or listed (value = symbol).
pub const TOKEN_LIVE_KINDS: &[&str] = &[TOKEN_LAUNCH, TOKEN_OBSERVED];
/// Every token event, live or not.
pub const TOKEN_KINDS: &[&str] = &[
    TOKEN_LAUNCH,
    TOKEN_OBSERVED,
    TOKEN_ANNOUNCED,
    TOKEN_EXPLORATION,
    NO_TOKEN_STATEMENT,
];

/// Links that count as something born in the source chain's ecosystem.
pub const SPAWNED_LINK_KINDS: &[&str] = &["spawned_token", "spawned_chain"];

/// The `layer` value of context chains, which are never screened.
pub const LAYER_L1: &str = "L1";
pub const LAYER_L3: &str = "L3";
/// The `stack` value meaning "a stack of its own" (normalised to the chain's slug).
pub const OWN_STACK: &str = "own";
