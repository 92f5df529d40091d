//! Observations: what a customs source says was shipped to one importer over one
//! span, kept exactly as given (no interpolation, no regularisation).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

use super::error::{Location, ProblemList};
use super::importer::Importer;
use super::period::{Month, Span};

/// One observed flow: tonnes (and optionally US$) exported by China to `importer`
/// over `span`. The value is the sum of the monthly flow over the span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// Who imported.
    pub importer: Importer,
    /// Over which months.
    pub span: Span,
    /// Net weight in metric tonnes, finite and non-negative.
    pub tonnes: f64,
    /// Customs value in US dollars, where the source gives one.
    pub usd: Option<f64>,
}

/// A loaded data set: the observations in file order, the line each came from,
/// and every extra column kept as metadata (status, source, url…).
#[derive(Debug, Clone)]
pub struct Observations {
    source: PathBuf,
    rows: Vec<Observation>,
    lines: Vec<u64>,
    metadata_columns: Vec<String>,
    /// Row-major: `metadata_columns.len()` cells per observation, each an index
    /// into `metadata_values`. Customs extracts repeat the same status and source
    /// on every row, so interning keeps a million-row file compact.
    metadata: Vec<u32>,
    metadata_values: Vec<Box<str>>,
    duplicates_dropped: usize,
}

impl Observations {
    /// The file the observations were read from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The observations in file order.
    pub fn rows(&self) -> &[Observation] {
        &self.rows
    }

    /// How many observations there are.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none (a loaded file always has at least one).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The 1-based line of the file that observation `index` came from.
    pub fn line(&self, index: usize) -> u64 {
        self.lines[index]
    }

    /// The names of the metadata columns.
    pub fn metadata_columns(&self) -> &[String] {
        &self.metadata_columns
    }

    /// The metadata value of observation `index` in column `name` (empty if blank).
    pub fn metadata(&self, index: usize, name: &str) -> Option<&str> {
        let col = self.metadata_columns.iter().position(|c| c == name)?;
        let width = self.metadata_columns.len();
        let id = *self.metadata.get(index * width + col)?;
        self.metadata_values.get(id as usize).map(|s| &**s)
    }

    /// Exact repeats of an earlier row (same importer, span and values) that were
    /// dropped while loading.
    pub fn duplicates_dropped(&self) -> usize {
        self.duplicates_dropped
    }

    /// The importers present, in output order.
    pub fn importers(&self) -> Vec<Importer> {
        let mut v: Vec<Importer> = self.rows.iter().map(|o| o.importer).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The observations whose span ends by `last`: the data as they stood then,
    /// for holdout checks and backtests.
    pub fn until(&self, last: Month) -> Observations {
        self.keep(|o| o.span.end() <= last)
    }

    /// The observations of the given importers only (e.g. one series and WORLD,
    /// for backtests of single series).
    pub fn only(&self, importers: &[Importer]) -> Observations {
        self.keep(|o| importers.contains(&o.importer))
    }

    /// The observations for which `wanted` holds, with their lines and metadata.
    fn keep(&self, wanted: impl Fn(&Observation) -> bool) -> Observations {
        let width = self.metadata_columns.len();
        let keep: Vec<usize> = (0..self.rows.len())
            .filter(|&i| wanted(&self.rows[i]))
            .collect();
        Observations {
            source: self.source.clone(),
            rows: keep.iter().map(|&i| self.rows[i]).collect(),
            lines: keep.iter().map(|&i| self.lines[i]).collect(),
            metadata_columns: self.metadata_columns.clone(),
            metadata: keep
                .iter()
                .flat_map(|&i| self.metadata[i * width..(i + 1) * width].iter().copied())
                .collect(),
            metadata_values: self.metadata_values.clone(),
            duplicates_dropped: 0,
        }
    }

    /// The first and last month covered by any observation.
    pub fn month_range(&self) -> Option<Span> {
        let start = self.rows.iter().map(|o| o.span.start()).min()?;
        let end = self.rows.iter().map(|o| o.span.end()).max()?;
        Span::new(start, end)
    }
}

/// Builds [`Observations`] row by row for the loaders, refusing conflicting
/// duplicates and dropping exact ones.
#[derive(Debug)]
pub(crate) struct ObservationsBuilder {
    obs: Observations,
    seen: HashMap<(Importer, Span), usize>,
    interned: HashMap<Box<str>, u32>,
}

impl ObservationsBuilder {
    pub(crate) fn new(source: &Path, metadata_columns: Vec<String>) -> ObservationsBuilder {
        ObservationsBuilder {
            obs: Observations {
                source: source.to_path_buf(),
                rows: Vec::new(),
                lines: Vec::new(),
                metadata_columns,
                metadata: Vec::new(),
                metadata_values: vec![Box::<str>::default()],
                duplicates_dropped: 0,
            },
            seen: HashMap::new(),
            interned: HashMap::from([(Box::<str>::default(), 0)]),
        }
    }

    /// Adds one row; a second row for the same importer and span must carry the
    /// same values, else it is a conflict reported at `location`.
    pub(crate) fn push(
        &mut self,
        row: Observation,
        line: u64,
        metadata: impl IntoIterator<Item = Box<str>>,
        location: impl FnOnce() -> Location,
        problems: &mut ProblemList,
    ) {
        match self.seen.entry((row.importer, row.span)) {
            Entry::Occupied(first) => {
                let earlier = self.obs.rows[*first.get()];
                if same_value(earlier.tonnes, row.tonnes) && same_usd(earlier.usd, row.usd) {
                    self.obs.duplicates_dropped += 1;
                } else {
                    let earlier_line = self.obs.lines[*first.get()];
                    problems.push(
                        location(),
                        format!(
                            "conflicting duplicate: {} {} is {} t here but {} t on line {} \
                             (remove one, or give them the same value)",
                            row.importer,
                            row.span,
                            fmt_value(row.tonnes),
                            fmt_value(earlier.tonnes),
                            earlier_line
                        ),
                    );
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(self.obs.rows.len());
                self.obs.rows.push(row);
                self.obs.lines.push(line);
                let width = self.obs.metadata_columns.len();
                let before = self.obs.metadata.len();
                for value in metadata.into_iter().take(width) {
                    let id = match self.interned.get(&value) {
                        Some(&id) => id,
                        None => {
                            let id = self.obs.metadata_values.len() as u32;
                            self.obs.metadata_values.push(value.clone());
                            self.interned.insert(value, id);
                            id
                        }
                    };
                    self.obs.metadata.push(id);
                }
                // Short rows are refused before they reach here, but keep the
                // layout rectangular whatever happens.
                self.obs.metadata.resize(before + width, 0);
            }
        }
    }

    /// The observations, without the loader's lookup tables.
    pub(crate) fn finish(self) -> Observations {
        self.obs
    }
}

fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn same_usd(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_value(a, b),
        (None, None) => true,
        _ => false,
    }
}

fn fmt_value(v: f64) -> String {
    format!("{v}")
}
