//! The bundled data set holds what it claims: enough facts per importer (so a
//! later edit cannot silently thin it), a source on every row, nothing after
//! 2025-12, and totals that agree with their parts.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use magcast::data::{self, Importer, Month, Span};

/// The file's column `name` of a row.
fn field<'a>(r: &'a csv::StringRecord, name: &str) -> &'a str {
    static HEADER: OnceLock<csv::StringRecord> = OnceLock::new();
    let header = HEADER.get_or_init(|| {
        let mut reader = csv::Reader::from_path(data::BUNDLED_DATA).unwrap();
        reader.headers().unwrap().clone()
    });
    let i = header.iter().position(|h| h == name).unwrap();
    r.get(i).unwrap_or("")
}

/// The file as text rows: (importer, kind, period, row).
fn rows() -> Vec<(String, &'static str, String, csv::StringRecord)> {
    let mut reader = csv::Reader::from_path(data::BUNDLED_DATA).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (period, importer) = (col("period"), col("importer"));
    let filled =
        |r: &csv::StringRecord, names: &[&str]| names.iter().any(|n| !r[col(n)].is_empty());
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let kind = if filled(&r, &["tonnes", "usd", "usd_per_t"]) {
                "level"
            } else if filled(&r, &["tonnes_low", "tonnes_high"]) {
                "range"
            } else if filled(&r, &["growth"]) {
                "growth"
            } else if filled(&r, &["share"]) {
                "share"
            } else {
                "rank"
            };
            (r[importer].to_string(), kind, r[period].to_string(), r)
        })
        .collect()
}

#[test]
fn every_importer_keeps_at_least_its_count_of_facts() {
    let rows = rows();
    let obs = data::bundled().unwrap();
    assert_eq!(obs.fact_count(), rows.len(), "the loader keeps every row");
    assert!(rows.len() >= 430, "{} facts", rows.len());
    let mut count: HashMap<(&str, &str), usize> = HashMap::new();
    for (importer, kind, _, _) in &rows {
        *count.entry((importer.as_str(), *kind)).or_default() += 1;
        *count.entry((importer.as_str(), "all")).or_default() += 1;
    }
    // (importer, kind, at least): the counts of the set as built (data/README.md).
    let minimums = [
        ("WORLD", "level", 65),
        ("WORLD", "growth", 71),
        ("EU27", "all", 17),
        ("USA", "level", 33),
        ("USA", "all", 102),
        ("DEU", "level", 14),
        ("DEU", "all", 49),
        ("KOR", "all", 30),
        ("VNM", "all", 22),
        ("JPN", "all", 21),
        ("IND", "all", 14),
        ("THA", "all", 9),
        ("ITA", "all", 8),
        ("MEX", "all", 6),
        ("POL", "all", 2),
        ("HUN", "all", 1),
        ("FRA", "all", 1),
        ("NLD", "all", 1),
        ("TOP10", "share", 3),
    ];
    for (importer, kind, least) in minimums {
        let n = count.get(&(importer, kind)).copied().unwrap_or(0);
        assert!(n >= least, "{importer} {kind}: {n} < {least}");
    }
    for kind in ["level", "range", "growth", "share", "rank"] {
        let n: usize = rows.iter().filter(|r| r.1 == kind).count();
        assert!(n > 0, "no {kind} facts");
    }
}

#[test]
fn every_row_has_a_status_and_a_source_and_ends_by_2025_12() {
    let obs = data::bundled().unwrap();
    let last = Month::new(2025, 12).unwrap();
    assert!(obs.fact_month_range().unwrap().end() <= last);
    for (importer, kind, period, r) in rows() {
        let text = format!("{period} {importer} {kind}");
        let status = field(&r, "status");
        assert!(
            ["confirmed", "derived", "approximate"].contains(&status),
            "{text}"
        );
        for name in ["source_title", "publisher", "source_date"] {
            assert!(!field(&r, name).is_empty(), "{text}: no {name}");
        }
        if status == "derived" {
            assert!(
                !field(&r, "note").is_empty(),
                "{text}: a derived row says how"
            );
        }
    }
}

/// Every level whose months are also covered by other observed levels of the
/// same importer, laid end to end, equals their sum within 0.5 % (rounding in
/// the sources); data/README.md lists none that disagree.
#[test]
fn totals_agree_with_their_parts() {
    let obs = data::bundled().unwrap();
    let mut levels: BTreeMap<Importer, Vec<(Span, f64)>> = BTreeMap::new();
    for o in obs.rows() {
        levels
            .entry(o.importer)
            .or_default()
            .push((o.span, o.tonnes));
    }
    let mut checked = 0;
    for (importer, spans) in &levels {
        for &(whole, tonnes) in spans {
            for parts in partitions(spans, whole, whole.start(), 0) {
                if parts.len() < 2 {
                    continue;
                }
                let sum: f64 = parts.iter().sum();
                let rel = (sum - tonnes) / tonnes;
                assert!(
                    rel.abs() < 0.005,
                    "{importer} {whole}: {tonnes} against {sum} summed from {} parts",
                    parts.len()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 12, "only {checked} cross-checks");
}

/// The ways `whole` from month `from` on is covered by observed spans inside it,
/// as the lists of their tonnes.
fn partitions(spans: &[(Span, f64)], whole: Span, from: Month, depth: usize) -> Vec<Vec<f64>> {
    if from > whole.end() {
        return vec![Vec::new()];
    }
    if depth > 12 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &(s, t) in spans {
        if s.start() == from && s.end() <= whole.end() && s != whole {
            for mut rest in partitions(spans, whole, s.end().plus(1), depth + 1) {
                rest.insert(0, t);
                out.push(rest);
            }
        }
    }
    out
}
