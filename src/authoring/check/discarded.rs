//! A verdict thrown away: `pass(..)`, `fail(..)` or `skip(..)` called as a statement whose value
//! is neither returned nor the function's last value. The rule then runs on and ends in
//! another verdict (or none) without a word, so the check warns at the call. Found on the
//! rule's syntax tree (compiled again without optimisation, so nothing is folded away): a call
//! is kept when it is in tail position (the last statement of a function, of a branch of an
//! `if`/`switch`/`try` in tail position, or of a block in tail position); anywhere else, and
//! in any loop body, its value is lost.

use crate::diagnostics::Diagnostic;
use crate::rules::pack::SourceFile;
use rhai::{ASTNode, Expr, OptimizationLevel, Position, Stmt, StmtBlock};

const VERDICTS: &[&str] = &["pass", "fail", "skip"];

/// The warnings of one rule file, from its syntax tree (see `calls::parse_all`).
pub fn discarded_verdicts(file: &SourceFile, ast: &rhai::AST) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // A function's body is compiled again on its own, as a script's statements, from the text
    // between its braces (everything else blanked, so lines and columns stay the file's).
    let mut plain = crate::rules::engine::new_raw();
    plain.set_optimization_level(OptimizationLevel::None);
    for f in ast.iter_fn_def() {
        let body = only_between(&file.text, f.body.start_position(), f.body.end_position());
        if let Ok(body) = plain.compile(&body) {
            let n = body.statements().len();
            for (i, s) in body.statements().iter().enumerate() {
                stmt(s, i + 1 == n, &mut found);
            }
        }
    }
    // Top-level statements are never run, so they cannot lose a verdict that counts.
    found.sort_by_key(|(pos, _)| (pos.line(), pos.position()));
    found.dedup();
    found
        .into_iter()
        .map(|(pos, name)| {
            Diagnostic::at(
                &file.path,
                &file.text,
                pos.line().unwrap_or(1),
                pos.position().unwrap_or(1),
                format!(
                    "the verdict of `{name}(..)` is thrown away: it is neither returned nor the last value of the function, so the rule goes on to another verdict; write `return {name}(..)`"
                ),
            )
            .warning()
        })
        .collect()
}

/// `text` with every character outside the braces at `open` and `close` (exclusive) blanked,
/// line ends kept.
fn only_between(text: &str, open: Position, close: Position) -> String {
    let at = |p: Position| (p.line().unwrap_or(0), p.position().unwrap_or(0));
    let (open, close) = (at(open), at(close));
    let mut out = String::with_capacity(text.len());
    for (l, line) in text.split_inclusive('\n').enumerate() {
        for (c, ch) in line.chars().enumerate() {
            let here = (l + 1, c + 1);
            if ch == '\n' || ch == '\r' || (here > open && here < close) {
                out.push(ch);
            } else {
                out.push(' ');
            }
        }
    }
    out
}

fn block(b: &StmtBlock, tail: bool, found: &mut Vec<(Position, String)>) {
    let n = b.statements().len();
    for (i, s) in b.statements().iter().enumerate() {
        stmt(s, tail && i + 1 == n, found);
    }
}

fn verdict_call(name: &str, pos: Position, tail: bool, found: &mut Vec<(Position, String)>) {
    if !tail && VERDICTS.contains(&name) {
        found.push((pos, name.to_string()));
    }
}

fn stmt(s: &Stmt, tail: bool, found: &mut Vec<(Position, String)>) {
    match s {
        Stmt::FnCall(call, pos) if call.namespace.is_empty() => {
            verdict_call(&call.name, *pos, tail, found)
        }
        Stmt::Expr(e) => expr(e, tail, found),
        Stmt::Block(b) => block(b, tail, found),
        Stmt::If(flow, _) | Stmt::TryCatch(flow, _) => {
            block(&flow.body, tail, found);
            block(&flow.branch, tail, found);
        }
        Stmt::While(flow, _) | Stmt::Do(flow, ..) => block(&flow.body, false, found),
        Stmt::For(f, _) => block(&f.2.body, false, found),
        Stmt::Switch(sw, _) => {
            for arm in &sw.1.expressions {
                expr(&arm.rhs, tail, found);
            }
        }
        _ => nested(s, found),
    }
}

fn expr(e: &Expr, tail: bool, found: &mut Vec<(Position, String)>) {
    match e {
        Expr::FnCall(call, pos) if call.namespace.is_empty() => {
            verdict_call(&call.name, *pos, tail, found)
        }
        Expr::Stmt(b) => block(b, tail, found),
        _ => {}
    }
}

/// Blocks inside the expressions of other statements (`let x = if c { pass("a"); 1 } else
/// { 2 };`): their non-final statements lose their values too.
fn nested(s: &Stmt, found: &mut Vec<(Position, String)>) {
    let mut path = Vec::new();
    s.walk(&mut path, &mut |nodes: &[ASTNode]| {
        if let Some(ASTNode::Expr(Expr::Stmt(b))) = nodes.last() {
            let n = b.statements().len();
            for s in &b.statements()[..n.saturating_sub(1)] {
                stmt(s, false, found);
            }
        }
        true
    });
}
