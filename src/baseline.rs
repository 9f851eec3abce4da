//! Fingerprints and baselines, for gradual adoption and PR-only runs.
//!
//! A fingerprint is rule + file + entity (+ a discriminator such as the dependency's team or the field
//! of a schema violation), hashed: it survives lines moving and unrelated edits. When two findings of a
//! run share one (the same mistake twice on one entity), the later ones get `#2`, `#3` … so every finding
//! has a unique fingerprint.

use std::collections::HashMap;

use crate::finding::Finding;
use crate::load::SourceMap;

/// The fingerprint of every finding, in order.
pub fn fingerprints(findings: &[Finding], sources: &SourceMap) -> Vec<String> {
    let mut seen: crate::fxhash::FxHashMap<u64, u32> = Default::default();
    findings
        .iter()
        .map(|f| {
            let mut h = Fnv::new();
            h.write(f.rule.as_bytes());
            h.write(sources.get(f.file).path.as_bytes());
            h.write(f.entity.kind.as_str().as_bytes());
            h.write(f.entity.id.as_deref().unwrap_or("").as_bytes());
            h.write(f.discriminator.as_deref().unwrap_or("").as_bytes());
            let base = h.finish();
            let n = seen.entry(base).or_insert(0);
            *n += 1;
            if *n == 1 {
                hex16(base)
            } else {
                let mut h = Fnv(base);
                h.write(&n.to_le_bytes());
                hex16(h.finish())
            }
        })
        .collect()
}

/// `format!("{v:016x}")`, without the formatting machinery (a fingerprint per finding: tens of thousands).
fn hex16(v: u64) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    (0..16).rev().map(|i| char::from(HEX[(v >> (i * 4)) as usize & 0xf])).collect()
}

/// FNV-1a, 64 bit: tiny, stable across platforms and releases (unlike `DefaultHasher`).
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes.iter().chain(std::iter::once(&0xffu8)) {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A baseline file: today's findings, by fingerprint, with enough context to read it in review.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct BaselineFile {
    pub tool: String,
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    #[serde(default)]
    pub entity: Option<String>,
    #[serde(default)]
    pub message: String,
}

impl BaselineFile {
    pub fn of(findings: &[Finding], fingerprints: &[String], sources: &SourceMap) -> BaselineFile {
        let findings = findings
            .iter()
            .zip(fingerprints)
            .map(|(f, fp)| BaselineEntry {
                fingerprint: fp.clone(),
                rule: f.rule.to_string(),
                file: sources.get(f.file).path.clone(),
                entity: f.entity.id.as_ref().map(|id| format!("{} {id}", f.entity.kind.as_str())),
                message: f.message.clone(),
            })
            .collect();
        BaselineFile { tool: "roadmap-audit".into(), version: 1, findings }
    }

    pub fn read(path: &std::path::Path) -> Result<BaselineFile, crate::error::RunError> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| crate::error::RunError::msg(format!("cannot read baseline `{shown}`: {e}")))?;
        let b: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            crate::error::RunError::msg(format!(
                "`{shown}` is not a roadmap-audit baseline ({e}); write one with `--write-baseline {shown}`"
            ))
        })?;
        if b.tool != "roadmap-audit" || b.version != 1 {
            return Err(crate::error::RunError::msg(format!("`{shown}` is not a version-1 roadmap-audit baseline")));
        }
        Ok(b)
    }
}

/// Splits findings into those not in `known` (kept, with their fingerprints) and counts the rest.
/// `known` is a multiset: a fingerprint recorded twice hides two findings. Returns (unchanged, fixed).
pub fn subtract(
    findings: &mut Vec<Finding>,
    fingerprints: &mut Vec<String>,
    known: impl IntoIterator<Item = String>,
) -> (usize, usize) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for k in known {
        *counts.entry(k).or_default() += 1;
    }
    let mut unchanged = 0;
    let mut keep_f = Vec::with_capacity(findings.len());
    let mut keep_p = Vec::with_capacity(findings.len());
    for (f, fp) in findings.drain(..).zip(fingerprints.drain(..)) {
        match counts.get_mut(&fp) {
            Some(n) if *n > 0 => {
                *n -= 1;
                unchanged += 1;
            }
            _ => {
                keep_f.push(f);
                keep_p.push(fp);
            }
        }
    }
    *findings = keep_f;
    *fingerprints = keep_p;
    (unchanged, counts.values().sum())
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex16_writes_what_format_writes() {
        for v in [0, 1, 0xf, 0x10, 0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, u64::MAX, 0x8000_0000_0000_0000] {
            assert_eq!(super::hex16(v), format!("{v:016x}"));
        }
    }
}
