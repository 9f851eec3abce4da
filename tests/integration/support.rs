//! Helpers: run the binary, make scratch folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const AS_OF: &str = "2026-11-22";

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_roadmap-audit"));
    c.env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

/// The repository root (tests run there).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in the repository root with `args`.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).current_dir(root()).output().expect("binary runs")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// A fresh scratch folder under the target directory (kept for inspection after a failure).
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, content).unwrap();
    p
}

/// The JSON findings of a run.
pub fn json_findings(o: &Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}\nstderr: {}", stdout(o), stderr(o)));
    v["findings"].as_array().unwrap().clone()
}

/// `rule@line:column` for each finding, in output order: compact for asserts.
pub fn positions(findings: &[serde_json::Value]) -> Vec<String> {
    findings.iter().map(|f| format!("{}@{}:{}", f["rule"].as_str().unwrap(), f["line"], f["column"])).collect()
}
