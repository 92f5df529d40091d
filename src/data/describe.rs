//! The headline statistics of a year, computed from observations only: the world
//! total and its change, the ranking of importers, the top-10 share, the fastest
//! growers, and half-year, quarterly and monthly growth.
//!
//! A figure appears as a point only where the observations determine it exactly
//! (see [`Ledger`]). Where published ranges enter, it appears as bounds
//! (`tonnes_kind = range`), never as a point; a change on the year comes from
//! levels, else from a published growth ratio, else from bounds. Published shares
//! and ranks fill in where no figure can be computed. Everything else is `None`
//! ("unavailable"), never estimated.

use serde::{Serialize, Serializer};

use super::describe_parts::{Known, ranking, world_line};
use super::error::DataError;
use super::importer::{Group, Importer};
use super::kinds::ShareSubject;
use super::ledger::{Figure, Ledger};
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
    /// The total as a point or bounds.
    pub total_bounds: TonnesBounds,
    /// The previous year's total, tonnes.
    pub previous_total_tonnes: Option<f64>,
    /// Change of the total on the previous year, %.
    #[serde(serialize_with = "pct")]
    pub yoy_pct: Option<f64>,
    /// The change of the total and where it comes from.
    pub total_change: Change,
    /// Customs value of the total, US$.
    pub total_usd: Option<f64>,
    /// Share of the ten largest importers, %: computed (needs ten countries with
    /// a determined total and none known only within bounds), else published.
    #[serde(serialize_with = "pct")]
    pub top10_share_pct: Option<f64>,
    /// `computed` or `published`, where there is a top-10 share.
    pub top10_share_from: Option<&'static str>,
    /// Countries with a year total (a point or bounds) or a published rank:
    /// those with a figure first, by the tonnes the data guarantee (the point,
    /// or the lower bound), then those with only a published rank, by rank.
    pub ranking: Vec<RankedImporter>,
    /// The world total less the ranked countries (other destinations), tonnes;
    /// only where every ranked figure is a point.
    pub other_tonnes: Option<f64>,
    /// Countries in the data with neither a year total nor a published rank.
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
    /// Shares published for spans within the year, with the computed share
    /// where the data determine it.
    pub published_shares: Vec<ShareLine>,
}

/// A tonnes figure as the data give it: `point` (low = high = the value),
/// `range` (bounds; `tonnes_high` null when open above) or `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TonnesBounds {
    /// `point`, `range` or `unknown`.
    pub tonnes_kind: &'static str,
    /// The lower bound.
    pub tonnes_low: Option<f64>,
    /// The upper bound.
    pub tonnes_high: Option<f64>,
}

impl TonnesBounds {
    pub(crate) fn of(figure: Option<&Figure>) -> TonnesBounds {
        match figure {
            None => TonnesBounds {
                tonnes_kind: "unknown",
                tonnes_low: None,
                tonnes_high: None,
            },
            Some(f) => TonnesBounds {
                tonnes_kind: if f.point().is_some() {
                    "point"
                } else {
                    "range"
                },
                tonnes_low: Some(f.low()),
                tonnes_high: f.high(),
            },
        }
    }
}

/// A change and where it comes from: `levels` (both totals determined),
/// `growth` (a published ratio), `ranges` (bounds of either total; the change
/// is then a range, `change_high_pct` null when open) or `unknown`. The basis is
/// `yoy` (on a year earlier) or `prev` (on the span just before, from a
/// published ratio, shown only where no y/y change is known).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    /// `levels`, `growth`, `ranges` or `unknown`.
    pub change_from: &'static str,
    /// `yoy` or `prev`.
    pub change_basis: Option<&'static str>,
    /// The lower end, %.
    #[serde(serialize_with = "pct")]
    pub change_low_pct: Option<f64>,
    /// The upper end, %.
    #[serde(serialize_with = "pct")]
    pub change_high_pct: Option<f64>,
}

