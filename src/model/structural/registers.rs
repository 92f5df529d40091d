//! The likelihood by a smaller state: instead of the K − 1 past flows of
//! [`filter`](super::filter), one running sum ("register") per distinct first
//! month of the spans still to be observed.
//!
//! A span from month s to month e is `R_s(e) + c_e·L_e`, where the register
//! `R_s(t)` holds the flows `f_s + … + f_{t−1}`: it opens at s with value 0 and
//! no variance, gains `c_t·L_t` at every month's transition, and is dropped
//! (marginalised, which for a Gaussian is deleting its row and column) after
//! the last span from s has been observed. The observations see the same
//! linear functions of the same Gaussian state as in the lag filter, so the
//! likelihood is the same number; only the work differs. Annual, half-year,
//! quarterly and year-to-date figures from January share few first months,
//! so the state has 2-4 entries instead of 13, and a likelihood evaluation,
//! which the optimiser repeats thousands of times, costs a fraction.
//!
//! The smoother and the end state of a fitted model keep using the lag
//! filter; this one is used only where the likelihood alone is needed.

use super::bounds::bound_update;
use super::filter::{DIFFUSE_THRESHOLD, Prepared, Setup, multiplier};

/// When each register opens and closes, worked out once per data set.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RegisterPlan {
    /// For each month, the first months of the registers that open there.
    opens: Vec<Vec<usize>>,
    /// For each month, the first months of the registers whose last span
    /// ends there.
    closes: Vec<Vec<usize>>,
}

impl RegisterPlan {
    /// The plan for observations `obs` over `months` months.
    pub(crate) fn new(obs: &[Prepared], months: usize) -> Self {
        let mut last_end: Vec<Option<usize>> = vec![None; months];
        for o in obs.iter().filter(|o| o.len > 1) {
            let start = o.end + 1 - o.len;
            last_end[start] = Some(last_end[start].map_or(o.end, |e: usize| e.max(o.end)));
        }
        let mut opens = vec![Vec::new(); months];
        let mut closes = vec![Vec::new(); months];
        for (start, end) in last_end.iter().enumerate() {
            if let Some(end) = *end {
                opens[start].push(start);
                closes[end].push(start);
            }
        }
        RegisterPlan { opens, closes }
    }
}

/// The state (L, b, R_1, …, R_r) with the first month of each register.
struct Registers {
    a: Vec<f64>,
    p: Vec<f64>,
    starts: Vec<usize>,
    pz: Vec<f64>,
}

impl Registers {
    fn n(&self) -> usize {
        self.a.len()
    }

    /// Adds a register worth 0 with no variance. The covariance is re-laid
    /// out in place (rows moved from the last), so nothing is allocated once
    /// the vectors have grown to the largest state.
    fn open(&mut self, start: usize) {
        let n = self.n();
        self.p.resize((n + 1) * (n + 1), 0.0);
        for i in (0..n).rev() {
            self.p.copy_within(i * n..(i + 1) * n, i * (n + 1));
            self.p[i * (n + 1) + n] = 0.0;
        }
        self.p[n * (n + 1)..].fill(0.0);
        self.a.push(0.0);
        self.starts.push(start);
        self.pz.push(0.0);
    }

    /// Drops the register of `start` (its row and column), compacting the
    /// covariance in place.
    fn close(&mut self, start: usize) {
        let Some(k) = self.starts.iter().position(|&s| s == start) else {
            return;
        };
        let n = self.n();
        let idx = k + 2;
        let mut to = 0;
        for i in (0..n).filter(|&i| i != idx) {
            for j in (0..n).filter(|&j| j != idx) {
                self.p[to] = self.p[i * n + j];
                to += 1;
            }
        }
        self.p.truncate(to);
        self.a.remove(idx);
        self.starts.remove(k);
        self.pz.pop();
    }

    /// Index in the state of the register for spans from `start`.
    fn register(&self, start: usize) -> usize {
        2 + self
            .starts
            .iter()
            .position(|&s| s == start)
            .expect("the plan opened a register for every span")
    }

