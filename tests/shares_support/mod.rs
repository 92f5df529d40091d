//! Shared support for the share-model tests: seeded noise, true shares from
//! logits, observation builders and the old-observation case.
#![allow(dead_code)]

use magcast::model::shares::{
    FitOptions, FittedShares, ObservationKind, ShareObservation, SharePaths, ShareProblem,
    ShareProblemSpec, fit_shares,
};

/// Seeded normals (SplitMix64 uniforms, Box–Muller).
pub(crate) struct Noise(pub(crate) u64);

impl Noise {
    pub(crate) fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(crate) fn normal(&mut self) -> f64 {
        let (a, b) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
    }
}

pub(crate) fn softmax(z: &[f64]) -> Vec<f64> {
    let e: Vec<f64> = z.iter().map(|v| v.exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

/// True shares per month from logits per month (the last unit is the reference, logit 0).
pub(crate) fn shares_from(logits: &[Vec<f64>]) -> Vec<Vec<f64>> {
    logits
        .iter()
        .map(|z| softmax(&[z.as_slice(), &[0.0]].concat()))
        .collect()
}

pub(crate) fn level(
    start: usize,
    len: usize,
    units: &[usize],
    value: f64,
    cv: f64,
) -> ShareObservation {
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
pub(crate) fn truth_sum(
    pi: &[Vec<f64>],
    world: &[f64],
    start: usize,
    len: usize,
    units: &[usize],
) -> f64 {
    (start..start + len)
        .map(|t| world[t] * units.iter().map(|&u| pi[t][u]).sum::<f64>())
        .sum()
}

pub(crate) fn names(n: usize) -> Vec<String> {
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

pub(crate) fn fit(
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
pub(crate) fn monthly(
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

/// Four stable units observed monthly for 72 months, and unit 0 seen only in
/// months 0..24, where its share rises from 5 % to 8 %.
pub(crate) fn old_observation_case() -> (FittedShares, f64) {
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

pub(crate) fn bits(p: &SharePaths, months: usize) -> Vec<u64> {
    (0..p.paths)
        .flat_map(|i| {
            (0..months)
                .flat_map(move |h| (0..p.units.len()).map(move |u| p.share(i, h, u).to_bits()))
        })
        .collect()
}
