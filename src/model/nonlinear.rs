//! Nonlinear least squares: a Levenberg–Marquardt solver written as an argmin
//! [`Solver`], so it runs under argmin's executor (iteration counting, state,
//! termination reasons) like argmin's own solvers.
//!
//! Each step solves the damped problem `min ‖[J; √λ·D]·δ − [r; 0]‖` by QR (no
//! normal equations), with Marquardt's scaling D = running maximum of J's column
//! norms and Nielsen's update of λ from the gain ratio. After convergence a few
//! undamped Gauss–Newton steps polish the last digits. Convergence is data:
//! [`Termination`] says why the run stopped.

use std::cell::RefCell;

use argmin::core::{
    Error as ArgminError, Executor, IterState, Jacobian, KV, Operator, Problem, Solver, State,
    TerminationReason, TerminationStatus,
};

use super::error::{ModelError, Result};
use super::family::Family;
use super::qr::Qr;

/// Why a nonlinear fit stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Termination {
    /// The relative change of the parameters fell below tolerance.
    SmallStep,
    /// The relative reduction of the RSS fell below tolerance.
    SmallReduction,
    /// The residuals are orthogonal to the Jacobian's columns (a stationary point).
    SmallGradient,
    /// The model fits the data exactly.
    ExactFit,
    /// The damping grew without finding a better point: no further progress possible.
    Stalled,
    /// The iteration limit was reached first.
    MaxIterations,
    /// A linear model: solved directly, no iterations needed.
    Direct,
}

impl Termination {
    /// Whether this stop means the fit converged.
    pub fn converged(self) -> bool {
        !matches!(self, Termination::Stalled | Termination::MaxIterations)
    }
}

/// The least-squares problem of one family on one data set, as argmin sees it:
/// residuals y − f(x, θ) and the Jacobian ∂f/∂θ (n×p, column-major).
///
/// Evaluating the residuals also computes the Jacobian at the same point and
/// keeps it: the solver asks for the Jacobian exactly where it last evaluated
/// the residuals (an accepted step), and the exponentials dominate the cost.
pub(crate) struct Curve<'a> {
    family: Family,
    x: &'a [f64],
    y: &'a [f64],
    /// The parameters of the last residual evaluation and the Jacobian there.
    cache: RefCell<(Vec<f64>, Vec<f64>)>,
}

impl<'a> Curve<'a> {
    pub(crate) fn new(family: Family, x: &'a [f64], y: &'a [f64]) -> Self {
        Curve {
            family,
            x,
            y,
            cache: RefCell::new((Vec::new(), Vec::new())),
        }
    }

    fn fill_jacobian(&self, b: &[f64], jac: &mut Vec<f64>, mut residuals: Option<&mut Vec<f64>>) {
        let n = self.x.len();
        let p = b.len();
        jac.clear();
        jac.resize(n * p, 0.0);
        let mut grad = [0.0; 4];
        for (i, (&x, &y)) in self.x.iter().zip(self.y).enumerate() {
            let f = self.family.value_and_gradient(x, b, &mut grad[..p]);
            for (j, g) in grad[..p].iter().enumerate() {
                jac[j * n + i] = *g;
            }
            if let Some(r) = residuals.as_deref_mut() {
                r.push(y - f);
            }
        }
    }
}

fn same_point(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(u, v)| u.to_bits() == v.to_bits())
}

impl Operator for Curve<'_> {
    type Param = Vec<f64>;
    type Output = Vec<f64>;

    fn apply(&self, b: &Vec<f64>) -> std::result::Result<Vec<f64>, ArgminError> {
        let mut r = Vec::with_capacity(self.x.len());
        let mut cache = self.cache.borrow_mut();
        let (at, jac) = &mut *cache;
        self.fill_jacobian(b, jac, Some(&mut r));
        at.clear();
        at.extend_from_slice(b);
        Ok(r)
    }
}

impl Jacobian for Curve<'_> {
    type Param = Vec<f64>;
    type Jacobian = Vec<f64>;

    fn jacobian(&self, b: &Vec<f64>) -> std::result::Result<Vec<f64>, ArgminError> {
        let cache = self.cache.borrow();
        if same_point(&cache.0, b) {
            return Ok(cache.1.clone());
        }
        drop(cache);
        let mut jac = Vec::new();
        self.fill_jacobian(b, &mut jac, None);
        Ok(jac)
    }
}

/// Levenberg–Marquardt as an argmin solver over `Vec<f64>` parameters.
#[derive(Debug, Clone)]
pub(crate) struct LevenbergMarquardt {
    lambda: f64,
    nu: f64,
    diag: Vec<f64>,
    r: Vec<f64>,
    jac: Vec<f64>,
    rss: f64,
    /// RSS at or below which the data are fitted to rounding level.
    rss_floor: f64,
    reason: Option<Termination>,
    qr: Qr,
}

