//! One-sided bounds ("at least 500 t") entered by moment matching: the
//! Gaussian prediction of the span is truncated at the bound, the state takes
//! the truncated distribution's mean and variance (assumed-density filtering),
//! and the likelihood gains the log-probability of the bound.
//!
//! The moment-matched update is the ordinary Kalman update with an equivalent
//! Gaussian pseudo-observation, so the filter and the smoother need no other
//! case. With S the prediction variance of the span's signal, F = S + H the
//! variance of the figure, and m, V the truncated mean and variance of the
//! figure, the pseudo-observation has variance `H̃ = F/(1 − V/F) − S` and value
//! `ỹ = μ + (m − μ)/(1 − V/F)`: both give the state the truncated moments.

/// Which side of the figure is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Bound {
    /// The figure is at least this.
    Lower(f64),
    /// The figure is at most this.
    Upper(f64),
}

/// What the filter does with a bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BoundUpdate {
    /// Log-probability of the bound under the prediction.
    pub log_prob: f64,
    /// Equivalent pseudo-observation and its noise variance; `None` when the
    /// bound is so far from binding that it carries no information.
    pub pseudo: Option<(f64, f64)>,
}

/// Standard normal CDF, from the complementary error function.
pub(crate) fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Complementary error function by the Chebyshev-fitted exponential of
/// Numerical Recipes (`erfcc`), fractional error below 1.2e-7 everywhere.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = [
        -1.265_512_23,
        1.000_023_68,
        0.374_091_96,
        0.096_784_18,
        -0.186_288_06,
        0.278_868_07,
        -1.135_203_98,
        1.488_515_87,
        -0.822_152_23,
        0.170_872_77,
    ];
    let series = poly.iter().rev().fold(0.0, |acc, c| acc * t + c);
    let ans = t * (-z * z + series).exp();
    if x >= 0.0 { ans } else { 2.0 - ans }
}

/// `ln Φ(a)` and the inverse Mills ratio `φ(a)/Φ(a)`, stable for a ≪ 0
/// (where the asymptotic series replaces the ratio of tiny numbers).
fn log_cdf_and_mills(a: f64) -> (f64, f64) {
    if a > -8.0 {
        let cdf = normal_cdf(a);
        let pdf = (-0.5 * a * a).exp() / (2.0 * std::f64::consts::PI).sqrt();
        (cdf.ln(), pdf / cdf)
    } else {
        // Φ(a) ≈ φ(a)/|a| · (1 − 1/a² + 3/a⁴); λ ≈ |a| + 1/|a| − 2/|a|³.
        let b = -a;
        let tail = 1.0 - 1.0 / (b * b) + 3.0 / b.powi(4);
        let log_pdf = -0.5 * a * a - 0.5 * (2.0 * std::f64::consts::PI).ln();
        (log_pdf - b.ln() + tail.ln(), b + 1.0 / b - 2.0 / b.powi(3))
    }
}

/// The update for a bound on a figure predicted as N(mu, s + h), s the
/// signal's share of the variance.
pub(crate) fn bound_update(bound: Bound, mu: f64, s: f64, h: f64) -> BoundUpdate {
    let f = s + h;
    let sd = f.sqrt();
    // Reflect an upper bound into a lower one: y ≤ u ⇔ −y ≥ −u.
    let (sign, level) = match bound {
        Bound::Lower(l) => (1.0, l),
        Bound::Upper(u) => (-1.0, u),
    };
    let a = sign * (mu - level) / sd;
    let (log_prob, lambda) = log_cdf_and_mills(a);
    let mean = mu + sign * sd * lambda;
    let shrink = (lambda * (lambda + a)).clamp(0.0, 1.0);
    // V/F = 1 − shrink; the pseudo-observation needs 1 − V/F = shrink > 0.
    let pseudo = (shrink > 1e-12).then(|| (mu + (mean - mu) / shrink, f / shrink - s));
    BoundUpdate { log_prob, pseudo }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_matches_tabulated_values() {
        // Φ(0) = 0.5, Φ(1) = 0.8413447461, Φ(−2) = 0.0227501319, Φ(3) = 0.9986501020.
        for (x, want) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746_1),
            (-2.0, 0.022_750_131_9),
            (3.0, 0.998_650_102),
        ] {
            assert!((normal_cdf(x) - want).abs() < 2e-7 * want.max(1e-3), "{x}");
        }
    }

    #[test]
    fn pseudo_observation_gives_the_truncated_moments() {
        // Prediction N(10, 2) with signal variance 1: y ≥ 12 has α = −√2.
        let (mu, s, h) = (10.0, 1.0, 1.0);
        let u = bound_update(Bound::Lower(12.0), mu, s, h);
        let a = -(2.0f64).sqrt();
        assert!((u.log_prob - normal_cdf(a).ln()).abs() < 1e-12);
        let (y, ht) = u.pseudo.unwrap();
        // A Gaussian update of the signal with (y, ht) must reproduce the
        // truncated mean of the figure's signal part: μ + (s/F)(m − μ).
        let lambda = (-0.5 * a * a).exp() / (2.0 * std::f64::consts::PI).sqrt() / normal_cdf(a);
        let m = mu + 2f64.sqrt() * lambda;
        let gaussian_mean = mu + s / (s + ht) * (y - mu);
        assert!((gaussian_mean - (mu + s / 2.0 * (m - mu))).abs() < 1e-9);
        // Variance of the signal: s − s²/F·(1 − V/F) in both.
        let v = 2.0 * (1.0 - lambda * (lambda + a));
        let want = s - s * s / 2.0 * (1.0 - v / 2.0);
        assert!((s - s * s / (s + ht) - want).abs() < 1e-9);
        // An upper bound far above the prediction carries no information.
        let far = bound_update(Bound::Upper(1e3), mu, s, h);
        assert!(far.pseudo.is_none() && far.log_prob.abs() < 1e-12);
        // The tail branch agrees with the direct one near the switch.
        let (l1, m1) = log_cdf_and_mills(-7.999);
        let (l2, m2) = log_cdf_and_mills(-8.001);
        assert!(
            (l1 - l2).abs() < 0.02 && (m1 - m2).abs() < 0.01,
            "{l1} {l2} {m1} {m2}"
        );
    }
}