/// A published share, and the share the data determine for comparison.
#[derive(Debug, Clone, Serialize)]
pub struct ShareLine {
    /// The importer, or `TOP<n>`.
    pub subject: String,
    /// Of whose total.
    pub of: Importer,
    /// Over which months.
    pub span: Span,
    /// The share as published, %.
    #[serde(serialize_with = "pct")]
    pub share_pct: Option<f64>,
    /// The share computed from determined totals, %, where there are both.
    #[serde(serialize_with = "pct")]
    pub computed_pct: Option<f64>,
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
    /// Tonnes in the year, where determined exactly.
    pub tonnes: Option<f64>,
    /// Tonnes as a point, bounds or unknown.
    #[serde(flatten)]
    pub bounds: TonnesBounds,
    /// Share of the world total, %, where it is a point (computed or published).
    #[serde(serialize_with = "pct")]
    pub share_pct: Option<f64>,
    /// The lower end of the share, % (the share itself for a point).
    #[serde(serialize_with = "pct")]
    pub share_low_pct: Option<f64>,
    /// The upper end of the share, %.
    #[serde(serialize_with = "pct")]
    pub share_high_pct: Option<f64>,
    /// `computed` (two points), `bounds` (either total a range) or `published`.
    pub share_from: Option<&'static str>,
    /// Change on the previous year, %, where it is a point.
    #[serde(serialize_with = "pct")]
    pub yoy_pct: Option<f64>,
    /// The change and where it comes from.
    #[serde(flatten)]
    pub change: Change,
    /// The rank published for the year (`3`, or `1-5`), if any.
    pub published_rank: Option<String>,
    /// How the figure follows from the observations.
    pub basis: String,
}

/// A group's year.
#[derive(Debug, Clone, Serialize)]
pub struct GroupLine {
    /// The group's code.
    pub importer: Importer,
    /// Tonnes in the year, where determined exactly.
    pub tonnes: Option<f64>,
    /// Tonnes as a point, bounds or unknown.
    #[serde(flatten)]
    pub bounds: TonnesBounds,
    /// Share of the world total, %, where it is a point (computed or published).
    #[serde(serialize_with = "pct")]
    pub share_pct: Option<f64>,
    /// The lower end of the share, % (the share itself for a point).
    #[serde(serialize_with = "pct")]
    pub share_low_pct: Option<f64>,
    /// The upper end of the share, %.
    #[serde(serialize_with = "pct")]
    pub share_high_pct: Option<f64>,
    /// `computed` (two points), `bounds` (either total a range) or `published`.
    pub share_from: Option<&'static str>,
    /// Change on the previous year, %, where it is a point.
    #[serde(serialize_with = "pct")]
    pub yoy_pct: Option<f64>,
    /// The change and where it comes from.
    #[serde(flatten)]
    pub change: Change,
}

/// World exports in one half-year.
#[derive(Debug, Clone, Serialize)]
pub struct HalfLine {
    /// 1 or 2.
    pub half: u32,
    /// Tonnes, where determined exactly.
    pub tonnes: Option<f64>,
    /// Tonnes as a point, bounds or unknown.
    #[serde(flatten)]
    pub bounds: TonnesBounds,
    /// The change and where it comes from.
    #[serde(flatten)]
    pub change: Change,
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
    /// Tonnes, where determined exactly.
    pub tonnes: Option<f64>,
    /// Tonnes as a point, bounds or unknown.
    #[serde(flatten)]
    pub bounds: TonnesBounds,
    /// The change and where it comes from.
    #[serde(flatten)]
    pub change: Change,
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
    /// Tonnes, where determined exactly.
    pub tonnes: Option<f64>,
    /// Tonnes as a point, bounds or unknown.
    #[serde(flatten)]
    pub bounds: TonnesBounds,
    /// The change and where it comes from.
    #[serde(flatten)]
    pub change: Change,
    /// Change on the same month a year earlier, %.
    #[serde(serialize_with = "pct")]
    pub yoy_pct: Option<f64>,
    /// How the figure follows from the observations.
    pub basis: Option<String>,
}

/// Percentages are published to two decimals: more would be false precision for
/// customs data, and it keeps the JSON readable.
pub(crate) fn pct<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_f64((v * 100.0).round() / 100.0),
        None => s.serialize_none(),
    }
}

pub(crate) fn growth(now: f64, before: f64) -> Option<f64> {
    (before > 0.0).then(|| (now / before - 1.0) * 100.0)
}

