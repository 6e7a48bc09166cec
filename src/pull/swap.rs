//! Replacing a dataset directory without ever losing it. The new dataset is built in a
//! staging copy beside the target (same parent, so same file system, so renames are cheap
//! and never copy), validated, and swapped in by two renames: target → `.NAME.moat-pull-old-PID`,
//! then staging → target; the old copy is deleted last. What a crash leaves at each point:
//!
//! - before the first rename: the target untouched, and perhaps `.NAME.moat-pull-new-PID`;
//! - between the renames (two system calls apart): no target, `.NAME.moat-pull-old-PID` (the
//!   old dataset, whole) and the new one;
//! - after the second: the new target, and perhaps the old copy not yet deleted.
//!
//! The next pull, holding the lock, repairs each: it deletes staging copies, restores an old
//! copy when the target is missing, and deletes an old copy when the target is there. A lock
//! file beside the target (`.NAME.moat-pull.lock`, locked by the operating system, so a
//! killed process never leaves it held) keeps two pulls from working on one dataset at once.

use anyhow::Context as _;
use std::fs;
use std::path::{Path, PathBuf};

const NEW: &str = "moat-pull-new-";
const OLD: &str = "moat-pull-old-";

fn parent_and_name(dir: &Path) -> anyhow::Result<(PathBuf, String)> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| {
            anyhow::anyhow!("{}: not a directory name moat can pull into", dir.display())
        })?
        .to_string();
    Ok((parent, name))
}

fn sibling(dir: &Path, tag: &str, pid: u32) -> anyhow::Result<PathBuf> {
    let (parent, name) = parent_and_name(dir)?;
    Ok(parent.join(format!(".{name}.{tag}{pid}")))
}

/// Held for the whole pull; released by the OS when the process ends, however it ends.
pub struct Lock {
    _file: fs::File,
}

impl Lock {
    pub fn acquire(dir: &Path) -> anyhow::Result<Lock> {
        let (parent, name) = parent_and_name(dir)?;
        let path = parent.join(format!(".{name}.moat-pull.lock"));
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("creating the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Lock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => Err(anyhow::anyhow!(
                "another `moat data pull` is writing into {} (it holds {}); wait for it to finish",
                dir.display(),
                path.display()
            )),
            Err(fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("locking {}", path.display()))
            }
        }
    }
}

/// Repair what an interrupted pull left beside `dir` (see the module doc); the lock must be
/// held. Returns what was done, for the user.
pub fn recover(dir: &Path) -> anyhow::Result<Vec<String>> {
    let (parent, name) = parent_and_name(dir)?;
    let (new_prefix, old_prefix) = (format!(".{name}.{NEW}"), format!(".{name}.{OLD}"));
    let mut staged = Vec::new();
    let mut old = Vec::new();
    let entries = match fs::read_dir(&parent) {
        Ok(e) => e,
        Err(e) => return Err(e).with_context(|| format!("listing {}", parent.display())),
    };
    for entry in entries {
        let entry = entry?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with(&new_prefix) {
            staged.push(entry.path());
        } else if file_name.starts_with(&old_prefix) {
            old.push(entry.path());
        }
    }
    staged.sort();
    old.sort();
    let mut notes = Vec::new();
    if !dir.exists()
        && let Some(keep) = old.pop()
    {
        fs::rename(&keep, dir).with_context(|| {
            format!(
                "restoring {} from {}, left by a pull interrupted while swapping",
                dir.display(),
                keep.display()
            )
        })?;
        notes.push(format!(
            "restored {} from {}: an earlier pull was interrupted while swapping",
            dir.display(),
            keep.display()
        ));
    }
    for leftover in staged.iter().chain(&old) {
        fs::remove_dir_all(leftover).with_context(|| {
            format!(
                "removing {}, left by an interrupted pull",
                leftover.display()
            )
        })?;
        notes.push(format!(
            "removed {}, left by an interrupted pull",
            leftover.display()
        ));
    }
    Ok(notes)
}

/// A full copy of the dataset beside it, where the pull writes; deleted unless swapped in.
pub struct Staging {
    path: PathBuf,
    swapped: bool,
}

