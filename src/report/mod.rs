//! The leadership audit report (HTML, Markdown) and the traceability graph (Mermaid, dot).

use std::io::Write;

use crate::cli::{GraphArgs, ReportArgs};
use crate::config::Config;
use crate::error::RunError;
use crate::rules::Registry;
use crate::{Audit, Options};

/// The headline metrics of an audit as JSON (the JSON output carries them, so `--compare` and the
/// report agree on every number).
pub fn metrics_json(
    _audit: &Audit,
    _registry: &Registry,
    _config: &Config,
    _options: &Options,
) -> Option<serde_json::Value> {
    None
}

/// `roadmap-audit report`
pub fn run(_args: &ReportArgs, _out: &mut dyn Write) -> Result<u8, RunError> {
    Err(RunError::msg("`report` is not available yet"))
}

/// `roadmap-audit graph`
pub fn graph(_args: &GraphArgs, _out: &mut dyn Write) -> Result<u8, RunError> {
    Err(RunError::msg("`graph` is not available yet"))
}
