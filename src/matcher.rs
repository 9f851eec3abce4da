//! JSON Schemas run as native checks: a rule condition written with common JSON Schema keywords is compiled
//! to a small tree matched directly against an entity view (or any value the `jsonschema` crate can read).
//!
//! The condition stays the definition (the rule file's JSON Schema; `docs/writing-rules.md` documents the
//! views); this is only a faster way to answer "does it match?". Through the `jsonschema` crate that costs
//! a dynamic call per keyword and asks every object its size, for ~20 rules over every entity: most of the
//! rules step. Anything outside the subset — another keyword, a regular expression other than a literal
//! prefix or `\S`, another format, a malformed value — is not compiled here, and the condition runs through
//! the `jsonschema` crate as before (which also reports a malformed schema). Tests check that both agree on
//! every built-in condition and more, over every view of the examples and fixtures.
//!
//! (The roadmap format itself is still checked by the `jsonschema` crate: measured, this matcher took more
//! instructions than the crate's specialised validators over YAML elements, 80M against 53M at 10k items.)

use jsonschema::json::{Array, Json, JsonNumber, Node, Object};
use jsonschema::JsonType;
use serde_json::{Number, Value};

/// Property names, prepared for lookups in `J`'s objects.
type Keys<J> = Box<[<J as Json>::PreparedKey]>;

/// A compiled schema, for values of the representation `J`.
pub enum Cond<J: Json> {
    /// `true` / `false`, or a schema with no keyword that tests anything.
    Bool(bool),
    /// The keywords of one schema object, or `allOf`: all must hold.
    All(Box<[Cond<J>]>),
    AnyOf(Box<[Cond<J>]>),
    OneOf(Box<[Cond<J>]>),
    Not(Box<Cond<J>>),
    /// Objects: each key is present.
    Required(Keys<J>),
    /// Objects: when the key is present, so are the others.
    DependentRequired(Box<[(J::PreparedKey, Keys<J>)]>),
    /// Objects: each present key's value matches (`properties` alone: looked up, not iterated, as views
    /// compute their fields on demand).
    Properties(Box<[(J::PreparedKey, Cond<J>)]>),
    /// Objects, member by member: `properties`, `patternProperties` and `additionalProperties` together.
    Members {
        named: Box<[(String, Cond<J>)]>,
        patterns: Box<[(Pattern, Cond<J>)]>,
        other: Option<Box<Cond<J>>>,
    },
    Const(Value),
    Enum(Box<[Value]>),
    /// `enum` of strings only: compared as strings.
    StrEnum(Box<[String]>),
    /// JSON types allowed (a bit per [`TYPE_NAMES`] entry).
    Type(u8),
    /// Numbers: compared with the bound.
    Bound(Bound, Number),
    /// Arrays: at least / at most this many elements; every element matches.
    MinItems(u64),
    MaxItems(u64),
    Items(Box<Cond<J>>),
    /// Strings: at least / at most this many characters; the pattern is found; a `date`.
    MinLength(u64),
    MaxLength(u64),
    Pattern(Pattern),
    Date,
}

#[derive(Clone, Copy)]
pub enum Bound {
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
}

/// The regular expressions matched natively.
pub enum Pattern {
    /// `^literal` (letters, digits, `-`, `_`).
    Prefix(String),
    /// `\S`: some character that is not ECMA-262 whitespace.
    NonBlank,
}

impl Pattern {
    fn parse(regex: &str) -> Option<Pattern> {
        if regex == "\\S" {
            return Some(Pattern::NonBlank);
        }
        let literal = regex.strip_prefix('^')?;
        let plain = literal.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
        plain.then(|| Pattern::Prefix(literal.to_owned()))
    }

    fn is_match(&self, s: &str) -> bool {
        match self {
            Pattern::Prefix(p) => s.starts_with(p.as_str()),
            Pattern::NonBlank => s.chars().any(|c| !is_ecma_whitespace(c)),
        }
    }
}

/// `\s` in ECMA-262 regular expressions (what JSON Schema patterns are).
fn is_ecma_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// Keywords that only annotate: they never change whether a value matches.
const ANNOTATIONS: &[&str] =
    &["title", "description", "$comment", "examples", "default", "deprecated", "readOnly", "writeOnly"];

impl<J: Json> Cond<J> {
    /// Compiles `schema` if it uses only the supported keywords, each with a well-formed value; `None`
    /// otherwise. (`$ref` is not supported: a condition with one runs through the `jsonschema` crate.)
    pub fn compile(schema: &Value) -> Option<Cond<J>> {
        Compiler.schema(schema)
    }

