//! The rule engine: every enabled data rule's `condition` (a JSON Schema, compiled once per run) is matched
//! against each entity view of its kind; a match is a finding at the rule's `at` key (or, with `each`, at
//! each matching list element). Messages are the rule's templates filled from the view.

use std::sync::Arc;

use jsonschema::Validator;
use serde_json::Value as Json;

use super::view::{self, BackLinks, View, ViewContext};
use super::{Registry, RuleMeta};
use crate::config::Config;
use crate::finding::{Entity, EntityKind, Finding};
use crate::load::Span;
use crate::model::{Meta, Model};

/// A rule's compiled condition(s).
pub struct Compiled {
    pub condition: Validator,
    pub each: Option<Validator>,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Compiled")
    }
}

/// Compiles a rule's conditions; the error says which and why (for a diagnostic into the rule file).
pub fn compile(rule: &RuleMeta) -> Result<Option<Arc<Compiled>>, (&'static str, String)> {
    let Some(cond) = &rule.condition else { return Ok(None) };
    let build = |s: &Json| jsonschema::draft202012::options().should_validate_formats(true).build(s);
    let condition = build(cond).map_err(|e| ("condition", e.to_string()))?;
    let each = match &rule.each_condition {
        Some(s) => Some(build(s).map_err(|e| ("each_condition", e.to_string()))?),
        None if rule.each.is_some() => Some(build(&Json::Bool(true)).map_err(|e| ("each", e.to_string()))?),
        None => None,
    };
    Ok(Some(Arc::new(Compiled { condition, each })))
}

/// Runs every enabled data rule over the model, on `jobs` threads (entities are independent).
pub fn run(model: &Model, registry: &Registry, config: &Config, ctx: &ViewContext<'_>, jobs: usize) -> Vec<Finding> {
    let rules: Vec<(&RuleMeta, &Compiled)> = registry
        .iter()
        .filter(|r| config.level_of(&r.id, r.severity).is_some())
        .filter_map(|r| r.compiled.as_deref().map(|c| (r, c)))
        .collect();
    let of_kind = |k: &str| rules.iter().filter(|(r, _)| r.entity == k).copied().collect::<Vec<_>>();
    let (items, kpis, problems, objectives) =
        (of_kind("item"), of_kind("kpi"), of_kind("problem"), of_kind("objective"));
    let links = BackLinks::of(model);
    let mut out = Vec::new();
    // Each kind's entities in parallel; findings come back in model order.
    fn each<T: Sync>(
        list: &[T],
        rules: &[(&RuleMeta, &Compiled)],
        jobs: usize,
        out: &mut Vec<Finding>,
        view_of: impl Fn(usize, &T) -> (View, &str, &Meta) + Sync,
        kind: EntityKind,
    ) {
        if rules.is_empty() {
            return;
        }
        let found = crate::parallel::map(list, jobs, |i, e| {
            let (v, id, meta) = view_of(i, e);
            let mut found = Vec::new();
            evaluate(rules, &v, kind, id, meta, &mut found);
            found
        });
        out.extend(found.into_iter().flatten());
    }
    each(
        &model.objectives,
        &objectives,
        jobs,
        &mut out,
        |i, o| (view::objective(&links, i, o), &o.id, &o.meta),
        EntityKind::Objective,
    );
    each(&model.kpis, &kpis, jobs, &mut out, |i, k| (view::kpi(&links, i, k), &k.id, &k.meta), EntityKind::Kpi);
    each(
        &model.problems,
        &problems,
        jobs,
        &mut out,
        |i, p| (view::problem(&links, ctx, i, p), &p.id, &p.meta),
        EntityKind::Problem,
    );
    each(
        &model.items,
        &items,
        jobs,
        &mut out,
        |_, it| (view::item(model, &links, ctx, it), &it.id, &it.meta),
        EntityKind::Item,
    );
    out
}

fn evaluate(
    rules: &[(&RuleMeta, &Compiled)],
    v: &View,
    kind: EntityKind,
    id: &str,
    meta: &Meta,
    out: &mut Vec<Finding>,
) {
    for (rule, c) in rules {
        if !c.condition.is_valid(&v.json) {
            continue;
        }
        let entity = Entity::new(kind, id);
        match (&rule.each, &c.each) {
            (Some(list), Some(each)) => {
                let elements = v.json.get(list).and_then(Json::as_array).map(Vec::as_slice).unwrap_or(&[]);
                for (i, el) in elements.iter().enumerate() {
                    if !each.is_valid(el) {
                        continue;
                    }
                    let span = v.element_span(list, i).or_else(|| meta.key_span(list)).unwrap_or(meta.id_span);
                    let mut f = finding(rule, meta, span, entity.clone(), &v.json, Some(el));
                    f.discriminator = Some(discriminator(el, i));
                    out.push(f);
                }
            }
            _ => {
                let span = rule.at.as_deref().and_then(|k| meta.key_span(k)).unwrap_or(meta.id_span);
                out.push(finding(rule, meta, span, entity, &v.json, None));
            }
        }
    }
}

fn finding(rule: &RuleMeta, meta: &Meta, span: Span, entity: Entity, view: &Json, each: Option<&Json>) -> Finding {
    let message = fill(&rule.message, view, each);
    let help = fill(&rule.help, view, each);
    Finding::new(rule.id.clone(), rule.severity, meta.file, span, entity, message).with_help(help)
}

/// What tells one element's finding from another's: its `team`, `id` or `to`, else its position.
fn discriminator(el: &Json, i: usize) -> String {
    ["team", "id", "to"]
        .iter()
        .find_map(|k| el.get(*k).and_then(Json::as_str))
        .map_or_else(|| i.to_string(), str::to_owned)
}

/// Fills `{field}`, `{a.b}` and `{each.field}` from the view. Lists read as "a, b"; absent fields as "?".
pub fn fill(template: &str, view: &Json, each: Option<&Json>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let path = &after[..close];
        let (root, path) = match path.strip_prefix("each.") {
            Some(p) => (each, p),
            None => (Some(view), path),
        };
        let value = root.and_then(|r| path.split('.').try_fold(r, |v, k| v.get(k)));
        out.push_str(&display(value));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn display(v: Option<&Json>) -> String {
    match v {
        None | Some(Json::Null) => "?".into(),
        Some(Json::String(s)) => s.clone(),
        Some(Json::Array(a)) => a.iter().map(|x| display(Some(x))).collect::<Vec<_>>().join(", "),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates() {
        let v = json!({"id": "ITM-1", "launch_missing": ["support", "marketing"], "signals": {"competitor_phrase": "parity"}});
        assert_eq!(fill("item {id} lacks {launch_missing}", &v, None), "item ITM-1 lacks support, marketing");
        assert_eq!(fill("\"{signals.competitor_phrase}\" {nope}", &v, None), "\"parity\" ?");
        assert_eq!(fill("depends on {each.team}", &v, Some(&json!({"team": "Risk"}))), "depends on Risk");
    }
}
