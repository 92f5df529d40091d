//! The fitted structural model: estimation entry points, the state at the end
//! of the data, and the smoothed flows.

use serde::{Deserialize, Serialize};

use super::data::ValidSeries;
use super::error::{Result, StructuralError};
use super::filter;
use super::fit::{self, Convergence, Problem};
use super::params::{Hyperparameters, Layout, NoiseScale, ValidConfig};
use super::shock_draws::ShockUncertainty;
use crate::data::Month;

/// Level and trend after the last observed month (scaled units), with their
/// covariance `[var L, cov, cov, var b]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EndState {
    /// Filtered level (deseasonalised flow per month, scaled).
    pub level: f64,
    /// Filtered trend (change of the level per month, scaled).
    pub trend: f64,
    /// Covariance of (level, trend), row-major.
    pub cov: [f64; 4],
}

/// A structural model fitted to one series; serialisable so it can be saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructuralModel {
    pub(crate) config: ValidConfig,
    pub(crate) origin: Month,
    pub(crate) months: usize,
    pub(crate) scale: f64,
    pub(crate) hyper: Hyperparameters,
    pub(crate) loglik: f64,
    pub(crate) observations_used: usize,
    pub(crate) parameters: usize,
    pub(crate) end: EndState,
    pub(crate) convergence: Option<Convergence>,
    /// Factor applied to every forecast variance ([`StructuralModel::variance_scale`]).
    #[serde(default = "unit")]
    pub(crate) variance_scale: f64,
    /// Doubt about a shock still under way at the end of the data, drawn by
    /// each sample path (`None`: shocks plugged in).
    #[serde(default)]
    pub(crate) shock_uncertainty: Option<ShockUncertainty>,
}

fn unit() -> f64 {
    1.0
}

/// Value observations whose standardised innovations set the forecast
/// variance scale: the last two years of a monthly series.
pub const RECENT_INNOVATIONS: usize = 24;

/// The forecast variance scale: the mean squared standardised innovation of
/// the last [`RECENT_INNOVATIONS`] observations, never below 1. At the maximum
/// likelihood the innovations average about 1 over the whole series; where
/// the latest are larger (swings that grew with the series under constant
/// noise, a variance estimated near zero from sparse spans) the forecast's
/// variances are scaled up to match them. Intervals are never narrowed.
fn variance_scale(standardised: &[f64]) -> f64 {
    let recent = &standardised[standardised.len().saturating_sub(RECENT_INNOVATIONS)..];
    if recent.is_empty() {
        return 1.0;
    }
    (recent.iter().sum::<f64>() / recent.len() as f64).max(1.0)
}

impl StructuralModel {
    /// Estimate the hyperparameters by maximum likelihood and filter to the end.
    pub fn fit(series: &ValidSeries, config: &ValidConfig) -> Result<Self> {
        let problem = Problem::new(series, config);
        let layout = Layout::new(config.get());
        let start = layout.start(fit::seasonal_start(series));
        let (hyper, convergence) = fit::estimate(&problem, &start)?;
        Self::estimated(&problem, hyper, layout.len(), convergence)
    }

    /// The model at estimated hyperparameters, with the doubt about active
    /// shocks for its sample paths.
    fn estimated(
        problem: &Problem<'_>,
        hyper: Hyperparameters,
        parameters: usize,
        convergence: Convergence,
    ) -> Result<Self> {
        let mut model = Self::from_problem(problem, hyper)?;
        model.parameters = parameters;
        model.convergence = Some(convergence);
        model.shock_uncertainty = ShockUncertainty::estimate(problem, &model.hyper);
        Ok(model)
    }

    /// Estimate by maximum likelihood from the starting hyperparameters
    /// `start` instead of the built-in start (for a search from several
    /// starts: keep the fit with the highest likelihood).
    pub fn fit_from(
        series: &ValidSeries,
        config: &ValidConfig,
        start: &Hyperparameters,
    ) -> Result<Self> {
        check_hyperparameters(start)?;
        let problem = Problem::new(series, config);
        let layout = Layout::new(config.get());
        let (hyper, convergence) = fit::estimate(&problem, start)?;
        Self::estimated(&problem, hyper, layout.len(), convergence)
    }

