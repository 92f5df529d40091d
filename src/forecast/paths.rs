//! Sample paths of the whole panel, and forecasts with intervals drawn from them.
//!
//! A path draws every series' parameters from their estimated normal
//! distribution and adds monthly log-normal noise with the series' σ. Importers
//! modelled as shares ride on that draw's WORLD path. Each path is then made
//! coherent month by month: a group is at least the sum of its members in the
//! panel, the named importers (groups and countries outside them) are scaled down
//! if they exceed WORLD, and ROW is the remainder, never negative. Means and
//! quantiles of coherent paths give forecasts in which importers + ROW = WORLD
//! holds for the means exactly and every interval is non-negative.
//!
//! Draw `d` uses a random stream seeded from (seed, d) alone, so results do not
//! depend on the number of threads.

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use serde::Serialize;

use super::curve::{Evaluator, LogMean};
use super::dynamic::DynamicBaseline;
use super::error::ForecastError;
use super::fitted::{FittedPanel, log_path};
use crate::data::{Importer, Month, Span};

/// How the panel's series add up.
#[derive(Debug, Clone)]
struct Layout {
    world: Option<usize>,
    /// Group index → member series indices.
    groups: Vec<(usize, Vec<usize>)>,
    /// Series counted once against WORLD: groups, and countries outside them.
    top_level: Vec<usize>,
}

impl Layout {
    fn new(panel: &FittedPanel) -> Layout {
        let world = panel
            .series
            .iter()
            .position(|s| s.importer == Importer::World);
        let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
        for (gi, s) in panel.series.iter().enumerate() {
            if let Importer::Group(g) = s.importer {
                let members: Vec<usize> = panel
                    .series
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| m.importer.country().is_some_and(|c| g.contains(c)))
                    .map(|(i, _)| i)
                    .collect();
                groups.push((gi, members));
            }
        }
        let in_group = |i: usize| groups.iter().any(|(_, m)| m.contains(&i));
        let top_level = panel
            .series
            .iter()
            .enumerate()
            .filter(|(i, s)| s.importer != Importer::World && !in_group(*i))
            .map(|(i, _)| i)
            .collect();
        Layout {
            world,
            groups,
            top_level,
        }
    }

    /// Makes one month of one path coherent; `v` has one slot per series plus a
    /// last slot for ROW when there is a WORLD.
    fn reconcile(&self, v: &mut [f64]) {
        for (g, members) in &self.groups {
            let sum: f64 = members.iter().map(|&m| v[m]).sum();
            if sum > v[*g] {
                v[*g] = sum;
            }
        }
        let Some(w) = self.world else { return };
        let named: f64 = self.top_level.iter().map(|&i| v[i]).sum();
        if named > v[w] && named > 0.0 {
            let f = v[w] / named;
            for &i in &self.top_level {
                v[i] *= f;
            }
            for (g, members) in &self.groups {
                if self.top_level.contains(g) {
                    for &m in members {
                        v[m] *= f;
                    }
                }
            }
        }
        let named: f64 = self.top_level.iter().map(|&i| v[i]).sum();
        let last = v.len() - 1;
        v[last] = (v[w] - named).max(0.0);
    }
}

/// Draws coherent sample paths of every series after the last observed month.
#[derive(Debug, Clone)]
pub struct PathSampler<'a> {
    panel: &'a FittedPanel,
    layout: Layout,
    /// Lower Cholesky factor of each series' covariance (row-major p×p).
    chol: Vec<Vec<f64>>,
    importers: Vec<Importer>,
    first: Month,
    months: usize,
    seed: u64,
    /// Each series' log flow at its estimates (for shares: the share's part), by
    /// forecast month: the centre that [`PathSampler::guard`] keeps draws near.
    central: Vec<Vec<f64>>,
    /// Which series are shares of WORLD.
    shares: Vec<bool>,
    /// The dynamic baseline, whose paths replace the trends' when present.
    dynamic: Option<&'a DynamicBaseline>,
}

/// A drawn path may stray from the path at the estimates by at most this much
/// on the log scale (a factor of 100) in any month. Ordinary parameter
/// uncertainty stays far inside it; it stops a poorly identified model (a
/// curvature parameter whose standard error exceeds its value) from drawing
/// flows that overflow.
pub const MAX_LOG_DEVIATION: f64 = 4.605_170_185_988_092;

