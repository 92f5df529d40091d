//! The multinomial-logit share model: shares add up, known shares are recovered,
//! forecasts follow the latest data without trend extrapolation, the mode agrees
//! with a direct numerical optimisation, and sample paths are reproducible.

use magcast::model::shares::{
    FitOptions, FittedShares, GrowthBasis, ObservationKind, ShareObservation, ShareProblem,
    ShareProblemSpec, fit_shares,
};
use proptest::prelude::*;

/// Seeded normals (SplitMix64 uniforms, Box–Muller).
struct Noise(u64);

impl Noise {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (a, b) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
    }
}

fn softmax(z: &[f64]) -> Vec<f64> {
    let e: Vec<f64> = z.iter().map(|v| v.exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

/// True shares per month from logits per month (the last unit is the reference, logit 0).
fn shares_from(logits: &[Vec<f64>]) -> Vec<Vec<f64>> {
    logits
        .iter()
        .map(|z| softmax(&[z.as_slice(), &[0.0]].concat()))
        .collect()
}

fn level(start: usize, len: usize, units: &[usize], value: f64, cv: f64) -> ShareObservation {
    ShareObservation {
        start,
        len,
        units: units.to_vec(),
        kind: ObservationKind::Level {
            value,
            cv: Some(cv),
            world_cv: 0.0,
        },
    }
}

/// The true flow of `units` over a span.
fn truth_sum(pi: &[Vec<f64>], world: &[f64], start: usize, len: usize, units: &[usize]) -> f64 {
    (start..start + len)
        .map(|t| world[t] * units.iter().map(|&u| pi[t][u]).sum::<f64>())
        .sum()
}

fn names(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            if i + 1 == n {
                "ROW".into()
            } else {
                format!("U{i}")
            }
        })
        .collect()
}

fn fit(
    units: usize,
    world: Vec<f64>,
    observations: Vec<ShareObservation>,
    o: &FitOptions,
) -> FittedShares {
    let spec = ShareProblemSpec {
        units: names(units),
        reference: units - 1,
        world,
        observations,
    };
    fit_shares(&ShareProblem::new(spec).expect("valid problem"), o).expect("fit")
}

/// Monthly levels with 2 % noise for `unit` over `months`.
fn monthly(
    pi: &[Vec<f64>],
    world: &[f64],
    unit: usize,
    months: std::ops::Range<usize>,
    n: &mut Noise,
) -> Vec<ShareObservation> {
    months
        .map(|t| {
            level(
                t,
                1,
                &[unit],
                truth_sum(pi, world, t, 1, &[unit]) * (1.0 + 0.02 * n.normal()),
                0.02,
            )
        })
        .collect()
}

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

/// Four stable units observed monthly for 72 months, and unit 0 seen only in
/// months 0..24, where its share rises from 5 % to 8 %.
fn old_observation_case() -> (FittedShares, f64) {
    let mut n = Noise(5);
    // units 1..3 wander (τ = 0.03) around 1, 0.5 and 0.7 times ROW
    let mut wander = [0.0_f64; 3];
    let logits: Vec<Vec<f64>> = (0..72)
        .map(|t| {
            wander.iter_mut().for_each(|w| *w += 0.03 * n.normal());
            let rise = (0.05_f64 + 0.03 * (t.min(23) as f64) / 23.0) / 0.3;
            vec![
                rise.ln(),
                wander[0],
                (0.5_f64).ln() + wander[1],
                (0.7_f64).ln() + wander[2],
            ]
        })
        .collect();
    let pi = shares_from(&logits);
    let world = vec![1000.0; 72];
    let mut obs: Vec<_> = (1..4)
        .flat_map(|u| monthly(&pi, &world, u, 0..72, &mut n))
        .collect();
    obs.push(level(
        0,
        12,
        &[0],
        truth_sum(&pi, &world, 0, 12, &[0]),
        0.03,
    ));
    obs.push(level(
        12,
        12,
        &[0],
        truth_sum(&pi, &world, 12, 12, &[0]),
        0.03,
    ));
    let fitted = fit(5, world, obs, &FitOptions::default());
    (fitted, pi[23][0])
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

fn bits(p: &magcast::model::shares::SharePaths, months: usize) -> Vec<u64> {
    (0..p.paths)
        .flat_map(|i| {
            (0..months)
                .flat_map(move |h| (0..p.units.len()).map(move |u| p.share(i, h, u).to_bits()))
        })
        .collect()
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
    ];
    assert_eq!(errors, expected);
}
