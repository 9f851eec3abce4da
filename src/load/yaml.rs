//! YAML text → spanned [`Node`] trees, one per document.
//!
//! We pull events from `saphyr-parser` and build the tree ourselves with an explicit stack, because the
//! tree loaders of the YAML crates recurse (a 20k-deep block list overflows the stack) and some have no
//! alias limit. Here nesting depth and alias expansion have budgets, duplicate keys become findings
//! (the rest of the file is still loaded), and scalars are resolved with the YAML 1.2 core schema
//! (`yes`/`on` stay strings, `2027-01-31` stays a string). The merge key of YAML 1.1 (`<<: *defaults`),
//! which YAML 1.2 dropped but most YAML tools still read, is applied (see [`merge_entries`]).

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::source::Span;

/// A YAML node with the byte span of its text.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Box<str>),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry. Keys are kept as text (roadmap keys are always scalars); a collection used as a key
/// keeps its source text, which then shows up as an unknown key.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Box<str>,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
    /// The entry for `key`, when this node is a mapping that has it.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| &*e.key == key)
    }
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(m) => m.iter_mut().find(|e| &*e.key == key).map(|e| &mut e.value),
            _ => None,
        }
    }
    /// A short name of the node's type, as users know it.
    pub fn type_name(&self) -> &'static str {
        self.value.type_name()
    }

    /// Converts to JSON for schema validation. Recursion is bounded by the loader's depth limit.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.to_string()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut m = serde_json::Map::with_capacity(entries.len());
                for e in entries {
                    m.insert(e.key.to_string(), e.value.to_json());
                }
                J::Object(m)
            }
        }
    }

    /// Follows an RFC 6901 JSON pointer (as schema errors report them) and returns the node and, when the
    /// last step was a mapping key, that key's span. This is how any layer turns a path into a location.
    pub fn locate(&self, pointer: &str) -> Option<Located<'_>> {
        let mut node = self;
        let mut key_span = None;
        if pointer.is_empty() {
            return Some(Located { node, key_span });
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let seg = unescape_pointer(raw);
            match &node.value {
                Value::Map(entries) => {
                    let e = entries.iter().find(|e| *e.key == *seg)?;
                    key_span = Some(e.key_span);
                    node = &e.value;
                }
                Value::Seq(items) => {
                    node = items.get(seg.parse::<usize>().ok()?)?;
                    key_span = None;
                }
                _ => return None,
            }
        }
        Some(Located { node, key_span })
    }
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "mapping",
        }
    }
}

/// The result of [`Node::locate`].
#[derive(Clone, Copy, Debug)]
pub struct Located<'a> {
    pub node: &'a Node,
    pub key_span: Option<Span>,
}

pub fn unescape_pointer(seg: &str) -> Cow<'_, str> {
    if seg.contains('~') {
        Cow::Owned(seg.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(seg)
    }
}

pub fn escape_pointer(seg: &str) -> Cow<'_, str> {
    if seg.contains(['~', '/']) {
        Cow::Owned(seg.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(seg)
    }
}

/// One YAML document of a file.
#[derive(Debug)]
pub struct Document {
    /// The root node; `Null` for an empty document.
    pub root: Node,
}

/// Budgets that keep hostile input from hanging or exhausting the process.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of collections accepted.
    pub max_depth: usize,
    /// Nodes that alias expansion may create in one file ("billion laughs" guard).
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 128, max_alias_nodes: 1_000_000 }
    }
}

/// Why loading a file stopped, or a problem found while loading it.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlProblem {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// A related location (e.g. the first definition of a duplicated key).
    pub related: Option<(Span, String)>,
}

/// The documents of a file, plus problems. When `fatal` is set, parsing stopped there: documents completed
/// before it are kept, the one in progress is dropped.
#[derive(Debug, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub problems: Vec<YamlProblem>,
    pub fatal: bool,
}

/// Parses YAML text into documents.
pub fn parse(text: &str, limits: Limits) -> Parsed {
    parse_streaming(text, limits, &[], &mut |_| {})
}

/// What [`parse_streaming`] hands over while it parses.
#[derive(Debug)]
pub enum Streamed {
    /// An element of a streamed top-level list: `lists[list]` of document `doc`, at `index`.
    Element { doc: usize, list: usize, index: usize, node: Node },
    /// Parsing starts over (see [`parse`] on tabs): forget every element received so far.
    Restart,
}

