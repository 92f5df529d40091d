//! Errors of the regression core. A fit that runs but does not converge is not an
//! error (it is reported in the statistics); these are the cases where no fit can
//! be produced at all.

/// Everything that stops a regression from producing a fit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The model name is not one of the families of docs/model.md §2.
    #[error(
        "unknown model `{0}`: expected linear, poly:N (N ≥ 1), exponential, power, \
         monomolecular, logistic, gompertz or richards"
    )]
    UnknownFamily(String),
    /// Fewer observations than parameters plus one: no residual degree of freedom.
    #[error(
        "too few rows: {rows} observation(s) for {params} parameter(s); need at least {needed}"
    )]
    TooFewRows {
        /// Observations given.
        rows: usize,
        /// Parameters of the model.
        params: usize,
        /// Observations needed.
        needed: usize,
    },
    /// The regressors and the response have different lengths, or the wrong number
    /// of regressor columns was given for the family.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// A value is NaN or infinite.
    #[error("non-finite value in {what} at row {row}")]
    NonFinite {
        /// `y` or the regressor's name.
        what: String,
        /// 0-based row.
        row: usize,
    },
    /// The design matrix does not have full column rank (a regressor is constant or
    /// a combination of others).
    #[error("rank-deficient design: column {column} is (numerically) a combination of the others")]
    RankDeficient {
        /// 0-based parameter index of the offending column (in parameter order).
        column: usize,
    },
    /// Starting values were given with the wrong count or for a linear model.
    #[error("bad starting values: {0}")]
    BadStart(String),
    /// An option does not apply to the family (e.g. no intercept for `logistic`).
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The data are outside the family's domain (e.g. `power` with x ≤ 0).
    #[error("data outside the model's domain: {0}")]
    Domain(String),
    /// The data file could not be opened or read.
    #[error("cannot read `{}`: {message}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The operating system's kind of failure.
        kind: std::io::ErrorKind,
        /// The operating system's message.
        message: String,
    },
    /// A problem in the data file, located as `file:line:column: column `name``.
    #[error("{0}")]
    Input(String),
    /// The nonlinear solver could not find any finite fit.
    #[error("the model cannot be fitted: {0}")]
    CannotFit(String),
}

impl ModelError {
    /// Whether the error is the user's input (exit code 2). Every model error is,
    /// except a file that exists but cannot be read for reasons of the machine:
    /// the numerics only fail on data or options that do not admit a fit.
    pub fn is_bad_input(&self) -> bool {
        match self {
            ModelError::Io { kind, .. } => matches!(
                kind,
                std::io::ErrorKind::NotFound
                    | std::io::ErrorKind::InvalidData
                    | std::io::ErrorKind::IsADirectory
            ),
            _ => true,
        }
    }
}

/// Shorthand for results with [`ModelError`].
pub type Result<T> = std::result::Result<T, ModelError>;
