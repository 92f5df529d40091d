//! Fitting the whole panel: WORLD on its own (the best of the trend families by
//! AICc), every importer as a share of WORLD with its trend shrunk towards
//! constant, or on its own where pinned.
//!
//! Why shares: most importers have a handful of observations, too few for a
//! trend of their own. Modelling each importer's monthly flow as WORLD's flow
//! times a share whose logit moves linearly in time lets every importer borrow
//! the world series' growth, seasonality and shocks; a ridge penalty (a normal
//! prior on the share's annual logit trend, sd 0.1 by default) keeps a share
//! constant unless its own data say otherwise, and residual variances are pooled
//! across importers so that a country with one observation still gets honest
//! intervals.

use rayon::prelude::*;

use super::config::{BaselineKind, FitConfig, Intervention, Pin, Seasonality};
use super::curve::{Evaluator, InterventionTerms, LogMean, SeriesModel, SpanProblem, trend_params};
use super::dynamic::fit_dynamic;
use super::error::ForecastError;
use super::fitted::{Candidate, FittedPanel, FittedSeries, SeriesStats, log_path};
use super::series::{ObservationSummary, SeriesObs, fitted_importers};
use crate::data::{Importer, Month, Observations};
use crate::model::{Family, least_squares};

/// Most LM iterations per candidate.
const MAX_ITERATIONS: u64 = 400;
/// Prior weight (in degrees of freedom) of the pooled residual variance.
const POOL_DF: f64 = 2.0;

/// Fits every series of `obs`.
///
/// # Errors
/// [`ForecastError`] when a series cannot be fitted at all.
pub fn fit_panel(obs: &Observations, config: &FitConfig) -> Result<FittedPanel, ForecastError> {
    let range = obs
        .month_range()
        .ok_or_else(|| ForecastError::Request("no observations".into()))?;
    let origin = range.start();
    let last = range.end();
    let has_world = fitted_importers(obs).contains(&Importer::World);
    // The trend models and the dynamic baseline are independent fits: on two
    // threads, the dynamic fit (the longer) hides the trend panel's time.
    let (series, dynamic) = rayon::join(
        || fit_trend_series(obs, config, origin, last),
        || match config.baseline {
            BaselineKind::Dynamic if has_world => fit_dynamic(obs, config, origin, last).map(Some),
            _ => Ok(None),
        },
    );
    let (series, dynamic) = (series?, dynamic?);
    Ok(FittedPanel {
        magcast_version: env!("CARGO_PKG_VERSION").to_string(),
        data_source: obs.source().display().to_string(),
        origin,
        last_observed: last,
        interventions: config.interventions.clone(),
        series,
        dynamic,
        selection: None,
    })
}

/// The trend models of every importer (docs/model.md §2.6-§2.8): WORLD from
/// the candidate families, the others as shares of it (or on their own when
/// pinned or when there is no WORLD), with pooled share variances.
fn fit_trend_series(
    obs: &Observations,
    config: &FitConfig,
    origin: Month,
    last: Month,
) -> Result<Vec<FittedSeries>, ForecastError> {
    let importers = fitted_importers(obs);
    let has_world = importers.contains(&Importer::World);
    let world = if has_world {
        let series = SeriesObs::new(obs, Importer::World, origin);
        let families = match config.pins.get(&Importer::World) {
            Some(Pin::Family(f)) => vec![*f],
            _ => config.candidates.clone(),
        };
        Some(fit_trend(&series, &families, config, origin)?)
    } else {
        None
    };
    let log_world: Vec<f64> = match &world {
        Some(w) => log_path(w, origin, last.months_since(origin) + 1, &[]),
        None => Vec::new(),
    };
    let world_sigma = world.as_ref().map_or(0.1, |w| w.sigma);
    let others: Vec<Importer> = importers
        .into_iter()
        .filter(|&i| i != Importer::World)
        .collect();
    let fitted: Vec<Result<FittedSeries, ForecastError>> = others
        .par_iter()
        .map(|&importer| {
            let series = SeriesObs::new(obs, importer, origin);
            match config.pins.get(&importer) {
                Some(Pin::Family(f)) => fit_trend(&series, &[*f], config, origin),
                _ if !has_world => fit_trend(&series, &config.candidates, config, origin),
                _ => fit_share(&series, config, origin, &log_world, world_sigma),
            }
        })
        .collect();
    let mut series: Vec<FittedSeries> = world.into_iter().collect();
    for f in fitted {
        series.push(f?);
    }
    pool_share_variances(&mut series, world_sigma);
    Ok(series)
}