    /// Filter with hyperparameters given (nothing estimated). The seasonal
    /// factors are used as given, without rescaling, and the forecast
    /// variances are the model's own (variance scale 1).
    pub fn with_hyperparameters(
        series: &ValidSeries,
        config: &ValidConfig,
        hyper: Hyperparameters,
    ) -> Result<Self> {
        check_hyperparameters(&hyper)?;
        let mut model = Self::from_problem(&Problem::new(series, config), hyper)?;
        model.variance_scale = 1.0;
        Ok(model)
    }

    fn from_problem(problem: &Problem<'_>, hyper: Hyperparameters) -> Result<Self> {
        let (loglik, filtered) = problem.loglik(&hyper);
        if !loglik.is_finite() {
            return Err(StructuralError::NonFiniteOptimum);
        }
        let n = filtered.mean.len();
        let end = EndState {
            level: filtered.mean[0],
            trend: filtered.mean[1],
            cov: [
                filtered.cov[0],
                filtered.cov[1],
                filtered.cov[n],
                filtered.cov[n + 1],
            ],
        };
        Ok(StructuralModel {
            config: problem.config.clone(),
            origin: problem.series.origin(),
            months: problem.months,
            scale: problem.scale,
            hyper,
            loglik,
            observations_used: filtered.used,
            parameters: 0,
            end,
            convergence: None,
            variance_scale: variance_scale(&filtered.standardised),
            shock_uncertainty: None,
        })
    }

    /// The hyperparameters.
    pub fn hyperparameters(&self) -> &Hyperparameters {
        &self.hyper
    }

    /// Log-likelihood in data units (observations still dominated by the
    /// vague prior left out).
    pub fn loglik(&self) -> f64 {
        self.loglik
    }

    /// Observations counted in the log-likelihood.
    pub fn observations_used(&self) -> usize {
        self.observations_used
    }

    /// Akaike's criterion, counting the estimated hyperparameters.
    pub fn aic(&self) -> f64 {
        -2.0 * self.loglik + 2.0 * self.parameters as f64
    }

    /// Akaike's criterion with the small-sample correction
    /// `2k(k + 1)/(n − k − 1)`, n the observations in the likelihood and k the
    /// estimated hyperparameters (infinite when n ≤ k + 1): the variants of
    /// WORLD's model differ by one or two hyperparameters on a few dozen
    /// observations, where AIC alone favours the larger model.
    pub fn aicc(&self) -> f64 {
        let (n, k) = (self.observations_used as f64, self.parameters as f64);
        if n <= k + 1.0 {
            return f64::INFINITY;
        }
        self.aic() + 2.0 * k * (k + 1.0) / (n - k - 1.0)
    }

    /// Factor applied to every forecast variance: for an estimated model the
    /// mean squared standardised one-step innovation over the last
    /// [`RECENT_INNOVATIONS`] observations, floored at 1; 1 for a model
    /// filtered with hyperparameters given.
    pub fn variance_scale(&self) -> f64 {
        self.variance_scale
    }

    /// The doubt about shocks still under way that sample paths draw
    /// (`None` when every shock is plugged in).
    pub fn shock_uncertainty(&self) -> Option<&ShockUncertainty> {
        self.shock_uncertainty.as_ref()
    }

    /// The settings the model was fitted with.
    pub fn config(&self) -> &ValidConfig {
        &self.config
    }

    /// The divisor applied to every value before filtering.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// How the likelihood search ended (`None` when nothing was estimated).
    pub fn convergence(&self) -> Option<&Convergence> {
        self.convergence.as_ref()
    }

    /// Filtered level and trend after the last observed month (scaled units).
    pub fn end_state(&self) -> EndState {
        self.end
    }

    /// Calendar month of month index 0.
    pub fn origin(&self) -> Month {
        self.origin
    }

    /// Months from the origin to the last observed month, inclusive.
    pub fn months(&self) -> usize {
        self.months
    }

    pub(crate) fn proportional(&self) -> bool {
        self.config.get().noise == NoiseScale::Proportional
    }

    /// Smoothed monthly flows (data units) for months `0..months`, given the
    /// series the model was fitted to.
    pub fn smoothed_flows(&self, series: &ValidSeries) -> Vec<f64> {
        let problem = Problem::new(series, &self.config);
        let setup = problem.setup(&self.hyper);
        let filtered = filter::run(&setup, true);
        let levels = filter::smoothed_levels(&setup, &filtered).unwrap_or_default();
        levels
            .iter()
            .zip(&setup.coef)
            .map(|(l, c)| l * c * self.scale)
            .collect()
    }
}

