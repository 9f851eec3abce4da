//! Findings: plain data about one problem at one node. Rules create them; policy filters them; output
//! renders them. Nothing here prints or computes line numbers.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::load::{FileId, Span};

/// How serious a finding is. Ordered, so `severity >= fail_level` decides the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of roadmap entity a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Document,
    Objective,
    Kpi,
    Problem,
    Item,
    Evidence,
    Waiver,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Document => "document",
            EntityKind::Objective => "objective",
            EntityKind::Kpi => "kpi",
            EntityKind::Problem => "problem",
            EntityKind::Item => "item",
            EntityKind::Evidence => "evidence",
            EntityKind::Waiver => "waiver",
        }
    }
    /// How the kind reads in a sentence ("KPI KPI-3", "item ITM-1").
    pub fn noun(self) -> &'static str {
        match self {
            EntityKind::Kpi => "KPI",
            other => other.as_str(),
        }
    }
}

/// The entity a finding is about. `id` is absent for a whole document, or an entity without a usable id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Entity {
    pub kind: EntityKind,
    pub id: Option<String>,
}

impl Entity {
    pub fn document() -> Entity {
        Entity { kind: EntityKind::Document, id: None }
    }
    pub fn new(kind: EntityKind, id: impl Into<String>) -> Entity {
        Entity { kind, id: Some(id.into()) }
    }
}

/// A secondary location, e.g. "first defined here". May be in another file than the finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// One problem at one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    pub message: String,
    /// Shared: a rule's help text is the same in all its findings (thousands in a big roadmap).
    pub help: Option<Arc<str>>,
    pub file: FileId,
    pub span: Span,
    pub entity: Entity,
    pub labels: Vec<Label>,
    /// Tells apart findings of one rule on one entity (e.g. the team of a dependency), so that
    /// fingerprints and waivers can address each of them.
    pub discriminator: Option<String>,
}

impl Finding {
    pub fn new(
        rule: impl Into<Cow<'static, str>>,
        severity: Severity,
        file: FileId,
        span: Span,
        entity: Entity,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            message: message.into(),
            help: None,
            file,
            span,
            entity,
            labels: Vec::new(),
            discriminator: None,
        }
    }
    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Finding {
        self.help = Some(help.into());
        self
    }
    pub fn with_label(mut self, file: FileId, span: Span, message: impl Into<String>) -> Finding {
        self.labels.push(Label { file, span, message: message.into() });
        self
    }
}
