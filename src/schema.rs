//! Schema validation: `schemas/*.schema.json`, compiled once per run, applied to each document; every
//! violation becomes a `schema-violation` finding at the exact node, worded for the person who wrote the
//! YAML ("unknown key `problmes` in item ITM-3; did you mean `problems`?"), not as a JSON-pointer dump.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};

use crate::load::as_json::YamlJson;

/// Validators read our YAML tree directly (see `load::as_json`).
type Validator = jsonschema::Validator<YamlJson>;
use serde_json::Value as Json;

use crate::finding::{Entity, EntityKind, Finding, Severity};
use crate::load::yaml::{escape_pointer, unescape_pointer};
use crate::load::{FileId, Node, Span, Value};
use crate::suggest::did_you_mean;

pub const RULE: &str = "schema-violation";

/// A compiled schema and its JSON (kept to look up allowed keys and descriptions by instance path).
pub struct Schema {
    /// The whole schema, compiled on first use: documents with element lists use `split` instead.
    validator: OnceLock<Validator>,
    json: Json,
    /// For documents with big top-level lists (a roadmap's `items`): the top level with those lists'
    /// elements left out, and one validator per list element. Validating element by element keeps memory
    /// bounded (no JSON copy of the whole document) and lets big files use every core.
    split: Option<Split>,
}

struct Split {
    shell: Validator,
    lists: Vec<(String, Validator)>,
}

static ROADMAP: OnceLock<Schema> = OnceLock::new();
/// Set by [`Schema::roadmap_compiled_elsewhere`].
static ROADMAP_PREPARING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static CONFIG: OnceLock<Schema> = OnceLock::new();

/// Where a split schema's shell sits in the registry its validators are compiled from.
const SHELL: &str = "urn:roadmap-audit:shell";

pub const ROADMAP_SCHEMA: &str = include_str!("../schemas/roadmap.schema.json");
pub const CONFIG_SCHEMA: &str = include_str!("../schemas/config.schema.json");

