//! Rule fixtures: `tests/fixtures/rules/<rule-id>/<case>.yaml`. Each line where a finding of the folder's
//! rule must be reported carries `# expect: <rule-id>` (or `... x2`); every other line must get none.
//! Each case runs alone (`--as-of 2026-11-22`, its `<case>.config.yaml` if present, else no config), and
//! its full findings are snapshotted so exact columns and messages are reviewed too.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{code, json_findings, root, run, stderr, AS_OF};

fn expected_lines(text: &str, rule: &str) -> BTreeMap<u64, usize> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.split("# expect: ").nth(1) {
            let mut parts = rest.split_whitespace();
            let r = parts.next().unwrap_or("");
            assert_eq!(r, rule, "line {} marks `{r}` in the folder of `{rule}`", i + 1);
            let n = parts.next().and_then(|x| x.strip_prefix('x')).and_then(|n| n.parse().ok()).unwrap_or(1);
            out.insert(i as u64 + 1, n);
        }
    }
    out
}

fn check_case(rule: &str, case: &Path) -> Vec<serde_json::Value> {
    let rel = case.strip_prefix(root()).unwrap().to_string_lossy().into_owned();
    let config = case.with_file_name(format!("{}.config.yaml", case.file_stem().unwrap().to_string_lossy()));
    let config_rel = config.strip_prefix(root()).unwrap().to_string_lossy().into_owned();
    let mut args = vec!["--format", "json", "--as-of", AS_OF, "--fail-on", "never"];
    if config.exists() {
        args.extend(["--config", &config_rel]);
    } else {
        args.push("--no-config");
    }
    args.push(&rel);
    let out = run(&args);
    assert_eq!(code(&out), 0, "{rel}: run failed: {}", stderr(&out));
    let findings = json_findings(&out);
    let text = String::from_utf8_lossy(&std::fs::read(case).unwrap()).into_owned();
    let want = expected_lines(&text, rule);
    let mut got: BTreeMap<u64, usize> = BTreeMap::new();
    for f in findings.iter().filter(|f| f["rule"] == rule) {
        *got.entry(f["line"].as_u64().unwrap()).or_default() += 1;
    }
    assert_eq!(got, want, "{rel}: lines with `{rule}` findings (line → count); all findings: {findings:#?}");
    findings
}

#[test]
fn every_rule_fixture() {
    let dir = root().join("tests/fixtures/rules");
    let mut folders: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    folders.sort();
    let registry = roadmap_audit::rules::Registry::builtin();
    for rule in registry.ids() {
        assert!(dir.join(rule).is_dir(), "rule `{rule}` has no fixture folder");
    }
    for folder in folders {
        let rule = folder.file_name().unwrap().to_string_lossy().into_owned();
        assert!(registry.get(&rule).is_some(), "fixture folder `{rule}` names no rule");
        let mut cases: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml") && !p.to_string_lossy().ends_with(".config.yaml"))
            .collect();
        cases.sort();
        let (mut fails, mut near) = (0, 0);
        for case in &cases {
            let name = case.file_stem().unwrap().to_string_lossy().into_owned();
            let findings = check_case(&rule, case);
            if name.starts_with("fail") {
                fails += 1;
                assert!(findings.iter().any(|f| f["rule"] == rule.as_str()), "{rule}/{name} must fire");
            }
            if name.starts_with("near_miss") {
                near += 1;
            }
            let shown: Vec<serde_json::Value> = findings
                .iter()
                .map(|f| {
                    serde_json::json!({"rule": f["rule"], "at": format!("{}:{}-{}:{}", f["line"], f["column"], f["end_line"], f["end_column"]), "message": f["message"]})
                })
                .collect();
            insta::with_settings!({snapshot_path => "../snapshots/fixtures", prepend_module_to_snapshot => false}, {
                insta::assert_json_snapshot!(format!("{rule}__{name}"), shown);
            });
        }
        assert!(fails >= 1, "{rule}: needs at least one fail*.yaml");
        assert!(near >= 2, "{rule}: needs at least two near_miss*.yaml");
    }
}
