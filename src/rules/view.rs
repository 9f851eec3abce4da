//! Entity views: what a rule's condition is matched against, derived from the resolved model (links
//! followed, evidence classified, dates measured against the audit date, prose signals found). The fields
//! are documented in `docs/writing-rules.md`; this is the single place that defines them.
//!
//! A view is lazy: it implements the `jsonschema` crate's JSON interface over the model, so a condition
//! computes only the fields it reads, and nothing is copied or allocated per field. `to_json` gives the
//! same view as a JSON value (for `roadmap-audit view` and message templates).

use std::borrow::Cow;
use std::sync::OnceLock;

use jsonschema::json::{Array, Json, JsonNumber, Node as JsonNode, NodeIdentity, Object};
use jsonschema::JsonType;
use serde_json::Value as J;

use super::lexicon::Lexicons;
use crate::date::Date;
use crate::finding::EntityKind;
use crate::load::Span;
use crate::model::{
    spelled_enum, Commitment, Dependency, Driver, EntityIdx, Item, Kpi, LaunchAspect, Model, Objective, Problem, Ref,
    Str,
};

/// Audit settings the views depend on.
pub struct ViewContext<'a> {
    pub as_of: Date,
    pub stale_after_days: u32,
    pub launch_requires: &'a [LaunchAspect],
    pub lexicons: &'a Lexicons,
}

/// How often each entity is linked, and which problems have customer evidence: computed once per audit.
#[derive(Debug, Default)]
pub struct BackLinks {
    pub problem_by_items: Vec<u32>,
    pub problem_by_kpis: Vec<u32>,
    pub kpi_by_items: Vec<u32>,
    pub objective_by_items: Vec<u32>,
    pub objective_by_kpis: Vec<u32>,
    /// Per problem: (has customer evidence, evidence entries).
    problem_evidence: Vec<(bool, u32)>,
}

impl BackLinks {
    pub fn of(model: &Model) -> BackLinks {
        let mut b = BackLinks {
            problem_by_items: vec![0; model.problems.len()],
            problem_by_kpis: vec![0; model.problems.len()],
            kpi_by_items: vec![0; model.kpis.len()],
            objective_by_items: vec![0; model.objectives.len()],
            objective_by_kpis: vec![0; model.objectives.len()],
            problem_evidence: model
                .problems
                .iter()
                .map(|p| (p.evidence.iter().any(|e| e.kind.is_some_and(|k| k.is_customer())), p.evidence.len() as u32))
                .collect(),
        };
        let bump = |v: &mut Vec<u32>, refs: &[Ref]| {
            for t in refs.iter().filter_map(|r| r.target) {
                v[t as usize] += 1;
            }
        };
        for k in &model.kpis {
            bump(&mut b.problem_by_kpis, &k.problems);
            bump(&mut b.objective_by_kpis, k.objective.as_slice());
        }
        for it in &model.items {
            bump(&mut b.problem_by_items, &it.problems);
            bump(&mut b.kpi_by_items, &it.kpis);
            bump(&mut b.objective_by_items, &it.objectives);
        }
        b
    }
}

/// Some linked problem of the item has evidence of a customer kind (the view's `customer_evidence`).
pub fn customer_evidence(links: &BackLinks, it: &Item) -> bool {
    it.problems.iter().filter_map(|r| r.target).any(|t| links.problem_evidence[t as usize].0)
}

/// Some linked KPI names a defined objective (half of the view's `serves_objective`).
pub fn measured_toward_objective(model: &Model, it: &Item) -> bool {
    it.kpis.iter().filter_map(|r| r.target).any(|t| kpi_objective(model, t).is_some())
}

/// The objective id of KPI `t`, when it names a defined objective.
fn kpi_objective(model: &Model, t: u32) -> Option<&str> {
    model.kpis[t as usize].objective.as_ref().filter(|o| o.target.is_some()).map(|o| o.id.as_str())
}

/// The newest valid evidence date of a problem.
pub fn newest_evidence(p: &Problem) -> Option<Date> {
    p.evidence.iter().filter_map(|e| e.date).max()
}

