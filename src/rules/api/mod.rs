//! What a rule sees: `chain`, `peers` and `params` as registered Rhai types, the verdict
//! constructors, formatting helpers, and strict comparisons. The functions are registered here
//! and documented in `reference`, the single list `moat rules doc` renders.

pub mod chain;
pub mod condition;
pub mod date;
pub mod format;
pub mod params;
pub mod peers;
pub mod reference;
pub mod sandbox;
pub mod strict_ops;
pub mod trace;
pub mod world;

use chain::Chain;
use params::Params;
use peers::Peers;
use rhai::{
    Dynamic, Engine, EvalAltResult, FLOAT, FuncRegistration, INT, ImmutableString, Map, Position,
    RhaiNativeFunc,
};
use std::sync::LazyLock;

/// An error raised by the rule API itself (unknown field, bad parameter, …). Carried inside
/// `ErrorRuntime` so the evaluator can tell it from a rule's own `throw`.
#[derive(Clone, Debug)]
pub struct ApiError(pub String);

/// The name the rule API gives one of moat's types (the name each is registered with, which
/// `${value}`, `type_of` and the reference use), from rhai's name for it, the Rust path
/// (`moat::rules::api::peers::Peers`); `None` for a type that is not moat's.
pub fn moat_type_name(rhai_name: &str) -> Option<&'static str> {
    use std::any::type_name;
    [
        (type_name::<Chain>(), "Chain"),
        (type_name::<Peers>(), "Peers"),
        (type_name::<Params>(), "Params"),
        (type_name::<date::Date>(), "Date"),
        (type_name::<ApiError>(), "Error"),
    ]
    .into_iter()
    .find(|(rust, _)| *rust == rhai_name)
    .map(|(_, name)| name)
}

/// A type's name as a message to a rule author says it: moat's types by their API names
/// ([`moat_type_name`]), any other without a Rust path.
pub fn api_type_name(rhai_name: &str) -> &str {
    moat_type_name(rhai_name).unwrap_or_else(|| rhai_name.rsplit("::").next().unwrap_or(rhai_name))
}

pub fn api_error(message: impl Into<String>) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(Dynamic::from(ApiError(message.into())), Position::NONE).into()
}

/// A verdict as the map a rule returns. Built as a `Dynamic` holding the map, not returned as
/// a `Map`: rhai turns a returned `Map` into a value by rebuilding it entry by entry, and that
/// was a tenth of the cost of a rule that only returns `pass("ok")`. The status texts are made
/// once and shared.
fn verdict(status: Status, reason: ImmutableString, hint: Option<ImmutableString>) -> Dynamic {
    static TEXTS: LazyLock<[ImmutableString; 3]> =
        LazyLock::new(|| ["PASS".into(), "FAIL".into(), "SKIP".into()]);
    let mut m = Map::new();
    m.insert("status".into(), TEXTS[status as usize].clone().into());
    m.insert("reason".into(), reason.into());
    if let Some(h) = hint {
        m.insert("hint".into(), h.into());
    }
    Dynamic::from_map(m)
}

#[derive(Clone, Copy)]
enum Status {
    Pass,
    Fail,
    Skip,
}

/// Register a verdict constructor under `name`, its signature in the metadata (what `moat rules
/// doc --definitions` writes) the `Map` it returns rather than the `Dynamic` that holds it.
fn register_verdict<A: 'static, const N: usize>(
    engine: &mut Engine,
    name: &str,
    f: impl RhaiNativeFunc<A, N, false, Dynamic, false> + Send + Sync + 'static,
) {
    let info = std::iter::repeat_n("_: String", N).chain(["Map"]);
    FuncRegistration::new(name)
        .with_params_info(info)
        .register_into_engine(engine, f);
}

/// Array items as text: strings as they are, other values as Rhai prints them.
/// The texts of `items` for `list` and `join`, each `between` bytes apart in the result:
/// refused as soon as the result would pass the string limit, before any text of a long array
/// is made whole (10,000 copies of one long string would be gigabytes).
fn strings(
    ctx: &rhai::NativeCallContext,
    items: &rhai::Array,
    between: usize,
) -> Result<Vec<String>, Box<EvalAltResult>> {
    let max = crate::rules::limits::MAX_STRING_SIZE;
    let too_large = || sandbox::string_too_large(max);
    let gaps = between.saturating_mul(items.len().saturating_sub(1));
    if gaps > max {
        return Err(too_large());
    }
    let mut total = gaps;
    let mut out = Vec::with_capacity(items.len());
    for d in items {
        let room = max - total;
        let text = match d.read_lock::<ImmutableString>() {
            Some(s) if s.len() > room => return Err(too_large()),
            Some(s) => s.to_string(),
            // A date or a chain as `${value}` writes it, not its type's name.
            None => sandbox::text_of(ctx, &mut d.clone(), room).to_string(),
        };
        total += text.len();
        if total > max {
            return Err(too_large());
        }
        out.push(text);
    }
    Ok(out)
}

