//! A static pass over a rule's source for the names it reads: `chain.<field>`,
//! `chain.has("field")`, `chain["field"]`, `chain.change("series", n)`, `params.<name>`,
//! `peers.<property>`. Evaluating a rule only reaches the branches the data takes; this finds
//! the names in every branch, each with its 1-based line and column. It is a small lexer, not
//! a parser: comments and string literals are skipped (the code inside `${…}` of a template
//! string is not), and only the names the entry function gives its parameters, plus the
//! conventional `chain`, `params` and `peers`, are recognised.

use crate::rules::RuleScope;

/// What a reference reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// A chain field: `chain.x`, `chain["x"]`, `chain.has("x")`, `chain.get("x", d)`.
    Field,
    /// A series: `chain.change("x", n)`, `chain.series("x")`, `chain.value_on("x", d)`,
    /// `chain.aligned(["x", "y"])`.
    Series,
    /// A parameter read that must be defined: `params.x`, `params["x"]`.
    Param,
    /// A parameter tested with `params.has("x")`: read, but allowed to be undefined.
    ParamTest,
    /// A parameter assigned to: `params.x = v`, `params["x"] += v` (parameters are read-only).
    ParamWrite,
    /// A property of the peers: `peers.x`.
    Peers,
    /// A kind of ecosystem link: `chain.links("kind")`.
    LinkKind,
}

/// One name read at one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub read: Read,
    pub name: String,
    pub line: usize,
    pub column: usize,
}

/// Everything the scan found in one rule file.
#[derive(Debug, Default)]
pub struct Scan {
    pub references: Vec<Reference>,
    /// `params[<expression>]`: the rule reads parameters by computed names, so which ones it
    /// reads cannot be known from the source.
    pub computed_params: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
    Other,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
    column: usize,
}

/// Scan `source`, a rule of `scope`.
pub fn scan(source: &str, scope: RuleScope) -> Scan {
    let tokens = lex(source);
    let (entry, positions) = match scope {
        RuleScope::Chain => ("rule", [Some(0), Some(1), Some(2)]),
        RuleScope::Sector => ("sector", [None, Some(1), Some(0)]),
    };
    let declared = entry_params(&tokens, entry);
    let names = |conventional: &str, at: Option<usize>| -> Vec<String> {
        let mut names = vec![conventional.to_string()];
        if let Some(name) = at.and_then(|i| declared.get(i)) {
            names.push(name.clone());
        }
        names
    };
    let chain = names("chain", positions[0]);
    let params = names("params", positions[1]);
    let peers = names("peers", positions[2]);

    let mut out = Scan::default();
    let at = |i: usize| tokens.get(i).map(|t| &t.tok);
    for (i, t) in tokens.iter().enumerate() {
        let Tok::Ident(object) = &t.tok else {
            continue;
        };
        if i > 0 && at(i - 1) == Some(&Tok::Punct('.')) {
            continue;
        }
        let is = |set: &[String]| set.iter().any(|n| n == object);
        let (is_chain, is_params, is_peers) = (is(&chain), is(&params), is(&peers));
        if !(is_chain || is_params || is_peers) {
            continue;
        }
        let mut push = |read: Read, j: usize| {
            if let Some(Token {
                tok: Tok::Ident(name) | Tok::Str(name),
                line,
                column,
            }) = tokens.get(j)
            {
                out.references.push(Reference {
                    read,
                    name: name.clone(),
                    line: *line,
                    column: *column,
                });
            }
        };
        match (at(i + 1), at(i + 2), at(i + 3), at(i + 4)) {
            // `x.name(…)`: a method; a few take a field or parameter name first.
            (Some(Tok::Punct('.')), Some(Tok::Ident(method)), Some(Tok::Punct('(')), next) => {
                let literal = matches!(next, Some(Tok::Str(_)));
                // `peers.percentile(chain, "field")`, `peers.lead(chain, "series", …)`: the
                // name comes second.
                let second = (at(i + 4), at(i + 5), at(i + 6));
                let second = matches!(
                    second,
                    (
                        Some(Tok::Ident(_)),
                        Some(Tok::Punct(',')),
                        Some(Tok::Str(_))
                    )
                );
                match method.as_str() {
                    "has" | "get" | "provenance" if is_chain && literal => push(Read::Field, i + 4),
                    "change" | "series" | "value_on" if is_chain && literal => {
                        push(Read::Series, i + 4)
                    }
                    "links" if is_chain && literal => push(Read::LinkKind, i + 4),
                    // `chain.aligned(["a", "b"])`: every name of the array written out.
                    "aligned" if is_chain && next == Some(&Tok::Punct('[')) => {
                        let mut j = i + 5;
                        while let Some(tok) = at(j) {
                            match tok {
                                Tok::Str(_) => push(Read::Series, j),
                                Tok::Punct(',') => {}
                                _ => break,
                            }
                            j += 1;
                        }
                    }
                    "has" if is_params && literal => push(Read::ParamTest, i + 4),
                    "filter" | "count" | "share" | "mean" | "median" | "min" | "max" | "sum"
                    | "top" | "bottom"
                        if is_peers && literal =>
                    {
                        push(Read::Field, i + 4)
                    }
                    "percentile" if is_peers && second => push(Read::Field, i + 6),
                    "lead" if is_peers && second => push(Read::Series, i + 6),
                    _ => {}
                }
            }
            (Some(Tok::Punct('.')), Some(Tok::Ident(_)), ..) => {
                if is_chain {
                    push(Read::Field, i + 2);
                } else if is_params && assigns(&tokens[i + 3..]) {
                    push(Read::ParamWrite, i + 2);
                } else if is_params {
                    push(Read::Param, i + 2);
                } else {
                    push(Read::Peers, i + 2);
                }
            }
            (Some(Tok::Punct('[')), Some(Tok::Str(_)), Some(Tok::Punct(']')), _) => {
                if is_chain {
                    push(Read::Field, i + 2);
                } else if is_params && assigns(&tokens[i + 4..]) {
                    push(Read::ParamWrite, i + 2);
                } else if is_params {
                    push(Read::Param, i + 2);
                } else {
                    push(Read::Peers, i + 2);
                }
            }
            (Some(Tok::Punct('[')), ..) if is_params => out.computed_params = true,
            _ => {}
        }
    }
    out
}

