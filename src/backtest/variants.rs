//! The model variants a backtest compares: three benchmarks (`naive`,
//! `seasonal-naive`, `drift`), each trend family fitted on its own through the
//! panel machinery, the automatic selection (`auto`) and the dynamic baseline
//! (`dynamic`).
//!
//! Every variant returns, for each month after the origin, a point forecast,
//! 80 % and 95 % interval bounds and sample draws (for CRPS):
//!
//! * **Panel variants** (trend families and `auto`) refit the series at the
//!   origin with [`fit_panel`] and draw coherent sample paths with
//!   [`PathSampler`]; the point forecast is the mean of the draws and the bounds
//!   are their type-7 quantiles, as in `magcast forecast`. A trend family is the
//!   series alone, pinned to that family (seasonality and known shocks as in
//!   the fit configuration); `auto` is the configured competition of the trend
//!   families (the `trend` baseline, whichever baseline the configuration
//!   names), with WORLD beside an importer so that it is modelled as a share
//!   as in `magcast fit`.
//! * **Benchmarks** work on the months the data determine up to the origin
//!   (gaps allowed) and use normal intervals from in-sample residuals, with
//!   σ the root mean square of the residuals: `naive` forecasts the last value
//!   with sd σ₁√h (σ₁ from one-month differences, h months after the last
//!   value); `seasonal-naive` the value twelve months (k years) earlier with sd
//!   σ₁₂√k (σ₁₂ from twelve-month differences; where no such value exists it
//!   falls back to `naive`); `drift` the line through the first and last values
//!   with sd σ√(h(1 + h/T)) (T months between them, σ from the one-month
//!   differences less the drift). Their draws are normal with the same mean
//!   and sd, seeded deterministically.

use std::fmt;

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;

use super::error::BacktestError;
use super::metrics::{mean, quantile_sorted};
use crate::data::{Importer, Month, Observations};
use crate::forecast::{BaselineKind, FitConfig, PathSampler, Pin, fit_panel};
use crate::model::Family;

/// One model variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The last value.
    Naive,
    /// The value of the same calendar month a year earlier.
    SeasonalNaive,
    /// The line through the first and last values.
    Drift,
    /// One trend family, fitted on its own.
    Trend(Family),
    /// The automatic selection of the fit configuration.
    Auto,
    /// The dynamic baseline: WORLD's structural model, importers as local-level
    /// shares (docs/model.md §2.12).
    Dynamic,
}

impl Variant {
    /// Every default variant, benchmarks first.
    pub fn all() -> Vec<Variant> {
        vec![
            Variant::Naive,
            Variant::SeasonalNaive,
            Variant::Drift,
            Variant::Trend(Family::Exponential),
            Variant::Trend(Family::Linear),
            Variant::Trend(Family::Logistic),
            Variant::Trend(Family::Gompertz),
            Variant::Auto,
            Variant::Dynamic,
        ]
    }

    /// Parses a variant name: `naive`, `seasonal-naive`, `drift`, `auto` or a
    /// trend family usable over time (`exponential`, `linear`, `poly:N`,
    /// `logistic`, `gompertz`, `richards`).
    ///
    /// # Errors
    /// [`BacktestError::UnknownModel`] for anything else.
    pub fn parse(name: &str) -> Result<Variant, BacktestError> {
        let name = name.trim();
        match name {
            "naive" => return Ok(Variant::Naive),
            "seasonal-naive" | "snaive" => return Ok(Variant::SeasonalNaive),
            "drift" => return Ok(Variant::Drift),
            "auto" => return Ok(Variant::Auto),
            "dynamic" => return Ok(Variant::Dynamic),
            _ => {}
        }
        match name.parse::<Family>() {
            Ok(Family::Power | Family::Monomolecular) | Err(_) => {
                Err(BacktestError::UnknownModel {
                    name: name.to_string(),
                    known: "naive, seasonal-naive, drift, exponential, linear, poly:N, logistic, \
                            gompertz, richards, auto, dynamic"
                        .into(),
                })
            }
            Ok(f) => Ok(Variant::Trend(f)),
        }
    }

    /// Whether the variant is a benchmark (no fitted model).
    pub fn is_benchmark(self) -> bool {
        matches!(
            self,
            Variant::Naive | Variant::SeasonalNaive | Variant::Drift
        )
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Variant::Naive => f.write_str("naive"),
            Variant::SeasonalNaive => f.write_str("seasonal-naive"),
            Variant::Drift => f.write_str("drift"),
            Variant::Trend(family) => write!(f, "{family}"),
            Variant::Auto => f.write_str("auto"),
            Variant::Dynamic => f.write_str("dynamic"),
        }
    }
}

