//! Rhai definition files (`*.d.rhai`) for editors running the Rhai language server, so that a
//! rule author gets completion and hover help for `chain`, `peers`, `params` and every helper.
//! Functions come from the engine's own metadata (every registered overload, with its types);
//! parameter names and docs come from the reference, and the chain fields from the feature
//! catalog (as properties of `Chain`). Written in the format of rhai's own definitions writer
//! (`module static;`, `fn name(param: Type) -> Type;`, `fn get property(this: Type) -> Type;`),
//! which needs only the `metadata` feature here.

use crate::features::catalog::{self, Kind};
use crate::rules::api::reference::{Helper, REFERENCE};
use crate::rules::{Limits, engine};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// One definition file: its name in the definitions directory and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct DefinitionFile {
    pub name: &'static str,
    pub text: String,
}

/// One function as the engine's metadata describes it, types as definition files write them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct EngineFn {
    pub name: String,
    /// (name, type); the name is `_` when the engine does not know it.
    pub params: Vec<(String, String)>,
    pub returns: String,
    pub docs: Vec<String>,
}

impl EngineFn {
    /// `name(type, type) -> type`: what identifies an overload.
    pub fn key(&self) -> String {
        let types: Vec<&str> = self.params.iter().map(|(_, t)| t.as_str()).collect();
        format!("{}({}) -> {}", self.name, types.join(", "), self.returns)
    }
}

/// A documented form, parsed: `has(chain: Chain, field: String) -> bool`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Form {
    /// A property served by the type's indexer (`get as_of(peers: Peers) -> String`).
    pub getter: bool,
    pub function: EngineFn,
}

pub(super) fn parse_form(form: &str) -> Form {
    let (getter, rest) = match form.strip_prefix("get ") {
        Some(rest) => (true, rest),
        None => (false, form),
    };
    let (name, rest) = rest.split_once('(').unwrap_or((rest, ")"));
    let (params, returns) = rest.rsplit_once(") -> ").unwrap_or((rest, "()"));
    let params = params
        .split(", ")
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, t) = p.split_once(": ").unwrap_or(("_", p));
            (n.to_string(), t.to_string())
        })
        .collect();
    Form {
        getter,
        function: EngineFn {
            name: name.to_string(),
            params,
            returns: returns.to_string(),
            docs: Vec::new(),
        },
    }
}

/// Every named function registered in the engine rules run on: the rule API alone, or with
/// the standard library. Operators (the strict comparisons) are left out of the rule API: they
/// exist to refuse, not to be called.
pub(super) fn engine_functions(with_std: bool) -> Vec<EngineFn> {
    let engine = engine::build(&Limits::default());
    let json = engine
        .gen_fn_metadata_to_json(with_std)
        .expect("rhai metadata serializes");
    let meta: serde_json::Value = serde_json::from_str(&json).expect("rhai metadata is JSON");
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let mut out: Vec<EngineFn> = meta["functions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| EngineFn {
            name: text(&f["name"]),
            params: f["params"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    // `mut item` → `item`, as rhai's own writer does.
                    let name = p["name"].as_str().unwrap_or("_");
                    let name = name.split_whitespace().next_back().unwrap_or("_");
                    (
                        name.to_string(),
                        def_type(p["type"].as_str().unwrap_or("?")),
                    )
                })
                .collect(),
            returns: def_type(f["returnType"].as_str().unwrap_or("()")),
            docs: f["docComments"]
                .as_array()
                .into_iter()
                .flatten()
                .map(text)
                .collect(),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether a function name is an operator (`op` in definition files) rather than a name.
pub(super) fn is_operator(name: &str) -> bool {
    !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
}

/// A Rust or Rhai type name as definition files write it: `&mut Chain` → `Chain`,
/// `Result<bool, Box<EvalAltResult>>` → `bool`, `Dynamic` → `?`, `i64` → `int`, …
pub(super) fn def_type(raw: &str) -> String {
    let t = raw.trim();
    let t = t
        .strip_prefix("&mut ")
        .or_else(|| t.strip_prefix('&'))
        .unwrap_or(t)
        .trim();
    if let Some((path, args)) = t.split_once('<') {
        let args = args.strip_suffix('>').unwrap_or(args);
        return match path.rsplit("::").next().unwrap_or(path) {
            "Result" | "RhaiResultOf" => def_type(first_argument(args)),
            // rhai's `Blob` and `Map` by their Rust names: `Vec<u8>`, `BTreeMap<SmartString, ..>`.
            "Vec" if first_argument(args).trim() == "u8" => "Blob".into(),
            "BTreeMap" => "Map".into(),
            "Vec" | "Array" => "Array".into(),
            other => format!("{other}<{}>", def_type(first_argument(args))),
        };
    }
    let name = t.rsplit("::").next().unwrap_or(t);
    match name {
        "Dynamic" | "" | "_" => "?",
        "i64" | "INT" | "int" => "int",
        "f64" | "FLOAT" | "float" => "float",
        "string" | "str" | "String" | "ImmutableString" => "String",
        "array" | "Array" => "Array",
        "map" | "Map" => "Map",
        "Fn" | "FnPtr" => "FnPtr",
        other => other,
    }
    .to_string()
}

/// The first argument of a generic argument list (`A, B<C, D>` → `A`).
fn first_argument(args: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in args.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => return &args[..i],
            _ => {}
        }
    }
    args
}

