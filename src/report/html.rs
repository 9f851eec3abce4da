//! The HTML report: one self-contained page (inline CSS and SVG, no script, no network, a Content Security
//! Policy that forbids both), readable on a laptop and printable to PDF. Every piece of roadmap text goes
//! through [`esc`].

use std::fmt::Write as _;

use super::aggregate::{self, Group, Row, Sev, SECTIONS, STRUCTURE};
use super::compare::{Unit, Verdict};
use super::metrics::{percent_text, Ratio, RATIOS};
use super::svg::{self, BarRow, GAP_COLORS};
use super::Report;
use crate::finding::{EntityKind, Finding, Severity};
use crate::output::plural;

/// Escapes text for HTML element content and quoted attribute values (SVG included). Control characters
/// other than tab and newline become U+FFFD.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text, then shows `quoted` spans (as the tool's messages write ids and keys) as code. Only
/// whole pairs of backticks become `<code>` elements, so the markup stays balanced whatever the text.
pub fn esc_code(s: &str) -> String {
    let e = esc(s);
    let parts: Vec<&str> = e.split('`').collect();
    if parts.len() < 3 {
        return e;
    }
    let mut out = String::with_capacity(e.len() + 16);
    let pairs = (parts.len() - 1) / 2;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            if i <= 2 * pairs {
                out.push_str(if i % 2 == 1 { "<code>" } else { "</code>" });
            } else {
                out.push('`');
            }
        }
        out.push_str(p);
    }
    out
}