/// Which shock months get their own factor in a series: every month of a window
/// if each was observed on its own; one factor for the whole window if the window
/// was observed only inside longer spans; none if the series never saw it.
fn intervention_terms(series: &SeriesObs, interventions: &[Intervention]) -> InterventionTerms {
    let mut terms = InterventionTerms::default();
    for w in interventions {
        let touched = series
            .obs
            .iter()
            .any(|o| o.span.end() >= w.span.start() && o.span.start() <= w.span.end());
        if !touched {
            continue;
        }
        let single = |m: Month| series.obs.iter().any(|o| o.len == 1 && o.span.start() == m);
        if w.span.months().all(single) {
            for m in w.span.months() {
                terms.months.push(m);
                terms.params.push(terms.names.len());
                terms.names.push(format!("{}_{m}", w.name));
            }
        } else {
            let idx = terms.names.len();
            terms.names.push(w.name.clone());
            for m in w.span.months() {
                terms.months.push(m);
                terms.params.push(idx);
            }
        }
    }
    terms
}

struct Solved {
    termination: crate::model::Termination,
    params: Vec<f64>,
    unscaled_cov: Vec<f64>,
    rss: f64,
    iterations: u64,
    converged: bool,
}

fn solve<M: LogMean>(
    series: &SeriesObs,
    model: &M,
    ridge: Option<(usize, f64)>,
    start: Vec<f64>,
) -> Result<Solved, String> {
    let targets: Vec<f64> = series
        .obs
        .iter()
        .map(|o| o.weight.sqrt() * o.log_y)
        .chain(ridge.map(|_| 0.0))
        .collect();
    let make = || SpanProblem {
        series,
        model,
        ridge,
    };
    let sol = least_squares(make, &targets, &start, MAX_ITERATIONS).map_err(|e| e.to_string())?;
    // The solver's stopping rules are tuned to certify NIST digits; a log-sum
    // objective has a rounding floor above them, so a stall at a point where the
    // residuals are orthogonal to the Jacobian (to 1e-6) is a converged fit.
    let converged = sol.termination.converged()
        || (matches!(sol.termination, crate::model::Termination::Stalled)
            && gradient_cosine(&make(), &sol.coef) < 1e-6);
    // The RSS of the observations alone (without the ridge row).
    let rss = match ridge {
        Some((j, lambda)) => sol.rss - (lambda * sol.coef[j]).powi(2),
        None => sol.rss,
    };
    Ok(Solved {
        termination: sol.termination,
        converged,
        params: sol.coef,
        unscaled_cov: sol.unscaled_covariance,
        rss: rss.max(0.0),
        iterations: sol.iterations,
    })
}

/// The largest |cos| between the residual vector and a Jacobian column.
fn gradient_cosine<M: LogMean>(problem: &SpanProblem<'_, M>, theta: &[f64]) -> f64 {
    use argmin::core::{Jacobian, Operator};
    let theta = theta.to_vec();
    let (Ok(r), Ok(j)) = (problem.apply(&theta), problem.jacobian(&theta)) else {
        return f64::INFINITY;
    };
    let n = r.len();
    let rn = r.iter().map(|v| v * v).sum::<f64>().sqrt();
    if rn == 0.0 {
        return 0.0;
    }
    j.chunks(n)
        .map(|col| {
            let cn = col.iter().map(|v| v * v).sum::<f64>().sqrt();
            let dot: f64 = col.iter().zip(&r).map(|(a, b)| a * b).sum();
            if cn > 0.0 {
                (dot / (cn * rn)).abs()
            } else {
                0.0
            }
        })
        .fold(0.0, f64::max)
}

