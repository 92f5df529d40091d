//! The pieces of `describe`: what the data know about one importer and span
//! (a figure, a change, a published share or rank), the ranking of a year, and
//! the world's parts of the year.

use std::collections::BTreeSet;

use super::describe::{Change, GroupLine, RankedImporter, ShareLine, TonnesBounds, growth};
use super::importer::Importer;
use super::kinds::{GrowthBasis, RankPlace, ShareSubject};
use super::ledger::{Basis, Figure, Ledger};
use super::observation::Observations;
use super::period::Span;

/// The observations and their ledger, asked one importer and span at a time.
pub(crate) struct Known<'a> {
    obs: &'a Observations,
    ledger: &'a Ledger,
}

/// How a figure follows from the data, in words ("observed", "2025 - 2025-H1";
/// with "range" where a published range enters).
pub(crate) fn basis_text(figure: &Figure) -> String {
    match (figure, figure.basis()) {
        (Figure::Point(_), b) => b.to_string(),
        (Figure::Range(_), Basis::Observed) => "observed range".to_string(),
        (Figure::Range(_), b) => format!("{b} (with ranges)"),
    }
}

/// A share of the world total, % (see `RankedImporter::share_from`).
struct ShareBounds {
    share_pct: Option<f64>,
    share_low_pct: Option<f64>,
    share_high_pct: Option<f64>,
    share_from: Option<&'static str>,
}

impl ShareBounds {
    fn point(pct: f64, from: &'static str) -> ShareBounds {
        ShareBounds {
            share_pct: Some(pct),
            share_low_pct: Some(pct),
            share_high_pct: Some(pct),
            share_from: Some(from),
        }
    }
}

impl Change {
    /// No change known.
    pub fn unknown() -> Change {
        Change {
            change_from: "unknown",
            change_basis: None,
            change_low_pct: None,
            change_high_pct: None,
        }
    }

    fn point(from: &'static str, basis: GrowthBasis, pct: f64) -> Change {
        Change {
            change_from: from,
            change_basis: Some(basis.code()),
            change_low_pct: Some(pct),
            change_high_pct: Some(pct),
        }
    }
}

fn shift_year(span: Span) -> Span {
    GrowthBasis::YearOnYear.earlier(span)
}

