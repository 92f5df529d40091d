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
use magcast::engine::{self, RunOptions, Shard};
use magcast::report;
use magcast::scenario::{self, ScenarioSource, ValidationContext};

/// Arguments of `magcast run`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    run: RunInputs,
    /// Output folder (created if missing), replaced as a whole; refused if it
    /// holds anything a run does not write. With --shard, the folder the
    /// shard's part is written into (beside the other shards' parts).
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    #[command(flatten)]
    threads: ThreadsArg,
    /// Run one shard of the run and write OUT/shard-I-of-N.part for `magcast
    /// merge` instead of the run's files: `I/N` is shard I of N (from 0); `N`
    /// alone takes I from SLURM_ARRAY_TASK_ID (a Slurm job array, less
    /// SLURM_ARRAY_TASK_MIN) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job).
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<ShardArg>,
}

/// What a run's results depend on: recorded in each shard's part, so that
/// `merge` loads the same run again.
#[derive(Debug, Clone, Args, serde::Serialize, serde::Deserialize)]
pub(crate) struct RunInputs {
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
    /// Monte Carlo draws for every scenario with uncertainty (default: each
    /// scenario's own `draws`, 1000 if unset).
    #[arg(long, value_name = "N")]
    draws: Option<usize>,
    /// Run seed: the same seed gives the same bytes for any thread count.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Treat the scenarios' warnings (probable mistakes) as errors.
    #[arg(long)]
    strict: bool,
}

/// The worker-threads option of `run` and `merge`.
#[derive(Debug, Args)]
pub(crate) struct ThreadsArg {
    /// Worker threads, 1 to 1024 [default: all cores].
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
}

impl ThreadsArg {
    /// Starts the worker threads asked for.
    pub(crate) fn start(&self) -> anyhow::Result<()> {
        if let Some(t) = self.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(usize::from(t))
                .build_global()
                .map_err(|e| {
                    magcast::forecast::ForecastError::Request(format!(
                        "--threads {t}: cannot start the worker threads: {e}"
                    ))
                })?;
        }
        Ok(())
    }
}

/// A run's inputs, loaded and checked.
pub(crate) struct LoadedRun {
    pub(crate) panel: magcast::forecast::FittedPanel,
    pub(crate) scenarios: scenario::ScenarioList,
    /// The observations, for the charts and the report (not loaded for a shard
    /// on saved models, which writes neither).
    pub(crate) obs: Option<Observations>,
    /// The output folder, locked, when one was asked for.
    pub(crate) target: Option<report::OutputTarget>,
    pub(crate) options: RunOptions,
}

impl RunInputs {
    /// Loads and checks everything; `out`, if given, is locked after the
    /// scenarios and before the (slower) fit, so a bad file fails at once and
    /// a folder that cannot be replaced, or another run writing it, is
    /// reported before the work.
    pub(crate) fn load(&self, out: Option<&std::path::Path>) -> anyhow::Result<LoadedRun> {
        if let Some(d) = self.draws
            && (d == 0 || d as u64 > scenario::MAX_DRAWS)
        {
            anyhow::bail!(magcast::forecast::ForecastError::Request(format!(
                "--draws must be between 1 and {}, not {d}",
                scenario::MAX_DRAWS
            )));
        }
        let lock = || out.map(report::OutputTarget::lock).transpose();
        let options = RunOptions {
            seed: self.seed,
            draws: self.draws,
        };
        let loaded = match &self.models.path {
            Some(path) => {
                let panel = read_models(path)?;
                let scenarios = load_scenario_list(&self.inputs, panel.last_observed, self.strict)?;
                let target = lock()?;
                // The observed history in the charts and report: the data file
                // (by default the bundled one). A file given that cannot be read
                // is an error like any other bad input, not a history left out.
                let obs = out.map(|_| self.data.load()).transpose()?;
                LoadedRun {
                    panel,
                    scenarios,
                    obs,
                    target,
                    options,
                }
            }
            None => {
                let obs = self.data.load()?;
                let scenarios =
                    load_scenario_list(&self.inputs, last_observed(&obs)?, self.strict)?;
                let config = self.config.load()?;
                let target = lock()?;
                let panel = magcast::backtest::fit_selected(&obs, &config)?;
                LoadedRun {
                    panel,
                    scenarios,
                    obs: Some(obs),
                    target,
                    options,
                }
            }
        };
        Ok(loaded)
    }

    /// The same inputs with every path absolute, as JSON: a shard's record
    /// of its run.
    fn record(&self) -> anyhow::Result<String> {
        let inputs = self
            .inputs
            .iter()
            .map(std::path::absolute)
            .collect::<std::io::Result<Vec<_>>>()?;
        let absolute = RunInputs {
            inputs,
            data: self.data.absolute()?,
            config: self.config.absolute()?,
            models: self.models.absolute()?,
            ..self.clone()
        };
        Ok(serde_json::to_string(&absolute)?)
    }

