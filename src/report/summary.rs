//! `summary.csv`: yearly totals of every scenario and series against the run's
//! baseline, with the money, read back by `magcast compare` without rerunning.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ReportError;
use crate::data::Importer;
use crate::engine::{RunResult, ScenarioResult};

pub use crate::scenario::BASELINE_SCENARIO;

/// One scenario × series × year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// Scenario name.
    pub scenario: String,
    /// Series code (WORLD, EU27, ISO alpha-3, ROW).
    pub importer: String,
    /// Calendar year (the first or last may be partial: see `months`).
    pub year: i32,
    /// Mean imports from China, tonnes.
    pub mean: f64,
    /// 5th percentile of the yearly total.
    pub p05: f64,
    /// 95th percentile of the yearly total.
    pub p95: f64,
    /// The baseline scenario's mean (or, in a run without one, the trend baseline).
    pub baseline: f64,
    /// mean − baseline.
    pub delta_tonnes: f64,
    /// (mean / baseline − 1) · 100, empty where the baseline is 0.
    pub delta_pct: Option<f64>,
    /// Mean customs value, US$.
    pub value_usd: f64,
    /// Mean tariff revenue, US$.
    pub tariff_revenue_usd: f64,
    /// Mean downstream cost of tariffs, US$.
    pub downstream_cost_usd: f64,
    /// Mean fiscal cost of production credits for plants in this series, US$.
    pub credit_cost_usd: f64,
    /// Months of the year inside the projection.
    pub months: usize,
    /// Trade creation on imports from China, tonnes (docs/model.md §3.9).
    /// The trade model's columns default when read from an older file.
    #[serde(default)]
    pub trade_creation_t: f64,
    /// Trade diversion from China to non-China supply, tonnes.
    #[serde(default)]
    pub trade_diversion_t: f64,
    /// Price effect of China's world price on its customs value, US$.
    #[serde(default)]
    pub price_effect_usd: f64,
    /// Tariff revenue less the revenue at the tariffs in force at the end of
    /// the data on China's base volume (the scenario without its tariff
    /// changes), US$: the increase, not the total.
    #[serde(default)]
    pub tariff_revenue_change_usd: f64,
    /// Consumer-surplus change on China's supply, US$.
    #[serde(default)]
    pub consumer_surplus_change_usd: f64,
    /// Non-China supply used, tonnes.
    #[serde(default)]
    pub non_china_used_t: f64,
    /// Non-China supply installed, tonnes.
    #[serde(default)]
    pub non_china_installed_t: f64,
    /// The value-weighted pass-through of the tariff change into China's
    /// delivered price (empty without a tariff change).
    #[serde(default)]
    pub pass_through: Option<f64>,
    /// China-origin volume moved along re-export routes, tonnes: positive in
    /// the country passed through, negative where it left the direct route.
    #[serde(default)]
    pub reexport_t: f64,
}

/// The yearly rows of a run, in scenario, series, year order.
pub fn summary_rows(run: &RunResult) -> Vec<SummaryRow> {
    let reference = run.scenarios.iter().find(|s| s.name == BASELINE_SCENARIO);
    let mut rows = Vec::new();
    for s in &run.scenarios {
        rows.extend(scenario_rows(&run.outputs, s, reference));
    }
    rows
}

/// The yearly rows of one scenario, in series and year order, against the
/// `reference` scenario's means where it covers a year (else against the
/// scenario's own trend baseline).
pub fn scenario_rows<'a>(
    outputs: &'a [Importer],
    s: &'a ScenarioResult,
    reference: Option<&'a ScenarioResult>,
) -> impl Iterator<Item = SummaryRow> + 'a {
    let y = &s.yearly;
    let n = s.years.len();
    outputs.iter().enumerate().flat_map(move |(o, importer)| {
        s.years.iter().enumerate().map(move |(k, year)| {
            let c = o * n + k;
            // The baseline scenario's value for the same cell, where it covers it.
            let base = reference
                .and_then(|r| {
                    let rk = r.years.iter().position(|ry| ry == year)?;
                    r.yearly.mean.get(o * r.years.len() + rk).copied()
                })
                .unwrap_or(y.baseline[c]);
            let t = &y.trade;
            SummaryRow {
                scenario: s.name.clone(),
                importer: importer.code().to_string(),
                year: *year,
                mean: y.mean[c],
                p05: y.p05[c],
                p95: y.p95[c],
                baseline: base,
                delta_tonnes: y.mean[c] - base,
                delta_pct: delta_pct(y.mean[c], base),
                value_usd: y.value_usd[c],
                tariff_revenue_usd: y.tariff_revenue_usd[c],
                downstream_cost_usd: y.downstream_cost_usd[c],
                credit_cost_usd: y.credit_cost_usd[c],
                months: y.months[k],
                trade_creation_t: t.creation_t[c],
                trade_diversion_t: t.diversion_t[c],
                price_effect_usd: t.price_effect_usd[c],
                tariff_revenue_change_usd: t.tariff_revenue_change_usd[c],
                consumer_surplus_change_usd: t.consumer_surplus_change_usd[c],
                non_china_used_t: t.non_china_used_t[c],
                non_china_installed_t: t.non_china_installed_t[c],
                pass_through: t.pass_through(c),
                reexport_t: t.reexport_t[c],
            }
        })
    })
}

/// (mean / baseline − 1) · 100, or `None` for a zero baseline.
pub fn delta_pct(mean: f64, baseline: f64) -> Option<f64> {
    (baseline > 0.0).then(|| (mean / baseline - 1.0) * 100.0)
}