    /// `z a` and `z P z'` for `z = c·e_0 (+ e_reg)`, leaving `P z'` in `pz`.
    fn moments(&mut self, c: f64, reg: Option<usize>) -> (f64, f64) {
        let n = self.n();
        for (i, out) in self.pz.iter_mut().enumerate() {
            *out = c * self.p[i * n] + reg.map_or(0.0, |r| self.p[i * n + r]);
        }
        let za = c * self.a[0] + reg.map_or(0.0, |r| self.a[r]);
        let zpz = c * self.pz[0] + reg.map_or(0.0, |r| self.pz[r]);
        (za, zpz)
    }

    /// Kalman update with the `P z'` in `pz`; returns (v, F).
    fn update(&mut self, c: f64, reg: Option<usize>, y: f64, h: f64) -> (f64, f64) {
        let (za, zpz) = self.moments(c, reg);
        let (f, v, n) = (zpz + h, y - za, self.n());
        for i in 0..n {
            let g = self.pz[i] / f;
            self.a[i] += g * v;
            let row = &mut self.p[i * n..(i + 1) * n];
            row.iter_mut().zip(&self.pz).for_each(|(p, z)| *p -= g * z);
        }
        (v, f)
    }

    /// One month ahead: every register gains the month's flow `c·L`, the
    /// level gains φ·trend, the trend is damped; `T P T'` in place.
    fn predict(&mut self, c: f64, phi: f64, q: [f64; 2]) {
        let n = self.n();
        step(&mut self.a, c, phi);
        // Rows: row_R += c·row_L, row_L += φ·row_b, row_b *= φ.
        let (head, tail) = self.p.split_at_mut(n);
        let (row_b, regs) = tail.split_at_mut(n);
        for reg in regs.chunks_exact_mut(n) {
            reg.iter_mut()
                .zip(head.iter())
                .for_each(|(r, l)| *r += c * l);
        }
        head.iter_mut()
            .zip(row_b.iter())
            .for_each(|(l, b)| *l += phi * b);
        row_b.iter_mut().for_each(|b| *b *= phi);
        for row in self.p.chunks_exact_mut(n) {
            step(row, c, phi);
        }
        self.p[0] += q[0];
        self.p[n + 1] += q[1];
    }
}

/// `x ← T x`: registers gain `c·x_0`, then level and trend move.
fn step(x: &mut [f64], c: f64, phi: f64) {
    let level = x[0];
    x[2..].iter_mut().for_each(|r| *r += c * level);
    x[0] += phi * x[1];
    x[1] *= phi;
}

/// What [`run`] returns: as [`filter::run`](super::filter::run) does, in
/// scaled units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RegisterRun {
    /// Log-likelihood of the non-diffuse observations.
    pub loglik: f64,
    /// Observations in it.
    pub used: usize,
    /// Filtered mean of (level, trend) after the last month.
    pub end: [f64; 2],
}

/// The filter over every month, keeping only the likelihood and the end.
pub(crate) fn run(setup: &Setup<'_>, plan: &RegisterPlan) -> RegisterRun {
    let mut state = Registers {
        a: setup.init_mean.to_vec(),
        p: vec![setup.init_var[0], 0.0, 0.0, setup.init_var[1]],
        starts: Vec::new(),
        pz: vec![0.0; 2],
    };
    let ln_2pi = (2.0 * std::f64::consts::PI).ln();
    let (mut total, mut used, mut next) = (0.0, 0usize, 0usize);
    for (t, &c) in setup.coef.iter().enumerate() {
        plan.opens[t].iter().for_each(|&s| state.open(s));
        let mult = multiplier(setup, state.a[0]);
        while next < setup.obs.len() && setup.obs[next].end == t {
            let o = &setup.obs[next];
            let reg = (o.len > 1).then(|| state.register(o.end + 1 - o.len));
            let h = o.len as f64 * setup.var_irregular * mult * o.weight + o.extra_var;
            let term = match o.bound {
                None => {
                    let (v, f) = state.update(c, reg, o.value, h);
                    (f < DIFFUSE_THRESHOLD).then(|| -0.5 * (ln_2pi + f.ln() + v * v / f))
                }
                Some(bound) => {
                    let (za, zpz) = state.moments(c, reg);
                    let u = bound_update(bound, za, zpz, h);
                    if let Some((y, ht)) = u.pseudo {
                        state.update(c, reg, y, ht);
                    }
                    (zpz + h < DIFFUSE_THRESHOLD).then_some(u.log_prob)
                }
            };
            if let Some(term) = term {
                total += term;
                used += 1;
            }
            next += 1;
        }
        plan.closes[t].iter().for_each(|&s| state.close(s));
        if t + 1 < setup.coef.len() {
            let m = multiplier(setup, state.a[0]);
            state.predict(c, setup.phi, [setup.var_level * m, setup.var_trend * m]);
        }
    }
    RegisterRun {
        loglik: total,
        used,
        end: [state.a[0], state.a[1]],
    }
}

