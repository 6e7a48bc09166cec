//! `moat rules new`: start a rule from a skeleton that already works, so an author edits a
//! passing rule instead of fighting a blank file. It writes three things: the rule
//! (`<id>.rhai`, commented to teach the header, the entry function, params, missing values and
//! reasons), its `[rules.<id>]` entry appended to screen.toml, and its test cases
//! (`tests/<id>.toml`). The new pack passes `moat rules check` and screens as it is.
//!
//! Nothing is ever overwritten: when the rule file, the test file or the screen.toml entry
//! already exists (or the id is invalid), every reason is given, nothing is written. Every
//! file is written whole (a temporary file renamed into place).

use crate::error::Error;
use crate::rules::front_matter::{self, valid_id};
use crate::rules::screen_file::SCREEN_FILE;
use anyhow::Context;
use serde::Serialize;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The skeleton's parameter, written to screen.toml and read by the skeleton.
pub const PARAM: &str = "min_tvl_usd";

/// What `create` wrote.
#[derive(Debug, Serialize)]
pub struct Created {
    pub id: String,
    pub rule: PathBuf,
    pub screen: PathBuf,
    pub tests: PathBuf,
    pub param: &'static str,
}

/// Write a new rule `id` into the rule pack in `dir`, or say every reason not to.
pub fn create(dir: &Path, id: &str, title: Option<&str>, category: &str) -> Result<Created, Error> {
    let title = title.map_or_else(|| in_words(id), str::to_string);
    let plan = Plan::new(dir, id);
    let refusals = plan.refusals(id, &title, category);
    if !refusals.is_empty() {
        return Err(Error::messages(&refusals, "nothing was written"));
    }
    plan.write(id, &title, category)?;
    Ok(Created {
        id: id.to_string(),
        rule: plan.rule,
        screen: plan.screen,
        tests: plan.tests,
        param: PARAM,
    })
}

/// The three files a new rule touches.
struct Plan {
    dir: PathBuf,
    rule: PathBuf,
    screen: PathBuf,
    tests: PathBuf,
}

impl Plan {
    fn new(dir: &Path, id: &str) -> Plan {
        Plan {
            dir: dir.to_path_buf(),
            rule: dir.join(format!("{id}.rhai")),
            screen: dir.join(SCREEN_FILE),
            tests: dir.join("tests").join(format!("{id}.toml")),
        }
    }

    /// Every reason not to write, checked before anything is written.
    fn refusals(&self, id: &str, title: &str, category: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !valid_id(id) {
            out.push(format!(
                "rule id `{id}` must be lowercase letters, digits and `_`, starting with a letter (e.g. `sequencer_revenue`)"
            ));
        }
        if front_matter::RESERVED_IDS.contains(&id) {
            out.push(format!(
                "rule id `{id}` is reserved: a backtest's flips use it beside the rules' ids; choose another id"
            ));
        }
        for (what, value) in [("title", title), ("category", category)] {
            if value.trim().is_empty() || value.contains(['\n', '\r']) {
                out.push(format!(
                    "the {what} must be one line of text, got {value:?}"
                ));
            } else if let Some((at, c)) = crate::diagnostics::unprintable(value) {
                // The rule's header would hold it, and `rules check` refuses such a header.
                out.push(format!(
                    "the {what} holds {} at character {}: expected plain text on one line, without control or bidirectional formatting characters",
                    crate::diagnostics::code_point(c),
                    at + 1
                ));
            }
        }
        let screen = match fs::read_to_string(&self.screen) {
            Ok(text) => text,
            Err(e) => {
                out.push(format!(
                    "cannot read {}: {e} (`moat rules new` adds a rule to an existing rule pack)",
                    self.screen.display()
                ));
                return out;
            }
        };
        match toml::from_str::<toml::Table>(&screen) {
            Ok(t) => {
                let listed = t
                    .get("rules")
                    .and_then(toml::Value::as_table)
                    .is_some_and(|r| r.contains_key(id));
                if listed {
                    out.push(format!(
                        "{} already has a [rules.{id}] entry",
                        self.screen.display()
                    ));
                } else if let Err(e) =
                    toml::from_str::<toml::Table>(&format!("{screen}\n{}", screen_entry(id)))
                {
                    // `rules = { … }` (an inline table) cannot be added to by a table after it.
                    out.push(format!(
                        "{} cannot take a [rules.{id}] table after what it holds ({}): write its rules as [rules.<id>] tables, not `rules = {{ … }}`",
                        self.screen.display(),
                        e.message().trim_end()
                    ));
                }
            }
            Err(e) => out.push(format!(
                "{} is not valid TOML ({}): fix it first (`moat rules check` shows where)",
                self.screen.display(),
                e.message().trim_end()
            )),
        }
        for path in [&self.rule, &self.tests] {
            if path.exists() {
                out.push(format!("{} already exists", path.display()));
            }
        }
        if let Some(other) = self.declaring(id) {
            out.push(format!(
                "{} already declares `//! id: {id}`",
                other.display()
            ));
        }
        out
    }

