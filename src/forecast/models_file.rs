//! The models file (`fit --out`, `forecast --models`, `run --models`): a
//! fitted panel as JSON, read back as strictly as a data file. A file edited by
//! hand or cut short must be refused with every problem named by its key,
//! never run: a covariance of the wrong length or a negative sigma would
//! otherwise give numbers, and an empty unit list a panic.

use crate::number::compact;
use std::path::Path;

use super::curve::SeriesModel;
use super::dynamic::DynamicBaseline;
use super::error::ForecastError;
use super::fitted::{FittedPanel, FittedSeries};
use crate::data::Importer;

/// Largest monthly log-scale sigma a models file may carry: e⁵ is a factor of
/// about 150 between one month and the next, beyond anything a fit of
/// customs data gives, and far larger values make sample paths overflow.
pub const MAX_SIGMA: f64 = 5.0;

/// Longest fitted span a models file may claim, in months (a century).
const MAX_FITTED_MONTHS: i32 = 1200;

impl FittedPanel {
    /// The panel as the JSON text of a models file.
    ///
    /// # Errors
    /// Never for a fitted panel (serialisation of plain numbers and strings);
    /// the `Result` is serde's.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        Ok(serde_json::to_string_pretty(self)? + "\n")
    }

    /// Reads and checks the models file at `path`.
    ///
    /// # Errors
    /// [`ForecastError::Io`] when it cannot be read, [`ForecastError::Models`]
    /// when it is not a models file of this version or any value in it is
    /// unusable (every problem listed, each with its key).
    pub fn read(path: &Path) -> Result<FittedPanel, ForecastError> {
        let text = std::fs::read_to_string(path).map_err(|source| ForecastError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        FittedPanel::from_json(&text, path)
    }

    /// Parses and checks models-file text; `path` names it in errors.
    ///
    /// # Errors
    /// As [`FittedPanel::read`].
    pub fn from_json(text: &str, path: &Path) -> Result<FittedPanel, ForecastError> {
        let refuse = |reason: String| ForecastError::Models {
            path: path.to_path_buf(),
            reason,
        };
        let panel: FittedPanel = serde_json::from_str(text).map_err(|e| {
            refuse(format!(
                "not a models file written by magcast's fit (line {}, column {}: {e})",
                e.line(),
                e.column()
            ))
        })?;
        let problems = panel.problems();
        if problems.is_empty() {
            Ok(panel)
        } else {
            Err(refuse(format!(
                "{} problem(s) in the saved models; fit them again:\n  {}",
                problems.len(),
                problems.join("\n  ")
            )))
        }
    }

    /// Every way the panel is unusable, each starting with its key (empty
    /// for a panel that `fit_panel` made).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let ours = env!("CARGO_PKG_VERSION");
        if release(&self.magcast_version) != release(ours) {
            problems.push(format!(
                "magcast_version: written by magcast {}, read by {ours} (models are kept \
                 only within a release: {}.x)",
                self.magcast_version,
                release(ours)
            ));
        }
        let span = self.last_observed.months_since(self.origin);
        if !(0..MAX_FITTED_MONTHS).contains(&span) {
            problems.push(format!(
                "last_observed: {} is not 0 to {MAX_FITTED_MONTHS} months after origin {}",
                self.last_observed, self.origin
            ));
        }
        if self.series.is_empty() && self.dynamic.is_none() {
            problems.push("series: no fitted series".into());
        }
        let has_world = self.world().is_some();
        let mut seen: Vec<Importer> = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            if seen.contains(&s.importer) {
                problems.push(format!(
                    "series[{i}].importer: {} appears twice",
                    s.importer
                ));
            }
            seen.push(s.importer);
            problems.extend(
                series_problems(s, has_world)
                    .into_iter()
                    .map(|p| format!("series[{i}] ({}).{p}", s.importer)),
            );
        }
        if let Some(d) = &self.dynamic {
            problems.extend(
                dynamic_problems(self, d)
                    .into_iter()
                    .map(|p| format!("dynamic.{p}")),
            );
        }
        problems
    }
}