/// Writes rows as CSV with a header.
///
/// # Errors
/// [`ReportError::Csv`] if writing fails.
pub fn summary_csv(rows: &[SummaryRow], out: impl std::io::Write) -> Result<(), ReportError> {
    let mut w = csv::Writer::from_writer(out);
    for r in rows {
        w.serialize(r)?;
    }
    w.flush().map_err(|e| ReportError::Csv(e.into()))?;
    Ok(())
}

/// Why a row cannot have come from a run: a value that is not finite, or
/// tonnes, money or percentiles out of order.
fn implausible(r: &SummaryRow) -> Option<String> {
    let values = [
        ("mean", r.mean),
        ("p05", r.p05),
        ("p95", r.p95),
        ("baseline", r.baseline),
        ("delta_tonnes", r.delta_tonnes),
        ("value_usd", r.value_usd),
        ("tariff_revenue_usd", r.tariff_revenue_usd),
        ("downstream_cost_usd", r.downstream_cost_usd),
        ("credit_cost_usd", r.credit_cost_usd),
        ("non_china_used_t", r.non_china_used_t),
        ("non_china_installed_t", r.non_china_installed_t),
    ];
    let signed = [
        ("trade_creation_t", r.trade_creation_t),
        ("trade_diversion_t", r.trade_diversion_t),
        ("price_effect_usd", r.price_effect_usd),
        ("consumer_surplus_change_usd", r.consumer_surplus_change_usd),
        ("tariff_revenue_change_usd", r.tariff_revenue_change_usd),
        ("reexport_t", r.reexport_t),
    ];
    if let Some((k, v)) = signed.iter().find(|(_, v)| !v.is_finite()) {
        return Some(format!("column `{k}` is {v}, not a finite number"));
    }
    if let Some((k, v)) = values.iter().find(|(_, v)| !v.is_finite()) {
        return Some(format!("column `{k}` is {v}, not a finite number"));
    }
    if let Some(v) = r.delta_pct.filter(|v| !v.is_finite()) {
        return Some(format!("column `delta_pct` is {v}, not a finite number"));
    }
    if let Some(v) = r.pass_through.filter(|v| !v.is_finite()) {
        return Some(format!("column `pass_through` is {v}, not a finite number"));
    }
    // Every column but the change in tonnes is a tonnage or a sum of money.
    let signed = "delta_tonnes";
    if let Some((k, v)) = values.iter().find(|(k, v)| *k != signed && *v < 0.0) {
        return Some(format!("column `{k}` is {v}, below 0"));
    }
    if r.p05 > r.p95 {
        return Some(format!("p05 ({}) is above p95 ({})", r.p05, r.p95));
    }
    if !(1..=12).contains(&r.months) {
        return Some(format!("column `months` is {}, not 1 to 12", r.months));
    }
    None
}

/// A value that does not read as its column's type, located by line, column
/// (counted from 1) and header, with the text found.
fn cell_problem(
    e: &csv::Error,
    line: u64,
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
) -> String {
    let csv::ErrorKind::Deserialize { err, .. } = e.kind() else {
        return format!("line {line}: {e}");
    };
    let Some(field) = err.field().map(|f| f as usize) else {
        return format!("line {line}: {}", err.kind());
    };
    format!(
        "line {line}, column {} (`{}`): `{}` {}",
        field + 1,
        headers.get(field).unwrap_or("?"),
        record.get(field).unwrap_or(""),
        match err.kind() {
            csv::DeserializeErrorKind::ParseFloat(_) | csv::DeserializeErrorKind::ParseInt(_) =>
                "is not a number".to_string(),
            other => format!("cannot be read: {other}"),
        }
    )
}

/// Reads a `summary.csv` written by `magcast run`, refusing rows no run writes
/// (a repeated scenario, series and year; values not finite, negative or out of
/// order), so that `compare` never sums them.
///
/// # Errors
/// [`ReportError::Read`] naming the file and line.
pub fn read_summary(path: &Path) -> Result<Vec<SummaryRow>, ReportError> {
    let file = std::fs::File::open(path).map_err(|e| ReportError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    read_summary_from_reader(file, path)
}

/// [`read_summary`] on text from any reader (the fuzz target's way in, with
/// no file per input); `path` names it in messages.
///
/// # Errors
/// As [`read_summary`].
pub fn read_summary_from_reader(
    text: impl std::io::Read,
    path: &Path,
) -> Result<Vec<SummaryRow>, ReportError> {
    let fail = |reason: String| ReportError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let mut reader = csv::Reader::from_reader(text);
    let headers = reader.headers().map_err(|e| fail(e.to_string()))?.clone();
    let mut rows: Vec<SummaryRow> = Vec::new();
    let mut seen: std::collections::HashMap<(String, String, i32), u64> =
        std::collections::HashMap::new();
    for record in reader.records() {
        let located = |e: csv::Error| {
            let line = e.position().map_or(0, |p| p.line());
            fail(format!("line {line}: {e}"))
        };
        let record = record.map_err(located)?;
        let line = record.position().map_or(0, |p| p.line());
        let row: SummaryRow = record
            .deserialize(Some(&headers))
            .map_err(|e| fail(cell_problem(&e, line, &headers, &record)))?;
        if let Some(why) = implausible(&row) {
            return Err(fail(format!("line {line}: {why}")));
        }
        let key = (row.scenario.clone(), row.importer.clone(), row.year);
        if let Some(first) = seen.insert(key, line) {
            return Err(fail(format!(
                "line {line}: scenario `{}`, {} {} again (first on line {first}); a run writes each once",
                row.scenario, row.importer, row.year
            )));
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(fail(
            "no rows: is this the output folder of `magcast run`?".into(),
        ));
    }
    Ok(rows)
}
