//! Gradual adoption: baselines (`--write-baseline`, `--baseline`) and PR-only runs (`--new-since REV`).

use std::path::Path;
use std::process::Command;

use crate::support::{bin, code, scratch, stderr, stdout, write, AS_OF};

const BEFORE: &str = "version: 1\nproduct: P\nitems:\n  - {id: OLD-1, title: Legacy item, status: idea}\n";

fn audit(dir: &Path, extra: &[&str]) -> std::process::Output {
    bin().args(["--no-config", "--as-of", AS_OF, "--format", "short"]).args(extra).current_dir(dir).output().unwrap()
}

#[test]
fn baseline_hides_known_findings_and_reports_fixed() {
    let dir = scratch("baseline");
    write(&dir, "r.yaml", BEFORE);
    let o = audit(&dir, &["--write-baseline", "baseline.json", "r.yaml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "Wrote 1 finding to baseline.json.\n");
    let b: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(b["findings"][0]["rule"], "missing-rationale");

    // Lines move and a new bad item arrives: only the new one is reported and fails the run.
    write(&dir, "r.yaml", format!("# moved\n{BEFORE}  - {{id: NEW-1, title: New, status: idea}}\n"));
    let o = audit(&dir, &["--baseline", "baseline.json", "r.yaml"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "r.yaml:6:10: error[missing-rationale] item NEW-1 has no rationale, no hypothesis and no linked problem\n"
    );

    // The old item is fixed: nothing to report, and the human summary says one was fixed.
    write(&dir, "r.yaml", BEFORE.replace("status: idea}", "status: idea, rationale: Customers asked}"));
    let o = bin()
        .args(["--no-config", "--as-of", AS_OF, "--color", "never", "--baseline", "baseline.json", "r.yaml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("Baseline: 0 findings unchanged (not shown), 1 finding fixed."), "{}", stdout(&o));

    let o = audit(&dir, &["--baseline", "missing.json", "r.yaml"]);
    assert_eq!(code(&o), 2);
    write(&dir, "bad.json", "{\"hello\": 1}");
    let o = audit(&dir, &["--baseline", "bad.json", "r.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not a roadmap-audit baseline"), "{}", stderr(&o));
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// A scratch git repository whose `main` has one commit: `roadmaps/team.yaml` with [`BEFORE`].
fn repo_on_main(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    git(&dir, &["init", "-q", "-b", "main"]);
    write(&dir, "roadmaps/team.yaml", BEFORE);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    dir
}

#[test]
fn new_since_reports_only_what_the_change_added() {
    let dir = repo_on_main("new-since");
    write(&dir, "roadmaps/team.yaml", format!("{BEFORE}  - {{id: NEW-1, title: New, status: idea}}\n"));
    write(&dir, "roadmaps/other.yaml", "version: 1\nproduct: Q\nitems:\n  - {id: NEW-2, title: N, status: idea}\n");
    let o = audit(&dir, &["--new-since", "main", "roadmaps"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "roadmaps/other.yaml:4:10: error[missing-rationale] item NEW-2 has no rationale, no hypothesis and no linked problem\n\
         roadmaps/team.yaml:5:10: error[missing-rationale] item NEW-1 has no rationale, no hypothesis and no linked problem\n"
    );
    let o = audit(&dir, &["--new-since", "no-such-branch", "roadmaps"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--new-since no-such-branch: no such revision"), "{}", stderr(&o));

    let outside = scratch("not-git");
    write(&outside, "r.yaml", BEFORE);
    // A scratch folder under the target dir is inside this repository's work tree; GIT_CEILING_DIRECTORIES
    // stops git from looking above it.
    let o = bin()
        .args(["--no-config", "--new-since", "main", "r.yaml"])
        .env("GIT_CEILING_DIRECTORIES", outside.parent().unwrap())
        .current_dir(&outside)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not inside a git repository"), "{}", stderr(&o));
}

#[test]
fn new_since_follows_a_renamed_file() {
    let dir = repo_on_main("new-since-rename");
    // Renamed (and edited): OLD-1's finding was there before, under the old name; only NEW-1 is new.
    git(&dir, &["mv", "roadmaps/team.yaml", "roadmaps/checkout.yaml"]);
    write(&dir, "roadmaps/checkout.yaml", format!("{BEFORE}  - {{id: NEW-1, title: New, status: idea}}\n"));
    let o = audit(&dir, &["--new-since", "main", "roadmaps"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "roadmaps/checkout.yaml:5:10: error[missing-rationale] item NEW-1 has no rationale, no hypothesis and no linked problem\n"
    );
    // Committed, the same: the rename is found between the two commits' trees as well.
    git(&dir, &["commit", "-q", "-am", "rename"]);
    let o = audit(&dir, &["--new-since", "main~1", "roadmaps"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
}