/// Whether `tokens` start with an assignment: `=` (not `==`) or an operator and `=` (`+=`,
/// `**=`, `<<=`, …; not `<=`, `>=` or `!=`).
fn assigns(tokens: &[Token]) -> bool {
    let punct = |i: usize| match tokens.get(i).map(|t| &t.tok) {
        Some(Tok::Punct(c)) => Some(*c),
        _ => None,
    };
    match (punct(0), punct(1), punct(2)) {
        (Some('='), next, _) => next != Some('='),
        (Some('+' | '-' | '*' | '/' | '%' | '&' | '|' | '^'), Some('='), _) => true,
        (Some('*'), Some('*'), Some('=')) => true,
        (Some('<'), Some('<'), Some('=')) | (Some('>'), Some('>'), Some('=')) => true,
        _ => false,
    }
}

/// The parameter names of `fn <entry>(a, b, c)`, if the source defines it.
fn entry_params(tokens: &[Token], entry: &str) -> Vec<String> {
    for (i, w) in tokens.windows(3).enumerate() {
        if w[0].tok == Tok::Ident("fn".into())
            && w[1].tok == Tok::Ident(entry.into())
            && w[2].tok == Tok::Punct('(')
        {
            return tokens[i + 3..]
                .iter()
                .take_while(|t| t.tok != Tok::Punct(')'))
                .filter_map(|t| match &t.tok {
                    Tok::Ident(name) => Some(name.clone()),
                    _ => None,
                })
                .collect();
        }
    }
    Vec::new()
}

/// Characters with their 1-based line and column.
struct Cursor {
    chars: Vec<char>,
    i: usize,
    line: usize,
    column: usize,
}

impl Cursor {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }
}

/// Where the lexer is: in code (counting braces, to know where a `${…}` ends) or inside a
/// template string.
enum Mode {
    Code { braces: usize },
    Template,
}

