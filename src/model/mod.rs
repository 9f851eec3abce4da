//! Model: the roadmap entities of all files of a run, typed, with the spans rules point at.
//!
//! Extraction is lenient: a field of the wrong type is treated as absent (the schema has already reported
//! it), so one typo never hides the rest of the roadmap. The YAML tree is not kept: each entity keeps only
//! what rules and reports need, which keeps memory proportional to the roadmap, not to its syntax.

pub mod resolve;
mod text;

pub use text::Str;

use crate::date::Date;
use crate::finding::{Entity, EntityKind};

use crate::load::{FileId, Node, Span, Value};

/// Where an entity lives.
#[derive(Clone, Debug)]
pub struct Meta {
    pub file: FileId,
    /// Index of the document in its file (the first is 0); [`Model::document`] finds it.
    pub doc: u32,
    /// The entity's mapping.
    pub span: Span,
    /// The `id` value (where whole-entity findings point).
    pub id_span: Span,
    /// The format's keys present on the entity, with their key spans (for findings about one field).
    /// Extension (`x-`) and unknown keys are not kept.
    /// Compact (an index into the format's key names, and the span), as every entity has a dozen or more.
    keys: Box<[KeySpan]>,
    /// Few entities have waivers: a box of a vector takes 8 bytes on each, where a boxed slice would take 16
    /// (the extra allocation is made only for those few).
    #[allow(clippy::box_collection)]
    waivers: Option<Box<Vec<Waiver>>>,
}

impl Meta {
    /// The span of a key on this entity, if it is written.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        let k = key_index(key)?;
        self.keys.iter().find(|s| s.key() == k).map(KeySpan::span)
    }

    /// The waivers written on this entity.
    pub fn waivers(&self) -> &[Waiver] {
        self.waivers.as_deref().map_or(&[], Vec::as_slice)
    }
}

/// A key of [`Meta::keys`] packed in 6 bytes (its number, where it starts, how long it is), not 12: every
/// entity keeps a dozen or more, and the model's memory is what an audit pays for page by page.
#[derive(Clone, Copy, Debug)]
struct KeySpan([u8; 6]);

impl KeySpan {
    fn new(key: u8, span: Span) -> KeySpan {
        let [a, b, c, d] = span.start.to_le_bytes();
        // A format key is a short word; a longer spelling (escapes) is cut at 255 bytes.
        KeySpan([key, a, b, c, d, span.len().min(255) as u8])
    }
    fn key(&self) -> u8 {
        self.0[0]
    }
    fn span(&self) -> Span {
        let [_, a, b, c, d, len] = self.0;
        let start = u32::from_le_bytes([a, b, c, d]);
        Span { start, end: start + u32::from(len) }
    }
}

