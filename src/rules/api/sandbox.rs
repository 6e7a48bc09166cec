//! Standard-library functions the sandbox replaces, put in place of rhai's own in the standard
//! package (they keep rhai's meaning and stay standard functions, not moat's API):
//!
//! - sorting (`sort`, `sort_desc`, `order`, `order_desc`) in a total order, so that a NaN
//!   among floats sorts last instead of making the sort panic;
//! - sorting and removing duplicates with a function (`sort`/`sort_by`/`order`/`order_by`
//!   and `dedup` with a comparer, and `dedup()`): rhai's own swallow every error of the
//!   function (a typo, a limit hit, an endless loop), sort by type instead and go on, so a rule
//!   could PASS on an order it never made; here an error of the function is the rule's error,
//!   and what it returns must say an order;
//! - the functions that test each item with a function (`filter`, `some`, `all`, `retain`,
//!   `drain`, `index_of`, `find`, and a map's `filter`, `retain`, `drain`): rhai's own take
//!   anything but `true` as `false`, so `filter(|c| c.tvl_usd)` was silently empty; here the
//!   function must return a boolean, and an error leaves the array or map as it was;
//! - every function that grows an array, a string or a map by more than one value, checked in
//!   constant time per added item against `Limits` (rhai's own size checks measure the whole
//!   value after every call, which makes n pushes cost n², so they are off);
//! - the functions that turn one string into many values (`split`, `to_chars`), which refuse a
//!   string longer than the string limit, since the many values cost far more than the string;
//! - the text of an array or a map (`print`, `debug`, `to_string`, `to_debug`, and so `${a}` in
//!   a string), written as rhai writes it but stopped at the string limit with `…`: rhai's own
//!   writes the whole value in one call, and an array of many copies of one long (shared)
//!   string is gigabytes of text that no operation count or memory check could stop halfway;
//! - an integer's `to_string`, for speed only: the same text as rhai's generic one, which has
//!   no overload for integers;
//! - a variable resolver that keeps `chain`, `params` and `peers` (and the chains and peer
//!   sets derived from them) unshared when a closure captures them: rhai locks a captured
//!   value for the whole of a method call on it, so `peers.count(|c| … peers.median(..))`
//!   would otherwise fail with "Data race detected". The three are read-only handles, so a
//!   closure capturing a copy sees exactly what it would have seen through the shared one.
//!   Only a closure's capture shares a variable, so an evaluation of a rule without closures
//!   ([`shares_variables`]) skips the resolver's look at the scope ([`sharing`]).

use super::chain::Chain;
use super::params::Params;
use super::peers::Peers;
use crate::rules::limits::{Capped, Limits};
use rhai::{
    Array, Blob, Dynamic, Engine, EvalAltResult, FnPtr, FuncRegistration, INT, ImmutableString,
    Map, Module, NativeCallContext, Position, RhaiNativeFunc, Variant,
};
use std::cell::Cell;
use std::cmp::Ordering;
use std::fmt::Write;

type Res<T> = Result<T, Box<EvalAltResult>>;

fn too_large(what: String) -> Box<EvalAltResult> {
    EvalAltResult::ErrorDataTooLarge(what, Position::NONE).into()
}

/// The error of a string that would pass the string limit `max`.
pub(super) fn string_too_large(max: usize) -> Box<EvalAltResult> {
    too_large(format!("a string of more than {max} bytes"))
}

/// Registering into the module: `put` for functions that change their first argument,
/// `put_pure` for those that do not (rhai lets only those be called on a constant).
trait Put {
    fn put<A: 'static, const N: usize, const X: bool, R: Variant + Clone>(
        &mut self,
        name: &str,
        func: impl RhaiNativeFunc<A, N, X, R, true> + Send + Sync + 'static,
    ) -> &mut Self;
    fn put_pure<A: 'static, const N: usize, const X: bool, R: Variant + Clone>(
        &mut self,
        name: &str,
        func: impl RhaiNativeFunc<A, N, X, R, true> + Send + Sync + 'static,
    ) -> &mut Self;
}

impl Put for Module {
    fn put<A: 'static, const N: usize, const X: bool, R: Variant + Clone>(
        &mut self,
        name: &str,
        func: impl RhaiNativeFunc<A, N, X, R, true> + Send + Sync + 'static,
    ) -> &mut Self {
        registration(name, &func)
            .with_purity(false)
            .set_into_module(self, func);
        self
    }
    fn put_pure<A: 'static, const N: usize, const X: bool, R: Variant + Clone>(
        &mut self,
        name: &str,
        func: impl RhaiNativeFunc<A, N, X, R, true> + Send + Sync + 'static,
    ) -> &mut Self {
        registration(name, &func)
            .with_purity(true)
            .set_into_module(self, func);
        self
    }
}

/// A registration of `func` as `name` that says its parameters' and result's types, as the
/// engine's own `register_fn` does (a registration straight into a module says nothing, and
/// the editor definitions of `moat rules doc` would show the function without parameters).
fn registration<A: 'static, const N: usize, const X: bool, R: Variant + Clone, F>(
    name: &str,
    _: &F,
) -> FuncRegistration
where
    F: RhaiNativeFunc<A, N, X, R, true>,
{
    let params = F::param_names().map(|t| format!("_: {t}"));
    let returns = F::return_type_name().to_string();
    FuncRegistration::new(name).with_params_info(params.into_iter().chain([returns]))
}

