//! Backtests: every metric against hand-computed values, the leaderboard
//! recomputed from its details file, benchmarks beaten on a synthetic
//! trend-plus-season series, the same numbers on any number of threads, and
//! the command's exit codes.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use magcast::backtest::{BacktestRequest, Variant, backtest, metrics};
use magcast::data::{self, LoadOptions, Month, Observations};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn metrics_against_hand_computed_values() {
    // actuals 10, 20, 40; forecasts 12, 15, 40: errors −2, 5, 0
    let y = [10.0, 20.0, 40.0];
    let f = [12.0, 15.0, 40.0];
    assert!(close(metrics::mae(&y, &f), 7.0 / 3.0, 1e-14));
    assert!(close(metrics::rmse(&y, &f), (29.0f64 / 3.0).sqrt(), 1e-14));
    // 20 % and 25 % and 0 %
    assert!(close(metrics::mape(&y, &f), 15.0, 1e-14));
    // 200·2/22, 200·5/35, 0
    let smape = (400.0 / 22.0 + 1000.0 / 35.0) / 3.0;
    assert!(close(metrics::smape(&y, &f), smape, 1e-14));
    // scales 2, 5, 4: 1, 1, 0
    assert!(close(
        metrics::mase(&y, &f, &[2.0, 5.0, 4.0]),
        2.0 / 3.0,
        1e-14
    ));
    // the scale of a history with a year-apart pair: |13 − 10| = 3
    let m = |k: i32| Month::new(2020, 1).unwrap().index() + k;
    let h = [(m(0), 10.0), (m(1), 30.0), (m(12), 13.0)];
    assert!(close(metrics::naive_scale(&h, 12).unwrap(), 3.0, 1e-14));
    // coverage: 10 in [9, 11], 20 not in [16, 19], 40 in [40, 41]
    let lo = [9.0, 16.0, 40.0];
    let hi = [11.0, 19.0, 41.0];
    assert!(close(metrics::coverage(&y, &lo, &hi), 2.0 / 3.0, 1e-14));
    // Winkler at α = 0.2: widths 2, 3, 1; the miss adds 10·(20 − 19)
    assert!(close(
        metrics::mean_winkler(&y, &lo, &hi, 0.2),
        (2.0 + 13.0 + 1.0) / 3.0,
        1e-14
    ));
    assert!(close(
        metrics::winkler(5.0, 6.0, 8.0, 0.05),
        2.0 + 40.0,
        1e-14
    ));
    // CRPS of {0, 10} at 4: E|X−y| = (4 + 6)/2 = 5, E|X−X'| = 10/2 = 5 → 2.5
    assert!(close(metrics::crps(&mut [10.0, 0.0], 4.0), 2.5, 1e-14));
    // a point mass: the absolute error
    assert!(close(metrics::crps(&mut [3.0; 5], 1.0), 2.0, 1e-14));
}

fn bundled() -> Observations {
    data::bundled().unwrap()
}

fn magcast(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_magcast"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Metrics recomputed from the details CSV by hand, per model.
fn recompute(csv: &str) -> BTreeMap<String, BTreeMap<&'static str, f64>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..10],
        [
            "model", "importer", "origin", "period", "actual", "forecast", "lower_80", "upper_80",
            "lower_95", "upper_95"
        ]
    );
    let mut by_model: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for line in lines {
        let cells: Vec<String> = line.split(',').map(String::from).collect();
        by_model.entry(cells[0].clone()).or_default().push(cells);
    }
    by_model
        .into_iter()
        .map(|(model, rows)| {
            let num = |r: &Vec<String>, c: usize| r[c].parse::<f64>().unwrap();
            let n = rows.len() as f64;
            let mut out = BTreeMap::new();
            let abs: f64 = rows.iter().map(|r| (num(r, 4) - num(r, 5)).abs()).sum();
            let sq: f64 = rows.iter().map(|r| (num(r, 4) - num(r, 5)).powi(2)).sum();
            let inside = |lo: usize, hi: usize| {
                rows.iter()
                    .filter(|r| num(r, lo) <= num(r, 4) && num(r, 4) <= num(r, hi))
                    .count() as f64
                    / n
            };
            let mut series: BTreeMap<String, (f64, f64)> = BTreeMap::new();
            for r in &rows {
                let e = series.entry(r[1].clone()).or_default();
                e.0 += (num(r, 4) - num(r, 5)).abs() / num(r, 10);
                e.1 += 1.0;
            }
            let mase = series.values().map(|(s, k)| s / k).sum::<f64>() / series.len() as f64;
            out.insert("mae", abs / n);
            out.insert("rmse", (sq / n).sqrt());
            out.insert("coverage_80", inside(6, 7));
            out.insert("coverage_95", inside(8, 9));
            out.insert("mase", mase);
            out.insert("crps", rows.iter().map(|r| num(r, 11)).sum::<f64>() / n);
            (model, out)
        })
        .collect()
}

