//! The terminal table: a row per chain in screen order (overall, score, one column per rule,
//! the deciding reason), then the sector verdict and a footer with the stamps and counts.
//! Statuses are coloured (see `style`).
//!
//! Given a width (a terminal's), every line fits it: rule columns get short headers when the
//! full ids do not fit (with a legend under the table), the deciding reason is cut with an
//! ellipsis, and the sector and footer lines are wrapped. Without one (a pipe, a file), rows
//! are whole. Text from rules, the dataset or screen.toml is shown on one line, without what
//! could act on a terminal (`escape::one_line`): a newline in a reason does not split its row.

use super::escape::one_line;
use super::style::paint_status;
use super::{counts_line, score_text, staleness_text, stamps_line};
use crate::evaluate::{ScreenResult, Status};
use crate::rules::RuleScope;
use std::fmt::Write as _;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The columns `text` takes on a terminal: an emoji or a CJK character two, a combining mark
/// none (counting characters instead made a row of such text wider than the terminal).
fn cols(text: &str) -> usize {
    text.width()
}

/// The longest start of `text` that takes at most `n` columns, and the rest.
fn split_cols(text: &str, n: usize) -> (&str, &str) {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        used += c.width().unwrap_or(0);
        if used > n {
            return text.split_at(i);
        }
    }
    (text, "")
}

/// Spaces between columns.
const GAP: usize = 2;
/// The narrowest deciding reason worth showing; below it the column is left out.
const MIN_REASON: usize = 12;

type Cell = (Option<Status>, String);

pub fn render(result: &ScreenResult, width: Option<usize>) -> String {
    let rules: Vec<&str> = result
        .rules
        .iter()
        .filter(|r| r.scope == RuleScope::Chain)
        .map(|r| r.id.as_str())
        .collect();
    let mut out = String::new();
    if !rules.is_empty() {
        chains_table(&mut out, result, &rules, width);
    }
    for absent in &result.not_screened {
        push_wrapped(
            &mut out,
            &format!("note: {}", one_line(&absent.reason)),
            "  ",
            width,
            &[],
        );
    }
    if let Some(sector) = &result.sector {
        if !out.is_empty() {
            out.push('\n');
        }
        let head = format!(
            "sector: {} (score {})",
            sector.overall,
            score_text(sector.score)
        );
        push_wrapped(&mut out, &head, "", width, &[(sector.overall, 8)]);
        for v in &sector.verdicts {
            let line = format!(
                "  {} {}: {}",
                v.status,
                one_line(&v.rule),
                one_line(&v.reason)
            );
            push_wrapped(&mut out, &line, "    ", width, &[(v.status, 2)]);
        }
    }
    out.push('\n');
    push_wrapped(&mut out, &one_line(&stamps_line(result)), "  ", width, &[]);
    push_wrapped(
        &mut out,
        &one_line(&staleness_text(&result.stamps)),
        "  ",
        width,
        &[],
    );
    push_wrapped(&mut out, &counts_line(result), "  ", width, &[]);
    out
}