/// Replace, in rhai's standard package `m`, the functions this module bounds.
pub fn replace_in(m: &mut Module, limits: &Limits) {
    let refuse = |why: &'static str| -> Res<()> { Err(super::api_error(why)) };
    // `sleep` would block the thread past any deadline, and no rule needs to wait.
    let sleep = "`sleep` is not allowed in rules: an evaluation's time is bounded and a rule never needs to wait";
    m.put_pure("sleep", move |_: INT| refuse(sleep))
        .put_pure("sleep", move |_: rhai::FLOAT| refuse(sleep));
    // `timestamp` would let a verdict depend on when and how fast the screen ran, not on the
    // data: the same inputs must give the same output.
    m.put_pure("timestamp", move || {
        refuse("`timestamp` is not allowed in rules: a verdict depends on the data alone, never on when or how fast the screen ran")
    });
    // An integer's text as rhai's generic `to_string` writes it (its `Display`), without the
    // generic's detour (a text buffer, then a look-up of that text among type names): the
    // text of a count in an interpolated reason is made this way.
    m.put_pure("to_string", |n: INT| -> Res<ImmutableString> {
        Ok(n.to_string().into())
    });
    register_sorting(m);
    register_tests(m);
    register_printing(m, limits.max_string_size);
    register_arrays(m, limits.max_array_size, limits.max_memory);
    register_strings(m, limits.max_string_size);
    register_maps(m, limits.max_map_size);
    register_blobs(m, limits.max_array_size);
}

/// The text of arrays and maps, as rhai's standard package writes it (items in their `to_debug`
/// text, so a date is `date("2025-01-01")`), stopped at `max` bytes.
fn register_printing(m: &mut Module, max: usize) {
    for name in ["print", "to_string", "debug", "to_debug"] {
        m.put_pure(
            name,
            move |ctx: NativeCallContext, a: &mut Array| -> Res<ImmutableString> {
                let mut out = Capped::new(max);
                // An error is the text being full: what was written is kept, marked.
                let _ = write_array(&ctx, a, &mut out);
                Ok(out.finish().into())
            },
        )
        .put_pure(
            name,
            move |ctx: NativeCallContext, map: &mut Map| -> Res<ImmutableString> {
                let mut out = Capped::new(max);
                let _ = write_map(&ctx, map, &mut out);
                Ok(out.finish().into())
            },
        )
        .put_pure(name, move |blob: &mut Blob| -> Res<ImmutableString> {
            let blob = Dynamic::from_blob(blob.clone());
            Ok(crate::rules::limits::displayed(&blob, max).into())
        });
    }
    // A map as JSON: refused when its strings alone pass the bound, before it is written
    // (a map holding a long array of one long shared string would be gigabytes of JSON).
    m.put_pure(
        "to_json",
        move |ctx: NativeCallContext, map: &mut Map| -> Res<ImmutableString> {
            let mut floor = 0;
            if !map_within(map, max, &mut floor) {
                return Err(string_too_large(max));
            }
            let mut out = String::new();
            json_map(&ctx, map, &mut out, max);
            if out.len() > max {
                return Err(string_too_large(max));
            }
            Ok(out.into())
        },
    );
}

/// A map as JSON, as rhai's `to_json` writes it, but valid JSON whatever it holds: strings and
/// keys escaped as JSON escapes them, a number that is not finite `null`, and a value of the
/// rule API (a date, a chain) as the text `${value}` gives it, a string.
fn json_map(ctx: &NativeCallContext, map: &Map, out: &mut String, max: usize) {
    out.push('{');
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(key, out);
        out.push(':');
        json_value(ctx, value, out, max);
        if out.len() > max {
            return;
        }
    }
    out.push('}');
}

fn json_value(ctx: &NativeCallContext, value: &Dynamic, out: &mut String, max: usize) {
    if value.is_unit() {
        out.push_str("null");
    } else if let Ok(b) = value.as_bool() {
        out.push_str(if b { "true" } else { "false" });
    } else if let Ok(n) = value.as_int() {
        out.push_str(&n.to_string());
    } else if let Ok(x) = value.as_float() {
        if x.is_finite() {
            out.push_str(&format!("{x:?}"));
        } else {
            out.push_str("null");
        }
    } else if let Some(s) = value.read_lock::<ImmutableString>() {
        json_string(&s, out);
    } else if let Ok(c) = value.as_char() {
        json_string(&c.to_string(), out);
    } else if let Some(a) = value.read_lock::<Array>() {
        out.push('[');
        for (i, item) in a.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_value(ctx, item, out, max);
            if out.len() > max {
                return;
            }
        }
        out.push(']');
    } else if let Some(m) = value.read_lock::<Map>() {
        json_map(ctx, &m, out, max);
    } else if let Some(b) = value.read_lock::<Blob>() {
        let bytes: Vec<String> = b.iter().map(u8::to_string).collect();
        out.push('[');
        out.push_str(&bytes.join(","));
        out.push(']');
    } else {
        let text = text_of(ctx, &mut value.clone(), max);
        json_string(&text, out);
    }
}

fn json_string(text: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(text).expect("a string is JSON"));
}

