//! The Markdown report: the same metrics and tables as the HTML page, without charts, for wikis and pull
//! request comments (GitHub-flavoured tables). Roadmap text is escaped so it stays text: `|` cannot break
//! a table, and HTML or Markdown syntax in a title is shown, not interpreted.

use std::fmt::Write as _;

use super::aggregate::{self, Group, Row, SECTIONS, STRUCTURE};
use super::html::ratio_detail;
use super::metrics::{percent_text, RATIOS};
use super::Report;
use crate::finding::EntityKind;

/// Escapes text for a Markdown table cell or paragraph.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' | '*' | '_' | '`' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A link to `file:line`; the target is percent-encoded already, `(` and `)` included.
fn where_link(r: &Report<'_>, file: crate::load::FileId, line: u32) -> String {
    let href = r.href(file, line).replace('(', "%28").replace(')', "%29");
    format!("[{}:{line}]({href})", md(r.path(file)))
}

fn entity_text(kind: EntityKind, id: Option<&str>) -> String {
    match (kind, id) {
        (EntityKind::Document, _) | (_, None) => "the file".to_owned(),
        (k, Some(id)) => format!("{} {}", k.noun(), md(id)),
    }
}

/// Findings listed per section (a pull request comment holds at most 65,536 characters).
pub const MAX_ROWS: usize = 50;

pub fn render(r: &Report<'_>) -> String {
    let m = &r.metrics;
    let a = &r.agg;
    let mut s = String::with_capacity(32 * 1024);
    let _ = writeln!(s, "# {}\n\n{}\n", md(&r.title()), md(&r.subtitle()));

    s.push_str("## At a glance\n\n| Metric | Value | Measured on |\n|---|---:|---|\n");
    let hs = &m.health_score;
    let _ = writeln!(
        s,
        "| Health score [1] | {} / 100 | {} audited entities |",
        hs.value.map_or_else(|| "–".to_owned(), |v| v.to_string()),
        hs.entities
    );
    for (key, label, lower) in RATIOS {
        let ratio = m.ratio(key);
        let _ = writeln!(
            s,
            "| {label} [{}] | {} | {}{} |",
            2 + RATIOS.iter().position(|(k, _, _)| *k == key).unwrap_or(0),
            ratio.percent_text(),
            md(&ratio_detail(key, ratio)),
            if lower { " (lower is better)" } else { "" }
        );
    }
    let c = &m.findings;
    let _ = writeln!(
        s,
        "| Findings [8] | {} | {} errors, {} warnings, {} infos |\n",
        c.total, c.errors, c.warnings, c.infos
    );

    s.push_str("## In brief\n\n");
    for line in r.brief() {
        let _ = writeln!(s, "- {}", md(&line));
    }
    s.push('\n');

    if let Some(c) = &r.comparison {
        let since = c.previous_as_of.as_deref().map_or_else(|| c.path.clone(), |d| format!("the audit of {d}"));
        let _ = writeln!(s, "## Trend since {}\n\nCompared with `{}`.\n", md(&since), c.path.replace('`', "'"));
        if c.has_metrics {
            s.push_str("| Metric | Before | Now | Change |\n|---|---:|---:|---:|\n");
            for d in &c.deltas {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    d.label,
                    d.value_text(d.before),
                    d.value_text(d.after),
                    d.change_text()
                );
            }
            s.push('\n');
        } else {
            s.push_str("That file carries no metrics, so only findings are compared.\n\n");
        }
        let _ = writeln!(s, "### New findings ({})\n", c.new.len());
        if c.new.is_empty() {
            s.push_str("No new finding.\n\n");
        } else {
            let rows: Vec<&Row<'_>> = c.new.iter().map(|&i| &a.rows[i]).collect();
            findings_table(&mut s, r, &rows);
        }
        let _ = writeln!(s, "### Fixed findings ({})\n", c.fixed.len());
        if c.fixed.is_empty() {
            s.push_str("No finding of the previous audit is gone.\n\n");
        } else {
            s.push_str("| Severity | Rule | Finding | Was at |\n|---|---|---|---|\n");
            for f in &c.fixed {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {}:{} |",
                    f.severity,
                    md(&f.rule),
                    md(&f.message),
                    md(&f.file),
                    f.line
                );
            }
            s.push('\n');
        }
    }

    s.push_str("## The four gaps\n\n| Gap | What it means | Errors | Warnings | Infos | Total |\n|---|---|---:|---:|---:|---:|\n");
    for sec in 0..SECTIONS {
        let v = &a.sections[sec];
        let _ = writeln!(
            s,
            "| [{}](#{}) | {} | {} | {} | {} | {} |",
            aggregate::section_title(sec),
            anchor(aggregate::section_title(sec)),
            md(&aggregate::section_meaning(sec)),
            v.errors,
            v.warnings,
            v.infos,
            v.total()
        );
    }
    s.push('\n');

    s.push_str("## Top risks\n\nDelivering items (committed or in progress) with the most serious findings.\n\n");
    if a.risks.is_empty() {
        s.push_str("No delivering item has a finding.\n\n");
    } else {
        s.push_str("| Item | Title | Status | Owner | Product | Errors | Warnings | Rules | Where |\n|---|---|---|---|---|---:|---:|---|---|\n");
        for k in &a.risks {
            let it = &r.audit.model.items[k.item];
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                md(&it.id),
                md(it.title.as_deref().unwrap_or("")),
                it.status.map_or("", |x| x.as_str()),
                md(&a.owners[k.owner].name),
                md(&a.products[k.product].name),
                k.sev.errors,
                k.sev.warnings,
                k.rules.iter().map(|x| md(x)).collect::<Vec<_>>().join(", "),
                where_link(r, k.file, k.line)
            );
        }
        s.push('\n');
        if a.risky_items > a.risks.len() {
            let _ = writeln!(s, "The {} most serious of {} such items.\n", a.risks.len(), a.risky_items);
        }
    }

    s.push_str("## Teams and owners\n\n### By product\n\n");
    group_table(&mut s, "Product", &a.products, &a.product_order);
    s.push_str("### By owner\n\n");
    group_table(&mut s, "Owner", &a.owners, &a.owner_order);

    for sec in 0..SECTIONS {
        let v = &a.sections[sec];
        let _ = writeln!(s, "## {}\n\n{}\n", aggregate::section_title(sec), md(&aggregate::section_meaning(sec)));
        if v.total() == 0 {
            s.push_str("No finding.\n\n");
            continue;
        }
        let mut rows: Vec<&Row<'_>> = a.rows.iter().filter(|x| x.section == sec).collect();
        rows.sort_by_key(|x| std::cmp::Reverse(x.finding.severity));
        let shown = rows.len().min(MAX_ROWS);
        findings_table(&mut s, r, &rows[..shown]);
        if rows.len() > shown {
            let _ =
                writeln!(s, "… and {} more in this gap; `roadmap-audit` lists every finding.\n", rows.len() - shown);
        }
    }

    s.push_str("## Traceability\n\n");
    let g = &r.graph;
    let broken: Vec<_> = g.broken().collect();
    let _ = writeln!(
        s,
        "{} links between objectives, KPIs, problems and items; {} broken. `roadmap-audit graph --format mermaid` \
         prints the map.\n",
        g.edges.len() - broken.len(),
        broken.len()
    );
    if !broken.is_empty() {
        let kinds = ["objective", "KPI", "problem", "item"];
        for e in broken.iter().take(MAX_ROWS) {
            let (from, to) = (&g.nodes[e.from], &g.nodes[e.to]);
            let _ = writeln!(
                s,
                "- {} {} links {} {}, which no audited file defines",
                kinds[from.col],
                md(&from.id),
                kinds[to.col],
                md(&to.id)
            );
        }
        s.push('\n');
    }

    s.push_str("## Items by status\n\n| Status | Items |\n|---|---:|\n");
    for (st, n) in &a.statuses {
        let _ = writeln!(s, "| {st} | {n} |");
    }
    s.push('\n');

    s.push_str("## Findings by rule\n\n");
    if a.rules.is_empty() {
        s.push_str("No finding.\n\n");
    } else {
        s.push_str(
            "| Rule | What it flags | Gap | Errors | Warnings | Infos | Total |\n|---|---|---|---:|---:|---:|---:|\n",
        );
        for x in &a.rules {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md(&x.id),
                md(&x.title),
                aggregate::section_key(x.section),
                x.sev.errors,
                x.sev.warnings,
                x.sev.infos,
                x.sev.total()
            );
        }
        s.push('\n');
    }

    s.push_str("## Definitions\n\n");
    let _ = writeln!(s, "1. **Health score.** {}", md(&m.health_score.formula));
    for (i, (key, label, _)) in RATIOS.iter().enumerate() {
        let ratio = m.ratio(key);
        let _ = writeln!(
            s,
            "{}. **{label}.** {}{}",
            i + 2,
            md(&ratio.definition),
            ratio.note.as_deref().map_or_else(String::new, |n| format!(" Here: {}.", md(n)))
        );
    }
    s.push_str(
        "8. **Findings.** What the audit reports after waivers and the config's severity settings — the same findings \
         as `roadmap-audit --format json`.\n9. **Product and owner.** A finding's product is the `product` of its \
         roadmap file, else the file's path; its owner is the owner of its item or KPI (or objective), else the \
         owner of the roadmap file, else “unowned”.\n\n",
    );
    let _ =
        writeln!(s, "_Generated by roadmap-audit {} for the audit date {}._", env!("CARGO_PKG_VERSION"), md(&m.as_of));
    s
}

