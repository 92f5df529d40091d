//! A scenario resolved onto the engine's units and month indices: everything
//! that does not change between draws, and the fixed order in which a draw
//! samples its parameters.

use rand::Rng;

use super::layout::Layout;
use super::routes::RoutePrep;
use super::tariff::UnitTariff;
use crate::data::Month;
use crate::scenario::{Growth, Param, RampCurve, Scenario, Targets};

/// The parts of a scenario that do not change between draws, resolved onto
/// units and month indices (0 = the first projected month).
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) months: usize,
    pub(crate) n_units: usize,
    /// Units with a reference rate: (unit, reference parameter index).
    pub(crate) reference: Vec<(usize, usize)>,
    /// Each taxed unit's tariff schedule.
    pub(crate) tariffs: Vec<UnitTariff>,
    pub(crate) plants: Vec<PlantPrep>,
    pub(crate) demand: Vec<DemandPrep>,
    pub(crate) controls: Vec<ControlPrep>,
    pub(crate) diversion: Vec<DiversionPrep>,
    pub(crate) credits: Vec<CreditPrep>,
    /// Every parameter, in a fixed order: draws sample them in this order.
    pub(crate) params: Vec<Param>,
    /// Baseline annual growth per unit (for `growth` drivers).
    pub(crate) base_growth: Vec<f64>,
    /// Units with a tariff (a reference rate or a step): only these are computed.
    pub(crate) taxed: Vec<usize>,
    /// Units under export controls: only these are reset each draw.
    pub(crate) controlled: Vec<usize>,
    /// The trade model's parameters (docs/model.md §3.9).
    pub(crate) trade: TradePrep,
}

/// Where the trade model's parameters sit in `params`: after every other, so
/// that adding them left the draws of the older parameters as they were.
#[derive(Debug, Clone)]
pub(crate) struct TradePrep {
    /// σ.
    pub(crate) sigma: usize,
    /// η (none: ∞).
    pub(crate) eta: Option<usize>,
    /// Existing non-China supply, t/yr, by the units of its importer.
    pub(crate) non_china: Vec<Share>,
    /// Units with a tariff, non-China supply (plants or N0) or a re-export
    /// route, in order: the trade model's outputs are 0 elsewhere.
    pub(crate) units: Vec<usize>,
    /// The elasticity between re-export routes (σ's slot when not given).
    pub(crate) route_sigma: usize,
    /// Each importer's re-export routes (§3.8.1).
    pub(crate) routes: Vec<RoutePrep>,
}

/// Units and the index of the parameter that applies to them.
#[derive(Debug, Clone)]
pub(crate) struct Share {
    pub(crate) units: Vec<usize>,
    pub(crate) param: usize,
}

