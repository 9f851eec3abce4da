//! The audit's findings grouped the ways leadership asks about them: by gap, by rule, by product, by owner,
//! and the delivering items most at risk. One pass over the findings, one over the items.

use std::collections::HashMap;

use crate::finding::{EntityKind, Finding, Severity};
use crate::load::FileId;
use crate::model::{EntityIdx, Model, Status};
use crate::rules::{Gap, Registry};
use crate::Audit;

use super::metrics::Facts;

/// The report's sections: the four gaps, then structure (rules without a gap).
pub const SECTIONS: usize = 5;
pub const STRUCTURE: usize = 4;

pub fn section_of(registry: &Registry, rule: &str) -> usize {
    match registry.get(rule).and_then(|r| r.gap) {
        Some(g) => Gap::ALL.iter().position(|x| *x == g).unwrap_or(STRUCTURE),
        None => STRUCTURE,
    }
}

/// `listening` … `structure`: ids and CSS classes.
pub fn section_key(s: usize) -> &'static str {
    ["listening", "design", "delivery", "communication", "structure"][s]
}

pub fn section_title(s: usize) -> &'static str {
    ["Listening gap", "Design gap", "Delivery gap", "Communication gap", "Structure and waivers"][s]
}

/// One sentence on what the section means.
pub fn section_meaning(s: usize) -> String {
    match Gap::ALL.get(s) {
        Some(g) => {
            let m = g.meaning();
            let mut c = m.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default() + "."
        }
        None => "The files themselves: invalid YAML, schema violations, duplicate ids, links to ids that do not \
                 exist, and waivers that expired or silence nothing. Fix these first: they hide other findings."
            .to_owned(),
    }
}

/// Findings counted by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sev {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Sev {
    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
    pub fn worst(&self) -> Option<Severity> {
        if self.errors > 0 {
            Some(Severity::Error)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else if self.infos > 0 {
            Some(Severity::Info)
        } else {
            None
        }
    }
    /// Most serious first.
    pub fn rank(&self) -> (usize, usize, usize) {
        (self.errors, self.warnings, self.infos)
    }
}

/// One finding, placed: its section, product, owner and 1-based position.
pub struct Row<'a> {
    pub finding: &'a Finding,
    pub section: usize,
    /// Index into [`Aggregates::products`].
    pub product: usize,
    /// Index into [`Aggregates::owners`].
    pub owner: usize,
    pub line: u32,
    pub column: u32,
    pub fingerprint: String,
}

/// A product (team roadmap) or an owner, with what it carries.
#[derive(Clone, Debug, Default)]
pub struct Group {
    pub name: String,
    pub sev: Sev,
    pub sections: [usize; SECTIONS],
    pub active_items: usize,
    pub covered_items: usize,
}

impl Group {
    fn new(name: String) -> Group {
        Group { name, ..Group::default() }
    }
    pub fn total(&self) -> usize {
        self.sev.total()
    }
}

pub struct RuleRow {
    pub id: String,
    pub title: String,
    pub section: usize,
    pub sev: Sev,
}

/// A delivering item with findings.
pub struct Risk {
    pub item: usize,
    pub sev: Sev,
    pub rules: Vec<String>,
    pub product: usize,
    pub owner: usize,
    pub file: FileId,
    pub line: u32,
}

pub struct Aggregates<'a> {
    pub rows: Vec<Row<'a>>,
    pub sections: [Sev; SECTIONS],
    pub rules: Vec<RuleRow>,
    pub products: Vec<Group>,
    pub owners: Vec<Group>,
    /// Products and owners, most serious first (indices into the lists above).
    pub product_order: Vec<usize>,
    pub owner_order: Vec<usize>,
    /// The [`TOP_RISKS`] most serious delivering items with errors or warnings…
    pub risks: Vec<Risk>,
    /// … out of this many.
    pub risky_items: usize,
    /// Per model entity kind and index: the findings on it (for the traceability map).
    pub objective_sev: Vec<Sev>,
    pub kpi_sev: Vec<Sev>,
    pub problem_sev: Vec<Sev>,
    pub item_sev: Vec<Sev>,
    /// Items by status, in lifecycle order, then items without a valid status.
    pub statuses: Vec<(&'static str, usize)>,
}

/// How many top risks the report lists.
pub const TOP_RISKS: usize = 10;

/// Interns names into groups.
struct Groups {
    list: Vec<Group>,
    index: HashMap<String, usize>,
}

