//! Rolling-origin evaluation: which series and origins are scored, the expanding
//! refit at every origin, and one detail row per forecast month with an actual.
//!
//! A series is scored if it has at least `min_months` single-month
//! observations. Its origins step back from its last single-month observation
//! L: origin w is `L − horizon − w·step` (w = 0 … windows − 1), so the latest
//! window's whole horizon lies inside the data. At each origin every variant is
//! refitted on the data as they stood then (`Observations::until`) and scored on
//! the months `origin + 1 … origin + horizon` that were later observed on their
//! own (no spans, no derived months).
//!
//! Work runs in parallel over (series, origin, variant) tasks collected in
//! input order, each seeded from the run seed and its indices, so results are
//! identical for any number of threads.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::BacktestRequest;
use super::error::BacktestError;
use super::metrics::{crps, naive_scale};
use super::variants::{OriginData, Variant, forecast};
use crate::data::{Importer, Ledger, Month, Observations, Span};

/// One forecast month beside what was observed.
#[derive(Debug, Clone, Serialize)]
pub struct DetailRow {
    /// The variant.
    pub model: String,
    /// The series.
    pub importer: Importer,
    /// The last month of the training data.
    pub origin: Month,
    /// The month forecast.
    pub period: Month,
    /// Observed tonnes.
    pub actual: f64,
    /// Point forecast.
    pub forecast: f64,
    /// 80 % interval.
    pub lower_80: f64,
    /// 80 % interval.
    pub upper_80: f64,
    /// 95 % interval.
    pub lower_95: f64,
    /// 95 % interval.
    pub upper_95: f64,
    /// The MASE scale of the training data at this origin.
    pub mase_scale: f64,
    /// CRPS of the variant's draws at the actual.
    pub crps: f64,
}

/// A variant that could not forecast at one origin (its points are missing from
/// the details and the leaderboard).
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The variant.
    pub model: String,
    /// The series.
    pub importer: Importer,
    /// The origin.
    pub origin: Month,
    /// Why.
    pub reason: String,
}

/// One scored origin of one series.
#[derive(Debug)]
struct Origin {
    importer: Importer,
    origin: Month,
    obs: Observations,
    history: Vec<(i32, f64)>,
    scale: f64,
    /// Months to forecast and their actuals.
    targets: Vec<(Month, f64)>,
}

/// Single-month observations by series and month.
fn single_months(obs: &Observations) -> HashMap<(Importer, Month), f64> {
    obs.rows()
        .iter()
        .filter(|o| o.span.len() == 1)
        .map(|o| ((o.importer, o.span.start()), o.tonnes))
        .collect()
}

/// The series scored, with their last single-month observation.
fn scored_series(
    singles: &HashMap<(Importer, Month), f64>,
    importers: &[Importer],
    min_months: usize,
) -> Result<Vec<(Importer, Month)>, BacktestError> {
    let mut best: Option<(usize, Importer)> = None;
    let mut out = Vec::new();
    for &importer in importers {
        let months: Vec<Month> = singles
            .keys()
            .filter(|(i, _)| *i == importer)
            .map(|(_, m)| *m)
            .collect();
        if best.is_none_or(|(n, _)| months.len() > n) {
            best = Some((months.len(), importer));
        }
        if months.len() >= min_months
            && let Some(&last) = months.iter().max()
        {
            out.push((importer, last));
        }
    }
    if out.is_empty() {
        let why = match best {
            Some((n, i)) => format!(
                "no series has {min_months} single-month observations (the most: {i} with {n})"
            ),
            None => "no observations".into(),
        };
        return Err(BacktestError::NotEnoughData(why));
    }
    Ok(out)
}

/// The months the data determine up to `origin` (observed or derived exactly).
fn history(obs: &Observations, importer: Importer, origin: Month) -> Vec<(i32, f64)> {
    let ledger = Ledger::new(obs);
    let Some(range) = obs.month_range() else {
        return Vec::new();
    };
    let Some(span) = Span::new(range.start(), origin) else {
        return Vec::new();
    };
    span.months()
        .filter_map(|m| Some((m.index(), ledger.month_tonnes(importer, m)?.value)))
        .collect()
}

