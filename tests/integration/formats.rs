//! Every output format: a snapshot of each on one mixed input, and the outside validators
//! (`../shared/validators/check_outputs.py`: OASIS SARIF schema + GitHub's rules, GitLab's schema, the
//! Jenkins JUnit XSD, the runner's annotation escaping) on every example in every format.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{code, root, run, scratch, stderr, stdout, write, AS_OF};

const MIXED: &str = "tests/fixtures/formats/mixed.yaml";

fn format(f: &str) -> String {
    let o = run(&["--no-config", "--as-of", AS_OF, "--format", f, MIXED]);
    assert_eq!(code(&o), 1, "{f}: {}", stderr(&o));
    stdout(&o)
}

#[test]
fn short_snapshot() {
    insta::assert_snapshot!(format("short"));
}

#[test]
fn human_snapshot() {
    insta::assert_snapshot!(format("human"));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(format("github"));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(format("markdown"));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(format("junit"));
}

#[test]
fn gitlab_snapshot() {
    let v: serde_json::Value = serde_json::from_str(&format("gitlab")).unwrap();
    insta::assert_json_snapshot!(v);
}

#[test]
fn sarif_snapshot() {
    let mut v: serde_json::Value = serde_json::from_str(&format("sarif")).unwrap();
    let run = &mut v["runs"][0];
    // The rule descriptors are the catalogue (pinned by the docs tests); keep their ids here.
    let ids: Vec<serde_json::Value> =
        run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].clone()).collect();
    run["tool"]["driver"]["rules"] = serde_json::json!(ids);
    run["tool"]["driver"]["version"] = "[version]".into();
    run["tool"]["driver"]["semanticVersion"] = "[version]".into();
    insta::assert_json_snapshot!(v);
}

/// `../shared/validators`, or `$ROADMAP_AUDIT_SHARED/validators`.
fn validators() -> PathBuf {
    let shared = std::env::var_os("ROADMAP_AUDIT_SHARED").map_or_else(|| root().join("../shared"), PathBuf::from);
    let v = shared.join("validators");
    assert!(
        v.join("check_outputs.py").is_file(),
        "the outside validators are missing at {}: put the project's `shared/` folder beside the repository, \
         or set ROADMAP_AUDIT_SHARED to it",
        v.display()
    );
    v
}

