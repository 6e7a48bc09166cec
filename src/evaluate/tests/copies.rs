//! A large screen on several threads gives each thread its own copy of the rule pack
//! (`RulePack::copy`): the copies must judge exactly as the pack does.

use super::*;
use crate::evaluate::{ScreenOptions, Status, screen};
use crate::rules::api::params::ParamTable;
use std::sync::Arc;

const RULES: &[(&str, &str)] = &[
    (
        "big_enough",
        r#"fn rule(chain, params, peers) {
    if chain.tvl_usd >= params.min_tvl { pass(`${chain.name} holds ${chain.tvl_usd}`) }
    else { fail(`below ${params.min_tvl} (median ${peers.median("tvl_usd")})`) }
}"#,
    ),
    (
        "stack",
        r#"fn rule(chain, params, peers) {
    if chain.stack == params.stack { pass("on the stack") } else { fail(`on ${chain.stack}`) }
}"#,
    ),
];

const PARAMS: &str =
    "[rules.big_enough.params]\nmin_tvl = 1500.0\n[rules.stack.params]\nstack = \"op\"\n";

#[test]
fn a_pack_copies_itself_unless_its_parameters_were_changed_after_loading() {
    let mut pack = pack(RULES, PARAMS);
    let copy = pack.copy().expect("a loaded pack copies itself");
    assert_eq!(copy.hash(), pack.hash());
    assert_eq!(
        copy.rules().collect::<Vec<_>>(),
        pack.rules().collect::<Vec<_>>()
    );
    assert!(
        copy.rules
            .iter()
            .zip(&pack.rules)
            .all(|(c, r)| !Arc::ptr_eq(&c.params, &r.params)),
        "each copy reads parameter tables of its own"
    );

    let changed: toml::Table = toml::from_str("min_tvl = 10.0").unwrap();
    pack.rules[0].params = Arc::new(ParamTable::from_toml("big_enough", &changed));
    assert!(
        pack.copy().is_none(),
        "a copy compiled from the sources would lose the changed parameter"
    );
}

#[test]
fn a_large_screen_on_two_threads_judges_as_one_thread_does() {
    let chains: Vec<_> = (0..2_500)
        .map(|i| {
            chain(
                &format!("chain{i:04}"),
                &[
                    ("tvl_usd", Value::Num(f64::from(i))),
                    ("stack", t(if i % 3 == 0 { "op" } else { "arbitrum" })),
                ],
            )
        })
        .collect();
    assert!(chains.len() >= crate::evaluate::OWN_PACK_FROM_CHAINS);
    let universe = universe(chains);
    let pack = pack(RULES, PARAMS);
    let run = |threads| {
        let options = ScreenOptions {
            threads: Some(threads),
            ..Default::default()
        };
        screen(&pack, &universe, &options).unwrap()
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one, two);
    let passed = |rule: &str| {
        two.chains
            .iter()
            .filter(|c| {
                c.verdicts
                    .iter()
                    .any(|v| v.rule == rule && v.status == Status::Pass)
            })
            .count()
    };
    assert_eq!(passed("big_enough"), 1_000, "chains 1500 to 2499");
    assert_eq!(passed("stack"), 834, "every third chain");
}
