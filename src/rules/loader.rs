//! Loading a rule pack: read screen.toml and every `*.rhai` file, parse each header, compile
//! each rule once on the sandboxed engine, check its entry function, and check that the rules on
//! disk and the rules in screen.toml are the same set. Every problem of every file is collected
//! before giving up, so one run shows them all.

use super::api::params::ParamTable;
use super::engine;
use super::files;
use super::front_matter::{self, FrontMatter};
use super::limits::{self, Limits};
use super::pack::{CompiledRule, RuleInfo, RulePack, SourceFile, pack_hash};
use super::screen_file::{self, SCREEN_FILE};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean, line_col};
use rhai::{Engine, LexError, ParseError, ParseErrorType};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Read `dir/screen.toml` and `dir/*.rhai` and load them.
pub fn load_dir(dir: &Path, limits: Limits) -> Result<RulePack, Diagnostics> {
    let (screen, rules) = read_dir(dir)?;
    load_sources(screen, rules, limits)
}

/// Read `dir/screen.toml` and every `dir/*.rhai` (sorted by path), or say which could not be read.
pub fn read_dir(dir: &Path) -> Result<(SourceFile, Vec<SourceFile>), Diagnostics> {
    let screen_path = dir.join(SCREEN_FILE).display().to_string();
    let mut errors = Vec::new();
    let screen =
        match files::read_text(&dir.join(SCREEN_FILE), &screen_path, files::SCREEN_SETTINGS) {
            Ok(text) => SourceFile::new(&screen_path, text),
            Err(e) => {
                errors.push(e);
                SourceFile::new(&screen_path, "")
            }
        };
    // Every `*.rhai` entry, whatever it is: one that is not a regular file is refused by name
    // rather than passed over.
    let mut paths: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
            .collect(),
        Err(e) => {
            return Err(Diagnostics(vec![Diagnostic::file(
                &dir.display().to_string(),
                format!("cannot read the rules directory: {e}"),
            )]));
        }
    };
    paths.sort();
    let mut rules = Vec::new();
    for p in paths {
        let shown = p.display().to_string();
        match files::read_text(&p, &shown, files::RULE_FILE) {
            Ok(text) => rules.push(SourceFile::new(
                shown,
                files::lone_carriage_returns_as_line_ends(text),
            )),
            Err(e) => errors.push(e),
        }
    }
    if rules.is_empty() && errors.is_empty() {
        errors.push(Diagnostic::file(
            &dir.display().to_string(),
            "no rule files (`*.rhai`) in this directory",
        ));
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    Ok((screen, rules))
}

/// Load a pack from in-memory files (what `load_dir` does after reading; also for tests).
pub fn load_sources(
    screen: SourceFile,
    files: Vec<SourceFile>,
    limits: Limits,
) -> Result<RulePack, Diagnostics> {
    match load_partial(screen, files, limits) {
        Partial {
            pack: Some(pack),
            errors,
            ..
        } if errors.is_empty() => Ok(pack),
        Partial { errors, .. } => Err(Diagnostics(errors)),
    }
}

/// What [`load_partial`] could load.
pub struct Partial {
    /// The rules that have a readable header, an entry function and a screen.toml entry;
    /// `None` when screen.toml does not parse.
    pub pack: Option<RulePack>,
    /// Every problem that stops a screen.
    pub errors: Vec<Diagnostic>,
    /// Why the code of a rule with a readable header does not compile (such a rule stays in
    /// the pack and gives ERROR verdicts), whether or not there is a pack.
    pub broken: Vec<Diagnostic>,
}

/// The id an `//! id:` line of a file's header declares, however the rest of the header reads.
fn declared_id(text: &str) -> Option<String> {
    let id = text
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .find_map(|l| l.strip_prefix("//!")?.trim().strip_prefix("id:"))?
        .trim();
    front_matter::valid_id(id).then(|| id.to_string())
}

