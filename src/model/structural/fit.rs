//! Maximum-likelihood estimation of the hyperparameters with argmin's
//! Nelder-Mead (the likelihood has no cheap gradient), restarted once from the
//! best point with a fresh simplex, the usual guard against a collapsed simplex.

use argmin::core::{CostFunction, Error as ArgminError, Executor, State, TerminationReason};
use argmin::solver::neldermead::NelderMead;
use serde::{Deserialize, Serialize};

use super::bounds::Bound;
use super::data::{Measurement, ValidSeries};
use super::error::{Result, StructuralError};
use super::filter::{self, DIFFUSE_VARIANCE, Prepared, Setup};
use super::params::{
    CalendarMonth, Hyperparameters, Initial, LOG_VARIANCE_BOUNDS, Layout, NoiseScale, ValidConfig,
};
use super::registers::{self, RegisterPlan};

/// Cost returned where the likelihood is not finite, so the simplex moves away.
const INVALID_COST: f64 = 1e300;

/// The data in the filter's units plus what every likelihood evaluation shares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem<'a> {
    pub series: &'a ValidSeries,
    pub config: &'a ValidConfig,
    pub scale: f64,
    pub prepared: Vec<Prepared>,
    pub months: usize,
    /// The calendar of every month, looked up once.
    pub calendar: Vec<CalendarMonth>,
    /// When the likelihood's span registers open and close.
    pub plan: RegisterPlan,
}

impl<'a> Problem<'a> {
    pub(crate) fn new(series: &'a ValidSeries, config: &'a ValidConfig) -> Self {
        let scale = config
            .get()
            .scale
            .unwrap_or_else(|| series.mean_monthly_rate().max(1e-12));
        let prepared: Vec<Prepared> = series
            .observations()
            .iter()
            .map(|o| {
                let (value, extra) = o.centre_and_extra_variance().unwrap_or((0.0, 0.0));
                let bound = match o.value {
                    Measurement::AtLeast(v) => Some(Bound::Lower(v / scale)),
                    Measurement::AtMost(v) => Some(Bound::Upper(v / scale)),
                    _ => None,
                };
                Prepared {
                    end: o.end(),
                    len: o.len,
                    value: value / scale,
                    extra_var: extra / (scale * scale),
                    weight: o.sd_scale * o.sd_scale,
                    bound,
                }
            })
            .collect();
        let plan = RegisterPlan::new(&prepared, series.months());
        Problem {
            series,
            config,
            scale,
            prepared,
            months: series.months(),
            calendar: CalendarMonth::table(series.origin(), series.months()),
            plan,
        }
    }

    /// The filter's inputs for hyperparameters `h` over `months` months.
    pub(crate) fn setup(&self, h: &Hyperparameters) -> Setup<'_> {
        let (init_mean, init_var) = match self.config.get().initial {
            Initial::Diffuse => ([0.0, 0.0], [DIFFUSE_VARIANCE; 2]),
            Initial::Known {
                level,
                trend,
                var_level,
                var_trend,
            } => {
                let s2 = self.scale * self.scale;
                (
                    [level / self.scale, trend / self.scale],
                    [var_level / s2, var_trend / s2],
                )
            }
        };
        Setup {
            obs: &self.prepared,
            coef: (self.calendar.iter().enumerate())
                .map(|(t, &day)| h.coefficient_at(day, t))
                .collect(),
            lags: self.series.longest_span() - 1,
            phi: h.phi,
            var_irregular: h.var_irregular,
            var_level: h.var_level,
            var_trend: h.var_trend,
            proportional: self.config.get().noise == NoiseScale::Proportional,
            init_mean,
            init_var,
        }
    }

    /// The log-likelihood alone, in data units, by the smaller state of
    /// [`registers`](super::registers): the same number as [`Self::loglik`]
    /// to rounding, at a fraction of the work (the optimiser's cost).
    pub(crate) fn loglik_only(&self, h: &Hyperparameters) -> f64 {
        let run = registers::run(&self.setup(h), &self.plan);
        run.loglik - run.used as f64 * self.scale.ln()
    }

    /// Log-likelihood in data units (the scaled likelihood less the Jacobian
    /// `ln scale` of every observation it counts).
    pub(crate) fn loglik(&self, h: &Hyperparameters) -> (f64, filter::Filtered) {
        let filtered = filter::run(&self.setup(h), false);
        (
            filtered.loglik - filtered.used as f64 * self.scale.ln(),
            filtered,
        )
    }
}

