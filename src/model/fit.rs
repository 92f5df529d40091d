//! The regression API: unchecked [`RegressionParams`] → [`ValidRegressionParams`]
//! → [`FittedRegression`] with estimates, standard errors and [`FitStatistics`].
//!
//! Statistics follow the conventions documented in [`super::stats`].

use ndarray::{Array1, ArrayView1, ArrayView2};

use super::error::{ModelError, Result};
use super::family::Family;
use super::nonlinear::{self, Termination};
use super::qr::two_prod;
use super::stats::{FitStatistics, ParamEstimate};
use super::{linear, start};

/// Default iteration limit of the nonlinear solver.
pub const DEFAULT_MAX_ITERATIONS: u64 = 1000;

/// Checked settings of a regression: only these can fit.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRegressionParams {
    family: Family,
    intercept: bool,
    start: Option<Vec<f64>>,
    max_iterations: u64,
}

/// Unchecked settings of a regression, built fluently and checked by
/// [`RegressionParams::check`] (or implicitly by [`RegressionParams::fit`]).
///
/// | Name | Default | Purpose | Range |
/// |---|---|---|---|
/// | `intercept` | `true` | include b0 in `linear`/`poly:N` | only `true` for nonlinear families |
/// | `start` | automatic | nonlinear starting values | one finite value per parameter; not for linear families |
/// | `max_iterations` | 1000 | nonlinear iteration limit | ≥ 1 |
///
/// # Example
/// ```
/// use magcast::model::{Family, RegressionParams};
/// use ndarray::{Array1, Array2};
/// let x = Array2::from_shape_fn((5, 1), |(i, _)| i as f64);
/// let y = Array1::from(vec![1.0, 3.1, 4.9, 7.2, 8.8]);
/// let fit = RegressionParams::new(Family::Linear).fit(x.view(), y.view())?;
/// assert!((fit.params()[1] - 1.97).abs() < 1e-12);
/// # Ok::<(), magcast::model::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RegressionParams(ValidRegressionParams);

impl RegressionParams {
    /// Settings for `family` with the defaults above.
    pub fn new(family: Family) -> Self {
        RegressionParams(ValidRegressionParams {
            family,
            intercept: true,
            start: None,
            max_iterations: DEFAULT_MAX_ITERATIONS,
        })
    }

    /// Whether a linear model has the intercept b0.
    pub fn intercept(mut self, intercept: bool) -> Self {
        self.0.intercept = intercept;
        self
    }

    /// Starting values of a nonlinear fit, in parameter order.
    pub fn start(mut self, start: Vec<f64>) -> Self {
        self.0.start = Some(start);
        self
    }

    /// Iteration limit of a nonlinear fit.
    pub fn max_iterations(mut self, max_iterations: u64) -> Self {
        self.0.max_iterations = max_iterations;
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`ModelError::InvalidOption`] for no intercept on a nonlinear family or a
    /// zero iteration limit; [`ModelError::BadStart`] for starting values on a
    /// linear family, of the wrong count, or not finite.
    pub fn check(self) -> Result<ValidRegressionParams> {
        let v = self.0;
        if v.max_iterations == 0 {
            return Err(ModelError::InvalidOption(
                "the iteration limit must be at least 1".into(),
            ));
        }
        match v.family.nonlinear_params() {
            None => {
                if v.start.is_some() {
                    return Err(ModelError::BadStart(format!(
                        "`{}` is linear and is solved directly; starting values apply to nonlinear models",
                        v.family
                    )));
                }
            }
            Some(p) => {
                if !v.intercept {
                    return Err(ModelError::InvalidOption(format!(
                        "no intercept applies to linear and poly:N, not to `{}`",
                        v.family
                    )));
                }
                if let Some(s) = &v.start {
                    if s.len() != p {
                        return Err(ModelError::BadStart(format!(
                            "`{}` has {p} parameters but {} starting value(s) were given",
                            v.family,
                            s.len()
                        )));
                    }
                    if s.iter().any(|v| !v.is_finite()) {
                        return Err(ModelError::BadStart(
                            "starting values must be finite".into(),
                        ));
                    }
                }
            }
        }
        Ok(v)
    }

    /// Checks the settings and fits.
    ///
    /// # Errors
    /// Those of [`RegressionParams::check`] and [`ValidRegressionParams::fit`].
    pub fn fit(&self, x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>) -> Result<FittedRegression> {
        self.clone().check()?.fit(x, y)
    }
}

