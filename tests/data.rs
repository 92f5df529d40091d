//! The data layer through its public API: every loader error class with its
//! message, the valid-but-unusual files, the Comtrade loader, and `describe`.

use std::path::Path;

use magcast::data::{
    self, ComtradeView, DataError, DescribeRequest, Importer, LoadOptions, Observations, Span,
};
use proptest::prelude::*;

fn load(text: &[u8]) -> Result<Observations, DataError> {
    data::load_from_bytes(Path::new("in.csv"), text.to_vec(), LoadOptions::default())
}

#[track_caller]
fn refused(text: &str, expected: &[&str]) {
    let err = load(text.as_bytes()).expect_err("the file should be refused");
    assert!(err.is_bad_input(), "{err} should be bad input");
    let message = err.to_string();
    for part in expected {
        assert!(
            message.contains(part),
            "message\n{message}\nshould contain {part:?}"
        );
    }
}

#[test]
fn each_error_class_names_file_line_and_column() {
    let h = "period,importer,tonnes,usd\n";
    refused(
        "period,importer,usd\n2025,USA,1\n",
        &[
            "in.csv:1",
            "missing required column `tonnes`",
            "`period`, `importer`, `usd`",
        ],
    );
    refused(
        &format!("{h}2025,USA,12a,\n"),
        &["in.csv:2:3: column `tonnes`", "`12a` is not a number"],
    );
    refused(
        &format!("{h}2025,USA,-5,\n"),
        &["in.csv:2:3", "tonnes is negative (-5)"],
    );
    refused(
        &format!("{h}2025,USA,NaN,\n"),
        &["in.csv:2:3", "tonnes is NaN"],
    );
    refused(
        &format!("{h}2025,USA,inf,\n"),
        &["in.csv:2:3", "tonnes is infinite"],
    );
    refused(
        &format!("{h}2025,USA,-inf,\n"),
        &["in.csv:2:3", "tonnes is infinite"],
    );
    refused(
        &format!("{h}2025,USA,,\n"),
        &["in.csv:2:3", "tonnes is missing"],
    );
    refused(
        &format!("{h}2025,USA,5,abc\n"),
        &["in.csv:2:4: column `usd`", "not a number"],
    );
    refused(
        &format!("{h}2025-13,USA,5,\n"),
        &[
            "in.csv:2:1: column `period`",
            "`2025-13` is not a valid period",
            "month 13",
        ],
    );
    refused(
        &format!("{h}2025-06..01,USA,5,\n"),
        &[
            "in.csv:2:1",
            "the span ends (2025-01) before it starts (2025-06)",
        ],
    );
    refused(
        &format!("{h}2025-02..2024-11,USA,5,\n"),
        &["in.csv:2:1", "ends (2024-11) before it starts (2025-02)"],
    );
    refused(
        &format!("{h}2025,XYZ,5,\n"),
        &["in.csv:2:2: column `importer`", "unknown importer `XYZ`"],
    );
    refused(
        &format!("{h}2025,ROW,5,\n"),
        &["in.csv:2:2", "ROW cannot be observed"],
    );
    refused(
        &format!("{h}2025,USA,5,\n2024,DEU,1,\n2025,US,6,\n"),
        &[
            "in.csv:4:3",
            "conflicting duplicate: USA 2025 is 6 t here but 5 t on line 2",
        ],
    );
    refused("", &["in.csv", "the file is empty"]);
    refused("\n\n", &["in.csv", "the file is empty"]);
    refused(h, &["in.csv", "header line but no data rows"]);
    refused(&format!("{h}\n\n"), &["header line but no data rows"]);
    refused(
        &format!("{h}2025,USA\n"),
        &["in.csv:2", "short row: 2 fields, but the header has 4"],
    );
    refused(
        &format!("{h}2025,USA,1,2,3\n"),
        &["in.csv:2", "long row: 5 fields"],
    );
}

