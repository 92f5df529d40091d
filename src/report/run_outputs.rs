//! The files of `magcast run` as one output set, written as the scenario
//! results come: `projections.csv`, `summary.csv` and `iamc.csv` get each
//! scenario's rows and let the result go, so memory stays flat in the number
//! of scenarios (a sweep of 100,000 variants holds one batch of results, not
//! all of them). The charts, `report.html` and the terminal table show the
//! first [`REPORT_SCENARIOS`] scenarios and the one called `baseline`; every
//! scenario is in the files. Nothing replaces the old set until every file is
//! written ([`OutputTarget`]).

use std::path::Path;

use super::iamc::IamcWriter;
use super::output_set::{OutputFile, OutputTarget};
use super::staged::{StagedFile, StagedSet};
use super::{History, ReportError};
use crate::data::Observations;
use crate::engine::{PartSet, RunOptions, RunResult, Runner, ScenarioResult};
use crate::forecast::FittedPanel;
use crate::scenario::{BASELINE_SCENARIO, Scenario, ScenarioSource};

/// Scenarios the charts, the report page and the terminal table show (the
/// first ones, plus the one called `baseline` wherever it comes).
pub const REPORT_SCENARIOS: usize = 50;

/// What a finished run shows people: the scenarios of the charts and page
/// (see [`REPORT_SCENARIOS`]), with the run's series and seed.
#[derive(Debug, Clone)]
pub struct RunDigest {
    /// The run with only the scenarios shown.
    pub shown: RunResult,
    /// Scenarios run, all of them in the files.
    pub scenarios_run: usize,
}

/// The note beside a table or page that shows `shown` of `run` scenarios,
/// `None` when it shows them all.
pub fn shown_note(shown: usize, run: usize) -> Option<String> {
    (shown < run).then(|| {
        format!(
            "This shows {} of {} scenarios (the first {REPORT_SCENARIOS}, and `{BASELINE_SCENARIO}` \
             if the run has one); every scenario is in projections.csv, summary.csv, iamc.csv \
             and scenarios.json.",
            super::thousands(shown as f64, 0),
            super::thousands(run as f64, 0),
        )
    })
}

/// Writes a run's files into a staged output set, one scenario at a time.
struct RunWriter<'a, S: ScenarioSource + ?Sized> {
    staged: StagedSet,
    header: RunResult,
    scenarios: &'a S,
    reference: Option<ScenarioResult>,
    projections: csv::Writer<StagedFile>,
    summary: csv::Writer<StagedFile>,
    iamc: IamcWriter<StagedFile>,
    shown: Vec<ScenarioResult>,
    draws: Vec<usize>,
}

