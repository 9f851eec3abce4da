//! `--format markdown`: a compact summary for a pull-request comment or `$GITHUB_STEP_SUMMARY` — counts,
//! a table of rules that fired, then the findings with their location.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{location, plural, title, Render, Report};
use crate::finding::Severity;

pub struct Markdown;

/// Escapes text for a GitHub-flavoured Markdown table cell.
pub fn cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ").replace('<', "&lt;")
}

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "🔴 error",
        Severity::Warning => "🟠 warning",
        Severity::Info => "🔵 info",
    }
}

impl Render for Markdown {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let s = &report.summary;
        writeln!(out, "## roadmap-audit")?;
        writeln!(out)?;
        if report.findings.is_empty() {
            writeln!(out, "✅ No findings in {}.", plural(s.files, "file"))?;
        } else {
            writeln!(
                out,
                "**{}**, **{}**, **{}** in {}.",
                plural(s.errors, "error"),
                plural(s.warnings, "warning"),
                plural(s.infos, "info"),
                plural(s.files, "file")
            )?;
        }
        if let Some(b) = report.baseline {
            writeln!(out)?;
            writeln!(out, "Baseline: {} unchanged (not shown), {} fixed since.", b.unchanged, b.fixed)?;
        }
        if report.findings.is_empty() {
            return Ok(());
        }
        let mut by_rule: BTreeMap<(std::cmp::Reverse<Severity>, &str), usize> = BTreeMap::new();
        for f in report.findings {
            *by_rule.entry((std::cmp::Reverse(f.severity), f.rule.as_ref())).or_default() += 1;
        }
        writeln!(out)?;
        writeln!(out, "| Severity | Rule | Gap | Findings |")?;
        writeln!(out, "|---|---|---|---:|")?;
        for ((sev, rule), n) in &by_rule {
            let gap = report.registry.get(rule).and_then(|r| r.gap).map_or("structure", |g| g.as_str());
            writeln!(out, "| {} | `{rule}` {} | {gap} | {n} |", icon(sev.0), cell(title(report.registry, rule)))?;
        }
        writeln!(out)?;
        writeln!(out, "<details open><summary>Findings</summary>")?;
        writeln!(out)?;
        writeln!(out, "| Location | Severity | Rule | Message |")?;
        writeln!(out, "|---|---|---|---|")?;
        for f in report.findings {
            let (start, _) = location(report.sources, f);
            writeln!(
                out,
                "| `{}:{}:{}` | {} | `{}` | {} |",
                cell(&report.repo_path(f)),
                start.line,
                start.column,
                icon(f.severity),
                f.rule,
                cell(&f.message)
            )?;
        }
        writeln!(out)?;
        writeln!(out, "</details>")
    }
}
