//! The official YAML test suite (yaml/yaml-test-suite, kept in `shared/validators/yaml-test-suite/`, one
//! folder per case with `in.yaml`, `name`, and an `invalid` marker for cases a parser must reject).
//!
//! Every case goes through the whole pipeline in-process (load → schema → model → rules → policy), inside
//! `catch_unwind` so a panic names its case; the real binary then runs on every invalid case and a sample
//! of valid ones. Invalid YAML must be an `invalid-yaml` finding (exit 1), valid YAML must never be one
//! (a schema finding is fine: few suite documents are roadmaps), and nothing may crash or exit 2.
//!
//! Where we disagree with the suite, the case is listed in [`KNOWN_DISAGREEMENTS`] with the reason; the
//! computed set must equal the list exactly, so a parser upgrade that fixes or breaks a case shows up here
//! (then update the list and `FUZZING.md`).

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use roadmap_audit::config::Config;
use roadmap_audit::date::Date;
use roadmap_audit::load::{self, Limits};
use roadmap_audit::rules::Registry;
use roadmap_audit::Options;

use crate::support::{code, json_findings, root, run, stderr, AS_OF};

/// Cases where our verdict (an `invalid-yaml` finding or not) differs from the suite's: (case id, why).
/// "accepts" = the suite marks the case invalid but we load it; "rejects" = the suite marks it valid but we
/// report `invalid-yaml`. saphyr-parser 0.3.3 on its own agrees with the suite on every case: these come
/// from our layer over it (duplicate-key findings). Our depth and alias budgets
/// are never hit by the suite.
const KNOWN_DISAGREEMENTS: &[(&str, &str)] = &[(
    "2JQS",
    "rejects, by design: `: a` / `: b` is a mapping with two empty (null) keys; YAML forbids duplicate keys, \
         but the suite tests the event stream, where uniqueness is not checked. We report `duplicate key` \
         (invalid-yaml), as for any repeated key",
)];

/// Cases that the binary also runs on, besides every invalid case and every disagreement: every Nth valid
/// case (by id), so each process-level path (exit code, JSON output) is seen on valid YAML too.
const VALID_SAMPLE_EVERY: usize = 6;

/// `$ROADMAP_AUDIT_SHARED/validators/yaml-test-suite`, else `<repo>/../shared/validators/yaml-test-suite`.
fn suite_dir() -> PathBuf {
    let (shared, how) = match std::env::var_os("ROADMAP_AUDIT_SHARED") {
        Some(s) => (PathBuf::from(s), "ROADMAP_AUDIT_SHARED"),
        None => (root().join("../shared"), "the default `../shared` beside the repository"),
    };
    let dir = shared.join("validators/yaml-test-suite");
    assert!(
        dir.join("cases.tsv").is_file(),
        "the YAML test suite is missing at {} (from {how}): set ROADMAP_AUDIT_SHARED to the project's `shared/` \
         folder (scripts/test does: ../shared by default), or put `shared/` beside the repository",
        dir.display()
    );
    dir
}

struct Case {
    id: String,
    dir: PathBuf,
    invalid: bool,
    name: String,
}

