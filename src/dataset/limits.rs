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

/// Open `path` if it is a regular file within [`MAX_FILE_BYTES`]; `shown` names it in problems.
pub fn open_table_file(path: &Path, shown: &str) -> Result<(File, u64), Problem> {
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Problem::file(shown, "file not found (named in dataset.toml)")
        }
        _ => Problem::file(shown, format!("cannot read: {e}")),
    })?;
    check_metadata(&metadata, shown)?;
    let file = File::open(path).map_err(|e| Problem::file(shown, format!("cannot open: {e}")))?;
    // The path was looked at before it was opened; look again at what was opened, in case the
    // file was replaced in between.
    let metadata = file
        .metadata()
        .map_err(|e| Problem::file(shown, format!("cannot read: {e}")))?;
    check_metadata(&metadata, shown)?;
    Ok((file, metadata.len()))
}

/// Read a whole table file (see [`open_table_file`]), never more than [`MAX_FILE_BYTES`] even
/// if it grows while it is read.
pub fn read_table_file(path: &Path, shown: &str) -> Result<Vec<u8>, Problem> {
    let (file, len) = open_table_file(path, shown)?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::file(shown, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(shown, bytes.len() as u64));
    }
    Ok(bytes)
}

fn check_metadata(metadata: &std::fs::Metadata, shown: &str) -> Result<(), Problem> {
    if !metadata.is_file() {
        return Err(Problem::file(
            shown,
            format!(
                "not a regular file ({}): expected a .csv or .parquet file",
                kind_of(&metadata.file_type())
            ),
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large(shown, metadata.len()));
    }
    Ok(())
}

fn too_large(shown: &str, len: u64) -> Problem {
    Problem::file(
        shown,
        format!(
            "the file is {len} bytes: expected at most {MAX_FILE_BYTES} bytes ({}), the largest table file moat reads",
            size_in_words(MAX_FILE_BYTES)
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
        let e = open_table_file(Path::new("/dev/zero"), "zero").unwrap_err();
        assert_eq!(
            shown(&e),
            "not a regular file (a character device): expected a .csv or .parquet file"
        );
        let e = read_table_file(dir.path(), "dir").unwrap_err();
        assert_eq!(
            shown(&e),
            "not a regular file (a directory): expected a .csv or .parquet file"
        );
    }
}
