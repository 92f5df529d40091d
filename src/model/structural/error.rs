//! Errors of the structural model: bad input (all problems collected) and fits
//! that cannot produce a finite likelihood.

/// Everything that stops a structural model from being built or fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StructuralError {
    /// One or more observations are unusable; every problem is listed.
    #[error("invalid observations: {}", .0.join("; "))]
    InvalidObservations(Vec<String>),
    /// One or more settings are out of range; every problem is listed.
    #[error("invalid structural-model settings: {}", .0.join("; "))]
    InvalidConfig(Vec<String>),
    /// The likelihood is not finite at the starting hyperparameters.
    #[error("the likelihood is not finite at the starting values")]
    NonFiniteStart,
    /// The optimiser itself failed.
    #[error("maximum-likelihood search failed: {0}")]
    Optimiser(String),
    /// The optimiser stopped, but not at a finite likelihood.
    #[error("maximum-likelihood search ended without a finite likelihood")]
    NonFiniteOptimum,
}

/// Result alias of the structural model.
pub type Result<T> = std::result::Result<T, StructuralError>;
