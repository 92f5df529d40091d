//! One importer's observations laid out for fitting: spans as positions on a
//! month grid, values on the log scale, weights by span length.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

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
    /// The observations of `importer` on the grid starting at `origin`: its
    /// levels in tonnes, and the levels its other facts pin down (see
    /// [`implied_levels`]).
    pub(crate) fn new(obs: &Observations, importer: Importer, origin: Month) -> SeriesObs {
        let mut spans: Vec<ObsSpan> = levels_of(obs, importer)
            .into_iter()
            .map(|(span, tonnes)| ObsSpan {
                start: span.start().months_since(origin),
                len: span.len(),
                log_y: tonnes.max(ZERO_FLOOR_TONNES).ln(),
                weight: span.len() as f64,
                span,
                tonnes,
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

/// The importers the trend fits can model: those with a level in tonnes or
/// one that their other facts pin down, in output order.
pub(crate) fn fitted_importers(obs: &Observations) -> Vec<Importer> {
    let mut v: Vec<Importer> = obs.importers();
    v.extend(obs.ranges().items().iter().map(|r| r.importer));
    v.extend(obs.growths().items().iter().map(|g| g.importer));
    v.sort_unstable();
    v.dedup();
    v.retain(|&i| !levels_of(obs, i).is_empty());
    v
}

/// `importer`'s levels: as observed, then as implied by its other facts.
fn levels_of(obs: &Observations, importer: Importer) -> Vec<(Span, f64)> {
    let mut levels: BTreeMap<Span, f64> = obs
        .rows()
        .iter()
        .filter(|o| o.importer == importer)
        .map(|o| (o.span, o.tonnes))
        .collect();
    for (span, tonnes) in implied_levels(obs, importer, &levels) {
        levels.entry(span).or_insert(tonnes);
    }
    levels.into_iter().collect()
}

/// Levels the trend fits take from facts that are not levels, since their
/// least squares need points: a range with both bounds at its midpoint, and
/// the levels of [`growth_implied_levels`]. One-sided bounds, shares and ranks
/// are not used by the trend fits. Spans already observed keep their observed
/// level, and spans outside the months the levels cover are left out.
fn implied_levels(
    obs: &Observations,
    importer: Importer,
    observed: &BTreeMap<Span, f64>,
) -> Vec<(Span, f64)> {
    let mut out: Vec<(Span, f64)> = obs
        .ranges()
        .items()
        .iter()
        .filter(|r| r.importer == importer)
        .filter_map(|r| Some((r.span, 0.5 * (r.low? + r.high?))))
        .collect();
    out.extend(growth_implied_levels(obs, importer, observed));
    // Only inside the months the levels cover: the grid the fits are laid on.
    let covered = obs.month_range();
    out.retain(|(span, tonnes)| {
        !observed.contains_key(span)
            && tonnes.is_finite()
            && covered.is_some_and(|c| c.start() <= span.start() && span.end() <= c.end())
    });
    out
}

/// Levels pinned down by a published growth ratio one of whose two spans has
/// an observed level (later = ratio × earlier), where the other has none.
pub(crate) fn growth_implied_levels(
    obs: &Observations,
    importer: Importer,
    observed: &BTreeMap<Span, f64>,
) -> Vec<(Span, f64)> {
    let mut out = Vec::new();
    for g in obs
        .growths()
        .items()
        .iter()
        .filter(|g| g.importer == importer)
    {
        let earlier = g.basis.earlier(g.span);
        match (observed.get(&g.span), observed.get(&earlier)) {
            (Some(&later), None) => out.push((earlier, later / g.ratio)),
            (None, Some(&before)) => out.push((g.span, before * g.ratio)),
            _ => {}
        }
    }
    out.retain(|(span, tonnes)| !observed.contains_key(span) && tonnes.is_finite());
    out
}
