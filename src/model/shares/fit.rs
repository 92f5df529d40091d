//! The posterior mode of the logits by damped Gauss–Newton, the choice of τ̄ by
//! the Laplace-approximated marginal likelihood, the per-unit τ_u by EM steps
//! under the pooled prior, and the fitted model.

use super::error::{Result, SharesError};
use super::objective::{Objective, softmax_into};
use super::problem::ShareProblem;
use super::skyline::Skyline;
use serde::{Deserialize, Serialize};

/// The τ̄ values (logit innovation sd per month) tried when τ̄ is estimated:
/// from nearly fixed shares to shares that can double within a year.
pub const TAU_GRID: [f64; 6] = [0.005, 0.01, 0.02, 0.04, 0.08, 0.16];

/// EM steps for the per-unit τ_u after τ̄ is chosen (each costs a mode search
/// from a warm start and a selected inverse; the τ_u move little after two).
const EM_STEPS: usize = 2;

/// Hyperparameters and numerical settings of a share fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// Pooled innovation sd τ̄; `None` chooses it by marginal likelihood over
    /// [`TAU_GRID`] (refined by a parabola through the best three points).
    pub tau_bar: Option<f64>,
    /// Sd ω of log τ_u around log τ̄; 0 gives every unit τ̄ itself.
    pub omega: f64,
    /// Prior sd of every logit in the first month (mean 0, i.e. ROW's size).
    pub init_sd: f64,
    /// Coefficient of variation of a level that gives none.
    pub default_cv: f64,
    /// Sd (log scale) of the soft penalty outside a range's bounds.
    pub range_softness: f64,
    /// Gauss–Newton iterations allowed per mode.
    pub max_iterations: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            tau_bar: None,
            omega: 0.5,
            init_sd: 4.0,
            default_cv: 0.05,
            range_softness: 0.01,
            max_iterations: 60,
        }
    }
}

impl FitOptions {
    fn check(&self) -> Result<()> {
        let bad = |name: &str, v: f64| {
            SharesError::InvalidOption(format!("{name} = {v} must be positive"))
        };
        if let Some(t) = self.tau_bar.filter(|t| !(t.is_finite() && *t > 0.0)) {
            return Err(bad("tau_bar", t));
        }
        for (name, v) in [
            ("init_sd", self.init_sd),
            ("default_cv", self.default_cv),
            ("range_softness", self.range_softness),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(bad(name, v));
            }
        }
        if !(self.omega.is_finite() && self.omega >= 0.0) {
            return Err(SharesError::InvalidOption(format!(
                "omega = {} must be ≥ 0",
                self.omega
            )));
        }
        Ok(())
    }
}

/// A fitted share model: the posterior mode and Laplace uncertainty of the
/// logits of every unit in every month fitted (month-major, `units.len()` per
/// month; the reference unit's logit is 0 with sd 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedShares {
    /// Unit names.
    pub units: Vec<String>,
    /// Index of the reference unit.
    pub reference: usize,
    /// Months fitted (T).
    pub months: usize,
    /// Pooled innovation sd τ̄.
    pub tau_bar: f64,
    /// Innovation sd per unit (0 for the reference).
    pub tau: Vec<f64>,
    /// Laplace approximation of log p(data | τ) up to a constant.
    pub log_marginal: f64,
    /// Whether the last mode search converged.
    pub converged: bool,
    /// Posterior mode of the logits.
    pub logits: Vec<f64>,
    /// Posterior sd of the logits (diagonal of the inverse Hessian).
    pub logit_sd: Vec<f64>,
    /// Posterior covariance of the last month's logits, `units.len()`² row-major.
    pub last_cov: Vec<f64>,
}

/// A unit's share with its sd (delta method on the Laplace posterior).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UnitShare {
    /// Share at the posterior mode.
    pub share: f64,
    /// Its standard deviation.
    pub sd: f64,
}

