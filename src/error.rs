//! The crate's top-level error, wrapping each stage's own error, and the one place
//! that decides whether an error is the user's input (exit code 2) or a failure
//! (exit code 1).

use crate::data::DataError;

/// Any error magcast's library returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or understanding the observations failed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A regression could not be fitted (or its data not read).
    #[error(transparent)]
    Model(#[from] crate::model::ModelError),
    /// The baseline panel could not be fitted or forecast.
    #[error(transparent)]
    Forecast(#[from] crate::forecast::ForecastError),
    /// Scenario files have problems.
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// A backtest could not be run.
    #[error(transparent)]
    Backtest(#[from] crate::backtest::BacktestError),
    /// Writing an output failed.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// A shard could not be run or its parts not merged.
    #[error(transparent)]
    Shard(#[from] crate::engine::ShardError),
}

/// Shorthand for results with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Whether the error is the user's input or usage (exit code 2) rather than a
    /// failure of the machine or of magcast (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Data(e) => e.is_bad_input(),
            Error::Model(e) => e.is_bad_input(),
            Error::Forecast(e) => e.is_bad_input(),
            Error::Scenario(e) => e.is_bad_input(),
            Error::Report(e) => e.is_bad_input(),
            Error::Backtest(e) => e.is_bad_input(),
            Error::Shard(e) => e.is_bad_input(),
        }
    }
}

/// Classifies one link of an error chain: `Some(true)` for bad input, `Some(false)`
/// for a failure, `None` if the error is not one of magcast's.
pub fn classify(error: &(dyn std::error::Error + 'static)) -> Option<bool> {
    if let Some(e) = error.downcast_ref::<Error>() {
        return Some(e.is_bad_input());
    }
    if let Some(e) = error.downcast_ref::<DataError>() {
        return Some(e.is_bad_input());
    }
    if let Some(e) = error.downcast_ref::<crate::model::ModelError>() {
        return Some(e.is_bad_input());
    }
    if let Some(e) = error.downcast_ref::<crate::forecast::ForecastError>() {
        return Some(e.is_bad_input());
    }
    if let Some(e) = error.downcast_ref::<crate::scenario::ScenarioError>() {
        return Some(e.is_bad_input());
    }
    if let Some(e) = error.downcast_ref::<crate::backtest::BacktestError>() {
        return Some(e.is_bad_input());
    }
    if let Some(e) = error.downcast_ref::<crate::report::ReportError>() {
        return Some(e.is_bad_input());
    }
    if let Some(e) = error.downcast_ref::<crate::report::WriteError>() {
        return Some(e.is_bad_input());
    }
    if let Some(e) = error.downcast_ref::<crate::report::OutputSetError>() {
        return Some(e.is_bad_input());
    }
    if let Some(e) = error.downcast_ref::<crate::engine::ShardError>() {
        return Some(e.is_bad_input());
    }
    None
}