impl<'a> Known<'a> {
    pub(crate) fn new(obs: &'a Observations, ledger: &'a Ledger) -> Known<'a> {
        Known { obs, ledger }
    }

    fn growth_fact(&self, importer: Importer, span: Span, basis: GrowthBasis) -> Option<f64> {
        self.obs
            .growths()
            .items()
            .iter()
            .find(|g| g.importer == importer && g.span == span && g.basis == basis)
            .map(|g| g.ratio)
    }

    /// The change of `importer` over `span` on a year earlier: from levels, else
    /// a published y/y ratio, else bounds; failing all, a published ratio on the
    /// span before. The first value is the y/y change where it is a point.
    pub(crate) fn change(
        &self,
        importer: Importer,
        span: Span,
        now: Option<&Figure>,
    ) -> (Option<f64>, Change) {
        let before = self.ledger.tonnes_figure(importer, shift_year(span));
        let yoy = GrowthBasis::YearOnYear;
        if let (Some(n), Some(b)) = (now.and_then(Figure::point), before.as_ref())
            && let Some(g) = b.point().and_then(|b| growth(n, b))
        {
            return (Some(g), Change::point("levels", yoy, g));
        }
        if let Some(r) = self.growth_fact(importer, span, yoy) {
            let g = (r - 1.0) * 100.0;
            return (Some(g), Change::point("growth", yoy, g));
        }
        if let (Some(n), Some(b)) = (now, before.as_ref()) {
            // The lowest change is the lowest now on the highest before, and so on.
            let low = b
                .high()
                .filter(|&h| h > 0.0)
                .map_or(-100.0, |h| (n.low() / h - 1.0) * 100.0);
            let high = n
                .high()
                .filter(|_| b.low() > 0.0)
                .map(|h| (h / b.low() - 1.0) * 100.0);
            if high.is_some() || low > -100.0 {
                let change = Change {
                    change_from: "ranges",
                    change_basis: Some(yoy.code()),
                    change_low_pct: Some(low),
                    change_high_pct: high,
                };
                return (None, change);
            }
        }
        let prev = GrowthBasis::PreviousSpan;
        match self.growth_fact(importer, span, prev) {
            Some(r) => (None, Change::point("growth", prev, (r - 1.0) * 100.0)),
            None => (None, Change::unknown()),
        }
    }

    /// A published share of `of`'s total over `span`, %.
    pub(crate) fn published_share(
        &self,
        subject: ShareSubject,
        of: Importer,
        span: Span,
    ) -> Option<f64> {
        self.obs
            .shares()
            .items()
            .iter()
            .find(|s| s.subject == subject && s.of == of && s.span == span)
            .map(|s| s.share * 100.0)
    }

    fn published_rank(&self, importer: Importer, span: Span) -> Option<RankPlace> {
        self.obs
            .ranks()
            .items()
            .iter()
            .find(|r| r.importer == importer && r.span == span)
            .map(|r| r.rank)
    }

    /// The share of the world total: computed from two points, else bounds from
    /// interval arithmetic where either is a range, else the published share.
    fn share(
        &self,
        importer: Importer,
        span: Span,
        figure: Option<&Figure>,
        world: Option<&Figure>,
    ) -> ShareBounds {
        if let (Some(f), Some(w)) = (figure, world) {
            if let (Some(t), Some(w)) = (f.point(), w.point().filter(|&w| w > 0.0)) {
                return ShareBounds::point(t / w * 100.0, "computed");
            }
            // The smallest share is the lowest figure of the highest total, and so on;
            // no share exceeds 100 %.
            let low = w
                .high()
                .filter(|&h| h > 0.0)
                .map_or(0.0, |h| f.low() / h * 100.0);
            let high = f
                .high()
                .filter(|_| w.low() > 0.0)
                .map_or(100.0, |h| (h / w.low() * 100.0).min(100.0));
            if low > 0.0 || high < 100.0 {
                return ShareBounds {
                    share_pct: None,
                    share_low_pct: Some(low),
                    share_high_pct: Some(high),
                    share_from: Some("bounds"),
                };
            }
        }
        match self.published_share(ShareSubject::Importer(importer), Importer::World, span) {
            Some(v) => ShareBounds::point(v, "published"),
            None => ShareBounds {
                share_pct: None,
                share_low_pct: None,
                share_high_pct: None,
                share_from: None,
            },
        }
    }

    /// A group's year, if the data give a figure or a published share.
    pub(crate) fn group_line(
        &self,
        importer: Importer,
        span: Span,
        world: Option<&Figure>,
    ) -> Option<GroupLine> {
        let figure = self.ledger.tonnes_figure(importer, span);
        let tonnes = figure.as_ref().and_then(Figure::point);
        let share = self.share(importer, span, figure.as_ref(), world);
        if figure.is_none() && share.share_from.is_none() {
            return None;
        }
        let (yoy_pct, change) = self.change(importer, span, figure.as_ref());
        Some(GroupLine {
            importer,
            tonnes,
            bounds: TonnesBounds::of(figure.as_ref()),
            share_pct: share.share_pct,
            share_low_pct: share.share_low_pct,
            share_high_pct: share.share_high_pct,
            share_from: share.share_from,
            yoy_pct,
            change,
        })
    }

    /// Every published share within `year`, in file order.
    pub(crate) fn share_lines(&self, year: i32) -> Vec<ShareLine> {
        let within = |s: Span| s.start().year() == year && s.end().year() == year;
        self.obs
            .shares()
            .items()
            .iter()
            .filter(|s| within(s.span))
            .map(|s| {
                let computed = match s.subject {
                    ShareSubject::Importer(i) => self
                        .ledger
                        .tonnes(i, s.span)
                        .zip(self.ledger.tonnes(s.of, s.span))
                        .filter(|(_, of)| of.value > 0.0)
                        .map(|(t, of)| t.value / of.value * 100.0),
                    ShareSubject::Top(_) => None,
                };
                ShareLine {
                    subject: s.subject.to_string(),
                    of: s.of,
                    span: s.span,
                    share_pct: Some(s.share * 100.0),
                    computed_pct: computed,
                }
            })
            .collect()
    }

    /// Every country the data mention in any kind of fact.
    fn countries(&self) -> BTreeSet<Importer> {
        let o = self.obs;
        o.rows()
            .iter()
            .map(|r| r.importer)
            .chain(o.ranges().items().iter().map(|r| r.importer))
            .chain(o.growths().items().iter().map(|g| g.importer))
            .chain(o.ranks().items().iter().map(|r| r.importer))
            .chain(o.usd_levels().items().iter().map(|u| u.importer))
            .filter(|i| matches!(i, Importer::Country(_)))
            .collect()
    }
}

