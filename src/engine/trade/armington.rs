//! One importer's demand split between China and non-China supply by an
//! Armington (CES) aggregate (docs/model.md §3.14.2): σ and the delivered prices
//! p·(1 + τ) set the shares, non-China supply is capped by what is installed
//! (the rest goes back to China at China's price), and China's export-supply
//! elasticity η sets how much of a tariff China absorbs in its world price.
//!
//! Prices are relative to the base state; at the base both sources have the
//! same world price `price` (US$/t), so base tonnes and base values agree up to
//! that factor, as in SMART.

use super::{Result, finish, non_negative, require, supply_elasticity};

/// One month of one importer's market, as given (unchecked).
#[derive(Debug, Clone, PartialEq)]
pub struct ArmingtonParams {
    /// Demand D₀ (t) at the base tariffs.
    pub demand: f64,
    /// China's share of D₀ in the Armington calibration, in [0, 1] (before any
    /// capacity limit; the rest is what non-China sources would supply).
    pub china_share: f64,
    /// Installed non-China supply available to this importer (t), ≥ 0 or +∞.
    pub non_china_capacity: f64,
    /// Base world price of a tonne (US$/t), > 0.
    pub price: f64,
    /// Substitution elasticity σ ≥ 0 between Chinese and other magnets.
    pub substitution_elasticity: f64,
    /// Import-demand elasticity ε ≥ 0 of total demand to its price index.
    pub import_demand_elasticity: f64,
    /// China's export-supply elasticity η > 0; `f64::INFINITY` for a world price
    /// that does not move (complete pass-through, today's model).
    pub export_supply_elasticity: f64,
    /// Tariffs on China and on other sources at the base, and after the change.
    pub tariffs: Tariffs,
}

/// Ad-valorem tariffs (0.25 = 25 %) on the two sources before and after.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tariffs {
    /// On China at the base.
    pub china_base: f64,
    /// On China after the change.
    pub china: f64,
    /// On other sources at the base.
    pub other_base: f64,
    /// On other sources after the change.
    pub other: f64,
}

/// A checked market.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmingtonMarket {
    params: ArmingtonParams,
}

/// Who supplies the importer in one state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Supply {
    /// Total demand (t).
    pub demand: f64,
    /// Imports from China (t), overflow included.
    pub china: f64,
    /// Non-China supply used (t), ≤ capacity.
    pub non_china: f64,
    /// Demand for non-China magnets that did not fit into capacity and went to
    /// China (t).
    pub overflow: f64,
    /// China's world price relative to the base.
    pub china_world_price: f64,
}

/// The base and changed states, and what the change does.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmingtonOutcome {
    /// At the base tariffs.
    pub base: Supply,
    /// After the tariff change.
    pub changed: Supply,
    /// Installed non-China capacity (t).
    pub capacity: f64,
    /// Share of China's tariff-factor change that reaches its delivered price,
    /// (r − 1)/(T − 1); `None` when China's tariff does not change.
    pub pass_through: Option<f64>,
    /// Tariff revenue before and after (US$).
    pub revenue: (f64, f64),
    /// Change of consumer surplus (US$), −Σ ΔP·(q₀ + q₁)/2.
    pub consumer_surplus_change: f64,
}

impl ArmingtonOutcome {
    /// Trade creation: the change of total demand (t).
    pub fn creation(&self) -> f64 {
        self.changed.demand - self.base.demand
    }

    /// Diversion to non-China supply (t): its change beyond its base share of
    /// the change in demand (China's diversion is the negative of it).
    pub fn diversion(&self) -> f64 {
        let share = share_of(self.base.non_china, self.base.demand);
        self.changed.non_china - self.base.non_china - share * self.creation()
    }

    /// Tariff revenue after less before (US$).
    pub fn revenue_change(&self) -> f64 {
        self.revenue.1 - self.revenue.0
    }

    /// The importer's welfare change: consumer surplus plus revenue (US$).
    pub fn welfare_change(&self) -> f64 {
        self.consumer_surplus_change + self.revenue_change()
    }
}

