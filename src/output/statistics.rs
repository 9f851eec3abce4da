//! `--statistics`: how many findings each rule has, most serious first — the first view of a big,
//! messy roadmap.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{title, Render, Report};
use crate::finding::Severity;

pub struct Statistics {
    pub quiet: bool,
}

impl Render for Statistics {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut by_rule: BTreeMap<(std::cmp::Reverse<Severity>, &str), usize> = BTreeMap::new();
        for f in report.findings {
            *by_rule.entry((std::cmp::Reverse(f.severity), f.rule.as_ref())).or_default() += 1;
        }
        let mut rows: Vec<_> = by_rule.into_iter().collect();
        rows.sort_by(|a, b| {
            (a.0 .0, std::cmp::Reverse(a.1)).cmp(&(b.0 .0, std::cmp::Reverse(b.1))).then(a.0 .1.cmp(b.0 .1))
        });
        let w = rows.iter().map(|((_, r), _)| r.len()).max().unwrap_or(4);
        for ((sev, rule), n) in &rows {
            writeln!(out, "{n:>5}  {rule:<w$}  {:<7}  {}", sev.0.as_str(), title(report.registry, rule))?;
        }
        if !self.quiet {
            writeln!(out, "{}", report.summary.sentence())?;
        }
        Ok(())
    }
}
