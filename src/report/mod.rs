//! The leadership audit report (HTML, Markdown) and the traceability graph (Mermaid, dot).
//!
//! - [`metrics`]: the headline numbers and their definitions (also in `--format json`);
//! - [`aggregate`]: findings by gap, rule, product and owner, and the top risks;
//! - [`compare`]: the trend against a JSON audit saved earlier;
//! - [`graph`]: the traceability graph, printed as Mermaid or dot and drawn by [`svg`];
//! - [`html`] and [`markdown`]: the two renderings of one [`Report`].

pub mod aggregate;
pub mod compare;
pub mod graph;
pub mod html;
pub mod markdown;
pub mod metrics;
pub mod svg;

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::cli::{GraphArgs, GraphFormat, ReportArgs, ReportFormat};
use crate::commands::{setup, EXIT_OK};
use crate::config::Config;
use crate::error::RunError;
use crate::load::{FileId, Input};
use crate::output::plural;
use crate::rules::Registry;
use crate::{Audit, Options};

use aggregate::Aggregates;
use compare::Comparison;
pub use metrics::Metrics;

/// The headline metrics of an audit as JSON (the JSON output carries them, so `--compare` and the
/// report agree on every number).
pub fn metrics_json(
    audit: &Audit,
    registry: &Registry,
    config: &Config,
    options: &Options,
) -> Option<serde_json::Value> {
    serde_json::to_value(Metrics::compute(audit, registry, config, options)).ok()
}

/// Everything a rendering needs, computed once.
pub struct Report<'a> {
    pub audit: &'a Audit,
    pub registry: &'a Registry,
    pub metrics: Metrics,
    pub agg: Aggregates<'a>,
    pub graph: graph::Graph,
    pub comparison: Option<Comparison>,
    /// Per file: a link to it, relative to the report's folder.
    pub hrefs: Vec<String>,
}

