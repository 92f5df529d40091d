//! `magcast validate`: check scenario files without running them.

use std::path::PathBuf;

use clap::Args;

use super::{ExitStatus, print};
use magcast::scenario::{self, ValidationContext};

/// Arguments of `magcast validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Scenario files or folders.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
}

pub(crate) fn validate(args: ValidateArgs) -> anyhow::Result<ExitStatus> {
    let scenarios = scenario::load(&args.files, ValidationContext { first_month: None })?;
    let mut text = format!("ok: {} scenario(s)\n", scenarios.len());
    for s in &scenarios {
        text.push_str(&format!(
            "  {}  (horizon {}, {} draw(s))\n",
            s.name, s.horizon, s.draws
        ));
    }
    print(&text)?;
    Ok(ExitStatus::Success)
}
