//! A structural time-series model of a monthly flow observed through spans:
//! a local level with a damped trend, multiplicative seasonal factors, a Lunar
//! New Year moving-holiday effect and decaying shocks, estimated by a Kalman
//! filter whose observations are sums of the monthly flow over their spans.
//!
//! # Equations
//!
//! Months are counted from an origin, t = 0, 1, …. The data are divided by a
//! scale (by default the mean monthly rate of the observations) so that the
//! level is of order 1 whatever the units.
//!
//! Level and trend:
//!
//! ```text
//! L_t = L_{t−1} + φ·b_{t−1} + η_t      η_t ~ N(0, σ_η²·m_t)
//! b_t = φ·b_{t−1} + ζ_t                ζ_t ~ N(0, σ_ζ²·m_t)
//! ```
//!
//! with 0 < φ ≤ 1 (estimated inside (0.8, 0.98) through a logistic map, or
//! fixed), so the expected change of the level k months ahead is φ^k·b: growth
//! dies out, or with φ = 1 goes on linearly, never exponentially.
//!
//! The monthly flow is the level times a known-given-θ coefficient:
//!
//! ```text
//! f_t = c_t·L_t,   c_t = s_{month(t)} · (1 + γ·x_t) · Π_k (1 − a_k·ρ_k^(t − t0_k))[t ≥ t0_k]
//! ```
//!
//! * s_1..s_12: seasonal factors summing to 12 (fixed or estimated);
//! * x_t: the Lunar New Year regressor ([`lunar_new_year_regressor`]): in January the
//!   share of the seven days from New Year's day that fall in January, less its
//!   2000-2040 mean; in February minus that; γ its coefficient;
//! * shock k starting at month t0_k (given) removes a share a_k of the flow,
//!   decaying geometrically at rate ρ_k (both estimated; the end is never given).
//!
//! Because c_t is fixed once the hyperparameters are, every observation is
//! linear in the state. The state carries the K − 1 previous flows, K the
//! longest span in the data:
//!
//! ```text
//! α_t = (L_t, b_t, f_{t−1}, …, f_{t−K+1})
//! ```
//!
//! and an observation of the sum over the n months ending at t is
//!
//! ```text
//! y = c_t·L_t + f_{t−1} + … + f_{t−n+1} + ε,   ε ~ N(0, n·σ_ε²·m_t·w² + r)
//! ```
//!
//! processed at month t, one observation at a time (monthly, quarterly,
//! year-to-date and annual figures enter the same likelihood; months without an
//! observation are simply predicted through). w is the observation's
//! `sd_scale`; r is 0 for a reported total and (high − low)²/12 for a range,
//! entered at its midpoint. A one-sided bound (y ≥ low or y ≤ high) adds
//! ln P(bound) under the Gaussian prediction to the likelihood and updates
//! the state to the moments of the truncated prediction (assumed-density
//! filtering, done as an equivalent Gaussian pseudo-observation). The
//! irregular of an n-month span is the sum of n independent monthly
//! irregulars; overlapping spans (a month and the year-to-date ending there)
//! are treated as independent, a simplification.
//!
//! m_t scales the variances: 1 for [`NoiseScale::Constant`], or for
//! [`NoiseScale::Proportional`] the square of the filter's latest level estimate
//! (floored), making the variances relative — a constant coefficient of
//! variation, as a series growing tenfold needs — while the filter stays linear.
//!
//! Initialisation is vague (mean 0, variance 10⁸ on level and trend in scaled
//! units); observations whose prediction variance is still that large are used
//! to learn the state but left out of the likelihood. The log-likelihood is the
//! prediction-error decomposition −½ Σ (ln 2π + ln F + v²/F), reported in data
//! units. Hyperparameters (log variances, φ, log seasonal ratios, γ via tanh, a
//! via tanh, ρ via a logistic map) are estimated by Nelder-Mead, with a weak
//! normal prior on each ρ's logistic-scale parameter (sd [`DECAY_PRIOR_SD`],
//! centred on [`START_DECAY`]) so a shock with no months after its peak does
//! not drift to a permanent drop.
//!
//! Forecasts propagate level and trend, with every variance multiplied by the
//! fitted model's [`StructuralModel::variance_scale`] (the recent standardised
//! innovations' mean square, at least 1); sample paths turn the Gaussian level
//! into a lognormal with the same mean and variance so flows stay positive.
//! A shock still under way at the end of the data is drawn by each path from
//! its Laplace approximation ([`ShockUncertainty`]) instead of plugged in.
//!
//! The optimiser's likelihood runs on a smaller, equivalent state: one
//! running sum per first month of the spans still open instead of the past
//! flows (`registers`).
//!
//! # Example
//!
//! ```
//! use magcast::data::Month;
//! use magcast::model::structural::{
//!     Seasonality, SpanObservation, SpanSeries, StructuralConfig, StructuralModel,
//! };
//!
//! // 2022 as one annual total, then 2023-2024 month by month.
//! let mut observations = vec![SpanObservation::point(0, 12, 1200.0)];
//! observations.extend((12..36).map(|t| SpanObservation::point(t, 1, 100.0 + t as f64)));
//! let series = SpanSeries { origin: Month::new(2022, 1).unwrap(), observations }.check()?;
//! let config = StructuralConfig { seasonality: Seasonality::Flat, ..Default::default() }.check()?;
//! let model = StructuralModel::fit(&series, &config)?;
//! let next_year = model.forecast(12);
//! assert!(next_year.iter().all(|m| m.mean > 0.0));
//! let paths = model.simulate("WORLD", 7, 12, 100);
//! assert_eq!((paths.len(), paths[0].len()), (100, 12));
//! # Ok::<(), magcast::model::structural::StructuralError>(())
//! ```

mod bounds;
mod calendar;
mod data;
mod error;
mod filter;
mod fit;
mod forecast;
mod model;
mod params;
mod registers;
mod shock_draws;

pub use calendar::{HOLIDAY_DAYS, TABLE_YEARS, lunar_new_year, lunar_new_year_regressor};
pub use data::{Measurement, SpanObservation, SpanSeries, ValidSeries};
pub use error::{Result, StructuralError};
pub use filter::DIFFUSE_VARIANCE;
pub use fit::Convergence;
pub use forecast::MonthForecast;
pub use model::{EndState, RECENT_INNOVATIONS, StructuralModel};
pub use params::{
    DAMPING_RANGE, DECAY_PRIOR_SD, DECAY_RANGE, Damping, Hyperparameters, Initial, MAX_DEPTH,
    MAX_HOLIDAY, NoiseScale, START_DECAY, Seasonality, Shock, StructuralConfig, ValidConfig,
};
pub use shock_draws::ShockUncertainty;
