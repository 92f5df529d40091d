//! Tariff schedules worked by hand: a temporary step reverts, overlapping plain
//! steps fall back, layers add up, layers in force at the end of the data are
//! the reference, and the report's schedule is the engine's.

use super::{Case, close};
use crate::data::Month;

const HEAD: &str = "horizon: 2027-12\nassumptions: {baseline_uncertainty: false, elasticity: 0.5, pass_through: 1, adjustment_months: 6}\n";

fn rates(c: &Case, code: &str) -> Vec<f64> {
    let u = c.unit(code) * c.prep.months;
    c.result.rate[u..u + c.prep.months].to_vec()
}

fn imports(c: &Case, code: &str) -> Vec<f64> {
    (0..c.prep.months).map(|t| c.imports(code, t)).collect()
}

fn lambda(m: f64) -> f64 {
    1.0 - (-m / 6.0f64).exp()
}

/// Mar–Aug 2026 at 50 % over a 20 % reference: imports fall with λ, and from
/// September (the month after `to`) the step back to 20 % gives P = 1, so they
/// are on the no-tariff path again, and stay there.
#[test]
fn a_temporary_tariff_reverts() {
    let c = Case::run(&format!(
        "{HEAD}tariffs: {{reference: {{USA: 0.2}}, changes: [{{importer: USA, rate: 0.5, from: 2026-03, to: 2026-08}}]}}\n"
    ));
    let none = Case::run(&format!("{HEAD}tariffs: {{reference: {{USA: 0.2}}}}\n"));
    let (got, free) = (imports(&c, "USA"), imports(&none, "USA"));
    let p: f64 = 1.5 / 1.2;
    close(got[1], 100.0);
    close(got[2], 100.0); // λ = 0 in the month of the step
    close(got[7], 100.0 * p.powf(-0.5 * lambda(5.0)));
    assert!(got[7] < 99.0);
    for t in 8..24 {
        close(got[t], free[t]);
    }
    let r = rates(&c, "USA");
    close(r[7], 0.5);
    close(r[8], 0.2);
}

/// A temporary step on top of an open-ended one reverts to that step's rate
/// (the latest earlier-starting step still in force), as a new step: λ restarts.
#[test]
fn an_ending_step_falls_back_to_the_step_before_it() {
    let c = Case::run(&format!(
        "{HEAD}tariffs: {{reference: {{USA: 0.2}}, changes: [{{importer: USA, rate: 0.5, from: 2026-01}}, {{importer: USA, rate: 0.8, from: 2026-04, to: 2026-06}}]}}\n"
    ));
    let r = rates(&c, "USA");
    for (t, want) in [(0, 0.5), (3, 0.8), (5, 0.8), (6, 0.5), (23, 0.5)] {
        close(r[t], want);
    }
    let got = imports(&c, "USA");
    close(got[5], 100.0 * (1.8f64 / 1.2).powf(-0.5 * lambda(2.0)));
    close(got[6], 100.0);
    close(got[18], 100.0 * (1.5f64 / 1.2).powf(-0.5 * lambda(12.0)));
}

/// Two layers from the same month are one change at the summed rate, and a
/// layer that ends is a step back to the rest: the same rates and imports as
/// the equivalent plain schedule, month by month.
#[test]
fn two_layers_add_up_to_a_single_change() {
    let layered = Case::run(&format!(
        "{HEAD}tariffs:\n  layers:\n    - {{authority: section-301, importer: USA, source: a, steps: [{{rate: 0.1, from: 2026-03}}]}}\n    \
         - {{authority: section-122, importer: USA, source: b, steps: [{{rate: 0.25, from: 2026-03, to: 2026-10}}]}}\n"
    ));
    let plain = Case::run(&format!(
        "{HEAD}tariffs: {{changes: [{{importer: USA, rate: 0.35, from: 2026-03}}, {{importer: USA, rate: 0.1, from: 2026-11}}]}}\n"
    ));
    let (a, b) = (rates(&layered, "USA"), rates(&plain, "USA"));
    let (ia, ib) = (imports(&layered, "USA"), imports(&plain, "USA"));
    for t in 0..24 {
        close(a[t], b[t]);
        close(ia[t], ib[t]);
    }
    close(a[2], 0.35);
    close(ia[9], 100.0 * 1.35f64.powf(-0.5 * lambda(7.0)));
}

