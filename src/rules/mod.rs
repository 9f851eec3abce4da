//! Rules: the catalogue (one YAML file per rule under `rules/`, embedded at build time, plus the
//! organisation's `extra_rules`) and running the enabled rules over the model.
//!
//! A rule file carries everything about a rule — id, severity, gap, message, help, documentation with a
//! failing and a passing example, and its condition — so `roadmap-audit rules`, `explain` and the docs
//! read the same source as the engine. Rules whose logic is code say `builtin: true`; the structure rules
//! are produced by the load/schema/resolve steps themselves.

pub mod engine;
pub mod lexicon;
pub mod view;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::error::RunError;
use crate::finding::{Entity, Finding, Severity};
use crate::load::{self, Limits, SourceFile, SourceMap, Span};
use crate::schema::Schema;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

pub const RULE_SCHEMA: &str = include_str!("../../schemas/rule.schema.json");

/// The four gaps of the service-quality gap model that the rules are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gap {
    Listening,
    Design,
    Delivery,
    Communication,
}

impl Gap {
    pub const ALL: [Gap; 4] = [Gap::Listening, Gap::Design, Gap::Delivery, Gap::Communication];
    pub fn as_str(self) -> &'static str {
        match self {
            Gap::Listening => "listening",
            Gap::Design => "design",
            Gap::Delivery => "delivery",
            Gap::Communication => "communication",
        }
    }
    /// One sentence on what the gap means.
    pub fn meaning(self) -> &'static str {
        match self {
            Gap::Listening => "the roadmap does not know what customers actually need",
            Gap::Design => "what is built is not tied to a problem, a goal or a measure of success",
            Gap::Delivery => "nobody is accountable, or the whole customer experience is not planned",
            Gap::Communication => "what is promised outside is not backed by what was validated",
        }
    }
}

#[derive(Clone, Debug, Deserialize, serde::Serialize)]
pub struct Examples {
    pub fail: String,
    pub pass: String,
}

#[derive(Clone, Debug, Deserialize, serde::Serialize)]
pub struct Docs {
    pub flags: String,
    pub why: String,
    pub example: Examples,
    #[serde(default)]
    pub config: Option<String>,
}

/// One rule, as written in its file.
#[derive(Clone, Debug, Deserialize)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub gap: Option<Gap>,
    pub entity: String,
    pub message: String,
    pub help: String,
    #[serde(default)]
    pub at: Option<String>,
    #[serde(default)]
    pub each: Option<String>,
    #[serde(default)]
    pub each_condition: Option<serde_json::Value>,
    #[serde(default)]
    pub condition: Option<serde_json::Value>,
    #[serde(default)]
    pub builtin: bool,
    /// See [`RuleMeta::docs`]. Read with the file for the organisation's rules (the schema requires it).
    #[serde(default, deserialize_with = "docs_now")]
    docs: OnceLock<Docs>,
    /// The `docs:` part of a built-in rule file, read on first use: audits never need it (`explain`,
    /// SARIF and the reference docs do), and it is three quarters of the catalogue's text.
    #[serde(skip)]
    docs_later: Option<&'static str>,
    /// Where the rule came from: `None` for built-in rules, else the rule file's path.
    #[serde(skip)]
    pub origin: Option<String>,
    /// The condition, compiled once when the rule is loaded.
    #[serde(skip)]
    pub compiled: Option<Arc<engine::Compiled>>,
}

fn docs_now<'de, D: serde::Deserializer<'de>>(d: D) -> Result<OnceLock<Docs>, D::Error> {
    Ok(OnceLock::from(Docs::deserialize(d)?))
}

impl RuleMeta {
    /// What the rule flags, why it matters, a failing and a passing example.
    pub fn docs(&self) -> &Docs {
        self.docs.get_or_init(|| {
            let text = self.docs_later.expect("a rule file without `docs` was rejected when it was read");
            let doc = load::yaml::parse(text, Limits::default()).documents.into_iter().next();
            let json = doc.and_then(|d| d.root.get("docs").map(load::Node::to_json));
            // Built-in rule files are part of the binary and checked by tests (`builtin_docs_read_later`).
            serde_json::from_value(json.unwrap_or_default()).expect("built-in rule docs are valid")
        })
    }
}

