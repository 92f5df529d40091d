//! The input of a share fit: the units, WORLD's monthly path and the
//! observations, as given (`ShareProblemSpec`) and after validation
//! (`ShareProblem`, which the fit accepts).

use super::error::{Result, SharesError};
use serde::{Deserialize, Serialize};

/// The basis of a growth ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrowthBasis {
    /// The same span twelve months earlier.
    Yoy,
    /// The span of the same length immediately before.
    Prev,
}

/// What an observation says about the sum of its units' flow over its span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ObservationKind {
    /// A level in tonnes, with its coefficient of variation (`None`: the fit's
    /// default) and the CV of WORLD's own sum over the span (0 if unknown).
    Level {
        /// The published figure.
        value: f64,
        /// Relative sd of the figure.
        cv: Option<f64>,
        /// Relative sd of WORLD's path summed over the span.
        world_cv: f64,
    },
    /// The sum lies in [low, high]; either bound may be missing (one-sided).
    Range {
        /// Lower bound, tonnes.
        low: Option<f64>,
        /// Upper bound, tonnes.
        high: Option<f64>,
        /// Relative sd of WORLD's path summed over the span.
        world_cv: f64,
    },
    /// The units' sum is at least the sum of `below` over the same span: a rank
    /// ("A was the largest destination, B second") as a soft order constraint,
    /// with the range penalty's sd.
    Exceeds {
        /// The units ranked lower.
        below: Vec<usize>,
    },
    /// A published share of WORLD over the span, with its sd on the share scale.
    Share {
        /// The share in (0, 1].
        value: f64,
        /// Its standard deviation.
        sd: f64,
    },
    /// The ratio of the span's sum to the basis span's sum, with the sd of its log.
    Growth {
        /// The ratio (1.24 for +24 %).
        ratio: f64,
        /// Which earlier span the ratio is against.
        basis: GrowthBasis,
        /// Standard deviation of log(ratio).
        sd: f64,
    },
}

/// One fact about a set of units over the months `start..start + len`
/// (month 0 is the first month of the fit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareObservation {
    /// First month of the span.
    pub start: usize,
    /// Number of months in the span.
    pub len: usize,
    /// The units summed (indices into the problem's units).
    pub units: Vec<usize>,
    /// The fact.
    pub kind: ObservationKind,
}

impl ShareObservation {
    /// The basis span's first month for a growth observation (`None` for other
    /// kinds, or when the basis would start before month 0).
    pub fn basis_start(&self) -> Option<usize> {
        match self.kind {
            ObservationKind::Growth {
                basis: GrowthBasis::Yoy,
                ..
            } => self.start.checked_sub(12),
            ObservationKind::Growth {
                basis: GrowthBasis::Prev,
                ..
            } => self.start.checked_sub(self.len),
            _ => None,
        }
    }

    /// The months `lo..hi` the observation depends on (its span and any basis).
    pub(crate) fn months(&self) -> (usize, usize) {
        let lo = self.basis_start().unwrap_or(self.start).min(self.start);
        (lo, self.start + self.len)
    }
}

/// An unchecked share problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareProblemSpec {
    /// Names of the disjoint units that partition WORLD.
    pub units: Vec<String>,
    /// The reference unit (its logit is 0), normally the rest of the world.
    pub reference: usize,
    /// WORLD's monthly path (its posterior mean), one value per month fitted.
    pub world: Vec<f64>,
    /// The observations.
    pub observations: Vec<ShareObservation>,
}

/// A validated share problem: every index, span and value checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareProblem(pub(crate) ShareProblemSpec);