macro_rules! register_format {
    ($engine:ident, $name:literal, $f:path) => {
        $engine.register_fn($name, |x: FLOAT| $f(x));
        $engine.register_fn($name, |x: INT| $f(x as f64));
        $engine.register_fn($name, |_: ()| "n/a".to_string());
    };
}

pub fn register(engine: &mut Engine) {
    // `chain.tvl_usd` is `chain["tvl_usd"]`: a getter for each field of the catalogue, so that
    // rhai finds the property at once rather than building the error of a missing getter (a
    // message, its type's name) on every read before it falls back to the indexer, which
    // serves any other name (an unknown one is an error with a suggestion). The parameters a
    // pack declares get theirs when it loads (`params::register_getters`).
    for field in crate::features::catalog::fields() {
        let name = ImmutableString::from(field.name.as_str());
        engine.register_get(field.name.as_str(), move |c: &mut Chain| {
            c.field(name.clone())
        });
    }
    engine
        .register_type_with_name::<Chain>("Chain")
        .register_indexer_get(Chain::field)
        .register_fn("has", Chain::has)
        .register_fn("get", Chain::get_or)
        .register_fn("change", Chain::change)
        .register_fn("series", Chain::series)
        .register_fn("value_on", Chain::value_on)
        .register_fn("aligned", Chain::aligned)
        .register_fn("links", Chain::links)
        .register_fn("links", Chain::links_of)
        .register_fn("provenance", Chain::provenance)
        .register_fn("to_string", |c: &mut Chain| c.slug().to_string())
        .register_fn("to_debug", |c: &mut Chain| format!("chain({})", c.slug()));
    // An error of the API caught by a rule (`catch (e)`) reads as its message.
    engine
        .register_type_with_name::<ApiError>("Error")
        .register_fn("to_string", |e: &mut ApiError| e.0.clone())
        .register_fn("to_debug", |e: &mut ApiError| format!("error({:?})", e.0));

    // The same for the properties of peers.
    for &property in peers::PROPERTIES {
        let name = ImmutableString::from(property);
        engine.register_get(property, move |p: &mut Peers| p.property(name.clone()));
    }
    engine
        .register_type_with_name::<Peers>("Peers")
        .register_indexer_get(Peers::property)
        .register_fn("len", Peers::size)
        .register_fn("chain", Peers::chain)
        .register_fn("without", Peers::without)
        .register_fn("filter", Peers::filter)
        .register_fn("filter", Peers::filter_presence)
        .register_fn("filter", Peers::filter_fn)
        .register_fn("count", Peers::count)
        .register_fn("count", Peers::count_presence)
        .register_fn("count", Peers::count_fn)
        .register_fn("share", Peers::share)
        .register_fn("share", Peers::share_presence)
        .register_fn("share", Peers::share_fn)
        .register_fn("mean", Peers::mean)
        .register_fn("median", Peers::median)
        .register_fn("min", Peers::min)
        .register_fn("max", Peers::max)
        .register_fn("sum", Peers::sum)
        .register_fn("percentile", Peers::percentile)
        .register_fn("percentile", Peers::percentile_side)
        .register_fn("top", Peers::top)
        .register_fn("bottom", Peers::bottom)
        .register_fn("lead", Peers::lead)
        .register_fn("lead", Peers::lead_window);

    engine
        .register_type_with_name::<Params>("Params")
        .register_indexer_get(Params::get)
        .register_indexer_set(Params::set)
        .register_fn("has", Params::has);

    register_verdict(engine, "pass", |r: ImmutableString| {
        verdict(Status::Pass, r, None)
    });
    register_verdict(engine, "fail", |r: ImmutableString| {
        verdict(Status::Fail, r, None)
    });
    register_verdict(engine, "fail", |r: ImmutableString, h| {
        verdict(Status::Fail, r, Some(h))
    });
    register_verdict(engine, "skip", |r: ImmutableString| {
        verdict(Status::Skip, r, None)
    });

    engine
        // ", " between items but the last two's " and ".
        .register_fn(
            "list",
            |ctx: rhai::NativeCallContext,
             items: rhai::Array|
             -> Result<String, Box<EvalAltResult>> {
                Ok(format::list(&strings(&ctx, &items, 5)?))
            },
        )
        .register_fn(
            "join",
            |ctx: rhai::NativeCallContext,
             items: rhai::Array,
             sep: &str|
             -> Result<String, Box<EvalAltResult>> {
                Ok(strings(&ctx, &items, sep.len())?.join(sep))
            },
        );

    register_format!(engine, "usd", format::usd);
    register_format!(engine, "pct", format::pct);
    register_format!(engine, "signed_pct", format::signed_pct);
    register_format!(engine, "num", format::num);
    register_format!(engine, "ordinal", format::ordinal);

    date::register(engine);
    strict_ops::register(engine);
}
