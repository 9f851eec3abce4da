//! `--format json`: the contract's shape — `findings` (rule, severity, message, help, file, 1-based
//! line/column and end, entity) and `summary` (files, errors, warnings, infos).

use std::io::{self, Write};

use serde::Serialize;

use super::{location, Render, Report};
use crate::finding::{Entity, Severity};

pub struct Json;

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

impl<'a> JsonFinding<'a> {
    fn of(report: &Report<'a>, i: usize) -> JsonFinding<'a> {
        let f = &report.findings[i];
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
            fingerprint: &report.fingerprints[i],
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
    }
}

/// Findings serialized per part (a part is ~250 KB of JSON).
const CHUNK: usize = 256;

impl Render for Json {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        // serde_json's pretty layout, written in parts: the findings (tens of thousands in a big roadmap) in
        // chunks made on `jobs` threads, each into its own buffer, and written in order as they come, a few
        // at a time (so the buffers' memory is reused, not all of the output held at once). Each part is
        // serialized at the depth where it sits in the document, so the bytes are what one
        // `to_writer_pretty` of the whole document would write.
        let mut buf = io::BufWriter::with_capacity(1 << 16, &mut *out);
        buf.write_all(b"{\n  \"findings\": [")?;
        let n = report.findings.len();
        let make = |part: usize| -> io::Result<Vec<u8>> {
            let mut bytes = Vec::new();
            for i in part * CHUNK..((part + 1) * CHUNK).min(n) {
                bytes.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
                write_at(&mut bytes, 2, &JsonFinding::of(report, i))?;
            }
            Ok(bytes)
        };
        // (Threads only for more than a few parts: starting them costs more than serializing a few hundred.)
        let jobs = if n > 8 * CHUNK { report.jobs } else { 1 };
        crate::parallel::ordered(n.div_ceil(CHUNK), jobs, 2 * jobs, make, |part| buf.write_all(&part?))?;
        buf.write_all(if n == 0 { b"]" } else { b"\n  ]" })?;
        buf.write_all(b",\n  \"summary\": ")?;
        write_at(&mut buf, 1, &report.summary)?;
        if let Some(metrics) = &report.metrics {
            buf.write_all(b",\n  \"metrics\": ")?;
            write_at(&mut buf, 1, metrics)?;
        }
        buf.write_all(b"\n}\n")?;
        buf.flush()
    }
}

/// Serializes `value` with serde_json's pretty layout as if it sat `depth` levels into a document: its
/// `PrettyFormatter`, first taken `depth` levels in (opening arrays into a sink), so that it indents from
/// there.
fn write_at<W: Write, T: Serialize + ?Sized>(w: W, depth: usize, value: &T) -> io::Result<()> {
    use serde_json::ser::Formatter;
    let mut pretty = serde_json::ser::PrettyFormatter::new();
    for _ in 0..depth {
        pretty.begin_array(&mut io::sink())?;
    }
    value.serialize(&mut serde_json::Serializer::with_formatter(w, pretty)).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_at_a_depth_is_serde_jsons_pretty_there() {
        let v = serde_json::json!({"a": [1, {"b": [], "c": {}}, [2, [3]]], "d": {"e": null, "f": "x"}, "g": []});
        let mut ours = Vec::new();
        write_at(&mut ours, 0, &v).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string_pretty(&v).unwrap());
        // Two levels in: what a whole document's pretty print shows at `[[v]]`'s inner element.
        let mut ours = Vec::new();
        write_at(&mut ours, 2, &v).unwrap();
        let whole = serde_json::to_string_pretty(&serde_json::json!([[v]])).unwrap();
        let inner = whole.strip_prefix("[\n  [\n    ").unwrap().strip_suffix("\n  ]\n]").unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), inner);
    }
}
