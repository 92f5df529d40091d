//! Observations: what customs sources say was shipped to one importer over one
//! span, kept exactly as given (no interpolation, no regularisation). Levels in
//! tonnes are the rows the model reads; the other kinds of published fact
//! (US$-only levels, ranges, growth, shares, ranks) sit beside them in their own
//! typed collections with the same provenance.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

use super::error::{Location, ProblemList};
use super::facts::{Facts, FactsView};
use super::importer::Importer;
use super::kinds::{Fact, Growth, Rank, Share, TonnesRange, UsdLevel};
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
/// every extra column kept as metadata (status, source, url…), and the facts of
/// the other kinds.
#[derive(Debug, Clone)]
pub struct Observations {
    source: PathBuf,
    metadata_columns: Vec<String>,
    /// Customs extracts repeat the same status and source on every row, so the
    /// cells are indices into these interned values: a million-row file stays
    /// compact.
    metadata_values: Vec<Box<str>>,
    rows: Facts<Observation>,
    usd_levels: Facts<UsdLevel>,
    ranges: Facts<TonnesRange>,
    growths: Facts<Growth>,
    shares: Facts<Share>,
    ranks: Facts<Rank>,
    duplicates_dropped: usize,
}

impl Observations {
    /// The file the observations were read from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The levels in tonnes, in file order.
    pub fn rows(&self) -> &[Observation] {
        &self.rows.items
    }

    /// How many levels in tonnes there are.
    pub fn len(&self) -> usize {
        self.rows.items.len()
    }

    /// Whether there are no levels in tonnes (the file may still hold other kinds).
    pub fn is_empty(&self) -> bool {
        self.rows.items.is_empty()
    }

    /// How many facts of every kind there are.
    pub fn fact_count(&self) -> usize {
        self.len()
            + self.usd_levels.items.len()
            + self.ranges.items.len()
            + self.growths.items.len()
            + self.shares.items.len()
            + self.ranks.items.len()
    }

    /// The 1-based line of the file that observation `index` came from.
    pub fn line(&self, index: usize) -> u64 {
        self.rows.lines[index]
    }

    /// The names of the metadata columns.
    pub fn metadata_columns(&self) -> &[String] {
        &self.metadata_columns
    }

    /// The metadata value of observation `index` in column `name` (empty if blank).
    pub fn metadata(&self, index: usize, name: &str) -> Option<&str> {
        self.view(&self.rows).metadata(index, name)
    }