impl<'a, S: ScenarioSource + ?Sized> RunWriter<'a, S> {
    /// Opens the streamed files in the staged set; `reference` is the result
    /// of the scenario called `baseline`, if the run has one.
    fn new(
        staged: StagedSet,
        header: RunResult,
        scenarios: &'a S,
        reference: Option<ScenarioResult>,
    ) -> Result<RunWriter<'a, S>, ReportError> {
        let first_year = header.first_month.year();
        let last_year = (0..scenarios.count())
            .map(|i| scenarios.meta(i).horizon.year())
            .max()
            .unwrap_or(first_year)
            .max(first_year);
        let mut projections = csv::Writer::from_writer(staged.create("projections.csv")?);
        projections
            .write_record(super::run::PROJECTIONS_HEADER)
            .map_err(|e| csv_error(&staged, "projections.csv", e))?;
        let summary = csv::Writer::from_writer(staged.create("summary.csv")?);
        let iamc = IamcWriter::new(
            staged.create("iamc.csv")?,
            (first_year..=last_year).collect(),
        )?;
        Ok(RunWriter {
            staged,
            header,
            scenarios,
            reference,
            projections,
            summary,
            iamc,
            shown: Vec::new(),
            draws: Vec::with_capacity(scenarios.count()),
        })
    }

    /// Writes one scenario's rows (scenarios come in run order).
    fn add(&mut self, s: ScenarioResult) -> Result<(), ReportError> {
        let outputs = &self.header.outputs;
        super::run::projection_rows(&mut self.projections, outputs, self.header.first_month, &s)
            .map_err(|e| report_csv_error(&self.staged, "projections.csv", e))?;
        let rows: Vec<_> =
            super::summary::scenario_rows(outputs, &s, self.reference.as_ref()).collect();
        for r in &rows {
            self.summary
                .serialize(r)
                .map_err(|e| csv_error(&self.staged, "summary.csv", e))?;
        }
        self.iamc
            .write(&super::summary_series(&rows))
            .map_err(|e| report_csv_error(&self.staged, "iamc.csv", e))?;
        self.draws.push(s.draws);
        if self.shown.len() < REPORT_SCENARIOS || s.name == BASELINE_SCENARIO {
            self.shown.push(s);
        }
        Ok(())
    }

    /// Closes the streamed files, writes `scenarios.json`, the charts and the
    /// page, and puts the set in place.
    fn finish(
        mut self,
        panel: &FittedPanel,
        obs: Option<&Observations>,
    ) -> Result<RunDigest, ReportError> {
        for (name, file) in [
            ("projections.csv", into_file(self.projections)),
            ("summary.csv", into_file(self.summary)),
        ] {
            let file = file.map_err(|e| self.staged.file_error(name, "writing")(e))?;
            self.staged.close(file)?;
        }
        let iamc = self
            .iamc
            .finish()
            .map_err(|e| report_csv_error(&self.staged, "iamc.csv", e))?;
        self.staged.close(iamc)?;
        let mut json = self.staged.create("scenarios.json")?;
        super::run::write_scenarios_json(
            &mut json,
            &self.header,
            self.scenarios,
            &self.draws,
            panel,
        )?;
        self.staged.close(json)?;
        let mut shown = self.header;
        shown.scenarios = self.shown;
        let history = obs.map_or_else(History::default, |o| super::history(o, &shown));
        let charts = super::charts(&shown, &history)?;
        let listed = (0..self.scenarios.count())
            .filter(|&i| {
                shown
                    .scenarios
                    .iter()
                    .any(|r| r.name == self.scenarios.meta(i).name)
            })
            .map(|i| self.scenarios.scenario(i).map(std::borrow::Cow::into_owned))
            .collect::<Result<Vec<Scenario>, _>>()
            .map_err(|e| ReportError::Request(e.to_string()))?;
        let html =
            super::html::report_page(&shown, &listed, self.scenarios.count(), panel, obs, &charts);
        for c in charts {
            self.staged.add(&OutputFile {
                path: format!("charts/{}", c.file_name),
                bytes: c.svg.into_bytes(),
            })?;
        }
        self.staged.add(&OutputFile {
            path: "report.html".into(),
            bytes: html.into_bytes(),
        })?;
        self.staged.commit()?;
        Ok(RunDigest {
            shown,
            scenarios_run: self.scenarios.count(),
        })
    }
}

/// The file under a CSV writer, flushed.
fn into_file(w: csv::Writer<StagedFile>) -> std::io::Result<StagedFile> {
    w.into_inner().map_err(csv::IntoInnerError::into_error)
}

