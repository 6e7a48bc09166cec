//! The templates memos and the HTML screen report are rendered with: minijinja files, built in
//! from `templates/` and replaceable one by one from a directory of the user's
//! (`moat memo --template DIR`; `--write-templates DIR` writes the defaults there to edit).
//! Templates get the typed memo values as their context and the formatters reasons use as
//! filters (`usd`, `pct`, `signed_pct`, `num`, `ordinal`, `score`), so an edited template
//! writes numbers the way the screen does. A mistake in a template — a syntax error, an unknown
//! filter, a misspelt value (undefined values are errors, never blanks) — is reported at its
//! file, line and column, and nothing is written.

use super::files::{Existing, OutFile, write_all};
use crate::diagnostics::{Diagnostic, line_col};
use crate::error::Error;
use crate::rules::format;
use anyhow::Context as _;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The built-in templates: (file name, text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("chain.md.j2", include_str!("../../templates/chain.md.j2")),
    (
        "chain.html.j2",
        include_str!("../../templates/chain.html.j2"),
    ),
    ("sector.md.j2", include_str!("../../templates/sector.md.j2")),
    (
        "sector.html.j2",
        include_str!("../../templates/sector.html.j2"),
    ),
    (
        "screen.html.j2",
        include_str!("../../templates/screen.html.j2"),
    ),
    ("page.html.j2", include_str!("../../templates/page.html.j2")),
    (
        "macros.html.j2",
        include_str!("../../templates/macros.html.j2"),
    ),
    ("style.css.j2", include_str!("../../templates/style.css.j2")),
];

/// A set of templates ready to render.
pub struct Templates {
    env: Environment<'static>,
    /// Each template's text and the file it is reported as.
    files: BTreeMap<String, (String, String)>,
}

impl Templates {
    /// The built-in templates.
    pub fn builtin() -> Result<Templates, Error> {
        Templates::load(None)
    }

    /// Every `*.j2` file of `dir` (when given), and the built-in templates for the names it
    /// does not hold.
    pub fn load(dir: Option<&Path>) -> Result<Templates, Error> {
        let mut files: BTreeMap<String, (String, String)> = BTreeMap::new();
        // Template files that could not be read, reported with the problems of the rest.
        let mut unread = Vec::new();
        if let Some(dir) = dir {
            let inside = dir.canonicalize().ok();
            let entries = std::fs::read_dir(dir)
                .with_context(|| format!("cannot read the template directory {}", dir.display()))?;
            for entry in entries {
                let path = entry
                    .with_context(|| {
                        format!("cannot read the template directory {}", dir.display())
                    })?
                    .path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if !name.ends_with(".j2") {
                    continue;
                }
                let shown = path.display().to_string();
                // A memo is passed on: a link must not write a file from elsewhere into it.
                if let (Some(inside), Ok(target)) = (&inside, path.canonicalize())
                    && !target.starts_with(inside)
                {
                    unread.push(Diagnostic::file(
                        &shown,
                        format!(
                            "a symbolic link to {}, outside the template directory: expected a template file inside it",
                            target.display()
                        ),
                    ));
                    continue;
                }
                match crate::rules::files::read_text(&path, &shown, TEMPLATE_FILE) {
                    Ok(text) => {
                        files.insert(name.to_string(), (text, shown));
                    }
                    Err(problem) => unread.push(problem),
                }
            }
        }
        for (name, text) in BUILTIN {
            files
                .entry(name.to_string())
                .or_insert_with(|| (text.to_string(), format!("{name} (built in)")));
        }
        let mut env = environment();
        let mut problems = unread;
        for (name, (text, _)) in &files {
            if let Err(e) = env.add_template_owned(name.clone(), text.clone()) {
                problems.push(diagnostic(&files, &e));
            }
        }
        if !problems.is_empty() {
            let n = problems.len();
            return Err(Error::problems(
                problems,
                format!(
                    "{} in the templates; nothing was written",
                    crate::diagnostics::plural(n, "problem")
                ),
            ));
        }
        Ok(Templates { env, files })
    }