/// Splits a built-in rule file before its top-level `docs:` key (the last one in every built-in file:
/// `builtin_docs_read_later` checks that the two parts read as the whole does).
fn split_docs(text: &'static str) -> (&'static str, Option<&'static str>) {
    match text.find("\ndocs:") {
        Some(i) => (&text[..=i], Some(&text[i + 1..])),
        None => (text, None),
    }
}

/// All known rules, in a stable order (built-in first, by id; then extra rules in load order).
#[derive(Debug, Default)]
pub struct Registry {
    rules: Vec<RuleMeta>,
    by_id: crate::fxhash::FxHashMap<String, usize>,
}

impl Registry {
    /// The built-in catalogue. The files are part of the binary and checked by tests; a broken one is a
    /// build defect, reported as such.
    pub fn builtin() -> Registry {
        let mut reg = Registry::default();
        let mut sources = SourceMap::default();
        for (name, text) in BUILTIN_RULES {
            let (head, docs) = split_docs(text);
            match parse_rule_file(&format!("rules/{name}"), head.as_bytes().to_vec(), &mut sources, false) {
                Ok(mut rule) => {
                    rule.docs_later = docs;
                    reg.insert(rule)
                }
                Err(e) => panic!("built-in rule file rules/{name} is invalid: {}: {:?}", e.message, e.diagnostics),
            }
        }
        reg.rules.sort_by(|a, b| a.id.cmp(&b.id));
        reg.by_id = reg.rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        reg
    }

    /// Adds the organisation's rule files. A malformed file, or an id that is already taken, stops the run
    /// (exit 2) with a diagnostic pointing into that file.
    pub fn add_extra_file(&mut self, path: &Path, display: &str) -> Result<(), RunError> {
        let bytes =
            std::fs::read(path).map_err(|e| RunError::msg(format!("cannot read rule file `{display}`: {e}")))?;
        let mut sources = SourceMap::default();
        let mut rule = parse_rule_file(display, bytes, &mut sources, true)?;
        if self.by_id.contains_key(&rule.id) {
            let src = sources.get(0);
            let span = find_key_value(src, "id").unwrap_or_default();
            let f = config_finding(0, span, format!("rule id `{}` is already defined by another rule", rule.id))
                .with_help("give the organisation's rule its own id (for example prefixed with your company name)");
            return Err(RunError::with_diagnostics(format!("invalid rule file `{display}`"), vec![f], sources));
        }
        rule.origin = Some(display.to_owned());
        self.insert(rule);
        Ok(())
    }

    fn insert(&mut self, rule: RuleMeta) {
        self.by_id.insert(rule.id.clone(), self.rules.len());
        self.rules.push(rule);
    }