/// Whether the JSON text of `value` may be within `max` bytes: the bytes of its strings and
/// keys (a lower bound of the text), counted into `floor` until they pass `max`.
fn json_within(value: &Dynamic, max: usize, floor: &mut usize) -> bool {
    if let Some(s) = value.read_lock::<ImmutableString>() {
        *floor += s.len() + 2;
    } else if let Some(a) = value.read_lock::<Array>() {
        *floor += 2;
        for item in a.iter() {
            if !json_within(item, max, floor) {
                return false;
            }
            *floor += 1;
        }
    } else if let Some(m) = value.read_lock::<Map>() {
        return map_within(&m, max, floor);
    } else {
        *floor += 1;
    }
    *floor <= max
}

fn map_within(map: &Map, max: usize, floor: &mut usize) -> bool {
    *floor += 2;
    for (key, item) in map.iter() {
        *floor += key.len() + 3;
        if !json_within(item, max, floor) {
            return false;
        }
    }
    *floor <= max
}

fn write_array(ctx: &NativeCallContext, a: &mut Array, out: &mut Capped) -> std::fmt::Result {
    out.write_str("[")?;
    for (i, item) in a.iter_mut().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write_item(ctx, item, out)?;
    }
    out.write_str("]")
}

fn write_map(ctx: &NativeCallContext, map: &mut Map, out: &mut Capped) -> std::fmt::Result {
    out.write_str("#{")?;
    for (i, (key, item)) in map.iter_mut().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write!(out, "{key:?}: ")?;
        write_item(ctx, item, out)?;
    }
    out.write_str("}")
}

/// One item of an array or a map: nested arrays and maps written here, within the same bound;
/// any other value by its `to_debug` (a rule type's own, else rhai's).
fn write_item(ctx: &NativeCallContext, item: &mut Dynamic, out: &mut Capped) -> std::fmt::Result {
    if item.is_array() {
        let mut a = item.write_lock::<Array>().expect("an array");
        return write_array(ctx, &mut a, out);
    }
    if item.is_map() {
        let mut map = item.write_lock::<Map>().expect("a map");
        return write_map(ctx, &mut map, out);
    }
    match ctx.call_native_fn_raw("to_debug", true, &mut [item]) {
        Ok(text) if text.is_string() => {
            out.write_str(&text.into_immutable_string().expect("a string"))
        }
        Ok(other) => out.write_str(ctx.engine().map_type_name(other.type_name())),
        Err(_) => write!(out, "{item:?}"),
    }
}

/// The text of `item` as rhai's `+` on a string writes it (its `to_string`, so an array's is
/// itself within the bound), at most `max` bytes and one more, so that joining it is refused.
pub(super) fn text_of(ctx: &NativeCallContext, item: &mut Dynamic, max: usize) -> ImmutableString {
    match ctx.call_native_fn_raw("to_string", true, &mut [item]) {
        Ok(text) if text.is_string() => text.into_immutable_string().expect("a string"),
        Ok(other) => ctx.engine().map_type_name(other.type_name()).into(),
        Err(_) => crate::rules::limits::displayed(item, max + 1).into(),
    }
}

/// The order of two values of one sortable type; `None` for types that do not sort.
fn compare(a: &Dynamic, b: &Dynamic) -> Option<Ordering> {
    if let (Ok(x), Ok(y)) = (a.as_int(), b.as_int()) {
        return Some(x.cmp(&y));
    }
    if let (Ok(x), Ok(y)) = (a.as_float(), b.as_float()) {
        // NaN after every number, whatever its sign bit: a total order, as sorting requires.
        return Some(match (x.is_nan(), y.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => x.total_cmp(&y),
        });
    }
    if let (Ok(x), Ok(y)) = (a.as_char(), b.as_char()) {
        return Some(x.cmp(&y));
    }
    if let (Ok(x), Ok(y)) = (a.as_bool(), b.as_bool()) {
        return Some(x.cmp(&y));
    }
    if let (Ok(x), Ok(y)) = (a.as_immutable_string_ref(), b.as_immutable_string_ref()) {
        return Some(x.as_str().cmp(y.as_str()));
    }
    if a.is_unit() && b.is_unit() {
        return Some(Ordering::Equal);
    }
    // Dates (the rule API's own type) in calendar order.
    if let (Some(x), Some(y)) = (
        a.read_lock::<super::date::Date>(),
        b.read_lock::<super::date::Date>(),
    ) {
        return Some(x.cmp(&y));
    }
    None
}

fn sort(array: &mut Array, descending: bool) -> Res<()> {
    let Some(first) = array.first() else {
        return Ok(());
    };
    let refuse = |why: String| -> Res<()> { Err(super::api_error(why)) };
    if array.iter().any(|x| x.type_id() != first.type_id()) {
        return refuse("sort: the array holds values of different types, which do not sort".into());
    }
    if compare(first, first).is_none() {
        // The type as a rule names it (`Chain`, not moat's Rust path).
        return refuse(format!(
            "sort: values of type {} do not sort",
            super::api_type_name(first.type_name())
        ));
    }
    let order = |a: &Dynamic, b: &Dynamic| compare(a, b).unwrap_or(Ordering::Equal);
    if descending {
        array.sort_by(|a, b| order(b, a));
    } else {
        array.sort_by(order);
    }
    Ok(())
}

