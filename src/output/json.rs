//! `--format json`: the contract's shape — `findings` (rule, severity, message, help, file, 1-based
//! line/column and end, entity) and `summary` (files, errors, warnings, infos).

use std::io::{self, Write};

use serde::Serialize;

use super::{location, Render, Report, Summary};
use crate::finding::{Entity, Severity};

pub struct Json;

#[derive(Serialize)]
struct Out<'a> {
    findings: Findings<'a>,
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<&'a serde_json::Value>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    entity: &'a Entity,
    /// Stable across line moves and unrelated edits (see `baseline`).
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<Related<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
}

/// The findings, serialized one by one as they are converted (not gathered in a list first: a big
/// roadmap has tens of thousands).
struct Findings<'a>(&'a Report<'a>);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        s.collect_seq(report.findings.iter().zip(report.fingerprints).map(|(f, fingerprint)| {
            let (start, end) = location(report.sources, f);
            JsonFinding {
                rule: &f.rule,
                severity: f.severity,
                message: &f.message,
                help: f.help.as_deref(),
                file: &report.sources.get(f.file).path,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                entity: &f.entity,
                fingerprint,
                related: f
                    .labels
                    .iter()
                    .map(|l| {
                        let src = report.sources.get(l.file);
                        let lc = src.line_col(l.span.start);
                        Related { message: &l.message, file: &src.path, line: lc.line, column: lc.column }
                    })
                    .collect(),
            }
        }))
    }
}

impl Render for Json {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        // A buffer of a concrete type in between: serde_json writes token by token, and through `dyn Write`
        // each token was a call through a vtable.
        let mut buf = io::BufWriter::with_capacity(1 << 16, &mut *out);
        serde_json::to_writer_pretty(
            &mut buf,
            &Out { findings: Findings(report), summary: report.summary, metrics: report.metrics.as_ref() },
        )?;
        writeln!(buf)?;
        buf.flush()
    }
}
