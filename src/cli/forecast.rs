//! `magcast forecast`: the baseline forecast of every importer, with intervals.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::data_args::DataArgs;
use super::fit::ConfigArg;
use super::{ExitStatus, print};
use magcast::data::Month;
use magcast::forecast::{self, FittedPanel, ForecastError};
use magcast::report;

/// Arguments of `magcast forecast`.
#[derive(Debug, Args)]
pub(crate) struct ForecastArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    config: ConfigArg,
    #[command(flatten)]
    models: ModelsArg,
    /// Last month to forecast, e.g. 2030-12.
    #[arg(long, value_name = "YYYY-MM")]
    until: Month,
    /// Interval levels in %, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "80,95",
        value_name = "L1,L2"
    )]
    level: Vec<f64>,
    /// Number of sample paths behind the means and intervals (the default is
    /// the number `run` averages its baseline over, so the two agree).
    #[arg(long, default_value_t = magcast::engine::MEAN_PATHS)]
    paths: usize,
    /// Seed of the sample paths (same seed, same numbers, any thread count).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: ForecastFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ForecastFormat {
    /// Yearly totals of the mean for people.
    Table,
    /// Monthly rows with interval bounds.
    Csv,
    /// One JSON document with the monthly rows.
    Json,
}

pub(crate) fn forecast(args: ForecastArgs) -> anyhow::Result<ExitStatus> {
    let panel = match &args.models.path {
        Some(path) => read_models(path)?,
        None => magcast::backtest::fit_selected(&args.data.load()?, &args.config.load()?)?,
    };
    let fc = forecast::forecast_panel(&panel, args.until, &args.level, args.paths, args.seed)?;
    match args.format {
        ForecastFormat::Table => print(&report::forecast_table(&fc))?,
        ForecastFormat::Json => print(&report::forecast_json(&fc)?)?,
        ForecastFormat::Csv => {
            let mut buf = Vec::new();
            report::forecast_csv(&fc, &mut buf)?;
            print(&String::from_utf8(buf)?)?;
        }
    }
    Ok(ExitStatus::Success)
}

/// The saved-models option, shared by `forecast` and `run`.
#[derive(Debug, Clone, Args, serde::Serialize, serde::Deserialize)]
pub(crate) struct ModelsArg {
    /// Saved models from `fit --out` (the data are then not refitted).
    #[arg(id = "models", long = "models", value_name = "FILE")]
    pub(crate) path: Option<PathBuf>,
}

impl ModelsArg {
    /// The same option with the path made absolute.
    pub(crate) fn absolute(&self) -> std::io::Result<ModelsArg> {
        Ok(ModelsArg {
            path: self.path.as_deref().map(std::path::absolute).transpose()?,
        })
    }
}

/// Reads a models file written by `fit --out` (checked by the library).
pub(crate) fn read_models(path: &std::path::Path) -> Result<FittedPanel, ForecastError> {
    FittedPanel::read(path)
}
