//! The leaderboard: each variant's metrics over its detail rows, ranked by MASE.
//!
//! MAE, RMSE, MAPE, sMAPE, coverage, Winkler scores and CRPS are pooled over
//! every detail row of the variant; MASE is the mean over series of each
//! series' mean scaled absolute error, so a series with many origins does not
//! dominate it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::metrics::{coverage, mae, mape, mase, mean, mean_winkler, rmse, smape};
use super::rolling::{DetailRow, Failure};

/// One variant's scores.
#[derive(Debug, Clone, Serialize)]
pub struct LeaderboardRow {
    /// Rank by MASE (1 = best).
    pub rank: usize,
    /// The variant.
    pub model: String,
    /// Mean absolute error, tonnes.
    pub mae: f64,
    /// Root mean squared error, tonnes.
    pub rmse: f64,
    /// Mean absolute percentage error, %.
    pub mape: f64,
    /// Symmetric MAPE, % (0–200 scale).
    pub smape: f64,
    /// Mean absolute scaled error (mean over series).
    pub mase: f64,
    /// Share of actuals inside the 80 % interval.
    pub coverage_80: f64,
    /// Share of actuals inside the 95 % interval.
    pub coverage_95: f64,
    /// Mean Winkler score of the 80 % interval, tonnes.
    pub winkler_80: f64,
    /// Mean Winkler score of the 95 % interval, tonnes.
    pub winkler_95: f64,
    /// Mean CRPS from the sample draws, tonnes.
    pub crps: f64,
    /// Forecast points scored.
    pub points: usize,
    /// Series scored.
    pub series: usize,
    /// Origins at which the variant could not forecast.
    pub failures: usize,
}

/// Scores each of `models` (in their order) and ranks them by MASE (ties and
/// unscored variants keep their order, unscored last).
pub fn leaderboard(
    models: &[String],
    rows: &[DetailRow],
    failures: &[Failure],
) -> Vec<LeaderboardRow> {
    let mut board: Vec<LeaderboardRow> = models
        .iter()
        .map(|model| score(model, rows, failures))
        .collect();
    board.sort_by(|a, b| match (a.mase.is_nan(), b.mase.is_nan()) {
        (false, false) => a.mase.total_cmp(&b.mase),
        (x, y) => x.cmp(&y),
    });
    for (i, r) in board.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    board
}

fn score(model: &str, rows: &[DetailRow], failures: &[Failure]) -> LeaderboardRow {
    let mine: Vec<&DetailRow> = rows.iter().filter(|r| r.model == model).collect();
    let col = |f: fn(&DetailRow) -> f64| -> Vec<f64> { mine.iter().map(|r| f(r)).collect() };
    let y = col(|r| r.actual);
    let f = col(|r| r.forecast);
    let (lo80, hi80) = (col(|r| r.lower_80), col(|r| r.upper_80));
    let (lo95, hi95) = (col(|r| r.lower_95), col(|r| r.upper_95));
    let mut by_series: BTreeMap<_, (Vec<f64>, Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for r in &mine {
        let e = by_series.entry(r.importer).or_default();
        e.0.push(r.actual);
        e.1.push(r.forecast);
        e.2.push(r.mase_scale);
    }
    LeaderboardRow {
        rank: 0,
        model: model.to_string(),
        mae: mae(&y, &f),
        rmse: rmse(&y, &f),
        mape: mape(&y, &f),
        smape: smape(&y, &f),
        mase: mean(by_series.values().map(|(y, f, s)| mase(y, f, s))),
        coverage_80: coverage(&y, &lo80, &hi80),
        coverage_95: coverage(&y, &lo95, &hi95),
        winkler_80: mean_winkler(&y, &lo80, &hi80, 0.2),
        winkler_95: mean_winkler(&y, &lo95, &hi95, 0.05),
        crps: mean(mine.iter().map(|r| r.crps)),
        points: mine.len(),
        series: by_series.len(),
        failures: failures
            .iter()
            .filter(|x| x.model == model || x.model == "*")
            .count(),
    }
}