#[cfg(test)]
mod tests {
    use super::super::data::{SpanObservation, SpanSeries};
    use super::super::fit::Problem;
    use super::super::params::{Hyperparameters, Initial, NoiseScale, StructuralConfig};
    use crate::data::Month;

    /// Months 0-23 as two annual totals and a year-to-date figure, then a
    /// quarter, a half year, ranges, bounds and single months with gaps.
    fn mixed_series() -> SpanSeries {
        let mut observations = vec![
            SpanObservation::point(0, 12, 1300.0),
            SpanObservation::point(12, 7, 820.0),
            SpanObservation::point(12, 12, 1450.0),
            SpanObservation::range(24, 3, 330.0, 390.0),
            SpanObservation::at_least(24, 6, 650.0),
            SpanObservation::point(30, 6, 760.0).with_sd_scale(2.0),
            SpanObservation::at_most(36, 1, 140.0),
        ];
        observations.extend(
            (37..60)
                .filter(|t| t % 5 != 0)
                .map(|t| SpanObservation::point(t, 1, 110.0 + 2.0 * t as f64 + (t % 12) as f64)),
        );
        observations.push(SpanObservation::point(48, 12, 1700.0));
        observations.sort_by_key(|o| (o.end(), o.len));
        SpanSeries {
            origin: Month::new(2019, 1).unwrap(),
            observations,
        }
    }

    /// The register filter gives the lag filter's likelihood, for both noise
    /// scales, a known and a vague start, and hyperparameters away from any
    /// optimum. From a known start the two agree to rounding (1e-9 relative).
    /// From the vague start (variances 1e8) both subtract numbers of that
    /// size in the first updates, and the lag filter carries 11 more state
    /// entries through them, so they agree to about 1e-6 relative (a
    /// thousandth of a log-likelihood unit here, far below what AICc tells
    /// apart).
    #[test]
    fn register_likelihood_equals_the_lag_filter() {
        let series = mixed_series().check().unwrap();
        let known = Initial::Known {
            level: 100.0,
            trend: 1.0,
            var_level: 100.0,
            var_trend: 1.0,
        };
        let cases = [
            (NoiseScale::Proportional, known, 1e-9),
            (NoiseScale::Constant, known, 1e-9),
            (NoiseScale::Proportional, Initial::Diffuse, 1e-5),
            (NoiseScale::Constant, Initial::Diffuse, 1e-5),
        ];
        for (noise, initial, tolerance) in cases {
            let config = StructuralConfig {
                noise,
                initial,
                ..StructuralConfig::default()
            }
            .check()
            .unwrap();
            let problem = Problem::new(&series, &config);
            for k in 0..4 {
                let mut seasonal = [1.0; 12];
                seasonal[k] = 1.3;
                seasonal[k + 5] = 0.7;
                let h = Hyperparameters {
                    var_irregular: 0.002 * (k + 1) as f64,
                    var_level: 0.01 / (k + 1) as f64,
                    var_trend: 1e-4 * k as f64,
                    phi: 0.85 + 0.05 * k as f64,
                    seasonal,
                    holiday: 0.1 * k as f64,
                    shocks: Vec::new(),
                };
                let (lag, filtered) = problem.loglik(&h);
                let fast = problem.loglik_only(&h);
                assert!(filtered.used > 20, "{}", filtered.used);
                assert!(
                    (lag - fast).abs() < tolerance * lag.abs(),
                    "{noise:?} {initial:?} {k}: {lag} vs {fast}"
                );
            }
        }
    }
}
