//! Checks of the objective's derivatives against finite differences.

use super::objective::Objective;
use super::problem::{GrowthBasis, ObservationKind, ShareObservation, ShareProblemSpec};
use super::skyline::Skyline;

fn obs(start: usize, len: usize, units: &[usize], kind: ObservationKind) -> ShareObservation {
    ShareObservation {
        start,
        len,
        units: units.to_vec(),
        kind,
    }
}

/// Four units (reference 3), 16 months, one observation of every kind.
fn spec() -> ShareProblemSpec {
    let level = |value| ObservationKind::Level {
        value,
        cv: Some(0.1),
        world_cv: 0.02,
    };
    ShareProblemSpec {
        units: ["A", "B", "C", "ROW"].map(String::from).to_vec(),
        reference: 3,
        world: (0..16).map(|t| 100.0 + 3.0 * t as f64).collect(),
        observations: vec![
            obs(0, 3, &[0], level(90.0)),
            obs(2, 1, &[1, 2], level(60.0)),
            obs(
                4,
                2,
                &[3],
                ObservationKind::Range {
                    low: Some(150.0),
                    high: None,
                    world_cv: 0.0,
                },
            ),
            obs(
                5,
                1,
                &[2],
                ObservationKind::Range {
                    low: None,
                    high: Some(5.0),
                    world_cv: 0.0,
                },
            ),
            obs(
                6,
                4,
                &[0, 1],
                ObservationKind::Share {
                    value: 0.4,
                    sd: 0.03,
                },
            ),
            obs(
                13,
                2,
                &[1],
                ObservationKind::Growth {
                    ratio: 1.3,
                    basis: GrowthBasis::Yoy,
                    sd: 0.05,
                },
            ),
            obs(
                9,
                3,
                &[2],
                ObservationKind::Growth {
                    ratio: 0.8,
                    basis: GrowthBasis::Prev,
                    sd: 0.05,
                },
            ),
            obs(7, 2, &[2], ObservationKind::Exceeds { below: vec![0, 1] }),
        ],
    }
}

fn point(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.3 * ((i * 7 % 11) as f64 / 11.0 - 0.5))
        .collect()
}

#[test]
fn gradient_matches_finite_differences() {
    let spec = spec();
    let obj = Objective::new(&spec, vec![0.05, 0.1, 0.2], 4.0, 0.05, 0.01);
    let z = point(16 * 3);
    let mut h = Skyline::new(obj.envelope());
    let (f, g) = obj.linearise(&z, &mut h);
    assert!((f - obj.value(&z)).abs() < 1e-9 * f.abs());
    for i in 0..z.len() {
        let (mut up, mut down) = (z.clone(), z.clone());
        up[i] += 1e-6;
        down[i] -= 1e-6;
        let fd = (obj.value(&up) - obj.value(&down)) / 2e-6;
        assert!(
            (fd - g[i]).abs() < 1e-4 * (1.0 + g[i].abs()),
            "unknown {i}: {fd} vs {}",
            g[i]
        );
    }
}

#[test]
fn prior_hessian_is_tridiagonal_in_time_with_inverse_variances() {
    // Without observations: 1/s₀² + 1/τ² on the first month's diagonal, 2/τ²
    // inside, 1/τ² at the end, −1/τ² between consecutive months, 0 across units.
    let mut spec = spec();
    spec.observations.clear();
    let obj = Objective::new(&spec, vec![0.5, 0.25, 0.1], 2.0, 0.05, 0.01);
    let z = point(16 * 3);
    let mut h = Skyline::new(obj.envelope());
    obj.linearise(&z, &mut h);
    assert!((h.get(0, 0) - (0.25 + 4.0)).abs() < 1e-12);
    assert!((h.get(3 + 1, 1) + 16.0).abs() < 1e-12);
    assert!((h.get(3 * 5 + 2, 3 * 5 + 2) - 200.0).abs() < 1e-9);
    assert!((h.get(3 * 15 + 2, 3 * 15 + 2) - 100.0).abs() < 1e-9);
    assert!(h.get(3 * 5 + 2, 3 * 5 + 1).abs() < 1e-15);
}