/// Parses YAML text, handing each element of the top-level lists named in `lists` (a roadmap's `items`,
/// `problems` …) to `sink` as soon as it is complete, instead of keeping it in the tree (the list stays in
/// the tree, empty). So a big file is never held whole in memory, and its elements can be checked while
/// the rest is still being parsed. Elements of a document that ends in a fatal error are handed over too:
/// the caller drops those with `doc >= documents.len()`.
///
/// `key:<tab>value` is valid YAML that saphyr-parser rejects; on that exact error, when the tab separates a
/// value on the same line (not a block collection, which a tab may not indent), we replace the separating
/// tab(s) with spaces (same byte length, so spans are unchanged and no scalar content changes) and parse
/// again. The retries are bounded so the total work stays linear in practice.
pub fn parse_streaming(text: &str, limits: Limits, lists: &[&str], sink: &mut dyn FnMut(Streamed)) -> Parsed {
    let mut patched: Option<String> = None;
    let budget_bytes: usize = 64 << 20;
    let mut reparsed = 0usize;
    loop {
        let src = patched.as_deref().unwrap_or(text);
        if reparsed > 0 {
            sink(Streamed::Restart);
        }
        match Builder::new(src, limits, lists, &mut *sink).run() {
            Err(TabAfterColon(at))
                if reparsed + src.len() <= budget_bytes && tab_may_separate(src.get(at..).unwrap_or("")) =>
            {
                reparsed += src.len();
                let s = patched.get_or_insert_with(|| text.to_owned());
                // SAFETY of the edit: only ASCII tabs are replaced by ASCII spaces.
                let bytes = unsafe { s.as_bytes_mut() };
                let mut i = at;
                while i > 0 && bytes[i - 1] == b'\t' {
                    bytes[i - 1] = b' ';
                    i -= 1;
                }
                if i == at {
                    // Nothing to patch: report the parser's error as it is.
                    sink(Streamed::Restart);
                    return Builder::new(text, limits, lists, &mut *sink).run_without_retry();
                }
            }
            Err(TabAfterColon(_)) => {
                sink(Streamed::Restart);
                return Builder::new(text, limits, lists, &mut *sink).run_without_retry();
            }
            Ok(parsed) => return parsed,
        }
    }
}

struct TabAfterColon(usize);

/// Whether tabs after a `:`, followed by `rest` (the text after them), separate a value on the same line,
/// as YAML allows (`key:<TAB>value`), rather than indent a block collection, which YAML forbids
/// (`key:<TAB>- a`, `key:<TAB>other: b`; suite cases Y79Y-007 and Y79Y-009).
fn tab_may_separate(rest: &str) -> bool {
    let line = rest.split(['\n', '\r']).next().unwrap_or("");
    let starts_entry = |s: &str, c: char| s.strip_prefix(c).is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']));
    if starts_entry(line, '-') || starts_entry(line, '?') {
        return false;
    }
    // What could make the line a `key: value`: what follows a quoted value, or the plain value itself.
    let after = match line.chars().next() {
        Some(q @ ('"' | '\'')) => {
            // The closing quote: `\"` escapes in double quotes, `''` in single quotes.
            let b = line.as_bytes();
            let mut i = 1;
            loop {
                match b.get(i) {
                    None => break "",
                    Some(b'\\') if q == '"' => i += 2,
                    Some(&c) if c == q as u8 && q == '\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
                    Some(&c) if c == q as u8 => break line.get(i + 1..).unwrap_or(""),
                    Some(_) => i += 1,
                }
            }
        }
        Some('[' | '{' | '#') => "",
        _ => line,
    };
    // `key: value` after the tab would be a mapping indented by a tab (a comment does not count).
    let after = after.split(" #").next().unwrap_or("").trim_end();
    !(after.contains(": ") || after.contains(":\t") || after.ends_with(':'))
}

