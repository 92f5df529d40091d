//! `describe` for people (an aligned text report) and for spreadsheets (CSV).
//! A figure known only within bounds is shown as a range (`1,800-2,500`,
//! `>5,800`, `<11,000`), never as a point.

use std::fmt::Write as _;

use super::number::{UNAVAILABLE, fmt_pct, thousands};
use super::table::{Align, Table};
use crate::data::{Change, Describe, RankedImporter, TonnesBounds};

/// Tonnes as the data give them: a point, a range, or `n/a`.
fn fmt_bounds(b: &TonnesBounds) -> String {
    match (b.tonnes_kind, b.tonnes_low, b.tonnes_high) {
        ("point", Some(v), _) => thousands(v, 0),
        ("range", Some(low), None) => format!(">{}", thousands(low, 0)),
        ("range", Some(low), Some(high)) if low <= 0.0 => format!("<{}", thousands(high, 0)),
        ("range", Some(low), Some(high)) => {
            format!("{}-{}", thousands(low, 0), thousands(high, 0))
        }
        _ => UNAVAILABLE.to_string(),
    }
}

/// A change with a mark for where it comes from: none for levels, `(g)` for a
/// published y/y ratio, `(prev)` for a published ratio on the span before, a
/// range of % for bounds.
fn fmt_change(c: &Change) -> String {
    match (
        c.change_from,
        c.change_basis,
        c.change_low_pct,
        c.change_high_pct,
    ) {
        ("levels", _, Some(v), _) => fmt_pct(Some(v)),
        ("growth", Some("prev"), Some(v), _) => format!("{} (prev)", fmt_pct(Some(v))),
        ("growth", _, Some(v), _) => format!("{} (g)", fmt_pct(Some(v))),
        ("ranges", _, Some(low), None) => format!(">{}", fmt_pct(Some(low))),
        ("ranges", _, Some(low), Some(high)) => {
            format!("{} to {}", fmt_pct(Some(low)), fmt_pct(Some(high)))
        }
        _ => UNAVAILABLE.to_string(),
    }
}

/// The headline statistics as a text report with aligned columns.
pub fn describe_table(d: &Describe) -> String {
    let mut out = String::new();
    let y = d.year;
    let _ = writeln!(
        out,
        "China's rare-earth magnet exports in {y}  (data: {})",
        d.source
    );
    let _ = writeln!(out);
    let usd = d.total_usd.map_or_else(
        || UNAVAILABLE.to_string(),
        |v| format!("US${} M", thousands(v / 1e6, 0)),
    );
    let _ = writeln!(
        out,
        "World total    {}   {} y/y   ({}: {})   value {usd}",
        with_unit(&d.total_bounds),
        fmt_change(&d.total_change),
        y - 1,
        d.previous_total_tonnes.map_or_else(
            || UNAVAILABLE.to_string(),
            |t| format!("{} t", thousands(t, 0))
        ),
    );
    let top10 = match (d.top10_share_pct, d.top10_share_from) {
        (Some(v), Some("published")) => format!("{v:.1}% (published)"),
        (Some(v), _) => format!("{v:.1}%"),
        (None, _) => format!(
            "{UNAVAILABLE} (needs ten importers with a {y} total; the data determine {})",
            d.ranking.iter().filter(|r| r.tonnes.is_some()).count()
        ),
    };
    let _ = writeln!(out, "Top-10 share   {top10}");

    let _ = writeln!(out, "\nImporters by tonnes in {y}");
    if d.ranking.is_empty() {
        let _ = writeln!(out, "  (no importer's {y} total is determined by the data)");
    } else {
        let _ = write!(out, "{}", importer_table(&d.ranking).render());
    }
    if let Some(other) = d.other_tonnes {
        let _ = writeln!(out, "Other destinations: {} t", thousands(other, 0));
    }
    if !d.unavailable.is_empty() {
        let codes: Vec<&str> = d.unavailable.iter().map(|i| i.code()).collect();
        let _ = writeln!(out, "No {y} total in the data for: {}", codes.join(", "));
    }
    if !d.groups.is_empty() {
        let mut t = Table::new(&[
            ("group", Align::Left),
            ("tonnes", Align::Right),
            ("share", Align::Right),
            ("y/y", Align::Right),
        ]);
        for g in &d.groups {
            t.row([
                g.importer.code().to_string(),
                fmt_bounds(&g.bounds),
                share_range(g.share_pct, g.share_low_pct, g.share_high_pct, g.share_from),
                fmt_change(&g.change),
            ]);
        }
        let _ = write!(out, "\n{}", t.render());
    }
    if !d.fastest_growers.is_empty() {
        let _ = writeln!(out, "\nFastest growers");
        let _ = write!(out, "{}", importer_table(&d.fastest_growers).render());
    }
    if !d.published_shares.is_empty() {
        let mut t = Table::new(&[
            ("share of", Align::Left),
            ("in", Align::Left),
            ("published", Align::Right),
            ("computed", Align::Right),
        ]);
        for s in &d.published_shares {
            t.row([
                format!("{} of {}", s.subject, s.of),
                s.span.to_string(),
                share(s.share_pct, None),
                share(s.computed_pct, None),
            ]);
        }
        let _ = write!(out, "\nPublished shares\n{}", t.render());
    }
    let _ = writeln!(out, "\nWorld exports by part of {y}");
    let _ = write!(out, "{}", parts_table(d).render());
    let _ = writeln!(
        out,
        "\n{UNAVAILABLE}: not determined by the observations (magcast never estimates in describe)."
    );
    if has_marks(d) {
        let _ = writeln!(
            out,
            "a-b, >a, <b: known only within bounds; (g): from a published growth ratio; \
             (prev): a published change on the span just before."
        );
    }
    out
}

