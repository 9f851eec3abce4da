//! The headline metrics of an audit: what leadership reads first, each with its exact definition.
//!
//! Facts about the roadmap (evidence, links, freshness) come from the same entity views the rules are
//! matched against (`rules::view`), and rule-based metrics count the audit's own findings, so the report
//! and the audit never disagree. Everything is one pass over the model and one over the findings.

use crate::fxhash::FxHashSet;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::finding::{EntityKind, Severity};
use crate::model::Model;
use crate::rules::{lexicon::Lexicons, view, Registry};
use crate::{Audit, Options};

/// Version of the metrics shape in the JSON output.
pub const VERSION: u32 = 1;

/// Weight of one finding in the health score, by severity.
pub const ERROR_WEIGHT: u64 = 3;
pub const WARNING_WEIGHT: u64 = 1;

pub const COMPETITOR_RULE: &str = "competitor-only-justification";
pub const KPI_ONLY_RULE: &str = "kpi-only-justification";

/// Entities from which [`Facts::of`] uses more than one thread.
const PARALLEL_FROM: usize = 8192;

/// A share: `numerator` of `denominator`, with its definition. `ratio` is rounded to 4 decimals, and null
/// when the denominator is 0 (or the rule it counts is turned off, see `note`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
    pub ratio: Option<f64>,
    pub definition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Ratio {
    fn new(numerator: u64, denominator: u64, definition: String) -> Ratio {
        let ratio = (denominator > 0).then(|| round(numerator as f64 / denominator as f64, 4));
        Ratio { numerator, denominator, ratio, definition, note: None }
    }

    /// The ratio as a percentage with one decimal, the way every format shows it ("62.5%").
    pub fn percent_text(&self) -> String {
        percent_text(self.ratio)
    }
}

/// "62.5%", or "–" when there is nothing to measure.
pub fn percent_text(ratio: Option<f64>) -> String {
    match ratio {
        Some(r) => format!("{:.1}%", r * 100.0),
        None => "–".to_owned(),
    }
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
    pub total: u64,
}

/// Findings per gap; `structure` holds the rules without a gap (broken files, links, waivers).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapCounts {
    pub listening: u64,
    pub design: u64,
    pub delivery: u64,
    pub communication: u64,
    pub structure: u64,
}

impl GapCounts {
    pub fn get(&self, section: usize) -> u64 {
        [self.listening, self.design, self.delivery, self.communication, self.structure][section]
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entities {
    pub files: u64,
    pub objectives: u64,
    pub kpis: u64,
    pub problems: u64,
    pub items: u64,
    pub active_items: u64,
    pub open_items: u64,
    pub delivering_items: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// 0–100, null when the audit has no entities.
    pub value: Option<u32>,
    pub weighted_findings: u64,
    pub entities: u64,
    pub formula: String,
}

/// The headline metrics (`metrics` in `--format json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub version: u32,
    pub as_of: String,
    pub stale_after_days: u32,
    pub entities: Entities,
    pub health_score: Health,
    pub evidence_coverage: Ratio,
    pub traceability: Ratio,
    pub competitor_only: Ratio,
    pub kpi_only: Ratio,
    pub kpi_problem_links: Ratio,
    pub evidence_freshness: Ratio,
    pub findings: Counts,
    pub gaps: GapCounts,
}

/// The ratio metrics, in the order every format shows them: key, short label, lower is better.
pub const RATIOS: [(&str, &str, bool); 6] = [
    ("evidence_coverage", "Evidence coverage", false),
    ("traceability", "Traceability", false),
    ("competitor_only", "Competitor-only items", true),
    ("kpi_only", "KPI-only items", true),
    ("kpi_problem_links", "KPIs tied to a problem", false),
    ("evidence_freshness", "Evidence freshness", false),
];

impl Metrics {
    pub fn ratio(&self, key: &str) -> &Ratio {
        match key {
            "evidence_coverage" => &self.evidence_coverage,
            "traceability" => &self.traceability,
            "competitor_only" => &self.competitor_only,
            "kpi_only" => &self.kpi_only,
            "kpi_problem_links" => &self.kpi_problem_links,
            _ => &self.evidence_freshness,
        }
    }