impl Schema {
    /// The roadmap format, compiled on first use.
    pub fn roadmap() -> &'static Schema {
        ROADMAP.get_or_init(|| Schema::compile(ROADMAP_SCHEMA))
    }
    /// Says that the roadmap format is about to be compiled on another thread ([`Schema::roadmap`] there):
    /// elements parsed meanwhile wait for it (see [`Schema::roadmap_if_ready`]) instead of compiling it
    /// here while that thread waits. Said before that thread starts: the first element can be parsed before
    /// a new thread has run at all; the flag used to be set by that thread, too late in such runs.
    pub fn roadmap_compiled_elsewhere() {
        ROADMAP_PREPARING.store(true, std::sync::atomic::Ordering::Release);
    }
    /// The roadmap format if it is ready; `None` while another thread is still compiling it
    /// elsewhere (so the caller can do something else meanwhile). Compiles it here if nobody is.
    pub fn roadmap_if_ready() -> Option<&'static Schema> {
        match ROADMAP.get() {
            Some(s) => Some(s),
            None if ROADMAP_PREPARING.load(std::sync::atomic::Ordering::Acquire) => None,
            None => Some(Schema::roadmap()),
        }
    }
    /// The `.roadmap-audit.yaml` format.
    pub fn config() -> &'static Schema {
        CONFIG.get_or_init(|| Schema::compile(CONFIG_SCHEMA))
    }

    /// Compiles an embedded schema. These are part of the binary and covered by tests (including against
    /// the JSON Schema meta-schema), so a failure here is a bug in the build, not a user error.
    ///
    /// The shell and the element validators are compiled as `$ref`s into one prepared registry that
    /// holds the schema once, rather than each as a schema of its own with a copy of the definitions it
    /// reaches (copied, and checked against the meta-schema, once per list).
    pub fn compile(text: &str) -> Schema {
        let json: Json = serde_json::from_str(text).expect("embedded schema is valid JSON");
        let base = json.get("$id").and_then(Json::as_str).unwrap_or("urn:roadmap-audit:schema").to_owned();
        // Top-level list properties whose elements have a schema of their own are split off.
        let mut shell = json.clone();
        let mut lists = Vec::new();
        if let Some(props) = shell.get_mut("properties").and_then(Json::as_object_mut) {
            for (key, prop) in props.iter_mut() {
                // Only lists whose schema says nothing but their elements' (no `uniqueItems`, `minItems`…):
                // the shell sees them empty.
                let plain = prop.as_object().is_some_and(|p| {
                    p.contains_key("items") && p.keys().all(|k| matches!(k.as_str(), "type" | "description" | "items"))
                });
                if plain && prop.as_object_mut().and_then(|p| p.remove("items")).is_some() {
                    lists.push(key.clone());
                }
            }
        }
        if lists.is_empty() {
            return Schema { validator: OnceLock::new(), json, split: None };
        }
        // The shell is a resource of its own (its `$defs` refs resolve within it), under another name.
        if let Some(obj) = shell.as_object_mut() {
            obj.remove("$id");
        }
        let split = {
            let registry = jsonschema::Registry::new()
                .add(base.as_str(), &json)
                .and_then(|r| r.add(SHELL, &shell))
                .and_then(|r| r.prepare())
                .expect("embedded schema registers");
            let by_ref = |uri: String| {
                jsonschema::options_for::<YamlJson>()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .with_registry(&registry)
                    .build(&serde_json::json!({ "$ref": uri }))
                    .expect("embedded schema compiles")
            };
            let lists = lists
                .into_iter()
                .map(|key| {
                    let v = by_ref(format!("{base}#/properties/{}/items", escape_pointer(&key)));
                    (key, v)
                })
                .collect();
            Split { shell: by_ref(SHELL.to_owned()), lists }
        };
        Schema { validator: OnceLock::new(), json, split: Some(split) }
    }

    /// Validates one document. `what` names the file kind in messages ("roadmap file", "config file").
    /// (Audits of roadmap files stream instead: `check_top` plus `check_element` per list element.)
    pub fn check(&self, root: &Node, file: FileId, what: &str) -> Vec<Finding> {
        let mut findings = match (&self.split, root.as_map()) {
            (Some(split), Some(_)) => {
                let mut out = self.check_top(root, file, what);
                for (key, _) in &split.lists {
                    let Some(elements) = root.get(key).and_then(Node::as_seq) else { continue };
                    for (i, n) in elements.iter().enumerate() {
                        out.extend(self.check_element(key, i, n, file, what));
                    }
                }
                out
            }
            _ => {
                let mut out = Vec::new();
                for err in self.whole().iter_errors(root) {
                    let at = At { node: root, prefix: None };
                    self.describe(at, file, what, err.instance_path().as_str(), err.kind(), &mut out);
                }
                out
            }
        };
        sort_dedup(&mut findings);
        findings
    }

    fn whole(&self) -> &Validator {
        self.validator.get_or_init(|| build(&self.json))
    }

    /// The names of the top-level lists validated element by element (for streaming: see
    /// `load::yaml::parse_streaming`).
    pub fn element_lists(&self) -> Vec<&str> {
        self.split.as_ref().map_or(Vec::new(), |s| s.lists.iter().map(|(k, _)| k.as_str()).collect())
    }

    /// Validates a document's top level, without the elements of its element lists.
    pub fn check_top(&self, root: &Node, file: FileId, what: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        let validator = match &self.split {
            Some(s) => &s.shell,
            None => self.whole(),
        };
        // The shell has no `items` for the element lists, so it never walks their elements.
        for err in validator.iter_errors(root) {
            let at = At { node: root, prefix: None };
            self.describe(at, file, what, err.instance_path().as_str(), err.kind(), &mut out);
        }
        sort_dedup(&mut out);
        out
    }

    /// Validates element `index` of the top-level list `list`.
    pub fn check_element(&self, list: &str, index: usize, node: &Node, file: FileId, what: &str) -> Vec<Finding> {
        let Some(validator) = self.split.as_ref().and_then(|s| s.lists.iter().find(|(k, _)| k == list)).map(|(_, v)| v)
        else {
            return Vec::new();
        };
        if validator.is_valid(node) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for err in validator.iter_errors(node) {
            let at = At { node, prefix: Some((list, index)) };
            self.describe(at, file, what, err.instance_path().as_str(), err.kind(), &mut out);
        }
        sort_dedup(&mut out);
        out
    }

    /// Words one validation error. `rel` is the error's pointer relative to `at.node`.
    fn describe(
        &self,
        at: At<'_>,
        file: FileId,
        what: &str,
        rel: &str,
        kind: &ValidationErrorKind,
        out: &mut Vec<Finding>,
    ) {
        let full;
        let ptr = match at.prefix {
            Some((list, i)) => {
                full = format!("/{}/{i}{rel}", escape_pointer(list));
                full.as_str()
            }
            None => rel,
        };
        let ctx = Context::of(at, ptr, what);
        let located = at.node.locate(rel);
        let node = located.map(|l| l.node);
        // The value's span; an empty value (`status:`) has an empty span, so use its key instead.
        let value_span = match located {
            Some(l) if !l.node.span.is_empty() || l.key_span.is_none() => l.node.span,
            Some(l) => l.key_span.unwrap_or_default(),
            None => Span::at(0),
        };
        let field = ctx.field_phrase();
        // The field path within the entity tells this violation from others on the same entity (fingerprints).
        let path = ctx.rest.join("/");
        let mk = |span: Span, message: String| {
            let mut f = Finding::new(RULE, Severity::Error, file, span, ctx.entity.clone(), message);
            f.discriminator = Some(path.clone());
            f
        };
        match kind {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = self.allowed_keys(ptr);
                for key in unexpected {
                    let key_ptr = format!("{rel}/{}", escape_pointer(key));
                    let span = at.node.locate(&key_ptr).and_then(|l| l.key_span).unwrap_or(value_span);
                    let mut message = format!("unknown key `{key}` in {}", ctx.owner);
                    if let Some(s) = did_you_mean(key, allowed.iter().map(String::as_str)) {
                        message.push_str(&format!("; did you mean `{s}`?"));
                    }
                    let help = format!(
                        "allowed keys here: {}; keys starting with `x-` are extensions and are never checked",
                        allowed.join(", ")
                    );
                    let mut f = mk(span, message).with_help(help);
                    f.discriminator = Some(format!("{path}/{key}"));
                    out.push(f);
                }
            }
            ValidationErrorKind::Required { property } => {
                let property = property.as_str().unwrap_or("?");
                // The entity's mapping: point at where it starts (its first key), not the whole block.
                let span = match node.and_then(Node::as_map) {
                    Some([first, ..]) => first.key_span,
                    _ => Span::at(value_span.start as usize),
                };
                let message = if ptr.is_empty() && property == "product" {
                    format!("this {what} has `items` but no `product`; items need the product they belong to")
                } else if ptr.is_empty() {
                    format!("this {what} is missing the required key `{property}`")
                } else {
                    format!("{} is missing the required key `{property}`", ctx.owner)
                };
                let mut help = match self.description(&format!("{ptr}/{}", escape_pointer(property))) {
                    Some(d) => format!("add `{property}:` ({})", d.trim_end_matches('.').to_lowercase()),
                    None => format!("add `{property}:`"),
                };
                if property == "version" {
                    help = "add `version: 1` at the top of the file".into();
                }
                let mut f = mk(span, message).with_help(help);
                f.discriminator = Some(format!("{path}/{property}"));
                out.push(f);
            }
            ValidationErrorKind::Type { kind } => {
                let expected = type_phrase(kind);
                let found = node.map_or("nothing", |n| article_type(&n.value));
                let message = if ptr.is_empty() {
                    format!("a {what} must be a mapping of keys to values, but this is {found}")
                } else {
                    format!("{field} must be {expected}, but is {found}")
                };
                out.push(mk(value_span, message));
            }
            ValidationErrorKind::Enum { options } => {
                let options: Vec<&str> =
                    options.as_array().map_or(Vec::new(), |a| a.iter().filter_map(Json::as_str).collect());
                let shown = node.map_or_else(String::new, scalar_text);
                let mut message = format!("`{shown}` is not a valid value for {field}");
                if let Some(s) = node.and_then(Node::as_str).and_then(|v| did_you_mean(v, options.iter().copied())) {
                    message.push_str(&format!("; did you mean `{s}`?"));
                }
                let help = format!("expected one of: {}", options.join(", "));
                out.push(mk(value_span, message).with_help(help));
            }
            ValidationErrorKind::Constant { expected_value } => {
                let shown = node.map_or_else(String::new, scalar_text);
                let message = format!("{field} must be {expected_value}, not `{shown}`");
                let help = if ptr == "/version" {
                    "this is format version 1; write `version: 1`".to_owned()
                } else {
                    format!("write {expected_value}")
                };
                out.push(mk(value_span, message).with_help(help));
            }
            ValidationErrorKind::Format { format } if format == "date" => {
                let shown = node.map_or_else(String::new, scalar_text);
                let message = format!("`{shown}` is not a valid date for {field}");
                out.push(mk(value_span, message).with_help("write dates as YYYY-MM-DD, e.g. 2027-03-31"));
            }
            ValidationErrorKind::MinLength { .. } => {
                out.push(mk(value_span, format!("{field} must not be empty")));
            }
            ValidationErrorKind::Pattern { .. } => {
                out.push(mk(value_span, format!("{field} must not be blank")));
            }
            ValidationErrorKind::Minimum { limit } => {
                let shown = node.map_or_else(String::new, scalar_text);
                out.push(mk(value_span, format!("{field} must be at least {limit}, not {shown}")));
            }
            ValidationErrorKind::UniqueItems => {
                out.push(mk(value_span, format!("{field} lists the same value more than once")));
            }
            other => {
                let message = format!("{field} is invalid: {}", other_message(other));
                out.push(mk(value_span, message));
            }
        }
    }

    /// The sub-schema that applies at an instance path (following `properties`, `items`, `$ref`).
    fn schema_at(&self, ptr: &str) -> Option<&Json> {
        let mut s = self.resolve(&self.json);
        if ptr.is_empty() {
            return Some(s);
        }
        for raw in ptr.strip_prefix('/')?.split('/') {
            let seg = unescape_pointer(raw);
            let next = if let Some(p) = s.get("properties").and_then(|p| p.get(seg.as_ref())) {
                p
            } else if let Some(items) = s.get("items") {
                items
            } else {
                s.get("additionalProperties").filter(|v| v.is_object())?
            };
            s = self.resolve(next);
        }
        Some(s)
    }

    fn resolve<'a>(&'a self, mut s: &'a Json) -> &'a Json {
        for _ in 0..8 {
            match s.get("$ref").and_then(Json::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(r) => match self.json.pointer(r) {
                    Some(t) => s = t,
                    None => break,
                },
                None => break,
            }
        }
        s
    }

    fn allowed_keys(&self, ptr: &str) -> Vec<String> {
        self.schema_at(ptr)
            .and_then(|s| s.get("properties"))
            .and_then(Json::as_object)
            .map_or(Vec::new(), |p| p.keys().cloned().collect())
    }

    fn description(&self, ptr: &str) -> Option<&str> {
        let parent = ptr.rsplit_once('/').map_or("", |(p, _)| p);
        let key = ptr.rsplit_once('/').map(|(_, k)| unescape_pointer(k))?;
        let prop = self.schema_at(parent)?.get("properties")?.get(key.as_ref())?;
        prop.get("description").or_else(|| self.resolve(prop).get("description"))?.as_str()
    }
}

