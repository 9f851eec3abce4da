//! The whole audit of untrusted files, as the binary runs it: bytes → `load::decode` → `link` (the streaming
//! parse, schema, model, cross-file links) → `audit_loaded` (rules, policy) → every output format. A NUL
//! byte splits the input into up to four files, so cross-file links (duplicate ids, references) are reached
//! too. The load also runs with two threads (list elements checked on a second thread while the parser goes
//! on) and must give the same findings as with one. Errors and findings are fine; a panic, an abort, a hang
//! or runaway memory is a bug.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use roadmap_audit::config::Config;
use roadmap_audit::date::Date;
use roadmap_audit::load::{self, Limits};
use roadmap_audit::output::{self, Render, Report, Summary};
use roadmap_audit::rules::Registry;
use roadmap_audit::Options;

struct Fixed {
    registry: Registry,
    config: Config,
    options: Options,
    two_threads: Options,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let options = Options {
            as_of: Date::parse("2026-11-22").expect("a valid date"),
            limits: Limits::default(),
            max_file_size: load::DEFAULT_MAX_FILE_SIZE,
            jobs: 1,
            keep_texts: true,
        };
        // Two threads, and the texts let go: the findings must not change.
        let two_threads = Options { jobs: 2, keep_texts: false, ..options.clone() };
        Fixed { registry: Registry::builtin(), config: Config::default(), options, two_threads }
    })
}

fuzz_target!(|data: &[u8]| {
    let Fixed { registry, config, options, two_threads } = fixed();
    let texts = || -> Vec<load::Text> {
        data.split(|&b| b == 0)
            .take(4)
            .enumerate()
            .map(|(i, bytes)| load::decode(format!("roadmaps/f{i}.yaml"), bytes.to_vec()))
            .collect()
    };
    let n = texts().len();
    let Ok(linked) = roadmap_audit::link(texts(), options) else { return };
    if let Ok(threaded) = roadmap_audit::link(texts(), two_threads) {
        let key = |f: &roadmap_audit::finding::Finding| format!("{} {:?} {}", f.rule, f.span, f.message);
        let (a, b): (Vec<_>, Vec<_>) =
            (linked.findings.iter().map(key).collect(), threaded.findings.iter().map(key).collect());
        assert_eq!(a, b, "one thread and two disagree");
    }
    let Ok(audit) = roadmap_audit::audit_loaded(linked, config, registry, options) else { return };

    let fingerprints = roadmap_audit::baseline::fingerprints(&audit.findings, &audit.sources);
    let report = Report {
        sources: &audit.sources,
        findings: &audit.findings,
        summary: Summary::of(n, &audit.findings),
        metrics: None,
        registry,
        model: Some(&audit.model),
        fingerprints: &fingerprints,
        baseline: None,
        hidden: 0,
        jobs: 2,
    };
    // SARIF describes the whole rule catalogue in every report (a quarter of the time per execution), so it
    // renders for a quarter of the inputs, chosen by length so that a crash reproduces.
    let sarif: &dyn Render = if data.len().is_multiple_of(4) { &output::sarif::Sarif } else { &output::short::Short };
    let renderers: [&dyn Render; 9] = [
        &output::human::Human { color: false, width: 100, quiet: false },
        &output::short::Short,
        &output::json::Json,
        sarif,
        &output::github::Github,
        &output::junit::Junit,
        &output::gitlab::Gitlab,
        &output::markdown::Markdown,
        &output::statistics::Statistics { quiet: false },
    ];
    let mut sink = Vec::new();
    for r in renderers {
        sink.clear();
        r.render(&report, &mut sink).expect("rendering into memory cannot fail");
    }
});
