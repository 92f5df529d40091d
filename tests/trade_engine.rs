//! The trade model through the engine (issue 15): σ = 0 and η = ∞ give the
//! numbers of the engine before it, and properties of the diversion on a
//! fixed baseline (`tests/fixtures/trade2/models.json`).

mod trade_support;

use magcast::forecast::FittedPanel;
use magcast::report::{
    CompareOptions, SummaryRow, compare, iamc_csv, read_summary, report_html, summary_csv,
    summary_rows, summary_series,
};
use magcast::scenario::{self, Param, Scenario};
use trade_support::{FIXTURES, context, panel, run};

/// The columns of `summary.csv` that the engine before the trade model wrote.
const OLD_COLUMNS: usize = 14;

fn old_columns(csv: &str) -> Vec<String> {
    csv.lines()
        .map(|l| l.split(',').take(OLD_COLUMNS).collect::<Vec<_>>().join(","))
        .collect()
}

/// The bundled scenario added after the golden files were made: it is the
/// only one they lack (re-export routes, docs/model.md §3.8.1), and
/// `tests/reexport_routes.rs` checks it against its parent instead.
const NEWER: &str = "us-tariff-rerouting";

/// The bundled scenarios the golden files cover.
fn bundled_before(panel: &FittedPanel) -> Vec<Scenario> {
    let all = scenario::load_bundled(context(panel)).unwrap();
    assert!(all.iter().any(|s| s.name == NEWER));
    all.into_iter().filter(|s| s.name != NEWER).collect()
}

/// Every bundled scenario with σ forced to 0 and η to ∞ writes, in the columns
/// that existed before, the bytes the engine wrote before the trade model
/// (`summary-before.csv`, made at commit f531c04: see the fixture's README).
#[test]
fn sigma_zero_and_infinite_eta_reproduce_the_engine_before() {
    let panel = panel();
    let mut scenarios = bundled_before(&panel);
    assert!(
        scenarios
            .iter()
            .any(|s| s.assumptions.substitution_elasticity.central() > 0.0),
        "the bundled scenarios use the trade model"
    );
    for s in &mut scenarios {
        s.assumptions.substitution_elasticity = Param::fixed(0.0);
        s.assumptions.export_supply_elasticity = None;
    }
    let rows = summary_rows(&run(&panel, &scenarios, 200));
    let mut written = Vec::new();
    summary_csv(&rows, &mut written).unwrap();
    let before = std::fs::read_to_string(format!("{FIXTURES}/summary-before.csv")).unwrap();
    let now = old_columns(&String::from_utf8(written).unwrap());
    let then: Vec<String> = before.lines().map(str::to_string).collect();
    assert_eq!(now.len(), then.len());
    for (k, (a, b)) in now.iter().zip(&then).enumerate() {
        assert_eq!(a, b, "line {}", k + 1);
    }
    // iamc.csv: every line written before is written again (the trade
    // model's variables are new lines among them).
    let mut iamc = Vec::new();
    iamc_csv(&summary_series(&rows), &mut iamc).unwrap();
    let iamc = String::from_utf8(iamc).unwrap();
    let lines: std::collections::HashSet<&str> = iamc.lines().collect();
    let before = std::fs::read_to_string(format!("{FIXTURES}/iamc-before.csv")).unwrap();
    for line in before.lines() {
        assert!(lines.contains(line), "iamc.csv lost {line}");
    }
    assert!(iamc.lines().count() > before.lines().count());
}

/// A deterministic US case: a reference rate, plants serving the US and
/// existing non-China supply, with `extra` assumptions and tariff changes.
fn us_case(panel: &FittedPanel, name: &str, assumptions: &str, changes: &str) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.yaml"));
    let yaml = format!(
        "horizon: 2029-12\n\
         assumptions: {{baseline_uncertainty: false, elasticity: 0.6, adjustment_months: 6{assumptions}}}\n\
         tariffs: {{reference: {{USA: 0.1}}, changes: [{changes}]}}\n\
         capacity:\n  \
         - {{name: a, country: USA, tonnes_per_year: 3000, start: 2026-06, ramp_months: 18, utilization: 0.7}}\n  \
         - {{name: b, country: DEU, tonnes_per_year: 2000, start: 2026-01, ramp_months: 12, serves: {{USA: 0.5, DEU: 0.5}}}}\n"
    );
    std::fs::write(&path, yaml).unwrap();
    let mut s = scenario::load(&[path], context(panel)).unwrap();
    s.remove(0)
}

fn rows<'a>(rows: &'a [SummaryRow], scenario: &str, importer: &str) -> Vec<&'a SummaryRow> {
    rows.iter()
        .filter(|r| r.scenario == scenario && r.importer == importer)
        .collect()
}

fn step(rate: f64) -> String {
    format!("{{importer: USA, rate: {rate}, from: 2026-03}}")
}