fn register_sorting(m: &mut Module) {
    m.put("sort", |a: &mut Array| sort(a, false))
        .put("sort_desc", |a: &mut Array| sort(a, true))
        .put_pure("order", |a: &mut Array| {
            let mut copy = a.clone();
            sort(&mut copy, false).map(|()| copy)
        })
        .put_pure("order_desc", |a: &mut Array| {
            let mut copy = a.clone();
            sort(&mut copy, true).map(|()| copy)
        });
    for name in ["sort", "sort_by"] {
        m.put(
            name,
            move |ctx: NativeCallContext, a: &mut Array, f: FnPtr| {
                let order = sort_with(&ctx, a, &f, name)?;
                let mut items: Vec<Option<Dynamic>> = a.drain(..).map(Some).collect();
                a.extend(order.into_iter().filter_map(|i| items[i].take()));
                Ok(())
            },
        );
    }
    for name in ["order", "order_by"] {
        m.put_pure(
            name,
            move |ctx: NativeCallContext, a: &mut Array, f: FnPtr| {
                let order = sort_with(&ctx, a, &f, name)?;
                Ok(order.into_iter().map(|i| a[i].clone()).collect::<Array>())
            },
        );
    }
    m.put("dedup", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| {
        dedup_with(a, |prev, next| {
            let said = f.call_raw(&ctx, None, [prev.clone(), next.clone()])?;
            said.as_bool().map_err(|_| {
                super::api_error(format!(
                    "dedup: the function returned {}: expected true (the two are duplicates) or false",
                    returned(&said)
                ))
            })
        })
    })
    .put("dedup", |ctx: NativeCallContext, a: &mut Array| {
        dedup_with(a, |prev, next| {
            let said = ctx.call_native_fn_raw("==", true, &mut [&mut prev.clone(), &mut next.clone()])?;
            Ok(said.as_bool().unwrap_or(false))
        })
    });
}

/// The functions that test each item of an array with a rule's function.
fn register_tests(m: &mut Module) {
    m.put_pure(
        "filter",
        |ctx: NativeCallContext, a: &mut Array, f: FnPtr| {
            let keep = tested(&ctx, &f, "filter", a)?;
            Ok(a.iter()
                .zip(keep)
                .filter(|(_, k)| *k)
                .map(|(item, _)| item.clone())
                .collect::<Array>())
        },
    )
    .put_pure("some", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| {
        for (i, item) in a.iter_mut().enumerate() {
            if test(&ctx, &f, "some", item, i)? {
                return Ok(true);
            }
        }
        Ok(false)
    })
    .put_pure("all", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| {
        for (i, item) in a.iter_mut().enumerate() {
            if !test(&ctx, &f, "all", item, i)? {
                return Ok(false);
            }
        }
        Ok(true)
    })
    .put_pure(
        "index_of",
        |ctx: NativeCallContext, a: &mut Array, f: FnPtr| {
            for (i, item) in a.iter_mut().enumerate() {
                if test(&ctx, &f, "index_of", item, i)? {
                    return Ok(i as INT);
                }
            }
            Ok(-1 as INT)
        },
    )
    .put_pure("find", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| {
        for (i, item) in a.iter_mut().enumerate() {
            if test(&ctx, &f, "find", item, i)? {
                return Ok(item.clone());
            }
        }
        Ok(Dynamic::UNIT)
    })
    // Both keep what was not taken out and return what was: the items said `false` of
    // (`retain`) or `true` of (`drain`). An error leaves the array as it was.
    .put(
        "retain",
        |ctx: NativeCallContext, a: &mut Array, f: FnPtr| {
            let keep = tested(&ctx, &f, "retain", a)?;
            Ok(split_out(a, &keep, false))
        },
    )
    .put(
        "drain",
        |ctx: NativeCallContext, a: &mut Array, f: FnPtr| {
            let take = tested(&ctx, &f, "drain", a)?;
            Ok(split_out(a, &take, true))
        },
    )
    // A map's: the function is called with the key, and the value as `this` or a second
    // argument, as rhai's own call it.
    .put_pure(
        "filter",
        |ctx: NativeCallContext, map: &mut Map, f: FnPtr| {
            let keep = map_tested(&ctx, &f, "filter", map)?;
            Ok(map
                .iter()
                .zip(keep)
                .filter(|(_, k)| *k)
                .map(|((key, value), _)| (key.clone(), value.clone()))
                .collect::<Map>())
        },
    )
    .put(
        "retain",
        |ctx: NativeCallContext, map: &mut Map, f: FnPtr| {
            let keep = map_tested(&ctx, &f, "retain", map)?;
            Ok(split_map(map, &keep, false))
        },
    )
    .put(
        "drain",
        |ctx: NativeCallContext, map: &mut Map, f: FnPtr| {
            let take = map_tested(&ctx, &f, "drain", map)?;
            Ok(split_map(map, &take, true))
        },
    );
}

/// What `f` says of every entry of a map, in key order; every answer must be a boolean.
fn map_tested(ctx: &NativeCallContext, f: &FnPtr, name: &str, map: &mut Map) -> Res<Vec<bool>> {
    let mut said = Vec::with_capacity(map.len());
    for (key, value) in map.iter_mut() {
        let answer =
            f.call_raw_with_extra_args(name, ctx, Some(value), [key.clone().into()], [], Some(1))?;
        said.push(answer.as_bool().map_err(|_| {
            super::api_error(format!(
                "{name}: the function returned {}: expected true or false",
                returned(&answer)
            ))
        })?);
    }
    Ok(said)
}

/// Take out of `map` the entries whose mark is `out`, returned; the rest stay.
fn split_map(map: &mut Map, marks: &[bool], out: bool) -> Map {
    let mut taken = Map::new();
    for ((key, value), &mark) in std::mem::take(map).into_iter().zip(marks) {
        if mark == out {
            taken.insert(key, value);
        } else {
            map.insert(key, value);
        }
    }
    taken
}

