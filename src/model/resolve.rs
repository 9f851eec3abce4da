//! Links across files: one id namespace for the whole run. Reports `duplicate-id` (at the second
//! definition, pointing to the first) and `unknown-reference` (at the reference, with a "did you mean"),
//! and fills in each [`Ref::target`] so rules can follow links.

use std::collections::HashMap;

use crate::fxhash::FxHashMap;

use super::{EntityIdx, Model, Ref};
use crate::finding::{Entity, EntityKind, Finding, Severity};
use crate::load::FileId;

pub const DUPLICATE_ID: &str = "duplicate-id";
pub const UNKNOWN_REFERENCE: &str = "unknown-reference";

/// The id → entity index of a run; the first definition of an id wins.
#[derive(Debug, Default)]
pub struct Index {
    ids: FxHashMap<String, EntityIdx>,
}

impl Index {
    pub fn get(&self, id: &str) -> Option<EntityIdx> {
        self.ids.get(id).copied()
    }
}

/// Builds the index, resolves every reference in place, and returns the structural findings.
pub fn resolve(model: &mut Model) -> (Index, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut index = Index::default();
    let all: Vec<EntityIdx> = model.entities().collect();
    for e in all {
        let (id, meta) = model.meta(e);
        match index.ids.get(id) {
            Some(&first) => {
                let (_, first_meta) = model.meta(first);
                let message = if first.kind == e.kind {
                    format!("{} id `{id}` is already defined", e.kind.noun())
                } else {
                    format!("id `{id}` is already used by {} {id}", first.kind.noun())
                };
                let f = Finding::new(
                    DUPLICATE_ID,
                    Severity::Error,
                    meta.file,
                    meta.id_span,
                    Entity::new(e.kind, id),
                    message,
                )
                .with_help("ids are unique across all audited files; rename one of them and update its references")
                .with_label(first_meta.file, first_meta.id_span, "first defined here");
                findings.push(f);
            }
            None => {
                index.ids.insert(id.to_owned(), e);
            }
        }
    }

    // Candidate ids per kind, for suggestions (first definitions only); indexed on first use, so that a big
    // roadmap with many broken references does not compare each one with every id.
    let mut by_kind: HashMap<EntityKind, Vec<&str>> = HashMap::new();
    for (id, e) in &index.ids {
        by_kind.entry(e.kind).or_default().push(id.as_str());
    }
    let mut suggesters: HashMap<EntityKind, crate::suggest::Index<'_>> = HashMap::new();
    let mut suggest = |kind: EntityKind, word: &str| -> (Option<String>, bool) {
        let candidates = by_kind.get(&kind).map(Vec::as_slice).unwrap_or(&[]);
        let ix = suggesters.entry(kind).or_insert_with(|| crate::suggest::Index::new(candidates.iter().copied()));
        (ix.best(word).map(str::to_owned), candidates.is_empty())
    };

    // The owner's entity is only built for a finding: most references resolve.
    let mut check =
        |r: &mut Ref, want: EntityKind, file: FileId, (kind, id): (EntityKind, &str), field: &str| match index
            .ids
            .get(&r.id)
        {
            Some(t) if t.kind == want => r.target = Some(t.index),
            found => {
                let owner = Entity::new(kind, id);
                let owner_text = format!("{} {id}", kind.noun());
                let (message, help) = match found {
                    Some(t) => (
                        format!(
                            "`{}` in `{field}` of {owner_text} is {} {}, not {}",
                            r.id,
                            article(t.kind),
                            r.id,
                            article(want)
                        ),
                        format!(
                            "`{field}` lists {} ids; move `{}` to the list for {}s",
                            want.noun(),
                            r.id,
                            t.kind.noun()
                        ),
                    ),
                    None => {
                        let msg = format!("`{}` in `{field}` of {owner_text} is not a known {} id", r.id, want.noun());
                        let help = match suggest(want, &r.id) {
                            (Some(s), _) => format!("did you mean `{s}`?"),
                            (None, true) => format!(
                            "no {} is defined in the audited files; define it, or audit the file that defines it too",
                            want.noun()
                        ),
                            (None, false) => {
                                format!("define {} `{}`, or audit the file that defines it too", article(want), r.id)
                            }
                        };
                        (msg, help)
                    }
                };
                let mut f =
                    Finding::new(UNKNOWN_REFERENCE, Severity::Error, file, r.span, owner, message).with_help(help);
                f.discriminator = Some(format!("{field}:{}", r.id));
                findings.push(f);
            }
        };

    for k in &mut model.kpis {
        let owner = (EntityKind::Kpi, k.id.as_str());
        if let Some(r) = &mut k.objective {
            check(r, EntityKind::Objective, k.meta.file, owner, "objective");
        }
        for r in &mut k.problems {
            check(r, EntityKind::Problem, k.meta.file, owner, "problems");
        }
    }
    for it in &mut model.items {
        let owner = (EntityKind::Item, it.id.as_str());
        for r in &mut it.objectives {
            check(r, EntityKind::Objective, it.meta.file, owner, "objectives");
        }
        for r in &mut it.problems {
            check(r, EntityKind::Problem, it.meta.file, owner, "problems");
        }
        for r in &mut it.kpis {
            check(r, EntityKind::Kpi, it.meta.file, owner, "kpis");
        }
    }
    (index, findings)
}

fn article(kind: EntityKind) -> String {
    match kind {
        EntityKind::Objective => "an objective".into(),
        EntityKind::Item => "an item".into(),
        k => format!("a {}", k.noun()),
    }
}