/// A plain tariff step or a layer's step; months are indices (0 = the first
/// projected month, negative in the data).
#[derive(Debug, Clone)]
pub(crate) struct StepPrep {
    pub(crate) units: Vec<usize>,
    pub(crate) from: i64,
    /// Last month in force (none: open-ended).
    pub(crate) to: Option<i64>,
    pub(crate) rate: usize,
    /// A layer step adds to the rest; a plain step replaces earlier plain ones.
    pub(crate) layer: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct DemandPrep {
    pub(crate) units: Vec<usize>,
    pub(crate) replaces_baseline: bool,
    pub(crate) from: i64,
    pub(crate) to: Option<i64>,
    pub(crate) growth: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct ControlPrep {
    pub(crate) units: Vec<usize>,
    pub(crate) from: i64,
    pub(crate) to: i64,
    pub(crate) volume_factor: usize,
    pub(crate) recovery: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct DiversionPrep {
    pub(crate) sources: Vec<usize>,
    pub(crate) receivers: Vec<Share>,
}

#[derive(Debug, Clone)]
pub(crate) struct CreditPrep {
    pub(crate) country: crate::data::Importer,
    pub(crate) from: i64,
    pub(crate) to: Option<i64>,
    pub(crate) usd_per_kg: usize,
    pub(crate) response: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct PlantPrep {
    pub(crate) country: crate::data::Importer,
    /// The unit whose fiscal account pays the plant's credits.
    pub(crate) country_unit: Option<usize>,
    pub(crate) start: i64,
    pub(crate) curve: RampCurve,
    pub(crate) tonnes: usize,
    pub(crate) ramp: usize,
    pub(crate) util: usize,
    pub(crate) displacement: usize,
    pub(crate) serves: Vec<Share>,
}

/// Fixed parameter slots, first in `params`.
pub(crate) const ELASTICITY: usize = 0;
pub(crate) const PASS_THROUGH: usize = 1;
pub(crate) const ADJUSTMENT: usize = 2;
pub(crate) const PRICE: usize = 3;
pub(crate) const PRICE_CHANGE: usize = 4;

impl Prepared {
    /// Resolves `scenario` onto `layout` for projections starting at `first`.
    pub(crate) fn new(
        scenario: &Scenario,
        layout: &Layout,
        first: Month,
        base_mean: &[f64],
    ) -> Prepared {
        let months = (scenario.horizon.months_since(first) + 1).max(0) as usize;
        let idx = |m: Month| i64::from(m.months_since(first));
        let a = &scenario.assumptions;
        let mut params = vec![
            a.elasticity.clone(),
            a.pass_through.clone(),
            a.adjustment_months.clone(),
            a.price_usd_per_t.clone(),
            a.price_annual_change.clone(),
        ];
        let mut add = |p: &Param| {
            params.push(p.clone());
            params.len() - 1
        };
        let mut reference = Vec::new();
        for (imp, p) in &scenario.tariff_reference {
            let k = add(p);
            for u in layout.units_of(*imp) {
                reference.push((u, k));
            }
        }
        let mut changes: Vec<StepPrep> = scenario
            .tariff_changes
            .iter()
            .map(|c| StepPrep {
                units: layout.units_of(c.importer),
                from: idx(c.from),
                to: c.to.map(idx),
                rate: add(&c.rate),
                layer: false,
            })
            .collect();
        for l in &scenario.tariff_layers {
            for s in &l.steps {
                changes.push(StepPrep {
                    units: layout.units_of(l.importer),
                    from: idx(s.from),
                    to: s.to.map(idx),
                    rate: add(&s.rate),
                    layer: true,
                });
            }
        }
        let plants: Vec<PlantPrep> = scenario
            .capacity
            .iter()
            .map(|p| PlantPrep {
                country: p.country,
                country_unit: layout.units_of(p.country).first().copied(),
                start: idx(p.start),
                curve: p.curve,
                tonnes: add(&p.tonnes_per_year),
                ramp: add(&p.ramp_months),
                util: add(&p.utilization),
                displacement: add(&p.displacement),
                serves: p
                    .serves
                    .iter()
                    .map(|(i, s)| Share {
                        units: layout.units_of(*i),
                        param: add(s),
                    })
                    .collect(),
            })
            .collect();
        let all: Vec<usize> = (0..layout.units.len()).collect();
        let units = |t: &Targets| match t {
            Targets::All => all.clone(),
            Targets::Some(list) => {
                let mut v: Vec<usize> = list.iter().flat_map(|i| layout.units_of(*i)).collect();
                v.sort_unstable();
                v.dedup();
                v
            }
        };
        let demand = scenario
            .demand
            .iter()
            .map(|d| {
                let (total, p) = match &d.growth {
                    Growth::Extra(p) => (false, p),
                    Growth::Total(p) => (true, p),
                };
                DemandPrep {
                    units: units(&d.targets),
                    replaces_baseline: total,
                    from: idx(d.from),
                    to: d.to.map(idx),
                    growth: add(p),
                }
            })
            .collect();
        let controls: Vec<ControlPrep> = scenario
            .export_controls
            .iter()
            .map(|c| ControlPrep {
                units: units(&c.targets),
                from: idx(c.from),
                to: idx(c.to),
                volume_factor: add(&c.volume_factor),
                recovery: add(&c.recovery_months),
            })
            .collect();
        let diversion = scenario
            .diversion
            .iter()
            .map(|d| DiversionPrep {
                sources: layout.units_of(d.from),
                receivers: d
                    .to
                    .iter()
                    .map(|(i, s)| Share {
                        units: layout.units_of(*i),
                        param: add(s),
                    })
                    .collect(),
            })
            .collect();
        let credits = scenario
            .credits
            .iter()
            .map(|c| CreditPrep {
                country: c.country,
                from: idx(c.from),
                to: c.to.map(idx),
                usd_per_kg: add(&c.usd_per_kg),
                response: add(&c.supply_response),
            })
            .collect();
        let a = &scenario.assumptions;
        let mut trade = TradePrep {
            sigma: add(&a.substitution_elasticity),
            eta: a.export_supply_elasticity.as_ref().map(&mut add),
            non_china: a
                .non_china_supply
                .iter()
                .map(|(i, p)| Share {
                    units: layout.units_of(*i),
                    param: add(p),
                })
                .collect(),
            units: Vec::new(),
            route_sigma: 0,
            routes: Vec::new(),
        };
        // Added last, so that routes leave the draws of every other parameter as they were.
        trade.route_sigma = match &a.reexport_elasticity {
            Some(e) => add(e),
            None => trade.sigma,
        };
        trade.routes = scenario
            .reexport_routes
            .iter()
            .map(|r| RoutePrep::new(r, layout, &mut add))
            .collect();
        let n_units = layout.units.len();
        // The baseline's own annual growth per unit over its first projected year.
        let base_growth = (0..n_units)
            .map(|u| {
                let row = &base_mean[u * months.max(1)..][..months.max(1)];
                match (row.first(), row.get(12).or(row.last())) {
                    (Some(&a), Some(&b)) if a > 0.0 && b > 0.0 && row.len() > 1 => {
                        let years = (row.len().min(13) - 1) as f64 / 12.0;
                        (b / a).powf(1.0 / years) - 1.0
                    }
                    _ => 0.0,
                }
            })
            .collect();
        let mut taxed: Vec<usize> = reference
            .iter()
            .map(|&(u, _)| u)
            .chain(
                changes
                    .iter()
                    .flat_map(|c: &StepPrep| c.units.iter().copied()),
            )
            .collect();
        taxed.sort_unstable();
        taxed.dedup();
        let mut controlled: Vec<usize> = controls
            .iter()
            .flat_map(|c: &ControlPrep| c.units.iter().copied())
            .collect();
        controlled.sort_unstable();
        controlled.dedup();
        trade.units =
            taxed
                .iter()
                .copied()
                .chain(plants.iter().flat_map(|p: &PlantPrep| {
                    p.serves.iter().flat_map(|s| s.units.iter().copied())
                }))
                .chain(trade.non_china.iter().flat_map(|s| s.units.iter().copied()))
                .chain(trade.routes.iter().flat_map(RoutePrep::touched))
                .collect();
        trade.units.sort_unstable();
        trade.units.dedup();
        let tariffs = taxed
            .iter()
            .map(|&u| UnitTariff::new(u, &changes, months))
            .collect();
        Prepared {
            taxed,
            tariffs,
            controlled,
            months,
            n_units,
            reference,
            plants,
            demand,
            controls,
            diversion,
            credits,
            params,
            base_growth,
            trade,
        }
    }

    /// Whether any unit pays a tariff (otherwise revenues are all zero).
    pub(crate) fn has_tariffs(&self) -> bool {
        !self.taxed.is_empty()
    }

    /// Whether any plant receives a credit (otherwise credit costs are zero).
    pub(crate) fn has_credits(&self) -> bool {
        !self.credits.is_empty()
    }

    /// Whether the export price path differs between draws.
    pub(crate) fn price_is_random(&self) -> bool {
        self.params[PRICE].is_random() || self.params[PRICE_CHANGE].is_random()
    }

    /// The export price by month at the central parameter values, US$/t: the
    /// same path `simulate` builds from them.
    pub(crate) fn central_price_path(&self) -> Vec<f64> {
        let monthly = (1.0 + self.params[PRICE_CHANGE].central()).powf(1.0 / 12.0);
        let mut level = self.params[PRICE].central();
        (0..self.months)
            .map(|_| {
                let p = level;
                level *= monthly;
                p
            })
            .collect()
    }

    /// Draws every parameter once, in the fixed order.
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut Vec<f64>) {
        out.clear();
        out.extend(self.params.iter().map(|p| p.sample(rng)));
    }

    /// The central values (for a deterministic run).
    pub(crate) fn central(&self, out: &mut Vec<f64>) {
        out.clear();
        out.extend(self.params.iter().map(Param::central));
    }
}
