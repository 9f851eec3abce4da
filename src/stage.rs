//! One file's share of an audit, done on its own (files are staged in parallel): parse, schema, entities.
//!
//! The parser hands over each element of the top-level lists (`items`, `problems`, …) as soon as it is
//! complete (`load::yaml::parse_streaming`); elements are validated and turned into model entities a batch
//! (~64 KiB of text) at a time, then dropped. So a file is never held whole as a tree: memory stays
//! proportional to the roadmap's entities.

use crate::finding::{Entity, Finding, Label, Severity};
use crate::load::yaml::{self, Limits, Streamed, YamlProblem};
use crate::load::{FileId, Node, SourceFile, Span, Value};
use crate::model::Model;
use crate::schema::{self, Schema};

/// What one file contributes: its text (for snippets), its entities, its findings.
pub struct Staged {
    pub source: SourceFile,
    pub model: Model,
    pub findings: Vec<Finding>,
}

/// Parses and checks one file's text. `problem` is a reason the text could not be read as YAML at all
/// (encoding, size), found before parsing. Unless `keep_text`, the text is let go once the file is checked
/// (see [`SourceFile::release_text`]): nothing after this step reads it but snippets.
pub fn text(
    file: FileId,
    mut source: SourceFile,
    problem: Option<YamlProblem>,
    limits: Limits,
    keep_text: bool,
) -> Staged {
    let mut findings = Vec::new();
    if let Some(p) = problem {
        findings.push(invalid_yaml(file, p));
        return Staged { source, model: Model::default(), findings };
    }
    // Asked now, while the text just read is in the cache (it is let go at the end if it is ASCII).
    let ascii = !keep_text && source.text.is_ascii();
    let lists = crate::model::entity_list_names();
    // Elements are checked in batches as they arrive, on this thread. A second thread for them was measured
    // twice, and slower both times (freeing on the checking thread; then moving strings there and freeing
    // here): the handing over costs what the overlap saves. Files run in parallel instead, and so do the rules.
    let mut elements = Elements::new(file);
    let parsed = yaml::parse_streaming(&source.text, limits, &lists, &mut |s| elements.take(s, &lists));
    elements.finish(&lists);
    let Elements { mut model, findings: element_findings, .. } = elements;
    let schema = Schema::roadmap();

    let had_problems = !parsed.problems.is_empty();
    findings.extend(parsed.problems.into_iter().map(|p| invalid_yaml(file, p)));
    if parsed.documents.is_empty() && !had_problems {
        findings.push(
            Finding::new(schema::RULE, Severity::Error, file, Span::at(0), Entity::document(), "the file is empty")
                .with_help("a roadmap file needs at least `version: 1`"),
        );
    }
    // Elements of a document cut short by a fatal YAML error belong to no document: drop them.
    let docs = parsed.documents.len() as u32;
    model.retain_documents_below(docs);
    findings.extend(element_findings.into_iter().filter(|(doc, _)| *doc < docs).map(|(_, f)| f));
    for doc in &parsed.documents {
        model.add_doc_info(file, &doc.root);
        match &doc.root.value {
            Value::Null => findings.push(
                Finding::new(
                    schema::RULE,
                    Severity::Error,
                    file,
                    doc.root.span,
                    Entity::document(),
                    "the document is empty",
                )
                .with_help("a roadmap document needs at least `version: 1`"),
            ),
            _ => findings.extend(schema.check_top(&doc.root, file, "roadmap file")),
        }
    }
    if ascii {
        source.release_text(true);
    }
    Staged { source, model, findings }
}

/// Elements kept while the schema is still being compiled on another thread, at most: then parsing waits.
const MAX_WAITING: usize = 4096;

/// Elements are checked in batches covering about this much text. Going back and forth between parsing
/// and checking for every element ran the parser, the schema validators and the entity builder through
/// the instruction cache by turns: with one batch per 64 KiB, instruction cache misses went 11.5 M -> 4.3 M
/// (the parse alone has 3.0 M; cachegrind, 200 files, one thread) and the whole run 4% faster, at the
/// cost of more data cache misses (the batch's nodes are no longer the last thing touched). It bounds the
/// memory a batch holds: some 64 KiB of text as nodes.
const BATCH_BYTES: u32 = 64 << 10;

/// An element waiting in a batch.
struct Pending {
    doc: u32,
    list: usize,
    index: usize,
    node: Node,
}

/// The entities and findings of the elements received so far.
struct Elements {
    file: FileId,
    model: Model,
    /// Schema findings, with the document they belong to.
    findings: Vec<(u32, Finding)>,
    /// Elements received and not yet checked: the batch being filled, or, while the schema is still being
    /// compiled (see [`Schema::roadmap_if_ready`]), all elements so far (parsing goes on meanwhile).
    batch: Vec<Pending>,
    /// The bytes of text the batch's elements cover.
    batch_bytes: u32,
}

