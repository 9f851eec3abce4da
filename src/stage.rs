//! One file's share of an audit, done on its own (files are staged in parallel): parse, schema, entities.
//!
//! The parser hands over each element of the top-level lists (`items`, `problems`, …) as soon as it is
//! complete (`load::yaml::parse_streaming`); the element is validated and turned into a model entity, then
//! dropped. So a file is never held whole as a tree, and with two or more threads the elements are checked
//! on a second thread while the parser goes on: the audit of a big file costs little more than its parse.

use std::sync::mpsc;

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

/// Elements sent to the checking thread at a time.
const BATCH: usize = 256;

/// Parses and checks one file's text. `problem` is a reason the text could not be read as YAML at all
/// (encoding, size), found before parsing.
pub fn text(file: FileId, source: SourceFile, problem: Option<YamlProblem>, limits: Limits, jobs: usize) -> Staged {
    let mut findings = Vec::new();
    if let Some(p) = problem {
        findings.push(invalid_yaml(file, p));
        return Staged { source, model: Model::default(), findings };
    }
    let schema = Schema::roadmap();
    let lists = schema.element_lists();
    let (parsed, elements) = if jobs >= 2 {
        pipelined(&source.text, limits, &lists, file)
    } else {
        let mut acc = Elements::new(file);
        let parsed = yaml::parse_streaming(&source.text, limits, &lists, &mut |s| acc.take(s, &lists));
        (parsed, acc)
    };
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

/// Parses on this thread while another validates and extracts the elements.
fn pipelined(text: &str, limits: Limits, lists: &[&str], file: FileId) -> (yaml::Parsed, Elements) {
    let (tx, rx) = mpsc::sync_channel::<Vec<Streamed>>(8);
    std::thread::scope(|s| {
        let worker = s.spawn(move || {
            let mut acc = Elements::new(file);
            for batch in rx {
                for streamed in batch {
                    acc.take(streamed, lists);
                }
            }
            acc
        });
        let mut batch = Vec::with_capacity(BATCH);
        let parsed = yaml::parse_streaming(text, limits, lists, &mut |streamed| {
            batch.push(streamed);
            if batch.len() == BATCH {
                // A send fails only if the worker died; its panic is raised by `join` below.
                let _ = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
        });
        let _ = tx.send(batch);
        drop(tx);
        let acc = worker.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (parsed, acc)
    })
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

    fn take(&mut self, streamed: Streamed, lists: &[&str]) {
        match streamed {
            Streamed::Restart => *self = Elements::new(self.file),
            Streamed::Element { doc, list, index, node } => self.element(doc as u32, lists[list], index, &node),
        }
    }

    fn element(&mut self, doc: u32, list: &str, index: usize, node: &Node) {
        let found = Schema::roadmap().check_element(list, index, node, self.file, "roadmap file");
        self.findings.extend(found.into_iter().map(|f| (doc, f)));
        self.model.add_entity(self.file, doc, list, index, node);
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
