//! The report stage: turning results into tables, CSV, JSON, SVG charts and a
//! self-contained HTML page for people and programs.

mod atomic;
mod backtest;
mod charts;
mod compare;
mod describe;
mod describe_csv;
mod dynamic;
mod fit;
mod forecast;
mod html;
mod html_trade;
mod iamc;
mod manifest;
mod number;
mod output_set;
mod run;
mod run_outputs;
mod staged;
mod summary;
mod table;
mod tariffs;

pub use atomic::{WriteError, write_atomic};
pub use backtest::{DETAILS_HEADER, backtest_csv, backtest_table, details_csv};
pub use charts::{Chart, History, MAJOR_IMPORTERS, ObservedSeries, charts, history};
pub use compare::{
    CompareOptions, CompareRow, Comparison, Ranking, compare, compare_csv, compare_table,
};
pub use describe::describe_table;
pub use describe_csv::describe_csv;
pub use dynamic::dynamic_table;
pub use fit::{fit_table, residual_table};
pub use forecast::{forecast_csv, forecast_json, forecast_table};
pub use html::{escape_html, report_html};
pub use iamc::{
    IMPORTS, IamcSeries, IamcWriter, comparison_series, iamc_csv, model_name, read_iamc,
    summary_series,
};
pub use manifest::{MANIFEST, Manifest, ManifestEntry};
pub use number::{UNAVAILABLE, fmt_pct, fmt_tonnes, thousands};
pub use output_set::{OutputFile, OutputSetError, OutputTarget};
pub use run::{
    PROJECTIONS_HEADER, projection_rows, projections_csv, run_table, scenarios_json,
    write_scenarios_json,
};
pub use run_outputs::{
    REPORT_SCENARIOS, RunDigest, merge_and_write, run_and_write, shown_note, write_run_outputs,
};
pub use staged::{StagedFile, StagedSet};
pub use summary::{
    BASELINE_SCENARIO, SummaryRow, delta_pct, read_summary, read_summary_from_reader,
    scenario_rows, summary_csv, summary_rows,
};
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
    /// An output set could not be written whole.
    #[error(transparent)]
    OutputSet(#[from] OutputSetError),
    /// A finished run's output could not be read.
    #[error("cannot read `{}`: {reason}", path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        reason: String,
    },
    /// A request that the outputs cannot answer (unknown scenario, empty filter).
    #[error("{0}")]
    Request(String),
    /// A chart could not be drawn.
    #[error("cannot draw a chart: {0}")]
    Chart(String),
}

impl ReportError {
    /// An output folder that does not exist or may not be written is the user's
    /// to fix (exit 2); other failures are the machine's (exit 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            ReportError::Write(e) => e.is_bad_input(),
            ReportError::OutputSet(e) => e.is_bad_input(),
            ReportError::Read { .. } | ReportError::Request(_) => true,
            _ => false,
        }
    }
}