    /// Render the template `name` with `context`, on a thread of its own with a deep stack
    /// (see [`RENDER_STACK`]; on this one if the system refuses such a thread).
    pub fn render(&self, name: &str, context: Value) -> Result<String, Error> {
        let render = |context: Value| {
            // The memory the rendering holds is watched, and checked at every value it writes.
            let outer = crate::rules::memory::watch(MEMORY);
            let rendered = self.env.get_template(name).and_then(|t| t.render(context));
            crate::rules::memory::unwatch(outer);
            // Said here: minijinja's error may hold the last reference to a deep value, which
            // is dropped with it, on this thread's stack.
            rendered.map_err(|e| not_rendered(name, diagnostic(&self.files, &e)))
        };
        let before = process_allocated();
        std::thread::scope(|s| {
            let (done, finished) = std::sync::mpsc::channel::<()>();
            let spawned = std::thread::Builder::new()
                .name("template".into())
                .stack_size(RENDER_STACK)
                // A value is shared, not copied: the clone is kept for a system without the
                // thread.
                .spawn_scoped(s, {
                    let context = context.clone();
                    move || {
                        let rendered = render(context);
                        drop(done);
                        rendered
                    }
                });
            match spawned {
                Ok(thread) => {
                    // Until it ends (the channel closes), the process's memory is watched.
                    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                        finished.recv_timeout(WATCH_EVERY)
                    {
                        if let (Some(before), Some(now)) = (before, process_allocated())
                            && now.saturating_sub(before) > RUNAWAY
                        {
                            let shown = self.files.get(name).map_or(name, |(_, shown)| shown);
                            runaway(name, shown);
                        }
                    }
                    thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                }
                Err(_) => render(context),
            }
        })
    }
}

/// What the process may come to hold beyond what it held when a rendering started before the
/// rendering is stopped from outside it: minijinja builds some values in one step of its own,
/// where neither its fuel nor the check of [`MEMORY`] at every value written runs (a list added
/// to itself in a loop is copied whole once it is 32 additions deep: 33 additions copy 8
/// billion items). Four times the memory a rendering may hold, so that a value that is only
/// large (700 MB written) still meets that check first, at the value written.
const RUNAWAY: u64 = 4 * MEMORY as u64;

/// How often the memory of the process is read while a template renders (the rendering's end
/// is not waited for any longer: it closes a channel).
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

/// The bytes the process holds, as jemalloc counts them (`None` if it cannot say).
fn process_allocated() -> Option<u64> {
    tikv_jemalloc_ctl::epoch::advance().ok()?;
    tikv_jemalloc_ctl::stats::allocated::read()
        .ok()
        .map(|b| b as u64)
}

/// A rendering past [`RUNAWAY`] cannot be stopped from inside minijinja, and its thread cannot
/// be stopped from outside: the process ends, with the error a rendering holding more than
/// [`MEMORY`] gets when it writes a value (it holds more than that too) and exit 2, before any
/// file of the run is written (every file is rendered before any is written).
fn runaway(name: &str, shown: &str) -> ! {
    let error = not_rendered(name, Diagnostic::file(shown, over_memory()));
    let mut err = anstream::stderr().lock();
    let _ = std::io::Write::write_fmt(&mut err, format_args!("{}\n", error.styled()));
    std::process::exit(2)
}

/// The error of the template `name` that `problem` stopped.
fn not_rendered(name: &str, problem: Diagnostic) -> Error {
    Error::problems(
        vec![problem],
        format!("the template {name} could not be rendered; nothing was written"),
    )
}

/// What a rendering holding more than [`MEMORY`] is told.
fn over_memory() -> String {
    format!(
        "the template holds more than {} of memory (a value growing without end?)",
        crate::dataset::limits::size_in_words(MEMORY as u64)
    )
}

/// The largest template file: 1 MiB, where the built-in ones are a few KB each.
const TEMPLATE_FILE: crate::dataset::limits::Expected = crate::dataset::limits::Expected {
    max_bytes: 1 << 20,
    what: "a template (.j2)",
};

/// The instructions one rendering may run. The built-in templates on the shipped data run at
/// most 26,623 (the screen report of 137 chains, about 195 a chain; a chain memo 8,569),
/// measured with minijinja's `fuel_levels`: this leaves room for a screen report of 250,000
/// chains, and stops a template looping without end with an error.
const FUEL: u64 = 50_000_000;

/// The memory one rendering may hold (what it allocates and has not freed): the largest built-in
/// output, the screen report, is 78 KB of HTML on the shipped data, 5.4 MB for 10,000 chains
/// and 53 MB for 100,000, so this is far above any real report, and a template that builds
/// gigabytes (a string repeated and replaced, printed in a loop) stops with an error at the
/// next value it writes.
const MEMORY: usize = 512 << 20;