/// A reference to another entity by id.
#[derive(Clone, Debug)]
pub struct Ref {
    pub id: Str,
    pub span: Span,
    /// Index into the list of the expected kind, once resolved.
    pub target: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct Waiver {
    pub rule: Str,
    pub rule_span: Span,
    pub reason: Str,
    pub expires: Option<Date>,
    pub approved_by: Option<Str>,
    /// The waiver's mapping.
    pub span: Span,
    pub index: u32,
}

/// One YAML document of an audited file.
#[derive(Clone, Debug)]
pub struct DocInfo {
    pub file: FileId,
    pub product: Option<String>,
    pub owner: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Objective {
    pub id: Str,
    pub meta: Meta,
    pub title: Option<Str>,
    pub owner: Option<Str>,
}

#[derive(Clone, Debug)]
pub struct Kpi {
    pub id: Str,
    pub meta: Meta,
    pub name: Option<Str>,
    pub objective: Option<Ref>,
    pub problems: Box<[Ref]>,
    pub has_baseline: bool,
    pub has_target: bool,
    pub owner: Option<Str>,
    pub unit: Option<Str>,
}

#[derive(Clone, Debug)]
pub struct Problem {
    pub id: Str,
    pub meta: Meta,
    pub statement: Option<Str>,
    pub segment: Option<Str>,
    pub evidence: Box<[Evidence]>,
}

#[derive(Clone, Debug)]
pub struct Evidence {
    pub kind: Option<EvidenceKind>,
    /// A valid date; a malformed one counts as undated (it is a schema violation).
    pub date: Option<Date>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Item {
    pub id: Str,
    pub meta: Meta,
    pub title: Option<Str>,
    pub item_type: ItemType,
    pub status: Option<Status>,
    pub owner: Option<Str>,
    pub when: Option<Str>,
    pub objectives: Box<[Ref]>,
    pub problems: Box<[Ref]>,
    pub kpis: Box<[Ref]>,
    pub drivers: Box<[Driver]>,
    pub rationale: Option<Str>,
    pub hypothesis: Option<Str>,
    pub validation: Box<[Validation]>,
    pub dependencies: Box<[Dependency]>,
    /// As written; see [`Item::is_customer_facing`] for the default.
    pub customer_facing: Option<bool>,
    pub launch: Option<Launch>,
    pub commitments: Box<[Commitment]>,
}

// An item is allocated in mimalloc's 320-byte size class (10k items: 3.2 MB); one byte more and it takes
// the 384-byte class. Lists are boxed slices and rare parts boxed to stay here.
const _: () = assert!(std::mem::size_of::<Item>() <= 320);

impl Item {
    /// `customer_facing` defaults to true for features and launches, false otherwise.
    pub fn is_customer_facing(&self) -> bool {
        self.customer_facing.unwrap_or(matches!(self.item_type, ItemType::Feature | ItemType::Launch))
    }
    pub fn is_active(&self) -> bool {
        self.status.is_some_and(Status::is_active)
    }
    pub fn is_delivering(&self) -> bool {
        self.status.is_some_and(Status::is_delivering)
    }
    pub fn is_open(&self) -> bool {
        self.status.is_some_and(Status::is_open)
    }
}

#[derive(Clone, Debug)]
pub struct Validation {
    pub kind: Option<Str>,
    pub date: Option<Date>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Dependency {
    pub team: Str,
    pub acknowledged: bool,
    pub note: Option<Str>,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Launch {
    pub marketing: bool,
    pub sales: bool,
    pub support: bool,
    pub docs: bool,
    pub span: Span,
}

impl Launch {
    pub fn has(&self, aspect: LaunchAspect) -> bool {
        match aspect {
            LaunchAspect::Marketing => self.marketing,
            LaunchAspect::Sales => self.sales,
            LaunchAspect::Support => self.support,
            LaunchAspect::Docs => self.docs,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Commitment {
    pub to: Str,
    pub external: bool,
    pub date: Option<Date>,
    pub span: Span,
}

/// Declares a string-valued enum with its YAML spelling, in one place.
macro_rules! spelled_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
pub(crate) use spelled_enum;

spelled_enum!(ItemType {
    Feature = "feature", Initiative = "initiative", Launch = "launch",
    Experiment = "experiment", Discovery = "discovery", Technical = "technical",
});

spelled_enum!(Status {
    Idea = "idea", Discovery = "discovery", Planned = "planned", Committed = "committed",
    InProgress = "in-progress", Shipped = "shipped", Dropped = "dropped",
});

impl Status {
    /// planned, committed, in-progress
    pub fn is_active(self) -> bool {
        matches!(self, Status::Planned | Status::Committed | Status::InProgress)
    }
    /// committed, in-progress
    pub fn is_delivering(self) -> bool {
        matches!(self, Status::Committed | Status::InProgress)
    }
    /// everything but shipped and dropped
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Shipped | Status::Dropped)
    }
}

spelled_enum!(Driver {
    Customer = "customer", Competitor = "competitor", Kpi = "kpi", Strategy = "strategy",
    Technology = "technology", Regulatory = "regulatory", Sales = "sales", Executive = "executive",
    Partner = "partner",
});

spelled_enum!(EvidenceKind {
    Interview = "interview", Survey = "survey", SupportTickets = "support-tickets", Analytics = "analytics",
    UsabilityTest = "usability-test", Experiment = "experiment", SalesCall = "sales-call",
    ChurnFeedback = "churn-feedback", CustomerRequest = "customer-request",
    FieldObservation = "field-observation", MarketResearch = "market-research",
    CompetitorAnalysis = "competitor-analysis", InternalOpinion = "internal-opinion",
    ExecutiveRequest = "executive-request",
});

impl EvidenceKind {
    /// Heard from or observed in customers (as opposed to indirect evidence).
    pub fn is_customer(self) -> bool {
        !matches!(
            self,
            EvidenceKind::MarketResearch
                | EvidenceKind::CompetitorAnalysis
                | EvidenceKind::InternalOpinion
                | EvidenceKind::ExecutiveRequest
        )
    }
}

spelled_enum!(LaunchAspect { Marketing = "marketing", Sales = "sales", Support = "support", Docs = "docs" });

/// All entities of a run.
/// Entities are boxed: [`Model::concat`] then moves each file's entities as pointers.
#[derive(Debug, Default)]
pub struct Model {
    /// In file order.
    pub documents: Vec<DocInfo>,
    pub objectives: Vec<Box<Objective>>,
    pub kpis: Vec<Box<Kpi>>,
    pub problems: Vec<Box<Problem>>,
    pub items: Vec<Box<Item>>,
    /// The entities that carry waivers (few), in model order: filled in by [`resolve::resolve`], which reads
    /// every entity anyway, so that applying waivers does not read them all again.
    pub waived: Vec<EntityIdx>,
}

/// The top-level lists whose elements are entities.
pub const ENTITY_LISTS: [(&str, EntityKind); 4] = [
    ("objectives", EntityKind::Objective),
    ("kpis", EntityKind::Kpi),
    ("problems", EntityKind::Problem),
    ("items", EntityKind::Item),
];

/// The names of [`ENTITY_LISTS`]: the top-level lists the loader streams element by element.
pub fn entity_list_names() -> Vec<&'static str> {
    ENTITY_LISTS.iter().map(|(list, _)| *list).collect()
}

/// A number for each key an entity can have in format v1: `Meta::keys` stores these, not copies of the
/// names. (A `match` on the name: the compiler switches on the length first, so it costs a comparison or two.)
fn key_index(key: &str) -> Option<u8> {
    Some(match key {
        "baseline" => 0,
        "commitments" => 1,
        "customer_facing" => 2,
        "dependencies" => 3,
        "description" => 4,
        "drivers" => 5,
        "evidence" => 6,
        "hypothesis" => 7,
        "id" => 8,
        "kpis" => 9,
        "launch" => 10,
        "name" => 11,
        "objective" => 12,
        "objectives" => 13,
        "owner" => 14,
        "problems" => 15,
        "rationale" => 16,
        "segment" => 17,
        "statement" => 18,
        "status" => 19,
        "target" => 20,
        "title" => 21,
        "type" => 22,
        "unit" => 23,
        "validation" => 24,
        "waivers" => 25,
        "when" => 26,
        _ => return None,
    })
}

/// A reference to an entity of the model: its kind and index in that kind's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EntityIdx {
    pub kind: EntityKind,
    pub index: u32,
}

impl Model {
    /// Records a document (every document, so that document indices match the file's); returns its index.
    pub fn add_doc_info(&mut self, file: FileId, root: &Node) -> u32 {
        self.documents.push(DocInfo {
            file,
            product: text_copy(root.get("product")),
            owner: text_copy(root.get("owner")),
        });
        (self.documents.len() - 1) as u32
    }

