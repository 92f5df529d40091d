//! The trade model's section of `report.html` (docs/model.md §3.9): per
//! scenario and year, WORLD totals of creation, diversion, non-China supply,
//! price effect, revenue change and consumer surplus.

use std::fmt::Write as _;

use super::charts::reference;
use super::html::{escape_html, table};
use super::thousands;
use crate::data::Importer;
use crate::engine::{RunResult, ScenarioResult};

type Pick = fn(&ScenarioResult, usize) -> f64;

/// The measures shown: id, title, unit divisor and unit label, and the value
/// of a scenario at a yearly cell.
const MEASURES: [(&str, &str, f64, &str, Pick); 7] = [
    (
        "creation",
        "Trade creation on imports from China",
        1.0,
        "tonnes",
        |s, c| s.yearly.trade.creation_t[c],
    ),
    (
        "diversion",
        "Trade diversion to non-China supply",
        1.0,
        "tonnes",
        |s, c| s.yearly.trade.diversion_t[c],
    ),
    (
        "non-china-used",
        "Non-China supply used",
        1.0,
        "tonnes",
        |s, c| s.yearly.trade.non_china_used_t[c],
    ),
    (
        "non-china-installed",
        "Non-China supply installed",
        1.0,
        "tonnes",
        |s, c| s.yearly.trade.non_china_installed_t[c],
    ),
    (
        "price-effect",
        "Price effect of China's world price",
        1e6,
        "US$ million",
        |s, c| s.yearly.trade.price_effect_usd[c],
    ),
    (
        "revenue-change",
        "Tariff revenue change against the tariffs in force at the end of the data",
        1e6,
        "US$ million",
        |s, c| s.yearly.trade.tariff_revenue_change_usd[c],
    ),
    (
        "consumer-surplus",
        "Consumer-surplus change",
        1e6,
        "US$ million",
        |s, c| s.yearly.trade.consumer_surplus_change_usd[c],
    ),
];

/// Appends the section: one table per measure, a row per scenario, a column
/// per year of the longest scenario.
pub(super) fn trade_tables(h: &mut String, run: &RunResult) {
    h.push_str(
        "<section id=\"trade\">\n<h2>Trade model</h2>\n<p class=\"note\">WORLD totals per year, \
         means over draws: China's volume against non-China supply by the substitution \
         elasticity σ, capped by installed capacity, and China's world price by its export-supply \
         elasticity η (docs/model.md §3.9).</p>\n",
    );
    let Some(world) = run.outputs.iter().position(|i| *i == Importer::World) else {
        h.push_str("</section>\n");
        return;
    };
    let years: Vec<i32> = run
        .scenarios
        .iter()
        .max_by_key(|s| s.years.len())
        .map_or_else(Vec::new, |s| s.years.clone());
    let heads: Vec<String> = years.iter().map(ToString::to_string).collect();
    let mut cols: Vec<&str> = vec!["scenario"];
    cols.extend(heads.iter().map(String::as_str));
    for (id, name, divisor, unit, pick) in MEASURES {
        let _ = writeln!(
            h,
            "<h3 id=\"trade-{id}\">{}, {unit}</h3>",
            escape_html(name)
        );
        let rows: Vec<Vec<String>> = run
            .scenarios
            .iter()
            .map(|s| {
                let mut row = vec![format!("<code>{}</code>", escape_html(&s.name))];
                let n = s.years.len();
                row.extend(years.iter().map(|y| {
                    s.years
                        .iter()
                        .position(|sy| sy == y)
                        .map_or_else(String::new, |k| {
                            thousands(pick(s, world * n + k) / divisor, usize::from(divisor > 1.0))
                        })
                }));
                row
            })
            .collect();
        table(h, &cols, 1, &rows, reference(run).map(|r| r.name.as_str()));
    }
    reexport_table(h, run, &years);
    h.push_str("</section>\n");
}

/// Re-export routes move volume between importers, so their WORLD total is
/// about 0: this table shows them by importer, for the scenarios and series
/// where anything moved.
fn reexport_table(h: &mut String, run: &RunResult, years: &[i32]) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for s in &run.scenarios {
        let n = s.years.len();
        for (o, importer) in run.outputs.iter().enumerate() {
            let cells = &s.yearly.trade.reexport_t[o * n..(o + 1) * n];
            if *importer == Importer::World || cells.iter().all(|v| v.abs() < 0.5) {
                continue;
            }
            let mut row = vec![
                format!("<code>{}</code>", escape_html(&s.name)),
                escape_html(importer.code()),
            ];
            row.extend(years.iter().map(|y| {
                s.years
                    .iter()
                    .position(|sy| sy == y)
                    .map_or_else(String::new, |k| thousands(cells[k], 0))
            }));
            rows.push(row);
        }
    }
    if rows.is_empty() {
        return;
    }
    h.push_str(
        "<h3 id=\"trade-reexport\">Re-export routes, tonnes</h3>\n<p class=\"note\">China-origin \
         magnets moved between an importer's direct route and the countries they pass through, by \
         the routes' relative delivered prices (docs/model.md §3.8.1): positive where they arrive \
         (China's customs count them as exports there), negative where they left.</p>\n",
    );
    let heads: Vec<String> = years.iter().map(ToString::to_string).collect();
    let mut cols: Vec<&str> = vec!["scenario", "importer"];
    cols.extend(heads.iter().map(String::as_str));
    table(h, &cols, 2, &rows, None);
}