/// Log flows at the estimates for the forecast months, and which series are shares.
fn central_paths(panel: &FittedPanel, first: Month, months: usize) -> (Vec<Vec<f64>>, Vec<bool>) {
    let t0 = first.months_since(panel.origin);
    let horizon = t0 + months as i32;
    let log_world = panel
        .world()
        .map(|w| log_path(w, panel.origin, horizon, &[]))
        .unwrap_or_default();
    let shares: Vec<bool> = panel
        .series
        .iter()
        .map(|s| matches!(s.model, super::curve::SeriesModel::Share { .. }))
        .collect();
    let central = panel
        .series
        .iter()
        .zip(&shares)
        .map(|(s, &share)| {
            let path = log_path(s, panel.origin, horizon, &log_world);
            (t0..horizon)
                .map(|t| {
                    let lm = path[t as usize];
                    if share {
                        lm - log_world[t as usize]
                    } else {
                        lm
                    }
                })
                .collect()
        })
        .collect();
    (central, shares)
}

impl<'a> PathSampler<'a> {
    /// A sampler for the months after the panel's data up to `until`.
    ///
    /// # Errors
    /// [`ForecastError::Request`] if `until` is not after the last observed month.
    pub fn new(
        panel: &'a FittedPanel,
        until: Month,
        seed: u64,
    ) -> Result<PathSampler<'a>, ForecastError> {
        let first = panel.last_observed.plus(1);
        if until < first {
            return Err(ForecastError::Request(format!(
                "--until {until} is not after the last observed month {}",
                panel.last_observed
            )));
        }
        let layout = Layout::new(panel);
        let months = (until.months_since(first) + 1) as usize;
        if let Some(dynamic) = &panel.dynamic {
            return Ok(PathSampler {
                central: Vec::new(),
                shares: Vec::new(),
                panel,
                chol: Vec::new(),
                layout,
                importers: dynamic.importers(),
                first,
                months,
                seed,
                dynamic: Some(dynamic),
            });
        }
        let mut importers: Vec<Importer> = panel.series.iter().map(|s| s.importer).collect();
        if layout.world.is_some() {
            importers.push(Importer::RestOfWorld);
        }
        let (central, shares) = central_paths(panel, first, months);
        Ok(PathSampler {
            dynamic: None,
            central,
            shares,
            panel,
            chol: panel
                .series
                .iter()
                .map(|s| cholesky(&s.covariance, s.params.len()))
                .collect(),
            layout,
            importers,
            first,
            months,
            seed,
        })
    }

    /// The series of a path, in output order (WORLD, groups, countries, ROW).
    pub fn importers(&self) -> &[Importer] {
        &self.importers
    }

    /// The months of a path.
    pub fn months(&self) -> impl Iterator<Item = Month> + '_ {
        (0..self.months as i32).map(|k| self.first.plus(k))
    }

    /// Number of months in a path.
    pub fn n_months(&self) -> usize {
        self.months
    }

    /// A drawn log flow kept within [`MAX_LOG_DEVIATION`] of the central path.
    fn guard(&self, series: usize, k: usize, lm: f64) -> f64 {
        let c = self.central[series][k];
        if !c.is_finite() {
            return lm;
        }
        if lm.is_nan() {
            return c;
        }
        lm.clamp(c - MAX_LOG_DEVIATION, c + MAX_LOG_DEVIATION)
    }

    /// Writes path `draw` into `out` (importer-major: `out[i * n_months + k]`).
    pub fn sample(&self, draw: u64, out: &mut [f64]) {
        if let Some(dynamic) = self.dynamic {
            let mut shares = vec![0.0; self.months * dynamic.layout.units.len()];
            dynamic.sample(self.seed, draw, self.months, &mut shares, out);
            return;
        }
        let mut rng = Pcg64Mcg::seed_from_u64(mix(self.seed, draw));
        let panel = self.panel;
        let n_series = panel.series.len();
        let t0 = self.first.months_since(panel.origin);
        let horizon = t0 + self.months as i32;
        // Parameters of this draw.
        let thetas: Vec<Vec<f64>> = panel
            .series
            .iter()
            .zip(&self.chol)
            .map(|(s, l)| {
                let p = s.params.len();
                let z: Vec<f64> = (0..p).map(|_| StandardNormal.sample(&mut rng)).collect();
                (0..p)
                    .map(|r| s.params[r] + (0..=r).map(|c| l[r * p + c] * z[c]).sum::<f64>())
                    .collect()
            })
            .collect();
        let mut log_world = vec![f64::NAN; horizon.max(0) as usize];
        let mut grad = Vec::new();
        let mut cell = vec![0.0; n_series + 1];
        let mut noise = vec![0.0; n_series];
        for k in 0..self.months {
            let t = t0 + k as i32;
            // The month's noise comes from its own stream (seed, draw, month), so
            // a month's values do not depend on how many months are drawn.
            let mut month_rng = Pcg64Mcg::seed_from_u64(mix(
                mix(self.seed, draw),
                self.first.plus(k as i32).index() as u64,
            ));
            noise
                .iter_mut()
                .for_each(|z| *z = StandardNormal.sample(&mut month_rng));
            if let Some(w) = self.layout.world {
                let s = &panel.series[w];
                let eval = Evaluator {
                    model: &s.model,
                    origin: panel.origin,
                    log_world: &[],
                };
                grad.resize(s.params.len(), 0.0);
                let lm = self.guard(w, k, eval.log_mean(t, &thetas[w], &mut grad));
                log_world[t as usize] = lm + s.sigma * noise[w];
            }
            for (i, s) in panel.series.iter().enumerate() {
                let lm = if Some(i) == self.layout.world {
                    log_world[t as usize]
                } else {
                    let eval = Evaluator {
                        model: &s.model,
                        origin: panel.origin,
                        log_world: &log_world,
                    };
                    grad.resize(s.params.len(), 0.0);
                    let raw = eval.log_mean(t, &thetas[i], &mut grad);
                    // Shares are guarded on their own part, apart from WORLD's.
                    let world_part = if self.shares[i] {
                        log_world[t as usize]
                    } else {
                        0.0
                    };
                    world_part + self.guard(i, k, raw - world_part) + s.sigma * noise[i]
                };
                cell[i] = if lm.is_finite() { lm.exp() } else { 0.0 };
            }
            self.layout.reconcile(&mut cell);
            for (i, v) in cell.iter().take(self.importers.len()).enumerate() {
                out[i * self.months + k] = *v;
            }
        }
    }
}

