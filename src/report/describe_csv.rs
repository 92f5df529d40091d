//! `describe` as long CSV for spreadsheets: one row per figure, with bounds,
//! changes and shares spelled out as kind, low and high.

use super::ReportError;
use super::describe::ranked_from;
use crate::data::{Change, Describe, TonnesBounds};

/// One row of the describe CSV.
struct CsvLine<'a> {
    section: &'a str,
    item: &'a str,
    tonnes: Option<f64>,
    /// The share as a point, and its low and high ends.
    share: [Option<f64>; 3],
    yoy: Option<f64>,
    basis: &'a str,
    bounds: &'a TonnesBounds,
    change: &'a Change,
}

const CSV_HEADER: [&str; 16] = [
    "year",
    "section",
    "item",
    "tonnes",
    "share_pct",
    "yoy_pct",
    "basis",
    "tonnes_kind",
    "tonnes_low",
    "tonnes_high",
    "change_from",
    "change_basis",
    "change_low_pct",
    "change_high_pct",
    "share_low_pct",
    "share_high_pct",
];

impl CsvLine<'_> {
    fn write<W: std::io::Write>(&self, year: &str, w: &mut csv::Writer<W>) -> csv::Result<()> {
        w.write_record([
            year,
            self.section,
            self.item,
            &num(self.tonnes),
            &pct(self.share[0]),
            &pct(self.yoy),
            self.basis,
            self.bounds.tonnes_kind,
            &num(self.bounds.tonnes_low),
            &num(self.bounds.tonnes_high),
            self.change.change_from,
            self.change.change_basis.unwrap_or(""),
            &pct(self.change.change_low_pct),
            &pct(self.change.change_high_pct),
            &pct(self.share[1]),
            &pct(self.share[2]),
        ])
    }
}

/// The headline statistics as long CSV, one row per figure:
/// `year,section,item,tonnes,share_pct,yoy_pct,basis`, then the bounds, change
/// and share explicitly (`tonnes_kind,tonnes_low,tonnes_high,change_from,
/// change_basis,change_low_pct,change_high_pct,share_low_pct,share_high_pct`).
/// Blank cells are figures the data do not determine.
///
/// # Errors
/// [`ReportError::Csv`] if writing fails.
pub fn describe_csv(d: &Describe, out: impl std::io::Write) -> Result<(), ReportError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    let year = d.year.to_string();
    let total_share = d.total_tonnes.map(|_| 100.0);
    let mut lines = vec![CsvLine {
        section: "total",
        item: "WORLD",
        tonnes: d.total_tonnes,
        share: [total_share, total_share, total_share],
        yoy: d.yoy_pct,
        basis: d.total_basis.as_deref().unwrap_or(""),
        bounds: &d.total_bounds,
        change: &d.total_change,
    }];
    let ranked: Vec<String> = d.ranking.iter().map(ranked_from).collect();
    for (r, basis) in d.ranking.iter().zip(&ranked) {
        lines.push(CsvLine {
            section: "importer",
            item: r.importer.code(),
            tonnes: r.tonnes,
            share: [r.share_pct, r.share_low_pct, r.share_high_pct],
            yoy: r.yoy_pct,
            basis,
            bounds: &r.bounds,
            change: &r.change,
        });
    }
    let group_basis: Vec<String> = d
        .groups
        .iter()
        .map(|g| {
            g.share_from
                .map(|f| format!("share {f}"))
                .unwrap_or_default()
        })
        .collect();
    for (g, basis) in d.groups.iter().zip(&group_basis) {
        lines.push(CsvLine {
            section: "group",
            item: g.importer.code(),
            tonnes: g.tonnes,
            share: [g.share_pct, g.share_low_pct, g.share_high_pct],
            yoy: g.yoy_pct,
            basis,
            bounds: &g.bounds,
            change: &g.change,
        });
    }
    let items: Vec<String> = d
        .halves
        .iter()
        .map(|h| format!("H{}", h.half))
        .chain(d.quarters.iter().map(|q| format!("Q{}", q.quarter)))
        .chain(d.months.iter().map(|m| format!("{:02}", m.month)))
        .collect();
    let parts = d
        .halves
        .iter()
        .map(|h| ("half", h.tonnes, h.yoy_pct, &h.basis, &h.bounds, &h.change))
        .chain(d.quarters.iter().map(|q| {
            (
                "quarter", q.tonnes, q.yoy_pct, &q.basis, &q.bounds, &q.change,
            )
        }))
        .chain(
            d.months
                .iter()
                .map(|m| ("month", m.tonnes, m.yoy_pct, &m.basis, &m.bounds, &m.change)),
        );
    for ((section, tonnes, yoy, basis, bounds, change), item) in parts.zip(&items) {
        lines.push(CsvLine {
            section,
            item,
            tonnes,
            share: [None; 3],
            yoy,
            basis: basis.as_deref().unwrap_or(""),
            bounds,
            change,
        });
    }
    let unknown = TonnesBounds::of(None);
    let no_change = Change::unknown();
    let share_basis: Vec<String> = d
        .published_shares
        .iter()
        .map(|s| format!("published, {} of {}", s.span, s.of))
        .collect();
    for (s, basis) in d.published_shares.iter().zip(&share_basis) {
        lines.push(CsvLine {
            section: "published_share",
            item: &s.subject,
            tonnes: None,
            share: [s.share_pct, s.share_pct, s.share_pct],
            yoy: None,
            basis,
            bounds: &unknown,
            change: &no_change,
        });
    }
    for line in &lines {
        line.write(&year, &mut w)?;
    }
    w.flush().map_err(|e| ReportError::Csv(e.into()))?;
    Ok(())
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_default()
}