impl Groups {
    fn new() -> Groups {
        Groups { list: Vec::new(), index: HashMap::new() }
    }
    fn get(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.list.push(Group::new(name.to_owned()));
        self.index.insert(name.to_owned(), self.list.len() - 1);
        self.list.len() - 1
    }
}

pub const UNOWNED: &str = "unowned";

impl<'a> Aggregates<'a> {
    pub fn of(audit: &'a Audit, registry: &Registry, facts: &Facts) -> Aggregates<'a> {
        let model = &audit.model;
        let fingerprints = crate::baseline::fingerprints(&audit.findings, &audit.sources);
        let lookup = Lookup::of(model);
        let mut products = Groups::new();
        let mut owners = Groups::new();

        // Every product appears, even a clean one; every owner of an active item too.
        for d in &model.documents {
            products.get(&product_name(audit, d.file, d.product.as_deref()));
        }
        for (i, it) in model.items.iter().enumerate() {
            if !it.is_active() {
                continue;
            }
            let (p, o) = place(audit, EntityIdx { kind: EntityKind::Item, index: i as u32 });
            let (p, o) = (products.get(&p), owners.get(&o));
            for g in [&mut products.list[p], &mut owners.list[o]] {
                g.active_items += 1;
                g.covered_items += usize::from(facts.covered[i]);
            }
        }

        let mut sections = [Sev::default(); SECTIONS];
        let mut rules: Vec<RuleRow> = Vec::new();
        let mut rule_index: HashMap<&str, usize> = HashMap::new();
        let sev_of = |kind: EntityKind| vec![Sev::default(); model_len(model, kind)];
        let (mut objective_sev, mut kpi_sev, mut problem_sev, mut item_sev) = (
            sev_of(EntityKind::Objective),
            sev_of(EntityKind::Kpi),
            sev_of(EntityKind::Problem),
            sev_of(EntityKind::Item),
        );
        let mut item_rules: HashMap<usize, Vec<String>> = HashMap::new();
        let mut rows = Vec::with_capacity(audit.findings.len());

        for (f, fingerprint) in audit.findings.iter().zip(fingerprints) {
            let section = section_of(registry, &f.rule);
            let entity = lookup.entity_of(f);
            let (p, o) = match entity {
                Some(e) => place(audit, e),
                None => place_file(audit, f.file),
            };
            let (product, owner) = (products.get(&p), owners.get(&o));
            for g in [&mut products.list[product], &mut owners.list[owner]] {
                g.sev.add(f.severity);
                g.sections[section] += 1;
            }
            sections[section].add(f.severity);
            let r = *rule_index.entry(&f.rule).or_insert_with(|| {
                let title = registry.get(&f.rule).map_or_else(|| f.rule.to_string(), |m| m.title.clone());
                rules.push(RuleRow { id: f.rule.to_string(), title, section, sev: Sev::default() });
                rules.len() - 1
            });
            rules[r].sev.add(f.severity);
            if let Some(e) = entity.filter(|_| f.entity.kind != EntityKind::Document) {
                let i = e.index as usize;
                match e.kind {
                    EntityKind::Objective => objective_sev[i].add(f.severity),
                    EntityKind::Kpi => kpi_sev[i].add(f.severity),
                    EntityKind::Problem => problem_sev[i].add(f.severity),
                    _ => {
                        item_sev[i].add(f.severity);
                        let list = item_rules.entry(i).or_default();
                        if !list.iter().any(|x| *x == f.rule) {
                            list.push(f.rule.to_string());
                        }
                    }
                }
            }
            let (start, _) = crate::output::location(&audit.sources, f);
            rows.push(Row { finding: f, section, product, owner, line: start.line, column: start.column, fingerprint });
        }
        rules.sort_by(|a, b| {
            (a.section, std::cmp::Reverse(a.sev.rank()), &a.id).cmp(&(
                b.section,
                std::cmp::Reverse(b.sev.rank()),
                &b.id,
            ))
        });

        let mut risks: Vec<Risk> = model
            .items
            .iter()
            .enumerate()
            .filter(|(i, it)| it.is_delivering() && item_sev[*i].errors + item_sev[*i].warnings > 0)
            .map(|(i, it)| {
                let (p, o) = place(audit, EntityIdx { kind: EntityKind::Item, index: i as u32 });
                let line = audit.sources.get(it.meta.file).line_col(it.meta.id_span.start).line;
                Risk {
                    item: i,
                    sev: item_sev[i],
                    rules: item_rules.remove(&i).unwrap_or_default(),
                    product: products.get(&p),
                    owner: owners.get(&o),
                    file: it.meta.file,
                    line,
                }
            })
            .collect();
        risks.sort_by_key(|r| (std::cmp::Reverse(r.sev.rank()), r.item));
        let risky_items = risks.len();
        risks.truncate(TOP_RISKS);

        let order = |list: &[Group]| {
            let mut o: Vec<usize> = (0..list.len()).collect();
            o.sort_by(|&a, &b| {
                let (a, b) = (&list[a], &list[b]);
                (std::cmp::Reverse(a.sev.rank()), std::cmp::Reverse(a.active_items), &a.name).cmp(&(
                    std::cmp::Reverse(b.sev.rank()),
                    std::cmp::Reverse(b.active_items),
                    &b.name,
                ))
            });
            o
        };
        let product_order = order(&products.list);
        let owner_order = order(&owners.list);

        let mut statuses: Vec<(&'static str, usize)> = Status::ALL.iter().map(|s| (s.as_str(), 0)).collect();
        let mut none = 0;
        for it in &model.items {
            match it.status.and_then(|s| Status::ALL.iter().position(|x| *x == s)) {
                Some(i) => statuses[i].1 += 1,
                None => none += 1,
            }
        }
        if none > 0 {
            statuses.push(("no status", none));
        }

        Aggregates {
            rows,
            sections,
            rules,
            products: products.list,
            owners: owners.list,
            product_order,
            owner_order,
            risks,
            risky_items,
            objective_sev,
            kpi_sev,
            problem_sev,
            item_sev,
            statuses,
        }
    }
}

fn model_len(model: &Model, kind: EntityKind) -> usize {
    match kind {
        EntityKind::Objective => model.objectives.len(),
        EntityKind::Kpi => model.kpis.len(),
        EntityKind::Problem => model.problems.len(),
        _ => model.items.len(),
    }
}

/// The product of a document: its `product`, else its file's path.
pub fn product_name(audit: &Audit, file: FileId, product: Option<&str>) -> String {
    product.map_or_else(|| audit.sources.get(file).path.clone(), str::to_owned)
}

/// Product and owner of an entity: its own owner, else its document's owner, else "unowned".
pub fn place(audit: &Audit, e: EntityIdx) -> (String, String) {
    let model = &audit.model;
    let i = e.index as usize;
    let (own, meta) = match e.kind {
        EntityKind::Objective => (model.objectives[i].owner.as_deref(), &model.objectives[i].meta),
        EntityKind::Kpi => (model.kpis[i].owner.as_deref(), &model.kpis[i].meta),
        EntityKind::Problem => (None, &model.problems[i].meta),
        _ => (model.items[i].owner.as_deref(), &model.items[i].meta),
    };
    let doc = model.document(meta);
    let product = product_name(audit, meta.file, doc.and_then(|d| d.product.as_deref()));
    let owner = own.or_else(|| doc.and_then(|d| d.owner.as_deref())).unwrap_or(UNOWNED);
    (product, owner.to_owned())
}

/// Product and owner of a finding about a whole file: its first document's.
fn place_file(audit: &Audit, file: FileId) -> (String, String) {
    let doc = audit.model.documents.iter().find(|d| d.file == file);
    let product = product_name(audit, file, doc.and_then(|d| d.product.as_deref()));
    (product, doc.and_then(|d| d.owner.clone()).unwrap_or_else(|| UNOWNED.to_owned()))
}

/// Finds the model entity a finding is about, by file and id.
struct Lookup<'m> {
    by_id: HashMap<(FileId, &'m str), EntityIdx>,
}

impl<'m> Lookup<'m> {
    fn of(model: &'m Model) -> Lookup<'m> {
        let mut by_id = HashMap::with_capacity(model.len());
        for e in model.entities() {
            let (id, meta) = model.meta(e);
            by_id.entry((meta.file, id)).or_insert(e);
        }
        Lookup { by_id }
    }

    fn entity_of(&self, f: &Finding) -> Option<EntityIdx> {
        let id = f.entity.id.as_deref()?;
        // Evidence and waivers are named after the entity that holds them: `PRB-1/evidence/0`.
        let id = match f.entity.kind {
            EntityKind::Evidence => id.rfind("/evidence/").map_or(id, |i| &id[..i]),
            EntityKind::Waiver => id.rfind("/waivers/").map_or(id, |i| &id[..i]),
            _ => id,
        };
        self.by_id.get(&(f.file, id)).copied()
    }
}
