//! One test-case file, `<rules>/tests/*.toml`: a list of `[[case]]` tables, each naming a rule,
//! what it judges (a chain of the dataset at a date, a synthetic chain given field by field, or
//! the sector), optional parameter overrides and the verdict it must give. The file is read
//! with the spans of every key and value, so each problem (an unknown key, rule, field or
//! parameter, a value of the wrong type) is reported at its `file:line:column`, all at once.

use super::values::{self, ParamsOf};
use crate::diagnostics::{Diagnostic, did_you_mean, line_col};
use crate::evaluate::Status;
use crate::features::{Series, Value};
use crate::rules::RuleScope;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The keys a `[[case]]` table may have.
pub const KEYS: &[&str] = &[
    "name",
    "rule",
    "chain",
    "as_of",
    "fields",
    "series",
    "params",
    "expect",
    "reason_contains",
];

/// What a case judges.
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    /// A chain of the dataset, as the feature stage sees it at the case's date.
    Chain(String),
    /// A chain given field by field (every other field missing), judged among the real
    /// universe at the case's date. `slug` is its `slug` field, `synthetic` when not given.
    Synthetic {
        slug: String,
        fields: BTreeMap<String, Value>,
        /// Its series (`[case.series]`), each sorted by date.
        series: BTreeMap<String, Series>,
    },
    /// The whole universe at the case's date (a sector rule).
    Sector,
}

/// One checked test case.
#[derive(Clone, Debug)]
pub struct Case {
    /// The case file, as shown in messages.
    pub file: String,
    /// Where its `[[case]]` table starts (1-based).
    pub line: usize,
    pub name: String,
    pub rule: String,
    pub subject: Subject,
    /// `None`: the dataset's vintage.
    pub as_of: Option<NaiveDate>,
    /// Parameter overrides, on top of the rule's screen.toml params.
    pub params: toml::Table,
    pub expect: Status,
    pub reason_contains: Option<String>,
    /// Where the chain (or the synthetic slug) is written: problems found against the data
    /// point there.
    pub subject_at: (usize, usize),
    /// Where `as_of` is written, when it is: a date the data cannot judge points there.
    pub as_of_at: Option<(usize, usize)>,
    /// Where each series of `[case.series]` is written: a point after `as_of` points there.
    pub series_at: BTreeMap<String, (usize, usize)>,
}

/// The chain and date named by a case that has other problems: they are still checked against
/// the data, so one run reports every problem.
#[derive(Clone, Debug)]
pub struct ChainRef {
    pub file: String,
    /// The chain, when the case names one.
    pub slug: Option<String>,
    pub as_of: Option<NaiveDate>,
    /// Where the chain is written (else the case's start).
    pub at: (usize, usize),
    /// Where `as_of` is written, when it is.
    pub as_of_at: Option<(usize, usize)>,
}

/// What checking a case file found: the sound cases, the chains named by the others, and a
/// problem for each case that is not sound.
#[derive(Debug, Default)]
pub struct Parsed {
    pub cases: Vec<Case>,
    pub unchecked: Vec<ChainRef>,
    pub problems: Vec<Diagnostic>,
}

/// What checking a case needs to know about the rule pack.
pub struct PackView<'a> {
    /// Every rule id with its scope.
    pub scopes: BTreeMap<&'a str, RuleScope>,
    /// Every rule's params from screen.toml.
    pub params: &'a ParamsOf,
    /// The parameters each rule tests with `params.has("name")`: a case may set one that
    /// screen.toml leaves undefined, of any type.
    pub optional: BTreeMap<&'a str, std::collections::BTreeSet<String>>,
}

