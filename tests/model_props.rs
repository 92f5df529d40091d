//! Property tests: every family recovers the known parameters of random
//! well-posed problems (noise-free data, automatic starting values), and the
//! library returns errors, never panics, on bad input.

use magcast::model::{Family, ModelError, RegressionParams};
use ndarray::{Array1, Array2};
use proptest::prelude::*;

fn close(got: &[f64], want: &[f64], rel: f64) -> bool {
    got.len() == want.len()
        && got
            .iter()
            .zip(want)
            .all(|(g, w)| (g - w).abs() <= rel * w.abs().max(1.0))
}

/// Fits `family` (automatic start) to y = f(x, θ) at x = 0, 0.5, …, 20 (shifted
/// by `x0`) and checks θ comes back.
fn recovers(family: Family, theta: &[f64], x0: f64) -> Result<(), TestCaseError> {
    let x: Vec<f64> = (0..41).map(|i| x0 + f64::from(i) * 0.5).collect();
    let y: Vec<f64> = x.iter().map(|&v| family.value(v, theta)).collect();
    let xm = Array2::from_shape_vec((x.len(), 1), x).unwrap();
    let fit = RegressionParams::new(family).fit(xm.view(), Array1::from(y).view());
    let fit = fit.map_err(|e| TestCaseError::fail(format!("{family} {theta:?}: {e}")))?;
    prop_assert!(
        fit.statistics().converged,
        "{family} {theta:?}: {:?}",
        fit.statistics().termination
    );
    prop_assert!(
        close(fit.params(), theta, 1e-5),
        "{family}: got {:?}, want {theta:?}",
        fit.params()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn linear_recovers(b in prop::collection::vec(-5.0f64..5.0, 2..5), seed in 0u64..1000, intercept: bool) {
        let k = b.len() - 1;
        let n = 30;
        // Deterministic, well-spread regressors from the seed.
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let x = Array2::from_shape_fn((n, k), |_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 20.0 - 10.0
        });
        let b0 = if intercept { b[0] } else { 0.0 };
        let y = Array1::from_shape_fn(n, |i| b0 + (0..k).map(|j| b[j + 1] * x[[i, j]]).sum::<f64>());
        let fit = RegressionParams::new(Family::Linear).intercept(intercept).fit(x.view(), y.view()).unwrap();
        let want: Vec<f64> = if intercept { b.clone() } else { b[1..].to_vec() };
        prop_assert!(close(fit.params(), &want, 1e-9), "{:?} vs {want:?}", fit.params());
        prop_assert!(fit.statistics().r_squared > 1.0 - 1e-12);
    }

    #[test]
    fn poly_recovers(b in prop::collection::vec(-3.0f64..3.0, 2..6)) {
        let deg = b.len() - 1;
        let n = 30;
        let x = Array2::from_shape_fn((n, 1), |(i, _)| -3.0 + 6.0 * i as f64 / (n - 1) as f64);
        let y = Array1::from_shape_fn(n, |i| b.iter().rev().fold(0.0, |acc, c| acc * x[[i, 0]] + c));
        let fit = RegressionParams::new(Family::Poly(deg)).fit(x.view(), y.view()).unwrap();
        prop_assert!(close(fit.params(), &b, 1e-9), "{:?} vs {b:?}", fit.params());
    }

    #[test]
    fn exponential_recovers(b1 in 0.5f64..50.0, neg: bool, b2 in -0.3f64..0.3) {
        recovers(Family::Exponential, &[if neg { -b1 } else { b1 }, b2], 0.0)?;
    }

    #[test]
    fn power_recovers(b1 in 0.5f64..50.0, b2 in -2.0f64..2.0) {
        recovers(Family::Power, &[b1, b2], 0.5)?;
    }

    #[test]
    fn monomolecular_recovers(b1 in 1.0f64..100.0, b2 in 0.05f64..1.0) {
        recovers(Family::Monomolecular, &[b1, b2], 0.0)?;
    }

    #[test]
    fn logistic_recovers(b1 in 1.0f64..100.0, b3 in 0.3f64..2.0, mid in 5.0f64..15.0) {
        recovers(Family::Logistic, &[b1, b3 * mid, b3], 0.0)?;
    }

    #[test]
    fn gompertz_recovers(b1 in 1.0f64..100.0, b3 in 0.2f64..1.0, mid in 3.0f64..12.0) {
        recovers(Family::Gompertz, &[b1, (b3 * mid).exp(), b3], 0.0)?;
    }

    #[test]
    fn richards_recovers(b1 in 1.0f64..100.0, b3 in 0.3f64..1.5, mid in 6.0f64..14.0, b4 in 0.5f64..2.0) {
        recovers(Family::Richards, &[b1, b3 * mid, b3, b4], 0.0)?;
    }

    #[test]
    fn arbitrary_data_never_panics(
        xs in prop::collection::vec(prop::num::f64::ANY, 0..12),
        ys in prop::collection::vec(prop::num::f64::ANY, 0..12),
        which in 0usize..8,
    ) {
        let family = [Family::Linear, Family::Poly(3), Family::Exponential, Family::Power,
            Family::Monomolecular, Family::Logistic, Family::Gompertz, Family::Richards][which];
        let x = Array2::from_shape_vec((xs.len(), 1), xs).unwrap();
        let _ = RegressionParams::new(family).fit(x.view(), Array1::from(ys).view());
    }
}

