//! Inline SVG charts, generated here (no script, no library): a score ring, meters, horizontal stacked
//! bars and the traceability map. Every text is escaped; every chart has `role="img"`, a `<title>` and an
//! `aria-label`.

use std::fmt::Write as _;

use super::graph::{Graph, Node, COLUMNS};
use super::html::esc;
use crate::finding::Severity;

pub const ERROR: &str = "#b42318";
pub const WARNING: &str = "#d08a1e";
pub const INFO: &str = "#98a2b3";
pub const GOOD: &str = "#1f7a4d";
pub const TRACK: &str = "#e6e9ef";
pub const INK: &str = "#1d2433";
pub const MUTED: &str = "#5b6475";

/// Gap colours (listening, design, delivery, communication, structure): muted, distinguishable, and
/// readable in greyscale print by their order in the legend.
pub const GAP_COLORS: [&str; 5] = ["#2f6f9f", "#6b4fa0", "#2b8a6e", "#b5651d", "#7b8494"];

fn open(s: &mut String, w: f64, h: f64, class: &str, label: &str) {
    let stretch = if class == "meter" { " preserveAspectRatio=\"none\"" } else { "" };
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" viewBox=\"0 0 {w} {h}\"{stretch} role=\"img\" \
         aria-label=\"{l}\"><title>{l}</title>",
        l = esc(label)
    );
}

/// A ring for a 0–100 score (the page writes the number in its middle).
pub fn score_ring(value: Option<u32>, label: &str) -> String {
    let mut s = String::new();
    open(&mut s, 120.0, 120.0, "ring", label);
    let r = 48.0;
    let c = 2.0 * std::f64::consts::PI * r;
    let _ = write!(s, "<circle cx=\"60\" cy=\"60\" r=\"{r}\" fill=\"none\" stroke=\"{TRACK}\" stroke-width=\"12\"/>");
    if let Some(v) = value {
        let color = if v >= 80 {
            GOOD
        } else if v >= 50 {
            WARNING
        } else {
            ERROR
        };
        let len = c * f64::from(v.min(100)) / 100.0;
        let _ = write!(
            s,
            "<circle cx=\"60\" cy=\"60\" r=\"{r}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"12\" \
             stroke-dasharray=\"{len:.2} {c:.2}\" transform=\"rotate(-90 60 60)\"/>"
        );
    }
    s.push_str("</svg>");
    s
}

/// A thin bar showing a share; red-toned when lower is better.
pub fn meter(ratio: Option<f64>, lower_is_better: bool, label: &str) -> String {
    let mut s = String::new();
    open(&mut s, 100.0, 6.0, "meter", label);
    let _ = write!(s, "<rect width=\"100\" height=\"6\" rx=\"3\" fill=\"{TRACK}\"/>");
    if let Some(r) = ratio {
        let color = if lower_is_better { ERROR } else { "#2f4b7c" };
        let _ =
            write!(s, "<rect width=\"{:.2}\" height=\"6\" rx=\"3\" fill=\"{color}\"/>", (r * 100.0).clamp(0.0, 100.0));
    }
    s.push_str("</svg>");
    s
}

/// One row of a stacked bar chart.
pub struct BarRow {
    pub label: String,
    pub values: Vec<usize>,
}

