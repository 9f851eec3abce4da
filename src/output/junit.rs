//! `--format junit`: JUnit XML for CI test-report views — one `<testsuite>` per audited file, one
//! `<testcase>` per entity audited (objective, KPI, problem, item; plus the file itself for findings about
//! the document), a `<failure>` per finding at or above the fail level's lowest severity shown.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{location, Render, Report};
use crate::finding::{EntityKind, Finding};
use crate::load::FileId;

pub struct Junit;

/// XML-escapes text for attributes and content; drops characters XML 1.0 cannot carry.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A test case: the entity and its findings.
struct Case<'a> {
    kind: EntityKind,
    id: String,
    findings: Vec<&'a Finding>,
}

impl Render for Junit {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        // Per file: the document case first, then entities in model order.
        let mut files: BTreeMap<FileId, Vec<Case<'_>>> = BTreeMap::new();
        for (id, _) in report.sources.iter() {
            files.insert(id, vec![Case { kind: EntityKind::Document, id: String::new(), findings: Vec::new() }]);
        }
        if let Some(model) = report.model {
            for e in model.entities() {
                let (id, meta) = model.meta(e);
                if let Some(cases) = files.get_mut(&meta.file) {
                    if !cases.iter().any(|c| c.kind == e.kind && c.id == id) {
                        cases.push(Case { kind: e.kind, id: id.to_owned(), findings: Vec::new() });
                    }
                }
            }
        }
        for f in report.findings {
            let Some(cases) = files.get_mut(&f.file) else { continue };
            // Evidence and waiver findings belong to the entity that carries them.
            let (kind, id) = match (&f.entity.kind, &f.entity.id) {
                (EntityKind::Evidence | EntityKind::Waiver, Some(id)) => {
                    let owner = id.split('/').next().unwrap_or(id);
                    let kind = cases.iter().find(|c| c.id == owner).map_or(EntityKind::Document, |c| c.kind);
                    (kind, owner.to_owned())
                }
                (k, Some(id)) => (*k, id.clone()),
                (_, None) => (EntityKind::Document, String::new()),
            };
            match cases.iter_mut().find(|c| c.kind == kind && c.id == id) {
                Some(c) => c.findings.push(f),
                None => cases.push(Case { kind, id, findings: vec![f] }),
            }
        }
        let total_tests: usize = files.values().map(Vec::len).sum();
        let total_failures: usize = files.values().flatten().filter(|c| !c.findings.is_empty()).count();
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="roadmap-audit" tests="{total_tests}" failures="{total_failures}" errors="0" time="0">"#
        )?;
        for (file, cases) in &files {
            let path = report.sources.get(*file).path.as_str();
            let failures = cases.iter().filter(|c| !c.findings.is_empty()).count();
            writeln!(
                out,
                r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="0" time="0">"#,
                xml(path),
                cases.len()
            )?;
            for c in cases {
                let name = match c.kind {
                    EntityKind::Document => "document".to_owned(),
                    k => format!("{} {}", k.noun(), c.id),
                };
                let classname = format!("roadmap-audit.{}", path.replace(['/', '.'], "_"));
                if c.findings.is_empty() {
                    writeln!(out, r#"    <testcase classname="{}" name="{}" time="0"/>"#, xml(&classname), xml(&name))?;
                    continue;
                }
                writeln!(out, r#"    <testcase classname="{}" name="{}" time="0">"#, xml(&classname), xml(&name))?;
                for f in &c.findings {
                    let (start, _) = location(report.sources, f);
                    let mut body =
                        format!("{path}:{}:{}: {}[{}] {}", start.line, start.column, f.severity, f.rule, f.message);
                    if let Some(h) = &f.help {
                        body.push_str(&format!("\nhelp: {h}"));
                    }
                    writeln!(
                        out,
                        r#"      <failure type="{}" message="{}">{}</failure>"#,
                        xml(&f.rule),
                        xml(&format!("{}: {}", f.severity, f.message)),
                        xml(&body)
                    )?;
                }
                writeln!(out, "    </testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(xml("<a href=\"x\">&'\u{1}"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
    }
}
