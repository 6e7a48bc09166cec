//! The bounds every rule evaluation runs within, each a named constant with the reason for its
//! size. A rule that reaches a bound on computation (operations, call depth, a size, memory,
//! time) is an ERROR verdict naming the bound at the line that reached it, never a PASS or FAIL,
//! and the rest of the screen goes on. What a rule sends to the output (printed lines,
//! evidence, reasons) is cut at its bound instead, with a marker saying so. The README lists
//! the same constants (a test keeps the two in step).

use std::time::Duration;

/// Rhai operations (roughly: expressions evaluated) per evaluation. The shipped rules use a few
/// hundred; a runaway loop stops here within tens of milliseconds.
pub const MAX_OPERATIONS: u64 = 200_000;
/// Nested function calls, recursion included: deep enough for helper functions calling each
/// other, shallow enough that runaway recursion stops at once.
pub const MAX_CALL_LEVELS: usize = 32;
/// Nesting of expressions in the source, at the top level and inside functions (compile time).
pub const MAX_EXPR_DEPTH: usize = 64;
pub const MAX_FUNCTION_EXPR_DEPTH: usize = 32;
/// Memory one evaluation may hold: every byte its thread allocated and has not freed since it
/// started, whatever holds it (strings, arrays, maps, closures, evidence), checked at every
/// operation. The shipped rules use a few kilobytes; a runaway rule stops long before two
/// evaluation threads together could hold a noticeable share of the machine.
pub const MAX_MEMORY: usize = 8 << 20;
/// Bytes in one string built by `+`, `+=`, `append`, `pad`, `replace`, `list`, `join` or a
/// map's `to_json`, and in a string handed to `split` or `to_chars` (which make many values of
/// one string): a reason with its numbers is a few hundred bytes.
pub const MAX_STRING_SIZE: usize = 10_000;
/// Items of one array grown by `push`, `insert`, `append`, `+=`, `+` or `pad` (checked in
/// constant time per item): the daily series of several years fits.
pub const MAX_ARRAY_SIZE: usize = 10_000;
/// Entries of one object map grown by `+=`, `+`, `mixin` or `fill_with`. (An insert by index,
/// `m[key] = v`, is bounded by [`MAX_MEMORY`].)
pub const MAX_MAP_SIZE: usize = 1_000;
/// Cases of one `switch`: rhai's optimiser takes time growing with the square of a switch's
/// cases (10,000 cases took 14 s to compile in a debug build), and a rule's table of values
/// belongs in its params.
pub const MAX_SWITCH_CASES: usize = 256;
/// Variables alive at once in one function.
pub const MAX_VARIABLES: usize = 200;
/// Functions defined in one rule file.
pub const MAX_FUNCTIONS: usize = 50;
/// Time of one evaluation (one rule on one chain), counted in its thread's CPU time after its
/// first 256 operations (see `engine::Guard::out_of_time`): the shipped rules take
/// microseconds, so only a runaway rule comes near it.
pub const TIME_PER_EVALUATION: Duration = Duration::from_secs(1);
/// Default time budget of one rule across a whole screen (all its evaluations together,
/// whichever thread ran them), plus [`RULE_TIME_PER_CHAIN`] for each chain judged;
/// `rule_time_budget_ms` in screen.toml sets another. When it is spent, the rule's remaining
/// evaluations are ERROR without running, so one runaway rule cannot make a screen of a hundred
/// chains take a hundred times its per-evaluation limit.
pub const RULE_TIME_BUDGET: Duration = Duration::from_secs(1);
/// What each chain judged adds to a rule's default budget: a shipped rule takes a few
/// microseconds to some tens on a chain, so a universe of 100,000 chains (11 s) fits, where a
/// flat second ran out part way through it.
pub const RULE_TIME_PER_CHAIN: Duration = Duration::from_micros(100);
/// Default time budget of all the evaluations of one screen (`screen_time_budget_ms` in
/// screen.toml), plus [`SCREEN_TIME_PER_CHAIN`] for each chain judged: a cap on many slow rules
/// together.
pub const SCREEN_TIME_BUDGET: Duration = Duration::from_secs(20);
pub const SCREEN_TIME_PER_CHAIN: Duration = Duration::from_millis(1);

