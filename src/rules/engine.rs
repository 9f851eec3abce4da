//! The rule engine: every enabled data rule's `condition` (a JSON Schema, compiled once per run: natively
//! when it uses the common keywords, see `matcher`, else by the `jsonschema` crate) is matched against each
//! entity view of its kind; a match is a finding at the rule's `at` key (or, with `each`, at
//! each matching list element). Messages are the rule's templates filled from the view.

use std::sync::Arc;

use serde_json::Value as Json;

use super::view::{BackLinks, Of, View, ViewContext, ViewJson, V};
use super::{Registry, RuleMeta};
use crate::config::Config;
use crate::finding::{Entity, EntityKind, Finding};
use crate::load::Span;
use crate::matcher::Cond;
use crate::model::{Meta, Model};

/// Conditions read entity views directly (see `view`).
type Validator = jsonschema::Validator<ViewJson>;

/// A rule's compiled condition(s).
pub struct Compiled {
    pub condition: Matcher,
    pub each: Option<Matcher>,
    /// The rule's help, when it has no `{field}` to fill: shared by all its findings.
    pub help: Option<Arc<str>>,
}

/// One compiled JSON Schema.
pub enum Matcher {
    Native(Cond<ViewJson>),
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
    let help = (!rule.help.contains('{')).then(|| Arc::from(rule.help.as_str()));
    Ok(Some(Arc::new(Compiled { condition, each, help })))
}

/// `schema` compiled by the `jsonschema` crate (what conditions outside the native subset run on).
pub fn schema_validator(schema: &Json) -> Result<Validator, jsonschema::ValidationError<'static>> {
    jsonschema::options_for::<ViewJson>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
}

/// Entities from which the rules run on threads.
const PARALLEL_FROM: usize = 4096;

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
    // Threads only for a model big enough to pay for starting them (at 1k items, two rule threads made the
    // whole run ~1 ms slower than `--jobs 1`, 41 interleaved runs).
    let entities: usize = kinds.iter().filter(|(_, rules, _)| !rules.is_empty()).map(|(_, _, n)| n).sum();
    let jobs = if entities >= PARALLEL_FROM { jobs } else { 1 };
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
    // With room for the findings the policy adds next (one at most per waiver): without it, those few
    // made the vector double (5,200 findings: a copy of 0.8 MB into 1.7 MB of fresh memory).
    out.reserve(found.iter().map(Vec::len).sum::<usize>() + crate::policy::added_at_most(model));
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
                    let mut f = finding(rule, c, meta, span, entity.clone(), &root, Some(&el));
                    f.discriminator = Some(discriminator(&el, i));
                    out.push(f);
                }
            }
            _ => {
                let span = rule.at.as_deref().and_then(|k| meta.key_span(k)).unwrap_or(meta.id_span);
                out.push(finding(rule, c, meta, span, entity, &root, None));
            }
        }
    }
}

