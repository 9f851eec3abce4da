//! The commands behind the command line. They write to the writers they are given and return the exit
//! status; `main` only wires them to stdout/stderr.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{
    AuditArgs, CheckArgs, ColorChoice, CompletionsArgs, ExplainArgs, FailOnArg, Format, ListFormat, OutputSpec,
    RulesArgs,
};
use crate::config::{Config, FailOn};
use crate::error::RunError;
use crate::finding::Severity;
use crate::load::{self, Limits};
use crate::output::{self, human::Human, Render, Report, Summary};
use crate::parallel::Pending;
use crate::rules::Registry;
use crate::suggest::did_you_mean;
use crate::{audit_loaded, Options};

/// Exit statuses: the contract.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Loads the config and the rules it adds; checks its rule ids.
pub fn load_config_and_rules(config: Option<&Path>, isolated: bool) -> Result<(Config, Registry), RunError> {
    let config = load_config(config, isolated)?;
    let registry = with_config_rules(Registry::builtin(), &config)?;
    Ok((config, registry))
}

fn load_config(config: Option<&Path>, isolated: bool) -> Result<Config, RunError> {
    let cwd = std::env::current_dir().map_err(|e| RunError::msg(format!("cannot read the current directory: {e}")))?;
    if isolated {
        Ok(Config::default())
    } else {
        Config::discover(config, &cwd)
    }
}

/// Adds the organisation's rule files named by the config to the built-in rules; checks the config's rule ids.
fn with_config_rules(mut registry: Registry, config: &Config) -> Result<Registry, RunError> {
    if !config.extra_rules.is_empty() {
        let base = config.base_dir();
        let patterns: Vec<String> = config.extra_rules.iter().map(|p| anchored(&base, p)).collect();
        let files = load::discover(&patterns, &load::glob_set(&[])?)?;
        for f in files {
            registry.add_extra_file(&f.path, &f.display)?;
        }
    }
    config.check_rule_ids(&registry)?;
    Ok(registry)
}

/// A config-relative pattern, as seen from the working directory.
fn anchored(base: &Path, pattern: &str) -> String {
    if base == Path::new(".") || Path::new(pattern).is_absolute() {
        pattern.to_owned()
    } else {
        let b = base.to_string_lossy().replace('\\', "/");
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let b = Path::new(&b).strip_prefix(&cwd).map(|p| p.to_string_lossy().into_owned()).unwrap_or(b);
        if b.is_empty() {
            pattern.to_owned()
        } else {
            format!("{b}/{pattern}")
        }
    }
}

/// What every audit-like command starts from: config, rules, the files, the options.
pub struct Setup {
    pub config: Config,
    /// The built-in rules, compiled on another thread while the files are read and parsed.
    builtin: Pending<Registry>,
    pub inputs: Vec<load::Input>,
    pub options: Options,
}

impl Setup {
    /// The rules of this run: the built-in ones and the config's `extra_rules`, the config's rule ids checked.
    pub fn registry(self) -> Result<(Config, Registry, Vec<load::Input>, Options), RunError> {
        let registry = with_config_rules(self.builtin.wait(), &self.config)?;
        Ok((self.config, registry, self.inputs, self.options))
    }
}

/// Loads the config, finds the files, settles the options, and starts compiling the rules.
pub fn setup(args: &AuditArgs) -> Result<Setup, RunError> {
    let (config, inputs, options, input_bytes) = setup_inputs(args)?;
    // Start-up work that depends on nothing the user wrote (the roadmap schema, needed as soon as the first
    // entity is parsed; then the built-in rules, needed after parsing) is done on another thread while the
    // config is read and the files are parsed, unless the input is small: then the thread cost more than it
    // saved (BENCHMARKS.md). (With glibc's malloc, one-file audits did it inline: a second thread made every
    // allocation of the parse take a lock. The allocator is mimalloc now: see main.rs.)
    let jobs = if input_bytes > START_UP_THREAD_FROM { options.jobs } else { 1 };
    if jobs > 1 {
        crate::schema::Schema::roadmap_compiled_elsewhere();
    }
    let builtin = Pending::start(jobs, || {
        crate::timings::event("start-up thread running");
        crate::schema::Schema::roadmap();
        crate::timings::event("roadmap schema compiled");
        let registry = Registry::builtin();
        crate::timings::event("built-in rules compiled");
        registry
    });
    Ok(Setup { config, builtin, inputs, options })
}

