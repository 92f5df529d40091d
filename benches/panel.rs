//! Baseline panel throughput: fitting a 200-importer × 120-month panel (every
//! candidate included) and forecasting it, beside a floor measured in the same
//! run: an independent log-linear least-squares line per series, the least any
//! trend fit must do.
//!
//! The bundled data's fit and forecast, with the trend and the dynamic
//! baseline, are timed too.
//!
//! `cargo bench --bench panel`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use magcast::data::{self, Country, LoadOptions, Month, Observations};
use magcast::forecast::{BaselineKind, FitConfig, fit_panel, forecast_panel};

const IMPORTERS: usize = 200;
const MONTHS: i32 = 120;

/// WORLD and 200 countries observed every month for ten years, with trend,
/// season and noise from a fixed xorshift stream.
fn panel() -> Observations {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let start = Month::new(2016, 1).expect("valid month");
    let countries: Vec<Country> = Country::all().take(IMPORTERS).collect();
    let weights: Vec<f64> = countries.iter().map(|_| 0.2 + uniform()).collect();
    let total: f64 = weights.iter().sum::<f64>() / 0.9;
    let mut csv = String::from("period,importer,tonnes\n");
    for k in 0..MONTHS {
        let m = start.plus(k);
        let season = 1.0 + 0.1 * (f64::from(k) * std::f64::consts::PI / 6.0).sin();
        let world =
            3000.0 * (0.07 * f64::from(k) / 12.0).exp() * season * (1.0 + 0.1 * (uniform() - 0.5));
        csv.push_str(&format!("{m},WORLD,{world:.3}\n"));
        for (c, w) in countries.iter().zip(&weights) {
            let v = world * w / total * (1.0 + 0.3 * (uniform() - 0.5));
            csv.push_str(&format!("{m},{},{v:.3}\n", c.alpha3()));
        }
    }
    data::load_from_bytes(
        Path::new("bench.csv"),
        csv.into_bytes(),
        LoadOptions::default(),
    )
    .expect("valid bench panel")
}

/// The floor: one closed-form log-linear line per series.
fn loglinear_lines(obs: &Observations) -> Vec<(f64, f64)> {
    let mut by_importer: std::collections::BTreeMap<_, (f64, f64, f64, f64, f64)> =
        Default::default();
    for o in obs.rows() {
        let x = f64::from(o.span.start().index()) / 12.0;
        let y = o.tonnes.ln();
        let e = by_importer.entry(o.importer).or_default();
        *e = (e.0 + 1.0, e.1 + x, e.2 + y, e.3 + x * x, e.4 + x * y);
    }
    by_importer
        .values()
        .map(|&(n, sx, sy, sxx, sxy)| {
            let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
            (slope, (sy - slope * sx) / n)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let obs = panel();
    let config = FitConfig::default();
    let mut group = c.benchmark_group("panel_200x120");
    group.sample_size(10);
    group.bench_function("floor: log-linear line per series", |b| {
        b.iter(|| black_box(loglinear_lines(black_box(&obs))))
    });
    group.bench_function("fit_panel (all candidates)", |b| {
        b.iter(|| black_box(fit_panel(black_box(&obs), &config).expect("fits")))
    });
    let fitted = fit_panel(&obs, &config).expect("fits");
    let until = Month::new(2030, 12).expect("valid month");
    group.bench_function("forecast 60 months, 1000 paths", |b| {
        b.iter(|| {
            black_box(forecast_panel(&fitted, until, &[80.0, 95.0], 1000, 1).expect("forecasts"))
        })
    });
    group.finish();

    // The bundled data, both baselines: fit and a 60-month forecast of 1000
    // paths (issue 13's budget: under 1 s).
    let bundled = data::bundled().expect("bundled data");
    let mut group = c.benchmark_group("bundled_fit_and_forecast");
    group.sample_size(10);
    for kind in [BaselineKind::Trend, BaselineKind::Dynamic] {
        let config = FitConfig {
            baseline: kind,
            ..FitConfig::bundled().expect("bundled config")
        };
        group.bench_function(format!("{kind:?}"), |b| {
            b.iter(|| {
                let p = fit_panel(black_box(&bundled), &config).expect("fits");
                black_box(forecast_panel(&p, until, &[80.0, 95.0], 1000, 42).expect("forecasts"))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
