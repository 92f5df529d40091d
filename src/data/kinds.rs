//! The kinds of published fact besides a level in tonnes (data format v2): a
//! value in US$ only, a range of tonnes, a growth ratio, a share of a total and
//! a rank among destination countries. Each is kept as published; nothing here
//! turns one kind into another.

use std::fmt;

use serde::Serialize;

use super::importer::Importer;
use super::observation::Observation;
use super::period::Span;

/// A level published in US$ only (no tonnes): feeds value figures, never the
/// tonnes model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UsdLevel {
    /// Who imported.
    pub importer: Importer,
    /// Over which months.
    pub span: Span,
    /// Customs value in US dollars.
    pub usd: f64,
}

/// Tonnes known only within bounds: "between 1,800 and 2,500 t", "more than
/// 5,800 t" (no high), "nearly 11,000 t" (a high and a stated tolerance).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TonnesRange {
    /// Who imported.
    pub importer: Importer,
    /// Over which months.
    pub span: Span,
    /// The lower bound, if one is stated.
    pub low: Option<f64>,
    /// The upper bound, if one is stated.
    pub high: Option<f64>,
}

/// What a growth ratio compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrowthBasis {
    /// The same span one year earlier (`yoy`, the default).
    YearOnYear,
    /// The span of the same length just before (`prev`: "month on month").
    PreviousSpan,
}

impl GrowthBasis {
    /// The code used in the CSV.
    pub fn code(self) -> &'static str {
        match self {
            GrowthBasis::YearOnYear => "yoy",
            GrowthBasis::PreviousSpan => "prev",
        }
    }

    /// The span this basis compares `span` with.
    pub fn earlier(self, span: Span) -> Span {
        let back = match self {
            GrowthBasis::YearOnYear => 12,
            GrowthBasis::PreviousSpan => span.len() as i32,
        };
        Span::new(span.start().plus(-back), span.end().plus(-back)).unwrap_or(span)
    }
}

/// A published growth: this span's tonnes divided by the basis span's tonnes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Growth {
    /// Who imported.
    pub importer: Importer,
    /// The later span.
    pub span: Span,
    /// The ratio, above 0 (1.24 for "+24 %").
    pub ratio: f64,
    /// What the span is compared with.
    pub basis: GrowthBasis,
}

/// Whose share a share fact gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ShareSubject {
    /// A country, `WORLD` or a group.
    Importer(Importer),
    /// The `n` largest destination countries of the span, members not stated.
    Top(u16),
}

impl fmt::Display for ShareSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareSubject::Importer(i) => write!(f, "{i}"),
            ShareSubject::Top(n) => write!(f, "TOP{n}"),
        }
    }
}

/// A published share of a total: "the EU took 38 % of July exports".
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    /// Whose share.
    pub subject: ShareSubject,
    /// Of whose total (usually `WORLD`).
    pub of: Importer,
    /// Over which months.
    pub span: Span,
    /// The share, in (0, 1].
    pub share: f64,
}

/// A place in a published ranking of destination countries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RankPlace {
    /// Exactly the k-th largest.
    Exact(u16),
    /// Somewhere from a-th to b-th ("among the top five": 1-5).
    Within(u16, u16),
}

impl fmt::Display for RankPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RankPlace::Exact(k) => write!(f, "{k}"),
            RankPlace::Within(a, b) => write!(f, "{a}-{b}"),
        }
    }
}

/// A destination country's published rank over a span.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rank {
    /// The country.
    pub importer: Importer,
    /// Over which months.
    pub span: Span,
    /// Its place.
    pub rank: RankPlace,
}

/// What every kind of fact tells the collections: its span, whom it concerns,
/// which other fact it would duplicate, and how to name it in messages.
pub(crate) trait Fact: Copy {
    /// Facts with equal keys are the same fact (or a conflict).
    type Key: std::hash::Hash + Eq;
    fn span(&self) -> Span;
    fn key(&self) -> Self::Key;
    /// Whether it concerns one of `importers` (for `Observations::only`).
    fn involves(&self, importers: &[Importer]) -> bool;
    /// Whether two facts with the same key say the same.
    fn same(&self, other: &Self) -> bool;
    /// "USA 2025 range" — what the key names, for messages.
    fn what(&self) -> String;
    /// The value in words, for messages.
    fn value(&self) -> String;
}

