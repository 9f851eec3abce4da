//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. Valid against the
//! OASIS schema and what GitHub requires on upload: every rule described (id, name, short and full
//! description, help as text and markdown, default level), results with a repository-relative URI, a
//! full region, and stable `partialFingerprints`.

use std::io::{self, Write};

use serde_json::{json, Value as Json};

use super::{location, uri, Render, Report};
use crate::finding::Severity;
use crate::rules::RuleMeta;

pub struct Sarif;

/// SARIF's names for our severities.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub caps descriptions at 1024 characters.
fn cap(s: &str, n: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(n - 1).collect();
    out.push('…');
    out
}

/// `missing-owner` → `MissingOwner` (SARIF's `name` is an identifier-like display name).
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
        })
        .collect()
}

fn descriptor(r: &RuleMeta, level_now: &str) -> Json {
    let docs = r.docs();
    let help_text =
        format!("{}\n\nWhy it matters: {}\n\nHow to fix it: {}", docs.flags.trim(), docs.why.trim(), r.help.trim());
    let help_md = format!(
        "**What it flags.** {}\n\n**Why it matters.** {}\n\n**How to fix it.** {}\n\n**Flagged:**\n\n```yaml\n{}\n```\n\n**Not flagged:**\n\n```yaml\n{}\n```\n",
        docs.flags.trim(),
        docs.why.trim(),
        r.help.trim(),
        docs.example.fail.trim_end(),
        docs.example.pass.trim_end()
    );
    let mut tags = vec!["roadmap".to_owned()];
    tags.push(r.gap.map_or("structure".to_owned(), |g| format!("{}-gap", g.as_str())));
    json!({
        "id": r.id,
        "name": pascal(&r.id),
        "shortDescription": {"text": cap(&r.title, 1024)},
        "fullDescription": {"text": cap(&docs.flags, 1024)},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": level_now},
        "properties": {"tags": tags, "precision": "very-high"},
    })
}

impl Render for Sarif {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let rules: Vec<&RuleMeta> = report.registry.iter().collect();
        let index = |id: &str| rules.iter().position(|r| r.id == id);
        let descriptors: Vec<Json> = rules.iter().map(|r| descriptor(r, level(r.severity))).collect();
        let results: Vec<Json> = report
            .findings
            .iter()
            .zip(report.fingerprints)
            .map(|(f, fp)| {
                let (start, end) = location(report.sources, f);
                let mut message = f.message.clone();
                if let Some(h) = &f.help {
                    message.push_str(&format!("\nHelp: {h}"));
                }
                let mut r = json!({
                    "ruleId": f.rule,
                    "level": level(f.severity),
                    "message": {"text": message},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri(&report.repo_path(f))},
                            "region": {
                                "startLine": start.line, "startColumn": start.column,
                                "endLine": end.line, "endColumn": end.column.max(if end.line == start.line { start.column } else { 1 }),
                            }
                        }
                    }],
                    // Our fingerprint does not depend on line numbers, so alerts survive lines moving; GitHub reads
                    // `primaryLocationLineHash` (upload-sarif would otherwise compute a line-based one).
                    "partialFingerprints": {"roadmapAudit/v1": fp, "primaryLocationLineHash": fp},
                    "properties": {"entity": f.entity},
                });
                if let Some(i) = index(&f.rule) {
                    r["ruleIndex"] = json!(i);
                }
                let related: Vec<Json> = f
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let src = report.sources.get(l.file);
                        let s = src.line_col(l.span.start);
                        json!({
                            "id": i,
                            "message": {"text": l.message},
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri(&super::repo_relative(&src.path))},
                                "region": {"startLine": s.line, "startColumn": s.column},
                            }
                        })
                    })
                    .collect();
                if !related.is_empty() {
                    r["relatedLocations"] = json!(related);
                }
                r
            })
            .collect();
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "roadmap-audit",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": descriptors,
                }},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }]
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_names() {
        assert_eq!(uri("roadmaps/my team.yaml"), "roadmaps/my%20team.yaml");
        assert_eq!(uri("a%b.yaml"), "a%25b.yaml");
        assert_eq!(pascal("missing-owner"), "MissingOwner");
        assert_eq!(cap("abc", 2), "a…");
    }
}