    /// Adds element `index` of the top-level list `list` (one of [`ENTITY_LISTS`]) of document `doc`.
    /// Entities without a string `id` are skipped: the schema reports them, and nothing can refer to them.
    pub fn add_entity(&mut self, file: FileId, doc: u32, list: &str, n: &mut Node) {
        let x = Extract;
        let Some(meta) = x.meta(file, doc, n) else { return };
        match list {
            "objectives" => self.objectives.push(Box::new(Objective {
                id: x.id_of(n),
                title: x.text(n.get_mut("title")),
                owner: x.text(n.get_mut("owner")),
                meta,
            })),
            "kpis" => self.kpis.push(Box::new(x.kpi(n, meta))),
            "problems" => self.problems.push(Box::new(x.problem(n, meta))),
            "items" => self.items.push(Box::new(x.item(n, meta))),
            _ => {}
        }
    }

    /// Drops the entities of documents `n` and later (a document cut short by a fatal YAML error).
    pub fn retain_documents_below(&mut self, n: u32) {
        self.objectives.retain(|e| e.meta.doc < n);
        self.kpis.retain(|e| e.meta.doc < n);
        self.problems.retain(|e| e.meta.doc < n);
        self.items.retain(|e| e.meta.doc < n);
    }

    /// The models of several files as one, in order. Entities are boxed, so this moves pointers, not the
    /// entities (copying 200 files' entities into one vector was ~5 MB of fresh memory on one thread); and
    /// their document index is the file's own (see [`Meta::doc`]), so nothing in them changes.
    pub fn concat(models: Vec<Model>) -> Model {
        let mut all = Model::default();
        all.documents.reserve(models.iter().map(|m| m.documents.len()).sum());
        all.objectives.reserve(models.iter().map(|m| m.objectives.len()).sum());
        all.kpis.reserve(models.iter().map(|m| m.kpis.len()).sum());
        all.problems.reserve(models.iter().map(|m| m.problems.len()).sum());
        all.items.reserve(models.iter().map(|m| m.items.len()).sum());
        for m in models {
            all.documents.extend(m.documents);
            all.objectives.extend(m.objectives);
            all.kpis.extend(m.kpis);
            all.problems.extend(m.problems);
            all.items.extend(m.items);
        }
        all
    }

