//! Charts as SVG, drawn by plotters' SVG backend from a memo's `Chart` values: dated x axis
//! (months), y ticks in the measure's words (`$1.2B`, `#3`, `49%`), a legend, and series told
//! apart by line style and marker as well as colour, so that a chart printed in grey still
//! reads. The output is deterministic: plotters places everything on integer coordinates, and
//! without its `ttf` feature it sizes text by a fixed estimate instead of the machine's fonts.

use crate::memo::{Chart, Line, Measure};
use crate::rules::format;
use chrono::{Datelike, Duration, NaiveDate};
use plotters::coord::Shift;
use plotters::coord::combinators::BindKeyPoints;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{BackendCoord, DrawingErrorKind as BackendError};

pub const WIDTH: u32 = 860;
pub const HEIGHT: u32 = 400;
const FONT: &str = "sans-serif";

/// Series colours, dark to light enough to differ in grey too; the first is for the memo's
/// own chain.
const COLOURS: [RGBColor; 5] = [
    RGBColor(0, 0, 0),
    RGBColor(31, 100, 170),
    RGBColor(200, 82, 0),
    RGBColor(27, 140, 100),
    RGBColor(120, 100, 170),
];

/// Markers along a line: about this many per series.
const MARKS: usize = 12;
/// Marker shapes: filled circle, filled triangle, cross, ring, filled diamond.
const MARKERS: usize = 5;
/// Height of the legend row under a chart of several lines.
const LEGEND: u32 = 30;

/// The chart as an SVG document.
pub fn svg(chart: &Chart) -> anyhow::Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, chart).map_err(|e| anyhow::anyhow!("drawing the chart {}: {e}", chart.id))?;
        root.present()
            .map_err(|e| anyhow::anyhow!("drawing the chart {}: {e}", chart.id))?;
    }
    // Titles and labels (chain names) with control characters, which XML does not allow and
    // which would make the file unreadable, or with bidirectional controls, shown as `�`
    // (plotters escapes the markup characters).
    Ok(match super::escape::shown(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(cleaned) => cleaned,
    })
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

fn draw(root: &Area, chart: &Chart) -> DrawResult {
    root.fill(&WHITE)?;
    let points = chart.lines.iter().flat_map(|l| &l.points);
    let (Some(first), Some(last)) = (
        points.clone().map(|p| p.0).min(),
        points.clone().map(|p| p.0).max(),
    ) else {
        root.draw(&Text::new(
            format!("{}: no data at the as-of date", chart.title),
            (20, 30),
            (FONT, 16).into_font(),
        ))?;
        return Ok(());
    };
    // A single week still gets a readable axis.
    let (first, last) = if first == last {
        (first - Duration::days(7), last + Duration::days(7))
    } else {
        (first, last)
    };
    let (ticks, label) = x_ticks(first, last);
    let max = points.map(|p| p.1).fold(0.0_f64, f64::max);
    let (y0, y1) = match chart.measure {
        // Ranks are drawn negated, so that #1 is at the top.
        Measure::Rank => (-(max.max(1.0) + 0.5), -0.5),
        // Headroom above the top point, unless that overflows (values near f64::MAX).
        _ if max > 0.0 => (
            0.0,
            Some(max * 1.08).filter(|t| t.is_finite()).unwrap_or(max),
        ),
        _ => (0.0, 1.0),
    };
    let measure = chart.measure;
    // With several lines, the legend is a row under the chart, where it hides no data.
    let (plot, legend) = if chart.lines.len() > 1 {
        let (plot, legend) = root.split_vertically(HEIGHT - LEGEND);
        (plot, Some(legend))
    } else {
        (root.clone(), None)
    };
    let mut c = ChartBuilder::on(&plot)
        .caption(&chart.title, (FONT, 18))
        .margin(12)
        .margin_right(36)
        .x_label_area_size(44)
        .y_label_area_size(78)
        .build_cartesian_2d((first..last).with_key_points(ticks.clone()), y0..y1)?;
    c.configure_mesh()
        .x_labels(ticks.len().max(1))
        .x_label_formatter(&|d: &NaiveDate| d.format(label).to_string())
        // Every rank while there are few, so that #1 is labelled.
        .y_labels(match measure {
            Measure::Rank if max <= 15.0 => max as usize + 1,
            _ => 8,
        })
        .y_label_formatter(&|v: &f64| tick(measure, *v))
        .x_desc("week ending")
        .y_desc(&chart.y_label)
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .bold_line_style(RGBColor(200, 200, 200).stroke_width(1))
        .max_light_lines(1)
        .light_line_style(RGBColor(240, 240, 240).stroke_width(1))
        .draw()?;
    for (i, line) in chart.lines.iter().enumerate() {
        draw_line(&mut c, measure, i, line)?;
    }
    if let Some(area) = legend {
        draw_legend(&area, &chart.lines)?;
    }
    Ok(())
}

