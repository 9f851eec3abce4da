//! The rule engine: every enabled data rule's `condition` (a JSON Schema, compiled once per run: natively
//! when it uses the common keywords, see `condition`, else by the `jsonschema` crate) is matched against each
//! entity view of its kind; a match is a finding at the rule's `at` key (or, with `each`, at
//! each matching list element). Messages are the rule's templates filled from the view.

use std::sync::Arc;

use serde_json::Value as Json;

use super::condition::Cond;
use super::view::{BackLinks, Of, View, ViewContext, ViewJson, V};
use super::{Registry, RuleMeta};
use crate::config::Config;
use crate::finding::{Entity, EntityKind, Finding};
use crate::load::Span;
use crate::model::{Meta, Model};

/// Conditions read entity views directly (see `view`).
type Validator = jsonschema::Validator<ViewJson>;

/// A rule's compiled condition(s).
pub struct Compiled {
    pub condition: Matcher,
    pub each: Option<Matcher>,
}

/// One compiled JSON Schema.
pub enum Matcher {
    Native(Cond),
    Schema(Box<Validator>),
}

impl Matcher {
    pub fn is_valid(&self, v: &V<'_>) -> bool {
        match self {
            Matcher::Native(c) => c.matches(v),
            Matcher::Schema(s) => s.is_valid(v.clone()),
        }
    }
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Compiled")
    }
}

/// Compiles a rule's conditions; the error says which and why (for a diagnostic into the rule file).
pub fn compile(rule: &RuleMeta) -> Result<Option<Arc<Compiled>>, (&'static str, String)> {
    let Some(cond) = &rule.condition else { return Ok(None) };
    let build = |s: &Json| match Cond::compile(s) {
        Some(c) => Ok(Matcher::Native(c)),
        None => schema_validator(s).map(|v| Matcher::Schema(Box::new(v))),
    };
    let condition = build(cond).map_err(|e| ("condition", e.to_string()))?;
    let each = match &rule.each_condition {
        Some(s) => Some(build(s).map_err(|e| ("each_condition", e.to_string()))?),
        None if rule.each.is_some() => Some(build(&Json::Bool(true)).map_err(|e| ("each", e.to_string()))?),
        None => None,
    };
    Ok(Some(Arc::new(Compiled { condition, each })))
}

/// `schema` compiled by the `jsonschema` crate (what conditions outside the native subset run on).
pub fn schema_validator(schema: &Json) -> Result<Validator, jsonschema::ValidationError<'static>> {
    jsonschema::options_for::<ViewJson>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
}

/// Runs every enabled data rule over the model, on `jobs` threads (entities are independent); adds the
/// findings to `out`, in model order.
pub fn run(
    model: &Model,
    links: &BackLinks,
    registry: &Registry,
    config: &Config,
    ctx: &ViewContext<'_>,
    jobs: usize,
    out: &mut Vec<Finding>,
) {
    let rules: Vec<(&RuleMeta, &Compiled)> = registry
        .iter()
        .filter(|r| config.level_of(&r.id, r.severity).is_some())
        .filter_map(|r| r.compiled.as_deref().map(|c| (r, c)))
        .collect();
    let of_kind = |k: &str| rules.iter().filter(|(r, _)| r.entity == k).copied().collect::<Vec<_>>();
    let (items, kpis, problems, objectives) =
        (of_kind("item"), of_kind("kpi"), of_kind("problem"), of_kind("objective"));
    // Every entity that some rule applies to, in model order, audited in one parallel pass (one set of
    // threads for the whole run rather than one per kind); findings come back in that order.
    let kinds = [
        (EntityKind::Objective, objectives, model.objectives.len()),
        (EntityKind::Kpi, kpis, model.kpis.len()),
        (EntityKind::Problem, problems, model.problems.len()),
        (EntityKind::Item, items, model.items.len()),
    ];
    // Entities in chunks (of one kind each), so that each thread fills one vector of findings per chunk:
    // a vector per entity would allocate room for four findings at the first, then be copied once more.
    const CHUNK: u32 = 512;
    let work: Vec<(usize, std::ops::Range<u32>)> = kinds
        .iter()
        .enumerate()
        .filter(|(_, (_, rules, _))| !rules.is_empty())
        .flat_map(|(k, &(_, _, n))| {
            (0..n as u32).step_by(CHUNK as usize).map(move |s| (k, s..(s + CHUNK).min(n as u32)))
        })
        .collect();
    let found = crate::parallel::map(&work, jobs, |_, (k, range)| {
        let (kind, rules, _) = &kinds[*k];
        let mut found = Vec::new();
        for i in range.clone() {
            let e = crate::model::EntityIdx { kind: *kind, index: i };
            let view = View::new(model, links, ctx, Of::entity(model, e));
            let (id, meta) = model.meta(e);
            evaluate(rules, &view, *kind, id, meta, &mut found);
        }
        found
    });
    out.reserve(found.iter().map(Vec::len).sum());
    for f in found {
        out.extend(f);
    }
}

