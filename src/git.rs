//! Reading files as they were at a git revision, for `--new-since` (the tool runs git itself).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::RunError;

/// A revision of the repository around the working directory.
pub struct Revision {
    root: PathBuf,
    commit: String,
}

fn git(args: &[&str], cwd: &Path) -> Result<std::process::Output, RunError> {
    Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| RunError::msg(format!("--new-since needs git, which could not be run: {e}")))
}

impl Revision {
    /// Resolves `rev` (a branch, tag or commit) in the repository containing the working directory.
    pub fn resolve(rev: &str) -> Result<Revision, RunError> {
        let cwd =
            std::env::current_dir().map_err(|e| RunError::msg(format!("cannot read the current directory: {e}")))?;
        let top = git(&["rev-parse", "--show-toplevel"], &cwd)?;
        if !top.status.success() {
            return Err(RunError::msg(format!(
                "--new-since {rev}: the current directory is not inside a git repository"
            )));
        }
        let root = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim());
        let spec = format!("{rev}^{{commit}}");
        let c = git(&["rev-parse", "--verify", "--quiet", &spec], &cwd)?;
        if !c.status.success() {
            return Err(RunError::msg(format!(
                "--new-since {rev}: no such revision in this repository (in CI, fetch it first, e.g. `git fetch origin main`)"
            )));
        }
        Ok(Revision { root, commit: String::from_utf8_lossy(&c.stdout).trim().to_owned() })
    }

    /// The file's content at the revision, or `None` when it did not exist there.
    pub fn read(&self, path: &Path) -> Result<Option<Vec<u8>>, RunError> {
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let Ok(rel) = abs.strip_prefix(&root) else { return Ok(None) };
        let spec = format!("{}:{}", self.commit, rel.to_string_lossy().replace('\\', "/"));
        let out = git(&["show", &spec], &self.root)?;
        Ok(out.status.success().then_some(out.stdout))
    }
}
