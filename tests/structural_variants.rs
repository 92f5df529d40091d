//! The variants WORLD's dynamic model chooses among by AICc (docs/model.md
//! §2.12): an undamped trend (φ = 1, linear on the scale of the data) against
//! a damped one, and relative against constant noise, on series simulated
//! with a known answer.

use magcast::data::{self, Month};
use magcast::forecast::{BaselineKind, DynamicBaseline, FitConfig, fit_dynamic};
use magcast::model::structural::{Damping, NoiseScale};

fn month(y: i32, m: u32) -> Month {
    Month::new(y, m).unwrap()
}

/// Standard normal draws from a fixed 64-bit LCG through Box-Muller, so the
/// series are the same on every platform.
fn normals(n: usize, mut state: u64) -> Vec<f64> {
    let mut uniform = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let (u, v) = (uniform(), uniform());
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        })
        .collect()
}

/// WORLD observed every month from 2001-01 with the given values, fitted.
fn fit(values: &[f64]) -> DynamicBaseline {
    let start = month(2001, 1);
    let mut csv = String::from("period,importer,tonnes\n");
    for (k, v) in values.iter().enumerate() {
        csv.push_str(&format!("{},WORLD,{v:.4}\n", start.plus(k as i32)));
    }
    let obs = data::load_from_bytes(
        std::path::Path::new("variants.csv"),
        csv.into_bytes(),
        data::LoadOptions::default(),
    )
    .unwrap();
    let last = start.plus(values.len() as i32 - 1);
    let config = FitConfig {
        baseline: BaselineKind::Dynamic,
        ..FitConfig::default()
    };
    fit_dynamic(&obs, &config, start, last).unwrap()
}

/// A straight line, 1,000 t + 20 t a month with 1 % noise for eight years:
/// the undamped trend is chosen and the next two years continue the line
/// (month k after the data: 1000 + 20·(96 + k)), within 3 %.
#[test]
fn a_straight_line_is_forecast_straight_with_phi_one() {
    let z = normals(96, 7);
    let values: Vec<f64> = (0..96)
        .map(|t| (1000.0 + 20.0 * t as f64) * (1.0 + 0.01 * z[t]))
        .collect();
    let d = fit(&values);
    let damping = d.world.config().get().damping;
    assert!(
        matches!(damping, Damping::Fixed(p) if (p - 1.0).abs() < 1e-15),
        "{damping:?}"
    );
    assert!((d.world.hyperparameters().phi - 1.0).abs() < 1e-15);
    for (k, f) in d.world.forecast(24).iter().enumerate() {
        let line = 1000.0 + 20.0 * (96 + k) as f64;
        assert!(
            (f.mean / line - 1.0).abs() < 0.03,
            "month {k}: {} vs {line}",
            f.mean
        );
    }
}

/// A series growing tenfold (100 to about 1,000 t) whose noise is 8 % of the
/// level picks relative noise; the same line with noise of a constant 25 t
/// picks constant noise.
#[test]
fn the_noise_follows_the_series_when_its_swings_grow_with_it() {
    let z = normals(120, 11);
    let line = |t: usize| 100.0 + 7.5 * t as f64;
    let relative: Vec<f64> = (0..120).map(|t| line(t) * (1.0 + 0.08 * z[t])).collect();
    let constant: Vec<f64> = (0..120).map(|t| line(t) + 25.0 * z[t]).collect();
    let noise = |v: &[f64]| fit(v).world.config().get().noise;
    assert_eq!(noise(&relative), NoiseScale::Proportional);
    assert_eq!(noise(&constant), NoiseScale::Constant);
}