/// A posterior mode with the Cholesky factor of the Hessian there.
struct Mode {
    z: Vec<f64>,
    f: f64,
    chol: Skyline,
    converged: bool,
}

/// Fits the share model to a validated problem.
pub fn fit_shares(problem: &ShareProblem, options: &FitOptions) -> Result<FittedShares> {
    options.check()?;
    let spec = problem.spec();
    let k = spec.units.len() - 1;
    let objective = |tau: Vec<f64>| {
        Objective::new(
            spec,
            tau,
            options.init_sd,
            options.default_cv,
            options.range_softness,
        )
    };
    let mut z = vec![0.0; spec.world.len() * k];
    let tau_bar = match options.tau_bar {
        Some(t) => t,
        None => choose_tau_bar(&objective, &mut z, k, options.max_iterations)?,
    };
    let mut obj = objective(vec![tau_bar; k]);
    let mut mode = find_mode(&obj, z, options.max_iterations, CONVERGED_DECREMENT)?;
    if options.omega > 0.0 {
        for _ in 0..EM_STEPS {
            obj.tau = em_tau(&obj, &mode, tau_bar, options.omega);
            mode = find_mode(&obj, mode.z, options.max_iterations, CONVERGED_DECREMENT)?;
        }
    }
    let log_marginal = laplace(&obj, &mode);
    Ok(package(&obj, mode, tau_bar, log_marginal))
}

/// τ̄ maximising the Laplace marginal likelihood with all units at τ̄; `z` is
/// left at the mode of the best grid point (a warm start).
///
/// The grid is walked as two chains from its ends towards the middle, on two
/// threads, each mode warm-started from its neighbour's; the chains are fixed,
/// so the result does not depend on the number of threads. Grid modes stop at
/// [`GRID_DECREMENT`]: a comparison of marginal likelihoods that differ by
/// units needs no more, and the mode of the chosen τ̄ is refined afterwards.
fn choose_tau_bar<'a>(
    make: &(dyn Fn(Vec<f64>) -> Objective<'a> + Sync),
    z: &mut Vec<f64>,
    k: usize,
    iters: usize,
) -> Result<f64> {
    let chain = |taus: &mut dyn Iterator<Item = f64>| -> Result<Vec<(f64, Vec<f64>)>> {
        let mut start = vec![0.0; z.len()];
        let mut out = Vec::new();
        for tau in taus {
            let obj = make(vec![tau; k]);
            let mode = find_mode(&obj, start, iters, GRID_DECREMENT)?;
            start = mode.z.clone();
            out.push((laplace(&obj, &mode), mode.z));
        }
        Ok(out)
    };
    let half = TAU_GRID.len() / 2;
    let (low, high) = rayon::join(
        || chain(&mut TAU_GRID[..half].iter().copied()),
        || chain(&mut TAU_GRID[half..].iter().rev().copied()),
    );
    let mut modes = low?;
    modes.extend(high?.into_iter().rev());
    let scores: Vec<f64> = modes.iter().map(|(s, _)| *s).collect();
    let i = (0..scores.len()).fold(0, |b, i| if scores[i] > scores[b] { i } else { b });
    *z = std::mem::take(&mut modes[i].1);
    if i == 0 || i + 1 == scores.len() {
        return Ok(TAU_GRID[i]);
    }
    // vertex of the parabola through the three points, on the log scale (equal spacing)
    let (a, b, c) = (scores[i - 1], scores[i], scores[i + 1]);
    let h = (TAU_GRID[i + 1] / TAU_GRID[i]).ln();
    let offset = 0.5 * h * (a - c) / (a - 2.0 * b + c);
    Ok(TAU_GRID[i] * offset.clamp(-h, h).exp())
}

/// log p(y | τ) ≈ −f(ẑ) − ½ log det H − Σ log-normalisers (constants dropped).
fn laplace(obj: &Objective, mode: &Mode) -> f64 {
    -mode.f - 0.5 * mode.chol.log_det() - obj.log_normaliser()
}

