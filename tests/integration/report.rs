//! The leadership audit report and the traceability graph.
