//! One file's share of an audit, done on its own (files are staged in parallel): parse, schema, entities.
//!
//! The parser hands over each element of the top-level lists (`items`, `problems`, …) as soon as it is
//! complete (`load::yaml::parse_streaming`); the element is validated and turned into a model entity, then
//! dropped. So a file is never held whole as a tree: memory stays proportional to the roadmap's entities.

use crate::finding::{Entity, Finding, Label, Severity};
use crate::load::yaml::{self, Limits, Node, Streamed, YamlProblem};
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
/// (encoding, size), found before parsing.
pub fn text(file: FileId, source: SourceFile, problem: Option<YamlProblem>, limits: Limits) -> Staged {
    let mut findings = Vec::new();
    if let Some(p) = problem {
        findings.push(invalid_yaml(file, p));
        return Staged { source, model: Model::default(), findings };
    }
    let schema = Schema::roadmap();
    let lists = schema.element_lists();
    // Elements are checked as they arrive, on this thread. A second thread for them was measured twice, and
    // slower both times (freeing on the checking thread; then moving strings there and freeing here): the
    // handing over costs what the overlap saves. Files run in parallel instead, and so do the rules.
    let mut elements = Elements::new(file);
    let parsed = yaml::parse_streaming(&source.text, limits, &lists, &mut |mut s| elements.take(&mut s, &lists));
    let Elements { mut model, findings: element_findings, .. } = elements;

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
    Staged { source, model, findings }
}

/// The entities and findings of the elements received so far.
struct Elements {
    file: FileId,
    model: Model,
    /// Schema findings, with the document they belong to.
    findings: Vec<(u32, Finding)>,
}

impl Elements {
    fn new(file: FileId) -> Elements {
        Elements { file, model: Model::default(), findings: Vec::new() }
    }

    /// Takes in one element (moving out the strings its entity keeps).
    fn take(&mut self, streamed: &mut Streamed, lists: &[&str]) {
        match streamed {
            Streamed::Restart => *self = Elements::new(self.file),
            Streamed::Element { doc, list, index, node } => self.element(*doc as u32, lists[*list], *index, node),
        }
    }

    fn element(&mut self, doc: u32, list: &str, index: usize, node: &mut Node) {
        let found = Schema::roadmap().check_element(list, index, node, self.file, "roadmap file");
        self.findings.extend(found.into_iter().map(|f| (doc, f)));
        // Last: building the entity moves the node's strings out.
        self.model.add_entity(self.file, doc, list, node);
    }
}

fn invalid_yaml(file: FileId, p: YamlProblem) -> Finding {
    let mut f = Finding::new("invalid-yaml", Severity::Error, file, p.span, Entity::document(), p.message);
    f.help = p.help;
    if let Some((span, message)) = p.related {
        f.labels.push(Label { file, span, message });
    }
    f
}
