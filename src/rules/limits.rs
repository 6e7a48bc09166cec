//! The bounds every rule evaluation runs within. A rule that reaches one is an ERROR verdict
//! naming the limit, never a PASS or FAIL, and the rest of the screen goes on.

use std::time::Duration;

/// Sandbox limits, applied per evaluation of one rule against one chain (or the sector).
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Rhai operations (roughly: expressions evaluated). A runaway loop stops here in milliseconds.
    pub max_operations: u64,
    /// Nested function calls, including recursion.
    pub max_call_levels: usize,
    /// Nesting depth of expressions at compile time (top level, inside functions).
    pub max_expr_depth: usize,
    pub max_function_expr_depth: usize,
    /// Characters in one string.
    pub max_string_size: usize,
    /// Items in one array (a daily series of several years fits).
    pub max_array_size: usize,
    /// Entries in one object map.
    pub max_map_size: usize,
    /// Variables alive at once.
    pub max_variables: usize,
    /// Functions defined in one rule file.
    pub max_functions: usize,
    /// Wall-clock time for one evaluation.
    pub time_limit: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 200_000,
            max_call_levels: 32,
            max_expr_depth: 64,
            max_function_expr_depth: 32,
            max_string_size: 10_000,
            max_array_size: 10_000,
            max_map_size: 1_000,
            max_variables: 200,
            max_functions: 50,
            time_limit: Duration::from_secs(1),
        }
    }
}