/// The stack a rendering runs on: minijinja walks a value recursively (to drop it, to write
/// it), and a template can nest one as deep as its fuel allows (`{% set ns.a = [ns.a] %}` in
/// nested loops): 50,000 levels overflowed the 8 MiB of the main thread, which aborts the
/// process, and a template spending all its fuel so overflowed 2 GiB in a debug build (it
/// ends with its out-of-fuel error in 4 GiB, at 2.65 GB of peak memory). The stack is reserved
/// address space: a rendering touches only what it uses; a system that refuses the
/// reservation renders on the calling thread, as before.
const RENDER_STACK: usize = 4 << 30;

/// The auto-escape mode of `*.md*` templates: values are written as Markdown that shows them
/// literally (`escape::markdown`).
const MARKDOWN: AutoEscape = AutoEscape::Custom(std::borrow::Cow::Borrowed("markdown"));

/// The environment every template set shares: strict about undefined values, HTML escaping
/// for `*.html*` templates and Markdown escaping for `*.md*` ones (both also write control
/// characters, bidirectional controls and line separators as `�`: see `escape`), blocks that
/// leave no blank lines, and the formatters as filters.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_debug(true);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.set_auto_escape_callback(|name| {
        if name.contains(".html") {
            AutoEscape::Html
        } else if name.contains(".md") {
            MARKDOWN
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(format_value);
    env.add_filter("usd", |x: Option<f64>| x.map_or("n/a".into(), format::usd));
    env.add_filter("pct", |x: Option<f64>| x.map_or("n/a".into(), format::pct));
    env.add_filter("signed_pct", |x: Option<f64>| {
        x.map_or("n/a".into(), format::signed_pct)
    });
    env.add_filter("num", |x: Option<f64>| x.map_or("n/a".into(), format::num));
    env.add_filter("ordinal", |x: Option<f64>| {
        x.map_or("n/a".into(), format::ordinal)
    });
    env.add_filter("score", |x: Option<f64>| super::score_text(x));
    env.add_filter("short", |s: String| super::short_hash(&s).to_string());
    env.add_filter("words", |items: Vec<String>| format::list(&items));
    // Rule titles are sentences of their own: quoted, so that a list of them reads in one.
    env.add_filter("titles", |items: Vec<String>| {
        let quoted: Vec<String> = items.iter().map(|t| format!("“{t}”")).collect();
        format::list(&quoted)
    });
    env.add_filter("code", |state: &minijinja::State, s: String| {
        if *state.auto_escape() == MARKDOWN {
            Value::from_safe_string(super::escape::markdown_code(&s))
        } else if *state.auto_escape() == AutoEscape::Html {
            let cleaned = super::escape::shown(&s);
            Value::from_safe_string(format!("<code>{}</code>", minijinja::HtmlEscape(&cleaned)))
        } else {
            Value::from(s)
        }
    });
    env.add_filter("cell", |state: &minijinja::State, s: String| {
        if *state.auto_escape() == MARKDOWN {
            // Escaped here, whole: escaping the cell's `\|` again would undo it.
            Value::from_safe_string(super::escape::markdown(&s))
        } else {
            Value::from(s.replace('|', "\\|").replace('\n', " "))
        }
    });
    env
}

/// How a value is written into a template: in Markdown templates as [`escape::markdown`], in
/// HTML templates HTML-escaped, and in both with what `escape` cleans replaced. Safe values
/// (`|safe`, the charts, `cell`'s) are written as they are; text templates (`*.css*`) get the
/// value as it is.
///
/// [`escape::markdown`]: super::escape::markdown
fn format_value(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    use minijinja::value::ValueKind;
    if crate::rules::memory::over() {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            over_memory(),
        ));
    }
    let markdown = *state.auto_escape() == MARKDOWN;
    if value.is_safe() || !(markdown || *state.auto_escape() == AutoEscape::Html) {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = match value.as_str() {
        Some(text) => std::borrow::Cow::Borrowed(text),
        None if markdown || matches!(value.kind(), ValueKind::Seq | ValueKind::Map) => {
            std::borrow::Cow::Owned(value.to_string())
        }
        // Numbers, booleans, none: nothing to clean.
        None => return minijinja::escape_formatter(out, state, value),
    };
    if markdown {
        out.write_str(&super::escape::markdown(&text))?;
        Ok(())
    } else {
        let cleaned = Value::from(super::escape::shown(&text).into_owned());
        minijinja::escape_formatter(out, state, &cleaned)
    }
}