/// Converts the parser's character indices to byte offsets with a forward-moving cursor (markers arrive
/// nearly in order), so no per-character table is needed.
struct ByteCursor<'a> {
    text: &'a str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'a> ByteCursor<'a> {
    fn new(text: &'a str) -> Self {
        ByteCursor { text, ascii: text.is_ascii(), chars: 0, bytes: 0 }
    }
    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        while self.chars < char_index && self.bytes < self.text.len() {
            self.bytes += self.text[self.bytes..].chars().next().map_or(1, char::len_utf8);
            self.chars += 1;
        }
        while self.chars > char_index && self.bytes > 0 {
            self.bytes -= 1;
            while !self.text.is_char_boundary(self.bytes) {
                self.bytes -= 1;
            }
            self.chars -= 1;
        }
        self.bytes
    }
}

enum Frame {
    /// `streamed`: the index in `lists` when this is a streamed top-level list; `count` its elements so far.
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
        streamed: Option<usize>,
        count: usize,
    },
    Map {
        start: usize,
        anchor: usize,
        map: MapBuilder,
    },
}

#[derive(Default)]
struct MapBuilder {
    entries: Vec<Entry>,
    pending_key: Option<(Box<str>, Span)>,
    /// Whether a merge key (`<<`) was met, so that mappings without one are not searched for it (set where the
    /// key's style is known: only a plain `<<` merges).
    has_merge: bool,
    /// Built once a mapping is large, so duplicate detection stays linear.
    index: Option<HashMap<Box<str>, usize>>,
}

impl MapBuilder {
    fn find(&mut self, key: &str) -> Option<usize> {
        if self.index.is_none() && self.entries.len() >= 32 {
            self.index = Some(self.entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i)).collect());
        }
        match &self.index {
            Some(ix) => ix.get(key).copied(),
            None => self.entries.iter().position(|e| &*e.key == key),
        }
    }

    /// Adds an entry whose key the mapping does not have yet, keeping the index (once built) in step.
    fn push(&mut self, entry: Entry) {
        if let Some(ix) = &mut self.index {
            ix.insert(entry.key.clone(), self.entries.len());
        }
        self.entries.push(entry);
    }
}

struct Builder<'a, 's> {
    text: &'a str,
    limits: Limits,
    lists: &'a [&'a str],
    sink: &'s mut dyn FnMut(Streamed),
    cursor: ByteCursor<'a>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    alias_nodes: usize,
    root: Option<Node>,
    doc_start: usize,
    out: Parsed,
}

