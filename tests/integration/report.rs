//! The leadership audit report and the traceability graph.
//!
//! The HTML report is checked as text (escaping, self-containment, numbers equal to the JSON output's) and
//! in a real browser: headless Chromium renders `examples/acme-flawed`, the test reads the DOM it built and
//! saves a screenshot (`UPDATE_SCREENSHOT=1` also copies it to `docs/report.png`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{bin, code, root, run, scratch, stderr, stdout, write, AS_OF};

const ACME: &str = "examples/acme-flawed";
const ACME_CONFIG: &str = "examples/acme-flawed/.roadmap-audit.yaml";

/// Runs the binary in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().args(args).current_dir(dir).output().expect("binary runs")
}

/// Copies a folder (hidden files included) so a test can run in it and edit it.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// The JSON output (findings, summary, metrics) of a run.
fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// `value="…"` of the tags carrying `attr="key"`, in the (serialised) HTML.
fn tag_with<'a>(html: &'a str, attr: &str, key: &str) -> Vec<&'a str> {
    let needle = format!("{attr}=\"{key}\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = html[from..].find(&needle) {
        let at = from + i;
        let start = html[..at].rfind('<').unwrap();
        let end = at + html[at..].find('>').unwrap();
        out.push(&html[start..=end]);
        from = end;
    }
    out
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let i = tag.find(&needle)? + needle.len();
    let j = tag[i..].find('"')?;
    Some(&tag[i..i + j])
}

/// The text after a tag, up to the next `<`.
fn text_after<'a>(html: &'a str, tag: &str) -> &'a str {
    let i = html.find(tag).unwrap() + tag.len();
    &html[i..i + html[i..].find('<').unwrap()]
}

/// Checks every headline number of the page against the JSON output's `metrics`.
fn assert_metrics_match(html: &str, metrics: &serde_json::Value) {
    for key in
        ["evidence_coverage", "traceability", "competitor_only", "kpi_only", "kpi_problem_links", "evidence_freshness"]
    {
        let m = &metrics[key];
        let tags = tag_with(html, "data-metric", key);
        assert_eq!(tags.len(), 1, "one {key} on the page: {tags:?}");
        let tag = tags[0];
        let value: f64 = attr(tag, "value").unwrap().parse().unwrap_or_else(|_| panic!("{key} value in {tag}"));
        assert_eq!(Some(value), m["ratio"].as_f64(), "{key}: page {tag} vs JSON {m}");
        assert_eq!(attr(tag, "data-numerator").unwrap(), m["numerator"].to_string(), "{key}");
        assert_eq!(attr(tag, "data-denominator").unwrap(), m["denominator"].to_string(), "{key}");
        let shown = format!("{:.1}%", m["ratio"].as_f64().unwrap() * 100.0);
        assert_eq!(text_after(html, tag), shown, "{key} as shown");
        assert!(m["definition"].as_str().is_some_and(|d| d.len() > 40), "{key} has a definition");
        assert!(html.contains(&format!("id=\"def-{key}\"")), "{key} has a footnote");
    }
    let one = |key: &str| -> String {
        let tags = tag_with(html, "data-metric", key);
        assert_eq!(tags.len(), 1, "one {key} on the page");
        attr(tags[0], "value").unwrap().to_owned()
    };
    assert_eq!(one("health_score"), metrics["health_score"]["value"].to_string());
    for (key, json_key) in
        [("errors", "errors"), ("warnings", "warnings"), ("infos", "infos"), ("findings_total", "total")]
    {
        assert_eq!(one(key), metrics["findings"][json_key].to_string(), "{key}");
    }
    for gap in ["listening", "design", "delivery", "communication", "structure"] {
        assert_eq!(one(&format!("gap_{gap}")), metrics["gaps"][gap].to_string(), "{gap}");
    }
}

