//! The observed history drawn beside the projections: only figures the data
//! determine exactly (the ledger), nothing interpolated.

use crate::data::{Importer, Ledger, Month, Observations, Span};
use crate::engine::RunResult;

/// What the data determine for one output series.
#[derive(Debug, Clone)]
pub struct ObservedSeries {
    /// The series.
    pub importer: Importer,
    /// Months whose tonnes the data determine, in order.
    pub months: Vec<(Month, f64)>,
    /// Calendar years whose total tonnes the data determine, in order.
    pub years: Vec<(i32, f64)>,
}

impl ObservedSeries {
    /// Years determined as totals but with none of their months determined:
    /// drawn as monthly averages.
    pub fn years_without_months(&self) -> impl Iterator<Item = (i32, f64)> + '_ {
        self.years
            .iter()
            .filter(|(y, _)| !self.months.iter().any(|(m, _)| m.year() == *y))
            .copied()
    }
}

/// Observed history per output series of a run (same order as
/// `RunResult::outputs`), with the data file it comes from.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The data file, as given.
    pub source: String,
    /// One entry per output series; empty when no data were available.
    pub series: Vec<ObservedSeries>,
}

impl History {
    /// The observed history of output `o`, if any.
    pub fn output(&self, o: usize) -> Option<&ObservedSeries> {
        self.series.get(o)
    }
}

/// Every month and calendar year the observations determine, for each of
/// `run`'s output series, up to the month before the projection.
pub fn history(obs: &Observations, run: &RunResult) -> History {
    let ledger = Ledger::new(obs);
    let Some(range) = obs.month_range() else {
        return History {
            source: obs.source().display().to_string(),
            series: Vec::new(),
        };
    };
    let last = range.end().min(run.first_month.plus(-1));
    let series = run
        .outputs
        .iter()
        .map(|&importer| {
            let mut s = ObservedSeries {
                importer,
                months: Vec::new(),
                years: Vec::new(),
            };
            if last < range.start() {
                return s;
            }
            for i in range.start().index()..=last.index() {
                let m = Month::from_index(i);
                if let Some(d) = ledger.month_tonnes(importer, m) {
                    s.months.push((m, d.value));
                }
            }
            for y in range.start().year()..=last.year() {
                let Some(span) = Span::year(y) else { continue };
                if span.end() > last {
                    continue;
                }
                if let Some(d) = ledger.tonnes(importer, span) {
                    s.years.push((y, d.value));
                }
            }
            s
        })
        .collect();
    History {
        source: obs.source().display().to_string(),
        series,
    }
}