/// The default budgets (one rule's, the screen's) of a screen judging `chains` chains.
pub fn default_budgets(chains: usize) -> (Duration, Duration) {
    let n = u32::try_from(chains).unwrap_or(u32::MAX);
    (
        RULE_TIME_BUDGET.saturating_add(RULE_TIME_PER_CHAIN.saturating_mul(n)),
        SCREEN_TIME_BUDGET.saturating_add(SCREEN_TIME_PER_CHAIN.saturating_mul(n)),
    )
}
/// Lines of `print`/`debug` output kept per evaluation, and their bytes: enough to debug a
/// rule, while a rule printing in a loop cannot flood the output of a screen of every chain.
pub const MAX_OUTPUT_LINES: usize = 20;
pub const MAX_OUTPUT_BYTES: usize = 2_000;
/// Evidence entries kept per verdict (the shipped rules record at most 7), and the bytes of
/// each label and of each value's rendering: evidence explains a verdict; a rule reading in a
/// loop must not turn every verdict into megabytes of output.
pub const MAX_EVIDENCE: usize = 24;
pub const MAX_LABEL_BYTES: usize = 80;
pub const MAX_VALUE_BYTES: usize = 80;
/// Bytes of a parameter's value as a verdict lists it (its JSON text), and the parameters a
/// verdict lists: screen.toml's thresholds and lists are a few bytes, and a larger value is
/// listed once, with the rule (`rules` of a screen), not again with each of its verdicts.
pub const MAX_PARAM_BYTES: usize = 1_000;
pub const MAX_PARAMS_LISTED: usize = 24;
/// Bytes of a verdict's reason and of its hint: a sentence with its numbers is a few hundred.
pub const MAX_REASON_BYTES: usize = 1_000;
pub const MAX_HINT_BYTES: usize = 500;

/// Sandbox limits, applied per evaluation of one rule against one chain (or the sector).
/// `Limits::default()` holds the constants above; tests set smaller ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_expr_depth: usize,
    pub max_function_expr_depth: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    pub max_memory: usize,
    pub max_variables: usize,
    pub max_functions: usize,
    /// Wall-clock time for one evaluation.
    pub time_limit: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: MAX_OPERATIONS,
            max_call_levels: MAX_CALL_LEVELS,
            max_expr_depth: MAX_EXPR_DEPTH,
            max_function_expr_depth: MAX_FUNCTION_EXPR_DEPTH,
            max_string_size: MAX_STRING_SIZE,
            max_array_size: MAX_ARRAY_SIZE,
            max_map_size: MAX_MAP_SIZE,
            max_memory: MAX_MEMORY,
            max_variables: MAX_VARIABLES,
            max_functions: MAX_FUNCTIONS,
            time_limit: TIME_PER_EVALUATION,
        }
    }
}

