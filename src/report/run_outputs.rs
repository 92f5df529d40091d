//! The files of `magcast run` as one output set: rendered in memory, then
//! written whole or not at all (see [`OutputTarget`]).

use std::path::Path;

use super::output_set::{OutputFile, OutputTarget};
use super::{History, ReportError};
use crate::data::Observations;
use crate::engine::RunResult;
use crate::forecast::FittedPanel;
use crate::scenario::Scenario;

/// Every file of a run: `projections.csv`, `scenarios.json`, `summary.csv`,
/// `iamc.csv`, `charts/*.svg` and `report.html`, with `obs` (if any) as the
/// observed history in the charts and report.
///
/// # Errors
/// [`ReportError`] if a table, document or chart cannot be rendered.
pub fn run_outputs(
    result: &RunResult,
    scenarios: &[Scenario],
    panel: &FittedPanel,
    obs: Option<&Observations>,
) -> Result<Vec<OutputFile>, ReportError> {
    let file = |path: &str, bytes: Vec<u8>| OutputFile {
        path: path.into(),
        bytes,
    };
    let mut projections = Vec::new();
    super::projections_csv(result, &mut projections)?;
    let json = super::scenarios_json(result, scenarios, panel)?;
    let rows = super::summary_rows(result);
    let mut summary = Vec::new();
    super::summary_csv(&rows, &mut summary)?;
    let mut iamc = Vec::new();
    super::iamc_csv(&super::summary_series(&rows), &mut iamc)?;
    let history = obs.map_or_else(History::default, |o| super::history(o, result));
    let charts = super::charts(result, &history)?;
    let html = super::report_html(result, scenarios, panel, obs, &charts);
    let mut files = vec![
        file("projections.csv", projections),
        file("scenarios.json", json.into_bytes()),
        file("summary.csv", summary),
        file("iamc.csv", iamc),
    ];
    files.extend(
        charts
            .into_iter()
            .map(|c| file(&format!("charts/{}", c.file_name), c.svg.into_bytes())),
    );
    files.push(file("report.html", html.into_bytes()));
    Ok(files)
}

/// Renders a run's files and writes them to `out` as one set: the folder ends
/// as the complete old set or the complete new one.
///
/// # Errors
/// [`ReportError`] if rendering fails or [`ReportError::OutputSet`] if the
/// folder cannot be locked, replaced or written.
pub fn write_run_outputs(
    out: &Path,
    result: &RunResult,
    scenarios: &[Scenario],
    panel: &FittedPanel,
    obs: Option<&Observations>,
) -> Result<(), ReportError> {
    let target = OutputTarget::lock(out)?;
    let files = run_outputs(result, scenarios, panel, obs)?;
    target.write(&files)?;
    Ok(())
}