/// Load what can be loaded and keep every problem. `rules check` evaluates the partial pack so
/// one broken file does not hide the problems of the others; a screen never runs on it.
pub fn load_partial(screen: SourceFile, mut files: Vec<SourceFile>, limits: Limits) -> Partial {
    files.sort_by(|a, b| a.file_name().cmp(b.file_name()));
    let hash = pack_hash(&screen, &files);
    let sources = Arc::new((screen.clone(), files.clone()));
    let mut errors = Vec::new();
    let settings = screen_file::parse(&screen.path, &screen.text)
        .map_err(|e| errors.extend(e))
        .ok();
    let mut engine = engine::build(&limits);
    if let Some(settings) = &settings {
        let names = settings.rules.values().flat_map(|r| r.params.keys());
        crate::rules::api::params::register_getters(&mut engine, names.map(String::as_str));
    }

    type Loaded<'a> = (
        FrontMatter,
        rhai::AST,
        &'a SourceFile,
        (usize, usize),
        Option<Diagnostic>,
    );
    let mut compiled: Vec<Loaded> = Vec::new();
    // Ids declared by a readable header, and whether some header was unreadable (its file may
    // be the one a screen.toml entry refers to).
    let mut declared: Vec<String> = Vec::new();
    let mut unreadable_header = false;
    for file in &files {
        let header = front_matter::parse(&file.path, &file.text)
            .map_err(|e| errors.extend(e))
            .ok();
        match &header {
            Some(h) => declared.push(h.id.clone()),
            // A header wrong elsewhere still names its rule when its `id:` line reads: only a
            // file whose id cannot be told may be the one an unmatched entry refers to.
            None => match declared_id(&file.text) {
                Some(id) => declared.push(id),
                None => unreadable_header = true,
            },
        }
        let Some(header) = header else {
            continue;
        };
        // Code the sandbox refuses or cannot parse does not stop the screen: the rule stays in
        // the pack as broken, and every verdict it gives is an ERROR at the problem's place.
        let (ast, entry, broken) = match compile(&engine, file, &limits) {
            Ok(ast) => match check_entry(&header, &ast, file) {
                Ok(at) => (ast, at, None),
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            Err(e) => (
                rhai::AST::empty(),
                (e.line.max(1), e.column.max(1)),
                Some(e),
            ),
        };
        if let Some((_, _, first, ..)) = compiled.iter().find(|(h, ..)| h.id == header.id) {
            let message = format!("rule id `{}` is already used by {}", header.id, first.path);
            errors.push(match id_at(&file.text) {
                Some((line, column)) => {
                    Diagnostic::at(&file.path, &file.text, line, column, message)
                }
                None => Diagnostic::file(&file.path, message),
            });
            continue;
        }
        compiled.push((header, ast, file, entry, broken));
    }

    let broken = compiled
        .iter()
        .filter_map(|(.., broken)| broken.clone())
        .collect();
    // Rules and screen.toml are matched even when a setting is wrong, as long as the TOML reads.
    let listed: Option<BTreeMap<String, (usize, usize)>> = match &settings {
        Some(s) => Some(
            s.rules
                .iter()
                .map(|(id, r)| (id.clone(), (r.line, r.column)))
                .collect(),
        ),
        None => listed_leniently(&screen.text),
    };
    let listed = listed.as_ref();
    for (header, _, file, ..) in &compiled {
        if listed.is_some_and(|l| !l.contains_key(&header.id)) {
            errors.push(Diagnostic::file(
                &file.path,
                format!(
                    "rule `{}` is not listed in {}: add a [rules.{}] table (weight, gate, params)",
                    header.id, screen.path, header.id
                ),
            ));
        }
    }
    for (id, &(line, column)) in listed.into_iter().flatten() {
        if !unreadable_header && !declared.contains(id) {
            let hint = did_you_mean(id, compiled.iter().map(|(h, ..)| h.id.as_str()))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            errors.push(Diagnostic::at(
                &screen.path,
                &screen.text,
                line,
                column,
                format!(
                    "[rules.{id}] has no rule file: no `*.rhai` file declares `//! id: {id}`{hint}"
                ),
            ));
        }
    }
    let Some(settings) = settings else {
        return Partial {
            pack: None,
            errors,
            broken,
        };
    };
    let rules = compiled
        .into_iter()
        .filter(|(h, ..)| settings.rules.contains_key(&h.id))
        .map(|(h, ast, file, entry_at, broken)| {
            let s = &settings.rules[&h.id];
            let params = Arc::new(ParamTable::from_toml(&h.id, &s.params));
            let info = RuleInfo {
                params: params.to_json(),
                id: h.id,
                title: h.title,
                category: h.category,
                why: h.why,
                weight: s.weight,
                gate: s.gate,
                scope: h.scope,
                file: file.file_name().to_string(),
            };
            CompiledRule {
                info,
                ast_source: ast.source().map(Into::into),
                shares_variables: crate::rules::api::sandbox::shares_variables(&ast),
                ast,
                params,
                source: Arc::from(file.text.as_str()),
                entry_at,
                broken,
            }
        })
        .collect();
    let dir = std::path::Path::new(&screen.path)
        .parent()
        .map_or(String::new(), |p| p.display().to_string());
    let pack = RulePack {
        dir,
        name: settings.name,
        pass_mark: settings.pass_mark,
        window_weeks: settings.window_weeks,
        rules,
        hash,
        engine,
        locator: std::sync::OnceLock::new(),
        limits,
        rule_time_budget: settings.rule_time_budget,
        screen_time_budget: settings.screen_time_budget,
        sources,
    };
    Partial {
        pack: Some(pack),
        errors,
        broken,
    }
}