/// The mode search stops when the Newton decrement −gᵀδ (twice the predicted
/// gain in log posterior) is below this: far below what separates values of
/// τ̄ in the marginal likelihood.
const CONVERGED_DECREMENT: f64 = 1e-6;

/// The looser decrement of the modes on the τ̄ grid. Gauss–Newton converges
/// only linearly near these modes (the decrement shrinks by about a fifth an
/// iteration), so the last digits cost dozens of iterations; 1e-3 leaves the
/// log posterior within about 0.003 of its mode, a thousandth of what
/// separates neighbouring grid points' marginal likelihoods on the bundled
/// data.
const GRID_DECREMENT: f64 = 1e-3;

/// Damped Gauss–Newton from `z` to the posterior mode, until the Newton
/// decrement is below `decrement`.
fn find_mode(
    obj: &Objective,
    mut z: Vec<f64>,
    max_iterations: usize,
    decrement: f64,
) -> Result<Mode> {
    let mut h = Skyline::new(obj.envelope());
    for _ in 0..max_iterations {
        let (f, g) = obj.linearise(&z, &mut h);
        let chol = factor(&h, f)?;
        let step: Vec<f64> = chol.solve(&g).iter().map(|v| -v).collect();
        let slope: f64 = g.iter().zip(&step).map(|(a, b)| a * b).sum();
        if -slope < decrement {
            // take the last step too: it is already solved for, and the
            // factor at the previous iterate differs from the mode's by O(step)
            let last: Vec<f64> = z.iter().zip(&step).map(|(a, s)| a + s).collect();
            let fl = obj.value(&last);
            let (z, f) = if fl <= f { (last, fl) } else { (z, f) };
            return Ok(Mode {
                z,
                f,
                chol,
                converged: true,
            });
        }
        let mut alpha = 1.0;
        loop {
            let trial: Vec<f64> = z.iter().zip(&step).map(|(a, s)| a + alpha * s).collect();
            let ft = obj.value(&trial);
            if ft.is_finite() && ft <= f + 1e-4 * alpha * slope {
                z = trial;
                break;
            }
            alpha *= 0.5;
            if alpha < 1e-10 {
                return Ok(Mode {
                    z,
                    f,
                    chol,
                    converged: -slope < 1e3 * decrement,
                });
            }
        }
    }
    let (f, _) = obj.linearise(&z, &mut h);
    let chol = factor(&h, f)?;
    Ok(Mode {
        z,
        f,
        chol,
        converged: false,
    })
}

fn factor(h: &Skyline, f: f64) -> Result<Skyline> {
    if !f.is_finite() {
        return Err(SharesError::CannotFit(format!(
            "the objective is not finite ({f})"
        )));
    }
    h.cholesky()
        .ok_or_else(|| SharesError::CannotFit("the Hessian is not positive definite".into()))
}

/// One EM step for the per-unit τ_s: with S_s = E[Σ_t (z_s(t) − z_s(t−1))²]
/// under the Laplace posterior, maximise −(T−1) λ − S_s e^{−2λ}/2 −
/// (λ − log τ̄)²/(2ω²) over λ = log τ_s (concave; Newton in one dimension).
fn em_tau(obj: &Objective, mode: &Mode, tau_bar: f64, omega: f64) -> Vec<f64> {
    let sigma = mode.chol.selected_inverse();
    let (k, n) = (obj.k, obj.months() as f64 - 1.0);
    (0..k)
        .map(|s| {
            let ss: f64 = (1..obj.months())
                .map(|t| {
                    let (i, j) = (t * k + s, (t - 1) * k + s);
                    let d = mode.z[i] - mode.z[j];
                    d * d + sigma.get(i, i) + sigma.get(j, j) - 2.0 * sigma.get(i, j)
                })
                .sum();
            let (mut lambda, prior) = (tau_bar.ln(), tau_bar.ln());
            for _ in 0..50 {
                let e = ss * (-2.0 * lambda).exp();
                let d1 = -n + e - (lambda - prior) / (omega * omega);
                let d2 = -2.0 * e - 1.0 / (omega * omega);
                let step = -d1 / d2;
                lambda += step.clamp(-2.0, 2.0);
                if step.abs() < 1e-12 {
                    break;
                }
            }
            lambda.exp()
        })
        .collect()
}

