//! Forecasts for people (yearly totals), for spreadsheets (monthly CSV with the
//! contract columns) and for programs (JSON).

use serde::Serialize;

use super::ReportError;
use super::number::thousands;
use super::table::{Align, Table};
use crate::forecast::PanelForecast;

/// Column name of a bound, e.g. `lower_80`, `upper_97.5`.
fn bound_name(side: &str, level: f64) -> String {
    if level.fract().abs() < 1e-9 {
        format!("{side}_{}", level as i64)
    } else {
        format!("{side}_{level}")
    }
}

/// `importer,period,mean,lower_80,upper_80,lower_95,upper_95` (levels as
/// requested), one row per importer and month.
///
/// # Errors
/// [`ReportError::Csv`] if writing fails.
pub fn forecast_csv(fc: &PanelForecast, out: impl std::io::Write) -> Result<(), ReportError> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["importer".to_string(), "period".into(), "mean".into()];
    for &l in &fc.levels {
        header.push(bound_name("lower", l));
        header.push(bound_name("upper", l));
    }
    w.write_record(&header)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for (i, importer) in fc.importers.iter().enumerate() {
        for (k, month) in fc.months.iter().enumerate() {
            row.clear();
            row.push(importer.code().to_string());
            row.push(month.to_string());
            row.push(format!("{:.3}", fc.mean[i][k]));
            for l in 0..fc.levels.len() {
                row.push(format!("{:.3}", fc.lower[l][i][k]));
                row.push(format!("{:.3}", fc.upper[l][i][k]));
            }
            w.write_record(&row)?;
        }
    }
    w.flush().map_err(|e| ReportError::Csv(e.into()))?;
    Ok(())
}

#[derive(Serialize)]
struct JsonRow<'a> {
    importer: &'a str,
    period: String,
    mean: f64,
    #[serde(flatten)]
    bounds: serde_json::Map<String, serde_json::Value>,
}

/// One JSON document: `{paths, seed, levels, rows: [{importer, period, mean,
/// lower_80, …}]}`.
///
/// # Errors
/// [`ReportError::Json`] if serialisation fails.
pub fn forecast_json(fc: &PanelForecast) -> Result<String, ReportError> {
    let mut rows = Vec::new();
    for (i, importer) in fc.importers.iter().enumerate() {
        for (k, month) in fc.months.iter().enumerate() {
            let mut bounds = serde_json::Map::new();
            for (l, &level) in fc.levels.iter().enumerate() {
                bounds.insert(bound_name("lower", level), fc.lower[l][i][k].into());
                bounds.insert(bound_name("upper", level), fc.upper[l][i][k].into());
            }
            rows.push(JsonRow {
                importer: importer.code(),
                period: month.to_string(),
                mean: fc.mean[i][k],
                bounds,
            });
        }
    }
    let doc = serde_json::json!({
        "paths": fc.paths,
        "seed": fc.seed,
        "levels": fc.levels,
        "rows": rows,
    });
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}

/// Yearly totals of the mean forecast, one row per importer, one column per year
/// (a partial first or last year is marked with the months it covers).
pub fn forecast_table(fc: &PanelForecast) -> String {
    let mut years: Vec<(i32, Vec<usize>)> = Vec::new();
    for (k, m) in fc.months.iter().enumerate() {
        match years.last_mut() {
            Some((y, ks)) if *y == m.year() => ks.push(k),
            _ => years.push((m.year(), vec![k])),
        }
    }
    let headers: Vec<String> = years
        .iter()
        .map(|(y, ks)| {
            if ks.len() == 12 {
                y.to_string()
            } else {
                format!("{y} ({} mo)", ks.len())
            }
        })
        .collect();
    let mut columns: Vec<(&str, Align)> = vec![("importer", Align::Left), ("name", Align::Left)];
    columns.extend(headers.iter().map(|h| (h.as_str(), Align::Right)));
    let mut t = Table::new(&columns);
    for (i, importer) in fc.importers.iter().enumerate() {
        let mut row = vec![importer.code().to_string(), importer.name().to_string()];
        for (_, ks) in &years {
            row.push(thousands(ks.iter().map(|&k| fc.mean[i][k]).sum(), 0));
        }
        t.row(row);
    }
    format!(
        "Mean forecast, tonnes per year ({} sample paths, seed {}); monthly values and intervals: --format csv\n\n{}",
        fc.paths,
        fc.seed,
        t.render()
    )
}