#[test]
fn non_utf8_bytes_are_located() {
    let mut bytes = b"period,importer,tonnes,note\n2025,USA,5,caf".to_vec();
    bytes.push(0xE9); // Latin-1 é
    bytes.extend_from_slice(b"\n");
    let message = load(&bytes).unwrap_err().to_string();
    assert!(message.contains("in.csv:2:4: column `note`"), "{message}");
    assert!(
        message.contains("not valid UTF-8 (bad byte 0xE9 at offset 3)"),
        "{message}"
    );
}

#[test]
fn every_problem_is_listed_not_just_the_first() {
    let text = "period,importer,tonnes\n2025,USA,x\n2025,ZZZ,1\n2025-00,DEU,1\n2024,DEU,2\n";
    let message = load(text.as_bytes()).unwrap_err().to_string();
    assert!(message.starts_with("3 problems in the data:"), "{message}");
    for line in ["in.csv:2:3", "in.csv:3:2", "in.csv:4:1"] {
        assert!(message.contains(line), "{message} lacks {line}");
    }
}

#[test]
fn unusual_but_valid_files_load() {
    // BOM, CRLF, quoted fields with commas and quotes, extra columns, lower-case and
    // alpha-2 codes, an exact duplicate, blank lines at the end.
    let text = "\u{feff}Period,Importer,Tonnes,USD,source,note\r\n\
                2025-01..06,world,\"22319\",1020000000,\"Reuters, via X\",\"said \"\"H1\"\"\"\r\n\
                2025-05,de,209,,SMM,\r\n\
                2025-05,DEU,209,,SMM (again),\r\n\
                2024-Q3, kr ,463.5,,,\r\n\
                \r\n\r\n";
    let obs = load(text.as_bytes()).expect("valid file");
    assert_eq!(obs.len(), 3);
    assert_eq!(obs.duplicates_dropped(), 1);
    let first = obs.rows()[0];
    assert_eq!(first.importer, Importer::World);
    assert_eq!(first.span, "2025-01..06".parse::<Span>().unwrap());
    assert!((first.tonnes - 22319.0).abs() < 1e-12);
    assert_eq!(first.usd, Some(1.02e9));
    assert_eq!(obs.metadata_columns(), ["source", "note"]);
    assert_eq!(obs.metadata(0, "source"), Some("Reuters, via X"));
    assert_eq!(obs.metadata(0, "note"), Some("said \"H1\""));
    assert_eq!(obs.rows()[1].importer.code(), "DEU");
    assert_eq!(obs.rows()[2].importer.code(), "KOR");
    assert_eq!(obs.rows()[2].span.to_string(), "2024-Q3");
    assert_eq!(obs.line(2), 5);
}

#[test]
fn missing_file_and_directory_are_bad_input() {
    let err = data::load(Path::new("no/such/file.csv")).unwrap_err();
    assert!(err.is_bad_input());
    assert!(
        err.to_string().contains("cannot read `no/such/file.csv`"),
        "{err}"
    );
    let err = data::load(Path::new("tests")).unwrap_err();
    assert!(err.is_bad_input(), "{err}");
}

#[test]
fn bundled_data_loads_with_provenance() {
    let obs = data::bundled().unwrap();
    // Levels in tonnes; every other kind is counted in tests/bundled_data.rs.
    assert_eq!(obs.len(), 149);
    assert!(obs.metadata_columns().iter().any(|c| c == "source_title"));
    assert!(obs.metadata_columns().iter().any(|c| c == "url"));
    for i in 0..obs.len() {
        assert!(
            !obs.metadata(i, "status").unwrap_or("").is_empty(),
            "row {i} lacks status"
        );
    }
}

fn comtrade(view: ComtradeView) -> Observations {
    data::load_with(
        Path::new("tests/fixtures/comtrade_850511.csv"),
        LoadOptions {
            comtrade_view: view,
            ..LoadOptions::default()
        },
    )
    .unwrap()
}

fn find(obs: &Observations, importer: &str, span: &str) -> Option<(f64, Option<f64>)> {
    let importer: Importer = importer.parse().unwrap();
    let span: Span = span.parse().unwrap();
    obs.rows()
        .iter()
        .find(|o| o.importer == importer && o.span == span)
        .map(|o| (o.tonnes, o.usd))
}

