//! A run as a stream of scenario results: the shared baseline paths are drawn
//! once, then scenarios are run a batch at a time, in parallel, and handed out
//! in the order given. A caller that writes each result and lets it go holds
//! one batch at a time, whatever the number of scenarios (a sweep of 100,000
//! variants needs no more memory than one of 100).

use std::borrow::Cow;
use std::collections::VecDeque;

use rayon::prelude::*;

use super::baseline_paths::BaselinePaths;
use super::blocks::{ScenarioSetup, blocks_of};
use super::layout::Layout;
use super::run::{MEAN_PATHS, RunOptions, RunResult, ScenarioResult, draws_for, draws_of};
use crate::data::Month;
use crate::forecast::{FittedPanel, ForecastError, PathSampler};
use crate::scenario::{BASELINE_SCENARIO, Scenario, ScenarioSource};

/// A run under way over borrowed scenarios (a slice of them, or a
/// [`ScenarioList`](crate::scenario::ScenarioList) that remakes sweep variants
/// as they come); see [`Runner::next_result`].
pub struct Runner<'a, S: ScenarioSource + ?Sized> {
    pub(super) scenarios: &'a S,
    pub(super) options: RunOptions,
    pub(super) layout: Layout,
    pub(super) base: BaselinePaths,
    pub(super) first: Month,
    /// The next scenario to run.
    next: usize,
    /// Finished results not yet handed out, in order.
    ready: VecDeque<ScenarioResult>,
    /// The scenario called `baseline`, run ahead of the others when asked for.
    reference: Option<(usize, ScenarioResult)>,
}