/// What the rule's function `f` says of item `i` (as rhai calls it: the item as `this` or the
/// first argument, its index as an optional second), which must be a boolean.
fn test(ctx: &NativeCallContext, f: &FnPtr, name: &str, item: &mut Dynamic, i: usize) -> Res<bool> {
    let index = [Dynamic::from(i as INT)];
    let said = f.call_raw_with_extra_args(name, ctx, Some(item), [], index, Some(0))?;
    said.as_bool().map_err(|_| {
        super::api_error(format!(
            "{name}: the function returned {}: expected true or false",
            returned(&said)
        ))
    })
}

/// What `f` says of every item, in order.
fn tested(ctx: &NativeCallContext, f: &FnPtr, name: &str, a: &mut Array) -> Res<Vec<bool>> {
    (0..a.len())
        .map(|i| test(ctx, f, name, &mut a[i], i))
        .collect()
}

/// Take out of `a` the items whose mark is `out`, returned in order; the rest stay in order.
fn split_out(a: &mut Array, marks: &[bool], out: bool) -> Array {
    let mut taken = Array::new();
    let mut kept = Array::with_capacity(a.len());
    for (item, &mark) in std::mem::take(a).into_iter().zip(marks) {
        if mark == out {
            taken.push(item);
        } else {
            kept.push(item);
        }
    }
    *a = kept;
    taken
}

/// A value a rule's function returned, as an error names it: its type as the rule would name
/// it, and its text.
pub(super) fn returned(value: &Dynamic) -> String {
    let shown = crate::rules::limits::displayed(value, 40);
    let name = value.type_name();
    match name {
        "i64" => format!("the integer {shown}"),
        "f64" => format!("the number {shown}"),
        "bool" => shown,
        "()" => "()".to_string(),
        _ if value.is_string() => format!("the string {shown:?}"),
        _ if value.is_array() => format!("the array {shown}"),
        _ if value.is_map() => format!("the map {shown}"),
        // A value of the rule API (a chain, a date) by its type's name alone.
        _ => {
            let name = super::api_type_name(name);
            let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {name}")
        }
    }
}

/// The order of `array`'s items (their indexes) by the rule's comparer `f` (stable: equal
/// items keep their order), which says an order by a number's sign (negative: the first item
/// goes first) or a boolean (true: the first goes first). The first error of `f`, or a result
/// that says no order, is the error, and the array is left as it was; an inconsistent `f`
/// gives some order, never a panic (a merge sort compares each pair it merges once, whatever
/// `f` answers).
fn sort_with(ctx: &NativeCallContext, array: &Array, f: &FnPtr, name: &str) -> Res<Vec<usize>> {
    let order = |a: &Dynamic, b: &Dynamic| -> Res<Ordering> {
        let said = f.call_raw(ctx, None, [a.clone(), b.clone()])?;
        let sign = if let Ok(n) = said.as_int() {
            Some(n.signum() as f64)
        } else if let Ok(x) = said.as_float() {
            (!x.is_nan()).then_some(x)
        } else if let Ok(first) = said.as_bool() {
            // `false` says only that `a` does not go first: `b` goes first if the comparer
            // says so of `b` before `a`, else the two are equal (a strict `x.k < y.k` is
            // false both ways for a tie, which stays in order).
            if first {
                Some(-1.0)
            } else {
                let back = f.call_raw(ctx, None, [b.clone(), a.clone()])?;
                match back.as_bool() {
                    Ok(true) => Some(1.0),
                    Ok(false) => Some(0.0),
                    Err(_) => None,
                }
            }
        } else {
            None
        };
        match sign {
            Some(x) if x < 0.0 => Ok(Ordering::Less),
            Some(x) if x > 0.0 => Ok(Ordering::Greater),
            Some(_) => Ok(Ordering::Equal),
            None => Err(super::api_error(format!(
                "{name}: the comparer returned {}: expected a number (negative: the first goes first, 0: either, positive: the second goes first) or a boolean (true: the first goes first)",
                returned(&said)
            ))),
        }
    };
    merge_sort((0..array.len()).collect(), &mut |i, j| {
        order(&array[i], &array[j])
    })
}

fn merge_sort(
    mut items: Vec<usize>,
    order: &mut impl FnMut(usize, usize) -> Res<Ordering>,
) -> Res<Vec<usize>> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let right = items.split_off(items.len() / 2);
    let left = merge_sort(items, order)?;
    let right = merge_sort(right, order)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (0, 0);
    while l < left.len() && r < right.len() {
        // The right item goes first only if the left one is said to go after it: equal items
        // (and, with a boolean comparer, items it says `true` of both ways) stay in order.
        if order(left[l], right[r])? == Ordering::Greater {
            out.push(right[r]);
            r += 1;
        } else {
            out.push(left[l]);
            l += 1;
        }
    }
    out.extend_from_slice(&left[l..]);
    out.extend_from_slice(&right[r..]);
    Ok(out)
}

