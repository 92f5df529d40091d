//! Re-export routes through the engine (issue 15, docs/model.md §3.8.1): the
//! bundled `us-tariff-rerouting` against its parent, conservation and
//! monotonicity over route elasticities and tariffs, and the outputs that
//! carry the moved tonnes, on the fixed baseline of `tests/fixtures/trade2`.

mod trade_support;

use magcast::forecast::FittedPanel;
use magcast::report::{
    CompareOptions, SummaryRow, compare, iamc_csv, report_html, summary_rows, summary_series,
};
use magcast::scenario::{self, Param, Scenario};
use trade_support::{context, panel, run};

fn bundled(panel: &FittedPanel, name: &str) -> Scenario {
    scenario::load_bundled(context(panel))
        .unwrap()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap()
}

fn rows<'a>(rows: &'a [SummaryRow], scenario: &str, importer: &str) -> Vec<&'a SummaryRow> {
    rows.iter()
        .filter(|r| r.scenario == scenario && r.importer == importer)
        .collect()
}

/// With the route elasticity at 0 the routes move nothing, so the bundled
/// rerouting scenario is its parent without the fixed diversion, to the bit
/// (its route parameters are drawn after all the others).
#[test]
fn routes_at_elasticity_zero_are_the_parent_without_diversion() {
    let panel = panel();
    let mut parent = bundled(&panel, "us-tariff-escalation");
    parent.diversion.clear();
    let mut child = bundled(&panel, "us-tariff-rerouting");
    assert!(child.diversion.is_empty() && !child.reexport_routes.is_empty());
    child.assumptions.reexport_elasticity = Some(Param::fixed(0.0));
    // The same name and random stream: the same draws of every other parameter.
    child.name = parent.name.clone();
    child.stream = parent.stream.clone();
    let a = summary_rows(&run(&panel, &[parent], 200));
    let b = summary_rows(&run(&panel, &[child], 200));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.mean.to_bits(), y.mean.to_bits(), "{x:?} vs {y:?}");
        assert_eq!(x.p95.to_bits(), y.p95.to_bits());
        assert_eq!(
            x.tariff_revenue_usd.to_bits(),
            y.tariff_revenue_usd.to_bits()
        );
        assert_eq!(y.reexport_t.to_bits(), 0.0f64.to_bits());
    }
}

/// A US case with routes through Vietnam and Mexico.
fn us_case(panel: &FittedPanel, name: &str, elasticity: f64, rate: f64) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.yaml"));
    let yaml = format!(
        "horizon: 2029-12\n\
         assumptions: {{baseline_uncertainty: false, elasticity: 0.6, adjustment_months: 6, \
         substitution_elasticity: 1.5, reexport_elasticity: {elasticity}}}\n\
         tariffs: {{reference: {{USA: 0.1}}, changes: [{{importer: USA, rate: {rate}, from: 2026-03}}]}}\n\
         capacity:\n  \
         - {{name: a, country: USA, tonnes_per_year: 3000, start: 2026-06, ramp_months: 18}}\n\
         reexport_routes:\n  - {{to: USA, via: {{VNM: 0.06, MEX: 0.03}}}}\n"
    );
    std::fs::write(&path, yaml).unwrap();
    let mut s = scenario::load(&[path], context(panel)).unwrap();
    s.remove(0)
}

