//! Re-export routes in a draw (docs/model.md §3.8.1), worked by hand on the
//! flat 100 t/month baseline: US demand D = 100, a 25 % US tariff adjusting at
//! once, ε = 0.5, so the direct route carries M = 100·1.25^−0.5 = 89.4427191 t
//! before any route moves.

use super::{Case, close};

/// The US case with routes through Germany and Mexico (folded into ROW), base
/// shares 0.1 each, and `extra` assumptions and tariffs.
fn routed(extra: &str, tariffs: &str) -> Case {
    Case::run(&format!(
        "horizon: 2026-12\n\
         assumptions: {{baseline_uncertainty: false, elasticity: 0.5, adjustment_months: 0, \
         price: {{usd_per_t: 50000}}{extra}}}\n\
         tariffs: {{changes: [{{importer: USA, rate: 0.25, from: 2026-01}}{tariffs}]}}\n\
         reexport_routes:\n  - {{to: USA, via: {{DEU: 0.1, MEX: 0.1}}}}\n"
    ))
}

fn reexport(c: &Case, code: &str, t: usize) -> f64 {
    c.result.trade.reexport[c.unit(code) * c.prep.months + t]
}

/// σ_R = 2: s_0 = 0.8, Q = M/0.8 = 111.803398875; the direct route's weight is
/// x_0 = 1.25^−2 = 0.64 and the others' 1, so Σ s·x = 0.712. The direct route
/// keeps Q·0.512/0.712 = 80.3979497528 t; each route gains
/// Q·0.1·(1/0.712 − 1) = 4.5223846736 t. Revenue 80.3979497528·50,000·0.25 =
/// US$1,004,974.37; ΔCS = −0.25·(100 + 80.3979497528)/2·50,000 = −US$1,127,487.19.
#[test]
fn routes_take_the_volume_a_dearer_direct_route_loses() {
    let c = routed(", reexport_elasticity: 2", "");
    close(c.imports("USA", 0), 80.397_949_752_801_44);
    close(c.imports("DEU", 0), 100.0 + 4.522_384_673_595_082);
    close(c.imports("ROW", 0), 100.0 + 4.522_384_673_595_082);
    close(reexport(&c, "USA", 0), -9.044_769_347_190_154);
    close(reexport(&c, "DEU", 0), 4.522_384_673_595_082);
    close(reexport(&c, "ROW", 0), 4.522_384_673_595_082);
    let usa = c.unit("USA") * c.prep.months;
    close(c.result.revenue[usa], 1_004_974.371_910_017_9);
    close(c.result.trade.surplus[usa], -1_127_487.185_955_009);
    // The tariff itself still removes what it removed: creation is unchanged.
    close(c.result.trade.creation[usa], 89.442_719_099_991_59 - 100.0);
}

/// Germany taxes China by 25 % as well: its route's weight is 0.64 like the
/// direct one's, Σ s·x = 0.576. The direct route keeps Q·0.512/0.576 =
/// 84.6794973728 t, Germany's route loses Q·0.1·(1 − 0.64/0.576) = 0.5954027159 t
/// and ROW's gains Q·0.1·(1/0.576 − 1) = 5.3586244431 t.
#[test]
fn a_route_through_a_taxing_country_loses_volume() {
    let c = routed(
        ", reexport_elasticity: 2",
        ", {importer: DEU, rate: 0.25, from: 2026-01}",
    );
    close(c.imports("USA", 0), 84.679_497_372_773_1);
    close(reexport(&c, "DEU", 0), -0.595_402_715_902_312_3);
    close(reexport(&c, "ROW", 0), 5.358_624_443_120_798_6);
    // Germany's own imports are cut by its tariff, then lose its route's share.
    close(
        c.imports("DEU", 0),
        89.442_719_099_991_59 - 0.595_402_715_902_312_3,
    );
    close(reexport(&c, "USA", 0), -4.763_221_727_218_487);
}

/// Left out, the route elasticity is σ; σ = 0 for the routes moves nothing,
/// to the bit, whatever σ does for non-China supply.
#[test]
fn the_route_elasticity_defaults_to_sigma_and_zero_moves_nothing() {
    let with_sigma = routed(", substitution_elasticity: 2", "");
    close(with_sigma.imports("USA", 0), 80.397_949_752_801_44);
    let plain = Case::run(
        "horizon: 2026-12\n\
         assumptions: {baseline_uncertainty: false, elasticity: 0.5, adjustment_months: 0, \
         price: {usd_per_t: 50000}}\n\
         tariffs: {changes: [{importer: USA, rate: 0.25, from: 2026-01}]}\n",
    );
    let off = routed(", substitution_elasticity: 2, reexport_elasticity: 0", "");
    for code in ["USA", "DEU", "ROW"] {
        for t in 0..12 {
            assert_eq!(
                off.imports(code, t).to_bits(),
                plain.imports(code, t).to_bits()
            );
            assert_eq!(reexport(&off, code, t).to_bits(), 0.0f64.to_bits());
        }
    }
}

/// A route through a country folded into the importer's own unit moves
/// nothing: Mexico and Brazil are both ROW.
#[test]
fn a_route_inside_one_unit_is_left_out() {
    let c = Case::run(
        "horizon: 2026-12\n\
         assumptions: {baseline_uncertainty: false, adjustment_months: 0, reexport_elasticity: 2}\n\
         tariffs: {changes: [{importer: BRA, rate: 0.25, from: 2026-01}]}\n\
         reexport_routes:\n  - {to: BRA, via: {MEX: 0.2}}\n",
    );
    assert!(c.prep.trade.routes[0].via.is_empty());
    assert_eq!(reexport(&c, "ROW", 0).to_bits(), 0.0f64.to_bits());
}