/// Self-contained: nothing fetched, nothing executed.
fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "no script");
    assert!(!lower.contains("<link"), "no stylesheet or font link");
    assert!(!lower.contains("@import") && !lower.contains("url("), "no CSS fetch");
    assert!(!lower.contains("<img") && !lower.contains("<iframe") && !lower.contains("<object"), "no embeds");
    for a in ["src=\"", "href=\"http", "href=\"//", "href=\"javascript"] {
        assert!(!lower.contains(a), "no `{a}` in the page");
    }
    assert!(html.contains("Content-Security-Policy"), "a CSP forbids scripts and fetches");
}

#[test]
fn html_report_numbers_equal_the_json_metrics() {
    let dir = scratch("report-html");
    let out = dir.join("audit.html");
    let o = run(&["report", ACME, "--config", ACME_CONFIG, "--as-of", AS_OF, "-o", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "a report is not a gate: {}", stderr(&o));
    let j = json(&run(&["--format", "json", ACME, "--config", ACME_CONFIG, "--as-of", AS_OF]));
    let n = j["findings"].as_array().unwrap().len();
    assert_eq!(stdout(&o), format!("wrote {} (html, {n} findings)\n", out.to_str().unwrap()));
    let html = read(&out);
    assert_metrics_match(&html, &j["metrics"]);
    assert_self_contained(&html);
    // The four gaps are the page's main structure, then structure; each explained in a sentence.
    for gap in ["listening", "design", "delivery", "communication", "structure"] {
        assert!(html.contains(&format!("<section id=\"gap-{gap}\"")), "{gap} section");
    }
    assert!(html.contains("The roadmap does not know what customers actually need."));
    for id in ["glance", "gaps", "risks", "teams", "traceability", "status", "rules", "definitions"] {
        assert!(html.contains(&format!("<section id=\"{id}\"")), "{id} section");
    }
    // Charts are inline SVG, accessible.
    assert!(html.matches("<svg ").count() >= 9, "ring, six meters, bars and the map");
    for svg in html.split("<svg ").skip(1) {
        assert!(
            svg.starts_with("xmlns=") && svg.contains("role=\"img\"") && svg.contains("aria-label=\""),
            "{svg:.80}"
        );
        assert!(svg[svg.find('>').unwrap() + 1..].starts_with("<title>"), "SVG title first: {svg:.120}");
    }
    assert!(html.contains("@media print"), "print CSS");
    // Locations link to file:line, relative to the report's folder.
    assert!(html.contains(
        "roadmaps/growth.yaml#L212\"><code>examples/<wbr>acme-flawed/<wbr>roadmaps/<wbr>growth.yaml:212</code></a>"
    ));
    // Top risks lists delivering items, most serious first.
    let risks = &html[html.find("<section id=\"risks\"").unwrap()..html.find("<section id=\"teams\"").unwrap()];
    assert!(risks.find("GRO-130").unwrap() < risks.find("PLT-201").unwrap(), "{risks}");
}

#[test]
fn json_output_carries_the_metrics_with_definitions() {
    let j = json(&run(&["--format", "json", ACME, "--config", ACME_CONFIG, "--as-of", AS_OF]));
    let m = &j["metrics"];
    assert_eq!(m["version"], 1);
    assert_eq!(m["as_of"], AS_OF);
    for key in
        ["evidence_coverage", "traceability", "competitor_only", "kpi_only", "kpi_problem_links", "evidence_freshness"]
    {
        let r = &m[key];
        let (n, d) = (r["numerator"].as_u64().unwrap(), r["denominator"].as_u64().unwrap());
        assert!(n <= d, "{key}: {r}");
        let expected = (n as f64 / d as f64 * 10000.0).round() / 10000.0;
        assert_eq!(r["ratio"].as_f64(), Some(expected), "{key}");
        assert!(r["definition"].is_string());
    }
    let f = &m["findings"];
    assert_eq!(f["errors"], j["summary"]["errors"]);
    assert_eq!(f["warnings"], j["summary"]["warnings"]);
    assert_eq!(f["infos"], j["summary"]["infos"]);
    // Rule-based metrics count the audit's own findings.
    let count = |rule: &str| j["findings"].as_array().unwrap().iter().filter(|x| x["rule"] == rule).count() as u64;
    assert_eq!(m["competitor_only"]["numerator"].as_u64(), Some(count("competitor-only-justification")));
    assert_eq!(m["kpi_only"]["numerator"].as_u64(), Some(count("kpi-only-justification")));
    let h = m["health_score"]["value"].as_u64().unwrap();
    assert!(h <= 100);
    assert!(m["health_score"]["formula"].as_str().unwrap().contains("3 × errors"));
}

#[test]
fn clean_roadmap_scores_100() {
    let dir = scratch("report-clean");
    let out = dir.join("clean.md");
    let o = run(&["report", "examples/clean", "--no-config", "--as-of", AS_OF, "-o", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).ends_with("(markdown, 0 findings)\n"), "{}", stdout(&o));
    let md = read(&out);
    assert!(md.contains("| Health score [1] | 100 / 100 |"), "{md}");
    assert!(md.contains("| Evidence coverage [2] | 100.0% |"), "{md}");
    assert!(md.contains("No delivering item has a finding."), "{md}");
}

#[test]
fn markdown_report_of_acme_flawed() {
    let dir = scratch("report-md");
    copy_dir(&root().join(ACME), &dir);
    let o = run_in(&dir, &["report", ".", "--as-of", AS_OF, "-o", "audit.md"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("wrote audit.md (markdown, "), "{}", stdout(&o));
    let md = read(&dir.join("audit.md"));
    // The same numbers as the JSON output, as the page shows them.
    let j = json(&run_in(&dir, &["--format", "json", ".", "--as-of", AS_OF]));
    let ec = &j["metrics"]["evidence_coverage"];
    let line = format!(
        "| Evidence coverage [2] | {:.1}% | {} of {} active items |",
        ec["ratio"].as_f64().unwrap() * 100.0,
        ec["numerator"],
        ec["denominator"]
    );
    assert!(md.contains(&line), "{line}\n{md}");
    assert!(!md.contains("<svg"), "no charts in Markdown");
    insta::with_settings!({snapshot_path => "../snapshots"}, {
        insta::assert_snapshot!(md);
    });
}

const SMALL: &str = r#"version: 1
product: "Checkout \"Express\" [beta]"
owner: dana
objectives:
  - id: OBJ-1
    title: Grow conversion
kpis:
  - id: KPI-1
    name: Conversion rate
    objective: OBJ-1
    problems: [PRB-1]
    baseline: 2
    target: 3
  - id: KPI-2
    name: "Average order value (€) <net>"
    objective: OBJ-404
problems:
  - id: PRB-1
    statement: Shoppers abandon at the card form
    evidence:
      - kind: analytics
        summary: 40% drop at the card form
        date: 2026-10-01
items:
  - id: ITM-1
    title: One-click card form
    status: committed
    owner: sam
    problems: [PRB-1]
    kpis: [KPI-1]
    hypothesis: Cuts abandonment by half
    launch: {support: macros, marketing: email}
  - id: ITM.2
    title: 'Wallet "parity" with #competitors; see [docs]'
    status: planned
    kpis: [KPI-1]
    problems: [PRB-MISSING]
    rationale: Competitors already have it; we need parity.
"#;

#[test]
fn graph_mermaid_and_dot() {
    let dir = scratch("report-graph");
    write(&dir, "roadmap.yaml", SMALL);
    let mermaid = run_in(&dir, &["graph", "roadmap.yaml", "--no-config", "--as-of", AS_OF]);
    assert_eq!(code(&mermaid), 0, "{}", stderr(&mermaid));
    let dot = run_in(&dir, &["graph", "roadmap.yaml", "--no-config", "--as-of", AS_OF, "--format", "dot"]);
    assert_eq!(code(&dot), 0, "{}", stderr(&dot));
    let (m, d) = (stdout(&mermaid), stdout(&dot));
    assert!(m.starts_with("flowchart LR\n"));
    assert!(m.contains("i_ITM_2 -.->|broken| x_problems_PRB_MISSING"), "{m}");
    assert!(d.contains("i_ITM_2 -> x_problems_PRB_MISSING [style=dashed"), "{d}");
    // Labels cannot break out of their quotes: quotes, brackets and markup are entity codes (`#34;`).
    for line in m.lines().filter(|l| l.contains("[\"")) {
        let label = &line[line.find("[\"").unwrap() + 2..line.rfind("\"]").unwrap()];
        assert!(!label.contains(['"', '[', ']', '<', '>']), "{line}");
    }
    assert!(m.contains("Wallet #34;parity#34; with #35;competitors#59; see #91;docs#93;"), "{m}");
    insta::with_settings!({snapshot_path => "../snapshots"}, {
        insta::assert_snapshot!("graph_mermaid", m);
        insta::assert_snapshot!("graph_dot", d);
    });
}

#[test]
fn graph_is_deterministic() {
    let dir = scratch("report-graph-det");
    write(&dir, "roadmap.yaml", SMALL);
    let a = stdout(&run_in(&dir, &["graph", "roadmap.yaml", "--no-config", "--format", "dot"]));
    let b = stdout(&run_in(&dir, &["graph", "roadmap.yaml", "--no-config", "--format", "dot"]));
    assert_eq!(a, b);
}

const XSS: &str = "<script>alert(1)</script>";

#[test]
fn roadmap_text_is_escaped_everywhere() {
    let dir = scratch("report-xss");
    let evil = format!(
        r#"version: 1
product: "{XSS} & Co &amp; \"onmouseover=alert(1) x=\""
owner: "o'neil\" onmouseover=\"alert(2)"
objectives:
  - id: "OBJ-<b>1</b>"
    title: "{XSS}"
kpis:
  - id: "KPI-\"><svg onload=alert(3)>"
    name: "</title><script>alert(4)</script>"
    objective: "OBJ-<b>1</b>"
problems:
  - id: "PRB-<img src=x onerror=alert(5)>"
    statement: "{XSS}"
    evidence:
      - kind: internal-opinion
        summary: "{XSS}"
items:
  - id: "ITM-\" onmouseover=\"alert(6)"
    title: "</text><script>alert(7)</script>"
    status: committed
    owner: "{XSS}"
    problems: ["PRB-<img src=x onerror=alert(5)>", "{XSS}"]
    kpis: ["KPI-\"><svg onload=alert(3)>"]
    rationale: "We need parity with competitors {XSS}"
"#
    );
    write(&dir, "evil\"<i>.yaml", &evil);
    let o = run_in(&dir, &["report", ".", "--no-config", "--as-of", AS_OF, "-o", "audit.html"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = read(&dir.join("audit.html"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "rendered as text");
    assert!(html.contains("&amp;amp;"), "an entity in the roadmap stays text");
    assert_self_contained(&html);
    assert_no_injected_markup(&html);
    // The SVG map carries the ids and titles too, escaped.
    let map = &html[html.find("class=\"map\"").unwrap()..];
    let map = &map[..map.find("</svg>").unwrap()];
    assert!(map.contains("ITM-&quot; onmouseover=&quot;alert(6)"), "{map}");
    assert!(map.contains("missing: &lt;script&gt;"), "the broken link to `{XSS}` is drawn, escaped");

    let o = run_in(&dir, &["report", ".", "--no-config", "--as-of", AS_OF, "-o", "audit.md"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = read(&dir.join("audit.md"));
    assert!(!md.to_ascii_lowercase().contains("<script"), "{md}");
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // `|` in roadmap text cannot add cells: every row has as many cells as its table's header.
    let mut columns = None;
    let mut previous = "";
    for line in md.lines() {
        let cells = line.replace("\\|", "").matches('|').count();
        if line.starts_with("|---") {
            columns = Some(previous.matches('|').count());
        } else if !line.starts_with('|') {
            columns = None;
        } else if let Some(n) = columns {
            assert_eq!(cells, n, "{line}");
        }
        previous = line;
    }
    assert!(!md.contains("<img") && !md.contains("<svg") && !md.contains("<b>"), "markup in roadmap text stays text");
    let g = stdout(&run_in(&dir, &["graph", ".", "--no-config"]));
    assert!(!g.contains("<script") && !g.contains("\"onmouseover"), "{g}");
}

/// Every tag of the page is one the renderer writes, with attributes it writes: an injected element or
/// event handler (`onmouseover=`) would show up here, inside SVG as well.
fn assert_no_injected_markup(html: &str) {
    const TAGS: &[&str] = &[
        "!doctype", "html", "head", "meta", "title", "style", "body", "main", "header", "nav", "footer", "section",
        "div", "span", "data", "a", "h1", "h2", "h3", "p", "ul", "ol", "li", "table", "caption", "thead", "tbody",
        "tr", "th", "td", "code", "strong", "em", "sup", "br", "wbr", "svg", "g", "rect", "circle", "path", "text",
        "tspan",
    ];
    let body = &html[html.find("</style>").unwrap()..];
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let tag = rest.trim_start_matches('/');
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '!').collect();
        assert!(TAGS.contains(&name.to_ascii_lowercase().as_str()), "unexpected tag <{name}: {:.80}", tag);
        // Attributes: name="value" pairs up to `>`; values never hold a raw quote.
        let end = tag.find('>').unwrap();
        let mut attrs = &tag[name.len()..end];
        while let Some(eq) = attrs.find("=\"") {
            let attr_name = attrs[..eq].trim().trim_start_matches('/');
            assert!(
                !attr_name.to_ascii_lowercase().starts_with("on"),
                "event handler `{attr_name}` in <{name}{:.120}",
                attrs
            );
            assert!(!attr_name.contains(['"', '\'', '<']), "broken attribute `{attr_name}`");
            let close = attrs[eq + 2..].find('"').unwrap();
            attrs = &attrs[eq + 2 + close + 1..];
        }
        assert!(attrs.trim().trim_end_matches('/').is_empty(), "stray text in <{name}: {attrs:?}");
    }
}

const COMPARE_BEFORE: &str = r#"version: 1
product: Checkout
owner: dana
objectives:
  - id: OBJ-1
    title: Grow conversion
kpis:
  - id: KPI-1
    name: Conversion rate
    objective: OBJ-1
    problems: [PRB-1]
    baseline: 2
    target: 3
problems:
  - id: PRB-1
    statement: Shoppers abandon at the card form
    evidence:
      - kind: analytics
        summary: 40% drop at the card form
        date: 2026-10-01
items:
  - id: ITM-1
    title: One-click card form
    status: committed
    owner: sam
    problems: [PRB-1]
    kpis: [KPI-1]
    hypothesis: Cuts abandonment by half
    launch: {support: macros, marketing: email}
  - id: ITM-2
    title: Wallet parity
    status: planned
    kpis: [KPI-1]
    rationale: Competitors already have it; we need parity.
"#;

#[test]
fn compare_shows_metric_changes_and_new_and_fixed_findings() {
    let dir = scratch("report-compare");
    write(&dir, "roadmap.yaml", COMPARE_BEFORE);
    let before = run_in(&dir, &["--format", "json", "roadmap.yaml", "--no-config", "--as-of", AS_OF]);
    assert_eq!(code(&before), 1);
    write(&dir, "previous.json", &before.stdout);
    let rules = |o: &Output| -> Vec<String> {
        json(o)["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
    };
    assert!(rules(&before).contains(&"missing-owner".to_owned()), "{:?}", rules(&before));

    // Fix one finding (ITM-2 gets an owner); break something else (ITM-1 loses its support plan).
    let after = COMPARE_BEFORE
        .replace("    title: Wallet parity\n", "    title: Wallet parity\n    owner: lee\n")
        .replace("launch: {support: macros, marketing: email}", "launch: {marketing: email}");
    write(&dir, "roadmap.yaml", after);
    let o = run_in(
        &dir,
        &["report", "roadmap.yaml", "--no-config", "--as-of", AS_OF, "--compare", "previous.json", "-o", "trend.md"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = read(&dir.join("trend.md"));
    let now = json(&run_in(&dir, &["--format", "json", "roadmap.yaml", "--no-config", "--as-of", AS_OF]));
    let was = json(&before);
    let (e0, e1) = (was["summary"]["errors"].as_i64().unwrap(), now["summary"]["errors"].as_i64().unwrap());
    let (w0, w1) = (was["summary"]["warnings"].as_i64().unwrap(), now["summary"]["warnings"].as_i64().unwrap());
    assert_eq!((e1 - e0, w1 - w0), (-1, 1));
    assert!(md.contains(&format!("| Errors | {e0} | {e1} | -1 |")), "{md}");
    assert!(md.contains(&format!("| Warnings | {w0} | {w1} | +1 |")), "{md}");
    // Evidence coverage did not move; the health score did.
    assert!(md.contains("| Evidence coverage | 50.0% | 50.0% | 0.0 pp |"), "{md}");
    let h0 = was["metrics"]["health_score"]["value"].as_i64().unwrap();
    let h1 = now["metrics"]["health_score"]["value"].as_i64().unwrap();
    assert!(md.contains(&format!("| Health score | {h0} | {h1} | {:+} |", h1 - h0)), "{md}");
    assert!(md.contains(&format!("## Trend since the audit of {AS_OF}")), "{md}");
    let new = section(&md, "### New findings (1)", "### Fixed findings");
    assert!(new.contains("| incomplete-launch |") && new.contains("ITM-1"), "{new}");
    let fixed = section(&md, "### Fixed findings (1)", "## The four gaps");
    assert!(fixed.contains("| missing-owner |") && fixed.contains("ITM-2"), "{fixed}");

    // The HTML page says the same, with machine-readable deltas.
    let o = run_in(
        &dir,
        &["report", "roadmap.yaml", "--no-config", "--as-of", AS_OF, "--compare", "previous.json", "-o", "trend.html"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = read(&dir.join("trend.html"));
    let delta = |key: &str| attr(tag_with(&html, "data-delta", key)[0], "value").unwrap().to_owned();
    assert_eq!(delta("errors"), "-1");
    assert_eq!(delta("warnings"), "1");
    assert_eq!(delta("evidence_coverage"), "0");
    assert!(html.contains("<h3>New findings (1)</h3>") && html.contains("<h3>Fixed findings (1)</h3>"));
}

fn section<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let i = text.find(from).unwrap_or_else(|| panic!("no `{from}` in\n{text}"));
    let j = i + text[i..].find(to).unwrap_or_else(|| panic!("no `{to}` after `{from}`"));
    &text[i..j]
}

#[test]
fn compare_with_a_file_that_is_not_a_json_audit_exits_2() {
    let dir = scratch("report-bad-compare");
    write(&dir, "roadmap.yaml", COMPARE_BEFORE);
    write(&dir, "notes.txt", "hello");
    write(&dir, "other.json", r#"{"name": "not an audit"}"#);
    for (file, why) in
        [("notes.txt", "it is not JSON"), ("other.json", "no `findings` list"), ("nope.json", "cannot read")]
    {
        let o = run_in(&dir, &["report", "roadmap.yaml", "--no-config", "--compare", file, "-o", "r.html"]);
        assert_eq!(code(&o), 2, "{file}: {}", stderr(&o));
        assert!(stderr(&o).contains(why) && stderr(&o).contains(file), "{file}: {}", stderr(&o));
        assert!(!dir.join("r.html").exists(), "nothing written");
    }
}

#[test]
fn output_extension_picks_the_format_or_says_which_exist() {
    let dir = scratch("report-ext");
    write(&dir, "roadmap.yaml", COMPARE_BEFORE);
    let o = run_in(&dir, &["report", "roadmap.yaml", "--no-config", "-o", "x.txt"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("x.txt") && err.contains(".html, .htm or .md") && err.contains("--format"), "{err}");
    let o = run_in(&dir, &["report", "roadmap.yaml", "--no-config", "-o", "x.txt", "--format", "markdown"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(read(&dir.join("x.txt")).starts_with("# Roadmap audit — Checkout\n"));
    let o = run_in(&dir, &["report", "roadmap.yaml", "--no-config", "-o", "REPORT.HTM"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(read(&dir.join("REPORT.HTM")).starts_with("<!DOCTYPE html>"));
}

/// Chromium, or a failure that says how to get it: the browser test never passes silently.
fn chromium() -> PathBuf {
    let candidates = ["chromium", "chromium-browser"];
    for c in candidates {
        if let Some(p) = std::env::var_os("PATH")
            .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(c)).find(|p| p.is_file()))
        {
            return p;
        }
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.is_file() {
        return debian;
    }
    panic!(
        "chromium is not installed, and the HTML report must be tested in a real browser: \
         scripts/test installs it (apt-get install chromium)"
    );
}

/// What headless Chromium printed.
struct Browser {
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on a page with a fresh profile; kills it after two minutes. Its output goes to
/// files (a pipe left unread would block it on a large DOM).
fn headless(dir: &Path, name: &str, extra: &[&str], page: &Path) -> Browser {
    let url = format!("file://{}", page.display());
    let (out, err) = (dir.join(format!("{name}.stdout")), dir.join(format!("{name}.stderr")));
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", dir.join(format!("{name}-profile")).display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    while child.try_wait().expect("chromium runs").is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within two minutes:\n{}", read(&err));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Browser { stdout: read(&out), stderr: read(&err) }
}

#[test]
fn html_report_in_headless_chromium() {
    let dir = scratch("report-browser");
    let page = dir.join("audit.html");
    let o = run(&["report", ACME, "--config", ACME_CONFIG, "--as-of", AS_OF, "-o", page.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j = json(&run(&["--format", "json", ACME, "--config", ACME_CONFIG, "--as-of", AS_OF]));

    // The DOM the browser built: the headline numbers are there, equal to the JSON output's.
    let dom = headless(&dir, "dom", &["--dump-dom"], &page);
    let html = &dom.stdout;
    assert!(html.contains("<main>"), "chromium rendered the page:\n{}", dom.stderr);
    assert_metrics_match(html, &j["metrics"]);
    // SVG charts are in the DOM: ring, meters, bars, and the map with a box per entity.
    for class in ["ring", "meter", "bars", "map"] {
        assert!(
            html.contains(&format!("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\"")),
            "{class} chart"
        );
    }
    let map = &html[html.find("class=\"map\"").unwrap()..];
    let map = &map[..map.find("</svg>").unwrap()];
    let m = &j["metrics"]["entities"];
    let entities = ["objectives", "kpis", "problems", "items"].iter().map(|k| m[k].as_u64().unwrap()).sum::<u64>();
    assert!(map.matches("<rect ").count() as u64 >= entities, "a box per entity");
    // No console message at all: the page has no script, and its CSP would report any fetch or script.
    let console: Vec<&str> = dom
        .stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("console error"))
        .collect();
    assert!(console.is_empty(), "console messages:\n{}", console.join("\n"));

    // A screenshot, for people: docs/report.png is refreshed with UPDATE_SCREENSHOT=1.
    let shot = dir.join("report.png");
    let arg = format!("--screenshot={}", shot.display());
    let s = headless(&dir, "shot", &[&arg, "--window-size=1280,2000"], &page);
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}):\n{}", s.stderr));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000, "a real screenshot ({} bytes)", png.len());
    if std::env::var_os("UPDATE_SCREENSHOT").is_some_and(|v| v == "1") {
        std::fs::copy(&shot, root().join("docs/report.png")).expect("docs/report.png written");
    }
}