/// The `[rules.<id>]` tables of a screen.toml that does not pass its checks, with where each
/// starts; `None` when it is not even TOML (its syntax error is reported instead).
fn listed_leniently(text: &str) -> Option<BTreeMap<String, (usize, usize)>> {
    #[derive(serde::Deserialize)]
    struct Lenient {
        #[serde(default)]
        rules: BTreeMap<String, toml::Spanned<toml::Value>>,
    }
    let lenient: Lenient = toml::from_str(text).ok()?;
    Some(
        lenient
            .rules
            .into_iter()
            .map(|(id, r)| (id, line_col(text, r.span().start)))
            .collect(),
    )
}

/// Compile a rule: parsed without optimisation (the engine's level), its literals and
/// `switch`es checked against the limits, then optimised. rhai's optimiser takes time growing
/// with the square of a `switch`'s cases (10,000 cases took 14 s in a debug build), so their
/// count is checked before it runs.
fn compile(engine: &Engine, file: &SourceFile, limits: &Limits) -> Result<rhai::AST, Diagnostic> {
    let ast = engine
        .compile(&file.text)
        .map_err(|e| parse_error(file, &e, limits.max_functions))?;
    if let Some((pos, message)) = oversized(&ast, limits) {
        let (line, column) = (pos.line().unwrap_or(1), pos.position().unwrap_or(1));
        return Err(Diagnostic::at(
            &file.path, &file.text, line, column, message,
        ));
    }
    let mut ast = engine.optimize_ast(&rhai::Scope::new(), ast, rhai::OptimizationLevel::Simple);
    // The file's name within the pack, as a result names the rule's file: a caught error's
    // `source` (`${e}`) must not depend on where the pack lives.
    ast.set_source(file.file_name());
    Ok(ast)
}

/// The first `switch` of more than [`limits::MAX_SWITCH_CASES`] cases, or literal larger than
/// a value built at run time may be (an array, a map, a string), with its position and why.
fn oversized(ast: &rhai::AST, limits: &Limits) -> Option<(rhai::Position, String)> {
    use rhai::{ASTNode, Expr, Stmt};
    let mut found = None;
    ast.walk(&mut |path: &[ASTNode]| {
        found = match path.last() {
            Some(ASTNode::Stmt(Stmt::Switch(x, pos))) => {
                let cases = x.1.cases.values().map(|b| b.blocks.len()).sum::<usize>() + x.1.ranges.len();
                (cases > limits::MAX_SWITCH_CASES).then(|| {
                    (
                        *pos,
                        format!(
                            "this `switch` has {cases} cases, more than the {} a rule may have (`MAX_SWITCH_CASES`): compiling a switch takes time growing with the square of its cases; a table of values belongs in screen.toml's params",
                            limits::MAX_SWITCH_CASES
                        ),
                    )
                })
            }
            Some(ASTNode::Expr(Expr::Array(items, pos))) => {
                (items.len() > limits.max_array_size).then(|| {
                    (
                        *pos,
                        format!(
                            "this array has {} items, more than the {} an array may hold (`MAX_ARRAY_SIZE`)",
                            items.len(),
                            limits.max_array_size
                        ),
                    )
                })
            }
            Some(ASTNode::Expr(Expr::Map(x, pos))) => (x.0.len() > limits.max_map_size).then(|| {
                (
                    *pos,
                    format!(
                        "this map has {} entries, more than the {} a map may hold (`MAX_MAP_SIZE`)",
                        x.0.len(),
                        limits.max_map_size
                    ),
                )
            }),
            Some(ASTNode::Expr(Expr::StringConstant(text, pos))) => {
                (text.len() > limits.max_string_size).then(|| {
                    (
                        *pos,
                        format!(
                            "this string is {} bytes, more than the {} a string may hold (`MAX_STRING_SIZE`)",
                            text.len(),
                            limits.max_string_size
                        ),
                    )
                })
            }
            _ => None,
        };
        found.is_none()
    });
    found
}

