//! The merge of a run's shard parts: frames read in shard order, each
//! checked against the run as loaded now (its scenario's digest, the blocks
//! due next, the sizes of what it holds), a scenario cut between shards put
//! back together in block order and finished as a single run finishes it.

use std::path::Path;

use super::blocks::{DrawBlocks, blocks_of};
use super::part_file::{Frame, Frames, PartSet};
use super::run::{ScenarioResult, draws_for};
use super::runner::Runner;
use super::shard::{Fingerprint, Piece, ShardError};
use crate::scenario::ScenarioSource;

impl<S: ScenarioSource + ?Sized> Runner<'_, S> {
    /// The merge of `parts`, which must be the parts of this run.
    ///
    /// # Errors
    /// [`ShardError::Changed`] if this run is not the one the shards ran
    /// (naming the first scenario that differs, if one does).
    pub fn merge<'r>(&'r self, parts: &'r PartSet) -> Result<Merge<'r, S>, ShardError>
    where
        Self: 'r,
    {
        let fingerprint = self.fingerprint()?;
        if parts.scenarios() != self.scenarios.count() as u64 {
            return Err(ShardError::Changed(format!(
                "the shards ran {} scenarios, and there are now {}",
                parts.scenarios(),
                self.scenarios.count()
            )));
        }
        if parts.fingerprint() != fingerprint.run {
            return Err(ShardError::Changed(self.what_changed(parts, &fingerprint)?));
        }
        Ok(Merge {
            run: Known {
                runner: self,
                hashes: fingerprint.scenarios,
            },
            parts,
            frames: parts.frames(),
            next: 0,
            assembly: Assembly::default(),
            reference: None,
        })
    }

    /// The first scenario whose digest differs from a part's, or else the rest.
    fn what_changed(&self, parts: &PartSet, now: &Fingerprint) -> Result<String, ShardError> {
        let mut frames = parts.frames();
        while let Some(frame) = frames.next_frame()? {
            if now.scenarios.get(frame.scenario) != Some(&frame.digest) {
                return self.not_the_one(&frame, frames.path());
            }
            frames.skip(&frame)?;
        }
        Ok("the data, the models, the seed, the draws or the version of magcast differ".into())
    }

    /// Says that `frame`'s scenario, as loaded now, is not the one `path` holds.
    fn not_the_one(&self, frame: &Frame, path: &Path) -> Result<String, ShardError> {
        let name = self.scenario_at(frame.scenario)?.name.clone();
        Ok(format!(
            "scenario `{name}` (number {} in the run) is not the one `{}` holds",
            frame.scenario + 1,
            path.display()
        ))
    }
}

/// A merge under way: the run's results, scenario by scenario in the order
/// given, put together from the shards' parts.
pub struct Merge<'r, S: ScenarioSource + ?Sized> {
    run: Known<'r, S>,
    parts: &'r PartSet,
    frames: Frames<'r>,
    /// The next scenario to hand out, and the blocks of it read so far.
    next: usize,
    assembly: Assembly,
    /// The scenario called `baseline`, put together ahead of its turn.
    reference: Option<(usize, ScenarioResult)>,
}

/// What a merge checks frames against: the run as loaded now and each
/// scenario's digest.
struct Known<'r, S: ScenarioSource + ?Sized> {
    runner: &'r Runner<'r, S>,
    hashes: Vec<u64>,
}

/// One scenario's blocks read so far.
#[derive(Default)]
struct Assembly {
    /// The next block due.
    due: usize,
    blocks: Option<DrawBlocks>,
}