/// `text` cut to at most `max` bytes at a character boundary, with `…` marking a cut; control
/// characters other than newline and tab become `�`, so that what a rule writes cannot grow
/// when escaped for JSON or disturb a terminal, and so do the characters that make text show
/// other than it reads (see [`clean`]), so that every output format shows what it says.
pub fn bounded(text: &str, max: usize) -> String {
    if within(text, max) {
        return text.to_string();
    }
    let mut out = String::with_capacity(max.min(text.len()) + 3);
    for c in text.chars().map(clean) {
        if out.len() + c.len_utf8() > max.saturating_sub('…'.len_utf8()) {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

/// [`bounded`] for text the caller owns: itself, not a copy, when it is within the bounds.
pub fn bounded_owned(text: String, max: usize) -> String {
    if within(&text, max) {
        text
    } else {
        bounded(&text, max)
    }
}

/// A control character other than newline and tab as `�`, and so a bidirectional embedding,
/// override or isolate (U+202A-U+202E, U+2066-U+2069: they reorder the text shown after them)
/// and a line or paragraph separator (U+2028, U+2029: a line break most formats do not see);
/// any other character as itself.
pub fn clean(c: char) -> char {
    if (c.is_control() && c != '\n' && c != '\t') || disguising(c) {
        '\u{fffd}'
    } else {
        c
    }
}

/// Whether `c` is a bidirectional embedding, override or isolate, or a line or paragraph
/// separator: a character that is not a control but changes how the text around it is shown
/// (the same characters loaders refuse in names and headers).
fn disguising(c: char) -> bool {
    crate::diagnostics::is_reordering(c)
}

/// Whether [`bounded`] keeps `text` as it is: short enough, and nothing in it to replace.
fn within(text: &str, max: usize) -> bool {
    // A control character (Unicode's Cc: U+0000-U+001F, U+007F-U+009F) has a byte below
    // 0x20, or is 0x7F, or starts with 0xC2 in UTF-8, and the other characters `clean`
    // replaces (U+2028-U+2069) start with 0xE2: text with none of these bytes is clean, known
    // without decoding it character by character.
    // (In blocks without an early exit inside, which the compiler turns into vector code.)
    let maybe_control = |b: u8| b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xe2;
    let screened = |bytes: &[u8]| {
        !bytes
            .chunks(32)
            .any(|block| block.iter().fold(false, |any, &b| any | maybe_control(b)))
    };
    text.len() <= max && (screened(text.as_bytes()) || !text.chars().any(|c| clean(c) != c))
}

/// `value` written with `Display`, stopping at `max` bytes, cut at a character boundary with
/// `…`: the writing itself stops there, so a value whose text would be gigabytes (an array of
/// many copies of one long shared string) costs only `max` bytes.
pub fn displayed(value: &dyn std::fmt::Display, max: usize) -> String {
    let mut out = Capped::new(max);
    let _ = std::fmt::write(&mut out, format_args!("{value}"));
    out.finish()
}

/// A text being written that refuses to grow past `max` bytes: past it, every write fails,
/// which stops a formatter at once.
pub struct Capped {
    out: String,
    max: usize,
    full: bool,
}

impl Capped {
    pub fn new(max: usize) -> Capped {
        Capped {
            out: String::new(),
            max,
            full: false,
        }
    }

    /// The text, at most `max` bytes: cut to make room for `…` if a write was refused.
    pub fn finish(mut self) -> String {
        if self.full {
            let mut cut = self.max.saturating_sub('…'.len_utf8()).min(self.out.len());
            while !self.out.is_char_boundary(cut) {
                cut -= 1;
            }
            self.out.truncate(cut);
            self.out.push('…');
        }
        self.out
    }
}

impl std::fmt::Write for Capped {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.full {
            return Err(std::fmt::Error);
        }
        let room = self.max.saturating_sub(self.out.len());
        if s.len() <= room {
            self.out.push_str(s);
            return Ok(());
        }
        let mut cut = room;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        self.out.push_str(&s[..cut]);
        self.full = true;
        Err(std::fmt::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_budgets_grow_with_the_chains_judged() {
        let ms = |n: u64| Duration::from_millis(n);
        assert_eq!(default_budgets(0), (ms(1000), ms(20_000)));
        assert_eq!(
            default_budgets(130),
            (Duration::from_micros(1_013_000), ms(20_130))
        );
        assert_eq!(default_budgets(100_000), (ms(11_000), ms(120_000)));
        let (rule, screen) = default_budgets(usize::MAX);
        assert!(
            rule > ms(400_000_000) && screen > rule,
            "{rule:?} {screen:?}"
        );
    }

    /// The byte screen of `bounded` lets no control character through: every character, alone
    /// and between letters, comes back as it went in exactly when it is not a control (or is a
    /// newline or a tab).
    #[test]
    fn bounded_replaces_every_control_character_and_nothing_else() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            let kept = (c == '\n' || c == '\t' || !c.is_control()) && !disguising(c);
            let expected = if kept {
                text.clone()
            } else {
                "a\u{fffd}b".to_string()
            };
            assert_eq!(bounded(&text, 64), expected, "{c:?}");
            assert_eq!(bounded_owned(text, 64), expected, "{c:?}");
        }
        // Cut or not, the owned text's bound is the borrowed one's.
        for text in [
            "short",
            "a much longer text than five bytes",
            "tab\tand\u{7}bell",
        ] {
            for max in [0, 4, 5, 8, 100] {
                assert_eq!(bounded_owned(text.to_string(), max), bounded(text, max));
            }
        }
    }

    /// The README's table of bounds gives every constant with its value.
    #[test]
    fn the_readme_states_every_bound() {
        let readme = include_str!("../../README.md");
        let n = |x: u128| {
            let digits = x.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            out
        };
        let rows = [
            ("`MAX_OPERATIONS`", n(MAX_OPERATIONS.into())),
            ("`MAX_CALL_LEVELS`", n(MAX_CALL_LEVELS as u128)),
            (
                "`MAX_EXPR_DEPTH`, `MAX_FUNCTION_EXPR_DEPTH`",
                format!("{MAX_EXPR_DEPTH}, {MAX_FUNCTION_EXPR_DEPTH}"),
            ),
            ("`MAX_MEMORY`", format!("{} MiB", MAX_MEMORY >> 20)),
            (
                "`MAX_STRING_SIZE`",
                format!("{} bytes", n(MAX_STRING_SIZE as u128)),
            ),
            (
                "`MAX_ARRAY_SIZE`",
                format!("{} items", n(MAX_ARRAY_SIZE as u128)),
            ),
            (
                "`MAX_MAP_SIZE`",
                format!("{} entries", n(MAX_MAP_SIZE as u128)),
            ),
            ("`MAX_SWITCH_CASES`", n(MAX_SWITCH_CASES as u128)),
            (
                "`MAX_VARIABLES`, `MAX_FUNCTIONS`",
                format!("{MAX_VARIABLES}, {MAX_FUNCTIONS}"),
            ),
            (
                "`TIME_PER_EVALUATION`",
                format!("{} s", TIME_PER_EVALUATION.as_secs()),
            ),
            (
                "`RULE_TIME_BUDGET` (`rule_time_budget_ms`)",
                format!("{} s", RULE_TIME_BUDGET.as_secs()),
            ),
            (
                "`SCREEN_TIME_BUDGET` (`screen_time_budget_ms`)",
                format!("{} s", SCREEN_TIME_BUDGET.as_secs()),
            ),
            (
                "`MAX_OUTPUT_LINES`, `MAX_OUTPUT_BYTES`",
                format!(
                    "{MAX_OUTPUT_LINES} lines, {} bytes",
                    n(MAX_OUTPUT_BYTES as u128)
                ),
            ),
            (
                "`MAX_EVIDENCE`, `MAX_LABEL_BYTES`, `MAX_VALUE_BYTES`",
                format!("{MAX_EVIDENCE} entries, {MAX_LABEL_BYTES} bytes, {MAX_VALUE_BYTES} bytes"),
            ),
            (
                "`MAX_REASON_BYTES`, `MAX_HINT_BYTES`",
                format!("{}, {MAX_HINT_BYTES} bytes", n(MAX_REASON_BYTES as u128)),
            ),
            (
                "`MAX_PARAMS_LISTED`, `MAX_PARAM_BYTES`",
                format!(
                    "{MAX_PARAMS_LISTED} entries, {} bytes",
                    n(MAX_PARAM_BYTES as u128)
                ),
            ),
        ];
        for (names, value) in rows {
            let row = format!("| {names} | {value} |");
            assert!(readme.contains(&row), "the README has no row `{row}`");
        }
    }

    /// Text that would show other than it reads (a right-to-left override turning
    /// `gnp.exe` round, an isolate, a line separator) is cleaned wherever rule text is bounded.
    #[test]
    fn bounded_replaces_bidi_controls_and_line_separators() {
        for c in [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{2028}', '\u{2029}',
        ] {
            assert_eq!(bounded(&format!("a{c}b"), 64), "a\u{fffd}b", "{c:?}");
            assert_eq!(clean(c), '\u{fffd}', "{c:?}");
        }
        assert_eq!(
            bounded("invoice\u{202e}fdp.exe", 100),
            "invoice\u{fffd}fdp.exe"
        );
        // Their neighbours, and other text starting with the same byte, are kept.
        for text in [
            "\u{2027}\u{202f}\u{2065}\u{206a}",
            "a … b → c — d",
            "\u{200f}x",
        ] {
            assert_eq!(bounded(text, 100), text);
        }
    }

    #[test]
    fn bounded_cuts_at_a_character_and_marks_the_cut() {
        assert_eq!(bounded("short", 10), "short");
        assert_eq!(bounded("abcdefghij", 10), "abcdefghij");
        assert_eq!(bounded("abcdefghijk", 10), "abcdefg…");
        assert_eq!(bounded("ééééé", 8), "éé…");
        assert_eq!(bounded("a\u{1}b\nc", 10), "a\u{fffd}b\nc");
    }
}
