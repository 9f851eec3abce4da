//! Hostile and broken input: every case gives a clear finding (exit 1) or a clear error (exit 2) —
//! never a panic, an abort or a hang.

use crate::support::{code, json_findings, positions, run, scratch, stderr, write, AS_OF};

fn audit_file(name: &str, content: impl AsRef<[u8]>, extra: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let dir = scratch("robust");
    let p = write(&dir, name, content);
    let mut args = vec!["--no-config", "--format", "json", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    let p = p.to_str().unwrap().to_owned();
    args.push(&p);
    let o = run(&args);
    let c = code(&o);
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "panic: {err}");
    let f = if c == 2 { Vec::new() } else { json_findings(&o) };
    (c, f, err)
}

fn only(findings: &[serde_json::Value]) -> (String, String) {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    (positions(findings)[0].clone(), findings[0]["message"].as_str().unwrap().to_owned())
}

#[test]
fn syntax_error_at_the_failing_position() {
    let (c, f, _) = audit_file("r.yaml", "version: 1\nproduct: [a, b\nowner: x\n", &[]);
    assert_eq!(c, 1);
    let (at, msg) = only(&f);
    assert!(at.starts_with("invalid-yaml@"), "{at}");
    assert!(msg.starts_with("YAML syntax error:"), "{msg}");
}

#[test]
fn non_utf8_reports_the_byte_offset() {
    let (c, f, _) = audit_file("r.yaml", b"version: 1\nproduct: caf\xe9\n", &[]);
    assert_eq!(c, 1);
    assert_eq!(only(&f), ("invalid-yaml@2:13".into(), "file is not valid UTF-8: invalid byte at offset 23".into()));
}

#[test]
fn empty_file_and_empty_document() {
    let (c, f, _) = audit_file("r.yaml", "", &[]);
    assert_eq!(c, 1);
    assert_eq!(only(&f), ("schema-violation@1:1".into(), "the file is empty".into()));
    let (_, f, _) = audit_file("r.yaml", "# only a comment\n", &[]);
    assert_eq!(only(&f).1, "the file is empty");
    let (_, f, _) = audit_file("r.yaml", "---\n", &[]);
    assert_eq!(only(&f).1, "the document is empty");
}

#[test]
fn not_a_mapping() {
    let (c, f, _) = audit_file("r.yaml", "- version: 1\n", &[]);
    assert_eq!(c, 1);
    assert_eq!(only(&f).1, "a roadmap file must be a mapping of keys to values, but this is a list");
}

#[test]
fn duplicate_keys_reported_at_second_and_rest_still_audited() {
    let (c, f, _) = audit_file(
        "r.yaml",
        "version: 1\nproduct: P\nitems:\n  - id: I1\n    title: T\n    status: planned\n    status: shipped\n    problmes: []\n",
        &[],
    );
    assert_eq!(c, 1);
    let p = positions(&f);
    assert!(p.contains(&"invalid-yaml@7:5".to_owned()), "{p:?}");
    assert!(p.contains(&"schema-violation@8:5".to_owned()), "the rest of the file is audited: {p:?}");
    let dup = f.iter().find(|x| x["rule"] == "invalid-yaml").unwrap();
    assert_eq!(dup["related"][0]["line"], 6, "label at the first key");
}

#[test]
fn bom_crlf_tabs_and_multiple_documents_load() {
    let doc = "version: 1\r\nobjectives:\r\n  - id: O1\r\n    title:\tGrow\r\n";
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(doc.as_bytes());
    let (c, f, _) = audit_file("r.yaml", bytes, &[]);
    assert_eq!((c, f.len()), (0, 0), "{f:#?}");
    let (c, f, _) = audit_file("r.yaml", "version: 1\n---\nversion: 1\nbogus: 2\n...\n", &[]);
    assert_eq!(c, 1);
    assert_eq!(positions(&f), vec!["schema-violation@4:1"], "second document audited too");
}

#[test]
fn a_tab_may_separate_a_value_but_not_indent_a_collection() {
    // `key:<TAB>value` is valid YAML (saphyr-parser rejects it; we retry with the tab as a space).
    let ok = "version: 1\nobjectives:\n  - id: O1\n    title:\t\"Grow: fast\"\n    owner:\tana # note: x\n";
    let (c, f, _) = audit_file("r.yaml", ok, &[]);
    assert_eq!((c, f.len()), (0, 0), "{f:#?}");
    // A tab before a block sequence or mapping is not (YAML test suite Y79Y-007 and Y79Y-009).
    for bad in ["version: 1\nx-a:\t- a\n", "version: 1\nx-a:\tb: c\n"] {
        let (c, f, _) = audit_file("r.yaml", bad, &[]);
        assert_eq!(c, 1, "{bad:?}");
        let (at, _) = only(&f);
        assert_eq!(at, "invalid-yaml@2:6", "{bad:?}");
        assert!(f[0]["help"].as_str().unwrap().contains("a tab cannot indent a block sequence or mapping"));
    }
}

