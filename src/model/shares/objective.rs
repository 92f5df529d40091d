//! The negative log posterior of the logits, its gradient and its Gauss–Newton
//! Hessian (see the module documentation for the equations).

use super::problem::{ObservationKind, ShareObservation, ShareProblemSpec};
use super::skyline::Skyline;

/// One weighted residual r with weight 1/σ² and its Jacobian over the
/// unknowns of months `lo..` (month-major, `k` per month); empty when inactive.
pub(crate) struct Residual {
    pub(crate) r: f64,
    pub(crate) weight: f64,
    pub(crate) lo: usize,
    pub(crate) jac: Vec<f64>,
}

/// The posterior of the logits z (month-major: z[t·k + slot]) for fixed
/// hyperparameters.
pub(crate) struct Objective<'a> {
    pub(crate) spec: &'a ShareProblemSpec,
    /// Unknowns per month (units other than the reference).
    pub(crate) k: usize,
    /// The slot of each unit's logit; `None` for the reference.
    pub(crate) slot: Vec<Option<usize>>,
    /// Random-walk innovation sd per slot.
    pub(crate) tau: Vec<f64>,
    pub(crate) init_sd: f64,
    pub(crate) default_cv: f64,
    pub(crate) softness: f64,
}

impl<'a> Objective<'a> {
    pub(crate) fn new(
        spec: &'a ShareProblemSpec,
        tau: Vec<f64>,
        init_sd: f64,
        default_cv: f64,
        softness: f64,
    ) -> Self {
        let mut next = 0;
        let slot = (0..spec.units.len())
            .map(|u| {
                (u != spec.reference).then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        Objective {
            spec,
            k: spec.units.len() - 1,
            slot,
            tau,
            init_sd,
            default_cv,
            softness,
        }
    }

    pub(crate) fn months(&self) -> usize {
        self.spec.world.len()
    }

    /// Shares of every unit in every month (month-major, units in order).
    pub(crate) fn shares(&self, z: &[f64]) -> Vec<f64> {
        let u = self.spec.units.len();
        let mut out = vec![0.0; self.months() * u];
        for t in 0..self.months() {
            let zt = &z[t * self.k..(t + 1) * self.k];
            softmax_into(zt, &self.slot, &mut out[t * u..(t + 1) * u]);
        }
        out
    }

    /// Σ_t W(t) Σ_{u∈S} π_u(t) over `start..start+len`, and its gradient in the
    /// logits of those months: W(t) π_k(t) (1[k∈S] − P_S(t)).
    fn span_sum(
        &self,
        pi: &[f64],
        obs: &ShareObservation,
        units: &[usize],
        start: usize,
    ) -> (f64, Vec<f64>) {
        let u = self.spec.units.len();
        let mut total = 0.0;
        let mut grad = vec![0.0; obs.len * self.k];
        for (m, t) in (start..start + obs.len).enumerate() {
            let p = &pi[t * u..(t + 1) * u];
            let w = self.spec.world[t];
            let ps: f64 = units.iter().map(|&v| p[v]).sum();
            total += w * ps;
            for (unit, s) in self.slot.iter().enumerate() {
                if let Some(s) = s {
                    let inside = if units.contains(&unit) { 1.0 } else { 0.0 };
                    grad[m * self.k + s] = w * p[unit] * (inside - ps);
                }
            }
        }
        (total, grad)
    }

    /// The residual of one observation at logits with shares `pi`.
    pub(crate) fn residual(&self, pi: &[f64], obs: &ShareObservation) -> Residual {
        let (lo, hi) = obs.months();
        let mut jac = vec![0.0; (hi - lo) * self.k];
        let (level, grad) = self.span_sum(pi, obs, &obs.units, obs.start);
        let at = (obs.start - lo) * self.k;
        let mut put = |scale: f64, grad: &[f64], at: usize| {
            jac[at..at + grad.len()]
                .iter_mut()
                .zip(grad)
                .for_each(|(j, g)| *j += scale * g);
        };
        let (r, sd) = match &obs.kind {
            ObservationKind::Level {
                value,
                cv,
                world_cv,
            } => {
                put(1.0 / level, &grad, at);
                (
                    level.ln() - value.ln(),
                    cv.unwrap_or(self.default_cv).hypot(*world_cv),
                )
            }
            ObservationKind::Range {
                low,
                high,
                world_cv,
            } => {
                let sd = self.softness.hypot(*world_cv);
                let below = low.filter(|l| level < *l).map(|l| level.ln() - l.ln());
                let above = high.filter(|h| level > *h).map(|h| level.ln() - h.ln());
                match below.or(above) {
                    Some(r) => {
                        put(1.0 / level, &grad, at);
                        (r, sd)
                    }
                    None => {
                        return Residual {
                            r: 0.0,
                            weight: 0.0,
                            lo,
                            jac: Vec::new(),
                        };
                    }
                }
            }
            ObservationKind::Exceeds { below } => {
                let (other, ograd) = self.span_sum(pi, obs, below, obs.start);
                if level >= other {
                    return Residual {
                        r: 0.0,
                        weight: 0.0,
                        lo,
                        jac: Vec::new(),
                    };
                }
                put(1.0 / level, &grad, at);
                put(-1.0 / other, &ograd, at);
                (level.ln() - other.ln(), self.softness)
            }
            ObservationKind::Share { value, sd } => {
                let w: f64 = self.spec.world[obs.start..obs.start + obs.len].iter().sum();
                put(1.0 / w, &grad, at);
                (level / w - value, *sd)
            }
            ObservationKind::Growth { ratio, sd, .. } => {
                let b = obs.basis_start().expect("validated growth basis");
                let (base, bgrad) = self.span_sum(pi, obs, &obs.units, b);
                put(1.0 / level, &grad, at);
                put(-1.0 / base, &bgrad, (b - lo) * self.k);
                (level.ln() - base.ln() - ratio.ln(), *sd)
            }
        };
        Residual {
            r,
            weight: 1.0 / (sd * sd),
            lo,
            jac,
        }
    }

    /// The negative log posterior (up to constants).
    pub(crate) fn value(&self, z: &[f64]) -> f64 {
        let pi = self.shares(z);
        let data: f64 = self
            .spec
            .observations
            .iter()
            .map(|o| {
                let r = self.residual(&pi, o);
                0.5 * r.weight * r.r * r.r
            })
            .sum();
        data + self.prior_value(z)
    }

    fn prior_value(&self, z: &[f64]) -> f64 {
        let k = self.k;
        let mut f: f64 = z[..k]
            .iter()
            .map(|v| 0.5 * v * v / (self.init_sd * self.init_sd))
            .sum();
        for t in 1..self.months() {
            for s in 0..k {
                let d = z[t * k + s] - z[(t - 1) * k + s];
                f += 0.5 * d * d / (self.tau[s] * self.tau[s]);
            }
        }
        f
    }

    /// The envelope of the Hessian: row i reaches back to the first unknown of
    /// the earliest observation (or the previous month) touching it.
    pub(crate) fn envelope(&self) -> Vec<usize> {
        let k = self.k;
        let mut first: Vec<usize> = (0..self.months() * k)
            .map(|i| i.saturating_sub(k))
            .collect();
        for obs in &self.spec.observations {
            let (lo, hi) = obs.months();
            for f in &mut first[lo * k..hi * k] {
                *f = (*f).min(lo * k);
            }
        }
        first
    }

    /// The value, the gradient and (into `h`) the Gauss–Newton Hessian.
    pub(crate) fn linearise(&self, z: &[f64], h: &mut Skyline) -> (f64, Vec<f64>) {
        let k = self.k;
        h.clear();
        let mut g = vec![0.0; z.len()];
        let pi = self.shares(z);
        let mut f = self.prior_value(z);
        for obs in &self.spec.observations {
            let res = self.residual(&pi, obs);
            f += 0.5 * res.weight * res.r * res.r;
            let base = res.lo * k;
            for (a, ja) in res.jac.iter().enumerate().filter(|(_, j)| **j != 0.0) {
                g[base + a] += res.weight * res.r * ja;
                let wa = res.weight * ja;
                let row = h.row_from_mut(base + a, base);
                row.iter_mut()
                    .zip(&res.jac[..=a])
                    .for_each(|(h, jb)| *h += wa * jb);
            }
        }
        let p0 = 1.0 / (self.init_sd * self.init_sd);
        for s in 0..k {
            g[s] += p0 * z[s];
            h.add(s, s, p0);
            let p = 1.0 / (self.tau[s] * self.tau[s]);
            for t in 1..self.months() {
                let (i, j) = (t * k + s, (t - 1) * k + s);
                let d = p * (z[i] - z[j]);
                g[i] += d;
                g[j] -= d;
                h.add(i, i, p);
                h.add(j, j, p);
                h.add(i, j, -p);
            }
        }
        (f, g)
    }

    /// The Gaussian normalising terms that depend on the hyperparameters:
    /// Σ_slots [log s₀ + (T − 1) log τ] + Σ_obs log σ (ranges excluded).
    pub(crate) fn log_normaliser(&self) -> f64 {
        let prior: f64 = self
            .tau
            .iter()
            .map(|t| self.init_sd.ln() + (self.months() as f64 - 1.0) * t.ln())
            .sum();
        let pi = self.shares(&vec![0.0; self.months() * self.k]);
        let obs: f64 = self
            .spec
            .observations
            .iter()
            .filter(|o| {
                !matches!(
                    o.kind,
                    ObservationKind::Range { .. } | ObservationKind::Exceeds { .. }
                )
            })
            .map(|o| -0.5 * self.residual(&pi, o).weight.ln())
            .sum();
        prior + obs
    }
}

/// Softmax of the logits of one month, the reference unit's logit being 0.
pub(crate) fn softmax_into(zt: &[f64], slot: &[Option<usize>], out: &mut [f64]) {
    let max = zt.iter().copied().fold(0.0_f64, f64::max);
    let mut sum = 0.0;
    for (o, s) in out.iter_mut().zip(slot) {
        *o = (s.map_or(0.0, |s| zt[s]) - max).exp();
        sum += *o;
    }
    out.iter_mut().for_each(|o| *o /= sum);
}