/// Parse and check one case file.
pub fn parse_file(file: &str, text: &str, pack: &PackView) -> Parsed {
    let mut p = Parser {
        file,
        text,
        errors: Vec::new(),
        unchecked: Vec::new(),
    };
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc.into_inner(),
        Err(e) => {
            let (at, message) = crate::diagnostics::toml_error(text, e.span(), e.message());
            p.error(at, message);
            return Parsed {
                problems: p.errors,
                ..Parsed::default()
            };
        }
    };
    let mut cases = Vec::new();
    for (key, value) in doc.iter() {
        if key.get_ref() != "case" {
            let hint = did_you_mean(key.get_ref(), ["case"])
                .map(|s| format!(": did you mean `[[{s}]]`?"))
                .unwrap_or_else(|| ": a test file holds only [[case]] tables".to_string());
            p.error_at(key, format!("unknown key `{}`{hint}", key.get_ref()));
            continue;
        }
        let tables = match value.get_ref() {
            DeValue::Array(items) if items.iter().all(|i| i.get_ref().is_table()) => items,
            _ => {
                p.error_at(
                    key,
                    "`case` must be a list of tables: start each case with a `[[case]]` line",
                );
                continue;
            }
        };
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for table in tables.iter() {
            // A name is checked whether or not the rest of its case is sound.
            let mut name = None;
            let case = p.case(table, pack, &mut name);
            let line = p.at(table).0;
            let Some(name) = name else {
                continue;
            };
            match names.get(&name) {
                Some(first) => {
                    let message = format!(
                        "case name `{name}` is already used at line {first}: names must be unique within a file"
                    );
                    p.error((line, 1), message);
                }
                None => {
                    names.insert(name, line);
                    cases.extend(case);
                }
            }
        }
    }
    p.errors.sort_by_key(|e| (e.line, e.column));
    Parsed {
        cases,
        unchecked: p.unchecked,
        problems: p.errors,
    }
}

struct Parser<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<Diagnostic>,
    unchecked: Vec<ChainRef>,
}

type Table<'i> = DeTable<'i>;
type Place = (usize, usize);
/// A synthetic chain's fields (`None` when some is wrong) with where its slug is given, and
/// where `[case.fields]` is.
type Fields = (Option<(BTreeMap<String, Value>, Option<Place>)>, Place);

