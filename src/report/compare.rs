//! `magcast compare`: each scenario × series × year against a baseline, and the
//! scenarios ranked, from a finished run's `summary.csv` (no recomputation).

use serde::Serialize;

use super::ReportError;
use super::number::{fmt_pct, thousands};
use super::summary::{BASELINE_SCENARIO, SummaryRow, delta_pct};
use super::table::{Align, Table};

/// What to compare.
#[derive(Debug, Clone, Default)]
pub struct CompareOptions {
    /// The scenario to compare with (default: `baseline` if the run has it, else
    /// each scenario's own trend baseline).
    pub baseline: Option<String>,
    /// Only these series (codes as in the summary).
    pub importers: Option<Vec<String>>,
    /// Only these years, inclusive.
    pub years: Option<(i32, i32)>,
}

/// One scenario × series × year against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareRow {
    /// Scenario.
    pub scenario: String,
    /// Series.
    pub importer: String,
    /// Year.
    pub year: i32,
    /// Mean imports from China, tonnes.
    pub mean: f64,
    /// The baseline's mean, tonnes.
    pub baseline: f64,
    /// mean − baseline.
    pub delta_tonnes: f64,
    /// Relative change, %.
    pub delta_pct: Option<f64>,
    /// Customs value, US$.
    pub value_usd: f64,
    /// Tariff revenue, US$.
    pub tariff_revenue_usd: f64,
    /// Trade creation on imports from China, tonnes (docs/model.md §3.9).
    pub trade_creation_t: f64,
    /// Trade diversion to non-China supply, tonnes.
    pub trade_diversion_t: f64,
    /// Price effect of China's world price, US$.
    pub price_effect_usd: f64,
    /// Tariff revenue less the revenue at the reference tariffs, US$.
    pub tariff_revenue_change_usd: f64,
    /// Consumer-surplus change on China's supply, US$.
    pub consumer_surplus_change_usd: f64,
    /// The importer's welfare change, consumer surplus plus the revenue
    /// change, US$ (both against the reference tariffs).
    pub welfare_change_usd: f64,
    /// Non-China supply used, tonnes.
    pub non_china_used_t: f64,
    /// Non-China supply installed, tonnes.
    pub non_china_installed_t: f64,
    /// Pass-through of the tariff change into China's delivered price.
    pub pass_through: Option<f64>,
    /// China-origin volume moved along re-export routes, tonnes (+ arriving
    /// in the country passed through, − leaving the direct route).
    pub reexport_t: f64,
}

/// A scenario's totals over the compared years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    /// 1 for the first.
    pub rank: usize,
    /// Scenario.
    pub scenario: String,
    /// Cumulative imports from China, tonnes.
    pub cumulative_imports_t: f64,
    /// Cumulative tariff revenue, US$.
    pub tariff_revenue_usd: f64,
}

/// The comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// What the deltas are against.
    pub baseline: String,
    /// The series the rankings total (WORLD, or the sum of the chosen series).
    pub ranked_on: String,
    /// The rows.
    pub rows: Vec<CompareRow>,
    /// Scenarios by cumulative imports from China, fewest first.
    pub by_imports: Vec<Ranking>,
    /// Scenarios by cumulative tariff revenue, most first.
    pub by_tariff_revenue: Vec<Ranking>,
}

