//! Comparisons that must not quietly answer `false`. Rhai's built-in comparison of values of
//! different types (`() > 0.1`, `"1" >= 1`) returns `false`, so a missing value would turn into
//! a FAIL instead of an ERROR. These overloads (active because the engine turns fast operators
//! off) raise "function not found" instead, which the evaluator translates into plain words.
//! `==` and `!=` against `()` stay allowed: `x == ()` is how a rule tests a helper's result.

use rhai::{Engine, EvalAltResult, FLOAT, INT, ImmutableString, Position};

type Res = Result<bool, Box<EvalAltResult>>;

fn refuse(op: &str, a: &str, b: &str) -> Res {
    Err(EvalAltResult::ErrorFunctionNotFound(format!("{op} ({a}, {b})"), Position::NONE).into())
}

macro_rules! refuse_pair {
    ($engine:ident, [$($op:literal),*], $a:ty, $an:literal, $b:ty, $bn:literal) => {
        $( $engine.register_fn($op, |_: $a, _: $b| refuse($op, $an, $bn)); )*
    };
}

pub fn register(engine: &mut Engine) {
    // Ordering with a missing value, either side.
    refuse_pair!(engine, ["<", "<=", ">", ">="], (), "()", INT, "i64");
    refuse_pair!(engine, ["<", "<=", ">", ">="], (), "()", FLOAT, "f64");
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">="],
        (),
        "()",
        ImmutableString,
        "string"
    );
    refuse_pair!(engine, ["<", "<=", ">", ">="], (), "()", bool, "bool");
    refuse_pair!(engine, ["<", "<=", ">", ">="], (), "()", (), "()");
    refuse_pair!(engine, ["<", "<=", ">", ">="], INT, "i64", (), "()");
    refuse_pair!(engine, ["<", "<=", ">", ">="], FLOAT, "f64", (), "()");
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">="],
        ImmutableString,
        "string",
        (),
        "()"
    );
    refuse_pair!(engine, ["<", "<=", ">", ">="], bool, "bool", (), "()");
    // Any comparison of a string or bool with a number, or a string with a bool.
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">=", "==", "!="],
        ImmutableString,
        "string",
        INT,
        "i64"
    );
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">=", "==", "!="],
        ImmutableString,
        "string",
        FLOAT,
        "f64"
    );
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">=", "==", "!="],
        INT,
        "i64",
        ImmutableString,
        "string"
    );
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">=", "==", "!="],
        FLOAT,
        "f64",
        ImmutableString,
        "string"
    );
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">=", "==", "!="],
        bool,
        "bool",
        INT,
        "i64"
    );
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">=", "==", "!="],
        bool,
        "bool",
        FLOAT,
        "f64"
    );
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">=", "==", "!="],
        INT,
        "i64",
        bool,
        "bool"
    );
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">=", "==", "!="],
        FLOAT,
        "f64",
        bool,
        "bool"
    );
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">=", "==", "!="],
        bool,
        "bool",
        ImmutableString,
        "string"
    );
    refuse_pair!(
        engine,
        ["<", "<=", ">", ">=", "==", "!="],
        ImmutableString,
        "string",
        bool,
        "bool"
    );
}