    /// The levels in tonnes with their provenance.
    pub fn levels(&self) -> FactsView<'_, Observation> {
        self.view(&self.rows)
    }

    /// Levels published in US$ only.
    pub fn usd_levels(&self) -> FactsView<'_, UsdLevel> {
        self.view(&self.usd_levels)
    }

    /// Tonnes known within bounds.
    pub fn ranges(&self) -> FactsView<'_, TonnesRange> {
        self.view(&self.ranges)
    }

    /// Published growth ratios.
    pub fn growths(&self) -> FactsView<'_, Growth> {
        self.view(&self.growths)
    }

    /// Published shares of a total.
    pub fn shares(&self) -> FactsView<'_, Share> {
        self.view(&self.shares)
    }

    /// Published ranks among destination countries.
    pub fn ranks(&self) -> FactsView<'_, Rank> {
        self.view(&self.ranks)
    }

    fn view<'a, T>(&'a self, facts: &'a Facts<T>) -> FactsView<'a, T> {
        FactsView {
            facts,
            columns: &self.metadata_columns,
            values: &self.metadata_values,
        }
    }

    /// Exact repeats of an earlier row (same kind, importer, span and values)
    /// that were dropped while loading.
    pub fn duplicates_dropped(&self) -> usize {
        self.duplicates_dropped
    }

    /// The importers with a level in tonnes, in output order.
    pub fn importers(&self) -> Vec<Importer> {
        let mut v: Vec<Importer> = self.rows.items.iter().map(|o| o.importer).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The facts whose span ends by `last`: the data as they stood then, for
    /// holdout checks and backtests.
    pub fn until(&self, last: Month) -> Observations {
        self.keep(|span, _| span.end() <= last)
    }

    /// The facts concerning the given importers only (e.g. one series and WORLD,
    /// for backtests of single series). A share is kept when both its subject
    /// (a TOP<n> always) and its total are among them.
    pub fn only(&self, importers: &[Importer]) -> Observations {
        self.keep(|_, involves| involves(importers))
    }

    /// The facts for which `wanted(span, involves)` holds, with lines and metadata.
    fn keep(&self, wanted: impl Fn(Span, &dyn Fn(&[Importer]) -> bool) -> bool) -> Observations {
        let width = self.metadata_columns.len();
        fn pick<T: Fact>(
            facts: &Facts<T>,
            width: usize,
            wanted: &impl Fn(Span, &dyn Fn(&[Importer]) -> bool) -> bool,
        ) -> Facts<T> {
            facts.keep(width, |f| wanted(f.span(), &|i| f.involves(i)))
        }
        Observations {
            source: self.source.clone(),
            metadata_columns: self.metadata_columns.clone(),
            metadata_values: self.metadata_values.clone(),
            rows: pick(&self.rows, width, &wanted),
            usd_levels: pick(&self.usd_levels, width, &wanted),
            ranges: pick(&self.ranges, width, &wanted),
            growths: pick(&self.growths, width, &wanted),
            shares: pick(&self.shares, width, &wanted),
            ranks: pick(&self.ranks, width, &wanted),
            duplicates_dropped: 0,
        }
    }

    /// The first and last month covered by any level in tonnes.
    pub fn month_range(&self) -> Option<Span> {
        let start = self.rows.items.iter().map(|o| o.span.start()).min()?;
        let end = self.rows.items.iter().map(|o| o.span.end()).max()?;
        Span::new(start, end)
    }

    /// The first and last month covered by a fact of any kind.
    pub fn fact_month_range(&self) -> Option<Span> {
        let spans = self.all_spans();
        let start = spans.iter().map(|s| s.start()).min()?;
        let end = spans.iter().map(|s| s.end()).max()?;
        Span::new(start, end)
    }

    /// The span of every fact of every kind.
    pub(crate) fn all_spans(&self) -> Vec<Span> {
        fn spans<T: Fact>(f: &Facts<T>) -> impl Iterator<Item = Span> + '_ {
            f.items.iter().map(Fact::span)
        }
        spans(&self.rows)
            .chain(spans(&self.usd_levels))
            .chain(spans(&self.ranges))
            .chain(spans(&self.growths))
            .chain(spans(&self.shares))
            .chain(spans(&self.ranks))
            .collect()
    }
}

/// A fact of any kind, as a loader hands it to the builder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum AnyFact {
    Level(Observation),
    Usd(UsdLevel),
    Range(TonnesRange),
    Growth(Growth),
    Share(Share),
    Rank(Rank),
}

/// One collection being built, with the index of each key's first fact.
#[derive(Debug)]
struct Collector<T: Fact> {
    seen: HashMap<T::Key, usize>,
}

impl<T: Fact> Default for Collector<T> {
    fn default() -> Collector<T> {
        Collector {
            seen: HashMap::new(),
        }
    }
}

/// Where a new fact goes: appended, dropped as an exact repeat, or refused as
/// a conflict with the fact of this index.
enum Placement {
    New,
    Repeat,
    Conflict(usize),
}

impl<T: Fact> Collector<T> {
    fn place(&mut self, facts: &Facts<T>, item: &T) -> Placement {
        match self.seen.entry(item.key()) {
            Entry::Occupied(first) => {
                if facts.items[*first.get()].same(item) {
                    Placement::Repeat
                } else {
                    Placement::Conflict(*first.get())
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(facts.items.len());
                Placement::New
            }
        }
    }
}

/// Builds [`Observations`] fact by fact for the loaders, refusing conflicting
/// duplicates and dropping exact ones.
#[derive(Debug)]
pub(crate) struct ObservationsBuilder {
    obs: Observations,
    interned: HashMap<Box<str>, u32>,
    rows: Collector<Observation>,
    usd_levels: Collector<UsdLevel>,
    ranges: Collector<TonnesRange>,
    growths: Collector<Growth>,
    shares: Collector<Share>,
    ranks: Collector<Rank>,
}

impl ObservationsBuilder {
    pub(crate) fn new(source: &Path, metadata_columns: Vec<String>) -> ObservationsBuilder {
        ObservationsBuilder {
            obs: Observations {
                source: source.to_path_buf(),
                metadata_columns,
                metadata_values: vec![Box::<str>::default()],
                rows: Facts::default(),
                usd_levels: Facts::default(),
                ranges: Facts::default(),
                growths: Facts::default(),
                shares: Facts::default(),
                ranks: Facts::default(),
                duplicates_dropped: 0,
            },
            interned: HashMap::from([(Box::<str>::default(), 0)]),
            rows: Collector::default(),
            usd_levels: Collector::default(),
            ranges: Collector::default(),
            growths: Collector::default(),
            shares: Collector::default(),
            ranks: Collector::default(),
        }
    }