fn stats(series: &SeriesObs, p: usize, s: &Solved) -> SeriesStats {
    let n = series.obs.len();
    let nf = n as f64;
    let rss = s.rss.max(1e-300);
    let sum_log_w: f64 = series.obs.iter().map(|o| o.weight.ln()).sum();
    let log_likelihood = -nf / 2.0 * ((2.0 * std::f64::consts::PI * rss / nf).ln() + 1.0)
        + sum_log_w / 2.0
        - series.sum_log_y();
    let k = (p + 1) as f64;
    let aicc = (nf - k - 1.0 > 0.0)
        .then(|| -2.0 * log_likelihood + 2.0 * k + 2.0 * k * (k + 1.0) / (nf - k - 1.0));
    SeriesStats {
        n_obs: n,
        n_params: p,
        rss: s.rss,
        df_resid: n as i64 - p as i64,
        log_likelihood,
        aicc: aicc.filter(|a| a.is_finite()),
        converged: s.converged,
        iterations: s.iterations,
    }
}

/// Starting values of a family's trend from (mid-span year, monthly level) points,
/// leaving out points inside shock windows where enough others remain.
fn trend_start(family: Family, series: &SeriesObs, terms: &InterventionTerms) -> Option<Vec<f64>> {
    let (xs, ys) = series.monthly_levels();
    let calm: Vec<usize> = (0..xs.len())
        .filter(|&i| {
            let o = &series.obs[i];
            !terms.months.iter().any(|m| o.span.contains(*m))
        })
        .collect();
    let keep: Vec<usize> = if calm.len() >= 2 {
        calm
    } else {
        (0..xs.len()).collect()
    };
    let x: Vec<f64> = keep.iter().map(|&i| xs[i]).collect();
    let y: Vec<f64> = keep.iter().map(|&i| ys[i]).collect();
    match family {
        Family::Linear | Family::Poly(_) => {
            let mut b = vec![0.0; trend_params(family)];
            let (slope, intercept) = weighted_line(&x, &y);
            b[0] = intercept;
            if b.len() > 1 {
                b[1] = slope;
            }
            Some(b)
        }
        _ => crate::model::auto_start(family, &x, &y),
    }
}

fn weighted_line(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (slope, my - slope * mx)
}

