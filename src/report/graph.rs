//! The traceability graph: objectives → KPIs → problems → items, with every link the roadmap writes and
//! every broken one (a reference to an id nothing defines) drawn to a "missing" node. Printed as Mermaid
//! or Graphviz dot; the HTML report draws the same graph as SVG.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::finding::EntityKind;
use crate::model::{Model, Ref, Str};

/// Columns, left to right.
pub const COLUMNS: [(&str, &str); 4] =
    [("objectives", "Objectives"), ("kpis", "KPIs"), ("problems", "Problems"), ("items", "Items")];

pub struct Node {
    /// 0 objectives, 1 KPIs, 2 problems, 3 items.
    pub col: usize,
    /// The roadmap id (or the missing id).
    pub id: String,
    /// Title, name or statement.
    pub label: Option<String>,
    /// Index in the model's list of that kind; `None` for a missing node.
    pub index: Option<usize>,
    /// Sanitised, unique id for Mermaid and dot.
    pub key: String,
}

impl Node {
    pub fn missing(&self) -> bool {
        self.index.is_none()
    }
}

pub struct Edge {
    /// Upstream node (objective side); for a broken link, the entity that holds the reference.
    pub from: usize,
    pub to: usize,
    /// The reference names an id nothing defines (`to` is a missing node).
    pub broken: bool,
}

pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

fn col_of(kind: EntityKind) -> usize {
    match kind {
        EntityKind::Objective => 0,
        EntityKind::Kpi => 1,
        EntityKind::Problem => 2,
        _ => 3,
    }
}

const PREFIX: [&str; 4] = ["o", "k", "p", "i"];
/// Mermaid class of each column's nodes.
const CLASSES: [&str; 4] = ["objective", "kpi", "problem", "item"];

impl Graph {
    pub fn build(model: &Model) -> Graph {
        let mut g = Graph { nodes: Vec::new(), edges: Vec::new() };
        let mut keys: HashMap<String, u32> = HashMap::new();
        let mut key = |prefix: &str, id: &str| {
            let base = format!("{prefix}_{}", sanitise(id));
            let n = keys.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                base
            } else {
                format!("{base}_{n}")
            }
        };
        let mut start = [0usize; 4];
        let mut add = |g: &mut Graph, col: usize, id: &str, label: Option<&Str>, index: usize| {
            g.nodes.push(Node {
                col,
                id: id.to_owned(),
                label: label.map(|l| l.to_string()),
                index: Some(index),
                key: key(PREFIX[col], id),
            });
        };
        start[0] = g.nodes.len();
        for (i, o) in model.objectives.iter().enumerate() {
            add(&mut g, 0, &o.id, o.title.as_ref(), i);
        }
        start[1] = g.nodes.len();
        for (i, k) in model.kpis.iter().enumerate() {
            add(&mut g, 1, &k.id, k.name.as_ref(), i);
        }
        start[2] = g.nodes.len();
        for (i, p) in model.problems.iter().enumerate() {
            add(&mut g, 2, &p.id, p.statement.as_ref(), i);
        }
        start[3] = g.nodes.len();
        for (i, it) in model.items.iter().enumerate() {
            add(&mut g, 3, &it.id, it.title.as_ref(), i);
        }

