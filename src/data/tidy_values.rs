//! The values of one tidy row, by kind: each read from its columns and checked
//! (bounds in order, growth above 0, share in (0, 1], ranks among countries).

use super::csv_input::Row;
use super::error::ProblemList;
use super::importer::Importer;
use super::kinds::{
    Growth, GrowthBasis, Rank, RankPlace, Share, ShareSubject, TonnesRange, UsdLevel,
};
use super::observation::{AnyFact, Observation};
use super::period::Span;
use super::tidy_row::{Columns, Subject, parse_subject};

fn quantity(
    row: &Row<'_>,
    col: Option<usize>,
    what: &str,
    problems: &mut ProblemList,
) -> Option<f64> {
    col.and_then(|c| row.quantity(c, what, problems).ok().flatten())
}

pub(super) fn level(
    row: &Row<'_>,
    cols: &Columns,
    span: Span,
    importer: Importer,
    problems: &mut ProblemList,
) -> Option<AnyFact> {
    let tonnes = quantity(row, Some(cols.tonnes), "tonnes", problems);
    let usd = quantity(row, cols.usd, "usd", problems);
    quantity(row, cols.usd_per_t, "usd_per_t", problems);
    match (tonnes, usd) {
        (Some(tonnes), usd) => Some(AnyFact::Level(Observation {
            importer,
            span,
            tonnes,
            usd,
        })),
        (None, Some(usd)) => Some(AnyFact::Usd(UsdLevel {
            importer,
            span,
            usd,
        })),
        (None, None) => None,
    }
}

pub(super) fn range(
    row: &Row<'_>,
    cols: &Columns,
    span: Span,
    importer: Importer,
    problems: &mut ProblemList,
) -> Option<AnyFact> {
    let low = quantity(row, cols.low, "tonnes_low", problems);
    let high = quantity(row, cols.high, "tonnes_high", problems);
    if let (Some(l), Some(h), Some(col)) = (low, high, cols.low)
        && l > h
    {
        problems.push(
            row.location(col),
            format!("tonnes_low ({l}) is above tonnes_high ({h})"),
        );
        return None;
    }
    Some(AnyFact::Range(TonnesRange {
        importer,
        span,
        low,
        high,
    }))
}

/// A finite number in field `col`, or a located problem.
fn number(row: &Row<'_>, col: usize, what: &str, problems: &mut ProblemList) -> Option<f64> {
    let text = row.text(col, problems)?;
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        Ok(_) => {
            problems.push(row.location(col), format!("{what} is not finite ({text})"));
            None
        }
        Err(_) => {
            problems.push(
                row.location(col),
                format!("`{text}` is not a number ({what} must be written like 1.24)"),
            );
            None
        }
    }
}

pub(super) fn growth(
    row: &Row<'_>,
    cols: &Columns,
    span: Span,
    importer: Importer,
    problems: &mut ProblemList,
) -> Option<AnyFact> {
    let col = cols.growth?;
    let ratio = number(row, col, "growth", problems)?;
    if ratio <= 0.0 {
        problems.push(
            row.location(col),
            format!("growth is a ratio above 0 (1.24 for +24 %, 0.703 for -29.7 %), not {ratio}"),
        );
        return None;
    }
    let basis_text = cols
        .growth_basis
        .and_then(|c| row.text(c, problems))
        .unwrap_or("");
    let basis = match basis_text.to_ascii_lowercase().as_str() {
        "" | "yoy" => GrowthBasis::YearOnYear,
        "prev" => GrowthBasis::PreviousSpan,
        _ => {
            problems.push(
                row.location(cols.growth_basis.unwrap_or(col)),
                format!("unknown growth_basis `{basis_text}`: expected yoy or prev"),
            );
            return None;
        }
    };
    Some(AnyFact::Growth(Growth {
        importer,
        span,
        ratio,
        basis,
    }))
}

pub(super) fn share(
    row: &Row<'_>,
    cols: &Columns,
    span: Span,
    subject: ShareSubject,
    problems: &mut ProblemList,
) -> Option<AnyFact> {
    let col = cols.share?;
    let share = number(row, col, "share", problems)?;
    if !(share > 0.0 && share <= 1.0) {
        problems.push(
            row.location(col),
            format!("share must be above 0 and at most 1 (0.38 for 38 %), not {share}"),
        );
        return None;
    }
    let of = match cols
        .share_of
        .and_then(|c| row.text(c, problems))
        .unwrap_or("")
    {
        "" => Importer::World,
        text => {
            match parse_subject(text) {
                Some(Subject::Importer(i)) if i != Importer::RestOfWorld => i,
                _ => {
                    problems.push(
                    row.location(cols.share_of.unwrap_or(col)),
                    format!("share_of `{text}` is not a total: expected WORLD, EU27 or a country code"),
                );
                    return None;
                }
            }
        }
    };
    Some(AnyFact::Share(Share {
        subject,
        of,
        span,
        share,
    }))
}

pub(super) fn rank(
    row: &Row<'_>,
    cols: &Columns,
    span: Span,
    importer: Importer,
    problems: &mut ProblemList,
) -> Option<AnyFact> {
    let col = cols.rank?;
    if !matches!(importer, Importer::Country(_)) {
        problems.push(
            row.location(cols.importer),
            format!("{importer} cannot be ranked: ranks are among destination countries only"),
        );
        return None;
    }
    let text = row.text(col, problems)?;
    let Some(rank) = parse_rank(text) else {
        problems.push(
            row.location(col),
            format!("`{text}` is not a rank: expected a place such as 3, or a range such as 1-5"),
        );
        return None;
    };
    Some(AnyFact::Rank(Rank {
        importer,
        span,
        rank,
    }))
}

fn parse_rank(text: &str) -> Option<RankPlace> {
    let place = |s: &str| {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u16>().ok())
            .flatten()
            .filter(|&k| k >= 1)
    };
    match text.split_once('-') {
        None => place(text).map(RankPlace::Exact),
        Some((a, b)) => {
            let (a, b) = (place(a)?, place(b)?);
            match a.cmp(&b) {
                std::cmp::Ordering::Less => Some(RankPlace::Within(a, b)),
                std::cmp::Ordering::Equal => Some(RankPlace::Exact(a)),
                std::cmp::Ordering::Greater => None,
            }
        }
    }
}
