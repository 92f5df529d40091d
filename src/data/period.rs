//! Months and spans of months: the time axis of every observation.
//!
//! Customs figures arrive as single months, quarters, years, year-to-date runs
//! (`2025-01..06`) and runs across a year end (`2024-11..2025-02`). All of them
//! are a [`Span`]: a closed run of [`Month`]s whose value is the sum of the
//! monthly flow over those months.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Earliest year accepted, so that month arithmetic never overflows and typos such
/// as `0225` are caught.
pub const MIN_YEAR: i32 = 1900;
/// Latest year accepted.
pub const MAX_YEAR: i32 = 2200;

/// A calendar month, stored as a count of months since year 0 so that spans,
/// differences and ordering are plain integer arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// The month `month` (1-12) of `year`, if both are in range.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        Some(Month(year * 12 + month as i32 - 1))
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month of the year, 1-12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// The month `n` months later (earlier for negative `n`).
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// Months from `earlier` to `self` (negative if `self` is earlier).
    pub fn months_since(self, earlier: Month) -> i32 {
        self.0 - earlier.0
    }

    /// The month's position on a continuous time axis, in months since year 0.
    pub fn index(self) -> i32 {
        self.0
    }

    /// The month at a position returned by [`Month::index`].
    pub fn from_index(index: i32) -> Month {
        Month(index)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl FromStr for Month {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Month, PeriodError> {
        let span: Span = s.parse()?;
        if span.len() == 1 {
            Ok(span.start())
        } else {
            Err(PeriodError::new(
                s,
                "expected a single month such as 2025-05",
            ))
        }
    }
}

/// A closed run of consecutive months, `start..=end`; the value observed over a
/// span is the sum of the monthly flow over its months.
///
/// ```
/// use magcast::data::Span;
/// let h1: Span = "2025-01..06".parse()?;
/// assert_eq!(h1.len(), 6);
/// let winter: Span = "2024-11..2025-02".parse()?;
/// assert_eq!(winter.to_string(), "2024-11..2025-02");
/// assert_eq!("2024-Q3".parse::<Span>()?.to_string(), "2024-Q3");
/// # Ok::<(), magcast::data::PeriodError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    start: Month,
    end: Month,
}

impl Span {
    /// The span from `start` to `end` inclusive, or `None` if it ends before it starts.
    pub fn new(start: Month, end: Month) -> Option<Span> {
        (start <= end).then_some(Span { start, end })
    }

    /// A single month.
    pub fn month(month: Month) -> Span {
        Span {
            start: month,
            end: month,
        }
    }

    /// The twelve months of `year`.
    pub fn year(year: i32) -> Option<Span> {
        Span::new(Month::new(year, 1)?, Month::new(year, 12)?)
    }

    /// Quarter `quarter` (1-4) of `year`.
    pub fn quarter(year: i32, quarter: u32) -> Option<Span> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let first = Month::new(year, quarter * 3 - 2)?;
        Span::new(first, first.plus(2))
    }

    /// Half `half` (1-2) of `year`.
    pub fn half(year: i32, half: u32) -> Option<Span> {
        if !(1..=2).contains(&half) {
            return None;
        }
        let first = Month::new(year, half * 6 - 5)?;
        Span::new(first, first.plus(5))
    }

    /// The first month.
    pub fn start(self) -> Month {
        self.start
    }

    /// The last month.
    pub fn end(self) -> Month {
        self.end
    }

    /// The number of months, at least 1.
    #[allow(clippy::len_without_is_empty)] // a span is never empty
    pub fn len(self) -> usize {
        (self.end.0 - self.start.0 + 1) as usize
    }

    /// Whether `month` lies inside the span.
    pub fn contains(self, month: Month) -> bool {
        self.start <= month && month <= self.end
    }

    /// Whether every month of `other` lies inside this span.
    pub fn covers(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The months of the span in order.
    pub fn months(self) -> impl Iterator<Item = Month> {
        (self.start.0..=self.end.0).map(Month)
    }

    /// If the span is exactly one calendar year, that year.
    pub fn as_year(self) -> Option<i32> {
        (self.start.month() == 1 && self.end == self.start.plus(11)).then(|| self.start.year())
    }

    fn as_quarter(self) -> Option<(i32, u32)> {
        let m = self.start.month();
        (self.len() == 3 && m % 3 == 1).then(|| (self.start.year(), m.div_ceil(3)))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len() == 1 {
            write!(f, "{}", self.start)
        } else if let Some(year) = self.as_year() {
            write!(f, "{year:04}")
        } else if let Some((year, q)) = self.as_quarter() {
            write!(f, "{year:04}-Q{q}")
        } else if self.start.year() == self.end.year() {
            write!(f, "{}..{:02}", self.start, self.end.month())
        } else {
            write!(f, "{}..{}", self.start, self.end)
        }
    }
}

impl FromStr for Span {
    type Err = PeriodError;