    pub fn get(&self, id: &str) -> Option<&RuleMeta> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules.iter()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Rule for problems in the config file or in rule files (always exit 2, never audited findings).
pub const CONFIG_RULE: &str = "invalid-config";

pub(crate) fn config_finding(file: load::FileId, span: Span, message: String) -> Finding {
    Finding::new(CONFIG_RULE, Severity::Error, file, span, Entity::document(), message)
}

/// Parses and validates one rule file. Problems become diagnostics into the file (exit 2).
fn parse_rule_file(display: &str, bytes: Vec<u8>, sources: &mut SourceMap, extra: bool) -> Result<RuleMeta, RunError> {
    let loaded = load::load_bytes(display.to_owned(), bytes, Limits::default());
    let root = loaded.documents.into_iter().next().map(|d| d.root);
    let file = sources.add(loaded.source);
    let fail = |diags: Vec<Finding>, sources: &mut SourceMap| {
        Err(RunError::with_diagnostics(format!("invalid rule file `{display}`"), diags, std::mem::take(sources)))
    };
    if !loaded.problems.is_empty() {
        let diags = loaded.problems.into_iter().map(|p| config_finding(file, p.span, p.message)).collect();
        return fail(diags, sources);
    }
    let Some(root) = root.filter(|r| r.as_map().is_some()) else {
        let f =
            config_finding(file, Span::at(0), "a rule file must be a mapping with `id`, `title`, `severity` …".into());
        return fail(vec![f], sources);
    };
    // Built-in rule files are validated by the test suite (`builtin_rule_files_follow_the_rule_schema`),
    // not again at every start.
    let mut diags: Vec<Finding> = if extra { rule_schema().check(&root, file, "rule file") } else { Vec::new() };
    for d in &mut diags {
        d.rule = CONFIG_RULE.into();
    }
    let has = |k: &str| root.get(k).is_some();
    if !has("condition") && !has("builtin") {
        diags.push(
            config_finding(
                file,
                root.as_map().map_or_else(Span::default, |m| m[0].key_span),
                "a rule needs a `condition:` (a JSON Schema matched against the entity view)".into(),
            )
            .with_help("see `roadmap-audit explain --view` for the fields a condition can test"),
        );
    }
    let entity = root.get("entity").and_then(crate::load::Node::as_str).unwrap_or("");
    if has("condition") && !matches!(entity, "item" | "kpi" | "problem" | "objective") {
        let span = root.get("entity").map(|n| n.span).unwrap_or_default();
        diags.push(
            config_finding(
                file,
                span,
                format!("a rule with a `condition` must check `item`, `kpi`, `problem` or `objective`, not `{entity}`"),
            )
            .with_help("these are the entities that have a view (see docs/writing-rules.md)"),
        );
    }
    if extra && has("builtin") {
        let span = root.entry("builtin").map(|e| e.key_span).unwrap_or_default();
        diags.push(
            config_finding(file, span, "`builtin: true` is only for rules shipped with roadmap-audit".into())
                .with_help("write the rule as a `condition:`"),
        );
    }
    // The oneOf in the schema reports these two cases vaguely; the explicit findings above say it better.
    diags.retain(|d| !d.message.contains("`oneOf`"));
    if !diags.is_empty() {
        return fail(diags, sources);
    }
    let mut rule: RuleMeta = match serde_json::from_value(root.to_json()) {
        Ok(r) => r,
        Err(e) => {
            let f = config_finding(file, Span::at(0), format!("cannot read rule: {e}"));
            return fail(vec![f], sources);
        }
    };
    match engine::compile(&rule) {
        Ok(c) => rule.compiled = c,
        Err((key, e)) => {
            let span = root.entry(key).map(|e| e.key_span).unwrap_or_default();
            let f = config_finding(file, span, format!("`{key}` is not a valid JSON Schema: {e}"));
            return fail(vec![f], sources);
        }
    }
    Ok(rule)
}

fn rule_schema() -> &'static Schema {
    static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    S.get_or_init(|| Schema::compile(RULE_SCHEMA))
}

fn find_key_value(src: &SourceFile, key: &str) -> Option<Span> {
    let root = load::yaml::parse(&src.text, Limits::default()).documents.into_iter().next()?.root;
    root.get(key).map(|n| n.span)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry reads built-in rules without their `docs:` part, and that part on first use: both halves
    /// must read as the whole file does (so `docs:` must be the file's last key).
    #[test]
    fn builtin_docs_read_later() {
        let registry = Registry::builtin();
        for (name, text) in BUILTIN_RULES {
            let mut sources = SourceMap::default();
            let whole = parse_rule_file(name, text.as_bytes().to_vec(), &mut sources, false).unwrap();
            let split = registry.get(&whole.id).unwrap();
            assert!(split.docs.get().is_none(), "rules/{name}: docs read before they were asked for");
            assert_eq!(format!("{:?}", split.docs()), format!("{:?}", whole.docs()), "rules/{name}");
            let fields = |r: &RuleMeta| {
                format!(
                    "{} {} {:?} {:?} {} {} {} {:?} {:?} {:?} {:?} {}",
                    r.id,
                    r.title,
                    r.severity,
                    r.gap,
                    r.entity,
                    r.message,
                    r.help,
                    r.at,
                    r.each,
                    r.each_condition,
                    r.condition,
                    r.builtin
                )
            };
            assert_eq!(fields(split), fields(&whole), "rules/{name}: `docs:` is not the last key");
        }
    }

    #[test]
    fn builtin_rule_files_follow_the_rule_schema() {
        for (name, text) in BUILTIN_RULES {
            let loaded = load::load_bytes(format!("rules/{name}"), text.as_bytes().to_vec(), Limits::default());
            assert!(loaded.problems.is_empty(), "rules/{name}: {:?}", loaded.problems);
            let root = &loaded.documents[0].root;
            let found = rule_schema().check(root, 0, "rule file");
            assert!(found.is_empty(), "rules/{name}: {:#?}", found.iter().map(|f| &f.message).collect::<Vec<_>>());
        }
    }
}