/// Computes the headline statistics of a year.
///
/// # Errors
/// [`DataError::Unanswerable`] when no year can be described or the year asked
/// for has no data.
pub fn describe(obs: &Observations, request: DescribeRequest) -> Result<Describe, DataError> {
    let ledger = Ledger::new(obs);
    let known = Known::new(obs, &ledger);
    let year = match request.year {
        Some(y) => y,
        None => latest_complete_year(obs, &ledger)?,
    };
    let (Some(span), Some(prev_span)) = (Span::year(year), Span::year(year - 1)) else {
        return Err(DataError::Unanswerable(format!(
            "year {year} is outside {MIN_YEAR}-{MAX_YEAR}"
        )));
    };
    if !obs
        .all_spans()
        .iter()
        .any(|s| s.start().year() <= year && s.end().year() >= year)
    {
        return Err(DataError::Unanswerable(format!(
            "{}: no observation covers {year} (the data run {})",
            obs.source().display(),
            obs.fact_month_range()
                .map(|s| s.to_string())
                .unwrap_or_default()
        )));
    }

    let total = ledger.tonnes_figure(Importer::World, span);
    let total_t = total.as_ref().and_then(Figure::point);
    let (yoy_pct, total_change) = known.change(Importer::World, span, total.as_ref());
    let ranked = ranking(&known, span, total.as_ref(), request.growers.unwrap_or(5));
    let groups = Group::ALL
        .iter()
        .filter_map(|&g| known.group_line(Importer::Group(g), span, total.as_ref()))
        .collect();
    let halves = (1..=2)
        .map(|half| {
            let w = world_line(&known, Span::half(year, half));
            HalfLine {
                half,
                tonnes: w.tonnes,
                bounds: w.bounds,
                change: w.change,
                yoy_pct: w.yoy_pct,
                basis: w.basis,
            }
        })
        .collect();
    let quarters = (1..=4)
        .map(|quarter| {
            let w = world_line(&known, Span::quarter(year, quarter));
            QuarterLine {
                quarter,
                tonnes: w.tonnes,
                bounds: w.bounds,
                change: w.change,
                yoy_pct: w.yoy_pct,
                basis: w.basis,
            }
        })
        .collect();
    let months = (1..=12)
        .map(|month| {
            let w = world_line(&known, Month::new(year, month).map(Span::month));
            MonthLine {
                month,
                tonnes: w.tonnes,
                bounds: w.bounds,
                change: w.change,
                yoy_pct: w.yoy_pct,
                basis: w.basis,
            }
        })
        .collect();

    let published_top10 = known.published_share(ShareSubject::Top(10), Importer::World, span);
    let (top10_share_pct, top10_share_from) = match (ranked.top10_share_pct, published_top10) {
        (Some(v), _) => (Some(v), Some("computed")),
        (None, Some(v)) => (Some(v), Some("published")),
        (None, None) => (None, None),
    };
    Ok(Describe {
        source: obs.source().display().to_string(),
        year,
        total_tonnes: total_t,
        total_basis: total.as_ref().map(super::describe_parts::basis_text),
        total_bounds: TonnesBounds::of(total.as_ref()),
        previous_total_tonnes: ledger.tonnes(Importer::World, prev_span).map(|d| d.value),
        yoy_pct,
        total_change,
        total_usd: ledger.usd(Importer::World, span).map(|d| d.value),
        top10_share_pct,
        top10_share_from,
        other_tonnes: ranked.other_tonnes,
        ranking: ranked.ranking,
        unavailable: ranked.unavailable,
        fastest_growers: ranked.fastest_growers,
        groups,
        halves,
        quarters,
        months,
        published_shares: known.share_lines(year),
    })
}

/// The latest year whose world total the data determine; failing that, the latest
/// year with any importer's total (a point or bounds).
fn latest_complete_year(obs: &Observations, ledger: &Ledger) -> Result<i32, DataError> {
    let range = obs.fact_month_range().ok_or_else(|| {
        DataError::Unanswerable(format!("{}: no observations", obs.source().display()))
    })?;
    let years = (range.start().year()..=range.end().year()).rev();
    let mut importers = obs.importers();
    importers.extend(obs.ranges().items().iter().map(|r| r.importer));
    let determined =
        |imp: Importer, y: i32| Span::year(y).and_then(|s| ledger.tonnes(imp, s)).is_some();
    let bounded = |imp: Importer, y: i32| {
        Span::year(y)
            .and_then(|s| ledger.tonnes_figure(imp, s))
            .is_some()
    };
    years
        .clone()
        .find(|&y| determined(Importer::World, y))
        .or_else(|| {
            years
                .clone()
                .find(|&y| importers.iter().any(|&i| bounded(i, y)))
        })
        .ok_or_else(|| {
            DataError::Unanswerable(format!(
                "{}: no year's total is determined by the observations (a year needs an annual \
                 figure or all twelve months); pass --year to describe a partial year",
                obs.source().display()
            ))
        })
}
