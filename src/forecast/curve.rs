//! The monthly flow of one series as a function of its parameters, and the
//! least-squares problem of fitting it to observations over spans.
//!
//! A model predicts the monthly flow μ(t); an observation over a span is predicted
//! by the sum of μ over its months. Residuals are taken on the log scale, weighted
//! by the span's length: with multiplicative monthly noise of standard deviation
//! σ, a sum over L months has a log standard deviation of about σ/√L, so the
//! weight √L gives every residual the variance σ² and a year total counts as
//! much as its twelve months would.

use argmin::core::{Error as ArgminError, Jacobian, Operator};
use serde::{Deserialize, Serialize};

use super::series::SeriesObs;
use crate::data::Month;
use crate::model::{Family, sigmoid, softplus};

/// How log μ(t) depends on the parameters θ at a month of the grid.
pub(crate) trait LogMean {
    /// log μ at grid month `t` (months since the origin), with ∂ log μ/∂θ in `grad`.
    /// NaN where the parameters give no positive flow.
    fn log_mean(&self, t: i32, theta: &[f64], grad: &mut [f64]) -> f64;
}

/// Known shock months with their own level factors (parameters `first..`):
/// `months[k]` uses parameter `first + params[k]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InterventionTerms {
    /// The months affected.
    pub months: Vec<Month>,
    /// For each month, the index of its factor among the intervention parameters.
    pub params: Vec<usize>,
    /// The name of the window each parameter belongs to.
    pub names: Vec<String>,
}

impl InterventionTerms {
    /// Number of intervention parameters.
    pub fn n_params(&self) -> usize {
        self.names.len()
    }

    fn param_at(&self, month: Month) -> Option<usize> {
        self.months
            .iter()
            .position(|&m| m == month)
            .map(|k| self.params[k])
    }
}

/// The parameter layout of a series model, shared by fitting and forecasting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SeriesModel {
    /// The series on its own: a trend family (parameters in docs/model.md §2 order),
    /// then 11 monthly log factors if seasonal (December is minus their sum), then
    /// the intervention factors.
    Trend {
        /// The trend family.
        #[serde(with = "family_name")]
        family: Family,
        /// Whether monthly seasonality is included.
        seasonal: bool,
        /// Shock months with their own factors.
        interventions: InterventionTerms,
    },
    /// A share of WORLD: logit(share) = a + b·(x − centre), then the intervention
    /// factors. Centring at the series' own observations makes `a` the share's
    /// logit where the data are, and decorrelates it from the trend `b`.
    Share {
        /// The mean time of the series' observations, years since the origin.
        centre: f64,
        /// The end of the series' own data, years since the origin.
        data_end: f64,
        /// Beyond `data_end` the trend is damped: after h years it has moved
        /// τ·(1 − e^(−h/τ)) years' worth, never more than τ (0: flat).
        damping_years: f64,
        /// Shock months with their own factors.
        interventions: InterventionTerms,
    },
}

impl SeriesModel {
    /// Number of parameters.
    pub fn n_params(&self) -> usize {
        match self {
            SeriesModel::Trend {
                family,
                seasonal,
                interventions,
            } => trend_params(*family) + if *seasonal { 11 } else { 0 } + interventions.n_params(),
            SeriesModel::Share { interventions, .. } => 2 + interventions.n_params(),
        }
    }

    /// Parameter names, for tables and JSON.
    pub fn param_names(&self) -> Vec<String> {
        let mut names = match self {
            SeriesModel::Trend {
                family, seasonal, ..
            } => {
                let mut v = family.param_names(1, true);
                if *seasonal {
                    v.extend((1..=11).map(|m| format!("season_{m:02}")));
                }
                v
            }
            SeriesModel::Share { .. } => vec!["logit_share".into(), "logit_slope".into()],
        };
        let terms = match self {
            SeriesModel::Trend { interventions, .. } | SeriesModel::Share { interventions, .. } => {
                interventions
            }
        };
        names.extend(terms.names.iter().map(|n| format!("shock_{n}")));
        names
    }

    /// The label users see: the family name, `share`, with `+season`.
    pub fn label(&self) -> String {
        match self {
            SeriesModel::Trend {
                family, seasonal, ..
            } => {
                let name = family.to_string();
                if *seasonal {
                    format!("{name}+season")
                } else {
                    name
                }
            }
            SeriesModel::Share { .. } => "share-of-world".into(),
        }
    }
}

/// Parameters of the trend part of a family over time (one regressor).
pub(crate) fn trend_params(family: Family) -> usize {
    family.param_names(1, true).len()
}

/// A [`SeriesModel`] evaluated on a month grid: what fitting and forecasting call.
pub(crate) struct Evaluator<'a> {
    pub(crate) model: &'a SeriesModel,
    /// The month at grid position 0.
    pub(crate) origin: Month,
    /// For share models: log WORLD flow by grid month (fitted path).
    pub(crate) log_world: &'a [f64],
}

/// Years since the origin of grid month `t`, the time regressor of every trend.
pub(crate) fn years(t: i32) -> f64 {
    f64::from(t) / 12.0
}

