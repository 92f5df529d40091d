//! Doubt about a shock that is still under way at the end of the data.
//!
//! A shock's depth and decay are estimated, and from a few months at the end
//! of the data they are poorly known: one deep month fits a deep shock that
//! will pass in a few months, or a shallower one on a lower level that will
//! last. Plugging in the estimates gives every sample path the same recovery,
//! so intervals say nothing of how fast the shock ends. Instead each path
//! draws the shock's coordinates from their Laplace approximation (the
//! inverse Hessian of the negative log posterior in the optimiser's
//! unconstrained coordinates, other hyperparameters held at their
//! estimates), and moves the level and trend it starts from by the filter's
//! response to that draw (a first-order term: the end state's derivative in
//! the shock's coordinates, by central differences).

use serde::{Deserialize, Serialize};

use super::fit::Problem;
use super::params::{Hyperparameters, Layout};
use super::registers;

/// Shocks whose effect in the first forecast month is below this share of
/// the flow are plugged in: their doubt no longer reaches the forecast.
const ACTIVE_EFFECT: f64 = 0.01;

/// Step of the central differences in the unconstrained coordinates.
const STEP: f64 = 1e-2;

/// The Laplace approximation of the shocks' coordinates and the end state's
/// response to them (scaled units).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShockUncertainty {
    /// The estimated coordinates (every shock's, in the optimiser's order).
    pub centre: Vec<f64>,
    /// Lower Cholesky factor of their covariance, row-major k × k.
    pub chol: Vec<f64>,
    /// Derivative of the end (level, trend) in each coordinate, row-major 2 × k.
    pub end_jacobian: Vec<f64>,
}

impl ShockUncertainty {
    /// The Laplace approximation at the estimate `hyper`, or `None` when no
    /// shock is still active at the end of the data or the curvature is not
    /// positive definite (an estimate on a bound), in which case the shocks
    /// are plugged in as before.
    pub(crate) fn estimate(problem: &Problem<'_>, hyper: &Hyperparameters) -> Option<Self> {
        let months = problem.months;
        let active = hyper
            .shocks
            .iter()
            .filter(|s| months >= s.onset)
            .any(|s| s.effect(months - s.onset).abs() >= ACTIVE_EFFECT);
        if !active {
            return None;
        }
        let layout = Layout::new(problem.config.get());
        let theta = layout.encode(hyper);
        let first = layout.shock_offset();
        let centre = theta[first..].to_vec();
        let k = centre.len();
        let at = |coords: &[f64]| {
            let mut h = hyper.clone();
            h.shocks = layout.decode_shocks(coords);
            let mut full = theta.clone();
            full[first..].copy_from_slice(coords);
            let run = registers::run(&problem.setup(&h), &problem.plan);
            (-run.loglik + layout.decay_penalty(&full), run.end)
        };
        let shifted = |moves: &[(usize, f64)]| {
            let mut c = centre.clone();
            moves.iter().for_each(|&(i, d)| c[i] += d);
            at(&c)
        };
        let (f0, _) = at(&centre);
        let mut hessian = vec![0.0; k * k];
        let mut end_jacobian = vec![0.0; 2 * k];
        for i in 0..k {
            let (fp, ep) = shifted(&[(i, STEP)]);
            let (fm, em) = shifted(&[(i, -STEP)]);
            hessian[i * k + i] = (fp - 2.0 * f0 + fm) / (STEP * STEP);
            end_jacobian[i] = (ep[0] - em[0]) / (2.0 * STEP);
            end_jacobian[k + i] = (ep[1] - em[1]) / (2.0 * STEP);
            for j in 0..i {
                let pp = shifted(&[(i, STEP), (j, STEP)]).0;
                let pm = shifted(&[(i, STEP), (j, -STEP)]).0;
                let mp = shifted(&[(i, -STEP), (j, STEP)]).0;
                let mm = shifted(&[(i, -STEP), (j, -STEP)]).0;
                let h = (pp - pm - mp + mm) / (4.0 * STEP * STEP);
                hessian[i * k + j] = h;
                hessian[j * k + i] = h;
            }
        }
        let chol = inverse_cholesky(&hessian, k)?;
        Some(ShockUncertainty {
            centre,
            chol,
            end_jacobian,
        })
    }

    /// The shocks of one path and the shift of its starting (level, trend),
    /// from k standard normal draws `z`.
    pub(crate) fn draw(&self, layout: &Layout, z: &[f64]) -> (Vec<super::Shock>, [f64; 2]) {
        let k = self.centre.len();
        let delta: Vec<f64> = (0..k)
            .map(|i| (0..=i).map(|j| self.chol[i * k + j] * z[j]).sum())
            .collect();
        let coords: Vec<f64> = self.centre.iter().zip(&delta).map(|(c, d)| c + d).collect();
        let dot = |row: &[f64]| row.iter().zip(&delta).map(|(a, b)| a * b).sum::<f64>();
        let shift = [dot(&self.end_jacobian[..k]), dot(&self.end_jacobian[k..])];
        (layout.decode_shocks(&coords), shift)
    }

    /// Number of coordinates drawn.
    pub(crate) fn len(&self) -> usize {
        self.centre.len()
    }
}

