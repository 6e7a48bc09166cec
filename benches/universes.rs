//! The synthetic universes the benchmarks run on: `moat data synth --seed 1` datasets, written
//! once under `target/` (where `benches/cli.sh` finds them too) and cut at their vintage.

use moat::features::{FeatureOptions, Index, Universe};
use std::path::{Path, PathBuf};

/// `target/synth-{chains}x{weeks}`, generated when it is not there.
pub fn dataset(chains: usize, weeks: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/synth-{chains}x{weeks}"));
    if !dir.join("dataset.toml").exists() {
        let spec = moat::synth::Spec {
            chains,
            weeks,
            seed: 1,
        };
        moat::synth::write(spec, &dir).expect("generates");
    }
    dir
}

/// The dataset in `dir` as rules see it at its vintage, over the shipped pack's window.
pub fn at_vintage(dir: &Path) -> Universe {
    let ds = moat::load_dataset(dir).expect("loads");
    let index = Index::new(&ds).expect("indexes");
    index
        .universe(
            ds.manifest.vintage_date(),
            &FeatureOptions { window_weeks: 104 },
        )
        .expect("cuts")
}
