//! Span observations of a monthly flow: what the filter is fitted to.
//!
//! Unchecked [`SpanSeries`] is turned into a [`ValidSeries`] by
//! [`SpanSeries::check`], which reports every problem at once.

use serde::{Deserialize, Serialize};

use super::error::{Result, StructuralError};
use crate::data::Month;

/// What was measured over a span.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Measurement {
    /// A reported total.
    Point(f64),
    /// A total known only to lie in `[low, high]`. Entered as a Gaussian
    /// pseudo-observation at the midpoint whose noise variance is increased by
    /// the variance of a uniform on the interval, `(high − low)² / 12`.
    Range {
        /// Lower bound of the total.
        low: f64,
        /// Upper bound of the total.
        high: f64,
    },
    /// A total known only to be at least this (for example "over 500 t").
    /// Entered by moment matching: see the `bounds` module.
    AtLeast(f64),
    /// A total known only to be at most this.
    AtMost(f64),
}

/// The sum of the monthly flow over `len` months from month `start` (months
/// counted from the series' origin, 0-based).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpanObservation {
    /// First month of the span, counted from the origin.
    pub start: usize,
    /// Number of months summed (1 for a monthly figure, 12 for a year).
    pub len: usize,
    /// The total or range reported.
    pub value: Measurement,
    /// Multiplier on the noise standard deviation (1 for an ordinary figure,
    /// larger for a less reliable source).
    pub sd_scale: f64,
}

impl SpanObservation {
    /// A reported total with ordinary noise.
    pub fn point(start: usize, len: usize, value: f64) -> Self {
        SpanObservation {
            start,
            len,
            value: Measurement::Point(value),
            sd_scale: 1.0,
        }
    }

    /// A total known to lie in `[low, high]`.
    pub fn range(start: usize, len: usize, low: f64, high: f64) -> Self {
        SpanObservation {
            start,
            len,
            value: Measurement::Range { low, high },
            sd_scale: 1.0,
        }
    }

    /// The same observation with its noise SD multiplied by `sd_scale`.
    pub fn with_sd_scale(self, sd_scale: f64) -> Self {
        SpanObservation { sd_scale, ..self }
    }

    /// Last month of the span (the month at which the filter processes it).
    pub fn end(&self) -> usize {
        self.start + self.len - 1
    }

    /// A total known only to be at most `high`.
    pub fn at_most(start: usize, len: usize, high: f64) -> Self {
        SpanObservation {
            start,
            len,
            value: Measurement::AtMost(high),
            sd_scale: 1.0,
        }
    }

    /// A total known only to be at least `low`.
    pub fn at_least(start: usize, len: usize, low: f64) -> Self {
        SpanObservation {
            start,
            len,
            value: Measurement::AtLeast(low),
            sd_scale: 1.0,
        }
    }

    /// The value entered as a Gaussian observation and its extra noise
    /// variance; `None` for a one-sided bound.
    pub(crate) fn centre_and_extra_variance(&self) -> Option<(f64, f64)> {
        match self.value {
            Measurement::Point(v) => Some((v, 0.0)),
            Measurement::Range { low, high } => {
                Some(((low + high) / 2.0, (high - low).powi(2) / 12.0))
            }
            Measurement::AtLeast(_) | Measurement::AtMost(_) => None,
        }
    }

    /// A representative size of the total (the bound for a bound), for scaling.
    fn size(&self) -> f64 {
        match self.value {
            Measurement::AtLeast(v) | Measurement::AtMost(v) => v,
            _ => self.centre_and_extra_variance().map_or(0.0, |c| c.0),
        }
    }

    fn problems(&self, row: usize) -> Vec<String> {
        let mut out = Vec::new();
        if self.len == 0 {
            out.push(format!("observation {row}: span length is 0"));
        }
        if !(self.sd_scale.is_finite() && self.sd_scale > 0.0) {
            out.push(format!(
                "observation {row}: sd_scale {} is not positive",
                self.sd_scale
            ));
        }
        match self.value {
            Measurement::Point(v) if !(v.is_finite() && v >= 0.0) => {
                out.push(format!(
                    "observation {row}: value {v} is not a finite flow ≥ 0"
                ));
            }
            Measurement::AtLeast(v) | Measurement::AtMost(v) if !(v.is_finite() && v >= 0.0) => {
                out.push(format!(
                    "observation {row}: bound {v} is not a finite flow ≥ 0"
                ));
            }
            Measurement::Range { low, high }
                if !(low.is_finite() && high.is_finite() && 0.0 <= low && low <= high) =>
            {
                out.push(format!(
                    "observation {row}: range [{low}, {high}] is not 0 ≤ low ≤ high"
                ));
            }
            _ => {}
        }
        out
    }
}

/// A monthly flow observed through spans, unchecked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanSeries {
    /// Calendar month of month index 0.
    pub origin: Month,
    /// The observations, in any order.
    pub observations: Vec<SpanObservation>,
}

impl SpanSeries {
    /// Check every observation; all problems are reported together.
    pub fn check(self) -> Result<ValidSeries> {
        let mut problems: Vec<String> = self
            .observations
            .iter()
            .enumerate()
            .flat_map(|(i, o)| o.problems(i))
            .collect();
        if self.observations.is_empty() {
            problems.push("no observations".to_string());
        }
        if !problems.is_empty() {
            return Err(StructuralError::InvalidObservations(problems));
        }
        let mut observations = self.observations;
        observations.sort_by_key(SpanObservation::end);
        Ok(ValidSeries {
            origin: self.origin,
            observations,
        })
    }
}

/// Checked observations, sorted by the month at which each span ends
/// (deserialising one checks it again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SpanSeries", into = "SpanSeries")]
pub struct ValidSeries {
    origin: Month,
    observations: Vec<SpanObservation>,
}

impl TryFrom<SpanSeries> for ValidSeries {
    type Error = StructuralError;

    fn try_from(series: SpanSeries) -> Result<Self> {
        series.check()
    }
}

impl From<ValidSeries> for SpanSeries {
    fn from(valid: ValidSeries) -> Self {
        SpanSeries {
            origin: valid.origin,
            observations: valid.observations,
        }
    }
}

impl ValidSeries {
    /// Calendar month of month index 0.
    pub fn origin(&self) -> Month {
        self.origin
    }

    /// The observations, sorted by end month (stable for ties).
    pub fn observations(&self) -> &[SpanObservation] {
        &self.observations
    }

    /// Months from the origin to the last observed month, inclusive.
    pub fn months(&self) -> usize {
        self.observations
            .iter()
            .map(SpanObservation::end)
            .max()
            .map_or(0, |e| e + 1)
    }

    /// The longest span (how many past flows the state must carry).
    pub fn longest_span(&self) -> usize {
        self.observations.iter().map(|o| o.len).max().unwrap_or(1)
    }

    /// Mean monthly rate over all observations (the default data scale;
    /// bounds count at their bound).
    pub fn mean_monthly_rate(&self) -> f64 {
        let rates = self.observations.iter().map(|o| o.size() / o.len as f64);
        rates.sum::<f64>() / self.observations.len() as f64
    }
}