#[test]
fn alias_bomb_is_stopped() {
    let mut s = String::from("version: 1\nx-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let p = format!("*a{}", i - 1);
        s.push_str(&format!("x-a{i}: &a{i} [{}]\n", [p.as_str(); 10].join(", ")));
    }
    let (c, f, _) = audit_file("bomb.yaml", s, &[]);
    assert_eq!(c, 1);
    let (at, msg) = only(&f);
    assert!(at.starts_with("invalid-yaml@"), "{at}");
    assert!(msg.contains("aliases expand to more than 1000000 nodes"), "{msg}");
}

#[test]
fn deep_nesting_is_a_finding() {
    let block = "- ".repeat(100_000) + "x\n";
    let (c, f, _) = audit_file("deep.yaml", block, &[]);
    assert_eq!(c, 1);
    assert!(only(&f).1.contains("nesting is deeper than the limit of 128 levels"));
    let flow = "x: ".to_owned() + &"[".repeat(100_000);
    let (c, f, _) = audit_file("deep-flow.yaml", flow, &[]);
    assert_eq!(c, 1);
    assert_eq!(f.len(), 1, "{f:#?}");
    let map = "{a: ".repeat(100_000);
    let (c, f, _) = audit_file("deep-map.yaml", map, &[]);
    assert_eq!(c, 1);
    assert_eq!(f.len(), 1, "{f:#?}");
}

#[test]
fn size_limit_is_a_finding_with_the_way_out() {
    let (c, f, _) = audit_file("big.yaml", "version: 1\n".repeat(1000), &["--max-file-size", "100"]);
    assert_eq!(c, 1);
    let (at, msg) = only(&f);
    assert_eq!(at, "invalid-yaml@1:1");
    assert_eq!(msg, "file is 11000 bytes, over the size limit of 100 bytes; it was not parsed");
}

#[test]
fn wrong_types_everywhere_do_not_crash() {
    let (c, f, _) = audit_file(
        "r.yaml",
        "version: '1'\nproduct: 7\nitems: {id: x}\nkpis: [1, [2], {id: []}]\nproblems:\n  - id: P\n    statement: s\n    evidence: 5\n",
        &[],
    );
    assert_eq!(c, 1);
    let schema: Vec<String> = positions(&f).into_iter().filter(|p| p.starts_with("schema-violation")).collect();
    assert_eq!(
        schema,
        vec![
            "schema-violation@1:10",
            "schema-violation@2:10",
            "schema-violation@3:8",
            "schema-violation@4:8",
            "schema-violation@4:11",
            "schema-violation@4:17", // `{id: []}` lacks `name`: at its first key
            "schema-violation@4:21", // `id: []` is not a string
            "schema-violation@8:15",
        ]
    );
}

#[test]
fn unreadable_path_is_exit_two() {
    let dir = scratch("unreadable");
    let link = dir.join("loop.yaml");
    std::os::unix::fs::symlink(&link, &link).unwrap();
    let o = run(&["--no-config", link.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("loop.yaml"), "{}", stderr(&o));
}

#[test]
fn max_findings_caps_what_is_printed_not_what_is_counted() {
    let o = crate::support::bin()
        .args(["--as-of", AS_OF, "--color", "never", "--max-findings", "2", "."])
        .current_dir(crate::support::root().join("examples/acme-flawed"))
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "the exit status counts every finding");
    let out = crate::support::stdout(&o);
    assert_eq!(
        out.matches("\n  × ").count() + out.matches("\n  ⚠ ").count() + out.matches("\n  ☞ ").count(),
        2,
        "{out}"
    );
    assert!(
        out.contains(
            "… and 33 more findings not shown (--max-findings).\nFound 12 errors, 20 warnings, 3 infos in 4 files."
        ),
        "{out}"
    );
    let o = crate::support::bin()
        .args(["--as-of", AS_OF, "-f", "short", "--max-findings", "2", "."])
        .current_dir(crate::support::root().join("examples/acme-flawed"))
        .output()
        .unwrap();
    assert_eq!(crate::support::stdout(&o).lines().count(), 2, "short output stays one line per finding");
    assert!(stderr(&o).contains("33 more findings were not printed (--max-findings)"), "{}", stderr(&o));
}
