//! Reading files as they were at a git revision, for `--new-since` (the tool runs git itself).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::RunError;

/// A revision of the repository around the working directory.
pub struct Revision {
    root: PathBuf,
    commit: String,
    /// Files renamed since the revision: path now → path then, both relative to the root.
    renamed: HashMap<String, String>,
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
        let commit = String::from_utf8_lossy(&c.stdout).trim().to_owned();
        let renamed = renames(&root, &commit)?;
        Ok(Revision { root, commit, renamed })
    }

    /// The file's content at the revision — under its old name if it was renamed since — or `None` when it
    /// did not exist there.
    pub fn read(&self, path: &Path) -> Result<Option<Vec<u8>>, RunError> {
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let Ok(rel) = abs.strip_prefix(&root) else { return Ok(None) };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let then = self.renamed.get(&rel).unwrap_or(&rel);
        let spec = format!("{}:{then}", self.commit);
        let out = git(&["show", &spec], &self.root)?;
        Ok(out.status.success().then_some(out.stdout))
    }
}

/// Renames between the revision and the work tree (staged changes included), as git detects them
/// (`git diff -M`: contents at least half alike), as path now → path then. Best effort: when git cannot
/// tell, files are read under their own names and a renamed one counts as new, as before.
fn renames(root: &Path, commit: &str) -> Result<HashMap<String, String>, RunError> {
    let out = git(&["diff", "--name-status", "-M", "-z", "--no-ext-diff", commit, "--"], root)?;
    let mut renamed = HashMap::new();
    if !out.status.success() {
        return Ok(renamed);
    }
    // `-z`: status NUL path NUL, or for a rename or copy: status NUL old NUL new NUL.
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split('\0');
    while let Some(status) = fields.next().filter(|s| !s.is_empty()) {
        if status.starts_with(['R', 'C']) {
            let (Some(then), Some(now)) = (fields.next(), fields.next()) else { break };
            if status.starts_with('R') {
                renamed.insert(now.to_owned(), then.to_owned());
            }
        } else if fields.next().is_none() {
            break;
        }
    }
    Ok(renamed)
}
