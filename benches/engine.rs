//! Engine throughput: a sweep of 100 variants × 1,000 draws over the bundled
//! panel (11 output series × 60 months), quantiles included, beside a floor
//! measured in the same run: one multiply-add per cell over the same number of
//! cells, the least any engine must do.
//!
//! `cargo bench --bench engine`; cells = variants × draws × series × months.
//! The sweep varies the elasticity and current-policy's Section 301 duty
//! (its fourth layer).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use magcast::data;
use magcast::engine::{self, RunOptions};
use magcast::forecast::{FitConfig, fit_panel};
use magcast::scenario::{self, ValidationContext};

const SWEEP: &str = "\
name: sweep
extends: current-policy
sweep:
  assumptions.elasticity: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
  tariffs.layers[3].steps[0].rate: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.5, 2.0]
";

fn bench(c: &mut Criterion) {
    let obs = data::bundled().expect("bundled data");
    let panel = fit_panel(&obs, &FitConfig::default()).expect("fits");
    let dir = tempfile::tempdir().expect("temp dir");
    let sweep = dir.path().join("sweep.yaml");
    std::fs::write(&sweep, SWEEP).expect("write sweep");
    std::fs::copy(
        "scenarios/current-policy.yaml",
        dir.path().join("current-policy.yaml"),
    )
    .expect("copy parent");
    let ctx = ValidationContext {
        first_month: Some(panel.last_observed.plus(1)),
    };
    let scenarios: Vec<_> = scenario::load(&[sweep as PathBuf], ctx)
        .expect("valid sweep")
        .into_iter()
        .filter(|s| s.name.starts_with("sweep["))
        .collect();
    let draws = 1000;
    let options = RunOptions {
        seed: 1,
        draws: Some(draws),
    };
    let probe = engine::run(&panel, &scenarios[..1], options, &|_| {}).expect("runs");
    let series = probe.outputs.len();
    let months = probe.scenarios[0].months;
    let cells = (scenarios.len() * draws * series * months) as u64;

    let mut group = c.benchmark_group("engine_sweep");
    group.sample_size(10);
    group.throughput(Throughput::Elements(cells));
    let mut floor = vec![1.0f32; 1 << 20];
    group.bench_function("floor: one multiply-add per cell", |b| {
        b.iter(|| {
            let mut left = cells as usize;
            while left > 0 {
                let n = left.min(floor.len());
                for v in &mut floor[..n] {
                    *v = *v * 0.999_9 + 0.000_1;
                }
                left -= n;
            }
            black_box(&floor);
        })
    });
    group.bench_function(
        format!(
            "{} variants x {draws} draws x {series} series x {months} months",
            scenarios.len()
        ),
        |b| b.iter(|| black_box(engine::run(&panel, &scenarios, options, &|_| {}).expect("runs"))),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
