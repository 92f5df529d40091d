//! `describe` for people (an aligned text report) and for spreadsheets (CSV).

use std::fmt::Write as _;

use super::ReportError;
use super::number::{UNAVAILABLE, fmt_pct, fmt_tonnes, thousands};
use super::table::{Align, Table};
use crate::data::Describe;

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
        with_unit(d.total_tonnes),
        fmt_pct(d.yoy_pct),
        y - 1,
        with_unit(d.previous_total_tonnes),
    );
    let top10 = match d.top10_share_pct {
        Some(v) => format!("{:.1}%", v),
        None => format!(
            "{UNAVAILABLE} (needs ten importers with a {y} total; the data determine {})",
            d.ranking.len()
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
                thousands(g.tonnes, 0),
                share(g.share_pct),
                fmt_pct(g.yoy_pct),
            ]);
        }
        let _ = write!(out, "\n{}", t.render());
    }
    if !d.fastest_growers.is_empty() {
        let _ = writeln!(out, "\nFastest growers");
        let _ = write!(out, "{}", importer_table(&d.fastest_growers).render());
    }

    let _ = writeln!(out, "\nWorld exports by part of {y}");
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
            fmt_tonnes(h.tonnes),
            fmt_pct(h.yoy_pct),
            basis(&h.basis),
        ]);
    }
    for q in &d.quarters {
        t.row([
            format!("Q{}", q.quarter),
            fmt_tonnes(q.tonnes),
            fmt_pct(q.yoy_pct),
            basis(&q.basis),
        ]);
    }
    for m in &d.months {
        t.row([
            format!("{y}-{:02}", m.month),
            fmt_tonnes(m.tonnes),
            fmt_pct(m.yoy_pct),
            basis(&m.basis),
        ]);
    }
    let _ = write!(out, "{}", t.render());
    let _ = writeln!(
        out,
        "\n{UNAVAILABLE}: not determined by the observations (magcast never estimates in describe)."
    );
    out
}

fn with_unit(tonnes: Option<f64>) -> String {
    tonnes.map_or_else(
        || UNAVAILABLE.to_string(),
        |t| format!("{} t", thousands(t, 0)),
    )
}

fn share(v: Option<f64>) -> String {
    v.map_or_else(|| UNAVAILABLE.to_string(), |v| format!("{v:.1}%"))
}

fn importer_table(rows: &[crate::data::RankedImporter]) -> Table {
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
        t.row([
            r.rank.to_string(),
            r.importer.code().to_string(),
            r.name.to_string(),
            thousands(r.tonnes, 0),
            share(r.share_pct),
            fmt_pct(r.yoy_pct),
            r.basis.clone(),
        ]);
    }
    t
}

/// The headline statistics as long CSV:
/// `year,section,item,tonnes,share_pct,yoy_pct,basis`, one row per figure; blank
/// cells are figures the data do not determine.
///
/// # Errors
/// [`ReportError::Csv`] if writing fails.
pub fn describe_csv(d: &Describe, out: impl std::io::Write) -> Result<(), ReportError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "year",
        "section",
        "item",
        "tonnes",
        "share_pct",
        "yoy_pct",
        "basis",
    ])?;
    let num = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    let pct = |v: Option<f64>| v.map(|v| format!("{:.2}", v)).unwrap_or_default();
    let year = d.year.to_string();
    w.write_record([
        year.as_str(),
        "total",
        "WORLD",
        &num(d.total_tonnes),
        &pct(d.total_tonnes.map(|_| 100.0)),
        &pct(d.yoy_pct),
        d.total_basis.as_deref().unwrap_or(""),
    ])?;
    for r in &d.ranking {
        w.write_record([
            year.as_str(),
            "importer",
            r.importer.code(),
            &num(Some(r.tonnes)),
            &pct(r.share_pct),
            &pct(r.yoy_pct),
            &r.basis,
        ])?;
    }
    for g in &d.groups {
        w.write_record([
            year.as_str(),
            "group",
            g.importer.code(),
            &num(Some(g.tonnes)),
            &pct(g.share_pct),
            &pct(g.yoy_pct),
            "",
        ])?;
    }
    let parts = d
        .halves
        .iter()
        .map(|h| {
            (
                "half",
                format!("H{}", h.half),
                h.tonnes,
                h.yoy_pct,
                &h.basis,
            )
        })
        .chain(d.quarters.iter().map(|q| {
            (
                "quarter",
                format!("Q{}", q.quarter),
                q.tonnes,
                q.yoy_pct,
                &q.basis,
            )
        }))
        .chain(d.months.iter().map(|m| {
            (
                "month",
                format!("{:02}", m.month),
                m.tonnes,
                m.yoy_pct,
                &m.basis,
            )
        }));
    for (section, item, tonnes, yoy, basis) in parts {
        let basis = basis.as_deref().unwrap_or("");
        w.write_record([
            year.as_str(),
            section,
            &item,
            &num(tonnes),
            "",
            &pct(yoy),
            basis,
        ])?;
    }
    w.flush().map_err(|e| ReportError::Csv(e.into()))?;
    Ok(())
}
