//! Fit throughput: 10,000 series of 120 points, `linear` and `exponential`
//! (automatic start), on deterministic synthetic data with seeded noise; each
//! on one thread and with rayon over the series.

use criterion::{Criterion, criterion_group, criterion_main};
use magcast::model::{Family, RegressionParams};
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use std::hint::black_box;

const SERIES: usize = 10_000;
const POINTS: usize = 120;

/// A small seeded generator (SplitMix64) giving uniforms in [−1, 1).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

/// Monthly time in years, and `SERIES` responses from `shape`.
fn series(shape: impl Fn(usize, f64, &mut Noise) -> f64) -> (Array2<f64>, Vec<Array1<f64>>) {
    let x = Array2::from_shape_fn((POINTS, 1), |(i, _)| i as f64 / 12.0);
    let mut noise = Noise(7);
    let ys = (0..SERIES)
        .map(|s| Array1::from_shape_fn(POINTS, |i| shape(s, x[[i, 0]], &mut noise)))
        .collect();
    (x, ys)
}

fn bench(c: &mut Criterion) {
    let (x, linear_ys) = series(|s, t, n| 100.0 + (s % 17) as f64 - 3.0 * t + 2.0 * n.next());
    let (_, exp_ys) =
        series(|s, t, n| 50.0 * (1.0 + (s % 13) as f64 / 10.0) * (0.1 * t).exp() + 0.5 * n.next());
    let mut group = c.benchmark_group("fit_10000_series_of_120");
    group.sample_size(10);
    for (name, family, ys) in [
        ("linear", Family::Linear, &linear_ys),
        ("exponential", Family::Exponential, &exp_ys),
    ] {
        let params = RegressionParams::new(family).check().expect("valid params");
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut converged = 0usize;
                for y in ys {
                    let fit = params.fit(x.view(), y.view()).expect("fit");
                    converged += usize::from(fit.statistics().converged);
                }
                assert_eq!(converged, SERIES);
                black_box(converged)
            })
        });
        // The same on every core (rayon over series; fits are independent).
        group.bench_function(format!("{name}_parallel"), |b| {
            b.iter(|| {
                let converged: usize = ys
                    .par_iter()
                    .map(|y| {
                        let fit = params.fit(x.view(), y.view()).expect("fit");
                        usize::from(fit.statistics().converged)
                    })
                    .sum();
                assert_eq!(converged, SERIES);
                black_box(converged)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
