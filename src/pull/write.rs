//! Writing a pull's additions into the staged copy of the dataset. Rows are appended to the
//! tables' CSV files in each file's own column order, so every byte already there stays as it
//! was and a `git diff` of the dataset shows exactly what the pull added; the manifest's
//! vintage line and the dataset README's pull log are the only edits in place.

use anyhow::Context as _;
use std::collections::HashMap;
use std::fs;
use std::io::Write as _;
use std::path::Path;

/// Append `rows` (column name → cell; a column not given is empty) to the CSV table at
/// `path`, in the order of its header.
pub fn append_rows(path: &Path, rows: &[HashMap<&str, String>]) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let shown = path.display();
    let header: Vec<String> = csv::Reader::from_path(path)
        .and_then(|mut r| r.headers().cloned())
        .with_context(|| format!("reading the header of {shown}"))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut text = fs::read(path).with_context(|| format!("reading {shown}"))?;
    if !text.is_empty() && !text.ends_with(b"\n") {
        text.push(b'\n');
    }
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(text);
    for row in rows {
        let record: Vec<&str> = header
            .iter()
            .map(|col| row.get(col.as_str()).map_or("", String::as_str))
            .collect();
        writer.write_record(&record)?;
    }
    let text = writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    write_synced(path, &text)
}

/// Set the manifest's `vintage = "…"` line, keeping every other byte (comments included).
pub fn set_vintage(manifest: &Path, vintage: &str) -> anyhow::Result<()> {
    let text =
        fs::read_to_string(manifest).with_context(|| format!("reading {}", manifest.display()))?;
    let mut done = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let key = line.split('=').next().unwrap_or("").trim();
        if !done && key == "vintage" {
            let end = if line.ends_with("\r\n") {
                "\r\n"
            } else if line.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            out.push_str(&format!("vintage = \"{vintage}\"{end}"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    anyhow::ensure!(
        done,
        "{}: no `vintage = \"…\"` line to update",
        manifest.display()
    );
    write_synced(manifest, out.as_bytes())
}

/// Append `entry` to the `## Pulls` section of the dataset's README.md (created, with the
/// section, when missing).
pub fn log_pull(readme: &Path, dataset_name: &str, entry: &str) -> anyhow::Result<()> {
    const SECTION: &str = "## Pulls";
    let mut text = match fs::read_to_string(readme) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => format!("# {dataset_name}\n"),
        Err(e) => return Err(e).with_context(|| format!("reading {}", readme.display())),
    };
    if !text.lines().any(|l| l.trim_end() == SECTION) {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!(
            "\n{SECTION}\n\nData added by `moat data pull`, one line per pull (what each source said is dated \
and keyed in the tables; `sources.csv` names the endpoints and retrieval times).\n\n"
        ));
    } else if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("- {entry}\n"));
    write_synced(readme, text.as_bytes())
}

/// Write a file and flush it to disk, so that a crash after the swap cannot leave a renamed
/// dataset whose files are still only in the page cache.
fn write_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_appended_in_the_files_column_order_and_old_bytes_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("t.csv");
        fs::write(&p, "b,a,note\n1,2,\"x, y\"").unwrap();
        let row = HashMap::from([
            ("a", "A".to_string()),
            ("note", "say \"hi\", then".to_string()),
        ]);
        append_rows(&p, &[row]).unwrap();
        assert_eq!(
            fs::read_to_string(&p).unwrap(),
            "b,a,note\n1,2,\"x, y\"\n,A,\"say \"\"hi\"\", then\"\n"
        );
    }

    #[test]
    fn only_the_vintage_line_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("dataset.toml");
        let before =
            "# vintage is when\nname = \"x\"\nvintage = \"2024-12-29\"   \n\n[files.tvl]\n";
        fs::write(&p, before).unwrap();
        set_vintage(&p, "2026-05-01").unwrap();
        assert_eq!(
            fs::read_to_string(&p).unwrap(),
            "# vintage is when\nname = \"x\"\nvintage = \"2026-05-01\"\n\n[files.tvl]\n"
        );
    }

    #[test]
    fn the_pull_log_is_created_then_extended() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("README.md");
        log_pull(&p, "mini", "first").unwrap();
        log_pull(&p, "mini", "second").unwrap();
        let text = fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("# mini\n\n## Pulls\n"), "{text}");
        assert!(text.ends_with("\n- first\n- second\n"), "{text}");
    }
}
