//! Forecasts of the monthly flow after the data: the Gaussian mean and
//! variance, and positive sample paths whose draws for a month depend only on
//! (seed, series key, path, calendar month), never on the horizon asked for.

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::filter::LEVEL_FLOOR;
use super::model::StructuralModel;
use super::params::{Hyperparameters, Layout};

/// Mixed into a series' key for the stream of its shock draws, so they are
/// not the level's.
const SHOCK_STREAM: u64 = 0x53_484f_434b;
use crate::data::Month;

/// The forecast of one month (data units).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonthForecast {
    /// Calendar month.
    pub month: Month,
    /// Mean of the level (deseasonalised flow).
    pub level: f64,
    /// Mean of the monthly flow.
    pub mean: f64,
    /// Variance of the flow's signal (level uncertainty only).
    pub var_signal: f64,
    /// Variance of a monthly figure: the signal plus one month's irregular.
    pub var_observed: f64,
}

/// Level/trend moments one month ahead, scaled units.
#[derive(Debug, Clone, Copy)]
struct Step {
    mean: [f64; 2],
    cov: [f64; 4],
    /// Level and trend disturbance variances added in this step.
    q: [f64; 2],
    /// Variance of one month's irregular.
    irregular: f64,
}

impl StructuralModel {
    fn multiplier(&self, level: f64) -> f64 {
        if self.proportional() {
            level.max(LEVEL_FLOOR).powi(2)
        } else {
            1.0
        }
    }

    /// The level/trend moments of the next `horizon` months (scaled units).
    fn steps(&self, horizon: usize) -> Vec<Step> {
        let h = &self.hyper;
        let phi = h.phi;
        let k = self.variance_scale;
        let (mut m, mut p) = (
            [self.end.level, self.end.trend],
            self.end.cov.map(|v| v * k),
        );
        let mut out = Vec::with_capacity(horizon);
        for _ in 0..horizon {
            let mult = self.multiplier(m[0]);
            let q = [k * h.var_level * mult, k * h.var_trend * mult];
            m = [m[0] + phi * m[1], phi * m[1]];
            // T P T' with T = [[1, φ], [0, φ]].
            let (a, b, d) = (p[0], p[1], p[3]);
            let p00 = a + 2.0 * phi * b + phi * phi * d + q[0];
            let p01 = phi * b + phi * phi * d;
            let p11 = phi * phi * d + q[1];
            p = [p00, p01, p01, p11];
            let irregular = k * h.var_irregular * self.multiplier(m[0]);
            out.push(Step {
                mean: m,
                cov: p,
                q,
                irregular,
            });
        }
        out
    }

    /// Mean and variance of the monthly flow for the `horizon` months after
    /// the data.
    pub fn forecast(&self, horizon: usize) -> Vec<MonthForecast> {
        let s2 = self.scale * self.scale;
        self.steps(horizon)
            .iter()
            .enumerate()
            .map(|(k, st)| {
                let t = self.months + k;
                let c = self.hyper.coefficient(self.origin, t);
                let var_signal = c * c * st.cov[0] * s2;
                MonthForecast {
                    month: self.origin.plus(t as i32),
                    level: st.mean[0] * self.scale,
                    mean: c * st.mean[0] * self.scale,
                    var_signal,
                    var_observed: var_signal + st.irregular * s2,
                }
            })
            .collect()
    }

    /// `paths` sample paths of the monthly flow over the next `horizon` months
    /// (data units), `result[p][k]` for path p and month k.
    ///
    /// Each path runs the Gaussian level/trend deviations from the forecast
    /// mean forward, then maps the level deviation through a lognormal with the
    /// same mean and variance as the Gaussian level (moment-matched on the log
    /// scale), and multiplies by a mean-one lognormal irregular. Flows are
    /// therefore positive and average to the Gaussian forecast mean; a
    /// forecast level below the floor is raised to it first.
    pub fn simulate(&self, key: &str, seed: u64, horizon: usize, paths: usize) -> Vec<Vec<f64>> {
        let steps = self.steps(horizon);
        (0..paths)
            .map(|p| self.path(&steps, key_hash(key), seed, p as u64))
            .collect()
    }

