//! One row of the tidy CSV: which kind of fact it holds (decided by which value
//! columns are filled), its values checked, and its status and note checked.

use std::collections::HashMap;

use super::csv_input::{CsvInput, Row};
use super::error::ProblemList;
use super::importer::Importer;
use super::kinds::ShareSubject;
use super::observation::AnyFact;
use super::period::Span;
use super::tidy_values::{growth, level, range, rank, share};

/// The columns of the tidy format that the loader reads (the rest is metadata).
pub(crate) struct Columns {
    pub(super) period: usize,
    pub(super) importer: usize,
    pub(super) tonnes: usize,
    pub(super) usd: Option<usize>,
    pub(super) low: Option<usize>,
    pub(super) high: Option<usize>,
    pub(super) usd_per_t: Option<usize>,
    pub(super) growth: Option<usize>,
    pub(super) growth_basis: Option<usize>,
    pub(super) share: Option<usize>,
    pub(super) share_of: Option<usize>,
    pub(crate) rank: Option<usize>,
    pub(super) status: Option<usize>,
    pub(super) note: Option<usize>,
    /// The header has a column of format v2, where `status` must be filled.
    pub(super) v2: bool,
}

impl Columns {
    pub(crate) fn find(input: &CsvInput) -> Result<Columns, super::error::DataError> {
        let low = input.column("tonnes_low");
        let high = input.column("tonnes_high");
        let usd_per_t = input.column("usd_per_t");
        let growth = input.column("growth");
        let growth_basis = input.column("growth_basis");
        let share = input.column("share");
        let share_of = input.column("share_of");
        let rank = input.column("rank");
        let v2 = [
            low,
            high,
            usd_per_t,
            growth,
            growth_basis,
            share,
            share_of,
            rank,
        ]
        .iter()
        .any(Option::is_some);
        if v2 {
            // Every fact of format v2 says how sure it is.
            input.require("status")?;
        }
        Ok(Columns {
            period: input.require("period")?,
            importer: input.require("importer")?,
            tonnes: input.require("tonnes")?,
            usd: input.column("usd"),
            low,
            high,
            usd_per_t,
            growth,
            growth_basis,
            share,
            share_of,
            rank,
            status: input.column("status"),
            note: input.column("note"),
            v2,
        })
    }

    /// The columns turned into typed values (`usd_per_t`, `status` and `note`
    /// are checked but kept as metadata, as published).
    pub(crate) fn consumed(&self) -> Vec<usize> {
        [self.period, self.importer, self.tonnes]
            .into_iter()
            .chain(self.usd)
            .chain(self.low)
            .chain(self.high)
            .chain(self.growth)
            .chain(self.growth_basis)
            .chain(self.share)
            .chain(self.share_of)
            .chain(self.rank)
            .collect()
    }

    /// The column a conflict about `fact` is reported at.
    pub(crate) fn value_column(&self, fact: &AnyFact) -> usize {
        let col = match fact {
            AnyFact::Level(_) => Some(self.tonnes),
            AnyFact::Usd(_) => self.usd,
            AnyFact::Range(r) if r.low.is_some() => self.low,
            AnyFact::Range(_) => self.high,
            AnyFact::Growth(_) => self.growth,
            AnyFact::Share(_) => self.share,
            AnyFact::Rank(_) => self.rank,
        };
        col.unwrap_or(self.tonnes)
    }
}

/// The kinds of fact, in the order their columns are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Level,
    Range,
    Growth,
    Share,
    Rank,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Level => "level",
            Kind::Range => "range",
            Kind::Growth => "growth",
            Kind::Share => "share",
            Kind::Rank => "rank",
        }
    }
}

/// Who a row is about, as written: an importer or a `TOP<n>`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Subject {
    Importer(Importer),
    Top(u16),
}

/// Parses importer codes once per distinct text (codes repeat on every row).
#[derive(Default)]
pub(crate) struct Codes(HashMap<String, Option<Subject>>);

impl Codes {
    fn get(&mut self, text: &str) -> Option<Subject> {
        if let Some(&known) = self.0.get(text) {
            return known;
        }
        let parsed = parse_subject(text);
        self.0.insert(text.to_string(), parsed);
        parsed
    }
}

pub(super) fn parse_subject(text: &str) -> Option<Subject> {
    let upper = text.to_ascii_uppercase();
    if let Some(n) = upper.strip_prefix("TOP") {
        let digits = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
        return match n.parse::<u16>() {
            Ok(n) if digits && n >= 1 => Some(Subject::Top(n)),
            _ => None,
        };
    }
    text.parse::<Importer>().ok().map(Subject::Importer)
}

/// Reads one row into a fact, or records every problem it has and gives `None`.
pub(crate) fn read_row(
    row: &Row<'_>,
    cols: &Columns,
    codes: &mut Codes,
    problems: &mut ProblemList,
) -> Option<AnyFact> {
    let before = problems.total();
    let span = row.text(cols.period, problems).and_then(|text| {
        text.parse::<Span>()
            .map_err(|e| problems.push(row.location(cols.period), e.to_string()))
            .ok()
    });
    let subject = subject(row, cols, codes, problems);
    let kind = kind(row, cols, problems);
    check_status(row, cols, problems);
    let fact = match (span, subject, kind) {
        (Some(span), Some(subject), Some(kind)) => build(row, cols, span, subject, kind, problems),
        _ => None,
    };
    // A row with any problem gives no fact, so nothing half-checked is kept.
    fact.filter(|_| problems.total() == before)
}

