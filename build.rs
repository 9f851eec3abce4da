//! Embeds every `rules/*.yaml` (and `rules/lexicons/*.yaml`) into the binary, so the rule catalogue is data
//! in the repository and still a single self-contained executable.

use std::fmt::Write;
use std::path::Path;

fn embed(dir: &Path, out: &mut String, name: &str) {
    let mut files: Vec<_> =
        std::fs::read_dir(dir).map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    files.sort();
    writeln!(out, "pub static {name}: &[(&str, &str)] = &[").unwrap();
    for p in files {
        let file = p.file_name().unwrap().to_string_lossy();
        let abs = std::fs::canonicalize(&p).unwrap();
        writeln!(out, "    ({file:?}, include_str!({:?})),", abs.display().to_string()).unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=rules/lexicons");
    let mut out = String::new();
    embed(Path::new("rules"), &mut out, "BUILTIN_RULES");
    embed(Path::new("rules/lexicons"), &mut out, "BUILTIN_LEXICONS");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    std::fs::write(dest, out).unwrap();
}
