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
/// n months has n independent irregulars: cv/√n. 0.1 has the highest Laplace
/// marginal likelihood of the share model among 0.05, 0.1 and 0.2 on the
/// bundled data cut at 2025-06 (106.7 against 104.0 and 91.9; at 0.05 τ̄ goes
/// to the top of its grid and the shares chase every figure).
pub(crate) const MONTHLY_CV: f64 = 0.1;

/// The cv of a figure over `len` months.
fn span_cv(len: usize) -> f64 {
    MONTHLY_CV / (len as f64).sqrt()
}

/// How much of a span's flow a shock disturbed, from WORLD's estimated shock
/// effect in every month (the share of the flow removed, 0 outside shocks).
///
/// While a shock cuts WORLD's flow (export licences granted country by
/// country), the split between importers in those months says little about
/// their lasting shares. Each month's split is therefore given an extra
/// log-scale sd equal to the month's effect d (a month that lost 78 % of its
/// flow: 0.78), independent between months, so a fact over a span gets
/// √Σ (w·d)² with w the month's share of the span's flow, (1 − d)/Σ(1 − d):
/// a year with one such month about 0.02. The effect is WORLD's estimate
/// from the data up to the last month fitted; the end of an intervention
/// window is never used. On the bundled data cut at 2025-06 this raises the
/// share model's marginal likelihood by about 28 (log units) and moves τ̄
/// off the top of its grid (0.16 → 0.097 a month).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Disturbance<'a>(pub &'a [f64]);

impl Disturbance<'_> {
    /// The extra sd of a figure over `len` months from `start`.
    fn over(&self, start: usize, len: usize) -> f64 {
        let effect = |t: usize| self.0.get(t).copied().unwrap_or(0.0).clamp(0.0, 1.0);
        let kept: f64 = (start..start + len).map(|t| 1.0 - effect(t)).sum();
        let hit: f64 = (start..start + len)
            .map(|t| (effect(t) * (1.0 - effect(t))).powi(2))
            .sum();
        if kept > 0.0 { hit.sqrt() / kept } else { 1.0 }
    }

    /// Widens every fact by the disturbance of its months (for a growth
    /// ratio, of both its spans). The disturbance of a unit-month is common to
    /// every fact about it (a month's level, its share of WORLD and its growth
    /// ratios), so with n facts on the same units and span each gets √n times
    /// the extra sd: their mean then carries the disturbance once, not 1/√n of
    /// it, as independent facts would.
    fn widen(&self, facts: &mut [ShareObservation]) {
        let mut count: BTreeMap<(usize, usize, Vec<usize>), usize> = BTreeMap::new();
        for o in facts.iter() {
            *count.entry((o.start, o.len, o.units.clone())).or_default() += 1;
        }
        for o in facts.iter_mut() {
            let mut extra = self.over(o.start, o.len);
            if let Some(b) = o.basis_start() {
                extra = extra.hypot(self.over(b, o.len));
            }
            let n = count[&(o.start, o.len, o.units.clone())] as f64;
            let extra = extra * n.sqrt();
            match &mut o.kind {
                ObservationKind::Level { cv, .. } => {
                    *cv = Some(cv.unwrap_or(0.0).hypot(extra));
                }
                // The range's only log-scale noise term is WORLD's.
                ObservationKind::Range { world_cv, .. } => *world_cv = world_cv.hypot(extra),
                ObservationKind::Share { value, sd } => *sd = sd.hypot(*value * extra),
                ObservationKind::Growth { sd, .. } => *sd = sd.hypot(extra),
                ObservationKind::Exceeds { .. } => {}
            }
        }
    }
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
/// other top-level series are observed over the same span. Facts over months
/// a shock disturbed are widened by [`Disturbance`].
pub(crate) fn share_observations(
    obs: &Observations,
    layout: &UnitLayout,
    (origin, last): (Month, Month),
    shock: Disturbance<'_>,
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
    shock.widen(&mut out);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disturbance_adds_flow_weighted_effects_in_quadrature() {
        let effect = [0.0, 0.0, 0.5, 0.8, 0.0];
        let d = Disturbance(&effect);
        assert!((d.over(3, 1) - 0.8).abs() < 1e-12);
        assert!(d.over(0, 2).abs() < 1e-15);
        // Months 1..=3 keep 1, 0.5 and 0.2 of their flow: weights 1/1.7,
        // 0.5/1.7, 0.2/1.7, so √((0.5·0.5)² + (0.2·0.8)²)/1.7.
        let want = (0.25f64.powi(2) + 0.16f64.powi(2)).sqrt() / 1.7;
        assert!((d.over(1, 3) - want).abs() < 1e-12);
        // Months past the effects' end count as undisturbed.
        assert!((d.over(4, 3)).abs() < 1e-12);
    }

    #[test]
    fn facts_on_one_unit_month_share_its_disturbance() {
        let effect = [0.0, 0.6, 0.0];
        let fact = |kind: ObservationKind| ShareObservation {
            start: 1,
            len: 1,
            units: vec![0],
            kind,
        };
        let mut facts = vec![
            fact(ObservationKind::Level {
                value: 40.0,
                cv: Some(0.1),
                world_cv: 0.0,
            }),
            fact(ObservationKind::Share {
                value: 0.04,
                sd: 0.004,
            }),
            fact(ObservationKind::Growth {
                ratio: 0.5,
                basis: shares::GrowthBasis::Prev,
                sd: 0.1,
            }),
            ShareObservation {
                units: vec![1],
                ..fact(ObservationKind::Range {
                    low: Some(10.0),
                    high: None,
                    world_cv: 0.0,
                })
            },
        ];
        Disturbance(&effect).widen(&mut facts);
        // Three facts on unit 0 in month 1: each gets 0.6·√3 on top.
        let extra = 0.6 * 3f64.sqrt();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        match (
            &facts[0].kind,
            &facts[1].kind,
            &facts[2].kind,
            &facts[3].kind,
        ) {
            (
                ObservationKind::Level { cv: Some(cv), .. },
                ObservationKind::Share { sd, .. },
                ObservationKind::Growth { sd: g, .. },
                ObservationKind::Range { world_cv, .. },
            ) => {
                assert!(close(*cv, 0.1f64.hypot(extra)), "{cv}");
                assert!(close(*sd, 0.004f64.hypot(0.04 * extra)), "{sd}");
                // The basis (month 0) is undisturbed.
                assert!(close(*g, 0.1f64.hypot(extra)), "{g}");
                // Alone on its units: the month's effect once.
                assert!(close(*world_cv, 0.6), "{world_cv}");
            }
            other => panic!("kinds changed: {other:?}"),
        }
    }
}