    /// Another rule file whose header declares `id`.
    fn declaring(&self, id: &str) -> Option<PathBuf> {
        let entries = fs::read_dir(&self.dir).ok()?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "rhai") && *p != self.rule)
            .collect();
        paths.sort();
        paths.into_iter().find(|p| {
            fs::read_to_string(p).is_ok_and(|text| {
                front_matter::parse(&p.display().to_string(), &text).is_ok_and(|h| h.id == id)
            })
        })
    }

    /// Write the three files: each is prepared beside its target first, then renamed into
    /// place, new files without ever replacing one that appeared meanwhile.
    fn write(&self, id: &str, title: &str, category: &str) -> anyhow::Result<()> {
        let mut screen = fs::read_to_string(&self.screen)
            .with_context(|| format!("reading {}", self.screen.display()))?;
        if !screen.is_empty() && !screen.ends_with('\n') {
            screen.push('\n');
        }
        screen.push_str(&screen_entry(id));
        let permissions = fs::metadata(&self.screen)?.permissions();
        let tests_dir = self.tests.parent().unwrap_or(&self.dir);
        fs::create_dir_all(tests_dir)
            .with_context(|| format!("creating {}", tests_dir.display()))?;
        let rule = staged(&self.dir, &skeleton(id, title, category), &permissions)?;
        let tests = staged(tests_dir, &test_cases(id), &permissions)?;
        let toml = staged(&self.dir, &screen, &permissions)?;
        rule.persist_noclobber(&self.rule)
            .with_context(|| format!("writing {}", self.rule.display()))?;
        tests
            .persist_noclobber(&self.tests)
            .with_context(|| format!("writing {}", self.tests.display()))?;
        toml.persist(&self.screen)
            .with_context(|| format!("writing {}", self.screen.display()))?;
        Ok(())
    }
}

/// `text` in a temporary file in `dir` (so the rename stays on one file system).
fn staged(
    dir: &Path,
    text: &str,
    permissions: &fs::Permissions,
) -> anyhow::Result<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new()
        .prefix(".moat-new-")
        .permissions(permissions.clone())
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    Ok(file)
}

