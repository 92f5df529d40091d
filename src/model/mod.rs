//! The regression core: the trend families of docs/model.md §2 fitted by least
//! squares, accurately enough to reproduce the NIST StRD certified values.
//!
//! * Linear families (`linear`, `poly:N`): pivoted Householder QR of the centred
//!   and scaled design plus iterative refinement in extended precision.
//! * Nonlinear families: Levenberg–Marquardt as an argmin solver, analytic
//!   Jacobians, self-starting values, Gauss–Newton polish; convergence reported.
//! * [`shares`]: importers as multinomial-logit shares of WORLD with local levels.

mod columns;
mod error;
mod family;
mod fit;
mod linear;
mod nonlinear;
mod qr;
pub mod shares;
mod start;
mod stats;
pub mod structural;

pub use columns::{NumericColumns, read_numeric_columns};
pub use error::{ModelError, Result};
pub use family::{Family, MAX_POLY_DEGREE};
pub use fit::{DEFAULT_MAX_ITERATIONS, FittedRegression, RegressionParams, ValidRegressionParams};
pub use nonlinear::Termination;
pub use stats::{FitStatistics, ParamEstimate};

pub(crate) use family::{sigmoid, softplus};
pub(crate) use nonlinear::least_squares;
pub(crate) use start::auto_start;
