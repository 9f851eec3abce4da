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
    for r in
        model.kpis.iter_mut().flat_map(|k| kpi_refs_mut(k)).chain(model.items.iter_mut().flat_map(|i| item_refs_mut(i)))
    {
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
    // Second definitions of an id (rare): not candidates for "did you mean" below.
    let mut again: crate::fxhash::FxHashSet<EntityIdx> = Default::default();
    for e in model.entities() {
        let (id, meta) = model.meta(e);
        match ids.entry(id) {
            std::collections::hash_map::Entry::Occupied(o) => {
                let first = *o.get();
                again.insert(e);
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
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(e);
            }
        }
    }

    // Every reference looked up first, on `jobs` threads: the lookups are independent, and in a big model
    // each is a couple of cache misses. The rare misses are set aside, in order.
    let found = lookup_all(model, &ids, jobs);
    let mut targets = Vec::with_capacity(found.len());
    let mut misses: Vec<Miss> = Vec::new();
    let kpi_refs = model.kpis.iter().flat_map(|k| {
        kpi_refs(k).map(move |(r, want, field)| (r, want, field, k.meta.file, (EntityKind::Kpi, k.id.as_str())))
    });
    let item_refs = model.items.iter().flat_map(|it| {
        item_refs(it).map(move |(r, want, field)| (r, want, field, it.meta.file, (EntityKind::Item, it.id.as_str())))
    });
    for ((r, want, field, file, owner), found) in kpi_refs.chain(item_refs).zip(found) {
        match found {
            Some(t) if t.kind == want => targets.push(Some(t.index)),
            found => {
                targets.push(None);
                misses.push(Miss { id: r.id.as_str(), span: r.span, want, file, owner, field, found });
            }
        }
    }

    // "Did you mean": the candidates are the ids of the kind wanted (first definitions only), indexed for
    // each kind that has unknown references; the kinds on `jobs` threads, each kind's lookups in order.
    // (Read from the model in its order, not from the index's: its memory is then read front to back.)
    let unknown = |m: &&Miss| m.found.is_none();
    let mut kinds: Vec<EntityKind> = misses.iter().filter(unknown).map(|m| m.want).collect();
    kinds.sort_unstable_by_key(|k| *k as u8);
    kinds.dedup();
    let by_kind: FxHashMap<EntityKind, Vec<&str>> = kinds
        .iter()
        .map(|&kind| {
            let of_kind = model.entities().filter(|e| e.kind == kind && !again.contains(e));
            (kind, of_kind.map(|e| model.meta(e).0).collect::<Vec<_>>())
        })
        .filter(|(_, ids)| !ids.is_empty())
        .collect();
    // Threads only pay when some kind has many candidates (indexing 50k ids takes ~20 ms).
    let big = kinds.iter().any(|k| by_kind.get(k).is_some_and(|c| c.len() > crate::suggest::EXHAUSTIVE));
    let suggested = crate::parallel::map(&kinds, if big { jobs } else { 1 }, |_, &kind| {
        let candidates = by_kind.get(&kind).map(Vec::as_slice).unwrap_or(&[]);
        let mut ix = crate::suggest::Index::new(candidates.iter().copied());
        let words: Vec<&str> = misses.iter().filter(unknown).filter(|m| m.want == kind).map(|m| m.id).collect();
        // Each lookup scans the candidates of about its length (ids of one kind mostly have the same length):
        // with many of both, the lookups go on `jobs` threads when they do not depend on each other.
        let threads = if !big && ix.always_scans() && words.len() * candidates.len() >= 20_000 { jobs } else { 1 };
        if threads > 1 {
            crate::parallel::map(&words, threads, |_, w| ix.search(w).0.map(str::to_owned)).into_iter()
        } else {
            words.iter().map(|w| ix.best(w).map(str::to_owned)).collect::<Vec<_>>().into_iter()
        }
    });
    let mut suggested: FxHashMap<EntityKind, _> = kinds.into_iter().zip(suggested).collect();

    for m in &misses {
        let (kind, id) = m.owner;
        let owner = Entity::new(kind, id);
        let owner_text = format!("{} {id}", kind.noun());
        let (field, want, rid) = (m.field, m.want, m.id);
        let (message, help) = match m.found {
            Some(t) => (
                format!("`{rid}` in `{field}` of {owner_text} is {} {rid}, not {}", article(t.kind), article(want)),
                format!("`{field}` lists {} ids; move `{rid}` to the list for {}s", want.noun(), t.kind.noun()),
            ),
            None => {
                let msg = format!("`{rid}` in `{field}` of {owner_text} is not a known {} id", want.noun());
                let suggestion = suggested.get_mut(&want).and_then(|s| s.next()).flatten();
                let help = match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if !by_kind.contains_key(&want) => format!(
                        "no {} is defined in the audited files; define it, or audit the file that defines it too",
                        want.noun()
                    ),
                    None => format!("define {} `{rid}`, or audit the file that defines it too", article(want)),
                };
                (msg, help)
            }
        };
        let mut f = Finding::new(UNKNOWN_REFERENCE, Severity::Error, m.file, m.span, owner, message).with_help(help);
        f.discriminator = Some(format!("{field}:{rid}"));
        findings.push(f);
    }
    (targets, findings)
}

/// A reference that names no entity of the kind its field lists.
struct Miss<'a> {
    id: &'a str,
    span: crate::load::Span,
    want: EntityKind,
    file: FileId,
    /// The kind and id of the entity that holds the reference.
    owner: (EntityKind, &'a str),
    field: &'static str,
    /// What the id names instead, if anything.
    found: Option<EntityIdx>,
}

/// What each reference's id names, in the order [`resolve_targets`] goes through them (a KPI's objective
/// and problems, then each item's objectives, problems and KPIs), looked up in chunks of entities on up to
/// `jobs` threads.
fn lookup_all(model: &Model, ids: &FxHashMap<&str, EntityIdx>, jobs: usize) -> Vec<Option<EntityIdx>> {
    // A few chunks per thread, so that the threads finish together (three chunks on two threads would
    // leave one idle for a third of the step); small models in one chunk, looked up here without threads.
    let chunk = ((model.kpis.len() + model.items.len()) / (jobs.max(1) * 4)).max(2048);
    let chunks = |kind, n: usize| (0..n).step_by(chunk).map(move |s| (kind, s..(s + chunk).min(n)));
    let chunks: Vec<_> =
        chunks(EntityKind::Kpi, model.kpis.len()).chain(chunks(EntityKind::Item, model.items.len())).collect();
    let look = |(r, ..): (&Ref, EntityKind, &str)| ids.get(r.id.as_str()).copied();
    let parts = crate::parallel::map(&chunks, jobs, |_, (kind, range)| -> Vec<Option<EntityIdx>> {
        match kind {
            EntityKind::Kpi => model.kpis[range.clone()].iter().flat_map(|k| kpi_refs(k)).map(look).collect(),
            _ => model.items[range.clone()].iter().flat_map(|i| item_refs(i)).map(look).collect(),
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
