//! The trade model in a draw, worked by hand on the flat 100 t/month baseline:
//! the worked example of scenarios/README.md ("σ and η"), the capacity cap, and
//! σ = 0, η = ∞ leaving today's numbers.

use super::{Case, close};

/// A 25 % US tariff from 2026-01 adjusting at once (λ = 1), ε = 0.5, and one US
/// plant of 1,200 t/yr at 40 % utilisation: S = 40 t/month, K = 100 t/month.
fn example(assumptions: &str, nameplate: f64) -> Case {
    Case::run(&format!(
        "horizon: 2026-12\n\
         assumptions: {{baseline_uncertainty: false, elasticity: 0.5, adjustment_months: 0, \
         price: {{usd_per_t: 50000}}{assumptions}}}\n\
         tariffs: {{changes: [{{importer: USA, rate: 0.25, from: 2026-01}}]}}\n\
         capacity:\n  - {{name: a, country: USA, tonnes_per_year: {nameplate}, start: 2026-01, \
         ramp_months: 0, utilization: {}}}\n",
        480.0 / nameplate
    ))
}

/// The cell of USA in month `t` of the trade buffer `column`.
fn cell(c: &Case, column: &[f64], t: usize) -> f64 {
    column[c.unit("USA") * c.prep.months + t]
}

/// σ = 2, η = ∞: T = 1.25^−0.5 = 0.894427191, creation −10.5572809 t; base
/// m_C = 60, m_N = 40, x = 1.25^−2 = 0.64, TD = 40·60·0.36/(60·0.64 + 40) =
/// 864/78.4 = 11.0204082 t; China 89.4427191 − 40 − 11.0204082 = 38.4223109 t;
/// revenue 38.4223109·50,000·0.25 = US$480,278.89; ΔCS = −0.25·(60 +
/// 38.4223109)/2·50,000 = −US$615,139.44.
#[test]
fn the_readme_example_diverts_by_relative_prices() {
    let c = example(", substitution_elasticity: 2", 1200.0);
    let t = &c.result.trade;
    close(c.imports("USA", 0), 38.422_310_936_726_29);
    close(cell(&c, &t.creation, 0), -10.557_280_900_008_415);
    close(cell(&c, &t.diversion, 0), 11.020_408_163_265_305);
    close(cell(&c, &t.non_china, 0), 51.020_408_163_265_3);
    close(cell(&c, &t.installed, 0), 100.0);
    close(cell(&c, &c.result.revenue, 0), 480_278.886_709_078_6);
    close(cell(&c, &t.surplus, 0), -615_139.443_354_539_3);
    close(cell(&c, &t.price_effect, 0), 0.0);
    // η = ∞, ρ = 1: the whole tariff reaches the delivered price.
    close(
        cell(&c, &t.delivered, 0),
        38.422_310_936_726_29 * 50_000.0 * 0.25,
    );
    close(
        cell(&c, &t.tariffed, 0),
        38.422_310_936_726_29 * 50_000.0 * 0.25,
    );
    // Total demand is kept: China plus non-China is D·T (creation aside).
    close(
        c.imports("USA", 0) + cell(&c, &t.non_china, 0),
        89.442_719_099_991_59,
    );
    // Germany has no tariff: nothing moves there.
    close(c.imports("DEU", 0), 100.0);
}

/// The same with η = 4: China bears a = 0.5/4.5 = 1/9 of the price change,
/// w = 1.25^(−1/9) = 0.975511112, r_C = 1.25^(8/9) = 1.21938889, T = r_C^−0.5 =
/// 0.905584297, TD = 9.78086487 t, China 40.7775648 t; the price effect is
/// 40.7775648·50,000·(w − 1) = −US$49,929.86 and revenue is levied on w·p.
#[test]
fn a_finite_supply_elasticity_lowers_china_s_price() {
    let c = example(
        ", substitution_elasticity: 2, export_supply_elasticity: 4",
        1200.0,
    );
    let t = &c.result.trade;
    close(c.imports("USA", 0), 40.777_564_818_657_666);
    close(cell(&c, &t.creation, 0), -9.441_570_311_454_662);
    close(cell(&c, &t.diversion, 0), 9.780_864_869_887_681);
    close(cell(&c, &c.result.value, 0), 1_988_948.380_002_380_6);
    close(cell(&c, &c.result.revenue, 0), 497_237.095_000_595_15);
    close(cell(&c, &t.price_effect, 0), -49_929.860_930_502_69);
    close(cell(&c, &t.surplus, 0), -552_736.951_995_814_6);
    // Pass-through (r_C − 1)/(P − 1) = 0.21938889/0.25 = 0.87755556.
    close(
        cell(&c, &t.delivered, 0) / cell(&c, &t.tariffed, 0),
        0.877_555_559_895_382_6,
    );
}

/// With 600 t/yr of nameplate at 80 % (S = 40, K = 50) the CES diversion of
/// 11.02 t does not fit: non-China supply stops at 50 t and China keeps the rest.
#[test]
fn diversion_stops_at_installed_capacity() {
    let c = example(", substitution_elasticity: 2", 600.0);
    let t = &c.result.trade;
    close(cell(&c, &t.diversion, 0), 10.0);
    close(cell(&c, &t.non_china, 0), 50.0);
    close(cell(&c, &t.installed, 0), 50.0);
    close(c.imports("USA", 0), 89.442_719_099_991_59 - 40.0 - 10.0);
}

/// σ = 0 and η = ∞ (the defaults) give §3.4-§3.9 as before: D·T − S, no
/// diversion, China's price unchanged; existing non-China supply alone moves
/// nothing either.
#[test]
fn sigma_zero_is_today_s_model() {
    let today = example("", 1200.0);
    let with_base = example(", non_china_supply: {USA: 600}", 1200.0);
    for c in [&today, &with_base] {
        let t = &c.result.trade;
        close(c.imports("USA", 0), 89.442_719_099_991_59 - 40.0);
        close(cell(c, &t.diversion, 0), 0.0);
        close(cell(c, &t.price_effect, 0), 0.0);
    }
    let t = &with_base.result.trade;
    close(cell(&with_base, &t.non_china, 0), 90.0);
    close(cell(&with_base, &t.installed, 0), 150.0);
    assert_eq!(
        today.imports("USA", 0).to_bits(),
        with_base.imports("USA", 0).to_bits()
    );
}
