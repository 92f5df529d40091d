//! Each driver against a case worked out by hand, on a flat baseline of 100 t a
//! month for every unit, projections starting 2026-01.

use super::drivers::{DrawResult, simulate};
use super::layout::Layout;
use super::prepare::Prepared;
use crate::data::{Importer, Month};
use crate::scenario::{self, Scenario, ValidationContext};

mod routes;
mod tariffs;
mod trade;

fn importer(code: &str) -> Importer {
    code.parse().unwrap()
}

/// WORLD, USA, DEU and ROW: units USA, DEU, ROW.
fn layout() -> Layout {
    Layout::new(&[
        importer("WORLD"),
        importer("DEU"),
        importer("USA"),
        Importer::RestOfWorld,
    ])
}

pub(super) fn scenario(yaml: &str) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.yaml");
    std::fs::write(&path, yaml).unwrap();
    let mut s = scenario::load(&[path], ValidationContext { first_month: None }).unwrap();
    s.remove(0)
}

struct Case {
    layout: Layout,
    prep: Prepared,
    result: DrawResult,
    scenario: Scenario,
}

impl Case {
    pub(super) fn run(yaml: &str) -> Case {
        let layout = layout();
        let first = Month::new(2026, 1).unwrap();
        let s = scenario(yaml);
        let months = (s.horizon.months_since(first) + 1) as usize;
        let base = vec![100.0; layout.units.len() * months];
        let prep = Prepared::new(&s, &layout, first, &base);
        let mut params = Vec::new();
        prep.central(&mut params);
        let mut result = DrawResult::default();
        simulate(&prep, &base, &params, &mut result);
        Case {
            layout,
            prep,
            result,
            scenario: s,
        }
    }

    pub(super) fn unit(&self, code: &str) -> usize {
        self.layout.units_of(importer(code))[0]
    }

    pub(super) fn imports(&self, code: &str, t: usize) -> f64 {
        self.result.imports[self.unit(code) * self.prep.months + t]
    }
}

#[track_caller]
pub(super) fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} != {b}");
}

const HEAD: &str =
    "horizon: 2027-12\nassumptions: {baseline_uncertainty: false, price: {usd_per_t: 50000}}\n";

#[test]
fn no_drivers_is_the_baseline() {
    let c = Case::run(HEAD);
    for t in 0..24 {
        close(c.imports("USA", t), 100.0);
        close(c.imports("ROW", t), 100.0);
    }
}

#[test]
fn demand_growth_compounds_from_its_start() {
    let c = Case::run(&format!(
        "{HEAD}demand:\n  - {{importers: [USA], extra_growth: 0.1, from: 2026-01, to: 2026-12}}\n"
    ));
    close(c.imports("USA", 0), 100.0);
    close(c.imports("USA", 6), 100.0 * 1.1f64.powf(0.5));
    // Growth stops at `to` (11 months after `from`).
    close(c.imports("USA", 20), 100.0 * 1.1f64.powf(11.0 / 12.0));
    close(c.imports("DEU", 6), 100.0);
}

#[test]
fn tariff_with_pass_through_elasticity_and_adjustment() {
    let c = Case::run(
        "horizon: 2027-12\nassumptions: {baseline_uncertainty: false, elasticity: 0.5, pass_through: 1, adjustment_months: 0, price: {usd_per_t: 50000}}\n\
         tariffs: {reference: {USA: 0.2}, changes: [{importer: USA, rate: 0.5, from: 2026-01}]}\n",
    );
    let t_factor = (1.5f64 / 1.2).powf(-0.5);
    close(c.imports("USA", 0), 100.0 * t_factor);
    close(c.imports("DEU", 0), 100.0);
    // Revenue = value × rate, value = imports × price.
    let u = c.unit("USA");
    close(
        c.result.revenue[u * c.prep.months],
        100.0 * t_factor * 50000.0 * 0.5,
    );

    let slow = Case::run(
        "horizon: 2027-12\nassumptions: {baseline_uncertainty: false, elasticity: 0.5, pass_through: 0.8, adjustment_months: 12}\n\
         tariffs: {reference: {USA: 0.2}, changes: [{importer: USA, rate: 0.5, from: 2026-01}]}\n",
    );
    let p: f64 = (1.0 + 0.8 * 0.5) / (1.0 + 0.8 * 0.2);
    close(slow.imports("USA", 0), 100.0); // λ = 0 in the month of the change
    let lambda = 1.0 - (-1.0f64).exp();
    close(slow.imports("USA", 12), 100.0 * p.powf(-0.5 * lambda));
}

