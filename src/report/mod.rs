//! The leadership audit report (HTML, Markdown) and the traceability graph (Mermaid, dot).

use std::io::Write;

use crate::cli::{GraphArgs, ReportArgs};
use crate::error::RunError;

/// `roadmap-audit report`
pub fn run(_args: &ReportArgs, _out: &mut dyn Write) -> Result<u8, RunError> {
    Err(RunError::msg("`report` is not available yet"))
}

/// `roadmap-audit graph`
pub fn graph(_args: &GraphArgs, _out: &mut dyn Write) -> Result<u8, RunError> {
    Err(RunError::msg("`graph` is not available yet"))
}
