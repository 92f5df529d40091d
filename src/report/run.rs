//! The outputs of `magcast run`: `projections.csv` (the contract columns),
//! `scenarios.json` (every scenario as resolved and run, with provenance), and a
//! short table for the terminal.

use std::fmt::Write as _;

use serde::Serialize;

use super::ReportError;
use super::number::thousands;
use super::table::{Align, Table};
use crate::data::{Importer, Month};
use crate::engine::{RunResult, ScenarioResult};
use crate::forecast::FittedPanel;
use crate::scenario::{Scenario, ScenarioSource, TariffSchedule};

/// The columns of `projections.csv`, the contract of docs/model.md.
pub const PROJECTIONS_HEADER: [&str; 10] = [
    "scenario",
    "importer",
    "period",
    "mean",
    "p05",
    "p50",
    "p95",
    "baseline",
    "value_usd",
    "tariff_revenue_usd",
];

/// `scenario,importer,period,mean,p05,p50,p95,baseline,value_usd,tariff_revenue_usd`,
/// one row per scenario, importer (with ROW and WORLD) and month.
///
/// # Errors
/// [`ReportError::Csv`] if writing fails.
pub fn projections_csv(run: &RunResult, out: impl std::io::Write) -> Result<(), ReportError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(PROJECTIONS_HEADER)?;
    for s in &run.scenarios {
        projection_rows(&mut w, &run.outputs, run.first_month, s)?;
    }
    w.flush().map_err(|e| ReportError::Csv(e.into()))?;
    Ok(())
}

/// One scenario's rows of `projections.csv` (without the header).
///
/// # Errors
/// [`ReportError::Csv`] if writing fails.
pub fn projection_rows<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    outputs: &[Importer],
    first: Month,
    s: &ScenarioResult,
) -> Result<(), ReportError> {
    let mut number = String::new();
    for (o, importer) in outputs.iter().enumerate() {
        for t in 0..s.months {
            let c = o * s.months + t;
            w.write_field(&s.name)?;
            w.write_field(importer.code())?;
            w.write_field(first.plus(t as i32).to_string())?;
            for v in [s.mean[c], s.p05[c], s.p50[c], s.p95[c], s.baseline[c]] {
                number.clear();
                let _ = write!(number, "{v:.3}");
                w.write_field(&number)?;
            }
            for v in [s.value_usd[c], s.tariff_revenue_usd[c]] {
                number.clear();
                let _ = write!(number, "{v:.0}");
                w.write_field(&number)?;
            }
            w.write_record(None::<&[u8]>)?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(bound = "")]
struct Provenance<'a, L: ScenarioSource + ?Sized> {
    magcast_version: &'a str,
    seed: u64,
    first_month: String,
    baseline_paths: usize,
    data: DataProvenance<'a>,
    scenarios: ScenarioList<'a, L>,
}

/// The scenarios of `scenarios.json`, each made as it is written, so the
/// document is never held whole.
struct ScenarioList<'a, S: ScenarioSource + ?Sized> {
    scenarios: &'a S,
    draws: &'a [usize],
    first: Month,
}

