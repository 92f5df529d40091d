//! Shards: a run's work is one list of tasks, every scenario's blocks of
//! draws, scenario after scenario in the order given (docs/model.md §3.11).
//! Shard I of N runs a contiguous slice of that list and writes it to a part
//! file (`part_file`); a merge (`merge`) reads the parts in shard order and
//! adds each scenario's blocks in block order, so its results are the bytes of a run on
//! one machine, whatever the number of shards or threads.

use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::blocks::{DrawBlocks, blocks_of};
use super::part_file::{PartHeader, PartWriter};
use super::run::{ScenarioResult, draws_for, mix};
use super::runner::Runner;
use crate::forecast::ForecastError;
use crate::scenario::ScenarioSource;

/// The most shards a run may be cut into.
pub const MAX_SHARDS: usize = 1_000_000;

/// One slice of a run's tasks: shard `index` of `count`, counted from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    index: usize,
    count: usize,
}

impl Shard {
    /// Shard `index` of `count`.
    ///
    /// # Errors
    /// [`ShardError::Shard`] unless `1 <= count <= MAX_SHARDS` and `index < count`.
    pub fn new(index: usize, count: usize) -> Result<Shard, ShardError> {
        if count == 0 || count > MAX_SHARDS || index >= count {
            return Err(ShardError::Shard { index, count });
        }
        Ok(Shard { index, count })
    }

    /// Its index, from 0.
    pub fn index(self) -> usize {
        self.index
    }

    /// How many shards the run is cut into.
    pub fn count(self) -> usize {
        self.count
    }

    /// The tasks of a run of `total` this shard runs: the `index`-th of
    /// `count` contiguous slices as even as whole tasks allow.
    pub fn tasks(self, total: u64) -> Range<u64> {
        let at = |i: usize| (u128::from(total) * i as u128 / self.count as u128) as u64;
        at(self.index)..at(self.index + 1)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "shard {} of {}", self.index, self.count)
    }
}

