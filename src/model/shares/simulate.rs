//! Sample paths of the shares beyond the last fitted month.
//!
//! Path p starts from a draw of the last month's logits from the Laplace
//! posterior and adds one random-walk innovation per unit and month. The normal
//! draws of (p, month) come from a PCG stream seeded by hashing (seed, p, month)
//! alone, so a month's draws do not depend on the horizon asked for, on the
//! other paths, or on how the paths are spread over threads.

use super::error::{Result, SharesError};
use super::fit::FittedShares;
use super::objective::softmax_into;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Simulated shares: `paths` × `horizon` × `units.len()`, months counted from
/// the first month after the fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharePaths {
    /// Unit names.
    pub units: Vec<String>,
    /// Months simulated.
    pub horizon: usize,
    /// Number of paths.
    pub paths: usize,
    shares: Vec<f64>,
}

/// Mean and a central interval of one unit's share in one month.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ShareBand {
    /// Mean over the paths.
    pub mean: f64,
    /// Lower quantile.
    pub low: f64,
    /// Upper quantile.
    pub high: f64,
}

impl FittedShares {
    /// Simulates `paths` share paths for the `horizon` months after the fit.
    pub fn simulate(&self, horizon: usize, paths: usize, seed: u64) -> Result<SharePaths> {
        if horizon == 0 || paths == 0 {
            return Err(SharesError::InvalidOption(format!(
                "simulate {paths} path(s) of {horizon} month(s): both must be positive"
            )));
        }
        self.check()?;
        let u = self.units.len();
        let chol = cholesky_psd(&self.last_cov, u);
        let per_path: Vec<Vec<f64>> = (0..paths)
            .into_par_iter()
            .map(|p| {
                let mut out = vec![0.0; horizon * u];
                self.path_into(&chol, p as u64, seed, &mut out);
                out
            })
            .collect();
        Ok(SharePaths {
            units: self.units.clone(),
            horizon,
            paths,
            shares: per_path.concat(),
        })
    }
}

impl FittedShares {
    /// Path number `path` of [`simulate`](Self::simulate) on its own, written
    /// to `out[h * units + u]` for the `out.len() / units` months after the fit:
    /// the same values, for callers that draw paths one at a time.
    pub fn simulate_path(&self, path: u64, seed: u64, out: &mut [f64]) {
        let chol = cholesky_psd(&self.last_cov, self.units.len());
        self.path_into(&chol, path, seed, out);
    }

    fn path_into(&self, chol: &[f64], path: u64, seed: u64, out: &mut [f64]) {
        let u = self.units.len();
        let start = &self.logits[(self.months - 1) * u..self.months * u];
        let slot: Vec<Option<usize>> = (0..u).map(Some).collect();
        let e = normals(seed, path, 0, u);
        let mut z: Vec<f64> = (0..u)
            .map(|a| start[a] + (0..=a).map(|b| chol[a * u + b] * e[b]).sum::<f64>())
            .collect();
        for (h, month) in out.chunks_exact_mut(u).enumerate() {
            let e = normals(seed, path, h as u64 + 1, u);
            z.iter_mut()
                .zip(&self.tau)
                .zip(&e)
                .for_each(|((z, t), e)| *z += t * e);
            softmax_into(&z, &slot, month);
        }
    }
}

impl SharePaths {
    /// Unit `unit`'s share in path `path`, month `h` after the fit.
    pub fn share(&self, path: usize, h: usize, unit: usize) -> f64 {
        let u = self.units.len();
        self.shares[(path * self.horizon + h) * u + unit]
    }

    /// The summed share of a set of units (a group such as EU27) in one path and month.
    pub fn group_share(&self, path: usize, h: usize, units: &[usize]) -> f64 {
        units.iter().map(|&u| self.share(path, h, u)).sum()
    }

    /// Mean and the `(q, 1 − q)` quantiles of a unit's share in month `h`.
    pub fn band(&self, unit: usize, h: usize, q: f64) -> ShareBand {
        let mut v: Vec<f64> = (0..self.paths).map(|p| self.share(p, h, unit)).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        v.sort_by(f64::total_cmp);
        ShareBand {
            mean,
            low: quantile(&v, q),
            high: quantile(&v, 1.0 - q),
        }
    }
}

/// Linear-interpolation quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let x = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (i, f) = (x.floor() as usize, x - x.floor());
    let j = (i + 1).min(sorted.len() - 1);
    sorted[i] * (1.0 - f) + sorted[j] * f
}

/// `count` standard normals from the stream of (seed, path, month).
fn normals(seed: u64, path: u64, month: u64, count: usize) -> Vec<f64> {
    let mut rng = Pcg64Mcg::seed_from_u64(mix(mix(seed ^ mix(path)) ^ month));
    (0..count).map(|_| rng.sample(StandardNormal)).collect()
}

/// SplitMix64's finaliser: neighbouring inputs give unrelated outputs.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Lower Cholesky factor of a positive semi-definite matrix; a pivot that is
/// not positive (the reference unit's zero row) gives a zero column.
fn cholesky_psd(a: &[f64], n: usize) -> Vec<f64> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let d = a[j * n + j] - (0..j).map(|k| l[j * n + k] * l[j * n + k]).sum::<f64>();
        if d <= 1e-300 {
            continue;
        }
        let ljj = d.sqrt();
        l[j * n + j] = ljj;
        for i in j + 1..n {
            let s = a[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            l[i * n + j] = s / ljj;
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_skips_the_zero_row_and_reproduces_the_matrix() {
        let a = [4.0, 0.0, 2.0, 0.0, 0.0, 0.0, 2.0, 0.0, 5.0];
        let l = cholesky_psd(&a, 3);
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| l[i * 3 + k] * l[j * 3 + k]).sum();
                assert!((v - a[i * 3 + j]).abs() < 1e-12, "({i},{j})");
            }
        }
    }

    #[test]
    fn quantile_interpolates() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((quantile(&v, 0.1) - 1.4).abs() < 1e-12);
        assert!((quantile(&v, 0.5) - 3.0).abs() < 1e-12);
    }
}
