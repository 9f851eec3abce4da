//! roadmap-audit: audits product roadmaps kept as YAML, the way a linter audits code.
//!
//! Data flows one way, one module per step:
//! - [`load`]: command-line paths → files → spanned YAML documents (`invalid-yaml`);
//! - [`schema`]: each document against `schemas/roadmap.schema.json` (`schema-violation`);
//! - [`model`]: typed entities of all files, links resolved across files (`duplicate-id`, `unknown-reference`);
//! - [`rules`]: the rule catalogue and the checks it describes;
//! - [`policy`]: severity overrides, rules turned off, and the fail level, applied once after the rules;
//! - [`output`]: findings rendered for people (miette) and machines.
//!
//! The library never prints and never exits; the binary does both.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod date;
pub mod error;
pub mod finding;
pub mod fxhash;
pub mod git;
pub mod load;
pub mod matcher;
pub mod memory;
pub mod model;
pub mod output;
pub mod parallel;
pub mod policy;
pub mod report;
pub mod rules;
pub mod schema;
pub mod stage;
pub mod suggest;
pub mod timings;

use config::Config;
use date::Date;
use error::RunError;
use finding::Finding;
use load::{Input, Limits, SourceMap};
use model::Model;
use rules::Registry;

/// Settings of one audit that do not come from the config file.
#[derive(Clone, Debug)]
pub struct Options {
    /// The audit date for date rules.
    pub as_of: Date,
    pub limits: Limits,
    pub max_file_size: u64,
    /// Worker threads (files in parallel; within a big file, entities in parallel).
    pub jobs: usize,
    /// Whether the files' texts are kept to the end of the run, for output that shows snippets of them
    /// (the human format). Else each is let go once its file is checked, and line:column positions are
    /// computed without it (see [`load::SourceFile::release_text`]).
    pub keep_texts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            as_of: Date::today(),
            limits: Limits::default(),
            max_file_size: load::DEFAULT_MAX_FILE_SIZE,
            jobs: parallel::default_jobs(),
            keep_texts: true,
        }
    }
}

/// The result of an audit: every file read, the model, and the findings after policy, in file order.
#[derive(Debug)]
pub struct Audit {
    pub sources: SourceMap,
    pub model: Model,
    pub findings: Vec<Finding>,
    /// How often each entity is linked: computed once, for the rules and then the metrics.
    pub links: rules::view::BackLinks,
}

/// The model of a run before the rules: files read, entities linked, structural findings.
#[derive(Debug)]
pub struct Loaded {
    pub sources: SourceMap,
    pub model: Model,
    pub findings: Vec<Finding>,
}

/// Load → schema → model → resolve: every file parsed once (files in parallel), links resolved across files.
pub fn load_model(inputs: &[Input], options: &Options) -> Result<Loaded, RunError> {
    let staged = parallel::map_each(inputs, options.jobs, |i, input| {
        let text = load::read(input, options.max_file_size)?;
        Ok(stage::text(i as load::FileId, text.source, text.problem, options.limits, options.keep_texts))
    });
    timings::done("read, parse, check files");
    let loaded = merge(staged.into_iter().collect::<Result<Vec<_>, RunError>>()?, options.jobs);
    timings::done("merge, resolve links");
    loaded
}

/// Like [`load_model`], for texts already read (e.g. old versions of the files, from git).
pub fn link(files: Vec<load::Text>, options: &Options) -> Result<Loaded, RunError> {
    let staged = files.into_iter().enumerate();
    let staged =
        staged.map(|(i, t)| stage::text(i as load::FileId, t.source, t.problem, options.limits, options.keep_texts));
    merge(staged.collect(), options.jobs)
}

/// Joins the files' shares in input order (so output does not depend on thread timing), then resolves
/// links across files.
fn merge(staged: Vec<stage::Staged>, jobs: usize) -> Result<Loaded, RunError> {
    let mut sources = SourceMap::default();
    let mut models = Vec::with_capacity(staged.len());
    let mut findings = Vec::with_capacity(staged.iter().map(|s| s.findings.len()).sum());
    for s in staged {
        sources.add(s.source);
        models.push(s.model);
        findings.extend(s.findings);
    }
    let mut model = Model::concat(models);
    let links = model::resolve::resolve(&mut model, jobs);
    findings.extend(links);
    Ok(Loaded { sources, model, findings })
}

/// Runs the whole pipeline over the given files.
pub fn audit(inputs: &[Input], config: &Config, registry: &Registry, options: &Options) -> Result<Audit, RunError> {
    audit_loaded(load_model(inputs, options)?, config, registry, options)
}

/// Rules and policy over a loaded model.
pub fn audit_loaded(
    loaded: Loaded,
    config: &Config,
    registry: &Registry,
    options: &Options,
) -> Result<Audit, RunError> {
    let Loaded { sources, model, mut findings } = loaded;
    let lexicons = rules::lexicon::Lexicons::new(&config.competitors);
    let ctx = view_context(config, options, &lexicons);
    let links = rules::view::BackLinks::of(&model);
    rules::engine::run(&model, &links, registry, config, &ctx, options.jobs, &mut findings);
    timings::done("rules");
    let findings = policy::apply(findings, &model, config, registry, options.as_of);
    let mut audit = Audit { sources, model, findings, links };
    sort_findings(&mut audit);
    timings::done("policy, sort");
    Ok(audit)
}

/// The settings entity views depend on.
pub fn view_context<'a>(
    config: &'a Config,
    options: &Options,
    lexicons: &'a rules::lexicon::Lexicons,
) -> rules::view::ViewContext<'a> {
    rules::view::ViewContext {
        as_of: options.as_of,
        stale_after_days: config.stale_after_days,
        launch_requires: &config.launch_requires,
        lexicons,
    }
}

/// File order (as given), then position, then rule id: stable output for diffs and snapshots.
fn sort_findings(audit: &mut Audit) {
    audit.findings.sort_by(|a, b| {
        (a.file, a.span.start, a.span.end, &a.rule, &a.message).cmp(&(
            b.file,
            b.span.start,
            b.span.end,
            &b.rule,
            &b.message,
        ))
    });
}
