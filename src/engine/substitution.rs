//! The trade model inside a draw (docs/model.md §3.9): China's world price from
//! its export-supply elasticity, and the diversion of China's volume towards
//! non-China supply by SMART's integrated CES form, capped by what is installed.
//!
//! Both nest today's model exactly: η = ∞ leaves China's price and the tariff
//! factor as §3.4 computes them, and σ = 0 diverts nothing, so the drivers skip
//! this code then and the numbers do not change by a bit.

use serde::{Deserialize, Serialize};

use super::drivers::{DrawResult, spread};
use super::prepare::Prepared;

/// The trade model's sums per unit and month, in [`YearlyTrade`]'s order.
pub(crate) const TRADE_SUMS: usize = 10;

/// The trade model's yearly means per output series (`[output * years + y]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct YearlyTrade {
    /// Trade creation: the change of imports from China through the
    /// import-demand elasticity, D·(T − 1) under export controls, tonnes.
    pub creation_t: Vec<f64>,
    /// Trade diversion from China to non-China supply by relative prices, tonnes.
    pub diversion_t: Vec<f64>,
    /// Non-China supply used (plants' displacing output, N0 and diversion), tonnes.
    pub non_china_used_t: Vec<f64>,
    /// Non-China supply installed (plants' nameplate·ramp and N0), tonnes.
    pub non_china_installed_t: Vec<f64>,
    /// Price effect: China's imports × p × (w − 1), US$ (0 for η = ∞).
    pub price_effect_usd: Vec<f64>,
    /// Consumer-surplus change on China's supply against the reference tariffs, US$.
    pub consumer_surplus_change_usd: Vec<f64>,
    /// Tariff revenue less the revenue at the reference tariffs (those in force
    /// at the end of the data) on China's base volume, US$: the increase.
    pub tariff_revenue_change_usd: Vec<f64>,
    /// What China's delivered-price change adds to the cost of its imports,
    /// Σ M·p·(r_C − 1), US$.
    pub delivered_price_change_usd: Vec<f64>,
    /// What the full tariff change would add, Σ M·p·((1 + τ)/(1 + τ̄) − 1), US$:
    /// the pass-through is the ratio of the two.
    pub tariff_price_change_usd: Vec<f64>,
    /// China-origin volume moved along re-export routes (§3.8.1), tonnes:
    /// positive where it arrives (the country passed through), negative
    /// where it left the direct route.
    pub reexport_t: Vec<f64>,
}

impl YearlyTrade {
    /// The pass-through of the tariff change into China's delivered price at a
    /// yearly cell, value-weighted: ρ·(1 + τ̄)/(1 + ρτ̄) for η = ∞, less with
    /// finite η as China absorbs part; none without a tariff change.
    pub fn pass_through(&self, cell: usize) -> Option<f64> {
        let den = self.tariff_price_change_usd[cell];
        (den != 0.0).then(|| self.delivered_price_change_usd[cell] / den)
    }
}

impl YearlyTrade {
    /// From yearly means in [`TRADE_SUMS`] order.
    pub(crate) fn from_sums(s: [Vec<f64>; TRADE_SUMS]) -> YearlyTrade {
        let [c, d, u, i, p, cs, dr, dp, tp, rx] = s;
        YearlyTrade {
            creation_t: c,
            diversion_t: d,
            non_china_used_t: u,
            non_china_installed_t: i,
            price_effect_usd: p,
            consumer_surplus_change_usd: cs,
            tariff_revenue_change_usd: dr,
            delivered_price_change_usd: dp,
            tariff_price_change_usd: tp,
            reexport_t: rx,
        }
    }
}

/// Adds one draw's trade cells of the trade model's units to `sums` (in
/// [`TRADE_SUMS`] order), which hold those units' rows one after the other;
/// the other units' cells are 0.
pub(crate) fn add_trade(sums: &mut [Vec<f64>], t: &TradeCells, prep: &Prepared) {
    let cells = [
        &t.creation,
        &t.diversion,
        &t.non_china,
        &t.installed,
        &t.price_effect,
        &t.surplus,
        &t.revenue_change,
        &t.delivered,
        &t.tariffed,
        &t.reexport,
    ];
    let months = prep.months;
    for (sum, cell) in sums.iter_mut().zip(cells) {
        for (j, &u) in prep.trade.units.iter().enumerate() {
            let row = &cell[u * months..(u + 1) * months];
            for (a, b) in sum[j * months..(j + 1) * months].iter_mut().zip(row) {
                *a += b;
            }
        }
    }
}