/// Total input size from which start-up work runs on a thread of its own (see [`setup`]).
const START_UP_THREAD_FROM: u64 = 8 << 20;

/// Worker threads: `--jobs`, else every core.
fn jobs(args: &AuditArgs) -> usize {
    args.jobs.unwrap_or_else(crate::parallel::default_jobs)
}

/// The config, the files and the options, without the rules (the parse-only floor needs no rules).
/// Also returns the inputs' total size in bytes.
fn setup_inputs(args: &AuditArgs) -> Result<(Config, Vec<load::Input>, Options, u64), RunError> {
    let config = load_config(args.config.as_deref(), args.no_config)?;
    let base = config.base_dir();
    let mut excluded: Vec<String> = config.exclude.iter().map(|p| anchored(&base, p)).collect();
    excluded.extend(config.extra_rules.iter().map(|p| anchored(&base, p)));
    let paths = if args.paths.is_empty() { vec![".".to_owned()] } else { args.paths.clone() };
    let inputs = load::discover(&paths, &load::glob_set(&excluded)?)?;
    // (A file that cannot be read counts as empty here; reading it reports why.)
    let input_bytes = inputs.iter().filter_map(|i| std::fs::metadata(&i.path).ok()).map(|m| m.len()).sum();
    crate::memory::for_input(input_bytes);
    let options = Options {
        as_of: args.as_of.or(config.as_of).unwrap_or_else(crate::date::Date::today),
        limits: Limits { max_depth: args.max_depth, max_alias_nodes: args.max_alias_nodes },
        max_file_size: args.max_file_size,
        jobs: jobs(args),
        keep_texts: true,
    };
    Ok((config, inputs, options, input_bytes))
}

