//! Errors that stop a run (exit status 2): bad flags, bad config, unreadable paths, malformed rule files.
//! Problems in the audited roadmap are never errors here; they are findings.

use crate::finding::Finding;
use crate::load::SourceMap;

/// Why the run could not be done. When the cause is inside a file we read (config, rule file), the
/// diagnostics point into it, with their own sources.
#[derive(Debug)]
pub struct RunError {
    pub message: String,
    pub diagnostics: Vec<Finding>,
    pub sources: SourceMap,
}

impl RunError {
    pub fn msg(message: impl Into<String>) -> RunError {
        RunError { message: message.into(), diagnostics: Vec::new(), sources: SourceMap::default() }
    }
    pub fn with_diagnostics(message: impl Into<String>, diagnostics: Vec<Finding>, sources: SourceMap) -> Self {
        RunError { message: message.into(), diagnostics, sources }
    }
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RunError {}