/// China's delivered-price logarithm ln(w·P) and world-price factor w for an
/// adjusted demand elasticity `el` = ε·λ, export-supply elasticity `eta` and
/// ln P. China bears the share a = ε·λ/(ε·λ + η) of the price change, the
/// constant-elasticity incidence, so the short-run (λ small) demand, being
/// inelastic, leaves China's price where it was.
pub(crate) fn incidence(el: f64, eta: f64, log_ratio: f64) -> (f64, f64) {
    let a = el / (el + eta);
    (log_ratio - a * log_ratio, (-a * log_ratio).exp())
}

/// The tonnes diverted from China to non-China supply in one cell, by SMART's
/// integrated CES form TD_N = M·m_N / (m_C·x + m_N) − m_N with M = m_C + m_N and
/// x = r_C^(−σλ) (non-China's price does not move), written as
/// m_N·m_C·(1 − x) / (m_C·x + m_N) so that it is exactly 0 at x = 1. Capped so that
/// non-China supply stays within `capacity` and China keeps at least nothing
/// (`china`, its volume after trade creation); negative when China's price falls.
pub(crate) fn diverted(china_base: f64, non_china: f64, x: f64, capacity: f64, china: f64) -> f64 {
    if china_base <= 0.0 || non_china <= 0.0 {
        return 0.0;
    }
    let td = non_china * china_base * (1.0 - x) / (china_base * x + non_china);
    td.min(capacity - non_china).min(china)
}

/// Per-cell inputs of [`divert`].
pub(crate) struct Cells<'a> {
    pub(crate) demand: &'a [f64],
    pub(crate) supply: &'a [f64],
    pub(crate) base_supply: &'a [f64],
    pub(crate) capacity: &'a [f64],
    pub(crate) lambda: &'a [f64],
    pub(crate) log_price: &'a [f64],
}

/// Per-cell outputs of [`divert`] (before export controls).
pub(crate) struct Effects<'a> {
    pub(crate) imports: &'a mut [f64],
    pub(crate) diversion: &'a mut [f64],
    pub(crate) non_china: &'a mut [f64],
    pub(crate) installed: &'a mut [f64],
    pub(crate) surplus: &'a mut [f64],
    /// China's base volume m_C, for the revenue at the reference rate.
    pub(crate) base: &'a mut [f64],
}

/// Diverts China's volume to non-China supply in every cell (σ > 0 only when
/// `sigma` is not 0), and records non-China supply used and installed and the
/// consumer-surplus change per unit of base delivered price, −(r_C − 1)·(q₀ + q₁)/2
/// over China's own supply (q₀ at the reference tariffs, q₁ after).
pub(crate) fn divert(sigma: f64, c: &Cells<'_>, e: Effects<'_>) {
    let n = c.demand.len();
    for k in 0..n {
        let (d, s) = (c.demand[k], c.supply[k]);
        let china_base = (d - s).max(0.0);
        let non_china = s + c.base_supply[k];
        let capacity = c.capacity[k] + c.base_supply[k];
        let lrc = c.log_price[k];
        let td = if sigma > 0.0 && lrc != 0.0 {
            let x = (-sigma * c.lambda[k] * lrc).exp();
            diverted(china_base, non_china, x, capacity, e.imports[k])
        } else {
            0.0
        };
        if td != 0.0 {
            e.imports[k] -= td;
        }
        e.diversion[k] = td;
        e.non_china[k] = non_china + td;
        e.installed[k] = capacity;
        e.base[k] = china_base;
        e.surplus[k] = if lrc == 0.0 {
            0.0
        } else {
            -lrc.exp_m1() * (china_base + e.imports[k]) / 2.0
        };
    }
}

/// The trade model's per-unit, per-month values of one draw.
#[derive(Debug, Clone, Default)]
pub(crate) struct TradeCells {
    /// λ(t) where a tariff has changed, else 0.
    pub(super) lambda: Vec<f64>,
    /// ln r_C = ln(w·P), China's delivered-price ratio, else 0.
    pub(super) log_price: Vec<f64>,
    /// China's world-price factor w, else 1.
    pub(super) world: Vec<f64>,
    /// τ̄ of each unit (0 untaxed).
    pub(super) reference: Vec<f64>,
    /// One plant's nameplate output by month (no utilisation).
    pub(super) nameplate: Vec<f64>,
    /// Existing non-China supply N0, t/month.
    pub(super) base_supply: Vec<f64>,
    /// Non-China capacity of the plants serving the unit, t/month.
    pub(super) capacity: Vec<f64>,
    /// Trade creation on China's imports, t.
    pub(crate) creation: Vec<f64>,
    /// Diversion from China to non-China supply, t.
    pub(crate) diversion: Vec<f64>,
    /// Non-China supply used, t.
    pub(crate) non_china: Vec<f64>,
    /// Non-China supply installed (plants' nameplate·ramp plus N0), t.
    pub(crate) installed: Vec<f64>,
    /// Price effect, China's imports × p × (w − 1), US$.
    pub(crate) price_effect: Vec<f64>,
    /// Consumer-surplus change on China's supply, US$.
    pub(crate) surplus: Vec<f64>,
    /// Tariff revenue less the revenue at the reference rate τ̄ on China's base
    /// volume E·m_C, US$ (SMART's TR1 − TR0).
    pub(crate) revenue_change: Vec<f64>,
    /// China's imports × p × (r_C − 1), US$.
    pub(crate) delivered: Vec<f64>,
    /// China's imports × p × ((1 + τ)/(1 + τ̄) − 1), US$.
    pub(crate) tariffed: Vec<f64>,
    /// Volume moved along re-export routes, t (§3.8.1).
    pub(crate) reexport: Vec<f64>,
}