#[test]
fn comtrade_exports_by_partner() {
    let obs = comtrade(ComtradeView::Auto);
    // World, Germany (two months), USA, and the 2024 annual world total; the
    // transport-mode breakdown, the other subheading, the unspecified area and
    // the mirror rows are all left out.
    assert_eq!(obs.len(), 5);
    assert_eq!(find(&obs, "WORLD", "2025-01"), Some((6357.0, Some(3.1e8))));
    assert_eq!(find(&obs, "DEU", "2025-01"), Some((1201.5, Some(5.21e7))));
    assert_eq!(find(&obs, "DEU", "2025-02"), Some((980.0, Some(4.5e7))));
    assert_eq!(find(&obs, "USA", "2025-01"), Some((640.25, Some(3.14e7))));
    assert_eq!(find(&obs, "WORLD", "2024"), Some((58152.0, Some(2.86e9))));
    assert!(obs.metadata_columns().iter().any(|c| c == "flowDesc"));
}

#[test]
fn comtrade_mirror_imports_from_china() {
    let obs = comtrade(ComtradeView::PartnerImports);
    assert_eq!(obs.len(), 2);
    assert_eq!(find(&obs, "DEU", "2025-01"), Some((1150.0, Some(5.1e7))));
    assert_eq!(find(&obs, "JPN", "2025-01"), Some((280.0, Some(1.3e7))));
}

