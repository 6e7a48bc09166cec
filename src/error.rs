//! The one error every command carries up to `cli::main`, which alone turns it into exit code
//! 2. Problems in the user's files (a dataset, a rule pack, test cases) are diagnostics, each at
//! its place, closed by a summary line; anything else is a message with its causes. Nothing
//! below prints an error or picks an exit code.

use crate::diagnostics::{Diagnostic, Diagnostics};
use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// Problems found in the user's files or arguments, in reading order, and the line that
    /// closes the list (e.g. `2 problems found; the dataset was not loaded`).
    Problems {
        diagnostics: Diagnostics,
        summary: Option<String>,
    },
    /// Anything else, with its chain of causes.
    Other(anyhow::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn problems(diagnostics: impl Into<Diagnostics>, summary: impl Into<String>) -> Error {
        Error::Problems {
            diagnostics: diagnostics.into(),
            summary: Some(summary.into()),
        }
    }

    /// Plain messages, each shown as `error: …`, closed by `summary`.
    pub fn messages(messages: &[String], summary: impl Into<String>) -> Error {
        let list: Vec<Diagnostic> = messages.iter().map(|m| Diagnostic::file("", m)).collect();
        Error::problems(list, summary)
    }

    /// The rendering with ANSI styles (printed through `anstream`, which drops them where
    /// colour is off); `Display` is the same text without styles.
    pub fn styled(&self) -> String {
        match self {
            Error::Problems {
                diagnostics,
                summary,
            } => {
                let mut out = diagnostics.styled();
                if let Some(s) = summary {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(s);
                }
                out
            }
            Error::Other(_) => {
                let bold_red = anstyle::Style::new()
                    .bold()
                    .fg_color(Some(anstyle::AnsiColor::Red.into()));
                let plain = self.to_string();
                match plain.strip_prefix("error:") {
                    Some(rest) => format!("{bold_red}error:{bold_red:#}{rest}"),
                    None => plain,
                }
            }
        }
    }

    /// Whether the error is a closed pipe on stdout (`moat screen | head`): a normal end.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Other(e) => e
                .chain()
                .filter_map(|c| c.downcast_ref::<std::io::Error>())
                .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe),
            Error::Problems { .. } => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Problems {
                diagnostics,
                summary,
            } => {
                write!(f, "{diagnostics}")?;
                if let Some(s) = summary {
                    if !diagnostics.0.is_empty() {
                        f.write_str("\n")?;
                    }
                    f.write_str(s)?;
                }
                Ok(())
            }
            Error::Other(e) => {
                for (i, cause) in e.chain().enumerate() {
                    let s = cause.to_string();
                    if i == 0 {
                        if s.starts_with("error:") {
                            f.write_str(&s)?;
                        } else {
                            write!(f, "error: {s}")?;
                        }
                    } else {
                        write!(f, "\n  caused by: {s}")?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Error {
        match e.downcast::<Error>() {
            Ok(inner) => inner,
            Err(e) => Error::Other(e),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Other(e.into())
    }
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Error {
        Error::Problems {
            diagnostics: d,
            summary: None,
        }
    }
}

impl From<crate::dataset::DataErrors> for Error {
    fn from(e: crate::dataset::DataErrors) -> Error {
        Error::problems(e.diagnostics(), e.summary())
    }
}
