//! `.roadmap-audit.yaml`: found in the working directory or the nearest parent (or named by `--config`),
//! read with spans, validated against `schemas/config.schema.json`, then turned into a typed [`Config`].
//! Any problem is a run error (exit 2) with diagnostics pointing into the config file.

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::error::RunError;
use crate::finding::{Finding, Severity};
use crate::load::{self, FileId, Limits, Node, SourceMap, Span};
use crate::model::LaunchAspect;
use crate::rules::{config_finding, Registry, CONFIG_RULE};
use crate::schema::Schema;
use crate::suggest::did_you_mean;

pub const FILE_NAME: &str = ".roadmap-audit.yaml";

/// The lowest severity that makes the run fail (exit 1), or never.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Level(Severity),
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "never" => Some(FailOn::Never),
            other => Severity::parse(other).map(FailOn::Level),
        }
    }
    pub fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Level(l) => s >= l,
            FailOn::Never => false,
        }
    }
}

/// A per-rule setting from `rules:`.
#[derive(Clone, Debug)]
pub struct RuleSetting {
    pub rule: String,
    /// `None` turns the rule off.
    pub level: Option<Severity>,
    pub key_span: Span,
}

/// The validated configuration.
#[derive(Debug)]
pub struct Config {
    /// The config file, if one was found (its folder anchors `extra_rules` and `exclude`).
    pub path: Option<PathBuf>,
    pub as_of: Option<Date>,
    pub stale_after_days: u32,
    pub launch_requires: Vec<LaunchAspect>,
    pub competitors: Vec<String>,
    pub fail_on: FailOn,
    pub rules: Vec<RuleSetting>,
    pub extra_rules: Vec<String>,
    pub exclude: Vec<String>,
    /// The config text, kept so that later checks (rule ids) can point into it.
    sources: SourceMap,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            as_of: None,
            stale_after_days: 365,
            launch_requires: vec![LaunchAspect::Support, LaunchAspect::Marketing],
            competitors: Vec::new(),
            fail_on: FailOn::Level(Severity::Error),
            rules: Vec::new(),
            extra_rules: Vec::new(),
            exclude: Vec::new(),
            sources: SourceMap::default(),
        }
    }
}

impl Config {
    /// Finds and loads the config: `explicit` if given (it must exist), else `.roadmap-audit.yaml` in `start`
    /// or its nearest parent, else the defaults.
    pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<Config, RunError> {
        if let Some(p) = explicit {
            return Config::load(p);
        }
        let mut dir = Some(start);
        while let Some(d) = dir {
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
            dir = d.parent();
        }
        Ok(Config::default())
    }

    /// Loads one config file.
    pub fn load(path: &Path) -> Result<Config, RunError> {
        let display = path.to_string_lossy().replace('\\', "/");
        let bytes =
            std::fs::read(path).map_err(|e| RunError::msg(format!("cannot read config file `{display}`: {e}")))?;
        Config::parse(&display, bytes, Some(path.to_path_buf()))
    }

    /// Parses config text (`display` names it in diagnostics).
    pub fn parse(display: &str, bytes: Vec<u8>, path: Option<PathBuf>) -> Result<Config, RunError> {
        let loaded = load::load_bytes(display.to_owned(), bytes, Limits::default());
        let mut sources = SourceMap::default();
        let root = loaded.documents.into_iter().next().map(|d| d.root);
        let file = sources.add(loaded.source);
        let err = |diags: Vec<Finding>, sources: SourceMap| {
            RunError::with_diagnostics(format!("invalid config file `{display}`"), diags, sources)
        };
        if !loaded.problems.is_empty() {
            let diags = loaded.problems.into_iter().map(|p| config_finding(file, p.span, p.message)).collect();
            return Err(err(diags, sources));
        }
        let mut config = Config { path, ..Config::default() };
        let root = match root {
            None => {
                config.sources = sources;
                return Ok(config); // an empty config file means the defaults
            }
            Some(r) if matches!(r.value, load::Value::Null) => {
                config.sources = sources;
                return Ok(config);
            }
            Some(r) => r,
        };
        let mut diags = Schema::config().check(&root, file, "config file");
        for d in &mut diags {
            d.rule = CONFIG_RULE.into();
        }
        if !diags.is_empty() {
            return Err(err(diags, sources));
        }
        let strings = |n: Option<&Node>| -> Vec<String> {
            n.and_then(Node::as_seq).unwrap_or(&[]).iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()
        };
        if let Some(s) = root.get("as_of").and_then(Node::as_str) {
            config.as_of = Date::parse(s);
        }
        if let Some(load::Value::Int(n)) = root.get("stale_after_days").map(|n| &n.value) {
            config.stale_after_days = (*n).clamp(0, u32::MAX as i64) as u32;
        }
        if let Some(n) = root.get("launch_requires") {
            config.launch_requires = strings(Some(n)).iter().filter_map(|s| LaunchAspect::parse(s)).collect();
        }
        config.competitors = strings(root.get("competitors"));
        if let Some(s) = root.get("fail_on").and_then(Node::as_str) {
            config.fail_on = FailOn::parse(s).unwrap_or(config.fail_on);
        }
        if let Some(rules) = root.get("rules").and_then(Node::as_map) {
            for e in rules {
                let level = match &e.value.value {
                    load::Value::Bool(false) => None,
                    load::Value::Str(s) if &**s == "off" => None,
                    load::Value::Str(s) => Severity::parse(s),
                    _ => None,
                };
                config.rules.push(RuleSetting { rule: e.key.to_string(), level, key_span: e.key_span });
            }
        }
        config.extra_rules = strings(root.get("extra_rules"));
        config.exclude = strings(root.get("exclude"));
        config.sources = sources;
        Ok(config)
    }

    /// The folder that relative paths in the config are resolved from.
    pub fn base_dir(&self) -> PathBuf {
        self.path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|p| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p.to_path_buf() })
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// Checks that every rule named under `rules:` exists (a typo would silently keep a rule on).
    pub fn check_rule_ids(&self, registry: &Registry) -> Result<(), RunError> {
        let file: FileId = 0;
        let mut diags = Vec::new();
        for s in &self.rules {
            if registry.get(&s.rule).is_none() {
                let mut msg = format!("unknown rule `{}` under `rules:`", s.rule);
                if let Some(m) = did_you_mean(&s.rule, registry.ids()) {
                    msg.push_str(&format!("; did you mean `{m}`?"));
                }
                diags.push(config_finding(file, s.key_span, msg).with_help("`roadmap-audit rules` lists the rule ids"));
            }
        }
        if diags.is_empty() {
            return Ok(());
        }
        let display = self.sources.get(0).path.clone();
        let mut sources = SourceMap::default();
        let src = self.sources.get(0);
        sources.add(load::SourceFile::new(src.path.clone(), src.text.clone()));
        Err(RunError::with_diagnostics(format!("invalid config file `{display}`"), diags, sources))
    }

    /// The severity a rule runs at, or `None` when it is off.
    pub fn level_of(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.rules.iter().rev().find(|s| s.rule == rule) {
            Some(s) => s.level,
            None => Some(default),
        }
    }
}
