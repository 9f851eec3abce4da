//! `--compare previous.json`: the change of every headline metric since a JSON audit saved earlier, and
//! the findings new and fixed since then (matched by fingerprint, which survives lines moving).

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use super::aggregate::Row;
use super::metrics::{Metrics, RATIOS};
use crate::error::RunError;
use crate::finding::Severity;

/// A finding of the previous audit, as its JSON says.
#[derive(Clone, Debug)]
pub struct PrevFinding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub line: u64,
    pub fingerprint: String,
}

/// The previous audit.
pub struct Previous {
    pub path: String,
    pub metrics: Option<Value>,
    pub findings: Vec<PrevFinding>,
}

fn not_an_audit(path: &str, why: &str) -> RunError {
    RunError::msg(format!(
        "`{path}` is not a JSON audit ({why}); --compare takes a file saved earlier with \
         `roadmap-audit --format json PATH... > previous.json`"
    ))
}

impl Previous {
    pub fn load(path: &Path) -> Result<Previous, RunError> {
        let display = path.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(path).map_err(|e| RunError::msg(format!("cannot read `{display}`: {e}")))?;
        let v: Value =
            serde_json::from_slice(&bytes).map_err(|e| not_an_audit(&display, &format!("it is not JSON: {e}")))?;
        Previous::from_json(&display, &v)
    }

    pub fn from_json(display: &str, v: &Value) -> Result<Previous, RunError> {
        let (Some(findings), Some(_)) =
            (v.get("findings").and_then(Value::as_array), v.get("summary").and_then(Value::as_object))
        else {
            return Err(not_an_audit(display, "it has no `findings` list and `summary`"));
        };
        let mut out = Vec::with_capacity(findings.len());
        for (i, f) in findings.iter().enumerate() {
            let text = |k: &str| f.get(k).and_then(Value::as_str);
            let (Some(rule), Some(sev), Some(fingerprint)) =
                (text("rule"), text("severity").and_then(Severity::parse), text("fingerprint"))
            else {
                return Err(not_an_audit(
                    display,
                    &format!("finding {} lacks a `rule`, `severity` or `fingerprint`; older versions did not write fingerprints", i + 1),
                ));
            };
            out.push(PrevFinding {
                rule: rule.to_owned(),
                severity: sev,
                message: text("message").unwrap_or_default().to_owned(),
                file: text("file").unwrap_or_default().to_owned(),
                line: f.get("line").and_then(Value::as_u64).unwrap_or(0),
                fingerprint: fingerprint.to_owned(),
            });
        }
        let metrics = v.get("metrics").filter(|m| m.is_object()).cloned();
        Ok(Previous { path: display.to_owned(), metrics, findings: out })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A share, shown in percent; changes in percentage points.
    Percent,
    Count,
    Score,
}

/// The change of one headline metric.
#[derive(Clone, Debug)]
pub struct Delta {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub lower_is_better: bool,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Better,
    Worse,
    Same,
    Unknown,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl Delta {
    /// after − before, as shown (percentages with one decimal).
    pub fn change(&self) -> Option<f64> {
        let c = round1(self.after? - self.before?);
        Some(if c == 0.0 { 0.0 } else { c }) // never "-0"
    }
    pub fn value_text(&self, v: Option<f64>) -> String {
        match (v, self.unit) {
            (None, _) => "–".to_owned(),
            (Some(v), Unit::Percent) => format!("{v:.1}%"),
            (Some(v), _) => format!("{v:.0}"),
        }
    }
    /// "+12.5 pp", "-3", "0".
    pub fn change_text(&self) -> String {
        match (self.change(), self.unit) {
            (None, _) => "–".to_owned(),
            (Some(0.0), Unit::Percent) => "0.0 pp".to_owned(),
            (Some(c), Unit::Percent) => format!("{c:+.1} pp"),
            (Some(0.0), _) => "0".to_owned(),
            (Some(c), _) => format!("{c:+.0}"),
        }
    }
    pub fn verdict(&self) -> Verdict {
        match self.change() {
            None => Verdict::Unknown,
            Some(0.0) => Verdict::Same,
            Some(c) if (c < 0.0) == self.lower_is_better => Verdict::Better,
            Some(_) => Verdict::Worse,
        }
    }
}

pub struct Comparison {
    pub path: String,
    pub previous_as_of: Option<String>,
    /// False when the previous file carries no `metrics` (only findings are compared).
    pub has_metrics: bool,
    pub deltas: Vec<Delta>,
    /// Indices into the report's rows.
    pub new: Vec<usize>,
    pub fixed: Vec<PrevFinding>,
}

/// The headline metrics every comparison lists, as (key, label, unit, lower is better).
fn percent_of(m: &Value, key: &str) -> Option<f64> {
    m.get(key)?.get("ratio")?.as_f64().map(|r| round1(r * 100.0))
}

pub fn compare(prev: &Previous, metrics: &Metrics, rows: &[Row<'_>]) -> Comparison {
    let empty = Value::Null;
    let pm = prev.metrics.as_ref().unwrap_or(&empty);
    let now = serde_json::to_value(metrics).unwrap_or_default();
    let mut deltas = Vec::new();
    let score = |m: &Value| m.get("health_score").and_then(|h| h.get("value")).and_then(Value::as_f64);
    deltas.push(Delta {
        key: "health_score",
        label: "Health score",
        unit: Unit::Score,
        lower_is_better: false,
        before: score(pm),
        after: score(&now),
    });
    for (key, label, lower) in RATIOS {
        deltas.push(Delta {
            key,
            label,
            unit: Unit::Percent,
            lower_is_better: lower,
            before: percent_of(pm, key),
            after: percent_of(&now, key),
        });
    }
    let count = |m: &Value, group: &str, key: &str| m.get(group).and_then(|g| g.get(key)).and_then(Value::as_f64);
    for (group, key, label) in [
        ("findings", "errors", "Errors"),
        ("findings", "warnings", "Warnings"),
        ("findings", "infos", "Infos"),
        ("gaps", "listening", "Listening-gap findings"),
        ("gaps", "design", "Design-gap findings"),
        ("gaps", "delivery", "Delivery-gap findings"),
        ("gaps", "communication", "Communication-gap findings"),
        ("gaps", "structure", "Structure findings"),
    ] {
        deltas.push(Delta {
            key,
            label,
            unit: Unit::Count,
            lower_is_better: true,
            before: count(pm, group, key),
            after: count(&now, group, key),
        });
    }
    let before: HashSet<&str> = prev.findings.iter().map(|f| f.fingerprint.as_str()).collect();
    let after: HashSet<&str> = rows.iter().map(|r| r.fingerprint.as_str()).collect();
    Comparison {
        path: prev.path.clone(),
        previous_as_of: pm.get("as_of").and_then(Value::as_str).map(str::to_owned),
        has_metrics: prev.metrics.is_some(),
        deltas,
        new: rows
            .iter()
            .enumerate()
            .filter(|(_, r)| !before.contains(r.fingerprint.as_str()))
            .map(|(i, _)| i)
            .collect(),
        fixed: prev.findings.iter().filter(|f| !after.contains(f.fingerprint.as_str())).cloned().collect(),
    }
}
