//! Errors of the backtest stage.

use crate::forecast::ForecastError;

/// Everything that can stop a backtest before it produces a leaderboard.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BacktestError {
    /// A model name in `--models` is not a known variant.
    #[error("unknown model `{name}` (known: {known})")]
    UnknownModel {
        /// The name given.
        name: String,
        /// The names accepted.
        known: String,
    },
    /// A request parameter is out of range (e.g. a horizon of 0).
    #[error("{0}")]
    Request(String),
    /// No series has enough single-month observations, or none gives an origin
    /// with later observations to score.
    #[error("not enough monthly data to backtest: {0}")]
    NotEnoughData(String),
    /// The panel machinery failed outside any one fit (e.g. bad sampling request).
    #[error(transparent)]
    Forecast(#[from] ForecastError),
}

impl BacktestError {
    /// Whether the error is the user's input (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            BacktestError::Forecast(e) => e.is_bad_input(),
            _ => true,
        }
    }
}
