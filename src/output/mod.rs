//! Output: findings rendered for people and machines. One module per format; all of them read the same
//! [`Report`], so adding a format is adding a module.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod short;
pub mod statistics;

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
use crate::load::{LineCol, SourceMap};
use crate::model::Model;
use crate::rules::Registry;

/// What a renderer needs: the findings to show, the files they point into, and the counts.
pub struct Report<'a> {
    pub sources: &'a SourceMap,
    pub findings: &'a [Finding],
    pub summary: Summary,
    /// Headline metrics of the audit (see `report::metrics`), for formats that carry them.
    pub metrics: Option<serde_json::Value>,
    /// The rule catalogue (SARIF describes every rule; others look up titles).
    pub registry: &'a Registry,
    /// The audited model (JUnit has one test case per entity). `None` for run errors.
    pub model: Option<&'a Model>,
    /// One fingerprint per finding (see `baseline`), in the same order.
    pub fingerprints: &'a [String],
    /// Findings that a baseline or `--new-since` hid, and those of the baseline that are gone.
    pub baseline: Option<BaselineSummary>,
    /// Findings not printed because of `--max-findings` (the summary counts them).
    pub hidden: usize,
    /// Threads a format may use (`--jobs`).
    pub jobs: usize,
}

/// What a baseline comparison found, for the closing summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct BaselineSummary {
    /// Findings also in the baseline, not reported.
    pub unchanged: usize,
    /// Findings of the baseline that no longer occur.
    pub fixed: usize,
}

impl Report<'_> {
    /// The path of a finding's file as CI systems want it: relative to the repository root when the file
    /// is inside a git work tree, `/`-separated.
    pub fn repo_path(&self, f: &Finding) -> String {
        repo_relative(&self.sources.get(f.file).path)
    }
}

/// A path (as shown, relative to the working directory) made relative to the enclosing git work tree.
pub fn repo_relative(shown: &str) -> String {
    use std::path::{Component, Path, PathBuf};
    let Ok(cwd) = std::env::current_dir() else { return shown.to_owned() };
    let abs = if Path::new(shown).is_absolute() { PathBuf::from(shown) } else { cwd.join(shown) };
    // Normalise `..` and `.` lexically (the file may be a symlink; its shown path is what the user wrote).
    let mut norm = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                norm.pop();
            }
            Component::CurDir => {}
            other => norm.push(other),
        }
    }
    let root = norm.ancestors().skip(1).find(|d| d.join(".git").exists());
    match root.and_then(|r| norm.strip_prefix(r).ok()) {
        Some(rel) => rel.to_string_lossy().replace('\\', "/"),
        None => shown.to_owned(),
    }
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
    /// "Found 3 errors, 2 warnings, 0 infos in 2 files." (or "No findings in 2 files.").
    pub fn sentence(&self) -> String {
        let files = plural(self.files, "file");
        if self.errors + self.warnings + self.infos == 0 {
            return format!("No findings in {files}.");
        }
        let (e, w, i) = (plural(self.errors, "error"), plural(self.warnings, "warning"), plural(self.infos, "info"));
        format!("Found {e}, {w}, {i} in {files}.")
    }

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

/// Percent-encodes a `/`-separated path for a relative URI reference (SARIF locations, report links):
/// everything but unreserved characters and `/`.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A rule's title, or its id when unknown.
pub fn title<'a>(registry: &'a Registry, rule: &'a str) -> &'a str {
    registry.get(rule).map_or(rule, |r| r.title.as_str())
}

/// Start and end of a finding, 1-based, in characters; the end is exclusive (the column just after the node).
pub fn location(sources: &SourceMap, f: &Finding) -> (LineCol, LineCol) {
    sources.get(f.file).span_line_cols(f.span)
}

/// "3 errors", "1 warning", "0 infos".
pub fn plural(n: usize, one: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        _ => format!("{n} {one}s"),
    }
}
