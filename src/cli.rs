//! The command line: `roadmap-audit [PATH]...` audits (the default command), `rules` lists the rules,
//! `explain RULE` prints one rule's documentation.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Examples:
  roadmap-audit roadmap.yaml               audit one file
  roadmap-audit roadmaps/ strategy.yaml    a folder (*.yaml, *.yml; .gitignore honoured)
  roadmap-audit 'teams/**/*.{yaml,yml}'    a glob pattern (quoted for the shell)
  roadmap-audit . -f sarif:out.sarif       human output here, SARIF to a file
  roadmap-audit explain missing-owner      why a rule matters and how to fix it

Exit status (every format): 0 no finding at or above the fail level; 1 findings at or
above it; 2 the audit could not run (bad flag, config, path, baseline or git revision).";

/// Audits product roadmaps kept as YAML: every item should trace to a customer problem,
/// a business objective and a measure of success.
#[derive(Debug, Parser)]
#[command(name = "roadmap-audit", version, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit roadmap files (the default when no command is given).
    Check(CheckArgs),
    /// List every rule: id, default severity, gap and title.
    Rules(RulesArgs),
    /// Print a rule's documentation: what it flags, why it matters, a failing and a passing example.
    Explain(ExplainArgs),
    /// Write the leadership audit report: a self-contained HTML page or Markdown.
    Report(ReportArgs),
    /// Print the traceability graph (objectives → KPIs → problems → items) as Mermaid or Graphviz dot.
    Graph(GraphArgs),
    /// Print the entity views that rule conditions are matched against (for writing rules), as JSON.
    View(AuditArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Parse the files into YAML trees and stop: the parse-only floor that benchmarks compare against.
    #[command(hide = true)]
    Parse(AuditArgs),
}

/// What every command that audits files takes: the paths, the audit date, the config, the limits.
#[derive(Debug, Args, Clone)]
pub struct AuditArgs {
    /// Files, directories or glob patterns to audit [default: the current directory].
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Audit date for date rules (YYYY-MM-DD) [default: config `as_of`, else today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<crate::date::Date>,

    /// Config file [default: .roadmap-audit.yaml in the current directory or the nearest parent].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files: audit with the defaults (and the flags given).
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,

    /// Worker threads [default: every core]. Files are checked in parallel, and so are the entities of a
    /// big file.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(usize))]
    pub jobs: Option<usize>,

    /// Deepest YAML nesting accepted before a file is rejected.
    #[arg(long, default_value_t = 128, value_name = "LEVELS", hide_short_help = true)]
    pub max_depth: usize,

    /// Most nodes that YAML aliases may expand to in one file.
    #[arg(long, default_value_t = 1_000_000, value_name = "NODES", hide_short_help = true)]
    pub max_alias_nodes: usize,

    /// Largest file, in bytes, that is parsed.
    #[arg(long, default_value_t = crate::load::DEFAULT_MAX_FILE_SIZE, value_name = "BYTES", hide_short_help = true)]
    pub max_file_size: u64,
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub audit: AuditArgs,

    /// Output format, optionally with a file to write it to (`sarif:results.sarif`). Repeat for several
    /// outputs in one run; at most one goes to stdout. Formats: human (default), short, json, sarif,
    /// github, junit, gitlab, markdown.
    #[arg(long, short = 'f', value_name = "FORMAT[:FILE]", value_parser = parse_output)]
    pub format: Vec<OutputSpec>,

    /// Write the output to FILE instead of stdout (with a single --format).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Lowest severity that makes the run exit with 1 [default: config `fail_on`, else error].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOnArg>,

    /// Report (and fail on) only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record today's findings in FILE (for `--baseline`) and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Report only findings that did not exist at this git revision (e.g. origin/main): for pull requests.
    #[arg(long, value_name = "GIT_REV", conflicts_with = "write_baseline")]
    pub new_since: Option<String>,

    /// Print at most N findings (the summary and the exit status still count them all).
    #[arg(long, value_name = "N")]
    pub max_findings: Option<usize>,

    /// Show the number of findings per rule instead of each finding (human and short formats).
    #[arg(long)]
    pub statistics: bool,

    /// Print findings only: no closing summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// When to use colour in human output (auto: only on a terminal, and never when NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// One requested output: a format and where it goes (stdout when no file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: Format,
    pub path: Option<PathBuf>,
}

fn parse_output(s: &str) -> Result<OutputSpec, String> {
    let (name, path) = match s.split_once(':') {
        Some((n, p)) if Format::from_str(n, true).is_ok() => (n, Some(p)),
        _ => (s, None),
    };
    let format = Format::from_str(name, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect();
        format!("unknown format `{name}`; choose one of: {}", names.join(", "))
    })?;
    if path == Some("") {
        return Err(format!("`{s}` names no file after the `:`"));
    }
    Ok(OutputSpec { format, path: path.map(PathBuf::from) })
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `roadmap-audit report`: the leadership audit report.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    #[command(flatten)]
    pub audit: AuditArgs,

    /// The file to write (its extension picks the format unless --format is given).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,

    /// Report format [default: from the output file's extension: .html/.htm → html, .md → markdown].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<ReportFormat>,

    /// A JSON audit saved earlier (`--format json`): adds the change of every headline metric, and the
    /// findings new and fixed since then.
    #[arg(long, value_name = "FILE")]
    pub compare: Option<PathBuf>,
}

/// `roadmap-audit graph`: the traceability graph alone.
#[derive(Debug, Args, Clone)]
pub struct GraphArgs {
    #[command(flatten)]
    pub audit: AuditArgs,

    /// Graph language.
    #[arg(long, short = 'f', value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// `table` for people, `json` for tools.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Config file (its `extra_rules` are listed too, and its severity overrides shown).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. missing-owner.
    pub rule: String,
    /// Config file (to explain the organisation's `extra_rules`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rich diagnostics with source snippets (default).
    Human,
    /// One `file:line:col: severity[rule] message` line per finding.
    Short,
    /// Findings, summary and metrics as JSON.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions annotations (workflow commands).
    Github,
    /// JUnit XML: a test suite per file, a test case per entity.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// A Markdown summary for pull-request comments.
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_date(s: &str) -> Result<crate::date::Date, String> {
    crate::date::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD, e.g. 2027-03-31"))
}
