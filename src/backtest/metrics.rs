//! Forecast accuracy metrics as pure functions of actuals, point forecasts,
//! interval bounds and sample paths. Every function skips nothing silently: the
//! inputs are paired element by element and an empty input gives `NaN`.
//!
//! Conventions:
//! * MAPE is `100 · mean |y − f| / |y|` over the points with `y ≠ 0`;
//! * sMAPE uses the 0–200 % convention: `200 · mean |y − f| / (|y| + |f|)`
//!   (a pair with `y = f = 0` counts as 0);
//! * MASE divides each absolute error by an in-sample scale (the mean absolute
//!   seasonal-naive difference, see [`naive_scale`]);
//! * the Winkler (interval) score of a central `(1 − α)` interval is its width
//!   plus `2/α` times the distance by which the actual falls outside it;
//! * CRPS is estimated from samples with the energy form
//!   `E|X − y| − ½ E|X − X'|`, computed exactly on the sorted samples.

/// Mean absolute error.
pub fn mae(actual: &[f64], forecast: &[f64]) -> f64 {
    mean(actual.iter().zip(forecast).map(|(y, f)| (y - f).abs()))
}

/// Root mean squared error.
pub fn rmse(actual: &[f64], forecast: &[f64]) -> f64 {
    mean(actual.iter().zip(forecast).map(|(y, f)| (y - f).powi(2))).sqrt()
}

/// Mean absolute percentage error in %, over the points whose actual is not zero.
pub fn mape(actual: &[f64], forecast: &[f64]) -> f64 {
    mean(
        actual
            .iter()
            .zip(forecast)
            .filter(|(y, _)| y.abs() > 0.0)
            .map(|(y, f)| 100.0 * (y - f).abs() / y.abs()),
    )
}

/// Symmetric MAPE in % on the 0–200 scale: `200 |y − f| / (|y| + |f|)`.
pub fn smape(actual: &[f64], forecast: &[f64]) -> f64 {
    mean(actual.iter().zip(forecast).map(|(y, f)| {
        let d = y.abs() + f.abs();
        if d > 0.0 {
            200.0 * (y - f).abs() / d
        } else {
            0.0
        }
    }))
}

/// Mean absolute scaled error: each absolute error divided by its own scale
/// (the scale of the training data at the point's origin).
pub fn mase(actual: &[f64], forecast: &[f64], scale: &[f64]) -> f64 {
    mean(
        actual
            .iter()
            .zip(forecast)
            .zip(scale)
            .map(|((y, f), s)| (y - f).abs() / s),
    )
}

/// The in-sample scale of MASE for a monthly history given as `(month index,
/// value)` pairs in increasing month order (gaps allowed): the mean absolute
/// difference between values `m` months apart, over every pair both observed;
/// where no such pair exists, the one-month (non-seasonal naive) difference.
/// `None` if neither exists or the scale is zero.
pub fn naive_scale(history: &[(i32, f64)], m: i32) -> Option<f64> {
    let lagged = |lag: i32| -> Option<f64> {
        let diffs: Vec<f64> = history
            .iter()
            .filter_map(|&(t, y)| {
                let prev = history.binary_search_by_key(&(t - lag), |p| p.0).ok()?;
                Some((y - history[prev].1).abs())
            })
            .collect();
        (!diffs.is_empty()).then(|| mean(diffs.into_iter()))
    };
    let scale = lagged(m).or_else(|| lagged(1))?;
    (scale > 0.0 && scale.is_finite()).then_some(scale)
}

/// Share of the actuals inside their `[lower, upper]` interval.
pub fn coverage(actual: &[f64], lower: &[f64], upper: &[f64]) -> f64 {
    mean(
        actual
            .iter()
            .zip(lower.iter().zip(upper))
            .map(|(y, (lo, hi))| if *lo <= *y && *y <= *hi { 1.0 } else { 0.0 }),
    )
}

/// The Winkler (interval) score of one central `(1 − alpha)` interval.
pub fn winkler(actual: f64, lower: f64, upper: f64, alpha: f64) -> f64 {
    let width = upper - lower;
    if actual < lower {
        width + 2.0 / alpha * (lower - actual)
    } else if actual > upper {
        width + 2.0 / alpha * (actual - upper)
    } else {
        width
    }
}

/// Mean Winkler score over the points.
pub fn mean_winkler(actual: &[f64], lower: &[f64], upper: &[f64], alpha: f64) -> f64 {
    mean(
        actual
            .iter()
            .zip(lower.iter().zip(upper))
            .map(|(y, (lo, hi))| winkler(*y, *lo, *hi, alpha)),
    )
}

