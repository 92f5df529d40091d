//! Settings of the structural model, its hyperparameters, and the map between
//! the hyperparameters and the unconstrained vector the optimiser moves.

use serde::{Deserialize, Serialize};

use super::calendar::lunar_new_year_regressor;
use super::error::{Result, StructuralError};
use crate::data::Month;

/// Bounds of the estimated damping factor φ (a logistic map keeps it inside).
pub const DAMPING_RANGE: (f64, f64) = (0.8, 0.98);
/// Bounds of an estimated shock's monthly decay rate ρ.
pub const DECAY_RANGE: (f64, f64) = (0.3, 0.99);
/// A shock's starting decay rate, also the centre of its prior.
pub const START_DECAY: f64 = 0.8;
/// Sd of the decay prior on the unconstrained (logistic) scale: one sd spans
/// monthly decay rates of about 0.64 to 0.91.
pub const DECAY_PRIOR_SD: f64 = 1.0;
/// Largest |holiday coefficient| and |shock depth|, so flows stay positive.
pub const MAX_HOLIDAY: f64 = 0.9;
/// Largest |shock depth|: a shock can remove at most 99 % of the flow.
pub const MAX_DEPTH: f64 = 0.99;

/// How the twelve seasonal factors are obtained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Seasonality {
    /// No seasonality: every factor is 1.
    Flat,
    /// Factors given, January first; rescaled to sum to 12 (for a profile
    /// pooled across series).
    Fixed(Vec<f64>),
    /// Factors estimated by maximum likelihood with the other hyperparameters.
    Estimated,
}

/// How the trend's damping factor φ is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Damping {
    /// φ given, in (0, 1] (1 is the undamped local linear trend).
    Fixed(f64),
    /// φ estimated in [`DAMPING_RANGE`].
    Estimated,
}

/// How the noise variances relate to the size of the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoiseScale {
    /// Variances are constant in the scaled units (an additive model).
    Constant,
    /// Variances are relative: multiplied by the square of a plug-in level (the
    /// filter's latest estimate), so the coefficient of variation is constant
    /// while the series grows or shrinks by orders of magnitude.
    Proportional,
}

/// The distribution of the level and trend at month 0, before any observation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Initial {
    /// Vague: mean 0, variance [`super::filter::DIFFUSE_VARIANCE`] (scaled units);
    /// observations whose prediction variance is still dominated by it are left
    /// out of the likelihood.
    Diffuse,
    /// Known mean and variance, in data units (flow per month).
    Known {
        /// Mean of the level at month 0.
        level: f64,
        /// Mean of the trend at month 0.
        trend: f64,
        /// Variance of the level at month 0.
        var_level: f64,
        /// Variance of the trend at month 0.
        var_trend: f64,
    },
}

/// Everything chosen before a fit, unchecked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructuralConfig {
    /// Seasonal factors: flat, fixed or estimated.
    pub seasonality: Seasonality,
    /// Estimate a Lunar New Year coefficient.
    pub lunar_new_year: bool,
    /// Months (from the origin) at which a shock started; depth and decay are
    /// estimated, the end is never given.
    pub shock_onsets: Vec<usize>,
    /// Months from each shock's onset to its deepest month (0: deepest at the
    /// onset). Before the peak the effect builds up geometrically at an
    /// estimated rate, so a shock that began part-way through a month and
    /// deepened the next is not forced to look deepest at its onset.
    #[serde(default)]
    pub shock_peak: usize,
    /// Damping factor: fixed or estimated.
    pub damping: Damping,
    /// Additive or relative noise.
    pub noise: NoiseScale,
    /// Initial state distribution.
    pub initial: Initial,
    /// Data scale (divides every value); `None` uses the mean monthly rate.
    pub scale: Option<f64>,
    /// Nelder-Mead iterations per run (two runs: start and restart).
    pub max_iters: u64,
}

impl Default for StructuralConfig {
    fn default() -> Self {
        StructuralConfig {
            seasonality: Seasonality::Estimated,
            lunar_new_year: true,
            shock_onsets: Vec::new(),
            shock_peak: 0,
            damping: Damping::Estimated,
            noise: NoiseScale::Proportional,
            initial: Initial::Diffuse,
            scale: None,
            max_iters: 3000,
        }
    }
}

