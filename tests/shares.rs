//! The multinomial-logit share model against simulated truths: known shares
//! are recovered, forecasts follow the latest data without trend
//! extrapolation, a one-sided bound holds and τ̄ is estimated.

mod shares_support;

use magcast::model::shares::{
    FitOptions, FittedShares, GrowthBasis, ObservationKind, ShareObservation,
};
use shares_support::*;

#[test]
fn recovers_known_shares_from_sparse_mixed_observations() {
    let mut n = Noise(11);
    let mut z = vec![0.5, 0.0, -0.5, -1.0];
    let logits: Vec<Vec<f64>> = (0..60)
        .map(|_| {
            z.iter_mut().for_each(|v| *v += 0.03 * n.normal());
            z.clone()
        })
        .collect();
    let pi = shares_from(&logits);
    let world: Vec<f64> = (0..60).map(|t| 1000.0 * (1.0 + 0.01 * t as f64)).collect();
    let mut obs = monthly(&pi, &world, 0, 0..60, &mut n);
    let noisy = |s, l, u: &[usize], n: &mut Noise| {
        level(
            s,
            l,
            u,
            truth_sum(&pi, &world, s, l, u) * (1.0 + 0.03 * n.normal()),
            0.03,
        )
    };
    for y in 0..5 {
        obs.push(noisy(12 * y, 12, &[1], &mut n));
        obs.push(noisy(12 * y, 12, &[1, 2], &mut n));
    }
    for y in 0..4 {
        obs.push(noisy(12 * y, 12, &[3], &mut n));
    }
    let last3 = truth_sum(&pi, &world, 48, 12, &[3]);
    obs.push(ShareObservation {
        start: 48,
        len: 12,
        units: vec![3],
        kind: ObservationKind::Range {
            low: Some(0.95 * last3),
            high: Some(1.05 * last3),
            world_cv: 0.0,
        },
    });
    let g = truth_sum(&pi, &world, 54, 6, &[2]) / truth_sum(&pi, &world, 42, 6, &[2]);
    obs.push(ShareObservation {
        start: 54,
        len: 6,
        units: vec![2],
        kind: ObservationKind::Growth {
            ratio: g,
            basis: GrowthBasis::Yoy,
            sd: 0.03,
        },
    });
    obs.push(noisy(48, 12, &[4], &mut n));
    let fitted = fit(5, world, obs, &FitOptions::default());
    assert!(fitted.converged);
    for (u, s) in fitted.last_shares().unwrap().iter().enumerate() {
        let truth = pi[59][u];
        assert!(
            (s.share - truth).abs() < 0.12 * truth,
            "unit {u}: fitted {} vs true {truth}",
            s.share
        );
        assert!(
            (s.share - truth).abs() < 3.5 * s.sd + 0.003,
            "unit {u}: {} ± {} vs {truth}",
            s.share,
            s.sd
        );
    }
}

#[test]
fn an_old_observation_is_carried_forward_not_extrapolated_and_its_interval_widens() {
    let (fitted, last_seen) = old_observation_case();
    let paths = fitted.simulate(36, 2000, 3).unwrap();
    let near = paths.band(0, 0, 0.1);
    let far = paths.band(0, 35, 0.1);
    // the rising 2019-2020 trend would reach 0.08 × 1.6^4 ≈ 0.5 after four years
    for b in [near, far] {
        assert!(
            (b.mean - last_seen).abs() < 0.25 * last_seen,
            "mean {} vs last seen {last_seen}",
            b.mean
        );
    }
    assert!(
        far.high - far.low > 1.2 * (near.high - near.low),
        "{far:?} vs {near:?}"
    );
    let u = fitted.units.len();
    assert!(fitted.logit_sd[71 * u] > 1.5 * fitted.logit_sd[20 * u]);
}

