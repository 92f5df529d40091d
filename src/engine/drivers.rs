//! One Monte Carlo draw of one scenario: the equations of docs/model.md §3 on the
//! units of a [`super::layout::Layout`], month by month.
//!
//! With B the baseline, for unit u and month t:
//! demand D = B·Π(1+g)^y; tariff factor T = P^(−ε·λ), P = (1+ρτ)/(1+ρτ̄),
//! λ = 1 − e^(−m/A); new capacity S = Σ (K/12)·ramp·util·share·δ; diversion
//! L_j = D_j·(1 − T_j); export controls E; imports from China
//! M = E·(max(0, D·T − S − TD_N) + Σ d_j·L_j) with TD_N the diversion to
//! non-China supply (§3.9, `substitution`); value V = M·p·w; revenue R = V·τ.

use super::prepare::{ADJUSTMENT, ELASTICITY, PASS_THROUGH, PRICE, PRICE_CHANGE, Prepared};
use super::routes::reroute;
use super::substitution::{TradeCells, incidence, money_effects, trade_step};
use crate::scenario::RampCurve;

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
    pub(super) price: Vec<f64>,
    /// Which scenario and size the buffers were laid out for.
    key: (usize, usize),
    /// One plant's output by month, t.
    output: Vec<f64>,
    pub(super) demand: Vec<f64>,
    pub(super) tariff_factor: Vec<f64>,
    pub(crate) rate: Vec<f64>,
    pub(super) supply: Vec<f64>,
    pub(super) control: Vec<f64>,
    /// The trade model's per-cell values (docs/model.md §3.9).
    pub(crate) trade: TradeCells,
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
            self.trade.capacity.fill(0.0);
            self.trade.base_supply.fill(0.0);
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
        self.trade.reset(cells, prep.n_units);
    }
}

/// Adds `amount` to `target` over `units`, split in proportion to `weights`
/// (evenly where they are all zero).
pub(super) fn spread(
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

    // 2. Tariffs: the reference rate until a step; λ restarts in every month a
    // step starts or ends, and P is measured against the reference rate τ̄.
    let mut reference = vec![0.0; n];
    for &(u, k) in &prep.reference {
        reference[u] = p[k];
    }
    // λ after m months is 1 − q^m with q = e^(−1/A), advanced by one multiply a
    // month; the price ratio's logarithm changes only at a step.
    let q = if adj > 0.0 { (-1.0 / adj).exp() } else { 0.0 };
    let eta = prep.trade.eta.map(|k| p[k]);
    let tc = &mut out.trade;
    for schedule in &prep.tariffs {
        let u = schedule.unit;
        let tau_ref = schedule.reference_total(p, reference[u]);
        tc.reference[u] = tau_ref;
        let mut log_ratio = 0.0;
        let mut decay = 1.0;
        let mut stepped = false;
        for t in 0..months {
            let rate = schedule.rate(p, reference[u], t as i64);
            if schedule.events[t] {
                log_ratio = ((1.0 + rho * rate) / (1.0 + rho * tau_ref)).ln();
                decay = 1.0;
                stepped = true;
            }
            let cell = u * months + t;
            out.rate[cell] = rate;
            if stepped {
                let lambda = if adj > 0.0 { 1.0 - decay } else { 1.0 };
                // η = ∞: China's price stays, ln r_C = ln P (§3.4 as it was).
                let (lrc, w) = match eta {
                    None => (log_ratio, 1.0),
                    Some(eta) => incidence(eps * lambda, eta, log_ratio),
                };
                out.tariff_factor[cell] = (-eps * lambda * lrc).exp();
                tc.lambda[cell] = lambda;
                tc.log_price[cell] = lrc;
                tc.world[cell] = w;
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
        let nameplate = &mut out.trade.nameplate;
        nameplate.clear();
        nameplate.resize(months, 0.0);
        let inv_r = if r > 0.0 { 1.0 / r } else { f64::INFINITY };
        let full = k / 12.0 * util;
        for (t, (o, np)) in out
            .output
            .iter_mut()
            .zip(nameplate.iter_mut())
            .enumerate()
            .skip(first)
        {
            let u = ((t as i64 - plant.start + 1) as f64 * inv_r).min(1.0);
            let ramp = match plant.curve {
                RampCurve::Linear => u,
                RampCurve::SCurve => u * u * (3.0 - 2.0 * u),
            };
            *o = full * ramp;
            *np = k / 12.0 * ramp;
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
            // What could be used: nameplate·ramp, before utilisation and δ.
            let served = p[share.param];
            let tc = &mut out.trade;
            for t in first..months {
                let amount = tc.nameplate[t] * served;
                spread(
                    &mut tc.capacity,
                    &out.demand,
                    &share.units,
                    months,
                    t,
                    amount,
                );
            }
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

    // 5-7. Imports from China, less what non-China supply takes by relative
    // prices, with diverted volume.
    for (((m, d), f), s) in out
        .imports
        .iter_mut()
        .zip(&out.demand)
        .zip(&out.tariff_factor)
        .zip(&out.supply)
    {
        *m = (d * f - s).max(0.0);
    }
    trade_step(prep, p, out);
    if !prep.trade.routes.is_empty() {
        reroute(
            &prep.trade.routes,
            p[prep.trade.route_sigma],
            p,
            months,
            out,
        );
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
    if prep.trade.eta.is_some() {
        // China's world price moves: value and revenue at w·p.
        for ((v, r), (w, tau)) in out
            .value
            .iter_mut()
            .zip(out.revenue.iter_mut())
            .zip(out.trade.world.iter().zip(&out.rate))
        {
            *v *= w;
            *r = *v * tau;
        }
    }
    money_effects(prep, p[PASS_THROUGH], out);
}
