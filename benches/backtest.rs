//! Backtest throughput: (series × origins × models) tasks per second, each a
//! refit at the origin plus sample draws, on a synthetic panel where every
//! family fits (a saturating WORLD and five countries, eight years monthly),
//! and on the bundled data with the command's defaults.
//!
//! `cargo bench --bench backtest`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use magcast::backtest::{BacktestRequest, backtest};
use magcast::data::{self, Country, LoadOptions, Month, Observations};

const COUNTRIES: usize = 5;
const MONTHS: i32 = 96;

/// A logistic WORLD with a ±15 % season and 5 countries with noisy shares.
fn panel() -> Observations {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let start = Month::new(2017, 1).expect("valid month");
    let countries: Vec<Country> = Country::all().take(COUNTRIES).collect();
    let mut csv = String::from("period,importer,tonnes\n");
    for k in 0..MONTHS {
        let t = f64::from(k) / 12.0;
        let season = 1.0 + 0.15 * (f64::from(k) * std::f64::consts::PI / 6.0).sin();
        let world =
            6000.0 / (1.0 + (1.5 - 0.6 * t).exp()) * season * (1.0 + 0.06 * (uniform() - 0.5));
        csv.push_str(&format!("{},WORLD,{world:.3}\n", start.plus(k)));
        for (i, c) in countries.iter().enumerate() {
            let share = 0.05 + 0.02 * i as f64;
            let v = world * share * (1.0 + 0.3 * (uniform() - 0.5));
            csv.push_str(&format!("{},{},{v:.3}\n", start.plus(k), c.alpha3()));
        }
    }
    data::load_from_bytes(
        Path::new("bench.csv"),
        csv.into_bytes(),
        LoadOptions::default(),
    )
    .expect("valid bench panel")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("backtest");
    group.sample_size(10);
    let obs = panel();
    let request = BacktestRequest {
        windows: 4,
        paths: 200,
        ..BacktestRequest::default()
    };
    let probe = backtest(&obs, &request).expect("backtests");
    let tasks = probe.origins * request.variants.len();
    eprintln!(
        "synthetic: {} origins × {} models = {tasks} tasks, {} points, {} failures",
        probe.origins,
        request.variants.len(),
        probe.details.len(),
        probe.failures.len()
    );
    group.throughput(Throughput::Elements(tasks as u64));
    group.bench_function(
        "synthetic 6 series x 4 origins x 8 models, 200 paths",
        |b| b.iter(|| black_box(backtest(black_box(&obs), &request).expect("backtests"))),
    );
    let bundled = data::bundled().expect("bundled data");
    let request = BacktestRequest::default();
    let probe = backtest(&bundled, &request).expect("backtests");
    let tasks = probe.origins * request.variants.len();
    group.throughput(Throughput::Elements(tasks as u64));
    group.bench_function(
        "bundled data, defaults (6 origins x 8 models, 500 paths)",
        |b| b.iter(|| black_box(backtest(black_box(&bundled), &request).expect("backtests"))),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
