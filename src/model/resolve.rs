//! Links across files: one id namespace for the whole run. Reports `duplicate-id` (at the second
//! definition, pointing to the first) and `unknown-reference` (at the reference, with a "did you mean"),
//! and fills in each [`Ref::target`] so rules can follow links.

use crate::fxhash::FxHashMap;

use super::{EntityIdx, Item, Kpi, Model, Ref, Str};
use crate::finding::{Entity, EntityKind, Finding, Severity};
use crate::load::FileId;

pub const DUPLICATE_ID: &str = "duplicate-id";
pub const UNKNOWN_REFERENCE: &str = "unknown-reference";

/// Builds the id index, resolves every reference (filling in [`Ref::target`]), and returns the structural
/// findings. The first definition of an id wins.
pub fn resolve(model: &mut Model, jobs: usize) -> Vec<Finding> {
    let Index { ids, again, waived, mut findings } = index(model);
    model.waived = waived;
    let misses = link_all(model, &ids, jobs);
    drop(ids);
    report_misses(model, &again, misses, jobs, &mut findings);
    findings
}

/// Every id of the run, with its first definition; reported as `duplicate-id` where defined again.
struct Index {
    /// Owned copies of the ids (inline, as ids are short): so the index does not borrow the model while its
    /// references are filled in, and a lookup compares with the table's own copy rather than reading the
    /// entity's memory.
    ids: FxHashMap<Str, EntityIdx>,
    /// Second definitions of an id (rare): not candidates for "did you mean".
    again: crate::fxhash::FxHashSet<EntityIdx>,
    /// See [`Model::waived`].
    waived: Vec<EntityIdx>,
    findings: Vec<Finding>,
}

fn index(model: &Model) -> Index {
    let mut findings = Vec::new();
    let mut ids: FxHashMap<Str, EntityIdx> = FxHashMap::default();
    ids.reserve(model.len());
    let mut again: crate::fxhash::FxHashSet<EntityIdx> = Default::default();
    let mut waived = Vec::new();
    for e in model.entities() {
        let (id, meta) = model.meta(e);
        if !meta.waivers().is_empty() {
            waived.push(e);
        }
        match ids.entry(Str::from(id)) {
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
    Index { ids, again, waived, findings }
}

/// A reference that names no entity of the kind its field lists.
struct Miss {
    id: Str,
    span: crate::load::Span,
    want: EntityKind,
    file: FileId,
    /// The entity that holds the reference.
    owner: EntityIdx,
    field: &'static str,
    /// What the id names instead, if anything.
    found: Option<EntityIdx>,
}

/// A run of KPIs or items (with the index of the first) whose references one thread fills in.
enum Part<'m> {
    Kpis(u32, &'m mut [Box<Kpi>]),
    Items(u32, &'m mut [Box<Item>]),
}

/// Looks up every reference and fills in its target, in chunks of entities on up to `jobs` threads (the
/// lookups are independent, and in a big model each is a couple of cache misses); returns the references
/// that miss (rare), in order: a KPI's objective and problems, then each item's objectives, problems and
/// KPIs. Looking up and filling in are one pass, so each entity's memory is read once here.
fn link_all(model: &mut Model, ids: &FxHashMap<Str, EntityIdx>, jobs: usize) -> Vec<Miss> {
    // A few chunks per thread, so that the threads finish together (three chunks on two threads would
    // leave one idle for a third of the step); small models in one chunk, done here without threads.
    let chunk = ((model.kpis.len() + model.items.len()) / (jobs.max(1) * 4)).max(2048);
    let kpis = model.kpis.chunks_mut(chunk).enumerate().map(|(i, c)| Part::Kpis((i * chunk) as u32, c));
    let items = model.items.chunks_mut(chunk).enumerate().map(|(i, c)| Part::Items((i * chunk) as u32, c));
    // (Each part is locked by the one thread that takes it: the lock only hands over the `&mut`.)
    let parts: Vec<std::sync::Mutex<Part>> = kpis.chain(items).map(std::sync::Mutex::new).collect();
    let missed = crate::parallel::map(&parts, jobs, |_, part| {
        let mut part = part.lock().unwrap_or_else(|e| e.into_inner());
        let mut misses = Vec::new();
        let mut link = |r: &mut Ref, want: EntityKind, field: &'static str, file: FileId, owner: EntityIdx| match ids
            .get(r.id.as_str())
            .copied()
        {
            Some(t) if t.kind == want => r.target = Some(t.index),
            found => {
                r.target = None;
                misses.push(Miss { id: r.id.clone(), span: r.span, want, file, owner, field, found });
            }
        };
        match &mut *part {
            Part::Kpis(start, kpis) => {
                for (i, k) in kpis.iter_mut().enumerate() {
                    let (file, owner) = (k.meta.file, EntityIdx { kind: EntityKind::Kpi, index: *start + i as u32 });
                    if let Some(r) = &mut k.objective {
                        link(r, EntityKind::Objective, "objective", file, owner);
                    }
                    for r in &mut k.problems {
                        link(r, EntityKind::Problem, "problems", file, owner);
                    }
                }
            }
            Part::Items(start, items) => {
                for (i, it) in items.iter_mut().enumerate() {
                    let (file, owner) = (it.meta.file, EntityIdx { kind: EntityKind::Item, index: *start + i as u32 });
                    for r in &mut it.objectives {
                        link(r, EntityKind::Objective, "objectives", file, owner);
                    }
                    for r in &mut it.problems {
                        link(r, EntityKind::Problem, "problems", file, owner);
                    }
                    for r in &mut it.kpis {
                        link(r, EntityKind::Kpi, "kpis", file, owner);
                    }
                }
            }
        }
        misses
    });
    missed.into_iter().flatten().collect()
}

/// `unknown-reference` findings for the misses, with a "did you mean" for ids that name nothing.
fn report_misses(
    model: &Model,
    again: &crate::fxhash::FxHashSet<EntityIdx>,
    misses: Vec<Miss>,
    jobs: usize,
    findings: &mut Vec<Finding>,
) {
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
        let words: Vec<&str> =
            misses.iter().filter(unknown).filter(|m| m.want == kind).map(|m| m.id.as_str()).collect();
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
        let (kind, id) = (m.owner.kind, model.meta(m.owner).0);
        let owner = Entity::new(kind, id);
        let owner_text = format!("{} {id}", kind.noun());
        let (field, want, rid) = (m.field, m.want, m.id.as_str());
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
}

fn article(kind: EntityKind) -> String {
    match kind {
        EntityKind::Objective => "an objective".into(),
        EntityKind::Item => "an item".into(),
        k => format!("a {}", k.noun()),
    }
}
