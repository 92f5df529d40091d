//! `magcast backtest`: rolling-origin evaluation of the model variants.

use std::path::PathBuf;

use clap::Args;

use super::data_args::DataArgs;
use super::fit::ConfigArg;
use super::{ExitStatus, Format, print};
use magcast::backtest::{self, BacktestRequest, Variant};
use magcast::report;

/// Arguments of `magcast backtest`.
#[derive(Debug, Args)]
pub(crate) struct BacktestArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    config: ConfigArg,
    /// Variants to compare, comma-separated: naive, seasonal-naive, drift,
    /// exponential, linear, logistic, gompertz (or poly:N, richards), auto,
    /// dynamic (the structural WORLD and local-level shares).
    #[arg(
        long = "models",
        id = "backtest_models",
        value_delimiter = ',',
        value_name = "M1,M2",
        default_value = "naive,seasonal-naive,drift,exponential,linear,logistic,gompertz,auto,dynamic"
    )]
    models: Vec<String>,
    /// Months forecast after each origin.
    #[arg(long, default_value_t = 6)]
    horizon: usize,
    /// Origins per series, stepping back from the latest (origin w is the last
    /// single-month observation minus horizon minus w × step).
    #[arg(long, default_value_t = 6)]
    windows: usize,
    /// Months between consecutive origins.
    #[arg(long, default_value_t = 1)]
    step: usize,
    /// Single-month observations a series needs to be scored.
    #[arg(long, default_value_t = 24, value_name = "N")]
    min_months: usize,
    /// Sample draws per forecast (intervals and CRPS).
    #[arg(long, default_value_t = 500)]
    paths: usize,
    /// Seed of every draw (same seed, same numbers, any thread count).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output format of the leaderboard.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Also write every forecast point beside its actual to this CSV.
    #[arg(long, value_name = "FILE")]
    details: Option<PathBuf>,
}

pub(crate) fn backtest(args: BacktestArgs) -> anyhow::Result<ExitStatus> {
    let variants = args
        .models
        .iter()
        .map(|m| Variant::parse(m))
        .collect::<Result<Vec<_>, _>>()?;
    let request = BacktestRequest {
        variants,
        horizon: args.horizon,
        windows: args.windows,
        step: args.step,
        min_months: args.min_months,
        paths: args.paths,
        seed: args.seed,
        config: args.config.load()?,
    };
    request.check()?;
    let obs = args.data.load()?;
    let bt = backtest::backtest(&obs, &request)?;
    if let Some(path) = &args.details {
        report::write_atomic(path, report::details_csv(&bt.details).as_bytes())?;
    }
    let text = match args.format {
        Format::Table => report::backtest_table(&bt),
        Format::Csv => report::backtest_csv(&bt),
        Format::Json => serde_json::to_string_pretty(&bt)? + "\n",
    };
    print(&text)?;
    Ok(ExitStatus::Success)
}