#[test]
fn a_recent_fall_is_forecast_at_its_latest_level() {
    let mut n = Noise(9);
    // unit 0: share 30 % for four years, then falling to 18 % over the last year
    let share0 = |t: usize| {
        if t < 48 {
            0.30
        } else {
            0.30 - 0.12 * (t - 47) as f64 / 12.0
        }
    };
    let pi: Vec<Vec<f64>> = (0..60)
        .map(|t| {
            let rest = (1.0 - share0(t)) / 3.0;
            vec![share0(t), rest, rest, rest]
        })
        .collect();
    let world = vec![500.0; 60];
    let mut obs = monthly(&pi, &world, 0, 0..60, &mut n);
    obs.extend(monthly(&pi, &world, 1, 0..60, &mut n));
    // unit 2 annually, so that ROW (the remainder) is identified as in the data
    obs.extend((0..5).map(|y| {
        level(
            12 * y,
            12,
            &[2],
            truth_sum(&pi, &world, 12 * y, 12, &[2]),
            0.03,
        )
    }));
    let fitted = fit(4, world, obs, &FitOptions::default());
    let paths = fitted.simulate(12, 1000, 1).unwrap();
    for h in [0, 5, 11] {
        let b = paths.band(0, h, 0.1);
        assert!(
            (b.mean - 0.18).abs() < 0.012,
            "month {h}: mean {} (long-run mean 0.28)",
            b.mean
        );
        assert!(
            b.low < 0.18 && b.high > 0.18 && b.high < 0.25,
            "month {h}: {b:?}"
        );
    }
}

#[test]
fn a_one_sided_lower_bound_is_respected() {
    let mut n = Noise(21);
    let pi: Vec<Vec<f64>> = (0..60).map(|_| vec![0.1, 0.4, 0.5]).collect();
    let world: Vec<f64> = (0..60).map(|t| 800.0 + 5.0 * t as f64).collect();
    let mut obs = monthly(&pi, &world, 0, 0..48, &mut n);
    obs.extend(monthly(&pi, &world, 1, 0..60, &mut n));
    let x = 1.3 * truth_sum(&pi, &world, 48, 12, &[0]);
    obs.push(ShareObservation {
        start: 48,
        len: 12,
        units: vec![0],
        kind: ObservationKind::Range {
            low: Some(x),
            high: None,
            world_cv: 0.0,
        },
    });
    let fitted = fit(3, world.clone(), obs, &FitOptions::default());
    let got: f64 = (48..60)
        .map(|t| world[t] * fitted.shares_at(t).unwrap()[0])
        .sum();
    assert!(got > 0.98 * x, "fitted {got} vs more than {x}");
    assert!(
        got < 1.1 * x,
        "fitted {got}: the bound should bind, not overshoot"
    );
}

#[test]
fn pooled_innovation_sd_is_estimated_near_the_simulated_one() {
    let (fitted, _) = old_observation_case();
    // units 1..3 were simulated with τ = 0.03 per month
    assert!(
        fitted.tau_bar > 0.02 && fitted.tau_bar < 0.045,
        "τ̄ = {}",
        fitted.tau_bar
    );
    for u in 0..4 {
        assert!(
            (fitted.tau[u] / fitted.tau_bar).ln().abs() < 0.5,
            "τ_{u} = {}",
            fitted.tau[u]
        );
    }
    assert!(fitted.tau[4].abs() < 1e-300, "the reference has no walk");
}

#[test]
fn a_rank_enters_as_a_soft_order_constraint() {
    let mut n = Noise(33);
    // unit 0 at 20 % and unit 1 at 25 % for four years; in the last year unit 0
    // is not observed, only ranked above unit 1
    let pi: Vec<Vec<f64>> = (0..60).map(|_| vec![0.2, 0.25, 0.55]).collect();
    let world = vec![300.0; 60];
    let mut obs = monthly(&pi, &world, 0, 0..48, &mut n);
    obs.extend(monthly(&pi, &world, 1, 0..60, &mut n));
    let last_year = |f: &FittedShares, u: usize| -> f64 {
        (48..60)
            .map(|t| world[t] * f.shares_at(t).unwrap()[u])
            .sum()
    };
    let free = fit(3, world.clone(), obs.clone(), &FitOptions::default());
    assert!(
        last_year(&free, 0) < 0.9 * last_year(&free, 1),
        "without the rank unit 0 stays below"
    );
    obs.push(ShareObservation {
        start: 48,
        len: 12,
        units: vec![0],
        kind: ObservationKind::Exceeds { below: vec![1] },
    });
    let ranked = fit(3, world.clone(), obs, &FitOptions::default());
    let (a, b) = (last_year(&ranked, 0), last_year(&ranked, 1));
    assert!(a > 0.98 * b, "ranked first: {a} vs {b}");
    assert!(
        (b / (0.25 * 300.0 * 12.0) - 1.0).abs() < 0.03,
        "unit 1 keeps its data: {b}"
    );
}