fn chains_table(out: &mut String, result: &ScreenResult, rules: &[&str], width: Option<usize>) {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for chain in &result.chains {
        let mut row = vec![
            (None, one_line(&chain.slug).into_owned()),
            (Some(chain.overall), chain.overall.to_string()),
            (None, score_text(chain.score)),
        ];
        for rule in rules {
            let cell = chain.verdicts.iter().find(|v| v.rule == *rule);
            row.push(cell.map_or((None, "-".into()), |v| {
                (Some(v.status), v.status.to_string())
            }));
        }
        let reason = chain
            .deciding
            .as_ref()
            .map_or(String::new(), |d| format!("{}: {}", d.rule, d.reason));
        row.push((None, one_line(&reason).into_owned()));
        rows.push(row);
    }
    let mut header: Vec<String> = ["chain", "overall", "score"]
        .into_iter()
        .chain(rules.iter().copied())
        .map(|h| one_line(h).into_owned())
        .collect();
    header.push("deciding reason".into());
    let widths = |header: &[String]| -> Vec<usize> {
        (0..header.len() - 1)
            .map(|i| {
                rows.iter()
                    .map(|r| cols(&r[i].1))
                    .chain([cols(&header[i])])
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    };
    let fixed = |w: &[usize]| w.iter().map(|w| w + GAP).sum::<usize>();
    let mut w = widths(&header);
    let mut legend = Vec::new();
    let mut reason_width = None;
    if let Some(total) = width {
        if fixed(&w) + MIN_REASON > total {
            let short = abbreviations(rules);
            for (i, s) in short.iter().enumerate() {
                if s != rules[i] {
                    legend.push(format!("{s}={}", rules[i]));
                }
                header[3 + i] = s.clone();
            }
            w = widths(&header);
        }
        reason_width = Some(total.saturating_sub(fixed(&w)));
    }
    let show_reason = reason_width.is_none_or(|r| r >= MIN_REASON);
    let line = |cells: Vec<Cell>, out: &mut String| {
        let last = cells.len() - 1;
        let mut text = String::new();
        for (i, (status, cell)) in cells.into_iter().enumerate() {
            if i == last {
                if show_reason {
                    text.push_str(&cut(&cell, reason_width));
                }
            } else {
                let pad = " ".repeat(w[i] - cols(&cell) + GAP);
                text.push_str(&status.map_or(cell.clone(), paint_status));
                text.push_str(&pad);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.into_iter().map(|h| (None, h)).collect(), out);
    for row in rows {
        line(row, out);
    }
    if !legend.is_empty() {
        let text = format!("rules: {}", legend.join(", "));
        push_wrapped(out, &text, "  ", width, &[]);
    }
}

/// Short rule headers: the first five characters, longer where two ids would read the same.
fn abbreviations(ids: &[&str]) -> Vec<String> {
    let prefix = |id: &str, n: usize| id.chars().take(n).collect::<String>();
    ids.iter()
        .map(|id| {
            let mut n = 5;
            while n < id.chars().count()
                && ids
                    .iter()
                    .any(|other| other != id && prefix(other, n) == prefix(id, n))
            {
                n += 1;
            }
            prefix(id, n)
        })
        .collect()
}

/// `text` cut to `width` columns with an ellipsis.
fn cut(text: &str, width: Option<usize>) -> String {
    match width {
        Some(w) if cols(text) > w => {
            let mut s = split_cols(text, w.saturating_sub(1)).0.to_string();
            s.push('…');
            s
        }
        _ => text.to_string(),
    }
}

/// Push `text` as one line, or word-wrapped to `width` with `indent` on the lines after the
/// first. `paint` colours the status word found at a character offset of the first line.
fn push_wrapped(
    out: &mut String,
    text: &str,
    indent: &str,
    width: Option<usize>,
    paint: &[(Status, usize)],
) {
    let lines = match width {
        Some(w) => wrap(text, w, indent),
        None => vec![text.to_string()],
    };
    for (i, mut line) in lines.into_iter().enumerate() {
        if i == 0 {
            for &(status, at) in paint {
                let word = status.as_str();
                if line.get(at..at + word.len()) == Some(word) {
                    line.replace_range(at..at + word.len(), &paint_status(status));
                }
            }
        }
        let _ = writeln!(out, "{line}");
    }
}

/// Greedy word wrap: lines of at most `width` columns (a longer word is cut), the lines after
/// the first starting with `indent`. Leading spaces of `text` are kept.
fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let room = width.saturating_sub(cols(indent));
    if room < 2 {
        return vec![text.to_string()];
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut fresh = true;
    for word in text.split(' ') {
        let len = cols(&line);
        if !fresh && len + 1 + cols(word) > width {
            lines.push(std::mem::replace(&mut line, indent.to_string()));
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        line.push_str(word);
        fresh = false;
        while cols(&line) > width {
            let (head, rest) = split_cols(&line, width);
            // A character wider than the whole line still goes on one of its own.
            let (head, rest) = if head.is_empty() {
                let first = rest.chars().next().map_or(0, char::len_utf8);
                rest.split_at(first)
            } else {
                (head, rest)
            };
            let (head, rest) = (head.to_string(), rest.to_string());
            lines.push(head);
            line = format!("{indent}{rest}");
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_stay_distinct() {
        assert_eq!(
            abbreviations(&["token_existence", "token_origin", "traction"]),
            ["token_e", "token_o", "tract"]
        );
    }

    #[test]
    fn wrapped_lines_fit() {
        let lines = wrap("a bb ccc dddd eeeee", 6, "  ");
        assert_eq!(lines, ["a bb", "  ccc", "  dddd", "  eeee", "  e"]);
        assert!(lines.iter().all(|l| l.chars().count() <= 6));
    }

    #[test]
    fn cut_marks_what_is_left_out() {
        assert_eq!(cut("abcdef", Some(4)), "abc…");
        assert_eq!(cut("abc", Some(4)), "abc");
        assert_eq!(cut("abcdef", None), "abcdef");
        // Columns, not characters: each emoji and CJK character takes two.
        assert_eq!(cut("€😀é😀abc", Some(5)), "€😀é…");
        assert_eq!(cols(&cut("中文中文中文", Some(7))), 7);
        let lines = wrap("中文中文 中文 😀😀😀😀", 6, "  ");
        assert!(lines.iter().all(|l| cols(l) <= 6), "{lines:?}");
    }
}