impl<'a, 's> Builder<'a, 's> {
    fn new(text: &'a str, limits: Limits, lists: &'a [&'a str], sink: &'s mut dyn FnMut(Streamed)) -> Self {
        Builder {
            text,
            limits,
            lists,
            sink,
            cursor: ByteCursor::new(text),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            root: None,
            doc_start: 0,
            out: Parsed::default(),
        }
    }

    fn run_without_retry(self) -> Parsed {
        match self.run_inner(false) {
            Ok(p) | Err(Stop::Done(p)) => p,
            Err(Stop::Tab(_, p)) => p,
        }
    }

    fn run(self) -> Result<Parsed, TabAfterColon> {
        match self.run_inner(true) {
            Ok(p) | Err(Stop::Done(p)) => Ok(p),
            Err(Stop::Tab(at, _)) => Err(TabAfterColon(at)),
        }
    }

    fn fatal(mut self, span: Span, message: String, help: Option<String>) -> Stop {
        self.out.problems.push(YamlProblem { span, message, help, related: None });
        self.out.fatal = true;
        Stop::Done(self.out)
    }

    fn run_inner(mut self, retry_tabs: bool) -> Result<Parsed, Stop> {
        for ev in Parser::new_from_str(self.text) {
            let (ev, span) = match ev {
                Ok(x) => x,
                Err(e) => {
                    let at = self.cursor.byte(e.marker().index());
                    let info = e.info().to_owned();
                    if info.contains("':' must be followed by a valid YAML whitespace") {
                        if retry_tabs {
                            return Err(Stop::Tab(at, Parsed::default()));
                        }
                        let rest = self.cursor.text.get(at..).unwrap_or("").trim_start_matches('\t');
                        let help = Some(if tab_may_separate(rest) {
                            "put a space, not a tab, after the `:`".to_owned()
                        } else {
                            "a tab cannot indent a block sequence or mapping: put a space, not a tab, after the `:`"
                                .to_owned()
                        });
                        return Err(self.fatal(Span::at(at), format!("YAML syntax error: {info}"), help));
                    }
                    let help = syntax_help(&info);
                    return Err(self.fatal(Span::at(at), format!("YAML syntax error: {info}"), help));
                }
            };
            let start = self.cursor.byte(span.start.index());
            let end = self.cursor.byte(span.end.index());
            match ev {
                Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
                Event::DocumentStart(_) => {
                    self.doc_start = start;
                    self.anchors.clear();
                }
                Event::DocumentEnd => {
                    let root = self
                        .root
                        .take()
                        .unwrap_or(Node { span: Span::at(self.doc_start.min(self.text.len())), value: Value::Null });
                    self.out.documents.push(Document { root });
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let span = Span::new(start, end);
                    if let Some(Frame::Map { map, .. }) = self.stack.last_mut() {
                        if map.pending_key.is_none() {
                            let key: Box<str> = text.as_ref().into();
                            if anchor > 0 {
                                let node = Node { span, value: Value::Str(key.clone()) };
                                self.anchors.insert(anchor, (node, 1));
                            }
                            // Only the plain, untagged `<<` is the merge key; `"<<"` is an ordinary key.
                            if style == ScalarStyle::Plain && tag.is_none() && &*key == "<<" {
                                map.has_merge = true;
                                self.set_key(MERGE.into(), span);
                            } else {
                                self.set_key(key, span);
                            }
                            continue;
                        }
                    }
                    let node = Node { span, value: resolve_scalar(text, style, tag.as_deref()) };
                    if anchor > 0 {
                        self.anchors.insert(anchor, (node.clone(), 1));
                    }
                    self.push_node(node);
                }
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    if self.stack.len() >= self.limits.max_depth {
                        let max = self.limits.max_depth;
                        let msg = format!("nesting is deeper than the limit of {max} levels");
                        let help = Some(
                            "a roadmap needs a handful of levels; this file is nested far deeper than any roadmap \
                             (raise the limit with `--max-depth` if it is really intended)"
                                .to_owned(),
                        );
                        return Err(self.fatal(Span::at(start), msg, help));
                    }
                    let frame = if matches!(ev, Event::SequenceStart(..)) {
                        // A list right under the root, as the value of a streamed key?
                        let streamed = match self.stack.as_slice() {
                            [Frame::Map { map, .. }] => {
                                map.pending_key.as_ref().and_then(|(k, _)| self.lists.iter().position(|l| **l == **k))
                            }
                            _ => None,
                        };
                        Frame::Seq { start, anchor, items: Vec::new(), streamed, count: 0 }
                    } else {
                        Frame::Map { start, anchor, map: MapBuilder::default() }
                    };
                    self.stack.push(frame);
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    // A block collection's end event sits at the next token (often lines below); it ends where
                    // its last child ends. A flow collection ends at its closing bracket.
                    let close = |s: usize, last: Option<Span>| {
                        let flow = matches!(self.text.as_bytes().get(s), Some(b'{' | b'['));
                        if flow {
                            end
                        } else {
                            last.map_or(s, |l| l.end as usize)
                        }
                    };
                    let (node, anchor) = match self.stack.pop() {
                        Some(Frame::Seq { start: s, anchor, items, .. }) => {
                            let e = close(s, items.last().map(|n| n.span));
                            (Node { span: Span::new(s, e), value: Value::Seq(items) }, anchor)
                        }
                        Some(Frame::Map { start: s, anchor, mut map }) => {
                            let e = close(s, map.entries.last().map(|n| n.value.span));
                            if map.has_merge {
                                // At the top of a document, entity lists brought in would bypass streaming.
                                let lists = if self.stack.is_empty() { self.lists } else { &[] };
                                merge_entries(&mut map, lists, &mut self.out.problems);
                            }
                            (Node { span: Span::new(s, e), value: Value::Map(map.entries) }, anchor)
                        }
                        None => continue,
                    };
                    if anchor > 0 {
                        let count = count_nodes(&node);
                        self.anchors.insert(anchor, (node.clone(), count));
                    }
                    self.push_node(node);
                }
                Event::Alias(id) => {
                    let span = Span::new(start, end);
                    let Some((node, count)) = self.anchors.get(&id) else {
                        return Err(self.fatal(span, "alias to an unknown anchor".into(), None));
                    };
                    self.alias_nodes += count;
                    if self.alias_nodes > self.limits.max_alias_nodes {
                        let max = self.limits.max_alias_nodes;
                        let msg = format!("aliases expand to more than {max} nodes (a \"billion laughs\" document?)");
                        let help = Some(
                            "use fewer nested aliases; raise the budget with `--max-alias-nodes` if the file \
                             is really meant to expand this much"
                                .to_owned(),
                        );
                        return Err(self.fatal(span, msg, help));
                    }
                    let mut node = node.clone();
                    node.span = span;
                    if let Some(Frame::Map { map, .. }) = self.stack.last_mut() {
                        if map.pending_key.is_none() {
                            let key = key_text(&node, self.text);
                            self.set_key(key, span);
                            continue;
                        }
                    }
                    self.push_node(node);
                }
            }
        }
        Ok(self.out)
    }

