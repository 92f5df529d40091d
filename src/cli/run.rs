//! `magcast run`: every scenario against the baseline, in parallel, with Monte
//! Carlo uncertainty; writes `OUT/projections.csv`, `OUT/scenarios.json`,
//! `OUT/charts/*.svg`, `OUT/report.html` and the others as one output set
//! (`report::OutputTarget`: whole or untouched).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::data_args::DataArgs;
use super::fit::ConfigArg;
use super::forecast::{ModelsArg, read_models};
use super::{ExitStatus, print};
use magcast::data::{Month, Observations};
use magcast::engine::{self, RunOptions};
use magcast::report;
use magcast::scenario::{self, ScenarioSource, ValidationContext};

/// Arguments of `magcast run`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Scenario files or folders of them [default: the scenarios compiled into
    /// magcast, copies of scenarios/*.yaml in its repository].
    #[arg(value_name = "SCENARIO")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    config: ConfigArg,
    #[command(flatten)]
    models: ModelsArg,
    /// Output folder (created if missing), replaced as a whole; refused if it
    /// holds anything a run does not write.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// Monte Carlo draws for every scenario with uncertainty (default: each
    /// scenario's own `draws`, 1000 if unset).
    #[arg(long, value_name = "N")]
    draws: Option<usize>,
    /// Run seed: the same seed gives the same bytes for any thread count.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Worker threads, 1 to 1024 [default: all cores].
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Treat the scenarios' warnings (probable mistakes) as errors.
    #[arg(long)]
    strict: bool,
}

pub(crate) fn run(args: RunArgs) -> anyhow::Result<ExitStatus> {
    let started = std::time::Instant::now();
    if let Some(t) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(t))
            .build_global()
            .map_err(|e| {
                magcast::forecast::ForecastError::Request(format!(
                    "--threads {t}: cannot start the worker threads: {e}"
                ))
            })?;
    }
    if let Some(d) = args.draws
        && (d == 0 || d as u64 > scenario::MAX_DRAWS)
    {
        anyhow::bail!(magcast::forecast::ForecastError::Request(format!(
            "--draws must be between 1 and {}, not {d}",
            scenario::MAX_DRAWS
        )));
    }
    // Scenarios are checked before the (slower) fit, so a bad file fails at
    // once; the output folder is locked after them and before the fit, so a
    // folder that cannot be replaced, or another run writing it, is reported
    // before the work.
    let (panel, scenarios, obs, target) = match &args.models.path {
        Some(path) => {
            let panel = read_models(path)?;
            let scenarios = load_scenario_list(&args.inputs, panel.last_observed, args.strict)?;
            let target = report::OutputTarget::lock(&args.out)?;
            // The observed history in the charts and report: the data file
            // (by default the bundled one). A file given that cannot be read
            // is an error like any other bad input, not a history left out.
            let obs = args.data.load()?;
            (panel, scenarios, Some(obs), target)
        }
        None => {
            let obs = args.data.load()?;
            let scenarios = load_scenario_list(&args.inputs, last_observed(&obs)?, args.strict)?;
            let config = args.config.load()?;
            let target = report::OutputTarget::lock(&args.out)?;
            let panel = magcast::backtest::fit_selected(&obs, &config)?;
            (panel, scenarios, Some(obs), target)
        }
    };
    let total: u64 = (0..scenarios.count())
        .map(|i| engine::draws_of(&scenarios.meta(i), args.draws) as u64)
        .sum();
    let bar = progress_bar(total);
    let options = RunOptions {
        seed: args.seed,
        draws: args.draws,
    };
    let digest = report::run_and_write(target, &panel, &scenarios, options, obs.as_ref(), &|n| {
        bar.inc(n);
    })?;
    bar.finish_and_clear();
    let shown = report::shown_note(digest.shown.scenarios.len(), digest.scenarios_run)
        .map_or_else(String::new, |n| format!("{n}\n"));
    print(&format!(
        "{}{shown}\nWrote projections.csv, summary.csv, iamc.csv, scenarios.json, report.html and charts/*.svg to {}\n",
        report::run_table(&digest.shown),
        args.out.display()
    ))?;
    // On stderr: the thread count and time vary between runs, the outputs don't.
    let threads = rayon::current_num_threads();
    eprintln!(
        "magcast run: {} scenario(s), {total} draw(s) on {threads} thread{} in {:.2} s",
        scenarios.count(),
        if threads == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    );
    Ok(ExitStatus::Success)
}

/// The scenarios named on the command line, or the bundled ones if none are,
/// checked against data that end in `last_observed`, as a
/// [`scenario::ScenarioList`] (a sweep held as a sweep: each variant checked
/// now and remade when run). Warnings go to stderr, or fail the load when
/// `strict`.
fn load_scenario_list(
    inputs: &[PathBuf],
    last_observed: Month,
    strict: bool,
) -> Result<scenario::ScenarioList, scenario::ScenarioError> {
    let ctx = ValidationContext {
        first_month: Some(last_observed.plus(1)),
    };
    let mut loaded = if inputs.is_empty() {
        scenario::load_bundled_list(ctx)?
    } else {
        scenario::load_list(inputs, ctx)?
    };
    if strict {
        loaded = loaded.strict()?;
    }
    print_warnings(&loaded.warnings);
    Ok(loaded.scenarios)
}

/// Prints warnings on stderr.
fn print_warnings(warnings: &[magcast::yaml::ConfigProblem]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// [`load_scenario_list`] as every scenario with its resolved spec (for
/// `validate`).
pub(crate) fn load_resolved_scenarios(
    inputs: &[PathBuf],
    last_observed: Month,
    strict: bool,
) -> Result<scenario::Loaded, scenario::ScenarioError> {
    let ctx = ValidationContext {
        first_month: Some(last_observed.plus(1)),
    };
    let loaded = if inputs.is_empty() {
        scenario::load_bundled_resolved(ctx)?
    } else {
        scenario::load_resolved(inputs, ctx)?
    };
    if strict {
        return loaded.strict();
    }
    print_warnings(&loaded.warnings);
    Ok(loaded)
}

/// The last month the observations cover.
pub(crate) fn last_observed(obs: &Observations) -> anyhow::Result<Month> {
    obs.month_range()
        .map(|r| r.end())
        .ok_or_else(|| anyhow::anyhow!("the data have no observations"))
}

/// A bar on stderr for long runs, hidden when stderr is not a terminal.
fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() || total < 10_000 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} draws ({eta} left)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
