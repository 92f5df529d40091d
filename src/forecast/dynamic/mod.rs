//! The dynamic baseline (docs/model.md §2.12): WORLD as a structural
//! state-space model whose level follows the latest data, and every importer
//! as a share of WORLD that follows its own latest data, with ROW a share of
//! its own.
//!
//! 1. WORLD: [`StructuralModel`] (local level, damped or undamped trend and
//!    relative or constant noise chosen by AICc, seasonal factors, Lunar New
//!    Year, shocks from the configured onsets that rise to a peak month chosen
//!    by AICc and then decay) fitted by the Kalman filter to WORLD's spans,
//!    ranges and bounds (`world.rs`).
//! 2. Shares: the disjoint units of [`UnitLayout`] (modelled countries, the
//!    unnamed rest of each group, ROW) follow a multinomial logit with local
//!    levels ([`FittedShares`]), fitted to every importer's levels, ranges,
//!    growth ratios and published shares against WORLD's smoothed path; facts
//!    over months WORLD's shock disturbed are widened by its depth there.
//! 3. Paths: path d multiplies WORLD's path d by the shares' path d, so groups
//!    hold their members, ROW is positive, and the series add up to WORLD in
//!    every path and month without clipping. Each month's draws depend on the
//!    seed, the path and the month only, not on how far ahead is asked for.

mod facts;
mod units;
mod world;

use serde::{Deserialize, Serialize};

use super::config::FitConfig;
use super::error::ForecastError;
use crate::data::{Importer, Month, Observations};
use crate::model::shares::{FitOptions, FittedShares, ShareProblem, ShareProblemSpec, fit_shares};
use crate::model::structural::{SpanSeries, StructuralModel};

pub use units::{SeriesUnits, UnitLayout};

/// The key of WORLD's random streams.
const WORLD_KEY: &str = "WORLD";
/// Mixed into the seed of the shares' streams, so they are not WORLD's.
const SHARES_STREAM: u64 = 0x5348_4152_4553;

/// A fitted dynamic baseline: what `fit --out` saves with the panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamicBaseline {
    /// Month 0 of both models.
    pub origin: Month,
    /// The last month fitted; paths start the month after.
    pub last_observed: Month,
    /// WORLD's structural model.
    pub world: StructuralModel,
    /// WORLD observations used.
    pub world_observations: usize,
    /// The units and the series made of them.
    pub layout: UnitLayout,
    /// The shares of the units (none when WORLD is the only series: ROW is
    /// then all of it).
    pub shares: Option<FittedShares>,
    /// Share observations used.
    pub share_observations: usize,
}

/// The importers the share model can identify: groups and countries with a
/// level, a range or a published share of their own (growth ratios alone pin
/// no level; ranks alone no size).
fn modelled_importers(obs: &Observations) -> Vec<Importer> {
    let mut v: Vec<Importer> = obs.rows().iter().map(|o| o.importer).collect();
    v.extend(obs.ranges().items().iter().map(|r| r.importer));
    v.extend(obs.shares().items().iter().filter_map(|s| match s.subject {
        crate::data::ShareSubject::Importer(i) => Some(i),
        crate::data::ShareSubject::Top(_) => None,
    }));
    v.retain(|i| !matches!(i, Importer::World | Importer::RestOfWorld));
    v.sort_unstable();
    v.dedup();
    v
}

