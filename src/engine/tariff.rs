//! The tariff schedule of one unit (docs/model.md §3.4): plain steps, which
//! replace each other, plus duty layers, which add up; and the months in which
//! the adjustment weight λ restarts.

use super::prepare::StepPrep;

/// A taxed unit's steps (plain and layer steps, in order of `from`) and the
/// months in which a step starts or ends.
#[derive(Debug, Clone)]
pub(crate) struct UnitTariff {
    pub(crate) unit: usize,
    steps: Vec<StepPrep>,
    /// `events[t]`: λ restarts in month t.
    pub(crate) events: Vec<bool>,
}

impl UnitTariff {
    /// The steps of `all` that reach `unit`, for a projection of `months`.
    pub(crate) fn new(unit: usize, all: &[StepPrep], months: usize) -> UnitTariff {
        let mut steps: Vec<StepPrep> = all
            .iter()
            .filter(|s| s.units.contains(&unit))
            .cloned()
            .collect();
        steps.sort_by_key(|s| s.from);
        let mut events = vec![false; months];
        let mut mark = |t: i64| {
            if (0..months as i64).contains(&t) {
                events[t as usize] = true;
            }
        };
        for s in &steps {
            // A layer in force in the last data month is part of the reference;
            // a plain step dated in the past takes effect in the first month.
            let start = if s.layer { s.from } else { s.from.max(0) };
            if s.to.is_some_and(|to| to < start.max(0)) && !s.layer {
                continue;
            }
            if start >= 0 {
                mark(start);
            }
            if let Some(to) = s.to {
                mark(to + 1);
            }
        }
        UnitTariff {
            unit,
            steps,
            events,
        }
    }

    /// τ in month `t`: the plain part (the latest-starting plain step in force,
    /// else `reference`) plus every layer step in force.
    pub(crate) fn rate(&self, p: &[f64], reference: f64, t: i64) -> f64 {
        let mut plain = reference;
        let mut layers = 0.0;
        for s in self.steps.iter().filter(|s| s.in_force(t)) {
            if s.layer {
                layers += p[s.rate];
            } else {
                plain = p[s.rate];
            }
        }
        plain + layers
    }

    /// τ̄, the rate in force at the end of the data: `reference` plus the layers
    /// in force in the last data month (plain steps dated in the past are not in
    /// it: they take effect in the first projected month).
    pub(crate) fn reference_total(&self, p: &[f64], reference: f64) -> f64 {
        reference
            + self
                .steps
                .iter()
                .filter(|s| s.layer && s.in_force(-1))
                .map(|s| p[s.rate])
                .sum::<f64>()
    }
}

impl StepPrep {
    fn in_force(&self, t: i64) -> bool {
        self.from <= t && self.to.is_none_or(|to| t <= to)
    }
}