impl TradeCells {
    /// Lays the buffers out for `cells` cells of `units` units, at the values
    /// of cells no tariff or plant touches.
    pub(super) fn reset(&mut self, cells: usize, units: usize) {
        for v in [
            &mut self.lambda,
            &mut self.log_price,
            &mut self.base_supply,
            &mut self.capacity,
            &mut self.creation,
            &mut self.diversion,
            &mut self.non_china,
            &mut self.installed,
            &mut self.price_effect,
            &mut self.surplus,
            &mut self.revenue_change,
            &mut self.delivered,
            &mut self.tariffed,
            &mut self.reexport,
        ] {
            v.clear();
            v.resize(cells, 0.0);
        }
        self.world.clear();
        self.world.resize(cells, 1.0);
        self.reference.clear();
        self.reference.resize(units, 0.0);
    }
}

/// Non-China supply for the draw: existing supply N0 spread over its units,
/// then China's volume diverted to it by relative prices (§3.9).
pub(super) fn trade_step(prep: &Prepared, p: &[f64], out: &mut DrawResult) {
    let months = prep.months;
    let tc = &mut out.trade;
    for share in &prep.trade.non_china {
        let monthly = p[share.param] / 12.0;
        for t in 0..months {
            spread(
                &mut tc.base_supply,
                &out.demand,
                &share.units,
                months,
                t,
                monthly,
            );
        }
    }
    let sigma = p[prep.trade.sigma];
    // Only units with a tariff or non-China supply have anything to report;
    // the others' cells stay 0 from the reset.
    for &u in &prep.trade.units {
        let row = u * months..(u + 1) * months;
        for ((c, d), f) in tc.creation[row.clone()]
            .iter_mut()
            .zip(&out.demand[row.clone()])
            .zip(&out.tariff_factor[row.clone()])
        {
            *c = d * (f - 1.0);
        }
        let cells = Cells {
            demand: &out.demand[row.clone()],
            supply: &out.supply[row.clone()],
            base_supply: &tc.base_supply[row.clone()],
            capacity: &tc.capacity[row.clone()],
            lambda: &tc.lambda[row.clone()],
            log_price: &tc.log_price[row.clone()],
        };
        let effects = Effects {
            imports: &mut out.imports[row.clone()],
            diversion: &mut tc.diversion[row.clone()],
            non_china: &mut tc.non_china[row.clone()],
            installed: &mut tc.installed[row.clone()],
            surplus: &mut tc.surplus[row.clone()],
            base: &mut tc.revenue_change[row],
        };
        divert(sigma, &cells, effects);
    }
}

/// Export controls on trade creation, the price effect p·(w − 1) on China's
/// imports, the consumer-surplus change in US$ (the base delivered price
/// p·(1 + ρτ̄) times the per-unit change `divert` left) and the revenue change
/// against τ̄ on the base volume `divert` left there.
pub(super) fn money_effects(prep: &Prepared, rho: f64, out: &mut DrawResult) {
    let months = prep.months;
    let tc = &mut out.trade;
    for &u in &prep.trade.units {
        let tau_ref = tc.reference[u];
        let base_price = 1.0 + rho * tau_ref;
        for t in 0..months {
            let k = u * months + t;
            let (e, price, m) = (out.control[k], out.price[t], out.imports[k]);
            tc.creation[k] *= e;
            tc.reexport[k] *= e;
            tc.price_effect[k] = m * price * (tc.world[k] - 1.0);
            tc.surplus[k] *= e * price * base_price;
            tc.revenue_change[k] = out.revenue[k] - tc.revenue_change[k] * e * price * tau_ref;
            tc.delivered[k] = m * price * tc.log_price[k].exp_m1();
            tc.tariffed[k] = m * price * ((out.rate[k] - tau_ref) / (1.0 + tau_ref));
        }
    }
}