    /// Adds one fact; a second fact of the same kind with the same key must say
    /// the same, else it is a conflict reported at `location`. A level in tonnes
    /// and a US$-only level of one importer and span also conflict.
    pub(crate) fn push(
        &mut self,
        fact: impl Into<AnyFact>,
        line: u64,
        metadata: impl IntoIterator<Item = Box<str>>,
        location: impl FnOnce() -> Location,
        problems: &mut ProblemList,
    ) {
        let width = self.obs.metadata_columns.len();
        let b = &mut self.obs;
        let interned = &mut self.interned;
        // Metadata is interned only for a fact that is kept.
        let cells = || intern(interned, &mut b.metadata_values, width, metadata);
        let outcome = match fact.into() {
            AnyFact::Level(o) => match self.usd_levels.seen.get(&o.key()) {
                Some(&i) => Err(mixed_levels(&o.what(), &b.usd_levels, i, "tonnes")),
                None => add(&mut self.rows, &mut b.rows, o, line, cells),
            },
            AnyFact::Usd(u) => match self.rows.seen.get(&u.key()) {
                Some(&i) => Err(mixed_levels(&u.what(), &b.rows, i, "US$ only")),
                None => add(&mut self.usd_levels, &mut b.usd_levels, u, line, cells),
            },
            AnyFact::Range(r) => add(&mut self.ranges, &mut b.ranges, r, line, cells),
            AnyFact::Growth(g) => add(&mut self.growths, &mut b.growths, g, line, cells),
            AnyFact::Share(s) => add(&mut self.shares, &mut b.shares, s, line, cells),
            AnyFact::Rank(r) => add(&mut self.ranks, &mut b.ranks, r, line, cells),
        };
        match outcome {
            Ok(true) => {}
            Ok(false) => b.duplicates_dropped += 1,
            Err(message) => problems.push(location(), message),
        }
    }

    /// The facts so far (for checks across rows before finishing).
    pub(crate) fn observations(&self) -> &Observations {
        &self.obs
    }

    /// The observations, without the loader's lookup tables.
    pub(crate) fn finish(self) -> Observations {
        self.obs
    }
}

/// The metadata cells of one fact, `width` of them whatever the row gave.
fn intern(
    interned: &mut HashMap<Box<str>, u32>,
    values: &mut Vec<Box<str>>,
    width: usize,
    metadata: impl IntoIterator<Item = Box<str>>,
) -> Vec<u32> {
    let mut cells = Vec::with_capacity(width);
    for value in metadata.into_iter().take(width) {
        let id = match interned.get(&value) {
            Some(&id) => id,
            None => {
                let id = values.len() as u32;
                values.push(value.clone());
                interned.insert(value, id);
                id
            }
        };
        cells.push(id);
    }
    // Short rows are refused before they reach here, but keep the layout
    // rectangular whatever happens.
    cells.resize(width, 0);
    cells
}

/// Appends `item` (`Ok(true)`), drops an exact repeat (`Ok(false)`) or words
/// the conflict.
fn add<T: Fact>(
    collector: &mut Collector<T>,
    facts: &mut Facts<T>,
    item: T,
    line: u64,
    cells: impl FnOnce() -> Vec<u32>,
) -> Result<bool, String> {
    match collector.place(facts, &item) {
        Placement::New => {
            facts.items.push(item);
            facts.lines.push(line);
            facts.cells.extend(cells());
            Ok(true)
        }
        Placement::Repeat => Ok(false),
        Placement::Conflict(i) => Err(format!(
            "conflicting duplicate: {} is {} here but {} on line {} \
             (remove one, or give them the same value)",
            item.what(),
            item.value(),
            facts.items[i].value(),
            facts.lines[i]
        )),
    }
}

fn mixed_levels<T: Fact>(what: &str, other: &Facts<T>, i: usize, here: &str) -> String {
    format!(
        "conflicting duplicate: {what} is given in {here} here but as {} on line {} \
         (put tonnes and US$ on one row)",
        other.items[i].value(),
        other.lines[i]
    )
}

macro_rules! into_any {
    ($($t:ty => $v:ident),*) => {
        $(impl From<$t> for AnyFact {
            fn from(f: $t) -> AnyFact {
                AnyFact::$v(f)
            }
        })*
    };
}
into_any!(Observation => Level, UsdLevel => Usd, TonnesRange => Range, Growth => Growth,
    Share => Share, Rank => Rank);