    fn set_key(&mut self, key: Box<str>, span: Span) {
        let Some(Frame::Map { map, .. }) = self.stack.last_mut() else { return };
        if let Some(i) = map.find(&key) {
            let first = map.entries[i].key_span;
            let shown = if &*key == MERGE { "<<" } else { &key };
            self.out.problems.push(YamlProblem {
                span,
                message: format!("duplicate key `{shown}` in the same mapping"),
                help: Some(
                    "YAML forbids repeating a key; readers disagree on which value wins. Keep one (the first \
                     is used here)"
                        .to_owned(),
                ),
                related: Some((first, "first defined here".to_owned())),
            });
            // Keep the first value: mark the key as pending-but-discarded.
            map.pending_key = Some((DISCARD.into(), span));
        } else {
            map.pending_key = Some((key, span));
        }
    }

    fn push_node(&mut self, node: Node) {
        let doc = self.out.documents.len();
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { streamed: Some(list), count, .. }) => {
                (self.sink)(Streamed::Element { doc, list: *list, index: *count, node });
                *count += 1;
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { map, .. }) => match map.pending_key.take() {
                Some((key, key_span)) => {
                    if &*key != DISCARD {
                        map.push(Entry { key, key_span, value: node });
                    }
                }
                None => {
                    // A collection in key position: keep its source text as the key.
                    let key = key_text(&node, self.text);
                    self.set_key(key, node.span);
                }
            },
        }
    }
}

/// Marks the value of a duplicated key, which is dropped (a NUL can never be a real YAML key here).
const DISCARD: &str = "\u{0}duplicate";

/// The merge key `<<` while its mapping is being built (a plain `<<`; a quoted one is an ordinary key).
const MERGE: &str = "\u{0}merge";

/// Applies the merge key of a finished mapping, as YAML 1.1 defines it: its value, a mapping or a list of
/// mappings (usually aliases: `<<: *defaults`, `<<: [*a, *b]`), lends its entries to this mapping for every
/// key this mapping does not write itself; of several mappings, the first that has a key wins. Merged
/// entries keep their spans, so a finding about one points where it is written, at the anchor. Anything
/// else as the value is a problem and is ignored. `lists` are keys that must not be merged in (the entity
/// lists at the top of a roadmap, which are read as they stream by).
// Rare: kept out of the builder's loop, whose code the parser's speed depends on.
#[cold]
#[inline(never)]
fn merge_entries(map: &mut MapBuilder, lists: &[&str], problems: &mut Vec<YamlProblem>) {
    let Some(at) = map.entries.iter().position(|e| &*e.key == MERGE) else { return };
    let merge = map.entries.remove(at);
    // The entries after it moved: `find` rebuilds the index if it needs one.
    map.index = None;
    let a = |v: &Value| match v {
        Value::Null => "null".to_owned(),
        Value::Int(_) => "an integer".to_owned(),
        v => format!("a {}", v.type_name()),
    };
    let mut not_mappings = |found: String| {
        problems.push(YamlProblem {
            span: merge.value.span,
            message: format!("the merge key `<<` needs a mapping or a list of mappings, not {found}"),
            help: Some(
                "Write `<<: *name` with `&name` on a mapping written before it, or `<<: [*a, *b]`; this `<<` \
                 entry is ignored"
                    .to_owned(),
            ),
            related: Some((merge.key_span, "merge key".to_owned())),
        })
    };
    let sources: Vec<Vec<Entry>> = match merge.value.value {
        Value::Map(m) => vec![m],
        Value::Seq(items) => match items.iter().find(|n| !matches!(n.value, Value::Map(_))) {
            Some(odd) => return not_mappings(format!("a list with {} in it", a(&odd.value))),
            None => items
                .into_iter()
                .filter_map(|n| match n.value {
                    Value::Map(m) => Some(m),
                    _ => None,
                })
                .collect(),
        },
        other => return not_mappings(a(&other)),
    };
    for entry in sources.into_iter().flatten() {
        if lists.contains(&&*entry.key) {
            problems.push(YamlProblem {
                span: merge.key_span,
                message: format!("the merge key `<<` cannot bring in `{}` at the top of a file", entry.key),
                help: Some(format!(
                    "Write the `{}` list in the file itself; merge keys work inside its elements",
                    entry.key
                )),
                related: Some((entry.key_span, "merged from here".to_owned())),
            });
        } else if map.find(&entry.key).is_none() {
            map.push(entry);
        }
    }
}

