//! Errors of the data stage. Every problem in an input file names the file, the
//! line, the column number and the column name, so a user can go straight to it.

use std::fmt;
use std::path::PathBuf;

/// Most problems listed in one error message; the rest are counted.
pub(crate) const MAX_LISTED_PROBLEMS: usize = 50;

/// Where in a file a problem sits: a 1-based line and, where it concerns one
/// field, the 1-based column and the column's header name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it.
    pub path: PathBuf,
    /// 1-based line number.
    pub line: u64,
    /// 1-based column number and header name, if one field is at fault.
    pub column: Option<(usize, String)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)?;
        if let Some((number, name)) = &self.column {
            write!(f, ":{number}: column `{name}`")?;
        }
        Ok(())
    }
}

/// One problem found while reading a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it is.
    pub location: Location,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Everything that can go wrong while loading observations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("cannot read `{}`", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The file holds nothing at all.
    #[error("{}: the file is empty (expected a header line and data rows)", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file has a header but no data rows.
    #[error("{}: the file has a header line but no data rows", path.display())]
    HeaderOnly {
        /// The file.
        path: PathBuf,
    },
    /// A required column is absent from the header.
    #[error(
        "{}:1: missing required column `{column}` (the header has: {found})",
        path.display()
    )]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The missing column's name.
        column: String,
        /// The columns the header does have.
        found: String,
    },
    /// One or more rows are invalid; every one found is listed.
    #[error("{}", render_problems(problems, *total))]
    Invalid {
        /// The problems, in file order (the first 50).
        problems: Vec<Problem>,
        /// How many problems there were in all.
        total: usize,
    },
    /// The file is larger than magcast accepts.
    #[error(
        "{}: more than {limit} data rows; split the file or filter it to the importers you need",
        path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The row limit.
        limit: usize,
    },
    /// The request cannot be answered from the data (e.g. a year with no data).
    #[error("{0}")]
    Unanswerable(String),
}

impl DataError {
    /// Whether the error is the user's input (exit code 2) rather than a failure of
    /// the machine (exit code 1). A missing file is bad input.
    pub fn is_bad_input(&self) -> bool {
        match self {
            DataError::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::NotFound
                    | std::io::ErrorKind::InvalidData
                    | std::io::ErrorKind::IsADirectory
            ),
            _ => true,
        }
    }

    /// A single problem at one place.
    pub(crate) fn at(location: Location, message: impl Into<String>) -> DataError {
        DataError::Invalid {
            problems: vec![Problem {
                location,
                message: message.into(),
            }],
            total: 1,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> DataError {
        DataError::Io {
            path: path.into(),
            source,
        }
    }
}

fn render_problems(problems: &[Problem], total: usize) -> String {
    let mut out = match total {
        1 => "1 problem in the data:".to_string(),
        n => format!("{n} problems in the data:"),
    };
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    if total > problems.len() {
        out.push_str(&format!("\n  … and {} more", total - problems.len()));
    }
    out
}

/// Collects row problems while a file is read, keeping the first few in full.
#[derive(Debug, Default)]
pub(crate) struct ProblemList {
    problems: Vec<Problem>,
    total: usize,
}

impl ProblemList {
    pub(crate) fn push(&mut self, location: Location, message: impl Into<String>) {
        self.total += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(Problem {
                location,
                message: message.into(),
            });
        }
    }

    /// How many problems have been found so far.
    pub(crate) fn total(&self) -> usize {
        self.total
    }

    /// `Ok(())` if nothing was found, else the error listing every problem.
    pub(crate) fn into_result(self) -> Result<(), DataError> {
        if self.total == 0 {
            Ok(())
        } else {
            Err(DataError::Invalid {
                problems: self.problems,
                total: self.total,
            })
        }
    }
}