impl Elements {
    fn new(file: FileId) -> Elements {
        Elements { file, model: Model::default(), findings: Vec::new(), batch: Vec::new(), batch_bytes: 0 }
    }

    /// Takes in one element; checks the batch when it is full and the schema is ready.
    fn take(&mut self, streamed: Streamed, lists: &[&str]) {
        let (doc, list, index, node) = match streamed {
            Streamed::Element { doc, list, index, node } => (doc as u32, list, index, node),
            Streamed::Restart => {
                *self = Elements::new(self.file);
                return;
            }
        };
        let before = self.batch_bytes;
        self.batch_bytes = before.saturating_add(node.span.len() as u32);
        self.batch.push(Pending { doc, list, index, node });
        if self.batch_bytes < BATCH_BYTES {
            return;
        }
        match Schema::roadmap_if_ready() {
            Some(schema) => self.check_batch(schema, lists),
            None if self.batch.len() < MAX_WAITING => {
                if before < BATCH_BYTES {
                    crate::timings::event("a full batch waits for the schema");
                }
            }
            None => self.check_batch(Schema::roadmap(), lists),
        }
    }

    /// Checks the elements not checked yet (waiting for the schema if need be).
    fn finish(&mut self, lists: &[&str]) {
        if !self.batch.is_empty() {
            self.check_batch(Schema::roadmap(), lists);
        }
    }

    /// Validates every element of the batch, then builds their entities (in that order: each step's code
    /// stays in the instruction cache for the whole batch).
    fn check_batch(&mut self, schema: &Schema, lists: &[&str]) {
        let mut batch = std::mem::take(&mut self.batch);
        for p in &batch {
            let found = schema.check_element(lists[p.list], p.index, &p.node, self.file, "roadmap file");
            self.findings.extend(found.into_iter().map(|f| (p.doc, f)));
        }
        // Building an entity moves its node's strings out.
        for mut p in batch.drain(..) {
            self.model.add_entity(self.file, p.doc, lists[p.list], &mut p.node);
        }
        // The emptied vector is kept for the next batch.
        self.batch = batch;
        self.batch_bytes = 0;
    }
}

fn invalid_yaml(file: FileId, p: YamlProblem) -> Finding {
    let mut f = Finding::new("invalid-yaml", Severity::Error, file, p.span, Entity::document(), p.message);
    f.help = p.help.map(Into::into);
    if let Some((span, message)) = p.related {
        f.labels.push(Label { file, span, message });
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of several batches: every element becomes an entity in file order, and each schema finding
    /// sits at its own element's line whichever batch that element fell in (the last batch, not full, too).
    /// The elements of a document cut short by a fatal error are dropped, with their findings, even when
    /// they filled batches of their own.
    #[test]
    fn elements_checked_in_batches_keep_their_order_and_positions() {
        let pad = "x".repeat(200);
        let mut valid = String::from("version: 1\nitems:\n");
        let mut bad_lines = Vec::new();
        // ~240 bytes an element: 1,000 of them fill some three batches and part of a fourth.
        for i in 0..1000 {
            valid.push_str(&format!("  - id: I-{i}\n    title: \"{pad}\"\n"));
            if i % 97 == 0 {
                bad_lines.push(valid.lines().count() as u32 + 1);
                valid.push_str("    colour: red\n");
            }
        }
        let mut cut_short = valid.clone() + "---\nversion: 1\nitems:\n";
        for i in 0..600 {
            cut_short.push_str(&format!("  - id: J-{i}\n    title: \"{pad}\"\n    colour: red\n"));
        }
        cut_short.push_str("  - id: [unclosed\n");
        assert!(valid.len() as u32 > 3 * BATCH_BYTES && (cut_short.len() - valid.len()) as u32 > 2 * BATCH_BYTES);

        for (text, fatal) in [(valid, 0), (cut_short, 1)] {
            let staged = super::text(0, SourceFile::new("r.yaml".into(), text), None, Limits::default(), true);
            let ids: Vec<&str> = staged.model.items.iter().map(|it| &*it.id).collect();
            let expected: Vec<String> = (0..1000).map(|i| format!("I-{i}")).collect();
            assert_eq!(ids, expected);
            let lines: Vec<u32> = staged
                .findings
                .iter()
                .filter(|f| f.rule == schema::RULE && f.message.contains("colour"))
                .map(|f| staged.source.line_col(f.span.start).line)
                .collect();
            assert_eq!(lines, bad_lines);
            assert_eq!(staged.findings.iter().filter(|f| f.rule == "invalid-yaml").count(), fatal);
        }
    }
}
