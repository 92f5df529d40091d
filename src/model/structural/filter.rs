//! The Kalman filter over months, with span observations processed one at a
//! time at their last month, and the mean smoother that runs backwards over
//! the filter's record.
//!
//! The state is `(L_t, b_t, f_{t−1}, …, f_{t−K+1})`. Its transition is sparse
//! (level and trend, the new flow `c_t·L_t`, a shift of the past flows), so the
//! prediction step applies it by index arithmetic in O(n²) instead of
//! multiplying n×n matrices.

use super::bounds::{Bound, bound_update};

/// Variance of the vague initial level and trend (scaled units).
pub const DIFFUSE_VARIANCE: f64 = 1e8;

/// A prediction variance above this is still dominated by the vague prior: the
/// observation is used to learn the state but left out of the likelihood (the
/// approximate counterpart of the exact diffuse likelihood).
pub(crate) const DIFFUSE_THRESHOLD: f64 = DIFFUSE_VARIANCE * 1e-4;

/// Plug-in levels below this (scaled units) are raised to it before they
/// scale a variance, so a series near zero keeps a positive noise.
pub(crate) const LEVEL_FLOOR: f64 = 0.05;

/// An observation as the filter sees it (scaled units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Prepared {
    pub end: usize,
    pub len: usize,
    pub value: f64,
    /// Variance added for a range observation.
    pub extra_var: f64,
    /// Square of the observation's sd_scale.
    pub weight: f64,
    /// A one-sided bound instead of a value.
    pub bound: Option<Bound>,
}

/// Everything the filter needs, in scaled units.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Setup<'a> {
    pub obs: &'a [Prepared],
    /// Flow-to-level coefficient `c_t` of every month.
    pub coef: Vec<f64>,
    /// Past flows carried in the state (longest span − 1).
    pub lags: usize,
    pub phi: f64,
    pub var_irregular: f64,
    pub var_level: f64,
    pub var_trend: f64,
    pub proportional: bool,
    /// Mean and variance of (level, trend) at month 0.
    pub init_mean: [f64; 2],
    pub init_var: [f64; 2],
}

/// What the smoother needs from one observation's update.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    obs: usize,
    v: f64,
    f: f64,
    gain: Vec<f64>,
}

/// The filter's record for the smoother.
#[derive(Debug, Clone, PartialEq, Default)]
struct Trace {
    predicted_mean: Vec<Vec<f64>>,
    predicted_cov: Vec<Vec<f64>>,
    steps: Vec<Vec<Step>>,
}

/// Result of a filter run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Filtered {
    /// Log-likelihood of the non-diffuse observations (scaled units).
    pub loglik: f64,
    /// Observations in the log-likelihood.
    pub used: usize,
    /// Squared standardised innovation v²/F of each value observation in the
    /// likelihood, in time order (bounds excluded).
    pub standardised: Vec<f64>,
    /// Filtered mean and covariance (row-major) after the last month.
    pub mean: Vec<f64>,
    pub cov: Vec<f64>,
    trace: Option<Trace>,
}

/// Mean and covariance of the state, updated in place, with scratch space for
/// an update so the likelihood, evaluated thousands of times a fit, does not
/// allocate per observation.
struct State {
    n: usize,
    a: Vec<f64>,
    p: Vec<f64>,
    /// `P z'` of the latest update or projection.
    pz: Vec<f64>,
    /// Kalman gain of the latest update.
    gain: Vec<f64>,
}

impl State {
    fn new(setup: &Setup<'_>) -> Self {
        let n = 2 + setup.lags;
        let mut a = vec![0.0; n];
        let mut p = vec![0.0; n * n];
        a[..2].copy_from_slice(&setup.init_mean);
        p[0] = setup.init_var[0];
        p[n + 1] = setup.init_var[1];
        State {
            n,
            a,
            p,
            pz: vec![0.0; n],
            gain: vec![0.0; n],
        }
    }

    /// `P z'` (into `self.pz`) and `z a` for a span of `len` months with flow
    /// coefficient `c`: the span is `c·L_t` plus the `len − 1` past flows in
    /// the state.
    fn project(&mut self, c: f64, len: usize) -> f64 {
        let n = self.n;
        for (i, out) in self.pz.iter_mut().enumerate() {
            let row = &self.p[i * n..(i + 1) * n];
            *out = c * row[0] + row[2..len + 1].iter().sum::<f64>();
        }
        c * self.a[0] + self.a[2..len + 1].iter().sum::<f64>()
    }

    /// Mean and variance of the signal of a span (no noise): `z a`, `z P z'`.
    fn signal_moments(&mut self, c: f64, len: usize) -> (f64, f64) {
        let za = self.project(c, len);
        (za, c * self.pz[0] + self.pz[2..len + 1].iter().sum::<f64>())
    }