#[test]
fn every_example_in_every_machine_format_passes_the_outside_validators() {
    let check = validators().join("check_outputs.py");
    let dir = scratch("validate");
    let mut args: Vec<String> = vec![check.to_string_lossy().into_owned()];
    let examples = ["examples/clean", "examples/acme-flawed", "examples/structural-mistakes.yaml", MIXED];
    for (n, example) in examples.into_iter().enumerate() {
        let p = |ext: &str| dir.join(format!("{n}.{ext}")).to_string_lossy().into_owned();
        let (sarif, gitlab, junit, gha) = (p("sarif"), p("gitlab.json"), p("junit.xml"), p("gha.txt"));
        let o = run(&[
            "--no-config",
            "--as-of",
            AS_OF,
            "--fail-on",
            "never",
            "-f",
            &format!("sarif:{sarif}"),
            "-f",
            &format!("gitlab:{gitlab}"),
            "-f",
            &format!("junit:{junit}"),
            "-f",
            &format!("github:{gha}"),
            example,
        ]);
        assert_eq!(code(&o), 0, "{example}: {}", stderr(&o));
        for (flag, file) in [("--sarif", sarif), ("--gitlab", gitlab), ("--junit", junit), ("--gha", gha)] {
            args.push(flag.into());
            args.push(file);
        }
    }
    let out = Command::new("python3").args(&args).output().expect(
        "python3 runs (the validators need python3 with `jsonschema`, and `xmllint`: scripts/test installs them)",
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "outside validators failed:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("summary: ") && text.contains(" passed, 0 failed"), "{text}");
}

#[test]
fn github_shows_ten_per_level_errors_first_and_says_how_many_more() {
    let dir = scratch("gha-limit");
    let mut doc = String::from("version: 1\nproduct: P\nitems:\n");
    for i in 0..14 {
        // Each: missing-owner, missing-customer-evidence, missing-rationale (errors); warnings too.
        doc.push_str(&format!("  - {{id: I{i}, title: T, status: planned}}\n"));
    }
    let f = write(&dir, "many.yaml", doc);
    let o = run(&["--no-config", "--as-of", AS_OF, "--format", "github", f.to_str().unwrap()]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let count = |p: &str| lines.iter().filter(|l| l.starts_with(p)).count();
    assert_eq!(count("::error "), 10);
    assert_eq!(count("::warning "), 10);
    assert!(lines[..10].iter().all(|l| l.starts_with("::error ")), "errors come first");
    let last = lines.last().unwrap();
    let plain = lines.iter().filter(|l| !l.starts_with("::")).count();
    assert_eq!(*last, format!("::notice title=roadmap-audit::{plain} more findings were not annotated (GitHub shows 10 annotations of each level per step); they are listed in the log above. Run roadmap-audit locally or upload SARIF to see them all."));
    assert!(count("::notice ") <= 10);
}

#[test]
fn gitlab_fingerprints_unique_for_same_message_and_stable_when_lines_move() {
    let dir = scratch("gitlab-fp");
    let doc =
        "version: 1\nproduct: P\nitems:\n  - {id: A, title: T, status: idea}\n  - {id: B, title: T, status: idea}\n";
    let f = write(&dir, "r.yaml", doc);
    let fps = |path: &std::path::Path| -> Vec<(String, String)> {
        let o = run(&["--no-config", "--as-of", AS_OF, "--format", "gitlab", path.to_str().unwrap()]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| (x["check_name"].as_str().unwrap().to_owned(), x["fingerprint"].as_str().unwrap().to_owned()))
            .collect()
    };
    let before = fps(&f);
    let rationale: Vec<_> = before.iter().filter(|(r, _)| r == "missing-rationale").collect();
    assert_eq!(rationale.len(), 2);
    assert_ne!(rationale[0].1, rationale[1].1, "same message on two entities, two fingerprints");
    write(&dir, "r.yaml", format!("# a comment\n\n{doc}").replace("title: T, status", "title: Renamed, status"));
    assert_eq!(fps(&f), before, "lines moved and titles changed: same fingerprints");
}

#[test]
fn several_outputs_in_one_run_and_output_flag() {
    let dir = scratch("multi");
    let sarif = dir.join("r.sarif");
    let o = run(&["--no-config", "--as-of", AS_OF, "-f", "short", "-f", &format!("sarif:{}", sarif.display()), MIXED]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains(": error[unknown-reference]"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let md = dir.join("summary.md");
    let o = run(&["--no-config", "--as-of", AS_OF, "-f", "markdown", "-o", md.to_str().unwrap(), MIXED]);
    assert_eq!(code(&o), 1, "exit status is the same whatever the format");
    assert!(stdout(&o).is_empty());
    assert!(std::fs::read_to_string(&md).unwrap().starts_with("## roadmap-audit"));
    let o = run(&["-f", "short", "-f", "json", MIXED]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("several --format options would all write to stdout"), "{}", stderr(&o));
}

#[test]
fn statistics_and_quiet() {
    let o = run(&["--no-config", "--as-of", AS_OF, "--statistics", MIXED]);
    insta::assert_snapshot!(stdout(&o));
    let o = run(&["--no-config", "--as-of", AS_OF, "-q", "--color", "never", MIXED]);
    assert!(!stdout(&o).contains("Found "), "quiet: no summary line");
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell]);
        assert_eq!(code(&o), 0, "{shell}");
        assert!(stdout(&o).contains("roadmap-audit"), "{shell}");
    }
}