/// Relative parameter change below which the iteration stops.
const XTOL: f64 = 1e-13;
/// Relative RSS reduction below which the iteration stops.
const FTOL: f64 = 1e-15;
/// Cosine between residuals and any Jacobian column below which θ is stationary.
const GTOL: f64 = 1e-13;
/// The same test where no step can make progress any more (rounding level).
const STATIONARY_COSINE: f64 = 1e-6;

impl LevenbergMarquardt {
    /// A solver for data `y`: an RSS below n·(16·ε·max|y|)² counts as an exact fit.
    pub(crate) fn new(y: &[f64]) -> Self {
        let ymax = y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let floor = y.len() as f64 * (16.0 * f64::EPSILON * ymax).powi(2);
        LevenbergMarquardt {
            rss_floor: floor,
            lambda: 1e-3,
            nu: 2.0,
            diag: Vec::new(),
            r: Vec::new(),
            jac: Vec::new(),
            rss: f64::INFINITY,
            reason: None,
            qr: Qr::default(),
        }
    }

    fn gradient_cosine(&self) -> f64 {
        let n = self.r.len();
        let rn = self.rss.sqrt();
        let mut worst = 0.0f64;
        for j in 0..self.diag.len() {
            let col = &self.jac[j * n..(j + 1) * n];
            let cn = col.iter().map(|v| v * v).sum::<f64>().sqrt();
            if cn > 0.0 && rn > 0.0 {
                let dot: f64 = col.iter().zip(&self.r).map(|(a, b)| a * b).sum();
                worst = worst.max((dot / (cn * rn)).abs());
            }
        }
        worst
    }
}

type LmState = IterState<Vec<f64>, (), (), (), (), f64>;

fn sum_sq(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum()
}

impl<O> Solver<O, LmState> for LevenbergMarquardt
where
    O: Operator<Param = Vec<f64>, Output = Vec<f64>>
        + Jacobian<Param = Vec<f64>, Jacobian = Vec<f64>>,
{
    fn name(&self) -> &str {
        "Levenberg-Marquardt"
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        mut state: LmState,
    ) -> std::result::Result<(LmState, Option<KV>), ArgminError> {
        let b = state
            .take_param()
            .ok_or_else(argmin::argmin_error_closure!(NotInitialized, "no start"))?;
        self.r = problem.apply(&b)?;
        self.jac = problem.jacobian(&b)?;
        self.rss = sum_sq(&self.r);
        let n = self.r.len();
        self.diag = (0..b.len())
            .map(|j| {
                let c = sum_sq(&self.jac[j * n..(j + 1) * n]).sqrt();
                if c > 0.0 && c.is_finite() { c } else { 1.0 }
            })
            .collect();
        if !self.rss.is_finite() || self.jac.iter().any(|v| !v.is_finite()) {
            return Err(argmin::argmin_error!(
                InvalidParameter,
                "the model is not finite at the start"
            ));
        }
        Ok((state.param(b).cost(self.rss), None))
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        mut state: LmState,
    ) -> std::result::Result<(LmState, Option<KV>), ArgminError> {
        let b = state
            .take_param()
            .ok_or_else(argmin::argmin_error_closure!(
                NotInitialized,
                "no parameters"
            ))?;
        let n = self.r.len();
        let p = b.len();
        if self.rss <= self.rss_floor {
            self.reason = Some(Termination::ExactFit);
            return Ok((state.param(b).cost(self.rss), None));
        }
        // Damped step from the QR of the augmented matrix [J; √λ·D].
        let m = n + p;
        let mut aug = vec![0.0; m * p];
        let sl = self.lambda.sqrt();
        for j in 0..p {
            aug[j * m..j * m + n].copy_from_slice(&self.jac[j * n..(j + 1) * n]);
            aug[j * m + n + j] = sl * self.diag[j];
        }
        self.qr.factor(m, p, &aug, false);
        let mut rhs = vec![0.0; m];
        rhs[..n].copy_from_slice(&self.r);
        self.qr.apply_qt(&mut rhs);
        self.qr.solve_r(&mut rhs[..p]);
        let step: Vec<f64> = (0..p).map(|k| rhs[k]).collect();
        let trial: Vec<f64> = b.iter().zip(&step).map(|(a, d)| a + d).collect();
        // Predicted RSS of the linearised model, ‖r − J·δ‖².
        let mut pred_rss = 0.0;
        for i in 0..n {
            let mut v = self.r[i];
            for (j, d) in step.iter().enumerate() {
                v -= self.jac[j * n + i] * d;
            }
            pred_rss += v * v;
        }
        let predicted = self.rss - pred_rss;
        let r_trial = problem.apply(&trial)?;
        let rss_trial = sum_sq(&r_trial);
        let actual = self.rss - rss_trial;
        let rho = if predicted > 0.0 {
            actual / predicted
        } else {
            -1.0
        };
        if rss_trial.is_finite() && rho > 1e-4 {
            let jac = problem.jacobian(&trial)?;
            if jac.iter().all(|v| v.is_finite()) {
                let scaled_step = step
                    .iter()
                    .zip(&self.diag)
                    .map(|(d, s)| (d * s).powi(2))
                    .sum::<f64>()
                    .sqrt();
                let scaled_b = trial
                    .iter()
                    .zip(&self.diag)
                    .map(|(d, s)| (d * s).powi(2))
                    .sum::<f64>()
                    .sqrt();
                let old_rss = self.rss;
                self.r = r_trial;
                self.jac = jac;
                self.rss = rss_trial;
                for j in 0..p {
                    let c = sum_sq(&self.jac[j * n..(j + 1) * n]).sqrt();
                    if c.is_finite() {
                        self.diag[j] = self.diag[j].max(c);
                    }
                }
                self.lambda *= (1.0 - (2.0 * rho - 1.0).powi(3)).max(1.0 / 3.0);
                self.nu = 2.0;
                if self.rss <= self.rss_floor {
                    self.reason = Some(Termination::ExactFit);
                } else if scaled_step <= XTOL * (scaled_b + XTOL) {
                    self.reason = Some(Termination::SmallStep);
                } else if actual <= FTOL * old_rss && predicted <= FTOL * old_rss {
                    self.reason = Some(Termination::SmallReduction);
                } else if self.gradient_cosine() <= GTOL {
                    self.reason = Some(Termination::SmallGradient);
                }
                return Ok((state.param(trial).cost(self.rss), None));
            }
        }
        // Rejected: more damping.
        self.lambda *= self.nu;
        self.nu *= 2.0;
        // A rejected step that the linear model says could gain (almost) nothing:
        // at a minimum if the residuals are (nearly) orthogonal to J, on a plateau
        // otherwise (e.g. a rate so large its column of J has underflowed).
        let flat = predicted <= FTOL * self.rss;
        let hopeless = self.lambda > 1e30 || !self.lambda.is_finite();
        if flat || hopeless {
            if self.gradient_cosine() <= STATIONARY_COSINE {
                self.reason = Some(Termination::SmallGradient);
            } else if hopeless {
                self.reason = Some(Termination::Stalled);
            }
        }
        Ok((state.param(b).cost(self.rss), None))
    }

    fn terminate(&mut self, _state: &LmState) -> TerminationStatus {
        match self.reason {
            Some(_) => TerminationStatus::Terminated(TerminationReason::SolverConverged),
            None => TerminationStatus::NotTerminated,
        }
    }
}

