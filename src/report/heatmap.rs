//! `moat backtest --chart FILE.svg`: the overall verdicts of a backtest as a heatmap, one row
//! per chain and one column per date, the sector verdict as its own row on top. Drawn with
//! plotters' SVG backend (no font measuring, so the bytes are the same on every machine); runs
//! of one verdict in a row are one rectangle, so a weekly backtest of every chain stays small.

use crate::evaluate::Status;
use crate::history::Backtest;
use chrono::NaiveDate;
use plotters::prelude::*;

const FONT: &str = "sans-serif";
/// Height of one row, and the room for the labels around the grid.
const ROW: u32 = 12;
const LEFT: u32 = 170;
const TOP: u32 = 44;
const BOTTOM: u32 = 70;
const RIGHT: u32 = 20;
/// Width of the grid, whatever the number of dates.
const GRID: u32 = 1000;
/// Date labels along the x axis.
const X_LABELS: usize = 10;

/// The colour of a verdict (a palette that stays distinct for the common colour-vision
/// deficiencies and in greyscale: dark blue-green, light orange, purple, grey), and of "not
/// judged at this date".
fn colour(status: Option<Status>) -> RGBColor {
    match status {
        Some(Status::Pass) => RGBColor(27, 120, 55),
        Some(Status::Fail) => RGBColor(241, 163, 64),
        Some(Status::Error) => RGBColor(118, 42, 131),
        Some(Status::Skip) => RGBColor(189, 189, 189),
        None => RGBColor(255, 255, 255),
    }
}

/// The heatmap as an SVG document.
pub fn svg(backtest: &Backtest) -> anyhow::Result<String> {
    let dates: Vec<NaiveDate> = backtest.dates.iter().map(|d| d.date).collect();
    // Rows: the sector (when the pack has sector rules), then chains by dates passed (most
    // first), then slug.
    let mut chains: Vec<&crate::history::ChainSummary> = backtest.summary.iter().collect();
    chains.sort_by(|a, b| b.dates_pass.cmp(&a.dates_pass).then(a.slug.cmp(&b.slug)));
    let has_sector = backtest.dates.iter().any(|d| d.sector.is_some());
    let mut rows: Vec<(String, Vec<Option<Status>>)> = Vec::new();
    if has_sector {
        rows.push((
            "sector".to_string(),
            backtest
                .dates
                .iter()
                .map(|d| d.sector.as_ref().map(|s| s.overall))
                .collect(),
        ));
    }
    for c in &chains {
        rows.push((
            c.slug.clone(),
            backtest
                .dates
                .iter()
                .map(|d| {
                    d.chains
                        .iter()
                        .find(|x| x.slug == c.slug)
                        .map(|x| x.overall)
                })
                .collect(),
        ));
    }
    let height = TOP + BOTTOM + ROW * rows.len().max(1) as u32;
    let width = LEFT + GRID + RIGHT;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(&root, backtest, &dates, &rows)
            .map_err(|e| anyhow::anyhow!("drawing the chart: {e}"))?;
        root.present()
            .map_err(|e| anyhow::anyhow!("drawing the chart: {e}"))?;
    }
    Ok(out)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

fn draw(
    root: &Area,
    backtest: &Backtest,
    dates: &[NaiveDate],
    rows: &[(String, Vec<Option<Status>>)],
) -> DrawResult {
    root.fill(&WHITE)?;
    let s = &backtest.stamps;
    root.draw(&Text::new(
        format!(
            "{}: overall verdict, {} to {} ({}, {} date{})",
            s.screen,
            s.from,
            s.to,
            s.every,
            s.dates,
            if s.dates == 1 { "" } else { "s" }
        ),
        (LEFT as i32, 14),
        (FONT, 16).into_font(),
    ))?;
    let n = dates.len().max(1);
    let x = |i: usize| (LEFT + (GRID as usize * i / n) as u32) as i32;
    let y = |r: usize| (TOP + ROW * r as u32) as i32;
    for (r, (label, cells)) in rows.iter().enumerate() {
        root.draw(&Text::new(
            label.clone(),
            (8, y(r) + 1),
            (FONT, 11).into_font(),
        ))?;
        let mut start = 0;
        while start < cells.len() {
            let mut end = start + 1;
            while end < cells.len() && cells[end] == cells[start] {
                end += 1;
            }
            if cells[start].is_some() {
                root.draw(&Rectangle::new(
                    [(x(start), y(r)), (x(end), y(r + 1) - 1)],
                    colour(cells[start]).filled(),
                ))?;
            }
            start = end;
        }
    }
    // The grid's frame, the sector row set apart, and the date axis.
    let bottom = y(rows.len());
    root.draw(&Rectangle::new(
        [(LEFT as i32, TOP as i32), (x(n), bottom)],
        RGBColor(120, 120, 120).stroke_width(1),
    ))?;
    if rows.first().is_some_and(|r| r.0 == "sector") && rows.len() > 1 {
        root.draw(&PathElement::new(
            vec![(LEFT as i32, y(1)), (x(n), y(1))],
            BLACK.stroke_width(2),
        ))?;
    }
    let step = dates.len().div_ceil(X_LABELS).max(1);
    for (i, d) in dates.iter().enumerate().step_by(step) {
        root.draw(&PathElement::new(
            vec![(x(i), bottom), (x(i), bottom + 5)],
            BLACK.stroke_width(1),
        ))?;
        root.draw(&Text::new(
            d.format("%Y-%m-%d").to_string(),
            (x(i) - 28, bottom + 8),
            (FONT, 11).into_font(),
        ))?;
    }
    // The legend, under the axis.
    let legend_y = bottom + 34;
    let mut lx = LEFT as i32;
    for (status, label) in [
        (Some(Status::Pass), "PASS"),
        (Some(Status::Fail), "FAIL"),
        (Some(Status::Skip), "SKIP"),
        (Some(Status::Error), "ERROR"),
        (None, "not in the universe"),
    ] {
        root.draw(&Rectangle::new(
            [(lx, legend_y), (lx + 14, legend_y + 12)],
            colour(status).filled(),
        ))?;
        root.draw(&Rectangle::new(
            [(lx, legend_y), (lx + 14, legend_y + 12)],
            RGBColor(120, 120, 120).stroke_width(1),
        ))?;
        root.draw(&Text::new(
            label.to_string(),
            (lx + 20, legend_y),
            (FONT, 12).into_font(),
        ))?;
        lx += 30 + 8 * label.len() as i32;
    }
    Ok(())
}