/// The lower Cholesky factor of H⁻¹ for a symmetric k × k `h`, or `None`
/// when `h` is not numerically positive definite: H = L Lᵀ, then
/// H⁻¹ = L⁻ᵀ L⁻¹, whose Cholesky factor is computed directly from the
/// inverse (k is at most a few coordinates per shock).
fn inverse_cholesky(h: &[f64], k: usize) -> Option<Vec<f64>> {
    let l = cholesky(h, k)?;
    // Inverse of the lower-triangular L by forward substitution.
    let mut inv = vec![0.0; k * k];
    for col in 0..k {
        for i in col..k {
            let rhs = if i == col { 1.0 } else { 0.0 };
            let s: f64 = (col..i).map(|j| l[i * k + j] * inv[j * k + col]).sum();
            inv[i * k + col] = (rhs - s) / l[i * k + i];
        }
    }
    // H⁻¹ = L⁻ᵀ L⁻¹.
    let mut cov = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            cov[i * k + j] = (0..k).map(|m| inv[m * k + i] * inv[m * k + j]).sum();
        }
    }
    cholesky(&cov, k)
}

/// Lower Cholesky factor of a symmetric k × k matrix, `None` unless positive
/// definite with finite entries.
fn cholesky(a: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let s: f64 = (0..j).map(|m| l[i * k + m] * l[j * k + m]).sum();
            if i == j {
                let d = a[i * k + i] - s;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i * k + i] = d.sqrt();
            } else {
                l[i * k + j] = (a[i * k + j] - s) / l[j * k + j];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::super::StructuralModel;
    use super::super::data::{SpanObservation, SpanSeries};
    use super::super::params::{Damping, Seasonality, StructuralConfig};
    use super::*;
    use crate::data::Month;

    /// 58 months near 100 t, then a shock: 40 t and 45 t in the last two.
    fn shocked(onset: usize) -> StructuralModel {
        let mut observations: Vec<SpanObservation> = (0..60)
            .map(|t| {
                let wobble = [0.0, 3.0, -2.0, 1.0, -3.0, 2.0][t % 6];
                SpanObservation::point(t, 1, 100.0 + wobble)
            })
            .collect();
        observations[onset].value = super::super::Measurement::Point(40.0);
        observations[onset + 1].value = super::super::Measurement::Point(45.0);
        let series = SpanSeries {
            origin: Month::new(2020, 1).unwrap(),
            observations,
        }
        .check()
        .unwrap();
        let config = StructuralConfig {
            seasonality: Seasonality::Flat,
            lunar_new_year: false,
            damping: Damping::Fixed(1.0),
            shock_onsets: vec![onset],
            ..StructuralConfig::default()
        }
        .check()
        .unwrap();
        StructuralModel::fit(&series, &config).unwrap()
    }

    /// The 10 % and 90 % quantiles of month `k` over 2000 paths.
    fn band(model: &StructuralModel, k: usize) -> (f64, f64) {
        let mut v: Vec<f64> = model
            .simulate("WORLD", 7, k + 1, 2000)
            .iter()
            .map(|p| p[k])
            .collect();
        v.sort_by(f64::total_cmp);
        (v[200], v[1800])
    }

    /// A shock in the last two months of data is drawn by every path: its
    /// decay is known from one month's recovery and its prior, so three
    /// months on the paths' 80 % band is wider than with the estimates
    /// plugged in. A shock that
    /// ended years before the data's end is plugged in.
    #[test]
    fn a_shock_under_way_widens_the_paths_and_an_old_one_does_not() {
        let model = shocked(58);
        let doubt = model.shock_uncertainty().expect("shock under way");
        let k = doubt.centre.len();
        let decay_sd = (0..k)
            .map(|j| doubt.chol[k + j].powi(2))
            .sum::<f64>()
            .sqrt();
        // One month after the onset pins the decay a little: below the
        // prior's sd of 1, far from a point.
        assert!(
            (0.2..1.0).contains(&decay_sd),
            "decay sd {decay_sd} on the logit scale"
        );
        let (lo, hi) = band(&model, 2);
        let mut plugged = model.clone();
        plugged.shock_uncertainty = None;
        let (plo, phi) = band(&plugged, 2);
        assert!(hi - lo > 1.3 * (phi - plo), "{lo}..{hi} vs {plo}..{phi}");
        assert!(shocked(10).shock_uncertainty().is_none());
    }

    #[test]
    fn inverse_cholesky_factors_the_inverse() {
        // H = [[4, 2], [2, 3]], H⁻¹ = [[3, −2], [−2, 4]] / 8.
        let l = inverse_cholesky(&[4.0, 2.0, 2.0, 3.0], 2).unwrap();
        let cov = [
            l[0] * l[0],
            l[0] * l[2],
            l[2] * l[0],
            l[2] * l[2] + l[3] * l[3],
        ];
        let want = [3.0 / 8.0, -2.0 / 8.0, -2.0 / 8.0, 4.0 / 8.0];
        assert!(
            cov.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-12),
            "{cov:?}"
        );
        assert!(inverse_cholesky(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }
}
