//! Re-export routes inside a draw (docs/model.md §3.8.1): an importer's
//! China-origin magnets arrive directly or through other countries, and a
//! change in the routes' relative delivered prices moves volume between them
//! by a calibrated CES form. China's customs record a routed tonne as an
//! export to the country passed through, so the move shows up as imports
//! leaving one importer and reaching another.
//!
//! Only the change moves: the routes' base volumes are already in the
//! baseline of the countries passed through. With no price change, or an
//! elasticity of 0, nothing moves, exactly.

use super::drivers::DrawResult;
use super::layout::Layout;
use crate::scenario::ReexportRoute;

/// One importer's routes resolved onto units.
#[derive(Debug, Clone)]
pub(crate) struct RoutePrep {
    /// The units of the importer reached; each splits its own volume.
    pub(crate) units: Vec<usize>,
    /// Each unit passed through and its routes' base-share parameters (two
    /// countries folded into one unit, such as ROW, are one route with the
    /// sum of their shares: they face the same prices).
    pub(crate) via: Vec<(usize, Vec<usize>)>,
}

impl RoutePrep {
    /// `route` on `layout`, with its shares' parameter indices from `add`;
    /// a route through a unit of the importer reached moves nothing and is
    /// left out (a country folded into the same ROW or group rest).
    pub(crate) fn new(
        route: &ReexportRoute,
        layout: &Layout,
        add: &mut impl FnMut(&crate::scenario::Param) -> usize,
    ) -> RoutePrep {
        let units = layout.units_of(route.to);
        let mut via: Vec<(usize, Vec<usize>)> = Vec::new();
        for (country, share) in &route.via {
            let k = add(share);
            let Some(&unit) = layout.units_of(*country).first() else {
                continue;
            };
            if units.contains(&unit) {
                continue;
            }
            match via.iter_mut().find(|(v, _)| *v == unit) {
                Some((_, shares)) => shares.push(k),
                None => via.push((unit, vec![k])),
            }
        }
        RoutePrep { units, via }
    }

    /// The units whose re-export cells this importer's routes write.
    pub(crate) fn touched(&self) -> impl Iterator<Item = usize> + '_ {
        self.units
            .iter()
            .copied()
            .chain(self.via.iter().map(|(v, _)| *v))
    }
}

/// The smallest base share of the direct route: a draw whose route shares sum
/// to 1 or more (possible only with unbounded distributions) keeps this much.
const MIN_DIRECT_SHARE: f64 = 1e-6;

/// One importer's routes in one draw.
struct RouteDraw<'a> {
    route: &'a RoutePrep,
    /// s_0 = 1 − Σ s_j.
    direct_share: f64,
    /// The route elasticity σ_R.
    sigma: f64,
    p: &'a [f64],
    months: usize,
}

/// Moves China-origin volume between each importer's direct route and its
/// re-export routes for one draw, with route elasticity `sigma` and the
/// draw's parameters `p`.
///
/// Per unit u of the importer and month, with M its direct imports so far and
/// s_j the routes' base shares (s_0 = 1 − Σ s_j direct), the importer's
/// China-origin volume is Q = M / s_0, and route j's delivered price ratio is
/// r_j, China's delivered-price ratio at the unit passed through (its own
/// tariff change and China's price there: goods routed through a country are
/// imported there). Each route's weight is x_j = r_j^(−σ·λ_j), λ_j the
/// adjustment weight where its price changed; the new volume on route j is
/// Q·s_j·x_j / Σ_k s_k·x_k, and the change ΔR_j = that − s_j·Q moves from u to
/// the unit passed through.
pub(crate) fn reroute(
    routes: &[RoutePrep],
    sigma: f64,
    p: &[f64],
    months: usize,
    out: &mut DrawResult,
) {
    for route in routes {
        for u in route.touched() {
            out.trade.reexport[u * months..(u + 1) * months].fill(0.0);
        }
    }
    if sigma == 0.0 {
        return;
    }
    for route in routes {
        let shares: f64 = route.via.iter().flat_map(|(_, k)| k).map(|&k| p[k]).sum();
        let draw = RouteDraw {
            route,
            direct_share: (1.0 - shares).max(MIN_DIRECT_SHARE),
            sigma,
            p,
            months,
        };
        for &u in &route.units {
            for t in 0..months {
                draw.cell(u, t, out);
            }
        }
    }
}

impl RouteDraw<'_> {
    /// ln x of the route whose price is read at `cell`.
    fn exponent(&self, out: &DrawResult, cell: usize) -> f64 {
        -self.sigma * out.trade.lambda[cell] * out.trade.log_price[cell]
    }

    /// The base share of the route through `via`'s entry.
    fn share(&self, shares: &[usize]) -> f64 {
        shares.iter().map(|&k| self.p[k]).sum()
    }

    /// Q and Σ_k s_k·x_k at cell `k` and month `t`, or none when nothing
    /// moves (no direct volume, or no route's price has changed).
    fn totals(&self, out: &DrawResult, k: usize, t: usize) -> Option<(f64, f64)> {
        let direct = out.imports[k];
        let cells = || self.route.via.iter().map(|(v, s)| (v * self.months + t, s));
        let direct_exp = self.exponent(out, k);
        let unchanged = direct_exp == 0.0 && cells().all(|(c, _)| self.exponent(out, c) == 0.0);
        if direct <= 0.0 || unchanged {
            return None;
        }
        let weight = self.direct_share * direct_exp.exp()
            + cells()
                .map(|(c, s)| self.share(s) * self.exponent(out, c).exp())
                .sum::<f64>();
        Some((direct / self.direct_share, weight))
    }

    /// ΔR of the route through unit `v` (base shares `s`) at month `t`: at
    /// most what that unit imports can leave it.
    fn change(&self, out: &DrawResult, v: usize, s: &[usize], t: usize, q: f64, w: f64) -> f64 {
        let cell = v * self.months + t;
        let c = q * self.share(s) * (self.exponent(out, cell).exp() / w - 1.0);
        c.max(-out.imports[cell])
    }

    /// Moves the volume at unit `u`, month `t`. Should the caps on losing
    /// routes leave the gaining routes more than the direct route has, the
    /// gains are scaled down, so the tonnes moved always add up to 0.
    fn cell(&self, u: usize, t: usize, out: &mut DrawResult) {
        let k = u * self.months + t;
        let Some((q, w)) = self.totals(out, k, t) else {
            return;
        };
        let (mut gain, mut loss) = (0.0, 0.0);
        for (v, s) in &self.route.via {
            let c = self.change(out, *v, s, t, q, w);
            if c > 0.0 {
                gain += c;
            } else {
                loss -= c;
            }
        }
        let room = out.imports[k] + loss;
        let factor = if gain > room { room / gain } else { 1.0 };
        let mut moved = 0.0;
        for (v, s) in &self.route.via {
            let c = self.change(out, *v, s, t, q, w);
            let c = if c > 0.0 { c * factor } else { c };
            let cell = v * self.months + t;
            out.imports[cell] += c;
            out.trade.reexport[cell] += c;
            moved += c;
        }
        out.imports[k] -= moved;
        out.trade.reexport[k] -= moved;
        // The consumer-surplus trapezoid on China's direct supply (§3.9) with
        // the volume that left the direct route: q₁ falls by what moved.
        let lrc = out.trade.log_price[k];
        if lrc != 0.0 {
            out.trade.surplus[k] += lrc.exp_m1() * moved / 2.0;
        }
    }
}