/// GitHub's heading anchor: lower case, spaces to `-`, punctuation dropped.
fn anchor(title: &str) -> String {
    title
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn group_table(s: &mut String, kind: &str, groups: &[Group], order: &[usize]) {
    let _ = write!(s, "| {kind} | Active items | Evidence coverage |");
    for sec in 0..SECTIONS {
        let t = aggregate::section_title(sec);
        let _ = write!(s, " {} |", if sec == STRUCTURE { "Structure" } else { &t[..t.len() - 4] });
    }
    s.push_str(" Errors | Total |\n|---|---:|---:|");
    for _ in 0..SECTIONS {
        s.push_str("---:|");
    }
    s.push_str("---:|---:|\n");
    for &i in order {
        let g = &groups[i];
        let cov = (g.active_items > 0).then(|| g.covered_items as f64 / g.active_items as f64);
        let _ = write!(s, "| {} | {} | {} |", md(&g.name), g.active_items, percent_text(cov));
        for sec in 0..SECTIONS {
            let _ = write!(s, " {} |", g.sections[sec]);
        }
        let _ = writeln!(s, " {} | {} |", g.sev.errors, g.total());
    }
    s.push('\n');
}

fn findings_table(s: &mut String, r: &Report<'_>, rows: &[&Row<'_>]) {
    s.push_str("| Severity | Rule | Finding | About | Product | Owner | Where |\n|---|---|---|---|---|---|---|\n");
    for row in rows {
        let f = row.finding;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            f.severity,
            md(&f.rule),
            md(&f.message),
            entity_text(f.entity.kind, f.entity.id.as_deref()),
            md(&r.agg.products[row.product].name),
            md(&r.agg.owners[row.owner].name),
            where_link(r, f.file, row.line)
        );
    }
    s.push('\n');
}