fn package(obj: &Objective, mode: Mode, tau_bar: f64, log_marginal: f64) -> FittedShares {
    let spec = obj.spec;
    let (u, k, months) = (spec.units.len(), obj.k, obj.months());
    let sigma = mode.chol.selected_inverse();
    let mut logits = vec![0.0; months * u];
    let mut logit_sd = vec![0.0; months * u];
    let mut tau = vec![0.0; u];
    let mut last_cov = vec![0.0; u * u];
    let last = (months - 1) * k;
    for (a, sa) in obj.slot.iter().enumerate() {
        let Some(sa) = *sa else { continue };
        tau[a] = obj.tau[sa];
        for t in 0..months {
            logits[t * u + a] = mode.z[t * k + sa];
            logit_sd[t * u + a] = sigma.get(t * k + sa, t * k + sa).sqrt();
        }
        for (b, sb) in obj.slot.iter().enumerate() {
            if let Some(sb) = sb {
                last_cov[a * u + b] = sigma.get(last + sa, last + sb);
            }
        }
    }
    FittedShares {
        units: spec.units.clone(),
        reference: spec.reference,
        months,
        tau_bar,
        tau,
        log_marginal,
        converged: mode.converged,
        logits,
        logit_sd,
        last_cov,
    }
}

impl FittedShares {
    /// Shares of every unit at fitted month `t` (posterior mode), `None` beyond T.
    pub fn shares_at(&self, t: usize) -> Option<Vec<f64>> {
        let u = self.units.len();
        let zt = self.logits.get(t * u..(t + 1) * u)?;
        let slot: Vec<Option<usize>> = (0..u).map(Some).collect();
        let mut out = vec![0.0; u];
        softmax_into(zt, &slot, &mut out);
        Some(out)
    }

    /// Checks that the arrays have the sizes the unit and month counts imply
    /// (a model read back from a file may not).
    pub fn check(&self) -> Result<()> {
        let u = self.units.len();
        if self.months == 0 || self.reference >= u {
            return Err(SharesError::Invalid(vec![format!(
                "{} month(s), reference {} of {u} unit(s)",
                self.months, self.reference
            )]));
        }
        let sizes = [
            ("logits", self.logits.len(), self.months * u),
            ("logit_sd", self.logit_sd.len(), self.months * u),
            ("tau", self.tau.len(), u),
            ("last_cov", self.last_cov.len(), u * u),
        ];
        let bad: Vec<String> = sizes
            .iter()
            .filter(|(_, got, want)| got != want)
            .map(|(name, got, want)| format!("{name}: {got} values, expected {want}"))
            .collect();
        if bad.is_empty() {
            Ok(())
        } else {
            Err(SharesError::Invalid(bad))
        }
    }

    /// Every unit's share in the last fitted month with its sd: the gradient of
    /// π_a in the logits is π_a (δ_ab − π_b), applied to the last-month covariance.
    pub fn last_shares(&self) -> Result<Vec<UnitShare>> {
        self.check()?;
        let u = self.units.len();
        let pi = self.shares_at(self.months - 1).expect("checked sizes");
        Ok((0..u)
            .map(|a| {
                let g: Vec<f64> = (0..u)
                    .map(|b| pi[a] * (f64::from(a == b) - pi[b]))
                    .collect();
                let var: f64 = (0..u)
                    .flat_map(|b| (0..u).map(move |c| (b, c)))
                    .map(|(b, c)| g[b] * g[c] * self.last_cov[b * u + c])
                    .sum();
                UnitShare {
                    share: pi[a],
                    sd: var.max(0.0).sqrt(),
                }
            })
            .collect())
    }
}
