//! Values worked by hand or computed by statsmodels (tests/fixtures/structural/reference.py).

use std::path::Path;

use magcast::model::structural::{
    Damping, Initial, NoiseScale, Seasonality, SpanObservation, SpanSeries, StructuralConfig,
    StructuralError, StructuralModel, lunar_new_year,
};

use crate::support::{hyper, month, monthly, plain_config, rel};

fn air_passengers() -> Vec<f64> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/structural/AirPassengers.csv");
    let text = std::fs::read_to_string(path).expect("fixture");
    text.lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect()
}

/// Local level, known start L ~ N(10, 1), σ_ε² = σ_η² = 1, data 11, 13:
/// month 0: v = 1, F = 1 + 1 = 2; filtered P = 1 − 1/2 = 1/2, a = 10.5;
/// month 1: predicted P = 1/2 + 1 = 3/2, v = 2.5, F = 5/2.
/// ln L = −½(ln 2π + ln 2 + 1/2) − ½(ln 2π + ln 5/2 + 6.25/2.5)
///      = −ln 2π − ½(ln 5 + 3) = −4.1425960...
#[test]
fn local_level_loglik_matches_hand_arithmetic() {
    let config = StructuralConfig {
        initial: Initial::Known {
            level: 10.0,
            trend: 0.0,
            var_level: 1.0,
            var_trend: 0.0,
        },
        ..plain_config(1.0, NoiseScale::Constant, Some(1.0))
            .get()
            .clone()
    }
    .check()
    .unwrap();
    let series = monthly(month(2001, 3), &[11.0, 13.0]);
    let model = StructuralModel::with_hyperparameters(
        &series,
        &config,
        hyper([1.0, 1.0, 0.0], 1.0, [1.0; 12]),
    )
    .unwrap();
    let expected = -(2.0 * std::f64::consts::PI).ln() - 0.5 * (5f64.ln() + 3.0);
    assert!(
        (model.loglik() - expected).abs() < 1e-12,
        "{} vs {expected}",
        model.loglik()
    );
    assert_eq!(model.observations_used(), 2);
    // Filtered after month 1: a = 10.5 + (1.5/2.5)·2.5 = 12, P = 1.5 − 1.5²/2.5 = 0.6.
    let end = model.end_state();
    assert!((end.level - 12.0).abs() < 1e-12 && (end.cov[0] - 0.6).abs() < 1e-12);
}

/// Reference A: statsmodels UnobservedComponents('local linear trend').
#[test]
fn local_linear_trend_matches_statsmodels() {
    let y = air_passengers();
    let series = monthly(month(1949, 1), &y);
    let config = plain_config(1.0, NoiseScale::Constant, Some(100.0));
    let h = hyper([0.04, 0.01, 1e-4], 1.0, [1.0; 12]);
    let model = StructuralModel::with_hyperparameters(&series, &config, h).unwrap();
    assert_eq!(model.observations_used(), 142);
    assert!(
        (model.loglik() - -803.6009206232).abs() < 1e-5,
        "{}",
        model.loglik()
    );
    let end = model.end_state();
    assert!((end.level - 4.5025867989).abs() < 1e-7 && (end.trend - -0.0098159273).abs() < 1e-8);
    let smooth = model.smoothed_flows(&series);
    for (t, want) in [(0, 1.1800877292), (60, 2.1117679435), (143, 4.5025867989)] {
        assert!(
            (smooth[t] - 100.0 * want).abs() < 1e-5,
            "month {t}: {}",
            smooth[t]
        );
    }
    let fc = model.forecast(12);
    assert!((fc[11].mean - 438.47956718).abs() < 1e-4, "{}", fc[11].mean);
    assert!(
        (fc[11].var_observed - 4355.857050).abs() < 1e-3,
        "{}",
        fc[11].var_observed
    );
}

/// Reference B: statsmodels' generic Kalman filter given magcast's span state,
/// damped trend, fixed seasonal factors, quarterly sums then months.
#[test]
fn spans_with_damped_trend_match_statsmodels() {
    let y = air_passengers();
    let mut observations = Vec::new();
    for q in 0..24 {
        observations.push(SpanObservation::point(
            3 * q,
            3,
            y[3 * q..3 * q + 3].iter().sum(),
        ));
    }
    observations.extend((72..144).map(|t| SpanObservation::point(t, 1, y[t])));
    let series = SpanSeries {
        origin: month(1949, 1),
        observations,
    }
    .check()
    .unwrap();
    let raw = [
        0.9, 0.85, 1.0, 0.97, 0.98, 1.1, 1.2, 1.2, 1.05, 0.92, 0.83, 0.9,
    ];
    let total: f64 = raw.iter().sum();
    let seasonal = raw.map(|s| 12.0 * s / total);
    let config = StructuralConfig {
        seasonality: Seasonality::Fixed(seasonal.to_vec()),
        ..plain_config(0.9, NoiseScale::Constant, Some(100.0))
            .get()
            .clone()
    }
    .check()
    .unwrap();
    let model = StructuralModel::with_hyperparameters(
        &series,
        &config,
        hyper([0.04, 0.01, 1e-4], 0.9, seasonal),
    )
    .unwrap();
    assert_eq!(model.observations_used(), 94);
    assert!(
        (model.loglik() - -431.3390934312).abs() < 1e-6,
        "{}",
        model.loglik()
    );
    let end = model.end_state();
    assert!((end.level - 4.8215326205).abs() < 1e-7 && (end.trend - 0.0048895665).abs() < 1e-8);
    let smooth = model.smoothed_flows(&series);
    for (t, want) in [
        (0, 116.5270812615),
        (40, 189.3939278519),
        (143, 437.5844731235),
    ] {
        assert!((smooth[t] - want).abs() < 1e-5, "month {t}: {}", smooth[t]);
    }
}

