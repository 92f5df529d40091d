//! `magcast validate`: check scenario files without running them, against the
//! same data-dependent rules as `run` (the projection starts the month after the
//! data end).

use std::path::PathBuf;

use clap::Args;

use super::data_args::DataArgs;
use super::forecast::{ModelsArg, read_models};
use magcast::scenario::extend;

use super::run::{last_observed, load_resolved_scenarios};
use super::{ExitStatus, print};

/// Arguments of `magcast validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Scenario files or folders [default: the scenarios compiled into magcast].
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The data the scenarios will run on (their last month decides where
    /// projections start).
    #[command(flatten)]
    data: DataArgs,
    /// Or the saved models they will run on.
    #[command(flatten)]
    models: ModelsArg,
    /// Also print each scenario as it runs: after `extends` and `sweep`, as YAML.
    #[arg(long)]
    resolved: bool,
}

pub(crate) fn validate(args: ValidateArgs) -> anyhow::Result<ExitStatus> {
    let last = match &args.models.path {
        Some(path) => read_models(path)?.last_observed,
        None => last_observed(&args.data.load()?)?,
    };
    let scenarios = load_resolved_scenarios(&args.files, last)?;
    let mut text = format!(
        "ok: {} scenario(s), projections from {}\n",
        scenarios.len(),
        last.plus(1)
    );
    for (s, _) in &scenarios {
        text.push_str(&format!(
            "  {}  (horizon {}, {} draw(s))\n",
            s.name, s.horizon, s.draws
        ));
    }
    if args.resolved {
        for (s, r) in &scenarios {
            text.push_str(&format!("---\n# {}\n{}", s.name, extend::to_yaml(&r.spec)));
        }
    }
    print(&text)?;
    Ok(ExitStatus::Success)
}