fn cases() -> Vec<Case> {
    let suite = suite_dir();
    let mut out: Vec<Case> = std::fs::read_dir(&suite)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("in.yaml").is_file())
        .map(|dir| Case {
            id: dir.file_name().unwrap().to_string_lossy().into_owned(),
            invalid: dir.join("invalid").exists(),
            name: std::fs::read_to_string(dir.join("name")).unwrap_or_default().trim().to_owned(),
            dir,
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    // The suite as documented in shared/validators/README.md: 402 cases, 94 of them invalid.
    assert!(out.len() >= 400, "only {} cases in {}", out.len(), suite.display());
    assert!(out.iter().filter(|c| c.invalid).count() >= 90, "too few invalid cases in {}", suite.display());
    out
}

/// The `invalid-yaml` messages of one case, through the whole library pipeline: the streaming load the
/// binary uses (`link`), schema, model, rules, policy.
fn audit_in_process(bytes: &[u8], registry: &Registry, config: &Config, options: &Options) -> Vec<String> {
    let text = load::decode("in.yaml".to_owned(), bytes.to_vec());
    let linked = roadmap_audit::link(vec![text], options).expect("link never fails on texts in memory");
    let audit = roadmap_audit::audit_loaded(linked, config, registry, options).expect("audit of a loaded model");
    audit.findings.iter().filter(|f| f.rule == "invalid-yaml").map(|f| f.message.clone()).collect()
}

/// Case id → our `invalid-yaml` messages, for every case; panics are collected and reported by case. Each
/// case runs on one thread and on two (the parser then hands list elements to a second thread): both must
/// give the same verdict.
fn verdicts(cases: &[Case]) -> BTreeMap<String, Vec<String>> {
    let registry = Registry::builtin();
    let config = Config::default();
    let options =
        |jobs| Options { as_of: Date::parse(AS_OF).unwrap(), limits: Limits::default(), jobs, ..Options::default() };
    let (one, two) = (options(1), options(2));
    let mut out = BTreeMap::new();
    let mut panics = Vec::new();
    for case in cases {
        let bytes = std::fs::read(case.dir.join("in.yaml")).unwrap();
        let run = |options: &Options| {
            catch_unwind(AssertUnwindSafe(|| audit_in_process(&bytes, &registry, &config, options))).map_err(|e| {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                format!("{} ({}), jobs {}: {msg}", case.id, case.name, options.jobs)
            })
        };
        match (run(&one), run(&two)) {
            (Ok(a), Ok(b)) => {
                if a != b {
                    panics.push(format!("{} ({}): one thread says {a:?}, two say {b:?}", case.id, case.name));
                }
                out.insert(case.id.clone(), a);
            }
            (a, b) => panics.extend(a.err().into_iter().chain(b.err())),
        }
    }
    assert!(panics.is_empty(), "the pipeline failed on {} suite case(s):\n{}", panics.len(), panics.join("\n"));
    out
}

#[test]
fn yaml_test_suite_in_process_matches_the_known_disagreements() {
    let cases = cases();
    let verdicts = verdicts(&cases);
    let mut found: BTreeMap<&str, String> = BTreeMap::new();
    for case in &cases {
        let messages = &verdicts[&case.id];
        let rejected = !messages.is_empty();
        if rejected != case.invalid {
            let what = if case.invalid {
                "suite: invalid; we accept it".to_owned()
            } else {
                format!("suite: valid; we report: {}", messages.join(" | "))
            };
            found.insert(&case.id, format!("{} — {what}", case.name));
        }
    }
    let known: BTreeMap<&str, &str> = KNOWN_DISAGREEMENTS.iter().copied().collect();
    assert_eq!(known.len(), KNOWN_DISAGREEMENTS.len(), "a case is listed twice in KNOWN_DISAGREEMENTS");
    let new: Vec<String> =
        found.iter().filter(|(id, _)| !known.contains_key(*id)).map(|(id, why)| format!("  {id}: {why}")).collect();
    let gone: Vec<String> =
        known.iter().filter(|(id, _)| !found.contains_key(*id)).map(|(id, why)| format!("  {id}: {why}")).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "the loader's disagreements with the YAML test suite changed (update KNOWN_DISAGREEMENTS and FUZZING.md)\n\
         new disagreements:\n{}\nlisted but now agreeing:\n{}",
        new.join("\n"),
        gone.join("\n")
    );
}

#[test]
fn yaml_test_suite_through_the_binary() {
    let known: BTreeMap<&str, &str> = KNOWN_DISAGREEMENTS.iter().copied().collect();
    let mut valid_seen = 0;
    let mut failures = Vec::new();
    for case in cases() {
        let disagrees = known.contains_key(case.id.as_str());
        if !case.invalid {
            valid_seen += 1;
            if !disagrees && valid_seen % VALID_SAMPLE_EVERY != 1 {
                continue;
            }
        }
        let path = case.dir.join("in.yaml");
        let o = run(&["--format", "json", "--no-config", "--as-of", AS_OF, path.to_str().unwrap()]);
        let err = stderr(&o);
        let Some(c) = o.status.code() else {
            failures.push(format!("{}: killed by a signal; stderr: {err}", case.id));
            continue;
        };
        if c == 2 || err.contains("panicked") {
            failures.push(format!("{}: exit {c}; stderr: {err}", case.id));
            continue;
        }
        let rejected = json_findings(&o).iter().any(|f| f["rule"] == "invalid-yaml");
        // Invalid YAML is always a failing finding; valid YAML may or may not be a roadmap.
        let want_rejected = case.invalid != disagrees;
        if rejected != want_rejected || (rejected && code(&o) != 1) {
            failures.push(format!(
                "{} ({}): suite says {}, listed disagreement: {disagrees}; exit {c}, invalid-yaml finding: {rejected}",
                case.id,
                case.name,
                if case.invalid { "invalid" } else { "valid" }
            ));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed through the binary:\n{}", failures.len(), failures.join("\n"));
}