#[test]
fn comtrade_bad_cells_are_located() {
    let text = std::fs::read_to_string("tests/fixtures/comtrade_850511.csv").unwrap();
    let broken = text.replacen(",6357000,False,,False,,", ",-6357000,False,,False,,", 1);
    let err = data::load_from_bytes(
        Path::new("ct.csv"),
        broken.into_bytes(),
        LoadOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("ct.csv:2:38: column `netWgt`: netWgt is negative"),
        "{err}"
    );
    let other = text.replace("850511", "850519");
    let err = data::load_from_bytes(
        Path::new("ct.csv"),
        other.into_bytes(),
        LoadOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no rows for HS 850511"), "{err}");
}

/// A small data set whose answers were worked out by hand.
const FIXTURE: &str = "period,importer,tonnes,usd
2023,WORLD,1000,
2024,WORLD,1200,60000
2024-01..06,WORLD,500,
2023-01..07,WORLD,650,
2023-07,WORLD,100,
2024-07,WORLD,110,
2024-Q4,WORLD,400,
2023-10,WORLD,90,
2023-11,WORLD,95,
2023-12,WORLD,105,
2023,DEU,200,
2024,DEU,300,
2024,USA,240,
2023,USA,250,
2024-01..06,FRA,40,
2024-07..12,FRA,80,
2024,JPN,10,
2024,EU27,420,
2023,EU27,350,
";

#[test]
fn describe_fixture_with_known_answers() {
    let obs = load(FIXTURE.as_bytes()).unwrap();
    let d = data::describe(&obs, DescribeRequest::default()).unwrap();
    assert_eq!(d.year, 2024, "latest year with a determined world total");
    assert_eq!(d.total_tonnes, Some(1200.0));
    assert_eq!(d.total_usd, Some(60000.0));
    assert!((d.yoy_pct.unwrap() - 20.0).abs() < 1e-12);
    let ranked: Vec<(&str, f64)> = d
        .ranking
        .iter()
        .map(|r| (r.importer.code(), r.tonnes.unwrap()))
        .collect();
    assert_eq!(
        ranked,
        [
            ("DEU", 300.0),
            ("USA", 240.0),
            ("FRA", 120.0),
            ("JPN", 10.0)
        ]
    );
    assert_eq!(d.ranking[2].basis, "2024-01..06 + 2024-07..12");
    assert!((d.ranking[0].share_pct.unwrap() - 25.0).abs() < 1e-12);
    assert!((d.ranking[0].yoy_pct.unwrap() - 50.0).abs() < 1e-12);
    assert!((d.ranking[1].yoy_pct.unwrap() + 4.0).abs() < 1e-12);
    assert_eq!(d.ranking[2].yoy_pct, None);
    assert_eq!(d.other_tonnes, Some(1200.0 - 670.0));
    assert_eq!(
        d.top10_share_pct, None,
        "only four importers are determined"
    );
    assert_eq!(d.fastest_growers.len(), 2);
    assert_eq!(d.fastest_growers[0].importer.code(), "DEU");
    assert_eq!(d.groups.len(), 1);
    assert!((d.groups[0].share_pct.unwrap() - 35.0).abs() < 1e-12);
    assert!((d.groups[0].yoy_pct.unwrap() - 20.0).abs() < 1e-12);
    // H1 2024 observed; H1 2023 = Jan..Jul − Jul = 550; H2 2024 = year − H1 = 700;
    // H2 2023 = 1000 − 550 = 450.
    let h: Vec<_> = d.halves.iter().map(|h| (h.tonnes, h.yoy_pct)).collect();
    assert_eq!(h[0].0, Some(500.0));
    assert!((h[0].1.unwrap() - (500.0 / 550.0 - 1.0) * 100.0).abs() < 1e-9);
    assert_eq!(h[1].0, Some(700.0));
    assert!((h[1].1.unwrap() - (700.0 / 450.0 - 1.0) * 100.0).abs() < 1e-9);
    // Q4 2024 observed, Q4 2023 the sum of its months; Q3 2024 = H2 − Q4 = 300;
    // Q1 and Q2 of 2024 are not determined.
    let q: Vec<_> = d.quarters.iter().map(|q| (q.tonnes, q.yoy_pct)).collect();
    assert_eq!(q[0], (None, None));
    assert_eq!(q[1], (None, None));
    // Q3 2023 = 2023 − Jan..Jul + Jul − Oct − Nov − Dec = 160.
    assert_eq!(q[2].0, Some(300.0));
    assert!((q[2].1.unwrap() - 87.5).abs() < 1e-9);
    assert_eq!(q[3].0, Some(400.0));
    assert!((q[3].1.unwrap() - (400.0 / 290.0 - 1.0) * 100.0).abs() < 1e-9);
    // July: both years observed.
    assert!((d.months[6].yoy_pct.unwrap() - 10.0).abs() < 1e-9);
    assert_eq!(d.months[0].tonnes, None);
}

#[test]
fn describe_bundled_2025_matches_the_published_total() {
    let obs = data::bundled().unwrap();
    let d = data::describe(&obs, DescribeRequest::default()).unwrap();
    assert_eq!(d.year, 2025);
    assert_eq!(d.total_tonnes, Some(57392.0));
    assert!((d.yoy_pct.unwrap() - (57392.0 / 58152.0 - 1.0) * 100.0).abs() < 1e-12);
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["total_tonnes"], 57392.0);
    assert_eq!(json["yoy_pct"], -1.31);
    // H1 2025 (22,319 t) against H1 2024 = Jan..Jul 2024 − Jul 2024 = 27,534 t: −18.94 %.
    assert_eq!(json["halves"][0]["tonnes"], 22319.0);
    assert_eq!(json["halves"][0]["yoy_pct"], -18.94);
    assert_eq!(json["quarters"][0]["quarter"], 1);
    assert_eq!(json["months"][4]["month"], 5);
    // May 2025 against May 2024: the published ratio 0.2574 (SMM), no May 2024 level.
    assert_eq!(json["months"][4]["yoy_pct"], -74.26);
}

