//! The trend families of docs/model.md §2 (a contract: names and parameter order),
//! with their values f(x, θ) and analytic Jacobians written in overflow-safe form.

use std::fmt;
use std::str::FromStr;

use super::error::ModelError;

/// Highest polynomial degree accepted by `poly:N`; higher degrees are hopeless in
/// double precision for any realistic data.
pub const MAX_POLY_DEGREE: usize = 20;

/// A trend family: the shape of f(x, θ). Parameters are named b0, b1, … for the
/// linear families and b1, b2, … for the nonlinear ones, in docs/model.md §2 order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// b0 + Σ bk·xk over one or more regressors.
    Linear,
    /// b0 + b1·x + … + bN·x^N.
    Poly(usize),
    /// b1·exp(b2·x).
    Exponential,
    /// b1·x^b2 (x > 0).
    Power,
    /// b1·(1 − exp(−b2·x)).
    Monomolecular,
    /// b1 / (1 + exp(b2 − b3·x)).
    Logistic,
    /// b1·exp(−b2·exp(−b3·x)).
    Gompertz,
    /// b1 / (1 + exp(b2 − b3·x))^(1/b4).
    Richards,
}

impl Family {
    /// Every nonlinear family, for iteration in tests and help texts.
    pub const NONLINEAR: [Family; 6] = [
        Family::Exponential,
        Family::Power,
        Family::Monomolecular,
        Family::Logistic,
        Family::Gompertz,
        Family::Richards,
    ];

    /// Whether the family is linear in its parameters (solved by QR, no iterations).
    pub fn is_linear(self) -> bool {
        matches!(self, Family::Linear | Family::Poly(_))
    }

    /// Number of parameters of a nonlinear family (`None` for the linear ones,
    /// whose count depends on the regressors and the intercept).
    pub fn nonlinear_params(self) -> Option<usize> {
        match self {
            Family::Linear | Family::Poly(_) => None,
            Family::Exponential | Family::Power | Family::Monomolecular => Some(2),
            Family::Logistic | Family::Gompertz => Some(3),
            Family::Richards => Some(4),
        }
    }

    /// Parameter names in docs/model.md §2 order, for `regressors` x columns.
    pub fn param_names(self, regressors: usize, intercept: bool) -> Vec<String> {
        let first = usize::from(!intercept);
        match self {
            Family::Linear => (first..=regressors).map(|k| format!("b{k}")).collect(),
            Family::Poly(n) => (first..=n).map(|k| format!("b{k}")).collect(),
            _ => {
                let p = self.nonlinear_params().unwrap_or(0);
                (1..=p).map(|k| format!("b{k}")).collect()
            }
        }
    }

    /// Parameters of the family with a single regressor and an intercept (a
    /// time trend): the nonlinear count, 2 for `linear`, N + 1 for `poly:N`.
    pub fn trend_params(self) -> usize {
        match self {
            Family::Linear => 2,
            Family::Poly(n) => n + 1,
            f => f.nonlinear_params().unwrap_or(0),
        }
    }

    /// f(x, θ); NaN for a θ with too few entries. Linear families are evaluated
    /// here for one regressor with an intercept (a time trend); fits with several
    /// regressors use their design matrix instead.
    pub fn value(self, x: f64, b: &[f64]) -> f64 {
        if b.len() < self.trend_params() {
            return f64::NAN;
        }
        match self {
            Family::Linear | Family::Poly(_) => b.iter().rev().fold(0.0, |acc, c| acc * x + c),
            Family::Exponential => b[0] * (b[1] * x).exp(),
            Family::Power => b[0] * x.powf(b[1]),
            Family::Monomolecular => -b[0] * (-b[1] * x).exp_m1(),
            Family::Logistic => b[0] * sigmoid(b[2] * x - b[1]),
            Family::Gompertz => b[0] * (-b[1] * (-b[2] * x).exp()).exp(),
            Family::Richards => b[0] * (-softplus(b[1] - b[2] * x) / b[3]).exp(),
        }
    }