/// Variances ≥ 0, φ in (0, 1], positive seasonal factors, flows kept positive
/// by the holiday and shock terms.
fn check_hyperparameters(h: &Hyperparameters) -> Result<()> {
    let problems = hyperparameter_problems(h);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StructuralError::InvalidConfig(problems))
    }
}

/// Every problem of `h` (see [`check_hyperparameters`]).
fn hyperparameter_problems(h: &Hyperparameters) -> Vec<String> {
    let mut problems = Vec::new();
    let variances = [h.var_irregular, h.var_level, h.var_trend];
    if variances.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
        problems.push("variances must be finite and ≥ 0".to_string());
    }
    if !(h.phi > 0.0 && h.phi <= 1.0) {
        problems.push(format!("damping factor {} is not in (0, 1]", h.phi));
    }
    if h.seasonal.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
        problems.push("seasonal factors must be positive".to_string());
    }
    if h.holiday.is_nan() || h.holiday.abs() >= 1.0 {
        problems.push(format!(
            "holiday coefficient {} is not in (−1, 1)",
            h.holiday
        ));
    }
    for s in &h.shocks {
        let rise_ok = s.peak == 0 || (s.rise >= 0.0 && s.rise <= 1.0);
        if !(s.depth < 1.0 && s.depth > -1.0 && s.decay >= 0.0 && s.decay < 1.0 && rise_ok) {
            problems.push(format!(
                "shock at month {}: depth, decay or rise out of range",
                s.onset
            ));
        }
    }
    problems
}

impl StructuralModel {
    /// Every way a model read back from a file is unusable (empty when it is
    /// usable): hyperparameters out of range, a non-positive scale or month
    /// count, a state or variance scale that is not finite, a shock draw of
    /// the wrong shape. A fitted model has none.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = hyperparameter_problems(&self.hyper);
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        if self.months == 0 {
            problems.push("months must be at least 1".into());
        }
        if !(self.scale.is_finite() && self.scale > 0.0) {
            problems.push(format!("scale {} is not a positive number", self.scale));
        }
        let e = &self.end;
        if !(finite(&[e.level, e.trend]) && finite(&e.cov) && e.cov[0] >= 0.0 && e.cov[3] >= 0.0) {
            problems.push("end state: level, trend and their variances must be finite".into());
        }
        if !(self.variance_scale.is_finite() && self.variance_scale >= 1.0) {
            problems.push(format!("variance scale {} is not ≥ 1", self.variance_scale));
        }
        if self.hyper.shocks.len() != self.config.get().shock_onsets.len() {
            problems.push("one shock per configured onset expected".into());
        }
        if self.hyper.shocks.iter().any(|s| s.onset >= self.months) {
            problems.push("a shock starts after the last fitted month".into());
        }
        if let Some(u) = &self.shock_uncertainty {
            let layout = Layout::new(self.config.get());
            let k = layout.len() - layout.shock_offset();
            let shapes =
                u.centre.len() == k && u.chol.len() == k * k && u.end_jacobian.len() == 2 * k;
            if !(shapes && finite(&u.centre) && finite(&u.chol) && finite(&u.end_jacobian)) {
                problems.push(format!(
                    "shock uncertainty: {k} finite coordinates, a {k}×{k} factor and a 2×{k} \
                     derivative expected"
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variance_scale_is_the_recent_mean_square_floored_at_one() {
        // 30 early innovations of 0.25 and the last 24 of 2.25 (|v| = 1.5 sd).
        let mut z = vec![0.25; 30];
        z.extend([2.25; 24]);
        assert!((variance_scale(&z) - 2.25).abs() < 1e-12);
        // Only the last 24 count: 12 of 4.0 among 12 of 0.5 average 2.25.
        let mut z = vec![9.0; 10];
        z.extend([4.0; 12]);
        z.extend([0.5; 12]);
        assert!((variance_scale(&z) - 2.25).abs() < 1e-12);
        // Smaller innovations never narrow the intervals; none leave them.
        assert!((variance_scale(&[0.3; 40]) - 1.0).abs() < 1e-15);
        assert!((variance_scale(&[]) - 1.0).abs() < 1e-15);
    }
}