/// One entry per line, left to right: its line style, its marker, its label. Entries are
/// spaced by the label's length (text is not measured, so the layout is the same everywhere).
fn draw_legend(area: &Area, lines: &[Line]) -> DrawResult {
    let mut x = 90;
    let y = LEGEND as i32 / 2;
    for (i, line) in lines.iter().enumerate() {
        let (colour, style, dashed) = line_style(i, line);
        let segments: &[(i32, i32)] = if dashed {
            &[(0, 9), (15, 25), (31, 40)]
        } else {
            &[(0, 40)]
        };
        for (a, b) in segments {
            area.draw(&PathElement::new(vec![(x + a, y), (x + b, y)], style))?;
        }
        area.draw(&Mark {
            at: (x + 20, y),
            kind: i % MARKERS,
            colour,
        })?;
        area.draw(&Text::new(
            line.label.clone(),
            (x + 46, y - 7),
            (FONT, 13).into_font(),
        ))?;
        x += 46 + 7 * line.label.chars().count() as i32 + 28;
    }
    Ok(())
}

/// Line `i`'s colour, stroke and whether it is dashed: by its place, heavier when emphasised.
fn line_style(i: usize, line: &Line) -> (RGBColor, ShapeStyle, bool) {
    let colour = COLOURS[i % COLOURS.len()];
    let style = colour.stroke_width(if line.emphasis { 3 } else { 2 });
    (colour, style, i % 2 == 1)
}

type Cartesian<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<
        plotters::coord::combinators::WithKeyPoints<plotters::coord::types::RangedDate<NaiveDate>>,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// Series `i`: colour, dash and marker by its place; the emphasised line is heavier.
fn draw_line<'a, 'b: 'a>(
    c: &mut Cartesian<'a, 'b>,
    measure: Measure,
    i: usize,
    line: &Line,
) -> DrawResult {
    let (colour, style, dashed) = line_style(i, line);
    let y = |v: f64| if measure == Measure::Rank { -v } else { v };
    let points: Vec<(NaiveDate, f64)> = line.points.iter().map(|(d, v)| (*d, y(*v))).collect();
    if dashed {
        c.draw_series(DashedLineSeries::new(points.clone(), 9, 5, style))?;
    } else {
        c.draw_series(LineSeries::new(points.clone(), style))?;
    }
    let kind = i % MARKERS;
    let every = (points.len() / MARKS).max(1);
    c.draw_series(
        points
            .iter()
            .enumerate()
            .filter(|(k, _)| k % every == 0 || *k + 1 == points.len())
            .map(|(_, p)| Mark {
                at: *p,
                kind,
                colour,
            }),
    )?;
    Ok(())
}

/// A series' marker at one point: a filled circle, a filled triangle, a cross, a ring or a
/// filled diamond. One element for every shape, so that the legend and the line draw the same
/// marker.
struct Mark<C> {
    at: C,
    kind: usize,
    colour: RGBColor,
}

impl<'a, C: 'a> PointCollection<'a, C> for &'a Mark<C> {
    type Point = &'a C;
    type IntoIter = std::iter::Once<&'a C>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for Mark<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), BackendError<DB::ErrorType>> {
        let Some((x, y)) = pos.next() else {
            return Ok(());
        };
        let fill = self.colour.filled();
        let line = self.colour.stroke_width(2);
        match self.kind {
            0 => backend.draw_circle((x, y), 4, &fill, true),
            1 => backend.fill_polygon(vec![(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)], &fill),
            2 => {
                backend.draw_line((x - 4, y - 4), (x + 4, y + 4), &line)?;
                backend.draw_line((x - 4, y + 4), (x + 4, y - 4), &line)
            }
            3 => backend.draw_circle((x, y), 4, &line, false),
            _ => backend.fill_polygon(vec![(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)], &fill),
        }
    }
}