impl ShareProblem {
    /// Checks the spec, collecting every problem found.
    pub fn new(spec: ShareProblemSpec) -> Result<Self> {
        let mut errors = Vec::new();
        check_units(&spec, &mut errors);
        for (m, w) in spec.world.iter().enumerate() {
            if !(w.is_finite() && *w > 0.0) {
                errors.push(format!("world month {m}: {w} is not a positive number"));
            }
        }
        if spec.world.is_empty() {
            errors.push("world: no months".into());
        }
        for (i, obs) in spec.observations.iter().enumerate() {
            check_observation(&spec, obs, &mut |e| {
                errors.push(format!("observation {i}: {e}"))
            });
        }
        if errors.is_empty() {
            Ok(ShareProblem(spec))
        } else {
            Err(SharesError::Invalid(errors))
        }
    }

    /// The spec it was built from.
    pub fn spec(&self) -> &ShareProblemSpec {
        &self.0
    }
}

fn check_units(spec: &ShareProblemSpec, errors: &mut Vec<String>) {
    if spec.units.len() < 2 {
        errors.push(format!(
            "units: {} given, need at least 2",
            spec.units.len()
        ));
    }
    if spec.reference >= spec.units.len() {
        errors.push(format!("reference {} is not a unit index", spec.reference));
    }
    for (i, u) in spec.units.iter().enumerate() {
        if spec.units[..i].contains(u) {
            errors.push(format!("unit `{u}` is listed twice"));
        }
    }
}

fn check_observation(
    spec: &ShareProblemSpec,
    obs: &ShareObservation,
    err: &mut impl FnMut(String),
) {
    let months = spec.world.len();
    if obs.len == 0 {
        err("empty span".into());
    } else if obs.start + obs.len > months {
        err(format!(
            "span {}..{} beyond the {months} months fitted",
            obs.start,
            obs.start + obs.len
        ));
    }
    if obs.units.is_empty() {
        err("no units".into());
    }
    for (j, u) in obs.units.iter().enumerate() {
        if *u >= spec.units.len() {
            err(format!("unit index {u} out of range"));
        } else if obs.units[..j].contains(u) {
            err(format!("unit `{}` listed twice", spec.units[*u]));
        }
    }
    let positive = |name: &str, v: f64, err: &mut dyn FnMut(String)| {
        if !(v.is_finite() && v > 0.0) {
            err(format!("{name} {v} is not a positive number"));
        }
    };
    let cv_ok = |name: &str, v: f64, err: &mut dyn FnMut(String)| {
        if !(v.is_finite() && v >= 0.0) {
            err(format!("{name} {v} is not a non-negative number"));
        }
    };
    match &obs.kind {
        ObservationKind::Level {
            value,
            cv,
            world_cv,
        } => {
            positive("value", *value, err);
            if let Some(cv) = cv {
                positive("cv", *cv, err);
            }
            cv_ok("world_cv", *world_cv, err);
        }
        ObservationKind::Range {
            low,
            high,
            world_cv,
        } => {
            match (low, high) {
                (None, None) => err("range without bounds".into()),
                (Some(l), Some(h)) if l >= h => err(format!("range low {l} ≥ high {h}")),
                _ => {}
            }
            low.iter().for_each(|v| positive("low", *v, err));
            high.iter().for_each(|v| positive("high", *v, err));
            cv_ok("world_cv", *world_cv, err);
        }
        ObservationKind::Share { value, sd } => {
            if !(value.is_finite() && *value > 0.0 && *value <= 1.0) {
                err(format!("share {value} is not in (0, 1]"));
            }
            positive("sd", *sd, err);
        }
        ObservationKind::Exceeds { below } => {
            if below.is_empty() {
                err("order constraint without lower units".into());
            }
            for u in below {
                if *u >= spec.units.len() {
                    err(format!("unit index {u} out of range"));
                } else if obs.units.contains(u) {
                    err(format!(
                        "unit `{}` is on both sides of an order constraint",
                        spec.units[*u]
                    ));
                }
            }
        }
        ObservationKind::Growth { ratio, sd, .. } => {
            positive("ratio", *ratio, err);
            positive("sd", *sd, err);
            if obs.basis_start().is_none() {
                err("growth basis starts before month 0".into());
            }
        }
    }
}
