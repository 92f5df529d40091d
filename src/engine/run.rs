//! The types of a run's options and results, the random streams' seeds and
//! the draws a scenario runs (each scenario is set up and drawn in `blocks`).

use serde::{Deserialize, Serialize};

use super::substitution::YearlyTrade;
use crate::data::{Importer, Month};
use crate::scenario::{Scenario, ScenarioMeta};

/// Paths averaged for the baseline mean when no scenario draws more.
pub const MEAN_PATHS: usize = 1000;

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// The run's seed (a scenario's own `seed` takes precedence for its draws).
    pub seed: u64,
    /// Overrides every scenario's number of draws.
    pub draws: Option<usize>,
}

/// Everything a scenario produced, per output series and month.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// The scenario's name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Draws run.
    pub draws: usize,
    /// Months projected (from the run's first month).
    pub months: usize,
    /// Mean imports from China, tonnes (`[output * months + t]`).
    pub mean: Vec<f64>,
    /// 5th percentile.
    pub p05: Vec<f64>,
    /// Median.
    pub p50: Vec<f64>,
    /// 95th percentile.
    pub p95: Vec<f64>,
    /// Mean baseline, tonnes.
    pub baseline: Vec<f64>,
    /// Mean customs value, US$.
    pub value_usd: Vec<f64>,
    /// Mean tariff revenue, US$.
    pub tariff_revenue_usd: Vec<f64>,
    /// Mean downstream cost of tariffs (ρ·revenue), US$.
    pub downstream_cost_usd: Vec<f64>,
    /// Mean fiscal cost of production credits by month (all countries), US$.
    pub credit_cost_usd: Vec<f64>,
    /// Mean fiscal cost of production credits by output series (the plants'
    /// countries) and month, US$ (`[output * months + t]`).
    pub credit_cost_by_output: Vec<f64>,
    /// The calendar years the projection touches (the first or last may be partial).
    pub years: Vec<i32>,
    /// Yearly totals per output series (`[output * years + y]`).
    pub yearly: Yearly,
}

/// Yearly totals of one scenario; percentiles are of the yearly totals of each
/// draw, not sums of monthly percentiles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Yearly {
    /// Months of each year inside the projection (12 but for partial years).
    pub months: Vec<usize>,
    /// Mean imports from China, tonnes.
    pub mean: Vec<f64>,
    /// 5th percentile of the yearly total.
    pub p05: Vec<f64>,
    /// 95th percentile of the yearly total.
    pub p95: Vec<f64>,
    /// Mean baseline, tonnes.
    pub baseline: Vec<f64>,
    /// Mean customs value, US$.
    pub value_usd: Vec<f64>,
    /// Mean tariff revenue, US$.
    pub tariff_revenue_usd: Vec<f64>,
    /// Mean downstream cost of tariffs, US$.
    pub downstream_cost_usd: Vec<f64>,
    /// Mean fiscal cost of production credits, US$.
    pub credit_cost_usd: Vec<f64>,
    /// The trade model's yearly means (docs/model.md §3.9, §3.12).
    pub trade: YearlyTrade,
}

/// The results of a run.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    /// Output series, in output order (WORLD, groups, countries, ROW).
    pub outputs: Vec<Importer>,
    /// The first projected month.
    pub first_month: Month,
    /// The run's seed.
    pub seed: u64,
    /// Baseline sample paths drawn.
    pub baseline_paths: usize,
    /// One result per scenario, in the order given.
    pub scenarios: Vec<ScenarioResult>,
}

impl RunResult {
    /// The run without its scenarios' results.
    pub fn header(&self) -> RunResult {
        RunResult {
            outputs: self.outputs.clone(),
            first_month: self.first_month,
            seed: self.seed,
            baseline_paths: self.baseline_paths,
            scenarios: Vec::new(),
        }
    }
}

/// 64-bit FNV-1a of a name, so that a scenario's stream depends on its name.
pub(super) fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

pub(super) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The draws a scenario runs. A scenario with nothing uncertain runs one (more
/// would repeat it); any other runs the run's override when there is one, even
/// if its file says `draws: 1`, else its own `draws`. The test is
/// [`Scenario::is_random`], not `draws == 1`: a file's `draws: 1` is a default
/// that the command line may change, like every other `draws`.
pub fn draws_for(scenario: &Scenario, overridden: Option<usize>) -> usize {
    draws_of(&ScenarioMeta::of(scenario), overridden)
}

/// [`draws_for`] from what a run knows of a scenario before running it.
pub fn draws_of(scenario: &ScenarioMeta<'_>, overridden: Option<usize>) -> usize {
    if !scenario.random {
        return 1;
    }
    overridden.unwrap_or(scenario.draws).max(1)
}
