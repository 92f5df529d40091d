//! The report stage: turning results into tables, CSV and JSON for people and
//! programs.

mod describe;
mod number;
mod table;

pub use describe::{describe_csv, describe_table};
pub use number::{UNAVAILABLE, fmt_pct, fmt_tonnes, thousands};
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
}

impl ReportError {
    /// Writing outputs fails for reasons of the machine, not of the input.
    pub fn is_bad_input(&self) -> bool {
        false
    }
}