impl ValidRegressionParams {
    /// The family to fit.
    pub fn family(&self) -> Family {
        self.family
    }

    /// Whether a linear model has an intercept.
    pub fn has_intercept(&self) -> bool {
        self.intercept
    }

    /// Fits the model to regressors `x` (n rows; one column per regressor, one
    /// column for every family but `linear`) and response `y`.
    ///
    /// # Errors
    /// [`ModelError::Shape`], [`ModelError::NonFinite`], [`ModelError::TooFewRows`],
    /// [`ModelError::Domain`] (power with x ≤ 0), [`ModelError::RankDeficient`],
    /// or [`ModelError::CannotFit`] when no finite fit exists from the start.
    pub fn fit(&self, x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>) -> Result<FittedRegression> {
        let n = y.len();
        if x.nrows() != n {
            return Err(ModelError::Shape(format!(
                "{} rows of x but {n} values of y",
                x.nrows()
            )));
        }
        let k = x.ncols();
        if k == 0 || (self.family != Family::Linear && k != 1) {
            return Err(ModelError::Shape(format!(
                "`{}` takes {} regressor column(s), got {k}",
                self.family,
                if self.family == Family::Linear {
                    "one or more"
                } else {
                    "exactly one"
                }
            )));
        }
        if let Some(row) = y.iter().position(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite {
                what: "y".into(),
                row,
            });
        }
        for (j, col) in x.columns().into_iter().enumerate() {
            if let Some(row) = col.iter().position(|v| !v.is_finite()) {
                return Err(ModelError::NonFinite {
                    what: format!("x{}", j + 1),
                    row,
                });
            }
        }
        let yv: Vec<f64> = y.to_vec();
        let names = self.family.param_names(k, self.intercept);
        let p = names.len();
        if n < p + 1 {
            return Err(ModelError::TooFewRows {
                rows: n,
                params: p,
                needed: p + 1,
            });
        }
        let (coef, std_errors, rss, iterations, termination, starts) = match self.family {
            Family::Linear | Family::Poly(_) => {
                let (design, design_lo) = raw_design(self.family, x);
                let cols = design.len() / n;
                let s = linear::least_squares(&design, &design_lo, n, cols, &yv, self.intercept)?;
                (
                    s.coef,
                    s.std_errors,
                    s.rss,
                    s.sweeps as u64,
                    Termination::Direct,
                    1,
                )
            }
            family => {
                let xv: Vec<f64> = x.column(0).to_vec();
                if family == Family::Power && xv.iter().any(|&v| v <= 0.0) {
                    return Err(ModelError::Domain("`power` needs every x > 0".into()));
                }
                let start = match &self.start {
                    Some(s) => s.clone(),
                    None => start::auto_start(family, &xv, &yv).ok_or_else(|| {
                        ModelError::CannotFit(format!(
                            "no automatic starting values for `{family}` on these data; give --start"
                        ))
                    })?,
                };
                let s = solve_with_restarts(family, &xv, &yv, &start, self.max_iterations)?;
                (
                    s.coef,
                    s.std_errors,
                    s.rss,
                    s.iterations,
                    s.termination,
                    s.starts,
                )
            }
        };
        // Values near f64's limit (1e308) overflow the sums of squares: the
        // arithmetic ran, but no estimate is a number. Say so instead of
        // reporting a fit.
        if !rss.is_finite() || coef.iter().any(|c| !c.is_finite()) {
            return Err(ModelError::CannotFit(
                "the sums of squares overflow (values too large for 64-bit arithmetic); \
                 rescale the data, e.g. to thousands"
                    .into(),
            ));
        }
        let centred = self.intercept || !self.family.is_linear();
        let mut stats = FitStatistics::new(&yv, p, rss, centred, iterations, termination);
        stats.starts = starts;
        Ok(FittedRegression {
            family: self.family,
            intercept: self.intercept,
            regressors: k,
            names,
            coef,
            std_errors,
            stats,
        })
    }
}

