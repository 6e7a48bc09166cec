//! `moat memo` and `moat screen --format html`: the memos on the fixture (snapshots), the HTML
//! as a browser parses it, the shipped data, templates and their errors, files written whole.

use super::*;
use scraper::{Html, Selector};

/// Run `moat memo` in a fixture dir (`mini/`, `rules/`) and assert exit 0.
fn memo_in(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["memo", "--data", "mini", "--rules", "rules"];
    all.extend_from_slice(args);
    let out = moat(dir, &all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    out
}

/// `moat memo base` on the mini fixture with the templates of `tpl/` in `dir`, and `extra`.
fn memo_with_tpl(dir: &Path, extra: &[&str]) -> Output {
    let mut all = vec![
        "memo",
        "base",
        "--data",
        "mini",
        "--rules",
        "rules",
        "--template",
        "tpl",
    ];
    all.extend_from_slice(extra);
    moat(dir, &all)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sorted_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn chain_memo_markdown_on_the_fixture() {
    let tmp = screen_dir(&[]);
    let out = memo_in(tmp.path(), &["base", "--format", "md"]);
    assert_eq!(stdout(&out), "wrote memos/base.md and 3 charts\n");
    let dir = tmp.path().join("memos");
    assert_eq!(
        sorted_names(&dir),
        ["base-rank.svg", "base-share.svg", "base-tvl.svg", "base.md"]
    );
    insta::assert_snapshot!("memo_base_md", read(&dir.join("base.md")));
}

#[test]
fn sector_memo_markdown_on_the_fixture() {
    let tmp = screen_dir(&[]);
    let out = memo_in(tmp.path(), &["--sector", "--format", "md"]);
    assert_eq!(stdout(&out), "wrote memos/sector.md and 2 charts\n");
    insta::assert_snapshot!("memo_sector_md", read(&tmp.path().join("memos/sector.md")));
}

/// What a page would fetch or leave for: every `src`, `href` (a link to a memo written beside
/// it is allowed only where `local` says so), `@import` and `url(` in its styles.
fn assert_self_contained(html: &str, local: &dyn Fn(&str) -> bool) {
    let doc = Html::parse_document(html);
    let all = Selector::parse("*").unwrap();
    for el in doc.select(&all) {
        for (name, value) in el.value().attrs() {
            let v = value.trim();
            match name {
                "src" | "srcset" | "poster" | "data" | "action" | "formaction" => {
                    panic!("<{}> {name}={v:?} loads a resource", el.value().name())
                }
                "href" | "xlink:href" => assert!(
                    v.starts_with('#') || local(v),
                    "<{}> {name}={v:?} leaves the page",
                    el.value().name()
                ),
                // The SVG namespace is a name, not a place.
                "xmlns" => assert_eq!(v, "http://www.w3.org/2000/svg"),
                _ => assert!(
                    !v.contains("http://") && !v.contains("https://") || name == "content",
                    "<{}> {name}={v:?} names a URL",
                    el.value().name()
                ),
            }
        }
    }
    for tag in ["link", "iframe", "img", "object", "embed", "base"] {
        let sel = Selector::parse(tag).unwrap();
        assert_eq!(doc.select(&sel).count(), 0, "a <{tag}> element");
    }
    let styles = Selector::parse("style").unwrap();
    for style in doc.select(&styles) {
        let css: String = style.text().collect();
        for needle in ["@import", "url(", "http:", "https:"] {
            assert!(!css.contains(needle), "the style sheet holds {needle:?}");
        }
    }
    // The browser is told not to fetch anything.
    let csp = Selector::parse(r#"meta[http-equiv="Content-Security-Policy"]"#).unwrap();
    let policy = doc.select(&csp).next().expect("a content security policy");
    assert!(
        policy
            .value()
            .attr("content")
            .unwrap()
            .starts_with("default-src 'none';")
    );
}

#[test]
fn chain_memo_html_parses_holds_its_charts_and_references_nothing_outside() {
    let tmp = screen_dir(&[]);
    let out = memo_in(tmp.path(), &["base", "--format", "html"]);
    assert_eq!(stdout(&out), "wrote memos/base.html\n");
    let dir = tmp.path().join("memos");
    // HTML alone: the charts are inside the page, no SVG file is written.
    assert_eq!(sorted_names(&dir), ["base.html"]);
    let html = read(&dir.join("base.html"));
    let doc = Html::parse_document(&html);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let figures = Selector::parse("section#charts figure").unwrap();
    let ids: Vec<&str> = doc
        .select(&figures)
        .map(|f| f.value().attr("id").unwrap())
        .collect();
    assert_eq!(ids, ["chart-tvl", "chart-rank", "chart-share"]);
    let svg = Selector::parse("figure > svg").unwrap();
    let lines = Selector::parse("figure > svg line, figure > svg polyline").unwrap();
    assert_eq!(doc.select(&svg).count(), 3);
    assert!(doc.select(&lines).count() > 10, "the charts are drawn");
    // The header carries the stamps (short hashes), the appendix the whole hashes: the same as
    // the screen's.
    let (screen, _) = screen_json(tmp.path(), &[]);
    let stamps = &screen["stamps"];
    let text: String = doc.root_element().text().collect();
    for hash in ["dataset_hash", "rule_pack_hash"] {
        let full = stamps[hash].as_str().unwrap();
        assert!(text.contains(&full[..12]) && text.contains(full), "{hash}");
    }
    let version = format!("moat {}", stamps["moat_version"].as_str().unwrap());
    assert!(text.contains(&version));
    assert_self_contained(&html, &|_| false);
}

#[test]
fn screen_html_is_one_sortable_page_linking_the_memos_beside_it() {
    let tmp = screen_dir(&[]);
    memo_in(tmp.path(), &["base", "--sector", "--format", "html"]);
    let out = moat(
        tmp.path(),
        &[
            "screen",
            "--data",
            "mini",
            "--rules",
            "rules",
            "--format",
            "html",
            "--out",
            "memos/index.html",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "wrote memos/index.html\n");
    let html = read(&tmp.path().join("memos/index.html"));
    let doc = Html::parse_document(&html);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let links: Vec<&str> = doc
        .select(&Selector::parse("a").unwrap())
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    // Only the memos that are there: the sector's and Base's.
    assert_eq!(links, ["sector.html", "base.html"]);
    let rows = Selector::parse("table.sortable tbody tr").unwrap();
    assert_eq!(doc.select(&rows).count(), 5);
    let headers: Vec<String> = doc
        .select(&Selector::parse("table.sortable th").unwrap())
        .map(|th| th.text().collect())
        .collect();
    assert_eq!(headers[..3], ["chain", "overall", "score"]);
    // A column per chain rule (the sector rule has none), then the reason.
    assert_eq!(headers.len(), 3 + 6 + 1);
    assert_eq!(headers[3], "differentiation");
    assert_eq!(headers[9], "deciding reason");
    let pass = Selector::parse("span.status.pass").unwrap();
    assert!(doc.select(&pass).count() > 0, "verdict colours");
    assert!(html.contains("<script>") && html.contains("addEventListener(\"click\""));
    assert_self_contained(&html, &|href| ["sector.html", "base.html"].contains(&href));
    // Printed without --out, the page is the same but links nothing.
    let printed = moat(
        tmp.path(),
        &[
            "screen", "--data", "mini", "--rules", "rules", "--format", "html",
        ],
    );
    assert_eq!(printed.status.code(), Some(0), "{}", stderr(&printed));
    let printed = stdout(&printed);
    assert!(!printed.contains("<a href"), "no memo to link");
    assert_self_contained(&printed, &|_| false);
}

#[test]
fn memos_are_byte_identical_run_to_run() {
    let tmp = screen_dir(&[]);
    memo_in(tmp.path(), &["--all", "--sector", "--out", "one"]);
    memo_in(tmp.path(), &["--all", "--sector", "--out", "two"]);
    let one = tmp.path().join("one");
    let names = sorted_names(&one);
    // Five chains and the sector, each in both formats, with 3 (chain) or 2 (sector) charts.
    assert_eq!(names.len(), 5 * 5 + 4);
    assert_eq!(names, sorted_names(&tmp.path().join("two")));
    for name in names {
        assert_eq!(
            fs::read(one.join(&name)).unwrap(),
            fs::read(tmp.path().join("two").join(&name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn memos_on_the_shipped_data_state_the_change_of_the_first() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("memos");
    let run = moat(
        &repo(),
        &[
            "memo",
            "base",
            "arbitrum",
            "--sector",
            "--out",
            out.to_str().unwrap(),
            "--data",
            "datasets/l2",
            "--rules",
            "rules",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let mut expected: Vec<String> = Vec::new();
    for chain in ["arbitrum", "base"] {
        for suffix in ["-rank.svg", "-share.svg", "-tvl.svg", ".html", ".md"] {
            expected.push(format!("{chain}{suffix}"));
        }
    }
    expected.extend(
        [
            "sector-hhi.svg",
            "sector-shares.svg",
            "sector.html",
            "sector.md",
        ]
        .map(String::from),
    );
    assert_eq!(sorted_names(&out), expected);
    let sector = read(&out.join("sector.md"));
    assert!(
        sector.contains("| 2024-12-15 | Arbitrum One | Base |"),
        "{sector}"
    );
    // OP Mainnet led two weeks of August 2022, between Arbitrum's runs.
    assert!(sector.contains("| Arbitrum One | OP Mainnet |"), "{sector}");
    let base = read(&out.join("base.md"));
    assert!(base.contains("| Token | no token |"), "{base}");
    assert!(base.contains("![TVL of Base and its nearest peers by TVL](base-tvl.svg)"));
}

#[test]
fn templates_are_written_for_editing_and_used() {
    let tmp = screen_dir(&[]);
    let out = moat(tmp.path(), &["memo", "--write-templates", "tpl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("wrote tpl/chain.md.j2\n"));
    // Never over an existing copy.
    let again = moat(tmp.path(), &["memo", "--write-templates", "tpl"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).starts_with("error: tpl/chain.md.j2 already exists\n"),
        "{}",
        stderr(&again)
    );
    assert!(stderr(&again).ends_with("nothing was written\n"));
    // An edited copy is what renders.
    let chain = tmp.path().join("tpl/chain.md.j2");
    fs::write(
        &chain,
        "{{ name }}: {{ summary.overall }}, TVL {{ position.now.tvl|usd }}\n",
    )
    .unwrap();
    memo_in(tmp.path(), &["base", "--format", "md", "--template", "tpl"]);
    assert_eq!(
        read(&tmp.path().join("memos/base.md")),
        "Base: FAIL, TVL $3.2B\n"
    );
}

#[test]
fn a_template_error_names_the_file_and_line_and_leaves_the_old_memo() {
    let tmp = screen_dir(&[]);
    memo_in(tmp.path(), &["base", "--format", "md"]);
    let before = read(&tmp.path().join("memos/base.md"));
    let tpl = tmp.path().join("tpl");
    fs::create_dir(&tpl).unwrap();
    fs::write(
        tpl.join("chain.md.j2"),
        "# {{ name }}\n\nTVL {{ position.now.tvl|usdd }}\n",
    )
    .unwrap();
    let out = memo_with_tpl(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @"
    tpl/chain.md.j2:3:25: error: unknown filter: filter usdd is unknown
      |
    3 | TVL {{ position.now.tvl|usdd }}
      |                         ^
    the template chain.md.j2 could not be rendered; nothing was written
    ");
    assert_eq!(read(&tmp.path().join("memos/base.md")), before);
    // A misspelt value is an error too, never a blank.
    fs::write(
        tpl.join("chain.md.j2"),
        "# {{ name }}\n{{ summary.overal }}\n",
    )
    .unwrap();
    let out = memo_with_tpl(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("tpl/chain.md.j2:2:"),
        "{}",
        stderr(&out)
    );
    // A syntax error is found before the data is read.
    fs::write(tpl.join("chain.md.j2"), "{% if name %}\n").unwrap();
    let out = moat(
        tmp.path(),
        &["memo", "base", "--data", "nowhere", "--template", "tpl"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("tpl/chain.md.j2:"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&tmp.path().join("memos/base.md")), before);
    assert_eq!(
        sorted_names(&tmp.path().join("memos")),
        ["base-rank.svg", "base-share.svg", "base-tvl.svg", "base.md"]
    );
}

#[test]
fn a_chain_that_is_not_screened_writes_no_memo() {
    let tmp = screen_dir(&[]);
    let out = moat(
        tmp.path(),
        &[
            "memo", "base", "bsae", "ethereum", "--data", "mini", "--rules", "rules",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @"
    error: no chain `bsae` in dataset mini: did you mean `base`?
    error: ethereum is an L1 context chain: it is never screened, so it has no features and no verdicts
    no memo was written
    ");
    assert!(!tmp.path().join("memos").exists());
}

/// A hostile rule's reason in the memos: shown literally in the Markdown (no raw HTML, no
/// link), escaped in the HTML, with no control character or bidirectional override in either.
#[test]
fn memos_show_rule_text_literally() {
    let tmp = screen_dir(&[("hostile", super::screen::HOSTILE)]);
    let dir = tmp.path();
    memo_in(dir, &["base", "--out", "out"]);
    let md = read(&dir.join("out/base.md"));
    for raw in ["<script", "<img", "[link]"] {
        assert!(!md.contains(raw), "{raw} in\n{md}");
    }
    assert!(!md.replace("\\](", "").contains("](javascript"), "{md}");
    assert!(md.contains("&lt;script>alert(1)&lt;/script>"), "{md}");
    // The appendix's table row of the verdict stays one row.
    assert!(
        md.lines()
            .any(|l| l.starts_with("| `hostile` |") && l.ends_with("\u{fffd}end |")),
        "{md}"
    );
    let html = read(&dir.join("out/base.html"));
    assert!(!html.contains("<script>alert") && !html.contains("<img src=x"));
    for text in [&md, &html] {
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}'),
            "{text}"
        );
    }
}

/// A template file is read only if it is a regular file within its size limit (a FIFO is
/// refused from its metadata, never opened), and a rendering that loops without end stops at
/// its bound on template instructions, with an error at the template's line.
#[cfg(unix)]
#[test]
fn templates_are_bounded_files_and_bounded_renderings() {
    let tmp = screen_dir(&[]);
    let tpl = tmp.path().join("tpl");
    fs::create_dir(&tpl).unwrap();
    super::data::mkfifo(&tpl.join("sector.md.j2"));
    fs::write(tpl.join("chain.html.j2"), "x".repeat((1 << 20) + 1)).unwrap();
    let out = memo_with_tpl(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @"
    tpl/chain.html.j2: error: the file is 1048577 bytes: expected at most 1048576 bytes (1 MiB), the largest a template (.j2) moat reads
    tpl/sector.md.j2: error: not a regular file (a FIFO): expected a template (.j2)
    2 problems in the templates; nothing was written
    ");
    fs::remove_file(tpl.join("sector.md.j2")).unwrap();
    fs::remove_file(tpl.join("chain.html.j2")).unwrap();
    fs::write(
        tpl.join("chain.md.j2"),
        "# {{ name }}\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let out = memo_with_tpl(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("tpl/chain.md.j2:2:"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("engine ran out of fuel"),
        "{}",
        stderr(&out)
    );
    // A value of 700 MB, written: refused at the memory a rendering may hold.
    fs::write(
        tpl.join("chain.md.j2"),
        "# {{ name }}\n{% set s = \"x\" * 100000000 %}{{ s ~ s ~ s ~ s ~ s ~ s ~ s }}\n",
    )
    .unwrap();
    let out = memo_with_tpl(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the template holds more than 512 MiB of memory"),
        "{}",
        stderr(&out)
    );
    assert!(!tmp.path().join("memos/base.md").exists());
}

/// A template file that is a symbolic link leading out of the template directory is refused
/// (a memo is passed on: a link must not write a file from elsewhere into it); one leading
/// to a file inside it is read. A template that includes one the directory does not hold
/// (one in a subdirectory) is told which templates there are.
#[cfg(unix)]
#[test]
fn template_links_stay_inside_the_directory_and_missing_includes_say_what_there_is() {
    let tmp = screen_dir(&[]);
    let tpl = tmp.path().join("tpl");
    fs::create_dir(&tpl).unwrap();
    fs::write(tmp.path().join("secret.txt"), "SECRET").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), tpl.join("pw.j2")).unwrap();
    fs::write(tpl.join("part.txt"), "inside").unwrap();
    std::os::unix::fs::symlink(tpl.join("part.txt"), tpl.join("part.j2")).unwrap();
    fs::write(tpl.join("chain.md.j2"), "{% include \"pw.j2\" %}\n").unwrap();
    let out = memo_with_tpl(tmp.path(), &["--format", "md"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("tpl/pw.j2: error: a symbolic link to ")
            && err.contains(
                "secret.txt, outside the template directory: expected a template file inside it"
            ),
        "{err}"
    );
    assert!(!err.contains("SECRET"), "{err}");
    assert!(!tmp.path().join("memos/base.md").exists());
    fs::remove_file(tpl.join("pw.j2")).unwrap();
    fs::write(tpl.join("chain.md.j2"), "{% include \"part.j2\" %}\n").unwrap();
    let out = memo_with_tpl(tmp.path(), &["--format", "md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&tmp.path().join("memos/base.md")), "inside");
    fs::write(tpl.join("chain.md.j2"), "{% include \"partials/p.j2\" %}\n").unwrap();
    let out = memo_with_tpl(tmp.path(), &["--format", "md"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(the templates are the `*.j2` files of the template directory itself, not of its subdirectories, and the built-in ones: chain.html.j2, chain.md.j2,"),
        "{}",
        stderr(&out)
    );
}

/// A template nesting a value 300,000 deep renders (at 50,000 levels the value's drop
/// overflowed the main thread's stack and aborted moat).
#[test]
fn a_value_nested_deep_in_a_template_does_not_abort() {
    let tmp = screen_dir(&[]);
    let tpl = tmp.path().join("tpl");
    fs::create_dir(&tpl).unwrap();
    fs::write(
        tpl.join("chain.md.j2"),
        "{% set ns = namespace(a=[]) %}{% for j in range(3) %}{% for i in range(100000) %}{% set ns.a = [ns.a] %}{% endfor %}{% endfor %}deep",
    )
    .unwrap();
    let out = memo_with_tpl(tmp.path(), &["--format", "md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&tmp.path().join("memos/base.md")), "deep");
}

/// An error inside an included template is shown where it is, with the include it came
/// through; a template that includes itself says it ran past the recursion limit.
#[test]
fn an_error_in_an_included_template_is_shown_where_it_is() {
    let tmp = screen_dir(&[]);
    let tpl = tmp.path().join("tpl");
    fs::create_dir(&tpl).unwrap();
    fs::write(
        tpl.join("chain.md.j2"),
        "# memo\n{% include \"part.md.j2\" %}\n",
    )
    .unwrap();
    fs::write(tpl.join("part.md.j2"), "a line\n{{ nope.x }}\n").unwrap();
    let out = memo_with_tpl(tmp.path(), &["--format", "md"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&out), @r"
    tpl/part.md.j2:2:4: error: undefined value: `nope` is undefined (included from tpl/chain.md.j2:2)
      |
    2 | {{ nope.x }}
      |    ^
    the template chain.md.j2 could not be rendered; nothing was written
    ");
    fs::write(
        tpl.join("chain.md.j2"),
        "# memo\n{% include \"chain.md.j2\" %}\n",
    )
    .unwrap();
    let out = memo_with_tpl(tmp.path(), &["--format", "md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "tpl/chain.md.j2:2:4: error: invalid operation: recursion limit exceeded (included from tpl/chain.md.j2:2)\n"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!tmp.path().join("memos/base.md").exists());
}

/// `--all` or `--sector` at a date where no chain is screened is refused, as a chain that is not
/// screened is (exit 2, a message saying why, nothing written, not even the out directory).
#[test]
fn a_memo_of_no_chain_screened_writes_nothing() {
    let tmp = screen_dir(&[]);
    for extra in [&[][..], &["--sector"][..]] {
        let mut args = vec![
            "memo",
            "--all",
            "--as-of",
            "1900-01-01",
            "--data",
            "mini",
            "--rules",
            "rules",
        ];
        args.extend_from_slice(extra);
        let out = moat(tmp.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{extra:?}");
        assert_eq!(
            stderr(&out),
            "error: no chain of dataset mini is screened as of 1900-01-01 (none had launched by then, or every one had shut down): --all has no memo to write; give a later --as-of\nno memo was written\n",
            "{extra:?}"
        );
        assert!(!tmp.path().join("memos").exists(), "{extra:?}");
    }
    // The sector memo alone: a sector of no chain is the same mistake of the date.
    let out = moat(
        tmp.path(),
        &[
            "memo",
            "--sector",
            "--as-of",
            "1900-01-01",
            "--data",
            "mini",
            "--rules",
            "rules",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: no chain of dataset mini is screened as of 1900-01-01 (none had launched by then, or every one had shut down): a sector memo needs chains to judge; give a later --as-of\nno memo was written\n"
    );
    assert!(!tmp.path().join("memos").exists());
}

/// "A year ago" is 52 weeks before the TVL week read now (on the shipped data, the last TVL
/// point is 125 days before the vintage), as the 52-week change counts it: Optimism's TVL a
/// year ago and now give its 52-week change, and Base's share a year ago is the sector memo's.
#[test]
fn a_year_ago_is_52_weeks_before_the_tvl_week_read_now() {
    let tmp = tempfile::tempdir().unwrap();
    let out = moat(
        tmp.path(),
        &[
            "memo", "optimism", "--sector", "--format", "md", "--out", "m",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let memo = read(&tmp.path().join("m/optimism.md"));
    assert!(
        memo.contains("| Now (2026-08-22) | 2026-04-19 | $382M | #5 of 65 | 4.2% |\n| A year ago (2025-04-20) | 2025-04-20 | $374M | #3 of 61 | 5.3% |\n"),
        "{memo}"
    );
    // $374M → $382M is the 52-week change the peers table gives Optimism.
    assert!(
        memo.contains("| 5 | **OP Mainnet** | $382M | 4.2% | +2.2% |"),
        "{memo}"
    );
    let sector = read(&tmp.path().join("m/sector.md"));
    assert!(
        sector.contains("\n| 1 | Base | $4.5B | 49% | 35% |\n"),
        "{sector}"
    );
}

/// The sector memo gives every run of a #1 in HTML as in Markdown.
#[test]
fn the_sector_memo_lists_every_run_of_a_leader_in_both_formats() {
    let tmp = screen_dir(&[]);
    memo_in(tmp.path(), &["--sector", "--format", "md"]);
    memo_in(tmp.path(), &["--sector", "--format", "html"]);
    let md = read(&tmp.path().join("memos/sector.md"));
    let from_md: Vec<Vec<String>> = md
        .split("| #1 | from | to | weeks |\n|---|---|---|---:|\n")
        .nth(1)
        .expect("the table of runs")
        .lines()
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert!(!from_md.is_empty());
    let doc = Html::parse_document(&read(&tmp.path().join("memos/sector.html")));
    let rows = Selector::parse("#leader table:last-of-type tbody tr").unwrap();
    let cells = Selector::parse("td").unwrap();
    let from_html: Vec<Vec<String>> = doc
        .select(&rows)
        .map(|tr| tr.select(&cells).map(|td| td.text().collect()).collect())
        .collect();
    assert_eq!(from_html, from_md);
}

/// A screen page links only the memos of its own date, data and rules: memos written at the
/// vintage are not linked from a page of an earlier date, and a note says why.
#[test]
fn a_screen_page_links_no_memo_of_another_date() {
    let tmp = screen_dir(&[]);
    memo_in(tmp.path(), &["base", "--sector", "--format", "html"]);
    let page = |as_of: &str, out: &str| {
        moat(
            tmp.path(),
            &[
                "screen", "--data", "mini", "--rules", "rules", "--as-of", as_of, "--format",
                "html", "--out", out,
            ],
        )
    };
    let links = |file: &str| -> Vec<String> {
        let doc = Html::parse_document(&read(&tmp.path().join(file)));
        doc.select(&Selector::parse("a").unwrap())
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect()
    };
    let out = page("2024-12-29", "memos/now.html");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(links("memos/now.html"), ["sector.html", "base.html"]);
    let out = page("2024-12-01", "memos/then.html");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(links("memos/then.html").is_empty());
    assert!(
        stderr(&out).starts_with("note: base.html and 1 more beside the page not linked: written for another date, dataset or rule pack (base.html as of 2024-12-29)"),
        "{}",
        stderr(&out)
    );
}

/// A template whose value grows in steps no check of moat runs inside (a string added to
/// itself in a loop) is stopped from outside once the process has taken 2 GiB more: exit 2,
/// the error, and nothing written.
#[test]
fn a_template_taking_gigabytes_in_one_step_is_stopped() {
    let tmp = screen_dir(&[]);
    fs::create_dir(tmp.path().join("tpl")).unwrap();
    fs::write(
        tmp.path().join("tpl/chain.md.j2"),
        "{% set ns = namespace(s=\"xy\") %}{% for i in range(34) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}\n",
    )
    .unwrap();
    let out = memo_with_tpl(tmp.path(), &["--format", "md", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "tpl/chain.md.j2: error: the template holds more than 512 MiB of memory (a value growing without end?)\nthe template chain.md.j2 could not be rendered; nothing was written\n",
    );
    assert!(!tmp.path().join("out").exists());
}