    /// f(x, θ) and its gradient ∂f/∂θ (written into `grad`, one entry per
    /// parameter); linear families as in [`Family::value`]; NaN (and `grad`
    /// untouched) when θ or `grad` have too few entries.
    pub fn value_and_gradient(self, x: f64, b: &[f64], grad: &mut [f64]) -> f64 {
        let p = self.trend_params();
        if b.len() < p || grad.len() < p {
            return f64::NAN;
        }
        match self {
            Family::Linear | Family::Poly(_) => {
                let mut power = 1.0;
                for g in grad.iter_mut().take(b.len()) {
                    *g = power;
                    power *= x;
                }
                b.iter().rev().fold(0.0, |acc, c| acc * x + c)
            }
            Family::Exponential => {
                let e = (b[1] * x).exp();
                grad[0] = e;
                grad[1] = b[0] * x * e;
                b[0] * e
            }
            Family::Power => {
                let p = x.powf(b[1]);
                grad[0] = p;
                grad[1] = b[0] * p * x.ln();
                b[0] * p
            }
            Family::Monomolecular => {
                let e = (-b[1] * x).exp();
                let g = -(-b[1] * x).exp_m1();
                grad[0] = g;
                grad[1] = b[0] * x * e;
                b[0] * g
            }
            Family::Logistic => {
                // s = 1/(1 + exp(b2 − b3·x)); ∂s/∂b2 = −s(1−s), ∂s/∂b3 = x·s(1−s).
                let s = sigmoid(b[2] * x - b[1]);
                let ds = s * sigmoid(b[1] - b[2] * x);
                grad[0] = s;
                grad[1] = -b[0] * ds;
                grad[2] = b[0] * x * ds;
                b[0] * s
            }
            Family::Gompertz => {
                let e = (-b[2] * x).exp();
                let g = (-b[1] * e).exp();
                // Where g underflows, e·g does too; avoid inf·0.
                let eg = if g > 0.0 { e * g } else { 0.0 };
                grad[0] = g;
                grad[1] = -b[0] * eg;
                grad[2] = b[0] * b[1] * x * eg;
                b[0] * g
            }
            Family::Richards => {
                let z = b[1] - b[2] * x;
                let u = softplus(z);
                let h = (-u / b[3]).exp();
                let s = sigmoid(z);
                grad[0] = h;
                grad[1] = -b[0] * h * s / b[3];
                grad[2] = b[0] * h * s * x / b[3];
                grad[3] = b[0] * h * u / (b[3] * b[3]);
                b[0] * h
            }
        }
    }
}

/// 1/(1 + exp(−z)) without overflow.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// ln(1 + exp(z)) without overflow or loss of digits.
pub(crate) fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

impl FromStr for Family {
    type Err = ModelError;

    fn from_str(s: &str) -> Result<Family, ModelError> {
        let name = s.trim().to_ascii_lowercase();
        let family = match name.as_str() {
            "linear" => Family::Linear,
            "exponential" => Family::Exponential,
            "power" => Family::Power,
            "monomolecular" => Family::Monomolecular,
            "logistic" => Family::Logistic,
            "gompertz" => Family::Gompertz,
            "richards" => Family::Richards,
            other => {
                let degree = other
                    .strip_prefix("poly:")
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| (1..=MAX_POLY_DEGREE).contains(n));
                match degree {
                    Some(n) => Family::Poly(n),
                    None => return Err(ModelError::UnknownFamily(s.to_string())),
                }
            }
        };
        Ok(family)
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Family::Linear => f.write_str("linear"),
            Family::Poly(n) => write!(f, "poly:{n}"),
            Family::Exponential => f.write_str("exponential"),
            Family::Power => f.write_str("power"),
            Family::Monomolecular => f.write_str("monomolecular"),
            Family::Logistic => f.write_str("logistic"),
            Family::Gompertz => f.write_str("gompertz"),
            Family::Richards => f.write_str("richards"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_rejects_others() {
        assert_eq!("poly:3".parse::<Family>(), Ok(Family::Poly(3)));
        assert_eq!("Logistic".parse::<Family>(), Ok(Family::Logistic));
        for bad in ["poly:0", "poly:", "poly:x", "foo", "poly:99", ""] {
            assert!(bad.parse::<Family>().is_err(), "{bad}");
        }
        for f in Family::NONLINEAR {
            assert_eq!(f.to_string().parse::<Family>(), Ok(f));
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        let cases: [(Family, &[f64]); 6] = [
            (Family::Exponential, &[2.0, 0.3]),
            (Family::Power, &[1.5, 0.7]),
            (Family::Monomolecular, &[10.0, 0.2]),
            (Family::Logistic, &[50.0, 3.0, 0.8]),
            (Family::Gompertz, &[50.0, 4.0, 0.5]),
            (Family::Richards, &[50.0, 3.0, 0.8, 1.4]),
        ];
        for (family, b) in cases {
            for x in [0.5, 1.0, 2.5, 7.0] {
                let mut g = vec![0.0; b.len()];
                let f = family.value_and_gradient(x, b, &mut g);
                assert!((f - family.value(x, b)).abs() <= 1e-12 * f.abs().max(1.0));
                for j in 0..b.len() {
                    let h = 1e-6 * b[j].abs().max(1e-3);
                    let mut up = b.to_vec();
                    let mut down = b.to_vec();
                    up[j] += h;
                    down[j] -= h;
                    let fd = (family.value(x, &up) - family.value(x, &down)) / (2.0 * h);
                    assert!(
                        (fd - g[j]).abs() <= 1e-6 * (1.0 + g[j].abs()),
                        "{family} x={x} j={j}: {fd} vs {}",
                        g[j]
                    );
                }
            }
        }
    }
}