    /// Univariate update with one observation; returns (v, F) and leaves the
    /// gain in `self.gain`.
    fn update(&mut self, c: f64, len: usize, y: f64, h: f64) -> (f64, f64) {
        let (za, zpz) = self.signal_moments(c, len);
        let f = zpz + h;
        let v = y - za;
        let n = self.n;
        for i in 0..n {
            let g = self.pz[i] / f;
            self.gain[i] = g;
            self.a[i] += g * v;
            let row = &mut self.p[i * n..(i + 1) * n];
            row.iter_mut().zip(&self.pz).for_each(|(p, z)| *p -= g * z);
        }
        (v, f)
    }

    /// One month ahead: level gains φ·trend, trend is damped, the month's flow
    /// `c·L` becomes the first past flow and the others shift. `T P T'` is
    /// formed in place: the transition applied to the rows, then to each row's
    /// entries (the columns).
    fn predict(&mut self, c: f64, phi: f64, q: [f64; 2]) {
        let n = self.n;
        transition_in_place(&mut self.a, c, phi);
        if n > 3 {
            self.p.copy_within(2 * n..(n - 1) * n, 3 * n);
        }
        let (head, tail) = self.p.split_at_mut(n);
        let (row1, rest) = tail.split_at_mut(n);
        if n > 2 {
            rest[..n]
                .iter_mut()
                .zip(head.iter())
                .for_each(|(r2, r0)| *r2 = c * r0);
        }
        head.iter_mut()
            .zip(row1.iter())
            .for_each(|(r0, r1)| *r0 += phi * r1);
        row1.iter_mut().for_each(|r1| *r1 *= phi);
        for row in self.p.chunks_exact_mut(n) {
            transition_in_place(row, c, phi);
        }
        self.p[0] += q[0];
        self.p[n + 1] += q[1];
    }
}

/// `x ← T x` for the transition out of a month with flow coefficient `c`.
fn transition_in_place(x: &mut [f64], c: f64, phi: f64) {
    let n = x.len();
    if n > 3 {
        x.copy_within(2..n - 1, 3);
    }
    if n > 2 {
        x[2] = c * x[0];
    }
    x[0] += phi * x[1];
    x[1] *= phi;
}

/// `T' r` for the same transition (the smoother's backward step).
fn transition_transposed(r: &[f64], c: f64, phi: f64) -> Vec<f64> {
    let n = r.len();
    let mut y = vec![0.0; n];
    y[0] = r[0] + if n > 2 { c * r[2] } else { 0.0 };
    y[1] = phi * (r[0] + r[1]);
    if n > 3 {
        y[2..n - 1].copy_from_slice(&r[3..n]);
    }
    y
}

/// Squared plug-in level that scales variances in proportional mode.
pub(crate) fn multiplier(setup: &Setup<'_>, level: f64) -> f64 {
    if setup.proportional {
        level.max(LEVEL_FLOOR).powi(2)
    } else {
        1.0
    }
}

/// One observation: update the state and return its log-likelihood term
/// (`None` while the prediction is still dominated by the vague prior) and,
/// when the state was updated, the innovation v and its variance F (the gain
/// is left in `state.gain`). A value enters as a Gaussian observation; a
/// bound as the log-probability of the bound plus the equivalent
/// pseudo-observation (none when the bound is not informative).
fn observe(state: &mut State, o: &Prepared, c: f64, h: f64) -> (Option<f64>, Option<(f64, f64)>) {
    let ln_2pi = (2.0 * std::f64::consts::PI).ln();
    let Some(bound) = o.bound else {
        let (v, f) = state.update(c, o.len, o.value, h);
        let term = (f < DIFFUSE_THRESHOLD).then(|| -0.5 * (ln_2pi + f.ln() + v * v / f));
        return (term, Some((v, f)));
    };
    let (za, zpz) = state.signal_moments(c, o.len);
    let u = bound_update(bound, za, zpz, h);
    let term = (zpz + h < DIFFUSE_THRESHOLD).then_some(u.log_prob);
    let step = u.pseudo.map(|(y, ht)| state.update(c, o.len, y, ht));
    (term, step)
}

