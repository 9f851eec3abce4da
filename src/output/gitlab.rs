//! `--format gitlab`: GitLab Code Quality JSON (`artifacts:reports:codequality`), shown in merge
//! requests. Fingerprints are unique per finding and stable when lines move (see `baseline`).

use std::io::{self, Write};

use serde_json::json;

use super::{location, Render, Report};
use crate::finding::Severity;

pub struct Gitlab;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

impl Render for Gitlab {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let items: Vec<serde_json::Value> = report
            .findings
            .iter()
            .zip(report.fingerprints)
            .map(|(f, fp)| {
                let (start, end) = location(report.sources, f);
                let gap = report.registry.get(&f.rule).and_then(|r| r.gap).map_or("Structure", |g| match g {
                    crate::rules::Gap::Listening => "Listening gap",
                    crate::rules::Gap::Design => "Design gap",
                    crate::rules::Gap::Delivery => "Delivery gap",
                    crate::rules::Gap::Communication => "Communication gap",
                });
                json!({
                    "type": "issue",
                    "description": f.message,
                    "check_name": f.rule,
                    "fingerprint": fp,
                    "severity": severity(f.severity),
                    "categories": [gap],
                    "content": {"body": f.help.as_deref().unwrap_or("")},
                    "location": {"path": report.repo_path(f), "lines": {"begin": start.line, "end": end.line}},
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &items)?;
        writeln!(out)
    }
}