fn col(v: &[f64]) -> Array2<f64> {
    Array2::from_shape_vec((v.len(), 1), v.to_vec()).unwrap()
}

#[test]
fn errors_are_clear() {
    let x = col(&[1.0, 2.0, 3.0, 4.0]);
    let y = Array1::from(vec![1.0, 2.0, 2.5, 4.5]);
    // Too few rows.
    let err = RegressionParams::new(Family::Poly(3))
        .fit(x.view(), y.view())
        .unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::TooFewRows {
                rows: 4,
                params: 4,
                needed: 5
            }
        ),
        "{err}"
    );
    // Rank deficiency: the same column twice.
    let x2 = Array2::from_shape_fn((4, 2), |(i, _)| i as f64);
    let err = RegressionParams::new(Family::Linear)
        .fit(x2.view(), y.view())
        .unwrap_err();
    assert!(matches!(err, ModelError::RankDeficient { .. }), "{err}");
    // Non-finite values.
    let bad = Array1::from(vec![1.0, f64::NAN, 2.5, 4.5]);
    let err = RegressionParams::new(Family::Linear)
        .fit(x.view(), bad.view())
        .unwrap_err();
    assert!(matches!(err, ModelError::NonFinite { row: 1, .. }), "{err}");
    // Unknown families.
    for name in ["poly:0", "foo", "poly:-1"] {
        assert!(
            matches!(name.parse::<Family>(), Err(ModelError::UnknownFamily(_))),
            "{name}"
        );
    }
    // Wrong start count, start for a linear model, no intercept for a nonlinear one.
    assert!(matches!(
        RegressionParams::new(Family::Logistic)
            .start(vec![1.0])
            .check(),
        Err(ModelError::BadStart(_))
    ));
    assert!(matches!(
        RegressionParams::new(Family::Linear)
            .start(vec![1.0])
            .check(),
        Err(ModelError::BadStart(_))
    ));
    assert!(matches!(
        RegressionParams::new(Family::Gompertz)
            .intercept(false)
            .check(),
        Err(ModelError::InvalidOption(_))
    ));
    // Power needs x > 0.
    let x0 = col(&[0.0, 1.0, 2.0, 3.0]);
    assert!(matches!(
        RegressionParams::new(Family::Power).fit(x0.view(), y.view()),
        Err(ModelError::Domain(_))
    ));
    // Shapes.
    let err = RegressionParams::new(Family::Logistic)
        .fit(x2.view(), y.view())
        .unwrap_err();
    assert!(matches!(err, ModelError::Shape(_)));
    assert!(err.is_bad_input());
}

#[test]
fn predict_matches_the_family() {
    let x = col(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let y = Array1::from(vec![1.0, 4.1, 8.9, 16.2, 24.8, 36.1]);
    let fit = RegressionParams::new(Family::Poly(2))
        .fit(x.view(), y.view())
        .unwrap();
    let p = fit.predict(col(&[2.0]).view()).unwrap();
    let b = fit.params();
    assert!((p[0] - (b[0] + 2.0 * b[1] + 4.0 * b[2])).abs() < 1e-12);
    assert!(fit.predict(Array2::zeros((1, 2)).view()).is_err());
}

#[test]
fn types_are_thread_safe() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<RegressionParams>();
    check::<magcast::model::ValidRegressionParams>();
    check::<magcast::model::FittedRegression>();
    check::<ModelError>();
}
