//! One evaluation: one compiled rule against one chain (or the sector). Builds the values the
//! rule sees around a fresh evidence trace, calls the entry function without re-running the
//! file's top level, and turns whatever happens into a verdict. Nothing here returns `Err`: a
//! rule that breaks is an ERROR verdict and the screen goes on.

use super::diagnose::{self, Context};
use super::outcome;
use super::verdict::{Evidence, Status, Verdict};
use crate::rules::RulePack;
use crate::rules::api::chain::Chain;
use crate::rules::api::params::Params;
use crate::rules::api::peers::Peers;
use crate::rules::api::trace::Trace;
use crate::rules::api::world::World;
use crate::rules::pack::CompiledRule;
use rhai::{CallFnOptions, Dynamic, Scope};
use std::sync::Arc;

/// What a rule is evaluated against.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    Chain(usize),
    Sector,
}

pub fn run(
    pack: &RulePack,
    rule: &CompiledRule,
    world: &Arc<World>,
    target: Target,
    scope: &mut Scope,
) -> Verdict {
    if let Some(broken) = &rule.broken {
        return Verdict {
            rule: rule.info.id.clone(),
            status: Status::Error,
            reason: format!("the rule does not compile: {}", broken.message),
            hint: None,
            evidence: Vec::new(),
            params: Default::default(),
            location: Some(format!(
                "{}:{}:{}",
                rule.info.file, broken.line, broken.column
            )),
            output: Vec::new(),
        };
    }
    let trace = Trace::default();
    let params = Params::new(rule.params.clone(), trace.clone());
    let peers = Peers::all(world.clone(), trace.clone());
    let options = || CallFnOptions::new().eval_ast(false).rewind_scope(true);
    scope.clear();
    let (result, output) = crate::rules::guarded(pack.limits.time_limit, || match target {
        Target::Chain(i) => {
            let chain = Chain::subject(world.clone(), i, trace.clone());
            pack.engine.call_fn_with_options::<Dynamic>(
                options(),
                scope,
                &rule.ast,
                "rule",
                (chain, params, peers),
            )
        }
        Target::Sector => pack.engine.call_fn_with_options::<Dynamic>(
            options(),
            scope,
            &rule.ast,
            "sector",
            (peers, params),
        ),
    });
    let data = trace.take();
    let entry_location = || format!("{}:{}:{}", rule.info.file, rule.entry_at.0, rule.entry_at.1);
    let (status, reason, hint, location) = match result {
        Ok(value) => match outcome::read(&value) {
            Ok(o) => (o.status, o.reason, o.hint, None),
            Err(message) => (Status::Error, message, None, Some(entry_location())),
        },
        Err(err) => {
            let ctx = Context {
                file: &rule.info.file,
                source: &rule.source,
                entry_at: rule.entry_at,
                limits: &pack.limits,
                missing: &data.missing,
            };
            let (message, location) = diagnose::explain(&err, &ctx);
            (Status::Error, message, None, Some(location))
        }
    };
    Verdict {
        rule: rule.info.id.clone(),
        status,
        reason,
        hint,
        evidence: data
            .readings
            .into_iter()
            .map(|r| Evidence {
                field: r.label,
                value: r.value,
            })
            .collect(),
        params: data.params,
        location,
        output,
    }
}
