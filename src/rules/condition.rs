//! Rule conditions evaluated natively: a condition written with the JSON Schema keywords rules use
//! (`required`, `properties`, `const`, `enum`, `type`, `not`, `anyOf`/`allOf`/`oneOf`, `minimum`/`maximum`,
//! `minItems`/`maxItems`, `items`) is compiled to a small tree matched directly against an entity view.
//!
//! The condition stays data (the rule file's JSON Schema is the definition, `docs/writing-rules.md`
//! documents it); this is only a faster way to run it. Matching through the `jsonschema` crate costs a
//! dynamic call per keyword and asks every object its size; with ~20 rules over every entity that was the
//! largest part of the rules step. Anything outside this subset — another keyword, a malformed value — is
//! not compiled here, and the rule runs through `jsonschema` as before (which also reports a malformed
//! schema), so the two always agree; a test checks that they do on every built-in rule and every view of
//! the examples and fixtures.

use jsonschema::json::{Array, Json as _, Node as _, Object};
use jsonschema::JsonType;
use serde_json::{Number, Value as Json};

use super::view::{ViewJson, ViewKey, V};

/// A compiled condition (one JSON Schema).
pub enum Cond {
    /// `true` / `false`, or a schema with no keyword that tests anything.
    Bool(bool),
    /// The keywords of one schema object: all must hold.
    All(Box<[Cond]>),
    AnyOf(Box<[Cond]>),
    OneOf(Box<[Cond]>),
    Not(Box<Cond>),
    /// Objects: each key is present.
    Required(Box<[ViewKey]>),
    /// Objects: each present key's value matches.
    Properties(Box<[(ViewKey, Cond)]>),
    Const(Json),
    Enum(Box<[Json]>),
    /// JSON types allowed (bit per [`type_bit`]).
    Type(u8),
    /// Numbers: compared with the bound.
    Bound(Bound, Number),
    /// Arrays: at least / at most this many elements.
    MinItems(u64),
    MaxItems(u64),
    /// Arrays: every element matches.
    Items(Box<Cond>),
}

#[derive(Clone, Copy)]
pub enum Bound {
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
}

/// Keywords that only annotate: they never change whether a value matches.
const ANNOTATIONS: &[&str] = &["title", "description", "$comment", "examples", "default", "deprecated"];

impl Cond {
    /// Compiles `schema` if it uses only the supported keywords, each with a well-formed value; `None`
    /// otherwise (then the `jsonschema` crate runs it).
    pub fn compile(schema: &Json) -> Option<Cond> {
        let obj = match schema {
            Json::Bool(b) => return Some(Cond::Bool(*b)),
            Json::Object(o) => o,
            _ => return None,
        };
        let mut all = Vec::with_capacity(obj.len());
        for (key, value) in obj {
            let cond = match key.as_str() {
                k if ANNOTATIONS.contains(&k) => continue,
                "required" => {
                    let names = value.as_array()?;
                    let mut keys: Vec<&str> = Vec::with_capacity(names.len());
                    for n in names {
                        let n = n.as_str()?;
                        if keys.contains(&n) {
                            return None; // `required` must not repeat a name
                        }
                        keys.push(n);
                    }
                    Cond::Required(keys.into_iter().map(ViewJson::prepare_key).collect())
                }
                "properties" => {
                    let props = value.as_object()?;
                    let props: Option<Vec<_>> =
                        props.iter().map(|(k, s)| Some((ViewJson::prepare_key(k), Cond::compile(s)?))).collect();
                    Cond::Properties(props?.into())
                }
                "const" => Cond::Const(value.clone()),
                "enum" => Cond::Enum(value.as_array()?.clone().into()),
                "type" => Cond::Type(types(value)?),
                "minimum" => Cond::Bound(Bound::Minimum, number(value)?),
                "maximum" => Cond::Bound(Bound::Maximum, number(value)?),
                "exclusiveMinimum" => Cond::Bound(Bound::ExclusiveMinimum, number(value)?),
                "exclusiveMaximum" => Cond::Bound(Bound::ExclusiveMaximum, number(value)?),
                "minItems" => Cond::MinItems(count(value)?),
                "maxItems" => Cond::MaxItems(count(value)?),
                "items" => Cond::Items(Box::new(Cond::compile(value)?)),
                "not" => Cond::Not(Box::new(Cond::compile(value)?)),
                "anyOf" => Cond::AnyOf(schemas(value)?),
                "allOf" => Cond::All(schemas(value)?),
                "oneOf" => Cond::OneOf(schemas(value)?),
                _ => return None,
            };
            all.push(cond);
        }
        Some(match all.len() {
            0 => Cond::Bool(true),
            1 => all.pop()?,
            _ => Cond::All(all.into()),
        })
    }

