//! Policy, applied once after all rules ran: per-rule severity overrides and `off` from the config.
//! Rules never see these settings (the cargo-deny "sink" design), so a rule's logic is the same
//! whatever a team decides about its severity.

use crate::config::Config;
use crate::finding::Finding;
use crate::rules::Registry;

/// Applies the config's `rules:` settings: drops findings of rules turned off, re-levels the rest.
pub fn apply(findings: Vec<Finding>, config: &Config, _registry: &Registry) -> Vec<Finding> {
    findings
        .into_iter()
        .filter_map(|mut f| {
            let level = config.level_of(&f.rule, f.severity)?;
            f.severity = level;
            Some(f)
        })
        .collect()
}
