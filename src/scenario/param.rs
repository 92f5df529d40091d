//! Checked scalar parameters: a fixed value or a distribution, drawn once per
//! Monte Carlo draw and clipped to the parameter's range.

use rand::Rng;
use rand_distr::{Distribution as _, LogNormal, Normal, Triangular, Uniform};
use serde::Serialize;

use super::spec::{Distribution, ParamSpec};

/// The range a parameter must lie in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Least value.
    pub min: f64,
    /// Greatest value.
    pub max: f64,
}

impl Range {
    /// Any finite number.
    pub const ANY: Range = Range {
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
    };
    /// ≥ 0.
    pub const NON_NEGATIVE: Range = Range {
        min: 0.0,
        max: f64::INFINITY,
    };
    /// A share, in [0, 1].
    pub const UNIT: Range = Range { min: 0.0, max: 1.0 };
    /// > −1: an annual growth rate.
    pub const GROWTH: Range = Range {
        min: -0.99,
        max: f64::INFINITY,
    };

    fn contains(self, v: f64) -> bool {
        v.is_finite() && v >= self.min && v <= self.max
    }

    /// The range in words, as messages and the schema's descriptions say it.
    pub(crate) fn describe(self) -> String {
        match (self.min.is_finite(), self.max.is_finite()) {
            (true, true) => format!(
                "between {} and {}",
                crate::number::compact(self.min),
                crate::number::compact(self.max)
            ),
            (true, false) => format!("at least {}", crate::number::compact(self.min)),
            (false, true) => format!("at most {}", crate::number::compact(self.max)),
            (false, false) => "a finite number".into(),
        }
    }
}

/// A checked parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    spec: ParamSpec,
    range: Range,
    /// The distribution, built once: draws happen millions of times.
    #[serde(skip)]
    sampler: Sampler,
}

impl PartialEq for Param {
    fn eq(&self, other: &Param) -> bool {
        self.spec == other.spec && self.range == other.range
    }
}

#[derive(Debug, Clone, Default)]
enum Sampler {
    #[default]
    Fixed,
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Uniform(Uniform<f64>),
    Triangular(Triangular<f64>),
    Values,
}

impl Sampler {
    fn new(spec: &ParamSpec) -> Sampler {
        let ParamSpec::Distribution(d) = spec else {
            return Sampler::Fixed;
        };
        let built = match d {
            Distribution::Normal { mean, sd } => Normal::new(*mean, *sd).ok().map(Sampler::Normal),
            Distribution::Lognormal { meanlog, sdlog } => LogNormal::new(*meanlog, *sdlog)
                .ok()
                .map(Sampler::LogNormal),
            Distribution::Uniform { low, high } if high > low => {
                Uniform::new_inclusive(*low, *high)
                    .ok()
                    .map(Sampler::Uniform)
            }
            Distribution::Triangular { low, mode, high } if high > low => {
                Triangular::new(*low, *high, *mode)
                    .ok()
                    .map(Sampler::Triangular)
            }
            Distribution::Values(_) => Some(Sampler::Values),
            _ => None,
        };
        built.unwrap_or(Sampler::Fixed)
    }
}

impl Serialize for Range {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.describe())
    }
}

impl Param {
    /// A fixed value (unchecked: for defaults and tests).
    pub fn fixed(v: f64) -> Param {
        Param {
            spec: ParamSpec::Value(v),
            range: Range::ANY,
            sampler: Sampler::Fixed,
        }
    }