/// Fits every candidate family (and seasonal variant) and keeps the lowest AICc.
fn fit_trend(
    series: &SeriesObs,
    families: &[Family],
    config: &FitConfig,
    origin: Month,
) -> Result<FittedSeries, ForecastError> {
    let terms = intervention_terms(series, &config.interventions);
    let seasonal_ok = match config.seasonality {
        Seasonality::Off => false,
        Seasonality::Auto => series.supports_seasonality(),
        Seasonality::On => series.obs.len() >= 13 + terms.n_params(),
    };
    let n = series.obs.len();
    let mut tried: Vec<Candidate> = Vec::new();
    let mut best: Option<(FittedSeries, f64)> = None;
    let mut fallback: Option<FittedSeries> = None;
    for &family in families {
        for seasonal in [false, true] {
            if seasonal && !seasonal_ok {
                continue;
            }
            let model = SeriesModel::Trend {
                family,
                seasonal,
                interventions: terms.clone(),
            };
            let label = model.label();
            let p = model.n_params();
            if n < p + 1 {
                tried.push(Candidate {
                    model: label,
                    aicc: None,
                    failure: Some(format!("{n} observations for {p} parameters")),
                });
                continue;
            }
            let Some(mut start) = trend_start(family, series, &terms) else {
                tried.push(Candidate {
                    model: label,
                    aicc: None,
                    failure: Some("no starting values".into()),
                });
                continue;
            };
            start.resize(p, 0.0);
            let eval = Evaluator {
                model: &model,
                origin,
                log_world: &[],
            };
            match solve(series, &eval, None, start) {
                Err(why) => tried.push(Candidate {
                    model: label,
                    aicc: None,
                    failure: Some(why),
                }),
                Ok(s) if !s.converged => {
                    let (_, levels) = series.monthly_levels();
                    let top = levels.iter().copied().fold(0.0, f64::max);
                    let saturating = matches!(
                        family,
                        Family::Logistic | Family::Gompertz | Family::Richards
                    );
                    let why = if saturating && s.params[0] > 20.0 * top {
                        "no saturation in the data: the asymptote grows without bound".to_string()
                    } else {
                        format!(
                            "did not converge ({:?} after {} iterations)",
                            s.termination, s.iterations
                        )
                    };
                    tried.push(Candidate {
                        model: label,
                        aicc: None,
                        failure: Some(why),
                    });
                }
                Ok(s) if !is_growth_curve(family, &s.params) => tried.push(Candidate {
                    model: label,
                    aicc: None,
                    failure: Some(
                        "not a saturating growth curve (negative rate or displacement): \
                         its extrapolation would explode or collapse"
                            .into(),
                    ),
                }),
                Ok(s) => {
                    let st = stats(series, p, &s);
                    tried.push(Candidate {
                        model: label,
                        aicc: st.aicc,
                        failure: None,
                    });
                    let sigma = residual_sigma(&st);
                    let fitted = finish(series, model, s, st, sigma, String::new());
                    match fitted.stats.aicc {
                        Some(a) if best.as_ref().is_none_or(|(_, b)| a < *b) => {
                            best = Some((fitted, a));
                        }
                        Some(_) => {}
                        None => {
                            // Too few observations for AICc: keep the simplest fit.
                            if fallback
                                .as_ref()
                                .is_none_or(|f| f.params.len() > fitted.params.len())
                            {
                                fallback = Some(fitted);
                            }
                        }
                    }
                }
            }
        }
    }
    let (mut chosen, how) = match (best, fallback) {
        (Some((f, _)), _) => (f, format!("lowest AICc of {} candidates", tried.len())),
        (None, Some(f)) => (
            f,
            "simplest converged candidate (too few observations for AICc)".to_string(),
        ),
        (None, None) => {
            let reasons = tried
                .iter()
                .map(|c| format!("{}: {}", c.model, c.failure.as_deref().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join("; ");
            return Err(ForecastError::NoModel {
                importer: series.importer,
                reasons,
            });
        }
    };
    chosen.selection = if families.len() == 1 {
        "pinned in the fit configuration".into()
    } else {
        how
    };
    chosen.candidates = tried;
    Ok(chosen)
}

/// Whether a saturating family's estimates describe growth towards an asymptote
/// (positive rate, and for Gompertz positive displacement); fitted to a decline
/// they become double exponentials that cannot be extrapolated.
fn is_growth_curve(family: Family, b: &[f64]) -> bool {
    match family {
        Family::Logistic | Family::Richards => b.get(2).is_some_and(|r| *r > 0.0),
        Family::Gompertz => {
            b.get(1).is_some_and(|d| *d > 0.0) && b.get(2).is_some_and(|r| *r > 0.0)
        }
        _ => true,
    }
}

/// σ from the residuals where there are degrees of freedom left, else a
/// conservative 0.25 (about ±25 % a month) until pooling replaces it.
fn residual_sigma(st: &SeriesStats) -> f64 {
    if st.df_resid > 0 {
        (st.rss / st.df_resid as f64).sqrt()
    } else {
        0.25
    }
}

fn finish(
    series: &SeriesObs,
    model: SeriesModel,
    s: Solved,
    stats: SeriesStats,
    sigma: f64,
    selection: String,
) -> FittedSeries {
    let p = s.params.len();
    let covariance: Vec<f64> = s.unscaled_cov.iter().map(|v| v * sigma * sigma).collect();
    let std_errors = (0..p)
        .map(|j| covariance.get(j * p + j).map_or(f64::NAN, |v| v.sqrt()))
        .collect();
    FittedSeries {
        importer: series.importer,
        param_names: model.param_names(),
        model,
        params: s.params,
        std_errors,
        covariance,
        sigma,
        stats,
        observations: ObservationSummary {
            count: series.obs.len(),
            spans: series.spans(),
        },
        candidates: Vec::new(),
        selection,
    }
}

/// Fits an importer as a share of WORLD.
fn fit_share(
    series: &SeriesObs,
    config: &FitConfig,
    origin: Month,
    log_world: &[f64],
    world_sigma: f64,
) -> Result<FittedSeries, ForecastError> {
    let terms = intervention_terms(series, &config.interventions);
    let (mids, _) = series.monthly_levels();
    let centre = mids.iter().sum::<f64>() / mids.len().max(1) as f64;
    let data_end = series
        .obs
        .iter()
        .map(|o| f64::from(o.start + o.len as i32 - 1) / 12.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let model = SeriesModel::Share {
        centre,
        data_end,
        damping_years: config.share_trend_damping_years,
        interventions: terms.clone(),
    };
    let p = model.n_params();
    // Start: the share of the pooled observations outside shock windows.
    let (mut own, mut world) = (0.0, 0.0);
    for o in &series.obs {
        if terms.months.iter().any(|m| o.span.contains(*m)) && series.obs.len() > 1 {
            continue;
        }
        own += o.tonnes;
        world += (o.start..o.start + o.len as i32)
            .filter_map(|t| usize::try_from(t).ok().and_then(|i| log_world.get(i)))
            .map(|lw| lw.exp())
            .sum::<f64>();
    }
    let share = if world > 0.0 {
        (own / world).clamp(1e-6, 1.0 - 1e-6)
    } else {
        0.05
    };
    let mut start = vec![0.0; p];
    start[0] = (share / (1.0 - share)).ln();
    let eval = Evaluator {
        model: &model,
        origin,
        log_world,
    };
    let lambda = world_sigma.max(0.01) / config.share_trend_prior_sd;
    let s =
        solve(series, &eval, Some((1, lambda)), start).map_err(|why| ForecastError::NoModel {
            importer: series.importer,
            reasons: format!("share-of-world: {why}"),
        })?;
    let st = stats(series, p, &s);
    let sigma = residual_sigma(&st);
    Ok(finish(
        series,
        model,
        s,
        st,
        sigma,
        format!(
            "share of WORLD, logit trend shrunk towards constant (prior sd {} per year) and damped \
             after the series' data ({} years)",
            config.share_trend_prior_sd, config.share_trend_damping_years
        ),
    ))
}

/// Replaces each share series' σ by a blend of its own residual variance and the
/// pooled variance of all share series, weighted by degrees of freedom, and
/// rescales its covariance accordingly.
fn pool_share_variances(series: &mut [FittedSeries], world_sigma: f64) {
    let (rss, df) = series
        .iter()
        .filter(|s| matches!(s.model, SeriesModel::Share { .. }) && s.stats.df_resid > 0)
        .fold((0.0, 0.0), |(r, d), s| {
            (r + s.stats.rss, d + s.stats.df_resid as f64)
        });
    let pooled = if df > 0.0 {
        rss / df
    } else {
        world_sigma * world_sigma
    };
    for s in series
        .iter_mut()
        .filter(|s| matches!(s.model, SeriesModel::Share { .. }))
    {
        let own_df = s.stats.df_resid.max(0) as f64;
        let own_rss = if own_df > 0.0 { s.stats.rss } else { 0.0 };
        let var = (own_rss + POOL_DF * pooled) / (own_df + POOL_DF);
        let old = s.sigma * s.sigma;
        let scale = if old > 0.0 { var / old } else { 1.0 };
        for c in &mut s.covariance {
            *c *= scale;
        }
        for se in &mut s.std_errors {
            *se *= scale.sqrt();
        }
        s.sigma = var.sqrt();
    }
}