/// Compiles an embedded schema (part of the binary and covered by tests: a failure is a build defect).
fn build(schema: &Json) -> Validator {
    jsonschema::options_for::<YamlJson>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .expect("embedded schema compiles")
}

/// The node a validator ran on, and where it sits in its document (`("items", 3)` for `/items/3`).
#[derive(Clone, Copy)]
struct At<'n> {
    node: &'n Node,
    prefix: Option<(&'n str, usize)>,
}

/// In file order; one finding per node and message (a value can break the same rule twice via `$ref`s).
fn sort_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| (a.span.start, &a.message).cmp(&(b.span.start, &b.message)));
    findings.dedup_by(|a, b| a.span == b.span && a.message == b.message);
}

/// What a path is about, in words: the entity that owns it and the field.
struct Context {
    entity: Entity,
    /// "item ITM-3", "evidence 2 of problem PRB-1", "the roadmap file".
    owner: String,
    /// Path below the owning entity, e.g. `["status"]` or `["problems", "1"]`.
    rest: Vec<String>,
}

impl Context {
    /// `ptr` is the full pointer in the document; `at` the node errors were found under.
    fn of(at: At<'_>, ptr: &str, what: &str) -> Context {
        let segs: Vec<String> = ptr.split('/').skip(1).map(|s| unescape_pointer(s).into_owned()).collect();
        let mut ctx = Context { entity: Entity::document(), owner: format!("the {what}"), rest: segs.clone() };
        let kind = |c: &str| match c {
            "objectives" => Some(EntityKind::Objective),
            "kpis" => Some(EntityKind::Kpi),
            "problems" => Some(EntityKind::Problem),
            "items" => Some(EntityKind::Item),
            _ => None,
        };
        let (Some(coll), Some(idx)) = (segs.first(), segs.get(1)) else { return ctx };
        let (Some(k), Ok(i)) = (kind(coll), idx.parse::<usize>()) else { return ctx };
        let entity_node = match at.prefix {
            Some(_) => Some(at.node),
            None => at.node.get(coll).and_then(Node::as_seq).and_then(|s| s.get(i)),
        };
        let id = entity_node.and_then(|n| n.get("id")).and_then(Node::as_str).filter(|s| !s.is_empty());
        let label = match id {
            Some(id) => format!("{} {id}", k.noun()),
            None => format!("{} #{} of `{coll}`", k.noun(), i + 1),
        };
        ctx.entity = Entity { kind: k, id: id.map(str::to_owned) };
        ctx.owner = label.clone();
        ctx.rest = segs[2..].to_vec();
        // Nested records (evidence, waivers, dependencies …) read as "evidence 2 of problem PRB-1".
        if let (Some(sub), Some(j)) = (ctx.rest.first(), ctx.rest.get(1).and_then(|j| j.parse::<usize>().ok())) {
            if ctx.rest.len() >= 2 && !matches!(sub.as_str(), "objectives" | "problems" | "kpis" | "drivers") {
                let noun = match sub.as_str() {
                    "evidence" => "evidence",
                    "waivers" => "waiver",
                    "dependencies" => "dependency",
                    "commitments" => "commitment",
                    "validation" => "validation entry",
                    other => other,
                };
                let sub_kind = match sub.as_str() {
                    "evidence" => Some(EntityKind::Evidence),
                    "waivers" => Some(EntityKind::Waiver),
                    _ => None,
                };
                if let (Some(sk), Some(id)) = (sub_kind, id) {
                    ctx.entity = Entity::new(sk, format!("{id}/{sub}/{j}"));
                }
                ctx.owner = format!("{noun} {} of {label}", j + 1);
                ctx.rest = ctx.rest[2..].to_vec();
            }
        }
        ctx
    }

