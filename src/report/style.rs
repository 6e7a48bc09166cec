//! Colour, in one place: renderers mark statuses and headings with ANSI styles (anstyle), and
//! the stream they are printed through (anstream) keeps or drops them: kept on a terminal or
//! with `--color always`, dropped in a pipe, with `NO_COLOR` or `--color never`. Rendered text
//! is therefore the same whatever the destination, and tests can strip it to compare.

use crate::evaluate::Status;
use anstyle::{AnsiColor, Style};

pub fn status_style(status: Status) -> Style {
    let color = match status {
        Status::Pass => AnsiColor::Green,
        Status::Fail => AnsiColor::Red,
        Status::Skip => AnsiColor::Yellow,
        Status::Error => AnsiColor::Magenta,
    };
    let style = Style::new().fg_color(Some(color.into()));
    if status == Status::Error {
        style.bold()
    } else {
        style
    }
}

/// `text` in `style`.
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// A status in its colour.
pub fn paint_status(status: Status) -> String {
    paint(status_style(status), status.as_str())
}

/// `text` without ANSI styles.
pub fn plain(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}