/// Why a shard could not be run or its parts not merged.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// No such shard.
    #[error(
        "shard {index} of {count} does not exist: a run is cut into 1 to {MAX_SHARDS} shards, numbered from 0"
    )]
    Shard {
        /// The index asked for.
        index: usize,
        /// The count asked for.
        count: usize,
    },
    /// A part could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A part could not be written.
    #[error("cannot write `{path}`: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not a whole part of this version of magcast.
    #[error("`{path}` is not a whole magcast shard part: {problem}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// Two parts are not of the same run.
    #[error("`{path}` and `{other}` are parts of different runs: {problem}")]
    Mismatch {
        /// One part.
        path: PathBuf,
        /// The first part, which the others are checked against.
        other: PathBuf,
        /// What differs.
        problem: String,
    },
    /// Shards of the run have no part.
    #[error("{} missing: a merge needs all {count} shards' parts", missing_list(.missing, *.count))]
    Missing {
        /// The shards missing.
        missing: Vec<usize>,
        /// The run's shards.
        count: usize,
    },
    /// A shard has two parts.
    #[error("shard {index} of {count} is given twice: `{first}` and `{second}`")]
    Duplicate {
        /// The shard.
        index: usize,
        /// The run's shards.
        count: usize,
        /// One of its parts.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
    /// No part was given.
    #[error("no shard parts given (files `shard-I-of-N.part`, or folders holding them)")]
    NoParts,
    /// The inputs the parts were run on have changed since.
    #[error("the run's inputs have changed since the shards ran: {0}")]
    Changed(String),
    /// The run itself failed (a result that is not finite, a run too large).
    #[error(transparent)]
    Run(#[from] ForecastError),
}

impl ShardError {
    /// Whether the error is the user's input rather than a failure of the
    /// machine: everything but a part that cannot be written.
    pub fn is_bad_input(&self) -> bool {
        match self {
            ShardError::Write { .. } => false,
            ShardError::Run(e) => e.is_bad_input(),
            _ => true,
        }
    }
}

/// "shard 2 of 4 is" / "shards 1 and 3 of 4 are", the first ten named.
fn missing_list(missing: &[usize], count: usize) -> String {
    let shown: Vec<String> = missing.iter().take(10).map(usize::to_string).collect();
    let more = missing.len().saturating_sub(10);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    match missing {
        [one] => format!("shard {one} of {count} is"),
        _ => format!("shards {}{tail} of {count} are", shown.join(", ")),
    }
}

/// One scenario's share of a shard's tasks: its result when the shard ran all
/// its blocks, else the blocks it ran.
#[derive(Serialize, Deserialize)]
pub(super) enum Piece {
    /// Every block of the scenario, finished.
    Whole(Box<ScenarioResult>),
    /// Some of its blocks.
    Blocks(DrawBlocks),
}

/// What identifies a run's work: a digest of everything its results depend
/// on, and each scenario's own digest (so that a changed scenario is named).
pub(super) struct Fingerprint {
    pub(super) run: u64,
    pub(super) scenarios: Vec<u64>,
}

impl<S: ScenarioSource + ?Sized> Runner<'_, S> {
    /// Blocks of each scenario, in order: the run's task list.
    fn task_blocks(&self) -> Vec<u64> {
        (0..self.scenarios.count())
            .map(|i| self.blocks_of_scenario(i) as u64)
            .collect()
    }

    /// The run's digest: the version, seed, draws, series, first month,
    /// baseline paths (so the data and models) and every scenario as resolved.
    pub(super) fn fingerprint(&self) -> Result<Fingerprint, ForecastError> {
        let scenarios = (0..self.scenarios.count())
            .into_par_iter()
            .map(|i| {
                let s = self.scenario_at(i)?;
                let json = serde_json::to_vec(&*s)
                    .map_err(|e| ForecastError::Request(format!("scenario `{}`: {e}", s.name)))?;
                let draws = draws_for(&s, self.options.draws) as u64;
                Ok(bytes_digest(&json, draws))
            })
            .collect::<Result<Vec<u64>, ForecastError>>()?;
        let mut head = format!(
            "{} {} {:?} {} {}",
            env!("CARGO_PKG_VERSION"),
            self.options.seed,
            self.options.draws,
            self.first,
            self.base.digest()
        );
        for o in &self.layout.outputs {
            head.push(' ');
            head.push_str(o.code());
        }
        let run = scenarios
            .iter()
            .copied()
            .fold(bytes_digest(head.as_bytes(), 0), mix);
        Ok(Fingerprint { run, scenarios })
    }

    /// Runs `shard`'s tasks and writes them to `dir/shard-I-of-N.part` (in
    /// one step: the part is whole or absent); `inputs` is recorded in it for
    /// the merge (how to load the run's data, models and scenarios again).
    /// Returns the part's path.
    ///
    /// # Errors
    /// [`ShardError::Write`] if the part cannot be written, and
    /// [`ShardError::Run`] if a scenario's result is not finite.
    pub fn write_shard(
        &self,
        shard: Shard,
        dir: &Path,
        inputs: &str,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<PathBuf, ShardError> {
        let fingerprint = self.fingerprint()?;
        let blocks = self.task_blocks();
        let total: u64 = blocks.iter().sum();
        let tasks = shard.tasks(total);
        let scenarios = self.scenarios.count() as u64;
        let header = PartHeader::new(shard, &tasks, total, scenarios, fingerprint.run, inputs);
        let mut part = PartWriter::create(dir, &header)?;
        let work = slice_of(&blocks, tasks);
        let size = (4 * rayon::current_num_threads()).max(16);
        for batch in work.chunks(size) {
            let pieces: Vec<Result<Piece, ForecastError>> = batch
                .par_iter()
                .map(|(i, range)| self.piece(*i, range.clone(), progress))
                .collect();
            for ((i, range), piece) in batch.iter().zip(pieces) {
                let blocks = (range.start, range.len());
                part.write(*i, fingerprint.scenarios[*i], blocks, &piece?)?;
            }
        }
        part.finish()
    }

    /// Blocks `range` of scenario `i`: finished when they are all of them.
    fn piece(
        &self,
        i: usize,
        range: Range<usize>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Piece, ForecastError> {
        let s = self.scenario_at(i)?;
        let draws = draws_for(&s, self.options.draws);
        if range == (0..blocks_of(draws)) {
            return Ok(Piece::Whole(Box::new(self.run_scenario(&s, progress)?)));
        }
        let setup = self.setup(&s, draws);
        Ok(Piece::Blocks(setup.draw(range, progress)))
    }
}

/// The work of tasks `tasks` of a run whose scenarios have `blocks` blocks
/// each: (scenario, its blocks in the slice), in task order.
fn slice_of(blocks: &[u64], tasks: Range<u64>) -> Vec<(usize, Range<usize>)> {
    let mut start = 0u64;
    let mut work = Vec::new();
    for (i, &n) in blocks.iter().enumerate() {
        let (from, to) = (tasks.start.max(start), tasks.end.min(start + n));
        if from < to {
            work.push((i, (from - start) as usize..(to - start) as usize));
        }
        start += n;
        if start >= tasks.end {
            break;
        }
    }
    work
}

/// A digest of `bytes` and `extra`.
pub(super) fn bytes_digest(bytes: &[u8], extra: u64) -> u64 {
    bytes
        .chunks(8)
        .map(|c| {
            let mut word = [0u8; 8];
            word[..c.len()].copy_from_slice(c);
            u64::from_le_bytes(word)
        })
        .fold(mix(extra, bytes.len() as u64), mix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_task_once_in_order() {
        for total in [0u64, 1, 2, 7, 43, 1000] {
            for count in [1usize, 2, 3, 4, 7, 50] {
                let mut next = 0;
                for i in 0..count {
                    let t = Shard::new(i, count).unwrap().tasks(total);
                    assert_eq!(t.start, next, "{total} tasks, shard {i} of {count}");
                    assert!(t.end - t.start <= total.div_ceil(count as u64));
                    next = t.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn a_slice_names_each_scenarios_blocks() {
        // Scenarios of 3, 1 and 3 blocks: tasks 0-2, 3, 4-6.
        let blocks = [3, 1, 3];
        assert_eq!(
            slice_of(&blocks, 0..7),
            vec![(0, 0..3), (1, 0..1), (2, 0..3)]
        );
        assert_eq!(
            slice_of(&blocks, 2..5),
            vec![(0, 2..3), (1, 0..1), (2, 0..1)]
        );
        assert_eq!(slice_of(&blocks, 5..7), vec![(2, 1..3)]);
        assert_eq!(slice_of(&blocks, 3..3), vec![]);
    }

    #[test]
    fn no_shard_beyond_the_count() {
        assert!(Shard::new(0, 0).is_err());
        assert!(Shard::new(4, 4).is_err());
        assert!(Shard::new(0, MAX_SHARDS + 1).is_err());
        assert_eq!(Shard::new(3, 4).unwrap().to_string(), "shard 3 of 4");
    }
}