    /// Whether `v` matches: what `jsonschema`'s `is_valid` says for the same schema.
    pub fn matches<'a>(&self, v: &J::Node<'a>) -> bool {
        match self {
            Cond::Bool(b) => *b,
            Cond::All(cs) => cs.iter().all(|c| c.matches(v)),
            Cond::AnyOf(cs) => cs.iter().any(|c| c.matches(v)),
            Cond::OneOf(cs) => cs.iter().filter(|c| c.matches(v)).take(2).count() == 1,
            Cond::Not(c) => !c.matches(v),
            Cond::Required(keys) => v.as_object().is_none_or(|o| keys.iter().all(|k| o.get(k).is_some())),
            Cond::DependentRequired(deps) => v.as_object().is_none_or(|o| {
                deps.iter().all(|(k, needs)| o.get(k).is_none() || needs.iter().all(|n| o.get(n).is_some()))
            }),
            Cond::Properties(props) => {
                v.as_object().is_none_or(|o| props.iter().all(|(k, c)| o.get(k).is_none_or(|x| c.matches(&x))))
            }
            Cond::Members { named, patterns, other } => v.as_object().is_none_or(|o| {
                o.members().all(|(name, x)| {
                    let name = name.as_ref();
                    let mut known = false;
                    if let Some((_, c)) = named.iter().find(|(n, _)| n == name) {
                        known = true;
                        if !c.matches(&x) {
                            return false;
                        }
                    }
                    for (p, c) in patterns.iter() {
                        if p.is_match(name) {
                            known = true;
                            if !c.matches(&x) {
                                return false;
                            }
                        }
                    }
                    known || other.as_ref().is_none_or(|c| c.matches(&x))
                })
            }),
            Cond::Const(j) => v.equals_value(j),
            Cond::Enum(js) => js.iter().any(|j| v.equals_value(j)),
            Cond::StrEnum(names) => v.as_string().is_some_and(|s| names.iter().any(|n| *n == *s)),
            Cond::Type(bits) => {
                let bit = match v.json_type() {
                    JsonType::Null => NULL,
                    JsonType::Boolean => BOOLEAN,
                    JsonType::Object => OBJECT,
                    JsonType::Array => ARRAY,
                    JsonType::String => STRING,
                    JsonType::Number | JsonType::Integer => {
                        NUMBER | if v.as_number().is_some_and(|n| n.is_integer()) { INTEGER } else { 0 }
                    }
                };
                bits & bit != 0
            }
            Cond::Bound(bound, limit) => v.as_number().is_none_or(|n| within(&n, *bound, limit)),
            Cond::MinItems(n) => v.as_array().is_none_or(|a| a.len() as u64 >= *n),
            Cond::MaxItems(n) => v.as_array().is_none_or(|a| a.len() as u64 <= *n),
            Cond::Items(c) => v.as_array().is_none_or(|a| a.elements().all(|x| c.matches(&x))),
            Cond::MinLength(n) => v.as_string().is_none_or(|s| s.chars().count() as u64 >= *n),
            Cond::MaxLength(n) => v.as_string().is_none_or(|s| s.chars().count() as u64 <= *n),
            Cond::Pattern(p) => v.as_string().is_none_or(|s| p.is_match(&s)),
            Cond::Date => v.as_string().is_none_or(|s| is_date(&s)),
        }
    }
}

struct Compiler;

