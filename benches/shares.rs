//! The share model on a panel of the bundled size: 20 units (19 named and the
//! rest of the world) over 120 months with sparse observations of every kind —
//! monthly, quarterly and annual levels, group totals, ranges, year-on-year
//! growth and a published share — fitted with τ̄ estimated and with τ̄ given,
//! and 1,000 sample paths of 60 months simulated.

use criterion::{Criterion, criterion_group, criterion_main};
use magcast::model::shares::{
    FitOptions, GrowthBasis, ObservationKind, ShareObservation, ShareProblem, ShareProblemSpec,
    fit_shares,
};
use std::hint::black_box;

const UNITS: usize = 20;
const MONTHS: usize = 120;

/// True shares from deterministic logits (unit u near e^{−u/6} of ROW, with a slow wave).
fn share(t: usize, u: usize) -> f64 {
    let z = |v: usize| {
        if v + 1 == UNITS {
            0.0
        } else {
            -(v as f64) / 6.0 + 0.3 * ((t as f64) / 20.0 + v as f64).sin()
        }
    };
    let total: f64 = (0..UNITS).map(|v| z(v).exp()).sum();
    z(u).exp() / total
}

fn problem() -> ShareProblem {
    let world: Vec<f64> = (0..MONTHS).map(|t| 4000.0 + 20.0 * t as f64).collect();
    let sum = |s: usize, l: usize, units: &[usize]| -> f64 {
        (s..s + l)
            .map(|t| world[t] * units.iter().map(|&u| share(t, u)).sum::<f64>())
            .sum()
    };
    let mut obs = Vec::new();
    let mut push = |start, len, units: Vec<usize>, kind| {
        obs.push(ShareObservation {
            start,
            len,
            units,
            kind,
        })
    };
    let level = |v: f64| ObservationKind::Level {
        value: v,
        cv: None,
        world_cv: 0.02,
    };
    for u in 0..5 {
        (60..MONTHS).for_each(|t| push(t, 1, vec![u], level(sum(t, 1, &[u]))));
    }
    for u in 5..13 {
        (0..10).for_each(|y| push(12 * y, 12, vec![u], level(sum(12 * y, 12, &[u]))));
        push(108, 6, vec![u], level(sum(108, 6, &[u])));
    }
    for u in 13..17 {
        (8..40).for_each(|q| push(3 * q, 3, vec![u], level(sum(3 * q, 3, &[u]))));
    }
    let group = vec![17, 18, 2];
    (0..10).for_each(|y| push(12 * y, 12, group.clone(), level(sum(12 * y, 12, &group))));
    for u in [17, 18] {
        let v = sum(96, 12, &[u]);
        push(
            96,
            12,
            vec![u],
            ObservationKind::Range {
                low: Some(0.9 * v),
                high: Some(1.1 * v),
                world_cv: 0.0,
            },
        );
    }
    for u in 5..10 {
        let g = sum(108, 12, &[u]) / sum(96, 12, &[u]);
        push(
            108,
            12,
            vec![u],
            ObservationKind::Growth {
                ratio: g,
                basis: GrowthBasis::Yoy,
                sd: 0.03,
            },
        );
    }
    let row = vec![UNITS - 1];
    (5..10).for_each(|y| {
        push(
            12 * y,
            12,
            row.clone(),
            ObservationKind::Share {
                value: sum(12 * y, 12, &row) / world[12 * y..12 * y + 12].iter().sum::<f64>(),
                sd: 0.01,
            },
        )
    });
    let units = (0..UNITS)
        .map(|u| {
            if u + 1 == UNITS {
                "ROW".into()
            } else {
                format!("U{u}")
            }
        })
        .collect();
    ShareProblem::new(ShareProblemSpec {
        units,
        reference: UNITS - 1,
        world,
        observations: obs,
    })
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let problem = problem();
    let mut group = c.benchmark_group("shares_20x120");
    group.sample_size(10);
    group.bench_function("fit_tau_estimated", |b| {
        b.iter(|| fit_shares(black_box(&problem), &FitOptions::default()).unwrap())
    });
    let fixed = FitOptions {
        tau_bar: Some(0.03),
        ..FitOptions::default()
    };
    group.bench_function("fit_tau_given", |b| {
        b.iter(|| fit_shares(black_box(&problem), &fixed).unwrap())
    });
    let fitted = fit_shares(&problem, &FitOptions::default()).unwrap();
    group.bench_function("simulate_1000x60", |b| {
        b.iter(|| fitted.simulate(60, 1000, 7).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