impl LogMean for Evaluator<'_> {
    fn log_mean(&self, t: i32, theta: &[f64], grad: &mut [f64]) -> f64 {
        let x = years(t);
        let month = self.origin.plus(t);
        grad.fill(0.0);
        let (mut value, terms, offset) = match self.model {
            SeriesModel::Trend {
                family,
                seasonal,
                interventions,
            } => {
                let k = trend_params(*family);
                let g = family.value_and_gradient(x, &theta[..k], &mut grad[..k]);
                if g.is_nan() || g <= 0.0 || g.is_infinite() {
                    return f64::NAN;
                }
                for d in &mut grad[..k] {
                    *d /= g;
                }
                let mut v = g.ln();
                let mut next = k;
                if *seasonal {
                    let m = month.month() as usize;
                    if m == 12 {
                        for j in 0..11 {
                            v -= theta[k + j];
                            grad[k + j] = -1.0;
                        }
                    } else {
                        v += theta[k + m - 1];
                        grad[k + m - 1] = 1.0;
                    }
                    next += 11;
                }
                (v, interventions, next)
            }
            SeriesModel::Share {
                centre,
                data_end,
                damping_years,
                interventions,
            } => {
                let Some(&lw) = usize::try_from(t).ok().and_then(|i| self.log_world.get(i)) else {
                    return f64::NAN;
                };
                let dx = damped(x, *data_end, *damping_years) - centre;
                let z = theta[0] + theta[1] * dx;
                // log σ(z) and its derivative 1 − σ(z), in overflow-safe form.
                let log_share = -softplus(-z);
                let d = sigmoid(-z);
                grad[0] = d;
                grad[1] = d * dx;
                (lw + log_share, interventions, 2)
            }
        };
        if let Some(j) = terms.param_at(month) {
            value += theta[offset + j];
            grad[offset + j] = 1.0;
        }
        value
    }
}

/// Time as a damped trend sees it: itself up to `end`, then approaching
/// `end + tau` exponentially (Gardner & McKenzie's damped trend in continuous
/// time), so a share fitted to a few old points is not extrapolated for ever.
fn damped(x: f64, end: f64, tau: f64) -> f64 {
    if x <= end {
        x
    } else if tau > 0.0 {
        end + tau * (-(-(x - end) / tau).exp_m1())
    } else {
        end
    }
}

/// Fitting a [`LogMean`] to a series' observations: residuals
/// √w·(log y − log Σμ) and, optionally, a ridge row λ·θ_j that shrinks one
/// parameter towards zero.
pub(crate) struct SpanProblem<'a, M: LogMean> {
    pub(crate) series: &'a SeriesObs,
    pub(crate) model: &'a M,
    pub(crate) ridge: Option<(usize, f64)>,
}

impl<M: LogMean> SpanProblem<'_, M> {
    fn rows(&self) -> usize {
        self.series.obs.len() + usize::from(self.ridge.is_some())
    }

    /// For each observation: √w·log Σμ and, if `jac` is given, its gradient
    /// (column-major, `rows` × p).
    fn predict(&self, theta: &[f64], mut jac: Option<&mut [f64]>) -> Vec<f64> {
        let p = theta.len();
        let rows = self.rows();
        let mut grad = vec![0.0; p];
        let mut acc = vec![0.0; p];
        let mut out = Vec::with_capacity(rows);
        for (i, o) in self.series.obs.iter().enumerate() {
            let mut total = 0.0;
            acc.fill(0.0);
            // Sum in a shifted exponent so that large flows do not overflow.
            let shift = self.model.log_mean(o.start, theta, &mut grad);
            for t in o.start..o.start + o.len as i32 {
                let lm = self.model.log_mean(t, theta, &mut grad);
                let mu = (lm - shift).exp();
                total += mu;
                for (a, g) in acc.iter_mut().zip(&grad) {
                    *a += mu * g;
                }
            }
            let sw = o.weight.sqrt();
            out.push(sw * (shift + total.ln()));
            if let Some(j) = jac.as_deref_mut() {
                for (c, a) in acc.iter().enumerate() {
                    j[c * rows + i] = sw * a / total;
                }
            }
        }
        if let Some((idx, lambda)) = self.ridge {
            out.push(lambda * theta[idx]);
            if let Some(j) = jac {
                let i = rows - 1;
                for c in 0..p {
                    j[c * rows + i] = if c == idx { lambda } else { 0.0 };
                }
            }
        }
        out
    }
}

impl<M: LogMean> Operator for SpanProblem<'_, M> {
    type Param = Vec<f64>;
    type Output = Vec<f64>;

    fn apply(&self, theta: &Vec<f64>) -> Result<Vec<f64>, ArgminError> {
        let pred = self.predict(theta, None);
        let targets = self
            .series
            .obs
            .iter()
            .map(|o| o.weight.sqrt() * o.log_y)
            .chain(self.ridge.map(|_| 0.0));
        Ok(targets.zip(pred).map(|(y, f)| y - f).collect())
    }
}

impl<M: LogMean> Jacobian for SpanProblem<'_, M> {
    type Param = Vec<f64>;
    type Jacobian = Vec<f64>;

    fn jacobian(&self, theta: &Vec<f64>) -> Result<Vec<f64>, ArgminError> {
        let mut jac = vec![0.0; self.rows() * theta.len()];
        self.predict(theta, Some(&mut jac));
        Ok(jac)
    }
}

/// Families are stored by their command-line names (`exponential`, `poly:2`).
mod family_name {
    use super::Family;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(family: &Family, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(family)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Family, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
