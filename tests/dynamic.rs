//! The dynamic baseline on the bundled data: the holdout of the second half
//! of 2025 from the data as they stood at 2025-06 (the export-control shock
//! still recovering at the cut-off, its end never given), and the long-run
//! WORLD forecast from the full data.

use std::collections::BTreeMap;

use magcast::data::{self, Importer, Month};
use magcast::forecast::{BaselineKind, FitConfig, fit_dynamic, holdout};

fn month(y: i32, m: u32) -> Month {
    Month::new(y, m).unwrap()
}

fn dynamic() -> FitConfig {
    FitConfig {
        baseline: BaselineKind::Dynamic,
        ..FitConfig::default()
    }
}

/// Bounds just above the MAPEs measured with 2000 paths and seed 42
/// (`cargo run --release --example holdout -- fit.yaml` with `baseline:
/// dynamic`): 19.0 % pooled over the 34 points (18.7 % before the paths drew
/// the shock's depth and decay, 18.4 % before the optimiser's
/// likelihood moved to the register filter, whose rounding sends Nelder-Mead
/// to a slightly different optimum; 20.4 % before WORLD's model
/// chose its variant by AICc and the shock's decay had a prior; 44.2 % before
/// the shock's peak was estimated and shock months' shares widened; the trend
/// baseline, whose window is told the shock ended in June, 14.7 %).
#[test]
fn dynamic_holdout_of_the_second_half_of_2025() {
    let obs = data::bundled().unwrap();
    let points = holdout(&obs, &dynamic(), month(2025, 6), month(2025, 12), 2000, 42).unwrap();
    assert_eq!(points.len(), 34);
    let mut by_importer: BTreeMap<Importer, Vec<f64>> = BTreeMap::new();
    for p in &points {
        by_importer.entry(p.importer).or_default().push(p.ape_pct);
    }
    let mape = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let bounds = [
        ("WORLD", 11.0),
        ("EU27", 17.0),
        ("DEU", 14.0),
        ("IND", 42.5),
        ("JPN", 24.0),
        ("KOR", 39.5),
        ("USA", 20.0),
        ("VNM", 3.0),
    ];
    for (code, bound) in bounds {
        let m = mape(&by_importer[&code.parse::<Importer>().unwrap()]);
        assert!(m <= bound, "{code}: MAPE {m:.1}% above {bound}%");
    }
    let pooled = mape(&points.iter().map(|p| p.ape_pct).collect::<Vec<_>>());
    assert!(pooled <= 19.5, "pooled MAPE {pooled:.1}%");
    // WORLD recovers after the data end: every month within 22 % (a level
    // that took the dip would leave July-August 40 % short), and the second
    // half of 2025 well above the June figure of 3,188 t.
    for p in points.iter().filter(|p| p.importer == Importer::World) {
        assert!(p.ape_pct < 22.0, "{p:?}");
        assert!(p.forecast > 4000.0, "{p:?}");
    }
}

/// From the full data (to 2025-12) WORLD's forecast for 2026 stays near the
/// run rate of the second half of 2025 (35,072 t, i.e. about 70,000 t a year
/// before seasonality; 72,083 t in 2026 as measured) and grows at most
/// linearly, never exponentially: the deseasonalised level's monthly change
/// never grows in size (it is φ^k times the end trend, φ ≤ 1), so each year
/// adds at most what the trend adds today. AICc chooses the undamped trend
/// here (+4,600 t a year, 90,177 t in 2030 as measured).
#[test]
fn full_data_world_forecast_stays_near_the_recent_run_rate() {
    let obs = data::bundled().unwrap();
    let (origin, last) = (month(2016, 1), month(2025, 12));
    let baseline = fit_dynamic(&obs.until(last), &dynamic(), origin, last).unwrap();
    let months = baseline.world.forecast(60);
    assert_eq!(months[0].month, month(2026, 1));
    let years: Vec<f64> = months
        .chunks(12)
        .map(|y| y.iter().map(|m| m.mean).sum())
        .collect();
    assert!((60_000.0..76_000.0).contains(&years[0]), "{years:?}");
    let steps: Vec<f64> = months.windows(2).map(|w| w[1].level - w[0].level).collect();
    for pair in steps.windows(2) {
        assert!(pair[1].abs() <= pair[0].abs() * (1.0 + 1e-9), "{steps:?}");
    }
    // Linear at today's trend: at most 12 months' trend more each year.
    let per_year = 12.0 * steps[0].abs() * 12.0;
    for pair in years.windows(2) {
        assert!(pair[1] - pair[0] < 1.2 * per_year, "{years:?} {per_year}");
    }
    assert!(years[4] / years[0] < 1.3, "{years:?}");
}

/// A series that ends before the Lunar New Year table (2000-2040) gives the
/// holiday no coefficient: January and February 2000 are forecast like the
/// Januaries and Februaries before them, not moved by an unidentified effect.
#[test]
fn a_series_before_the_holiday_table_gets_no_holiday_effect() {
    let mut csv = String::from("period,importer,tonnes\n");
    let start = month(1994, 1);
    for k in 0..72 {
        let m = start.plus(k);
        let season = [1.1, 0.8, 1.0, 1.0, 1.0, 1.0, 1.05, 1.05, 1.0, 1.0, 1.0, 1.0];
        let v = 1000.0 * season[(m.month() - 1) as usize] * (1.0 + 0.002 * f64::from(k));
        csv.push_str(&format!("{m},WORLD,{v:.3}\n"));
    }
    let obs = data::load_from_bytes(
        std::path::Path::new("pre2000.csv"),
        csv.into_bytes(),
        data::LoadOptions::default(),
    )
    .unwrap();
    let d = fit_dynamic(&obs, &dynamic(), start, month(1999, 12)).unwrap();
    assert!(d.world.hyperparameters().holiday.abs() < f64::EPSILON);
    let f = d.world.forecast(2);
    let (jan, feb) = (f[0].mean, f[1].mean);
    assert!(
        (jan / 1000.0 - 1.1 * 1.14).abs() < 0.1,
        "January 2000: {jan}"
    );
    assert!(
        (feb / 1000.0 - 0.8 * 1.14).abs() < 0.1,
        "February 2000: {feb}"
    );
}
