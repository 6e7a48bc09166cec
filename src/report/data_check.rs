//! `moat data check` as text: the dataset's name and vintage, chains by layer and how many
//! are screened, each file with its rows and date range, screened chains without TVL, series
//! that stop early, series with gaps, and missing values per column.

use crate::dataset::{Gap, GappedSeries, Summary};
use std::fmt::Write as _;

pub fn render(s: &Summary) -> String {
    let mut t = String::new();
    let by_layer: Vec<String> = s.chains.iter().map(|(l, n)| format!("{n} {l}")).collect();
    let _ = writeln!(t, "dataset {} ({}): valid", s.name, s.dir);
    let _ = writeln!(t, "vintage {}", s.vintage);
    let _ = writeln!(
        t,
        "chains  {} ({}); {} screened at the vintage, {} with a TVL series",
        s.chains.values().sum::<usize>(),
        by_layer.join(", "),
        s.screened,
        s.chains_with_tvl
    );
    for n in &s.not_screened {
        let _ = writeln!(t, "  not screened at the vintage: {}", n.reason);
    }
    let _ = writeln!(t, "\nfiles");
    for f in &s.files {
        let range = match (f.first_date, f.last_date) {
            (Some(a), Some(b)) => format!("{a} .. {b}"),
            _ => "undated".into(),
        };
        let _ = writeln!(
            t,
            "  {:<8} {:<22} {:>6} rows  {range}",
            f.table, f.path, f.rows
        );
    }
    let _ = writeln!(
        t,
        "\nscreened chains without a TVL series: {}",
        s.without_tvl.len()
    );
    if !s.without_tvl.is_empty() {
        let _ = writeln!(t, "  {}", wrap(&s.without_tvl.join(", "), 96, "  "));
    }
    let _ = writeln!(
        t,
        "TVL series that stop before the last week at the vintage: {}",
        s.stopped_early.len()
    );
    for st in &s.stopped_early {
        let _ = writeln!(t, "  {} (last point {})", st.chain, st.last_date);
    }
    let _ = writeln!(t, "TVL series with gaps: {}", s.gaps.len());
    for g in &s.gaps {
        let _ = writeln!(t, "  {}", gapped(g));
    }
    let _ = writeln!(t, "\nmissing values (empty cells mean unknown)");
    for m in &s.missing {
        let _ = writeln!(
            t,
            "  {:<8} {:<20} {:>6} of {}",
            m.table, m.column, m.missing, m.rows
        );
    }
    t
}

/// At most this many gaps of one series are shown, the others counted.
const GAPS_SHOWN: usize = 5;

/// `base (13 weeks missing, 2025-03-02 to 2025-05-25)`; with several gaps, the total and each.
fn gapped(g: &GappedSeries) -> String {
    let run = |gap: &Gap| {
        if gap.first == gap.last {
            gap.first.to_string()
        } else {
            format!("{} to {}", gap.first, gap.last)
        }
    };
    let weeks = plural(g.weeks_missing, "week");
    match g.gaps.as_slice() {
        [one] => format!("{} ({weeks} missing, {})", g.chain, run(one)),
        many => {
            let mut runs: Vec<String> = many
                .iter()
                .take(GAPS_SHOWN)
                .map(|gap| format!("{} ({})", run(gap), plural(gap.weeks, "week")))
                .collect();
            if many.len() > GAPS_SHOWN {
                runs.push(format!("{} more", many.len() - GAPS_SHOWN));
            }
            format!(
                "{} ({weeks} missing in {} gaps: {})",
                g.chain,
                many.len(),
                runs.join(", ")
            )
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        if line > 0 && line + word.len() + 1 > width {
            out.push('\n');
            out.push_str(indent);
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}
