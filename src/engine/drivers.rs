//! One Monte Carlo draw of one scenario: the equations of MODEL.md §3 on the
//! units of a [`Layout`], month by month.
//!
//! With B the baseline, for unit u and month t:
//! demand D = B·Π(1+g)^y; tariff factor T = P^(−ε·λ), P = (1+ρτ)/(1+ρτ̄),
//! λ = 1 − e^(−m/A); new capacity S = Σ (K/12)·ramp·util·share·δ; diversion
//! L_j = D_j·(1 − T_j); export controls E; imports from China
//! M = E·(max(0, D·T − S) + Σ d_j·L_j); value V = M·p; tariff revenue R = V·τ.

use rand::Rng;

use super::layout::Layout;
use crate::data::Month;
use crate::scenario::{Growth, Param, RampCurve, Scenario, Targets};

/// The parts of a scenario that do not change between draws, resolved onto
/// units and month indices (0 = the first projected month).
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) months: usize,
    n_units: usize,
    /// Units with a reference rate: (unit, reference parameter index).
    reference: Vec<(usize, usize)>,
    /// Tariff steps in time order.
    changes: Vec<StepPrep>,
    plants: Vec<PlantPrep>,
    demand: Vec<DemandPrep>,
    controls: Vec<ControlPrep>,
    diversion: Vec<DiversionPrep>,
    credits: Vec<CreditPrep>,
    /// Every parameter, in a fixed order: draws sample them in this order.
    params: Vec<Param>,
    /// Baseline annual growth per unit (for `growth` drivers).
    base_growth: Vec<f64>,
}

/// Units and the index of the parameter that applies to them.
#[derive(Debug, Clone)]
struct Share {
    units: Vec<usize>,
    param: usize,
}

#[derive(Debug, Clone)]
struct StepPrep {
    units: Vec<usize>,
    from: i64,
    rate: usize,
}

#[derive(Debug, Clone)]
struct DemandPrep {
    units: Vec<usize>,
    replaces_baseline: bool,
    from: i64,
    to: Option<i64>,
    growth: usize,
}

#[derive(Debug, Clone)]
struct ControlPrep {
    units: Vec<usize>,
    from: i64,
    to: i64,
    volume_factor: usize,
    recovery: usize,
}

#[derive(Debug, Clone)]
struct DiversionPrep {
    sources: Vec<usize>,
    receivers: Vec<Share>,
}

#[derive(Debug, Clone)]
struct CreditPrep {
    country: crate::data::Importer,
    from: i64,
    to: Option<i64>,
    usd_per_kg: usize,
    response: usize,
}

#[derive(Debug, Clone)]
struct PlantPrep {
    country: crate::data::Importer,
    start: i64,
    curve: RampCurve,
    tonnes: usize,
    ramp: usize,
    util: usize,
    displacement: usize,
    serves: Vec<Share>,
}