/// Compares the scenarios of a run.
///
/// # Errors
/// [`ReportError::Request`] for an unknown baseline scenario or a filter that
/// leaves nothing.
pub fn compare(rows: &[SummaryRow], options: &CompareOptions) -> Result<Comparison, ReportError> {
    let mut names: Vec<&str> = Vec::new();
    for r in rows {
        if !names.contains(&r.scenario.as_str()) {
            names.push(&r.scenario);
        }
    }
    let baseline_name = match &options.baseline {
        Some(b) if names.contains(&b.as_str()) => Some(b.clone()),
        Some(b) => {
            return Err(ReportError::Request(format!(
                "no scenario `{b}` in this run (it has: {})",
                names.join(", ")
            )));
        }
        None => names
            .contains(&BASELINE_SCENARIO)
            .then(|| BASELINE_SCENARIO.to_string()),
    };
    let keep = |r: &SummaryRow| {
        options
            .importers
            .as_ref()
            .is_none_or(|list| list.iter().any(|i| i.eq_ignore_ascii_case(&r.importer)))
            && options.years.is_none_or(|(a, b)| (a..=b).contains(&r.year))
    };
    let reference = |r: &SummaryRow| -> f64 {
        match &baseline_name {
            Some(b) => rows
                .iter()
                .find(|x| x.scenario == *b && x.importer == r.importer && x.year == r.year)
                .map_or(r.baseline, |x| x.mean),
            None => r.baseline,
        }
    };
    let out: Vec<CompareRow> = rows
        .iter()
        .filter(|r| keep(r))
        .map(|r| {
            let base = reference(r);
            CompareRow {
                scenario: r.scenario.clone(),
                importer: r.importer.clone(),
                year: r.year,
                mean: r.mean,
                baseline: base,
                delta_tonnes: r.mean - base,
                delta_pct: delta_pct(r.mean, base),
                value_usd: r.value_usd,
                tariff_revenue_usd: r.tariff_revenue_usd,
                trade_creation_t: r.trade_creation_t,
                trade_diversion_t: r.trade_diversion_t,
                price_effect_usd: r.price_effect_usd,
                tariff_revenue_change_usd: r.tariff_revenue_change_usd,
                consumer_surplus_change_usd: r.consumer_surplus_change_usd,
                welfare_change_usd: r.tariff_revenue_change_usd + r.consumer_surplus_change_usd,
                non_china_used_t: r.non_china_used_t,
                non_china_installed_t: r.non_china_installed_t,
                pass_through: r.pass_through,
                reexport_t: r.reexport_t,
            }
        })
        .collect();
    if out.is_empty() {
        return Err(ReportError::Request(
            "no rows match the --importers and --years given".into(),
        ));
    }
    let world = out.iter().any(|r| r.importer == "WORLD");
    let ranked_on = if world {
        "WORLD".to_string()
    } else {
        "the chosen series".to_string()
    };
    let totals: Vec<(String, f64, f64)> = names
        .iter()
        .map(|n| {
            let (t, rev) = out
                .iter()
                .filter(|r| r.scenario == *n && (!world || r.importer == "WORLD"))
                .fold((0.0, 0.0), |(t, v), r| {
                    (t + r.mean, v + r.tariff_revenue_usd)
                });
            (n.to_string(), t, rev)
        })
        .collect();
    let rank = |mut v: Vec<(String, f64, f64)>, by_revenue: bool| -> Vec<Ranking> {
        v.sort_by(|a, b| {
            if by_revenue {
                b.2.total_cmp(&a.2)
            } else {
                a.1.total_cmp(&b.1)
            }
            .then(a.0.cmp(&b.0))
        });
        v.into_iter()
            .enumerate()
            .map(|(i, (scenario, t, rev))| Ranking {
                rank: i + 1,
                scenario,
                cumulative_imports_t: t,
                tariff_revenue_usd: rev,
            })
            .collect()
    };
    Ok(Comparison {
        baseline: baseline_name.unwrap_or_else(|| "each scenario's trend baseline".into()),
        ranked_on,
        by_imports: rank(totals.clone(), false),
        by_tariff_revenue: rank(totals, true),
        rows: out,
    })
}

/// The comparison for people: the rows, then both rankings.
pub fn compare_table(c: &Comparison) -> String {
    let mut t = Table::new(&[
        ("scenario", Align::Left),
        ("importer", Align::Left),
        ("year", Align::Right),
        ("mean t", Align::Right),
        ("baseline t", Align::Right),
        ("delta t", Align::Right),
        ("delta", Align::Right),
        ("value US$ M", Align::Right),
        ("tariff rev. US$ M", Align::Right),
        ("diverted t", Align::Right),
        ("rerouted t", Align::Right),
        ("welfare US$ M", Align::Right),
        ("non-China used/inst. t", Align::Right),
    ]);
    for r in &c.rows {
        t.row([
            r.scenario.clone(),
            r.importer.clone(),
            r.year.to_string(),
            thousands(r.mean, 0),
            thousands(r.baseline, 0),
            thousands(r.delta_tonnes, 0),
            fmt_pct(r.delta_pct),
            thousands(r.value_usd / 1e6, 1),
            thousands(r.tariff_revenue_usd / 1e6, 1),
            thousands(r.trade_diversion_t, 0),
            thousands(r.reexport_t, 0),
            thousands(r.welfare_change_usd / 1e6, 1),
            format!(
                "{}/{}",
                thousands(r.non_china_used_t, 0),
                thousands(r.non_china_installed_t, 0)
            ),
        ]);
    }
    let ranking = |title: &str, list: &[Ranking]| {
        let mut t = Table::new(&[
            ("rank", Align::Right),
            ("scenario", Align::Left),
            ("imports t", Align::Right),
            ("tariff rev. US$ M", Align::Right),
        ]);
        for r in list {
            t.row([
                r.rank.to_string(),
                r.scenario.clone(),
                thousands(r.cumulative_imports_t, 0),
                thousands(r.tariff_revenue_usd / 1e6, 1),
            ]);
        }
        format!(
            "\n{title} ({}, cumulative over the years shown)\n\n{}",
            c.ranked_on,
            t.render()
        )
    };
    format!(
        "Scenarios against {}\n\n{}{}{}",
        c.baseline,
        t.render(),
        ranking("Fewest imports from China", &c.by_imports),
        ranking("Most tariff revenue", &c.by_tariff_revenue)
    )
}

/// The comparison rows as CSV.
///
/// # Errors
/// [`ReportError::Csv`] if writing fails.
pub fn compare_csv(c: &Comparison, out: impl std::io::Write) -> Result<(), ReportError> {
    let mut w = csv::Writer::from_writer(out);
    for r in &c.rows {
        w.serialize(r)?;
    }
    w.flush().map_err(|e| ReportError::Csv(e.into()))?;
    Ok(())
}