impl<'a> Report<'a> {
    pub fn new(
        audit: &'a Audit,
        registry: &'a Registry,
        config: &Config,
        options: &Options,
        hrefs: Vec<String>,
        previous: Option<&compare::Previous>,
    ) -> Report<'a> {
        let facts = metrics::Facts::of(&audit.model, &audit.links, config, options);
        let metrics = Metrics::from_facts(audit, registry, config, options, &facts);
        let agg = Aggregates::of(audit, registry, &facts);
        let comparison = previous.map(|p| compare::compare(p, &metrics, &agg.rows));
        Report { audit, registry, metrics, agg, graph: graph::Graph::build(&audit.model), comparison, hrefs }
    }

    /// A link to a line of an audited file (`roadmaps/growth.yaml#L12`, the form code hosts understand).
    pub fn href(&self, file: FileId, line: u32) -> String {
        let base = self.hrefs.get(file as usize).cloned().unwrap_or_default();
        format!("{base}#L{line}")
    }

    pub fn path(&self, file: FileId) -> &str {
        &self.audit.sources.get(file).path
    }

    /// The products audited, in file order, each once.
    pub fn products(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for d in &self.audit.model.documents {
            if let Some(p) = d.product.as_deref() {
                if !seen.contains(&p) {
                    seen.push(p);
                }
            }
        }
        seen
    }

    /// The page title: "Roadmap audit — Growth, Mobile and Platform".
    pub fn title(&self) -> String {
        let p = self.products();
        let names = match p.len() {
            0 => return "Roadmap audit".to_owned(),
            1 => p[0].to_owned(),
            2..=4 => format!("{} and {}", p[..p.len() - 1].join(", "), p[p.len() - 1]),
            n => format!("{} and {} more", p[..3].join(", "), n - 3),
        };
        format!("Roadmap audit — {names}")
    }

    /// One line under the title: date, files, entities.
    pub fn subtitle(&self) -> String {
        let e = &self.metrics.entities;
        format!(
            "Audit date {} · {} · {} · {} · {} · {}",
            self.metrics.as_of,
            plural(e.files as usize, "file"),
            plural(e.objectives as usize, "objective"),
            plural(e.kpis as usize, "KPI"),
            plural(e.problems as usize, "problem"),
            plural(e.items as usize, "item"),
        )
    }

    /// The few sentences a CEO reads: plain text (each format escapes it).
    pub fn brief(&self) -> Vec<String> {
        let m = &self.metrics;
        let a = &self.agg;
        let mut out = Vec::new();
        let ec = &m.evidence_coverage;
        if ec.denominator == 0 {
            out.push(
                "No item is active (planned, committed or in progress), so evidence coverage is not measured.".into(),
            );
        } else {
            out.push(format!(
                "{} of {} active items ({}) rest on a customer problem backed by customer evidence; {} ({}) trace \
                 all the way to a KPI and an objective.",
                ec.numerator,
                ec.denominator,
                ec.percent_text(),
                m.traceability.numerator,
                m.traceability.percent_text()
            ));
        }
        let (c, k) = (&m.competitor_only, &m.kpi_only);
        if c.note.is_none() && k.note.is_none() && c.numerator == 0 && k.numerator == 0 {
            out.push("No open item is justified only by competitors or only by a KPI target.".into());
        } else {
            let comp = match c.note {
                Some(_) => "The competitor-only share is not measured (its rule is off)".to_owned(),
                None => format!(
                    "{} {} justified only by competitors",
                    plural(c.numerator as usize, "open item"),
                    if c.numerator == 1 { "is" } else { "are" }
                ),
            };
            let kpi = match k.note {
                Some(_) => "the KPI-only share is not measured (its rule is off)".to_owned(),
                None => format!("{} only by a KPI target, with no customer problem behind it", k.numerator),
            };
            out.push(format!("{comp}, and {kpi}."));
        }
        let biggest = (0..4).max_by_key(|&s| (a.sections[s].rank(), std::cmp::Reverse(s)));
        match biggest.filter(|&s| a.sections[s].total() > 0) {
            Some(s) => {
                let where_ = a
                    .product_order
                    .iter()
                    .map(|&p| &a.products[p])
                    .max_by_key(|g| (g.sections[s], std::cmp::Reverse(g.name.clone())))
                    .map(|g| format!(", most of them in {} ({})", g.name, g.sections[s]))
                    .unwrap_or_default();
                out.push(format!(
                    "The biggest gap is the {} gap: {} ({}){where_}.",
                    aggregate::section_key(s),
                    plural(a.sections[s].total(), "finding"),
                    plural(a.sections[s].errors, "error"),
                ));
            }
            None => out.push("No finding in any of the four gaps.".into()),
        }
        if let Some(o) =
            a.owner_order.iter().map(|&o| &a.owners[o]).find(|g| g.name != aggregate::UNOWNED && g.total() > 0)
        {
            out.push(format!(
                "{} carries the most findings: {} ({}).",
                o.name,
                plural(o.total(), "finding"),
                plural(o.sev.errors, "error")
            ));
        }
        if let Some(u) = a.owners.iter().find(|g| g.name == aggregate::UNOWNED && g.total() > 0) {
            out.push(format!(
                "{} {} no owner at all, neither on the entity nor on its roadmap file.",
                plural(u.total(), "finding"),
                if u.total() == 1 { "has" } else { "have" }
            ));
        }
        if let Some(r) = a.risks.first() {
            let it = &self.audit.model.items[r.item];
            let title = it.title.as_deref().map(|t| format!(" “{}”", graph::truncate(t, 60))).unwrap_or_default();
            out.push(format!(
                "{} delivering (committed or in progress) {} errors or warnings; the most serious is {}{title} with {} and {}.",
                a.risky_items,
                if a.risky_items == 1 { "item has" } else { "items have" },
                it.id,
                plural(r.sev.errors, "error"),
                plural(r.sev.warnings, "warning"),
            ));
        }
        if let Some(c) = &self.comparison {
            let health = &c.deltas[0];
            let since =
                c.previous_as_of.as_deref().map_or_else(|| format!("`{}`", c.path), |d| format!("the audit of {d}"));
            out.push(format!(
                "Since {since}: health score {} → {}, {} new and {} fixed.",
                health.value_text(health.before),
                health.value_text(health.after),
                plural(c.new.len(), "finding"),
                c.fixed.len()
            ));
        }
        out
    }
}

/// `roadmap-audit report`
pub fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let format = report_format(args)?;
    let previous = args.compare.as_deref().map(compare::Previous::load).transpose()?;
    let setup = setup(&args.audit)?;
    let loaded = crate::load_model(&setup.inputs, &setup.options);
    let (config, registry, inputs, options) = setup.registry()?;
    let audit = crate::audit_loaded(loaded?, &config, &registry, &options)?;
    let hrefs = file_hrefs(&audit, &inputs, &args.output);
    let report = Report::new(&audit, &registry, &config, &options, hrefs, previous.as_ref());
    let (text, name) = match format {
        ReportFormat::Html => (html::render(&report), "html"),
        ReportFormat::Markdown => (markdown::render(&report), "markdown"),
    };
    let shown = args.output.to_string_lossy().replace('\\', "/");
    std::fs::write(&args.output, text).map_err(|e| RunError::msg(format!("cannot write `{shown}`: {e}")))?;
    writeln!(out, "wrote {shown} ({name}, {})", plural(audit.findings.len(), "finding"))
        .map_err(|e| RunError::msg(format!("cannot write output: {e}")))?;
    Ok(EXIT_OK)
}