/// Fixed parameter slots, first in `params`.
const ELASTICITY: usize = 0;
const PASS_THROUGH: usize = 1;
const ADJUSTMENT: usize = 2;
const PRICE: usize = 3;
const PRICE_CHANGE: usize = 4;

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
        let changes = scenario
            .tariff_changes
            .iter()
            .map(|c| StepPrep {
                units: layout.units_of(c.importer),
                from: idx(c.from),
                rate: add(&c.rate),
            })
            .collect();
        let plants = scenario
            .capacity
            .iter()
            .map(|p| PlantPrep {
                country: p.country,
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
        let controls = scenario
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
        Prepared {
            months,
            n_units,
            reference,
            changes,
            plants,
            demand,
            controls,
            diversion,
            credits,
            params,
            base_growth,
        }
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

/// Per-unit, per-month results of one draw (unit-major: `[u * months + t]`).
#[derive(Debug, Clone, Default)]
pub(crate) struct DrawResult {
    pub(crate) imports: Vec<f64>,
    pub(crate) value: Vec<f64>,
    pub(crate) revenue: Vec<f64>,
    /// Fiscal cost of production credits by month (all countries).
    pub(crate) credit_cost: Vec<f64>,
    /// ρ of this draw: the downstream cost of a tariff is ρ·revenue.
    pub(crate) pass_through: f64,
    demand: Vec<f64>,
    tariff_factor: Vec<f64>,
    rate: Vec<f64>,
    supply: Vec<f64>,
    control: Vec<f64>,
}

impl DrawResult {
    fn reset(&mut self, cells: usize, months: usize) {
        for v in [
            &mut self.imports,
            &mut self.value,
            &mut self.revenue,
            &mut self.demand,
            &mut self.supply,
        ] {
            v.clear();
            v.resize(cells, 0.0);
        }
        for v in [&mut self.tariff_factor, &mut self.control] {
            v.clear();
            v.resize(cells, 1.0);
        }
        self.rate.clear();
        self.rate.resize(cells, 0.0);
        self.credit_cost.clear();
        self.credit_cost.resize(months, 0.0);
    }
}

/// Adds `amount` to `target` over `units`, split in proportion to `weights`
/// (evenly where they are all zero).
fn spread(
    target: &mut [f64],
    weights: &[f64],
    units: &[usize],
    months: usize,
    t: usize,
    amount: f64,
) {
    if units.is_empty() || amount <= 0.0 {
        return;
    }
    if let [u] = units {
        target[u * months + t] += amount;
        return;
    }
    let total: f64 = units.iter().map(|u| weights[u * months + t]).sum();
    for u in units {
        let share = if total > 0.0 {
            weights[u * months + t] / total
        } else {
            1.0 / units.len() as f64
        };
        target[u * months + t] += amount * share;
    }
}

/// Simulates one draw: `base` is the baseline (unit-major), `p` the sampled
/// parameters in [`Prepared`] order.
pub(crate) fn simulate(prep: &Prepared, base: &[f64], p: &[f64], out: &mut DrawResult) {
    let months = prep.months;
    let n = prep.n_units;
    out.reset(n * months, months);
    let (eps, rho, adj) = (p[ELASTICITY], p[PASS_THROUGH], p[ADJUSTMENT]);
    out.pass_through = rho;
    let price = |t: usize| p[PRICE] * (1.0 + p[PRICE_CHANGE]).powf(t as f64 / 12.0);

    // 1. Demand.
    out.demand.copy_from_slice(&base[..n * months]);
    for d in &prep.demand {
        let g = p[d.growth];
        for t in 0..months {
            let end = d.to.map_or(t as i64, |to| (t as i64).min(to));
            let elapsed = end - d.from;
            if elapsed <= 0 {
                continue;
            }
            let years = elapsed as f64 / 12.0;
            for &u in &d.units {
                let rate = if d.replaces_baseline {
                    (1.0 + g) / (1.0 + prep.base_growth[u])
                } else {
                    1.0 + g
                };
                out.demand[u * months + t] *= rate.powf(years);
            }
        }
    }

    // 2. Tariffs: the reference rate until a step, λ restarting at each step.
    let mut reference = vec![0.0; n];
    for &(u, k) in &prep.reference {
        reference[u] = p[k];
    }
    for (u, &tau_ref) in reference.iter().enumerate() {
        let mut rate = tau_ref;
        let mut since: Option<i64> = None;
        let mut steps = prep
            .changes
            .iter()
            .filter(|c| c.units.contains(&u))
            .peekable();
        for t in 0..months {
            while let Some(step) = steps.peek() {
                if step.from <= t as i64 {
                    rate = p[step.rate];
                    since = Some(step.from);
                    steps.next();
                } else {
                    break;
                }
            }
            let cell = u * months + t;
            out.rate[cell] = rate;
            if let Some(from) = since {
                let m = (t as i64 - from) as f64;
                let lambda = if adj > 0.0 {
                    1.0 - (-m / adj).exp()
                } else {
                    1.0
                };
                let ratio = (1.0 + rho * rate) / (1.0 + rho * tau_ref);
                out.tariff_factor[cell] = ratio.powf(-eps * lambda);
            }
        }
    }

    // 3. New capacity, with production credits raising utilisation.
    for plant in &prep.plants {
        let (k, r, util, delta) = (
            p[plant.tonnes],
            p[plant.ramp],
            p[plant.util],
            p[plant.displacement],
        );
        for t in 0..months {
            let m = t as i64 - plant.start;
            if m < 0 {
                continue;
            }
            let u = if r > 0.0 {
                ((m + 1) as f64 / r).min(1.0)
            } else {
                1.0
            };
            let ramp = match plant.curve {
                RampCurve::Linear => u,
                RampCurve::SCurve => u * u * (3.0 - 2.0 * u),
            };
            let mut utilisation = util;
            let mut credit = 0.0;
            for c in &prep.credits {
                let ti = t as i64;
                if c.country == plant.country && ti >= c.from && c.to.is_none_or(|to| ti <= to) {
                    let usd_per_kg = price(t) / 1000.0;
                    let amount = p[c.usd_per_kg];
                    utilisation =
                        (utilisation * (1.0 + p[c.response] * amount / usd_per_kg)).min(1.0);
                    credit += amount;
                }
            }
            let output = k / 12.0 * ramp * utilisation;
            out.credit_cost[t] += credit * 1000.0 * output;
            for share in &plant.serves {
                let amount = output * p[share.param] * delta;
                spread(
                    &mut out.supply,
                    &out.demand,
                    &share.units,
                    months,
                    t,
                    amount,
                );
            }
        }
    }

    // 4. Export controls: the cut inside the window, linear recovery after it.
    for c in &prep.controls {
        let (vf, rec) = (p[c.volume_factor], p[c.recovery]);
        for t in 0..months {
            let ti = t as i64;
            let factor = if ti < c.from {
                1.0
            } else if ti <= c.to {
                vf
            } else if rec > 0.0 && ((ti - c.to) as f64) < rec {
                vf + (1.0 - vf) * (ti - c.to) as f64 / rec
            } else {
                1.0
            };
            for &u in &c.units {
                out.control[u * months + t] *= factor;
            }
        }
    }

    // 5-7. Imports from China, with diverted volume.
    for cell in 0..n * months {
        out.imports[cell] =
            (out.demand[cell] * out.tariff_factor[cell] - out.supply[cell]).max(0.0);
    }
    for d in &prep.diversion {
        for t in 0..months {
            let lost: f64 = d
                .sources
                .iter()
                .map(|&u| out.demand[u * months + t] * (1.0 - out.tariff_factor[u * months + t]))
                .sum();
            if lost <= 0.0 {
                continue;
            }
            for share in &d.receivers {
                spread(
                    &mut out.imports,
                    &out.demand,
                    &share.units,
                    months,
                    t,
                    lost * p[share.param],
                );
            }
        }
    }
    for cell in 0..n * months {
        let t = cell % months;
        out.imports[cell] *= out.control[cell];
        out.value[cell] = out.imports[cell] * price(t);
        out.revenue[cell] = out.value[cell] * out.rate[cell];
    }
}
