//! The share model's exact properties: shares add up in every path and month,
//! the mode agrees with a direct numerical optimisation, sample paths do not
//! depend on threads or horizon, models round-trip and bad input is refused.

mod shares_support;

use magcast::model::shares::{
    FitOptions, FittedShares, GrowthBasis, ObservationKind, ShareObservation, ShareProblem,
    ShareProblemSpec,
};
use proptest::prelude::*;
use shares_support::*;

/// The negative log posterior of the tiny case written out directly.
fn tiny_objective(z: &[f64]) -> f64 {
    // z = [a0, b0, a1, b1]; W = [100, 200]; A month 0 = 30, B month 1 = 50, cv 0.1
    let share = |a: f64, b: f64, which: f64| which.exp() / (1.0 + a.exp() + b.exp());
    let ra = (100.0 * share(z[0], z[1], z[0])).ln() - 30.0_f64.ln();
    let rb = (200.0 * share(z[2], z[3], z[3])).ln() - 50.0_f64.ln();
    let (tau, s0, cv) = (0.1, 2.0, 0.1);
    0.5 * (ra * ra + rb * rb) / (cv * cv)
        + 0.5 * (z[0] * z[0] + z[1] * z[1]) / (s0 * s0)
        + 0.5 * ((z[2] - z[0]).powi(2) + (z[3] - z[1]).powi(2)) / (tau * tau)
}

/// Newton's method with central-difference derivatives on a 4-variable function.
fn numeric_minimum(f: fn(&[f64]) -> f64) -> Vec<f64> {
    let mut x = vec![0.0; 4];
    let h = 1e-4;
    let grad = |x: &[f64]| -> Vec<f64> {
        (0..4)
            .map(|i| {
                let (mut u, mut d) = (x.to_vec(), x.to_vec());
                u[i] += h;
                d[i] -= h;
                (f(&u) - f(&d)) / (2.0 * h)
            })
            .collect()
    };
    for _ in 0..40 {
        let g = grad(&x);
        let mut m: Vec<Vec<f64>> = (0..4)
            .map(|i| {
                let (mut u, mut d) = (x.clone(), x.clone());
                u[i] += h;
                d[i] -= h;
                let (gu, gd) = (grad(&u), grad(&d));
                let mut row: Vec<f64> = (0..4).map(|j| (gu[j] - gd[j]) / (2.0 * h)).collect();
                row.push(-g[i]);
                row
            })
            .collect();
        for p in 0..4 {
            for r in p + 1..4 {
                let q = m[r][p] / m[p][p];
                let pivot = m[p].clone();
                m[r][p..]
                    .iter_mut()
                    .zip(&pivot[p..])
                    .for_each(|(x, y)| *x -= q * y);
            }
        }
        let mut step = [0.0; 4];
        for p in (0..4).rev() {
            step[p] = (m[p][4] - (p + 1..4).map(|c| m[p][c] * step[c]).sum::<f64>()) / m[p][p];
        }
        x.iter_mut().zip(step).for_each(|(x, s)| *x += s);
    }
    x
}

#[test]
fn tiny_case_mode_matches_a_direct_numerical_optimisation() {
    let obs = vec![level(0, 1, &[0], 30.0, 0.1), level(1, 1, &[1], 50.0, 0.1)];
    let options = FitOptions {
        tau_bar: Some(0.1),
        omega: 0.0,
        init_sd: 2.0,
        ..FitOptions::default()
    };
    let fitted = fit(3, vec![100.0, 200.0], obs, &options);
    let direct = numeric_minimum(tiny_objective);
    let ours = [
        fitted.logits[0],
        fitted.logits[1],
        fitted.logits[3],
        fitted.logits[4],
    ];
    for (a, b) in ours.iter().zip(&direct) {
        assert!((a - b).abs() < 1e-5, "{ours:?} vs {direct:?}");
    }
    // by hand: with the two months tied by the tight walk there are two effective
    // logits for two figures, so the data alone give π_A = 0.30 and π_B = 0.25
    // (logits ln(0.30/0.45) and ln(0.25/0.45), both negative); the weak prior
    // pulls logits towards 0, i.e. both shares slightly up towards ROW's size
    let s0 = fitted.shares_at(0).unwrap();
    let s1 = fitted.shares_at(1).unwrap();
    assert!(s0[0] > 0.30 && s0[0] < 0.305, "{s0:?}");
    assert!(s1[1] > 0.25 && s1[1] < 0.255, "{s1:?}");
    assert!((s0.iter().sum::<f64>() - 1.0).abs() < 1e-15);
}