impl StructuralConfig {
    /// Check every setting; all problems are reported together.
    pub fn check(self) -> Result<ValidConfig> {
        let mut problems = Vec::new();
        if let Seasonality::Fixed(f) = &self.seasonality
            && (f.len() != 12 || f.iter().any(|v| !(v.is_finite() && *v > 0.0)))
        {
            problems.push("fixed seasonal profile must be 12 positive factors".to_string());
        }
        if let Damping::Fixed(phi) = self.damping
            && !(phi > 0.0 && phi <= 1.0)
        {
            problems.push(format!("damping factor {phi} is not in (0, 1]"));
        }
        if let Some(s) = self.scale
            && !(s.is_finite() && s > 0.0)
        {
            problems.push(format!("scale {s} is not positive"));
        }
        if let Initial::Known {
            level,
            trend,
            var_level,
            var_trend,
        } = self.initial
        {
            let finite = [level, trend, var_level, var_trend]
                .iter()
                .all(|v| v.is_finite());
            if !finite || var_level < 0.0 || var_trend < 0.0 {
                problems.push("known initial state needs finite means and variances ≥ 0".into());
            }
        }
        if self.max_iters == 0 {
            problems.push("max_iters must be at least 1".to_string());
        }
        if problems.is_empty() {
            Ok(ValidConfig(self))
        } else {
            Err(StructuralError::InvalidConfig(problems))
        }
    }
}

/// Checked settings (deserialising one checks it again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "StructuralConfig", into = "StructuralConfig")]
pub struct ValidConfig(StructuralConfig);

impl TryFrom<StructuralConfig> for ValidConfig {
    type Error = StructuralError;

    fn try_from(config: StructuralConfig) -> Result<Self> {
        config.check()
    }
}

impl From<ValidConfig> for StructuralConfig {
    fn from(valid: ValidConfig) -> Self {
        valid.0
    }
}

impl ValidConfig {
    /// The settings.
    pub fn get(&self) -> &StructuralConfig {
        &self.0
    }
}

/// A level effect that builds up to its peak and then decays: from the onset
/// month on the flow is multiplied by `1 − d_k`, k months after the onset, with
/// `d_k = depth·rise^(peak−k)` before the peak and `depth·decay^(k−peak)` from
/// it on (with `peak = 0`, `1 − depth·decay^(t−onset)`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Shock {
    /// Month (from the origin) at which the shock started.
    pub onset: usize,
    /// Fraction of the flow lost in the peak month (negative for a surge).
    pub depth: f64,
    /// Share of the effect left one month later.
    pub decay: f64,
    /// Months from the onset to the peak.
    #[serde(default)]
    pub peak: usize,
    /// Share of the effect reached one month before the peak (unused when the
    /// peak is the onset month).
    #[serde(default)]
    pub rise: f64,
}

impl Shock {
    /// The share of the flow removed `k` months after the onset.
    pub fn effect(&self, k: usize) -> f64 {
        if k < self.peak {
            self.depth * self.rise.powi((self.peak - k) as i32)
        } else {
            self.depth * self.decay.powi((k - self.peak) as i32)
        }
    }
}

/// The model's hyperparameters. Variances are in scaled units squared
/// ([`NoiseScale::Constant`]) or relative ([`NoiseScale::Proportional`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hyperparameters {
    /// Variance of one month's irregular.
    pub var_irregular: f64,
    /// Variance of the level disturbance η.
    pub var_level: f64,
    /// Variance of the trend disturbance ζ.
    pub var_trend: f64,
    /// Damping factor φ of the trend.
    pub phi: f64,
    /// Seasonal factors, January first, summing to 12.
    pub seasonal: [f64; 12],
    /// Lunar New Year coefficient γ (0 when not estimated).
    pub holiday: f64,
    /// Shock effects.
    pub shocks: Vec<Shock>,
}

impl Hyperparameters {
    /// The flow-to-level ratio of month `t`: seasonal factor × holiday term ×
    /// shock terms. The flow is this times the level, so every observation is
    /// linear in the state.
    pub fn coefficient(&self, origin: Month, t: usize) -> f64 {
        let month = origin.plus(t as i32);
        let day = CalendarMonth {
            month: month.month() as usize - 1,
            holiday: lunar_new_year_regressor(month),
        };
        self.coefficient_at(day, t)
    }

