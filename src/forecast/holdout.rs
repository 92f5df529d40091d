//! Holdout checks: fit the data as they stood at a cut-off month, forecast the
//! months after it, and compare with what was observed later.

use serde::Serialize;

use super::config::FitConfig;
use super::error::ForecastError;
use super::panel::fit_panel;
use super::paths::forecast_panel;
use crate::data::{Importer, Month, Observations, Span};

/// One later observation beside its forecast.
#[derive(Debug, Clone, Serialize)]
pub struct HoldoutPoint {
    /// The series.
    pub importer: Importer,
    /// The observed span (entirely after the cut-off).
    pub span: Span,
    /// Observed tonnes.
    pub actual: f64,
    /// Forecast mean over the span.
    pub forecast: f64,
    /// Absolute percentage error, %.
    pub ape_pct: f64,
}

/// Fits `obs` as they stood at `cutoff` and scores the forecast of every later
/// observation that lies wholly after the cut-off and by `until`.
///
/// # Errors
/// As [`fit_panel`] and [`forecast_panel`].
pub fn holdout(
    obs: &Observations,
    config: &FitConfig,
    cutoff: Month,
    until: Month,
    paths: usize,
    seed: u64,
) -> Result<Vec<HoldoutPoint>, ForecastError> {
    let panel = fit_panel(&obs.until(cutoff), config)?;
    let fc = forecast_panel(&panel, until, &[80.0, 95.0], paths, seed)?;
    let mut points: Vec<HoldoutPoint> = obs
        .rows()
        .iter()
        .filter(|o| o.span.start() > cutoff && o.span.end() <= until)
        .filter_map(|o| {
            let forecast = fc.span_mean(o.importer, o.span)?;
            Some(HoldoutPoint {
                importer: o.importer,
                span: o.span,
                actual: o.tonnes,
                forecast,
                ape_pct: ((forecast - o.tonnes) / o.tonnes).abs() * 100.0,
            })
        })
        .collect();
    points.sort_by_key(|p| (p.importer, p.span));
    Ok(points)
}