    /// Checks `spec` against `range`: a fixed value, every value of a list and
    /// the bounds of a uniform or triangular distribution must lie in it, the
    /// centre of a normal or log-normal too (their draws are clipped).
    ///
    /// # Errors
    /// A sentence saying what is wrong.
    pub fn check(spec: &ParamSpec, range: Range) -> Result<Param, String> {
        let bad = |what: &str, v: f64| {
            Err(format!(
                "{what} {} is not {}",
                crate::number::compact(v),
                range.describe()
            ))
        };
        match spec {
            ParamSpec::Value(v) if !range.contains(*v) => return bad("the value", *v),
            ParamSpec::Distribution(d) => match d {
                Distribution::Normal { mean, sd } => {
                    if !range.contains(*mean) {
                        return bad("the mean", *mean);
                    }
                    if !(sd.is_finite() && *sd >= 0.0) {
                        return Err(format!("sd must be a finite number ≥ 0, not {sd}"));
                    }
                }
                Distribution::Lognormal { meanlog, sdlog } => {
                    if !range.contains(meanlog.exp()) {
                        return bad("the median exp(meanlog)", meanlog.exp());
                    }
                    if !(sdlog.is_finite() && *sdlog >= 0.0) {
                        return Err(format!("sdlog must be a finite number ≥ 0, not {sdlog}"));
                    }
                }
                Distribution::Uniform { low, high } => {
                    if !range.contains(*low) {
                        return bad("low", *low);
                    }
                    if !range.contains(*high) {
                        return bad("high", *high);
                    }
                    if low > high {
                        return Err(format!("low ({low}) is above high ({high})"));
                    }
                }
                Distribution::Triangular { low, mode, high } => {
                    for (what, v) in [("low", low), ("mode", mode), ("high", high)] {
                        if !range.contains(*v) {
                            return bad(what, *v);
                        }
                    }
                    if !(low <= mode && mode <= high) {
                        return Err(format!("need low ≤ mode ≤ high, got {low}, {mode}, {high}"));
                    }
                }
                Distribution::Values(values) => {
                    if values.is_empty() {
                        return Err("the list of values is empty".into());
                    }
                    if let Some(v) = values.iter().find(|v| !range.contains(**v)) {
                        return bad("the value", *v);
                    }
                }
            },
            ParamSpec::Value(_) => {}
        }
        Ok(Param {
            spec: spec.clone(),
            range,
            sampler: Sampler::new(spec),
        })
    }

    /// Whether draws differ.
    pub fn is_random(&self) -> bool {
        match &self.spec {
            ParamSpec::Value(_) => false,
            ParamSpec::Distribution(Distribution::Values(v)) => v.len() > 1,
            ParamSpec::Distribution(Distribution::Normal { sd, .. }) => *sd > 0.0,
            ParamSpec::Distribution(Distribution::Lognormal { sdlog, .. }) => *sdlog > 0.0,
            ParamSpec::Distribution(Distribution::Uniform { low, high }) => high > low,
            ParamSpec::Distribution(Distribution::Triangular { low, high, .. }) => high > low,
        }
    }

    /// The value when nothing is drawn: the fixed value, the mean, or the mean of
    /// the list.
    pub fn central(&self) -> f64 {
        let v = match &self.spec {
            ParamSpec::Value(v) => *v,
            ParamSpec::Distribution(d) => match d {
                Distribution::Normal { mean, .. } => *mean,
                Distribution::Lognormal { meanlog, sdlog } => (meanlog + sdlog * sdlog / 2.0).exp(),
                Distribution::Uniform { low, high } => (low + high) / 2.0,
                Distribution::Triangular { low, mode, high } => (low + mode + high) / 3.0,
                Distribution::Values(v) => v.iter().sum::<f64>() / v.len() as f64,
            },
        };
        v.clamp(self.range.min, self.range.max)
    }

    /// The greatest value the parameter is meant to take, for warnings: the
    /// fixed value, the largest of a list, the `high` of a uniform or triangular,
    /// the mean of a normal, the median of a log-normal.
    pub fn upper(&self) -> f64 {
        match &self.spec {
            ParamSpec::Value(v) => *v,
            ParamSpec::Distribution(d) => match d {
                Distribution::Normal { mean, .. } => *mean,
                Distribution::Lognormal { meanlog, .. } => meanlog.exp(),
                Distribution::Uniform { high, .. } | Distribution::Triangular { high, .. } => *high,
                Distribution::Values(v) => v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            },
        }
    }

    /// The greatest value a draw can practically take, for bounds: the fixed
    /// value, the `high` of a uniform or triangular, the largest of a list,
    /// and six standard deviations above the centre of a normal or log-normal
    /// (1 draw in 10⁹ beyond), clipped to the range.
    pub fn highest(&self) -> f64 {
        let v = match &self.spec {
            ParamSpec::Distribution(Distribution::Normal { mean, sd }) => mean + 6.0 * sd,
            ParamSpec::Distribution(Distribution::Lognormal { meanlog, sdlog }) => {
                (meanlog + 6.0 * sdlog).exp()
            }
            _ => self.upper(),
        };
        v.clamp(self.range.min, self.range.max)
    }

    /// One draw, clipped to the parameter's range.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let v = match (&self.sampler, &self.spec) {
            (Sampler::Normal(d), _) => d.sample(rng),
            (Sampler::LogNormal(d), _) => d.sample(rng),
            (Sampler::Uniform(d), _) => d.sample(rng),
            (Sampler::Triangular(d), _) => d.sample(rng),
            (Sampler::Values, ParamSpec::Distribution(Distribution::Values(v))) => {
                v[rng.random_range(0..v.len())]
            }
            // Fixed values and degenerate distributions (sd 0, low = high).
            _ => self.central(),
        };
        v.clamp(self.range.min, self.range.max)
    }
}