/// A 64-bit mix of the run seed and the draw number (SplitMix64 finaliser), so
/// that neighbouring draws get unrelated streams.
fn mix(seed: u64, draw: u64) -> u64 {
    let mut z = seed ^ draw.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Lower Cholesky factor of a covariance; entries that are not finite or not
/// positive definite contribute no parameter uncertainty rather than failing.
fn cholesky(cov: &[f64], p: usize) -> Vec<f64> {
    let mut l = vec![0.0; p * p];
    if cov.len() != p * p || cov.iter().any(|v| !v.is_finite()) {
        return l;
    }
    for r in 0..p {
        for c in 0..=r {
            let mut s = cov[r * p + c];
            for k in 0..c {
                s -= l[r * p + k] * l[c * p + k];
            }
            if r == c {
                if s <= 0.0 {
                    return vec![0.0; p * p];
                }
                l[r * p + c] = s.sqrt();
            } else {
                l[r * p + c] = s / l[c * p + c];
            }
        }
    }
    l
}

/// Forecast of the panel: mean and interval bounds per importer and month.
#[derive(Debug, Clone, Serialize)]
pub struct PanelForecast {
    /// Output order: WORLD, groups, countries, ROW.
    pub importers: Vec<Importer>,
    /// The forecast months.
    pub months: Vec<Month>,
    /// Interval levels in %, e.g. `[80, 95]`.
    pub levels: Vec<f64>,
    /// Mean, `mean[i][k]` for importer i, month k.
    pub mean: Vec<Vec<f64>>,
    /// `lower[l][i][k]`: lower bound of level l.
    pub lower: Vec<Vec<Vec<f64>>>,
    /// `upper[l][i][k]`: upper bound of level l.
    pub upper: Vec<Vec<Vec<f64>>>,
    /// Number of sample paths.
    pub paths: usize,
    /// The seed of the paths.
    pub seed: u64,
}

impl PanelForecast {
    /// The mean total over `span` for `importer`, if every month is forecast.
    pub fn span_mean(&self, importer: Importer, span: Span) -> Option<f64> {
        let i = self.importers.iter().position(|&x| x == importer)?;
        let first = *self.months.first()?;
        let mut total = 0.0;
        for m in span.months() {
            let k = usize::try_from(m.months_since(first)).ok()?;
            total += self.mean[i].get(k)?;
        }
        Some(total)
    }
}

/// Draws a forecast may keep at once: every draw of every series and month is
/// held for its quantiles, 4 bytes each, so this is 2 GB. A request beyond it
/// is refused before anything is allocated.
pub const MAX_STORED_DRAWS: usize = 500_000_000;

/// Refuses `paths` × `months` × `series` stored draws beyond
/// [`MAX_STORED_DRAWS`], with the estimate.
pub fn check_stored_draws(paths: usize, months: usize, series: usize) -> Result<(), ForecastError> {
    let need = paths
        .checked_mul(months)
        .and_then(|n| n.checked_mul(series));
    match need {
        Some(n) if n <= MAX_STORED_DRAWS => Ok(()),
        _ => Err(ForecastError::Request(format!(
            "{paths} sample paths × {months} months × {series} series would hold {} draws \
             ({:.1} GB), more than the limit of {MAX_STORED_DRAWS} (2 GB): ask for fewer paths \
             or a nearer horizon",
            need.map_or_else(|| "more than 2^64".to_string(), |n| n.to_string()),
            (paths as f64) * (months as f64) * (series as f64) * 4.0 / 1e9
        ))),
    }
}

/// Forecasts every series up to `until` from `paths` sample paths.
///
/// # Errors
/// [`ForecastError::Request`] for a horizon before the data end, no paths or
/// levels outside (0, 100), more draws than [`MAX_STORED_DRAWS`], or a mean or
/// bound that is not finite.
pub fn forecast_panel(
    panel: &FittedPanel,
    until: Month,
    levels: &[f64],
    paths: usize,
    seed: u64,
) -> Result<PanelForecast, ForecastError> {
    if paths < 2 {
        return Err(ForecastError::Request(
            "at least 2 sample paths are needed".into(),
        ));
    }
    if let Some(l) = levels.iter().find(|l| !(**l > 0.0 && **l < 100.0)) {
        return Err(ForecastError::Request(format!(
            "interval level {l} is not between 0 and 100"
        )));
    }
    let sampler = PathSampler::new(panel, until, seed)?;
    let n_imp = sampler.importers().len();
    let n_m = sampler.n_months();
    let cells = n_imp * n_m;
    check_stored_draws(paths, n_m, n_imp)?;
    // Every draw of every cell is kept (quantiles need them all) as f32, which
    // keeps seven digits at half the memory; means are summed in f64 per chunk of
    // draws and the chunks added in order, so the result is the same for any
    // number of threads.
    const CHUNK: usize = 64;
    let mut store = vec![0f32; paths * cells];
    let partials: Vec<Vec<f64>> = store
        .par_chunks_mut(CHUNK * cells)
        .enumerate()
        .map(|(chunk, slab)| {
            let mut path = vec![0.0; cells];
            let mut sums = vec![0.0; cells];
            for (j, dst) in slab.chunks_mut(cells).enumerate() {
                sampler.sample((chunk * CHUNK + j) as u64, &mut path);
                for ((d, s), v) in dst.iter_mut().zip(&mut sums).zip(&path) {
                    *d = *v as f32;
                    *s += v;
                }
            }
            sums
        })
        .collect();
    let mut sums = vec![0.0f64; cells];
    for part in partials {
        for (s, p) in sums.iter_mut().zip(part) {
            *s += p;
        }
    }
    let probs: Vec<(f64, f64)> = levels
        .iter()
        .map(|l| ((1.0 - l / 100.0) / 2.0, 1.0 - (1.0 - l / 100.0) / 2.0))
        .collect();
    let bounds: Vec<Vec<(f64, f64)>> = (0..cells)
        .into_par_iter()
        .map_init(
            || vec![0f32; paths],
            |column, c| {
                for (d, v) in column.iter_mut().enumerate() {
                    *v = store[d * cells + c];
                }
                column.sort_unstable_by(f32::total_cmp);
                probs
                    .iter()
                    .map(|&(lo, hi)| (quantile(column, lo), quantile(column, hi)))
                    .collect()
            },
        )
        .collect();
    let grid = |f: &dyn Fn(usize) -> f64| -> Vec<Vec<f64>> {
        (0..n_imp)
            .map(|i| (0..n_m).map(|k| f(i * n_m + k)).collect())
            .collect()
    };
    let forecast = PanelForecast {
        importers: sampler.importers().to_vec(),
        months: sampler.months().collect(),
        levels: levels.to_vec(),
        mean: grid(&|c| sums[c] / paths as f64),
        lower: (0..levels.len())
            .map(|l| grid(&|c| bounds[c][l].0))
            .collect(),
        upper: (0..levels.len())
            .map(|l| grid(&|c| bounds[c][l].1))
            .collect(),
        paths,
        seed,
    };
    match first_non_finite(&forecast) {
        Some(problem) => Err(ForecastError::Request(problem)),
        None => Ok(forecast),
    }
}

/// The first mean or bound that is not finite, described: a models file whose
/// finite parameters overflow (a level of 1e60 t beyond f32's range in the
/// quantiles) must be refused, not printed as NaN.
fn first_non_finite(f: &PanelForecast) -> Option<String> {
    let grids = std::iter::once(&f.mean).chain(&f.lower).chain(&f.upper);
    grids.into_iter().find_map(|grid| {
        grid.iter().zip(&f.importers).find_map(|(row, importer)| {
            let k = row.iter().position(|v| !v.is_finite())?;
            Some(format!(
                "the forecast of {importer} in {} is not a finite number (the models' \
                 values overflow): fit them again",
                f.months[k]
            ))
        })
    })
}

/// Quantile of sorted values by linear interpolation (Hyndman & Fan type 7).
fn quantile(sorted: &[f32], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let a = f64::from(sorted[lo]);
    a + (h - lo as f64) * (f64::from(sorted[hi]) - a)
}