        // Missing nodes: one per (kind, id) that some reference names and nothing defines.
        let mut missing: HashMap<(usize, String), usize> = HashMap::new();
        let mut link = |g: &mut Graph, holder: usize, target_kind: EntityKind, r: &Ref| {
            let col = col_of(target_kind);
            match r.target {
                Some(t) => {
                    let other = start[col] + t as usize;
                    let (from, to) =
                        if g.nodes[other].col < g.nodes[holder].col { (other, holder) } else { (holder, other) };
                    g.edges.push(Edge { from, to, broken: false });
                }
                None => {
                    let m = *missing.entry((col, r.id.to_string())).or_insert_with(|| {
                        let k = format!("x_{}", key(COLUMNS[col].0, &r.id));
                        g.nodes.push(Node { col, id: r.id.to_string(), label: None, index: None, key: k });
                        g.nodes.len() - 1
                    });
                    g.edges.push(Edge { from: holder, to: m, broken: true });
                }
            }
        };
        for (i, k) in model.kpis.iter().enumerate() {
            let holder = start[1] + i;
            for r in k.objective.iter() {
                link(&mut g, holder, EntityKind::Objective, r);
            }
            for r in &k.problems {
                link(&mut g, holder, EntityKind::Problem, r);
            }
        }
        for (i, it) in model.items.iter().enumerate() {
            let holder = start[3] + i;
            for r in &it.objectives {
                link(&mut g, holder, EntityKind::Objective, r);
            }
            for r in &it.kpis {
                link(&mut g, holder, EntityKind::Kpi, r);
            }
            for r in &it.problems {
                link(&mut g, holder, EntityKind::Problem, r);
            }
        }
        g
    }

    /// The nodes of one column, in model order (missing nodes last).
    pub fn column(&self, col: usize) -> impl Iterator<Item = usize> + '_ {
        let defined = self.nodes.iter().enumerate().filter(move |(_, n)| n.col == col && !n.missing()).map(|(i, _)| i);
        let missing = self.nodes.iter().enumerate().filter(move |(_, n)| n.col == col && n.missing()).map(|(i, _)| i);
        defined.chain(missing)
    }

    pub fn broken(&self) -> impl Iterator<Item = &Edge> {
        self.edges.iter().filter(|e| e.broken)
    }

    /// `flowchart LR` with one subgraph per kind; broken links are dashed edges to red "missing" nodes.
    pub fn mermaid(&self) -> String {
        let mut s = String::from("flowchart LR\n");
        for (col, (key, title)) in COLUMNS.iter().enumerate() {
            let _ = writeln!(s, "  subgraph {key}[\"{title}\"]");
            for i in self.column(col).filter(|&i| !self.nodes[i].missing()) {
                let n = &self.nodes[i];
                let _ = writeln!(s, "    {}[\"{}\"]:::{}", n.key, mermaid_text(&node_text(n)), CLASSES[col]);
            }
            s.push_str("  end\n");
        }
        for n in self.nodes.iter().filter(|n| n.missing()) {
            let _ = writeln!(s, "  {}[\"{}\"]:::missing", n.key, mermaid_text(&node_text(n)));
        }
        for e in &self.edges {
            let arrow = if e.broken { "-.->|broken|" } else { "-->" };
            let _ = writeln!(s, "  {} {arrow} {}", self.nodes[e.from].key, self.nodes[e.to].key);
        }
        s.push_str(
            "  classDef objective fill:#e8eef7,stroke:#2f4b7c,color:#1d2433\n  \
             classDef kpi fill:#eef4ea,stroke:#3c6e47,color:#1d2433\n  \
             classDef problem fill:#f5eefa,stroke:#6b4fa0,color:#1d2433\n  \
             classDef item fill:#ffffff,stroke:#5b6475,color:#1d2433\n  \
             classDef missing fill:#fdecea,stroke:#b42318,color:#b42318,stroke-dasharray:4 3\n",
        );
        s
    }

    /// Graphviz dot, equivalent to [`Graph::mermaid`].
    pub fn dot(&self) -> String {
        let mut s = String::from(
            "digraph traceability {\n  rankdir=LR;\n  \
             node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n  \
             edge [color=\"#8a94a6\"];\n",
        );
        let fills = ["#e8eef7", "#eef4ea", "#f5eefa", "#ffffff"];
        for (col, (key, title)) in COLUMNS.iter().enumerate() {
            let _ = writeln!(s, "  subgraph cluster_{key} {{\n    label=\"{title}\";");
            for i in self.column(col).filter(|&i| !self.nodes[i].missing()) {
                let n = &self.nodes[i];
                let _ =
                    writeln!(s, "    {} [label=\"{}\", fillcolor=\"{}\"];", n.key, dot_text(&node_text(n)), fills[col]);
            }
            s.push_str("  }\n");
        }
        for n in self.nodes.iter().filter(|n| n.missing()) {
            let _ = writeln!(
                s,
                "  {} [label=\"{}\", style=\"rounded,dashed,filled\", fillcolor=\"#fdecea\", color=\"#b42318\", \
                 fontcolor=\"#b42318\"];",
                n.key,
                dot_text(&node_text(n))
            );
        }
        for e in &self.edges {
            let attrs = if e.broken { " [style=dashed, color=\"#b42318\", label=\"broken\"]" } else { "" };
            let _ = writeln!(s, "  {} -> {}{attrs};", self.nodes[e.from].key, self.nodes[e.to].key);
        }
        s.push_str("}\n");
        s
    }
}

/// What a node says: `ID: label`, or `missing KIND: ID`.
pub fn node_text(n: &Node) -> String {
    if n.missing() {
        let kind = ["objective", "KPI", "problem", "item"][n.col];
        return format!("missing {kind}: {}", n.id);
    }
    match &n.label {
        Some(l) => format!("{}: {}", n.id, truncate(l, 60)),
        None => n.id.clone(),
    }
}

/// At most `max` characters, with an ellipsis when cut; whitespace runs become one space.
pub fn truncate(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut out: String = flat.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Letters, digits and `_` only (Mermaid and dot ids); an empty id becomes `_`.
fn sanitise(id: &str) -> String {
    let s: String = id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if s.is_empty() {
        "_".to_owned()
    } else {
        s
    }
}

/// A Mermaid label inside `["…"]`: anything but plain words is written as an entity code (`#35;`), so
/// quotes, brackets, HTML and Markdown in roadmap text stay text.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric()
            || matches!(c, ' ' | '.' | ',' | ':' | '-' | '_' | '/' | '(' | ')' | '?' | '!' | '\'' | '…')
        {
            out.push(c);
        } else {
            let _ = write!(out, "#{};", c as u32);
        }
    }
    out
}

/// A dot string inside `"…"`: backslashes and quotes escaped, so escape sequences such as `\l` stay text.
fn dot_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
