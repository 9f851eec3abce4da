//! `--format human`: miette's graphical reports — the source snippet, a label on the node, the help —
//! followed by a one-line summary. Colour only when asked for (the binary decides: terminal, `NO_COLOR`).

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};

use super::{location, plural, Render, Report};
use crate::finding::{Finding, Severity};
use crate::load::{SourceFile, SourceMap, Span};

/// Lines longer than this are not shown as a snippet (a minified one-line file would flood the terminal).
const MAX_SNIPPET_LINE: usize = 400;

pub struct Human {
    pub color: bool,
    pub width: usize,
    /// No closing summary line.
    pub quiet: bool,
}

impl Render for Human {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let theme = if self.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(self.width).with_links(false);
        for f in report.findings {
            let diag = Diag::new(f, report.sources);
            let mut s = String::new();
            handler.render_report(&mut s, &diag).map_err(|_| io::Error::other("cannot render diagnostic"))?;
            out.write_all(s.as_bytes())?;
            writeln!(out)?;
        }
        if report.hidden > 0 {
            writeln!(out, "… and {} not shown (--max-findings).", plural(report.hidden, "more finding"))?;
        }
        if self.quiet {
            return Ok(());
        }
        writeln!(out, "{}", report.summary.sentence())?;
        if !report.findings.is_empty() {
            writeln!(out, "Run `roadmap-audit explain RULE` to see why a rule matters and how to fix its findings.")?;
        }
        if let Some(b) = report.baseline {
            writeln!(
                out,
                "Baseline: {} unchanged (not shown), {} fixed.",
                plural(b.unchanged, "finding"),
                plural(b.fixed, "finding")
            )?;
        }
        Ok(())
    }
}

/// A finding as a miette diagnostic. Labels in the same file are drawn in the snippet; labels in other
/// files become related notes with their own snippet.
struct Diag<'a> {
    finding: &'a Finding,
    code: String,
    message: String,
    severity: miette::Severity,
    source: Option<FileSource<'a>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<Diag<'a>>,
}

impl<'a> Diag<'a> {
    fn new(f: &'a Finding, sources: &'a SourceMap) -> Diag<'a> {
        let file = sources.get(f.file);
        let mut help = f.help.as_deref().map(str::to_owned);
        let snippet = shows_snippet(file, f.span)
            && f.labels.iter().filter(|l| l.file == f.file).all(|l| shows_snippet(file, l.span));
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if snippet {
            labels.push(LabeledSpan::new_primary_with_span(None, source_span(file, f.span)));
        } else {
            let (start, _) = location(sources, f);
            let at = format!("at {}:{}:{}", file.path, start.line, start.column);
            help = Some(match help {
                Some(h) => format!("{h}\n{at}"),
                None => at,
            });
        }
        for l in &f.labels {
            let lf = sources.get(l.file);
            if l.file == f.file && snippet {
                labels.push(LabeledSpan::new_with_span(Some(l.message.clone()), source_span(lf, l.span)));
            } else {
                let lc = lf.line_col(l.span.start);
                let show = shows_snippet(lf, l.span);
                related.push(Diag {
                    finding: f,
                    code: String::new(),
                    message: format!("{} ({}:{}:{})", l.message, lf.path, lc.line, lc.column),
                    severity: miette::Severity::Advice,
                    source: show.then_some(FileSource { file: lf }),
                    labels: if show {
                        vec![LabeledSpan::new_with_span(Some(l.message.clone()), source_span(lf, l.span))]
                    } else {
                        vec![]
                    },
                    help: None,
                    related: Vec::new(),
                });
            }
        }
        Diag {
            finding: f,
            code: if f.rule.is_empty() { String::new() } else { format!("{}[{}]", f.severity, f.rule) },
            message: f.message.clone(),
            severity: match f.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            source: snippet.then_some(FileSource { file }),
            labels,
            help,
            related,
        }
    }
}

fn shows_snippet(file: &SourceFile, span: Span) -> bool {
    let lc = file.line_col(span.start);
    file.line_range(lc.line).len() <= MAX_SNIPPET_LINE && !file.text.is_empty()
}

/// A span as miette wants it. Spans over many lines (a whole mapping) are cut to their first line so the
/// snippet stays readable.
fn source_span(file: &SourceFile, span: Span) -> SourceSpan {
    let line = file.line_col(span.start).line;
    let line_end = file.line_range(line).end;
    let end = (span.end as usize).min(line_end.max(span.start as usize));
    SourceSpan::new((span.start as usize).into(), end - span.start as usize)
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diag").field("rule", &self.finding.rule).finish()
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)) as Box<dyn Iterator<Item = &dyn Diagnostic>>
        })
    }
}

/// A file as miette source, without copying its text. The header's column is re-computed in characters
/// (miette counts bytes, which is wrong after any non-ASCII text on the line).
struct FileSource<'a> {
    file: &'a SourceFile,
}

impl SourceCode for FileSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.file.text.as_ref().read_span(span, before, after)?;
        let column = self.file.line_col(span.offset() as u32).column as usize - 1;
        let column = if before == 0 && after == 0 { column } else { inner.column() };
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.path.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}