/// Remove each item that `same(previous kept, item)` says duplicates the one kept before it;
/// on an error of `same`, the array is left as it was.
fn dedup_with(array: &mut Array, mut same: impl FnMut(&Dynamic, &Dynamic) -> Res<bool>) -> Res<()> {
    let mut keep = vec![false; array.len()];
    let mut last: Option<usize> = None;
    for (i, item) in array.iter().enumerate() {
        if let Some(prev) = last
            && same(&array[prev], item)?
        {
            continue;
        }
        keep[i] = true;
        last = Some(i);
    }
    let mut keep = keep.into_iter();
    array.retain(|_| keep.next().unwrap_or(true));
    Ok(())
}

/// An estimate of the bytes a value holds, for the one call that can multiply a value
/// (`pad`): the memory bound catches everything else after the fact, but a single call that
/// makes a million copies must be refused before it runs.
fn weight(value: &Dynamic) -> usize {
    let slot = std::mem::size_of::<Dynamic>();
    if let Ok(s) = value.as_immutable_string_ref() {
        return slot + s.len();
    }
    if let Ok(a) = value.as_array_ref() {
        return slot + a.iter().map(weight).sum::<usize>();
    }
    if let Ok(m) = value.as_map_ref() {
        return slot + m.iter().map(|(k, v)| k.len() + weight(v)).sum::<usize>();
    }
    slot
}

fn register_arrays(m: &mut Module, max: usize, max_memory: usize) {
    let room = move |now: usize, added: usize| -> Res<()> {
        if now.saturating_add(added) > max {
            Err(too_large(format!("an array of more than {max} items")))
        } else {
            Ok(())
        }
    };
    m.put("push", move |a: &mut Array, item: Dynamic| -> Res<()> {
        room(a.len(), 1)?;
        a.push(item);
        Ok(())
    })
    .put("+=", move |a: &mut Array, item: Dynamic| -> Res<()> {
        match item.try_cast_result::<Array>() {
            Ok(other) => {
                room(a.len(), other.len())?;
                a.extend(other);
            }
            Err(item) => {
                room(a.len(), 1)?;
                a.push(item);
            }
        }
        Ok(())
    })
    .put("append", move |a: &mut Array, other: Array| -> Res<()> {
        room(a.len(), other.len())?;
        a.extend(other);
        Ok(())
    })
    .put_pure("+", move |a: Array, b: Array| -> Res<Array> {
        room(a.len(), b.len())?;
        let mut out = a;
        out.extend(b);
        Ok(out)
    })
    .put(
        "insert",
        move |a: &mut Array, index: INT, item: Dynamic| -> Res<()> {
            room(a.len(), 1)?;
            let len = a.len() as INT;
            let at = if index < 0 {
                (len + index).max(0)
            } else {
                index.min(len)
            };
            a.insert(at as usize, item);
            Ok(())
        },
    )
    .put(
        "pad",
        move |a: &mut Array, len: INT, item: Dynamic| -> Res<()> {
            let Ok(len) = usize::try_from(len) else {
                return Ok(());
            };
            if len <= a.len() {
                return Ok(());
            }
            let added = len - a.len();
            room(a.len(), added)?;
            if added.saturating_mul(weight(&item)) > max_memory {
                return Err(too_large(format!(
                    "{added} copies of a value, more than the memory limit of {} MiB",
                    max_memory >> 20
                )));
            }
            a.resize(len, item);
            Ok(())
        },
    );
}

