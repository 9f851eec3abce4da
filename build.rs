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
        // Relative to the crate, not an absolute path: the generated file then stays right for another
        // checkout that shares the target directory (cargo may reuse this build script's output there).
        let rel = p.to_string_lossy().replace('\\', "/");
        writeln!(out, "    ({file:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{rel}\"))),").unwrap();
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
