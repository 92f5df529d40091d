//! The command line: one file per subcommand, each turning its arguments into a
//! library request and printing the result. Only this module uses clap, anyhow,
//! stdout and exit codes.

mod backtest;
mod compare;
mod data_args;
mod describe;
mod fit;
mod forecast;
mod merge;
mod regress;
mod run;
mod schema;
mod validate;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Forecasts and scenarios of China's rare-earth permanent-magnet exports
/// (HS 8505.11) by importing country.
///
/// With no options, every command uses the bundled data in `data/`.
#[derive(Debug, Parser)]
#[command(name = "magcast", version, propagate_version = true)]
#[command(after_help = "For help with one command: `magcast help <command>`.")]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Headline statistics of a year, from the observations alone.
    ///
    /// The world total and its change, the importers ranked with their shares,
    /// the top-10 share, the fastest growers, and half-year, quarterly and monthly
    /// growth. A figure is shown only where the observations determine it (an
    /// annual figure, all its months, or sums and differences of observed spans,
    /// shown in the `from` column); otherwise it is `n/a`, never estimated.
    Describe(describe::DescribeArgs),
    /// Least-squares fit of one trend family to columns of any numeric CSV.
    ///
    /// Families: linear, poly:N, exponential, power, monomolecular, logistic,
    /// gompertz, richards. Prints estimates, standard errors, RSS, residual SD,
    /// R², AIC, AICc, BIC and whether the fit converged. Nonlinear models start
    /// automatically unless --start is given.
    Regress(regress::RegressArgs),
    /// Fit the baseline from the data as they are (spans predicted by sums of
    /// months).
    ///
    /// The default (dynamic) baseline: WORLD is a structural state-space model
    /// (local level, trend damped or linear, seasonality, Lunar New Year, shocks
    /// that decay at an estimated rate) and every importer and ROW a share of
    /// WORLD that follows its own latest data. The trend models (families chosen
    /// by AICc for WORLD, trending shares for importers) are fitted beside it
    /// and shown; `baseline: trend` in the fit configuration draws from them
    /// instead. `--out` saves the models for `forecast --models`.
    Fit(fit::FitArgs),
    /// Forecast every importer (and WORLD, groups, ROW) month by month after the
    /// last observation, with intervals from coherent sample paths.
    Forecast(forecast::ForecastArgs),
    /// Run scenarios against the baseline and write OUT/projections.csv and
    /// OUT/scenarios.json.
    ///
    /// Every scenario in the files or folders given (default: the bundled ones) is
    /// resolved (`extends`, `sweep`), checked, and run in parallel with Monte
    /// Carlo draws; each draw has its own random stream derived from the seed,
    /// the scenario's name and the draw, so results are identical for any
    /// number of threads.
    Run(run::RunArgs),
    /// Put the parts of a run cut into shards (`run --shard I/N`) back together
    /// into the run's files.
    ///
    /// Checks that every shard's part is there exactly once and that the
    /// scenarios, data and models recorded in the parts are unchanged, then
    /// writes the files a run on one machine writes, byte for byte.
    Merge(merge::MergeArgs),
    /// Rolling-origin backtest of every model variant against benchmarks.
    ///
    /// At each origin (the last single-month observation minus the horizon, then
    /// `--step` months further back for each of `--windows`), every variant is
    /// refitted on the data as they stood then and scored on the single months
    /// observed in the next `--horizon` months. Variants: naive, seasonal-naive,
    /// drift, each trend family on its own, and the automatic selection (auto).
    /// The leaderboard is ranked by MASE (mean over series); MAE, RMSE, MAPE,
    /// sMAPE, interval coverage, Winkler score and CRPS are pooled over points.
    /// `--details` writes every point, from which each metric can be recomputed.
    Backtest(backtest::BacktestArgs),
    /// Compare a finished run's scenarios with a baseline, year by year, and rank
    /// them by imports from China and by tariff revenue (reads OUT/summary.csv).
    Compare(compare::CompareArgs),
    /// Check scenario files and list every problem (file, line, column, key).
    Validate(validate::ValidateArgs),
    /// Print the JSON Schema of scenario files, for editor autocompletion.
    Schema(schema::SchemaArgs),
}

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns for people.
    Table,
    /// One JSON document.
    Json,
    /// CSV with a header row.
    Csv,
}

/// Output format of commands without a CSV form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TableOrJson {
    /// Aligned columns for people.
    Table,
    /// One JSON document.
    Json,
}

/// How a run ended, mapped to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    /// Everything worked: 0.
    Success,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
        }
    }
}

/// Runs the chosen command.
pub(crate) fn run(args: Args) -> anyhow::Result<ExitStatus> {
    match args.command {
        Command::Describe(a) => describe::describe(a),
        Command::Regress(a) => regress::regress(a),
        Command::Fit(a) => fit::fit(a),
        Command::Forecast(a) => forecast::forecast(a),
        Command::Run(a) => run::run(a),
        Command::Merge(a) => merge::merge(a),
        Command::Backtest(a) => backtest::backtest(a),
        Command::Validate(a) => validate::validate(a),
        Command::Compare(a) => compare::compare(a),
        Command::Schema(a) => schema::schema(a),
    }
}

/// Prints the error once, with its causes, and picks the exit code: 2 for bad
/// input or usage, 1 for anything else, 0 for a closed pipe (`magcast … | head`).
pub(crate) fn report_error(err: &anyhow::Error) -> ExitCode {
    for cause in err.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return ExitCode::SUCCESS;
        }
    }
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "error: {err}");
    for cause in err.chain().skip(1) {
        let _ = write!(stderr, "\n  caused by: {cause}");
    }
    let _ = writeln!(stderr);
    let bad_input = err
        .chain()
        .find_map(magcast::error::classify)
        .unwrap_or(false);
    ExitCode::from(if bad_input { 2 } else { 1 })
}

/// Writes `text` to stdout in one go, so a closed pipe surfaces as an error the
/// caller can treat as a clean exit.
pub(crate) fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