/// The outcome of a nonlinear fit before statistics.
#[derive(Debug, Clone)]
pub(crate) struct NonlinearSolution {
    pub(crate) coef: Vec<f64>,
    pub(crate) std_errors: Vec<f64>,
    /// (JᵀJ)⁻¹ at the solution, row-major p×p; NaN where J is rank-deficient.
    pub(crate) unscaled_covariance: Vec<f64>,
    pub(crate) rss: f64,
    pub(crate) iterations: u64,
    pub(crate) starts: u32,
    pub(crate) termination: Termination,
}

/// Runs Levenberg–Marquardt from `start`, polishes with Gauss–Newton, and
/// computes standard errors from the QR of the Jacobian at the solution.
pub(crate) fn solve(
    family: Family,
    x: &[f64],
    y: &[f64],
    start: &[f64],
    max_iters: u64,
) -> Result<NonlinearSolution> {
    least_squares(|| Curve::new(family, x, y), y, start, max_iters)
}

/// [`solve`] for any least-squares problem: `make` builds the problem (argmin's
/// executor consumes one), whose residuals are `targets − f(θ)` and whose
/// Jacobian is ∂f/∂θ, column-major.
pub(crate) fn least_squares<O, F>(
    make: F,
    targets: &[f64],
    start: &[f64],
    max_iters: u64,
) -> Result<NonlinearSolution>
where
    F: Fn() -> O,
    O: Operator<Param = Vec<f64>, Output = Vec<f64>>
        + Jacobian<Param = Vec<f64>, Jacobian = Vec<f64>>,
{
    let y = targets;
    let n = y.len();
    let p = start.len();
    let curve = make();
    let mut solver = LevenbergMarquardt::new(y);
    let run = Executor::new(curve, solver.clone())
        .configure(|s| s.param(start.to_vec()).max_iters(max_iters))
        .timer(false)
        .run()
        .map_err(|e| ModelError::CannotFit(e.to_string()))?;
    let iterations = run.state().get_iter();
    let reached_max = matches!(
        run.state().get_termination_reason(),
        Some(TerminationReason::MaxItersReached)
    );
    // The executor consumed our solver; recover the termination reason from it.
    solver = run.solver().clone();
    let mut b = run
        .state()
        .get_param()
        .cloned()
        .ok_or_else(|| ModelError::CannotFit("the solver returned no parameters".into()))?;
    let curve = make();
    let mut r = curve
        .apply(&b)
        .map_err(|e| ModelError::CannotFit(e.to_string()))?;
    let mut rss = sum_sq(&r);
    if !rss.is_finite() || b.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::CannotFit(
            "the solver reached a non-finite point".into(),
        ));
    }
    let termination = match solver.reason {
        Some(t) if !reached_max => t,
        _ => Termination::MaxIterations,
    };
    // Gauss–Newton polish: undamped steps while they keep shrinking and do not
    // increase the RSS beyond rounding; near the minimum the RSS itself no longer
    // resolves progress, the step length still does.
    let mut qr = Qr::default();
    let mut jac = curve
        .jacobian(&b)
        .map_err(|e| ModelError::CannotFit(e.to_string()))?;
    if termination.converged() {
        let mut last_step = f64::INFINITY;
        for _ in 0..8 {
            let (scaled, norms) = scale_columns(&jac, n, p);
            qr.factor(n, p, &scaled, true);
            if !well_conditioned(&qr) {
                break;
            }
            let mut rhs = r.clone();
            qr.apply_qt(&mut rhs);
            qr.solve_r(&mut rhs[..p]);
            let mut trial = b.clone();
            let mut step = 0.0f64;
            for (k, z) in rhs.iter().enumerate().take(p) {
                let j = qr.perm(k);
                let d = z / norms[j];
                trial[j] += d;
                step = step.max((d / b[j]).abs());
            }
            if step.is_nan() || step >= last_step {
                break;
            }
            let Ok(rt) = curve.apply(&trial) else { break };
            let rss_t = sum_sq(&rt);
            if rss_t.is_nan() || rss_t > rss * (1.0 + 4.0 * f64::EPSILON) {
                break;
            }
            b = trial;
            r = rt;
            rss = rss_t;
            last_step = step;
            jac = curve
                .jacobian(&b)
                .map_err(|e| ModelError::CannotFit(e.to_string()))?;
            if step <= 4.0 * f64::EPSILON {
                break;
            }
        }
    }
    // Standard errors: σ·‖row of R⁻¹‖ from the QR of the column-scaled Jacobian.
    // No residual degrees of freedom (a penalised problem can have as many rows
    // as parameters): no σ, but the unscaled covariance is still defined.
    let df = n.saturating_sub(p) as f64;
    let sigma = if df > 0.0 {
        (rss / df).sqrt()
    } else {
        f64::NAN
    };
    let (scaled, norms) = scale_columns(&jac, n, p);
    qr.factor(n, p, &scaled, true);
    let mut std_errors = vec![f64::NAN; p];
    let mut unscaled_covariance = vec![f64::NAN; p * p];
    if well_conditioned(&qr) {
        // Column j of R⁻ᵀ·P·(e_j / norm_j); (JᵀJ)⁻¹_jk is the dot product of two.
        let mut t = vec![0.0; p];
        let mut w = vec![vec![0.0; p]; p];
        for (j, wj) in w.iter_mut().enumerate() {
            t.fill(0.0);
            t[j] = 1.0 / norms[j];
            std_errors[j] = sigma * qr.variance_factor(&t, wj).sqrt();
        }
        for j in 0..p {
            for k in 0..p {
                unscaled_covariance[j * p + k] = w[j].iter().zip(&w[k]).map(|(a, b)| a * b).sum();
            }
        }
    }
    Ok(NonlinearSolution {
        coef: b,
        std_errors,
        unscaled_covariance,
        rss,
        iterations,
        starts: 1,
        termination,
    })
}

/// J with unit-norm columns, and the norms (zero columns keep norm 1).
fn scale_columns(jac: &[f64], n: usize, p: usize) -> (Vec<f64>, Vec<f64>) {
    let mut out = jac.to_vec();
    let mut norms = vec![1.0; p];
    for j in 0..p {
        let col = &mut out[j * n..(j + 1) * n];
        let c = sum_sq(col).sqrt();
        if c > 0.0 && c.is_finite() {
            norms[j] = c;
            for v in col.iter_mut() {
                *v /= c;
            }
        }
    }
    (out, norms)
}

/// Whether a factored Jacobian is far enough from singular to solve with.
fn well_conditioned(qr: &Qr) -> bool {
    qr.min_diag_ratio().0 > 1e-15
}