fn field_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Bool => "bool",
        Kind::Int => "int",
        Kind::Num => "float",
        Kind::Text | Kind::Date => "String",
    }
}

const API_HEADER: &str = "\
/// moat's rule API: what a rule sees and can call. Generated by `moat rules doc --definitions`
/// from the engine; regenerate it after upgrading moat.
///
/// A rule file defines one entry function, which moat calls:
///
/// ```rhai
/// fn rule(chain, params, peers) { … }   // chain: Chain, params: Params, peers: Peers
/// fn sector(peers, params) { … }        // with `//! scope: sector` in the header
/// ```
///
/// and returns `pass(reason)`, `fail(reason)`, `fail(reason, hint)` or `skip(reason)`.
/// A missing value is `()`: test with `chain.has(\"field\")` before using it.
module static;
";

/// The definition files: `moat.d.rhai` (the rule API) and `std.d.rhai` (the standard library
/// rules can use: strings, arrays, maps, maths).
pub fn definition_files() -> Vec<DefinitionFile> {
    vec![
        DefinitionFile {
            name: "moat.d.rhai",
            text: api_definitions(),
        },
        DefinitionFile {
            name: "std.d.rhai",
            text: std_definitions(),
        },
    ]
}

fn api_definitions() -> String {
    let mut items: Vec<String> = Vec::new();
    let mut written = BTreeSet::new();
    let registered = engine_functions(false);
    // In reference order, each documented overload as the engine registered it.
    for helper in REFERENCE.iter().flat_map(|s| s.helpers) {
        for form in helper.forms.iter().map(|f| parse_form(f)) {
            if form.getter {
                items.push(item(&helper_docs(helper), &form.function, "fn get "));
                continue;
            }
            let key = form.function.key();
            if registered.iter().any(|f| f.key() == key) && written.insert(key) {
                items.push(item(&helper_docs(helper), &form.function, "fn "));
            }
        }
    }
    for field in catalog::fields() {
        let getter = EngineFn {
            name: field.name.clone(),
            params: vec![("chain".into(), "Chain".into())],
            returns: field_type(field.kind).into(),
            docs: Vec::new(),
        };
        let docs = vec![
            format!("/// {}", field.meaning),
            "///".into(),
            format!(
                "/// A chain field ({}); `()` when the data says nothing.",
                field.kind.rhai_name()
            ),
        ];
        items.push(item(&docs, &getter, "fn get "));
    }
    // Anything registered but not documented still completes, without docs (a test keeps
    // this list empty).
    for f in registered
        .iter()
        .filter(|f| !is_operator(&f.name) && !written.contains(&f.key()))
        // `index$set$` only refuses a change to a parameter: nothing to call.
        .filter(|f| !matches!(f.name.as_str(), "index$get$" | "index$set$" | "to_debug"))
        // Registered getters (`get$year`) are written as `fn get year` from their forms.
        .filter(|f| !f.name.starts_with("get$"))
    {
        items.push(item(&[], f, "fn "));
    }
    format!("{API_HEADER}\n{}\n", items.join("\n\n"))
}

fn std_definitions() -> String {
    let ours: BTreeSet<String> = engine_functions(false).iter().map(EngineFn::key).collect();
    let items: Vec<String> = engine_functions(true)
        .iter()
        .filter(|f| !ours.contains(&f.key()))
        .map(|f| match f.name.strip_prefix("get$") {
            Some(property) => item(
                &f.docs,
                &EngineFn {
                    name: property.to_string(),
                    ..f.clone()
                },
                "fn get ",
            ),
            None if f.name.starts_with("set$") => item(
                &f.docs,
                &EngineFn {
                    name: f.name["set$".len()..].to_string(),
                    ..f.clone()
                },
                "fn set ",
            ),
            None if is_operator(&f.name) => operator(f),
            None => item(&f.docs, f, "fn "),
        })
        .collect();
    format!(
        "/// The Rhai standard library as moat's rule engine provides it: strings, arrays, maps,\n/// maths. Generated by `moat rules doc --definitions` from the engine.\nmodule static;\n\n{}\n",
        items.join("\n\n")
    )
}

fn helper_docs(helper: &Helper) -> Vec<String> {
    vec![
        format!("/// {}", helper.doc),
        "///".into(),
        format!("/// `{}` returns {}.", helper.signature, helper.returns),
    ]
}

fn item(docs: &[String], f: &EngineFn, keyword: &str) -> String {
    let mut s = String::new();
    for d in docs {
        let _ = writeln!(s, "{d}");
    }
    let params: Vec<String> = f.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
    let _ = write!(
        s,
        "{keyword}{}({}) -> {};",
        f.name,
        params.join(", "),
        f.returns
    );
    s
}

fn operator(f: &EngineFn) -> String {
    let types: Vec<&str> = f.params.iter().map(|(_, t)| t.as_str()).collect();
    format!("op {}({}) -> {};", f.name, types.join(", "), f.returns)
}
