//! `--format github`: GitHub Actions workflow commands (`::error file=…,line=…::message`), which the
//! runner turns into annotations on the pull request's changed lines.
//!
//! GitHub attaches at most 10 annotations of each level per step, so errors come first, each level is
//! capped, the findings beyond the caps are printed as plain log lines, and a closing notice says how many
//! were not annotated.

use std::io::{self, Write};

use super::{location, title, Render, Report};
use crate::finding::{Finding, Severity};

pub struct Github;

/// Annotations GitHub shows per level and step.
pub const PER_LEVEL: usize = 10;

/// Escapes a property value: `%` first, then CR, LF, `:` and `,` (the runner's `UnescapeProperty`).
pub fn escape_property(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A").replace(':', "%3A").replace(',', "%2C")
}

/// Escapes the message: `%` first, then CR and LF (`:` and `,` stay raw there).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn annotation(report: &Report<'_>, f: &Finding) -> String {
    let (start, end) = location(report.sources, f);
    let mut props = format!("file={},line={},endLine={}", escape_property(&report.repo_path(f)), start.line, end.line);
    if start.line == end.line {
        props.push_str(&format!(",col={},endColumn={}", start.column, end.column.max(start.column)));
    }
    let t = format!("{} ({})", title(report.registry, &f.rule), f.rule);
    props.push_str(&format!(",title={}", escape_property(&t)));
    let mut message = f.message.clone();
    if let Some(h) = &f.help {
        message.push_str(&format!("\n{h}"));
    }
    // GitHub truncates messages at 4096 characters.
    if message.chars().count() > 4000 {
        message = message.chars().take(3999).collect::<String>() + "…";
    }
    format!("::{} {props}::{}", command(f.severity), escape_data(&message))
}

impl Render for Github {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut order: Vec<&Finding> = report.findings.iter().collect();
        order.sort_by_key(|f| std::cmp::Reverse(f.severity)); // stable: file order within a level
        let notices = report.findings.iter().filter(|f| f.severity == Severity::Info).count();
        let over = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count().saturating_sub(PER_LEVEL);
        let hidden_before_notices = over(Severity::Error) + over(Severity::Warning);
        // When anything is left over, one notice slot is kept for the closing "not shown" notice.
        let notice_cap = if hidden_before_notices > 0 || notices > PER_LEVEL { PER_LEVEL - 1 } else { PER_LEVEL };
        let mut shown = [0usize; 3];
        let mut rest: Vec<&Finding> = Vec::new();
        for f in order {
            let i = f.severity as usize;
            let cap = if f.severity == Severity::Info { notice_cap } else { PER_LEVEL };
            if shown[i] < cap {
                shown[i] += 1;
                writeln!(out, "{}", annotation(report, f))?;
            } else {
                rest.push(f);
            }
        }
        if !rest.is_empty() {
            for f in &rest {
                let (start, _) = location(report.sources, f);
                let message = f.message.replace(['\r', '\n'], " ");
                writeln!(
                    out,
                    "{}:{}:{}: {}[{}] {message}",
                    report.repo_path(f),
                    start.line,
                    start.column,
                    f.severity,
                    f.rule
                )?;
            }
            let msg = format!(
                "{} more findings were not annotated (GitHub shows {PER_LEVEL} annotations of each level per step); they are listed in the log above. Run roadmap-audit locally or upload SARIF to see them all.",
                rest.len()
            );
            writeln!(out, "::notice title={}::{}", escape_property("roadmap-audit"), escape_data(&msg))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_property("a:b,c%d\ne\r"), "a%3Ab%2Cc%25d%0Ae%0D");
        assert_eq!(escape_data("50%: a, b\nc"), "50%25: a, b%0Ac");
    }
}