/// The same flows given as months or as quarterly sums: smoothed quarterly
/// totals agree, both with the data and with each other.
#[test]
fn quarterly_sums_and_months_give_the_same_quarters() {
    let h = hyper([1e-5, 0.0004, 1e-6], 0.95, [1.0; 12]);
    let flows = crate::support::simulate_flows(&h, month(2010, 1), 120, 500.0, 0.005, 7);
    let by_month = monthly(month(2010, 1), &flows);
    let quarters: Vec<SpanObservation> = (0..40)
        .map(|q| SpanObservation::point(3 * q, 3, flows[3 * q..3 * q + 3].iter().sum()))
        .collect();
    let by_quarter = SpanSeries {
        origin: month(2010, 1),
        observations: quarters,
    }
    .check()
    .unwrap();
    let config = plain_config(0.95, NoiseScale::Proportional, None);
    let fit_m = StructuralModel::with_hyperparameters(&by_month, &config, h.clone()).unwrap();
    let fit_q = StructuralModel::with_hyperparameters(&by_quarter, &config, h).unwrap();
    assert!(fit_m.loglik().is_finite() && fit_q.loglik().is_finite());
    assert_eq!(fit_q.observations_used(), 38);
    let (sm, sq) = (
        fit_m.smoothed_flows(&by_month),
        fit_q.smoothed_flows(&by_quarter),
    );
    for q in 0..40 {
        let observed: f64 = flows[3 * q..3 * q + 3].iter().sum();
        let (a, b): (f64, f64) = (
            sm[3 * q..3 * q + 3].iter().sum(),
            sq[3 * q..3 * q + 3].iter().sum(),
        );
        assert!(
            rel(a, observed) < 0.01 && rel(b, observed) < 0.01,
            "quarter {q}: {a} {b} {observed}"
        );
        assert!(rel(a, b) < 0.005, "quarter {q}: {a} vs {b}");
    }
}

/// Known dates (almanac / Hong Kong Observatory): 2000-02-05, 2008-02-07,
/// 2020-01-25, 2024-02-10, 2025-01-29, 2026-02-17, 2033-01-31, 2040-02-12.
#[test]
fn lunar_new_year_table_has_known_dates() {
    let known = [
        (2000, (2, 5)),
        (2008, (2, 7)),
        (2020, (1, 25)),
        (2024, (2, 10)),
        (2025, (1, 29)),
        (2026, (2, 17)),
        (2033, (1, 31)),
        (2040, (2, 12)),
    ];
    for (year, date) in known {
        assert_eq!(lunar_new_year(year), Some(date), "{year}");
    }
    assert_eq!(lunar_new_year(1999), None);
    assert_eq!(lunar_new_year(2041), None);
}

/// A degenerate range is the point; a wide range carries less information.
#[test]
fn ranges_enter_as_midpoints_with_uniform_variance() {
    let config = plain_config(1.0, NoiseScale::Constant, Some(1.0));
    let h = hyper([1.0, 0.5, 0.0], 1.0, [1.0; 12]);
    let fit = |last: SpanObservation| {
        let mut obs: Vec<_> = (0..5)
            .map(|t| SpanObservation::point(t, 1, 10.0 + t as f64))
            .collect();
        obs.push(last);
        let s = SpanSeries {
            origin: month(2003, 3),
            observations: obs,
        }
        .check()
        .unwrap();
        StructuralModel::with_hyperparameters(&s, &config, h.clone()).unwrap()
    };
    let point = fit(SpanObservation::point(5, 1, 20.0));
    let tight = fit(SpanObservation::range(5, 1, 20.0, 20.0));
    let wide = fit(SpanObservation::range(5, 1, 10.0, 30.0));
    assert!((point.loglik() - tight.loglik()).abs() < 1e-12);
    // The wide range pulls the level less far towards 20 than the point.
    let (lp, lw) = (point.end_state().level, wide.end_state().level);
    assert!(lw < lp - 1.0 && lw > 14.0, "{lw} vs {lp}");
}

