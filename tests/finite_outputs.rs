//! Issue 16: over random scenarios, with every parameter anywhere in its
//! range up to its ceiling (docs/model.md §3.13) and horizons up to 2100, every
//! value a run writes is finite, and every tonnage and sum of money is ≥ 0
//! (only the trade model's changes may be negative). Growth and the tariff
//! elasticity are kept to what the checker lets through together (a factor
//! of at most 10²⁰ on imports); beyond it the checker refuses the scenario,
//! which `tests/error_catalogue.rs` checks.

mod trade_support;

use proptest::prelude::*;
use trade_support::{context, panel};

use magcast::engine::{self, RunOptions};
use magcast::report::summary_rows;
use magcast::scenario;

/// A value in `[low, high]`: mostly one of the ends (the ceilings are what
/// can overflow), otherwise spread over the range on a log scale.
fn value(low: f64, high: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(low),
        Just(high),
        (0.0f64..1.0).prop_map(move |u| {
            let (a, b) = (low.max(1e-6), high);
            if low < 0.0 {
                low + u * (high - low)
            } else {
                a * (b / a).powf(u)
            }
        }),
    ]
}

/// The YAML of one random scenario: every driver, each parameter drawn from
/// its range, some of them as distributions.
fn scenario_yaml() -> impl Strategy<Value = String> {
    let assumptions = (
        value(0.0, 100.0),
        value(0.0, 1.0),
        value(0.0, 1200.0),
        value(0.0, 100.0),
        value(0.01, 1e9),
        value(0.0, 1e7),
        value(1.0, 1e7),
        value(-0.99, 1.0),
    );
    let drivers = (
        value(0.0, 100.0),
        value(0.0, 1e7),
        value(-0.99, 1.0),
        value(0.0, 1.0),
        value(0.0, 1e4),
        value(0.0, 100.0),
        value(0.0, 0.99),
        2030i32..=2100,
    );
    (assumptions, drivers).prop_map(|((eps, rho, adj, sigma, eta, n0, price, pch), d)| {
        let (rate, tonnes, growth, vf, credit, response, share, horizon) = d;
        // Half of the checker's budget, ln 10²⁰ ≈ 46, for each: growth over the
        // horizon and the elasticity on the US's lognormal rate (up to 100).
        let years = f64::from(horizon - 2025);
        let growth = growth.min((20.0 / years).exp() - 1.0);
        let eps = eps.min(20.0 / 101f64.ln());
        format!(
            "name: random\nhorizon: {horizon}-12\ndraws: 3\n\
             assumptions: {{elasticity: {eps}, pass_through: {rho}, adjustment_months: {adj}, \
             substitution_elasticity: {sigma}, export_supply_elasticity: {eta}, \
             non_china_supply: {{USA: {n0}}}, reexport_elasticity: {{uniform: {{low: 0, high: {sigma}}}}}, \
             price: {{usd_per_t: {price}, annual_change: {pch}}}}}\n\
             tariffs:\n  reference: {{USA: {rate}}}\n  changes:\n    \
             - {{importer: USA, rate: {{lognormal: {{meanlog: 0, sdlog: 1000}}}}, from: 2026-06}}\n    \
             - {{importer: DEU, rate: {rate}, from: 2027-01, to: 2028-12}}\n\
             capacity:\n  - {{name: a, country: USA, tonnes_per_year: {tonnes}, start: 2026-03, \
             ramp_months: {adj}, utilization: {vf}}}\n\
             demand:\n  - {{importers: all, extra_growth: {growth}, from: 2026-01}}\n\
             export_controls:\n  - {{importers: [JPN], from: 2026-02, to: 2026-08, volume_factor: {vf}, \
             recovery_months: {adj}}}\n\
             diversion:\n  - {{from: USA, to: {{MEX: {share}}}}}\n\
             reexport_routes:\n  - {{to: USA, via: {{VNM: {half}}}}}\n\
             production_credits:\n  - {{country: USA, usd_per_kg: {credit}, from: 2026-01, \
             supply_response: {response}}}\n",
            half = share / 2.0,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_output_is_finite_and_tonnes_and_money_are_not_negative(yaml in scenario_yaml()) {
        let panel = panel();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("random.yaml");
        std::fs::write(&path, &yaml).unwrap();
        let scenarios = scenario::load(&[path], context(&panel))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        let options = RunOptions { seed: 3, draws: Some(3) };
        let result = engine::run(&panel, &scenarios, options, &|_| {})
            .map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        for r in summary_rows(&result) {
            let kept = [
                r.mean, r.p05, r.p95, r.baseline, r.value_usd, r.tariff_revenue_usd,
                r.downstream_cost_usd, r.credit_cost_usd, r.non_china_used_t,
                r.non_china_installed_t,
            ];
            let signed = [
                r.delta_tonnes, r.trade_creation_t, r.trade_diversion_t, r.price_effect_usd,
                r.tariff_revenue_change_usd, r.consumer_surplus_change_usd, r.reexport_t,
            ];
            prop_assert!(kept.iter().all(|v| v.is_finite() && *v >= 0.0), "{r:?}\n{yaml}");
            prop_assert!(signed.iter().all(|v| v.is_finite()), "{r:?}\n{yaml}");
            prop_assert!(r.delta_pct.is_none_or(f64::is_finite));
            prop_assert!(r.pass_through.is_none_or(f64::is_finite));
        }
    }
}