    /// The document an entity is in.
    pub fn document(&self, meta: &Meta) -> Option<&DocInfo> {
        // Documents are in file order: the file's first one, then its own index.
        let first = self.documents.partition_point(|d| d.file < meta.file);
        self.documents.get(first + meta.doc as usize).filter(|d| d.file == meta.file)
    }

    /// The id and location of an entity.
    pub fn meta(&self, e: EntityIdx) -> (&str, &Meta) {
        let i = e.index as usize;
        match e.kind {
            EntityKind::Objective => (&self.objectives[i].id, &self.objectives[i].meta),
            EntityKind::Kpi => (&self.kpis[i].id, &self.kpis[i].meta),
            EntityKind::Problem => (&self.problems[i].id, &self.problems[i].meta),
            _ => (&self.items[i].id, &self.items[i].meta),
        }
    }

    /// Every entity, in document order within each kind.
    pub fn entities(&self) -> impl Iterator<Item = EntityIdx> + '_ {
        let n = |kind, len: usize| (0..len as u32).map(move |index| EntityIdx { kind, index });
        n(EntityKind::Objective, self.objectives.len())
            .chain(n(EntityKind::Kpi, self.kpis.len()))
            .chain(n(EntityKind::Problem, self.problems.len()))
            .chain(n(EntityKind::Item, self.items.len()))
    }

    pub fn entity(&self, e: EntityIdx) -> Entity {
        Entity::new(e.kind, self.meta(e).0)
    }