pub(crate) fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn same_option(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_value(a, b),
        (None, None) => true,
        _ => false,
    }
}

fn bound(v: Option<f64>) -> String {
    v.map_or_else(|| "open".to_string(), |v| format!("{v}"))
}

impl Fact for Observation {
    type Key = (Importer, Span);
    fn span(&self) -> Span {
        self.span
    }
    fn key(&self) -> Self::Key {
        (self.importer, self.span)
    }
    fn involves(&self, importers: &[Importer]) -> bool {
        importers.contains(&self.importer)
    }
    fn same(&self, other: &Self) -> bool {
        same_value(self.tonnes, other.tonnes) && same_option(self.usd, other.usd)
    }
    fn what(&self) -> String {
        format!("{} {}", self.importer, self.span)
    }
    fn value(&self) -> String {
        format!("{} t", self.tonnes)
    }
}

impl Fact for UsdLevel {
    type Key = (Importer, Span);
    fn span(&self) -> Span {
        self.span
    }
    fn key(&self) -> Self::Key {
        (self.importer, self.span)
    }
    fn involves(&self, importers: &[Importer]) -> bool {
        importers.contains(&self.importer)
    }
    fn same(&self, other: &Self) -> bool {
        same_value(self.usd, other.usd)
    }
    fn what(&self) -> String {
        format!("{} {}", self.importer, self.span)
    }
    fn value(&self) -> String {
        format!("US${}", self.usd)
    }
}

impl Fact for TonnesRange {
    type Key = (Importer, Span);
    fn span(&self) -> Span {
        self.span
    }
    fn key(&self) -> Self::Key {
        (self.importer, self.span)
    }
    fn involves(&self, importers: &[Importer]) -> bool {
        importers.contains(&self.importer)
    }
    fn same(&self, other: &Self) -> bool {
        same_option(self.low, other.low) && same_option(self.high, other.high)
    }
    fn what(&self) -> String {
        format!("{} {} range", self.importer, self.span)
    }
    fn value(&self) -> String {
        format!("{} to {} t", bound(self.low), bound(self.high))
    }
}

impl Fact for Growth {
    type Key = (Importer, Span, GrowthBasis);
    fn span(&self) -> Span {
        self.span
    }
    fn key(&self) -> Self::Key {
        (self.importer, self.span, self.basis)
    }
    fn involves(&self, importers: &[Importer]) -> bool {
        importers.contains(&self.importer)
    }
    fn same(&self, other: &Self) -> bool {
        same_value(self.ratio, other.ratio)
    }
    fn what(&self) -> String {
        format!(
            "{} {} growth ({})",
            self.importer,
            self.span,
            self.basis.code()
        )
    }
    fn value(&self) -> String {
        format!("{}", self.ratio)
    }
}

impl Fact for Share {
    type Key = (ShareSubject, Importer, Span);
    fn span(&self) -> Span {
        self.span
    }
    fn key(&self) -> Self::Key {
        (self.subject, self.of, self.span)
    }
    fn involves(&self, importers: &[Importer]) -> bool {
        let subject = match self.subject {
            ShareSubject::Importer(i) => importers.contains(&i),
            ShareSubject::Top(_) => true,
        };
        subject && importers.contains(&self.of)
    }
    fn same(&self, other: &Self) -> bool {
        same_value(self.share, other.share)
    }
    fn what(&self) -> String {
        format!("{} {} share of {}", self.subject, self.span, self.of)
    }
    fn value(&self) -> String {
        format!("{}", self.share)
    }
}

impl Fact for Rank {
    type Key = (Importer, Span);
    fn span(&self) -> Span {
        self.span
    }
    fn key(&self) -> Self::Key {
        (self.importer, self.span)
    }
    fn involves(&self, importers: &[Importer]) -> bool {
        importers.contains(&self.importer)
    }
    fn same(&self, other: &Self) -> bool {
        self.rank == other.rank
    }
    fn what(&self) -> String {
        format!("{} {} rank", self.importer, self.span)
    }
    fn value(&self) -> String {
        self.rank.to_string()
    }
}