    /// "`status` of item ITM-3", "entry 2 of `problems` of item ITM-3", "the roadmap file".
    fn field_phrase(&self) -> String {
        match self.rest.as_slice() {
            [] => self.owner.clone(),
            [key] if key.parse::<usize>().is_err() => format!("`{key}` of {}", self.owner),
            [key, idx] if idx.parse::<usize>().is_ok() => {
                let n = idx.parse::<usize>().unwrap_or(0) + 1;
                format!("entry {n} of `{key}` of {}", self.owner)
            }
            more => format!("`{}` of {}", more.join("."), self.owner),
        }
    }
}

fn type_phrase(kind: &TypeKind) -> String {
    let one = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "object" => "a mapping".to_owned(),
        "array" => "a list".to_owned(),
        "string" => "a string".to_owned(),
        "integer" => "an integer".to_owned(),
        "number" => "a number".to_owned(),
        "boolean" => "true or false".to_owned(),
        "null" => "empty".to_owned(),
        other => other.to_owned(),
    };
    match kind {
        TypeKind::Single(t) => one(t),
        TypeKind::Multiple(set) => set.iter().map(|t| one(&t)).collect::<Vec<_>>().join(" or "),
    }
}

fn article_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

/// A scalar as it would be written; collections by their type.
fn scalar_text(n: &Node) -> String {
    match &n.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s.to_string(),
        Value::Seq(_) => "a list".into(),
        Value::Map(_) => "a mapping".into(),
    }
}