/// `sequencer_revenue` → `Sequencer revenue`.
fn in_words(id: &str) -> String {
    let words = id.replace('_', " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn screen_entry(id: &str) -> String {
    format!(
        "\n[rules.{id}]\n\
         weight = 1.0\n\
         gate = false                    # true: a chain must PASS this rule to PASS overall\n\
         [rules.{id}.params]\n\
         {PARAM} = 1_000_000_000     # read by rules/{id}.rhai as params.{PARAM}\n"
    )
}

fn skeleton(id: &str, title: &str, category: &str) -> String {
    let title = title.trim();
    let category = category.trim();
    format!(
        r#"//! id: {id}
//! title: {title}
//! category: {category}
//! why: TODO: why this matters to an investor, in a sentence or two; memos quote it.
//!   An indented `//!` line continues the value above it.

// A rule file is its header (the `//!` lines above: id, title, category, why, and
// `scope: sector` for a rule that judges the whole sector) and `fn rule(chain, params, peers)`,
// called once for every chain:
// - `chain` is the chain being judged: `chain.tvl_usd`, `chain.stage`, ... `moat rules doc` lists
//   every field, `moat data show <chain>` prints one chain's values at a date. A field the data
//   says nothing about is missing (`()`): never 0, never "no".
// - `params` holds this rule's settings, [rules.{id}.params] in screen.toml: thresholds are
//   changed there, not here. Reading a param screen.toml does not set is an error.
// - `peers` is every chain at the same date, for comparisons: `peers.median("tvl_usd")`,
//   `peers.percentile(chain, "tvl_usd")`.
// The rule returns pass(reason), fail(reason) or fail(reason, hint), or skip(reason) when the
// data cannot decide. The reason is what an investor reads: say what was found, with numbers.
// Every value the rule reads is recorded as the verdict's evidence; there is nothing to log.
// Its test cases are in tests/{id}.toml: `moat rules test` runs them, `moat rules check` checks
// every rule, `moat explain <chain>` shows a verdict with its evidence.

fn rule(chain, params, peers) {{
    let name = chain.name;
    // Test a field that may be missing before using it, and SKIP: a missing value in a
    // comparison or in arithmetic is an ERROR verdict, never a quiet FAIL.
    if !chain.has("tvl_usd") {{
        return skip(`No TVL data for ${{name}} at this date.`);
    }}
    let tvl = chain.tvl_usd;
    let min = params.{PARAM};
    // usd(), pct(), signed_pct(), num() and ordinal() write numbers the way every rule does.
    if tvl < min {{
        return fail(
            `${{name}} holds ${{usd(tvl)}} of TVL, below the ${{usd(min)}} this rule asks for.`,
            `TVL would have to reach ${{usd(min)}}`
        );
    }}
    pass(`${{name}} holds ${{usd(tvl)}} of TVL, at least the ${{usd(min)}} this rule asks for.`)
}}
"#
    )
}

fn test_cases(id: &str) -> String {
    format!(
        r#"# Test cases for rules/{id}.rhai, run by `moat rules test`. Each [[case]] evaluates the rule
# on one chain and says which verdict it must give (PASS, FAIL, SKIP or ERROR) and, optionally,
# words its reason must contain. The chain is either a real one of the dataset at a date
# (`chain` and `as_of`) or a synthetic one given field by field (`fields`; a field not given is
# missing). `params` overrides the rule's params from screen.toml for that case only.

[[case]]
name = "passes a chain holding more TVL than the threshold"
rule = "{id}"
fields = {{ name = "Big", tvl_usd = 1.5e9 }}
expect = "PASS"
reason_contains = "Big holds $1.5B of TVL"

[[case]]
name = "fails a chain below the threshold, with both numbers"
rule = "{id}"
fields = {{ name = "Small", tvl_usd = 5e7 }}
expect = "FAIL"
reason_contains = "Small holds $50M of TVL, below the $1B"

[[case]]
name = "skips a chain without TVL data"
rule = "{id}"
fields = {{ name = "New" }}
expect = "SKIP"
reason_contains = "No TVL data for New"

[[case]]
name = "a lower threshold passes the small chain"
rule = "{id}"
fields = {{ name = "Small", tvl_usd = 5e7 }}
params = {{ {PARAM} = 1e7 }}
expect = "PASS"

[[case]]
name = "Base passes at the end of 2024"
rule = "{id}"
chain = "base"
as_of = "2024-12-15"
expect = "PASS"
reason_contains = "Base holds"
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_ids() {
        assert_eq!(in_words("sequencer_revenue"), "Sequencer revenue");
        assert_eq!(in_words("x"), "X");
    }

    #[test]
    fn the_skeleton_header_parses() {
        let h = front_matter::parse("a.rhai", &skeleton("my_rule", "My rule", "other")).unwrap();
        assert_eq!((h.id.as_str(), h.title.as_str()), ("my_rule", "My rule"));
    }

    #[test]
    fn the_entry_and_the_test_cases_are_toml() {
        let entry: toml::Table = toml::from_str(&screen_entry("my_rule")).unwrap();
        assert_eq!(
            entry["rules"]["my_rule"]["params"][PARAM].as_integer(),
            Some(1_000_000_000)
        );
        let cases: toml::Table = toml::from_str(&test_cases("my_rule")).unwrap();
        assert_eq!(cases["case"].as_array().unwrap().len(), 5);
    }
}
