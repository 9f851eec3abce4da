//! Only the YAML tree builder (`load::yaml` over saphyr-parser events), with small budgets so the depth and
//! alias limits are hit often, plus the invariants the rest of the program relies on:
//! - every span lies inside the text, on character boundaries, start ≤ end;
//! - the streaming parse (elements of the roadmap's top-level lists handed over one by one, as audits run)
//!   gives the same documents and problems as the whole-tree parse, once the elements are put back (checked
//!   when the text has no alias: an alias to an anchored streamed list expands to the list as kept in the
//!   tree, which is empty by design; and no merge key: at the top of a document a merge key may not bring
//!   in a streamed list, which the whole-tree parse, streaming no list, merges);
//! - JSON conversion and pointer lookups work on whatever was built.
//!
//! A panic or a broken invariant is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roadmap_audit::load::yaml::{self, Limits, Node, Streamed, Value};
use roadmap_audit::load::Span;
use roadmap_audit::schema::Schema;

fn check_span(text: &str, span: Span, what: &str) {
    let r = span.range();
    assert!(
        r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{what} span {r:?} is not a valid range of the {}-byte text",
        text.len()
    );
}

fn check_tree(text: &str, root: &Node) {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        check_span(text, n.span, "node");
        match &n.value {
            Value::Seq(items) => stack.extend(items),
            Value::Map(entries) => {
                for e in entries {
                    check_span(text, e.key_span, "key");
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = Limits { max_depth: 8, max_alias_nodes: 1_000 };
    let whole = yaml::parse(text, limits);
    for p in &whole.problems {
        check_span(text, p.span, "problem");
        if let Some((span, _)) = &p.related {
            check_span(text, *span, "related");
        }
    }
    for d in &whole.documents {
        check_tree(text, &d.root);
        for pointer in ["", "/items", "/items/0", "/items/0/id", "/0", "/a~1b"] {
            if let Some(l) = d.root.locate(pointer) {
                check_span(text, l.node.span, "located");
            }
        }
        let _ = d.root.to_json().to_string();
    }

    // Streaming, as `stage` runs it, with the elements put back where they came from.
    let lists = Schema::roadmap().element_lists();
    let mut elements: Vec<(usize, usize, usize, Node)> = Vec::new();
    let mut streamed = yaml::parse_streaming(text, limits, &lists, &mut |s| match s {
        Streamed::Element { doc, list, index, node } => elements.push((doc, list, index, node)),
        Streamed::Restart => elements.clear(),
    });
    for (doc, list, index, node) in elements {
        check_tree(text, &node);
        let Some(d) = streamed.documents.get_mut(doc) else { continue }; // cut short by a fatal error
        let Value::Map(entries) = &mut d.root.value else { panic!("element of a document that is not a mapping") };
        let e = entries.iter_mut().find(|e| &*e.key == lists[list]).expect("the streamed list is in the tree");
        let Value::Seq(items) = &mut e.value.value else { panic!("the streamed list is not a list") };
        assert_eq!(items.len(), index, "elements arrive in order");
        items.push(node);
    }
    if !text.contains('*') && !text.contains("<<") {
        // Debug text, not `==`: NaN floats are never equal to themselves. A streamed list closes empty, so its
        // span is its start, and a block mapping ends where its last value ends: compare collections by start.
        let show = |p: &yaml::Parsed| {
            format!("{:?} {:?}", p.problems, p.documents.iter().map(|d| strip(&d.root)).collect::<Vec<_>>())
        };
        assert_eq!(show(&whole), show(&streamed), "streaming and whole-tree parses differ");
    }
});

/// The tree with collections reduced to their start (see above).
fn strip(n: &Node) -> Node {
    let value = match &n.value {
        Value::Seq(items) => Value::Seq(items.iter().map(strip).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|e| yaml::Entry { key: e.key.clone(), key_span: e.key_span, value: strip(&e.value) })
                .collect(),
        ),
        v => v.clone(),
    };
    let span = if matches!(n.value, Value::Seq(_) | Value::Map(_)) { Span::at(n.span.start as usize) } else { n.span };
    Node { span, value }
}