/// `roadmap-audit view [PATH]...`
pub fn view(args: &AuditArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let (config, _, inputs, options) = setup(args)?.registry()?;
    let loaded = crate::load_model(&inputs, &options)?;
    let lexicons = crate::rules::lexicon::Lexicons::new(&config.competitors);
    let ctx = crate::view_context(&config, &options, &lexicons);
    let links = crate::rules::view::BackLinks::of(&loaded.model);
    let views: Vec<serde_json::Value> = crate::rules::view::all(&loaded.model, &links, &ctx)
        .into_iter()
        .map(|(e, v)| {
            let (_, meta) = loaded.model.meta(e);
            let file = loaded.sources.get(meta.file);
            let at = file.line_col(meta.id_span.start);
            serde_json::json!({"entity": e.kind, "file": file.path, "line": at.line, "view": v.to_json()})
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &views).map_err(|e| io_error(e.into()))?;
    writeln!(out).map_err(io_error)?;
    Ok(EXIT_OK)
}

/// `roadmap-audit [PATH]...`
pub fn check(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let outputs = outputs(args)?;
    let mut setup = setup(&args.audit)?;
    // Only the human format shows snippets of the files; the others need line:column positions alone.
    setup.options.keep_texts = outputs.iter().any(|o| o.format == Format::Human);
    crate::timings::done("config, discover files");
    // Files are read and parsed while the rules compile; a config error still wins over a file error.
    let loaded = crate::load_model(&setup.inputs, &setup.options);
    let (config, registry, inputs, options) = setup.registry()?;
    crate::timings::done("wait for the rules");
    let mut audit = audit_loaded(loaded?, &config, &registry, &options)?;
    // Metrics describe the whole audit (before any baseline), and fingerprints name its findings: they
    // depend on each other in nothing, so with more than one job the metrics are computed on a thread of
    // their own meanwhile. Then the findings are taken out to be filtered, rather than copied.
    let (metrics, mut fingerprints) = std::thread::scope(|s| {
        let metrics = || match args.write_baseline {
            None => crate::report::metrics_json(&audit, &registry, &config, &options),
            Some(_) => None,
        };
        let beside = (options.jobs > 1).then(|| s.spawn(metrics));
        let fingerprints = crate::baseline::fingerprints(&audit.findings, &audit.sources);
        let metrics = match beside {
            Some(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            None => metrics(),
        };
        (metrics, fingerprints)
    });
    crate::timings::done("metrics, fingerprints");
    let mut findings = std::mem::take(&mut audit.findings);

    if let Some(path) = &args.write_baseline {
        let b = crate::baseline::BaselineFile::of(&findings, &fingerprints, &audit.sources);
        let text = serde_json::to_string_pretty(&b).map_err(|e| io_error(e.into()))? + "\n";
        std::fs::write(path, text)
            .map_err(|e| RunError::msg(format!("cannot write baseline `{}`: {e}", path.display())))?;
        if !args.quiet {
            writeln!(out, "Wrote {} to {}.", output::plural(findings.len(), "finding"), path.display())
                .map_err(io_error)?;
        }
        return Ok(EXIT_OK);
    }
    let mut baseline = None;
    if let Some(path) = &args.baseline {
        let b = crate::baseline::BaselineFile::read(path)?;
        let (unchanged, fixed) =
            crate::baseline::subtract(&mut findings, &mut fingerprints, b.findings.into_iter().map(|e| e.fingerprint));
        baseline = Some(output::BaselineSummary { unchanged, fixed });
    }
    if let Some(rev) = &args.new_since {
        let old = audit_at_revision(rev, &inputs, &config, &registry, &options)?;
        let (unchanged, fixed) = crate::baseline::subtract(&mut findings, &mut fingerprints, old);
        baseline = Some(output::BaselineSummary { unchanged, fixed });
    }

    let summary = Summary::of(inputs.len(), &findings);
    let shown = args.max_findings.map_or(findings.len(), |m| m.min(findings.len()));
    let hidden = findings.len() - shown;
    let report = Report {
        sources: &audit.sources,
        findings: &findings[..shown],
        summary,
        metrics,
        registry: &registry,
        model: Some(&audit.model),
        fingerprints: &fingerprints[..shown],
        baseline,
        hidden,
        jobs: options.jobs,
    };
    for spec in &outputs {
        let to_terminal = spec.path.is_none();
        let renderer: Box<dyn Render> = match spec.format {
            Format::Human | Format::Short if args.statistics => {
                Box::new(output::statistics::Statistics { quiet: args.quiet })
            }
            Format::Human => Box::new(Human {
                color: to_terminal && use_color(args.color) || args.color == ColorChoice::Always,
                width: width(),
                quiet: args.quiet,
            }),
            Format::Short => Box::new(output::short::Short),
            Format::Json => Box::new(output::json::Json),
            Format::Sarif => Box::new(output::sarif::Sarif),
            Format::Github => Box::new(output::github::Github),
            Format::Junit => Box::new(output::junit::Junit),
            Format::Gitlab => Box::new(output::gitlab::Gitlab),
            Format::Markdown => Box::new(output::markdown::Markdown),
        };
        match &spec.path {
            None => renderer.render(&report, out).map_err(io_error)?,
            Some(path) => {
                let mut buf = Vec::new();
                renderer.render(&report, &mut buf).map_err(io_error)?;
                std::fs::write(path, buf)
                    .map_err(|e| RunError::msg(format!("cannot write `{}`: {e}", path.display())))?;
            }
        }
    }
    crate::timings::done("output");
    if hidden > 0 && outputs.iter().any(|o| o.format != Format::Human) && !args.quiet {
        // Machine formats stay parseable: the note goes to stderr.
        eprintln_note(&format!(
            "{hidden} more findings were not printed (--max-findings); the exit status counts them"
        ));
    }
    let fail_on = match args.fail_on {
        Some(FailOnArg::Error) => FailOn::Level(Severity::Error),
        Some(FailOnArg::Warning) => FailOn::Level(Severity::Warning),
        Some(FailOnArg::Info) => FailOn::Level(Severity::Info),
        Some(FailOnArg::Never) => FailOn::Never,
        None => config.fail_on,
    };
    let failed = findings.iter().any(|f| fail_on.fails(f.severity));
    // The process exits next: freeing a big roadmap's entities one by one would only delay that.
    std::mem::forget(report);
    std::mem::forget(findings);
    std::mem::forget(audit);
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

/// The outputs asked for: `--format` specs (default: human to stdout), `--output` for a single one.
fn outputs(args: &CheckArgs) -> Result<Vec<OutputSpec>, RunError> {
    let mut specs = args.format.clone();
    if specs.is_empty() {
        specs.push(OutputSpec { format: Format::Human, path: None });
    }
    if let Some(path) = &args.output {
        match specs.as_mut_slice() {
            [one] if one.path.is_none() => one.path = Some(path.clone()),
            _ => return Err(RunError::msg(
                "--output names the file for a single --format; with several, write `--format FORMAT:FILE` for each",
            )),
        }
    }
    if specs.iter().filter(|s| s.path.is_none()).count() > 1 {
        return Err(RunError::msg(
            "several --format options would all write to stdout; give all but one a file (`--format sarif:results.sarif`)",
        ));
    }
    Ok(specs)
}

/// Fingerprints of the findings the same files had at a git revision (files new since then have none).
fn audit_at_revision(
    rev: &str,
    inputs: &[load::Input],
    config: &Config,
    registry: &Registry,
    options: &Options,
) -> Result<Vec<String>, RunError> {
    let revision = crate::git::Revision::resolve(rev)?;
    let mut files = Vec::new();
    for input in inputs {
        if let Some(bytes) = revision.read(&input.path)? {
            files.push(load::decode(input.display.clone(), bytes));
        }
    }
    let old = crate::audit_loaded(crate::link(files, options)?, config, registry, options)?;
    Ok(crate::baseline::fingerprints(&old.findings, &old.sources))
}

/// `roadmap-audit parse [PATH]...` (hidden): read and parse every file exactly as an audit does, nothing more.
/// Prints the number of YAML problems found, so the work cannot be optimised away.
pub fn parse(args: &AuditArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let (_, inputs, options, _) = setup_inputs(args)?;
    // The same streaming parse an audit does (elements are handed over and dropped), nothing else; files
    // on the same threads as an audit's (`--jobs`), so that a floor over many files is not one core's.
    let lists = crate::model::entity_list_names();
    let counts = crate::parallel::map_each(&inputs, options.jobs, |_, input| {
        let text = load::read(input, options.max_file_size)?;
        let mut elements = 0usize;
        let parsed = load::yaml::parse_streaming(&text.source.text, options.limits, &lists, &mut |_| elements += 1);
        Ok::<_, RunError>((parsed.problems.len() + usize::from(text.problem.is_some()), parsed.documents.len()))
    });
    let (mut problems, mut documents) = (0, 0);
    for c in counts {
        let (p, d) = c?;
        problems += p;
        documents += d;
    }
    writeln!(out, "parsed {} files, {documents} documents, {problems} YAML problems", inputs.len())
        .map_err(io_error)?;
    Ok(EXIT_OK)
}

/// `roadmap-audit completions SHELL`
pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
    clap_complete::generate(args.shell, &mut cmd, "roadmap-audit", out);
    Ok(EXIT_OK)
}

/// `roadmap-audit rules`
pub fn rules(args: &RulesArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let (config, registry) = load_config_and_rules(args.config.as_deref(), false)?;
    match args.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = registry
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "title": r.title, "severity": r.severity,
                        "effective_severity": config.level_of(&r.id, r.severity).map_or("off", Severity::as_str),
                        "gap": r.gap, "entity": r.entity, "origin": r.origin.as_deref().unwrap_or("builtin"),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list).map_err(|e| io_error(e.into()))?;
            writeln!(out).map_err(io_error)?;
        }
        ListFormat::Table => {
            let w = registry.ids().map(str::len).max().unwrap_or(0);
            writeln!(out, "{:<w$}  {:<8}  {:<13}  TITLE", "RULE", "SEVERITY", "GAP").map_err(io_error)?;
            for r in registry.iter() {
                let sev = config.level_of(&r.id, r.severity).map_or("off", Severity::as_str);
                let gap = r.gap.map_or("structure", |g| g.as_str());
                writeln!(out, "{:<w$}  {:<8}  {:<13}  {}", r.id, sev, gap, r.title).map_err(io_error)?;
            }
        }
    }
    Ok(EXIT_OK)
}

