//! Time budgets of a screen: how long one rule's evaluations may take together, and all the
//! evaluations of the screen. The per-evaluation time limit alone would let one slow rule take
//! a hundred times that limit on a hundred chains; with a budget, once a rule has spent its
//! share its remaining evaluations are ERROR without running, and an evaluation that starts
//! with less than its time limit left stops when the budget runs out.
//!
//! What stays deterministic: a rule that never comes near its budget gets the same verdicts
//! whatever the thread count or the machine's speed, and a runaway rule changes no verdict but
//! its own. Which of a runaway rule's evaluations ran (and erred on their own) and which were
//! refused by the budget depends on timing.
//!
//! A rule is charged the wall time of its evaluations until it has spent [`PRECISE_FROM`] of
//! its budget, and from then on the CPU time of the thread each ran on: wall time counts the
//! time an evaluation waited for a core, which more threads than cores (`--threads 16` on two)
//! or a busy machine multiply, so a rule far from its budget in work would run out of it. The
//! CPU time costs a system call at each end of an evaluation (about 0.4 µs), which the many
//! evaluations of a rule far below its budget are spared.

use crate::rules::pack::CompiledRule;
pub(crate) use crate::rules::thread_cpu_time;
use crate::rules::{DeadlineKind, RulePack};
use polars::prelude::PlHashMap;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A rule that has spent this part of its budget (a sixteenth) is charged CPU time (see
/// [`Budget::precise`]).
pub(crate) const PRECISE_FROM: u128 = 16;

/// The budgets of one run (a screen, an `explain`, a `rules test`), shared by its threads.
pub struct Budget {
    rule: Duration,
    /// One rule's budget for this screen alone (`rule` less what earlier dates add).
    fresh: Duration,
    screen: Duration,
    started: Instant,
    spent: PlHashMap<String, Spent>,
}

/// What one rule has spent.
#[derive(Default)]
pub(crate) struct Spent {
    nanos: AtomicU64,
    /// Where the first of its evaluations that failed stopped: the location of the
    /// evaluations its budget then refuses (its entry function when none failed).
    pub(crate) stopped_at: OnceLock<String>,
}

/// What the rules spent in the earlier screens of one run (a backtest's dates): the time each
/// rule took, where its first failing evaluation stopped, and the chains judged. A backtest
/// hands it from one date to the next, and a rule's budget at a date is its budget for that
/// screen plus [`RULE_TIME_PER_CHAIN`] for each chain judged at the dates before, less what it
/// spent at them: the fixed part of a budget is spent once in a run, not once per date. A rule
/// that has run out of it stays out: it is ERROR without running at every later date. So a
/// runaway rule, whether it runs out of its budget at one date or is stopped by the operations
/// limit on every chain of every date without ever running out within one, spends about one
/// budget in the whole backtest (250 weekly dates would otherwise take it 250 times over); a
/// rule far within the allowance per chain never comes near it.
///
/// [`RULE_TIME_PER_CHAIN`]: crate::rules::limits::RULE_TIME_PER_CHAIN
#[derive(Debug, Default)]
pub struct SpentRules(Mutex<Carried>);

#[derive(Debug, Default)]
struct Carried {
    /// Chains judged at the earlier dates, all together.
    chains: u64,
    /// Each rule's time spent at the earlier dates (nanoseconds), where its first failing
    /// evaluation stopped, and whether it ran out of its budget.
    rules: BTreeMap<String, (u64, Option<String>, bool)>,
}

impl SpentRules {
    fn lock(&self) -> std::sync::MutexGuard<'_, Carried> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Budget {
    /// [`Budget::new`], with what the rules spent at the earlier dates of `before` charged and
    /// the allowance of the chains judged there added.
    pub fn after(pack: &RulePack, chains: usize, before: &SpentRules) -> Budget {
        let mut budget = Budget::new(pack, chains);
        let carried = before.lock();
        let earlier = u32::try_from(carried.chains).unwrap_or(u32::MAX);
        budget.rule = budget
            .rule
            .saturating_add(crate::rules::limits::RULE_TIME_PER_CHAIN.saturating_mul(earlier));
        let all = u64::try_from(budget.rule.as_nanos()).unwrap_or(u64::MAX);
        for (id, (nanos, stopped_at, out)) in &carried.rules {
            if let Some(spent) = budget.spent.get(id) {
                spent.nanos.store(
                    if *out { all.max(*nanos) } else { *nanos },
                    Ordering::Relaxed,
                );
                if let Some(at) = stopped_at {
                    let _ = spent.stopped_at.set(at.clone());
                }
            }
        }
        budget
    }

    /// Record in `spent` what this screen's rules have spent (counting what they had spent
    /// before it, as [`Budget::after`] started them) and the chains it judged.
    pub fn pass_on(&self, spent: &SpentRules, chains: usize) {
        let all = u64::try_from(self.rule.as_nanos()).unwrap_or(u64::MAX);
        let mut out = spent.lock();
        out.chains = out.chains.saturating_add(chains as u64);
        for (id, s) in &self.spent {
            let entry = out.rules.entry(id.clone()).or_default();
            entry.0 = s.nanos.load(Ordering::Relaxed);
            if entry.1.is_none() {
                entry.1 = s.stopped_at.get().cloned();
            }
            entry.2 |= entry.0 >= all;
        }
    }

    /// Fresh budgets for the rules of `pack` judging `chains` chains, as its screen.toml sets
    /// them.
    pub fn new(pack: &RulePack, chains: usize) -> Budget {
        let (rule, screen) = pack.time_budgets(chains);
        Budget {
            rule,
            fresh: rule,
            screen,
            started: Instant::now(),
            spent: pack
                .rules
                .iter()
                .map(|r| (r.info.id.clone(), Spent::default()))
                .collect(),
        }
    }

    pub(crate) fn of(&self, rule: &CompiledRule) -> &Spent {
        &self.spent[&rule.info.id]
    }

    /// The time the next evaluation of a rule may take, and which bound sets it; `Err` with
    /// the bound when it may not run at all.
    pub(crate) fn allowance(
        &self,
        spent: &Spent,
        limit: Duration,
    ) -> Result<(Duration, DeadlineKind), DeadlineKind> {
        let screen_left = self.screen.saturating_sub(self.started.elapsed());
        let rule_left = self
            .rule
            .saturating_sub(Duration::from_nanos(spent.nanos.load(Ordering::Relaxed)));
        if screen_left.is_zero() {
            return Err(DeadlineKind::ScreenBudget);
        }
        if rule_left.is_zero() {
            return Err(DeadlineKind::RuleBudget);
        }
        Ok([
            (limit, DeadlineKind::Evaluation),
            (rule_left, DeadlineKind::RuleBudget),
            (screen_left, DeadlineKind::ScreenBudget),
        ]
        .into_iter()
        .min_by_key(|(time, _)| *time)
        .expect("three candidates"))
    }

    /// Whether a rule that has spent `spent` is charged CPU time rather than wall time: once
    /// what it has left is less than a screen's budget less a sixteenth of it (in one screen,
    /// once it has spent a sixteenth; in a backtest, what the earlier dates spent and the
    /// allowance of their chains count as well).
    pub(crate) fn precise(&self, spent: &Spent) -> bool {
        let left = self
            .rule
            .as_nanos()
            .saturating_sub(u128::from(spent.nanos.load(Ordering::Relaxed)));
        let fresh = self.fresh.as_nanos();
        left <= fresh - fresh / PRECISE_FROM
    }

    /// Charge `time` to a rule.
    pub(crate) fn charge(&self, spent: &Spent, time: Duration) {
        let nanos = u64::try_from(time.as_nanos()).unwrap_or(u64::MAX);
        spent.nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// The budgets in milliseconds, for messages: (rule, screen).
    pub(crate) fn millis(&self) -> (u128, u128) {
        (self.rule.as_millis(), self.screen.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thread's CPU time does not count the time it sleeps.
    #[test]
    fn a_threads_cpu_time_leaves_out_its_waits() {
        let (wall, cpu) = (Instant::now(), thread_cpu_time());
        std::thread::sleep(Duration::from_millis(50));
        let slept = thread_cpu_time() - cpu;
        assert!(wall.elapsed() >= Duration::from_millis(50));
        assert!(slept < Duration::from_millis(25), "{slept:?}");
    }

    fn budget(rule: u64, screen: u64) -> Budget {
        Budget {
            rule: Duration::from_millis(rule),
            fresh: Duration::from_millis(rule),
            screen: Duration::from_millis(screen),
            started: Instant::now(),
            spent: [("r".to_string(), Spent::default())].into_iter().collect(),
        }
    }

    #[test]
    fn the_tightest_bound_sets_the_deadline_and_a_spent_budget_refuses() {
        let b = budget(300, 60_000);
        let spent = &b.spent["r"];
        let limit = Duration::from_secs(1);
        assert_eq!(
            b.allowance(spent, limit).unwrap().1,
            DeadlineKind::RuleBudget
        );
        assert_eq!(
            b.allowance(spent, Duration::from_millis(10)).unwrap(),
            (Duration::from_millis(10), DeadlineKind::Evaluation)
        );
        assert!(!b.precise(spent));
        b.charge(spent, Duration::from_millis(18));
        assert!(!b.precise(spent));
        b.charge(spent, Duration::from_millis(1));
        assert!(b.precise(spent), "a sixteenth of 300 ms is 18.75 ms");
        b.charge(spent, Duration::from_millis(281));
        assert_eq!(b.allowance(spent, limit), Err(DeadlineKind::RuleBudget));
        let b = budget(300, 0);
        assert_eq!(
            b.allowance(&b.spent["r"], limit),
            Err(DeadlineKind::ScreenBudget)
        );
    }
}