    /// [`coefficient`](Self::coefficient) with month `t`'s calendar already
    /// looked up (the likelihood evaluates it thousands of times a fit).
    pub(crate) fn coefficient_at(&self, day: CalendarMonth, t: usize) -> f64 {
        let seasonal = self.seasonal[day.month];
        let holiday = 1.0 + self.holiday * day.holiday;
        let shock: f64 = self
            .shocks
            .iter()
            .filter(|s| t >= s.onset)
            .map(|s| 1.0 - s.effect(t - s.onset))
            .product();
        seasonal * holiday * shock
    }
}

/// What the coefficient of a month needs from the calendar: its calendar
/// month (0 = January) and its Lunar New Year regressor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CalendarMonth {
    pub month: usize,
    pub holiday: f64,
}

impl CalendarMonth {
    /// The calendar of the `months` months from `origin`.
    pub(crate) fn table(origin: Month, months: usize) -> Vec<CalendarMonth> {
        (0..months)
            .map(|t| {
                let month = origin.plus(t as i32);
                CalendarMonth {
                    month: month.month() as usize - 1,
                    holiday: lunar_new_year_regressor(month),
                }
            })
            .collect()
    }
}

/// Factors rescaled to sum to 12.
pub(crate) fn normalised(factors: &[f64]) -> [f64; 12] {
    let total: f64 = factors.iter().sum();
    std::array::from_fn(|i| 12.0 * factors[i] / total)
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// Which hyperparameters the optimiser moves, and how they are laid out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    seasonal: Option<[f64; 12]>,
    phi: Option<f64>,
    holiday: bool,
    onsets: Vec<usize>,
    peak: usize,
}

/// Unconstrained log-variances beyond these bounds are penalised.
pub(crate) const LOG_VARIANCE_BOUNDS: (f64, f64) = (-30.0, 5.0);

impl Layout {
    pub(crate) fn new(config: &StructuralConfig) -> Self {
        let seasonal = match &config.seasonality {
            Seasonality::Flat => Some([1.0; 12]),
            Seasonality::Fixed(f) => Some(normalised(f)),
            Seasonality::Estimated => None,
        };
        let phi = match config.damping {
            Damping::Fixed(p) => Some(p),
            Damping::Estimated => None,
        };
        Layout {
            seasonal,
            phi,
            holiday: config.lunar_new_year,
            onsets: config.shock_onsets.clone(),
            peak: config.shock_peak,
        }
    }

    /// Length of the unconstrained vector.
    pub(crate) fn len(&self) -> usize {
        3 + usize::from(self.phi.is_none())
            + if self.seasonal.is_none() { 11 } else { 0 }
            + usize::from(self.holiday)
            + (2 + usize::from(self.peak > 0)) * self.onsets.len()
    }

    /// Hyperparameters from the unconstrained vector.
    pub(crate) fn decode(&self, theta: &[f64]) -> Hyperparameters {
        let mut it = theta.iter().copied();
        let mut next = || it.next().unwrap_or(0.0);
        let (var_irregular, var_level, var_trend) = (next().exp(), next().exp(), next().exp());
        let (lo, hi) = DAMPING_RANGE;
        let phi = self.phi.unwrap_or_else(|| lo + (hi - lo) * sigmoid(next()));
        let seasonal = self.seasonal.unwrap_or_else(|| {
            let mut logs = [0.0; 12];
            logs.iter_mut().skip(1).for_each(|l| *l = next());
            normalised(&logs.map(f64::exp))
        });
        let holiday = if self.holiday {
            MAX_HOLIDAY * next().tanh()
        } else {
            0.0
        };
        let shocks = self.decode_shocks(&theta[self.shock_offset().min(theta.len())..]);
        Hyperparameters {
            var_irregular,
            var_level,
            var_trend,
            phi,
            seasonal,
            holiday,
            shocks,
        }
    }