fn register_strings(m: &mut Module, max: usize) {
    let fits = move |len: usize| -> Res<()> {
        if len > max {
            Err(string_too_large(max))
        } else {
            Ok(())
        }
    };
    let join = move |a: &str, b: &str| -> Res<ImmutableString> {
        fits(a.len() + b.len())?;
        Ok(format!("{a}{b}").into())
    };
    m.put_pure("+", move |a: &str, b: &str| join(a, b))
        .put_pure("+", move |a: &str, c: char| {
            join(a, c.encode_utf8(&mut [0; 4]))
        })
        .put_pure("+", move |c: char, b: &str| {
            join(c.encode_utf8(&mut [0; 4]), b)
        })
        .put("+=", move |a: &mut ImmutableString, b: &str| -> Res<()> {
            *a = join(a, b)?;
            Ok(())
        })
        .put("+=", move |a: &mut ImmutableString, c: char| -> Res<()> {
            *a = join(a, c.encode_utf8(&mut [0; 4]))?;
            Ok(())
        })
        .put(
            "append",
            move |a: &mut ImmutableString, b: &str| -> Res<()> {
                *a = join(a, b)?;
                Ok(())
            },
        )
        .put("pad", move |s: &mut ImmutableString, len: INT, c: char| {
            pad(s, len, &c.to_string(), fits)
        })
        .put("pad", move |s: &mut ImmutableString, len: INT, p: &str| {
            pad(s, len, p, fits)
        })
        .put(
            "replace",
            move |s: &mut ImmutableString, find: &str, sub: &str| replace(s, find, sub, fits),
        )
        .put(
            "replace",
            move |s: &mut ImmutableString, find: &str, c: char| {
                replace(s, find, &c.to_string(), fits)
            },
        )
        .put(
            "replace",
            move |s: &mut ImmutableString, f: char, sub: &str| {
                replace(s, &f.to_string(), sub, fits)
            },
        )
        .put(
            "replace",
            move |s: &mut ImmutableString, f: char, c: char| {
                replace(s, &f.to_string(), &c.to_string(), fits)
            },
        );

    // One string into many values: refused beyond the string limit, then rhai's own.
    let many = move |s: &str| -> Res<()> {
        if s.len() > max {
            Err(too_large(format!(
                "a string of {} bytes to split (at most {max})",
                s.len()
            )))
        } else {
            Ok(())
        }
    };
    // A string joined with any other value (an array, a map, a number, a blob's bytes): that
    // value's text, as rhai's own `+` writes it, then the same bound as two strings.
    m.put_pure(
        "+",
        move |ctx: NativeCallContext, a: &mut ImmutableString, mut item: Dynamic| {
            join(a, &text_of(&ctx, &mut item, max))
        },
    )
    .put_pure(
        "+",
        move |ctx: NativeCallContext, item: &mut Dynamic, b: &str| {
            join(&text_of(&ctx, item, max), b)
        },
    )
    .put_pure("+", move |a: &str, b: Blob| {
        join(a, &String::from_utf8_lossy(&b))
    })
    .put_pure("+", move |a: Blob, b: &str| {
        join(&String::from_utf8_lossy(&a), b)
    });
    for name in ["+=", "append"] {
        m.put(
            name,
            move |ctx: NativeCallContext, a: &mut ImmutableString, mut item: Dynamic| -> Res<()> {
                let text = text_of(&ctx, &mut item, max);
                if !text.is_empty() {
                    *a = join(a, &text)?;
                }
                Ok(())
            },
        )
        .put(name, move |a: &mut ImmutableString, b: Blob| -> Res<()> {
            if !b.is_empty() {
                *a = join(a, &String::from_utf8_lossy(&b))?;
            }
            Ok(())
        });
    }
    m.put_pure("to_chars", move |s: &str| -> Res<Array> {
        many(s)?;
        Ok(s.chars().map(Dynamic::from).collect::<Array>())
    })
    .put_pure("split", move |s: &mut ImmutableString| -> Res<Array> {
        many(s)?;
        Ok(pieces(s.split_whitespace().collect()))
    })
    .put_pure(
        "split",
        move |s: &mut ImmutableString, d: &str| -> Res<Array> {
            many(s)?;
            Ok(pieces(s.split(d).collect()))
        },
    )
    .put_pure(
        "split",
        move |s: &mut ImmutableString, d: char| -> Res<Array> {
            many(s)?;
            Ok(pieces(s.split(d).collect()))
        },
    )
    .put_pure(
        "split",
        move |s: &mut ImmutableString, d: &str, n: INT| -> Res<Array> {
            many(s)?;
            Ok(pieces(s.splitn(n.max(1) as usize, d).collect()))
        },
    )
    .put_pure(
        "split",
        move |s: &mut ImmutableString, d: char, n: INT| -> Res<Array> {
            many(s)?;
            Ok(pieces(s.splitn(n.max(1) as usize, d).collect()))
        },
    )
    .put_pure(
        "split_rev",
        move |s: &mut ImmutableString, d: &str| -> Res<Array> {
            many(s)?;
            Ok(pieces(s.rsplit(d).collect()))
        },
    )
    .put_pure(
        "split_rev",
        move |s: &mut ImmutableString, d: char| -> Res<Array> {
            many(s)?;
            Ok(pieces(s.rsplit(d).collect()))
        },
    )
    .put_pure(
        "split_rev",
        move |s: &mut ImmutableString, d: &str, n: INT| -> Res<Array> {
            many(s)?;
            Ok(pieces(s.rsplitn(n.max(1) as usize, d).collect()))
        },
    )
    .put_pure(
        "split_rev",
        move |s: &mut ImmutableString, d: char, n: INT| -> Res<Array> {
            many(s)?;
            Ok(pieces(s.rsplitn(n.max(1) as usize, d).collect()))
        },
    );
}

fn pieces(parts: Vec<&str>) -> Array {
    parts
        .into_iter()
        .map(|p| Dynamic::from(p.to_string()))
        .collect()
}

/// `s.pad(len, p)`: repeat `p` until the string has `len` characters (rhai's meaning).
fn pad(s: &mut ImmutableString, len: INT, p: &str, fits: impl Fn(usize) -> Res<()>) -> Res<()> {
    let Ok(len) = usize::try_from(len) else {
        return Ok(());
    };
    let have = s.chars().count();
    if len <= have || p.is_empty() {
        return Ok(());
    }
    // At most four bytes a character: refuse before building anything too long.
    fits(s.len() + (len - have).min(len))?;
    let mut out = s.to_string();
    let mut count = have;
    'fill: loop {
        for c in p.chars() {
            if count >= len {
                break 'fill;
            }
            out.push(c);
            count += 1;
        }
    }
    fits(out.len())?;
    *s = out.into();
    Ok(())
}

fn replace(
    s: &mut ImmutableString,
    find: &str,
    sub: &str,
    fits: impl Fn(usize) -> Res<()>,
) -> Res<()> {
    if find.is_empty() {
        return Ok(());
    }
    let hits = s.matches(find).count();
    fits((s.len() - hits * find.len()).saturating_add(hits.saturating_mul(sub.len())))?;
    *s = s.replace(find, sub).into();
    Ok(())
}