impl Compiler {
    fn schema<J: Json>(&mut self, schema: &Value) -> Option<Cond<J>> {
        let obj = match schema {
            Value::Bool(b) => return Some(Cond::Bool(*b)),
            Value::Object(o) => o,
            _ => return None,
        };
        let mut all = Vec::with_capacity(obj.len());
        let members = ["properties", "patternProperties", "additionalProperties"];
        let by_member = obj.contains_key("patternProperties") || obj.contains_key("additionalProperties");
        for (key, value) in obj {
            let cond = match key.as_str() {
                k if ANNOTATIONS.contains(&k) => continue,
                "required" => Cond::Required(names(value)?.into_iter().map(J::prepare_key).collect()),
                "dependentRequired" => {
                    let deps = value.as_object()?.iter().map(|(k, needs)| {
                        Some((J::prepare_key(k), names(needs)?.into_iter().map(J::prepare_key).collect()))
                    });
                    Cond::DependentRequired(deps.collect::<Option<_>>()?)
                }
                "properties" if !by_member => {
                    let props = value.as_object()?.iter().map(|(k, s)| Some((J::prepare_key(k), self.schema(s)?)));
                    Cond::Properties(props.collect::<Option<_>>()?)
                }
                // Compiled together, member by member (below).
                k if members.contains(&k) => continue,
                "const" => Cond::Const(value.clone()),
                "enum" => {
                    let values = value.as_array()?;
                    match values.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<Box<[String]>>>() {
                        Some(names) if !names.is_empty() => Cond::StrEnum(names),
                        _ => Cond::Enum(values.clone().into()),
                    }
                }
                "type" => Cond::Type(types(value)?),
                "minimum" => Cond::Bound(Bound::Minimum, value.as_number()?.clone()),
                "maximum" => Cond::Bound(Bound::Maximum, value.as_number()?.clone()),
                "exclusiveMinimum" => Cond::Bound(Bound::ExclusiveMinimum, value.as_number()?.clone()),
                "exclusiveMaximum" => Cond::Bound(Bound::ExclusiveMaximum, value.as_number()?.clone()),
                "minItems" => Cond::MinItems(count(value)?),
                "maxItems" => Cond::MaxItems(count(value)?),
                "items" => Cond::Items(Box::new(self.schema(value)?)),
                "minLength" => Cond::MinLength(count(value)?),
                "maxLength" => Cond::MaxLength(count(value)?),
                "pattern" => Cond::Pattern(Pattern::parse(value.as_str()?)?),
                "format" if value.as_str()? == "date" => Cond::Date,
                "not" => Cond::Not(Box::new(self.schema(value)?)),
                "anyOf" => Cond::AnyOf(self.list(value)?),
                "allOf" => Cond::All(self.list(value)?),
                "oneOf" => Cond::OneOf(self.list(value)?),
                _ => return None,
            };
            all.push(cond);
        }
        if by_member {
            let named = match obj.get("properties") {
                Some(p) => p.as_object()?.iter().map(|(k, s)| Some((k.clone(), self.schema(s)?))).collect(),
                None => Some(Vec::new()),
            }?;
            let patterns = match obj.get("patternProperties") {
                Some(p) => p.as_object()?.iter().map(|(k, s)| Some((Pattern::parse(k)?, self.schema(s)?))).collect(),
                None => Some(Vec::new()),
            }?;
            let other = match obj.get("additionalProperties") {
                Some(s) => Some(Box::new(self.schema(s)?)),
                None => None,
            };
            all.push(Cond::Members { named: named.into(), patterns: patterns.into(), other });
        }
        Some(match all.len() {
            0 => Cond::Bool(true),
            1 => all.pop()?,
            _ => Cond::All(all.into()),
        })
    }

    fn list<J: Json>(&mut self, value: &Value) -> Option<Box<[Cond<J>]>> {
        let list = value.as_array().filter(|l| !l.is_empty())?;
        list.iter().map(|s| self.schema(s)).collect()
    }
}

/// A list of distinct strings (`required`, `dependentRequired`).
fn names(value: &Value) -> Option<Vec<&str>> {
    let mut names: Vec<&str> = Vec::new();
    for n in value.as_array()? {
        let n = n.as_str()?;
        if names.contains(&n) {
            return None;
        }
        names.push(n);
    }
    Some(names)
}

/// A non-negative integer (`2` or `2.0`, as JSON Schema counts).
fn count(value: &Value) -> Option<u64> {
    let n = value.as_number()?;
    n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < 1e19).map(|f| f as u64))
}

const TYPE_NAMES: [&str; 7] = ["null", "boolean", "object", "array", "number", "string", "integer"];
// The bits of the names above, for matching.
const NULL: u8 = 1;
const BOOLEAN: u8 = 2;
const OBJECT: u8 = 4;
const ARRAY: u8 = 8;
const NUMBER: u8 = 16;
const STRING: u8 = 32;
const INTEGER: u8 = 64;

fn type_bit(name: &str) -> u8 {
    TYPE_NAMES.iter().position(|t| *t == name).map_or(0, |i| 1 << i)
}

/// `type`: one type name, or a non-empty list of distinct ones.
fn types(value: &Value) -> Option<u8> {
    let one = |v: &Value| v.as_str().filter(|n| TYPE_NAMES.contains(n)).map(type_bit);
    match value {
        Value::Array(list) if !list.is_empty() => list.iter().try_fold(0u8, |bits, v| {
            let b = one(v)?;
            (bits & b == 0).then_some(bits | b)
        }),
        Value::Array(_) => None,
        v => one(v),
    }
}

/// A number against a bound, compared exactly where both are integers.
fn within(n: &impl JsonNumber, bound: Bound, limit: &Number) -> bool {
    use std::cmp::Ordering;
    let int = |i: Option<i64>, u: Option<u64>| i.map(i128::from).or(u.map(i128::from));
    let ord = match (int(n.as_i64(), n.as_u64()), int(limit.as_i64(), limit.as_u64())) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => match n.as_f64().zip(limit.as_f64()).and_then(|(a, b)| a.partial_cmp(&b)) {
            Some(o) => o,
            None => return false,
        },
    };
    match bound {
        Bound::Minimum => ord != Ordering::Less,
        Bound::Maximum => ord != Ordering::Greater,
        Bound::ExclusiveMinimum => ord == Ordering::Greater,
        Bound::ExclusiveMaximum => ord == Ordering::Less,
    }
}