const CSS: &str = r#"
:root{--ink:#1d2433;--muted:#5b6475;--line:#e3e6ec;--bg:#f5f6f8;--card:#fff;--err:#b42318;--warn:#a15c07;--info:#5b6475;--good:#1f7a4d;--accent:#2f4b7c;
--g-listening:#2f6f9f;--g-design:#6b4fa0;--g-delivery:#2b8a6e;--g-communication:#b5651d;--g-structure:#7b8494}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Liberation Sans",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 32px 56px}
a{color:var(--accent)}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
h1{font-size:25px;line-height:1.2;margin:0 0 6px;letter-spacing:-.01em}
h2{font-size:19px;margin:40px 0 10px;padding-bottom:6px;border-bottom:2px solid var(--ink)}
h3{font-size:15px;margin:24px 0 8px}
p{margin:6px 0 10px}
.muted{color:var(--muted)}
.small{font-size:12.5px}
header.top{border-bottom:1px solid var(--line);padding-bottom:14px;margin-bottom:18px}
header.top .eyebrow{font-size:12px;font-weight:700;letter-spacing:.08em;text-transform:uppercase;color:var(--muted)}
nav.toc{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px;margin-top:10px}
nav.toc a{text-decoration:none}
.glance{display:grid;grid-template-columns:1.45fr .95fr 2fr;gap:14px;margin-bottom:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.label{font-weight:650;font-size:13.5px}
.label sup a{text-decoration:none;font-weight:400;color:var(--muted);padding-left:2px}
.health{display:flex;gap:16px;align-items:center}
.ringbox{position:relative;width:112px;height:112px;flex:none}
.ringbox svg{width:112px;height:112px}
.ringbox data{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;font-size:32px}
.verdict{font-size:13px;margin-top:2px}
.health .formula{font-size:11.5px;color:var(--muted);margin:4px 0 0}
.big{font-size:30px;font-weight:700;line-height:1.15;font-variant-numeric:tabular-nums;letter-spacing:-.01em}
.unit{font-size:13px;color:var(--muted);margin-left:4px}
ul.sevs{list-style:none;padding:0;margin:8px 0 6px;display:flex;gap:18px}
ul.sevs li{display:flex;flex-direction:column}
ul.sevs .big{font-size:26px}
.sev-err{color:var(--err)}.sev-warn{color:var(--warn)}.sev-inf{color:var(--info)}
.brief ul{margin:6px 0 0;padding-left:18px}
.brief li{margin:3px 0}
.metrics{display:grid;grid-template-columns:repeat(3,1fr);gap:14px}
.metric .detail{color:var(--muted);font-size:12.5px;margin:2px 0 8px}
.metric svg.meter{display:block;width:100%;height:6px}
.metric .hint{font-size:11.5px;color:var(--muted);margin-top:6px}
.delta{font-size:12px;font-weight:600;margin-left:6px}
.better{color:var(--good)}.worse{color:var(--err)}.same,.unknown{color:var(--muted)}
.gaps{display:grid;grid-template-columns:repeat(4,1fr);gap:14px}
.gapcard{display:block;color:inherit;text-decoration:none;border-top:4px solid var(--gc)}
.gapcard .gname{font-size:12px;font-weight:700;letter-spacing:.08em;text-transform:uppercase;color:var(--gc)}
.gapcard p{font-size:12.5px;color:var(--muted);margin:6px 0 0}
.gapcard .top-rules{font-size:12px;margin-top:8px}
.g-listening{--gc:var(--g-listening)}.g-design{--gc:var(--g-design)}.g-delivery{--gc:var(--g-delivery)}.g-communication{--gc:var(--g-communication)}.g-structure{--gc:var(--g-structure)}
.chart{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.chart svg{display:block;width:100%;height:auto}
table{width:100%;border-collapse:collapse;background:var(--card);font-size:13px;border:1px solid var(--line)}
caption{text-align:left;color:var(--muted);font-size:12.5px;padding:0 0 6px;caption-side:top}
th,td{text-align:left;padding:6px 9px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
thead th{font-size:11.5px;font-weight:650;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;background:#fafbfc;white-space:nowrap}
tbody th{font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.heat{font-weight:600}
.zero{color:#b7bdc8}
.badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:11px;font-weight:700;line-height:18px;white-space:nowrap}
.badge.error{background:var(--err);color:#fff}.badge.warning{background:#f6e3c2;color:#6e3d00}.badge.info{background:#e7e9ee;color:#3f4654}
.rule{font:11.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;color:var(--muted)}
.id{font-weight:650;white-space:nowrap}
.where{min-width:15em}
.id{overflow-wrap:anywhere}
td.counts{white-space:nowrap}
td.counts .badge{margin-bottom:3px}
table.risks th[scope=row]{width:30%}
td.rules{white-space:nowrap}
table.findings td:nth-child(2){width:46%}
table.findings td:nth-child(3){width:16%}
section.gap h2{border-bottom-color:var(--gc)}
section.gap h2 .count{font-weight:400;color:var(--muted);font-size:15px}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0 12px;padding:0;list-style:none}
.chips li{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1px 9px;font-size:12px}
.none{color:var(--good);font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:12px;color:var(--muted);margin:6px 0 10px}
.sw{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:-2px;margin-right:5px;border:1px solid}
.mapwrap{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px;overflow-x:auto}
.mapwrap svg{display:block;width:100%;min-width:900px;height:auto}
ol.defs{padding-left:20px;font-size:13px}
ol.defs li{margin:6px 0}
footer{margin-top:40px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:10px}
@media (max-width:980px){.glance{grid-template-columns:1fr 1fr}.brief{grid-column:1/-1}.metrics{grid-template-columns:repeat(2,1fr)}.gaps{grid-template-columns:repeat(2,1fr)}
td.rules{white-space:normal}.where{min-width:0}.where code{overflow-wrap:anywhere}table.risks th[scope=row]{width:auto}}
@media print{
@page{size:A4;margin:14mm 12mm}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{background:#fff;font-size:10.5px}
main{max-width:none;padding:0}
nav.toc{display:none}
h2{margin-top:22px;break-after:avoid}
h3{break-after:avoid}
.card,.chart,tr,.gapcard,.mapwrap,svg{break-inside:avoid}
.glance{grid-template-columns:1fr 1fr}
.brief{grid-column:1/-1}
.metrics{grid-template-columns:repeat(3,1fr)}
.gaps{grid-template-columns:repeat(2,1fr)}
td.rules{white-space:normal}
.where{min-width:0}
.where code{overflow-wrap:anywhere}
table.risks th[scope=row]{width:auto}
table{font-size:10px}
thead th{font-size:8.5px}
.rule{font-size:9px}
.chips li{font-size:10px}
a{color:inherit;text-decoration:none}
.mapwrap{overflow:visible}
.mapwrap svg{min-width:0}
thead{display:table-header-group}
}
"#;

/// Footnote numbers of the definitions.
fn note_of(key: &str) -> usize {
    match key {
        "health_score" => 1,
        "findings" => 8,
        k => 2 + RATIOS.iter().position(|(x, _, _)| *x == k).unwrap_or(0),
    }
}

fn note(key: &str) -> String {
    format!("<sup><a href=\"#def-{key}\" aria-label=\"definition\">{}</a></sup>", note_of(key))
}

fn badge(s: Severity) -> String {
    format!("<span class=\"badge {s}\">{s}</span>")
}

fn num_cell(n: usize) -> String {
    if n == 0 {
        "<td class=\"num zero\">0</td>".to_owned()
    } else {
        format!("<td class=\"num\">{n}</td>")
    }
}

/// What a finding is about: "item GRO-110", "the file".
fn entity_text(f: &Finding) -> String {
    match (&f.entity.kind, &f.entity.id) {
        (EntityKind::Document, _) | (_, None) => "the file".to_owned(),
        (k, Some(id)) => format!("{} {id}", k.noun()),
    }
}

fn where_link(r: &Report<'_>, file: crate::load::FileId, line: u32) -> String {
    // Long paths break after a `/`, not inside a name.
    let shown = esc(r.path(file)).replace('/', "/<wbr>");
    format!("<a href=\"{}\"><code>{shown}:{line}</code></a>", esc(&r.href(file, line)))
}

pub fn render(r: &Report<'_>) -> String {
    let mut h = String::with_capacity(96 * 1024);
    let title = r.title();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"roadmap-audit {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&title)
    );
    let _ = write!(
        h,
        "<header class=\"top\">\n<div class=\"eyebrow\">Leadership audit report</div>\n<h1>{}</h1>\n<div class=\"muted\">{}</div>\n\
         <nav class=\"toc\" aria-label=\"Sections\"><a href=\"#glance\">At a glance</a>{}<a href=\"#gaps\">The four gaps</a>\
         <a href=\"#risks\">Top risks</a><a href=\"#teams\">Teams and owners</a><a href=\"#traceability\">Traceability map</a>\
         <a href=\"#status\">Items by status</a><a href=\"#rules\">By rule</a><a href=\"#definitions\">Definitions</a></nav>\n</header>\n",
        esc(&title),
        esc(&r.subtitle()),
        if r.comparison.is_some() { "<a href=\"#trend\">Trend</a>" } else { "" }
    );
    glance(&mut h, r);
    trend(&mut h, r);
    gaps(&mut h, r);
    risks(&mut h, r);
    teams(&mut h, r);
    for s in 0..SECTIONS {
        gap_section(&mut h, r, s);
    }
    traceability(&mut h, r);
    status(&mut h, r);
    rules(&mut h, r);
    definitions(&mut h, r);
    let _ = write!(
        h,
        "<footer>Generated by roadmap-audit {} for the audit date {}. This page is self-contained: no script, no \
         network access; its charts are inline SVG.</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&r.metrics.as_of)
    );
    h
}

fn delta_span(r: &Report<'_>, key: &str) -> String {
    let Some(c) = &r.comparison else { return String::new() };
    let Some(d) = c.deltas.iter().find(|d| d.key == key) else { return String::new() };
    if d.change().is_none() {
        return String::new();
    }
    format!(
        "<span class=\"delta {}\" title=\"change since the previous audit\">{}</span>",
        verdict_class(d.verdict()),
        esc(&d.change_text())
    )
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "better",
        Verdict::Worse => "worse",
        Verdict::Same => "same",
        Verdict::Unknown => "unknown",
    }
}

fn glance(h: &mut String, r: &Report<'_>) {
    let m = &r.metrics;
    let hs = &m.health_score;
    let value = hs.value.map_or_else(String::new, |v| v.to_string());
    h.push_str("<section id=\"glance\" aria-label=\"At a glance\">\n<div class=\"glance\">\n");
    let _ = writeln!(
        h,
        "<div class=\"card health\" title=\"{f}\"><div class=\"ringbox\">{ring}<data class=\"big\" data-metric=\"health_score\" \
         value=\"{value}\">{shown}</data></div><div><div class=\"label\">Health score{n}</div>\
         <div class=\"verdict\">{verdict}{d}</div><p class=\"formula\">Errors weigh {ew}, warnings {ww}, infos 0, relative to the roadmap's size: \
         {weighted} weighted findings on {entities} audited entities. Formula in note 1.</p></div></div>",
        f = esc(&hs.formula),
        ring = svg::score_ring(hs.value, &format!("Health score: {} of 100", hs.value.map_or("not measured".into(), |v| v.to_string()))),
        n = note("health_score"),
        shown = if value.is_empty() { "–".to_owned() } else { value.clone() },
        verdict = match hs.value {
            None => "Not measured: nothing was audited",
            Some(v) if v >= 80 => "Good <span class=\"muted\">(80–100 good, 50–79 fair, below 50 poor)</span>",
            Some(v) if v >= 50 => "Fair <span class=\"muted\">(80–100 good, 50–79 fair, below 50 poor)</span>",
            Some(_) => "Poor <span class=\"muted\">(80–100 good, 50–79 fair, below 50 poor)</span>",
        },
        d = delta_span(r, "health_score"),
        ew = super::metrics::ERROR_WEIGHT,
        ww = super::metrics::WARNING_WEIGHT,
        weighted = hs.weighted_findings,
        entities = hs.entities,
    );
    let c = &m.findings;
    let _ = writeln!(
        h,
        "<div class=\"card\" title=\"Findings after waivers and the config's severity settings\"><div class=\"label\">Findings{n}</div>\
         <ul class=\"sevs\"><li><data class=\"big sev-err\" data-metric=\"errors\" value=\"{e}\">{e}</data><span class=\"small\">errors{de}</span></li>\
         <li><data class=\"big sev-warn\" data-metric=\"warnings\" value=\"{w}\">{w}</data><span class=\"small\">warnings{dw}</span></li>\
         <li><data class=\"big sev-inf\" data-metric=\"infos\" value=\"{i}\">{i}</data><span class=\"small\">infos{di}</span></li></ul>\
         <div class=\"small muted\"><data data-metric=\"findings_total\" value=\"{t}\">{t}</data> in total, on {ent} audited entities; \
         {del} of {items} items are delivering (committed or in progress).</div></div>",
        n = note("findings"),
        e = c.errors,
        w = c.warnings,
        i = c.infos,
        t = c.total,
        de = delta_span(r, "errors"),
        dw = delta_span(r, "warnings"),
        di = delta_span(r, "infos"),
        ent = m.health_score.entities,
        del = m.entities.delivering_items,
        items = m.entities.items,
    );
    h.push_str("<div class=\"card brief\"><div class=\"label\">In brief</div><ul>");
    for line in r.brief() {
        let _ = write!(h, "<li>{}</li>", esc(&line));
    }
    h.push_str("</ul></div>\n</div>\n<div class=\"metrics\">\n");
    for (key, label, lower) in RATIOS {
        let ratio = m.ratio(key);
        let detail = ratio_detail(key, ratio);
        let _ = writeln!(
            h,
            "<div class=\"card metric\" title=\"{def}\"><div class=\"label\">{label}{n}</div>\
             <div><data class=\"big\" data-metric=\"{key}\" value=\"{value}\" data-numerator=\"{num}\" data-denominator=\"{den}\">{shown}</data>{d}</div>\
             <div class=\"detail\">{detail}</div>{meter}<div class=\"hint\">{hint}</div></div>",
            def = esc(&ratio.definition),
            n = note(key),
            value = ratio.ratio.map_or_else(String::new, |v| v.to_string()),
            num = ratio.numerator,
            den = ratio.denominator,
            shown = ratio.percent_text(),
            d = delta_span(r, key),
            detail = esc(&detail),
            meter = svg::meter(ratio.ratio, lower, &format!("{label}: {}", ratio.percent_text())),
            hint = if lower { "lower is better" } else { "higher is better" },
        );
    }
    h.push_str("</div>\n</section>\n");
}

/// "5 of 8 active items".
pub fn ratio_detail(key: &str, r: &Ratio) -> String {
    if let Some(n) = &r.note {
        return n.clone();
    }
    let of = match key {
        "evidence_coverage" | "traceability" => "active items",
        "competitor_only" | "kpi_only" => "open items",
        "kpi_problem_links" => "KPIs",
        _ => "problems with evidence",
    };
    if r.denominator == 0 {
        return format!("no {of} to measure");
    }
    format!("{} of {} {of}", r.numerator, r.denominator)
}

fn trend(h: &mut String, r: &Report<'_>) {
    let Some(c) = &r.comparison else { return };
    let since = c.previous_as_of.as_deref().map_or_else(|| c.path.clone(), |d| format!("the audit of {d}"));
    let _ = write!(h, "<section id=\"trend\">\n<h2>Trend since {}</h2>\n", esc(&since));
    let _ = write!(h, "<p class=\"muted small\">Compared with <code>{}</code>.", esc(&c.path));
    if !c.has_metrics {
        h.push_str(" That file carries no metrics (it was saved by an older version), so only findings are compared.");
    }
    h.push_str("</p>\n");
    if c.has_metrics {
        h.push_str(
            "<table class=\"deltas\"><thead><tr><th scope=\"col\">Metric</th><th scope=\"col\" class=\"num\">Before</th>\
             <th scope=\"col\" class=\"num\">Now</th><th scope=\"col\" class=\"num\">Change</th></tr></thead><tbody>\n",
        );
        for d in &c.deltas {
            let pp = if d.unit == Unit::Percent { " (percentage points)" } else { "" };
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num {}\" title=\"{}{pp}\"><data data-delta=\"{}\" value=\"{}\">{}</data></td></tr>",
                esc(d.label),
                esc(&d.value_text(d.before)),
                esc(&d.value_text(d.after)),
                verdict_class(d.verdict()),
                if d.lower_is_better { "lower is better" } else { "higher is better" },
                d.key,
                d.change().map_or_else(String::new, |v| v.to_string()),
                esc(&d.change_text())
            );
        }
        h.push_str("</tbody></table>\n");
    }
    let _ = writeln!(h, "<h3>New findings ({})</h3>", c.new.len());
    if c.new.is_empty() {
        h.push_str("<p class=\"none\">No new finding.</p>\n");
    } else {
        let rows: Vec<&Row<'_>> = c.new.iter().map(|&i| &r.agg.rows[i]).collect();
        findings_table(h, r, &rows, "findings new since the previous audit");
    }
    let _ = writeln!(h, "<h3>Fixed findings ({})</h3>", c.fixed.len());
    if c.fixed.is_empty() {
        h.push_str("<p class=\"muted\">No finding of the previous audit is gone.</p>\n");
    } else {
        h.push_str(
            "<table><caption>Findings of the previous audit that no longer appear (file and line as they were)</caption>\
             <thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Finding</th><th scope=\"col\">Was at</th></tr></thead><tbody>\n",
        );
        for f in &c.fixed {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td><div class=\"rule\">{}</div>{}</td><td class=\"where\"><code>{}:{}</code></td></tr>",
                badge(f.severity),
                esc(&f.rule),
                esc_code(&f.message),
                esc(&f.file),
                f.line
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");
}

fn gaps(h: &mut String, r: &Report<'_>) {
    let a = &r.agg;
    h.push_str(
        "<section id=\"gaps\">\n<h2>The four gaps</h2>\n<p class=\"muted\">Quality fails where the company's picture of \
         the customer drifts from the customer's own. Every rule belongs to one of four gaps; the cards link to each \
         gap's findings.</p>\n<div class=\"gaps\">\n",
    );
    for s in 0..4 {
        let sev = &a.sections[s];
        let key = aggregate::section_key(s);
        let top: Vec<String> = a
            .rules
            .iter()
            .filter(|x| x.section == s)
            .take(3)
            .map(|x| format!("{} <span class=\"muted\">×{}</span>", esc(&x.title), x.sev.total()))
            .collect();
        let _ = writeln!(
            h,
            "<a class=\"card gapcard g-{key}\" href=\"#gap-{key}\"><div class=\"gname\">{name}</div>\
             <div><data class=\"big\" data-metric=\"gap_{key}\" value=\"{total}\">{total}</data><span class=\"unit\">{findings}</span>{d}</div>\
             <div class=\"small\"><span class=\"sev-err\">{e}</span> · <span class=\"sev-warn\">{w}</span> · \
             <span class=\"sev-inf\">{i}</span></div><p>{meaning}</p><div class=\"top-rules\">{top}</div></a>",
            name = &aggregate::section_title(s)[..key.len()],
            total = sev.total(),
            findings = if sev.total() == 1 { "finding" } else { "findings" },
            d = delta_span(r, key),
            e = plural(sev.errors, "error"),
            w = plural(sev.warnings, "warning"),
            i = plural(sev.infos, "info"),
            meaning = esc(&aggregate::section_meaning(s)),
            top = if top.is_empty() { "<span class=\"none\">Nothing found</span>".to_owned() } else { top.join("<br>") },
        );
    }
    h.push_str("</div>\n");
    let st = &a.sections[STRUCTURE];
    let _ = write!(
        h,
        "<p class=\"small\">Besides the gaps: <a href=\"#gap-structure\"><data data-metric=\"gap_structure\" value=\"{t}\">{t}</data> \
         structure and waiver {f}</a> (broken files, links to ids that do not exist, expired or unused waivers).</p>\n</section>\n",
        t = st.total(),
        f = if st.total() == 1 { "finding" } else { "findings" }
    );
}

fn risks(h: &mut String, r: &Report<'_>) {
    let a = &r.agg;
    h.push_str(
        "<section id=\"risks\">\n<h2>Top risks</h2>\n<p class=\"muted\">Delivering items (committed or in progress) with \
         the most serious findings: work already under way that rests on the weakest ground.</p>\n",
    );
    if a.risks.is_empty() {
        h.push_str("<p class=\"none\">No delivering item has a finding.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<table class=\"risks\"><thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Status</th>\
         <th scope=\"col\">Product · owner</th><th scope=\"col\">Findings</th><th scope=\"col\">Rules</th>\
         <th scope=\"col\">Where</th></tr></thead><tbody>\n",
    );
    for k in &a.risks {
        let it = &r.audit.model.items[k.item];
        let mut counts = Vec::new();
        if k.sev.errors > 0 {
            counts.push(format!("<span class=\"badge error\">{}</span>", plural(k.sev.errors, "error")));
        }
        if k.sev.warnings > 0 {
            counts.push(format!("<span class=\"badge warning\">{}</span>", plural(k.sev.warnings, "warning")));
        }
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\"><span class=\"id\">{}</span><br><span class=\"small\" style=\"font-weight:400\">{}</span></th>\
             <td>{}</td><td>{}<br><span class=\"muted small\">{}</span></td><td class=\"counts\">{}</td>\
             <td class=\"rule rules\">{}</td><td class=\"where\">{}</td></tr>",
            esc(&it.id),
            esc(it.title.as_deref().unwrap_or("")),
            it.status.map_or("", |s| s.as_str()),
            esc(&a.products[k.product].name),
            esc(&a.owners[k.owner].name),
            counts.join("<br>"),
            k.rules.iter().map(|x| esc(x)).collect::<Vec<_>>().join("<br>"),
            where_link(r, k.file, k.line)
        );
    }
    h.push_str("</tbody></table>\n");
    if a.risky_items > a.risks.len() {
        let _ = writeln!(
            h,
            "<p class=\"muted small\">The {} most serious of {} such items.</p>",
            a.risks.len(),
            a.risky_items
        );
    }
    h.push_str("</section>\n");
}

fn heat_cell(n: usize, max: usize, section: usize) -> String {
    if n == 0 {
        return "<td class=\"num zero\">0</td>".to_owned();
    }
    let color = GAP_COLORS[section];
    // Tint by share of the largest cell: 12% to 42% of the gap's colour (hex alpha), text stays dark.
    let alpha = 0x1f + (0x4c * n / max.max(1)).min(0x4c);
    format!("<td class=\"num heat\" style=\"background:{color}{alpha:02x}\">{n}</td>")
}

fn group_table(h: &mut String, kind: &str, groups: &[Group], order: &[usize], caption: &str) {
    let max = groups.iter().flat_map(|g| g.sections.iter().copied()).max().unwrap_or(0);
    let _ = write!(
        h,
        "<table class=\"heat-table\"><caption>{}</caption><thead><tr><th scope=\"col\">{kind}</th>\
         <th scope=\"col\" class=\"num\">Active items</th><th scope=\"col\" class=\"num\">Evidence coverage</th>",
        esc(caption)
    );
    for s in 0..SECTIONS {
        let t = aggregate::section_title(s);
        let _ = write!(
            h,
            "<th scope=\"col\" class=\"num\">{}</th>",
            if s == STRUCTURE { "Structure" } else { &t[..t.len() - 4] }
        );
    }
    h.push_str(
        "<th scope=\"col\" class=\"num\">Errors</th><th scope=\"col\" class=\"num\">Total</th></tr></thead><tbody>\n",
    );
    for &i in order {
        let g = &groups[i];
        let cov = (g.active_items > 0).then(|| g.covered_items as f64 / g.active_items as f64);
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th>{}<td class=\"num\" title=\"{} of {} active items\">{}</td>",
            esc(&g.name),
            num_cell(g.active_items),
            g.covered_items,
            g.active_items,
            percent_text(cov)
        );
        for s in 0..SECTIONS {
            h.push_str(&heat_cell(g.sections[s], max, s));
        }
        let _ = writeln!(h, "{}<td class=\"num\"><strong>{}</strong></td></tr>", num_cell(g.sev.errors), g.total());
    }
    h.push_str("</tbody></table>\n");
}

fn teams(h: &mut String, r: &Report<'_>) {
    let a = &r.agg;
    h.push_str(
        "<section id=\"teams\">\n<h2>Teams and owners</h2>\n<p class=\"muted\">Where the gaps are. A finding belongs to \
         the product of the roadmap file it is in, and to the owner of its item or KPI, else the file's owner.</p>\n",
    );
    let rows: Vec<BarRow> = a
        .product_order
        .iter()
        .map(|&p| BarRow { label: a.products[p].name.clone(), values: a.products[p].sections.to_vec() })
        .collect();
    let series: Vec<(&str, &str)> = (0..SECTIONS)
        .map(|s| (if s == STRUCTURE { "structure" } else { aggregate::section_key(s) }, GAP_COLORS[s]))
        .collect();
    let _ = write!(
        h,
        "<h3>Findings by product and gap</h3>\n<div class=\"chart\">{}</div>\n",
        svg::stacked_bars("Findings by product, stacked by gap", &rows, &series, 1100.0)
    );
    h.push_str("<h3>By product</h3>\n");
    group_table(h, "Product", &a.products, &a.product_order, "Findings per gap; the darker a cell, the more findings.");
    h.push_str("<h3>By owner</h3>\n");
    group_table(
        h,
        "Owner",
        &a.owners,
        &a.owner_order,
        "“unowned”: neither the entity nor its roadmap file names an owner.",
    );
    h.push_str("</section>\n");
}

fn findings_table(h: &mut String, r: &Report<'_>, rows: &[&Row<'_>], caption: &str) {
    let _ = writeln!(
        h,
        "<table class=\"findings\"><caption>{}</caption><thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Finding</th>\
         <th scope=\"col\">About</th><th scope=\"col\">Product · owner</th><th scope=\"col\">Where</th></tr></thead><tbody>",
        esc(caption)
    );
    for row in rows {
        let f = row.finding;
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td><div class=\"rule\">{}</div>{}</td><td><span class=\"id\">{}</span></td>\
             <td>{}<br><span class=\"muted small\">{}</span></td><td class=\"where\">{}</td></tr>",
            badge(f.severity),
            esc(&f.rule),
            esc_code(&f.message),
            esc(&entity_text(f)),
            esc(&r.agg.products[row.product].name),
            esc(&r.agg.owners[row.owner].name),
            where_link(r, f.file, row.line)
        );
    }
    h.push_str("</tbody></table>\n");
}

/// The largest traceability map drawn (entities plus missing ids): beyond it nobody can read it.
pub const MAX_MAP_NODES: usize = 1500;

/// Findings listed per section; a leadership page summarises, the audit itself lists everything.
pub const MAX_ROWS: usize = 200;

fn gap_section(h: &mut String, r: &Report<'_>, s: usize) {
    let a = &r.agg;
    let key = aggregate::section_key(s);
    let sev: &Sev = &a.sections[s];
    let _ = write!(
        h,
        "<section id=\"gap-{key}\" class=\"gap g-{key}\">\n<h2>{} <span class=\"count\">· {}</span></h2>\n<p>{}</p>\n",
        aggregate::section_title(s),
        if sev.total() == 1 { "1 finding".to_owned() } else { format!("{} findings", sev.total()) },
        esc(&aggregate::section_meaning(s))
    );
    if sev.total() == 0 {
        h.push_str("<p class=\"none\">No finding.</p>\n</section>\n");
        return;
    }
    h.push_str("<ul class=\"chips\" aria-label=\"Rules\">");
    for x in a.rules.iter().filter(|x| x.section == s) {
        let _ = write!(h, "<li title=\"{}\">{} <strong>×{}</strong></li>", esc(&x.id), esc(&x.title), x.sev.total());
    }
    h.push_str("</ul>\n");
    let mut rows: Vec<&Row<'_>> = a.rows.iter().filter(|x| x.section == s).collect();
    rows.sort_by_key(|x| std::cmp::Reverse(x.finding.severity));
    let shown = rows.len().min(MAX_ROWS);
    findings_table(h, r, &rows[..shown], "Most serious first; within a severity, in file order.");
    if rows.len() > shown {
        let _ = writeln!(
            h,
            "<p class=\"muted small\">… and {} more in this gap; <code>roadmap-audit</code> lists every finding.</p>",
            rows.len() - shown
        );
    }
    h.push_str("</section>\n");
}

fn traceability(h: &mut String, r: &Report<'_>) {
    let g = &r.graph;
    let a = &r.agg;
    h.push_str(
        "<section id=\"traceability\">\n<h2>Traceability map</h2>\n<p class=\"muted\">Objectives → KPIs → problems → \
         items: every line is a link the roadmap writes (lighter lines skip a column: an item measured by a KPI, or \
         serving an objective directly). A red dashed line is a link to an id that no file defines. An item with no \
         line to its left traces to nothing. Hover a box for its full text.</p>\n",
    );
    let _ = writeln!(
        h,
        "<div class=\"legend\"><span><span class=\"sw\" style=\"background:#fdecea;border-color:{}\"></span>has an error</span>\
         <span><span class=\"sw\" style=\"background:#fdf3e1;border-color:{}\"></span>has a warning</span>\
         <span><span class=\"sw\" style=\"background:#f2f4f7;border-color:{}\"></span>has an info</span>\
         <span><span class=\"sw\" style=\"background:#eef6f1;border-color:#7fb89a\"></span>no finding</span>\
         <span><span class=\"sw\" style=\"background:#fff;border-color:{};border-style:dashed\"></span>missing (broken link)</span></div>",
        svg::ERROR,
        svg::WARNING,
        svg::INFO,
        svg::ERROR
    );
    let worst = |n: &super::graph::Node| -> Option<Severity> {
        let i = n.index?;
        let list = [&a.objective_sev, &a.kpi_sev, &a.problem_sev, &a.item_sev][n.col];
        list.get(i).and_then(Sev::worst)
    };
    let broken = g.broken().count();
    let label = format!(
        "Traceability map: {} objectives, {} KPIs, {} problems, {} items, {} links, {} broken",
        r.metrics.entities.objectives,
        r.metrics.entities.kpis,
        r.metrics.entities.problems,
        r.metrics.entities.items,
        g.edges.len() - broken,
        broken
    );
    if g.nodes.len() <= MAX_MAP_NODES {
        let _ = writeln!(h, "<div class=\"mapwrap\">{}</div>", svg::trace_map(g, &worst, &label));
    } else {
        let _ = writeln!(
            h,
            "<p class=\"card\">{} — too many boxes to draw legibly on one page (more than {MAX_MAP_NODES}). \
             <code>roadmap-audit graph --format dot</code> prints the whole graph for Graphviz, or audit one product \
             at a time.</p>",
            esc(&label)
        );
    }
    if broken > 0 {
        let _ = write!(h, "<h3>Broken links ({broken})</h3>\n<ul>");
        for e in g.broken().take(MAX_ROWS) {
            let (from, to) = (&g.nodes[e.from], &g.nodes[e.to]);
            let kinds = ["objective", "KPI", "problem", "item"];
            let _ = write!(
                h,
                "<li>{} <span class=\"id\">{}</span> links {} <span class=\"id\">{}</span>, which no audited file defines.</li>",
                kinds[from.col],
                esc(&from.id),
                kinds[to.col],
                esc(&to.id)
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");
}

fn status(h: &mut String, r: &Report<'_>) {
    let rows: Vec<BarRow> =
        r.agg.statuses.iter().map(|(s, n)| BarRow { label: (*s).to_owned(), values: vec![*n] }).collect();
    let _ = write!(
        h,
        "<section id=\"status\">\n<h2>Items by status</h2>\n<p class=\"muted\">Active: planned, committed, in progress \
         ({} items). Delivering: committed, in progress ({}). Open: all but shipped and dropped ({}).</p>\n\
         <div class=\"chart\">{}</div>\n</section>\n",
        r.metrics.entities.active_items,
        r.metrics.entities.delivering_items,
        r.metrics.entities.open_items,
        svg::stacked_bars("Items by status", &rows, &[("items", "#2f4b7c")], 1100.0)
    );
}

fn rules(h: &mut String, r: &Report<'_>) {
    h.push_str("<section id=\"rules\">\n<h2>Findings by rule</h2>\n");
    if r.agg.rules.is_empty() {
        h.push_str("<p class=\"none\">No finding.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<table><thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">What it flags</th><th scope=\"col\">Gap</th>\
         <th scope=\"col\" class=\"num\">Errors</th><th scope=\"col\" class=\"num\">Warnings</th><th scope=\"col\" class=\"num\">Infos</th>\
         <th scope=\"col\" class=\"num\">Total</th></tr></thead><tbody>\n",
    );
    for x in &r.agg.rules {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\" class=\"rule\">{}</th><td>{}</td><td>{}</td>{}{}{}<td class=\"num\"><strong>{}</strong></td></tr>",
            esc(&x.id),
            esc(&x.title),
            aggregate::section_key(x.section),
            num_cell(x.sev.errors),
            num_cell(x.sev.warnings),
            num_cell(x.sev.infos),
            x.sev.total()
        );
    }
    h.push_str("</tbody></table>\n<p class=\"small muted\"><code>roadmap-audit explain RULE</code> prints what a rule flags, why it matters and how to fix it.</p>\n</section>\n");
}

fn definitions(h: &mut String, r: &Report<'_>) {
    let m = &r.metrics;
    h.push_str("<section id=\"definitions\">\n<h2>Definitions</h2>\n<ol class=\"defs\">\n");
    let _ =
        writeln!(h, "<li id=\"def-health_score\"><strong>Health score.</strong> {}</li>", esc(&m.health_score.formula));
    for (key, label, _) in RATIOS {
        let ratio = m.ratio(key);
        let _ = writeln!(
            h,
            "<li id=\"def-{key}\"><strong>{label}.</strong> {}{}</li>",
            esc_code(&ratio.definition),
            ratio.note.as_deref().map_or_else(String::new, |n| format!(" <em>Here: {}.</em>", esc_code(n)))
        );
    }
    let _ = writeln!(
        h,
        "<li id=\"def-findings\"><strong>Findings.</strong> What the audit reports after waivers and the config's \
         severity settings (a waived finding is not counted; a rule turned off finds nothing) — the same findings as \
         <code>roadmap-audit --format json</code>. Errors must be fixed; warnings weaken the roadmap; infos are \
         hints.</li>\n<li><strong>Product and owner.</strong> A finding's product is the <code>product</code> of its \
         roadmap file, else the file's path. Its owner is the owner of its item or KPI (or objective), else the owner \
         of the roadmap file, else “unowned”.</li>\n<li><strong>Status classes.</strong> Active: planned, committed, \
         in-progress. Delivering: committed, in-progress. Open: every status but shipped and dropped.</li>"
    );
    h.push_str("</ol>\n</section>\n");
}
