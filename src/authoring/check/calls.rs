//! Calls of functions that do not exist: `peers.quantile(..)` ERRORs on every chain that
//! reaches it, and only where the data leads there, so every call in every branch is checked on
//! the rule's syntax tree against the functions a rule can call (the standard library's, the
//! rule API's and the rule's own), with the closest helper named. A call of a variable holding
//! a closure (`let f = |x| ..; f(1)`) is a call of that variable, not an unknown function.

use crate::diagnostics::Diagnostic;
use crate::rules::Limits;
use crate::rules::RuleScope;
use crate::rules::api::reference;
use crate::rules::pack::SourceFile;
use rhai::{AST, ASTNode, Expr, Position, Stmt};
use std::collections::BTreeSet;

/// Names rhai handles itself rather than as registered functions.
const KEYWORDS: &[&str] = &[
    "type_of",
    "print",
    "debug",
    "Fn",
    "call",
    "curry",
    "is_def_var",
    "is_def_fn",
    "is_shared",
    "eval",
    "this",
];

/// The syntax tree of each rule file the source checks read (`None` for one that does not
/// compile: loading reports that), parsed once with the pack's engine, unoptimised (nothing
/// folded away) and with unknown variables allowed (the loader reports them; the other checks
/// go on all the same).
pub fn parse_all(files: &[SourceFile]) -> Vec<Option<AST>> {
    let mut engine = crate::rules::engine::build(&Limits::default());
    engine.set_strict_variables(false);
    files.iter().map(|f| engine.compile(&f.text).ok()).collect()
}

/// The errors of one rule file.
pub fn unknown_calls(file: &SourceFile, ast: &AST) -> Vec<Diagnostic> {
    let known = crate::rules::engine::function_names();
    let mut defined: BTreeSet<String> = BTreeSet::new();
    for f in ast.iter_fn_def() {
        defined.insert(f.name.to_string());
        defined.extend(f.params.iter().map(|p| p.to_string()));
    }
    let mut calls: Vec<(Position, String)> = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(call, pos) | Expr::MethodCall(call, pos)))
                if call.namespace.is_empty() =>
            {
                calls.push((*pos, call.name.to_string()))
            }
            Some(ASTNode::Stmt(Stmt::FnCall(call, pos))) if call.namespace.is_empty() => {
                calls.push((*pos, call.name.to_string()))
            }
            Some(ASTNode::Stmt(Stmt::Var(v, ..))) => {
                defined.insert(v.0.name.to_string());
            }
            Some(ASTNode::Stmt(Stmt::For(f, _))) => {
                defined.insert(f.0.name.to_string());
                if let Some(i) = &f.1 {
                    defined.insert(i.name.to_string());
                }
            }
            _ => {}
        }
        true
    });
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut seen = BTreeSet::new();
    for (pos, name) in calls {
        let operator = !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        if operator
            || name.contains('$')
            || known.contains(&name)
            || defined.contains(&name)
            || KEYWORDS.contains(&name.as_str())
            || !seen.insert((pos.line(), pos.position()))
        {
            continue;
        }
        let hint = reference::closest_function(&name, None, known).map_or(String::new(), |s| {
            format!(": did you mean `{s}`?{}", reference::written(s))
        });
        out.push(Diagnostic::at(
            &file.path,
            &file.text,
            pos.line().unwrap_or(1),
            pos.position().unwrap_or(1),
            format!("unknown function `{name}`{hint}"),
        ));
    }
    out
}

/// Functions of the rule file that do not do what they seem to: one named like a function of
/// the rule API (`fn pass(x)`, `fn usd(x)`), which rhai calls for a call of that name and count
/// of arguments, so the API's is silently replaced in this file; and the entry function of the
/// other scope (`fn sector` in a chain rule), which never runs. A warning at each definition.
pub fn function_warnings(file: &SourceFile, ast: &AST) -> Vec<Diagnostic> {
    let api: BTreeSet<&str> = reference::REFERENCE
        .iter()
        .flat_map(|s| s.helpers)
        .map(|h| h.registered)
        .filter(|r| !r.is_empty())
        .collect();
    let mut out = Vec::new();
    // The entry function of the other scope, never called: it never runs.
    let scope = crate::rules::front_matter::parse(&file.path, &file.text)
        .map(|h| h.scope)
        .ok();
    let mut called: BTreeSet<String> = BTreeSet::new();
    ast.walk(&mut |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(call, _) | Expr::MethodCall(call, _))) => {
                called.insert(call.name.to_string());
            }
            Some(ASTNode::Stmt(Stmt::FnCall(call, _))) => {
                called.insert(call.name.to_string());
            }
            _ => {}
        }
        true
    });
    for f in ast.iter_fn_def() {
        let other = match scope {
            Some(RuleScope::Chain) => RuleScope::Sector,
            Some(RuleScope::Sector) => RuleScope::Chain,
            None => break,
        };
        let (name, params) = other.entry();
        if f.name == name && f.params.len() == params.len() && !called.contains(name) {
            let (line, column) = name_at(file, f.body.start_position(), name);
            let message = match other {
                RuleScope::Sector => {
                    "`fn sector` never runs in a chain rule, which only `fn rule(chain, params, peers)` starts: to judge the sector, give it a rule file of its own with `//! scope: sector`"
                }
                RuleScope::Chain => {
                    "`fn rule` never runs in a sector rule, which only `fn sector(peers, params)` starts: to judge each chain, give it a rule file of its own (chain scope, the default)"
                }
            };
            out.push(Diagnostic::at(&file.path, &file.text, line, column, message).warning());
        }
    }
    for f in ast.iter_fn_def() {
        if !api.contains(f.name.as_str()) {
            continue;
        }
        let (line, column) = name_at(file, f.body.start_position(), &f.name);
        let n = f.params.len();
        out.push(
            Diagnostic::at(
                &file.path,
                &file.text,
                line,
                column,
                format!(
                    "`fn {}` has the name of a function of the rule API: in this file a call of `{}` with {n} argument{} runs this function instead; give it another name",
                    f.name,
                    f.name,
                    if n == 1 { "" } else { "s" }
                ),
            )
            .warning(),
        );
    }
    out
}

/// Where the name of the function whose body starts at `body` is: on the line the body starts,
/// at `name(` (else the name, else the line's start).
fn name_at(file: &SourceFile, body: Position, name: &str) -> (usize, usize) {
    let line = body.line().unwrap_or(1);
    let text = file.text.lines().nth(line - 1).unwrap_or("");
    let column = text
        .find(&format!("{name}("))
        .or_else(|| text.find(name))
        .map_or(1, |b| text[..b].chars().count() + 1);
    (line, column)
}
