//! The reference against the engine: every overload registered for rules is documented with
//! its exact types, every documented overload is registered, and the renderings say so.

use super::definitions::{def_type, engine_functions, is_operator, parse_form};
use super::*;
use crate::rules::api::reference::Helper;
use std::collections::BTreeSet;

/// Registered for Rhai's own use, not called by rule authors: `debug(chain)` prints with
/// `to_debug`; `index$set$` refuses a change to a parameter (`params.x = 1`) as read-only.
const NOT_FOR_AUTHORS: &[&str] = &["to_debug", "index$set$"];

fn forms() -> impl Iterator<Item = (&'static Helper, definitions::Form)> {
    REFERENCE
        .iter()
        .flat_map(|s| s.helpers)
        .flat_map(|h| h.forms.iter().map(move |f| (h, parse_form(f))))
}

#[test]
fn every_registered_overload_is_documented_with_its_types_and_vice_versa() {
    // A property of a type with an indexer (chain, peers, params) is served by the indexer;
    // any other property (a date's `year`) is a registered getter, `get$year`.
    let indexed: BTreeSet<String> = forms()
        .filter(|(_, f)| f.function.name == "index$get$")
        .map(|(_, f)| f.function.params[0].1.clone())
        .collect();
    // A getter of a type with an indexer (a chain's fields, the properties of peers) is the
    // indexer's, registered so that rhai finds it at once; the indexer's forms document it.
    let registered: BTreeSet<String> = engine_functions(false)
        .iter()
        .filter(|f| !is_operator(&f.name) && !NOT_FOR_AUTHORS.contains(&f.name.as_str()))
        .filter(|f| {
            !(f.name.starts_with("get$") && f.params.len() == 1 && indexed.contains(&f.params[0].1))
        })
        .map(|f| match f.name.strip_prefix("get$") {
            Some(property) => format!("get {}", {
                let mut g = f.clone();
                g.name = property.to_string();
                g.key()
            }),
            None => f.key(),
        })
        .collect();
    let documented: BTreeSet<String> = forms()
        .filter(|(_, f)| !f.getter || !indexed.contains(&f.function.params[0].1))
        .map(|(_, f)| {
            if f.getter {
                format!("get {}", f.function.key())
            } else {
                f.function.key()
            }
        })
        .collect();
    let undocumented: Vec<&String> = registered.difference(&documented).collect();
    let unregistered: Vec<&String> = documented.difference(&registered).collect();
    assert!(
        undocumented.is_empty() && unregistered.is_empty(),
        "registered but not in REFERENCE: {undocumented:#?}\nin REFERENCE but not registered: {unregistered:#?}"
    );
}

#[test]
fn registered_names_agree_with_forms() {
    for (helper, form) in forms().filter(|(_, f)| !f.getter) {
        let expected = if form.function.name == "index$get$" {
            ""
        } else {
            form.function.name.as_str()
        };
        assert_eq!(helper.registered, expected, "{}", helper.signature);
    }
    for helper in REFERENCE.iter().flat_map(|s| s.helpers) {
        if !helper.registered.is_empty() {
            assert!(
                !helper.forms.is_empty(),
                "{} has no forms",
                helper.signature
            );
        }
    }
}

#[test]
fn every_peers_property_is_documented() {
    let documented: BTreeSet<String> = forms()
        .filter(|(_, f)| f.getter && f.function.params[0].1 == "Peers")
        .map(|(_, f)| f.function.name)
        .collect();
    let served: BTreeSet<String> = crate::rules::api::peers::PROPERTIES
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(documented, served);
}

#[test]
fn engine_types_become_definition_types() {
    assert_eq!(def_type("&mut Chain"), "Chain");
    assert_eq!(
        def_type("core::result::Result<bool,alloc::boxed::Box<rhai::types::error::EvalAltResult>>"),
        "bool"
    );
    assert_eq!(
        def_type(
            "core::result::Result<alloc::vec::Vec<rhai::types::dynamic::Dynamic>,alloc::boxed::Box<rhai::types::error::EvalAltResult>>"
        ),
        "Array"
    );
    assert_eq!(def_type("types::dynamic::Dynamic"), "?");
    assert_eq!(def_type("moat::rules::api::peers::Peers"), "Peers");
    assert_eq!(def_type("i64"), "int");
    assert_eq!(def_type("&str"), "String");
    assert_eq!(def_type("&mut alloc::vec::Vec<u8>"), "Blob");
    assert_eq!(
        def_type(
            "alloc::collections::btree::map::BTreeMap<smartstring::SmartString<smartstring::config::LazyCompact>, rhai::types::dynamic::Dynamic>"
        ),
        "Map"
    );
}

#[test]
fn markdown_lists_entry_points_fields_and_helpers() {
    let md = markdown();
    assert!(md.starts_with("### entry functions\n"), "{md}");
    assert!(
        md.contains(
            "| `tvl_usd` | float | latest DefiLlama TVL on or before the as-of date, USD |"
        )
    );
    assert!(md.contains("| `peers.lead(chain, \"series\", \"low\"\\|\"high\", beat)` |"));
    assert!(md.contains("### verdicts"));
    let fields = md.find("### chain fields").unwrap();
    assert!(md.find("### chain\n").unwrap() < fields && fields < md.find("### peers").unwrap());
    assert!(md.ends_with("|\n") && !md.ends_with("\n\n"));
}

#[test]
fn definitions_name_types_parameters_and_fields() {
    let files = definition_files();
    let api = &files.iter().find(|f| f.name == "moat.d.rhai").unwrap().text;
    for expected in [
        "module static;\n",
        "fn has(chain: Chain, field: String) -> bool;",
        "fn has(params: Params, name: String) -> bool;",
        "fn percentile(peers: Peers, chain: Chain, field: String) -> ?;",
        "fn fail(reason: String, hint: String) -> Map;",
        "fn usd(x: ()) -> String;",
        "fn get leader_changes(peers: Peers) -> int;",
        "/// latest DefiLlama TVL on or before the as-of date, USD\n///\n/// A chain field (float); `()` when the data says nothing.\nfn get tvl_usd(chain: Chain) -> float;",
        "/// Whether the field has a value for this chain.\n///\n/// `chain.has(\"field\")` returns bool.\nfn has(",
    ] {
        assert!(api.contains(expected), "{expected:?} not in\n{api}");
    }
    assert!(
        !api.contains("(_:") && !api.contains(", _:"),
        "unnamed parameters:\n{api}"
    );
    assert!(!api.contains("\nop "), "operators are not part of the API");
    let std = &files.iter().find(|f| f.name == "std.d.rhai").unwrap().text;
    assert!(std.contains("fn contains("), "{std}");
    // The functions the sandbox puts in place of rhai's keep their parameters' types.
    for replaced in [
        "fn push(_: Array, _: ?) -> ();",
        "fn split(_: String, _: String) -> Array;",
        "fn mixin(_: Map, _: Map) -> ();",
        "fn blob(_: int) -> Blob;",
    ] {
        assert!(std.contains(replaced), "{replaced:?} not in\n{std}");
    }
    for name in [
        "append",
        "blob",
        "fill_with",
        "insert",
        "mixin",
        "order",
        "order_desc",
        "pad",
        "push",
        "replace",
        "sleep",
        "sort",
        "sort_desc",
        "split",
        "split_rev",
        "to_chars",
    ] {
        let bare = format!("fn {name}() -> ();");
        assert!(!std.contains(&bare), "{bare:?} without its parameters");
    }
    assert!(
        !std.contains("fn percentile("),
        "the rule API is not repeated"
    );
}