/// The x axis' ticks and their label format: the first of every month, or of every 2nd, 3rd,
/// 6th, 12th … month counted from January (at most 10), labelled `YYYY-MM`, so that equal
/// steps on the axis are equal steps of the calendar; a span of less than four months has a
/// tick every week or every few weeks from its first date, labelled with the day.
fn x_ticks(first: NaiveDate, last: NaiveDate) -> (Vec<NaiveDate>, &'static str) {
    let month = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    let (m0, m1) = (month(first), month(last));
    if m1 - m0 >= 4 {
        let step = [1, 2, 3, 6, 12, 24, 60, 120, 600]
            .into_iter()
            .find(|s| (m1 - m0) / s <= 9)
            .unwrap_or(1_200);
        let ticks = (m0..=m1)
            .filter(|m| m % step == 0)
            .filter_map(|m| {
                NaiveDate::from_ymd_opt(
                    i32::try_from(m.div_euclid(12)).ok()?,
                    (m.rem_euclid(12) + 1) as u32,
                    1,
                )
            })
            .filter(|d| *d >= first && *d <= last)
            .collect();
        return (ticks, "%Y-%m");
    }
    let weeks = (last - first).num_days() / 7;
    let step = (weeks / 7 + 1).max(1);
    let ticks = (0..=weeks / step)
        .map(|k| first + Duration::days(7 * step * k))
        .filter(|d| *d <= last)
        .collect();
    (ticks, "%Y-%m-%d")
}

/// A y tick in the measure's words.
fn tick(measure: Measure, v: f64) -> String {
    match measure {
        Measure::Usd => format::usd(v),
        Measure::Share => format::pct(v),
        Measure::Index => format::num(v.round()),
        Measure::Rank => {
            let rank = -v;
            if (rank - rank.round()).abs() < 1e-9 && rank >= 1.0 {
                format!("#{}", rank.round())
            } else {
                String::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest amounts a dataset allows (finite, up to `f64::MAX`): the headroom above the
    /// top point would overflow to infinity, and an infinite axis never finishes its ticks.
    #[test]
    fn a_chart_of_the_largest_amounts_is_drawn() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 1, d).unwrap();
        for measure in [Measure::Usd, Measure::Index, Measure::Rank] {
            let chart = Chart {
                id: "tvl".into(),
                title: "TVL".into(),
                y_label: "USD".into(),
                measure,
                lines: vec![Line {
                    label: "a".into(),
                    emphasis: true,
                    points: vec![(day(5), f64::MAX), (day(12), 1.7e308), (day(19), 0.0)],
                }],
            };
            let svg = svg(&chart).unwrap();
            assert!(
                svg.contains("<polyline") || svg.contains("<path"),
                "{measure:?}"
            );
        }
    }

    /// Ticks fall on calendar steps: the first of every month or of every few months from
    /// January for a long span, every week or few weeks for a short one.
    #[test]
    fn x_ticks_are_steps_of_the_calendar() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let shown = |(ticks, label): (Vec<NaiveDate>, &str)| -> Vec<String> {
            ticks.iter().map(|t| t.format(label).to_string()).collect()
        };
        // Base's TVL: 2021-08-08 to 2026-04-19, 56 months: every 6th month from January.
        assert_eq!(
            shown(x_ticks(d(2021, 8, 8), d(2026, 4, 19))),
            [
                "2022-01", "2022-07", "2023-01", "2023-07", "2024-01", "2024-07", "2025-01",
                "2025-07", "2026-01"
            ]
        );
        // 32 months: every 6th.
        assert_eq!(
            shown(x_ticks(d(2023, 7, 16), d(2026, 3, 1))),
            ["2024-01", "2024-07", "2025-01", "2025-07", "2026-01"]
        );
        // 5 months: every month.
        assert_eq!(
            shown(x_ticks(d(2024, 8, 4), d(2025, 1, 5))),
            [
                "2024-09-01",
                "2024-10-01",
                "2024-11-01",
                "2024-12-01",
                "2025-01-01"
            ]
            .map(|t| t[..7].to_string())
        );
        // Nine weeks: every second week from the first.
        assert_eq!(
            shown(x_ticks(d(2024, 11, 3), d(2024, 12, 29))),
            [
                "2024-11-03",
                "2024-11-17",
                "2024-12-01",
                "2024-12-15",
                "2024-12-29"
            ]
        );
    }
}
