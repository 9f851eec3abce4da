//! One file's share of an audit, done on its own (files are staged in parallel): parse, schema, entities.
//!
//! The parser hands over each element of the top-level lists (`items`, `problems`, …) as soon as it is
//! complete (`load::yaml::parse_streaming`); the element is validated and turned into a model entity, then
//! dropped. So a file is never held whole as a tree: memory stays proportional to the roadmap's entities.

use crate::finding::{Entity, Finding, Label, Severity};
use crate::load::yaml::{self, Limits, Streamed, YamlProblem};
use crate::load::{FileId, SourceFile, Span, Value};
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
    // Elements are checked as they arrive, on this thread. A second thread for them was measured twice, and
    // slower both times (freeing on the checking thread; then moving strings there and freeing here): the
    // handing over costs what the overlap saves. Files run in parallel instead, and so do the rules.
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

/// The entities and findings of the elements received so far.
struct Elements {
    file: FileId,
    model: Model,
    /// Schema findings, with the document they belong to.
    findings: Vec<(u32, Finding)>,
    /// Elements received before the schema was ready (see [`Schema::roadmap_if_ready`]): parsing goes on
    /// meanwhile, and they are checked, in order, as soon as it is.
    waiting: Vec<Streamed>,
}

impl Elements {
    fn new(file: FileId) -> Elements {
        Elements { file, model: Model::default(), findings: Vec::new(), waiting: Vec::new() }
    }

    /// Takes in one element (moving out the strings its entity keeps).
    fn take(&mut self, streamed: Streamed, lists: &[&str]) {
        if let Streamed::Restart = streamed {
            *self = Elements::new(self.file);
            return;
        }
        match Schema::roadmap_if_ready() {
            None if self.waiting.len() < MAX_WAITING => {
                if self.waiting.is_empty() {
                    crate::timings::event("first element waits for the schema");
                }
                self.waiting.push(streamed)
            }
            ready => {
                let schema = ready.unwrap_or_else(Schema::roadmap);
                self.check_waiting(schema, lists);
                self.check(schema, streamed, lists);
            }
        }
    }

    /// Checks the elements still waiting for the schema (waiting for it if need be).
    fn finish(&mut self, lists: &[&str]) {
        if !self.waiting.is_empty() {
            self.check_waiting(Schema::roadmap(), lists);
        }
    }

    fn check_waiting(&mut self, schema: &Schema, lists: &[&str]) {
        for w in std::mem::take(&mut self.waiting) {
            self.check(schema, w, lists);
        }
    }

    fn check(&mut self, schema: &Schema, streamed: Streamed, lists: &[&str]) {
        let Streamed::Element { doc, list, index, mut node } = streamed else { return };
        let (doc, list) = (doc as u32, lists[list]);
        let found = schema.check_element(list, index, &node, self.file, "roadmap file");
        self.findings.extend(found.into_iter().map(|f| (doc, f)));
        // Last: building the entity moves the node's strings out.
        self.model.add_entity(self.file, doc, list, &mut node);
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
