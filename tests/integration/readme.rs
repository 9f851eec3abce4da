//! The README never drifts from the tool: every output it shows is what the tool prints, its rule table is
//! the catalogue, and its "passes every rule" example passes every rule. `UPDATE_README=1` rewrites the
//! rule table.

use crate::support::{bin, code, json_findings, root, scratch, stdout, write, AS_OF};

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The fenced block that follows a marker line.
fn block_after(text: &str, marker_end: usize) -> &str {
    let rest = &text[marker_end..];
    let start = rest.find("```").unwrap();
    let body = &rest[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    &body[..body.find("\n```").unwrap() + 1]
}

#[test]
fn shown_output_is_what_the_tool_prints() {
    let text = readme();
    let mut seen = 0;
    for (i, _) in text.match_indices("<!-- output: ") {
        let line_end = i + text[i..].find("-->").unwrap();
        let spec = &text[i + "<!-- output: ".len()..line_end];
        let (dir, args) = spec.split_once(':').unwrap();
        let args: Vec<&str> = args.split_whitespace().collect();
        let out = bin().args(&args).current_dir(root().join(dir.trim())).output().unwrap();
        let actual: Vec<String> = stdout(&out).lines().map(|l| l.trim_end().to_owned()).collect();
        let shown: Vec<String> = block_after(&text, line_end).lines().map(|l| l.trim_end().to_owned()).collect();
        let found = actual.windows(shown.len()).any(|w| w == shown.as_slice());
        assert!(
            found,
            "README block for `{spec}` is not in the tool's output:\n{}\n--- actual ---\n{}",
            shown.join("\n"),
            actual.join("\n")
        );
        seen += 1;
    }
    assert!(seen >= 2, "README output blocks found: {seen}");
}

#[test]
fn rule_table_is_the_catalogue() {
    let registry = roadmap_audit::rules::Registry::builtin();
    let mut table = String::from("| Rule | Severity | Gap | Flags |\n|---|---|---|---|\n");
    for r in registry.iter() {
        let gap = r.gap.map_or("structure", |g| g.as_str());
        table.push_str(&format!("| `{}` | {} | {gap} | {} |\n", r.id, r.severity, r.title));
    }
    let text = readme();
    let start = text.find("<!-- rules-table").unwrap();
    let start = start + text[start..].find('\n').unwrap() + 1;
    let end = text.find("<!-- rules-table:end -->").unwrap();
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{table}{}", &text[..start], &text[end..]);
        std::fs::write(root().join("README.md"), updated).unwrap();
        return;
    }
    assert_eq!(&text[start..end], table, "README rule table is stale: run with UPDATE_README=1");
}

#[test]
fn the_passing_example_passes_every_rule() {
    let text = readme();
    let i = text.find("<!-- audit: clean -->").unwrap();
    let yaml = block_after(&text, i);
    let dir = scratch("readme-clean");
    let f = write(&dir, "r.yaml", yaml);
    let o = bin().args(["--no-config", "--as-of", AS_OF, "--format", "json", f.to_str().unwrap()]).output().unwrap();
    assert_eq!(code(&o), 0);
    assert_eq!(json_findings(&o), Vec::<serde_json::Value>::new());
}
