//! `describe` on data with every kind of fact of format v2: ranges shown as
//! ranges, changes from levels, growth facts or bounds, published shares and
//! ranks where nothing can be computed — in the table, JSON and CSV.

use std::path::Path;

use magcast::data::{self, Observations};

fn fixture() -> Observations {
    data::load(Path::new("tests/fixtures/kinds_v2.csv")).unwrap()
}

/// `describe` on the v2 fixture, every answer worked by hand:
///
/// * World 2025 = H1 600 + H2 600 = 1,200 t (a point), 2024 = 1,000 t: +20 %.
/// * DEU 2025 is only the range 300-400 t; 2024 = 250 t, so its y/y is the
///   range [300 / 250 - 1, 400 / 250 - 1] = [+20 %, +60 %], and its share of
///   the 1,200 t is [300 / 1,200, 400 / 1,200] = [25 %, 33.33 %], no point.
///   Ranked first: its guaranteed 300 t exceeds USA's 200 t.
/// * USA 2025 = 200 t, share 200 / 1,200 = 16.67 %; 2024 is not in the data,
///   so its y/y is the published ratio 0.8: -20 %.
/// * JPN (rank 3), KOR and VNM (ranks 4-5) have no value: listed with their
///   rank, tonnes unknown, after the countries with figures.
/// * Top-10 share: too few countries to compute, the published 73 % is shown.
/// * EU27 2025 has no figure; its published 30 % share is shown.
/// * H1 2025 = 600 t observed; H1 2024 unknown, the published ratio 1.5 gives
///   +50 %. H2 = 600 t observed, no y/y.
/// * Q3 = Jan-Sep [850, 950] - H1 600 = [250, 350]; Q4 = H1 600 + H2 600 -
///   Jan-Sep [850, 950] = [1,200 - 950, 1,200 - 850] = [250, 350].
/// * July is "more than 90 t" (open above); July 2024 = 100 t, so the y/y is
///   at least 90 / 100 - 1 = -10 %, open above.
/// * August: no level; the published ratio 1.1 on July gives +10 % (prev).
#[test]
fn describe_uses_every_kind_honestly() {
    let d = data::describe(&fixture(), data::DescribeRequest::default()).unwrap();
    assert_eq!(d.year, 2025);
    assert_eq!(
        (d.total_tonnes, d.previous_total_tonnes),
        (Some(1200.0), Some(1000.0))
    );
    assert!((d.yoy_pct.unwrap() - 20.0).abs() < 1e-9);
    assert_eq!(d.total_usd, Some(6.6e7), "from the US$-only level");

    let order: Vec<(&str, Option<&str>, &str)> = d
        .ranking
        .iter()
        .map(|r| {
            (
                r.importer.code(),
                r.published_rank.as_deref(),
                r.bounds.tonnes_kind,
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("DEU", Some("1"), "range"),
            ("USA", Some("2"), "point"),
            ("JPN", Some("3"), "unknown"),
            ("KOR", Some("4-5"), "unknown"),
            ("VNM", Some("4-5"), "unknown")
        ]
    );
    let deu = &d.ranking[0];
    assert_eq!(deu.tonnes, None, "a range is never a point");
    assert_eq!(
        (deu.bounds.tonnes_low, deu.bounds.tonnes_high),
        (Some(300.0), Some(400.0))
    );
    assert_eq!((deu.yoy_pct, deu.change.change_from), (None, "ranges"));
    assert!((deu.change.change_low_pct.unwrap() - 20.0).abs() < 1e-9);
    assert!((deu.change.change_high_pct.unwrap() - 60.0).abs() < 1e-9);
    assert_eq!((deu.share_pct, deu.share_from), (None, Some("bounds")));
    assert!((deu.share_low_pct.unwrap() - 25.0).abs() < 1e-9);
    assert!((deu.share_high_pct.unwrap() - 100.0 / 3.0).abs() < 1e-9);
    let usa = &d.ranking[1];
    assert!((usa.share_pct.unwrap() - 200.0 / 12.0).abs() < 1e-9);
    assert!((usa.yoy_pct.unwrap() + 20.0).abs() < 1e-9);
    assert_eq!(
        (usa.change.change_from, usa.change.change_basis),
        ("growth", Some("yoy"))
    );
    assert_eq!(d.ranking[2].tonnes, None);
    assert_eq!(d.other_tonnes, None, "not every ranked figure is a point");
    assert!(d.unavailable.is_empty());
    assert_eq!(d.fastest_growers.len(), 1);

    assert_eq!(
        (d.top10_share_pct, d.top10_share_from),
        (Some(73.0), Some("published"))
    );
    assert_eq!(d.groups.len(), 1);
    assert_eq!(d.groups[0].tonnes, None);
    assert!((d.groups[0].share_pct.unwrap() - 30.0).abs() < 1e-9);
    assert_eq!(d.groups[0].share_from, Some("published"));
    let shares: Vec<(String, String, f64)> = d
        .published_shares
        .iter()
        .map(|s| (s.subject.clone(), s.span.to_string(), s.share_pct.unwrap()))
        .collect();
    assert_eq!(shares[0], ("EU27".into(), "2025-07".into(), 38.0));
    assert_eq!(shares.len(), 3);

    let h1 = &d.halves[0];
    assert_eq!(h1.tonnes, Some(600.0));
    assert!((h1.yoy_pct.unwrap() - 50.0).abs() < 1e-9);
    assert_eq!(h1.change.change_from, "growth");
    assert_eq!(
        (d.halves[1].tonnes, d.halves[1].yoy_pct),
        (Some(600.0), None)
    );
    for q in [&d.quarters[2], &d.quarters[3]] {
        assert_eq!(q.tonnes, None);
        assert_eq!(q.bounds.tonnes_kind, "range");
        assert_eq!(
            (q.bounds.tonnes_low, q.bounds.tonnes_high),
            (Some(250.0), Some(350.0))
        );
    }
    assert_eq!(
        d.quarters[2].basis.as_deref(),
        Some("2025-01..09 - 2025-01..06 (with ranges)")
    );
    let july = &d.months[6];
    assert_eq!(
        (july.bounds.tonnes_low, july.bounds.tonnes_high),
        (Some(90.0), None)
    );
    assert!((july.change.change_low_pct.unwrap() + 10.0).abs() < 1e-9);
    assert_eq!(july.change.change_high_pct, None);
    let august = &d.months[7];
    assert_eq!(
        (august.yoy_pct, august.change.change_basis),
        (None, Some("prev"))
    );
    assert!((august.change.change_low_pct.unwrap() - 10.0).abs() < 1e-9);
}

#[test]
fn describe_shows_ranges_as_ranges_in_every_format() {
    let d = data::describe(&fixture(), data::DescribeRequest::default()).unwrap();
    let table = magcast::report::describe_table(&d);
    for part in [
        "   1  DEU       Germany        300-400  25.0-33.3%  +20.0% to +60.0%",
        "+20.0% to +60.0%",
        "   3  JPN       Japan          unknown",
        "published rank 3; value unknown",
        "Top-10 share   73.0% (published)",
        "Q3       250-350            n/a  2025-01..09 - 2025-01..06 (with ranges)",
        "2025-07      >90        >-10.0%  observed range",
        "+10.0% (prev)",
        "EU27 of WORLD   2025-07      38.0%       n/a",
        "a-b, >a, <b: known only within bounds",
    ] {
        assert!(table.contains(part), "{part:?} missing from\n{table}");
    }
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["ranking"][0]["tonnes"], serde_json::Value::Null);
    assert_eq!(json["ranking"][0]["tonnes_kind"], "range");
    assert_eq!(json["ranking"][0]["tonnes_low"], 300.0);
    assert_eq!(json["ranking"][0]["tonnes_high"], 400.0);
    assert_eq!(json["ranking"][0]["share_pct"], serde_json::Value::Null);
    assert_eq!(json["ranking"][0]["share_high_pct"], 33.33);
    assert_eq!(json["months"][6]["tonnes_high"], serde_json::Value::Null);
    assert_eq!(json["months"][6]["change_low_pct"], -10.0);
    let mut csv = Vec::new();
    magcast::report::describe_csv(&d, &mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains(
            "2025,importer,DEU,,,,observed range (rank 1),range,300,400,ranges,yoy,20.00,60.00,25.00,33.33\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(
            "2025,quarter,Q3,,,,2025-01..09 - 2025-01..06 (with ranges),range,250,350,unknown,,,,,\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(
            "2025,published_share,TOP10,,73.00,,\"published, 2025 of WORLD\",unknown,,,unknown,,,,73.00,73.00\n"
        ),
        "{csv}"
    );
}