/// Fits the dynamic baseline to `obs` over `origin..=last`.
///
/// # Errors
/// [`ForecastError::NoModel`] when WORLD has no usable observation or either
/// model cannot be fitted.
pub fn fit_dynamic(
    obs: &Observations,
    config: &FitConfig,
    origin: Month,
    last: Month,
) -> Result<DynamicBaseline, ForecastError> {
    let no_model = |importer: Importer, why: String| ForecastError::NoModel {
        importer,
        reasons: why,
    };
    // 1. WORLD.
    let spans = facts::world_spans(obs, origin, last);
    let world_observations = spans.len();
    let series = SpanSeries {
        origin,
        observations: spans,
    }
    .check()
    .map_err(|e| no_model(Importer::World, e.to_string()))?;
    let onsets: Vec<usize> = config
        .interventions
        .iter()
        .filter_map(|i| usize::try_from(i.span.start().months_since(origin)).ok())
        .filter(|&t| t < series.months())
        .collect();
    let world = world::fit_world(&series, &onsets)
        .map_err(|e| no_model(Importer::World, format!("structural model: {e}")))?;
    // 2. Shares, against WORLD's smoothed path (forecast means past its data).
    let months = (last.months_since(origin) + 1) as usize;
    let mut path = world.smoothed_flows(&series);
    if path.len() < months {
        let ahead = world.forecast(months - path.len());
        path.extend(ahead.iter().map(|f| f.mean));
    }
    path.truncate(months);
    path.iter_mut().for_each(|w| *w = w.max(1e-6));
    let layout = UnitLayout::new(&modelled_importers(obs));
    let effect = shock_effects(&world, months);
    let observations =
        facts::share_observations(obs, &layout, (origin, last), facts::Disturbance(&effect));
    let share_observations = observations.len();
    let shares = if layout.units.len() < 2 {
        None
    } else {
        let problem = ShareProblem::new(ShareProblemSpec {
            units: layout.units.clone(),
            reference: layout.reference(),
            world: path,
            observations,
        })
        .map_err(|e| no_model(Importer::RestOfWorld, format!("share model: {e}")))?;
        let fitted = fit_shares(&problem, &FitOptions::default())
            .map_err(|e| no_model(Importer::RestOfWorld, format!("share model: {e}")))?;
        Some(fitted)
    };
    Ok(DynamicBaseline {
        origin,
        last_observed: last,
        world,
        world_observations,
        layout,
        shares,
        share_observations,
    })
}

/// WORLD's estimated shock effect (share of the flow removed by all shocks
/// together) in each of the first `months` months.
fn shock_effects(world: &StructuralModel, months: usize) -> Vec<f64> {
    let shocks = &world.hyperparameters().shocks;
    (0..months)
        .map(|t| {
            let kept: f64 = shocks
                .iter()
                .filter(|s| t >= s.onset)
                .map(|s| 1.0 - s.effect(t - s.onset))
                .product();
            1.0 - kept
        })
        .collect()
}

impl DynamicBaseline {
    /// The series of a path, in output order: WORLD, groups, countries, ROW.
    pub fn importers(&self) -> Vec<Importer> {
        std::iter::once(Importer::World)
            .chain(self.layout.series.iter().map(|s| s.importer))
            .collect()
    }

    /// Writes path `draw` of the `months` months after the data into `out`
    /// (series-major, `out[i * months + k]` in the order of [`importers`]);
    /// `shares` is scratch space of `months × units` values.
    ///
    /// [`importers`]: DynamicBaseline::importers
    pub fn sample(&self, seed: u64, draw: u64, months: usize, shares: &mut [f64], out: &mut [f64]) {
        let u = self.layout.units.len();
        // WORLD's own data may end before the panel's: skip the months between.
        let fitted = (self.last_observed.months_since(self.origin) + 1) as usize;
        let skip = fitted.saturating_sub(self.world.months());
        let world = self
            .world
            .simulate_path(WORLD_KEY, seed, months + skip, draw);
        let world = &world[skip..];
        let shares = &mut shares[..months * u];
        match &self.shares {
            Some(fitted) => fitted.simulate_path(draw, seed ^ SHARES_STREAM, shares),
            None => shares.fill(1.0),
        }
        out[..months].copy_from_slice(world);
        for (i, s) in self.layout.series.iter().enumerate() {
            let row = &mut out[(i + 1) * months..(i + 2) * months];
            for (k, v) in row.iter_mut().enumerate() {
                let share: f64 = s.units.iter().map(|&j| shares[k * u + j]).sum();
                *v = world[k] * share;
            }
        }
    }
}