    pub fn len(&self) -> usize {
        self.objectives.len() + self.kpis.len() + self.problems.len() + self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Builds entities from element nodes of one file, taking their strings.
struct Extract;

// The element node is dropped once its entity is built, so its strings are taken, not copied (see [`Str`]).
impl Extract {
    fn item(&self, n: &mut Node, meta: Meta) -> Item {
        let mut it = Item {
            id: Str::default(),
            meta,
            title: None,
            item_type: ItemType::Feature,
            status: None,
            owner: None,
            when: None,
            objectives: Box::default(),
            problems: Box::default(),
            kpis: Box::default(),
            drivers: Box::default(),
            rationale: None,
            hypothesis: None,
            validation: Box::default(),
            dependencies: Box::default(),
            customer_facing: None,
            launch: None,
            commitments: Box::default(),
        };
        for (key, v) in entries(n) {
            match key {
                "id" => it.id = self.take_str(v).unwrap_or_default(),
                "title" => it.title = self.text(Some(v)),
                "type" => it.item_type = v.as_str().and_then(ItemType::parse).unwrap_or(ItemType::Feature),
                "status" => it.status = v.as_str().and_then(Status::parse),
                "owner" => it.owner = self.text(Some(v)),
                "when" => it.when = self.text(Some(v)),
                "objectives" => it.objectives = self.refs(Some(v)),
                "problems" => it.problems = self.refs(Some(v)),
                "kpis" => it.kpis = self.refs(Some(v)),
                "drivers" => it.drivers = list(Some(v), |d| d.as_str().and_then(Driver::parse)),
                "rationale" => it.rationale = self.text(Some(v)),
                "hypothesis" => it.hypothesis = self.text(Some(v)),
                "validation" => {
                    it.validation = seq(Some(v))
                        .map(|v| Validation {
                            kind: self.text(v.get_mut("kind")),
                            date: date(v.get("date")),
                            span: v.span,
                        })
                        .collect()
                }
                "dependencies" => {
                    it.dependencies = list(Some(v), |d| {
                        Some(Dependency {
                            team: d.get_mut("team").and_then(|t| self.take_str(t))?,
                            acknowledged: d.get("acknowledged").and_then(Node::as_bool).unwrap_or(false),
                            note: self.text(d.get_mut("note")),
                            span: d.span,
                        })
                    })
                }
                "customer_facing" => it.customer_facing = v.as_bool(),
                "launch" if v.as_map().is_some() => {
                    it.launch = Some(Launch {
                        marketing: present_text(v.get("marketing")),
                        sales: present_text(v.get("sales")),
                        support: present_text(v.get("support")),
                        docs: present_text(v.get("docs")),
                        span: v.span,
                    })
                }
                "commitments" => {
                    it.commitments = list(Some(v), |c| {
                        Some(Commitment {
                            to: c.get_mut("to").and_then(|t| self.take_str(t))?,
                            external: c.get("external").and_then(Node::as_bool).unwrap_or(true),
                            date: date(c.get("date")),
                            span: c.span,
                        })
                    })
                }
                _ => {}
            }
        }
        it
    }

    fn kpi(&self, n: &mut Node, meta: Meta) -> Kpi {
        let mut k = Kpi {
            id: Str::default(),
            meta,
            name: None,
            objective: None,
            problems: Box::default(),
            has_baseline: false,
            has_target: false,
            owner: None,
            unit: None,
        };
        for (key, v) in entries(n) {
            match key {
                "id" => k.id = self.take_str(v).unwrap_or_default(),
                "name" => k.name = self.text(Some(v)),
                "objective" => k.objective = self.reference(v),
                "problems" => k.problems = self.refs(Some(v)),
                "baseline" => k.has_baseline = present(Some(v)),
                "target" => k.has_target = present(Some(v)),
                "owner" => k.owner = self.text(Some(v)),
                "unit" => k.unit = self.text(Some(v)),
                _ => {}
            }
        }
        k
    }

    fn problem(&self, n: &mut Node, meta: Meta) -> Problem {
        let mut p = Problem { id: Str::default(), meta, statement: None, segment: None, evidence: Box::default() };
        for (key, v) in entries(n) {
            match key {
                "id" => p.id = self.take_str(v).unwrap_or_default(),
                "statement" => p.statement = self.text(Some(v)),
                "segment" => p.segment = self.text(Some(v)),
                "evidence" => {
                    p.evidence = list(Some(v), |e| {
                        Some(Evidence {
                            kind: e.get("kind").and_then(Node::as_str).and_then(EvidenceKind::parse),
                            date: date(e.get("date")),
                            span: e.span,
                        })
                    })
                }
                _ => {}
            }
        }
        p
    }

    /// Takes a string value out of the node.
    fn take_str(&self, n: &mut Node) -> Option<Str> {
        match &mut n.value {
            Value::Str(s) => Some(Str::from(std::mem::take(s))),
            _ => None,
        }
    }

    /// A non-blank string value, taken out of the node.
    fn text(&self, n: Option<&mut Node>) -> Option<Str> {
        let n = n?;
        if n.as_str()?.trim().is_empty() {
            return None;
        }
        self.take_str(n)
    }

    fn id_of(&self, n: &mut Node) -> Str {
        n.get_mut("id").and_then(|n| self.take_str(n)).unwrap_or_default()
    }

    fn reference(&self, n: &mut Node) -> Option<Ref> {
        if n.as_str()?.is_empty() {
            return None;
        }
        let span = n.span;
        Some(Ref { id: self.take_str(n)?, span, target: None })
    }

    fn refs(&self, n: Option<&mut Node>) -> Box<[Ref]> {
        list(n, |n| self.reference(n))
    }

    fn meta(&self, file: FileId, doc: u32, n: &mut Node) -> Option<Meta> {
        let id = n.get("id")?;
        id.as_str().filter(|s| !s.is_empty())?;
        let id_span = id.span;
        // Sized for all entries (most are format keys): collecting from a filter would grow it from four.
        let entries = n.as_map()?;
        let mut keys = Vec::with_capacity(entries.len());
        keys.extend(entries.iter().filter_map(|e| key_index(&e.key).map(|k| KeySpan::new(k, e.key_span))));
        let keys = keys.into_boxed_slice();
        let waivers: Vec<Waiver> = seq(n.get_mut("waivers"))
            .enumerate()
            .filter_map(|(i, w)| {
                let rule = w.get_mut("rule")?;
                let rule_span = rule.span;
                Some(Waiver {
                    rule: self.take_str(rule)?,
                    rule_span,
                    reason: self.text(w.get_mut("reason")).unwrap_or_default(),
                    expires: date(w.get("expires")),
                    approved_by: self.text(w.get_mut("approved_by")),
                    span: w.span,
                    index: i as u32,
                })
            })
            .collect();
        let waivers = (!waivers.is_empty()).then(|| Box::new(waivers));
        Some(Meta { file, doc, span: n.span, id_span, keys, waivers })
    }
}

/// The keys and values of a mapping node (none for anything else). Entities are read in one pass over
/// these, not one search per field; the loader keeps only the first of repeated keys, so the order in
/// which fields are met does not matter.
fn entries(n: &mut Node) -> impl Iterator<Item = (&str, &mut Node)> {
    let entries = match &mut n.value {
        Value::Map(entries) => &mut entries[..],
        _ => &mut [],
    };
    entries.iter_mut().map(|e| (&*e.key, &mut e.value))
}

fn seq(n: Option<&mut Node>) -> std::slice::IterMut<'_, Node> {
    match n.map(|n| &mut n.value) {
        Some(Value::Seq(items)) => items.iter_mut(),
        _ => [].iter_mut(),
    }
}

/// A non-blank string value, copied (documents are still needed after this).
fn text_copy(n: Option<&Node>) -> Option<String> {
    n.and_then(Node::as_str).filter(|s| !s.trim().is_empty()).map(str::to_owned)
}

/// Whether a non-blank string value is there.
fn present_text(n: Option<&Node>) -> bool {
    n.and_then(Node::as_str).is_some_and(|s| !s.trim().is_empty())
}

fn present(n: Option<&Node>) -> bool {
    match n.map(|n| &n.value) {
        None | Some(Value::Null) => false,
        Some(Value::Str(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

fn date(n: Option<&Node>) -> Option<Date> {
    n.and_then(Node::as_str).and_then(Date::parse)
}

/// The elements `f` accepts, in a vector sized for all of them: `filter_map(..).collect()` would start at
/// four and double, and a model keeps hundreds of thousands of short lists (most of one element). Boxed:
/// a list is never added to once built, and a box is 8 bytes smaller than a vector.
fn list<T>(n: Option<&mut Node>, f: impl FnMut(&mut Node) -> Option<T>) -> Box<[T]> {
    let elements = seq(n);
    let mut out = Vec::with_capacity(elements.len());
    out.extend(elements.filter_map(f));
    out.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_entity_key_has_its_own_number() {
        let keys = [
            "baseline",
            "commitments",
            "customer_facing",
            "dependencies",
            "description",
            "drivers",
            "evidence",
            "hypothesis",
            "id",
            "kpis",
            "launch",
            "name",
            "objective",
            "objectives",
            "owner",
            "problems",
            "rationale",
            "segment",
            "statement",
            "status",
            "target",
            "title",
            "type",
            "unit",
            "validation",
            "waivers",
            "when",
        ];
        let mut seen = std::collections::HashSet::new();
        for k in keys {
            assert!(seen.insert(super::key_index(k).expect(k)), "{k} shares a number");
        }
        assert_eq!(super::key_index("x-jira"), None);
        assert_eq!(super::key_index("problmes"), None);
    }

    #[test]
    fn concatenated_files_keep_each_entity_in_its_own_document() {
        use crate::load::yaml::{self, Limits};
        // Two files of two documents each; every item is owned by its document's owner.
        let file = |f: u32, owners: [&str; 2]| {
            let text = format!(
                "version: 1\nowner: {}\nitems:\n  - id: I-{f}-0\n---\nversion: 1\nowner: {}\nitems:\n  - id: I-{f}-1\n",
                owners[0], owners[1]
            );
            let mut model = super::Model::default();
            for (d, doc) in yaml::parse(&text, Limits::default()).documents.into_iter().enumerate() {
                model.add_doc_info(f, &doc.root);
                let mut root = doc.root;
                let Some(crate::load::Value::Seq(items)) = root.get_mut("items").map(|n| &mut n.value) else {
                    panic!("items")
                };
                for n in items {
                    model.add_entity(f, d as u32, "items", n);
                }
            }
            model
        };
        let all = super::Model::concat(vec![file(0, ["a0", "a1"]), file(1, ["b0", "b1"])]);
        let owners: Vec<_> =
            all.items.iter().map(|it| (&*it.id, all.document(&it.meta).and_then(|d| d.owner.as_deref()))).collect();
        assert_eq!(
            owners,
            [("I-0-0", Some("a0")), ("I-0-1", Some("a1")), ("I-1-0", Some("b0")), ("I-1-1", Some("b1"))]
        );
    }
}
