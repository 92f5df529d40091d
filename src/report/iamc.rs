//! The IAMC long-wide format (`model, scenario, region, variable, unit, 2026,
//! 2027, …`) that scenario analysts load with pyam (`pyam.IamDataFrame(path)`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::ReportError;
use super::compare::Comparison;
use super::summary::SummaryRow;

/// The variable of imports from China in the IAMC files; others extend it.
pub const IMPORTS: &str = "Imports from China|Rare-Earth Permanent Magnets";

/// One IAMC time series: (scenario, region, variable, unit) → year → value.
pub type IamcSeries = BTreeMap<(String, String, String, String), BTreeMap<i32, f64>>;

fn region(code: &str) -> String {
    if code == "WORLD" {
        "World".to_string()
    } else {
        code.to_string()
    }
}

/// The model column: magcast and its version.
pub fn model_name() -> String {
    format!("magcast {}", env!("CARGO_PKG_VERSION"))
}

/// The yearly results of a run as IAMC series: volume (mean, p05, p95, baseline),
/// value, tariff revenue, downstream cost and credit cost, and the trade
/// model's creation, diversion, price effect, consumer surplus, revenue change
/// non-China supply and re-export routes (docs/model.md §3.8.1, §3.9).
pub fn summary_series(rows: &[SummaryRow]) -> IamcSeries {
    let mut out = IamcSeries::new();
    for r in rows {
        let vars: [(&str, &str, f64); 14] = [
            ("", "t", r.mean),
            ("|p05", "t", r.p05),
            ("|p95", "t", r.p95),
            ("|Baseline", "t", r.baseline),
            ("|Value", "US$", r.value_usd),
            ("|Tariff Revenue", "US$", r.tariff_revenue_usd),
            ("|Downstream Cost of Tariffs", "US$", r.downstream_cost_usd),
            ("|Production Credit Cost", "US$", r.credit_cost_usd),
            ("|Trade Creation", "t", r.trade_creation_t),
            (
                "|Trade Diversion to non-China Supply",
                "t",
                r.trade_diversion_t,
            ),
            ("|Price Effect", "US$", r.price_effect_usd),
            (
                "|Consumer Surplus Change",
                "US$",
                r.consumer_surplus_change_usd,
            ),
            (
                "|Tariff Revenue Change vs Reference Tariffs",
                "US$",
                r.tariff_revenue_change_usd,
            ),
            ("|Re-export Routes", "t", r.reexport_t),
        ];
        let non_china = [
            ("Non-China Magnet Supply|Used", r.non_china_used_t),
            ("Non-China Magnet Supply|Installed", r.non_china_installed_t),
        ];
        if let Some(v) = r.pass_through {
            out.entry((
                r.scenario.clone(),
                region(&r.importer),
                format!("{IMPORTS}|Tariff Pass-through"),
                "1".to_string(),
            ))
            .or_default()
            .insert(r.year, v);
        }
        for (variable, v) in non_china {
            out.entry((
                r.scenario.clone(),
                region(&r.importer),
                variable.to_string(),
                "t".to_string(),
            ))
            .or_default()
            .insert(r.year, v);
        }
        for (suffix, unit, v) in vars {
            out.entry((
                r.scenario.clone(),
                region(&r.importer),
                format!("{IMPORTS}{suffix}"),
                unit.to_string(),
            ))
            .or_default()
            .insert(r.year, v);
        }
    }
    out
}

/// A comparison as IAMC series: mean, baseline and delta.
pub fn comparison_series(c: &Comparison) -> IamcSeries {
    let mut out = IamcSeries::new();
    for r in &c.rows {
        for (suffix, v) in [
            ("", r.mean),
            ("|Baseline", r.baseline),
            ("|Change from Baseline", r.delta_tonnes),
        ] {
            out.entry((
                r.scenario.clone(),
                region(&r.importer),
                format!("{IMPORTS}{suffix}"),
                "t".into(),
            ))
            .or_default()
            .insert(r.year, v);
        }
    }
    out
}

