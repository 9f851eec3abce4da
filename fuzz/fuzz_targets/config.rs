//! The config loader on untrusted bytes: `Config::parse` (YAML, schema, values), then the rule-id check;
//! a config that loads is used for a real audit of a small embedded roadmap, so every setting (severity
//! overrides, `off`, `competitors` lexicons, `stale_after_days`, `launch_requires`, `as_of`, `fail_on`)
//! reaches the rules and the policy. Errors are fine; a panic, an abort or a hang is a bug.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use roadmap_audit::config::Config;
use roadmap_audit::date::Date;
use roadmap_audit::load::{self, Limits};
use roadmap_audit::rules::Registry;
use roadmap_audit::Options;

const ROADMAP: &[(&str, &[u8])] = &[
    ("strategy.yaml", include_bytes!("../../examples/acme-flawed/strategy.yaml")),
    ("roadmaps/growth.yaml", include_bytes!("../../examples/acme-flawed/roadmaps/growth.yaml")),
    ("policy.yaml", include_bytes!("../../examples/policy/committed-without-when.yaml")),
];

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::builtin)
}

fuzz_target!(|data: &[u8]| {
    let Ok(config) = Config::parse(".roadmap-audit.yaml", data.to_vec(), None) else { return };
    let _ = config.base_dir();
    let registry = registry();
    if config.check_rule_ids(registry).is_err() {
        return;
    }
    let options = Options {
        as_of: config.as_of.unwrap_or_else(|| Date::parse("2026-11-22").expect("a valid date")),
        limits: Limits::default(),
        max_file_size: load::DEFAULT_MAX_FILE_SIZE,
        jobs: 1,
        keep_texts: false,
    };
    let files = ROADMAP.iter().map(|(name, bytes)| load::decode((*name).to_owned(), bytes.to_vec())).collect();
    let Ok(linked) = roadmap_audit::link(files, &options) else { return };
    let Ok(audit) = roadmap_audit::audit_loaded(linked, &config, registry, &options) else { return };
    let _ = audit.findings.iter().any(|f| config.fail_on.fails(f.severity));
});