    /// Whether `v` matches (what `jsonschema`'s `is_valid` says for the same schema).
    pub fn matches(&self, v: &V<'_>) -> bool {
        match self {
            Cond::Bool(b) => *b,
            Cond::All(cs) => cs.iter().all(|c| c.matches(v)),
            Cond::AnyOf(cs) => cs.iter().any(|c| c.matches(v)),
            Cond::OneOf(cs) => cs.iter().filter(|c| c.matches(v)).take(2).count() == 1,
            Cond::Not(c) => !c.matches(v),
            Cond::Required(keys) => match v.as_object() {
                Some(o) => keys.iter().all(|k| Object::get(&o, k).is_some()),
                None => true,
            },
            Cond::Properties(props) => match v.as_object() {
                Some(o) => props.iter().all(|(k, c)| Object::get(&o, k).is_none_or(|x| c.matches(&x))),
                None => true,
            },
            Cond::Const(j) => v.equals_value(j),
            Cond::Enum(js) => js.iter().any(|j| v.equals_value(j)),
            Cond::Type(bits) => {
                let bit = match v.json_type() {
                    JsonType::Null => type_bit("null"),
                    JsonType::Boolean => type_bit("boolean"),
                    JsonType::Object => type_bit("object"),
                    JsonType::Array => type_bit("array"),
                    JsonType::String => type_bit("string"),
                    // View numbers are all integers.
                    JsonType::Number | JsonType::Integer => type_bit("integer") | type_bit("number"),
                };
                bits & bit != 0
            }
            Cond::Bound(bound, n) => match v {
                V::Int(i) => within(*i, *bound, n),
                _ => true,
            },
            Cond::MinItems(n) => v.as_array().is_none_or(|a| Array::len(&a) as u64 >= *n),
            Cond::MaxItems(n) => v.as_array().is_none_or(|a| Array::len(&a) as u64 <= *n),
            Cond::Items(c) => v.as_array().is_none_or(|a| a.elements().all(|x| c.matches(&x))),
        }
    }
}

fn schemas(value: &Json) -> Option<Box<[Cond]>> {
    let list = value.as_array().filter(|l| !l.is_empty())?;
    list.iter().map(Cond::compile).collect()
}

fn number(value: &Json) -> Option<Number> {
    value.as_number().cloned()
}

/// A non-negative integer (`2` or `2.0`, as JSON Schema counts).
fn count(value: &Json) -> Option<u64> {
    let n = value.as_number()?;
    n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < 1e19).map(|f| f as u64))
}

const TYPE_NAMES: [&str; 7] = ["null", "boolean", "object", "array", "number", "string", "integer"];

fn type_bit(name: &str) -> u8 {
    TYPE_NAMES.iter().position(|t| *t == name).map_or(0, |i| 1 << i)
}

/// `type`: one type name, or a non-empty list of distinct ones.
fn types(value: &Json) -> Option<u8> {
    let one = |v: &Json| v.as_str().filter(|n| TYPE_NAMES.contains(n)).map(type_bit);
    match value {
        Json::Array(list) if !list.is_empty() => list.iter().try_fold(0u8, |bits, v| {
            let b = one(v)?;
            (bits & b == 0).then_some(bits | b)
        }),
        Json::Array(_) => None,
        v => one(v),
    }
}

/// `i` against a bound, compared exactly where both are integers.
fn within(i: i64, bound: Bound, n: &Number) -> bool {
    use std::cmp::Ordering;
    let ord = if let Some(m) = n.as_i64() {
        i.cmp(&m)
    } else if let Some(m) = n.as_u64() {
        i128::from(i).cmp(&i128::from(m))
    } else {
        match (i as f64).partial_cmp(&n.as_f64().unwrap_or(f64::NAN)) {
            Some(o) => o,
            None => return false,
        }
    };
    match bound {
        Bound::Minimum => ord != Ordering::Less,
        Bound::Maximum => ord != Ordering::Greater,
        Bound::ExclusiveMinimum => ord == Ordering::Greater,
        Bound::ExclusiveMaximum => ord == Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::engine::schema_validator;
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
                let native = Cond::compile(s).unwrap_or_else(|| panic!("{name}: not compiled natively"));
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
            json!({"pattern": "^ITM-"}),
            json!({"properties": {"id": {"minLength": 3}}}),
            json!({"$ref": "#/$defs/x", "$defs": {"x": true}}),
            json!({"required": ["id"], "if": {"required": ["owner"]}, "then": true}),
        ] {
            assert!(Cond::compile(&s).is_none(), "{s}");
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
            assert!(Cond::compile(&s).is_none(), "{s}");
            assert!(schema_validator(&s).is_err(), "jsonschema accepts {s}");
        }
    }
}