/// The ranking of a year and what follows from it.
pub(crate) struct Ranked {
    pub(crate) ranking: Vec<RankedImporter>,
    pub(crate) unavailable: Vec<Importer>,
    pub(crate) fastest_growers: Vec<RankedImporter>,
    pub(crate) top10_share_pct: Option<f64>,
    pub(crate) other_tonnes: Option<f64>,
}

fn entry(
    known: &Known<'_>,
    imp: Importer,
    span: Span,
    world: Option<&Figure>,
) -> Option<RankedImporter> {
    let figure = known.ledger.tonnes_figure(imp, span);
    let published_rank = known.published_rank(imp, span);
    if figure.is_none() && published_rank.is_none() {
        return None;
    }
    let tonnes = figure.as_ref().and_then(Figure::point);
    let share = known.share(imp, span, figure.as_ref(), world);
    let (yoy_pct, change) = known.change(imp, span, figure.as_ref());
    Some(RankedImporter {
        rank: 0,
        importer: imp,
        name: imp.name(),
        tonnes,
        bounds: TonnesBounds::of(figure.as_ref()),
        share_pct: share.share_pct,
        share_low_pct: share.share_low_pct,
        share_high_pct: share.share_high_pct,
        share_from: share.share_from,
        yoy_pct,
        change,
        published_rank: published_rank.map(|r| r.to_string()),
        basis: figure
            .as_ref()
            .map_or_else(|| "published rank".to_string(), basis_text),
    })
}

/// Where an entry sorts: figures first, by the tonnes the data guarantee, then
/// published ranks only, by their first place.
fn order_key(r: &RankedImporter) -> (u8, f64, u16) {
    let first_place = |text: &str| {
        text.split('-')
            .next()
            .and_then(|k| k.parse().ok())
            .unwrap_or(u16::MAX)
    };
    match r.bounds.tonnes_low {
        Some(low) => (0, -low, 0),
        None => (
            1,
            0.0,
            r.published_rank.as_deref().map_or(u16::MAX, first_place),
        ),
    }
}

/// The countries of the year in order, and the figures that follow from them.
pub(crate) fn ranking(
    known: &Known<'_>,
    span: Span,
    world_figure: Option<&Figure>,
    growers: usize,
) -> Ranked {
    let world = world_figure.and_then(Figure::point);
    let mut ranking = Vec::new();
    let mut unavailable = Vec::new();
    for imp in known.countries() {
        match entry(known, imp, span, world_figure) {
            Some(e) => ranking.push(e),
            None => unavailable.push(imp),
        }
    }
    ranking.sort_by(|a, b| {
        let (ka, kb) = (order_key(a), order_key(b));
        ka.0.cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(ka.2.cmp(&kb.2))
            .then(a.importer.cmp(&b.importer))
    });
    for (i, r) in ranking.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    let points: Option<Vec<f64>> = ranking.iter().map(|r| r.tonnes).collect();
    let share = |t: f64| world.filter(|&w| w > 0.0).map(|w| t / w * 100.0);
    let top10_share_pct = points
        .as_ref()
        .filter(|p| p.len() >= 10)
        .and_then(|p| share(p.iter().take(10).sum()));
    let other_tonnes = points
        .as_ref()
        .filter(|p| !p.is_empty())
        .and_then(|p| world.map(|w| w - p.iter().sum::<f64>()))
        .filter(|&r| r >= 0.0);
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
    fastest_growers.truncate(growers);
    for (i, r) in fastest_growers.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    Ranked {
        ranking,
        unavailable,
        fastest_growers,
        top10_share_pct,
        other_tonnes,
    }
}

/// The world over one part of the year.
pub(crate) struct WorldLine {
    pub(crate) tonnes: Option<f64>,
    pub(crate) bounds: TonnesBounds,
    pub(crate) change: Change,
    pub(crate) yoy_pct: Option<f64>,
    pub(crate) basis: Option<String>,
}

pub(crate) fn world_line(known: &Known<'_>, span: Option<Span>) -> WorldLine {
    let Some(span) = span else {
        return WorldLine {
            tonnes: None,
            bounds: TonnesBounds::of(None),
            change: Change::unknown(),
            yoy_pct: None,
            basis: None,
        };
    };
    let figure = known.ledger.tonnes_figure(Importer::World, span);
    let (yoy_pct, change) = known.change(Importer::World, span, figure.as_ref());
    WorldLine {
        tonnes: figure.as_ref().and_then(Figure::point),
        bounds: TonnesBounds::of(figure.as_ref()),
        change,
        yoy_pct,
        basis: figure.as_ref().map(basis_text),
    }
}
