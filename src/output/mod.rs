//! Output: findings rendered for people and machines. One module per format; all of them read the same
//! [`Report`], so adding a format is adding a module.

pub mod human;
pub mod json;
pub mod short;

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
use crate::load::{LineCol, SourceMap};

/// What a renderer needs: the findings to show, the files they point into, and the counts.
pub struct Report<'a> {
    pub sources: &'a SourceMap,
    pub findings: &'a [Finding],
    pub summary: Summary,
    /// Headline metrics of the audit (see `report::metrics`), for formats that carry them.
    pub metrics: Option<serde_json::Value>,
}

/// Counts for the closing line and the JSON `summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(files: usize, findings: &[Finding]) -> Summary {
        let mut s = Summary { files, ..Summary::default() };
        for f in findings {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// A way of printing a report.
pub trait Render {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// Start and end of a finding, 1-based, in characters; the end is exclusive (the column just after the node).
pub fn location(sources: &SourceMap, f: &Finding) -> (LineCol, LineCol) {
    let file = sources.get(f.file);
    let start = file.line_col(f.span.start);
    let end = if f.span.is_empty() { start } else { file.line_col(f.span.end) };
    (start, end)
}

/// "3 errors", "1 warning", "0 infos".
pub fn plural(n: usize, one: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        _ => format!("{n} {one}s"),
    }
}
