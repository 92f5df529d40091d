//! The trade model's static core (docs/model.md §3.14): SMART's single-importer
//! partial-equilibrium formulas (`smart`) and an Armington split of one
//! importer's demand between China and capacity-limited non-China supply, with a
//! finite or infinite Chinese export-supply elasticity (`armington`).
//!
//! Both are pure functions of one month's numbers, so they can be checked by
//! hand before the engine uses them. Inputs come as unchecked parameter structs
//! whose `check` lists every problem at once and returns the checked type.

mod armington;
mod smart;

pub use armington::{ArmingtonMarket, ArmingtonOutcome, ArmingtonParams, Supply, Tariffs};
pub use smart::{SmartCase, SmartOutcome, SmartParams, Supplier, SupplierEffect};

/// Everything that stops a trade calculation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TradeError {
    /// The inputs do not describe a market (every problem found is listed).
    #[error("invalid trade-model input:\n  {}", .0.join("\n  "))]
    Invalid(Vec<String>),
    /// The tariff change is too large for SMART's first-order formulas: they
    /// would leave a supplier with negative imports or a non-positive price.
    #[error("the tariff change is outside the range of SMART's first-order formulas: {0}")]
    BeyondLinearRange(String),
}

impl TradeError {
    /// Whether the error is the user's input (all of them are: the core does
    /// no I/O and cannot fail otherwise).
    pub fn is_bad_input(&self) -> bool {
        true
    }
}

/// Shorthand for results with [`TradeError`].
pub type Result<T> = std::result::Result<T, TradeError>;

/// Collects a problem when `ok` is false.
fn require(problems: &mut Vec<String>, ok: bool, message: impl FnOnce() -> String) {
    if !ok {
        problems.push(message());
    }
}

/// Whether `x` is a finite number ≥ 0.
fn non_negative(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

/// Whether `x` is an elasticity of export supply: > 0, finite or +∞.
fn supply_elasticity(x: f64) -> bool {
    x > 0.0 && !x.is_nan()
}

/// Ends validation: the problems as an error, or `Ok` when there are none.
fn finish(problems: Vec<String>) -> Result<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(TradeError::Invalid(problems))
    }
}