    /// Where the shocks' coordinates start in the unconstrained vector.
    pub(crate) fn shock_offset(&self) -> usize {
        3 + usize::from(self.phi.is_none())
            + if self.seasonal.is_none() { 11 } else { 0 }
            + usize::from(self.holiday)
    }

    /// Coordinates per shock: depth, decay and, with a later peak, the rise.
    pub(crate) fn per_shock(&self) -> usize {
        2 + usize::from(self.peak > 0)
    }

    /// The shocks from their unconstrained coordinates (missing ones 0).
    pub(crate) fn decode_shocks(&self, coords: &[f64]) -> Vec<Shock> {
        let mut it = coords.iter().copied();
        let mut next = || it.next().unwrap_or(0.0);
        let (dlo, dhi) = DECAY_RANGE;
        self.onsets
            .iter()
            .map(|&onset| Shock {
                onset,
                depth: MAX_DEPTH * next().tanh(),
                decay: dlo + (dhi - dlo) * sigmoid(next()),
                peak: self.peak,
                rise: if self.peak > 0 { sigmoid(next()) } else { 0.0 },
            })
            .collect()
    }

    /// The unconstrained vector of `h` (the inverse of [`Layout::decode`] for
    /// values inside their bounds).
    pub(crate) fn encode(&self, h: &Hyperparameters) -> Vec<f64> {
        let mut theta = vec![h.var_irregular.ln(), h.var_level.ln(), h.var_trend.ln()];
        if self.phi.is_none() {
            let (lo, hi) = DAMPING_RANGE;
            theta.push(logit(((h.phi - lo) / (hi - lo)).clamp(1e-6, 1.0 - 1e-6)));
        }
        if self.seasonal.is_none() {
            theta.extend(h.seasonal[1..].iter().map(|s| (s / h.seasonal[0]).ln()));
        }
        if self.holiday {
            theta.push((h.holiday / MAX_HOLIDAY).clamp(-0.999, 0.999).atanh());
        }
        let (dlo, dhi) = DECAY_RANGE;
        for s in &h.shocks {
            theta.push((s.depth / MAX_DEPTH).clamp(-0.999, 0.999).atanh());
            theta.push(logit(
                ((s.decay - dlo) / (dhi - dlo)).clamp(1e-6, 1.0 - 1e-6),
            ));
            if self.peak > 0 {
                theta.push(logit(s.rise.clamp(1e-6, 1.0 - 1e-6)));
            }
        }
        theta
    }

    /// Negative log-density, up to a constant, of the weak prior on each
    /// shock's decay: normal with sd [`DECAY_PRIOR_SD`] on the unconstrained
    /// scale, centred on the starting decay (a shock halving in about three
    /// months). Where the months after a shock pin its decay the prior hardly
    /// moves it; where they do not (a shock in its first month or two at the
    /// end of the data) it keeps the decay from drifting to the bound of a
    /// permanent drop, which no data had shown.
    pub(crate) fn decay_penalty(&self, theta: &[f64]) -> f64 {
        let (first, per) = (self.shock_offset(), self.per_shock());
        let (dlo, dhi) = DECAY_RANGE;
        let centre = logit((START_DECAY - dlo) / (dhi - dlo));
        (0..self.onsets.len())
            .filter_map(|k| theta.get(first + k * per + 1))
            .map(|x| 0.5 * ((x - centre) / DECAY_PRIOR_SD).powi(2))
            .sum()
    }

    /// Starting hyperparameters: 10 % irregular, slow level and trend changes,
    /// φ = 0.9, the given seasonal start, no holiday effect, a 30 % shock
    /// halving in about three months (reaching half its depth a month before
    /// a later peak).
    pub(crate) fn start(&self, seasonal_start: [f64; 12]) -> Hyperparameters {
        Hyperparameters {
            var_irregular: 0.01,
            var_level: 0.0025,
            var_trend: 2.5e-5,
            phi: self.phi.unwrap_or(0.9),
            seasonal: self.seasonal.unwrap_or(seasonal_start),
            holiday: 0.0,
            shocks: self
                .onsets
                .iter()
                .map(|&onset| Shock {
                    onset,
                    depth: 0.3,
                    decay: START_DECAY,
                    peak: self.peak,
                    rise: if self.peak > 0 { 0.5 } else { 0.0 },
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