/// Negative log-likelihood of the unconstrained vector, as argmin's cost.
struct Cost<'p, 'a> {
    problem: &'p Problem<'a>,
    layout: &'p Layout,
}

impl CostFunction for Cost<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, theta: &Vec<f64>) -> std::result::Result<f64, ArgminError> {
        let (lo, hi) = LOG_VARIANCE_BOUNDS;
        let penalty: f64 = theta[..3]
            .iter()
            .map(|x| (lo - x).max(0.0) + (x - hi).max(0.0))
            .sum();
        let ll = self.problem.loglik_only(&self.layout.decode(theta));
        Ok(if ll.is_finite() {
            -ll + 1e3 * penalty * penalty + self.layout.decay_penalty(theta)
        } else {
            INVALID_COST
        })
    }
}

/// How the search ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Convergence {
    /// Nelder-Mead iterations over both runs.
    pub iterations: u64,
    /// Whether the last run stopped because the simplex converged (not at the
    /// iteration limit).
    pub converged: bool,
}

/// One Nelder-Mead run from `start`; returns (best θ, best cost, iterations, converged).
fn nelder_mead(
    cost: Cost<'_, '_>,
    start: &[f64],
    max_iters: u64,
) -> Result<(Vec<f64>, f64, u64, bool)> {
    let mut simplex = vec![start.to_vec()];
    for i in 0..start.len() {
        let mut v = start.to_vec();
        v[i] += if i < 3 { 1.0 } else { 0.5 };
        simplex.push(v);
    }
    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(1e-7)
        .map_err(|e| StructuralError::Optimiser(e.to_string()))?;
    let run = Executor::new(cost, solver)
        .configure(|s| s.max_iters(max_iters))
        .run()
        .map_err(|e| StructuralError::Optimiser(e.to_string()))?;
    let state = run.state();
    let converged = matches!(
        state.get_termination_reason(),
        Some(TerminationReason::SolverConverged)
    );
    let best = state
        .get_best_param()
        .cloned()
        .ok_or(StructuralError::NonFiniteOptimum)?;
    Ok((best, state.get_best_cost(), state.get_iter(), converged))
}

/// Maximum-likelihood hyperparameters from `start`.
pub(crate) fn estimate(
    problem: &Problem<'_>,
    start: &Hyperparameters,
) -> Result<(Hyperparameters, Convergence)> {
    let layout = Layout::new(problem.config.get());
    let theta0 = layout.encode(start);
    let first_cost = Cost {
        problem,
        layout: &layout,
    }
    .cost(&theta0)
    .unwrap_or(INVALID_COST);
    if first_cost >= INVALID_COST {
        return Err(StructuralError::NonFiniteStart);
    }
    let max_iters = problem.config.get().max_iters;
    let (theta1, _, it1, _) = nelder_mead(
        Cost {
            problem,
            layout: &layout,
        },
        &theta0,
        max_iters,
    )?;
    let (theta, cost, it2, converged) = nelder_mead(
        Cost {
            problem,
            layout: &layout,
        },
        &theta1,
        max_iters,
    )?;
    if !(cost.is_finite() && cost < INVALID_COST) {
        return Err(StructuralError::NonFiniteOptimum);
    }
    Ok((
        layout.decode(&theta),
        Convergence {
            iterations: it1 + it2,
            converged,
        },
    ))
}

/// A crude seasonal start: each monthly figure over the mean of the monthly
/// figures within six months of it, averaged by calendar month (1 where a
/// calendar month is never observed alone).
pub(crate) fn seasonal_start(series: &ValidSeries) -> [f64; 12] {
    let monthly: Vec<(usize, f64)> = series
        .observations()
        .iter()
        .filter(|o| o.len == 1)
        .filter_map(|o| Some((o.start, o.centre_and_extra_variance()?.0)))
        .collect();
    let mut sums = [(0.0, 0usize); 12];
    for &(t, v) in &monthly {
        let near: Vec<f64> = monthly
            .iter()
            .filter(|(u, _)| u.abs_diff(t) <= 6)
            .map(|&(_, w)| w)
            .collect();
        let mean = near.iter().sum::<f64>() / near.len() as f64;
        if near.len() >= 12 && mean > 0.0 {
            let m = series.origin().plus(t as i32).month() as usize - 1;
            sums[m].0 += v / mean;
            sums[m].1 += 1;
        }
    }
    let raw = sums.map(|(s, n)| if n > 0 && s > 0.0 { s / n as f64 } else { 1.0 });
    super::params::normalised(&raw)
}
