//! The YAML tree as the `jsonschema` crate sees JSON: schemas validate our [`Node`]s directly, with no
//! `serde_json::Value` copy of the document (which cost more time and memory than parsing it).

use std::borrow::Cow;

use jsonschema::json::{Array, Json, JsonNumber, Node as JsonNode, NodeIdentity, Object};
use jsonschema::JsonType;
use serde_json::Value as J;

use super::yaml::{Entry, Node, Value};

/// Marker type: "JSON values are `&yaml::Node`s".
pub struct YamlJson;

impl Json for YamlJson {
    type Node<'a> = &'a Node;
    type PreparedKey = String;
    type StringBuffer = Node;

    // Mappings are small and scanned in order: a members pass is cheap compared to repeated lookups.
    const KEYS_PER_LOOKUP: usize = 4;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(buffer: &mut Node, string: &str, f: impl FnOnce(&Node) -> T) -> T {
        *buffer = Node { span: Default::default(), value: Value::Str(string.into()) };
        f(buffer)
    }
}

/// A YAML number as JSON Schema sees it.
#[derive(Clone, Copy, Debug)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl JsonNumber for Number {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::Int(i) => u64::try_from(i).ok(),
            Number::Float(_) => None,
        }
    }
    fn as_i64(&self) -> Option<i64> {
        match *self {
            Number::Int(i) => Some(i),
            Number::Float(_) => None,
        }
    }
    fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        })
    }
    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(match *self {
            Number::Int(i) => i.to_string(),
            Number::Float(f) => f.to_string(),
        })
    }
    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match *self {
            Number::Int(i) => serde_json::Number::from(i),
            Number::Float(f) => serde_json::Number::from_f64(f).unwrap_or_else(|| serde_json::Number::from(0)),
        })
    }
    fn is_integer(&self) -> bool {
        match *self {
            Number::Int(_) => true,
            Number::Float(f) => f.fract() == 0.0 && f.is_finite(),
        }
    }
    fn is_written_as_integer(&self) -> bool {
        matches!(self, Number::Int(_))
    }
}

impl<'a> JsonNode<'a, YamlJson> for &'a Node {
    type Object = &'a [Entry];
    type Array = &'a [Node];
    type Number = Number;

    fn as_object(&self) -> Option<&'a [Entry]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    fn as_array(&self) -> Option<&'a [Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.value {
            Value::Str(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }
    fn as_number(&self) -> Option<Number> {
        match self.value {
            Value::Int(i) => Some(Number::Int(i)),
            // NaN and infinities are not JSON numbers; `to_json` makes them null, so do we.
            Value::Float(f) if f.is_finite() => Some(Number::Float(f)),
            _ => None,
        }
    }
    fn as_boolean(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        matches!(self.value, Value::Null) || matches!(self.value, Value::Float(f) if !f.is_finite())
    }
    fn json_type(&self) -> JsonType {
        match &self.value {
            Value::Null => JsonType::Null,
            Value::Float(f) if !f.is_finite() => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Int(_) | Value::Float(_) => JsonType::Number,
            Value::Str(_) => JsonType::String,
            Value::Seq(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }
    fn equals_value(&self, expected: &J) -> bool {
        match (&self.value, expected) {
            (Value::Str(a), J::String(b)) => **a == **b,
            (Value::Bool(a), J::Bool(b)) => a == b,
            (Value::Null, J::Null) => true,
            (Value::Int(a), J::Number(b)) => b.as_i64() == Some(*a) || b.as_f64() == Some(*a as f64),
            (Value::Float(a), J::Number(b)) => b.as_f64() == Some(*a),
            (Value::Seq(_) | Value::Map(_), J::Array(_) | J::Object(_)) => {
                jsonschema::json::cmp::equal(&self.to_json(), expected)
            }
            _ => false,
        }
    }
    fn to_value(&self) -> Cow<'a, J> {
        Cow::Owned(self.to_json())
    }
    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(self) as usize))
    }
}

/// Members of a mapping, in document order.
pub struct Members<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|e| (&*e.key, &e.value))
    }
}

impl<'a> Object<'a, YamlJson> for &'a [Entry] {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[Entry]>::len(self)
    }
    fn get(&self, key: &String) -> Option<&'a Node> {
        self.iter().find(|e| *e.key == **key).map(|e| &e.value)
    }
    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

impl<'a> Array<'a, YamlJson> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }
    fn elements(&self) -> std::slice::Iter<'a, Node> {
        self.iter()
    }
}
