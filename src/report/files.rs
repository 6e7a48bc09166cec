//! Writing finished renderings to files, each whole or not at all: every file is first written
//! to a temporary file beside its target, and only when all of them are complete are they
//! renamed into place. A run that fails leaves no partial file, and an existing file is only
//! ever replaced by a complete new one, with its permissions (and its owner and group, where
//! the system lets moat give them: as root, or as the owner for a group it is in). A symbolic
//! link is written
//! through (the file it leads to is replaced, the link stays); a device or a FIFO
//! (`/dev/null`, `/dev/stdout`, a named pipe) is written into as it is, never replaced by a
//! file; a directory, a file moat may not write, or a link leading nowhere is an error.

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
    if dir.exists() && !dir.is_dir() {
        bail!("cannot write into {}: not a directory", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut staged = Vec::new();
    for f in files {
        let path = dir.join(&f.name);
        let context = || format!("cannot write {}", path.display());
        let (real, kind) = target(&path, existing)?;
        let Target::File(kept) = kind else {
            staged.push(Staged::Into(real, &f.text, path));
            continue;
        };
        let beside = real
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut builder = tempfile::Builder::new();
        builder.prefix(".moat-");
        // A plain file as the user's umask allows, not the temporary file's owner-only mode.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut tmp = builder.tempfile_in(beside).map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::PermissionDenied {
                format!(
                    "its directory {} may not be written, and moat replaces a file only whole, through a new file beside it",
                    beside.display()
                )
            } else {
                e.to_string()
            };
            anyhow::anyhow!("cannot write {}: {why}", path.display())
        })?;
        tmp.write_all(f.text.as_bytes()).with_context(context)?;
        tmp.as_file().sync_all().with_context(context)?;
        // A file replaced keeps its owner and group where the system allows (a change of
        // owner may clear set-id bits, so first), and its permissions.
        if let Some(meta) = kept {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt as _;
                let _ =
                    std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()));
            }
            tmp.as_file()
                .set_permissions(meta.permissions())
                .with_context(context)?;
        }
        staged.push(Staged::Temporary(tmp, real, path));
    }
    let mut written = Vec::new();
    for staged in staged {
        match staged {
            Staged::Temporary(tmp, real, path) => {
                let context = || format!("cannot write {}", path.display());
                match existing {
                    Existing::Replace => tmp.persist(&real).map(drop),
                    Existing::Keep => tmp.persist_noclobber(&real).map(drop),
                }
                .map_err(|e| e.error)
                .with_context(context)?;
                written.push(path);
            }
            Staged::Into(real, text, path) => {
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&real)
                    .and_then(|mut out| out.write_all(text.as_bytes()))
                    .with_context(|| format!("cannot write {}", path.display()))?;
                written.push(path);
            }
        }
    }
    Ok(written)
}

/// A file ready to be put in place: a complete temporary file and where it goes (and the path
/// as asked for), or a text to write into a device or FIFO.
enum Staged<'a> {
    Temporary(tempfile::NamedTempFile, PathBuf, PathBuf),
    Into(PathBuf, &'a str, PathBuf),
}

/// What is at a path to write.
enum Target {
    /// A regular file, new or replaced (with what it was: its permissions and owner are kept).
    File(Option<std::fs::Metadata>),
    /// Something that is written into, not replaced: a device, a FIFO, a socket.
    Stream,
}

/// Where writing `path` writes (through a symbolic link, the file it leads to) and what is
/// there; an error for what cannot be written.
fn target(path: &Path, existing: Existing) -> anyhow::Result<(PathBuf, Target)> {
    let shown = path.display();
    let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && linked => {
            let to =
                std::fs::read_link(path).map_or_else(|_| "?".into(), |t| t.display().to_string());
            bail!(
                "cannot write {shown}: it is a symbolic link to {to}, which does not exist: expected a file, or a link to one"
            );
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((path.to_path_buf(), Target::File(None)));
        }
        Err(e) => return Err(e).with_context(|| format!("cannot write {shown}")),
    };
    if meta.is_dir() {
        bail!("cannot write {shown}: it is a directory: expected a file");
    }
    if existing == Existing::Keep {
        bail!("cannot write {shown}: it already exists");
    }
    if !meta.is_file() {
        return Ok((path.to_path_buf(), Target::Stream));
    }
    // Replaced only if it could be written in place: renaming over a file moat may not write
    // would get round its permissions.
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("cannot write {shown}: the file exists and may not be written"))?;
    let real = if linked {
        std::fs::canonicalize(path).with_context(|| format!("cannot write {shown}"))?
    } else {
        path.to_path_buf()
    };
    Ok((real, Target::File(Some(meta))))
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

    /// A link is written through and stays a link; a device is written into, never replaced
    /// by a file; a replaced file keeps its permissions; a directory, a link leading nowhere
    /// and a file that may not be written are errors that leave everything as it was.
    #[cfg(unix)]
    #[test]
    fn links_devices_and_permissions_are_respected() {
        use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("real.json"), "old").unwrap();
        symlink("real.json", dir.join("link.json")).unwrap();
        write_file(&dir.join("link.json"), "new").unwrap();
        assert!(
            std::fs::symlink_metadata(dir.join("link.json"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("real.json")).unwrap(),
            "new"
        );

        symlink("nowhere.json", dir.join("dangling.json")).unwrap();
        let err = write_file(&dir.join("dangling.json"), "x").unwrap_err();
        assert!(
            err.to_string()
                .contains("symbolic link to nowhere.json, which does not exist"),
            "{err}"
        );
        assert!(!dir.join("nowhere.json").exists());

        // A FIFO is written into, for the reader at its other end.
        let fifo = dir.join("pipe.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
            };
            write_file(&fifo, "through the pipe").unwrap();
            assert_eq!(reader.join().unwrap(), "through the pipe");
            assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
            std::fs::remove_file(&fifo).unwrap();
        }
        write_file(Path::new("/dev/null"), "into the void").unwrap();
        let null = std::fs::metadata("/dev/null").unwrap();
        assert!(null.file_type().is_char_device());

        std::fs::create_dir(dir.join("sub.json")).unwrap();
        let err = write_file(&dir.join("sub.json"), "x").unwrap_err();
        assert!(err.to_string().contains("it is a directory"), "{err}");

        let private = dir.join("private.json");
        std::fs::write(&private, "old").unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_file(&private, "new").unwrap();
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // Its owner and group too, where the system lets them be given (as root).
        if std::os::unix::fs::chown(&private, Some(4242), Some(4343)).is_ok() {
            use std::os::unix::fs::MetadataExt;
            write_file(&private, "new").unwrap();
            let meta = std::fs::metadata(&private).unwrap();
            assert_eq!((meta.uid(), meta.gid()), (4242, 4343));
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }

        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o444)).unwrap();
        // Root may write any file, as it may with a shell's `>`: only checked for others.
        if std::fs::OpenOptions::new()
            .write(true)
            .open(&private)
            .is_err()
        {
            let err = write_file(&private, "newer").unwrap_err();
            assert!(err.to_string().contains("may not be written"), "{err}");
            assert_eq!(std::fs::read_to_string(&private).unwrap(), "new");
        }
        // Only what was made here: no temporary file is left behind.
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "dangling.json",
                "link.json",
                "private.json",
                "real.json",
                "sub.json"
            ]
        );
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
