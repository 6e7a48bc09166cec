//! Where the default dataset and rule pack are found, so that `moat screen` works from any
//! directory: an explicit flag wins, then the environment (`MOAT_DATA`, `MOAT_RULES`), then
//! `./datasets/l2` or `./rules` in the working directory, then the copies shipped with the
//! source tree this binary was built from.

use std::path::{Path, PathBuf};

const SHIPPED_ROOT: &str = env!("CARGO_MANIFEST_DIR");

pub fn data_dir(flag: Option<&Path>) -> PathBuf {
    resolve(flag, "MOAT_DATA", "datasets/l2", "dataset.toml")
}

pub fn rules_dir(flag: Option<&Path>) -> PathBuf {
    resolve(flag, "MOAT_RULES", "rules", "screen.toml")
}

fn resolve(flag: Option<&Path>, env: &str, relative: &str, marker: &str) -> PathBuf {
    if let Some(p) = flag {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    let local = PathBuf::from(relative);
    if local.join(marker).is_file() {
        return local;
    }
    Path::new(SHIPPED_ROOT).join(relative)
}
