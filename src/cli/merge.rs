//! `magcast merge`: the parts of a run cut into shards (`run --shard`) put
//! back together into the run's files, the bytes a run on one machine writes.

use std::path::PathBuf;

use clap::Args;

use super::ExitStatus;
use super::run::{RunInputs, ThreadsArg, print_digest};
use magcast::engine::PartSet;
use magcast::report;

/// Arguments of `magcast merge`.
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The parts `run --shard` wrote (`shard-I-of-N.part`), or folders of them;
    /// every shard's part exactly once.
    #[arg(value_name = "PART", required = true)]
    parts: Vec<PathBuf>,
    /// Output folder, as for `run`.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    #[command(flatten)]
    threads: ThreadsArg,
}

pub(crate) fn merge(args: MergeArgs) -> anyhow::Result<ExitStatus> {
    let started = std::time::Instant::now();
    args.threads.start()?;
    let parts = PartSet::open(&args.parts)?;
    let inputs = RunInputs::recorded(&parts)?;
    let loaded = inputs.load(Some(args.out.as_path()))?;
    let target = loaded.target.expect("a folder was asked for");
    let digest = report::merge_and_write(
        target,
        &loaded.panel,
        &loaded.scenarios,
        loaded.options,
        &parts,
        loaded.obs.as_ref(),
    )?;
    print_digest(&digest, &args.out)?;
    eprintln!(
        "magcast merge: {} shard part(s), {} scenario(s) in {:.2} s",
        parts.count(),
        digest.scenarios_run,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitStatus::Success)
}