#[test]
fn leaderboard_agrees_with_its_details_file() {
    let dir = tempfile::tempdir().unwrap();
    let details = dir.path().join("details.csv");
    let o = magcast(&[
        "backtest",
        "--models",
        "naive,seasonal-naive,drift,exponential",
        "--paths",
        "200",
        "--format",
        "json",
        "--details",
        details.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let board = json["leaderboard"].as_array().unwrap();
    assert_eq!(board.len(), 4);
    let csv = std::fs::read_to_string(&details).unwrap();
    let again = recompute(&csv);
    let mut last_mase = f64::NEG_INFINITY;
    for row in board {
        let model = row["model"].as_str().unwrap();
        let mine = &again[model];
        for (key, value) in mine {
            let reported = row[*key].as_f64().unwrap();
            assert!(
                close(reported, *value, 1e-12),
                "{model} {key}: {reported} vs {value}"
            );
        }
        let mase = row["mase"].as_f64().unwrap();
        assert!(mase >= last_mase, "ranked by MASE");
        last_mase = mase;
        assert_eq!(
            row["points"].as_u64().unwrap() as usize,
            csv.lines()
                .filter(|l| l.starts_with(&format!("{model},")))
                .count()
        );
    }
}

/// Six years of a monthly series growing 10 % a year with a ±20 % season and
/// 2 % noise from a fixed xorshift stream.
fn trend_and_season() -> Observations {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let start = Month::new(2016, 1).unwrap();
    let mut csv = String::from("period,importer,tonnes\n");
    for k in 0..72 {
        let t = f64::from(k) / 12.0;
        let season = 1.0 + 0.2 * (f64::from(k) * std::f64::consts::PI / 6.0).sin();
        let noise = 1.0 + 0.04 * (uniform() - 0.5);
        let y = 1000.0 * (0.1f64.ln_1p() * t).exp() * season * noise;
        csv.push_str(&format!("{},WORLD,{y:.3}\n", start.plus(k)));
    }
    data::load_from_bytes(
        Path::new("synthetic.csv"),
        csv.into_bytes(),
        LoadOptions::default(),
    )
    .unwrap()
}

#[test]
fn best_trend_beats_the_benchmarks_on_trend_plus_season() {
    let request = BacktestRequest {
        variants: ["naive", "seasonal-naive", "drift", "exponential", "linear"]
            .iter()
            .map(|m| Variant::parse(m).unwrap())
            .collect(),
        horizon: 6,
        windows: 4,
        step: 3,
        paths: 200,
        ..BacktestRequest::default()
    };
    let bt = backtest(&trend_and_season(), &request).unwrap();
    let mase = |m: &str| bt.leaderboard.iter().find(|r| r.model == m).unwrap().mase;
    let best_trend = mase("exponential").min(mase("linear"));
    for bench in ["naive", "seasonal-naive", "drift"] {
        assert!(
            best_trend < mase(bench),
            "{best_trend} vs {bench} {}",
            mase(bench)
        );
    }
    assert!(bt.failures.is_empty(), "{:?}", bt.failures);
    // 4 origins × 6 months × 5 models
    assert_eq!(bt.details.len(), 4 * 6 * 5);
    // the seasonal exponential trend is close to the truth
    assert!(mase("exponential") < 0.5, "{}", mase("exponential"));
}

#[test]
fn same_numbers_on_one_thread_and_on_two() {
    let request = BacktestRequest {
        variants: vec![
            Variant::SeasonalNaive,
            Variant::parse("linear").unwrap(),
            Variant::Auto,
        ],
        windows: 2,
        paths: 50,
        ..BacktestRequest::default()
    };
    let obs = bundled();
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let bt = pool.install(|| backtest(&obs, &request)).unwrap();
        magcast::report::details_csv(&bt.details)
    };
    let one = on(1);
    assert!(one.lines().count() > 1);
    assert_eq!(one, on(2));
}

#[test]
fn bad_requests_exit_2_with_a_message() {
    for (args, says) in [
        (
            &["backtest", "--models", "naive,arima"][..],
            "unknown model `arima`",
        ),
        (
            &["backtest", "--horizon", "0"][..],
            "--horizon must be at least 1",
        ),
        (
            &["backtest", "--min-months", "1000"][..],
            "not enough monthly data",
        ),
    ] {
        let o = magcast(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn cross_validation_chooses_worlds_model_by_its_own_months() {
    use magcast::backtest::{fit_selected, select_config};
    use magcast::forecast::{BaselineKind, FitConfig, ModelSelection};
    use magcast::model::Family;
    let obs = bundled();
    let config = FitConfig {
        candidates: vec![Family::Exponential, Family::Linear],
        selection: ModelSelection::Cv,
        ..FitConfig::bundled().unwrap()
    };
    let (chosen, selection) = select_config(&obs, &config).unwrap();
    let selection = selection.unwrap();
    assert_eq!(selection.origins, 6);
    let names: Vec<&str> = selection.scores.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(names, ["exponential", "linear", "dynamic"]);
    // The chosen one has the lowest MASE of those that forecast at every origin.
    let best = selection
        .scores
        .iter()
        .filter_map(|(m, s)| s.map(|s| (m.clone(), s)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    assert_eq!(selection.chosen, best.0);
    match selection.chosen.as_str() {
        "dynamic" => assert_eq!(chosen.baseline, BaselineKind::Dynamic),
        family => {
            assert_eq!(chosen.baseline, BaselineKind::Trend);
            assert_eq!(
                chosen.pins.get(&magcast::data::Importer::World),
                Some(&magcast::forecast::Pin::Family(family.parse().unwrap()))
            );
        }
    }
    let panel = fit_selected(&obs, &config).unwrap();
    assert!(
        panel
            .selection
            .unwrap()
            .contains("rolling-origin cross-validation")
    );

    // Too few single months: the AICc rule, said so.
    let short = obs.until(Month::new(2024, 6).unwrap());
    let (same, selection) = select_config(&short, &config).unwrap();
    assert_eq!(same, config);
    assert!(selection.unwrap().describe().starts_with("chosen by AICc"));
}
