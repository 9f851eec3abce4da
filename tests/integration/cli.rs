//! The command line as a user meets it: exit codes, flags, config files, and the output formats.

use crate::support::{code, json_findings, positions, run, scratch, stderr, stdout, write, AS_OF};

const MISTAKES: &str = "examples/structural-mistakes.yaml";

#[test]
fn structural_mistakes_human_output() {
    let o = run(&["--no-config", "--as-of", AS_OF, "--color", "never", MISTAKES]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn structural_mistakes_short_output() {
    let o = run(&["--no-config", "--as-of", AS_OF, "--format", "short", MISTAKES]);
    assert_eq!(code(&o), 1);
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn structural_mistakes_json_output() {
    let o = run(&["--no-config", "--as-of", AS_OF, "--format", "json", MISTAKES]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The contract's shape: every key present with the right type.
    for f in v["findings"].as_array().unwrap() {
        for k in ["rule", "severity", "message", "file"] {
            assert!(f[k].is_string(), "{k} in {f}");
        }
        for k in ["line", "column", "end_line", "end_column"] {
            assert!(f[k].as_u64().is_some_and(|n| n >= 1), "{k} in {f}");
        }
        assert!(f["entity"]["kind"].is_string());
    }
    for k in ["files", "errors", "warnings", "infos"] {
        assert!(v["summary"][k].is_u64());
    }
    insta::assert_json_snapshot!(v);
}

#[test]
fn clean_example_exits_zero_with_no_findings() {
    let o = run(&["--as-of", AS_OF, "--no-config", "examples/clean"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).starts_with("No findings in "), "{}", stdout(&o));
}

#[test]
fn piped_output_has_no_colour_and_always_means_always() {
    let o = run(&["--no-config", "--as-of", AS_OF, MISTAKES]);
    assert!(!stdout(&o).contains('\u{1b}'), "auto colour must be off when piped");
    let o = run(&["--no-config", "--as-of", AS_OF, "--color", "always", MISTAKES]);
    assert!(stdout(&o).contains('\u{1b}'), "--color always forces colour");
}

#[test]
fn fail_on_decides_exit_status() {
    let dir = scratch("fail-on");
    // Warnings and an info, no error: a planned, owned item with evidence but no KPI, and an orphan problem.
    let f = write(
        &dir,
        "r.yaml",
        "version: 1\nproduct: P\nobjectives:\n  - {id: O1, title: Grow}\nproblems:\n  - id: P1\n    statement: S\n    evidence:\n      - {kind: interview, summary: s, date: 2026-10-01}\n  - id: P2\n    statement: S2\n    evidence:\n      - {kind: survey, summary: s, date: 2026-10-01}\nkpis:\n  - {id: K1, name: N, objective: O1, problems: [P1], baseline: 1, target: 2}\nitems:\n  - id: I1\n    title: T\n    status: planned\n    owner: ana\n    problems: [P1]\n",
    );
    let p = f.to_str().unwrap();
    let o = run(&["--no-config", "--as-of", AS_OF, "--format", "json", p]);
    assert_eq!(
        positions(&json_findings(&o)),
        vec!["orphan-problem@10:9", "no-objective-link@17:9", "unmeasured-item@17:9"]
    );
    let exit = |extra: &[&str]| {
        let mut a = vec!["--no-config", "--as-of", AS_OF, "--format", "short"];
        a.extend_from_slice(extra);
        a.push(p);
        code(&run(&a))
    };
    assert_eq!(exit(&[]), 0, "default fail level is error");
    assert_eq!(exit(&["--fail-on", "warning"]), 1);
    assert_eq!(exit(&["--fail-on", "info"]), 1);
    assert_eq!(exit(&["--fail-on", "never"]), 0);
    let cfg = write(&dir, "c.yaml", "fail_on: warning\nrules:\n  no-objective-link: error\n  unmeasured-item: off\n");
    let o = run(&["--config", cfg.to_str().unwrap(), "--as-of", AS_OF, "--format", "short", p]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains(":17:9: error[no-objective-link]"), "severity override: {out}");
    assert!(!out.contains("unmeasured-item"), "rule off: {out}");
    let cfg = write(&dir, "c2.yaml", "fail_on: never\nrules:\n  no-objective-link: false\n");
    let o = run(&["--config", cfg.to_str().unwrap(), "--as-of", AS_OF, "--format", "short", p]);
    assert_eq!(code(&o), 0);
    assert!(!stdout(&o).contains("no-objective-link"), "`false` also turns a rule off");
}

#[test]
fn run_errors_exit_two() {
    let o = run(&["no/such/file.yaml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("path not found: `no/such/file.yaml`"), "{}", stderr(&o));

    let o = run(&["--format", "xml", MISTAKES]);
    assert_eq!(code(&o), 2, "bad flag value");
    assert!(stderr(&o).contains("invalid value 'xml'"), "{}", stderr(&o));

    let o = run(&["--as-of", "2026-13-01", MISTAKES]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not a date"), "{}", stderr(&o));

    let o = run(&["--no-config", "tests/integration/*.nothing"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no files match the pattern"), "{}", stderr(&o));
}

#[test]
fn bad_config_points_into_the_config_file() {
    let dir = scratch("bad-config");
    let cfg = write(&dir, "cfg.yaml", "fail_on: errors\nrules:\n  missing-ownr: off\nstale_after: 30\n");
    let o = run(&["--config", cfg.to_str().unwrap(), MISTAKES]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("invalid config file"), "{err}");
    assert!(
        err.contains("`errors` is not a valid value for `fail_on` of the config file; did you mean `error`?"),
        "{err}"
    );
    assert!(err.contains("unknown key `stale_after` in the config file; did you mean `stale_after_days`?"), "{err}");
    assert!(err.contains(":1:10]"), "label at the value: {err}");

    let cfg = write(&dir, "cfg2.yaml", "rules:\n  missing-ownr: off\n");
    let o = run(&["--config", cfg.to_str().unwrap(), MISTAKES]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown rule `missing-ownr` under `rules:`; did you mean `missing-owner`?"),
        "{}",
        stderr(&o)
    );

    let o = run(&["--config", "no/such/config.yaml", MISTAKES]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot read config file `no/such/config.yaml`"), "{}", stderr(&o));
}

#[test]
fn directories_and_globs_honour_gitignore() {
    let dir = scratch("discover");
    let doc = "version: 1\n";
    write(&dir, "a.yaml", doc);
    write(&dir, "teams/b.yml", doc);
    write(&dir, "teams/notes.txt", "not yaml");
    write(&dir, "build/c.yaml", "version: 2\n");
    write(&dir, ".hidden/d.yaml", "version: 2\n");
    write(&dir, ".gitignore", "build/\n");
    let o = crate::support::bin().args(["--no-config", "--format", "json", "."]).current_dir(&dir).output().unwrap();
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 2, "a.yaml and teams/b.yml only");
    let o = crate::support::bin()
        .args(["--no-config", "--format", "json", "teams/*.{yaml,yml}"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn references_resolve_across_files() {
    let dir = scratch("cross-file");
    let s = write(&dir, "strategy.yaml", "version: 1\nobjectives:\n  - {id: OBJ-GROW, title: Grow}\n");
    let t = write(
        &dir,
        "team.yaml",
        "version: 1\nproduct: P\nobjectives:\n  - {id: OBJ-GROW, title: Again}\nkpis:\n  - {id: K1, name: N, objective: OBJ-GROWTH}\n",
    );
    let o = run(&["--no-config", "--format", "json", "--as-of", AS_OF, s.to_str().unwrap(), t.to_str().unwrap()]);
    let f = json_findings(&o);
    let structural: Vec<String> = positions(&f)
        .into_iter()
        .filter(|p| p.starts_with("duplicate-id") || p.starts_with("unknown-reference"))
        .collect();
    assert_eq!(structural, vec!["duplicate-id@4:10", "unknown-reference@6:34"]);
    let dup = f.iter().find(|x| x["rule"] == "duplicate-id").unwrap();
    assert!(dup["file"].as_str().unwrap().ends_with("team.yaml"));
    assert!(dup["related"][0]["file"].as_str().unwrap().ends_with("strategy.yaml"), "{dup}");
    let unk = f.iter().find(|x| x["rule"] == "unknown-reference").unwrap();
    assert_eq!(unk["help"], "did you mean `OBJ-GROW`?");
}

#[test]
fn each_unknown_reference_gets_its_own_suggestion() {
    // Misspelt references of three kinds, interleaved (an item lists objectives, then problems, then KPIs),
    // and one that nothing is close to: each help names the id meant by its own reference.
    let dir = scratch("suggestions");
    let r = write(
        &dir,
        "roadmap.yaml",
        "version: 1\nproduct: P\nobjectives:\n  - {id: OBJ-GROWTH, title: Grow}\nkpis:\n  - {id: KPI-CONVERSION, name: C, objective: OBJ-GROWTH}\n\
         problems:\n  - {id: PRB-SLOW-CHECKOUT, statement: S}\n  - {id: PRB-LOST-CARTS, statement: L}\nitems:\n\
           - {id: I1, title: T, objectives: [OBJ-GROWHT], problems: [PRB-SLOW-CHEKOUT], kpis: [KPI-CONVERSON]}\n\
           - {id: I2, title: T, problems: [PRB-LOST-CART, PRB-NOTHING-LIKE-IT]}\n",
    );
    let o = run(&["--no-config", "--format", "json", "--as-of", AS_OF, r.to_str().unwrap()]);
    let helps: Vec<String> = json_findings(&o)
        .iter()
        .filter(|x| x["rule"] == "unknown-reference")
        .map(|x| format!("{} {}", x["message"].as_str().unwrap(), x["help"].as_str().unwrap()))
        .collect();
    assert_eq!(
        helps,
        [
            "`OBJ-GROWHT` in `objectives` of item I1 is not a known objective id did you mean `OBJ-GROWTH`?",
            "`PRB-SLOW-CHEKOUT` in `problems` of item I1 is not a known problem id did you mean `PRB-SLOW-CHECKOUT`?",
            "`KPI-CONVERSON` in `kpis` of item I1 is not a known KPI id did you mean `KPI-CONVERSION`?",
            "`PRB-LOST-CART` in `problems` of item I2 is not a known problem id did you mean `PRB-LOST-CARTS`?",
            "`PRB-NOTHING-LIKE-IT` in `problems` of item I2 is not a known problem id define a problem \
             `PRB-NOTHING-LIKE-IT`, or audit the file that defines it too",
        ],
        "{}",
        stderr(&o)
    );
}

#[test]
fn help_and_version() {
    let o = run(&["--help"]);
    assert_eq!(code(&o), 0);
    let h = stdout(&o);
    for needle in [
        "Usage: roadmap-audit [OPTIONS] [PATH]...",
        "explain",
        "--format",
        "--fail-on",
        "Exit status (every format): 0",
    ] {
        assert!(h.contains(needle), "help lacks {needle}: {h}");
    }
    assert_eq!(code(&run(&["--version"])), 0);
}