fn parse_error(file: &SourceFile, e: &ParseError, max_functions: usize) -> Diagnostic {
    let pos = e.position();
    let (line, column) = (pos.line().unwrap_or(1), pos.position().unwrap_or(1));
    // A refused name is reported as refused wherever the parser trips on it (`f.curry(x)`
    // reads to rhai as a property that is not a name).
    let word: String = file
        .text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .chars()
        .skip(column.saturating_sub(1))
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let refused = match e.err_type() {
        ParseErrorType::Reserved(s) | ParseErrorType::BadInput(LexError::ImproperSymbol(s, _))
            if engine::REFUSED.contains(&s.as_str()) =>
        {
            Some(s.to_string())
        }
        _ => engine::REFUSED.contains(&word.as_str()).then_some(word),
    };
    let message = match (refused, e.err_type()) {
        (Some(s), _) => {
            let why = match s.as_str() {
                "curry" => {
                    "a curried function pointer carries copies of values that no size check sees; a closure (`|x| f(x, y)`) does the same job"
                }
                _ => "a rule is one self-contained file and cannot run or load other code",
            };
            format!("`{s}` is not allowed in rules: {why}")
        }
        (None, ParseErrorType::VariableUndefined(v)) => {
            format!(
                "unknown variable `{v}` (a rule sees only its parameters, e.g. chain, params, peers, and its own `let`s)"
            )
        }
        (None, ParseErrorType::TooManyFunctions) => format!(
            "more than {max_functions} functions in one rule file (`MAX_FUNCTIONS`): every `fn` and every closure (`|x| ...`) counts"
        ),
        (None, other) => other.to_string(),
    };
    Diagnostic::at(&file.path, &file.text, line, column, message)
}

/// The entry function must exist with the scope's parameters; returns where it is defined.
fn check_entry(
    header: &FrontMatter,
    ast: &rhai::AST,
    file: &SourceFile,
) -> Result<(usize, usize), Diagnostic> {
    let (name, params) = header.scope.entry();
    let expected = format!("fn {name}({})", params.join(", "));
    // rhai tells functions apart by their count of parameters too: one of the right count is
    // the entry, whatever else the file defines by the name.
    let found = ast
        .iter_functions()
        .filter(|f| f.name == name)
        .min_by_key(|f| f.params.len() != params.len());
    match found {
        Some(f) if f.params.len() == params.len() => {
            Ok(entry_position(&file.text, name, params.len()))
        }
        Some(f) => {
            let (line, col) = entry_position(&file.text, name, f.params.len());
            Err(Diagnostic::at(
                &file.path,
                &file.text,
                line,
                col,
                format!(
                    "the entry function must be `{expected}`; found `fn {name}({})`",
                    f.params.join(", ")
                ),
            ))
        }
        None => {
            let other = match header.scope {
                front_matter::RuleScope::Chain
                    if ast.iter_functions().any(|f| f.name == "sector") =>
                {
                    " (this file defines `fn sector`: add `//! scope: sector` to its header)"
                }
                front_matter::RuleScope::Sector
                    if ast.iter_functions().any(|f| f.name == "rule") =>
                {
                    " (this file defines `fn rule`: a sector rule defines `fn sector(peers, params)`)"
                }
                _ => "",
            };
            Err(Diagnostic::file(
                &file.path,
                format!(
                    "no entry function: a {} rule must define `{expected}`{other}",
                    header.scope.as_str()
                ),
            ))
        }
    }
}