/// A number as people read it: 1e300 as `1e300`, not 301 digits.
/// `major.minor` of a version string.
fn release(version: &str) -> String {
    version.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// The problems of one trend series, each starting with its field.
fn series_problems(s: &FittedSeries, has_world: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let p = s.model.n_params();
    let lengths = [
        ("params", s.params.len(), p),
        ("param_names", s.param_names.len(), p),
        ("std_errors", s.std_errors.len(), p),
        ("covariance", s.covariance.len(), p * p),
    ];
    for (key, got, want) in lengths {
        if got != want {
            problems.push(format!("{key}: {got} values, the model has {want}"));
        }
    }
    let (SeriesModel::Trend { interventions, .. } | SeriesModel::Share { interventions, .. }) =
        &s.model;
    let windows = interventions.n_params();
    if interventions.params.len() != interventions.months.len()
        || interventions.params.iter().any(|&j| j >= windows)
    {
        problems.push(format!(
            "model.interventions: {} months, {} window indices; each must be 0 to {}",
            interventions.months.len(),
            interventions.params.len(),
            windows as i64 - 1
        ));
    }
    if s.params.iter().any(|v| !v.is_finite()) {
        problems.push("params: every estimate must be a finite number".into());
    }
    // NaN marks an unidentified entry; an infinity is never written.
    if s.covariance
        .iter()
        .chain(&s.std_errors)
        .any(|v| v.is_infinite())
    {
        problems.push("covariance: infinite entries".into());
    }
    if s.covariance.len() == p * p && (0..p).any(|k| s.covariance[k * p + k] < 0.0) {
        problems.push("covariance: a negative variance on the diagonal".into());
    }
    if !(s.sigma.is_finite() && s.sigma > 0.0 && s.sigma <= MAX_SIGMA) {
        problems.push(format!(
            "sigma: {} is not in (0, {MAX_SIGMA}]",
            compact(s.sigma)
        ));
    }
    if let SeriesModel::Share {
        centre,
        data_end,
        damping_years,
        ..
    } = &s.model
    {
        if !has_world {
            problems.push("model: a share of WORLD, but WORLD is not among the series".into());
        }
        if !(centre.is_finite() && data_end.is_finite() && damping_years.is_finite())
            || *damping_years < 0.0
        {
            problems.push(
                "model: centre, data_end and damping_years must be finite (damping ≥ 0)".into(),
            );
        }
    }
    problems
}

/// The problems of the dynamic baseline, each starting with its field.
fn dynamic_problems(panel: &FittedPanel, d: &DynamicBaseline) -> Vec<String> {
    let mut problems = Vec::new();
    if d.origin != panel.origin || d.last_observed != panel.last_observed {
        problems.push(format!(
            "origin, last_observed: {}..{} differ from the panel's {}..{}",
            d.origin, d.last_observed, panel.origin, panel.last_observed
        ));
    }
    let fitted = d.last_observed.months_since(d.origin) + 1;
    if d.world.origin() != d.origin || d.world.months() as i32 > fitted.max(0) {
        problems.push("world: its months lie outside the panel's".into());
    }
    problems.extend(
        d.world
            .problems()
            .into_iter()
            .map(|p| format!("world: {p}")),
    );
    let units = d.layout.units.len();
    if units == 0 {
        problems.push("layout.units: empty (ROW at least)".into());
    }
    for (i, s) in d.layout.series.iter().enumerate() {
        if s.units.is_empty() || s.units.iter().any(|&u| u >= units) {
            problems.push(format!(
                "layout.series[{i}] ({}): unit indices must be 0 to {}",
                s.importer,
                units.saturating_sub(1)
            ));
        }
    }
    match &d.shares {
        None if units > 1 => problems.push("shares: missing for more than one unit".into()),
        None => {}
        Some(f) => {
            if f.units != d.layout.units {
                problems.push("shares.units: not the layout's units".into());
            }
            if let Err(e) = f.check() {
                problems.push(format!("shares: {e}"));
            } else if i64::try_from(f.months).map_or(true, |m| m != i64::from(fitted)) {
                problems.push(format!(
                    "shares.months: {}, the panel has {fitted}",
                    f.months
                ));
            }
            let numbers = f
                .logits
                .iter()
                .chain(&f.logit_sd)
                .chain(&f.last_cov)
                .chain(&f.tau);
            let finite = numbers.clone().all(|v| v.is_finite());
            if !(finite && f.tau_bar.is_finite() && f.tau_bar >= 0.0) {
                problems.push("shares: logits, sds, covariances and τ must be finite".into());
            }
        }
    }
    problems
}