/// `format: date` (RFC 3339 full-date: `YYYY-MM-DD`, a day that exists), read exactly as the `jsonschema`
/// crate (0.60) reads it, so that both always agree: its digit test works on four (or two) bytes at once,
/// and lets a few other characters through as digits (`+002-01-01` is a date to it).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (four_digits(&b[0..4]), two_digits(&b[5..7]), two_digits(&b[8..10]))
    else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

// The `jsonschema` crate's digit parsing (MIT licence, `keywords/format.rs`), as it is.

fn four_digits(bytes: &[u8]) -> Option<u16> {
    let value = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let sub = value.wrapping_sub(0x3030_3030);
    if sub.wrapping_add(0x0606_0606) & 0xF0F0_F0F0 != 0 {
        return None;
    }
    let val = (sub & 0x0F0F_0F0F).wrapping_mul(2561) >> 8;
    Some(((val & 0x00FF_00FF).wrapping_mul(6_553_601) >> 16) as u16)
}

fn two_digits(bytes: &[u8]) -> Option<u8> {
    let value = u16::from_le_bytes([bytes[0], bytes[1]]);
    let sub = value.wrapping_sub(0x3030);
    if sub.wrapping_add(0x0606) & 0xF0F0 != 0 {
        return None;
    }
    Some(((sub & 0x0F0F).wrapping_mul(2561) >> 8) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::as_json::YamlJson;
    use crate::load::yaml::{Node, Value as Yaml};
    use serde_json::json;

    fn string(s: &str) -> Node {
        Node { span: Default::default(), value: Yaml::Str(s.into()) }
    }

    /// Native and `jsonschema` answers for a schema over strings, compared.
    fn agree_on_strings(schema: Value, strings: impl IntoIterator<Item = String>) -> usize {
        let native = Cond::<YamlJson>::compile(&schema).unwrap();
        let reference = jsonschema::options_for::<YamlJson>()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let mut matched = 0;
        for s in strings {
            let n = string(&s);
            let expected = reference.is_valid(&n);
            assert_eq!(native.matches(&&n), expected, "{schema} on {s:?}");
            matched += usize::from(expected);
        }
        matched
    }

    #[test]
    fn type_bits_are_the_bits_of_the_type_names() {
        let bits = [NULL, BOOLEAN, OBJECT, ARRAY, NUMBER, STRING, INTEGER];
        assert_eq!(TYPE_NAMES.map(type_bit), bits);
    }

    #[test]
    fn dates_are_the_days_that_exist() {
        let mut strings = Vec::new();
        for year in ["0000", "0001", "0004", "0100", "0400", "1900", "2000", "2024", "2026", "9999"] {
            for month in 0..=13 {
                for day in 0..=32 {
                    strings.push(format!("{year}-{month:02}-{day:02}"));
                }
            }
        }
        // Including what the `jsonschema` crate's digit test lets through (`+002`, `/`), which we follow.
        let odd = ["2026-1-01", "2026-01-1", "2026/01/01", " 2026-01-01", "2026-01-01 ", "2026-01-01T00:00:00Z"];
        strings.extend(
            odd.iter().chain(&["２０２６-01-01", "20260-1-01", "", "2026-00-00", "+002-01-01"]).map(|s| s.to_string()),
        );
        // Every year, month and day spelled with digits and the characters around them in ASCII.
        let near = ['+', '-', '.', '/', '0', '1', '2', '9', ':', ';', ' ', 'a'];
        for a in near {
            for b in near {
                for c in near {
                    for d in near {
                        strings.push(format!("{a}{b}{c}{d}-02-{c}{d}"));
                        strings.push(format!("2024-{a}{b}-{c}{d}"));
                    }
                }
            }
        }
        let matched = agree_on_strings(json!({"format": "date"}), strings);
        assert!(matched >= 10 * 12 * 28 + 10 * (7 * 3 + 4 * 2) + 6, "{matched} days accepted");
    }

    #[test]
    fn non_blank_is_some_character_that_is_not_ecma_whitespace() {
        let chars = (0u32..0x3100).chain([0x85, 0xfeff, 0xfffe, 0x1_f600]).filter_map(char::from_u32);
        let strings: Vec<String> =
            chars.map(|c| c.to_string()).chain(["", "  \t", "\u{a0}\u{3000}x"].map(String::from)).collect();
        let total = strings.len();
        let matched = agree_on_strings(json!({"pattern": "\\S"}), strings);
        assert!(matched > total - 40 && matched < total, "{matched} of {total}");
        agree_on_strings(json!({"pattern": "^x-"}), ["x-", "x-y", "X-y", "ax-", "", "x"].map(String::from));
        agree_on_strings(
            json!({"minLength": 2, "maxLength": 3}),
            ["", "é", "éé", "ééé", "éééé", "ab"].map(String::from),
        );
    }
}
