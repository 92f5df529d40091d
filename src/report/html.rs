//! `OUT/report.html`: one self-contained page (inline CSS and SVG, no script,
//! nothing fetched) with the run's provenance, the scenarios, the key table,
//! the charts and the money tables.

use std::fmt::Write as _;

use super::charts::{Chart, label, major_outputs, reference, years};
use super::{MAJOR_IMPORTERS, thousands};
use crate::data::{Importer, Observations};
use crate::engine::{RunResult, ScenarioResult};
use crate::forecast::FittedPanel;
use crate::scenario::Scenario;

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;
  color:#1d1d1f;background:#fff;margin:0;line-height:1.45}
main{max-width:1080px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:1.7em;margin:0.2em 0 0.3em}
h2{font-size:1.3em;margin-top:2em;border-bottom:2px solid #ddd;padding-bottom:0.2em}
h3{font-size:1.05em;margin-top:1.4em}
p.lede{color:#444;margin-top:0}
nav ul{padding-left:1.2em;columns:2}
table{border-collapse:collapse;margin:0.6em 0 1.2em;font-size:0.92em}
th,td{padding:4px 10px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
th{background:#f4f5f7;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.ref td{font-weight:600}
table.kv th{width:16em;background:none}
figure{margin:1.2em 0 2em}
figure svg{max-width:100%;height:auto;display:block;border:1px solid #eee}
figcaption{font-size:0.88em;color:#444;margin-top:0.4em}
td code{white-space:nowrap}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:0.92em}
.note{font-size:0.88em;color:#555}
table.tariffs{font-size:0.85em;margin:0.4em 0}
table.tariffs caption{text-align:left;font-weight:600}
";

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The report page. `obs` (the observations the history comes from) may be
/// missing when a run reused fitted models without their data.
pub fn report_html(
    run: &RunResult,
    scenarios: &[Scenario],
    panel: &FittedPanel,
    obs: Option<&Observations>,
    charts: &[Chart],
) -> String {
    let ran = scenarios.len().max(run.scenarios.len());
    report_page(run, scenarios, ran, panel, obs, charts)
}

/// [`report_html`] for a run of `ran` scenarios of which `run` holds those
/// shown (and `scenarios` at least those).
pub(super) fn report_page(
    run: &RunResult,
    scenarios: &[Scenario],
    ran: usize,
    panel: &FittedPanel,
    obs: Option<&Observations>,
    charts: &[Chart],
) -> String {
    let mut h =
        String::with_capacity(64 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());
    let title = "China's rare-earth magnet exports by importer: scenario projections";
    let months = run.scenarios.iter().map(|s| s.months).max().unwrap_or(0);
    let horizon = run.first_month.plus(months as i32 - 1);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>{}</title>", escape_html(title));
    let _ = writeln!(h, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(h, "<h1>{}</h1>", escape_html(title));
    let _ = writeln!(
        h,
        "<p class=\"lede\">Imports of rare-earth permanent magnets (HS 850511) from China, \
         tonnes, projected {} to {} under {} scenario{} by magcast {}.</p>",
        run.first_month,
        horizon,
        thousands(ran as f64, 0),
        if ran == 1 { "" } else { "s" },
        env!("CARGO_PKG_VERSION")
    );
    if let Some(note) = super::shown_note(run.scenarios.len(), ran) {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape_html(&note));
    }
    h.push_str(
        "<nav><ul><li><a href=\"#provenance\">Provenance</a></li>\
         <li><a href=\"#scenarios\">Scenarios</a></li>\
         <li><a href=\"#key-table\">Key table</a></li>\
         <li><a href=\"#charts\">Charts</a></li>\
         <li><a href=\"#money\">Money</a></li>\
         <li><a href=\"#trade\">Trade model</a></li></ul></nav>\n",
    );
    provenance(&mut h, run, panel, obs);
    scenario_list(&mut h, run, scenarios);
    key_tables(&mut h, run);
    h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    if charts.is_empty() {
        h.push_str("<p>No charts: the run has no scenario.</p>\n");
    }
    for c in charts {
        let id = c.file_name.trim_end_matches(".svg");
        let _ = writeln!(h, "<figure id=\"chart-{}\">", escape_html(id));
        h.push_str(strip_xml_declaration(&c.svg).trim());
        let _ = writeln!(
            h,
            "\n<figcaption>{} <span class=\"note\">(<code>charts/{}</code>)</span></figcaption>\n</figure>",
            escape_html(&c.title),
            escape_html(&c.file_name)
        );
    }
    h.push_str("</section>\n");
    money_tables(&mut h, run);
    super::html_trade::trade_tables(&mut h, run);
    h.push_str(
        "<footer class=\"note\"><p>Means are over each scenario's Monte Carlo draws; yearly \
         figures are sums of monthly means. The p05–p95 bands in the charts are monthly \
         quantiles. Every scenario draws the same baseline paths, so differences between \
         scenarios are not sampling noise. The full monthly figures are in \
         <code>projections.csv</code>; each scenario as resolved in \
         <code>scenarios.json</code>.</p></footer>\n",
    );
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn strip_xml_declaration(svg: &str) -> &str {
    let s = svg.trim_start();
    if s.starts_with("<?xml") {
        s.find("?>").map_or(s, |i| &s[i + 2..])
    } else {
        s
    }
}

fn provenance(h: &mut String, run: &RunResult, panel: &FittedPanel, obs: Option<&Observations>) {
    h.push_str("<section id=\"provenance\">\n<h2>Provenance</h2>\n<table class=\"kv\">\n");
    let mut kv = |k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{v}</td></tr>", escape_html(k));
    };
    kv(
        "Models fitted on",
        format!(
            "<code>{}</code>, observations {} to {}",
            escape_html(&panel.data_source),
            panel.origin,
            panel.last_observed
        ),
    );
    match obs {
        Some(o) => {
            let range = o.month_range().map_or_else(
                || "no observations".into(),
                |r| format!("{} to {}", r.start(), r.end()),
            );
            kv(
                "Observed history from",
                format!(
                    "<code>{}</code>: {} observations, {range}; charts show only months and \
                     years the observations determine exactly",
                    escape_html(&o.source().display().to_string()),
                    thousands(o.len() as f64, 0)
                ),
            );
        }
        None => kv(
            "Observed history",
            "not shown: the data file could not be read".into(),
        ),
    }
    kv(
        "Projection",
        format!(
            "{} to {}",
            run.first_month,
            run.first_month
                .plus(run.scenarios.iter().map(|s| s.months).max().unwrap_or(0) as i32 - 1)
        ),
    );
    kv("Seed", run.seed.to_string());
    let draws: Vec<String> = run
        .scenarios
        .iter()
        .map(|s| s.draws)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|d| thousands(d as f64, 0))
        .collect();
    kv(
        "Monte Carlo draws per scenario",
        format!(
            "{} (baseline sample paths: {})",
            draws.join(", "),
            thousands(run.baseline_paths as f64, 0)
        ),
    );
    kv("magcast version", escape_html(env!("CARGO_PKG_VERSION")));
    kv(
        "Models written by magcast",
        escape_html(&panel.magcast_version),
    );
    h.push_str("</table>\n<h3>Fitted baseline models</h3>\n");
    if panel.dynamic.is_some() {
        h.push_str(
            "<p>The baseline paths come from the dynamic baseline (a structural model for WORLD, \
             local-level shares for the importers and ROW); the trend models below are the \
             candidates beside it.</p>\n",
        );
    }
    let rows: Vec<Vec<String>> = panel
        .series
        .iter()
        .map(|s| {
            vec![
                escape_html(&label(s.importer)),
                escape_html(&s.model.label()),
                s.observations.count.to_string(),
                format!("{:.3}", s.sigma),
            ]
        })
        .collect();
    table(
        h,
        &["series", "model", "observations", "σ (log scale, monthly)"],
        2,
        &rows,
        None,
    );
    h.push_str("</section>\n");
}

fn scenario_list(h: &mut String, run: &RunResult, scenarios: &[Scenario]) {
    h.push_str("<section id=\"scenarios\">\n<h2>Scenarios</h2>\n");
    let rows: Vec<Vec<String>> = run
        .scenarios
        .iter()
        .map(|r| {
            let scenario = scenarios.iter().find(|s| s.name == r.name);
            let horizon =
                scenario.map_or_else(|| run.first_month.plus(r.months as i32 - 1), |s| s.horizon);
            let tariffs = scenario.map_or_else(String::new, |s| {
                super::tariffs::schedules_html(&s.tariff_schedules(run.first_month))
            });
            vec![
                format!("<code>{}</code>", escape_html(&r.name)),
                escape_html(&r.description) + &tariffs,
                thousands(r.draws as f64, 0),
                horizon.to_string(),
            ]
        })
        .collect();
    table(
        h,
        &["scenario", "description", "draws", "horizon"],
        2,
        &rows,
        None,
    );
    h.push_str("</section>\n");
}

/// Column headers for the projection's years: `2026`, or `2030 (6 mo)`.
fn year_headers(run: &RunResult, months: usize) -> Vec<(String, std::ops::Range<usize>)> {
    years(run.first_month, months)
        .into_iter()
        .map(|(y, r)| {
            let head = if r.len() == 12 {
                y.to_string()
            } else {
                format!("{y} ({} mo)", r.len())
            };
            (head, r)
        })
        .collect()
}

fn sum(v: &[f64], offset: usize, r: &std::ops::Range<usize>, months: usize) -> Option<f64> {
    (r.start < months).then(|| v[offset + r.start..offset + r.end.min(months)].iter().sum())
}

fn key_tables(h: &mut String, run: &RunResult) {
    h.push_str("<section id=\"key-table\">\n<h2>Key table</h2>\n");
    let months = run.scenarios.iter().map(|s| s.months).max().unwrap_or(0);
    let heads = year_headers(run, months);
    let reference = reference(run);
    let cum = |s: &ScenarioResult, o: usize| -> f64 {
        s.mean[o * s.months..(o + 1) * s.months].iter().sum()
    };
    let majors = major_outputs(run, MAJOR_IMPORTERS);
    if let Some(&world) = majors
        .first()
        .filter(|&&o| run.outputs[o] == Importer::World)
    {
        yearly_table(h, run, world, &heads);
    }
    if let Some(r) = reference {
        let _ = writeln!(
            h,
            "<h3>Cumulative imports over the projection by importer, tonnes (mean)</h3>\n\
             <p class=\"note\">WORLD and the {} largest importers by baseline; \
             the reference scenario <code>{}</code> is in bold.</p>",
            majors.len().saturating_sub(1),
            escape_html(&r.name)
        );
    }
    let labels: Vec<String> = majors.iter().map(|&o| label(run.outputs[o])).collect();
    let mut cols: Vec<&str> = vec!["scenario"];
    cols.extend(labels.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = run
        .scenarios
        .iter()
        .map(|s| {
            let mut row = vec![format!("<code>{}</code>", escape_html(&s.name))];
            row.extend(majors.iter().map(|&o| thousands(cum(s, o), 0)));
            row
        })
        .collect();
    table(h, &cols, 1, &rows, reference.map(|r| r.name.as_str()));
    for &o in majors
        .iter()
        .filter(|&&o| run.outputs[o] != Importer::World)
    {
        yearly_table(h, run, o, &heads);
    }
    h.push_str("</section>\n");
}

/// Output `o`'s imports by scenario and year, with the cumulative total and
/// its difference from the reference scenario.
fn yearly_table(
    h: &mut String,
    run: &RunResult,
    o: usize,
    heads: &[(String, std::ops::Range<usize>)],
) {
    let reference = reference(run);
    let cum = |s: &ScenarioResult| -> f64 { s.mean[o * s.months..(o + 1) * s.months].iter().sum() };
    let _ = writeln!(
        h,
        "<h3 id=\"key-{}\">{} imports from China by scenario, tonnes per year (mean)</h3>",
        escape_html(run.outputs[o].code()),
        escape_html(&label(run.outputs[o]))
    );
    let mut cols: Vec<&str> = vec!["scenario"];
    cols.extend(heads.iter().map(|(s, _)| s.as_str()));
    cols.extend(["cumulative", "vs reference"]);
    let rows: Vec<Vec<String>> = run
        .scenarios
        .iter()
        .map(|s| {
            let mut row = vec![format!("<code>{}</code>", escape_html(&s.name))];
            row.extend(heads.iter().map(|(_, r)| {
                sum(&s.mean, o * s.months, r, s.months)
                    .map_or_else(String::new, |v| thousands(v, 0))
            }));
            let c = cum(s);
            row.push(thousands(c, 0));
            row.push(match reference.map(cum) {
                Some(r) if r > 0.0 => format!("{:+.1}%", (c / r - 1.0) * 100.0),
                _ => String::new(),
            });
            row
        })
        .collect();
    table(h, &cols, 1, &rows, reference.map(|r| r.name.as_str()));
}

fn money_tables(h: &mut String, run: &RunResult) {
    h.push_str(
        "<section id=\"money\">\n<h2>Money</h2>\n<p class=\"note\">WORLD totals (all importers), \
                millions of US$ per year, means over draws.</p>\n",
    );
    let months = run.scenarios.iter().map(|s| s.months).max().unwrap_or(0);
    let heads = year_headers(run, months);
    let world = run.outputs.iter().position(|i| *i == Importer::World);
    type Pick = fn(&ScenarioResult) -> &[f64];
    let measures: [(&str, &str, Pick, bool); 4] = [
        (
            "value",
            "Customs value of imports from China",
            |s| &s.value_usd,
            true,
        ),
        (
            "tariff-revenue",
            "Tariff revenue",
            |s| &s.tariff_revenue_usd,
            true,
        ),
        (
            "downstream-cost",
            "Downstream cost of tariffs (pass-through ρ × revenue)",
            |s| &s.downstream_cost_usd,
            true,
        ),
        (
            "credit-cost",
            "Fiscal cost of production credits",
            |s| &s.credit_cost_usd,
            false,
        ),
    ];
    let mut cols: Vec<&str> = vec!["scenario"];
    cols.extend(heads.iter().map(|(s, _)| s.as_str()));
    cols.push("total");
    for (id, name, pick, per_output) in measures {
        let offset = |s: &ScenarioResult| {
            if per_output {
                world.map(|w| w * s.months)
            } else {
                Some(0)
            }
        };
        let _ = writeln!(
            h,
            "<h3 id=\"money-{id}\">{}, US$ million</h3>",
            escape_html(name)
        );
        let rows: Vec<Vec<String>> = run
            .scenarios
            .iter()
            .map(|s| {
                let mut row = vec![format!("<code>{}</code>", escape_html(&s.name))];
                let Some(off) = offset(s) else {
                    row.extend(std::iter::repeat_n(String::new(), heads.len() + 1));
                    return row;
                };
                let v = pick(s);
                let mut total = 0.0;
                for (_, r) in &heads {
                    match sum(v, off, r, s.months) {
                        Some(x) => {
                            total += x;
                            row.push(thousands(x / 1e6, 1));
                        }
                        None => row.push(String::new()),
                    }
                }
                row.push(thousands(total / 1e6, 1));
                row
            })
            .collect();
        table(h, &cols, 1, &rows, reference(run).map(|r| r.name.as_str()));
    }
    h.push_str("</section>\n");
}

/// A table whose first `left` columns are text and the others numbers
/// (right-aligned). Cells are HTML already. The row whose first cell names
/// `highlight` is emphasised.
pub(super) fn table(
    h: &mut String,
    cols: &[&str],
    left: usize,
    rows: &[Vec<String>],
    highlight: Option<&str>,
) {
    h.push_str("<table>\n<thead><tr>");
    for (i, c) in cols.iter().enumerate() {
        let class = if i < left { "" } else { " class=\"n\"" };
        let _ = write!(h, "<th{class}>{}</th>", escape_html(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let mark = highlight.map(|n| format!("<code>{}</code>", escape_html(n)));
    for row in rows {
        let class = if mark.as_deref() == row.first().map(String::as_str) {
            " class=\"ref\""
        } else {
            ""
        };
        let _ = write!(h, "<tr{class}>");
        for (i, cell) in row.iter().enumerate() {
            let class = if i < left { "" } else { " class=\"n\"" };
            let _ = write!(h, "<td{class}>{cell}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("a<b & \"c\"'"),
            "a&lt;b &amp; &quot;c&quot;&#39;"
        );
    }
}