impl<'a, S: ScenarioSource + ?Sized> Runner<'a, S> {
    /// Checks the run's size and draws the baseline paths every scenario uses.
    ///
    /// # Errors
    /// [`ForecastError`] if the baseline cannot be sampled to the horizon, and
    /// [`ForecastError::Request`] if the run is beyond
    /// [`MAX_WORK_CELLS`](super::MAX_WORK_CELLS) (checked before anything is drawn).
    pub fn start(
        panel: &FittedPanel,
        scenarios: &'a S,
        options: RunOptions,
    ) -> Result<Runner<'a, S>, ForecastError> {
        let first = panel.last_observed.plus(1);
        let until = (0..scenarios.count())
            .map(|i| scenarios.meta(i).horizon)
            .max()
            .unwrap_or(first)
            .max(first);
        let sampler = PathSampler::new(panel, until, options.seed)?;
        let layout = Layout::new(sampler.importers());
        let draws = |s: &crate::scenario::ScenarioMeta<'_>| draws_of(s, options.draws);
        super::budget::check_work(scenarios, draws, layout.outputs.len(), first)?;
        let needed = (0..scenarios.count())
            .map(|i| scenarios.meta(i))
            .filter(|s| s.baseline_uncertainty)
            .map(|s| draws(&s))
            .max()
            .unwrap_or(0)
            .max(MEAN_PATHS);
        let base = BaselinePaths::draw(&sampler, &layout, needed);
        Ok(Runner {
            scenarios,
            options,
            layout,
            base,
            first,
            next: 0,
            ready: VecDeque::new(),
            reference: None,
        })
    }

    /// The run without its scenarios' results: series, first month, seed and
    /// baseline paths, for writers that take results one at a time.
    pub fn header(&self) -> RunResult {
        RunResult {
            outputs: self.layout.outputs.clone(),
            first_month: self.first,
            seed: self.options.seed,
            baseline_paths: self.base.count,
            scenarios: Vec::new(),
        }
    }

    /// The result of the scenario called `baseline`, if the run has one,
    /// computed now (ahead of its turn, which then reuses it), so that every
    /// other scenario's rows can be set against it as they come.
    ///
    /// # Errors
    /// [`ForecastError::Request`] if its result is not finite.
    pub fn reference(
        &mut self,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Option<&ScenarioResult>, ForecastError> {
        let Some(index) = self.reference_index() else {
            return Ok(None);
        };
        if self.reference.is_none() {
            let result = self.run_checked(index, progress)?;
            self.reference = Some((index, result));
        }
        Ok(self.reference.as_ref().map(|(_, r)| r))
    }

    /// The next scenario's result, in the order given, or `None` after the
    /// last. Scenarios are run a batch at a time in parallel; a batch's
    /// results do not depend on the number of threads or on the batch size.
    ///
    /// # Errors
    /// [`ForecastError::Request`] when a result would not be finite (naming the
    /// scenario, quantity, series and month); the run cannot go on after it.
    pub fn next_result(
        &mut self,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Option<ScenarioResult>, ForecastError> {
        if self.ready.is_empty() && self.next < self.scenarios.count() {
            self.run_batch(progress)?;
        }
        Ok(self.ready.pop_front())
    }

    /// Runs the next batch of scenarios into `ready`.
    fn run_batch(&mut self, progress: &(dyn Fn(u64) + Sync)) -> Result<(), ForecastError> {
        let size = (4 * rayon::current_num_threads()).max(16);
        let range = self.next..(self.next + size).min(self.scenarios.count());
        self.next = range.end;
        let cached = self.reference.take();
        let results: Vec<Result<ScenarioResult, ForecastError>> = range
            .into_par_iter()
            .map(|i| match &cached {
                Some((r, result)) if *r == i => Ok(result.clone()),
                _ => self.run_checked(i, progress),
            })
            .collect();
        self.reference = cached;
        for r in results {
            self.ready.push_back(r?);
        }
        Ok(())
    }

    /// The index of the scenario called `baseline`, if there is one.
    pub(super) fn reference_index(&self) -> Option<usize> {
        (0..self.scenarios.count()).find(|&i| self.scenarios.meta(i).name == BASELINE_SCENARIO)
    }

    /// Scenario `i`, checked (a remade variant that no longer checks is a bug,
    /// reported as a failed request).
    pub(super) fn scenario_at(&self, i: usize) -> Result<Cow<'a, Scenario>, ForecastError> {
        self.scenarios
            .scenario(i)
            .map_err(|e| ForecastError::Request(e.to_string()))
    }

    /// Blocks of draws scenario `i` runs.
    pub(super) fn blocks_of_scenario(&self, i: usize) -> usize {
        blocks_of(draws_of(&self.scenarios.meta(i), self.options.draws))
    }

    /// What `scenario` needs to be drawn `draws` times in this run.
    pub(super) fn setup<'s>(&'s self, scenario: &'s Scenario, draws: usize) -> ScenarioSetup<'s> {
        ScenarioSetup::new(
            scenario,
            &self.layout,
            &self.base,
            self.first,
            draws,
            self.options.seed,
        )
    }

    /// Runs scenario `i` and refuses a result that is not finite.
    pub(super) fn run_checked(
        &self,
        i: usize,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ScenarioResult, ForecastError> {
        let s = self.scenario_at(i)?;
        self.run_scenario(&s, progress)
    }

    /// Runs every draw of `scenario` and refuses a result that is not finite.
    pub(super) fn run_scenario(
        &self,
        scenario: &Scenario,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<ScenarioResult, ForecastError> {
        let draws = draws_for(scenario, self.options.draws);
        let setup = self.setup(scenario, draws);
        self.check_finite(setup.finish(setup.draw(0..blocks_of(draws), progress)))
    }

    /// `result`, unless a value of it is not finite.
    pub(super) fn check_finite(
        &self,
        result: ScenarioResult,
    ) -> Result<ScenarioResult, ForecastError> {
        match super::finite::scenario(&result, &self.layout.outputs, self.first) {
            Some(problem) => Err(ForecastError::Request(problem)),
            None => Ok(result),
        }
    }
}

/// Runs every scenario against the panel's baseline and keeps every result;
/// `progress` is told how many draws have finished (for a progress bar). For
/// runs too large to hold, take results one at a time from a [`Runner`].
///
/// # Errors
/// As [`Runner::start`] and [`Runner::next_result`]: nothing is returned when
/// any result would not be finite.
pub fn run(
    panel: &FittedPanel,
    scenarios: &[Scenario],
    options: RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, ForecastError> {
    let mut runner = Runner::start(panel, scenarios, options)?;
    let mut result = runner.header();
    result.scenarios.reserve(scenarios.len());
    while let Some(s) = runner.next_result(progress)? {
        result.scenarios.push(s);
    }
    Ok(result)
}
