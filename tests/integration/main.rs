//! Integration tests: they run the real `roadmap-audit` binary (or the library's `audit`) on files and
//! assert what a user sees — rule ids, exact line:column, exit codes, output shapes.

mod support;

mod adoption; // baselines and --new-since
mod cli; // exit codes, flags, config, formats (snapshots of human/short/json)
mod docs; // every rule's own documentation examples fire / do not fire
mod fixtures; // tests/fixtures/rules/<rule>/<case>.yaml with `# expect:` markers
mod formats; // every --format: snapshots and the outside validators
mod org_rules; // extra_rules, rules, explain
mod readme; // the README shows what the tool does
mod report; // the leadership report: metrics, HTML safety, a real browser
mod robustness; // hostile and broken input: never a panic, always a clear finding or error
mod yaml_suite; // the official YAML test suite
