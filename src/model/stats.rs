//! Goodness-of-fit statistics of a least-squares fit.
//!
//! Conventions (as R's `lm`/`nls` with `logLik`/`AIC`):
//! * k = p + 1 estimated quantities (the p parameters and σ);
//! * log-likelihood = −n/2·(ln 2π + ln(RSS/n) + 1);
//! * AIC = −2·logLik + 2k; AICc = AIC + 2k(k+1)/(n−k−1) (NaN, printed `null`,
//!   when n ≤ k+1); BIC = −2·logLik + k·ln n;
//! * R² = 1 − RSS/TSS with TSS centred when the model has an intercept and for
//!   every nonlinear family, uncentred (Σy²) for linear models without intercept;
//! * residual SD = √(RSS/(n−p)); standard errors = √diag(σ²·(JᵀJ)⁻¹) from the QR
//!   of J (of the design, for linear models).

use serde::Serialize;

use super::nonlinear::Termination;

/// Goodness-of-fit statistics of one fit (conventions in the module docs).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitStatistics {
    /// Observations.
    pub n: usize,
    /// Residual degrees of freedom n − p.
    pub df_resid: usize,
    /// Residual sum of squares.
    pub rss: f64,
    /// Residual standard deviation √(RSS/(n−p)).
    pub residual_sd: f64,
    /// Coefficient of determination.
    pub r_squared: f64,
    /// Gaussian log-likelihood at the estimates (σ² = RSS/n).
    pub log_likelihood: f64,
    /// Akaike's information criterion, k = p + 1.
    pub aic: f64,
    /// AIC with the small-sample correction.
    pub aicc: f64,
    /// Bayesian (Schwarz) information criterion.
    pub bic: f64,
    /// Whether the solver converged (always true for linear models).
    pub converged: bool,
    /// Solver iterations (refinement sweeps for linear models).
    pub iterations: u64,
    /// Starting points tried: 1, or more when the first stalled and the solver
    /// restarted (from the start with b1 re-profiled, then the automatic start).
    pub starts: u32,
    /// Why the solver stopped.
    pub termination: Termination,
}

impl FitStatistics {
    pub(crate) fn new(
        y: &[f64],
        p: usize,
        rss: f64,
        centred: bool,
        iterations: u64,
        termination: Termination,
    ) -> Self {
        let n = y.len();
        let nf = n as f64;
        let tss = if centred {
            let m0 = y.iter().sum::<f64>() / nf;
            let m = m0 + y.iter().map(|v| v - m0).sum::<f64>() / nf;
            y.iter().map(|v| (v - m) * (v - m)).sum::<f64>()
        } else {
            y.iter().map(|v| v * v).sum::<f64>()
        };
        let df = n - p;
        let log_likelihood =
            -0.5 * nf * ((2.0 * std::f64::consts::PI).ln() + (rss / nf).ln() + 1.0);
        let k = (p + 1) as f64;
        let aic = -2.0 * log_likelihood + 2.0 * k;
        let aicc = if nf - k - 1.0 > 0.0 {
            aic + 2.0 * k * (k + 1.0) / (nf - k - 1.0)
        } else {
            f64::NAN
        };
        let bic = -2.0 * log_likelihood + k * nf.ln();
        FitStatistics {
            n,
            df_resid: df,
            rss,
            residual_sd: (rss / df as f64).sqrt(),
            r_squared: 1.0 - rss / tss,
            log_likelihood,
            aic,
            aicc,
            bic,
            converged: termination.converged(),
            iterations,
            starts: 1,
            termination,
        }
    }
}

/// One estimated parameter, as printed by `magcast regress`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamEstimate {
    /// b0, b1, …
    pub name: String,
    /// Estimate.
    pub estimate: f64,
    /// Standard error.
    pub std_error: f64,
}