    /// Path number `path` of [`simulate`](Self::simulate) on its own: the
    /// same values, for callers that draw paths one at a time.
    pub fn simulate_path(&self, key: &str, seed: u64, horizon: usize, path: u64) -> Vec<f64> {
        let steps = self.steps(horizon);
        self.path(&steps, key_hash(key), seed, path)
    }

    /// This path's hyperparameters and the shift of its starting (level,
    /// trend): the estimates, or with a shock still under way its own draw
    /// of the shock (`shock_draws`), from a stream of its own.
    fn path_hyperparameters(&self, key: u64, seed: u64, path: u64) -> (Hyperparameters, [f64; 2]) {
        let Some(doubt) = &self.shock_uncertainty else {
            return (self.hyper.clone(), [0.0; 2]);
        };
        let last = self.origin.plus(self.months as i32 - 1).index();
        let mut rng = month_rng(seed, key ^ SHOCK_STREAM, path, last);
        let z: Vec<f64> = (0..doubt.len()).map(|_| normal(&mut rng)).collect();
        let (shocks, shift) = doubt.draw(&Layout::new(self.config.get()), &z);
        (
            Hyperparameters {
                shocks,
                ..self.hyper.clone()
            },
            shift,
        )
    }

    fn path(&self, steps: &[Step], key: u64, seed: u64, path: u64) -> Vec<f64> {
        let last = self.origin.plus(self.months as i32 - 1).index();
        let mut rng = month_rng(seed, key, path, last);
        let (z0, z1) = (normal(&mut rng), normal(&mut rng));
        let mut d = correlated(self.end.cov.map(|v| v * self.variance_scale), z0, z1);
        let (hyper, mut shift) = self.path_hyperparameters(key, seed, path);
        let phi = self.hyper.phi;
        steps
            .iter()
            .enumerate()
            .map(|(k, st)| {
                let t = self.months + k;
                let mut rng = month_rng(seed, key, path, self.origin.plus(t as i32).index());
                let (ze, zz, zi) = (normal(&mut rng), normal(&mut rng), normal(&mut rng));
                d = [
                    d[0] + phi * d[1] + st.q[0].sqrt() * ze,
                    phi * d[1] + st.q[1].sqrt() * zz,
                ];
                shift = [shift[0] + phi * shift[1], phi * shift[1]];
                let mu = (st.mean[0] + shift[0]).max(LEVEL_FLOOR * 1e-3);
                let level = lognormal_matched(mu, st.cov[0], d[0]);
                let irr_var = (1.0 + st.irregular / (mu * mu)).ln();
                let irregular = (irr_var.sqrt() * zi - irr_var / 2.0).exp();
                hyper.coefficient(self.origin, t) * level * irregular * self.scale
            })
            .collect()
    }
}

/// A lognormal draw with mean `mu` and variance `var`, driven by the Gaussian
/// deviation `dev` whose variance is `var`.
fn lognormal_matched(mu: f64, var: f64, dev: f64) -> f64 {
    if var <= 0.0 {
        return mu;
    }
    let s2 = (1.0 + var / (mu * mu)).ln();
    mu * (s2.sqrt() * dev / var.sqrt() - s2 / 2.0).exp()
}

/// A draw from N(0, cov) for a 2×2 covariance (Cholesky, negative pivots
/// from rounding treated as 0).
fn correlated(cov: [f64; 4], z0: f64, z1: f64) -> [f64; 2] {
    let l00 = cov[0].max(0.0).sqrt();
    let l10 = if l00 > 0.0 { cov[2] / l00 } else { 0.0 };
    let l11 = (cov[3] - l10 * l10).max(0.0).sqrt();
    [l00 * z0, l10 * z0 + l11 * z1]
}

fn normal(rng: &mut Pcg64Mcg) -> f64 {
    StandardNormal.sample(rng)
}

/// FNV-1a of the key: stable across platforms and Rust versions.
fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator of one (seed, key, path, calendar month).
fn month_rng(seed: u64, key: u64, path: u64, month: i32) -> Pcg64Mcg {
    let m = u64::from(month as u32);
    Pcg64Mcg::seed_from_u64(mix(mix(mix(mix(seed) ^ key) ^ path) ^ m))
}
