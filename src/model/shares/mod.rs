//! Importers as shares of WORLD that follow the data: a multinomial logit with
//! a local level per unit, fitted to span observations.
//!
//! # Units and shares
//! The units u = 0..U−1 are disjoint and together make up WORLD: named
//! countries, the unnamed rest of a group (e.g. the EU27 members not named),
//! and the rest of the world (ROW), which is the reference r. In month t
//!
//! ```text
//! π_u(t) = exp z_u(t) / Σ_v exp z_v(t),      z_r(t) ≡ 0,
//! ```
//!
//! so every share is in (0, 1) and the shares add up to 1 in every month and
//! every sample path, with no clipping. A group's share is the sum of its units.
//!
//! # Dynamics and prior
//! Each other logit is a random walk, z_u(t) = z_u(t−1) + τ_u η_u(t), η ~ N(0, 1),
//! with z_u(0) ~ N(0, s₀²) (s₀ = 4 by default: from 1/50 to 50 times ROW is
//! within one sd). There is no drift: with data as sparse as an importer
//! observed twice in 2019–2020, any drift is extrapolated for years (the
//! Thailand failure of the trend model), while a local level forecasts the
//! latest level and lets the interval, not the point, carry the uncertainty.
//! The sds are pooled: log τ_u ~ N(log τ̄, ω²) (ω = 0.5 by default).
//!
//! # Observations
//! An observation covers months `start..start+len` and a set S of units. With
//! W(t) WORLD's given monthly path and L_S = Σ_{t∈span} W(t) Σ_{u∈S} π_u(t):
//! * level y: log L_S − log y ~ N(0, cv² + cv_W²), cv_W the CV of WORLD's sum
//!   over the span when the caller knows it (the figure's own CV defaults to 5 %);
//! * range [low, high] (either bound optional): the soft penalty
//!   ½ (log L_S − log bound)² / (κ² + cv_W²) when L_S is outside the bound and 0
//!   inside (κ = 0.01), so a one-sided "more than X" is a one-sided constraint;
//! * share s: L_S / Σ_{t∈span} W(t) − s ~ N(0, sd²);
//! * order (a rank): ½ (log L_S − log L_B)² / κ² when L_S < L_B, else 0, B the
//!   units ranked below S over the same span;
//! * growth g: log L_S − log L_S(basis) − log g ~ N(0, sd²), the basis being the
//!   span twelve months earlier (`Yoy`) or the span just before (`Prev`).
//!
//! ROW itself is observed like any unit where the data give WORLD minus all the
//! named importers over one span; a `TOP<n>` share names no units and is left
//! to the caller to skip. A rank enters as order constraints between the ranked
//! units the caller pairs up (a "top five, order unstated" row gives none).
//! There is no
//! seasonal term on the logit scale: a unit's share is seasonal only through
//! WORLD's path.
//!
//! # Estimation
//! For fixed τ the posterior mode of all z_u(t) (month-major, (U−1)·T
//! unknowns) is found by Gauss–Newton with a backtracking line search. The
//! Gauss–Newton Hessian H = Σ_obs Jᵀ J/σ² + (random-walk precision) has an
//! envelope: a row reaches back only to the first month of the earliest span
//! touching it, so a skyline Cholesky costs Σ_i w_i² rather than n³. τ̄ is
//! chosen by the Laplace approximation of the marginal likelihood,
//!
//! ```text
//! log p(y | τ) ≈ −f(ẑ) − ½ log det H − Σ_u [log s₀ + (T−1) log τ_u] − Σ_obs log σ,
//! ```
//!
//! over [`TAU_GRID`] refined by a parabola (all τ_u = τ̄); then two EM steps
//! move each τ_u to the mode of its conditional under the pooled prior, using
//! the expected squared innovations E[(z_u(t) − z_u(t−1))²] from the selected
//! inverse of H. The posterior is N(ẑ, H⁻¹) (Laplace); its diagonal and its
//! last-month block are kept in [`FittedShares`].
//!
//! The Laplace approximation is Gaussian in the logits. Where the data leave a
//! split unidentified (two units, or a unit and ROW, seen only through their
//! sum) the logits of that split have wide posteriors on which the shares are
//! far from linear, and a draw can move an observed unit's share although the
//! data pin it; observe the remainder (ROW as WORLD minus the named units) to
//! avoid this.
//!
//! # Forecast
//! Beyond the last month T−1 each logit continues its random walk; a sample
//! path draws z(T−1) from the Laplace posterior and then the innovations, from
//! a random stream per (seed, path, month) (see [`SharePaths`]).

mod error;
mod fit;
mod objective;
mod problem;
mod simulate;
mod skyline;

pub use error::{Result, SharesError};
pub use fit::{FitOptions, FittedShares, TAU_GRID, UnitShare, fit_shares};
pub use problem::{GrowthBasis, ObservationKind, ShareObservation, ShareProblem, ShareProblemSpec};
pub use simulate::{ShareBand, SharePaths};

#[cfg(test)]
mod tests;