/// Runs the solver from `start`; if it stalls, restarts from `start` with b1
/// re-profiled and then from the automatic start, keeping the first converged
/// fit (iterations add up over the attempts). A stalled fit is returned as such
/// when no restart converges.
fn solve_with_restarts(
    family: Family,
    x: &[f64],
    y: &[f64],
    first: &[f64],
    max_iterations: u64,
) -> Result<nonlinear::NonlinearSolution> {
    let mut best = nonlinear::solve(family, x, y, first, max_iterations);
    if best.as_ref().is_ok_and(|s| s.termination.converged()) {
        return best;
    }
    let mut spent = best.as_ref().map_or(0, |s| s.iterations);
    let mut starts = 1;
    let restarts = [
        start::reprofile(family, x, y, first),
        start::auto_start(family, x, y),
    ];
    for candidate in restarts.into_iter().flatten() {
        let same = candidate.len() == first.len()
            && candidate
                .iter()
                .zip(first)
                .all(|(a, b)| a.to_bits() == b.to_bits());
        if same {
            continue;
        }
        if let Ok(mut s) = nonlinear::solve(family, x, y, &candidate, max_iterations) {
            spent += s.iterations;
            starts += 1;
            s.iterations = spent;
            s.starts = starts;
            if s.termination.converged() {
                return Ok(s);
            }
            if best.is_err() {
                best = Ok(s);
            }
        }
    }
    best.map(|mut s| {
        s.iterations = spent;
        s.starts = starts;
        s
    })
}

/// The raw regressor columns (column-major, without the intercept) of a linear
/// family, and for `poly:N` the low-order parts of the powers x^k computed in
/// double-double, so refinement sees the exact powers of the data (Filip).
fn raw_design(family: Family, x: ArrayView2<'_, f64>) -> (Vec<f64>, Vec<f64>) {
    let n = x.nrows();
    match family {
        Family::Poly(deg) => {
            let x0: Vec<f64> = x.column(0).to_vec();
            let mut hi = Vec::with_capacity(n * deg);
            let mut lo = Vec::with_capacity(n * deg);
            hi.extend_from_slice(&x0);
            lo.resize(n, 0.0);
            for d in 1..deg {
                for i in 0..n {
                    let (h, l) = (hi[(d - 1) * n + i], lo[(d - 1) * n + i]);
                    let (p, e) = two_prod(h, x0[i]);
                    let tail = e + l * x0[i];
                    let s = p + tail;
                    hi.push(s);
                    lo.push(tail - (s - p));
                }
            }
            (hi, lo)
        }
        _ => {
            let mut out = Vec::with_capacity(n * x.ncols());
            for col in x.columns() {
                out.extend(col.iter());
            }
            (out, Vec::new())
        }
    }
}

/// A fitted regression: the only type that can predict.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedRegression {
    family: Family,
    intercept: bool,
    regressors: usize,
    names: Vec<String>,
    coef: Vec<f64>,
    std_errors: Vec<f64>,
    stats: FitStatistics,
}

impl FittedRegression {
    /// The fitted family.
    pub fn family(&self) -> Family {
        self.family
    }

    /// Estimates in docs/model.md §2 order.
    pub fn params(&self) -> &[f64] {
        &self.coef
    }

    /// Standard errors, in the same order.
    pub fn std_errors(&self) -> &[f64] {
        &self.std_errors
    }

    /// Parameter names (b0, b1, … or b1, b2, …).
    pub fn param_names(&self) -> &[String] {
        &self.names
    }

    /// Estimates with names and standard errors.
    pub fn param_table(&self) -> Vec<ParamEstimate> {
        self.names
            .iter()
            .zip(&self.coef)
            .zip(&self.std_errors)
            .map(|((name, &estimate), &std_error)| ParamEstimate {
                name: name.clone(),
                estimate,
                std_error,
            })
            .collect()
    }

    /// Goodness-of-fit statistics.
    pub fn statistics(&self) -> &FitStatistics {
        &self.stats
    }

    /// Predictions at new regressor rows (same columns as the fit).
    ///
    /// # Errors
    /// [`ModelError::Shape`] if the number of columns differs from the fit.
    pub fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>> {
        if x.ncols() != self.regressors {
            return Err(ModelError::Shape(format!(
                "the model was fitted on {} regressor(s), got {}",
                self.regressors,
                x.ncols()
            )));
        }
        let off = usize::from(self.intercept);
        let b0 = if self.intercept { self.coef[0] } else { 0.0 };
        Ok(x.rows()
            .into_iter()
            .map(|row| match self.family {
                Family::Linear => {
                    b0 + row
                        .iter()
                        .zip(&self.coef[off..])
                        .map(|(a, b)| a * b)
                        .sum::<f64>()
                }
                Family::Poly(_) => {
                    let mut acc = 0.0;
                    for &c in self.coef[off..].iter().rev() {
                        acc = acc * row[0] + c;
                    }
                    acc * row[0] + b0
                }
                f => f.value(row[0], &self.coef),
            })
            .collect())
    }
}