/// Dated evidence whose newest date is more than `stale_after_days` before the audit date.
pub fn is_stale(ctx: &ViewContext<'_>, p: &Problem) -> bool {
    newest_evidence(p).is_some_and(|d| d.days_until(ctx.as_of) > ctx.stale_after_days as i32)
}

fn linked(refs: &[Ref]) -> i64 {
    refs.iter().filter(|r| r.target.is_some()).count() as i64
}

/// Which entity a view is of.
#[derive(Clone, Copy)]
pub enum Of<'a> {
    Item(&'a Item),
    Kpi(usize, &'a Kpi),
    Problem(usize, &'a Problem),
    Objective(usize, &'a Objective),
}

impl<'a> Of<'a> {
    /// The entity `e` of the model.
    pub fn entity(model: &'a Model, e: EntityIdx) -> Of<'a> {
        let i = e.index as usize;
        match e.kind {
            EntityKind::Objective => Of::Objective(i, &model.objectives[i]),
            EntityKind::Kpi => Of::Kpi(i, &model.kpis[i]),
            EntityKind::Problem => Of::Problem(i, &model.problems[i]),
            _ => Of::Item(&model.items[i]),
        }
    }
}

spelled_enum!(
    /// The root fields of every kind of view, by number (see [`View::field_of`]) and by name.
    Field {
        Id = "id", Title = "title", Type = "type", Status = "status", Active = "active", Delivering = "delivering",
        Open = "open", Owner = "owner", When = "when", Rationale = "rationale", Hypothesis = "hypothesis",
        CustomerFacing = "customer_facing", Drivers = "drivers", Problems = "problems", Kpis = "kpis",
        Objectives = "objectives", LinkedProblems = "linked_problems", LinkedKpis = "linked_kpis",
        LinkedObjectives = "linked_objectives", CustomerEvidence = "customer_evidence",
        ServesObjective = "serves_objective", Validation = "validation", Dependencies = "dependencies",
        Launch = "launch", LaunchMissing = "launch_missing", Commitments = "commitments",
        ExternalCommitments = "external_commitments", Signals = "signals", Name = "name", Unit = "unit",
        Objective = "objective", ObjectiveResolved = "objective_resolved", HasBaseline = "has_baseline",
        HasTarget = "has_target", LinkedByItems = "linked_by_items", Statement = "statement", Segment = "segment",
        Evidence = "evidence", IndirectEvidence = "indirect_evidence", DatedEvidence = "dated_evidence",
        NewestEvidence = "newest_evidence", NewestEvidenceAgeDays = "newest_evidence_age_days", Stale = "stale",
        LinkedByKpis = "linked_by_kpis",
    }
);

/// A property name of a condition, prepared when the condition is compiled: the name, and its
/// [`Field`] number when it names a root field.
pub struct ViewKey {
    name: String,
    field: Option<Field>,
}

/// One entity's view.
pub struct View<'a> {
    pub model: &'a Model,
    pub links: &'a BackLinks,
    pub ctx: &'a ViewContext<'a>,
    pub of: Of<'a>,
    /// Prose signals of an item's rationale, one per lexicon signal (the matched words): matched once,
    /// when first read. (Owned, so that the view stays covariant in its lifetime.)
    signals: OnceLock<Vec<Option<String>>>,
    /// `launch_missing` of an item.
    launch_missing: OnceLock<Vec<&'static str>>,
}

impl<'a> View<'a> {
    pub fn new(model: &'a Model, links: &'a BackLinks, ctx: &'a ViewContext<'a>, of: Of<'a>) -> View<'a> {
        View { model, links, ctx, of, signals: OnceLock::new(), launch_missing: OnceLock::new() }
    }

    /// The view's root, as the condition sees it.
    pub fn root(&self) -> V<'_> {
        V::Obj(Obj::Root(self))
    }

    /// The whole view as JSON.
    pub fn to_json(&self) -> J {
        self.root().to_json()
    }

    /// The span of element `i` of a list of the view (for per-element findings).
    pub fn element_span(&self, list: &str, i: usize) -> Option<Span> {
        match (self.of, list) {
            (Of::Item(it), "problems") => it.problems.get(i).map(|r| r.span),
            (Of::Item(it), "kpis") => it.kpis.get(i).map(|r| r.span),
            (Of::Item(it), "objectives") => it.objectives.get(i).map(|r| r.span),
            (Of::Item(it), "dependencies") => it.dependencies.get(i).map(|d| d.span),
            (Of::Item(it), "commitments") => it.commitments.get(i).map(|c| c.span),
            (Of::Kpi(_, k), "problems") => k.problems.get(i).map(|r| r.span),
            (Of::Problem(_, p), "evidence") => p.evidence.get(i).map(|e| e.span),
            _ => None,
        }
    }

    /// (signal name, matched words) for an item; nothing for other entities.
    fn signals(&self) -> impl Iterator<Item = (&'a str, &Option<String>)> {
        let found = self.signals.get_or_init(|| match self.of {
            Of::Item(it) => self.ctx.lexicons.matches(it.rationale.as_deref().unwrap_or("")),
            _ => Vec::new(),
        });
        self.ctx.lexicons.names().zip(found)
    }

    fn launch_missing(&self) -> &[&'static str] {
        self.launch_missing.get_or_init(|| match self.of {
            Of::Item(it) => {
                let launch = it.launch.clone().unwrap_or_default();
                self.ctx.launch_requires.iter().filter(|a| !launch.has(**a)).map(|a| a.as_str()).collect()
            }
            _ => Vec::new(),
        })
    }

    fn opt(s: &'a Option<Str>) -> Option<V<'a>> {
        s.as_deref().map(|s| V::Str(Cow::Borrowed(s)))
    }

    /// A field of the view's root; `None` when absent (or not a field of this entity's view).
    fn field(&'a self, key: &str) -> Option<V<'a>> {
        Field::parse(key).and_then(|f| self.field_of(f))
    }

    /// [`View::field`], by its number: conditions' property names are numbered once, when compiled
    /// (see [`ViewKey`]), rather than matched as strings for every entity and rule.
    fn field_of(&'a self, f: Field) -> Option<V<'a>> {
        let bool_ = |b: bool| Some(V::Bool(b));
        let int = |n: i64| Some(V::Int(n));
        match self.of {
            Of::Item(it) => match f {
                Field::Id => Some(V::Str(Cow::Borrowed(&it.id))),
                Field::Title => Self::opt(&it.title),
                Field::Type => Some(V::Str(Cow::Borrowed(it.item_type.as_str()))),
                Field::Status => it.status.map(|s| V::Str(Cow::Borrowed(s.as_str()))),
                Field::Active => bool_(it.is_active()),
                Field::Delivering => bool_(it.is_delivering()),
                Field::Open => bool_(it.is_open()),
                Field::Owner => Self::opt(&it.owner),
                Field::When => Self::opt(&it.when),
                Field::Rationale => Self::opt(&it.rationale),
                Field::Hypothesis => Self::opt(&it.hypothesis),
                Field::CustomerFacing => bool_(it.is_customer_facing()),
                Field::Drivers => Some(V::Arr(Arr::Drivers(&it.drivers))),
                Field::Problems => Some(V::Arr(Arr::ProblemLinks(self, &it.problems))),
                Field::Kpis => Some(V::Arr(Arr::KpiLinks(self, &it.kpis))),
                Field::Objectives => Some(V::Arr(Arr::Links(&it.objectives))),
                Field::LinkedProblems => int(linked(&it.problems)),
                Field::LinkedKpis => int(linked(&it.kpis)),
                Field::LinkedObjectives => int(linked(&it.objectives)),
                Field::CustomerEvidence => bool_(customer_evidence(self.links, it)),
                Field::ServesObjective => {
                    bool_(linked(&it.objectives) > 0 || measured_toward_objective(self.model, it))
                }
                Field::Validation => int(it.validation.len() as i64),
                Field::Dependencies => Some(V::Arr(Arr::Deps(&it.dependencies))),
                Field::Launch => Some(V::Obj(Obj::Launch(self))),
                Field::LaunchMissing => Some(V::Arr(Arr::Names(self.launch_missing()))),
                Field::Commitments => Some(V::Arr(Arr::Commits(&it.commitments))),
                Field::ExternalCommitments => int(it.commitments.iter().filter(|c| c.external).count() as i64),
                Field::Signals => Some(V::Obj(Obj::Signals(self))),
                _ => None,
            },
            Of::Kpi(i, k) => match f {
                Field::Id => Some(V::Str(Cow::Borrowed(&k.id))),
                Field::Name => Self::opt(&k.name),
                Field::Owner => Self::opt(&k.owner),
                Field::Unit => Self::opt(&k.unit),
                Field::Objective => k.objective.as_ref().map(|o| V::Str(Cow::Borrowed(&o.id))),
                Field::ObjectiveResolved => bool_(k.objective.as_ref().is_some_and(|o| o.target.is_some())),
                Field::Problems => Some(V::Arr(Arr::Links(&k.problems))),
                Field::LinkedProblems => int(linked(&k.problems)),
                Field::HasBaseline => bool_(k.has_baseline),
                Field::HasTarget => bool_(k.has_target),
                Field::LinkedByItems => int(i64::from(self.links.kpi_by_items[i])),
                _ => None,
            },
            Of::Problem(i, p) => match f {
                Field::Id => Some(V::Str(Cow::Borrowed(&p.id))),
                Field::Statement => Self::opt(&p.statement),
                Field::Segment => Self::opt(&p.segment),
                Field::Evidence => int(p.evidence.len() as i64),
                Field::CustomerEvidence => {
                    int(p.evidence.iter().filter(|e| e.kind.is_some_and(|k| k.is_customer())).count() as i64)
                }
                Field::IndirectEvidence => {
                    int(p.evidence.iter().filter(|e| e.kind.is_some_and(|k| !k.is_customer())).count() as i64)
                }
                Field::DatedEvidence => int(p.evidence.iter().filter(|e| e.date.is_some()).count() as i64),
                Field::NewestEvidence => newest_evidence(p).map(|d| V::Str(Cow::Owned(d.to_string()))),
                Field::NewestEvidenceAgeDays => {
                    newest_evidence(p).map(|d| V::Int(i64::from(d.days_until(self.ctx.as_of))))
                }
                Field::Stale => bool_(is_stale(self.ctx, p)),
                Field::LinkedByItems => int(i64::from(self.links.problem_by_items[i])),
                Field::LinkedByKpis => int(i64::from(self.links.problem_by_kpis[i])),
                _ => None,
            },
            Of::Objective(i, o) => match f {
                Field::Id => Some(V::Str(Cow::Borrowed(&o.id))),
                Field::Title => Self::opt(&o.title),
                Field::Owner => Self::opt(&o.owner),
                Field::LinkedByItems => int(i64::from(self.links.objective_by_items[i])),
                Field::LinkedByKpis => int(i64::from(self.links.objective_by_kpis[i])),
                _ => None,
            },
        }
    }

    /// Whether a root field is present, without computing its value.
    fn present(&self, f: Field) -> bool {
        let some = |s: &Option<Str>| s.is_some();
        match (self.of, f) {
            (Of::Item(it), Field::Title) => some(&it.title),
            (Of::Item(it), Field::Status) => it.status.is_some(),
            (Of::Item(it), Field::Owner) => some(&it.owner),
            (Of::Item(it), Field::When) => some(&it.when),
            (Of::Item(it), Field::Rationale) => some(&it.rationale),
            (Of::Item(it), Field::Hypothesis) => some(&it.hypothesis),
            (Of::Kpi(_, k), Field::Name) => some(&k.name),
            (Of::Kpi(_, k), Field::Owner) => some(&k.owner),
            (Of::Kpi(_, k), Field::Unit) => some(&k.unit),
            (Of::Kpi(_, k), Field::Objective) => k.objective.is_some(),
            (Of::Problem(_, p), Field::Statement) => some(&p.statement),
            (Of::Problem(_, p), Field::Segment) => some(&p.segment),
            (Of::Problem(_, p), Field::NewestEvidence | Field::NewestEvidenceAgeDays) => newest_evidence(p).is_some(),
            (Of::Objective(_, o), Field::Title) => some(&o.title),
            (Of::Objective(_, o), Field::Owner) => some(&o.owner),
            _ => true,
        }
    }

    /// How many root fields are absent: what `present` says, counted without comparing names (jsonschema
    /// asks every object's size before walking `properties`, once per condition).
    fn absent_fields(&self) -> usize {
        let none = |xs: &[bool]| xs.iter().filter(|absent| **absent).count();
        match self.of {
            Of::Item(it) => none(&[
                it.title.is_none(),
                it.status.is_none(),
                it.owner.is_none(),
                it.when.is_none(),
                it.rationale.is_none(),
                it.hypothesis.is_none(),
            ]),
            Of::Kpi(_, k) => none(&[k.name.is_none(), k.owner.is_none(), k.unit.is_none(), k.objective.is_none()]),
            Of::Problem(_, p) => {
                none(&[p.statement.is_none(), p.segment.is_none()]) + 2 * usize::from(newest_evidence(p).is_none())
            }
            Of::Objective(_, o) => none(&[o.title.is_none(), o.owner.is_none()]),
        }
    }

    /// The root's fields, in documentation order (absent fields are skipped by `members`).
    fn fields(&self) -> &'static [Field] {
        match self.of {
            Of::Item(_) => &[
                Field::Id,
                Field::Title,
                Field::Type,
                Field::Status,
                Field::Active,
                Field::Delivering,
                Field::Open,
                Field::Owner,
                Field::When,
                Field::Rationale,
                Field::Hypothesis,
                Field::CustomerFacing,
                Field::Drivers,
                Field::Problems,
                Field::Kpis,
                Field::Objectives,
                Field::LinkedProblems,
                Field::LinkedKpis,
                Field::LinkedObjectives,
                Field::CustomerEvidence,
                Field::ServesObjective,
                Field::Validation,
                Field::Dependencies,
                Field::Launch,
                Field::LaunchMissing,
                Field::Commitments,
                Field::ExternalCommitments,
                Field::Signals,
            ],
            Of::Kpi(..) => &[
                Field::Id,
                Field::Name,
                Field::Owner,
                Field::Unit,
                Field::Objective,
                Field::ObjectiveResolved,
                Field::Problems,
                Field::LinkedProblems,
                Field::HasBaseline,
                Field::HasTarget,
                Field::LinkedByItems,
            ],
            Of::Problem(..) => &[
                Field::Id,
                Field::Statement,
                Field::Segment,
                Field::Evidence,
                Field::CustomerEvidence,
                Field::IndirectEvidence,
                Field::DatedEvidence,
                Field::NewestEvidence,
                Field::NewestEvidenceAgeDays,
                Field::Stale,
                Field::LinkedByItems,
                Field::LinkedByKpis,
            ],
            Of::Objective(..) => &[Field::Id, Field::Title, Field::Owner, Field::LinkedByItems, Field::LinkedByKpis],
        }
    }
}

/// A value of a view, as JSON Schema sees it.
#[derive(Clone)]
pub enum V<'a> {
    Bool(bool),
    Int(i64),
    Str(Cow<'a, str>),
    Obj(Obj<'a>),
    Arr(Arr<'a>),
}

/// The objects of a view.
#[derive(Clone, Copy)]
pub enum Obj<'a> {
    Root(&'a View<'a>),
    Signals(&'a View<'a>),
    Launch(&'a View<'a>),
    /// An item's problem link: `{id, resolved, evidence, customer_evidence}`.
    ProblemLink(&'a View<'a>, &'a Ref),
    /// An item's KPI link: `{id, resolved, objective}`.
    KpiLink(&'a View<'a>, &'a Ref),
    /// Any other link: `{id, resolved}`.
    Link(&'a Ref),
    Dep(&'a Dependency),
    Commit(&'a Commitment),
}

impl<'a> Obj<'a> {
    fn get(&self, key: &str) -> Option<V<'a>> {
        let s = |x: &'a str| Some(V::Str(Cow::Borrowed(x)));
        match *self {
            Obj::Root(v) => v.field(key),
            Obj::Signals(v) => v.signals().find_map(|(name, phrase)| {
                if key == name {
                    Some(V::Bool(phrase.is_some()))
                } else if key.strip_suffix("_phrase") == Some(name) {
                    phrase.as_deref().map(|p| V::Str(Cow::Borrowed(p)))
                } else {
                    None
                }
            }),
            Obj::Launch(v) => {
                let Of::Item(it) = v.of else { return None };
                let l = it.launch.clone().unwrap_or_default();
                LaunchAspect::parse(key).map(|a| V::Bool(l.has(a)))
            }
            Obj::ProblemLink(v, r) => match key {
                "id" => s(&r.id),
                "resolved" => Some(V::Bool(r.target.is_some())),
                "evidence" => Some(V::Int(r.target.map_or(0, |t| i64::from(v.links.problem_evidence[t as usize].1)))),
                "customer_evidence" => Some(V::Bool(r.target.is_some_and(|t| v.links.problem_evidence[t as usize].0))),
                _ => None,
            },
            Obj::KpiLink(v, r) => match key {
                "id" => s(&r.id),
                "resolved" => Some(V::Bool(r.target.is_some())),
                "objective" => r.target.and_then(|t| kpi_objective(v.model, t)).map(|o| V::Str(Cow::Borrowed(o))),
                _ => None,
            },
            Obj::Link(r) => match key {
                "id" => s(&r.id),
                "resolved" => Some(V::Bool(r.target.is_some())),
                _ => None,
            },
            Obj::Dep(d) => match key {
                "team" => s(&d.team),
                "acknowledged" => Some(V::Bool(d.acknowledged)),
                "note" => d.note.as_deref().and_then(s),
                _ => None,
            },
            Obj::Commit(c) => match key {
                "to" => s(&c.to),
                "external" => Some(V::Bool(c.external)),
                _ => None,
            },
        }
    }

    /// The present members, in a stable order.
    fn members(&self) -> Vec<(Cow<'a, str>, V<'a>)> {
        let named = |names: &[&'static str]| -> Vec<(Cow<'a, str>, V<'a>)> {
            names.iter().filter_map(|k| self.get(k).map(|v| (Cow::Borrowed(*k), v))).collect()
        };
        match *self {
            Obj::Root(v) => {
                v.fields().iter().filter_map(|f| v.field_of(*f).map(|x| (Cow::Borrowed(f.as_str()), x))).collect()
            }
            Obj::Signals(v) => {
                let mut out = Vec::new();
                for (name, phrase) in v.signals() {
                    out.push((Cow::Borrowed(name), V::Bool(phrase.is_some())));
                    if let Some(p) = phrase {
                        out.push((Cow::Owned(format!("{name}_phrase")), V::Str(Cow::Borrowed(p.as_str()))));
                    }
                }
                out
            }
            Obj::Launch(_) => named(&["marketing", "sales", "support", "docs"]),
            Obj::ProblemLink(..) => named(&["id", "resolved", "evidence", "customer_evidence"]),
            Obj::KpiLink(..) => named(&["id", "resolved", "objective"]),
            Obj::Link(_) => named(&["id", "resolved"]),
            Obj::Dep(_) => named(&["team", "acknowledged", "note"]),
            Obj::Commit(_) => named(&["to", "external"]),
        }
    }
}

/// `n`, which must be the number of members of `obj` (asserted in debug builds, so every test checks it).
fn debug_len(obj: &Obj<'_>, n: usize) -> usize {
    debug_assert_eq!(n, obj.members().len());
    n
}

/// The lists of a view.
#[derive(Clone, Copy)]
pub enum Arr<'a> {
    Drivers(&'a [Driver]),
    ProblemLinks(&'a View<'a>, &'a [Ref]),
    KpiLinks(&'a View<'a>, &'a [Ref]),
    Links(&'a [Ref]),
    Deps(&'a [Dependency]),
    Commits(&'a [Commitment]),
    Names(&'a [&'static str]),
}

impl<'a> Arr<'a> {
    fn len(&self) -> usize {
        match self {
            Arr::Drivers(x) => x.len(),
            Arr::ProblemLinks(_, x) | Arr::KpiLinks(_, x) | Arr::Links(x) => x.len(),
            Arr::Deps(x) => x.len(),
            Arr::Commits(x) => x.len(),
            Arr::Names(x) => x.len(),
        }
    }

    fn get(&self, i: usize) -> Option<V<'a>> {
        Some(match *self {
            Arr::Drivers(x) => V::Str(Cow::Borrowed(x.get(i)?.as_str())),
            Arr::ProblemLinks(v, x) => V::Obj(Obj::ProblemLink(v, x.get(i)?)),
            Arr::KpiLinks(v, x) => V::Obj(Obj::KpiLink(v, x.get(i)?)),
            Arr::Links(x) => V::Obj(Obj::Link(x.get(i)?)),
            Arr::Deps(x) => V::Obj(Obj::Dep(x.get(i)?)),
            Arr::Commits(x) => V::Obj(Obj::Commit(x.get(i)?)),
            Arr::Names(x) => V::Str(Cow::Borrowed(x.get(i)?)),
        })
    }

    pub fn elements(&self) -> ArrIter<'a> {
        ArrIter { arr: *self, next: 0 }
    }
}

pub struct ArrIter<'a> {
    arr: Arr<'a>,
    next: usize,
}

impl<'a> Iterator for ArrIter<'a> {
    type Item = V<'a>;
    fn next(&mut self) -> Option<V<'a>> {
        let v = self.arr.get(self.next)?;
        self.next += 1;
        Some(v)
    }
}

impl<'a> V<'a> {
    /// Follows a dotted path (`signals.competitor_phrase`); used by message templates.
    pub fn path(&self, path: &str) -> Option<V<'a>> {
        path.split('.').try_fold(self.clone(), |v, k| match v {
            V::Obj(o) => o.get(k),
            V::Arr(a) => k.parse().ok().and_then(|i| a.get(i)),
            _ => None,
        })
    }

    /// The value as a message template shows it: text as it is, lists as "a, b", numbers and booleans
    /// as JSON writes them (objects as JSON). The same words as going through [`V::to_json`], without
    /// building JSON values for every placeholder of every finding.
    pub fn display(&self) -> String {
        match self {
            V::Str(s) => s.to_string(),
            V::Bool(b) => b.to_string(),
            V::Int(i) => i.to_string(),
            V::Arr(a) => a.elements().map(|v| v.display()).collect::<Vec<_>>().join(", "),
            V::Obj(_) => self.to_json().to_string(),
        }
    }

    /// The elements of a list value.
    pub fn list(&self) -> Option<Arr<'a>> {
        match self {
            V::Arr(a) => Some(*a),
            _ => None,
        }
    }

    pub fn to_json(&self) -> J {
        match self {
            V::Bool(b) => J::Bool(*b),
            V::Int(i) => J::from(*i),
            V::Str(s) => J::String(s.to_string()),
            V::Obj(o) => J::Object(o.members().into_iter().map(|(k, v)| (k.into_owned(), v.to_json())).collect()),
            V::Arr(a) => J::Array(a.elements().map(|v| v.to_json()).collect()),
        }
    }
}

/// Marker type: "JSON values are view values" (see `jsonschema::json::Json`).
pub struct ViewJson;

impl Json for ViewJson {
    type Node<'a> = V<'a>;
    type PreparedKey = ViewKey;
    type StringBuffer = String;

    fn prepare_key(key: &str) -> ViewKey {
        ViewKey { name: key.to_owned(), field: Field::parse(key) }
    }

    fn with_string_node<T>(buffer: &mut String, string: &str, f: impl FnOnce(V<'_>) -> T) -> T {
        buffer.clear();
        buffer.push_str(string);
        f(V::Str(Cow::Borrowed(buffer.as_str())))
    }
}

/// View numbers are integers.
#[derive(Clone, Copy)]
pub struct Int(i64);

impl JsonNumber for Int {
    fn as_u64(&self) -> Option<u64> {
        u64::try_from(self.0).ok()
    }
    fn as_i64(&self) -> Option<i64> {
        Some(self.0)
    }
    fn as_f64(&self) -> Option<f64> {
        Some(self.0 as f64)
    }
    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.0.to_string())
    }
    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(serde_json::Number::from(self.0))
    }
    fn is_integer(&self) -> bool {
        true
    }
    fn is_written_as_integer(&self) -> bool {
        true
    }
}

pub struct Members<'a>(std::vec::IntoIter<(Cow<'a, str>, V<'a>)>);

impl<'a> Iterator for Members<'a> {
    type Item = (Cow<'a, str>, V<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

impl<'a> JsonNode<'a, ViewJson> for V<'a> {
    type Object = Obj<'a>;
    type Array = Arr<'a>;
    type Number = Int;

    fn as_object(&self) -> Option<Obj<'a>> {
        match self {
            V::Obj(o) => Some(*o),
            _ => None,
        }
    }
    fn as_array(&self) -> Option<Arr<'a>> {
        self.list()
    }
    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            V::Str(s) => Some(s.clone()),
            _ => None,
        }
    }
    fn as_number(&self) -> Option<Int> {
        match self {
            V::Int(i) => Some(Int(*i)),
            _ => None,
        }
    }
    fn as_boolean(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        false
    }
    fn json_type(&self) -> JsonType {
        match self {
            V::Bool(_) => JsonType::Boolean,
            V::Int(_) => JsonType::Number,
            V::Str(_) => JsonType::String,
            V::Obj(_) => JsonType::Object,
            V::Arr(_) => JsonType::Array,
        }
    }
    fn equals_value(&self, expected: &J) -> bool {
        match (self, expected) {
            (V::Bool(a), J::Bool(b)) => a == b,
            (V::Int(a), J::Number(b)) => b.as_i64() == Some(*a) || b.as_f64() == Some(*a as f64),
            (V::Str(a), J::String(b)) => a == b,
            (V::Obj(_) | V::Arr(_), J::Object(_) | J::Array(_)) => {
                jsonschema::json::cmp::equal(&self.to_json(), expected)
            }
            _ => false,
        }
    }
    fn to_value(&self) -> Cow<'a, J> {
        Cow::Owned(self.to_json())
    }
    fn identity(&self) -> Option<NodeIdentity> {
        // View values are made on the fly; conditions do not recurse through `$ref` cycles.
        None
    }
}

impl<'a> Object<'a, ViewJson> for Obj<'a> {
    type Node = V<'a>;
    type MemberName = Cow<'a, str>;
    type MembersIter = Members<'a>;

    /// Counted without computing the fields (the validator asks often).
    fn len(&self) -> usize {
        match *self {
            Obj::Root(v) => {
                let n = v.fields().len() - v.absent_fields();
                debug_assert_eq!(n, v.fields().iter().filter(|f| v.present(**f)).count());
                n
            }
            // Counted without building the members (what `members` would return; checked in tests).
            Obj::Launch(_) => debug_len(self, 4),
            Obj::ProblemLink(..) => debug_len(self, 4),
            Obj::Link(_) | Obj::Commit(_) => debug_len(self, 2),
            Obj::KpiLink(v, r) => {
                debug_len(self, 2 + usize::from(r.target.and_then(|t| kpi_objective(v.model, t)).is_some()))
            }
            Obj::Dep(d) => debug_len(self, 2 + usize::from(d.note.is_some())),
            Obj::Signals(_) => self.members().len(),
        }
    }
    fn get(&self, key: &ViewKey) -> Option<V<'a>> {
        match (*self, key.field) {
            (Obj::Root(v), Some(f)) => v.field_of(f),
            (Obj::Root(_), None) => None,
            _ => Obj::get(self, &key.name),
        }
    }
    fn members(&self) -> Members<'a> {
        Members(Obj::members(self).into_iter())
    }
}

impl<'a> Array<'a, ViewJson> for Arr<'a> {
    type Node = V<'a>;
    type ElementsIter = ArrIter<'a>;

    fn len(&self) -> usize {
        Arr::len(self)
    }
    fn elements(&self) -> ArrIter<'a> {
        Arr::elements(self)
    }
}

/// Every entity's view, in model order (for `roadmap-audit view`).
pub fn all<'a>(model: &'a Model, links: &'a BackLinks, ctx: &'a ViewContext<'a>) -> Vec<(EntityIdx, View<'a>)> {
    model.entities().map(|e| (e, View::new(model, links, ctx, Of::entity(model, e)))).collect()
}