/// Whether any figure is shown as bounds or from a published ratio, so that the
/// marks need explaining.
fn has_marks(d: &Describe) -> bool {
    let marked = |b: &TonnesBounds, c: &Change| {
        b.tonnes_kind == "range" || matches!(c.change_from, "growth" | "ranges")
    };
    marked(&d.total_bounds, &d.total_change)
        || d.ranking.iter().any(|r| marked(&r.bounds, &r.change))
        || d.groups.iter().any(|g| marked(&g.bounds, &g.change))
        || d.halves.iter().any(|h| marked(&h.bounds, &h.change))
        || d.quarters.iter().any(|q| marked(&q.bounds, &q.change))
        || d.months.iter().any(|m| marked(&m.bounds, &m.change))
}

fn parts_table(d: &Describe) -> Table {
    let mut t = Table::new(&[
        ("period", Align::Left),
        ("tonnes", Align::Right),
        ("y/y", Align::Right),
        ("from", Align::Left),
    ]);
    let basis = |b: &Option<String>| b.clone().unwrap_or_default();
    for h in &d.halves {
        t.row([
            format!("H{}", h.half),
            fmt_bounds(&h.bounds),
            fmt_change(&h.change),
            basis(&h.basis),
        ]);
    }
    for q in &d.quarters {
        t.row([
            format!("Q{}", q.quarter),
            fmt_bounds(&q.bounds),
            fmt_change(&q.change),
            basis(&q.basis),
        ]);
    }
    for m in &d.months {
        t.row([
            format!("{}-{:02}", d.year, m.month),
            fmt_bounds(&m.bounds),
            fmt_change(&m.change),
            basis(&m.basis),
        ]);
    }
    t
}

fn with_unit(b: &TonnesBounds) -> String {
    match b.tonnes_kind {
        "unknown" => UNAVAILABLE.to_string(),
        _ => format!("{} t", fmt_bounds(b)),
    }
}

fn share(v: Option<f64>, from: Option<&str>) -> String {
    match (v, from) {
        (Some(v), Some("published")) => format!("{v:.1}% (published)"),
        (Some(v), _) => format!("{v:.1}%"),
        (None, _) => UNAVAILABLE.to_string(),
    }
}

/// A share that may be known only within bounds: `25.0-33.3%`.
fn share_range(v: Option<f64>, low: Option<f64>, high: Option<f64>, from: Option<&str>) -> String {
    match (from, low, high) {
        (Some("bounds"), Some(low), Some(high)) => format!("{low:.1}-{high:.1}%"),
        _ => share(v, from),
    }
}

/// Where a ranked importer's figure comes from, with its published rank.
pub(super) fn ranked_from(r: &RankedImporter) -> String {
    match (&r.published_rank, r.bounds.tonnes_kind) {
        (Some(rank), "unknown") => format!("published rank {rank}; value unknown"),
        (Some(rank), _) => format!("{} (rank {rank})", r.basis),
        (None, _) => r.basis.clone(),
    }
}

fn importer_table(rows: &[RankedImporter]) -> Table {
    let mut t = Table::new(&[
        ("rank", Align::Right),
        ("importer", Align::Left),
        ("name", Align::Left),
        ("tonnes", Align::Right),
        ("share", Align::Right),
        ("y/y", Align::Right),
        ("from", Align::Left),
    ]);
    for r in rows {
        let tonnes = match r.bounds.tonnes_kind {
            "unknown" => "unknown".to_string(),
            _ => fmt_bounds(&r.bounds),
        };
        let from = ranked_from(r);
        t.row([
            r.rank.to_string(),
            r.importer.code().to_string(),
            r.name.to_string(),
            tonnes,
            share_range(r.share_pct, r.share_low_pct, r.share_high_pct, r.share_from),
            fmt_change(&r.change),
            from,
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(kind: &'static str, low: Option<f64>, high: Option<f64>) -> TonnesBounds {
        TonnesBounds {
            tonnes_kind: kind,
            tonnes_low: low,
            tonnes_high: high,
        }
    }

    #[test]
    fn ranges_print_as_ranges() {
        assert_eq!(
            fmt_bounds(&bounds("point", Some(1116.0), Some(1116.0))),
            "1,116"
        );
        assert_eq!(
            fmt_bounds(&bounds("range", Some(1800.0), Some(2500.0))),
            "1,800-2,500"
        );
        assert_eq!(fmt_bounds(&bounds("range", Some(5800.0), None)), ">5,800");
        assert_eq!(
            fmt_bounds(&bounds("range", Some(0.0), Some(11000.0))),
            "<11,000"
        );
        assert_eq!(fmt_bounds(&bounds("unknown", None, None)), "n/a");
        let change = |from, basis, low, high| Change {
            change_from: from,
            change_basis: basis,
            change_low_pct: low,
            change_high_pct: high,
        };
        assert_eq!(
            fmt_change(&change("levels", Some("yoy"), Some(-1.31), Some(-1.31))),
            "-1.3%"
        );
        assert_eq!(
            fmt_change(&change("growth", Some("yoy"), Some(24.0), Some(24.0))),
            "+24.0% (g)"
        );
        assert_eq!(
            fmt_change(&change("growth", Some("prev"), Some(-29.7), Some(-29.7))),
            "-29.7% (prev)"
        );
        assert_eq!(
            fmt_change(&change("ranges", Some("yoy"), Some(-5.0), Some(12.5))),
            "-5.0% to +12.5%"
        );
        assert_eq!(
            fmt_change(&change("ranges", Some("yoy"), Some(-10.0), None)),
            ">-10.0%"
        );
        assert_eq!(fmt_change(&Change::unknown()), "n/a");
    }
}
