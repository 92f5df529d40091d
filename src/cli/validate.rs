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
    /// Also print each scenario as it runs: after `extends` and `sweep`, as YAML,
    /// with the importer codes read in another form listed above it.
    #[arg(long)]
    resolved: bool,
    /// Treat warnings (probable mistakes) as errors: exit 2 if there is one.
    #[arg(long)]
    strict: bool,
}

pub(crate) fn validate(args: ValidateArgs) -> anyhow::Result<ExitStatus> {
    let last = match &args.models.path {
        Some(path) => read_models(path)?.last_observed,
        None => last_observed(&args.data.load()?)?,
    };
    let loaded = load_resolved_scenarios(&args.files, last, args.strict)?;
    let warned = match loaded.warnings.len() {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    };
    let mut text = format!(
        "ok: {} scenario(s){warned}, projections from {}\n",
        loaded.scenarios.len(),
        last.plus(1)
    );
    for (s, _) in &loaded.scenarios {
        text.push_str(&format!(
            "  {}  (horizon {}, {} draw(s))\n",
            s.name, s.horizon, s.draws
        ));
    }
    if args.resolved {
        for ((s, r), codes) in loaded.scenarios.iter().zip(&loaded.codes_read) {
            text.push_str(&format!("---\n# {}\n", s.name));
            for c in codes {
                text.push_str(&format!("# {c}\n"));
            }
            text.push_str(&extend::to_yaml(&r.spec));
        }
    }
    print(&text)?;
    Ok(ExitStatus::Success)
}
