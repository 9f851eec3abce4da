//! Load: command-line paths → files → spanned YAML documents.
//!
//! Discovery honours `.gitignore` (also outside a git repository), skips hidden files and folders, and
//! matches glob patterns with `{yaml,yml}` alternatives. Reading checks size and UTF-8 before parsing.

pub mod as_json;
pub mod source;
pub mod yaml;

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::error::RunError;
pub use source::{FileId, LineCol, SourceFile, SourceMap, Span};
pub use yaml::{Document, Limits, Node, Value};

/// A file chosen for the audit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// How the path is shown in findings: relative to the working directory when below it, `/`-separated.
    pub display: String,
}

/// Expands command-line paths (files, directories, glob patterns) into the files to audit, in a stable
/// order. `exclude` holds glob patterns (relative to the working directory) for files never audited, such
/// as the organisation's rule files. A path that does not exist, or a pattern that matches nothing, is an
/// error: a CI job that silently audits nothing is worse than one that fails.
pub fn discover(paths: &[String], exclude: &GlobSet) -> Result<Vec<Input>, RunError> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut out: Vec<Input> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |path: PathBuf, out: &mut Vec<Input>| {
        let display = display_path(&path, &cwd);
        if exclude.is_match(&display) {
            return;
        }
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if seen.insert(key) {
            out.push(Input { path, display });
        }
    };
    for arg in paths {
        let path = Path::new(arg);
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_dir() {
                let before = out.len();
                for file in walk(path, None)? {
                    push(file, &mut out);
                }
                if out.len() == before {
                    return Err(RunError::msg(format!(
                        "no `*.yaml` or `*.yml` files found in directory `{arg}` (hidden and .gitignored \
                         files are skipped)"
                    )));
                }
            } else {
                push(path.to_path_buf(), &mut out);
            }
            continue;
        }
        if is_glob(arg) {
            let (base, glob) = glob_base(arg)?;
            let before = out.len();
            for file in walk(&base, Some(&glob))? {
                push(file, &mut out);
            }
            if out.len() == before {
                return Err(RunError::msg(format!("no files match the pattern `{arg}`")));
            }
            continue;
        }
        return Err(RunError::msg(format!("path not found: `{arg}`")));
    }
    Ok(out)
}

/// Builds a matcher for `exclude`-style patterns; `*` does not cross `/`, `**` does.
pub fn glob_set(patterns: &[String]) -> Result<GlobSet, RunError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let p = p.strip_prefix("./").unwrap_or(p);
        let g = GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| RunError::msg(format!("invalid glob pattern `{p}`: {e}")))?;
        b.add(g);
    }
    b.build().map_err(|e| RunError::msg(format!("invalid glob patterns: {e}")))
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// Splits `teams/**/*.{yaml,yml}` into the folder to walk (`teams`) and a matcher for the whole pattern.
fn glob_base(pattern: &str) -> Result<(PathBuf, globset::GlobMatcher), RunError> {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    // An absolute pattern keeps its root (`/abs/dir/*.yaml` walks `/abs/dir`).
    let mut base = if pattern.starts_with('/') { PathBuf::from("/") } else { PathBuf::new() };
    for comp in pattern.split('/').filter(|c| !c.is_empty()) {
        if is_glob(comp) {
            break;
        }
        base.push(comp);
    }
    if base.as_os_str().is_empty() {
        base.push(".");
    }
    let glob = GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| RunError::msg(format!("invalid glob pattern `{pattern}`: {e}")))?;
    Ok((base, glob.compile_matcher()))
}

/// Walks a folder: `.gitignore`d, hidden and non-YAML files are skipped; with a glob, only files whose
/// path (as written relative to the pattern's base) matches are kept.
fn walk(dir: &Path, glob: Option<&globset::GlobMatcher>) -> Result<Vec<PathBuf>, RunError> {
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(dir).require_git(false).sort_by_file_name(|a, b| a.cmp(b)).build();
    for entry in walker {
        let entry = entry.map_err(|e| RunError::msg(format!("cannot read `{}`: {e}", dir.display())))?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.into_path();
        let keep = match glob {
            Some(g) => {
                let rel = path.to_string_lossy().replace('\\', "/");
                let rel = rel.strip_prefix("./").unwrap_or(&rel).to_owned();
                g.is_match(&rel)
            }
            None => matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")),
        };
        if keep {
            files.push(path);
        }
    }
    Ok(files)
}

fn display_path(path: &Path, cwd: &Path) -> String {
    let abs = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    let shown = match abs.strip_prefix(cwd) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path.to_path_buf(),
    };
    let s = shown.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// The outcome of reading one file: its text (for snippets) and either its documents or why not.
pub struct Loaded {
    pub source: SourceFile,
    pub documents: Vec<Document>,
    pub problems: Vec<yaml::YamlProblem>,
}

/// A file's text, or why it cannot be read as YAML text at all (size, encoding): then `source` holds what
/// could be decoded, for the snippet.
pub struct Text {
    pub source: SourceFile,
    pub problem: Option<yaml::YamlProblem>,
}

/// Default cap on one file's size; a roadmap is kilobytes, so this only stops accidents.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 256 << 20;

/// Reads one file's text. An unreadable file is a run error (exit 2); a file too big, or not UTF-8, is a
/// problem reported on that file.
pub fn read(input: &Input, max_size: u64) -> Result<Text, RunError> {
    let unreadable = |e: std::io::Error| RunError::msg(format!("cannot read `{}`: {e}", input.display));
    let meta = std::fs::metadata(&input.path).map_err(unreadable)?;
    if meta.len() > max_size {
        let problem = yaml::YamlProblem {
            span: Span::at(0),
            message: format!(
                "file is {} bytes, over the size limit of {max_size} bytes; it was not parsed",
                meta.len()
            ),
            help: Some("raise the limit with `--max-file-size BYTES` if this file really is a roadmap".into()),
            related: None,
        };
        return Ok(Text { source: SourceFile::new(input.display.clone(), String::new()), problem: Some(problem) });
    }
    let bytes = std::fs::read(&input.path).map_err(unreadable)?;
    Ok(decode(input.display.clone(), bytes))
}

/// Decodes bytes as UTF-8 (reporting the offset of the first bad byte), without a leading byte-order mark.
pub fn decode(display: String, bytes: Vec<u8>) -> Text {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Text { source: SourceFile::new(display, text), problem: None }
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let problem = yaml::YamlProblem {
                span: Span::new(at, at + 1),
                message: format!("file is not valid UTF-8: invalid byte at offset {at}"),
                help: Some("save the file as UTF-8 (YAML files must be Unicode)".into()),
                related: None,
            };
            Text { source: SourceFile::new(display, lossy), problem: Some(problem) }
        }
    }
}

/// Parses bytes already in memory (config and rule files, tests).
pub fn load_bytes(display: String, bytes: Vec<u8>, limits: Limits) -> Loaded {
    parse_text(decode(display, bytes), limits)
}

fn parse_text(text: Text, limits: Limits) -> Loaded {
    match text.problem {
        Some(p) => Loaded { source: text.source, documents: Vec::new(), problems: vec![p] },
        None => {
            let parsed = yaml::parse(&text.source.text, limits);
            Loaded { source: text.source, documents: parsed.documents, problems: parsed.problems }
        }
    }
}