/// Where the function `name` with `arity` parameters is defined (1-based line and column of
/// its `fn`; 1:1 if not found).
///
/// The AST says which functions exist (the caller checked this one does) but not where they
/// start, so the position is read from the code: rhai allows `fn` only where a function is
/// defined, so once comments and string literals are skipped (a comment quoting the
/// signature, as the `moat rules new` skeleton does, is never it), each `fn <name>(<params>)`
/// is a definition, and the one with this name and arity is the function of the AST.
fn entry_position(text: &str, name: &str, arity: usize) -> (usize, usize) {
    let words = code_words(text);
    for (i, w) in words.iter().enumerate() {
        if w.2 != "fn" || words.get(i + 1).map(|n| n.2) != Some(name) {
            continue;
        }
        if words.get(i + 2).map(|n| n.2) != Some("(") {
            continue;
        }
        let params = words[i + 3..]
            .iter()
            .take_while(|w| w.2 != ")")
            .filter(|w| w.2 != "," && w.2 != "(")
            .count();
        if params == arity {
            return (w.0, w.1);
        }
    }
    (1, 1)
}

/// The words, parentheses and commas of a rule's code with their 1-based line and column,
/// skipping comments (`//`, nested `/* */`) and string and character literals.
fn code_words(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let (mut line, mut col) = (1, 1);
    let mut i = 0;
    let advance = |c: char, line: &mut usize, col: &mut usize| {
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i].1;
        let next = chars.get(i + 1).map(|p| p.1);
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i].1 != '\n' {
                advance(chars[i].1, &mut line, &mut col);
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                let (c, n) = (chars[i].1, chars.get(i + 1).map(|p| p.1));
                if c == '/' && n == Some('*') {
                    depth += 1;
                    advance(c, &mut line, &mut col);
                    i += 1;
                } else if c == '*' && n == Some('/') {
                    depth -= 1;
                    advance(c, &mut line, &mut col);
                    i += 1;
                    if depth == 0 {
                        advance('/', &mut line, &mut col);
                        i += 1;
                        break;
                    }
                }
                advance(chars[i].1, &mut line, &mut col);
                i += 1;
            }
        } else if c == '"' || c == '`' || c == '\'' {
            advance(c, &mut line, &mut col);
            i += 1;
            while i < chars.len() && chars[i].1 != c {
                if chars[i].1 == '\\' && i + 1 < chars.len() {
                    advance(chars[i].1, &mut line, &mut col);
                    i += 1;
                }
                advance(chars[i].1, &mut line, &mut col);
                i += 1;
            }
            if i < chars.len() {
                advance(c, &mut line, &mut col);
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let (start, at) = (chars[i].0, (line, col));
            while i < chars.len() && (chars[i].1.is_alphanumeric() || chars[i].1 == '_') {
                advance(chars[i].1, &mut line, &mut col);
                i += 1;
            }
            let end = chars.get(i).map_or(text.len(), |p| p.0);
            out.push((at.0, at.1, &text[start..end]));
        } else {
            match c {
                '(' => out.push((line, col, "(")),
                ')' => out.push((line, col, ")")),
                ',' => out.push((line, col, ",")),
                _ => {}
            }
            advance(c, &mut line, &mut col);
            i += 1;
        }
    }
    out
}

