//! Errors of the share model.

/// Everything that stops a share fit or a simulation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SharesError {
    /// The problem given does not describe a fit (every problem found is listed).
    #[error("invalid share problem:\n  {}", .0.join("\n  "))]
    Invalid(Vec<String>),
    /// An option is out of its range.
    #[error("invalid share-model option: {0}")]
    InvalidOption(String),
    /// The Newton iterations found no finite posterior mode.
    #[error("the share model cannot be fitted: {0}")]
    CannotFit(String),
}

/// Shorthand for results with [`SharesError`].
pub type Result<T> = std::result::Result<T, SharesError>;