fn subject(
    row: &Row<'_>,
    cols: &Columns,
    codes: &mut Codes,
    problems: &mut ProblemList,
) -> Option<Subject> {
    let text = row.text(cols.importer, problems)?;
    match codes.get(text) {
        Some(Subject::Importer(Importer::RestOfWorld)) => {
            problems.push(
                row.location(cols.importer),
                "ROW cannot be observed: magcast derives it as WORLD minus the named importers",
            );
            None
        }
        Some(subject) => Some(subject),
        None => {
            problems.push(
                row.location(cols.importer),
                format!(
                    "unknown importer `{text}`: expected an ISO 3166-1 alpha-3 or alpha-2 code, WORLD, EU27 or (on share rows) TOP<n>"
                ),
            );
            None
        }
    }
}

/// Whether field `col` is filled (its text is not blank).
fn filled(row: &Row<'_>, col: Option<usize>) -> bool {
    col.is_some_and(|c| {
        let mut scratch = ProblemList::default();
        row.text(c, &mut scratch).is_some_and(|t| !t.is_empty())
    })
}

/// The one kind of fact the row holds, from its filled value columns.
fn kind(row: &Row<'_>, cols: &Columns, problems: &mut ProblemList) -> Option<Kind> {
    let candidates = [
        (Kind::Level, Some(cols.tonnes)),
        (Kind::Level, cols.usd),
        (Kind::Range, cols.low),
        (Kind::Range, cols.high),
        (Kind::Growth, cols.growth),
        (Kind::Share, cols.share),
        (Kind::Rank, cols.rank),
    ];
    let mut found: Vec<(Kind, usize)> = Vec::new();
    for (kind, col) in candidates {
        if filled(row, col) && !found.iter().any(|f| f.0 == kind) {
            found.push((kind, col.unwrap_or(cols.tonnes)));
        }
    }
    let kind = match found.as_slice() {
        [] => {
            problems.push(
                row.location(cols.tonnes),
                "tonnes is missing: the row holds no value (fill tonnes or usd, \
                 tonnes_low/tonnes_high, growth, share or rank)",
            );
            return None;
        }
        [(kind, _)] => *kind,
        [(first, first_col), (second, col), ..] => {
            problems.push(
                row.location(*col),
                format!(
                    "more than one kind of fact on one row: {} (`{}`) and {} (`{}`); give each its own row",
                    first.name(),
                    row.location(*first_col).column.map(|c| c.1).unwrap_or_default(),
                    second.name(),
                    row.location(*col).column.map(|c| c.1).unwrap_or_default(),
                ),
            );
            return None;
        }
    };
    for (owner, col, name) in [
        (Kind::Level, cols.usd_per_t, "usd_per_t"),
        (Kind::Growth, cols.growth_basis, "growth_basis"),
        (Kind::Share, cols.share_of, "share_of"),
    ] {
        if kind != owner && filled(row, col) {
            problems.push(
                row.location(col.unwrap_or(cols.tonnes)),
                format!(
                    "{name} belongs to a {} row, but this is a {} row",
                    owner.name(),
                    kind.name()
                ),
            );
        }
    }
    Some(kind)
}

/// In a v2 file `status` is one of three words on every row, and a derived
/// figure says how it was derived. In a v1 file status is free metadata, as it
/// always was, so that old files load unchanged.
fn check_status(row: &Row<'_>, cols: &Columns, problems: &mut ProblemList) {
    let Some(col) = cols.status.filter(|_| cols.v2) else {
        return;
    };
    let Some(status) = row.text(col, problems) else {
        return;
    };
    match status.to_ascii_lowercase().as_str() {
        "" => problems.push(
            row.location(col),
            "status is missing: write confirmed, derived or approximate",
        ),
        "confirmed" | "approximate" => {}
        "derived" => {
            let note = cols.note.and_then(|c| row.text(c, problems)).unwrap_or("");
            if note.is_empty() {
                problems.push(
                    row.location(col),
                    "a derived figure needs its derivation in `note` (e.g. `2017 / 1.11`)",
                );
            }
        }
        _ => problems.push(
            row.location(col),
            format!("unknown status `{status}`: expected confirmed, derived or approximate"),
        ),
    }
}

fn build(
    row: &Row<'_>,
    cols: &Columns,
    span: Span,
    subject: Subject,
    kind: Kind,
    problems: &mut ProblemList,
) -> Option<AnyFact> {
    let importer = match (subject, kind) {
        (Subject::Top(n), Kind::Share) => {
            return share(row, cols, span, ShareSubject::Top(n), problems);
        }
        (Subject::Top(n), _) => {
            problems.push(
                row.location(cols.importer),
                format!(
                    "TOP{n} is allowed only on share rows (its members are not stated, so it has no {} of its own)",
                    kind.name()
                ),
            );
            return None;
        }
        (Subject::Importer(i), _) => i,
    };
    match kind {
        Kind::Level => level(row, cols, span, importer, problems),
        Kind::Range => range(row, cols, span, importer, problems),
        Kind::Growth => growth(row, cols, span, importer, problems),
        Kind::Share => share(row, cols, span, ShareSubject::Importer(importer), problems),
        Kind::Rank => rank(row, cols, span, importer, problems),
    }
}