/// A variant's forecast of one month.
#[derive(Debug, Clone)]
pub(crate) struct MonthForecast {
    /// Point forecast.
    pub(crate) mean: f64,
    /// 80 % bounds.
    pub(crate) band_80: (f64, f64),
    /// 95 % bounds.
    pub(crate) band_95: (f64, f64),
    /// Draws, sorted.
    pub(crate) samples: Vec<f64>,
}

/// What a variant is given at one origin.
#[derive(Debug)]
pub(crate) struct OriginData<'a> {
    /// The series scored.
    pub(crate) importer: Importer,
    /// The data as they stood at the origin.
    pub(crate) obs: &'a Observations,
    /// The months the data determine up to the origin, `(month index, tonnes)`.
    pub(crate) history: &'a [(i32, f64)],
    /// The months to forecast, in order.
    pub(crate) months: &'a [Month],
}

const Z80: f64 = 1.281_551_565_544_600_4;
const Z95: f64 = 1.959_963_984_540_054;

/// Forecasts `data.months` with `variant` from `paths` draws seeded by `seed`.
/// `Err` carries why the variant could not forecast at this origin.
pub(crate) fn forecast(
    variant: Variant,
    data: &OriginData<'_>,
    config: &FitConfig,
    paths: usize,
    seed: u64,
) -> Result<Vec<MonthForecast>, String> {
    match variant {
        Variant::Naive | Variant::SeasonalNaive | Variant::Drift => {
            benchmark(variant, data, paths, seed)
        }
        Variant::Trend(family) => {
            let mut config = config.clone();
            config.baseline = BaselineKind::Trend;
            config.candidates = vec![family];
            config.pins = [(data.importer, Pin::Family(family))].into();
            panel_variant(&data.obs.only(&[data.importer]), data, &config, paths, seed)
        }
        Variant::Auto => {
            // The trend families' competition, whatever baseline the
            // configuration draws from: `dynamic` is its own variant.
            let config = FitConfig {
                baseline: BaselineKind::Trend,
                ..config.clone()
            };
            let keep = [Importer::World, data.importer];
            panel_variant(&data.obs.only(&keep), data, &config, paths, seed)
        }
        Variant::Dynamic => {
            let config = FitConfig {
                baseline: BaselineKind::Dynamic,
                ..config.clone()
            };
            let keep = [Importer::World, data.importer];
            panel_variant(&data.obs.only(&keep), data, &config, paths, seed)
        }
    }
}

fn panel_variant(
    obs: &Observations,
    data: &OriginData<'_>,
    config: &FitConfig,
    paths: usize,
    seed: u64,
) -> Result<Vec<MonthForecast>, String> {
    let panel = fit_panel(obs, config).map_err(|e| e.to_string())?;
    let last = *data.months.last().ok_or("no months to forecast")?;
    let sampler = PathSampler::new(&panel, last, seed).map_err(|e| e.to_string())?;
    let i = sampler
        .importers()
        .iter()
        .position(|&x| x == data.importer)
        .ok_or_else(|| format!("{} is not in the fitted panel", data.importer))?;
    let n_m = sampler.n_months();
    let first = panel.last_observed.plus(1);
    let ks: Vec<usize> = data
        .months
        .iter()
        .map(|m| usize::try_from(m.months_since(first)).map_err(|_| "month before the data end"))
        .collect::<Result<_, _>>()?;
    let mut draws = vec![Vec::with_capacity(paths); ks.len()];
    let mut path = vec![0.0; sampler.importers().len() * n_m];
    for d in 0..paths {
        sampler.sample(d as u64, &mut path);
        for (out, &k) in draws.iter_mut().zip(&ks) {
            out.push(path[i * n_m + k]);
        }
    }
    Ok(draws
        .into_iter()
        .map(|mut s| {
            s.sort_unstable_by(f64::total_cmp);
            let q = |p: f64| quantile_sorted(&s, p);
            MonthForecast {
                mean: mean(s.iter().copied()),
                band_80: (q(0.1), q(0.9)),
                band_95: (q(0.025), q(0.975)),
                samples: s,
            }
        })
        .collect())
}

/// Root mean square of the values, if any.
fn rms(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| mean(values.iter().map(|v| v * v)).sqrt())
}

/// Differences between values `lag` months apart, both in the history.
fn lag_diffs(history: &[(i32, f64)], lag: i32) -> Vec<f64> {
    history
        .iter()
        .filter_map(|&(t, y)| {
            let j = history.binary_search_by_key(&(t - lag), |p| p.0).ok()?;
            Some(y - history[j].1)
        })
        .collect()
}

