//! The organisation's own rules (`extra_rules`): same format, documentation, overrides and waivers as the
//! built-in ones; a malformed rule file stops the run (exit 2) pointing into it. Also `rules` and `explain`.

use crate::support::{code, json_findings, positions, root, run, scratch, stderr, stdout, write, AS_OF};

const ROADMAP: &str = "version: 1\nproduct: Checkout\nitems:\n  - id: ITM-1\n    title: One-page checkout\n    status: committed\n  - id: ITM-2\n    title: Saved cards\n    status: committed\n    when: 2027-Q2\n    waivers:\n      - {rule: committed-without-when, reason: not needed}\n";

fn config(dir: &std::path::Path, extra: &str) -> String {
    let rule = std::fs::read_to_string(root().join("examples/policy/committed-without-when.yaml")).unwrap();
    write(dir, "policy/committed-without-when.yaml", rule);
    write(dir, ".roadmap-audit.yaml", format!("extra_rules: [policy/*.yaml]\n{extra}")).to_string_lossy().into_owned()
}

#[test]
fn organisation_rule_fires_is_overridable_and_waivable() {
    let dir = scratch("org-rules");
    let cfg = config(&dir, "");
    let r = write(&dir, "roadmap.yaml", ROADMAP);
    let o = run(&["--config", &cfg, "--as-of", AS_OF, "--format", "json", r.to_str().unwrap()]);
    let f = json_findings(&o);
    let ours: Vec<String> =
        positions(&f).into_iter().filter(|p| p.contains("committed-without-when") || p.contains("waiver")).collect();
    assert_eq!(ours, vec!["committed-without-when@4:9", "unused-waiver@12:9"]);
    let hit = f.iter().find(|x| x["rule"] == "committed-without-when").unwrap();
    assert_eq!(hit["severity"], "warning");
    assert_eq!(hit["message"], "item ITM-1 is committed but says nothing about when it will ship");

    let cfg = config(&dir, "rules:\n  committed-without-when: error\n");
    let o = run(&["--config", &cfg, "--as-of", AS_OF, "--format", "json", r.to_str().unwrap()]);
    let hit = json_findings(&o).into_iter().find(|x| x["rule"] == "committed-without-when").unwrap();
    assert_eq!(hit["severity"], "error", "severity override applies to organisation rules");

    let cfg = config(&dir, "rules:\n  committed-without-when: off\n");
    let o = run(&["--config", &cfg, "--as-of", AS_OF, "--format", "json", r.to_str().unwrap()]);
    assert!(json_findings(&o).iter().all(|x| x["rule"] != "committed-without-when" && x["rule"] != "unused-waiver"));

    // The rule file is not audited as a roadmap when auditing the whole folder.
    let o = crate::support::bin().args(["--as-of", AS_OF, "--format", "json", "."]).current_dir(&dir).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 1, "{}", stderr(&o));

    let o = crate::support::bin().args(["rules"]).current_dir(&dir).output().unwrap();
    let listing = stdout(&o);
    let line = listing.lines().find(|l| l.starts_with("committed-without-when ")).expect("listed");
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols[..3], ["committed-without-when", "off", "communication"], "the config turned it off: {listing}");
    let o = crate::support::bin().args(["explain", "committed-without-when"]).current_dir(&dir).output().unwrap();
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("Defined in: policy/committed-without-when.yaml"), "{}", stdout(&o));
}

#[test]
fn malformed_rule_file_is_exit_two_pointing_into_it() {
    let dir = scratch("bad-rule");
    write(&dir, ".roadmap-audit.yaml", "extra_rules: [policy/*.yaml]\n");
    write(
        &dir,
        "policy/bad.yaml",
        "id: Bad_Rule\ntitle: x\nseverity: fatal\nentity: item\nmessage: m\nhelp: h\ncondition: {type: 12}\ndocs: {flags: f, why: w, example: {fail: a, pass: b}}\n",
    );
    write(&dir, "r.yaml", "version: 1\n");
    let o = crate::support::bin().args(["r.yaml"]).current_dir(&dir).output().unwrap();
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("invalid rule file `policy/bad.yaml`"), "{err}");
    assert!(err.contains("[policy/bad.yaml:1:5]"), "id at its value: {err}");
    assert!(err.contains("`fatal` is not a valid value for `severity` of the rule file"), "{err}");

    write(
        &dir,
        "policy/bad.yaml",
        "id: bad-rule\ntitle: x\nseverity: error\nentity: item\nmessage: m\nhelp: h\ncondition: {type: 12}\ndocs: {flags: f, why: w, example: {fail: a, pass: b}}\n",
    );
    let o = crate::support::bin().args(["r.yaml"]).current_dir(&dir).output().unwrap();
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("`condition` is not a valid JSON Schema"), "{err}");
    assert!(err.contains("[policy/bad.yaml:7:1]"), "{err}");

    write(&dir, "policy/bad.yaml", "id: missing-owner\n: [\n");
    let o = crate::support::bin().args(["r.yaml"]).current_dir(&dir).output().unwrap();
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("YAML syntax error"), "{}", stderr(&o));
}

#[test]
fn rules_lists_the_catalogue() {
    let o = run(&["rules", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 25);
    let o = run(&["rules"]);
    let table = stdout(&o);
    assert!(table.starts_with("RULE "), "{table}");
    assert!(
        table.contains("competitor-only-justification  error     listening      Item justified only by competitors"),
        "{table}"
    );
}

#[test]
fn explain_prints_the_documentation() {
    let o = run(&["explain", "stale-evidence"]);
    assert_eq!(code(&o), 0);
    insta::assert_snapshot!(stdout(&o));
    let o = run(&["explain", "missing-ownr"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown rule `missing-ownr`; did you mean `missing-owner`?"), "{}", stderr(&o));
}

#[test]
fn help_fills_the_fields_it_names_in_each_finding() {
    let dir = scratch("org-rule-help");
    write(&dir, ".roadmap-audit.yaml", "extra_rules: [policy/*.yaml]\n");
    write(
        &dir,
        "policy/when.yaml",
        "id: committed-without-when\ntitle: x\nseverity: warning\nentity: item\nmessage: \"item {id}\"\n\
         help: \"Give {id} ({title}) a `when:`.\"\ncondition: {required: [status], properties: {status: {const: committed}}}\n\
         docs: {flags: f, why: w, example: {fail: a, pass: b}}\n",
    );
    let r = write(&dir, "roadmap.yaml", ROADMAP);
    let o = crate::support::bin()
        .args(["--as-of", AS_OF, "--format", "json", r.to_str().unwrap()])
        .current_dir(&dir)
        .output()
        .unwrap();
    let helps: Vec<(String, String)> = json_findings(&o)
        .iter()
        .filter(|f| f["rule"] == "committed-without-when" || f["rule"] == "missing-owner")
        .map(|f| (f["rule"].as_str().unwrap().to_owned(), f["help"].as_str().unwrap().to_owned()))
        .collect();
    // (ITM-2 waives the organisation rule.)
    let owner_help = "Add `owner:` with the one person accountable for the item and its outcome.";
    assert_eq!(
        helps,
        [
            ("committed-without-when".to_owned(), "Give ITM-1 (One-page checkout) a `when:`.".to_owned()),
            ("missing-owner".to_owned(), owner_help.to_owned()),
            ("missing-owner".to_owned(), owner_help.to_owned()),
        ],
        "{}",
        stderr(&o)
    );
}
