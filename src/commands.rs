//! The commands behind the command line. They write to the writers they are given and return the exit
//! status; `main` only wires them to stdout/stderr.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{AuditArgs, CheckArgs, ColorChoice, ExplainArgs, FailOnArg, Format, ListFormat, RulesArgs};
use crate::config::{Config, FailOn};
use crate::error::RunError;
use crate::finding::Severity;
use crate::load::{self, Limits};
use crate::output::{self, human::Human, Render, Report, Summary};
use crate::rules::Registry;
use crate::suggest::did_you_mean;
use crate::{audit, Options};

/// Exit statuses: the contract.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Loads the config and the rules it adds; checks its rule ids.
pub fn load_config_and_rules(config: Option<&Path>, isolated: bool) -> Result<(Config, Registry), RunError> {
    let cwd = std::env::current_dir().map_err(|e| RunError::msg(format!("cannot read the current directory: {e}")))?;
    let config = if isolated { Config::default() } else { Config::discover(config, &cwd)? };
    let mut registry = Registry::builtin();
    if !config.extra_rules.is_empty() {
        let base = config.base_dir();
        let patterns: Vec<String> = config.extra_rules.iter().map(|p| anchored(&base, p)).collect();
        let files = load::discover(&patterns, &load::glob_set(&[])?)?;
        for f in files {
            registry.add_extra_file(&f.path, &f.display)?;
        }
    }
    config.check_rule_ids(&registry)?;
    Ok((config, registry))
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
    pub registry: Registry,
    pub inputs: Vec<load::Input>,
    pub options: Options,
}

/// Loads config and rules, finds the files, and settles the options.
pub fn setup(args: &AuditArgs) -> Result<Setup, RunError> {
    let (config, registry) = load_config_and_rules(args.config.as_deref(), args.no_config)?;
    let base = config.base_dir();
    let mut excluded: Vec<String> = config.exclude.iter().map(|p| anchored(&base, p)).collect();
    excluded.extend(config.extra_rules.iter().map(|p| anchored(&base, p)));
    let paths = if args.paths.is_empty() { vec![".".to_owned()] } else { args.paths.clone() };
    let inputs = load::discover(&paths, &load::glob_set(&excluded)?)?;
    let options = Options {
        as_of: args.as_of.or(config.as_of).unwrap_or_else(crate::date::Date::today),
        limits: Limits { max_depth: args.max_depth, max_alias_nodes: args.max_alias_nodes },
        max_file_size: args.max_file_size,
    };
    Ok(Setup { config, registry, inputs, options })
}

/// `roadmap-audit view [PATH]...`
pub fn view(args: &AuditArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let Setup { config, inputs, options, .. } = setup(args)?;
    let loaded = crate::load_model(&inputs, &options)?;
    let lexicons = crate::rules::lexicon::Lexicons::new(&config.competitors);
    let ctx = crate::view_context(&config, &options, &lexicons);
    let views: Vec<serde_json::Value> = crate::rules::view::all(&loaded.model, &ctx)
        .into_iter()
        .map(|(e, v)| {
            let (_, meta) = loaded.model.meta(e);
            let file = loaded.sources.get(meta.file);
            let at = file.line_col(meta.id_span.start);
            serde_json::json!({"entity": e.kind, "file": file.path, "line": at.line, "view": v.json})
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &views).map_err(|e| io_error(e.into()))?;
    writeln!(out).map_err(io_error)?;
    Ok(EXIT_OK)
}

/// `roadmap-audit [PATH]...`
pub fn check(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, RunError> {
    let Setup { config, registry, inputs, options } = setup(&args.audit)?;
    let audit = audit(&inputs, &config, &registry, &options)?;
    let report = Report {
        sources: &audit.sources,
        findings: &audit.findings,
        summary: Summary::of(inputs.len(), &audit.findings),
        metrics: crate::report::metrics_json(&audit, &registry, &config, &options),
    };
    let renderer: Box<dyn Render> = match args.format {
        Format::Human => Box::new(Human { color: use_color(args.color), width: width() }),
        Format::Short => Box::new(output::short::Short),
        Format::Json => Box::new(output::json::Json),
    };
    renderer.render(&report, out).map_err(io_error)?;
    let fail_on = match args.fail_on {
        Some(FailOnArg::Error) => FailOn::Level(Severity::Error),
        Some(FailOnArg::Warning) => FailOn::Level(Severity::Warning),
        Some(FailOnArg::Info) => FailOn::Level(Severity::Info),
        Some(FailOnArg::Never) => FailOn::Never,
        None => config.fail_on,
    };
    let failed = audit.findings.iter().any(|f| fail_on.fails(f.severity));
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
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
    text.push_str(&format!(
        "\n## What it flags\n{}\n## Why it matters\n{}\n",
        r.docs.flags.trim_end().to_owned() + "\n",
        r.docs.why.trim_end().to_owned() + "\n"
    ));
    text.push_str(&format!("## How to fix it\n{}\n\n", r.help.trim_end()));
    if let Some(c) = &r.docs.config {
        text.push_str(&format!("## Configuration\n{}\n\n", c.trim_end()));
    }
    text.push_str(&format!("## Example: flagged\n```yaml\n{}\n```\n\n", r.docs.example.fail.trim_end()));
    text.push_str(&format!("## Example: not flagged\n```yaml\n{}\n```\n", r.docs.example.pass.trim_end()));
    out.write_all(text.as_bytes()).map_err(io_error)?;
    Ok(EXIT_OK)
}

/// Renders a run error: the message, then any diagnostics into the config or rule file.
pub fn render_error(err: &RunError, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "error: {}", err.message)?;
    if !err.diagnostics.is_empty() {
        let report =
            Report { sources: &err.sources, findings: &err.diagnostics, summary: Summary::default(), metrics: None };
        let mut buf = Vec::new();
        Human { color, width: width() }.render(&report, &mut buf)?;
        // The closing summary line is about audits; a run error has none.
        let text = String::from_utf8_lossy(&buf);
        let body = text.trim_end().rsplit_once('\n').map_or("", |(b, _)| b);
        writeln!(out, "{body}")?;
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
