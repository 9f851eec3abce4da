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
    let mut seen: HashMap<u64, u32> = HashMap::new();
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
                format!("{base:016x}")
            } else {
                let mut h = Fnv(base);
                h.write(&n.to_le_bytes());
                format!("{:016x}", h.finish())
            }
        })
        .collect()
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
