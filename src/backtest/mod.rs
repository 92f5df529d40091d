//! Rolling-origin backtests: every model variant refitted at each origin on the
//! data as they stood then, scored on the single months observed afterwards,
//! and ranked on a leaderboard (`magcast backtest`).
//!
//! The flow: [`BacktestRequest`] → [`backtest`] → [`Backtest`] (details, one
//! row per forecast month, and the [`LeaderboardRow`]s computed from them).
//! The variants are described in [`Variant`]; the metrics are pure functions
//! in [`metrics`].

mod error;
mod leaderboard;
pub mod metrics;
mod rolling;
mod select;
mod variants;

pub use error::BacktestError;
pub use leaderboard::{LeaderboardRow, leaderboard};
pub use rolling::{DetailRow, Failure};
pub use select::{Selection, fit_selected, select_config};
pub use variants::Variant;

use serde::Serialize;

use crate::data::Observations;
use crate::forecast::FitConfig;

/// What to backtest.
///
/// | Field | Default | Purpose | Range |
/// |---|---|---|---|
/// | `variants` | all | models compared | ≥ 1 |
/// | `horizon` | 6 | months forecast after each origin | ≥ 1 |
/// | `windows` | 6 | origins per series | ≥ 1 |
/// | `step` | 1 | months between origins | ≥ 1 |
/// | `min_months` | 24 | single-month observations a series needs | ≥ 2 |
/// | `paths` | 500 | sample draws per forecast | ≥ 2 |
/// | `seed` | 1 | seed of every draw | any |
/// | `config` | bundled | fit configuration of the panel variants | |
#[derive(Debug, Clone)]
pub struct BacktestRequest {
    /// The variants, in the order they are reported before ranking.
    pub variants: Vec<Variant>,
    /// Months forecast after each origin.
    pub horizon: usize,
    /// Origins per series.
    pub windows: usize,
    /// Months between consecutive origins.
    pub step: usize,
    /// Single-month observations a series needs to be scored.
    pub min_months: usize,
    /// Sample draws per forecast (intervals of fitted variants, CRPS of all).
    pub paths: usize,
    /// The run seed.
    pub seed: u64,
    /// The fit configuration of the panel variants.
    pub config: FitConfig,
}

impl Default for BacktestRequest {
    fn default() -> BacktestRequest {
        BacktestRequest {
            variants: Variant::all(),
            horizon: 6,
            windows: 6,
            step: 1,
            min_months: 24,
            paths: 500,
            seed: 1,
            config: FitConfig::default(),
        }
    }
}

impl BacktestRequest {
    /// Checks every parameter.
    ///
    /// # Errors
    /// [`BacktestError::Request`] naming the first value out of range.
    pub fn check(&self) -> Result<(), BacktestError> {
        let bad = |what: &str, v: usize, least: usize| {
            (v < least).then(|| {
                BacktestError::Request(format!("{what} must be at least {least}, not {v}"))
            })
        };
        if self.variants.is_empty() {
            return Err(BacktestError::Request("no models to backtest".into()));
        }
        // A model listed twice would be scored twice and fill two ranks.
        let names: Vec<String> = self.variants.iter().map(ToString::to_string).collect();
        if let Some((_, name)) = names
            .iter()
            .enumerate()
            .find(|(i, n)| names[..*i].contains(n))
        {
            return Err(BacktestError::Request(format!(
                "the model `{name}` is listed twice; list each model once"
            )));
        }
        match bad("--horizon", self.horizon, 1)
            .or_else(|| bad("--windows", self.windows, 1))
            .or_else(|| bad("--step", self.step, 1))
            .or_else(|| bad("the minimum number of months", self.min_months, 2))
            .or_else(|| bad("--paths", self.paths, 2))
        {
            Some(e) => Err(e),
            None => self.check_budget(),
        }
    }
}

impl BacktestRequest {
    /// Refuses more draws than a forecast may hold ([`MAX_STORED_DRAWS`]):
    /// a task keeps `paths` × `horizon` draws of two series (the importer and
    /// WORLD) as f64, twice the bytes of a forecast's f32, and up to four tasks
    /// run at once, hence eight times the draws of one series.
    ///
    /// [`MAX_STORED_DRAWS`]: crate::forecast::MAX_STORED_DRAWS
    fn check_budget(&self) -> Result<(), BacktestError> {
        crate::forecast::check_stored_draws(self.paths, self.horizon, 8).map_err(|_| {
            BacktestError::Request(format!(
                "{} sample paths × {} months would hold about {:.1} GB of draws in the \
                 backtest's tasks, more than the limit of 2 GB: ask for fewer paths or a \
                 shorter horizon",
                self.paths,
                self.horizon,
                self.paths as f64 * self.horizon as f64 * 8.0 * 4.0 / 1e9
            ))
        })
    }
}

/// A finished backtest.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    /// Variants ranked by MASE.
    pub leaderboard: Vec<LeaderboardRow>,
    /// Origins scored (over all series).
    pub origins: usize,
    /// Months forecast after each origin.
    pub horizon: usize,
    /// Variants that could not forecast at some origin.
    pub failures: Vec<Failure>,
    /// One row per forecast month with an actual, in (series, origin, variant,
    /// month) order.
    #[serde(skip)]
    pub details: Vec<DetailRow>,
}

/// Runs the rolling-origin backtest of `request` on `obs`.
///
/// # Errors
/// [`BacktestError::Request`] for parameters out of range and
/// [`BacktestError::NotEnoughData`] when no series or origin can be scored.
/// A variant that fails at one origin is recorded in [`Backtest::failures`],
/// not an error.
pub fn backtest(obs: &Observations, request: &BacktestRequest) -> Result<Backtest, BacktestError> {
    request.check()?;
    let (details, failures, origins) = rolling::run_tasks(obs, request)?;
    let names: Vec<String> = request.variants.iter().map(|v| v.to_string()).collect();
    Ok(Backtest {
        leaderboard: leaderboard(&names, &details, &failures),
        origins,
        horizon: request.horizon,
        failures,
        details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_safe() {
        fn check<T: Send + Sync>() {}
        check::<BacktestRequest>();
        check::<Backtest>();
        check::<BacktestError>();
    }
}