fn lex(source: &str) -> Vec<Token> {
    let mut c = Cursor {
        chars: source.chars().collect(),
        i: 0,
        line: 1,
        column: 1,
    };
    let mut tokens = Vec::new();
    // The outermost mode is code; each `${` inside a template pushes a code mode.
    let mut modes = vec![Mode::Code { braces: 0 }];
    while let Some(ch) = c.peek(0) {
        let (line, column) = (c.line, c.column);
        let mut emit = |tok: Tok| tokens.push(Token { tok, line, column });
        if let Some(Mode::Template) = modes.last() {
            match ch {
                '`' => {
                    c.bump();
                    modes.pop();
                    emit(Tok::Other);
                }
                '$' if c.peek(1) == Some('{') => {
                    c.bump();
                    c.bump();
                    modes.push(Mode::Code { braces: 0 });
                }
                '\\' => {
                    c.bump();
                    c.bump();
                }
                _ => {
                    c.bump();
                }
            }
            continue;
        }
        match ch {
            '/' if c.peek(1) == Some('/') => {
                while c.peek(0).is_some_and(|x| x != '\n') {
                    c.bump();
                }
            }
            '/' if c.peek(1) == Some('*') => skip_block_comment(&mut c),
            '"' | '\'' => {
                c.bump();
                let (line, column) = (c.line, c.column);
                let mut text = String::new();
                while let Some(x) = c.bump() {
                    match x {
                        '\\' => {
                            if let Some(escaped) = c.bump() {
                                text.push(escaped);
                            }
                        }
                        x if x == ch => break,
                        x => text.push(x),
                    }
                }
                tokens.push(Token {
                    tok: if ch == '"' {
                        Tok::Str(text)
                    } else {
                        Tok::Other
                    },
                    line,
                    column,
                });
            }
            '`' => {
                c.bump();
                modes.push(Mode::Template);
            }
            '{' => {
                c.bump();
                if let Some(Mode::Code { braces }) = modes.last_mut() {
                    *braces += 1;
                }
                emit(Tok::Punct('{'));
            }
            '}' => {
                c.bump();
                let nested = modes.len() > 1;
                match modes.last_mut() {
                    Some(Mode::Code { braces: 0 }) if nested => {
                        modes.pop();
                    }
                    Some(Mode::Code { braces }) => {
                        *braces = braces.saturating_sub(1);
                        emit(Tok::Punct('}'));
                    }
                    _ => {}
                }
            }
            x if x.is_ascii_alphabetic() || x == '_' => {
                let mut name = String::new();
                while let Some(x) = c.peek(0).filter(|x| x.is_ascii_alphanumeric() || *x == '_') {
                    name.push(x);
                    c.bump();
                }
                emit(Tok::Ident(name));
            }
            x if x.is_ascii_digit() => {
                while let Some(x) = c.peek(0) {
                    let decimal = x == '.' && c.peek(1).is_some_and(|d| d.is_ascii_digit());
                    if !(x.is_ascii_alphanumeric() || x == '_' || decimal) {
                        break;
                    }
                    c.bump();
                }
                emit(Tok::Other);
            }
            x if x.is_whitespace() => {
                c.bump();
            }
            x => {
                c.bump();
                emit(Tok::Punct(x));
            }
        }
    }
    tokens
}