    /// Accepts `2025`, `2025-05`, `2025-Q3`, `2025-H1`, `2025-01..06` and
    /// `2024-11..2025-02` (surrounding spaces ignored, `q`/`h` in either case).
    fn from_str(text: &str) -> Result<Span, PeriodError> {
        let s = text.trim();
        let err = |reason: &str| PeriodError::new(text, reason);
        if s.is_empty() {
            return Err(err("the period is empty"));
        }
        if let Some((left, right)) = s.split_once("..") {
            let start = parse_month(left, text)?;
            let end = if right.len() <= 2 {
                let m = parse_number(right, text, "month")?;
                month_of(start.year(), m, text)?
            } else {
                parse_month(right, text)?
            };
            return Span::new(start, end)
                .ok_or_else(|| err(&format!("the span ends ({end}) before it starts ({start})")));
        }
        let Some((year_text, rest)) = s.split_once('-') else {
            let year = parse_year(s, text)?;
            return Span::year(year).ok_or_else(|| err("year out of range"));
        };
        let year = parse_year(year_text, text)?;
        let upper = rest.to_ascii_uppercase();
        if let Some(q) = upper.strip_prefix('Q') {
            let q = parse_number(q, text, "quarter")?;
            return Span::quarter(year, q).ok_or_else(|| err("the quarter must be Q1 to Q4"));
        }
        if let Some(h) = upper.strip_prefix('H') {
            let h = parse_number(h, text, "half-year")?;
            return Span::half(year, h).ok_or_else(|| err("the half-year must be H1 or H2"));
        }
        let m = parse_number(rest, text, "month")?;
        Ok(Span::month(month_of(year, m, text)?))
    }
}

fn parse_month(s: &str, text: &str) -> Result<Month, PeriodError> {
    let (y, m) = s
        .trim()
        .split_once('-')
        .ok_or_else(|| PeriodError::new(text, "expected YYYY-MM on each side of `..`"))?;
    let year = parse_year(y, text)?;
    let month = parse_number(m, text, "month")?;
    month_of(year, month, text)
}

fn month_of(year: i32, month: u32, text: &str) -> Result<Month, PeriodError> {
    Month::new(year, month)
        .ok_or_else(|| PeriodError::new(text, &format!("month {month} is not between 01 and 12")))
}

fn parse_year(s: &str, text: &str) -> Result<i32, PeriodError> {
    let s = s.trim();
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PeriodError::new(
            text,
            "expected a four-digit year (2025), month (2025-05), quarter (2025-Q3) or run (2025-01..06)",
        ));
    }
    let year: i32 = s.parse().map_err(|_| PeriodError::new(text, "bad year"))?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(PeriodError::new(
            text,
            &format!("year {year} is outside {MIN_YEAR}-{MAX_YEAR}"),
        ));
    }
    Ok(year)
}

fn parse_number(s: &str, text: &str, what: &str) -> Result<u32, PeriodError> {
    let s = s.trim();
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PeriodError::new(
            text,
            &format!("the {what} must be a number"),
        ));
    }
    s.parse()
        .map_err(|_| PeriodError::new(text, &format!("the {what} must be a number")))
}

/// A period that could not be parsed, with the text and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a valid period: {reason}")]
pub struct PeriodError {
    /// The text as given.
    pub text: String,
    /// Why it was refused.
    pub reason: String,
}

impl PeriodError {
    fn new(text: &str, reason: &str) -> PeriodError {
        PeriodError {
            text: text.to_string(),
            reason: reason.to_string(),
        }
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Span, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(s: &str) -> Span {
        s.parse().unwrap()
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(span("2025-05"), Span::month(Month::new(2025, 5).unwrap()));
        assert_eq!(span("2024-Q3"), Span::quarter(2024, 3).unwrap());
        assert_eq!(span("2024-q3").len(), 3);
        assert_eq!(span("2024"), Span::year(2024).unwrap());
        assert_eq!(span("2025-H2"), Span::half(2025, 2).unwrap());
        let ytd = span("2025-01..06");
        assert_eq!(
            (ytd.start().month(), ytd.end().month(), ytd.len()),
            (1, 6, 6)
        );
        let winter = span(" 2024-11..2025-02 ");
        assert_eq!(winter.len(), 4);
        assert_eq!(winter.start(), Month::new(2024, 11).unwrap());
        assert_eq!(winter.end(), Month::new(2025, 2).unwrap());
    }

    #[test]
    fn displays_canonically_and_round_trips() {
        for text in [
            "2025-05",
            "2024-Q3",
            "2024",
            "2025-01..06",
            "2024-11..2025-02",
        ] {
            assert_eq!(span(text).to_string(), text);
        }
        assert_eq!(span("2025-H1").to_string(), "2025-01..06");
        assert_eq!(span("2025-01..2025-12").to_string(), "2025");
        assert_eq!(span("2025-07..09").to_string(), "2025-Q3");
    }

    #[test]
    fn refuses_malformed_periods_with_a_reason() {
        let cases = [
            ("", "empty"),
            ("2025-13", "month 13"),
            ("2025-00", "month 0"),
            ("2025-Q5", "Q1 to Q4"),
            ("25-05", "four-digit year"),
            ("2025/05", "four-digit year"),
            ("2025-06..01", "ends (2025-01) before it starts (2025-06)"),
            ("2025-02..2024-11", "before it starts"),
            ("1800", "outside"),
            ("2025-5x", "must be a number"),
            ("2025-01..", "must be a number"),
        ];
        for (text, reason) in cases {
            let err = text.parse::<Span>().unwrap_err();
            assert!(
                err.to_string().contains(reason),
                "{text:?}: {err} should mention {reason:?}"
            );
        }
    }

    #[test]
    fn month_arithmetic() {
        let m = Month::new(2024, 11).unwrap();
        assert_eq!(m.plus(2), Month::new(2025, 1).unwrap());
        assert_eq!(m.plus(2).months_since(m), 2);
        assert_eq!(Month::from_index(m.index()), m);
        assert!(span("2025").covers(span("2025-Q2")));
        assert!(!span("2025-Q2").covers(span("2025")));
        assert_eq!(span("2024-11..2025-02").months().count(), 4);
    }
}
