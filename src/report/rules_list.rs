//! `moat rules list` as a table: one aligned row per rule (id, title, category, weight, gate,
//! scope, file), in rule order; the weight right-aligned. Every cell is shown on one line,
//! without what could act on a terminal (`escape::one_line`).

use super::escape::one_line;
use crate::rules::RulePack;

/// Columns padded to their widest cell; the weight is right-aligned.
/// Each rule's file is shown where the user reaches it (`rules/traction.rhai`).
pub fn table(pack: &RulePack) -> String {
    let header = ["id", "title", "category", "weight", "gate", "scope", "file"];
    let rows: Vec<[String; 7]> = pack
        .rules()
        .map(|r| {
            [
                r.id.clone(),
                r.title.clone(),
                r.category.clone(),
                r.weight.to_string(),
                if r.gate { "yes" } else { "no" }.to_string(),
                r.scope.as_str().to_string(),
                pack.shown(&r.file),
            ]
            .map(|cell| one_line(&cell).into_owned())
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|row| row[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                let w = widths[i];
                if i == 3 {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}
