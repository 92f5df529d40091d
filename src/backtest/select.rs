//! Choosing WORLD's model by rolling-origin cross-validation on WORLD's own
//! single-month observations (`selection: cv` in the fit configuration), not by
//! AICc alone: each candidate (every configured trend family, and the dynamic
//! baseline) is refitted at each origin on the data as they stood then, and the
//! one with the lowest MASE over the following months is fitted to all the data.

use serde::{Deserialize, Serialize};

use super::error::BacktestError;
use super::{BacktestRequest, Variant, backtest};
use crate::data::{Importer, Observations};
use crate::forecast::{BaselineKind, FitConfig, FittedPanel, ModelSelection, Pin, fit_panel};

/// Sample paths per forecast in the selection: only the point forecasts enter
/// MASE, so fewer paths than a full backtest suffice.
const SELECTION_PATHS: usize = 200;

/// How the baseline was chosen, for the fit table and the models file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// The candidate chosen (`exponential`, `dynamic`…), or the AICc rule.
    pub chosen: String,
    /// Each candidate's MASE over the origins (`None` where it failed at one).
    pub scores: Vec<(String, Option<f64>)>,
    /// Origins scored.
    pub origins: usize,
    /// Why no cross-validation was possible, if it was not.
    pub fallback: Option<String>,
}

impl Selection {
    /// One line for people.
    pub fn describe(&self) -> String {
        if let Some(why) = &self.fallback {
            return format!("chosen by AICc ({why})");
        }
        let scores: Vec<String> = self
            .scores
            .iter()
            .map(|(m, s)| match s {
                Some(s) => format!("{m} {s:.3}"),
                None => format!("{m} (failed at an origin)"),
            })
            .collect();
        format!(
            "{} chosen by rolling-origin cross-validation on WORLD ({} origins; MASE: {})",
            self.chosen,
            self.origins,
            scores.join(", ")
        )
    }
}

/// The configuration that fits the chosen candidate, and how it was chosen.
/// With `selection: aicc`, or where WORLD has too few single months, the
/// configuration is returned as it is.
///
/// # Errors
/// [`BacktestError`] only for a request the backtest refuses.
pub fn select_config(
    obs: &Observations,
    config: &FitConfig,
) -> Result<(FitConfig, Option<Selection>), BacktestError> {
    if config.selection == ModelSelection::Aicc {
        return Ok((config.clone(), None));
    }
    let mut variants: Vec<Variant> = config
        .candidates
        .iter()
        .map(|&f| Variant::Trend(f))
        .collect();
    variants.push(Variant::Dynamic);
    let request = BacktestRequest {
        variants: variants.clone(),
        paths: SELECTION_PATHS,
        config: config.clone(),
        ..BacktestRequest::default()
    };
    let world = obs.only(&[Importer::World]);
    let result = match backtest(&world, &request) {
        Ok(r) => r,
        Err(BacktestError::NotEnoughData(why)) => {
            let selection = Selection {
                chosen: "aicc".into(),
                scores: Vec::new(),
                origins: 0,
                fallback: Some(why),
            };
            return Ok((config.clone(), Some(selection)));
        }
        Err(e) => return Err(e),
    };
    let scores: Vec<(String, Option<f64>)> = variants
        .iter()
        .map(|v| {
            let name = v.to_string();
            let row = result.leaderboard.iter().find(|r| r.model == name);
            let score = row
                .filter(|r| r.failures == 0 && r.mase.is_finite())
                .map(|r| r.mase);
            (name, score)
        })
        .collect();
    let best = variants
        .iter()
        .zip(&scores)
        .filter_map(|(v, (_, s))| s.map(|s| (*v, s)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let mut chosen_config = config.clone();
    let chosen = match best {
        Some((Variant::Dynamic, _)) => {
            chosen_config.baseline = BaselineKind::Dynamic;
            "dynamic".to_string()
        }
        Some((Variant::Trend(f), _)) => {
            chosen_config.baseline = BaselineKind::Trend;
            chosen_config.pins.insert(Importer::World, Pin::Family(f));
            f.to_string()
        }
        _ => "aicc".to_string(),
    };
    let selection = Selection {
        chosen,
        scores,
        origins: result.origins,
        fallback: best
            .is_none()
            .then(|| "every candidate failed at some origin".into()),
    };
    Ok((chosen_config, Some(selection)))
}

/// Fits the panel with the model [`select_config`] chooses, and records the
/// choice in the panel.
///
/// # Errors
/// As [`select_config`] and [`fit_panel`].
pub fn fit_selected(obs: &Observations, config: &FitConfig) -> Result<FittedPanel, BacktestError> {
    let (chosen, selection) = select_config(obs, config)?;
    let mut panel = fit_panel(obs, &chosen)?;
    panel.selection = selection.map(|s| s.describe());
    Ok(panel)
}