impl<L: ScenarioSource + ?Sized> Serialize for ScenarioList<'_, L> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.scenarios.count()))?;
        for (i, &draws) in self.draws.iter().enumerate() {
            let s = self.scenarios.scenario(i).map_err(S::Error::custom)?;
            seq.serialize_element(&ScenarioProvenance {
                name: &s.name,
                description: &s.description,
                draws,
                horizon: s.horizon.to_string(),
                tariffs: s.tariff_schedules(self.first),
                scenario: &s,
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct DataProvenance<'a> {
    source: &'a str,
    models_origin: String,
    last_observed: String,
    /// `trend` or `dynamic`: which model the baseline paths came from
    /// (`models` lists the trend models either way).
    baseline: &'static str,
    models: Vec<ModelLine>,
}

#[derive(Serialize)]
struct ModelLine {
    importer: String,
    model: String,
    observations: usize,
    sigma: f64,
}

#[derive(Serialize)]
struct ScenarioProvenance<'a> {
    name: &'a str,
    description: &'a str,
    draws: usize,
    horizon: String,
    /// The duty layers and their total per step, for each importer with tariffs.
    tariffs: Vec<TariffSchedule>,
    scenario: &'a Scenario,
}

/// `scenarios.json`: every scenario as resolved and run, the data and models it
/// ran on, the seed and the version.
///
/// # Errors
/// [`ReportError::Json`] if serialisation fails.
pub fn scenarios_json(
    run: &RunResult,
    scenarios: &[Scenario],
    panel: &FittedPanel,
) -> Result<String, ReportError> {
    let draws: Vec<usize> = run.scenarios.iter().map(|r| r.draws).collect();
    let mut out = Vec::new();
    write_scenarios_json(&mut out, run, scenarios, &draws, panel)?;
    String::from_utf8(out).map_err(|e| ReportError::Request(e.to_string()))
}

/// [`scenarios_json`] written straight to `out`, with each scenario's draws
/// given (`draws[i]` for `scenarios[i]`), so that a run's results need not
/// be held to write it.
///
/// # Errors
/// [`ReportError::Json`] if serialisation or writing fails.
pub fn write_scenarios_json<L: ScenarioSource + ?Sized>(
    mut out: impl std::io::Write,
    run: &RunResult,
    scenarios: &L,
    draws: &[usize],
    panel: &FittedPanel,
) -> Result<(), ReportError> {
    let doc = Provenance {
        magcast_version: env!("CARGO_PKG_VERSION"),
        seed: run.seed,
        first_month: run.first_month.to_string(),
        baseline_paths: run.baseline_paths,
        data: data_provenance(panel),
        scenarios: ScenarioList {
            scenarios,
            draws,
            first: run.first_month,
        },
    };
    serde_json::to_writer_pretty(&mut out, &doc)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    Ok(())
}

fn data_provenance(panel: &FittedPanel) -> DataProvenance<'_> {
    DataProvenance {
        source: &panel.data_source,
        models_origin: panel.origin.to_string(),
        last_observed: panel.last_observed.to_string(),
        baseline: if panel.dynamic.is_some() {
            "dynamic"
        } else {
            "trend"
        },
        models: panel
            .series
            .iter()
            .map(|s| ModelLine {
                importer: s.importer.code().to_string(),
                model: s.model.label(),
                observations: s.observations.count,
                sigma: s.sigma,
            })
            .collect(),
    }
}

/// Yearly WORLD imports from China by scenario (means), with the cumulative
/// total and its difference from the scenario called `baseline`, if any.
pub fn run_table(run: &RunResult) -> String {
    let Some(world) = run
        .outputs
        .iter()
        .position(|i| *i == crate::data::Importer::World)
    else {
        return "No WORLD series in the data: see projections.csv.\n".into();
    };
    let months = run.scenarios.iter().map(|s| s.months).max().unwrap_or(0);
    let mut years: Vec<(i32, usize)> = Vec::new();
    for t in 0..months {
        let y = run.first_month.plus(t as i32).year();
        match years.last_mut() {
            Some((yy, n)) if *yy == y => *n += 1,
            _ => years.push((y, 1)),
        }
    }
    let headers: Vec<String> = years
        .iter()
        .map(|(y, n)| {
            if *n == 12 {
                y.to_string()
            } else {
                format!("{y} ({n} mo)")
            }
        })
        .collect();
    let mut columns: Vec<(&str, Align)> = vec![("scenario", Align::Left)];
    columns.extend(headers.iter().map(|h| (h.as_str(), Align::Right)));
    columns.push(("cumulative", Align::Right));
    columns.push(("vs baseline", Align::Right));
    let total = |s: &ScenarioResult| -> f64 {
        s.mean[world * s.months..(world + 1) * s.months]
            .iter()
            .sum()
    };
    let reference = run
        .scenarios
        .iter()
        .find(|s| s.name == "baseline")
        .map(total);
    let mut t = Table::new(&columns);
    for s in &run.scenarios {
        let mut row = vec![s.name.clone()];
        let mut start = 0;
        for (_, n) in &years {
            let end = (start + n).min(s.months);
            let v: f64 = if start < end {
                s.mean[world * s.months + start..world * s.months + end]
                    .iter()
                    .sum()
            } else {
                f64::NAN
            };
            row.push(if v.is_nan() {
                "".into()
            } else {
                thousands(v, 0)
            });
            start += n;
        }
        let cum = total(s);
        row.push(thousands(cum, 0));
        row.push(match reference {
            Some(r) if r > 0.0 => format!("{:+.1}%", (cum / r - 1.0) * 100.0),
            _ => String::new(),
        });
        t.row(row);
    }
    format!(
        "WORLD imports from China, mean tonnes per year ({} scenarios, seed {})\n\n{}",
        run.scenarios.len(),
        run.seed,
        t.render()
    )
}