impl Staging {
    pub fn create(dir: &Path) -> anyhow::Result<Staging> {
        let path = sibling(dir, NEW, std::process::id())?;
        let staging = Staging {
            path,
            swapped: false,
        };
        copy_dir(dir, &staging.path)
            .with_context(|| format!("copying {} to {}", dir.display(), staging.path.display()))?;
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Swap the staged dataset in for `dir`; returns a note when the old copy could not be
    /// deleted (the swap itself succeeded; the next pull deletes it).
    pub fn swap_into(mut self, dir: &Path) -> anyhow::Result<Option<String>> {
        sync_dir(&self.path);
        let old = sibling(dir, OLD, std::process::id())?;
        fs::rename(dir, &old)
            .with_context(|| format!("moving {} aside to {}", dir.display(), old.display()))?;
        if let Err(e) = fs::rename(&self.path, dir) {
            // Put the old dataset back; if even that fails, the next pull restores it.
            let back = fs::rename(&old, dir);
            return Err(anyhow::Error::from(e)
                .context(format!(
                    "moving {} to {}",
                    self.path.display(),
                    dir.display()
                ))
                .context(match back {
                    Ok(()) => "the old dataset was put back".to_string(),
                    Err(_) => format!(
                        "the old dataset is in {}; the next `moat data pull` restores it",
                        old.display()
                    ),
                }));
        }
        self.swapped = true;
        if let Some(parent) = dir.parent() {
            sync_dir(parent);
        }
        Ok(fs::remove_dir_all(&old).err().map(|e| {
            format!(
                "could not delete the old copy {} ({e}); the next pull deletes it",
                old.display()
            )
        }))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.swapped {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Copy a directory tree (files byte for byte, with their permissions).
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir(to)?;
    fs::set_permissions(to, fs::metadata(from)?.permissions())?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Flush a directory's entries (renames, new files) to disk where the platform allows it
/// (Unix; elsewhere a directory cannot be opened as a file and this does nothing).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(root: &Path, content: &str) -> PathBuf {
        let dir = root.join("data");
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("a.csv"), content).unwrap();
        fs::write(dir.join("sub/b.csv"), "b").unwrap();
        dir
    }

    #[test]
    fn a_swap_replaces_the_directory_and_leaves_nothing_beside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = dataset(tmp.path(), "old");
        let staging = Staging::create(&dir).unwrap();
        assert_eq!(
            fs::read_to_string(staging.path().join("sub/b.csv")).unwrap(),
            "b"
        );
        fs::write(staging.path().join("a.csv"), "new").unwrap();
        assert_eq!(staging.swap_into(&dir).unwrap(), None);
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["data"]);
    }

    #[test]
    fn a_dropped_staging_copy_is_deleted() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = dataset(tmp.path(), "old");
        let path = {
            let staging = Staging::create(&dir).unwrap();
            staging.path().to_path_buf()
        };
        assert!(!path.exists());
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
    }

    #[test]
    fn recovery_after_a_crash_between_the_renames_restores_the_old_dataset() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = dataset(tmp.path(), "old");
        // The state a crash between the two renames leaves.
        let staged = tmp.path().join(".data.moat-pull-new-77");
        fs::create_dir(&staged).unwrap();
        fs::rename(&dir, tmp.path().join(".data.moat-pull-old-77")).unwrap();
        let _lock = Lock::acquire(&dir).unwrap();
        let notes = recover(&dir).unwrap();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("restored "), "{notes:?}");
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
        assert!(!staged.exists());
    }

    #[test]
    fn recovery_after_a_crash_after_the_swap_deletes_the_old_copy() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = dataset(tmp.path(), "new");
        let old = tmp.path().join(".data.moat-pull-old-78");
        fs::create_dir(&old).unwrap();
        let _lock = Lock::acquire(&dir).unwrap();
        recover(&dir).unwrap();
        assert!(!old.exists());
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "new");
    }

    #[test]
    fn a_second_pull_cannot_take_the_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = dataset(tmp.path(), "x");
        let held = Lock::acquire(&dir).unwrap();
        let e = Lock::acquire(&dir).err().unwrap();
        assert!(
            e.to_string()
                .starts_with("another `moat data pull` is writing into"),
            "{e}"
        );
        drop(held);
        Lock::acquire(&dir).unwrap();
    }
}