#[test]
fn describe_refuses_a_year_without_data() {
    let obs = load(FIXTURE.as_bytes()).unwrap();
    let err = data::describe(
        &obs,
        DescribeRequest {
            year: Some(2019),
            growers: None,
        },
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("no observation covers 2019"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// On a complete monthly panel every figure is a plain sum of months, so
    /// describe must agree with sums computed here directly.
    #[test]
    fn describe_is_right_on_full_monthly_panels(
        n_importers in 1usize..30,
        seed in any::<u64>(),
    ) {
        let codes: Vec<&str> = magcast::data::Country::all().take(n_importers).map(|c| c.alpha3()).collect();
        let mut state = seed | 1;
        let mut next = move || { state ^= state << 13; state ^= state >> 7; state ^= state << 17; (state % 100_000) as f64 / 10.0 + 1.0 };
        // monthly[importer][year][month], for 2023 and 2024.
        let monthly: Vec<[[f64; 12]; 2]> = codes
            .iter()
            .map(|_| [[(); 12].map(|_| next()), [(); 12].map(|_| next())])
            .collect();
        let mut world = [[0.0f64; 12]; 2];
        for importer in &monthly {
            for (world_year, year) in world.iter_mut().zip(importer) {
                for (w, t) in world_year.iter_mut().zip(year) {
                    *w += t;
                }
            }
        }
        let mut csv = String::from("period,importer,tonnes\n");
        let series = codes.iter().copied().zip(monthly.iter().copied()).chain([("WORLD", world)]);
        for (code, years) in series {
            for (year, months) in [2023, 2024].iter().zip(years) {
                for (m, t) in months.iter().enumerate() {
                    csv.push_str(&format!("{year}-{:02},{code},{t}\n", m + 1));
                }
            }
        }

        let obs = load(csv.as_bytes()).unwrap();
        let d = data::describe(&obs, DescribeRequest::default()).unwrap();
        prop_assert_eq!(d.year, 2024);
        let sum = |v: &[f64]| v.iter().sum::<f64>();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
        let total = sum(&world[1]);
        prop_assert!(close(d.total_tonnes.unwrap(), total));
        prop_assert!(close(d.yoy_pct.unwrap(), (total / sum(&world[0]) - 1.0) * 100.0));
        prop_assert_eq!(d.ranking.len(), n_importers);
        prop_assert_eq!(d.top10_share_pct.is_some(), n_importers >= 10);
        for w in d.ranking.windows(2) { prop_assert!(w[0].tonnes >= w[1].tonnes); }
        for r in &d.ranking {
            let i = codes.iter().position(|c| *c == r.importer.code()).unwrap();
            prop_assert!(close(r.tonnes.unwrap(), sum(&monthly[i][1])));
            prop_assert!(close(r.yoy_pct.unwrap(), (sum(&monthly[i][1]) / sum(&monthly[i][0]) - 1.0) * 100.0));
        }
        if n_importers >= 10 {
            let top: f64 = d.ranking.iter().take(10).map(|r| r.tonnes.unwrap()).sum();
            prop_assert!(close(d.top10_share_pct.unwrap(), top / total * 100.0));
        }
        for (q, line) in d.quarters.iter().enumerate() {
            let now = sum(&world[1][q * 3..q * 3 + 3]);
            let before = sum(&world[0][q * 3..q * 3 + 3]);
            prop_assert!(close(line.tonnes.unwrap(), now));
            prop_assert!(close(line.yoy_pct.unwrap(), (now / before - 1.0) * 100.0));
        }
        for (h, line) in d.halves.iter().enumerate() {
            prop_assert!(close(line.tonnes.unwrap(), sum(&world[1][h * 6..h * 6 + 6])));
        }
        for ((line, now), before) in d.months.iter().zip(world[1]).zip(world[0]) {
            prop_assert!(close(line.yoy_pct.unwrap(), (now / before - 1.0) * 100.0));
        }
    }
}

#[test]
fn crlf_files_report_exact_lines() {
    let text = "period,importer,tonnes\r\n2025,USA,1\r\n2024,USA,2\r\n2023,USA,x\r\n";
    refused(text, &["in.csv:4:3: column `tonnes`"]);
}

#[test]
fn files_past_the_row_limit_are_refused_cleanly() {
    let mut text = String::from("period,importer,tonnes\n");
    for i in 0..100 {
        text.push_str(&format!("{},USA,{i}\n", 1950 + i));
    }
    let options = LoadOptions {
        max_rows: Some(50),
        ..LoadOptions::default()
    };
    let err = data::load_from_bytes(Path::new("big.csv"), text.clone().into_bytes(), options)
        .unwrap_err();
    assert!(err.is_bad_input());
    assert!(
        err.to_string().contains("big.csv: more than 50 data rows"),
        "{err}"
    );
    let ok = data::load_from_bytes(
        Path::new("big.csv"),
        text.into_bytes(),
        LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(ok.len(), 100);
}