/// `roadmap-audit explain RULE`
pub fn explain(args: &ExplainArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let (config, registry) = load_config_and_rules(args.config.as_deref(), false)?;
    let Some(r) = registry.get(&args.rule) else {
        let mut msg = format!("unknown rule `{}`", args.rule);
        if let Some(s) = did_you_mean(&args.rule, registry.ids()) {
            msg.push_str(&format!("; did you mean `{s}`?"));
        }
        msg.push_str(" (`roadmap-audit rules` lists them)");
        return Err(RunError::msg(msg));
    };
    let sev = config.level_of(&r.id, r.severity).map_or("off", Severity::as_str);
    let mut text = format!("# {} — {}\n\n", r.id, r.title);
    text.push_str(&format!("Severity: {sev}"));
    if sev != r.severity.as_str() {
        text.push_str(&format!(" (default {}; set in the config)", r.severity));
    }
    match r.gap {
        Some(g) => text.push_str(&format!("\nGap: {} — {}\n", g.as_str(), g.meaning())),
        None => text.push_str("\nGap: none (structure rule)\n"),
    }
    if let Some(o) = &r.origin {
        text.push_str(&format!("Defined in: {o}\n"));
    }
    let docs = r.docs();
    text.push_str(&format!(
        "\n## What it flags\n{}\n## Why it matters\n{}\n",
        docs.flags.trim_end().to_owned() + "\n",
        docs.why.trim_end().to_owned() + "\n"
    ));
    text.push_str(&format!("## How to fix it\n{}\n\n", r.help.trim_end()));
    if let Some(c) = &docs.config {
        text.push_str(&format!("## Configuration\n{}\n\n", c.trim_end()));
    }
    text.push_str(&format!("## Example: flagged\n```yaml\n{}\n```\n\n", docs.example.fail.trim_end()));
    text.push_str(&format!("## Example: not flagged\n```yaml\n{}\n```\n", docs.example.pass.trim_end()));
    out.write_all(text.as_bytes()).map_err(io_error)?;
    Ok(EXIT_OK)
}

/// Renders a run error: the message, then any diagnostics into the config or rule file.
pub fn render_error(err: &RunError, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "error: {}", err.message)?;
    if !err.diagnostics.is_empty() {
        let registry = Registry::default();
        let report = Report {
            sources: &err.sources,
            findings: &err.diagnostics,
            summary: Summary::default(),
            metrics: None,
            registry: &registry,
            model: None,
            fingerprints: &[],
            baseline: None,
            hidden: 0,
            jobs: 1,
        };
        // No closing summary line: that is about audits, and a run error is not one.
        Human { color, width: width(), quiet: true }.render(&report, out)?;
    }
    Ok(())
}

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w| w >= 40).unwrap_or(100)
}

fn io_error(e: std::io::Error) -> RunError {
    RunError::msg(format!("cannot write output: {e}"))
}

/// A note for the person at the terminal, outside the (possibly machine-read) output.
#[allow(clippy::print_stderr)]
fn eprintln_note(note: &str) {
    eprintln!("roadmap-audit: {note}");
}
