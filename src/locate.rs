//! Where the default dataset and rule pack are found, so that `moat screen` works from any
//! directory: an explicit flag wins, then the environment (`MOAT_DATA`, `MOAT_RULES`), then
//! `./datasets/l2` or `./rules` in the working directory, then the copies shipped with the
//! source tree this binary was built from. The last is a fallback the user did not choose, so
//! it comes with a note saying so.

use std::path::{Path, PathBuf};

const SHIPPED_ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A directory and how it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub path: PathBuf,
    /// Found by none of the flag, the environment or the working directory: the copy shipped
    /// with moat.
    pub shipped: bool,
    /// Found by the environment variable (`MOAT_DATA`, `MOAT_RULES`).
    pub from_env: bool,
    what: &'static str,
    flag: &'static str,
    env: &'static str,
    relative: &'static str,
}

impl Located {
    /// For stderr, when the shipped copy is used: which fallback, and how to choose another.
    pub fn note(&self) -> Option<String> {
        self.shipped.then(|| {
            format!(
                "note: using the {} shipped with moat ({}): no {} was given, ${} is not set and ./{} does not exist",
                self.what,
                self.path.display(),
                self.flag,
                self.env,
                self.relative
            )
        })
    }

    /// When the directory was named by the environment and is not there: an error naming the
    /// variable, which a message about the path alone (`/x/dataset.toml: cannot read`) would
    /// leave the user to guess.
    pub fn missing_from_env(&self) -> Option<String> {
        (self.from_env && !self.path.exists()).then(|| {
            format!(
                "${} is {}, which does not exist: expected the {} directory; set ${} to one, unset it, or pass {} DIR",
                self.env,
                self.path.display(),
                self.what,
                self.env,
                self.flag
            )
        })
    }
}

pub fn data_dir(flag: Option<&Path>) -> Located {
    resolve(
        flag,
        ("dataset", "--data", "MOAT_DATA", "datasets/l2"),
        "dataset.toml",
    )
}

pub fn rules_dir(flag: Option<&Path>) -> Located {
    resolve(
        flag,
        ("rule pack", "--rules", "MOAT_RULES", "rules"),
        "screen.toml",
    )
}

fn resolve(
    flag: Option<&Path>,
    (what, flag_name, env, relative): (&'static str, &'static str, &'static str, &'static str),
    marker: &str,
) -> Located {
    let located = |path: PathBuf, shipped: bool, from_env: bool| Located {
        path,
        shipped,
        from_env,
        what,
        flag: flag_name,
        env,
        relative,
    };
    if let Some(p) = flag {
        return located(p.to_path_buf(), false, false);
    }
    if let Some(p) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        return located(PathBuf::from(p), false, true);
    }
    let local = PathBuf::from(relative);
    if local.join(marker).is_file() {
        return located(local, false, false);
    }
    located(Path::new(SHIPPED_ROOT).join(relative), true, false)
}