/// Diversion moves tonnes between China and non-China supply without creating
/// any: China plus non-China supply is the same at every σ; and non-China supply
/// never exceeds what is installed.
#[test]
fn diversion_conserves_demand_within_capacity() {
    let panel = panel();
    let mut scenarios = Vec::new();
    for (k, sigma) in [0.0, 0.5, 1.5, 3.0, 8.0].iter().enumerate() {
        for (j, n0) in [0.0, 1500.0].iter().enumerate() {
            let extra =
                format!(", substitution_elasticity: {sigma}, non_china_supply: {{USA: {n0}}}");
            let name = format!("s{k}n{j}");
            scenarios.push(us_case(&panel, &name, &extra, &step(0.6)));
        }
    }
    let result = summary_rows(&run(&panel, &scenarios, 1));
    for j in 0..2 {
        let reference = rows(&result, &format!("s0n{j}"), "USA");
        for k in 0..5 {
            for importer in ["USA", "DEU", "WORLD"] {
                for r in rows(&result, &format!("s{k}n{j}"), importer) {
                    assert!(
                        r.non_china_used_t <= r.non_china_installed_t * (1.0 + 1e-12),
                        "{r:?}"
                    );
                }
            }
            for (r, base) in rows(&result, &format!("s{k}n{j}"), "USA")
                .iter()
                .zip(&reference)
            {
                let total = r.mean + r.non_china_used_t;
                let want = base.mean + base.non_china_used_t;
                assert!((total - want).abs() <= 1e-9 * want, "{total} vs {want}");
                if k > 0 && r.year >= 2027 {
                    assert!(r.trade_diversion_t > 0.0, "{r:?}");
                }
            }
        }
    }
}

/// A higher tariff on China never raises the US's imports from China, for any
/// σ and η; and with η = ∞ the US's welfare change (consumer surplus plus the
/// revenue change against the baseline at the reference rate) is ≤ 0, since
/// non-China supply pays no tariff (§3.14.2's second-best caveat does not arise).
#[test]
fn higher_tariffs_never_raise_imports_and_cost_welfare() {
    let panel = panel();
    let rates = [0.1, 0.2, 0.35, 0.6, 1.0, 1.8];
    let elasticities = [("", 0), (", export_supply_elasticity: 2", 1)];
    for sigma in [0.0, 1.5, 4.0] {
        for (eta, e) in elasticities {
            let extra = format!(", substitution_elasticity: {sigma}{eta}");
            let mut scenarios = vec![us_case(&panel, "baseline", &extra, "")];
            for (k, rate) in rates.iter().enumerate() {
                scenarios.push(us_case(&panel, &format!("r{k}"), &extra, &step(*rate)));
            }
            let result = summary_rows(&run(&panel, &scenarios, 1));
            for k in 1..rates.len() {
                let lower = rows(&result, &format!("r{}", k - 1), "USA");
                for (r, l) in rows(&result, &format!("r{k}"), "USA").iter().zip(&lower) {
                    assert!(
                        r.mean <= l.mean * (1.0 + 1e-12),
                        "σ {sigma}, {r:?} vs {l:?}"
                    );
                    if e == 0 {
                        let welfare = r.consumer_surplus_change_usd + r.tariff_revenue_change_usd;
                        assert!(welfare <= 1e-6 * r.value_usd, "σ {sigma}: {r:?}");
                    }
                }
            }
        }
    }
}

/// The bundled run's trade columns reach `compare` (welfare is consumer
/// surplus plus revenue change) and `report.html` (one table per measure); a
/// summary written before the trade model still reads, its trade columns 0.
#[test]
fn trade_outputs_reach_compare_and_the_report() {
    let panel = panel();
    let scenarios = bundled_before(&panel);
    let result = run(&panel, &scenarios, 50);
    let rows = summary_rows(&result);
    let c = compare(&rows, &CompareOptions::default()).unwrap();
    assert_eq!(c.rows.len(), rows.len());
    let mut diverted = 0;
    for (r, s) in c.rows.iter().zip(&rows) {
        assert_eq!(r.trade_diversion_t.to_bits(), s.trade_diversion_t.to_bits());
        let welfare = s.consumer_surplus_change_usd + s.tariff_revenue_change_usd;
        assert!((r.welfare_change_usd - welfare).abs() <= 1e-9 * welfare.abs().max(1.0));
        assert_eq!(r.pass_through, s.pass_through);
        diverted += usize::from(s.trade_diversion_t > 0.0);
    }
    assert!(diverted > 0, "σ diverts in the bundled tariff scenarios");
    let html = report_html(&result, &scenarios, &panel, None, &[]);
    for id in [
        "creation",
        "diversion",
        "non-china-used",
        "non-china-installed",
        "price-effect",
        "revenue-change",
        "consumer-surplus",
    ] {
        assert!(html.contains(&format!("id=\"trade-{id}\"")), "{id}");
    }
    let old = read_summary(std::path::Path::new(&format!(
        "{FIXTURES}/summary-before.csv"
    )))
    .unwrap();
    assert_eq!(old.len(), rows.len());
    assert!(
        old.iter()
            .all(|r| r.trade_diversion_t == 0.0 && r.pass_through.is_none())
    );
}