fn finding(
    rule: &RuleMeta,
    c: &Compiled,
    meta: &Meta,
    span: Span,
    entity: Entity,
    root: &V<'_>,
    each: Option<&V<'_>>,
) -> Finding {
    let lookup = |path: &str| match path.strip_prefix("each.") {
        Some(p) => each.and_then(|e| e.path(p)).map(|v| v.display()),
        None => root.path(path).map(|v| v.display()),
    };
    let message = fill(&rule.message, &lookup);
    let help = c.help.clone().unwrap_or_else(|| fill(&rule.help, &lookup).into());
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

#[cfg(test)]
mod condition_tests {
    use super::*;
    use crate::matcher::Cond;
    use crate::rules::view::{self, BackLinks};
    use serde_json::json;

    /// Conditions beyond the built-in rules', one or more per keyword and edge (bounds between integers,
    /// type lists, `oneOf` with overlaps, `const` of a list or an object, keys no view has).
    fn more_conditions() -> Vec<Json> {
        vec![
            json!(true),
            json!(false),
            json!({}),
            json!({"description": "only an annotation"}),
            json!({"required": []}),
            json!({"required": ["owner", "title"]}),
            json!({"required": ["no_such_field"]}),
            json!({"properties": {"no_such_field": false}}),
            json!({"properties": {"id": {"type": "string"}, "evidence": {"type": "integer", "minimum": 1}}}),
            json!({"type": ["object", "null"]}),
            json!({"type": "array"}),
            json!({"properties": {"linked_problems": {"type": "number", "exclusiveMinimum": 0}}}),
            json!({"properties": {"linked_problems": {"maximum": 1.5}}}),
            json!({"properties": {"newest_evidence_age_days": {"exclusiveMaximum": 180, "minimum": -3}}}),
            json!({"properties": {"evidence": {"minimum": 18446744073709551615u64}}}),
            json!({"properties": {"drivers": {"const": ["competitor"]}}}),
            json!({"properties": {"drivers": {"enum": [[], ["customer"], "competitor"]}}}),
            json!({"properties": {"launch": {"const": {"marketing": true, "sales": true, "support": true, "docs": true}}}}),
            json!({"properties": {"problems": {"items": {"required": ["resolved"], "properties": {"evidence": {"minimum": 1}}}}}}),
            json!({"properties": {"problems": {"minItems": 2.0, "maxItems": 3}}}),
            json!({"oneOf": [{"required": ["owner"]}, {"required": ["title"]}]}),
            json!({"allOf": [{"required": ["id"]}, {"not": {"properties": {"status": {"enum": ["shipped", "dropped"]}}}}]}),
            json!({"anyOf": [{"properties": {"signals": {"required": ["competitor_phrase"]}}}, {"type": "string"}]}),
            json!({"properties": {"dependencies": {"items": {"properties": {"note": {"type": "string"}}}}}}),
            json!({"properties": {"id": {"minLength": 14, "maxLength": 40, "pattern": "^PRB-"}}}),
            json!({"properties": {"rationale": {"pattern": "\\S"}, "newest_evidence": {"format": "date"}}}),
            json!({"dependentRequired": {"owner": ["title"], "rationale": ["hypothesis", "when"]}}),
            json!({"properties": {"launch": {"additionalProperties": {"const": true}}}}),
            json!({"properties": {"signals": {"patternProperties": {"^competitor": {"type": "boolean"}}, "additionalProperties": false}}}),
        ]
    }

    /// Every view (and every element of its lists) of the examples and the rule fixtures.
    fn with_every_view(mut f: impl FnMut(&str, &V<'_>)) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let pattern = format!("{}/{{examples,tests/fixtures/rules}}/**/*.yaml", root.display());
        let files = crate::load::discover(&[pattern], &crate::load::glob_set(&[]).unwrap()).unwrap();
        let files: Vec<_> = files.into_iter().filter(|f| !f.display.ends_with(".config.yaml")).collect();
        assert!(files.len() > 100, "found only {} files", files.len());
        let config = crate::config::Config::default();
        let lexicons = crate::rules::lexicon::Lexicons::new(&["Globex".to_owned()]);
        let options = crate::Options { as_of: crate::date::Date::parse("2026-12-01").unwrap(), ..Default::default() };
        let ctx = crate::view_context(&config, &options, &lexicons);
        for file in files {
            let loaded = crate::load_model(std::slice::from_ref(&file), &options).unwrap();
            let links = BackLinks::of(&loaded.model);
            for (_, v) in view::all(&loaded.model, &links, &ctx) {
                let root = v.root();
                f(&file.display, &root);
                for list in ["problems", "kpis", "objectives", "dependencies", "commitments", "drivers"] {
                    for el in root.path(list).and_then(|l| l.list()).into_iter().flat_map(|l| l.elements()) {
                        f(&file.display, &el);
                    }
                }
            }
        }
    }

    #[test]
    fn native_conditions_agree_with_jsonschema_on_every_view() {
        let registry = crate::rules::Registry::builtin();
        let mut schemas: Vec<(String, Json)> = Vec::new();
        for rule in registry.iter() {
            let conds = [("condition", &rule.condition), ("each_condition", &rule.each_condition)];
            for (what, cond) in conds.into_iter().filter_map(|(w, c)| c.as_ref().map(|c| (w, c))) {
                schemas.push((format!("{} {what}", rule.id), cond.clone()));
            }
        }
        assert!(schemas.len() >= 20, "built-in conditions: {}", schemas.len());
        schemas.extend(more_conditions().into_iter().map(|s| (s.to_string(), s)));
        let compiled: Vec<_> = schemas
            .iter()
            .map(|(name, s)| {
                let native = Cond::<ViewJson>::compile(s).unwrap_or_else(|| panic!("{name}: not compiled natively"));
                (name, native, schema_validator(s).unwrap())
            })
            .collect();
        let (mut views, mut matched) = (0, 0);
        with_every_view(|file, v| {
            views += 1;
            for (name, native, reference) in &compiled {
                let expected = reference.is_valid(v.clone());
                assert_eq!(native.matches(v), expected, "{name} on a view of {file}: {}", v.to_json());
                matched += usize::from(expected);
            }
        });
        // The views exercise the conditions both ways (not only "nothing matches").
        assert!(views > 500 && matched > 1000, "{views} views, {matched} matches");
    }

    #[test]
    fn what_is_not_compiled_natively_goes_to_jsonschema() {
        // Other keywords: valid schemas, run by the `jsonschema` crate.
        for s in [
            json!({"pattern": "^ITM-[0-9]+$"}),
            json!({"properties": {"owner": {"format": "email"}}}),
            json!({"$ref": "#/$defs/x", "$defs": {"x": true}}),
            json!({"required": ["id"], "if": {"required": ["owner"]}, "then": true}),
        ] {
            assert!(Cond::<ViewJson>::compile(&s).is_none(), "{s}");
            assert!(schema_validator(&s).is_ok(), "{s}");
        }
        // Malformed values: not compiled here, and the `jsonschema` crate says why (the rule file's error).
        for s in [
            json!(3),
            json!({"required": [1]}),
            json!({"required": ["a", "a"]}),
            json!({"anyOf": []}),
            json!({"type": []}),
            json!({"type": "text"}),
            json!({"type": ["string", "string"]}),
            json!({"minItems": -1}),
            json!({"minItems": 1.5}),
            json!({"maxItems": "2"}),
            json!({"minimum": "0"}),
            json!({"items": 3}),
            json!({"properties": {"a": 3}}),
            json!({"enum": 3}),
        ] {
            assert!(Cond::<ViewJson>::compile(&s).is_none(), "{s}");
            assert!(schema_validator(&s).is_err(), "jsonschema accepts {s}");
        }
    }
}