/// Writes series in IAMC format, one column per year (the years any series has).
///
/// # Errors
/// [`ReportError::Csv`] if writing fails.
pub fn iamc_csv(series: &IamcSeries, out: impl std::io::Write) -> Result<(), ReportError> {
    let years: BTreeSet<i32> = series.values().flat_map(|v| v.keys().copied()).collect();
    let mut w = IamcWriter::new(out, years.into_iter().collect())?;
    w.write(series)?;
    w.finish()?;
    Ok(())
}

/// An IAMC file written a group of series at a time (a run's scenarios as they
/// come), under a header of years fixed in advance.
pub struct IamcWriter<W: std::io::Write> {
    w: csv::Writer<W>,
    years: Vec<i32>,
    model: String,
}

impl<W: std::io::Write> IamcWriter<W> {
    /// Writes the header: the five IAMC columns, then `years` in order.
    ///
    /// # Errors
    /// [`ReportError::Csv`] if writing fails.
    pub fn new(out: W, years: Vec<i32>) -> Result<IamcWriter<W>, ReportError> {
        let mut w = csv::Writer::from_writer(out);
        let mut header = vec![
            "model".to_string(),
            "scenario".into(),
            "region".into(),
            "variable".into(),
            "unit".into(),
        ];
        header.extend(years.iter().map(i32::to_string));
        w.write_record(&header)?;
        Ok(IamcWriter {
            w,
            years,
            model: model_name(),
        })
    }

    /// Writes `series` in their order; a year outside the header is left out.
    ///
    /// # Errors
    /// [`ReportError::Csv`] if writing fails.
    pub fn write(&mut self, series: &IamcSeries) -> Result<(), ReportError> {
        for ((scenario, region, variable, unit), values) in series {
            let mut row = vec![
                self.model.clone(),
                scenario.clone(),
                region.clone(),
                variable.clone(),
                unit.clone(),
            ];
            row.extend(
                self.years
                    .iter()
                    .map(|y| values.get(y).map(|v| format!("{v}")).unwrap_or_default()),
            );
            self.w.write_record(&row)?;
        }
        Ok(())
    }

    /// Flushes the file and hands back the writer.
    ///
    /// # Errors
    /// [`ReportError::Csv`] if writing fails.
    pub fn finish(self) -> Result<W, ReportError> {
        self.w
            .into_inner()
            .map_err(|e| ReportError::Csv(e.into_error().into()))
    }
}

/// Reads an IAMC CSV back (for round trips and for users' own files).
///
/// # Errors
/// [`ReportError::Read`] naming the file and line.
pub fn read_iamc(path: &Path) -> Result<IamcSeries, ReportError> {
    let fail = |reason: String| ReportError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let mut reader = csv::Reader::from_path(path).map_err(|e| fail(e.to_string()))?;
    let header = reader.headers().map_err(|e| fail(e.to_string()))?.clone();
    let expected = ["model", "scenario", "region", "variable", "unit"];
    for (i, name) in expected.iter().enumerate() {
        if !header.get(i).is_some_and(|h| h.eq_ignore_ascii_case(name)) {
            return Err(fail(format!("column {} must be `{name}`", i + 1)));
        }
    }
    let years: Vec<i32> = header
        .iter()
        .skip(5)
        .map(|h| {
            h.trim()
                .parse()
                .map_err(|_| fail(format!("`{h}` is not a year column")))
        })
        .collect::<Result<_, _>>()?;
    let mut out = IamcSeries::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| fail(format!("line {}: {e}", n + 2)))?;
        let key = (1..5)
            .map(|i| record.get(i).unwrap_or("").to_string())
            .collect::<Vec<_>>();
        let mut values = BTreeMap::new();
        for (y, cell) in years.iter().zip(record.iter().skip(5)) {
            if cell.is_empty() {
                continue;
            }
            let v: f64 = cell
                .parse()
                .map_err(|_| fail(format!("line {}: `{cell}` is not a number", n + 2)))?;
            values.insert(*y, v);
        }
        out.insert(
            (
                key[0].clone(),
                key[1].clone(),
                key[2].clone(),
                key[3].clone(),
            ),
            values,
        );
    }
    Ok(out)
}