/// `roadmap-audit graph`
pub fn graph(args: &GraphArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    // The rules are not needed, but the config's rule ids are still checked, as for every command.
    let (_, _, inputs, options) = setup(&args.audit)?.registry()?;
    let loaded = crate::load_model(&inputs, &options)?;
    let g = graph::Graph::build(&loaded.model);
    let text = match args.format {
        GraphFormat::Mermaid => g.mermaid(),
        GraphFormat::Dot => g.dot(),
    };
    out.write_all(text.as_bytes()).map_err(|e| RunError::msg(format!("cannot write output: {e}")))?;
    Ok(EXIT_OK)
}

/// `--format`, else the output file's extension.
fn report_format(args: &ReportArgs) -> Result<ReportFormat, RunError> {
    if let Some(f) = args.format {
        return Ok(f);
    }
    let ext = args.output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => Ok(ReportFormat::Html),
        Some("md" | "markdown") => Ok(ReportFormat::Markdown),
        _ => Err(RunError::msg(format!(
            "cannot tell the report format from `{}`: name the file .html, .htm or .md (or .markdown), or pass \
             --format html|markdown",
            args.output.to_string_lossy()
        ))),
    }
}

/// For each audited file, a link relative to the folder the report is written to (so the report's
/// `file:line` links open the file, and work on code hosts when the report sits in the repository).
fn file_hrefs(audit: &Audit, inputs: &[Input], output: &Path) -> Vec<String> {
    let out_dir = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let out_dir = std::fs::canonicalize(out_dir).ok();
    audit
        .sources
        .iter()
        .map(|(_, src)| {
            let input = inputs.iter().find(|i| i.display == src.path);
            let rel = match (&out_dir, input.and_then(|i| std::fs::canonicalize(&i.path).ok())) {
                (Some(dir), Some(file)) => relative(dir, &file),
                _ => None,
            };
            let rel = rel.unwrap_or_else(|| src.path.clone());
            url_path(&rel)
        })
        .collect()
}

/// `file` relative to `dir` (both absolute), `/`-separated.
fn relative(dir: &Path, file: &Path) -> Option<String> {
    let d: Vec<Component> = dir.components().collect();
    let f: Vec<Component> = file.components().collect();
    if d.first() != f.first() {
        return None; // another drive
    }
    let common = d.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut p = PathBuf::new();
    for _ in common..d.len() {
        p.push("..");
    }
    for c in &f[common..] {
        p.push(c.as_os_str());
    }
    Some(p.to_string_lossy().replace('\\', "/"))
}

/// A relative URL for a path: percent-encoded, and starting with `./` or `../` so that no part of it can
/// read as a scheme (`javascript:`).
fn url_path(path: &str) -> String {
    let prefix = if path.starts_with("../") || path.starts_with("./") { "" } else { "./" };
    format!("{prefix}{}", crate::output::uri(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_encoded_and_never_a_scheme() {
        assert_eq!(url_path("roadmaps/growth.yaml"), "./roadmaps/growth.yaml");
        assert_eq!(url_path("../x/a b#c.yaml"), "../x/a%20b%23c.yaml");
        assert_eq!(url_path("javascript:alert(1).yaml"), "./javascript%3Aalert%281%29.yaml");
        assert_eq!(url_path("\"><b>.yaml"), "./%22%3E%3Cb%3E.yaml");
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/c/d.yaml")).as_deref(), Some("../c/d.yaml"));
        assert_eq!(relative(Path::new("/a"), Path::new("/a/d.yaml")).as_deref(), Some("d.yaml"));
    }

    #[test]
    fn html_escaping_and_code_spans_stay_balanced() {
        assert_eq!(html::esc("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(html::esc("a\u{0}b"), "a\u{FFFD}b");
        assert_eq!(html::esc_code("`id` is `<b>`"), "<code>id</code> is <code>&lt;b&gt;</code>");
        assert_eq!(html::esc_code("one ` two `three` four"), "one <code> two </code>three` four");
        assert_eq!(html::esc_code("no code"), "no code");
    }

    #[test]
    fn markdown_cells_stay_cells() {
        assert_eq!(markdown::md("a|b <script> *x* [l](u)\nz"), "a\\|b &lt;script&gt; \\*x\\* \\[l\\](u) z");
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(graph::truncate("Évaluer   le\nproduit", 40), "Évaluer le produit");
        assert_eq!(graph::truncate("abcdefghij", 5), "abcd…");
    }
}
