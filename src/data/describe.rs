//! The headline statistics of a year, computed from observations only: the world
//! total and its change, the ranking of importers, the top-10 share, the fastest
//! growers, and half-year, quarterly and monthly growth.
//!
//! A figure appears only where the observations determine it exactly (see
//! [`Ledger`]); everything else is `None` ("unavailable"), never estimated.

use serde::{Serialize, Serializer};

use super::error::DataError;
use super::importer::{Group, Importer};
use super::ledger::{Determined, Ledger};
use super::observation::Observations;
use super::period::{MAX_YEAR, MIN_YEAR, Month, Span};

/// What to describe.
#[derive(Debug, Clone, Copy, Default)]
pub struct DescribeRequest {
    /// The year; `None` for the latest whose world total the data determine.
    pub year: Option<i32>,
    /// How many fastest growers to list (default 5).
    pub growers: Option<usize>,
}

/// The headline statistics of one year.
#[derive(Debug, Clone, Serialize)]
pub struct Describe {
    /// The data file.
    pub source: String,
    /// The year described.
    pub year: i32,
    /// China's exports to every destination, tonnes.
    pub total_tonnes: Option<f64>,
    /// How the total follows from the observations.
    pub total_basis: Option<String>,
    /// The previous year's total, tonnes.
    pub previous_total_tonnes: Option<f64>,
    /// Change of the total on the previous year, %.
    #[serde(serialize_with = "pct")]
    pub yoy_pct: Option<f64>,
    /// Customs value of the total, US$.
    pub total_usd: Option<f64>,
    /// Share of the ten largest importers in the data, % (needs at least ten).
    #[serde(serialize_with = "pct")]
    pub top10_share_pct: Option<f64>,
    /// Countries whose year total the data determine, largest first.
    pub ranking: Vec<RankedImporter>,
    /// The world total less the ranked countries (other destinations), tonnes.
    pub other_tonnes: Option<f64>,
    /// Countries in the data whose year total is not determined.
    pub unavailable: Vec<Importer>,
    /// The fastest-growing ranked countries, by y/y change.
    pub fastest_growers: Vec<RankedImporter>,
    /// Groups (e.g. EU27) with a determined total.
    pub groups: Vec<GroupLine>,
    /// World totals by half-year.
    pub halves: Vec<HalfLine>,
    /// World totals by quarter.
    pub quarters: Vec<QuarterLine>,
    /// World totals by month.
    pub months: Vec<MonthLine>,
}

/// One importer's year.
#[derive(Debug, Clone, Serialize)]
pub struct RankedImporter {
    /// 1 for the largest (in `fastest_growers`, for the fastest).
    pub rank: usize,
    /// The importer's code.
    pub importer: Importer,
    /// Its display name.
    pub name: &'static str,
    /// Tonnes in the year.
    pub tonnes: f64,
    /// Share of the world total, %.
    #[serde(serialize_with = "pct")]
    pub share_pct: Option<f64>,
    /// Change on the previous year, %.
    #[serde(serialize_with = "pct")]
    pub yoy_pct: Option<f64>,
    /// How the figure follows from the observations.
    pub basis: String,
}

/// A group's year.
#[derive(Debug, Clone, Serialize)]
pub struct GroupLine {
    /// The group's code.
    pub importer: Importer,
    /// Tonnes in the year.
    pub tonnes: f64,
    /// Share of the world total, %.
    #[serde(serialize_with = "pct")]
    pub share_pct: Option<f64>,
    /// Change on the previous year, %.
    #[serde(serialize_with = "pct")]
    pub yoy_pct: Option<f64>,
}

/// World exports in one half-year.
#[derive(Debug, Clone, Serialize)]
pub struct HalfLine {
    /// 1 or 2.
    pub half: u32,
    /// Tonnes.
    pub tonnes: Option<f64>,
    /// Change on the same half a year earlier, %.
    #[serde(serialize_with = "pct")]
    pub yoy_pct: Option<f64>,
    /// How the figure follows from the observations.
    pub basis: Option<String>,
}

