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
    /// Units with a tariff (a reference rate or a step): only these are computed.
    taxed: Vec<usize>,
    /// Units under export controls: only these are reset each draw.
    controlled: Vec<usize>,
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
    /// The unit whose fiscal account pays the plant's credits.
    country_unit: Option<usize>,
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
        let changes: Vec<StepPrep> = scenario
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
        Prepared {
            taxed,
            controlled,
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
    /// Fiscal cost of production credits by unit (the plant's country) and month.
    pub(crate) credit_cost: Vec<f64>,
    /// ρ of this draw: the downstream cost of a tariff is ρ·revenue.
    pub(crate) pass_through: f64,
    /// Export price by month, US$/t.
    price: Vec<f64>,
    /// Which scenario and size the buffers were laid out for.
    key: (usize, usize),
    /// One plant's output by month, t.
    output: Vec<f64>,
    demand: Vec<f64>,
    tariff_factor: Vec<f64>,
    rate: Vec<f64>,
    supply: Vec<f64>,
    control: Vec<f64>,
}

impl DrawResult {
    /// Prepares the buffers for a draw of `prep`. A buffer reused for the same
    /// scenario keeps the cells no driver touches (rate 0, factors 1), so only
    /// what drivers accumulate into is cleared.
    fn reset(&mut self, prep: &Prepared) {
        let months = prep.months;
        let cells = prep.n_units * months;
        let key = (cells, std::ptr::from_ref(prep) as usize);
        if self.key == key {
            self.supply.fill(0.0);
            self.credit_cost.fill(0.0);
            for &u in &prep.controlled {
                self.control[u * months..(u + 1) * months].fill(1.0);
            }
            return;
        }
        self.key = key;
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
        self.credit_cost.resize(cells, 0.0);
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
    out.reset(prep);
    let (eps, rho, adj) = (p[ELASTICITY], p[PASS_THROUGH], p[ADJUSTMENT]);
    out.pass_through = rho;
    // The price path once per draw: a monthly growth factor, no powf per cell.
    let monthly = (1.0 + p[PRICE_CHANGE]).powf(1.0 / 12.0);
    out.price.clear();
    let mut level = p[PRICE];
    for _ in 0..months {
        out.price.push(level);
        level *= monthly;
    }

    // 1. Demand.
    out.demand.copy_from_slice(&base[..n * months]);
    for d in &prep.demand {
        let g = p[d.growth];
        for &u in &d.units {
            let rate = if d.replaces_baseline {
                (1.0 + g) / (1.0 + prep.base_growth[u])
            } else {
                1.0 + g
            };
            // (1+g)^(elapsed/12), advanced month by month until `to`.
            let step = rate.powf(1.0 / 12.0);
            let mut factor = 1.0;
            for t in 0..months {
                let ti = t as i64;
                if ti > d.from && d.to.is_none_or(|to| ti <= to) {
                    factor *= step;
                }
                out.demand[u * months + t] *= factor;
            }
        }
    }

    // 2. Tariffs: the reference rate until a step, λ restarting at each step.
    let mut reference = vec![0.0; n];
    for &(u, k) in &prep.reference {
        reference[u] = p[k];
    }
    // λ after m months is 1 − q^m with q = e^(−1/A), advanced by one multiply a
    // month; the price ratio's logarithm changes only at a step.
    let q = if adj > 0.0 { (-1.0 / adj).exp() } else { 0.0 };
    for &u in &prep.taxed {
        let tau_ref = reference[u];
        let mut rate = tau_ref;
        let mut log_ratio = 0.0;
        let mut decay = 1.0;
        let mut stepped = false;
        let mut steps = prep
            .changes
            .iter()
            .filter(|c| c.units.contains(&u))
            .peekable();
        for t in 0..months {
            let mut new_step = false;
            while let Some(step) = steps.peek() {
                if step.from <= t as i64 {
                    rate = p[step.rate];
                    new_step = step.from == t as i64 || !stepped;
                    stepped = true;
                    steps.next();
                } else {
                    break;
                }
            }
            if new_step {
                log_ratio = ((1.0 + rho * rate) / (1.0 + rho * tau_ref)).ln();
                decay = 1.0;
            }
            let cell = u * months + t;
            out.rate[cell] = rate;
            if stepped {
                let lambda = if adj > 0.0 { 1.0 - decay } else { 1.0 };
                out.tariff_factor[cell] = (-eps * lambda * log_ratio).exp();
                decay *= q;
            }
        }
    }

    // 3. New capacity, with production credits raising utilisation: each
    // plant's output path once, then added to the units it serves.
    for plant in &prep.plants {
        let (k, r, util, delta) = (
            p[plant.tonnes],
            p[plant.ramp],
            p[plant.util],
            p[plant.displacement],
        );
        let first = plant.start.max(0) as usize;
        if first >= months {
            continue;
        }
        out.output.clear();
        out.output.resize(months, 0.0);
        let inv_r = if r > 0.0 { 1.0 / r } else { f64::INFINITY };
        let full = k / 12.0 * util;
        for (t, o) in out.output.iter_mut().enumerate().skip(first) {
            let u = ((t as i64 - plant.start + 1) as f64 * inv_r).min(1.0);
            let ramp = match plant.curve {
                RampCurve::Linear => u,
                RampCurve::SCurve => u * u * (3.0 - 2.0 * u),
            };
            *o = full * ramp;
        }
        // A credit raises utilisation to min(1, u·(1 + η·c/price)) and costs c
        // per kg of the plant's whole output.
        for c in prep.credits.iter().filter(|c| c.country == plant.country) {
            let (amount, eta) = (p[c.usd_per_kg], p[c.response]);
            let from = c.from.max(first as i64) as usize;
            let to =
                c.to.map_or(months, |to| (to + 1).clamp(0, months as i64) as usize);
            for t in from..to {
                let usd_per_kg = out.price[t] / 1000.0;
                let raised = (util * (1.0 + eta * amount / usd_per_kg)).min(1.0);
                if util > 0.0 {
                    out.output[t] *= raised / util;
                }
                if let Some(u) = plant.country_unit {
                    out.credit_cost[u * months + t] += amount * 1000.0 * out.output[t];
                }
            }
        }
        for share in &plant.serves {
            let factor = p[share.param] * delta;
            if let [u] = share.units[..] {
                let row = &mut out.supply[u * months..(u + 1) * months];
                for (s, o) in row[first..].iter_mut().zip(&out.output[first..]) {
                    *s += o * factor;
                }
            } else {
                for t in first..months {
                    let amount = out.output[t] * factor;
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
    for (((m, d), f), s) in out
        .imports
        .iter_mut()
        .zip(&out.demand)
        .zip(&out.tariff_factor)
        .zip(&out.supply)
    {
        *m = (d * f - s).max(0.0);
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
    let rows = out
        .imports
        .chunks_exact_mut(months)
        .zip(out.value.chunks_exact_mut(months))
        .zip(out.revenue.chunks_exact_mut(months))
        .zip(out.control.chunks_exact(months))
        .zip(out.rate.chunks_exact(months));
    for ((((imports, value), revenue), control), rate) in rows {
        for (((((m, v), r), c), tau), price) in imports
            .iter_mut()
            .zip(value.iter_mut())
            .zip(revenue.iter_mut())
            .zip(control)
            .zip(rate)
            .zip(&out.price)
        {
            *m *= c;
            *v = *m * price;
            *r = *v * tau;
        }
    }
}