#[test]
fn capacity_ramps_and_displaces_imports() {
    let c = Case::run(&format!(
        "{HEAD}capacity:\n  - {{name: a, country: USA, tonnes_per_year: 1200, start: 2026-01, ramp_months: 12, curve: linear, utilization: 0.5}}\n  \
         - {{name: b, country: DEU, tonnes_per_year: 1200, start: 2026-03, ramp_months: 12, curve: s-curve, utilization: 1, displacement: 0.5}}\n"
    ));
    // Linear: output (1200/12)·(t+1)/12·0.5.
    close(c.imports("USA", 0), 100.0 - 100.0 * (1.0 / 12.0) * 0.5);
    close(c.imports("USA", 11), 50.0);
    close(c.imports("USA", 20), 50.0);
    // S-curve from March: at t = 7 (month 6 of the ramp, u = 0.5) ramp = 0.5.
    close(c.imports("DEU", 1), 100.0);
    close(c.imports("DEU", 7), 100.0 - 100.0 * 0.5 * 0.5);
}

/// A plant that starts in March produces in March: the start month is the first
/// month of output, with v = 1/R of the ramp (docs/model.md §3.5), and nothing
/// the month before.
#[test]
fn the_start_month_is_the_first_month_of_output() {
    let c = Case::run(&format!(
        "{HEAD}capacity:\n  - {{name: a, country: USA, tonnes_per_year: 1200, start: 2026-03, ramp_months: 4, curve: linear, utilization: 1}}\n  \
         - {{name: b, country: DEU, tonnes_per_year: 1200, start: 2026-03, ramp_months: 4, utilization: 1}}\n"
    ));
    // 100 t a month at nameplate; linear v = 1/4 in March, 2/4 in April.
    close(c.imports("USA", 1), 100.0);
    close(c.imports("USA", 2), 100.0 - 25.0);
    close(c.imports("USA", 3), 100.0 - 50.0);
    close(c.imports("USA", 5), 0.0);
    // S-curve: 3v² − 2v³ at v = 1/4 is 5/32.
    close(c.imports("DEU", 1), 100.0);
    close(c.imports("DEU", 2), 100.0 - 100.0 * 5.0 / 32.0);
}

/// `--draws` overrides every scenario with something uncertain, `draws: 1` in
/// the file included; a scenario with nothing uncertain runs one draw.
#[test]
fn the_draws_override_reaches_every_uncertain_scenario() {
    use super::run::draws_for;
    let one = scenario(
        "draws: 1\nassumptions: {baseline_uncertainty: false, elasticity: {uniform: {low: 0.2, high: 0.8}}}\n",
    );
    assert_eq!(draws_for(&one, Some(200)), 200);
    assert_eq!(draws_for(&one, None), 1);
    let fifty = scenario("draws: 50\n");
    assert_eq!(draws_for(&fifty, Some(200)), 200);
    assert_eq!(draws_for(&fifty, None), 50);
    let fixed = scenario("draws: 50\nassumptions: {baseline_uncertainty: false}\n");
    assert_eq!(draws_for(&fixed, Some(200)), 1);
    assert_eq!(draws_for(&fixed, None), 1);
}