/// Horizontal stacked bars with a legend; the total is written at the end of each bar.
pub fn stacked_bars(label: &str, rows: &[BarRow], series: &[(&str, &str)], width: f64) -> String {
    let label_w = 190.0;
    let total_w = 44.0;
    let row_h = 26.0;
    let legend_h = if series.len() > 1 { 26.0 } else { 0.0 };
    let bar_w = width - label_w - total_w;
    let max = rows.iter().map(|r| r.values.iter().sum::<usize>()).max().unwrap_or(0).max(1) as f64;
    let h = legend_h + row_h * rows.len().max(1) as f64 + 4.0;
    let mut s = String::new();
    open(&mut s, width, h, "bars", label);
    if series.len() > 1 {
        let mut x = label_w;
        for (name, color) in series {
            let _ = write!(
                s,
                "<rect x=\"{x}\" y=\"5\" width=\"11\" height=\"11\" rx=\"2\" fill=\"{color}\"/>\
                 <text x=\"{}\" y=\"14.5\" font-size=\"12\" fill=\"{MUTED}\">{}</text>",
                x + 16.0,
                esc(name)
            );
            x += 30.0 + 7.0 * name.chars().count() as f64;
        }
    }
    for (i, row) in rows.iter().enumerate() {
        let y = legend_h + row_h * i as f64;
        let total: usize = row.values.iter().sum();
        let _ = write!(
            s,
            "<g><title>{}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12.5\" fill=\"{INK}\">{}</text>",
            esc(&format!(
                "{}: {}",
                row.label,
                series
                    .iter()
                    .zip(&row.values)
                    .map(|((n, _), v)| format!("{v} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            label_w - 10.0,
            y + 17.0,
            esc(&super::graph::truncate(&row.label, 26))
        );
        let _ = write!(
            s,
            "<rect x=\"{label_w}\" y=\"{}\" width=\"{bar_w}\" height=\"16\" rx=\"2\" fill=\"#f1f3f6\"/>",
            y + 4.0
        );
        let mut x = label_w;
        for (v, (_, color)) in row.values.iter().zip(series) {
            if *v == 0 {
                continue;
            }
            let w = bar_w * *v as f64 / max;
            let _ = write!(s, "<rect x=\"{x:.2}\" y=\"{}\" width=\"{w:.2}\" height=\"16\" fill=\"{color}\"/>", y + 4.0);
            x += w;
        }
        let _ = write!(
            s,
            "<text x=\"{:.2}\" y=\"{}\" font-size=\"12.5\" font-weight=\"600\" fill=\"{INK}\">{total}</text></g>",
            x + 6.0,
            y + 17.0
        );
    }
    s.push_str("</svg>");
    s
}

/// Fill and stroke of a map node by the most serious finding on its entity.
fn node_colors(worst: Option<Severity>) -> (&'static str, &'static str) {
    match worst {
        Some(Severity::Error) => ("#fdecea", ERROR),
        Some(Severity::Warning) => ("#fdf3e1", WARNING),
        Some(Severity::Info) => ("#f2f4f7", INFO),
        None => ("#eef6f1", "#7fb89a"),
    }
}

/// The traceability map: four columns (objectives, KPIs, problems, items), links as curves, broken links
/// dashed red to "missing" nodes. Node order follows the links (each node near the mean position of what it
/// links to upstream), so lines cross less; everything stays linear-logarithmic in the roadmap's size.
pub fn trace_map(g: &Graph, worst: &dyn Fn(&Node) -> Option<Severity>, label: &str) -> String {
    const NODE_W: f64 = 236.0;
    const NODE_H: f64 = 24.0;
    const PITCH: f64 = 30.0;
    const TOP: f64 = 34.0;
    const COL_X: [f64; 4] = [0.0, 288.0, 576.0, 864.0];
    let width = COL_X[3] + NODE_W;

    // Neighbours (either direction) of every node.
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); g.nodes.len()];
    for e in &g.edges {
        adj[e.from].push(e.to);
        adj[e.to].push(e.from);
    }
    // Order each column by the mean position of its upstream neighbours (0..1); unlinked nodes last.
    let mut pos: Vec<f64> = vec![f64::NAN; g.nodes.len()];
    let mut cols: Vec<Vec<usize>> = Vec::with_capacity(4);
    for col in 0..4 {
        let mut nodes: Vec<(f64, usize)> = g
            .column(col)
            .map(|i| {
                let key = if g.nodes[i].missing() {
                    f64::INFINITY
                } else {
                    // Nearest upstream column with a placed neighbour.
                    (0..col)
                        .rev()
                        .find_map(|c| {
                            let ps: Vec<f64> = adj[i]
                                .iter()
                                .filter(|&&j| g.nodes[j].col == c)
                                .map(|&j| pos[j])
                                .filter(|p| !p.is_nan())
                                .collect();
                            (!ps.is_empty()).then(|| ps.iter().sum::<f64>() / ps.len() as f64)
                        })
                        .unwrap_or(if col == 0 { 0.0 } else { 2.0 })
                };
                (key, i)
            })
            .collect();
        nodes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let n = nodes.len() as f64;
        for (rank, (_, i)) in nodes.iter().enumerate() {
            pos[*i] = (rank as f64 + 0.5) / n;
        }
        cols.push(nodes.into_iter().map(|(_, i)| i).collect());
    }
    let most = cols.iter().map(Vec::len).max().unwrap_or(0).max(1) as f64;
    let span = most * PITCH;
    let height = TOP + span + 6.0;
    let mut y = vec![0.0; g.nodes.len()];
    for col in &cols {
        let slot = span / col.len().max(1) as f64;
        for (rank, &i) in col.iter().enumerate() {
            y[i] = TOP + slot * (rank as f64 + 0.5) - NODE_H / 2.0;
        }
    }

    let mut s = String::new();
    open(&mut s, width, height, "map", label);
    for (c, (_, title)) in COLUMNS.iter().enumerate() {
        let n = cols[c].iter().filter(|&&i| !g.nodes[i].missing()).count();
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"16\" font-size=\"12\" font-weight=\"700\" fill=\"{MUTED}\" letter-spacing=\"0.06em\">{} ({n})</text>",
            COL_X[c],
            title.to_uppercase()
        );
    }
    // Links under the nodes: normal, then skipping a column (lighter), then broken (red, dashed) on top.
    let mut paths = [String::new(), String::new(), String::new()];
    for e in &g.edges {
        let (a, b) = if g.nodes[e.from].col <= g.nodes[e.to].col { (e.from, e.to) } else { (e.to, e.from) };
        let (ca, cb) = (g.nodes[a].col, g.nodes[b].col);
        let (x1, y1) = (COL_X[ca] + NODE_W, y[a] + NODE_H / 2.0);
        let (x2, y2) =
            if ca == cb { (COL_X[cb] + NODE_W, y[b] + NODE_H / 2.0) } else { (COL_X[cb], y[b] + NODE_H / 2.0) };
        let mx = if ca == cb { x1 + 40.0 } else { (x1 + x2) / 2.0 };
        let d = format!("M{x1:.1} {y1:.1}C{mx:.1} {y1:.1} {mx:.1} {y2:.1} {x2:.1} {y2:.1}");
        let which = if e.broken {
            2
        } else if cb > ca + 1 {
            1
        } else {
            0
        };
        if e.broken {
            let holder = &g.nodes[e.from];
            let missing = &g.nodes[e.to];
            let kind = ["objective", "KPI", "problem", "item"][missing.col];
            let _ = write!(
                paths[2],
                "<path d=\"{d}\"><title>{}</title></path>",
                esc(&format!("{} links {kind} {}, which no file defines", holder.id, missing.id))
            );
        } else {
            let _ = write!(paths[which], "<path d=\"{d}\"/>");
        }
    }
    let _ = write!(
        s,
        "<g fill=\"none\" stroke=\"#9aa6b8\" stroke-width=\"1.1\" opacity=\"0.8\">{}</g>\
         <g fill=\"none\" stroke=\"#b9c7dc\" stroke-width=\"1\" opacity=\"0.8\">{}</g>\
         <g fill=\"none\" stroke=\"{ERROR}\" stroke-width=\"1.6\" stroke-dasharray=\"5 3\">{}</g>",
        paths[0], paths[1], paths[2]
    );
    for (i, n) in g.nodes.iter().enumerate() {
        let (x, yy) = (COL_X[n.col], y[i]);
        let (fill, stroke, dash, ink) = if n.missing() {
            ("#ffffff", ERROR, " stroke-dasharray=\"4 3\"", ERROR)
        } else {
            let (f, st) = node_colors(worst(n));
            (f, st, "", INK)
        };
        let full = super::graph::node_text(n);
        let (id, rest) = if n.missing() {
            (format!("missing: {}", n.id), String::new())
        } else {
            (n.id.clone(), n.label.clone().unwrap_or_default())
        };
        let room = NODE_W - 14.0;
        let id_short = fit(&id, room, true);
        let left = room - text_width(&id_short, true) - 4.0;
        let rest_short = if left >= 30.0 { fit(&rest, left, false) } else { String::new() };
        let tip = match worst(n) {
            Some(sev) if !n.missing() => format!("{full} (most serious finding: {sev})"),
            _ => full,
        };
        let _ = write!(
            s,
            "<g><title>{}</title><rect x=\"{x}\" y=\"{yy:.1}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"4\" \
             fill=\"{fill}\" stroke=\"{stroke}\"{dash}/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" fill=\"{ink}\">\
             <tspan font-weight=\"700\">{}</tspan>{}</text></g>",
            esc(&tip),
            x + 7.0,
            yy + 15.5,
            esc(&id_short),
            if rest_short.is_empty() { String::new() } else { format!(" {}", esc(&rest_short)) }
        );
    }
    s.push_str("</svg>");
    s
}

/// Approximate width in pixels of `s` at 11px in a common sans-serif (DejaVu/Liberation/Helvetica),
/// erring wide, so labels fit their boxes without measuring fonts.
fn text_width(s: &str, bold: bool) -> f64 {
    let w: f64 = s
        .chars()
        .map(|c| match c {
            ' ' => 3.6,
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 3.4,
            'f' | 't' | 'r' | '(' | ')' | '-' => 4.6,
            'm' | 'w' => 9.6,
            'M' | 'W' => 10.6,
            c if c.is_ascii_uppercase() || c.is_ascii_digit() => 7.6,
            c if c.is_ascii_lowercase() => 6.5,
            _ => 7.8,
        })
        .sum();
    if bold {
        w * 1.1
    } else {
        w
    }
}

/// The longest prefix of `s` (whitespace runs collapsed) that fits in `max` pixels, with `…` when cut.
fn fit(s: &str, max: f64, bold: bool) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if text_width(&flat, bold) <= max {
        return flat;
    }
    let budget = max - text_width("…", bold);
    let mut out = String::new();
    let mut w = 0.0;
    for c in flat.chars() {
        let cw = text_width(c.encode_utf8(&mut [0; 4]), bold);
        if w + cw > budget {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}