fn benchmark(
    variant: Variant,
    data: &OriginData<'_>,
    paths: usize,
    seed: u64,
) -> Result<Vec<MonthForecast>, String> {
    let h = data.history;
    let (&(t_first, y_first), &(t_last, y_last)) = match (h.first(), h.last()) {
        (Some(a), Some(b)) if b.0 > a.0 => (a, b),
        _ => return Err("fewer than two monthly values before the origin".into()),
    };
    let one = lag_diffs(h, 1);
    let sigma_1 = rms(&one).ok_or("no two consecutive monthly values before the origin")?;
    let span = f64::from(t_last - t_first);
    let drift = (y_last - y_first) / span;
    let sigma_drift = rms(&one.iter().map(|d| d - drift).collect::<Vec<_>>()).unwrap_or(sigma_1);
    let sigma_12 = rms(&lag_diffs(h, 12));
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut out = Vec::with_capacity(data.months.len());
    for m in data.months {
        let t = m.index();
        let steps = f64::from(t - t_last);
        let naive = (y_last, sigma_1 * steps.sqrt());
        let (centre, sd) = match variant {
            Variant::Naive => naive,
            Variant::SeasonalNaive => {
                // The same calendar month k years back, within the history.
                let seasonal = (1..)
                    .map(|k| (k, t - 12 * k))
                    .take_while(|&(_, s)| s >= t_first)
                    .filter(|&(_, s)| s <= t_last)
                    .find_map(|(k, s)| {
                        let j = h.binary_search_by_key(&s, |p| p.0).ok()?;
                        Some((k, h[j].1))
                    });
                match (seasonal, sigma_12) {
                    (Some((k, y)), Some(s12)) => (y, s12 * f64::from(k).sqrt()),
                    _ => naive,
                }
            }
            _ => (
                y_last + steps * drift,
                sigma_drift * (steps * (1.0 + steps / span)).sqrt(),
            ),
        };
        let mut samples: Vec<f64> = (0..paths)
            .map(|_| {
                let z: f64 = StandardNormal.sample(&mut rng);
                centre + sd * z
            })
            .collect();
        samples.sort_unstable_by(f64::total_cmp);
        out.push(MonthForecast {
            mean: centre,
            band_80: (centre - Z80 * sd, centre + Z80 * sd),
            band_95: (centre - Z95 * sd, centre + Z95 * sd),
            samples,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in Variant::all() {
            assert_eq!(Variant::parse(&v.to_string()).unwrap(), v);
        }
        assert!(Variant::parse("power").is_err());
        assert!(Variant::parse("arima").is_err());
    }

    #[test]
    fn benchmarks_by_hand() {
        let obs = crate::data::load_from_bytes(
            std::path::Path::new("t.csv"),
            b"period,importer,tonnes\n2020-01,WORLD,1\n".to_vec(),
            Default::default(),
        )
        .unwrap();
        let m0 = Month::new(2020, 1).unwrap().index();
        // 14 months: 10, 12, 14, … (drift 2 per month), month 12 is 40.
        let history: Vec<(i32, f64)> = (0..14)
            .map(|k| {
                (
                    m0 + k,
                    if k == 12 {
                        40.0
                    } else {
                        10.0 + 2.0 * f64::from(k)
                    },
                )
            })
            .collect();
        let months = [Month::from_index(m0 + 14), Month::from_index(m0 + 16)];
        let data = OriginData {
            importer: Importer::World,
            obs: &obs,
            history: &history,
            months: &months,
        };
        let naive = benchmark(Variant::Naive, &data, 10, 1).unwrap();
        assert!((naive[0].mean - 36.0).abs() < 1e-12);
        let snaive = benchmark(Variant::SeasonalNaive, &data, 10, 1).unwrap();
        // month 14 ← month 2 (14), month 16 ← month 4 (18)
        assert!((snaive[0].mean - 14.0).abs() < 1e-12);
        assert!((snaive[1].mean - 18.0).abs() < 1e-12);
        let drift = benchmark(Variant::Drift, &data, 10, 1).unwrap();
        // (36 − 10)/13 = 2 per month: 36 + 2, 36 + 6
        assert!((drift[0].mean - 38.0).abs() < 1e-12);
        assert!((drift[1].mean - 42.0).abs() < 1e-12);
        // naive sd at h=3 is σ₁√3
        let one = lag_diffs(&history, 1);
        let s1 = rms(&one).unwrap();
        let (lo, hi) = naive[1].band_95;
        assert!(((hi - lo) / 2.0 - Z95 * s1 * 3f64.sqrt()).abs() < 1e-9);
    }
}
