//! The data stage: periods and spans, importers and groups, observations, the
//! loaders for the tidy CSV and UN Comtrade downloads, and what the observations
//! alone can tell (`describe`).
//!
//! Observations are kept as they are: a year total, a year-to-date run and single
//! months are separate observations of one monthly flow. Nothing is interpolated.

mod comtrade;
mod csv_input;
mod describe;
mod describe_parts;
mod error;
mod facts;
mod importer;
mod iso3166;
mod kinds;
mod ledger;
mod observation;
mod period;
mod tidy;
mod tidy_row;
mod tidy_values;

use std::path::Path;

pub use comtrade::{ComtradeView, HS_RARE_EARTH_MAGNETS};
pub use csv_input::{MAX_LINE_BYTES, MAX_QUANTITY, MAX_ROWS};
pub use describe::{
    Change, Describe, DescribeRequest, GroupLine, HalfLine, MonthLine, QuarterLine, RankedImporter,
    ShareLine, TonnesBounds, describe,
};
pub use error::{DataError, Location, Problem};
pub use facts::FactsView;
pub use importer::{Country, Group, IMPORTER_ALIASES, Importer, UnknownImporter};
pub use kinds::{Growth, GrowthBasis, Rank, RankPlace, Share, ShareSubject, TonnesRange, UsdLevel};
pub use ledger::{Basis, Bounds, Determined, Figure, Ledger};
pub use observation::{Observation, Observations};
pub use period::{MAX_YEAR, MIN_YEAR, Month, PeriodError, Span};

/// The bundled observations file, relative to the repository root: the file
/// [`bundled`] was compiled from.
pub const BUNDLED_DATA: &str = "data/magnet_exports.csv";

/// The name the bundled observations carry in messages and provenance: it says
/// they came from inside the program, not from a file in the working folder.
pub const BUNDLED_DATA_NAME: &str = "magcast:data/magnet_exports.csv";

/// The bundled file's bytes, compiled in so every command works from any folder.
const BUNDLED_DATA_BYTES: &[u8] = include_bytes!("../../data/magnet_exports.csv");

/// The observations bundled into magcast: `data/magnet_exports.csv` of the
/// repository as it was when the program was built, each row with its source.
///
/// # Errors
/// [`DataError`] only if the build bundled a file that does not load (the tests
/// load it, so a release never does).
///
/// ```
/// let obs = magcast::data::bundled()?;
/// assert!(obs.len() > 100);
/// # Ok::<(), magcast::data::DataError>(())
/// ```
pub fn bundled() -> Result<Observations, DataError> {
    load_from_bytes(
        Path::new(BUNDLED_DATA_NAME),
        BUNDLED_DATA_BYTES.to_vec(),
        LoadOptions::default(),
    )
}

/// How to read a file of observations.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// For UN Comtrade downloads: which side of the trade to read.
    pub comtrade_view: ComtradeView,
    /// Most data rows accepted (default [`MAX_ROWS`]); a larger file is refused
    /// with a clear error instead of exhausting memory.
    pub max_rows: Option<usize>,
}

/// Loads observations from `path`, recognising the format from its header: the
/// tidy CSV (`period,importer,tonnes[,usd],…`) or a UN Comtrade download.
///
/// # Errors
/// [`DataError`] naming the file, line and column of every problem found.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("obs.csv");
/// std::fs::write(&path, "period,importer,tonnes\n2024,DEU,11000\n").unwrap();
/// let obs = magcast::data::load(&path)?;
/// assert_eq!(obs.len(), 1);
/// # Ok::<(), magcast::data::DataError>(())
/// ```
pub fn load(path: &Path) -> Result<Observations, DataError> {
    load_with(path, LoadOptions::default())
}

/// [`load`] with options.
///
/// # Errors
/// As [`load`].
pub fn load_with(path: &Path, options: LoadOptions) -> Result<Observations, DataError> {
    read(csv_input::CsvInput::open(path)?, options)
}

/// Loads observations from CSV text held in memory; `name` stands for the file in
/// messages. Used by tests and by callers that fetch data themselves.
///
/// # Errors
/// As [`load`].
pub fn load_from_bytes(
    name: &Path,
    bytes: Vec<u8>,
    options: LoadOptions,
) -> Result<Observations, DataError> {
    read(
        csv_input::CsvInput::from_reader(name, std::io::Cursor::new(bytes))?,
        options,
    )
}

fn read(input: csv_input::CsvInput, options: LoadOptions) -> Result<Observations, DataError> {
    let input = input.limit(options.max_rows.unwrap_or(MAX_ROWS));
    if comtrade::is_comtrade_header(input.header()) {
        comtrade::read_comtrade(input, options.comtrade_view)
    } else {
        tidy::read_tidy(input)
    }
}