fn share_of(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

impl ArmingtonParams {
    /// Checks every input at once.
    pub fn check(self) -> Result<ArmingtonMarket> {
        let mut problems = Vec::new();
        let p = &self;
        require(&mut problems, non_negative(p.demand), || {
            format!("demand {} is not a number ≥ 0", p.demand)
        });
        require(&mut problems, (0.0..=1.0).contains(&p.china_share), || {
            format!("China's share {} is not in [0, 1]", p.china_share)
        });
        require(&mut problems, p.non_china_capacity >= 0.0, || {
            format!("non-China capacity {} is not ≥ 0", p.non_china_capacity)
        });
        require(&mut problems, p.price.is_finite() && p.price > 0.0, || {
            format!("price {} is not a number > 0", p.price)
        });
        let (s, e, h) = (
            p.substitution_elasticity,
            p.import_demand_elasticity,
            p.export_supply_elasticity,
        );
        require(&mut problems, non_negative(s), || {
            format!("substitution elasticity {s} is not a number ≥ 0")
        });
        require(&mut problems, non_negative(e), || {
            format!("import-demand elasticity {e} is not a number ≥ 0")
        });
        require(&mut problems, supply_elasticity(h), || {
            format!("export-supply elasticity {h} is not > 0 (or infinite)")
        });
        let t = p.tariffs;
        for (name, rate) in [
            ("China's base tariff", t.china_base),
            ("China's tariff", t.china),
            ("the others' base tariff", t.other_base),
            ("the others' tariff", t.other),
        ] {
            require(&mut problems, non_negative(rate), || {
                format!("{name} {rate} is not a number ≥ 0")
            });
        }
        finish(problems)?;
        Ok(ArmingtonMarket { params: self })
    }
}

impl ArmingtonMarket {
    /// The checked inputs.
    pub fn params(&self) -> &ArmingtonParams {
        &self.params
    }

    /// Solves the base and the changed state (docs/model.md §3.14.2).
    pub fn solve(&self) -> ArmingtonOutcome {
        let t = self.params.tariffs;
        let base = self.allocate(1.0, t.china_base, t.other_base);
        let world = self.clearing_price(base.china);
        let changed = self.allocate(world, t.china, t.other);
        let factor = (1.0 + t.china) / (1.0 + t.china_base);
        let pass_through =
            ((factor - 1.0).abs() > 1e-12).then(|| (world * factor - 1.0) / (factor - 1.0));
        let (revenue, consumer_surplus_change) = self.money(&base, &changed);
        ArmingtonOutcome {
            base,
            changed,
            capacity: self.params.non_china_capacity,
            pass_through,
            revenue,
            consumer_surplus_change,
        }
    }

    /// Demand and its split when China's world price is `world` times the base
    /// and the tariffs are `china` and `other`.
    fn allocate(&self, world: f64, china: f64, other: f64) -> Supply {
        let p = &self.params;
        let t = p.tariffs;
        let sigma = p.substitution_elasticity;
        let r_china = world * (1.0 + china) / (1.0 + t.china_base);
        let r_other = (1.0 + other) / (1.0 + t.other_base);
        let (s_china, s_other) = (p.china_share, 1.0 - p.china_share);
        let a_china = s_china * r_china.powf(-sigma);
        let a_other = s_other * r_other.powf(-sigma);
        let index = self.price_index(r_china, r_other);
        let demand = p.demand * index.powf(-p.import_demand_elasticity);
        let wanted = demand * a_other / (a_china + a_other);
        let non_china = wanted.min(p.non_china_capacity);
        let overflow = wanted - non_china;
        Supply {
            demand,
            china: demand - wanted + overflow,
            non_china,
            overflow,
            china_world_price: world,
        }
    }

    /// The CES price index relative to the base, with base expenditure shares as
    /// weights (geometric mean at σ = 1).
    fn price_index(&self, r_china: f64, r_other: f64) -> f64 {
        let p = &self.params;
        let t = p.tariffs;
        let spend_china = p.china_share * (1.0 + t.china_base);
        let spend_other = (1.0 - p.china_share) * (1.0 + t.other_base);
        let v = spend_china / (spend_china + spend_other);
        let rho = 1.0 - p.substitution_elasticity;
        if rho.abs() < 1e-9 {
            (v * r_china.ln() + (1.0 - v) * r_other.ln()).exp()
        } else {
            (v * r_china.powf(rho) + (1.0 - v) * r_other.powf(rho)).powf(1.0 / rho)
        }
    }

    /// China's world price (relative to the base) at which its supply,
    /// X₀·w^η, meets the demand for Chinese magnets at the new tariffs: 1 when
    /// η is infinite or China sells nothing at the base.
    fn clearing_price(&self, base_china: f64) -> f64 {
        let p = &self.params;
        let eta = p.export_supply_elasticity;
        if eta.is_infinite() || base_china <= 0.0 {
            return 1.0;
        }
        let t = p.tariffs;
        // Excess demand in logs; decreasing in ln w.
        let excess = |ln_w: f64| {
            let demand = self.allocate(ln_w.exp(), t.china, t.other).china;
            demand.ln() - base_china.ln() - eta * ln_w
        };
        bisect(excess).exp()
    }

    /// Revenue before and after, and the change of consumer surplus.
    fn money(&self, base: &Supply, changed: &Supply) -> ((f64, f64), f64) {
        let p = &self.params;
        let t = p.tariffs;
        let w = changed.china_world_price;
        let before = p.price * (t.china_base * base.china + t.other_base * base.non_china);
        let after = p.price * (t.china * w * changed.china + t.other * changed.non_china);
        let dp_china = p.price * (w * (1.0 + t.china) - (1.0 + t.china_base));
        let dp_other = p.price * (t.other - t.other_base);
        let surplus = -(dp_china * (base.china + changed.china)
            + dp_other * (base.non_china + changed.non_china))
            / 2.0;
        ((before, after), surplus)
    }
}

/// The root of a decreasing function of ln w: widens a bracket around 0 until
/// the sign changes, then halves it to double precision.
fn bisect(f: impl Fn(f64) -> f64) -> f64 {
    let (mut lo, mut hi) = (-1.0, 1.0);
    while f(lo) < 0.0 && lo > -700.0 {
        lo *= 2.0;
    }
    while f(hi) > 0.0 && hi < 700.0 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}