/// Run the filter over every month; keep the record for the smoother if asked.
pub(crate) fn run(setup: &Setup<'_>, keep_trace: bool) -> Filtered {
    let mut state = State::new(setup);
    let mut trace = keep_trace.then(Trace::default);
    let (mut loglik, mut used, mut next) = (0.0, 0usize, 0usize);
    let mut standardised = Vec::new();
    for (t, &c) in setup.coef.iter().enumerate() {
        if let Some(tr) = trace.as_mut() {
            tr.predicted_mean.push(state.a.clone());
            tr.predicted_cov.push(state.p.clone());
            tr.steps.push(Vec::new());
        }
        let mult = multiplier(setup, state.a[0]);
        while next < setup.obs.len() && setup.obs[next].end == t {
            let o = setup.obs[next];
            let h = o.len as f64 * setup.var_irregular * mult * o.weight + o.extra_var;
            let (term, step) = observe(&mut state, &o, c, h);
            if let Some(term) = term {
                loglik += term;
                used += 1;
                if let (None, Some((v, f))) = (o.bound, step) {
                    standardised.push(v * v / f);
                }
            }
            if let (Some(tr), Some((v, f))) = (trace.as_mut(), step) {
                tr.steps[t].push(Step {
                    obs: next,
                    v,
                    f,
                    gain: state.gain.clone(),
                });
            }
            next += 1;
        }
        if t + 1 < setup.coef.len() {
            let m = multiplier(setup, state.a[0]);
            state.predict(c, setup.phi, [setup.var_level * m, setup.var_trend * m]);
        }
    }
    Filtered {
        loglik,
        used,
        standardised,
        mean: state.a,
        cov: state.p,
        trace,
    }
}

/// Smoothed mean level of every month, by the backward recursion
/// `r ← z'(v/F − K'r) + r` over each month's observations in reverse and
/// `r ← T' r` between months; the smoothed state is `a_{t|t−1} + P_{t|t−1} r`.
/// No matrix is inverted, so the singular covariance of the carried flows is
/// harmless.
pub(crate) fn smoothed_levels(setup: &Setup<'_>, filtered: &Filtered) -> Option<Vec<f64>> {
    let trace = filtered.trace.as_ref()?;
    let n = 2 + setup.lags;
    let months = setup.coef.len();
    let mut r = vec![0.0; n];
    let mut levels = vec![0.0; months];
    for t in (0..months).rev() {
        if t + 1 < months {
            r = transition_transposed(&r, setup.coef[t], setup.phi);
        }
        let c = setup.coef[t];
        for s in trace.steps[t].iter().rev() {
            let kr: f64 = s.gain.iter().zip(&r).map(|(k, r)| k * r).sum();
            let u = s.v / s.f - kr;
            r[0] += c * u;
            let len = setup.obs[s.obs].len;
            r[2..len + 1].iter_mut().for_each(|x| *x += u);
        }
        let (a, p) = (&trace.predicted_mean[t], &trace.predicted_cov[t]);
        levels[t] = a[0] + (0..n).map(|j| p[j] * r[j]).sum::<f64>();
    }
    Some(levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dense transition matrix for `n` states.
    fn dense(n: usize, c: f64, phi: f64) -> Vec<f64> {
        let mut t = vec![0.0; n * n];
        t[0] = 1.0;
        t[1] = phi;
        t[n + 1] = phi;
        t[2 * n] = c;
        (3..n).for_each(|k| t[k * n + k - 1] = 1.0);
        t
    }

    fn matmul(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
        let mut out = vec![0.0; n * n];
        for i in 0..n {
            for k in 0..n {
                for j in 0..n {
                    out[i * n + j] += a[i * n + k] * b[k * n + j];
                }
            }
        }
        out
    }

    #[test]
    fn in_place_prediction_equals_dense_t_p_t() {
        let (n, c, phi) = (7, 1.3, 0.85);
        let p: Vec<f64> = (0..n * n)
            .map(|k| ((k * 37 % 11) as f64 - 5.0) / 3.0)
            .collect();
        let a: Vec<f64> = (0..n).map(|k| k as f64 + 0.5).collect();
        let mut state = State {
            n,
            a: a.clone(),
            p: p.clone(),
            pz: vec![0.0; n],
            gain: vec![0.0; n],
        };
        state.predict(c, phi, [0.25, 0.125]);
        let t = dense(n, c, phi);
        let tt: Vec<f64> = (0..n * n).map(|k| t[(k % n) * n + k / n]).collect();
        let mut want = matmul(&matmul(&t, &p, n), &tt, n);
        want[0] += 0.25;
        want[n + 1] += 0.125;
        assert!(
            state
                .p
                .iter()
                .zip(&want)
                .all(|(x, y)| (x - y).abs() < 1e-12)
        );
        let ta: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|k| t[i * n + k] * a[k]).sum())
            .collect();
        assert!(state.a.iter().zip(&ta).all(|(x, y)| (x - y).abs() < 1e-12));
        // T' r against the dense transpose.
        let r: Vec<f64> = (0..n).map(|k| 1.0 / (k as f64 + 1.0)).collect();
        let got = transition_transposed(&r, c, phi);
        let want: Vec<f64> = (0..n)
            .map(|k| (0..n).map(|i| t[i * n + k] * r[i]).sum())
            .collect();
        assert!(
            got.iter().zip(&want).all(|(x, y)| (x - y).abs() < 1e-12),
            "{got:?} {want:?}"
        );
    }
}