fn evaluate(
    rules: &[(&RuleMeta, &Compiled)],
    v: &View,
    kind: EntityKind,
    id: &str,
    meta: &Meta,
    out: &mut Vec<Finding>,
) {
    let root = v.root();
    for (rule, c) in rules {
        if !c.condition.is_valid(&root) {
            continue;
        }
        let entity = Entity::new(kind, id);
        match (&rule.each, &c.each) {
            (Some(list), Some(each)) => {
                let Some(elements) = root.path(list).and_then(|l| l.list()) else { continue };
                for (i, el) in elements.elements().enumerate() {
                    if !each.is_valid(&el) {
                        continue;
                    }
                    let span = v.element_span(list, i).or_else(|| meta.key_span(list)).unwrap_or(meta.id_span);
                    let mut f = finding(rule, meta, span, entity.clone(), &root, Some(&el));
                    f.discriminator = Some(discriminator(&el, i));
                    out.push(f);
                }
            }
            _ => {
                let span = rule.at.as_deref().and_then(|k| meta.key_span(k)).unwrap_or(meta.id_span);
                out.push(finding(rule, meta, span, entity, &root, None));
            }
        }
    }
}

fn finding(rule: &RuleMeta, meta: &Meta, span: Span, entity: Entity, root: &V<'_>, each: Option<&V<'_>>) -> Finding {
    let lookup = |path: &str| match path.strip_prefix("each.") {
        Some(p) => each.and_then(|e| e.path(p)).map(|v| v.display()),
        None => root.path(path).map(|v| v.display()),
    };
    let message = fill(&rule.message, &lookup);
    let help = fill(&rule.help, &lookup);
    Finding::new(rule.id.clone(), rule.severity, meta.file, span, entity, message).with_help(help)
}

/// What tells one element's finding from another's: its `team`, `id` or `to`, else its position.
fn discriminator(el: &V<'_>, i: usize) -> String {
    ["team", "id", "to"]
        .iter()
        .find_map(|k| match el.path(k) {
            Some(V::Str(s)) => Some(s.into_owned()),
            _ => None,
        })
        .unwrap_or_else(|| i.to_string())
}

/// Fills `{field}`, `{a.b}` and `{each.field}` with what `lookup` finds for the path (as
/// [`V::display`] words it); absent fields read "?".
pub fn fill(template: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        out.push_str(lookup(&after[..close]).as_deref().unwrap_or("?"));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// How a template shows a JSON value: what [`V::display`] does for a view's.
    fn display(v: Option<&Json>) -> String {
        match v {
            None | Some(Json::Null) => "?".into(),
            Some(Json::String(s)) => s.clone(),
            Some(Json::Array(a)) => a.iter().map(|x| display(Some(x))).collect::<Vec<_>>().join(", "),
            Some(other) => other.to_string(),
        }
    }

    #[test]
    fn templates() {
        let v = json!({"id": "ITM-1", "launch_missing": ["support", "marketing"], "signals": {"competitor_phrase": "parity"}});
        let e = json!({"team": "Risk"});
        let lookup = |path: &str| {
            let found = match path.strip_prefix("each.") {
                Some(p) => e.get(p).cloned(),
                None => path.split('.').try_fold(&v, |x, k| x.get(k)).cloned(),
            };
            found.map(|j| display(Some(&j)))
        };
        assert_eq!(fill("item {id} lacks {launch_missing}", &lookup), "item ITM-1 lacks support, marketing");
        assert_eq!(fill("\"{signals.competitor_phrase}\" {nope}", &lookup), "\"parity\" ?");
        assert_eq!(fill("depends on {each.team}", &lookup), "depends on Risk");
    }
}
