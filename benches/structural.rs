//! Structural-model fit time: one 120-month series (2016-2025) fitted by
//! maximum likelihood, with every hyperparameter estimated (variances, φ,
//! eleven seasonal ratios, the Lunar New Year coefficient) and with a fixed
//! seasonal profile (the pooled case); the same series given as annual totals
//! for five years and months after; and 1000 sample paths of 60 months.
//!
//! `cargo bench --bench structural`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use magcast::data::Month;
use magcast::model::structural::{
    Seasonality, SpanObservation, SpanSeries, StructuralConfig, StructuralModel, ValidSeries,
};

/// Ten years of a growing seasonal flow with noise from a fixed xorshift stream.
fn flows() -> Vec<f64> {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..120)
        .map(|k| {
            let season = 1.0 + 0.1 * (f64::from(k) * std::f64::consts::PI / 6.0).sin();
            3000.0 * (0.07 * f64::from(k) / 12.0).exp() * season * (1.0 + 0.1 * (uniform() - 0.5))
        })
        .collect()
}

fn series(observations: Vec<SpanObservation>) -> ValidSeries {
    let origin = Month::new(2016, 1).expect("valid month");
    SpanSeries {
        origin,
        observations,
    }
    .check()
    .expect("valid series")
}

fn bench(c: &mut Criterion) {
    let f = flows();
    let monthly = series(
        (0..120)
            .map(|t| SpanObservation::point(t, 1, f[t]))
            .collect(),
    );
    let mut mixed: Vec<_> = (0..5)
        .map(|y| SpanObservation::point(12 * y, 12, f[12 * y..12 * y + 12].iter().sum()))
        .collect();
    mixed.extend((60..120).map(|t| SpanObservation::point(t, 1, f[t])));
    let mixed = series(mixed);
    let estimated = StructuralConfig::default().check().expect("valid config");
    let profile: Vec<f64> = (0..12)
        .map(|m| 1.0 + 0.1 * (f64::from(m) * std::f64::consts::PI / 6.0).sin())
        .collect();
    let fixed = StructuralConfig {
        seasonality: Seasonality::Fixed(profile),
        ..StructuralConfig::default()
    }
    .check()
    .expect("valid config");
    let mut group = c.benchmark_group("structural_120_months");
    group.sample_size(10);
    group.bench_function("fit, seasonal estimated", |b| {
        b.iter(|| black_box(StructuralModel::fit(black_box(&monthly), &estimated).expect("fits")))
    });
    group.bench_function("fit, seasonal fixed", |b| {
        b.iter(|| black_box(StructuralModel::fit(black_box(&monthly), &fixed).expect("fits")))
    });
    group.bench_function(
        "fit, 5 annual totals + 60 months, seasonal estimated",
        |b| {
            b.iter(|| black_box(StructuralModel::fit(black_box(&mixed), &estimated).expect("fits")))
        },
    );
    let model = StructuralModel::fit(&monthly, &estimated).expect("fits");
    group.bench_function("simulate 1000 paths x 60 months", |b| {
        b.iter(|| black_box(model.simulate("WORLD", 1, 60, 1000)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
