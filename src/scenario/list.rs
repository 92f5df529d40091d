//! A run's scenarios without holding every checked sweep variant: each file's
//! sweep is kept as its merged file and axes ([`Sweep`]), every variant is
//! checked once when loading (so a bad value fails before any work), and the
//! run remakes a variant when it comes to it. A variant costs some 100 bytes
//! held (its name, horizon and draws) rather than the tens of kilobytes of a
//! checked scenario, so loading a sweep of 100,000 variants stays small.

use std::borrow::Cow;

use super::ScenarioError;
use super::checked::Scenario;
use super::sweep::Sweep;
use super::validate::{ValidationContext, check};
use crate::data::Month;

/// What a run needs to know of a scenario before running it.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioMeta<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its last projected month.
    pub horizon: Month,
    /// Its `draws`.
    pub draws: usize,
    /// Whether anything in it is drawn ([`Scenario::is_random`]).
    pub random: bool,
    /// Whether it draws the baseline's own uncertainty.
    pub baseline_uncertainty: bool,
}

impl<'a> ScenarioMeta<'a> {
    /// The meta of a checked scenario.
    pub fn of(s: &'a Scenario) -> ScenarioMeta<'a> {
        ScenarioMeta {
            name: &s.name,
            horizon: s.horizon,
            draws: s.draws,
            random: s.is_random(),
            baseline_uncertainty: s.assumptions.baseline_uncertainty,
        }
    }
}

/// Scenarios a run can take one at a time, in order.
pub trait ScenarioSource: Sync {
    /// How many.
    fn count(&self) -> usize;
    /// What the run needs to know of scenario `i` before running it.
    fn meta(&self, i: usize) -> ScenarioMeta<'_>;
    /// Scenario `i`, checked.
    ///
    /// # Errors
    /// [`ScenarioError`] if a remade variant no longer checks (it did when
    /// loaded, so this would be a bug, reported rather than run).
    fn scenario(&self, i: usize) -> Result<Cow<'_, Scenario>, ScenarioError>;
}

impl ScenarioSource for [Scenario] {
    fn count(&self) -> usize {
        self.len()
    }

    fn meta(&self, i: usize) -> ScenarioMeta<'_> {
        ScenarioMeta::of(&self[i])
    }

    fn scenario(&self, i: usize) -> Result<Cow<'_, Scenario>, ScenarioError> {
        Ok(Cow::Borrowed(&self[i]))
    }
}

/// A vector of scenarios is its slice (so that `&scenarios` can be passed).
impl ScenarioSource for Vec<Scenario> {
    fn count(&self) -> usize {
        self.as_slice().count()
    }

    fn meta(&self, i: usize) -> ScenarioMeta<'_> {
        self.as_slice().meta(i)
    }

    fn scenario(&self, i: usize) -> Result<Cow<'_, Scenario>, ScenarioError> {
        self.as_slice().scenario(i)
    }
}

/// [`ScenarioMeta`] held.
#[derive(Debug, Clone)]
struct HeldMeta {
    name: String,
    horizon: Month,
    draws: usize,
    random: bool,
    baseline_uncertainty: bool,
}

/// A file's scenarios: the checked scenario itself when the file makes one,
/// else its sweep, remade variant by variant.
#[derive(Debug, Clone)]
enum Group {
    One(Box<Scenario>),
    Variants(Sweep),
}

/// Checked scenarios, sweeps held as sweeps; see the module documentation.
#[derive(Debug, Clone)]
pub struct ScenarioList {
    ctx: ValidationContext,
    /// Each file's scenarios, with the index of its first.
    groups: Vec<(usize, Group)>,
    metas: Vec<HeldMeta>,
}

impl ScenarioList {
    pub(super) fn new(ctx: ValidationContext) -> ScenarioList {
        ScenarioList {
            ctx,
            groups: Vec::new(),
            metas: Vec::new(),
        }
    }

    /// Adds one file's scenarios, given as its sweep and its checked variants
    /// (all of them, in order); only their metas are kept, and the first
    /// variant when it is the only one (else a copy of the sweep).
    pub(super) fn push(&mut self, sweep: &Sweep, checked: impl IntoIterator<Item = Scenario>) {
        let start = self.metas.len();
        let mut only = None;
        for s in checked {
            let m = ScenarioMeta::of(&s);
            self.metas.push(HeldMeta {
                name: m.name.to_string(),
                horizon: m.horizon,
                draws: m.draws,
                random: m.random,
                baseline_uncertainty: m.baseline_uncertainty,
            });
            only = if self.metas.len() == start + 1 {
                Some(s)
            } else {
                None
            };
        }
        let group = match only {
            Some(s) => Group::One(Box::new(s)),
            None => Group::Variants(sweep.clone()),
        };
        self.groups.push((start, group));
    }

    /// Every scenario, checked (for small runs and tests).
    ///
    /// # Errors
    /// As [`ScenarioSource::scenario`].
    pub fn to_vec(&self) -> Result<Vec<Scenario>, ScenarioError> {
        (0..self.count())
            .map(|i| self.scenario(i).map(Cow::into_owned))
            .collect()
    }
}

impl ScenarioSource for ScenarioList {
    fn count(&self) -> usize {
        self.metas.len()
    }

    fn meta(&self, i: usize) -> ScenarioMeta<'_> {
        let m = &self.metas[i];
        ScenarioMeta {
            name: &m.name,
            horizon: m.horizon,
            draws: m.draws,
            random: m.random,
            baseline_uncertainty: m.baseline_uncertainty,
        }
    }

    fn scenario(&self, i: usize) -> Result<Cow<'_, Scenario>, ScenarioError> {
        let g = self.groups.partition_point(|(start, _)| *start <= i) - 1;
        let (start, group) = &self.groups[g];
        match group {
            Group::One(s) => Ok(Cow::Borrowed(s)),
            Group::Variants(sweep) => {
                let checked = sweep
                    .variant(i - start)
                    .and_then(|r| check(&r, self.ctx))
                    .map_err(ScenarioError)?;
                Ok(Cow::Owned(checked.scenario))
            }
        }
    }
}