/// World exports in one quarter.
#[derive(Debug, Clone, Serialize)]
pub struct QuarterLine {
    /// 1 to 4.
    pub quarter: u32,
    /// Tonnes.
    pub tonnes: Option<f64>,
    /// Change on the same quarter a year earlier, %.
    #[serde(serialize_with = "pct")]
    pub yoy_pct: Option<f64>,
    /// How the figure follows from the observations.
    pub basis: Option<String>,
}

/// World exports in one month.
#[derive(Debug, Clone, Serialize)]
pub struct MonthLine {
    /// 1 to 12.
    pub month: u32,
    /// Tonnes.
    pub tonnes: Option<f64>,
    /// Change on the same month a year earlier, %.
    #[serde(serialize_with = "pct")]
    pub yoy_pct: Option<f64>,
    /// How the figure follows from the observations.
    pub basis: Option<String>,
}

/// Percentages are published to two decimals: more would be false precision for
/// customs data, and it keeps the JSON readable.
fn pct<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_f64((v * 100.0).round() / 100.0),
        None => s.serialize_none(),
    }
}

fn growth(now: f64, before: f64) -> Option<f64> {
    (before > 0.0).then(|| (now / before - 1.0) * 100.0)
}

/// Computes the headline statistics of a year.
///
/// # Errors
/// [`DataError::Unanswerable`] when no year can be described or the year asked
/// for has no data.
pub fn describe(obs: &Observations, request: DescribeRequest) -> Result<Describe, DataError> {
    let ledger = Ledger::new(obs);
    let importers = obs.importers();
    let year = match request.year {
        Some(y) => y,
        None => latest_complete_year(obs, &ledger, &importers)?,
    };
    let (Some(span), Some(prev_span)) = (Span::year(year), Span::year(year - 1)) else {
        return Err(DataError::Unanswerable(format!(
            "year {year} is outside {MIN_YEAR}-{MAX_YEAR}"
        )));
    };
    if !obs
        .rows()
        .iter()
        .any(|o| o.span.start().year() <= year && o.span.end().year() >= year)
    {
        return Err(DataError::Unanswerable(format!(
            "{}: no observation covers {year} (the data run {})",
            obs.source().display(),
            obs.month_range().map(|s| s.to_string()).unwrap_or_default()
        )));
    }

    let total = ledger.tonnes(Importer::World, span);
    let total_t = total.as_ref().map(|d| d.value);
    let previous = ledger.tonnes(Importer::World, prev_span).map(|d| d.value);
    let share = |t: f64| total_t.filter(|&w| w > 0.0).map(|w| t / w * 100.0);
    let yoy = |imp: Importer, t: f64| {
        ledger
            .tonnes(imp, prev_span)
            .and_then(|d| growth(t, d.value))
    };

    let mut ranking = Vec::new();
    let mut unavailable = Vec::new();
    for &imp in importers
        .iter()
        .filter(|i| matches!(i, Importer::Country(_)))
    {
        match ledger.tonnes(imp, span) {
            Some(Determined { value, basis }) => ranking.push(RankedImporter {
                rank: 0,
                importer: imp,
                name: imp.name(),
                tonnes: value,
                share_pct: share(value),
                yoy_pct: yoy(imp, value),
                basis: basis.to_string(),
            }),
            None => unavailable.push(imp),
        }
    }
    ranking.sort_by(|a, b| {
        b.tonnes
            .total_cmp(&a.tonnes)
            .then(a.importer.cmp(&b.importer))
    });
    for (i, r) in ranking.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    let ranked_sum: f64 = ranking.iter().map(|r| r.tonnes).sum();
    let top10_share_pct = (ranking.len() >= 10)
        .then(|| share(ranking.iter().take(10).map(|r| r.tonnes).sum()))
        .flatten();
    let mut fastest_growers: Vec<RankedImporter> = ranking
        .iter()
        .filter(|r| r.yoy_pct.is_some())
        .cloned()
        .collect();
    fastest_growers.sort_by(|a, b| {
        b.yoy_pct
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.yoy_pct.unwrap_or(f64::NEG_INFINITY))
            .then(a.importer.cmp(&b.importer))
    });
    fastest_growers.truncate(request.growers.unwrap_or(5));
    for (i, r) in fastest_growers.iter_mut().enumerate() {
        r.rank = i + 1;
    }

    let groups = Group::ALL
        .iter()
        .filter_map(|&g| {
            let imp = Importer::Group(g);
            let d = ledger.tonnes(imp, span)?;
            Some(GroupLine {
                importer: imp,
                tonnes: d.value,
                share_pct: share(d.value),
                yoy_pct: yoy(imp, d.value),
            })
        })
        .collect();

    let world_pair = |now: Option<Span>| -> (Option<f64>, Option<f64>, Option<String>) {
        let Some(now) = now else {
            return (None, None, None);
        };
        let d = ledger.tonnes(Importer::World, now);
        let t = d.as_ref().map(|d| d.value);
        let before = ledger
            .tonnes(Importer::World, shift_year(now))
            .map(|d| d.value);
        let g = match (t, before) {
            (Some(t), Some(b)) => growth(t, b),
            _ => None,
        };
        (t, g, d.map(|d| d.basis.to_string()))
    };
    let halves = (1..=2)
        .map(|half| {
            let (tonnes, yoy_pct, basis) = world_pair(Span::half(year, half));
            HalfLine {
                half,
                tonnes,
                yoy_pct,
                basis,
            }
        })
        .collect();
    let quarters = (1..=4)
        .map(|quarter| {
            let (tonnes, yoy_pct, basis) = world_pair(Span::quarter(year, quarter));
            QuarterLine {
                quarter,
                tonnes,
                yoy_pct,
                basis,
            }
        })
        .collect();
    let months = (1..=12)
        .map(|month| {
            let (tonnes, yoy_pct, basis) = world_pair(Month::new(year, month).map(Span::month));
            MonthLine {
                month,
                tonnes,
                yoy_pct,
                basis,
            }
        })
        .collect();

    Ok(Describe {
        source: obs.source().display().to_string(),
        year,
        total_tonnes: total_t,
        total_basis: total.map(|d| d.basis.to_string()),
        previous_total_tonnes: previous,
        yoy_pct: total_t.zip(previous).and_then(|(t, p)| growth(t, p)),
        total_usd: ledger.usd(Importer::World, span).map(|d| d.value),
        top10_share_pct,
        other_tonnes: total_t
            .filter(|_| !ranking.is_empty())
            .map(|t| t - ranked_sum)
            .filter(|&r| r >= 0.0),
        ranking,
        unavailable,
        fastest_growers,
        groups,
        halves,
        quarters,
        months,
    })
}

fn shift_year(span: Span) -> Span {
    Span::new(span.start().plus(-12), span.end().plus(-12)).unwrap_or(span)
}

/// The latest year whose world total the data determine; failing that, the latest
/// year with any importer's total.
fn latest_complete_year(
    obs: &Observations,
    ledger: &Ledger,
    importers: &[Importer],
) -> Result<i32, DataError> {
    let range = obs.month_range().ok_or_else(|| {
        DataError::Unanswerable(format!("{}: no observations", obs.source().display()))
    })?;
    let years = (range.start().year()..=range.end().year()).rev();
    let determined =
        |imp: Importer, y: i32| Span::year(y).and_then(|s| ledger.tonnes(imp, s)).is_some();
    years
        .clone()
        .find(|&y| determined(Importer::World, y))
        .or_else(|| {
            years
                .clone()
                .find(|&y| importers.iter().any(|&i| determined(i, y)))
        })
        .ok_or_else(|| {
            DataError::Unanswerable(format!(
                "{}: no year's total is determined by the observations (a year needs an annual \
                 figure or all twelve months); pass --year to describe a partial year",
                obs.source().display()
            ))
        })
}