/// Where the value of a rule file's `//! id:` line starts (line, column), if it has one.
fn id_at(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix("//!")?.trim_start();
        let value = rest.strip_prefix("id:")?.trim_start();
        let column = line[..line.len() - value.len()].chars().count() + 1;
        Some((i + 1, column))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCREEN: &str = "name = \"t\"\npass_mark = 0.5\n[rules.a]\n[rules.b]\n";

    fn rule(id: &str, body: &str) -> String {
        format!("//! id: {id}\n//! title: T\n//! category: c\n//! why: W\n{body}\n")
    }

    fn load(screen: &str, files: &[(&str, String)]) -> Result<RulePack, Diagnostics> {
        let files = files
            .iter()
            .map(|(p, t)| SourceFile::new(*p, t.clone()))
            .collect();
        load_sources(
            SourceFile::new("rules/screen.toml", screen),
            files,
            Limits::default(),
        )
    }

    #[test]
    fn loads_a_valid_pack() {
        let pack = load(
            SCREEN,
            &[
                (
                    "rules/b.rhai",
                    rule("b", "fn rule(chain, params, peers) { pass(\"x\") }"),
                ),
                (
                    "rules/a.rhai",
                    rule("a", "fn rule(c, p, q) { pass(\"x\") }"),
                ),
            ],
        )
        .unwrap();
        let ids: Vec<_> = pack.rules().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(pack.name(), "t");
    }

    #[test]
    fn missing_entry_function_names_file_and_expectation() {
        let err = load(
            SCREEN,
            &[
                ("rules/a.rhai", rule("a", "fn check(chain) { true }")),
                ("rules/b.rhai", rule("b", "fn sector(peers, params) { 1 }")),
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "rules/a.rhai: error: no entry function: a chain rule must define `fn rule(chain, params, peers)`\n\
             rules/b.rhai: error: no entry function: a chain rule must define `fn rule(chain, params, peers)` (this file defines `fn sector`: add `//! scope: sector` to its header)"
        );
    }

    #[test]
    fn wrong_entry_arity_points_at_the_function() {
        let err = load(
            SCREEN,
            &[
                ("rules/a.rhai", rule("a", "fn rule(chain) { 1 }")),
                ("rules/b.rhai", rule("b", "fn rule(a, b, c) { 1 }")),
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "rules/a.rhai:5:1: error: the entry function must be `fn rule(chain, params, peers)`; found `fn rule(chain)`\n  |\n5 | fn rule(chain) { 1 }\n  | ^"
        );
        // A `rule` of another count of parameters beside the entry is a helper like any other.
        let pack = load(
            SCREEN,
            &[
                (
                    "rules/a.rhai",
                    rule(
                        "a",
                        "fn rule(chain) { 1 }\nfn rule(chain, params, peers) { rule(chain) }",
                    ),
                ),
                ("rules/b.rhai", rule("b", "fn rule(a, b, c) { 1 }")),
            ],
        )
        .unwrap();
        assert_eq!(pack.problems().count(), 0);
        assert_eq!(pack.compiled("a").unwrap().entry_at, (6, 1));
    }

    #[test]
    fn eval_and_import_are_compile_errors_that_leave_the_rule_broken() {
        let pack = load(
            SCREEN,
            &[
                (
                    "rules/a.rhai",
                    rule("a", "fn rule(chain, params, peers) { eval(\"1\") }"),
                ),
                (
                    "rules/b.rhai",
                    rule(
                        "b",
                        "import \"os\" as os;\nfn rule(chain, params, peers) { 1 }",
                    ),
                ),
            ],
        )
        .unwrap();
        let err = Diagnostics(pack.problems().cloned().collect());
        assert_eq!(
            err.to_string(),
            "rules/a.rhai:5:33: error: `eval` is not allowed in rules: a rule is one self-contained file and cannot run or load other code\n  |\n5 | fn rule(chain, params, peers) { eval(\"1\") }\n  |                                 ^\n\
             rules/b.rhai:5:1: error: `import` is not allowed in rules: a rule is one self-contained file and cannot run or load other code\n  |\n5 | import \"os\" as os;\n  | ^"
        );
    }

    /// A `switch` of more cases than rhai's optimiser handles quickly, and literals larger than
    /// a value built at run time may be, are compile errors at their place, found before the
    /// optimiser runs; at the limits they compile.
    #[test]
    fn large_switches_and_literals_are_compile_errors() {
        let max = limits::MAX_SWITCH_CASES;
        let switch = |n: usize| {
            let cases: Vec<String> = (0..n).map(|i| format!("{i} => {i}")).collect();
            format!(
                "fn rule(chain, params, peers) {{\n    switch 3 {{ {}, _ => 0 }}\n}}",
                cases.join(", ")
            )
        };
        let literal = |open: &str, item: &dyn Fn(usize) -> String, n: usize, close: &str| {
            let items: Vec<String> = (0..n).map(item).collect();
            format!(
                "fn rule(chain, params, peers) {{\n    let x = {open}{}{close};\n    1\n}}",
                items.join(", ")
            )
        };
        let l = Limits::default();
        let array = |n| literal("[", &|i| i.to_string(), n, "]");
        let map = |n| literal("#{", &|i| format!("k{i}: {i}"), n, "}");
        let string = |n| {
            format!(
                "fn rule(chain, params, peers) {{\n    \"{}\"\n}}",
                "a".repeat(n)
            )
        };
        let problems = |code: String| {
            let screen = "name = \"t\"\npass_mark = 0.5\n[rules.a]\n";
            let pack = load(screen, &[("rules/a.rhai", rule("a", &code))]).unwrap();
            pack.problems()
                .map(|d| format!("{}: {}", d.location(), d.message))
                .collect::<Vec<_>>()
        };
        for ok in [
            switch(max),
            array(l.max_array_size),
            map(l.max_map_size),
            string(l.max_string_size),
        ] {
            assert_eq!(problems(ok), Vec::<String>::new());
        }
        assert_eq!(
            problems(switch(max + 1)),
            [format!(
                "rules/a.rhai:6:5: this `switch` has {} cases, more than the {max} a rule may have (`MAX_SWITCH_CASES`): compiling a switch takes time growing with the square of its cases; a table of values belongs in screen.toml's params",
                max + 1
            )]
        );
        assert_eq!(
            problems(array(l.max_array_size + 1)),
            [
                "rules/a.rhai:6:13: this array has 10001 items, more than the 10000 an array may hold (`MAX_ARRAY_SIZE`)"
            ]
        );
        assert_eq!(
            problems(map(l.max_map_size + 1)),
            [
                "rules/a.rhai:6:13: this map has 1001 entries, more than the 1000 a map may hold (`MAX_MAP_SIZE`)"
            ]
        );
        let closures = |n: usize| {
            let lets: Vec<String> = (0..n).map(|i| format!("let f{i} = |x| x + {i};")).collect();
            format!(
                "fn rule(chain, params, peers) {{\n    {}\n    1\n}}",
                lets.join(" ")
            )
        };
        assert_eq!(
            problems(closures(l.max_functions - 1)),
            Vec::<String>::new()
        );
        let too_many = problems(closures(l.max_functions + 1));
        assert_eq!(too_many.len(), 1);
        assert!(
            too_many[0].ends_with(": more than 50 functions in one rule file (`MAX_FUNCTIONS`): every `fn` and every closure (`|x| ...`) counts"),
            "{too_many:?}"
        );
        assert_eq!(
            problems(string(l.max_string_size + 1)),
            [
                "rules/a.rhai:6:5: this string is 10001 bytes, more than the 10000 a string may hold (`MAX_STRING_SIZE`)"
            ]
        );
    }

    #[test]
    fn rules_and_screen_toml_must_match_both_ways() {
        let err = load(
            "name = \"t\"\npass_mark = 0.5\n[rules.a]\n[rules.tokn]\n",
            &[
                ("rules/a.rhai", rule("a", "fn rule(c, p, q) { 1 }")),
                ("rules/token.rhai", rule("token", "fn rule(c, p, q) { 1 }")),
            ],
        )
        .unwrap_err();
        let lines: Vec<String> = err
            .0
            .iter()
            .map(|e| format!("{}: {}", e.location(), e.message))
            .collect();
        assert_eq!(
            lines,
            [
                "rules/token.rhai: rule `token` is not listed in rules/screen.toml: add a [rules.token] table (weight, gate, params)",
                "rules/screen.toml:4:1: [rules.tokn] has no rule file: no `*.rhai` file declares `//! id: tokn` (did you mean `token`?)",
            ]
        );
    }

    /// A header wrong in another line still names its rule, so an entry no file declares is
    /// reported beside it; a header without a readable id could be that entry's file.
    #[test]
    fn an_entry_without_a_file_is_reported_beside_a_header_that_names_its_id() {
        let no_why = "//! id: b\n//! title: T\n//! category: c\nfn rule(c, p, q) { 1 }\n";
        let screen = "name = \"t\"\npass_mark = 0.5\n[rules.b]\n[rules.ghost]\n";
        let err = load(screen, &[("rules/b.rhai", no_why.to_string())]).unwrap_err();
        let messages: Vec<&str> = err.0.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("has no `why:` line")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("[rules.ghost] has no rule file")),
            "{messages:?}"
        );
        assert!(
            !messages.iter().any(|m| m.starts_with("[rules.b]")),
            "{messages:?}"
        );

        let no_id = "//! title: T\n//! category: c\n//! why: W\nfn rule(c, p, q) { 1 }\n";
        let err = load(screen, &[("rules/b.rhai", no_id.to_string())]).unwrap_err();
        assert!(
            !err.0.iter().any(|e| e.message.contains("has no rule file")),
            "{err}"
        );
    }

    #[test]
    fn all_problems_of_all_files_are_reported_together() {
        let err = load(
            "name = \"t\"\npass_mark = 2\n[rules.a]\n[rules.b]\n",
            &[
                ("rules/a.rhai", "fn rule(c, p, q) { 1 }".to_string()),
                ("rules/b.rhai", rule("b", "fn other(c) { 1 }")),
            ],
        )
        .unwrap_err();
        let files: Vec<&str> = err.0.iter().map(|e| e.file.as_str()).collect();
        assert_eq!(
            files,
            [
                "rules/screen.toml",
                "rules/a.rhai",
                "rules/a.rhai",
                "rules/a.rhai",
                "rules/a.rhai",
                "rules/b.rhai"
            ]
        );
    }

    /// A wrong setting does not hide the rule files screen.toml misses, nor broken code.
    #[test]
    fn partial_load_keeps_matching_and_compile_problems_when_a_setting_is_wrong() {
        let partial = load_partial(
            SourceFile::new(
                "rules/screen.toml",
                "name = \"t\"\npass_mark = 0.5\n[rules.a]\nweight = 0\n",
            ),
            vec![
                SourceFile::new("rules/a.rhai", rule("a", "fn rule(c, p, q) { 1 +* 2 }")),
                SourceFile::new("rules/b.rhai", rule("b", "fn rule(c, p, q) { 1 }")),
            ],
            Limits::default(),
        );
        assert!(partial.pack.is_none());
        let errors: Vec<String> = partial.errors.iter().map(|e| e.location()).collect();
        assert_eq!(errors, ["rules/screen.toml:4:10", "rules/b.rhai"]);
        assert_eq!(
            partial.errors[1].message,
            "rule `b` is not listed in rules/screen.toml: add a [rules.b] table (weight, gate, params)"
        );
        let broken: Vec<String> = partial.broken.iter().map(|e| e.location()).collect();
        assert_eq!(broken, ["rules/a.rhai:5:23"]);
    }

    #[test]
    fn duplicate_ids_are_errors() {
        let err = load(
            SCREEN,
            &[
                ("rules/a.rhai", rule("a", "fn rule(c, p, q) { 1 }")),
                ("rules/a2.rhai", rule("a", "fn rule(c, p, q) { 1 }")),
            ],
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("rules/a2.rhai:1:9: error: rule id `a` is already used by rules/a.rhai"),
            "{err}"
        );
    }

    #[test]
    fn the_entry_function_is_found_in_the_code_not_in_comments_or_strings() {
        let at = |text: &str| entry_position(text, "rule", 1);
        assert_eq!(
            at("// fn rule(chain, params, peers) is below\n  fn  rule (a) { 1 }"),
            (2, 3)
        );
        assert_eq!(
            at(
                "/* fn rule(a) { /* nested */ } */\nfn helper() { \"fn rule(x)\" }\n\nfn rule(a) {\n  helper()\n}"
            ),
            (4, 1)
        );
        // Another function of that name with another arity is another function.
        assert_eq!(at("fn rule(a, b) {\n 1\n}\nfn rule(a) { 2 }"), (4, 1));
        assert_eq!(at("fn rule(a) {}\n// fn rule(b)"), (1, 1));
    }
}
