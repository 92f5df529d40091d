//! Baseline forecasts by importer: trends fitted to the observations as they
//! are (spans predicted by sums of monthly flows), importers pooled as shares of
//! WORLD, coherent sample paths, and forecasts with intervals.
//!
//! The flow: [`FitConfig`] (from `fit.yaml`) → [`fit_panel`] → [`FittedPanel`]
//! (saved as `models.json`) → [`PathSampler`] / [`forecast_panel`] →
//! [`PanelForecast`].

mod config;
mod curve;
mod dynamic;
mod error;
mod fitted;
mod holdout;
mod models_file;
mod panel;
mod paths;
mod series;

pub use config::{
    BUNDLED_FIT_CONFIG, BUNDLED_FIT_CONFIG_NAME, BaselineKind, FitConfig, FitConfigSpec,
    Intervention, InterventionSpec, ModelSelection, Pin, Seasonality,
};
pub use curve::{InterventionTerms, SeriesModel};
pub use dynamic::{DynamicBaseline, SeriesUnits, UnitLayout, fit_dynamic};
pub use error::ForecastError;
pub use fitted::{Candidate, FittedPanel, FittedPoint, FittedSeries, SeriesStats};
pub use holdout::{HoldoutPoint, holdout};
pub use models_file::MAX_SIGMA;
pub use panel::fit_panel;
pub use paths::{
    MAX_LOG_DEVIATION, MAX_STORED_DRAWS, PanelForecast, PathSampler, check_stored_draws,
    forecast_panel,
};
pub use series::{ObservationSummary, ZERO_FLOOR_TONNES};