fn origins(
    obs: &Observations,
    request: &BacktestRequest,
) -> Result<(Vec<Origin>, Vec<Failure>), BacktestError> {
    let singles = single_months(obs);
    let series = scored_series(&singles, &obs.importers(), request.min_months)?;
    let mut plan = Vec::new();
    for &(importer, last) in &series {
        for w in 0..request.windows {
            let origin = last.plus(-((request.horizon + w * request.step) as i32));
            let targets: Vec<(Month, f64)> = (1..=request.horizon as i32)
                .map(|h| origin.plus(h))
                .filter_map(|m| Some((m, *singles.get(&(importer, m))?)))
                .collect();
            if !targets.is_empty() {
                plan.push((importer, origin, targets));
            }
        }
    }
    let built: Vec<Result<Origin, Failure>> = plan
        .into_par_iter()
        .map(|(importer, origin, targets)| {
            let obs = obs.until(origin);
            let history = history(&obs, importer, origin);
            match naive_scale(&history, 12) {
                Some(scale) => Ok(Origin {
                    importer,
                    origin,
                    obs,
                    history,
                    scale,
                    targets,
                }),
                None => Err(Failure {
                    model: "*".into(),
                    importer,
                    origin,
                    reason: "no MASE scale: no two monthly values 12 or 1 month apart".into(),
                }),
            }
        })
        .collect();
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for b in built {
        match b {
            Ok(o) => ok.push(o),
            Err(f) => failed.push(f),
        }
    }
    if ok.is_empty() {
        return Err(BacktestError::NotEnoughData(format!(
            "no origin of {} series has later single-month observations within {} month(s) \
             and a MASE scale",
            series.len(),
            request.horizon
        )));
    }
    Ok((ok, failed))
}

/// A 64-bit mix of the run seed and task indices (SplitMix64 finaliser).
fn task_seed(seed: u64, indices: [usize; 2]) -> u64 {
    indices.iter().fold(seed, |acc, &i| {
        let mut z = acc ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    })
}

/// Runs every (series, origin, variant) task; rows in task order, then failures.
pub(crate) fn run_tasks(
    obs: &Observations,
    request: &BacktestRequest,
) -> Result<(Vec<DetailRow>, Vec<Failure>, usize), BacktestError> {
    let (origins, mut failures) = origins(obs, request)?;
    let tasks: Vec<(usize, usize)> = (0..origins.len())
        .flat_map(|o| (0..request.variants.len()).map(move |v| (o, v)))
        .collect();
    let results: Vec<Result<Vec<DetailRow>, Failure>> = tasks
        .par_iter()
        .map(|&(o, v)| {
            let origin = &origins[o];
            let variant: Variant = request.variants[v];
            let months: Vec<Month> = origin.targets.iter().map(|t| t.0).collect();
            let data = OriginData {
                importer: origin.importer,
                obs: &origin.obs,
                history: &origin.history,
                months: &months,
            };
            let seed = task_seed(request.seed, [o, v]);
            let fc = forecast(variant, &data, &request.config, request.paths, seed).map_err(
                |reason| Failure {
                    model: variant.to_string(),
                    importer: origin.importer,
                    origin: origin.origin,
                    reason,
                },
            )?;
            Ok(origin
                .targets
                .iter()
                .zip(fc)
                .map(|(&(period, actual), mut f)| DetailRow {
                    model: variant.to_string(),
                    importer: origin.importer,
                    origin: origin.origin,
                    period,
                    actual,
                    forecast: f.mean,
                    lower_80: f.band_80.0,
                    upper_80: f.band_80.1,
                    lower_95: f.band_95.0,
                    upper_95: f.band_95.1,
                    mase_scale: origin.scale,
                    crps: crps(&mut f.samples, actual),
                })
                .collect())
        })
        .collect();
    let mut rows = Vec::new();
    for r in results {
        match r {
            Ok(mut v) => rows.append(&mut v),
            Err(f) => failures.push(f),
        }
    }
    Ok((rows, failures, origins.len()))
}
