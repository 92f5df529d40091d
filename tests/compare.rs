//! `summary.csv`, `magcast compare` and the IAMC files against the monthly
//! projections of the same run.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use magcast::report::{self, CompareOptions};

/// One run of the bundled scenarios, shared by the tests of this file.
fn run_once() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_magcast"))
            .args(["run", "--draws", "100", "--out"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        dir
    })
    .path()
}

/// Yearly sums of the monthly means in projections.csv: (scenario, importer, year) → t.
fn yearly_from_projections(dir: &Path) -> HashMap<(String, String, i32), f64> {
    let mut out = HashMap::new();
    let mut reader = csv::Reader::from_path(dir.join("projections.csv")).unwrap();
    for record in reader.records() {
        let r = record.unwrap();
        let year: i32 = r[2][..4].parse().unwrap();
        let mean: f64 = r[3].parse().unwrap();
        *out.entry((r[0].to_string(), r[1].to_string(), year))
            .or_insert(0.0) += mean;
    }
    out
}

#[test]
fn summary_totals_are_the_sums_of_the_projections() {
    let dir = run_once();
    let rows = report::read_summary(&dir.join("summary.csv")).unwrap();
    let yearly = yearly_from_projections(dir);
    assert_eq!(rows.len(), 8 * 14 * 5);
    for r in &rows {
        let sum = yearly[&(r.scenario.clone(), r.importer.clone(), r.year)];
        // projections.csv rounds each month to 3 decimals.
        assert!((r.mean - sum).abs() < 0.01, "{r:?} vs {sum}");
        assert!(
            r.p05 <= r.mean * 1.0001 && r.mean <= r.p95 * 1.0001,
            "{r:?}"
        );
        assert_eq!(r.months, 12);
    }
}

#[test]
fn compare_deltas_are_differences_of_the_projections() {
    let dir = run_once();
    let rows = report::read_summary(&dir.join("summary.csv")).unwrap();
    let yearly = yearly_from_projections(dir);
    let c = report::compare(&rows, &CompareOptions::default()).unwrap();
    assert_eq!(c.baseline, "baseline");
    for r in &c.rows {
        let own = yearly[&(r.scenario.clone(), r.importer.clone(), r.year)];
        let base = yearly[&("baseline".to_string(), r.importer.clone(), r.year)];
        assert!(
            (r.delta_tonnes - (own - base)).abs() < 0.02,
            "{r:?}: {own} - {base}"
        );
        if r.scenario == "baseline" {
            assert!(r.delta_tonnes.abs() < 1e-9 && r.delta_pct.unwrap_or(0.0).abs() < 1e-9);
        }
    }
    // Against another scenario, that scenario's deltas vanish.
    let options = CompareOptions {
        baseline: Some("current-policy".into()),
        importers: Some(vec!["WORLD".into(), "usa".into()]),
        years: Some((2027, 2028)),
    };
    let c = report::compare(&rows, &options).unwrap();
    assert_eq!(c.rows.len(), 8 * 2 * 2);
    assert!(
        c.rows
            .iter()
            .filter(|r| r.scenario == "current-policy")
            .all(|r| r.delta_tonnes.abs() < 1e-9)
    );
    // Rankings: fewest imports first, most revenue first, every scenario once.
    assert_eq!(c.by_imports.len(), 8);
    assert!(
        c.by_imports
            .windows(2)
            .all(|w| w[0].cumulative_imports_t <= w[1].cumulative_imports_t)
    );
    assert!(
        c.by_tariff_revenue
            .windows(2)
            .all(|w| w[0].tariff_revenue_usd >= w[1].tariff_revenue_usd)
    );
    let err = report::compare(
        &rows,
        &CompareOptions {
            baseline: Some("nope".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        err.is_bad_input() && err.to_string().contains("no scenario `nope`"),
        "{err}"
    );
}

#[test]
fn iamc_files_round_trip() {
    let dir = run_once();
    let rows = report::read_summary(&dir.join("summary.csv")).unwrap();
    let series = report::read_iamc(&dir.join("iamc.csv")).unwrap();
    let key = |s: &str, region: &str, suffix: &str, unit: &str| {
        (
            s.to_string(),
            region.to_string(),
            format!("{}{suffix}", report::IMPORTS),
            unit.to_string(),
        )
    };
    for r in &rows {
        let region = if r.importer == "WORLD" {
            "World"
        } else {
            r.importer.as_str()
        };
        let mean = series[&key(&r.scenario, region, "", "t")][&r.year];
        assert!((mean - r.mean).abs() <= 1e-9 * r.mean.max(1.0));
        let revenue = series[&key(&r.scenario, region, "|Tariff Revenue", "US$")][&r.year];
        assert!((revenue - r.tariff_revenue_usd).abs() <= 1e-6 * r.tariff_revenue_usd.max(1.0));
    }
    // Written again from what was read, the file is the same.
    let mut again = Vec::new();
    report::iamc_csv(&series, &mut again).unwrap();
    assert_eq!(again, std::fs::read(dir.join("iamc.csv")).unwrap());
}

#[test]
fn compare_command_formats_and_errors() {
    let dir = run_once();
    let bin = env!("CARGO_BIN_EXE_magcast");
    let run = |args: &[&str]| {
        Command::new(bin)
            .arg("compare")
            .arg("--out")
            .arg(dir)
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["--format", "csv", "--importers", "WORLD", "--years", "2030"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        text.lines().next(),
        Some(
            "scenario,importer,year,mean,baseline,delta_tonnes,delta_pct,value_usd,tariff_revenue_usd,\
             trade_creation_t,trade_diversion_t,price_effect_usd,tariff_revenue_change_usd,\
             consumer_surplus_change_usd,welfare_change_usd,non_china_used_t,non_china_installed_t,\
             pass_through,reexport_t"
        )
    );
    assert_eq!(text.lines().count(), 1 + 8);
    let o = run(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["by_imports"].as_array().unwrap().len(), 8);
    let o = run(&["--format", "iamc", "--importers", "USA"]);
    assert!(
        String::from_utf8(o.stdout)
            .unwrap()
            .starts_with("model,scenario,region,variable,unit,2026")
    );
    let o = run(&["--baseline", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["--years", "2030..2026"]);
    assert_eq!(o.status.code(), Some(2));
    let o = Command::new(bin)
        .args(["compare", "--out", "/no/such/run"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("summary.csv"));
}
