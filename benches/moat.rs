//! `cargo bench`: what a screen costs, stage by stage, on the shipped data and on synthetic
//! universes; each shipped rule's cost per decision beside the same logic in native Rust (the
//! floor); a backtest over the whole weekly history. Medians are in target/criterion/; the
//! README's performance section quotes them with the command that measured them.

mod native;
mod universes;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use moat::evaluate::{self, ScreenOptions};
use moat::features::Index;
use moat::history::Every;
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn shipped(c: &mut Criterion) {
    let data = repo().join("datasets/l2");
    let rules = repo().join("rules");
    let ds = moat::load_dataset(&data).expect("the shipped dataset loads");
    let pack = moat::load_rules(&rules).expect("the shipped rules load");
    let vintage = ds.manifest.vintage_date();
    let options = pack.feature_options();

    let mut g = c.benchmark_group("shipped");
    g.bench_function("load", |b| {
        b.iter(|| moat::load_dataset(black_box(&data)).expect("loads"))
    });
    g.bench_function("index", |b| {
        b.iter(|| Index::new(black_box(&ds)).expect("indexes"))
    });
    let index = Index::new(&ds).expect("indexes");
    g.bench_function("features", |b| {
        b.iter(|| index.universe(black_box(vintage), &options).expect("cuts"))
    });
    let universe = index.universe(vintage, &options).expect("cuts");
    let one_thread = ScreenOptions {
        threads: Some(1),
        ..Default::default()
    };
    // What every screen builds before its first evaluation: the universe as rules see it.
    g.bench_function("world", |b| {
        b.iter(|| moat::rules::World::new(black_box(&universe)))
    });
    g.bench_function("evaluate", |b| {
        b.iter(|| evaluate::screen(&pack, black_box(&universe), &one_thread).expect("screens"))
    });
    g.bench_function("screen_end_to_end", |b| {
        b.iter(|| {
            let ds = moat::load_dataset(&data).expect("loads");
            moat::screen(&ds, &pack, vintage, &one_thread).expect("screens")
        })
    });
    g.sample_size(10);
    let (first, last) = moat::tvl_span(&ds).expect("a TVL span");
    g.bench_function("backtest_weekly", |b| {
        b.iter(|| {
            moat::backtest(
                &ds,
                &pack,
                (first, last, Every::Week),
                &one_thread,
                &mut |_, _| {},
            )
            .expect("backtests")
        })
    });
    g.finish();

    // One decision = one rule on one chain: a screen of that rule alone over the universe.
    let chains = universe.chains.len() as u64;
    let mut g = c.benchmark_group("decision");
    g.throughput(Throughput::Elements(chains));
    for rule in pack
        .rules()
        .filter(|r| r.scope == moat::rules::RuleScope::Chain)
    {
        let only = ScreenOptions {
            rules: Some(vec![rule.id.clone()]),
            threads: Some(1),
            ..Default::default()
        };
        g.bench_function(format!("rhai/{}", rule.id), |b| {
            b.iter(|| evaluate::screen(&pack, black_box(&universe), &only).expect("screens"))
        });
    }
    // The fixed cost of a decision: a rule whose body only returns a verdict.
    let pass_only = repo().join("target/bench-pass-only");
    std::fs::create_dir_all(&pass_only).expect("target/ is writable");
    std::fs::write(
        pass_only.join("screen.toml"),
        "name = \"pass only\"\npass_mark = 0.5\n[rules.pass_only]\n",
    )
    .expect("writes screen.toml");
    std::fs::write(
        pass_only.join("pass_only.rhai"),
        "//! id: pass_only\n//! title: Returns a verdict and nothing else\n//! category: token\n\
         //! why: The cost of an evaluation itself.\n\nfn rule(chain, params, peers) { pass(\"ok\") }\n",
    )
    .expect("writes the rule");
    let pass_pack = moat::load_rules(&pass_only).expect("the pass-only pack loads");
    let one = ScreenOptions {
        threads: Some(1),
        ..Default::default()
    };
    g.bench_function("rhai/pass_only", |b| {
        b.iter(|| evaluate::screen(&pass_pack, black_box(&universe), &one).expect("screens"))
    });
    let max_rank = universe
        .chains
        .iter()
        .filter_map(|c| c.get("tvl_rank").and_then(|v| v.as_f64()))
        .fold(0.0, f64::max);
    let fees = native::by_date(&universe);
    let each = |f: &dyn Fn(usize, &moat::features::ChainFeatures) -> native::Verdict| {
        universe
            .chains
            .iter()
            .enumerate()
            .map(|(i, c)| f(i, c))
            .collect::<Vec<_>>()
    };
    g.bench_function("native/token_existence", |b| {
        b.iter(|| each(&|_, c| native::token_existence(black_box(c))))
    });
    g.bench_function("native/traction", |b| {
        b.iter(|| each(&|_, c| native::traction(black_box(c), max_rank)))
    });
    g.bench_function("native/security_hygiene", |b| {
        b.iter(|| each(&|_, c| native::security_hygiene(black_box(c))))
    });
    g.bench_function("native/ecosystem_interconnection", |b| {
        b.iter(|| each(&|_, c| native::ecosystem_interconnection(black_box(c))))
    });
    g.bench_function("native/tvl_leadership", |b| {
        b.iter(|| each(&|_, c| native::tvl_leadership(black_box(c), &universe)))
    });
    g.bench_function("native/differentiation", |b| {
        b.iter(|| each(&|i, c| native::differentiation(i, black_box(c), &fees)))
    });
    g.finish();
}

/// Screens of synthetic universes (`moat data synth`), generated once into target/.
fn synthetic(c: &mut Criterion) {
    let rules = repo().join("rules");
    let pack = moat::load_rules(&rules).expect("the shipped rules load");
    let mut g = c.benchmark_group("synthetic");
    g.sample_size(10);
    for (chains, weeks) in [(1_000, 520), (10_000, 520)] {
        let dir = universes::dataset(chains, weeks);
        let options = ScreenOptions::default();
        g.bench_function(format!("screen_{chains}x{weeks}"), |b| {
            b.iter_batched(
                || (),
                |()| {
                    let ds = moat::load_dataset(&dir).expect("loads");
                    let vintage = ds.manifest.vintage_date();
                    moat::screen(&ds, &pack, vintage, &options).expect("screens")
                },
                BatchSize::PerIteration,
            )
        });
        let universe = universes::at_vintage(&dir);
        for threads in [1, 2] {
            let options = ScreenOptions {
                threads: Some(threads),
                ..Default::default()
            };
            // The universe handed over as a screen does (`screen_owned`); its copy is made
            // outside the timing.
            g.bench_function(
                format!("evaluate_{chains}x{weeks}_threads_{threads}"),
                |b| {
                    b.iter_batched(
                        || universe.clone(),
                        |u| evaluate::screen_owned(&pack, u, &options).expect("screens"),
                        BatchSize::PerIteration,
                    )
                },
            );
        }
    }
    g.finish();
}

criterion_group!(benches, shipped, synthetic);
criterion_main!(benches);