/// A template error at its file, line and column, with the line's text.
fn diagnostic(files: &BTreeMap<String, (String, String)>, e: &minijinja::Error) -> Diagnostic {
    // An error inside an included template comes wrapped in the include's ("could not render
    // include"): it is shown where it is, with the include it came through.
    let mut inner = e;
    while let Some(cause) = std::error::Error::source(inner)
        .and_then(|s| s.downcast_ref::<minijinja::Error>())
        .filter(|c| c.name().is_some() && c.line().is_some())
    {
        inner = cause;
    }
    if !std::ptr::eq(inner, e) {
        let mut d = diagnostic(files, inner);
        let shown = e.name().and_then(|n| files.get(n)).map(|(_, shown)| shown);
        if let (Some(shown), Some(line)) = (shown, e.line()) {
            d.message
                .push_str(&format!(" (included from {shown}:{line})"));
        }
        return d;
    }
    let mut message = match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    };
    if e.kind() == minijinja::ErrorKind::TemplateNotFound {
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        message.push_str(&format!(
            " (the templates are the `*.j2` files of the template directory itself, not of its subdirectories, and the built-in ones: {})",
            names.join(", ")
        ));
    }
    let file = e.name().and_then(|n| files.get(n));
    match (file, e.line()) {
        (Some((text, shown)), Some(line)) => {
            let column = e
                .range()
                .map(|r| line_col(text, r.start))
                .filter(|(l, _)| *l == line)
                .map_or(1, |(_, c)| c);
            Diagnostic::at(shown, text, line, column, message)
        }
        (Some((_, shown)), None) => Diagnostic::file(shown, message),
        (None, _) => Diagnostic::file("", message),
    }
}

/// Write the built-in templates into `dir` (created when missing), each atomically. Nothing
/// is overwritten: when any of them exists, every such file is named and nothing is written.
pub fn write_defaults(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let targets: Vec<PathBuf> = BUILTIN.iter().map(|(name, _)| dir.join(name)).collect();
    let existing: Vec<String> = targets
        .iter()
        .filter(|p| p.exists())
        .map(|p| format!("{} already exists", p.display()))
        .collect();
    if !existing.is_empty() {
        return Err(Error::messages(&existing, "nothing was written"));
    }
    let files: Vec<OutFile> = BUILTIN
        .iter()
        .map(|(name, text)| OutFile {
            name: name.to_string(),
            text: text.to_string(),
        })
        .collect();
    Ok(write_all(dir, &files, Existing::Keep)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values written into Markdown templates are shown literally, `cell` escapes a table cell
    /// once, HTML templates escape as before and also write control characters and
    /// bidirectional overrides as `�`; `|safe` opts out in both.
    #[test]
    fn templates_escape_values_for_their_format() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("t.md.j2"),
            "{{ v }}\n{{ v|cell }}\n{{ n }} {{ s|safe }}",
        )
        .unwrap();
        std::fs::write(
            tmp.path().join("t.html.j2"),
            "{{ v }}\n{{ n }} {{ s|safe }}",
        )
        .unwrap();
        let templates = Templates::load(Some(tmp.path())).unwrap();
        let v = "<b>[x](javascript:1)</b>\x1b[31m\x07\u{202e}a|b\nc";
        let context = minijinja::context! { v => v, n => -1.5, s => "<i>" };
        assert_eq!(
            templates.render("t.md.j2", context.clone()).unwrap(),
            "&lt;b>\\[x\\](javascript:1)&lt;/b>\u{fffd}\\[31m\u{fffd}\u{fffd}a\\|b c\n\
             &lt;b>\\[x\\](javascript:1)&lt;/b>\u{fffd}\\[31m\u{fffd}\u{fffd}a\\|b c\n-1.5 <i>"
        );
        assert_eq!(
            templates.render("t.html.j2", context).unwrap(),
            "&lt;b&gt;[x](javascript:1)&lt;&#x2f;b&gt;\u{fffd}[31m\u{fffd}\u{fffd}a|b\nc\n-1.5 <i>"
        );
    }
}
