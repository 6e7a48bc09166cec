//! Writing finished renderings to files, each whole or not at all: every file is first written
//! to a temporary file beside its target, and only when all of them are complete are they
//! renamed into place. A run that fails leaves no partial file, and an existing file is only
//! ever replaced by a complete new one.

use anyhow::{Context as _, bail};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// One rendered file: its name within the output directory, and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct OutFile {
    pub name: String,
    pub text: String,
}

/// Whether an existing file may be replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existing {
    Replace,
    Keep,
}

/// Write `files` into `dir` (created when missing); returns their paths, in order.
pub fn write_all(
    dir: &Path,
    files: &[OutFile],
    existing: Existing,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut names: Vec<&str> = Vec::new();
    for f in files {
        let plain = Path::new(&f.name).file_name().and_then(|n| n.to_str()) == Some(&f.name);
        if !plain || f.name.starts_with('.') {
            bail!("cannot write {:?}: not a plain file name", f.name);
        }
        if names.contains(&f.name.as_str()) {
            bail!(
                "two outputs would be written to {}",
                dir.join(&f.name).display()
            );
        }
        names.push(&f.name);
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut staged = Vec::new();
    for f in files {
        let path = dir.join(&f.name);
        let context = || format!("cannot write {}", path.display());
        let mut builder = tempfile::Builder::new();
        builder.prefix(".moat-");
        // A plain file as the user's umask allows, not the temporary file's owner-only mode.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut tmp = builder.tempfile_in(dir).with_context(context)?;
        tmp.write_all(f.text.as_bytes()).with_context(context)?;
        tmp.as_file().sync_all().with_context(context)?;
        staged.push((tmp, path));
    }
    let mut written = Vec::new();
    for (tmp, path) in staged {
        let context = || format!("cannot write {}", path.display());
        match existing {
            Existing::Replace => tmp.persist(&path).map(drop),
            Existing::Keep => tmp.persist_noclobber(&path).map(drop),
        }
        .map_err(|e| e.error)
        .with_context(context)?;
        written.push(path);
    }
    Ok(written)
}

/// Write one file at `path`, replacing it only once the new text is complete.
pub fn write_file(path: &Path, text: &str) -> anyhow::Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("cannot write {}: not a file name", path.display()))?;
    let file = OutFile {
        name: name.to_string(),
        text: text.to_string(),
    };
    write_all(dir, &[file], Existing::Replace)?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> OutFile {
        OutFile {
            name: name.into(),
            text: text.into(),
        }
    }

    #[test]
    fn files_are_replaced_whole_and_kept_when_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        write_all(
            &dir,
            &[file("a.md", "one"), file("b.md", "two")],
            Existing::Replace,
        )
        .unwrap();
        write_all(&dir, &[file("a.md", "three")], Existing::Replace).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("a.md")).unwrap(), "three");
        assert!(write_all(&dir, &[file("b.md", "four")], Existing::Keep).is_err());
        assert_eq!(std::fs::read_to_string(dir.join("b.md")).unwrap(), "two");
        // Only the two files: no temporary file is left behind.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    }

    #[test]
    fn bad_names_and_clashes_write_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let err = write_all(
            &dir,
            &[file("a.md", ""), file("a.md", "")],
            Existing::Replace,
        );
        assert!(
            err.unwrap_err()
                .to_string()
                .starts_with("two outputs would be written to")
        );
        assert!(write_all(&dir, &[file("../a.md", "")], Existing::Replace).is_err());
        assert!(!dir.exists());
    }
}
