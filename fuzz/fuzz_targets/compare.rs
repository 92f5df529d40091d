//! Any text as a run's `summary.csv`: reading it and comparing its scenarios
//! (default options and a few filters) must give a comparison with finite
//! numbers, or an error, never a panic; every rendering of a comparison must
//! succeed.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use magcast::report::{self, CompareOptions, Comparison};

fuzz_target!(|bytes: &[u8]| {
    let Ok(rows) = report::read_summary_from_reader(bytes, Path::new("fuzz/summary.csv")) else {
        return;
    };
    let first = &rows[0];
    let options = [
        CompareOptions::default(),
        CompareOptions {
            baseline: Some(first.scenario.clone()),
            ..CompareOptions::default()
        },
        CompareOptions {
            importers: Some(vec![first.importer.clone(), "WORLD".into()]),
            years: Some((first.year, first.year.saturating_add(2))),
            ..CompareOptions::default()
        },
        CompareOptions {
            baseline: Some("no-such-scenario".into()),
            ..CompareOptions::default()
        },
    ];
    for option in &options {
        if let Ok(comparison) = report::compare(&rows, option) {
            check(&comparison);
        }
    }
});

/// Every number of a comparison is finite, and every output form renders.
fn check(c: &Comparison) {
    for r in &c.rows {
        let values = [
            r.mean,
            r.baseline,
            r.delta_tonnes,
            r.value_usd,
            r.tariff_revenue_usd,
            r.trade_creation_t,
            r.trade_diversion_t,
            r.price_effect_usd,
            r.tariff_revenue_change_usd,
            r.consumer_surplus_change_usd,
            r.welfare_change_usd,
            r.non_china_used_t,
            r.non_china_installed_t,
            r.reexport_t,
        ];
        assert!(values.iter().all(|v| v.is_finite()), "{r:?}");
        assert!(r.delta_pct.is_none_or(f64::is_finite), "{r:?}");
        assert!(r.pass_through.is_none_or(f64::is_finite), "{r:?}");
    }
    for k in c.by_imports.iter().chain(&c.by_tariff_revenue) {
        assert!(
            k.cumulative_imports_t.is_finite() && k.tariff_revenue_usd.is_finite(),
            "{k:?}"
        );
    }
    let _ = report::compare_table(c);
    report::compare_csv(c, &mut Vec::new()).expect("a comparison writes as CSV");
    report::iamc_csv(&report::comparison_series(c), &mut Vec::new())
        .expect("a comparison writes as IAMC");
    serde_json::to_string(c).expect("a comparison writes as JSON");
}
