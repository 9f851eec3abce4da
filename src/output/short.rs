//! `--format short`: one `file:line:col: severity[rule] message` line per finding, for editors and grep.

use std::io::{self, Write};

use super::{location, Render, Report};

pub struct Short;

impl Render for Short {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        for f in report.findings {
            let (start, _) = location(report.sources, f);
            let path = &report.sources.get(f.file).path;
            let message = f.message.replace(['\n', '\r'], " ");
            writeln!(out, "{path}:{}:{}: {}[{}] {message}", start.line, start.column, f.severity, f.rule)?;
        }
        Ok(())
    }
}
