//! Whether a scenario's numbers can multiply beyond what a run can hold. Each
//! parameter is below its ceiling (`keys`), but ceilings compound: growth of
//! 100 % a year to 2100 and a tariff cut from 10,000 % with an elasticity of
//! 100 each multiply imports by more than 10²⁰. This check bounds the factor
//! by which the drivers can raise imports over the baseline, from the highest
//! value each parameter can draw, and refuses the scenario at the key of the
//! largest contributor, naming the others.

use super::Checker;
use super::tariffs::Tariffs;
use crate::data::{Importer, Month};
use crate::number::compact;
use crate::scenario::checked::{Assumptions, DemandDriver, Growth};
use crate::yaml::KeyPath;

/// The largest factor the drivers may raise imports by: with data below
/// 10¹² t, yearly totals stay below 10³² t, inside the f32 that holds each
/// draw's totals for the percentiles, and every sum of money inside f64.
pub(crate) const MAX_IMPORT_FACTOR: f64 = 1e20;

/// One driver's share of the bound: its key, what it is, and ln(factor).
struct Contribution {
    key: KeyPath,
    what: String,
    log_factor: f64,
}

impl Checker<'_> {
    /// Refuses the scenario if its drivers can raise imports by more than
    /// [`MAX_IMPORT_FACTOR`].
    pub(super) fn magnitude(
        &mut self,
        root: &KeyPath,
        assumptions: &Assumptions,
        tariffs: &Tariffs,
        demand: &[DemandDriver],
    ) {
        let (Some(horizon), Some(first)) = (self.horizon, self.first_month()) else {
            return;
        };
        let mut parts = demand_parts(root, demand, first, horizon);
        parts.extend(tariff_part(root, assumptions, tariffs));
        let total: f64 = parts.iter().map(|p| p.log_factor).sum();
        if total <= MAX_IMPORT_FACTOR.ln() {
            return;
        }
        parts.sort_by(|a, b| b.log_factor.total_cmp(&a.log_factor));
        let named: Vec<String> = parts
            .iter()
            .filter(|p| p.log_factor > 0.0)
            .map(|p| format!("{} (×{})", p.what, factor(p.log_factor)))
            .collect();
        let message = format!(
            "these values can raise imports by ×{} over the baseline, more than the ×{} a run \
             can hold with finite results: {}; lower the highest of them",
            factor(total),
            compact(MAX_IMPORT_FACTOR),
            named.join(", ")
        );
        self.problem(&parts[0].key, message);
    }

    /// The first projected month (2026-01 when the data are not known).
    fn first_month(&self) -> Option<Month> {
        self.ctx.first_month.or_else(|| Month::new(2026, 1))
    }
}

/// e^`log_factor` to three digits: `3.57e22`, `48.2`.
fn factor(log_factor: f64) -> String {
    let v = log_factor.exp();
    if v >= 1e6 {
        format!("{v:.2e}")
    } else {
        format!("{:.3}", v)
    }
}

/// Each demand driver's growth at its highest, over the years it runs.
fn demand_parts(
    root: &KeyPath,
    demand: &[DemandDriver],
    first: Month,
    horizon: Month,
) -> Vec<Contribution> {
    demand
        .iter()
        .enumerate()
        .filter_map(|(n, d)| {
            let (field, p) = match &d.growth {
                Growth::Extra(p) => ("extra_growth", p),
                Growth::Total(p) => ("growth", p),
            };
            let start = d.from.max(first);
            let end = d.to.map_or(horizon, |t| t.min(horizon));
            let years = f64::from(end.months_since(start).max(0)) / 12.0;
            let g = p.highest();
            (g > 0.0).then(|| Contribution {
                key: root.key("demand").index(n).key(field),
                what: format!(
                    "`demand[{n}].{field}` up to {} a year for {} years",
                    compact(g),
                    compact((years * 10.0).round() / 10.0)
                ),
                log_factor: (1.0 + g).ln() * years,
            })
        })
        .collect()
}

/// The largest tariff any importer can have, cut to nothing, with the
/// elasticity at its highest: ((1 + τ_max)/(1 + 0))^ε.
fn tariff_part(root: &KeyPath, a: &Assumptions, t: &Tariffs) -> Option<Contribution> {
    let mut importers: Vec<Importer> = t.reference.iter().map(|(i, _)| *i).collect();
    importers.extend(t.changes.iter().map(|c| c.importer));
    importers.extend(t.layers.iter().map(|l| l.importer));
    let highest_total = |imp: Importer| {
        let plain = t
            .reference
            .iter()
            .filter(|(i, _)| *i == imp)
            .map(|(_, p)| p.highest())
            .chain(
                t.changes
                    .iter()
                    .filter(|c| c.importer == imp)
                    .map(|c| c.rate.highest()),
            )
            .fold(0.0, f64::max);
        let layers: f64 = t
            .layers
            .iter()
            .filter(|l| l.importer == imp)
            .map(|l| l.steps.iter().map(|s| s.rate.highest()).fold(0.0, f64::max))
            .sum();
        plain + layers
    };
    let tau = importers.into_iter().map(highest_total).fold(0.0, f64::max);
    let eps = a.elasticity.highest();
    let log_factor = eps * tau.ln_1p();
    (log_factor > 0.0).then(|| Contribution {
        key: root.key("assumptions").key("elasticity"),
        what: format!(
            "`assumptions.elasticity` up to {} on a tariff of up to {} cut to 0",
            compact(eps),
            compact(tau)
        ),
        log_factor,
    })
}