impl<S: ScenarioSource + ?Sized> Merge<'_, S> {
    /// The result of the scenario called `baseline`, if the run has one, put
    /// together now (its turn then reuses it).
    ///
    /// # Errors
    /// As [`Merge::next_result`].
    pub fn reference(&mut self) -> Result<Option<&ScenarioResult>, ShardError> {
        let Some(index) = self.run.runner.reference_index() else {
            return Ok(None);
        };
        if self.reference.is_none() {
            let mut frames = self.parts.frames();
            let mut assembly = Assembly::default();
            let result = loop {
                let Some(frame) = frames.next_frame()? else {
                    return Err(frames.ended_before(index));
                };
                if frame.scenario != index {
                    frames.skip(&frame)?;
                    continue;
                }
                if let Some(done) = self.run.take(&mut frames, &frame, &mut assembly)? {
                    break done;
                }
            };
            self.reference = Some((index, result));
        }
        Ok(self.reference.as_ref().map(|(_, r)| r))
    }

    /// The next scenario's result, in the order given, or `None` after the
    /// last. Every result is checked to be finite, as in a run.
    ///
    /// # Errors
    /// [`ShardError::Format`] if the parts do not hold the run's tasks in
    /// order, [`ShardError::Changed`] if a scenario differs from the one its
    /// part was run on, and [`ShardError::Run`] if a result is not finite.
    pub fn next_result(&mut self) -> Result<Option<ScenarioResult>, ShardError> {
        let count = self.run.runner.scenarios.count();
        loop {
            let Some(frame) = self.frames.next_frame()? else {
                if self.next < count {
                    return Err(self.frames.ended_before(self.next));
                }
                return Ok(None);
            };
            if frame.scenario != self.next {
                return Err(self.out_of_order(&frame));
            }
            let done = match &self.reference {
                Some((r, result)) if *r == frame.scenario => {
                    self.run
                        .check_frame(&frame, &self.assembly, self.frames.path())?;
                    self.frames.skip(&frame)?;
                    self.assembly.due += frame.blocks;
                    let all = self.run.runner.blocks_of_scenario(frame.scenario);
                    (self.assembly.due == all).then(|| result.clone())
                }
                _ => self
                    .run
                    .take(&mut self.frames, &frame, &mut self.assembly)?,
            };
            if let Some(result) = done {
                self.next += 1;
                self.assembly = Assembly::default();
                return Ok(Some(result));
            }
        }
    }

    /// A frame of another scenario where scenario `next` was due.
    fn out_of_order(&self, frame: &Frame) -> ShardError {
        ShardError::Format {
            path: self.frames.path().to_path_buf(),
            problem: format!(
                "it holds tasks of scenario {} where those of scenario {} were due",
                frame.scenario + 1,
                self.next + 1
            ),
        }
    }
}

impl<S: ScenarioSource + ?Sized> Known<'_, S> {
    /// Checks that `frame` is of the scenario as it now is and holds the
    /// blocks due next.
    fn check_frame(
        &self,
        frame: &Frame,
        assembly: &Assembly,
        path: &Path,
    ) -> Result<(), ShardError> {
        if self.hashes.get(frame.scenario) != Some(&frame.digest) {
            return Err(ShardError::Changed(self.runner.not_the_one(frame, path)?));
        }
        let all = self.runner.blocks_of_scenario(frame.scenario);
        if frame.first != assembly.due || frame.blocks == 0 || frame.blocks > all - assembly.due {
            return Err(ShardError::Format {
                path: path.to_path_buf(),
                problem: format!(
                    "scenario {}'s blocks {}..{} are not the ones due (from block {} of {all})",
                    frame.scenario + 1,
                    frame.first,
                    frame.first.saturating_add(frame.blocks),
                    assembly.due
                ),
            });
        }
        Ok(())
    }

    /// Reads `frame` into `assembly`; the scenario's result once its last
    /// block is in.
    fn take(
        &self,
        frames: &mut Frames<'_>,
        frame: &Frame,
        assembly: &mut Assembly,
    ) -> Result<Option<ScenarioResult>, ShardError> {
        self.check_frame(frame, assembly, frames.path())?;
        let piece = frames.read_piece(frame)?;
        let damaged = |what: &str| ShardError::Format {
            path: frames.path().to_path_buf(),
            problem: format!("scenario {}'s {what} is damaged", frame.scenario + 1),
        };
        let s = self.runner.scenario_at(frame.scenario)?;
        let draws = draws_for(&s, self.runner.options.draws);
        let setup = self.runner.setup(&s, draws);
        let result = match piece {
            Piece::Whole(result) => {
                if frame.first != 0 || frame.blocks != blocks_of(draws) || !setup.fits(&result) {
                    return Err(damaged("result"));
                }
                *result
            }
            Piece::Blocks(blocks) => {
                if blocks.first != frame.first || blocks.len() != frame.blocks {
                    return Err(damaged("blocks"));
                }
                assembly.due += frame.blocks;
                let blocks = match assembly.blocks.take() {
                    None => blocks,
                    Some(mut held) => {
                        if !held.append(blocks) {
                            return Err(damaged("blocks"));
                        }
                        held
                    }
                };
                if assembly.due < blocks_of(draws) {
                    assembly.blocks = Some(blocks);
                    return Ok(None);
                }
                if !setup.completes(&blocks) {
                    return Err(damaged("blocks"));
                }
                setup.finish(blocks)
            }
        };
        self.runner
            .check_finite(result)
            .map(Some)
            .map_err(ShardError::from)
    }
}
