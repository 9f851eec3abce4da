//! Links across files: one id namespace for the whole run. Reports `duplicate-id` (at the second
//! definition, pointing to the first) and `unknown-reference` (at the reference, with a "did you mean"),
//! and fills in each [`Ref::target`] so rules can follow links.

use crate::fxhash::FxHashMap;

use super::{EntityIdx, Item, Kpi, Model, Ref};
use crate::finding::{Entity, EntityKind, Finding, Severity};
use crate::load::FileId;

pub const DUPLICATE_ID: &str = "duplicate-id";
pub const UNKNOWN_REFERENCE: &str = "unknown-reference";

/// Builds the id index, resolves every reference (filling in [`Ref::target`]), and returns the structural
/// findings. The first definition of an id wins.
pub fn resolve(model: &mut Model, jobs: usize) -> Vec<Finding> {
    // Resolved on the model as it is (the index borrows its ids: no copies), then written back in the same
    // order, once the index is gone.
    let (targets, findings) = resolve_targets(model, jobs);
    let mut targets = targets.into_iter();
    for r in model.kpis.iter_mut().flat_map(kpi_refs_mut).chain(model.items.iter_mut().flat_map(item_refs_mut)) {
        r.target = targets.next().flatten();
    }
    debug_assert!(targets.next().is_none(), "as many targets as references");
    findings
}

/// The target of every reference, in the order [`resolve`] writes them back, and the findings.
fn resolve_targets(model: &Model, jobs: usize) -> (Vec<Option<u32>>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut ids: FxHashMap<&str, EntityIdx> = FxHashMap::default();
    ids.reserve(model.objectives.len() + model.kpis.len() + model.problems.len() + model.items.len());
    for e in model.entities() {
        let (id, meta) = model.meta(e);
        match ids.get(id) {
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
                ids.insert(id, e);
            }
        }
    }

    // Candidate ids per kind, for suggestions (first definitions only); indexed on first use, so that a big
    // roadmap with many broken references does not compare each one with every id.
    let mut by_kind: FxHashMap<EntityKind, Vec<&str>> = FxHashMap::default();
    for (id, e) in &ids {
        by_kind.entry(e.kind).or_default().push(id);
    }
    let mut suggesters: FxHashMap<EntityKind, crate::suggest::Index<'_>> = FxHashMap::default();
    let mut suggest = |kind: EntityKind, word: &str| -> (Option<String>, bool) {
        let candidates = by_kind.get(&kind).map(Vec::as_slice).unwrap_or(&[]);
        let ix = suggesters.entry(kind).or_insert_with(|| crate::suggest::Index::new(candidates.iter().copied()));
        (ix.best(word).map(str::to_owned), candidates.is_empty())
    };

    // Every reference looked up first, on `jobs` threads: the lookups are independent, and in a big model
    // each is a couple of cache misses. Then, in order, the rare misses are reported.
    let mut found = lookup_all(model, &ids, jobs).into_iter();
    // The owner's entity is only built for a finding: most references resolve.
    let mut check = |r: &Ref, want: EntityKind, file: FileId, (kind, id): (EntityKind, &str), field: &str| match found
        .next()
        .flatten()
    {
        Some(t) if t.kind == want => Some(t.index),
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
                    format!("`{field}` lists {} ids; move `{}` to the list for {}s", want.noun(), r.id, t.kind.noun()),
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
            let mut f = Finding::new(UNKNOWN_REFERENCE, Severity::Error, file, r.span, owner, message).with_help(help);
            f.discriminator = Some(format!("{field}:{}", r.id));
            findings.push(f);
            None
        }
    };

    let mut targets = Vec::new();
    for k in &model.kpis {
        let owner = (EntityKind::Kpi, k.id.as_str());
        for (r, want, field) in kpi_refs(k) {
            targets.push(check(r, want, k.meta.file, owner, field));
        }
    }
    for it in &model.items {
        let owner = (EntityKind::Item, it.id.as_str());
        for (r, want, field) in item_refs(it) {
            targets.push(check(r, want, it.meta.file, owner, field));
        }
    }
    (targets, findings)
}

/// What each reference's id names, in the order [`resolve_targets`] goes through them (a KPI's objective
/// and problems, then each item's objectives, problems and KPIs), looked up in chunks of entities on up to
/// `jobs` threads.
fn lookup_all(model: &Model, ids: &FxHashMap<&str, EntityIdx>, jobs: usize) -> Vec<Option<EntityIdx>> {
    const CHUNK: usize = 4096;
    let chunks = |kind, n: usize| (0..n).step_by(CHUNK).map(move |s| (kind, s..(s + CHUNK).min(n)));
    let chunks: Vec<_> =
        chunks(EntityKind::Kpi, model.kpis.len()).chain(chunks(EntityKind::Item, model.items.len())).collect();
    let look = |(r, ..): (&Ref, EntityKind, &str)| ids.get(r.id.as_str()).copied();
    let parts = crate::parallel::map(&chunks, jobs, |_, (kind, range)| -> Vec<Option<EntityIdx>> {
        match kind {
            EntityKind::Kpi => model.kpis[range.clone()].iter().flat_map(kpi_refs).map(look).collect(),
            _ => model.items[range.clone()].iter().flat_map(item_refs).map(look).collect(),
        }
    });
    parts.into_iter().flatten().collect()
}

// The references of a KPI and of an item, with the kind each names and its field: the one order that
// looking up, reporting and writing back targets all go through (the `_mut` twins follow the same order).

fn kpi_refs(k: &Kpi) -> impl Iterator<Item = (&Ref, EntityKind, &'static str)> {
    let objective = k.objective.iter().map(|r| (r, EntityKind::Objective, "objective"));
    objective.chain(k.problems.iter().map(|r| (r, EntityKind::Problem, "problems")))
}

fn item_refs(it: &Item) -> impl Iterator<Item = (&Ref, EntityKind, &'static str)> {
    let objectives = it.objectives.iter().map(|r| (r, EntityKind::Objective, "objectives"));
    let problems = it.problems.iter().map(|r| (r, EntityKind::Problem, "problems"));
    objectives.chain(problems).chain(it.kpis.iter().map(|r| (r, EntityKind::Kpi, "kpis")))
}

fn kpi_refs_mut(k: &mut Kpi) -> impl Iterator<Item = &mut Ref> {
    k.objective.iter_mut().chain(&mut k.problems)
}

fn item_refs_mut(it: &mut Item) -> impl Iterator<Item = &mut Ref> {
    it.objectives.iter_mut().chain(&mut it.problems).chain(&mut it.kpis)
}

fn article(kind: EntityKind) -> String {
    match kind {
        EntityKind::Objective => "an objective".into(),
        EntityKind::Item => "an item".into(),
        k => format!("a {}", k.noun()),
    }
}
