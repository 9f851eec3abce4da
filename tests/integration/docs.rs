//! The documentation is the behaviour: every rule's own `docs.example.fail` must fire that rule and its
//! `docs.example.pass` must not (audited with the defaults, as of 2026-11-22). The catalogue itself is
//! pinned: ids, severities and gaps are the contract of rules.md.

use roadmap_audit::config::Config;
use roadmap_audit::date::Date;
use roadmap_audit::load::Input;
use roadmap_audit::rules::Registry;
use roadmap_audit::{audit, Options};

use crate::support::{scratch, write, AS_OF};

fn rules_fired(text: &str, registry: &Registry) -> Vec<String> {
    let dir = scratch("docs-example");
    let path = write(&dir, "example.yaml", text);
    let input = Input { display: "example.yaml".into(), path };
    let options = Options { as_of: Date::parse(AS_OF).unwrap(), ..Options::default() };
    let audit = audit(&[input], &Config::default(), registry, &options).expect("audit runs");
    audit.findings.iter().map(|f| f.rule.to_string()).collect()
}

#[test]
fn every_rule_example_fires_and_its_fix_does_not() {
    let registry = Registry::builtin();
    for rule in registry.iter() {
        let fail = rules_fired(&rule.docs().example.fail, &registry);
        assert!(fail.contains(&rule.id), "{}: the failing example does not fire it (fired: {fail:?})", rule.id);
        let pass = rules_fired(&rule.docs().example.pass, &registry);
        assert!(!pass.contains(&rule.id), "{}: the passing example fires it", rule.id);
        let structural = ["invalid-yaml", "schema-violation", "duplicate-id", "unknown-reference"];
        for s in structural {
            if s != rule.id {
                assert!(!pass.contains(&s.to_owned()), "{}: the passing example has a {s} finding", rule.id);
            }
        }
    }
}

#[test]
fn catalogue_matches_the_contract() {
    let registry = Registry::builtin();
    let table: Vec<String> =
        registry.iter().map(|r| format!("{} {} {}", r.id, r.severity, r.gap.map_or("-", |g| g.as_str()))).collect();
    insta::assert_snapshot!(table.join("\n"));
}