impl Parser<'_> {
    fn error(&mut self, (line, column): Place, message: impl Into<String>) {
        self.errors
            .push(Diagnostic::at(self.file, self.text, line, column, message));
    }

    fn error_at<T>(&mut self, spanned: &Spanned<T>, message: impl Into<String>) {
        self.error(self.at(spanned), message);
    }

    /// The value of a checked `key = value` entry, or `None` after reporting the problem at
    /// the key (a bad name) or at the value (a bad value).
    fn checked<K, V, T>(
        &mut self,
        key: &Spanned<K>,
        value: &Spanned<V>,
        result: Result<T, values::Problem>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(values::Problem::Key(message)) => {
                self.error_at(key, message);
                None
            }
            Err(values::Problem::Value(message)) => {
                self.error_at(value, message);
                None
            }
        }
    }

    fn at<T>(&self, spanned: &Spanned<T>) -> Place {
        line_col(self.text, spanned.span().start)
    }

    /// Check one `[[case]]` table; `None` when it has a problem (already recorded). Its name,
    /// when it has one, is set in `named` either way.
    fn case(
        &mut self,
        table: &Spanned<DeValue>,
        pack: &PackView,
        named: &mut Option<String>,
    ) -> Option<Case> {
        let start = self.at(table);
        let DeValue::Table(t) = table.get_ref() else {
            return None;
        };
        let before = self.errors.len();
        for key in t.keys() {
            if !KEYS.contains(&key.get_ref().as_ref()) {
                let hint = did_you_mean(key.get_ref(), KEYS.iter().copied())
                    .map(|s| format!(": did you mean `{s}`?"))
                    .unwrap_or_else(|| format!(" (a case has: {})", KEYS.join(", ")));
                self.error_at(
                    key,
                    format!("unknown key `{}` in a case{hint}", key.get_ref()),
                );
            }
        }
        let name = self.required_string(t, "name", start);
        let rule = self.required_string(t, "rule", start);
        let expect = self.required_string(t, "expect", start);
        let chain = self.string(t, "chain");
        let reason_contains = self.string(t, "reason_contains");
        let as_of = self.as_of(t);
        let as_of_at = t.get("as_of").map(|v| self.at(v));

        let scope = rule.as_ref().and_then(|(id, at)| {
            let scope = pack.scopes.get(id.as_str()).copied();
            if scope.is_none() {
                let message = crate::diagnostics::unknown(
                    "rule",
                    id,
                    "in the rule pack",
                    pack.scopes.keys().copied(),
                );
                self.error(*at, message);
            }
            scope
        });
        let expect = expect.and_then(|(s, at)| {
            let status = [Status::Pass, Status::Fail, Status::Skip, Status::Error]
                .into_iter()
                .find(|st| st.as_str() == s);
            if status.is_none() {
                self.error(
                    at,
                    format!("`expect` must be PASS, FAIL, SKIP or ERROR, found \"{s}\""),
                );
            }
            status
        });
        let fields = self.fields(t);
        let (series, series_at) = match self.series(t) {
            Some((series, at, places)) => (Some((series, at)), places),
            None => (None, BTreeMap::new()),
        };
        let params = match (t.get("params"), &rule) {
            (Some(v), Some((id, _))) if scope.is_some() => {
                self.params(v, id, pack.params, pack.optional.get(id.as_str()))
            }
            (Some(v), _) if !v.get_ref().is_table() => {
                self.error_at(v, "`params` must be a table of parameter overrides");
                None
            }
            _ => Some(toml::Table::new()),
        };
        // A `chain` given but refused has been reported already: the case judges no other.
        let chain_refused = chain.is_none() && t.contains_key("chain");
        let subject = scope
            .filter(|_| !chain_refused)
            .and_then(|scope| self.subject(scope, chain.clone(), fields, start));
        let subject = match (subject, series) {
            (Some((Subject::Synthetic { slug, fields, .. }, at)), Some((Some(series), _))) => {
                Some((
                    Subject::Synthetic {
                        slug,
                        fields,
                        series,
                    },
                    at,
                ))
            }
            (None, _) | (_, Some((None, _))) => None,
            (Some(_), Some((_, at))) => {
                self.error(
                    at,
                    "`series` are given to a synthetic chain only (with [case.fields]); a chain of the dataset has its own",
                );
                None
            }
            (subject, None) => subject,
        };

        *named = name.as_ref().map(|(n, _)| n.clone());
        if self.errors.len() > before {
            if let Some(as_of) = as_of
                && (chain.is_some() || as_of.is_some())
            {
                let at = chain.as_ref().map_or(start, |(_, at)| *at);
                self.unchecked.push(ChainRef {
                    file: self.file.to_string(),
                    slug: chain.map(|(slug, _)| slug),
                    as_of,
                    at,
                    as_of_at,
                });
            }
            return None;
        }
        let (subject, subject_at) = subject?;
        Some(Case {
            file: self.file.to_string(),
            line: start.0,
            name: name?.0,
            rule: rule?.0,
            subject,
            as_of: as_of?,
            params: params?,
            expect: expect?,
            reason_contains: reason_contains.map(|(s, _)| s),
            subject_at,
            as_of_at,
            series_at,
        })
    }

    /// What the case judges, from `chain` / `[case.fields]` and the rule's scope.
    fn subject(
        &mut self,
        scope: RuleScope,
        chain: Option<(String, Place)>,
        fields: Option<Fields>,
        start: Place,
    ) -> Option<(Subject, Place)> {
        match (scope, chain, fields) {
            (RuleScope::Sector, None, None) => Some((Subject::Sector, start)),
            (RuleScope::Sector, Some((_, at)), _) | (RuleScope::Sector, None, Some((_, at))) => {
                self.error(
                    at,
                    "this rule is a sector rule: it judges the whole universe, so a case gives no `chain` or `fields`",
                );
                None
            }
            (RuleScope::Chain, Some((slug, at)), None) => Some((Subject::Chain(slug), at)),
            // A `fields` that is not a table has been reported already.
            (RuleScope::Chain, Some(_), Some((None, _))) => None,
            (RuleScope::Chain, Some(_), Some((_, at))) => {
                self.error(
                    at,
                    "a case judges either a chain of the dataset (`chain`) or a synthetic chain (`[case.fields]`), not both",
                );
                None
            }
            (RuleScope::Chain, None, Some((fields, at))) => {
                let (mut fields, slug_at) = fields?;
                let at = slug_at.unwrap_or(at);
                let slug = match fields.get("slug") {
                    Some(Value::Text(s)) => s.clone(),
                    _ => "synthetic".to_string(),
                };
                fields.insert("slug".to_string(), Value::Text(slug.clone()));
                let series = BTreeMap::new();
                Some((
                    Subject::Synthetic {
                        slug,
                        fields,
                        series,
                    },
                    at,
                ))
            }
            (RuleScope::Chain, None, None) => {
                self.error(
                    start,
                    "this case judges no chain: give `chain = \"<slug>\"` or a synthetic chain under [case.fields]",
                );
                None
            }
        }
    }

    fn string(&mut self, t: &Table, key: &str) -> Option<(String, Place)> {
        let v = t.get(key)?;
        match v.get_ref().as_str() {
            // A case's text is shown on terminals and in reports (the case's name heads its
            // result): plain text, as a field's.
            Some(s) if crate::diagnostics::unprintable(s).is_some() => {
                let (_, c) = crate::diagnostics::unprintable(s).expect("just found");
                self.error_at(
                    v,
                    format!(
                        "`{key}` holds the character {}: a case's text is plain text on one line",
                        crate::diagnostics::code_point(c)
                    ),
                );
                None
            }
            Some(s) => Some((s.to_string(), self.at(v))),
            None => {
                let found = values::describe_de(v);
                self.error_at(v, format!("`{key}` must be a string, found {found}"));
                None
            }
        }
    }

    fn required_string(&mut self, t: &Table, key: &str, start: Place) -> Option<(String, Place)> {
        if !t.contains_key(key) {
            let example = match key {
                "name" => "name = \"what the case shows\"",
                "rule" => "rule = \"<rule id>\"",
                _ => "expect = \"PASS\" (or FAIL, SKIP, ERROR)",
            };
            self.error(start, format!("this case has no `{key}`: add `{example}`"));
            return None;
        }
        self.string(t, key)
    }

    /// `as_of`: `Some(None)` when absent (the vintage), `None` on a problem.
    fn as_of(&mut self, t: &Table) -> Option<Option<NaiveDate>> {
        let Some(v) = t.get("as_of") else {
            return Some(None);
        };
        match values::date(v.get_ref()) {
            Ok(d) => Some(Some(d)),
            Err(found) => {
                self.error_at(
                    v,
                    format!(
                        "`as_of` must be a date YYYY-MM-DD, e.g. \"2024-12-15\"; found {found}"
                    ),
                );
                None
            }
        }
    }

    /// `[case.fields]`: `None` when absent; the checked fields (`None` on a problem) with where
    /// the slug is given, and where the table is.
    fn fields(&mut self, t: &Table) -> Option<Fields> {
        let v = t.get("fields")?;
        let at = self.at(v);
        let DeValue::Table(fields) = v.get_ref() else {
            let found = values::describe_de(v);
            self.error(
                at,
                format!("`fields` must be a table of chain fields, found {found}"),
            );
            return Some((None, at));
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        let mut slug_at = None;
        for (key, value) in fields.iter() {
            if key.get_ref() == "slug" {
                slug_at = Some(self.at(value));
            }
            match self.checked(key, value, values::field(key.get_ref(), value)) {
                Some(v) => {
                    out.insert(key.get_ref().to_string(), v);
                }
                None => ok = false,
            }
        }
        Some((ok.then_some((out, slug_at)), at))
    }

    /// `[case.series]`: `None` when absent; the checked series (`None` on a problem) with where
    /// the table is. Each is `name = [["YYYY-MM-DD", value], …]`.
    #[allow(clippy::type_complexity)]
    fn series(
        &mut self,
        t: &Table,
    ) -> Option<(
        Option<BTreeMap<String, Series>>,
        Place,
        BTreeMap<String, Place>,
    )> {
        let v = t.get("series")?;
        let at = self.at(v);
        let DeValue::Table(given) = v.get_ref() else {
            let found = values::describe_de(v);
            self.error(
                at,
                format!(
                    "`series` must be a table of series (name = [[date, value], …]), found {found}"
                ),
            );
            return Some((None, at, BTreeMap::new()));
        };
        let mut out = BTreeMap::new();
        let mut places = BTreeMap::new();
        let mut ok = true;
        for (key, value) in given.iter() {
            places.insert(key.get_ref().to_string(), self.at(value));
            match self.checked(key, value, values::series(key.get_ref(), value)) {
                Some(s) => {
                    out.insert(key.get_ref().to_string(), s);
                }
                None => ok = false,
            }
        }
        Some((ok.then_some(out), at, places))
    }

    /// `params`: overrides of the rule's screen.toml params, each checked against it, and
    /// optional parameters the rule tests with `params.has`.
    fn params(
        &mut self,
        v: &Spanned<DeValue>,
        rule: &str,
        all: &ParamsOf,
        optional: Option<&std::collections::BTreeSet<String>>,
    ) -> Option<toml::Table> {
        let DeValue::Table(given) = v.get_ref() else {
            self.error_at(v, "`params` must be a table of parameter overrides");
            return None;
        };
        let mut out = toml::Table::new();
        let mut ok = true;
        for (key, value) in given.iter() {
            let name = key.get_ref();
            let optional = optional.is_some_and(|o| o.contains(name.as_ref()));
            match self.checked(key, value, values::param(rule, all, name, value, optional)) {
                Some(v) => {
                    out.insert(key.get_ref().to_string(), v);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Parsed {
        let params: ParamsOf = [(
            "token".to_string(),
            toml::from_str("accepted = [\"chain\"]").unwrap(),
        )]
        .into();
        let pack = PackView {
            scopes: [("token", RuleScope::Chain), ("sector", RuleScope::Sector)].into(),
            params: &params,
            optional: [("token", ["since".to_string()].into())].into(),
        };
        parse_file("tests/t.toml", text, &pack)
    }

    #[test]
    fn reads_chain_synthetic_and_sector_cases() {
        let p = parse(
            "[[case]]\nname = \"real\"\nrule = \"token\"\nchain = \"base\"\nas_of = 2024-12-15\nparams = { accepted = [\"app\"] }\nexpect = \"FAIL\"\nreason_contains = \"no token\"\n\n\
             [[case]]\nname = \"synthetic\"\nrule = \"token\"\nexpect = \"PASS\"\n[case.fields]\ntoken = \"XYZ\"\ntvl_usd = 5\n\n\
             [[case]]\nname = \"sector\"\nrule = \"sector\"\nexpect = \"SKIP\"\n",
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let [real, synthetic, sector] = &p.cases[..] else {
            panic!("{:?}", p.cases)
        };
        assert_eq!(real.subject, Subject::Chain("base".into()));
        assert_eq!((real.line, real.subject_at), (1, (4, 9)));
        assert_eq!(real.as_of, NaiveDate::from_ymd_opt(2024, 12, 15));
        assert_eq!(
            real.params["accepted"],
            toml::Value::Array(vec!["app".into()])
        );
        assert_eq!(real.expect, Status::Fail);
        assert_eq!(real.reason_contains.as_deref(), Some("no token"));
        assert_eq!(
            synthetic.subject,
            Subject::Synthetic {
                slug: "synthetic".into(),
                fields: [
                    ("slug".to_string(), Value::Text("synthetic".into())),
                    ("token".to_string(), Value::Text("XYZ".into())),
                    ("tvl_usd".to_string(), Value::Num(5.0)),
                ]
                .into(),
                series: BTreeMap::new(),
            }
        );
        assert_eq!((synthetic.line, synthetic.as_of), (10, None));
        assert_eq!(sector.subject, Subject::Sector);
    }

    #[test]
    fn names_are_unique_within_a_file() {
        let case = "[[case]]\nname = \"a\"\nrule = \"sector\"\nexpect = \"SKIP\"\n";
        let p = parse(&format!("{case}{case}"));
        assert_eq!(p.cases.len(), 1);
        assert_eq!(
            p.problems[0].to_string(),
            "tests/t.toml:5:1: error: case name `a` is already used at line 1: names must be unique within a file\n  |\n5 | [[case]]\n  | ^"
        );
    }

    #[test]
    fn a_case_with_problems_still_has_its_chain_checked() {
        let p =
            parse("[[case]]\nname = \"a\"\nrule = \"tokn\"\nchain = \"bsae\"\nexpect = \"PASS\"\n");
        assert!(p.cases.is_empty());
        assert_eq!(
            p.problems[0].message,
            "no rule `tokn` in the rule pack: did you mean `token`?"
        );
        assert_eq!(
            (p.unchecked[0].slug.as_deref(), p.unchecked[0].at),
            (Some("bsae"), (4, 9))
        );
    }
    #[test]
    fn a_case_name_or_reason_with_a_control_or_bidi_character_is_refused() {
        let p = parse(
            "[[case]]\nname = \"a\\u001b[2Jb\"\nrule = \"token\"\nchain = \"base\"\nexpect = \"FAIL\"\nreason_contains = \"x\\u202Ey\"\n",
        );
        let messages: Vec<String> = p.problems.iter().map(|d| d.to_string()).collect();
        assert!(p.cases.is_empty());
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with("tests/t.toml:2:8: error: `name` holds the character U+001B: a case's text is plain text on one line"), "{messages:?}");
        assert!(
            messages[1].starts_with(
                "tests/t.toml:6:19: error: `reason_contains` holds the character U+202E"
            ),
            "{messages:?}"
        );
    }
    #[test]
    fn a_refused_chain_or_as_of_is_one_problem_shown_without_its_escapes() {
        let p = parse(
            "[[case]]\nname = \"n\"\nrule = \"token\"\nchain = \"base\\u001b[31m\"\nas_of = \"2024-12-01\\u202e\"\nexpect = \"FAIL\"\n",
        );
        let messages: Vec<String> = p.problems.iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            messages,
            [
                "`chain` holds the character U+001B: a case's text is plain text on one line",
                "`as_of` must be a date YYYY-MM-DD, e.g. \"2024-12-15\"; found \"2024-12-01<U+202E>\"",
            ]
        );
    }
}