    pub fn compute(audit: &Audit, registry: &Registry, config: &Config, options: &Options) -> Metrics {
        let facts = Facts::of(&audit.model, &audit.links, config, options);
        Metrics::from_facts(audit, registry, config, options, &facts)
    }

    /// The metrics, given the per-entity facts (computed once when the report also needs them).
    pub fn from_facts(
        audit: &Audit,
        registry: &Registry,
        config: &Config,
        options: &Options,
        facts: &Facts,
    ) -> Metrics {
        let model = &audit.model;
        let days = config.stale_after_days;
        let as_of = options.as_of.to_string();

        // One pass over the findings and one over the items (each a walk through memory the rest of the run
        // has left cold: ten walks were most of this step's time).
        // The rules whose share of open items is a metric: the items each flags, and how many are open.
        let mut shares = [COMPETITOR_RULE, KPI_ONLY_RULE].map(|rule| (rule, FxHashSet::<(u32, &str)>::default(), 0u64));
        let mut findings = Counts::default();
        let mut gaps = GapCounts::default();
        for f in &audit.findings {
            match f.severity {
                Severity::Error => findings.errors += 1,
                Severity::Warning => findings.warnings += 1,
                Severity::Info => findings.infos += 1,
            }
            match registry.get(&f.rule).and_then(|r| r.gap) {
                Some(crate::rules::Gap::Listening) => gaps.listening += 1,
                Some(crate::rules::Gap::Design) => gaps.design += 1,
                Some(crate::rules::Gap::Delivery) => gaps.delivery += 1,
                Some(crate::rules::Gap::Communication) => gaps.communication += 1,
                None => gaps.structure += 1,
            }
            if let (EntityKind::Item, Some(id)) = (f.entity.kind, f.entity.id.as_deref()) {
                if let Some((_, flagged, _)) = shares.iter_mut().find(|(rule, ..)| *rule == f.rule) {
                    flagged.insert((f.file, id));
                }
            }
        }
        findings.total = audit.findings.len() as u64;

        let (mut active_n, mut open_n, mut delivering, mut covered, mut traced) = (0u64, 0u64, 0u64, 0u64, 0u64);
        for (i, it) in model.items.iter().enumerate() {
            if it.is_active() {
                active_n += 1;
                covered += u64::from(facts.covered[i]);
                traced += u64::from(facts.traced[i]);
            }
            delivering += u64::from(it.is_delivering());
            if it.is_open() {
                open_n += 1;
                for (_, flagged, open) in &mut shares {
                    *open += u64::from(!flagged.is_empty() && flagged.contains(&(it.meta.file, it.id.as_str())));
                }
            }
        }

        let evidence_coverage = Ratio::new(
            covered,
            active_n,
            "Active items (status planned, committed or in-progress) that link at least one problem with \
             customer evidence — an evidence entry of a customer kind (interview, survey, support-tickets, \
             analytics, usability-test, experiment, sales-call, churn-feedback, customer-request, \
             field-observation) — over all active items."
                .to_owned(),
        );
        let traceability = Ratio::new(
            traced,
            active_n,
            "Active items with the full chain: item → problem → customer evidence (a linked problem has \
             customer evidence) and item → KPI → objective (a linked KPI names a defined objective), over all \
             active items."
                .to_owned(),
        );

        let rule_share = |rule: &str, n: u64, what: &str| {
            let mut r = Ratio::new(
                n,
                open_n,
                format!(
                    "Open items (any status but shipped or dropped) {what}, i.e. with a `{rule}` finding in this \
                     audit (after waivers: a waived item is not counted), over all open items."
                ),
            );
            let enabled = registry.get(rule).is_some_and(|m| config.level_of(rule, m.severity).is_some());
            if !enabled {
                r.ratio = None;
                r.note = Some(format!("the rule `{rule}` is turned off, so this share is not measured"));
            }
            r
        };
        let [(competitor, _, competitor_open), (kpi_only_rule, _, kpi_only_open)] = shares;
        let competitor_only = rule_share(competitor, competitor_open, "justified only by what competitors do");
        let kpi_only =
            rule_share(kpi_only_rule, kpi_only_open, "justified only by a KPI target, with no customer problem");

        let kpis_linked = model.kpis.iter().filter(|k| k.problems.iter().any(|r| r.target.is_some())).count();
        let kpi_problem_links = Ratio::new(
            kpis_linked as u64,
            model.kpis.len() as u64,
            "KPIs that link at least one defined problem (the customer problem whose resolution the KPI \
             reflects), over all KPIs."
                .to_owned(),
        );

        let with_evidence = facts.fresh.iter().filter(|f| f.is_some()).count();
        let fresh = facts.fresh.iter().filter(|f| **f == Some(true)).count();
        let evidence_freshness = Ratio::new(
            fresh as u64,
            with_evidence as u64,
            format!(
                "Problems whose newest dated evidence is at most {days} days (config `stale_after_days`) before \
                 the audit date {as_of} — evidence dated after it counts as fresh — over all problems with any \
                 evidence. A problem whose evidence is all undated is not fresh."
            ),
        );

        let entities = model.len() as u64;
        let weighted = ERROR_WEIGHT * findings.errors + WARNING_WEIGHT * findings.warnings;
        let value = (entities > 0).then(|| {
            let score = 100.0 * (1.0 - weighted as f64 / (ERROR_WEIGHT * entities) as f64);
            score.clamp(0.0, 100.0).round() as u32
        });
        let health_score = Health {
            value,
            weighted_findings: weighted,
            entities,
            formula: format!(
                "health = 100 × (1 − ({ERROR_WEIGHT} × errors + {WARNING_WEIGHT} × warnings) ÷ ({ERROR_WEIGHT} × \
                 audited entities)), clamped to 0–100 and rounded; audited entities = objectives + KPIs + \
                 problems + items. A roadmap without findings scores 100, one with an error on every entity \
                 scores 0; info findings do not count."
            ),
        };

        Metrics {
            version: VERSION,
            as_of,
            stale_after_days: days,
            entities: Entities {
                files: audit.sources.len() as u64,
                objectives: model.objectives.len() as u64,
                kpis: model.kpis.len() as u64,
                problems: model.problems.len() as u64,
                items: model.items.len() as u64,
                active_items: active_n,
                open_items: open_n,
                delivering_items: delivering,
            },
            health_score,
            evidence_coverage,
            traceability,
            competitor_only,
            kpi_only,
            kpi_problem_links,
            evidence_freshness,
            findings,
            gaps,
        }
    }
}

/// Per-entity facts the metrics and the per-team views share, read from the entity views.
pub struct Facts {
    /// Per item: a linked problem has customer evidence.
    pub covered: Vec<bool>,
    /// Per item: covered, and a linked KPI names a defined objective.
    pub traced: Vec<bool>,
    /// Per problem: `None` without evidence, else whether its newest dated evidence is within the window.
    pub fresh: Vec<Option<bool>>,
}

impl Facts {
    pub fn of(model: &Model, links: &view::BackLinks, config: &Config, options: &Options) -> Facts {
        // The same facts the rule views hold (one definition, in `rules::view`), without building views.
        let lexicons = Lexicons::default();
        let ctx = crate::view_context(config, options, &lexicons);
        // Per entity, on `--jobs` threads in a big model (each fact follows links: cache misses); in a small
        // one, starting threads would cost more than it saves.
        let jobs = if model.items.len() + model.problems.len() > PARALLEL_FROM { options.jobs } else { 1 };
        let per_item = crate::parallel::map(&model.items, jobs, |_, it| {
            let c = view::customer_evidence(links, it);
            (c, c && view::measured_toward_objective(model, it))
        });
        let (covered, traced) = per_item.into_iter().unzip();
        let fresh = crate::parallel::map(&model.problems, jobs, |_, p| {
            (!p.evidence.is_empty()).then(|| view::newest_evidence(p).is_some() && !view::is_stale(&ctx, p))
        });
        Facts { covered, traced, fresh }
    }
}