fn register_maps(m: &mut Module, max: usize) {
    let room = move |a: &Map, b: &Map| -> Res<()> {
        let added = b.keys().filter(|k| !a.contains_key(*k)).count();
        if a.len() + added > max {
            Err(too_large(format!("a map of more than {max} entries")))
        } else {
            Ok(())
        }
    };
    m.put("+=", move |a: &mut Map, b: Map| -> Res<()> {
        room(a, &b)?;
        a.extend(b);
        Ok(())
    })
    .put("mixin", move |a: &mut Map, b: Map| -> Res<()> {
        room(a, &b)?;
        a.extend(b);
        Ok(())
    })
    .put_pure("+", move |a: Map, b: Map| -> Res<Map> {
        room(&a, &b)?;
        let mut out = a;
        out.extend(b);
        Ok(out)
    })
    .put("fill_with", move |a: &mut Map, b: Map| -> Res<()> {
        room(a, &b)?;
        for (k, v) in b {
            a.entry(k).or_insert(v);
        }
        Ok(())
    });
}

fn register_blobs(m: &mut Module, max: usize) {
    let sized = move |len: INT| -> Res<usize> {
        let len = usize::try_from(len).unwrap_or(0);
        if len > max {
            Err(too_large(format!("a BLOB of more than {max} bytes")))
        } else {
            Ok(len)
        }
    };
    m.put("blob", move |len: INT| -> Res<Blob> {
        Ok(vec![0u8; sized(len)?])
    })
    .put("blob", move |len: INT, value: INT| -> Res<Blob> {
        Ok(vec![value as u8; sized(len)?])
    })
    .put(
        "pad",
        move |b: &mut Blob, len: INT, value: INT| -> Res<()> {
            let len = sized(len)?;
            if len > b.len() {
                b.resize(len, value as u8);
            }
            Ok(())
        },
    );
}

/// A captured `chain`, `params` or `peers` (or a chain or peer set derived from them) is put
/// back unshared in the scope the first time it is read after a closure captured it, and the
/// normal lookup goes on; everything else is left to rhai.
pub fn register_unsharing(engine: &mut Engine) {
    // `on_var` is marked deprecated only to say that the API may change.
    #[allow(deprecated)]
    engine.on_var(|name, offset, mut context| {
        if !MAY_SHARE.with(Cell::get) {
            return Ok(None);
        }
        let scope = context.scope_mut();
        // Called on every read of every variable: where rhai knows the variable's place (its
        // offset from the end of the scope), look there, not up the scope by name.
        let at_offset = offset
            .checked_sub(1)
            .and_then(|back| scope.iter_raw().nth(back))
            .filter(|(n, ..)| *n == name);
        let shared = match at_offset {
            Some((.., value)) => value.is_shared(),
            None => scope.get(name).is_some_and(Dynamic::is_shared),
        };
        if shared
            && let Some(value) = scope.get_mut(name)
            && let Some(plain) = handle(value)
        {
            *value = plain;
        }
        Ok(None)
    });
}

thread_local! {
    /// Whether the evaluation running on this thread may hold shared variables: true unless
    /// [`sharing`] says otherwise, so that anything not run through it is checked.
    static MAY_SHARE: Cell<bool> = const { Cell::new(true) };
}

/// Run `f` (an evaluation) knowing whether its rule can share a variable at all
/// ([`shares_variables`] of its AST): when it cannot, the variable resolver has nothing to
/// unshare and returns at once, where it would look each variable up in the scope.
pub fn sharing<R>(may_share: bool, f: impl FnOnce() -> R) -> R {
    let outer = MAY_SHARE.with(|m| m.replace(may_share));
    let out = f();
    MAY_SHARE.with(|m| m.set(outer));
    out
}

/// Whether running `ast` can share a variable: only a closure that captures one does, through
/// the share statement rhai puts before it (in the rule's functions or at its top level).
pub fn shares_variables(ast: &rhai::AST) -> bool {
    let mut found = false;
    ast.walk(&mut |path: &[rhai::ASTNode]| {
        found = matches!(
            path.last(),
            Some(rhai::ASTNode::Stmt(rhai::Stmt::Share(..)))
        );
        !found
    });
    found
}

/// The value inside a shared `Chain`, `Params` or `Peers`, unshared.
fn handle(shared: &Dynamic) -> Option<Dynamic> {
    if let Some(p) = shared.read_lock::<Peers>() {
        return Some(Dynamic::from(p.clone()));
    }
    if let Some(c) = shared.read_lock::<Chain>() {
        return Some(Dynamic::from(c.clone()));
    }
    shared
        .read_lock::<Params>()
        .map(|p| Dynamic::from(p.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_closure_that_captures_shares_a_variable() {
        let engine = crate::rules::engine::new_raw();
        let shares = |code: &str| shares_variables(&engine.compile(code).unwrap());
        assert!(!shares("fn rule(chain) { let x = 1; chain.tvl_usd > x }"));
        assert!(!shares(
            "fn rule(peers) { peers.count(|c| c.tvl_usd > 1.0) }"
        ));
        assert!(shares(
            "fn rule(peers) { let m = 1.0; peers.count(|c| c.tvl_usd > m) }"
        ));
        assert!(shares(
            "fn helper(p) { let k = 2; let f = |x| x * k; f.call(p) }\nfn rule() { 1 }"
        ));
        assert!(shares("let k = 2; let f = |x| x + k;"));
    }

    #[test]
    fn floats_with_nan_sort_totally() {
        let mut a: Array = [2.0, f64::NAN, -f64::NAN, 1.0, 0.5]
            .into_iter()
            .map(Dynamic::from)
            .collect();
        sort(&mut a, false).unwrap();
        let shown: Vec<String> = a.iter().map(|x| x.to_string()).collect();
        assert_eq!(shown, ["0.5", "1.0", "2.0", "NaN", "NaN"]);
    }
}