enum Stop {
    Done(Parsed),
    Tab(usize, Parsed),
}

fn key_text(node: &Node, text: &str) -> Box<str> {
    match &node.value {
        Value::Str(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string().into(),
        Value::Int(i) => i.to_string().into(),
        Value::Float(f) => f.to_string().into(),
        _ => text.get(node.span.range()).unwrap_or("?").into(),
    }
}

fn count_nodes(node: &Node) -> usize {
    let mut n = 0;
    let mut stack = vec![node];
    while let Some(x) = stack.pop() {
        n += 1;
        match &x.value {
            Value::Seq(items) => stack.extend(items),
            Value::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    n
}

fn syntax_help(info: &str) -> Option<String> {
    let h = if info.contains("tab") {
        "YAML indentation must use spaces, not tabs"
    } else if info.contains("mapping values are not allowed") {
        "a value containing `: ` must be quoted, e.g. title: \"Checkout: one page\""
    } else if info.contains("did not find expected key") || info.contains("did not find expected '-'") {
        "check the indentation of this line against the lines above"
    } else if info.contains("unclosed") || info.contains("did not find expected ',' or") {
        "a bracket or quote is not closed"
    } else {
        return None;
    };
    Some(h.to_owned())
}

/// YAML 1.2 core schema resolution of a scalar.
fn resolve_scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.is_yaml_core_schema() && tag.suffix == "str" {
            return Value::Str(text.as_ref().into());
        }
    }
    if style != ScalarStyle::Plain {
        return Value::Str(text.as_ref().into());
    }
    let t: &str = &text;
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(v) = parse_int(t) {
        return v;
    }
    if is_core_float(t) {
        if let Ok(f) = t.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(t.into())
}

fn parse_int(t: &str) -> Option<Value> {
    let b = t.as_bytes();
    if let Some(hex) = t.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Some(i64::from_str_radix(hex, 16).map_or_else(|_| Value::Str(t.into()), Value::Int));
        }
        return None;
    }
    if let Some(oct) = t.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
            return Some(i64::from_str_radix(oct, 8).map_or_else(|_| Value::Str(t.into()), Value::Int));
        }
        return None;
    }
    let digits = match b.first() {
        Some(b'-' | b'+') => &b[1..],
        _ => b,
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(match t.parse::<i64>() {
        Ok(i) => Value::Int(i),
        Err(_) => t.parse::<f64>().map_or_else(|_| Value::Str(t.into()), Value::Float),
    })
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let p = parse(text, Limits::default());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        p.documents.into_iter().next().unwrap().root
    }

    #[test]
    fn what_a_tab_after_a_colon_may_separate() {
        for value in [
            "value",
            "value # a: b",
            "\"a: b\"",
            "'it''s: x'",
            "\"esc \\\" q\" # c:",
            "[a, b]",
            "{a: b}",
            "",
            "# c: d",
            "ü: x",
        ] {
            let expect = !value.starts_with('ü');
            assert_eq!(tab_may_separate(value), expect, "{value:?}");
        }
        for collection in ["- a", "-", "? k", "k: v", "k:", "\"k\": v", "'k': v", "\"unterminated: x"] {
            let expect = collection == "\"unterminated: x";
            assert_eq!(tab_may_separate(collection), expect, "{collection:?}");
        }
        // Only the tab's own line counts.
        assert!(tab_may_separate("value\nnext: line"));
    }

    #[test]
    fn core_schema_scalars() {
        let n = one("a: yes\nb: 017\nc: 2027-01-31\nd: ~\ne: 1.5e3\nf: '12'\ng: 0x1F\nh: .5\n");
        let j = n.to_json();
        assert_eq!(
            j,
            serde_json::json!({"a":"yes","b":17,"c":"2027-01-31","d":null,"e":1500.0,"f":"12","g":31,"h":0.5})
        );
    }

    #[test]
    fn spans_are_byte_offsets_after_multibyte_text() {
        let text = "t: \"ü–é\"\nk: v\n";
        let n = one(text);
        let e = n.entry("k").unwrap();
        assert_eq!(&text[e.key_span.range()], "k");
        assert_eq!(&text[e.value.span.range()], "v");
    }

    #[test]
    fn tab_after_colon_is_accepted() {
        let n = one("a:\tvalue\nb:\t[x]\nc:\t\t-1\n");
        assert_eq!(n.get("a").unwrap().as_str(), Some("value"));
    }

    #[test]
    fn duplicate_key_reported_and_first_kept() {
        let p = parse("a: 1\nb: 2\na: 3\n", Limits::default());
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].span, Span::new(10, 11));
        assert_eq!(p.problems[0].related.as_ref().unwrap().0, Span::new(0, 1));
        assert_eq!(p.documents[0].root.get("a").unwrap().value, Value::Int(1));
        assert!(p.documents[0].root.get("b").is_some());
    }

    #[test]
    fn merge_keys_lend_entries_the_mapping_does_not_write() {
        let text = "base: &base {owner: ana, status: planned}\nmore: &more {status: idea, team: core}\n\
                    one:\n  <<: *base\n  status: committed\n\
                    two:\n  <<: [*more, *base]\n\
                    three: {<<: {x: 1}, y: 2}\n\
                    quoted: {\"<<\": *base}\n";
        let n = one(text);
        let one_ = n.get("one").unwrap();
        assert_eq!(one_.get("status").unwrap().as_str(), Some("committed"), "the mapping's own key wins");
        assert_eq!(one_.get("owner").unwrap().as_str(), Some("ana"));
        assert!(one_.get("<<").is_none());
        // A merged entry keeps its span: where it is written, in the anchored mapping.
        assert_eq!(&text[one_.entry("owner").unwrap().key_span.range()], "owner");
        assert_eq!(one_.entry("owner").unwrap().key_span, n.get("base").unwrap().entry("owner").unwrap().key_span);
        // The mapping's span is its own text, not stretched to the merged entries.
        assert_eq!(&text[one_.span.range()], "<<: *base\n  status: committed");
        let two = n.get("two").unwrap();
        assert_eq!(two.get("status").unwrap().as_str(), Some("idea"), "the first merged mapping wins");
        assert_eq!(two.get("owner").unwrap().as_str(), Some("ana"));
        assert_eq!(two.get("team").unwrap().as_str(), Some("core"));
        assert_eq!(n.get("three").unwrap().to_json(), serde_json::json!({"y": 2, "x": 1}));
        // `"<<"` is an ordinary key.
        assert!(n.get("quoted").unwrap().get("<<").is_some());
        assert!(n.get("quoted").unwrap().get("owner").is_none());
    }

    #[test]
    fn merge_keys_in_a_big_mapping_keep_its_own_keys_first() {
        // Over 32 keys the mapping looks keys up by an index, which must follow the merge key's removal.
        let line = |i: usize| format!("  k{i}: {i}\n");
        let (before, after): (String, String) = ((0..10).map(line).collect(), (10..40).map(line).collect());
        let text = format!("base: &b {{k5: merged, extra: yes, k39: merged}}\nbig:\n{before}  <<: *b\n{after}");
        let big = one(&text).get("big").unwrap().clone();
        assert_eq!(big.as_map().unwrap().len(), 41);
        assert_eq!(big.get("k5").unwrap().value, Value::Int(5));
        assert_eq!(big.get("k39").unwrap().value, Value::Int(39));
        assert_eq!(big.get("extra").unwrap().as_str(), Some("yes"));
    }

    #[test]
    fn a_merge_key_without_mappings_is_a_problem_and_ignored() {
        for (text, found) in [
            ("a: {<<: text, b: 1}\n", "not a string"),
            ("a: {<<: [{x: 1}, 2], b: 1}\n", "not a list with an integer in it"),
            ("a:\n  <<:\n  b: 1\n", "not null"),
        ] {
            let p = parse(text, Limits::default());
            assert_eq!(p.problems.len(), 1, "{text:?}: {:?}", p.problems);
            assert!(p.problems[0].message.ends_with(found), "{text:?}: {}", p.problems[0].message);
            assert!(!p.fatal);
            let a = p.documents[0].root.get("a").unwrap();
            assert_eq!(a.to_json(), serde_json::json!({"b": 1}), "{text:?}");
        }
        let p = parse("a: {<<: {x: 1}, <<: {y: 2}}\n", Limits::default());
        assert_eq!(p.problems[0].message, "duplicate key `<<` in the same mapping");
        assert_eq!(p.documents[0].root.get("a").unwrap().to_json(), serde_json::json!({"x": 1}));
    }

    #[test]
    fn merge_keys_do_not_bring_streamed_lists_in_at_the_top() {
        let text = "x-common: &common\n  owner: ana\n  items: [{id: A}]\n<<: *common\nversion: 1\n";
        let mut got = 0;
        let p = parse_streaming(text, Limits::default(), &["items"], &mut |_| got += 1);
        let root = &p.documents[0].root;
        assert_eq!(root.get("owner").unwrap().as_str(), Some("ana"));
        assert!(root.get("items").is_none());
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(p.problems[0].message.contains("cannot bring in `items`"), "{}", p.problems[0].message);
        // Inside an element, or outside a roadmap's lists, anything may be merged.
        let p = parse_streaming(
            "d: &d {problems: [P]}\nitems:\n  - {<<: *d, id: A}\n",
            Limits::default(),
            &["items", "problems"],
            &mut |_| {},
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }

    #[test]
    fn alias_bomb_hits_budget() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let p = parse(&s, Limits::default());
        assert!(p.fatal);
        assert!(p.problems[0].message.contains("aliases expand"), "{:?}", p.problems);
    }

    #[test]
    fn deep_block_nesting_is_an_error_not_a_crash() {
        let s = "- ".repeat(100_000) + "x\n";
        let p = parse(&s, Limits::default());
        assert!(p.fatal);
        assert!(p.problems[0].message.contains("nesting"));
    }

    #[test]
    fn streaming_hands_over_list_elements_and_keeps_the_rest() {
        let text = "version: 1\nitems:\n  - id: A\n  - id: B\nproblems: [{id: P}]\nnested:\n  items: [x]\n";
        let mut got = Vec::new();
        let p = parse_streaming(text, Limits::default(), &["problems", "items"], &mut |s| match s {
            Streamed::Element { doc, list, index, node } => {
                got.push((doc, list, index, node.get("id").and_then(Node::as_str).map(str::to_owned)))
            }
            Streamed::Restart => got.clear(),
        });
        assert_eq!(got, vec![(0, 1, 0, Some("A".into())), (0, 1, 1, Some("B".into())), (0, 0, 0, Some("P".into()))]);
        let root = &p.documents[0].root;
        assert_eq!(root.get("items").unwrap().as_seq().unwrap().len(), 0, "streamed elements are not kept");
        assert_eq!(
            root.get("nested").unwrap().get("items").unwrap().as_seq().unwrap().len(),
            1,
            "only top-level lists stream"
        );
    }

    #[test]
    fn streaming_restarts_on_the_tab_retry() {
        let text = "items:\n  - id: A\nx:\tvalue\n";
        let mut got = Vec::new();
        parse_streaming(text, Limits::default(), &["items"], &mut |s| match s {
            Streamed::Element { index, .. } => got.push(index),
            Streamed::Restart => got.clear(),
        });
        assert_eq!(got, vec![0], "the element before the retry is not handed over twice");
    }

    #[test]
    fn pointer_lookup() {
        let n = one("items:\n  - id: A\n    problems: [P1, P2]\n");
        let l = n.locate("/items/0/problems/1").unwrap();
        assert_eq!(l.node.as_str(), Some("P2"));
        assert!(n.locate("/items/0/id").unwrap().key_span.is_some());
    }
}