/// Routes move tonnes between importers without creating or losing any: WORLD
/// is the same with and without them and its moved total is 0; what the US
/// loses, Vietnam and Mexico gain; more elastic routes move more; every value
/// is finite and no importer's imports go below 0.
#[test]
fn routes_conserve_tonnes_and_move_more_when_more_elastic() {
    let panel = panel();
    let elasticities = [0.0, 0.5, 1.5, 4.0, 12.0];
    let scenarios: Vec<Scenario> = elasticities
        .iter()
        .enumerate()
        .map(|(k, e)| us_case(&panel, &format!("e{k}"), *e, 0.8))
        .collect();
    let result = summary_rows(&run(&panel, &scenarios, 1));
    let world_none = rows(&result, "e0", "WORLD");
    let usa_moved = |k: usize| -> f64 {
        rows(&result, &format!("e{k}"), "USA")
            .iter()
            .map(|r| r.reexport_t)
            .sum()
    };
    for k in 0..elasticities.len() {
        let name = format!("e{k}");
        for (w, w0) in rows(&result, &name, "WORLD").iter().zip(&world_none) {
            assert!((w.mean - w0.mean).abs() <= 1e-9 * w0.mean, "{w:?}");
            assert!(w.reexport_t.abs() <= 1e-9 * w.mean, "{w:?}");
        }
        for r in result.iter().filter(|r| r.scenario == name) {
            assert!(r.mean.is_finite() && r.mean >= 0.0, "{r:?}");
            assert!(r.reexport_t.is_finite());
        }
        let us = rows(&result, &name, "USA");
        let vn = rows(&result, &name, "VNM");
        let mx = rows(&result, &name, "MEX");
        for ((u, v), m) in us.iter().zip(&vn).zip(&mx) {
            let gained = v.reexport_t + m.reexport_t;
            assert!(
                (u.reexport_t + gained).abs() <= 1e-9 * u.mean.max(1.0),
                "{u:?}"
            );
            // Vietnam's base share is twice Mexico's and both face the same price.
            assert!(
                (v.reexport_t - 2.0 * m.reexport_t).abs() <= 1e-9 * v.mean,
                "{v:?}"
            );
        }
        if k > 0 {
            assert!(usa_moved(k) < usa_moved(k - 1), "e{k}");
        }
    }
    assert_eq!(usa_moved(0).to_bits(), 0.0f64.to_bits());
}

/// A higher US tariff never raises US imports from China with routes either:
/// the direct route only gets dearer against the others.
#[test]
fn higher_tariffs_never_raise_imports_with_routes() {
    let panel = panel();
    let rates = [0.1, 0.3, 0.6, 1.0, 1.8];
    for e in [0.8, 3.0] {
        let scenarios: Vec<Scenario> = rates
            .iter()
            .enumerate()
            .map(|(k, r)| us_case(&panel, &format!("r{k}"), e, *r))
            .collect();
        let result = summary_rows(&run(&panel, &scenarios, 1));
        for k in 1..rates.len() {
            let lower = rows(&result, &format!("r{}", k - 1), "USA");
            for (r, l) in rows(&result, &format!("r{k}"), "USA").iter().zip(&lower) {
                assert!(r.mean <= l.mean * (1.0 + 1e-12), "{r:?} vs {l:?}");
                assert!(r.reexport_t <= l.reexport_t + 1e-9, "{r:?} vs {l:?}");
            }
        }
    }
}

/// The moved tonnes reach `compare`, IAMC and the report's re-export table.
#[test]
fn moved_tonnes_reach_compare_iamc_and_the_report() {
    let panel = panel();
    let scenarios = vec![
        bundled(&panel, "baseline"),
        bundled(&panel, "us-tariff-rerouting"),
    ];
    let result = run(&panel, &scenarios, 50);
    let rows = summary_rows(&result);
    let usa: f64 = rows
        .iter()
        .filter(|r| r.scenario == "us-tariff-rerouting" && r.importer == "USA")
        .map(|r| r.reexport_t)
        .sum();
    assert!(usa < -1.0, "the US loses volume to its routes: {usa}");
    let c = compare(&rows, &CompareOptions::default()).unwrap();
    for (r, s) in c.rows.iter().zip(&rows) {
        assert_eq!(r.reexport_t.to_bits(), s.reexport_t.to_bits());
    }
    let mut iamc = Vec::new();
    iamc_csv(&summary_series(&rows), &mut iamc).unwrap();
    let iamc = String::from_utf8(iamc).unwrap();
    assert!(iamc.contains("us-tariff-rerouting,VNM,Imports from China|Rare-Earth Permanent Magnets|Re-export Routes,t,"));
    let html = report_html(&result, &scenarios, &panel, None, &[]);
    assert!(html.contains("id=\"trade-reexport\""));
    assert!(html.contains("<td>VNM</td>") && html.contains("<td>MEX</td>"));
}
