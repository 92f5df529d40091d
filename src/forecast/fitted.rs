//! The fitted baseline: per-series models with their statistics, the panel that
//! `fit --out` saves and `forecast` and `run` reuse, and fitted values.

use serde::{Deserialize, Serialize};

use super::config::Intervention;
use super::curve::{Evaluator, LogMean, SeriesModel};
use super::series::ObservationSummary;
use crate::data::{Importer, Month, Observations};

/// How well a model fitted its series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesStats {
    /// Observations used.
    pub n_obs: usize,
    /// Parameters estimated.
    pub n_params: usize,
    /// Weighted residual sum of squares on the log scale.
    pub rss: f64,
    /// Residual degrees of freedom (may be 0 for tiny series).
    pub df_resid: i64,
    /// Gaussian log-likelihood of the observed tonnes (log-scale model).
    pub log_likelihood: f64,
    /// Corrected Akaike criterion, where defined (n > k + 1).
    pub aicc: Option<f64>,
    /// Whether the optimiser converged.
    pub converged: bool,
    /// Optimiser iterations.
    pub iterations: u64,
}

/// One candidate tried for a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// e.g. `logistic+season`.
    pub model: String,
    /// Its AICc, where it fitted and AICc is defined.
    pub aicc: Option<f64>,
    /// Why it was not usable, if it was not.
    pub failure: Option<String>,
}

/// The fitted model of one series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedSeries {
    /// The series.
    pub importer: Importer,
    /// The chosen model and its parameter layout.
    pub model: SeriesModel,
    /// Parameter names.
    pub param_names: Vec<String>,
    /// Estimates.
    pub params: Vec<f64>,
    /// Standard errors (NaN where not identified).
    pub std_errors: Vec<f64>,
    /// Covariance of the estimates, row-major p×p (NaN where not identified).
    pub covariance: Vec<f64>,
    /// Monthly residual sd on the log scale used for intervals and paths.
    pub sigma: f64,
    /// Fit statistics.
    pub stats: SeriesStats,
    /// The observations used.
    pub observations: ObservationSummary,
    /// Every candidate tried.
    pub candidates: Vec<Candidate>,
    /// How the model was chosen.
    pub selection: String,
}

/// The fitted panel: what `fit --out` saves and `forecast` and `run` reuse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedPanel {
    /// magcast's version that fitted it.
    pub magcast_version: String,
    /// The data file.
    pub data_source: String,
    /// Time zero of every trend (x = years since this month).
    pub origin: Month,
    /// The last month any observation covers; forecasts start after it.
    pub last_observed: Month,
    /// Known shocks used.
    pub interventions: Vec<Intervention>,
    /// Every series' trend model, in output order (WORLD, groups, countries):
    /// the baseline itself when `dynamic` is absent, else the trend candidates
    /// beside it.
    pub series: Vec<FittedSeries>,
    /// The dynamic baseline, where the configuration chose it: the sample
    /// paths then come from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic: Option<super::dynamic::DynamicBaseline>,
    /// How WORLD's model was chosen, where it was by cross-validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
}

impl FittedPanel {
    /// The fitted WORLD series, if the data have one.
    pub fn world(&self) -> Option<&FittedSeries> {
        self.series.iter().find(|s| s.importer == Importer::World)
    }
}

/// log μ of a fitted series at grid months `0..len` (no noise).
pub(crate) fn log_path(s: &FittedSeries, origin: Month, len: i32, log_world: &[f64]) -> Vec<f64> {
    let eval = Evaluator {
        model: &s.model,
        origin,
        log_world,
    };
    let mut grad = vec![0.0; s.params.len()];
    (0..len)
        .map(|t| eval.log_mean(t, &s.params, &mut grad))
        .collect()
}

/// An observation beside the model's value for its span.
#[derive(Debug, Clone, Serialize)]
pub struct FittedPoint {
    /// The series.
    pub importer: Importer,
    /// The observed span.
    pub span: crate::data::Span,
    /// Observed tonnes.
    pub observed: f64,
    /// The model's median for the span (sum of the monthly flow, no noise).
    pub fitted: f64,
}

impl FittedPanel {
    /// Each observation of `obs` beside the fitted value for its span (for
    /// `fit --residuals`); observations outside the fitted range are skipped.
    pub fn fitted_values(&self, obs: &Observations) -> Vec<FittedPoint> {
        let len = self.last_observed.months_since(self.origin) + 1;
        let log_world = self
            .world()
            .map(|w| log_path(w, self.origin, len, &[]))
            .unwrap_or_default();
        let paths: Vec<(Importer, Vec<f64>)> = self
            .series
            .iter()
            .map(|s| (s.importer, log_path(s, self.origin, len, &log_world)))
            .collect();
        let mut out: Vec<FittedPoint> = obs
            .rows()
            .iter()
            .filter_map(|o| {
                let (_, path) = paths.iter().find(|(i, _)| *i == o.importer)?;
                let start = usize::try_from(o.span.start().months_since(self.origin)).ok()?;
                let months = path.get(start..start + o.span.len())?;
                Some(FittedPoint {
                    importer: o.importer,
                    span: o.span,
                    observed: o.tonnes,
                    fitted: months.iter().map(|v| v.exp()).sum(),
                })
            })
            .collect();
        out.sort_by_key(|p| (p.importer, p.span.end(), p.span.start()));
        out
    }
}
