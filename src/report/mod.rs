//! The report stage: turning results into tables, CSV and JSON for people and
//! programs.

mod atomic;
mod backtest;
mod describe;
mod fit;
mod forecast;
mod number;
mod run;
mod table;

pub use atomic::{WriteError, write_atomic};
pub use backtest::{DETAILS_HEADER, backtest_csv, backtest_table, details_csv};
pub use describe::{describe_csv, describe_table};
pub use fit::{fit_table, residual_table};
pub use forecast::{forecast_csv, forecast_json, forecast_table};
pub use number::{UNAVAILABLE, fmt_pct, fmt_tonnes, thousands};
pub use run::{projections_csv, run_table, scenarios_json};
pub use table::{Align, Table};

/// Errors while writing a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// Writing CSV failed.
    #[error("cannot write CSV")]
    Csv(#[from] csv::Error),
    /// Writing JSON failed.
    #[error("cannot write JSON")]
    Json(#[from] serde_json::Error),
    /// An output file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl ReportError {
    /// An output folder that does not exist or may not be written is the user's
    /// to fix (exit 2); other failures are the machine's (exit 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            ReportError::Write(e) => e.is_bad_input(),
            _ => false,
        }
    }
}
