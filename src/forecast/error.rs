//! Errors of the baseline stage.

use std::path::PathBuf;

use crate::data::Importer;
use crate::yaml::{ConfigProblem, render_problems};

/// Everything that can go wrong while fitting or forecasting the panel.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// A file could not be read or written.
    #[error("cannot read `{}`", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The fit configuration has problems; all are listed.
    #[error("{}", render_problems(.0))]
    Config(Vec<ConfigProblem>),
    /// A series has too few observations for any candidate model.
    #[error(
        "{importer}: {count} observation(s) are too few to fit any model (the simplest needs {needed})"
    )]
    TooFewObservations {
        /// The series.
        importer: Importer,
        /// Its observations.
        count: usize,
        /// The least any candidate needs.
        needed: usize,
    },
    /// No candidate model could be fitted to a series.
    #[error("{importer}: no candidate model could be fitted ({reasons})")]
    NoModel {
        /// The series.
        importer: Importer,
        /// Why each candidate failed.
        reasons: String,
    },
    /// The saved models file cannot be used.
    #[error("{}: {reason}", path.display())]
    Models {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The request cannot be met (e.g. a horizon before the data end).
    #[error("{0}")]
    Request(String),
}

impl ForecastError {
    /// Whether the error is the user's input (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            ForecastError::Io { source, .. } => {
                matches!(
                    source.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidData
                )
            }
            _ => true,
        }
    }
}