#[test]
fn invalid_input_reports_every_problem() {
    let bad = SpanSeries {
        origin: month(2020, 1),
        observations: vec![
            SpanObservation::point(0, 0, 1.0),
            SpanObservation::point(1, 1, f64::NAN),
            SpanObservation::range(2, 1, 5.0, 3.0).with_sd_scale(0.0),
        ],
    };
    match bad.check() {
        Err(StructuralError::InvalidObservations(p)) => assert_eq!(p.len(), 4, "{p:?}"),
        other => panic!("expected invalid observations, got {other:?}"),
    }
    let config = StructuralConfig {
        damping: Damping::Fixed(1.5),
        scale: Some(-1.0),
        ..StructuralConfig::default()
    };
    match config.check() {
        Err(StructuralError::InvalidConfig(p)) => assert_eq!(p.len(), 2, "{p:?}"),
        other => panic!("expected invalid config, got {other:?}"),
    }
}

/// Annual totals, a year-to-date run, quarters and months with a gap, all in
/// one likelihood: every month is smoothed, and the smoothed sums reproduce
/// the reported totals where the irregular is small.
#[test]
fn mixed_spans_and_gaps_enter_one_likelihood() {
    let h = hyper([1e-6, 1e-4, 1e-7], 0.95, [1.0; 12]);
    let flows = crate::support::simulate_flows(&h, month(2015, 1), 84, 200.0, 0.003, 21);
    let sum = |a: usize, n: usize| flows[a..a + n].iter().sum::<f64>();
    let mut obs: Vec<SpanObservation> = (0..3)
        .map(|y| SpanObservation::point(12 * y, 12, sum(12 * y, 12)))
        .collect();
    obs.push(SpanObservation::point(36, 7, sum(36, 7))); // 2018-01..07 year to date
    obs.extend((0..4).map(|q| SpanObservation::point(48 + 3 * q, 3, sum(48 + 3 * q, 3))));
    obs.extend(
        (60..84)
            .filter(|t| !(66..70).contains(t))
            .map(|t| SpanObservation::point(t, 1, flows[t])),
    );
    let series = SpanSeries {
        origin: month(2015, 1),
        observations: obs.clone(),
    }
    .check()
    .unwrap();
    let config = plain_config(0.95, NoiseScale::Proportional, None);
    let model = StructuralModel::with_hyperparameters(&series, &config, h).unwrap();
    assert!(model.loglik().is_finite());
    assert_eq!(model.observations_used(), obs.len() - 2);
    let smooth = model.smoothed_flows(&series);
    assert_eq!(smooth.len(), 84);
    for o in &obs {
        let got: f64 = smooth[o.start..o.start + o.len].iter().sum();
        let want = match o.value {
            magcast::model::structural::Measurement::Point(v) => v,
            _ => unreachable!(),
        };
        assert!(
            rel(got, want) < 0.005,
            "span {}+{}: {got} vs {want}",
            o.start,
            o.len
        );
    }
    // The gap 2020-07..10 is interpolated between its neighbours.
    assert!(
        smooth[66..70]
            .iter()
            .all(|v| *v > 0.8 * flows[65] && *v < 1.25 * flows[70])
    );
}

/// A one-sided bound, worked by hand: known start L ~ N(10, 1), σ_ε² = 1, a
/// single figure known to be at least 12. The prediction is N(10, 2), so
/// α = (10 − 12)/√2, ln L = ln Φ(α) and the level moves to
/// 10 + ½(E[y | y ≥ 12] − 10) with E[y | y ≥ 12] = 10 + √2·φ(α)/Φ(α).
#[test]
fn one_sided_bound_matches_the_truncated_normal() {
    let config = StructuralConfig {
        initial: Initial::Known {
            level: 10.0,
            trend: 0.0,
            var_level: 1.0,
            var_trend: 0.0,
        },
        ..plain_config(1.0, NoiseScale::Constant, Some(1.0))
            .get()
            .clone()
    }
    .check()
    .unwrap();
    let h = hyper([1.0, 1.0, 0.0], 1.0, [1.0; 12]);
    let fit = |obs: Vec<SpanObservation>| {
        let s = SpanSeries {
            origin: month(2001, 3),
            observations: obs,
        }
        .check()
        .unwrap();
        StructuralModel::with_hyperparameters(&s, &config, h.clone()).unwrap()
    };
    let m = fit(vec![SpanObservation::at_least(0, 1, 12.0)]);
    // Φ(−√2) = 0.0786496035 and φ(−√2) = 0.1467626925 (tables).
    let (cdf, pdf) = (0.078_649_603_5, 0.146_762_692_5);
    assert!((m.loglik() - f64::ln(cdf)).abs() < 1e-6, "{}", m.loglik());
    let level = 10.0 + 0.5 * (2f64.sqrt() * pdf / cdf);
    assert!(
        (m.end_state().level - level).abs() < 1e-5,
        "{}",
        m.end_state().level
    );
    // A bound far from binding changes neither the state nor the likelihood.
    let base: Vec<SpanObservation> = (0..6)
        .map(|t| SpanObservation::point(t, 1, 10.0 + t as f64))
        .collect();
    let mut with_bound = base.clone();
    with_bound.push(SpanObservation::at_most(0, 6, 1e4));
    let (a, b) = (fit(base), fit(with_bound));
    assert!(
        (a.loglik() - b.loglik()).abs() < 1e-9
            && (a.end_state().level - b.end_state().level).abs() < 1e-12
    );
    assert_eq!(b.observations_used(), a.observations_used() + 1);
}