#[test]
fn production_credit_raises_utilisation_and_costs_money() {
    let c = Case::run(&format!(
        "{HEAD}capacity:\n  - {{name: a, country: USA, tonnes_per_year: 1200, start: 2026-01, ramp_months: 0, utilization: 0.5}}\n\
         production_credits:\n  - {{country: USA, usd_per_kg: 10, from: 2026-07, supply_response: 0.5}}\n"
    ));
    close(c.imports("USA", 0), 50.0);
    // Utilisation 0.5·(1 + 0.5·10/50) = 0.55 from July 2026.
    close(c.imports("USA", 6), 45.0);
    let usa = c.unit("USA") * c.prep.months;
    close(c.result.credit_cost[usa + 5], 0.0);
    close(c.result.credit_cost[usa + 6], 10.0 * 1000.0 * 100.0 * 0.55);
}

#[test]
fn diversion_reroutes_what_a_tariff_removes() {
    let c = Case::run(
        "horizon: 2027-12\nassumptions: {baseline_uncertainty: false, elasticity: 1, pass_through: 1, adjustment_months: 0}\n\
         tariffs: {changes: [{importer: USA, rate: 1.0, from: 2026-01}]}\n\
         diversion:\n  - {from: USA, to: {DEU: 0.4, MEX: 0.1}}\n",
    );
    close(c.imports("USA", 0), 50.0);
    close(c.imports("DEU", 0), 100.0 + 0.4 * 50.0);
    // MEX is not a series of its own: its share lands in ROW.
    close(c.imports("ROW", 0), 100.0 + 0.1 * 50.0);
}

#[test]
fn export_controls_cut_then_recover_linearly() {
    let c = Case::run(&format!(
        "{HEAD}export_controls:\n  - {{importers: [USA], from: 2026-03, to: 2026-04, volume_factor: 0.5, recovery_months: 2}}\n"
    ));
    let usa: Vec<f64> = (0..7).map(|t| c.imports("USA", t)).collect();
    for (got, want) in usa
        .iter()
        .zip([100.0, 100.0, 50.0, 50.0, 75.0, 100.0, 100.0])
    {
        close(*got, want);
    }
    close(c.imports("DEU", 2), 100.0);
}

#[test]
fn price_path_gives_the_value() {
    let c = Case::run(
        "horizon: 2027-12\nassumptions: {baseline_uncertainty: false, price: {usd_per_t: 50000, annual_change: 0.12}}\n",
    );
    let u = c.unit("DEU");
    close(
        c.result.value[u * c.prep.months + 12],
        100.0 * 50000.0 * 1.12,
    );
}