#[test]
fn paths_do_not_depend_on_threads_or_horizon() {
    let (fitted, _) = old_observation_case();
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    };
    let one = on(1).install(|| fitted.simulate(60, 300, 42).unwrap());
    let two = on(2).install(|| fitted.simulate(60, 300, 42).unwrap());
    let short = on(2).install(|| fitted.simulate(12, 300, 42).unwrap());
    assert_eq!(bits(&one, 60), bits(&two, 60));
    assert_eq!(bits(&one, 12), bits(&short, 12));
    let other = fitted.simulate(12, 300, 43).unwrap();
    assert_ne!(bits(&short, 12), bits(&other, 12));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn shares_add_up_and_stay_inside_the_unit_interval(
        units in 2usize..6,
        months in 2usize..16,
        raw in proptest::collection::vec((0usize..16, 1usize..6, 0usize..6, 0.001f64..0.9), 1..8),
        seed in any::<u64>(),
    ) {
        let world: Vec<f64> = (0..months).map(|t| 100.0 + 10.0 * t as f64).collect();
        let obs: Vec<ShareObservation> = raw.iter().map(|&(s, l, u, share)| {
            let start = s % months;
            let len = l.min(months - start);
            let value = share * world[start..start + len].iter().sum::<f64>();
            level(start, len, &[u % units], value, 0.05)
        }).collect();
        let fitted = fit(units, world, obs, &FitOptions::default());
        let paths = fitted.simulate(6, 20, seed).unwrap();
        for p in 0..20 {
            for h in 0..6 {
                let total: f64 = (0..units).map(|u| paths.share(p, h, u)).sum();
                prop_assert!((total - 1.0).abs() < 1e-12);
                for u in 0..units {
                    let s = paths.share(p, h, u);
                    prop_assert!(s > 0.0 && s < 1.0, "unit {} share {}", u, s);
                }
            }
        }
        for t in 0..months {
            let s = fitted.shares_at(t).unwrap();
            prop_assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            prop_assert!(s[units - 1] > 0.0);
        }
    }
}

#[test]
fn fitted_model_round_trips_through_json() {
    let (fitted, _) = old_observation_case();
    let text = serde_json::to_string(&fitted).unwrap();
    let back: FittedShares = serde_json::from_str(&text).unwrap();
    // serde_json's default parser may be off in the last bit of a float
    let close = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-14 * (1.0 + x.abs()))
    };
    assert_eq!(
        (&back.units, back.reference, back.months),
        (&fitted.units, fitted.reference, fitted.months)
    );
    assert!(close(&back.logits, &fitted.logits) && close(&back.logit_sd, &fitted.logit_sd));
    assert!(close(&back.last_cov, &fitted.last_cov) && close(&back.tau, &fitted.tau));
    let mut broken = back.clone();
    broken.last_cov.pop();
    assert!(broken.simulate(3, 10, 5).is_err() && broken.last_shares().is_err());
    let (a, b) = (
        fitted.simulate(3, 10, 5).unwrap(),
        back.simulate(3, 10, 5).unwrap(),
    );
    for p in 0..10 {
        for u in 0..5 {
            assert!((a.share(p, 2, u) - b.share(p, 2, u)).abs() < 1e-12);
        }
    }
}

#[test]
fn validation_reports_every_problem() {
    let spec = ShareProblemSpec {
        units: vec!["A".into(), "A".into(), "ROW".into()],
        reference: 2,
        world: vec![100.0, -1.0, 100.0],
        observations: vec![
            level(2, 3, &[0], 10.0, 0.05),
            level(0, 1, &[5], 10.0, 0.05),
            ShareObservation {
                start: 0,
                len: 1,
                units: vec![0],
                kind: ObservationKind::Range {
                    low: Some(5.0),
                    high: Some(4.0),
                    world_cv: 0.0,
                },
            },
            ShareObservation {
                start: 1,
                len: 1,
                units: vec![1],
                kind: ObservationKind::Growth {
                    ratio: 1.2,
                    basis: GrowthBasis::Yoy,
                    sd: 0.1,
                },
            },
            ShareObservation {
                start: 0,
                len: 1,
                units: vec![1],
                kind: ObservationKind::Share {
                    value: 1.5,
                    sd: 0.1,
                },
            },
            ShareObservation {
                start: 0,
                len: 1,
                units: vec![0],
                kind: ObservationKind::Exceeds { below: vec![0, 7] },
            },
        ],
    };
    let Err(magcast::model::shares::SharesError::Invalid(errors)) = ShareProblem::new(spec) else {
        panic!("the problem should be refused");
    };
    let expected = [
        "unit `A` is listed twice",
        "world month 1: -1 is not a positive number",
        "observation 0: span 2..5 beyond the 3 months fitted",
        "observation 1: unit index 5 out of range",
        "observation 2: range low 5 ≥ high 4",
        "observation 3: growth basis starts before month 0",
        "observation 4: share 1.5 is not in (0, 1]",
        "observation 5: unit `A` is on both sides of an order constraint",
        "observation 5: unit index 7 out of range",
    ];
    assert_eq!(errors, expected);
}
