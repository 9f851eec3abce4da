//! Policy, applied once after all rules ran: per-rule severity overrides and `off` from the config, and
//! the waivers written on entities. Rules never see these settings (the cargo-deny "sink" design), so a
//! rule's logic is the same whatever a team decides about its severity.
//!
//! A live waiver (no `expires`, or `expires` on or after the audit date) silences its rule on its entity
//! and is then "used". An expired waiver silences nothing and is reported (`expired-waiver`); a live one
//! that silenced nothing is reported too (`unused-waiver`), unless its rule is turned off in the config.
//! A waiver naming a rule that does not exist is a `schema-violation`.

use crate::config::Config;
use crate::date::Date;
use crate::finding::{Entity, EntityKind, Finding, Severity};
use crate::model::{Meta, Model, Waiver};
use crate::rules::Registry;
use crate::suggest::did_you_mean;

pub const EXPIRED_WAIVER: &str = "expired-waiver";
pub const UNUSED_WAIVER: &str = "unused-waiver";

/// How many findings [`apply`] adds at most: one per waiver (expired, unused, or naming no rule).
pub fn added_at_most(model: &Model) -> usize {
    model.waived.iter().map(|&e| model.meta(e).1.waivers().len()).sum()
}

/// Applies waivers, then the config's `rules:` settings (off rules dropped, severities re-levelled).
pub fn apply(findings: Vec<Finding>, model: &Model, config: &Config, registry: &Registry, as_of: Date) -> Vec<Finding> {
    let mut findings = findings;
    let mut extra = Vec::new();

    // Live waivers by (entity kind, id, rule) → used flag.
    struct Live<'a> {
        kind: EntityKind,
        id: &'a str,
        meta: &'a Meta,
        waiver: &'a Waiver,
        used: bool,
    }
    let mut live: Vec<Live<'_>> = Vec::new();
    let mut index: crate::fxhash::FxHashMap<(EntityKind, &str, &str), Vec<usize>> = Default::default();
    for &e in &model.waived {
        let (id, meta) = model.meta(e);
        for w in meta.waivers() {
            let default = match registry.get(&w.rule) {
                Some(r) => r.severity,
                None => {
                    let mut message = format!("waiver on {} {id} names an unknown rule `{}`", e.kind.noun(), w.rule);
                    if let Some(s) = did_you_mean(&w.rule, registry.ids()) {
                        message.push_str(&format!("; did you mean `{s}`?"));
                    }
                    let f = Finding::new(
                        crate::schema::RULE,
                        Severity::Error,
                        meta.file,
                        w.rule_span,
                        Entity::new(e.kind, id),
                        message,
                    )
                    .with_help("`roadmap-audit rules` lists the rule ids; a misspelt waiver silences nothing");
                    extra.push(f);
                    continue;
                }
            };
            let waiver_entity = Entity::new(EntityKind::Waiver, format!("{id}/waivers/{}", w.rule));
            match w.expires {
                Some(exp) if exp < as_of => {
                    let f = Finding::new(
                        EXPIRED_WAIVER,
                        Severity::Warning,
                        meta.file,
                        w.span,
                        waiver_entity,
                        format!("waiver for `{}` on {} {id} expired on {exp}", w.rule, e.kind.noun()),
                    )
                    .with_help(
                        "the waived finding is reported again; fix it, or renew the waiver with a new `expires` and \
                         a reason that still holds",
                    );
                    extra.push(f);
                }
                _ => {
                    if config.level_of(&w.rule, default).is_none() {
                        continue; // rule off: the waiver has nothing to do, and is not wrong either
                    }
                    index.entry((e.kind, id, w.rule.as_str())).or_default().push(live.len());
                    live.push(Live { kind: e.kind, id, meta, waiver: w, used: false });
                }
            }
        }
    }

    findings.retain(|f| {
        let Some(id) = f.entity.id.as_deref() else { return true };
        match index.get(&(f.entity.kind, id, f.rule.as_ref())) {
            Some(ws) => {
                for &i in ws {
                    live[i].used = true;
                }
                false
            }
            None => true,
        }
    });

    for l in live.iter().filter(|l| !l.used) {
        let f = Finding::new(
            UNUSED_WAIVER,
            Severity::Info,
            l.meta.file,
            l.waiver.span,
            Entity::new(EntityKind::Waiver, format!("{}/waivers/{}", l.id, l.waiver.rule)),
            format!(
                "waiver for `{}` on {} {} silences nothing: the rule does not fire there",
                l.waiver.rule,
                l.kind.noun(),
                l.id
            ),
        )
        .with_help(
            "remove the waiver; a waiver that silences nothing hides the day the rule would fire for another reason",
        );
        extra.push(f);
    }
    findings.extend(extra);

    // In place: a copy of every finding would be as much fresh memory as the findings take.
    findings.retain_mut(|f| match config.level_of(&f.rule, f.severity) {
        Some(level) => {
            f.severity = level;
            true
        }
        None => false,
    });
    findings
}