/// Skip a `/* … */` comment; Rhai block comments nest.
fn skip_block_comment(c: &mut Cursor) {
    let mut depth = 0;
    while let Some(x) = c.bump() {
        if x == '/' && c.peek(0) == Some('*') {
            c.bump();
            depth += 1;
        } else if x == '*' && c.peek(0) == Some('/') {
            c.bump();
            depth -= 1;
            if depth == 0 {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(source: &str, scope: RuleScope) -> Vec<(Read, String, usize, usize)> {
        scan(source, scope)
            .references
            .into_iter()
            .map(|r| (r.read, r.name, r.line, r.column))
            .collect()
    }

    #[test]
    fn finds_fields_params_and_series_with_positions() {
        let src = "fn rule(chain, params, peers) {\n    if chain.has(\"tvl_usd\") && chain.tvl_usd > params.min {\n        chain[\"stage\"] + chain.change(\"tvl_usd\", 4) + params[\"x\"] + peers.as_of\n        + peers[\"tvl_week\"]\n    }\n}";
        assert_eq!(
            reads(src, RuleScope::Chain),
            [
                (Read::Field, "tvl_usd".into(), 2, 19),
                (Read::Field, "tvl_usd".into(), 2, 38),
                (Read::Param, "min".into(), 2, 55),
                (Read::Field, "stage".into(), 3, 16),
                (Read::Series, "tvl_usd".into(), 3, 40),
                (Read::Param, "x".into(), 3, 63),
                (Read::Peers, "as_of".into(), 3, 75),
                (Read::Peers, "tvl_week".into(), 4, 18),
            ]
        );
    }

    #[test]
    fn skips_comments_and_strings_but_not_template_code() {
        let src = "// chain.commented\n/* chain.block /* nested */ chain.still */\nfn rule(chain, params, peers) {\n    let s = \"chain.in_string\";\n    pass(`${chain.name} has ${num(chain.l3_count + 1)} {not code: chain.text}`)\n}";
        let names: Vec<String> = reads(src, RuleScope::Chain)
            .into_iter()
            .map(|r| format!("{}:{}:{}", r.1, r.2, r.3))
            .collect();
        assert_eq!(names, ["name:5:19", "l3_count:5:41"]);
    }

    #[test]
    fn uses_the_names_the_entry_function_gives_its_parameters() {
        let src = "fn sector(all, p) { all.as_of + p.min + p.has(\"opt\") + chain.x }";
        assert_eq!(
            reads(src, RuleScope::Sector),
            [
                (Read::Peers, "as_of".into(), 1, 25),
                (Read::Param, "min".into(), 1, 35),
                (Read::ParamTest, "opt".into(), 1, 48),
                (Read::Field, "x".into(), 1, 62),
            ]
        );
    }

    #[test]
    fn field_names_given_to_peers_helpers_are_reads() {
        let src = "fn rule(chain, params, peers) {\n    peers.median(\"tvl_usd\") + peers.top(\"tvl_rank\") + peers.count(\"stage\", \"has\")\n    + peers.percentile(chain, \"daa\") + peers.lead(chain, \"tvl_usd\", \"high\", 1) + peers.median(f)\n}";
        assert_eq!(
            reads(src, RuleScope::Chain),
            [
                (Read::Field, "tvl_usd".into(), 2, 19),
                (Read::Field, "tvl_rank".into(), 2, 42),
                (Read::Field, "stage".into(), 2, 68),
                (Read::Field, "daa".into(), 3, 32),
                (Read::Series, "tvl_usd".into(), 3, 59),
            ]
        );
    }

    #[test]
    fn methods_and_properties_of_other_values_are_not_reads() {
        let src = "fn rule(chain, params, peers) { peers.len() + x.chain.y + peers.chain(\"base\").tvl_usd + chain.to_string() }";
        assert!(reads(src, RuleScope::Chain).is_empty());
    }

    /// An assignment to a parameter is a write, defined or not, whatever the operator; a
    /// comparison is a read.
    #[test]
    fn assignments_to_parameters_are_writes() {
        let src = "fn rule(chain, params, peers) {\n    params.a = 1; params[\"b\"] += 2; params.c **= 2; params.d <<= 1;\n    params.e == 1 || params.f <= 2 || params.g != 3 || params.h >= 4\n}";
        let kinds: Vec<(Read, String)> = reads(src, RuleScope::Chain)
            .into_iter()
            .map(|r| (r.0, r.1))
            .collect();
        let w = |n: &str| (Read::ParamWrite, n.to_string());
        let r = |n: &str| (Read::Param, n.to_string());
        assert_eq!(
            kinds,
            [
                w("a"),
                w("b"),
                w("c"),
                w("d"),
                r("e"),
                r("f"),
                r("g"),
                r("h")
            ]
        );
    }

    #[test]
    fn computed_parameter_names_are_noticed() {
        let src = "fn rule(chain, params, peers) { params[name] }";
        assert!(scan(src, RuleScope::Chain).computed_params);
        assert!(!scan("fn rule(c, p, q) { p[\"a\"] }", RuleScope::Chain).computed_params);
    }
}