#[test]
fn group_targets_reach_members_and_the_rest() {
    let l = Layout::new(&[
        importer("WORLD"),
        importer("EU27"),
        importer("DEU"),
        importer("USA"),
        Importer::RestOfWorld,
    ]);
    // Units: DEU, USA, EU27 rest, ROW.
    assert_eq!(l.units.len(), 4);
    assert_eq!(l.units_of(importer("EU27")).len(), 2);
    assert_eq!(
        l.units_of(importer("POL")),
        l.units_of(importer("EU27"))
            .into_iter()
            .filter(|u| *u != 0)
            .collect::<Vec<_>>()
    );
    assert_eq!(l.units_of(importer("MEX")), vec![3]);
    assert_eq!(l.units_of(importer("WORLD")).len(), 4);
    assert!(l.folded_into(importer("POL")).unwrap().contains("EU27"));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn imports(yaml: &str, code: &str) -> Vec<f64> {
        let c = Case::run(yaml);
        (0..c.prep.months).map(|t| c.imports(code, t)).collect()
    }

    fn head(elasticity: f64, pass_through: f64, adjustment: f64) -> String {
        format!(
            "horizon: 2027-12\nassumptions: {{baseline_uncertainty: false, elasticity: {elasticity}, \
             pass_through: {pass_through}, adjustment_months: {adjustment}}}\n"
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Raising every rate of a schedule never raises the taxed importer's imports.
        #[test]
        fn a_higher_tariff_never_raises_imports(
            eps in 0.0f64..2.0, rho in 0.0f64..=1.0, adj in 0.0f64..24.0,
            reference in 0.0f64..0.5, r1 in 0.0f64..2.0, r2 in 0.0f64..2.0, bump in 0.0f64..1.0,
            m1 in 1u32..12, m2 in 1u32..12,
        ) {
            let tariffs = |scale: f64| format!(
                "tariffs: {{reference: {{USA: {reference}}}, changes: [{{importer: USA, rate: {}, from: 2026-{m1:02}}}, {{importer: USA, rate: {}, from: 2027-{m2:02}}}]}}\n",
                r1 + scale, r2 + scale
            );
            let low = imports(&(head(eps, rho, adj) + &tariffs(0.0)), "USA");
            let high = imports(&(head(eps, rho, adj) + &tariffs(bump)), "USA");
            for (l, h) in low.iter().zip(&high) {
                prop_assert!(*h <= *l * (1.0 + 1e-12), "{h} > {l}");
            }
        }

        /// More capacity never raises imports from China, anywhere.
        #[test]
        fn more_capacity_never_raises_imports(
            k in 0.0f64..5000.0, extra in 0.0f64..5000.0, ramp in 0.0f64..36.0,
            util in 0.0f64..=1.0, share in 0.0f64..=1.0, start in 1u32..12,
        ) {
            let plant = |tonnes: f64| format!(
                "capacity:\n  - {{name: p, country: USA, tonnes_per_year: {tonnes}, start: 2026-{start:02}, ramp_months: {ramp}, utilization: {util}, serves: {{USA: {share}, DEU: {}}}}}\n",
                (1.0 - share) / 2.0
            );
            for code in ["USA", "DEU", "ROW"] {
                let less = imports(&(head(0.5, 1.0, 12.0) + &plant(k)), code);
                let more = imports(&(head(0.5, 1.0, 12.0) + &plant(k + extra)), code);
                for (l, m) in less.iter().zip(&more) {
                    prop_assert!(*m <= *l + 1e-9, "{code}: {m} > {l}");
                    prop_assert!(m.is_finite() && *m >= 0.0);
                }
            }
        }

        /// Whatever the drivers, imports are finite and non-negative; without
        /// drivers they are the baseline.
        #[test]
        fn outputs_are_finite_and_non_negative(
            vf in 0.0f64..=1.0, rec in 0.0f64..12.0, g in -0.5f64..0.5, d in 0.0f64..=1.0,
            rate in 0.0f64..5.0, credit in 0.0f64..100.0,
        ) {
            let yaml = format!(
                "{}tariffs: {{changes: [{{importer: USA, rate: {rate}, from: 2026-03}}]}}\n\
                 demand: [{{importers: all, extra_growth: {g}, from: 2026-01}}]\n\
                 export_controls: [{{importers: [DEU], from: 2026-05, to: 2026-08, volume_factor: {vf}, recovery_months: {rec}}}]\n\
                 diversion: [{{from: USA, to: {{DEU: {d}}}}}]\n\
                 capacity: [{{name: p, country: USA, tonnes_per_year: 900, start: 2026-01}}]\n\
                 production_credits: [{{country: USA, usd_per_kg: {credit}, from: 2026-06}}]\n",
                head(0.7, 0.9, 6.0)
            );
            let c = Case::run(&yaml);
            for v in c.result.imports.iter().chain(&c.result.value).chain(&c.result.revenue).chain(&c.result.credit_cost) {
                prop_assert!(v.is_finite() && *v >= 0.0, "{v}");
            }
            let plain = Case::run(HEAD);
            prop_assert!(plain.result.imports.iter().all(|v| (v - 100.0).abs() < 1e-12));
        }
    }
}
