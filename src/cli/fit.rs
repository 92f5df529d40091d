//! `magcast fit`: fit the baseline panel, show the models, save them.

use std::path::PathBuf;

use clap::Args;

use super::data_args::DataArgs;
use super::{ExitStatus, TableOrJson, print};
use magcast::forecast::{self, FitConfig};
use magcast::report;

/// Arguments of `magcast fit`.
#[derive(Debug, Args)]
pub(crate) struct FitArgs {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    config: ConfigArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: TableOrJson,
    /// Save the fitted models (JSON) for `forecast --models` and `run --models`.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also show each observation beside its fitted value.
    #[arg(long)]
    residuals: bool,
}

/// The fit configuration option, shared by `fit` and `forecast`.
#[derive(Debug, Clone, Args, serde::Serialize, serde::Deserialize)]
pub(crate) struct ConfigArg {
    /// Fit configuration (YAML): candidate families, seasonality, known shocks,
    /// pinned models [default: the configuration compiled into magcast, a copy
    /// of data/fit.yaml in its repository].
    #[arg(long = "config", value_name = "FILE")]
    path: Option<PathBuf>,
}

impl ConfigArg {
    /// The same option with the path made absolute.
    pub(crate) fn absolute(&self) -> std::io::Result<ConfigArg> {
        Ok(ConfigArg {
            path: self.path.as_deref().map(std::path::absolute).transpose()?,
        })
    }

    pub(crate) fn load(&self) -> Result<FitConfig, forecast::ForecastError> {
        match &self.path {
            Some(path) => FitConfig::from_file(path),
            None => FitConfig::bundled(),
        }
    }
}

pub(crate) fn fit(args: FitArgs) -> anyhow::Result<ExitStatus> {
    let obs = args.data.load()?;
    let config = args.config.load()?;
    let panel = magcast::backtest::fit_selected(&obs, &config)?;
    if let Some(path) = &args.out {
        let json = panel.to_json()?;
        report::write_atomic(path, json.as_bytes())?;
    }
    let residuals = args.residuals.then(|| panel.fitted_values(&obs));
    match args.format {
        TableOrJson::Table => {
            let mut text = report::fit_table(&panel);
            if let Some(points) = &residuals {
                text.push('\n');
                text.push_str(&report::residual_table(points));
            }
            print(&text)?;
        }
        TableOrJson::Json => {
            let doc = match &residuals {
                Some(points) => serde_json::json!({"panel": panel, "residuals": points}),
                None => serde_json::json!({"panel": panel}),
            };
            print(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
        }
    }
    Ok(ExitStatus::Success)
}
