//! What moat agrees to read as a table file, and why. Only regular files: a FIFO would block the
//! load until something writes to it, a character device such as `/dev/zero` never ends, and a
//! directory has no rows; each is refused from its metadata, before it is opened. A table file
//! is read whole into memory, so its size is bounded; and a cell is one value (a slug, a number,
//! a note), so a field far longer than any note is almost always an unclosed quote that swallowed
//! the lines after it, and is refused where it starts.

use super::problem::Problem;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The largest table file moat reads: 1 GiB. A CSV file is held in memory while it is parsed,
/// next to its typed columns, so a load needs a few times the file's size (see the README's
/// "Data format" section for a measured figure); this keeps that within a laptop's memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The most a dataset's table files may hold together: 2 GiB (a CSV file by its size, a
/// Parquet file by its data decoded), so that a load stays within a laptop's memory however
/// the data is split between files.
pub const MAX_DATASET_BYTES: u64 = 2 << 30;

/// The longest field (CSV) or string cell (Parquet): 64 KiB, far more than any note needs.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

// Row positions and dictionary codes are kept as `u32` (half the memory of `usize`); a file
// within the limit cannot have more lines or distinct values than that.
const _: () = assert!(MAX_FILE_BYTES < 1 << 31);

/// "1 GiB", "64 KiB": a limit as the README states it.
pub fn size_in_words(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// The largest manifest moat reads: 1 MiB, when a manifest is a few dozen lines.
pub const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// What a file is expected to be: its size limit, and what it should be, in words.
#[derive(Clone, Copy)]
pub struct Expected {
    pub max_bytes: u64,
    pub what: &'static str,
}

/// A table file named in the manifest.
pub const TABLE_FILE: Expected = Expected {
    max_bytes: MAX_FILE_BYTES,
    what: "a .csv or .parquet file",
};

/// The manifest, `dataset.toml`.
pub const MANIFEST: Expected = Expected {
    max_bytes: MAX_MANIFEST_BYTES,
    what: "a TOML file",
};

/// Open `path` if it is a regular file within the size limit; `shown` names it in problems.
pub fn open_regular(path: &Path, shown: &str, expected: Expected) -> Result<(File, u64), Problem> {
    let metadata =
        std::fs::metadata(path).map_err(|e| Problem::file(shown, format!("cannot read: {e}")))?;
    check_metadata(&metadata, shown, expected)?;
    let file = File::open(path).map_err(|e| Problem::file(shown, format!("cannot open: {e}")))?;
    // The path was looked at before it was opened; look again at what was opened, in case the
    // file was replaced in between.
    let metadata = file
        .metadata()
        .map_err(|e| Problem::file(shown, format!("cannot read: {e}")))?;
    check_metadata(&metadata, shown, expected)?;
    Ok((file, metadata.len()))
}

/// Read a whole file (see [`open_regular`]), never more than its limit even if it grows while
/// it is read.
pub fn read_regular(path: &Path, shown: &str, expected: Expected) -> Result<Vec<u8>, Problem> {
    let (file, len) = open_regular(path, shown, expected)?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(expected.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::file(shown, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > expected.max_bytes {
        return Err(too_large(shown, bytes.len() as u64, expected));
    }
    Ok(bytes)
}

fn check_metadata(
    metadata: &std::fs::Metadata,
    shown: &str,
    expected: Expected,
) -> Result<(), Problem> {
    if !metadata.is_file() {
        return Err(Problem::file(
            shown,
            format!(
                "not a regular file ({}): expected {}",
                kind_of(&metadata.file_type()),
                expected.what
            ),
        ));
    }
    if metadata.len() > expected.max_bytes {
        return Err(too_large(shown, metadata.len(), expected));
    }
    Ok(())
}

fn too_large(shown: &str, len: u64, expected: Expected) -> Problem {
    Problem::file(
        shown,
        format!(
            "the file is {len} bytes: expected at most {} bytes ({}), the largest {} moat reads",
            expected.max_bytes,
            size_in_words(expected.max_bytes),
            expected.what
        ),
    )
}

/// What a file that is not a regular file is, in words.
fn kind_of(ty: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ty.is_fifo() {
            return "a FIFO";
        }
        if ty.is_char_device() {
            return "a character device";
        }
        if ty.is_block_device() {
            return "a block device";
        }
        if ty.is_socket() {
            return "a socket";
        }
    }
    if ty.is_dir() {
        return "a directory";
    }
    "not a file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_stated_in_words() {
        assert_eq!(size_in_words(MAX_FILE_BYTES), "1 GiB");
        assert_eq!(size_in_words(MAX_FIELD_BYTES as u64), "64 KiB");
        assert_eq!(size_in_words(1000), "1000 bytes");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_directories_are_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let shown = |p: &Problem| p.message.clone();
        let e = open_regular(Path::new("/dev/zero"), "zero", TABLE_FILE).unwrap_err();
        assert_eq!(
            shown(&e),
            "not a regular file (a character device): expected a .csv or .parquet file"
        );
        let e = read_regular(dir.path(), "dir", MANIFEST).unwrap_err();
        assert_eq!(
            shown(&e),
            "not a regular file (a directory): expected a TOML file"
        );
    }
}
