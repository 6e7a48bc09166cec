//! The 10,000-chain evaluation on one thread and on two, alternated in one process, with the
//! CPU time each took: the README's thread ratio and what the second thread costs in extra
//! work. criterion runs each benchmark's samples in a row, so a slow minute of the machine
//! falls on one thread count only; here every round runs both, and the medians are over the
//! rounds.
//!
//!     cargo bench --bench threads            # 8 rounds
//!     ROUNDS=16 cargo bench --bench threads
//!
//! Uses the dataset `benches/cli.sh` and `cargo bench --bench moat` generate
//! (`target/synth-10000x520`), and generates it when it is not there.

mod universes;

use moat::evaluate::{self, ScreenOptions};
use std::path::Path;
use std::time::Instant;

fn main() {
    let rounds: usize = std::env::var("ROUNDS").map_or(8, |r| r.parse().expect("ROUNDS=N"));
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let pack = moat::load_rules(&rules).expect("the shipped rules load");
    let universe = universes::at_vintage(&universes::dataset(10_000, 520));
    // (wall, CPU) seconds of each round, for one thread and for two.
    let mut runs: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..rounds {
        for threads in [1, 2] {
            let options = ScreenOptions {
                threads: Some(threads),
                ..Default::default()
            };
            // The universe handed over as a screen does; its copy is made outside the timing.
            let copy = universe.clone();
            let (wall, cpu) = (Instant::now(), process_cpu());
            let result = evaluate::screen_owned(&pack, copy, &options).expect("screens");
            runs[threads - 1].push((wall.elapsed().as_secs_f64(), process_cpu() - cpu));
            drop(result);
        }
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let wall = |t: usize| median(runs[t].iter().map(|r| r.0).collect());
    let cpu = |t: usize| median(runs[t].iter().map(|r| r.1).collect());
    for t in 0..2 {
        println!(
            "{} thread(s): {:.0} ms wall, {:.0} ms CPU (medians of {rounds})",
            t + 1,
            wall(t) * 1e3,
            cpu(t) * 1e3
        );
    }
    println!(
        "two threads vs one: {:.2}x; CPU time on two {:+.1}% of one",
        wall(0) / wall(1),
        (cpu(1) / cpu(0) - 1.0) * 100.0
    );
}

/// CPU time of the whole process so far, in seconds.
fn process_cpu() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}
