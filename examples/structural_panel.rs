//! Fits the structural model alone (`StructuralConfig::default()`: seasonal
//! factors, Lunar New Year, damping estimated) to every series of a tidy
//! monthly CSV (`period,importer,tonnes`, one value per month), one series per
//! rayon task, and prints a one-line JSON summary. `eval/timing.py` times the
//! whole process against statsforecast's AutoETS on the 249-series panel:
//!
//! `cargo run --release --example structural_panel -- eval/work/timing_panel.csv`
//!
//! `RAYON_NUM_THREADS=1` gives the one-thread time.

use std::collections::BTreeMap;
use std::error::Error;
use std::time::Instant;

use magcast::data::Month;
use magcast::model::structural::{SpanObservation, SpanSeries, StructuralConfig, StructuralModel};
use rayon::prelude::*;

/// Each importer's months and values, in file order.
type Panel = BTreeMap<String, Vec<(Month, f64)>>;

fn read_panel(path: &str) -> Result<Panel, Box<dyn Error>> {
    let mut panel = Panel::new();
    for row in csv::Reader::from_path(path)?.records() {
        let row = row?;
        let (period, importer, tonnes) = (&row[0], &row[1], &row[2]);
        let month: Month = period.parse()?;
        panel
            .entry(importer.to_string())
            .or_default()
            .push((month, tonnes.parse()?));
    }
    Ok(panel)
}

/// One series as monthly span observations from its first month.
fn span_series(values: &[(Month, f64)]) -> Result<SpanSeries, String> {
    let origin = values.iter().map(|v| v.0).min().ok_or("empty series")?;
    let observations = values
        .iter()
        .map(|&(m, y)| {
            let t = usize::try_from(m.months_since(origin)).map_err(|e| e.to_string())?;
            Ok(SpanObservation::point(t, 1, y))
        })
        .collect::<Result<_, String>>()?;
    Ok(SpanSeries {
        origin,
        observations,
    })
}

/// Fits one series; `Ok(converged)` or why it could not be fitted.
fn fit(values: &[(Month, f64)]) -> Result<bool, String> {
    let series = span_series(values)?.check().map_err(|e| e.to_string())?;
    let config = StructuralConfig::default()
        .check()
        .map_err(|e| e.to_string())?;
    let model = StructuralModel::fit(&series, &config).map_err(|e| e.to_string())?;
    Ok(model.convergence().is_none_or(|c| c.converged))
}

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: structural_panel PANEL.csv")?;
    let panel = read_panel(&path)?;
    let start = Instant::now();
    let results: Vec<Result<bool, String>> =
        panel.par_iter().map(|(_, values)| fit(values)).collect();
    let seconds = start.elapsed().as_secs_f64();
    let fitted = results.iter().filter(|r| r.is_ok()).count();
    let converged = results.iter().filter(|r| matches!(r, Ok(true))).count();
    if let Some(Err(e)) = results.iter().find(|r| r.is_err()) {
        eprintln!("first failure: {e}");
    }
    println!(
        "{{\"series\": {}, \"fitted\": {fitted}, \"converged\": {converged}, \
         \"threads\": {}, \"fit_seconds\": {seconds:.6}}}",
        panel.len(),
        rayon::current_num_threads()
    );
    Ok(())
}