/// CRPS of the empirical distribution of `samples` at the outcome `actual`,
/// by the energy form `E|X − y| − ½ E|X − X'|`. Sorts `samples` in place;
/// `E|X − X'| = 2/n² Σᵢ (2i − n − 1) x₍ᵢ₎` on the sorted samples, so the cost is
/// O(n log n). `NaN` for no samples.
pub fn crps(samples: &mut [f64], actual: f64) -> f64 {
    let n = samples.len();
    if n == 0 {
        return f64::NAN;
    }
    samples.sort_unstable_by(f64::total_cmp);
    let nf = n as f64;
    let spread: f64 = samples
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - nf - 1.0) * x)
        .sum::<f64>();
    let abs_err = samples.iter().map(|x| (x - actual).abs()).sum::<f64>() / nf;
    abs_err - spread / (nf * nf)
}

/// Quantile of sorted values by linear interpolation (Hyndman & Fan type 7).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The arithmetic mean; `NaN` for no values.
pub fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + b.abs())
    }

    #[test]
    fn point_metrics_by_hand() {
        let y = [100.0, 200.0, 50.0];
        let f = [110.0, 180.0, 50.0];
        // errors 10, 20, 0
        assert!(close(mae(&y, &f), 10.0));
        assert!(close(rmse(&y, &f), (500.0f64 / 3.0).sqrt()));
        assert!(close(mape(&y, &f), (10.0 + 10.0 + 0.0) / 3.0));
        let s = (200.0 * 10.0 / 210.0 + 200.0 * 20.0 / 380.0) / 3.0;
        assert!(close(smape(&y, &f), s));
        assert!(close(mase(&y, &f, &[5.0, 10.0, 1.0]), (2.0 + 2.0) / 3.0));
    }

    #[test]
    fn scale_seasonal_then_naive() {
        // values 12 months apart: (0,10)-(12,16), (1,20)-(13,14): mean(6, 6) = 6
        let h = [(0, 10.0), (1, 20.0), (12, 16.0), (13, 14.0)];
        assert!(close(naive_scale(&h, 12).unwrap(), 6.0));
        // no 12-month pairs: one-month differences 10 and 2 → 6
        let h = [(0, 10.0), (1, 20.0), (5, 1.0), (6, 3.0)];
        assert!(close(naive_scale(&h, 12).unwrap(), 6.0));
        assert!(naive_scale(&[(0, 1.0), (3, 2.0)], 12).is_none());
    }

    #[test]
    fn intervals_by_hand() {
        let y = [5.0, 0.0, 12.0];
        let lo = [4.0, 1.0, 4.0];
        let hi = [6.0, 3.0, 10.0];
        assert!(close(coverage(&y, &lo, &hi), 1.0 / 3.0));
        assert!(close(winkler(5.0, 4.0, 6.0, 0.2), 2.0));
        assert!(close(winkler(0.0, 1.0, 3.0, 0.2), 2.0 + 10.0));
        assert!(close(winkler(12.0, 4.0, 10.0, 0.05), 6.0 + 80.0));
        assert!(close(
            mean_winkler(&y, &lo, &hi, 0.2),
            (2.0 + 12.0 + 26.0) / 3.0
        ));
    }

    #[test]
    fn crps_by_hand_and_by_pairs() {
        // {1,2,3} at 2: E|X−y| = 2/3, E|X−X'| = 8/9 → 2/3 − 4/9 = 2/9
        assert!(close(crps(&mut [3.0, 1.0, 2.0], 2.0), 2.0 / 9.0));
        // one sample: the absolute error
        assert!(close(crps(&mut [4.0], 1.5), 2.5));
        // brute force over all pairs
        let xs: [f64; 7] = [0.3, -1.2, 2.5, 0.9, 0.9, 4.0, -0.1];
        let y: f64 = 0.7;
        let n = xs.len() as f64;
        let e1: f64 = xs.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
        let e2: f64 = xs
            .iter()
            .flat_map(|a| xs.iter().map(move |b| (a - b).abs()))
            .sum::<f64>()
            / (n * n);
        assert!(close(crps(&mut xs.clone(), y), e1 - 0.5 * e2));
    }

    #[test]
    fn quantiles_type7() {
        let s = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!(close(quantile_sorted(&s, 0.1), 1.4));
        assert!(close(quantile_sorted(&s, 0.5), 3.0));
        assert!(mean(std::iter::empty()).is_nan());
    }
}