/// Layers in force in the last data month make the reference rate τ̄: no step
/// until one ends, then P = (1 + 0.021) / (1 + 0.121) < 1 and imports rise.
#[test]
fn layers_in_force_at_the_end_of_the_data_are_the_reference() {
    let c = Case::run(&format!(
        "{HEAD}tariffs:\n  layers:\n    - {{authority: mfn, importer: USA, source: HTS, steps: [{{rate: 0.021, from: 2000-01}}]}}\n    \
         - {{authority: ieepa, importer: USA, source: Mondaq, steps: [{{rate: 0.2, from: 2025-03}}, {{rate: 0.1, from: 2025-11, to: 2026-05}}]}}\n"
    ));
    let (r, got) = (rates(&c, "USA"), imports(&c, "USA"));
    close(r[0], 0.121);
    close(r[4], 0.121);
    close(r[5], 0.021); // June 2026, the month after `to`
    close(got[4], 100.0);
    close(got[5], 100.0);
    close(
        got[17],
        100.0 * (1.021f64 / 1.121).powf(-0.5 * lambda(12.0)),
    );
    assert!(got[17] > 100.0);
}

/// The schedule in the report is the engine's rate, month by month.
#[test]
fn the_reported_schedule_is_the_rate_the_engine_applies() {
    let c = Case::run(&format!(
        "{HEAD}tariffs:\n  layers:\n    - {{authority: mfn, importer: USA, source: HTS, steps: [{{rate: 0.021, from: 2000-01}}]}}\n    \
         - {{authority: ieepa, importer: USA, source: m, steps: [{{rate: 0.2, from: 2025-11, to: 2026-02}}]}}\n    \
         - {{authority: section-301, importer: USA, source: u, steps: [{{rate: 0.25, from: 2026-01}}]}}\n    \
         - {{authority: section-122, importer: USA, source: g, steps: [{{rate: 0.15, from: 2026-03, to: 2026-07}}]}}\n  \
         changes: [{{importer: USA, rate: 0.05, from: 2027-01}}]\n"
    ));
    let first = Month::new(2026, 1).unwrap();
    let s = &c.scenario.tariff_schedules(first)[0];
    assert_eq!(
        s.authorities,
        ["mfn", "ieepa", "section-301", "section-122"]
    );
    let rows: Vec<(String, f64)> = s
        .rows
        .iter()
        .map(|r| (r.from.to_string(), r.total))
        .collect();
    let want = [
        ("2025-12", 0.221),
        ("2026-01", 0.471),
        ("2026-03", 0.421),
        ("2026-08", 0.271),
        ("2027-01", 0.321),
    ];
    assert_eq!(rows.len(), want.len());
    for ((m, got), (wm, w)) in rows.iter().zip(want) {
        assert_eq!(m, wm);
        close(*got, w);
    }
    close(s.rows[2].layers[3], 0.15);
    close(s.rows[4].changes, 0.05);
    let r = rates(&c, "USA");
    for row in &s.rows[1..] {
        close(r[row.from.months_since(first) as usize], row.total);
    }
    close(r[1], 0.471);
    close(r[7], 0.271);
}

/// A plain step that ended in the data has no effect and no row of its own.
#[test]
fn a_plain_step_that_ended_in_the_data_is_ignored() {
    let c = Case::run(&format!(
        "{HEAD}tariffs: {{reference: {{USA: 0.2}}, changes: [{{importer: USA, rate: 0.5, from: 2025-03, to: 2025-09}}]}}\n"
    ));
    for (t, rate) in rates(&c, "USA").into_iter().enumerate() {
        close(c.imports("USA", t), 100.0);
        close(rate, 0.2);
    }
    let s = &c.scenario.tariff_schedules(Month::new(2026, 1).unwrap())[0];
    assert_eq!(s.rows.len(), 1);
    close(s.rows[0].total, 0.2);
}