/// A CSV error while writing `file`: a failed write (a full disk) is the
/// output set's, named with the folder; anything else is a CSV error.
fn csv_error(staged: &StagedSet, file: &str, e: csv::Error) -> ReportError {
    if !e.is_io_error() {
        return ReportError::Csv(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ReportError::OutputSet(staged.file_error(file, "writing")(io)),
        kind => ReportError::Request(format!("cannot write `{file}`: {kind:?}")),
    }
}

/// [`csv_error`] for a [`ReportError`] that may wrap one.
fn report_csv_error(staged: &StagedSet, file: &str, e: ReportError) -> ReportError {
    match e {
        ReportError::Csv(e) => csv_error(staged, file, e),
        other => other,
    }
}

/// Runs `scenarios` on `panel` and writes every file of the run to the
/// locked folder `target` (`OutputTarget::lock(path)?`, taken before a fit so
/// that a busy or foreign folder is refused first) as one set, a scenario at a
/// time, so the memory needed does not grow with the number of scenarios;
/// `progress` is told how many draws have finished. The folder ends as the
/// complete old set or the complete new one.
///
/// # Errors
/// [`crate::Error::Forecast`] if the run fails (a result that is not finite,
/// a run beyond the work budget) and [`crate::Error::Report`] if the folder
/// cannot be replaced or written; either way the old set is left.
pub fn run_and_write<S: ScenarioSource + ?Sized>(
    target: OutputTarget,
    panel: &FittedPanel,
    scenarios: &S,
    options: RunOptions,
    obs: Option<&Observations>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunDigest, crate::Error> {
    let mut runner = Runner::start(panel, scenarios, options)?;
    let reference = runner.reference(progress)?.cloned();
    let run = Written {
        header: runner.header(),
        scenarios,
        reference,
        panel,
        obs,
    };
    run.write(target, &mut || Ok(runner.next_result(progress)?))
}

/// Merges the parts of a run cut into shards (`Runner::write_shard`) and
/// writes its files to `target` as [`run_and_write`] would: the same bytes as
/// the run on one machine. `panel`, `scenarios` and `options` must be the
/// run's own (loaded again from [`PartSet::inputs`]); the merge checks that
/// they are.
///
/// # Errors
/// [`crate::Error::Shard`] if the parts are not this run's, are damaged or
/// do not hold every task once, or a result is not finite, and
/// [`crate::Error::Report`] if the folder cannot be replaced or written;
/// either way the old set is left.
pub fn merge_and_write<S: ScenarioSource + ?Sized>(
    target: OutputTarget,
    panel: &FittedPanel,
    scenarios: &S,
    options: RunOptions,
    parts: &PartSet,
    obs: Option<&Observations>,
) -> Result<RunDigest, crate::Error> {
    let runner = Runner::start(panel, scenarios, options)?;
    let mut merge = runner.merge(parts)?;
    let reference = merge.reference()?.cloned();
    let run = Written {
        header: runner.header(),
        scenarios,
        reference,
        panel,
        obs,
    };
    run.write(target, &mut || Ok(merge.next_result()?))
}

/// What a run's files are written from, besides its results.
struct Written<'a, S: ScenarioSource + ?Sized> {
    header: RunResult,
    scenarios: &'a S,
    reference: Option<ScenarioResult>,
    panel: &'a FittedPanel,
    obs: Option<&'a Observations>,
}

impl<S: ScenarioSource + ?Sized> Written<'_, S> {
    /// Writes every result `next` gives, in order, and puts the set in place.
    fn write(
        self,
        target: OutputTarget,
        next: &mut dyn FnMut() -> Result<Option<ScenarioResult>, crate::Error>,
    ) -> Result<RunDigest, crate::Error> {
        let staged = target.stage().map_err(ReportError::from)?;
        let mut writer = RunWriter::new(staged, self.header, self.scenarios, self.reference)?;
        while let Some(s) = next()? {
            writer.add(s)?;
        }
        Ok(writer.finish(self.panel, self.obs)?)
    }
}

/// Writes the files of a run already held in memory to `out` as one set.
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
) -> Result<RunDigest, ReportError> {
    let staged = OutputTarget::lock(out)?.stage()?;
    let header = result.header();
    let reference = result
        .scenarios
        .iter()
        .find(|s| s.name == BASELINE_SCENARIO)
        .cloned();
    let mut writer = RunWriter::new(staged, header, scenarios, reference)?;
    for s in &result.scenarios {
        writer.add(s.clone())?;
    }
    writer.finish(panel, obs)
}