    /// The inputs a shard's part recorded.
    pub(crate) fn recorded(parts: &magcast::engine::PartSet) -> anyhow::Result<RunInputs> {
        serde_json::from_str(parts.inputs()).map_err(|e| {
            magcast::forecast::ForecastError::Request(format!(
                "the parts record their run's inputs in a form this magcast cannot read ({e}); \
                 merge them with the magcast that ran the shards"
            ))
            .into()
        })
    }
}

/// `--shard`: `I/N`, or `N` with I from the scheduler.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShardArg {
    index: Option<usize>,
    count: usize,
}

fn parse_shard(text: &str) -> Result<ShardArg, String> {
    let number = |s: &str| {
        s.trim()
            .parse::<usize>()
            .map_err(|_| format!("`{text}` is not I/N (shard I of N, from 0) or N"))
    };
    match text.split_once('/') {
        Some((i, n)) => Ok(ShardArg {
            index: Some(number(i)?),
            count: number(n)?,
        }),
        None => Ok(ShardArg {
            index: None,
            count: number(text)?,
        }),
    }
}

impl ShardArg {
    /// The shard: its index as given, or from the scheduler's environment.
    fn resolve(self) -> anyhow::Result<Shard> {
        let flag = match self.index {
            Some(i) => format!("--shard {i}/{}", self.count),
            None => format!("--shard {}", self.count),
        };
        let index = match self.index {
            Some(i) => i,
            None => scheduler_index(self.count).map_err(|e| request(format!("{flag}: {e}")))?,
        };
        Shard::new(index, self.count).map_err(|e| request(format!("{flag}: {e}")).into())
    }
}

fn request(message: String) -> magcast::forecast::ForecastError {
    magcast::forecast::ForecastError::Request(message)
}

/// The shard index a scheduler gives this task: Slurm's array task id (less
/// the array's first id), else a Kubernetes Indexed Job's completion index.
fn scheduler_index(count: usize) -> Result<usize, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let parse = |name: &str, v: &str| {
        v.trim()
            .parse::<usize>()
            .map_err(|_| format!("{name} is `{v}`, not a number"))
    };
    if let Some(id) = var("SLURM_ARRAY_TASK_ID") {
        let id = parse("SLURM_ARRAY_TASK_ID", &id)?;
        let min = match var("SLURM_ARRAY_TASK_MIN") {
            Some(m) => parse("SLURM_ARRAY_TASK_MIN", &m)?,
            None => 0,
        };
        if let Some(n) = var("SLURM_ARRAY_TASK_COUNT") {
            let n = parse("SLURM_ARRAY_TASK_COUNT", &n)?;
            if n != count {
                return Err(format!(
                    "the Slurm array has {n} tasks (SLURM_ARRAY_TASK_COUNT), not {count}"
                ));
            }
        }
        return id.checked_sub(min).ok_or_else(|| {
            format!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}")
        });
    }
    if let Some(i) = var("JOB_COMPLETION_INDEX") {
        return parse("JOB_COMPLETION_INDEX", &i);
    }
    Err(format!(
        "no shard index: give I/{count}, or run it as a Slurm array task (SLURM_ARRAY_TASK_ID) \
         or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)"
    ))
}

pub(crate) fn run(args: RunArgs) -> anyhow::Result<ExitStatus> {
    let started = std::time::Instant::now();
    args.threads.start()?;
    let shard = args.shard.map(ShardArg::resolve).transpose()?;
    let loaded = args
        .run
        .load(shard.is_none().then_some(args.out.as_path()))?;
    let scenarios = &loaded.scenarios;
    let total: u64 = (0..scenarios.count())
        .map(|i| engine::draws_of(&scenarios.meta(i), args.run.draws) as u64)
        .sum();
    let bar = progress_bar(total);
    let progress = |n| bar.inc(n);
    if let Some(shard) = shard {
        let runner = engine::Runner::start(&loaded.panel, scenarios, loaded.options)?;
        let path = runner.write_shard(shard, &args.out, &args.run.record()?, &progress)?;
        bar.finish_and_clear();
        print(&format!("Wrote {shard} to {}\n", path.display()))?;
    } else {
        let target = loaded.target.expect("locked when not a shard");
        let digest = report::run_and_write(
            target,
            &loaded.panel,
            scenarios,
            loaded.options,
            loaded.obs.as_ref(),
            &progress,
        )?;
        bar.finish_and_clear();
        print_digest(&digest, &args.out)?;
    }
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

/// Prints a finished run's table and where its files are.
pub(crate) fn print_digest(
    digest: &report::RunDigest,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let shown = report::shown_note(digest.shown.scenarios.len(), digest.scenarios_run)
        .map_or_else(String::new, |n| format!("{n}\n"));
    print(&format!(
        "{}{shown}\nWrote projections.csv, summary.csv, iamc.csv, scenarios.json, report.html and charts/*.svg to {}\n",
        report::run_table(&digest.shown),
        out.display()
    ))
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
