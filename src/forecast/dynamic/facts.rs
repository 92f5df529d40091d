//! The data's facts as the dynamic baseline's two models take them: WORLD's
//! spans for the structural model, every other importer's facts for the
//! share model.

use std::collections::BTreeMap;

use super::units::UnitLayout;
use crate::data::{GrowthBasis, Importer, Month, Observations, RankPlace, ShareSubject, Span};
use crate::forecast::series::growth_implied_levels;
use crate::model::shares::{self, ObservationKind, ShareObservation};
use crate::model::structural::SpanObservation;

/// Coefficient of variation of a country's monthly flow about its share of
/// WORLD's (the irregular the local-level shares do not follow). A figure over
/// n months has n independent irregulars: cv/√n.
pub(crate) const MONTHLY_CV: f64 = 0.2;

/// The cv of a figure over `len` months.
fn span_cv(len: usize) -> f64 {
    MONTHLY_CV / (len as f64).sqrt()
}

/// The months `origin..` as indices: a span's first month and length, if the
/// span starts at or after `origin` and ends by `last`.
fn place(span: Span, origin: Month, last: Month) -> Option<(usize, usize)> {
    let start = usize::try_from(span.start().months_since(origin)).ok()?;
    (span.end() <= last).then_some((start, span.len()))
}

/// WORLD's observations for the structural model: its levels, the levels its
/// growth ratios pin down (against an observed level), and its ranges and
/// one-sided bounds as such.
pub(crate) fn world_spans(obs: &Observations, origin: Month, last: Month) -> Vec<SpanObservation> {
    let world = Importer::World;
    let levels: BTreeMap<Span, f64> = obs
        .rows()
        .iter()
        .filter(|o| o.importer == world)
        .map(|o| (o.span, o.tonnes))
        .collect();
    let implied = growth_implied_levels(obs, world, &levels);
    let mut out: Vec<SpanObservation> = levels
        .iter()
        .map(|(s, t)| (*s, *t))
        .chain(implied)
        .filter_map(|(span, t)| {
            let (start, len) = place(span, origin, last)?;
            Some(SpanObservation::point(start, len, t.max(0.5)))
        })
        .collect();
    for r in obs.ranges().items().iter().filter(|r| r.importer == world) {
        let Some((start, len)) = place(r.span, origin, last) else {
            continue;
        };
        out.push(match (r.low, r.high) {
            (Some(l), Some(h)) => SpanObservation::range(start, len, l, h),
            (Some(l), None) => SpanObservation::at_least(start, len, l),
            (None, Some(h)) => SpanObservation::at_most(start, len, h),
            (None, None) => continue,
        });
    }
    out
}

/// Every fact about the units of `layout` as share-model observations: levels,
/// ranges and bounds, growth ratios, shares of WORLD (a `TOP<n>` share where
/// published ranks name all n members), and ROW's level where WORLD and every
/// other top-level series are observed over the same span.
pub(crate) fn share_observations(
    obs: &Observations,
    layout: &UnitLayout,
    origin: Month,
    last: Month,
) -> Vec<ShareObservation> {
    let mut out = Vec::new();
    let mut push = |span: Span, units: Vec<usize>, kind: ObservationKind| {
        if let Some((start, len)) = place(span, origin, last) {
            out.push(ShareObservation {
                start,
                len,
                units,
                kind,
            });
        }
    };
    let units_of = |i: Importer| (i != Importer::World).then(|| layout.units_of(i)).flatten();
    for o in obs.rows() {
        if let Some(u) = units_of(o.importer) {
            let kind = ObservationKind::Level {
                value: o.tonnes.max(0.5),
                cv: Some(span_cv(o.span.len())),
                world_cv: 0.0,
            };
            push(o.span, u, kind);
        }
    }
    for r in obs.ranges().items() {
        if let Some(u) = units_of(r.importer) {
            let kind = ObservationKind::Range {
                low: r.low,
                high: r.high,
                world_cv: 0.0,
            };
            push(r.span, u, kind);
        }
    }
    for g in obs.growths().items() {
        if let Some(u) = units_of(g.importer) {
            let basis = match g.basis {
                GrowthBasis::YearOnYear => shares::GrowthBasis::Yoy,
                GrowthBasis::PreviousSpan => shares::GrowthBasis::Prev,
            };
            let earlier = g.basis.earlier(g.span);
            if earlier.start() >= origin {
                // The log of a ratio of two spans' sums: both spans' irregulars.
                let kind = ObservationKind::Growth {
                    ratio: g.ratio,
                    basis,
                    sd: span_cv(g.span.len()) * std::f64::consts::SQRT_2,
                };
                push(g.span, u, kind);
            }
        }
    }
    for s in obs
        .shares()
        .items()
        .iter()
        .filter(|s| s.of == Importer::World)
    {
        let units = match s.subject {
            ShareSubject::Importer(i) => units_of(i),
            ShareSubject::Top(n) => top_units(obs, layout, s.span, n),
        };
        if let Some(u) = units {
            let kind = ObservationKind::Share {
                value: s.share,
                sd: s.share * span_cv(s.span.len()),
            };
            push(s.span, u, kind);
        }
    }
    for (span, value) in row_levels(obs, layout) {
        let kind = ObservationKind::Level {
            value,
            cv: Some(span_cv(span.len())),
            world_cv: 0.0,
        };
        push(span, vec![layout.reference()], kind);
    }
    out
}

/// The units of the `n` largest destinations of `span`, where the published
/// ranks of that span place exactly `n` modelled countries within 1..n.
fn top_units(obs: &Observations, layout: &UnitLayout, span: Span, n: u16) -> Option<Vec<usize>> {
    let mut units = Vec::new();
    for r in obs.ranks().items().iter().filter(|r| r.span == span) {
        let inside = match r.rank {
            RankPlace::Exact(k) => k <= n,
            RankPlace::Within(_, b) => b <= n,
        };
        if inside {
            units.extend(layout.units_of(r.importer)?);
        }
    }
    units.sort_unstable();
    units.dedup();
    (units.len() == usize::from(n)).then_some(units)
}

/// ROW's level over each span where WORLD and every top-level series (groups,
/// and countries outside them) have a level for exactly that span.
fn row_levels(obs: &Observations, layout: &UnitLayout) -> Vec<(Span, f64)> {
    let top: Vec<Importer> = layout
        .series
        .iter()
        .filter(|s| s.importer != Importer::RestOfWorld)
        .filter(|s| {
            !layout.series.iter().any(|g| {
                g.importer != s.importer
                    && g.units.len() > s.units.len()
                    && s.units.iter().all(|u| g.units.contains(u))
            })
        })
        .map(|s| s.importer)
        .collect();
    let level = |i: Importer, span: Span| {
        obs.rows()
            .iter()
            .find(|o| o.importer == i && o.span == span)
            .map(|o| o.tonnes)
    };
    obs.rows()
        .iter()
        .filter(|o| o.importer == Importer::World)
        .filter_map(|w| {
            let named: Option<f64> = top.iter().map(|&i| level(i, w.span)).sum();
            let rest = w.tonnes - named?;
            (rest > 0.0).then_some((w.span, rest))
        })
        .collect()
}