fn other_message(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::MaxLength { limit } => format!("longer than {limit} characters"),
        ValidationErrorKind::MinItems { limit } => format!("needs at least {limit} entries"),
        ValidationErrorKind::Maximum { limit } => format!("must be at most {limit}"),
        ValidationErrorKind::Format { format } => format!("not a valid {format}"),
        k => format!("breaks the `{}` constraint", k.keyword()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::{parse, Limits};

    /// `Schema::compile` builds its validators as `$ref`s into a registry, which does not check the
    /// referenced schema against the meta-schema: this does.
    #[test]
    fn embedded_schemas_follow_the_json_schema_meta_schema() {
        for text in [ROADMAP_SCHEMA, CONFIG_SCHEMA, crate::rules::RULE_SCHEMA] {
            let json: Json = serde_json::from_str(text).unwrap();
            if let Err(e) = jsonschema::meta::validate(&json) {
                panic!("{}: {e}", json["$id"]);
            }
        }
        // And a broken one is caught (the test is not vacuous).
        assert!(jsonschema::meta::validate(&serde_json::json!({"type": "strin"})).is_err());
    }

    fn check(src: &str) -> Vec<(String, String)> {
        let doc = parse(src, Limits::default()).documents.remove(0);
        Schema::roadmap()
            .check(&doc.root, 0, "roadmap file")
            .into_iter()
            .map(|f| (src[f.span.range()].to_owned(), f.message))
            .collect()
    }

    #[test]
    fn the_streamed_lists_are_the_schemas_element_lists() {
        // The loader streams the model's entity lists; the schema must have an element schema for each.
        let model = crate::model::entity_list_names();
        let mut schema = Schema::roadmap().element_lists();
        let mut sorted = model.clone();
        sorted.sort_unstable();
        schema.sort_unstable();
        assert_eq!(schema, sorted);
    }

    #[test]
    fn typo_key_points_at_key_with_suggestion() {
        let got = check(
            "version: 1\nproduct: P\nitems:\n  - id: ITM-3\n    title: T\n    status: planned\n    problmes: [A]\n",
        );
        assert_eq!(
            got,
            vec![("problmes".into(), "unknown key `problmes` in item ITM-3; did you mean `problems`?".into())]
        );
    }

    #[test]
    fn enum_and_required_and_date() {
        let got = check(
            "version: 1\nproduct: P\nitems:\n  - id: I1\n    title: T\n    status: shiped\n  - id: I2\n    title: U\nproblems:\n  - id: P1\n    statement: S\n    evidence:\n      - {kind: interview, summary: x, date: 2027-02-30}\n",
        );
        assert_eq!(
            got,
            vec![
                (
                    "shiped".into(),
                    "`shiped` is not a valid value for `status` of item I1; did you mean `shipped`?".into()
                ),
                ("id".into(), "item I2 is missing the required key `status`".into()),
                ("2027-02-30".into(), "`2027-02-30` is not a valid date for `date` of evidence 1 of problem P1".into()),
            ]
        );
    }

    #[test]
    fn extensions_are_accepted() {
        assert!(check("version: 1\nx-team: core\nobjectives:\n  - {id: O1, title: T, x-jira: ABC-1}\n").is_empty());
    }
}
