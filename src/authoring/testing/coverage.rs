//! Line coverage of rules. A test run evaluates on its own engine, built like the screen's and
//! then given rhai's debugger callback, which reports the position of every statement and
//! expression it steps on; the lines of those positions are what the cases executed. The lines
//! that could be executed are where some statement or expression of a function of the rule
//! starts (walking the compiled AST), so blank lines, comments, closing braces and top-level
//! code, which a screen never runs, are not counted. The screen's engine has no callback: with
//! none registered, rhai's debugging hooks cost a branch per step (measured in the report).

use rhai::debugger::{DebuggerCommand, DebuggerEvent};
use rhai::{AST, ASTNode, Engine};
use std::cell::RefCell;
use std::collections::BTreeSet;

thread_local! {
    /// Lines stepped on by the evaluation running on this thread, while one is recorded.
    static LINES: RefCell<Option<BTreeSet<usize>>> = const { RefCell::new(None) };
}

/// Make `engine` report every step of every evaluation to [`recording`].
pub fn instrument(engine: &mut Engine) {
    // `register_debugger` is marked deprecated only to say that the API may change.
    #[allow(deprecated)]
    engine.register_debugger(
        |_, debugger| debugger,
        |_context, event, _node, _source, position| {
            if matches!(event, DebuggerEvent::Start | DebuggerEvent::Step)
                && let Some(line) = position.line()
            {
                LINES.with(|l| {
                    if let Some(lines) = l.borrow_mut().as_mut() {
                        lines.insert(line);
                    }
                });
            }
            Ok(DebuggerCommand::StepInto)
        },
    );
}

/// Run `f` (evaluations on this thread, on an instrumented engine) and return what it returns
/// with the lines it executed.
pub fn recording<R>(f: impl FnOnce() -> R) -> (R, BTreeSet<usize>) {
    let outer = LINES.with(|l| l.borrow_mut().replace(BTreeSet::new()));
    let result = f();
    let lines = LINES.with(|l| std::mem::replace(&mut *l.borrow_mut(), outer));
    (result, lines.unwrap_or_default())
}

/// The lines of a rule's functions where some statement or expression starts.
pub fn coverable(ast: &AST) -> BTreeSet<usize> {
    let mut lines = BTreeSet::new();
    ast.clone_functions_only().walk(&mut |path: &[ASTNode]| {
        if let Some(line) = path.last().and_then(|node| node.position().line()) {
            lines.insert(line);
        }
        true
    });
    lines
}

/// Line numbers as ranges: `12, 40-41`.
pub fn ranges(lines: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end = lines[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Limits, engine};

    #[test]
    fn ranges_join_consecutive_lines() {
        assert_eq!(ranges(&[12, 40, 41]), "12, 40-41");
        assert_eq!(ranges(&[1, 2, 3, 5, 7, 8]), "1-3, 5, 7-8");
        assert_eq!(ranges(&[]), "");
    }

    /// Only lines with code inside functions count; the recorded lines are those of the branch
    /// taken.
    #[test]
    fn records_the_lines_of_the_branch_taken() {
        let source = "let top = 1;\n\nfn rule(x) {\n    // a comment\n    if x > 1 {\n        return \"big\";\n    }\n    let y = x\n        + 1;\n    \"small\"\n}\n";
        let mut engine = engine::build(&Limits::default());
        instrument(&mut engine);
        let ast = engine.compile(source).unwrap();
        let code = coverable(&ast);
        assert_eq!(code.iter().copied().collect::<Vec<_>>(), [5, 6, 8, 9, 10]);
        // Entering the function is a step at its `fn` line, which holds no code of its own.
        let run = |x: i64| {
            let (result, lines) = recording(|| {
                let options = rhai::CallFnOptions::new().eval_ast(false);
                engine
                    .call_fn_with_options::<String>(
                        options,
                        &mut rhai::Scope::new(),
                        &ast,
                        "rule",
                        (x,),
                    )
                    .unwrap()
            });
            (
                result,
                lines.intersection(&code).copied().collect::<Vec<_>>(),
            )
        };
        let (small, lines) = run(0);
        assert_eq!(small, "small");
        assert_eq!(lines, [5, 8, 9, 10]);
        let (big, lines) = run(2);
        assert_eq!(big, "big");
        assert_eq!(lines, [5, 6]);
    }
}
