//! Entity views: the JSON object a rule's condition is matched against, derived from the resolved model
//! (links followed, evidence classified, dates measured against the audit date, prose signals found).
//! The fields are documented in `docs/writing-rules.md`; this is the single place that computes them.

use serde_json::{json, Map, Value as Json};

use super::lexicon::Lexicons;
use crate::date::Date;
use crate::load::Span;
use crate::model::{Item, Kpi, LaunchAspect, Model, Objective, Problem, Ref};

/// Audit settings the views depend on.
pub struct ViewContext<'a> {
    pub as_of: Date,
    pub stale_after_days: u32,
    pub launch_requires: &'a [LaunchAspect],
    pub lexicons: &'a Lexicons,
}

/// A view plus the spans of the elements of its lists, so per-element findings point at the element.
pub struct View {
    pub json: Json,
    pub lists: Vec<(&'static str, Vec<Span>)>,
}

impl View {
    pub fn element_span(&self, list: &str, i: usize) -> Option<Span> {
        self.lists.iter().find(|(k, _)| *k == list).and_then(|(_, v)| v.get(i).copied())
    }
}

/// How often each entity is linked, computed once per audit.
#[derive(Default)]
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

fn put_opt(m: &mut Map<String, Json>, key: &str, v: &Option<String>) {
    if let Some(s) = v {
        m.insert(key.to_owned(), Json::String(s.clone()));
    }
}

pub fn item(model: &Model, links: &BackLinks, ctx: &ViewContext<'_>, it: &Item) -> View {
    let mut m = Map::new();
    m.insert("id".into(), json!(it.id));
    put_opt(&mut m, "title", &it.title);
    m.insert("type".into(), json!(it.item_type.as_str()));
    if let Some(s) = it.status {
        m.insert("status".into(), json!(s.as_str()));
    }
    m.insert("active".into(), json!(it.is_active()));
    m.insert("delivering".into(), json!(it.is_delivering()));
    m.insert("open".into(), json!(it.is_open()));
    put_opt(&mut m, "owner", &it.owner);
    put_opt(&mut m, "when", &it.when);
    put_opt(&mut m, "rationale", &it.rationale);
    put_opt(&mut m, "hypothesis", &it.hypothesis);
    m.insert("customer_facing".into(), json!(it.is_customer_facing()));
    m.insert("drivers".into(), json!(it.drivers.iter().map(|d| d.as_str()).collect::<Vec<_>>()));

    let problems: Vec<Json> = it
        .problems
        .iter()
        .map(|r| {
            let (customer, count) = r.target.map_or((false, 0), |t| links.problem_evidence[t as usize]);
            json!({"id": r.id, "resolved": r.target.is_some(), "evidence": count, "customer_evidence": customer})
        })
        .collect();
    let customer_evidence = it.problems.iter().filter_map(|r| r.target).any(|t| links.problem_evidence[t as usize].0);
    let kpis: Vec<Json> = it
        .kpis
        .iter()
        .map(|r| {
            let mut k = json!({"id": r.id, "resolved": r.target.is_some()});
            if let Some(o) =
                r.target.and_then(|t| model.kpis[t as usize].objective.as_ref()).filter(|o| o.target.is_some())
            {
                k["objective"] = json!(o.id);
            }
            k
        })
        .collect();
    let via_kpi = it
        .kpis
        .iter()
        .filter_map(|r| r.target)
        .any(|t| model.kpis[t as usize].objective.as_ref().is_some_and(|o| o.target.is_some()));
    let linked = |refs: &[Ref]| refs.iter().filter(|r| r.target.is_some()).count();
    m.insert("problems".into(), Json::Array(problems));
    m.insert("kpis".into(), Json::Array(kpis));
    m.insert(
        "objectives".into(),
        Json::Array(it.objectives.iter().map(|r| json!({"id": r.id, "resolved": r.target.is_some()})).collect()),
    );
    m.insert("linked_problems".into(), json!(linked(&it.problems)));
    m.insert("linked_kpis".into(), json!(linked(&it.kpis)));
    m.insert("linked_objectives".into(), json!(linked(&it.objectives)));
    m.insert("customer_evidence".into(), json!(customer_evidence));
    m.insert("serves_objective".into(), json!(linked(&it.objectives) > 0 || via_kpi));
    m.insert("validation".into(), json!(it.validation.len()));
    m.insert(
        "dependencies".into(),
        Json::Array(
            it.dependencies
                .iter()
                .map(|d| {
                    let mut v = json!({"team": d.team, "acknowledged": d.acknowledged});
                    if let Some(n) = &d.note {
                        v["note"] = json!(n);
                    }
                    v
                })
                .collect(),
        ),
    );
    let launch = it.launch.clone().unwrap_or_default();
    m.insert(
        "launch".into(),
        json!({"marketing": launch.marketing, "sales": launch.sales, "support": launch.support, "docs": launch.docs}),
    );
    let missing: Vec<&str> = ctx.launch_requires.iter().filter(|a| !launch.has(**a)).map(|a| a.as_str()).collect();
    m.insert("launch_missing".into(), json!(missing));
    m.insert(
        "commitments".into(),
        Json::Array(it.commitments.iter().map(|c| json!({"to": c.to, "external": c.external})).collect()),
    );
    m.insert("external_commitments".into(), json!(it.commitments.iter().filter(|c| c.external).count()));

    let mut signals = Map::new();
    let rationale = it.rationale.as_deref().unwrap_or("");
    for (name, phrase) in ctx.lexicons.signals(rationale) {
        signals.insert(name.to_owned(), json!(phrase.is_some()));
        if let Some(p) = phrase {
            signals.insert(format!("{name}_phrase"), json!(p));
        }
    }
    m.insert("signals".into(), Json::Object(signals));

    let lists = vec![
        ("problems", it.problems.iter().map(|r| r.span).collect()),
        ("kpis", it.kpis.iter().map(|r| r.span).collect()),
        ("objectives", it.objectives.iter().map(|r| r.span).collect()),
        ("dependencies", it.dependencies.iter().map(|d| d.span).collect()),
        ("commitments", it.commitments.iter().map(|c| c.span).collect()),
    ];
    View { json: Json::Object(m), lists }
}

pub fn kpi(links: &BackLinks, index: usize, k: &Kpi) -> View {
    let mut m = Map::new();
    m.insert("id".into(), json!(k.id));
    put_opt(&mut m, "name", &k.name);
    put_opt(&mut m, "owner", &k.owner);
    put_opt(&mut m, "unit", &k.unit);
    if let Some(o) = &k.objective {
        m.insert("objective".into(), json!(o.id));
    }
    m.insert("objective_resolved".into(), json!(k.objective.as_ref().is_some_and(|o| o.target.is_some())));
    m.insert(
        "problems".into(),
        Json::Array(k.problems.iter().map(|r| json!({"id": r.id, "resolved": r.target.is_some()})).collect()),
    );
    m.insert("linked_problems".into(), json!(k.problems.iter().filter(|r| r.target.is_some()).count()));
    m.insert("has_baseline".into(), json!(k.has_baseline));
    m.insert("has_target".into(), json!(k.has_target));
    m.insert("linked_by_items".into(), json!(links.kpi_by_items[index]));
    View { json: Json::Object(m), lists: vec![("problems", k.problems.iter().map(|r| r.span).collect())] }
}

pub fn problem(links: &BackLinks, ctx: &ViewContext<'_>, index: usize, p: &Problem) -> View {
    let mut m = Map::new();
    m.insert("id".into(), json!(p.id));
    put_opt(&mut m, "statement", &p.statement);
    put_opt(&mut m, "segment", &p.segment);
    let customer = p.evidence.iter().filter(|e| e.kind.is_some_and(|k| k.is_customer())).count();
    let indirect = p.evidence.iter().filter(|e| e.kind.is_some_and(|k| !k.is_customer())).count();
    let newest = p.evidence.iter().filter_map(|e| e.date).max();
    m.insert("evidence".into(), json!(p.evidence.len()));
    m.insert("customer_evidence".into(), json!(customer));
    m.insert("indirect_evidence".into(), json!(indirect));
    m.insert("dated_evidence".into(), json!(p.evidence.iter().filter(|e| e.date.is_some()).count()));
    let mut stale = false;
    if let Some(d) = newest {
        let age = d.days_until(ctx.as_of);
        m.insert("newest_evidence".into(), json!(d.to_string()));
        m.insert("newest_evidence_age_days".into(), json!(age));
        stale = age > ctx.stale_after_days as i32;
    }
    m.insert("stale".into(), json!(stale));
    m.insert("linked_by_items".into(), json!(links.problem_by_items[index]));
    m.insert("linked_by_kpis".into(), json!(links.problem_by_kpis[index]));
    View { json: Json::Object(m), lists: vec![("evidence", p.evidence.iter().map(|e| e.span).collect())] }
}

pub fn objective(links: &BackLinks, index: usize, o: &Objective) -> View {
    let mut m = Map::new();
    m.insert("id".into(), json!(o.id));
    put_opt(&mut m, "title", &o.title);
    put_opt(&mut m, "owner", &o.owner);
    m.insert("linked_by_items".into(), json!(links.objective_by_items[index]));
    m.insert("linked_by_kpis".into(), json!(links.objective_by_kpis[index]));
    View { json: Json::Object(m), lists: Vec::new() }
}

/// Every entity's view, in model order (for `roadmap-audit view`).
pub fn all(model: &Model, ctx: &ViewContext<'_>) -> Vec<(crate::model::EntityIdx, View)> {
    use crate::finding::EntityKind;
    let links = BackLinks::of(model);
    model
        .entities()
        .map(|e| {
            let i = e.index as usize;
            let v = match e.kind {
                EntityKind::Objective => objective(&links, i, &model.objectives[i]),
                EntityKind::Kpi => kpi(&links, i, &model.kpis[i]),
                EntityKind::Problem => problem(&links, ctx, i, &model.problems[i]),
                _ => item(model, &links, ctx, &model.items[i]),
            };
            (e, v)
        })
        .collect()
}
