//! Memos as files: a chain or sector memo rendered through its templates to Markdown (with its
//! charts as SVG files beside it, which the Markdown links) and to HTML (one self-contained
//! page with the same charts inline). The template context is the memo's typed values as they
//! serialize, plus `figures`: each chart with its `title`, the `file` the Markdown links and
//! the `svg` the HTML inlines, and `memo_key` (see `Stamps::memo_key`), which the HTML page
//! carries for the screen page that links it.

use super::chart;
use super::files::OutFile;
use super::template::Templates;
use crate::error::Error;
use crate::evaluate::Stamps;
use crate::memo::{ChainMemo, Chart, SectorMemo};
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::Serialize;

/// Which memo formats to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MemoFormat {
    /// Markdown, with the charts as SVG files beside it
    Md,
    /// One self-contained HTML page, charts inline
    Html,
    /// Both
    Both,
}

impl MemoFormat {
    fn markdown(self) -> bool {
        self != MemoFormat::Html
    }

    fn html(self) -> bool {
        self != MemoFormat::Md
    }
}

/// A chart as templates see it.
#[derive(Serialize)]
struct Figure {
    id: String,
    title: String,
    file: String,
    svg: String,
}

/// The files of one chain memo: `<slug>.md` and its `<slug>-<chart>.svg`, `<slug>.html`.
pub fn chain(
    memo: &ChainMemo,
    templates: &Templates,
    format: MemoFormat,
) -> Result<Vec<OutFile>, Error> {
    files(
        &memo.slug,
        "chain",
        memo,
        &memo.stamps,
        &memo.charts,
        templates,
        format,
    )
}

/// The files of the sector memo: `sector.md` and its charts, `sector.html`.
pub fn sector(
    memo: &SectorMemo,
    templates: &Templates,
    format: MemoFormat,
) -> Result<Vec<OutFile>, Error> {
    files(
        "sector",
        "sector",
        memo,
        &memo.stamps,
        &memo.charts,
        templates,
        format,
    )
}

fn files(
    base: &str,
    template: &str,
    memo: &impl Serialize,
    stamps: &Stamps,
    charts: &[Chart],
    templates: &Templates,
    format: MemoFormat,
) -> Result<Vec<OutFile>, Error> {
    let figures = charts
        .iter()
        .map(|c| {
            Ok(Figure {
                id: c.id.clone(),
                title: c.title.clone(),
                file: format!("{base}-{}.svg", c.id),
                svg: chart::svg(c)?,
            })
        })
        .collect::<anyhow::Result<Vec<Figure>>>()?;
    let context = context! {
        figures => Value::from(Serde(&figures)),
        memo_key => stamps.memo_key(),
        ..Value::from(Serde(memo))
    };
    let mut out = Vec::new();
    if format.markdown() {
        out.push(OutFile {
            name: format!("{base}.md"),
            text: templates.render(&format!("{template}.md.j2"), context.clone())?,
        });
        out.extend(figures.iter().map(|f| OutFile {
            name: f.file.clone(),
            text: f.svg.clone(),
        }));
    }
    if format.html() {
        out.push(OutFile {
            name: format!("{base}.html"),
            text: templates.render(&format!("{template}.html.j2"), context)?,
        });
    }
    Ok(out)
}
