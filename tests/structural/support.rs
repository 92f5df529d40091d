//! Shared helpers: configurations and a simulator of the model's own process.

use magcast::data::Month;
use magcast::model::structural::{
    Damping, Hyperparameters, Initial, NoiseScale, Seasonality, SpanObservation, SpanSeries,
    StructuralConfig, ValidConfig, ValidSeries,
};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;

pub(crate) fn month(year: i32, m: u32) -> Month {
    Month::new(year, m).expect("valid month")
}

/// A fixed-hyperparameter configuration: no seasonality, holiday or shock.
pub(crate) fn plain_config(phi: f64, noise: NoiseScale, scale: Option<f64>) -> ValidConfig {
    StructuralConfig {
        seasonality: Seasonality::Flat,
        lunar_new_year: false,
        shock_onsets: vec![],
        shock_peak: 0,
        damping: Damping::Fixed(phi),
        noise,
        initial: Initial::Diffuse,
        scale,
        max_iters: 3000,
    }
    .check()
    .expect("valid config")
}

pub(crate) fn hyper(var: [f64; 3], phi: f64, seasonal: [f64; 12]) -> Hyperparameters {
    Hyperparameters {
        var_irregular: var[0],
        var_level: var[1],
        var_trend: var[2],
        phi,
        seasonal,
        holiday: 0.0,
        shocks: vec![],
    }
}

/// Monthly observations of `values` from `origin`.
pub(crate) fn monthly(origin: Month, values: &[f64]) -> ValidSeries {
    let observations = values
        .iter()
        .enumerate()
        .map(|(t, &v)| SpanObservation::point(t, 1, v))
        .collect();
    SpanSeries {
        origin,
        observations,
    }
    .check()
    .expect("valid series")
}

/// Flows simulated from the proportional-noise model with hyperparameters
/// `h` (relative standard deviations), starting at level `level0` with a
/// relative trend `growth0` per month.
pub(crate) fn simulate_flows(
    h: &Hyperparameters,
    origin: Month,
    months: usize,
    level0: f64,
    growth0: f64,
    seed: u64,
) -> Vec<f64> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut z = move || -> f64 { StandardNormal.sample(&mut rng) };
    let (mut level, mut trend) = (level0, growth0 * level0);
    let mut out = Vec::with_capacity(months);
    for t in 0..months {
        let c = h.coefficient(origin, t);
        out.push((c * level + h.var_irregular.sqrt() * level * z()).max(0.0));
        let (l, b) = (level, trend);
        level = l + h.phi * b + h.var_level.sqrt() * l * z();
        trend = h.phi * b + h.var_trend.sqrt() * l * z();
    }
    out
}

/// Relative difference.
pub(crate) fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}
