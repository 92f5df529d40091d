//! One importer's observations laid out for fitting: spans as positions on a
//! month grid, values on the log scale, weights by span length.

use serde::{Deserialize, Serialize};

use crate::data::{Importer, Month, Observations, Span};

/// One observation ready for the fit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObsSpan {
    /// First month, as months since the grid origin.
    pub(crate) start: i32,
    /// Number of months.
    pub(crate) len: usize,
    /// log of the observed tonnes (floored, see [`SeriesObs::new`]).
    pub(crate) log_y: f64,
    /// Weight of the squared log residual: the number of months.
    pub(crate) weight: f64,
    /// The span as observed.
    pub(crate) span: Span,
    /// The tonnes as observed.
    pub(crate) tonnes: f64,
}

/// The observations of one importer.
#[derive(Debug, Clone)]
pub(crate) struct SeriesObs {
    pub(crate) importer: Importer,
    pub(crate) obs: Vec<ObsSpan>,
}

/// The least tonnes a log-scale fit takes for an observation: customs tables
/// round to whole tonnes, so a reported 0 means "below half a tonne".
pub const ZERO_FLOOR_TONNES: f64 = 0.5;

impl SeriesObs {
    /// The observations of `importer` on the grid starting at `origin`.
    pub(crate) fn new(obs: &Observations, importer: Importer, origin: Month) -> SeriesObs {
        let mut spans: Vec<ObsSpan> = obs
            .rows()
            .iter()
            .filter(|o| o.importer == importer)
            .map(|o| ObsSpan {
                start: o.span.start().months_since(origin),
                len: o.span.len(),
                log_y: o.tonnes.max(ZERO_FLOOR_TONNES).ln(),
                weight: o.span.len() as f64,
                span: o.span,
                tonnes: o.tonnes,
            })
            .collect();
        spans.sort_by_key(|o| (o.span.end(), o.span.start()));
        SeriesObs {
            importer,
            obs: spans,
        }
    }

    /// The observed spans, in order of their end.
    pub(crate) fn spans(&self) -> Vec<Span> {
        self.obs.iter().map(|o| o.span).collect()
    }

    /// Whether the series has single-month observations of every calendar month
    /// at least twice: the least that identifies eleven seasonal factors.
    pub(crate) fn supports_seasonality(&self) -> bool {
        let mut counts = [0u32; 12];
        for o in self.obs.iter().filter(|o| o.len == 1) {
            counts[o.span.start().month() as usize - 1] += 1;
        }
        counts.iter().all(|&c| c >= 2)
    }

    /// Points (mid-span year, average monthly tonnes) for starting values.
    pub(crate) fn monthly_levels(&self) -> (Vec<f64>, Vec<f64>) {
        self.obs
            .iter()
            .map(|o| {
                let mid = f64::from(o.start) + (o.len as f64 - 1.0) / 2.0;
                (mid / 12.0, o.tonnes.max(ZERO_FLOOR_TONNES) / o.len as f64)
            })
            .unzip()
    }

    /// Σ log y over the observations (the log-scale Jacobian term of the likelihood).
    pub(crate) fn sum_log_y(&self) -> f64 {
        self.obs.iter().map(|o| o.log_y).sum()
    }
}

/// A summary of the observations a series was fitted to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservationSummary {
    /// How many observations.
    pub count: usize,
    /// Their spans, in order of their end.
    pub spans: Vec<Span>,
}
