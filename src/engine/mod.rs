//! The engine: scenarios applied to the baseline, in parallel, with Monte Carlo
//! uncertainty. `layout` maps importers onto disjoint units that add up,
//! `drivers` computes one draw (docs/model.md §3), `substitution` the trade
//! model's step in it (§3.9), `blocks` draws one scenario a block of draws at
//! a time and aggregates it, `run` holds the results' types, `runner` streams
//! a run's scenarios a batch at a time, `shard`, `part_file` and `merge` cut a
//! run into shards and put their parts back together, and `finite` refuses a
//! result with a value that is not finite; `trade` is the static trade-model
//! core (§3.14) that the engine's step is checked against.

mod baseline_paths;
mod blocks;
mod budget;
mod drivers;
mod finite;
mod layout;
mod merge;
mod part_file;
mod prepare;
mod quantiles;
mod routes;
mod run;
mod runner;
mod shard;
mod substitution;
mod tariff;
pub mod trade;

pub use budget::MAX_WORK_CELLS;
pub use layout::{Layout, Unit};
pub use merge::Merge;
pub use part_file::{PartSet, part_name};
pub use run::{MEAN_PATHS, RunOptions, RunResult, ScenarioResult, Yearly, draws_for, draws_of};
pub use runner::{Runner, run};
pub use shard::{MAX_SHARDS, Shard, ShardError};
pub use substitution::YearlyTrade;

#[cfg(test)]
mod tests;
