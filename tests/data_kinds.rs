//! The kinds of fact of data format v2 through the public API: each kind loads
//! from the v2 fixture with its line and metadata, each malformed form is
//! refused with its exact located message, and `until`/`only` filter every kind.

use std::path::Path;

use magcast::data::{
    self, DataError, Growth, GrowthBasis, Importer, LoadOptions, Observations, Rank, RankPlace,
    Share, ShareSubject, Span, TonnesRange, UsdLevel,
};

const FIXTURE: &str = "tests/fixtures/kinds_v2.csv";
const V2: &str = "period,importer,tonnes,tonnes_low,tonnes_high,usd,usd_per_t,growth,growth_basis,share,share_of,rank,status,note\n";

fn fixture() -> Observations {
    data::load(Path::new(FIXTURE)).unwrap()
}

fn span(s: &str) -> Span {
    s.parse().unwrap()
}

fn imp(s: &str) -> Importer {
    s.parse().unwrap()
}

fn load(text: &str) -> Result<Observations, DataError> {
    data::load_from_bytes(
        Path::new("k.csv"),
        text.as_bytes().to_vec(),
        LoadOptions::default(),
    )
}

/// A v2 row from its 12 value cells (`period` … `rank`), status and note.
fn v2(rows: &[&str]) -> String {
    let mut s = V2.to_string();
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

/// The whole message of a file refused for exactly one problem.
#[track_caller]
fn only_problem(text: &str) -> String {
    let err = load(text).expect_err("the file should be refused");
    assert!(err.is_bad_input());
    let message = err.to_string();
    let mut lines = message.lines();
    assert_eq!(lines.next(), Some("1 problem in the data:"), "{message}");
    lines.next().unwrap().trim().to_string()
}

#[test]
fn levels_keep_loading_as_rows() {
    let obs = fixture();
    // Levels with tonnes: 2024 and 2024-07 WORLD, both WORLD halves of 2025, DEU
    // 2024 and H1 2025, USA 2025 (its repeat on the last line dropped).
    assert_eq!(obs.len(), 7);
    assert_eq!(obs.duplicates_dropped(), 1);
    assert_eq!(obs.fact_count(), 7 + 1 + 3 + 3 + 3 + 5);
    let first = obs.rows()[0];
    assert_eq!(
        (first.importer, first.span),
        (Importer::World, span("2024"))
    );
    assert_eq!((first.tonnes, first.usd), (1000.0, Some(5e7)));
    assert_eq!(obs.levels().number(0, "usd_per_t"), Some(50000.0));
    assert_eq!(obs.metadata(0, "status"), Some("confirmed"));
    assert_eq!(obs.line(3), 5);
    assert_eq!(
        obs.metadata(3, "note"),
        Some("2025 total 1200 - H1 600"),
        "status and note stay metadata"
    );
    for consumed in ["tonnes_low", "growth", "share_of", "rank"] {
        assert!(!obs.metadata_columns().iter().any(|c| c == consumed));
    }
}

#[test]
fn each_kind_round_trips_with_line_and_metadata() {
    let obs = fixture();
    let usd = obs.usd_levels();
    assert_eq!(
        usd.items(),
        [UsdLevel {
            importer: Importer::World,
            span: span("2025"),
            usd: 6.6e7
        }]
    );
    assert_eq!(
        (usd.line(0), usd.metadata(0, "note")),
        (6, Some("value only"))
    );

    let ranges = obs.ranges();
    assert_eq!(
        ranges.items(),
        [
            TonnesRange {
                importer: Importer::World,
                span: span("2025-07"),
                low: Some(90.0),
                high: None
            },
            TonnesRange {
                importer: imp("DEU"),
                span: span("2025"),
                low: Some(300.0),
                high: Some(400.0)
            },
            TonnesRange {
                importer: Importer::World,
                span: span("2025-01..09"),
                low: Some(850.0),
                high: Some(950.0)
            }
        ]
    );
    assert_eq!(ranges.line(2), 24);
    assert_eq!(ranges.line(1), 11);
    assert_eq!(ranges.metadata(1, "status"), Some("approximate"));
    assert_eq!(ranges.metadata(0, "note"), Some("\"more than 90 t\""));

    let growths = obs.growths();
    assert_eq!(
        growths.items(),
        [
            Growth {
                importer: Importer::World,
                span: span("2025-01..06"),
                ratio: 1.5,
                basis: GrowthBasis::YearOnYear
            },
            Growth {
                importer: Importer::World,
                span: span("2025-08"),
                ratio: 1.1,
                basis: GrowthBasis::PreviousSpan
            },
            Growth {
                importer: imp("USA"),
                span: span("2025"),
                ratio: 0.8,
                basis: GrowthBasis::YearOnYear
            }
        ]
    );
    assert_eq!(growths.line(2), 14);

    let shares = obs.shares();
    let eu = Importer::Group(data::Group::Eu27);
    assert_eq!(
        shares.items(),
        [
            Share {
                subject: ShareSubject::Importer(eu),
                of: Importer::World,
                span: span("2025-07"),
                share: 0.38
            },
            Share {
                subject: ShareSubject::Importer(eu),
                of: Importer::World,
                span: span("2025"),
                share: 0.3
            },
            Share {
                subject: ShareSubject::Top(10),
                of: Importer::World,
                span: span("2025"),
                share: 0.73
            }
        ]
    );
    assert_eq!(shares.metadata(2, "note"), Some("the top 10 took 73 %"));

    let ranks: Vec<(&str, RankPlace, u64)> = obs
        .ranks()
        .items()
        .iter()
        .enumerate()
        .map(|(i, r): (usize, &Rank)| (r.importer.code(), r.rank, obs.ranks().line(i)))
        .collect();
    assert_eq!(
        ranks,
        [
            ("DEU", RankPlace::Exact(1), 15),
            ("USA", RankPlace::Exact(2), 16),
            ("JPN", RankPlace::Exact(3), 17),
            ("KOR", RankPlace::Within(4, 5), 18),
            ("VNM", RankPlace::Within(4, 5), 19)
        ]
    );
}

#[test]
fn until_and_only_filter_every_kind() {
    let obs = fixture();
    let early = obs.until(span("2025-07").start());
    assert_eq!(
        early.len(),
        5,
        "WORLD 2024, 2024-07 and H1 2025; DEU 2024 and H1 2025"
    );
    assert_eq!(early.ranges().len(), 1, "July's range ends in July");
    assert_eq!(early.growths().len(), 1);
    assert_eq!(early.shares().len(), 1);
    assert!(early.ranks().is_empty() && early.usd_levels().is_empty());
    // Metadata stays with its fact after filtering.
    assert_eq!(early.ranges().line(0), 7);
    assert_eq!(early.shares().metadata(0, "note"), Some("EU 38 % of July"));

    let deu = obs.only(&[imp("DEU")]);
    assert_eq!(
        (deu.len(), deu.ranges().len(), deu.ranks().len()),
        (2, 1, 1)
    );
    assert!(deu.shares().is_empty() && deu.growths().is_empty());
    let world = obs.only(&[Importer::World]);
    assert_eq!(world.shares().len(), 1, "TOP10 of WORLD is kept with WORLD");
    assert_eq!(world.usd_levels().len(), 1);
}

#[test]
fn a_usd_only_level_is_a_value_not_a_row() {
    let obs = load(&v2(&["2025,USA,,,,5000,,,,,,,confirmed,"])).unwrap();
    assert!(obs.is_empty());
    assert_eq!(
        obs.usd_levels().items()[0],
        UsdLevel {
            importer: imp("USA"),
            span: span("2025"),
            usd: 5000.0
        }
    );
    // Tonnes and a US$-only level for one importer and span contradict each other
    // in form: the loader asks for one row.
    let m = only_problem(&v2(&[
        "2025,USA,10,,,,,,,,,,confirmed,",
        "2025,USA,,,,5000,,,,,,,confirmed,",
    ]));
    assert_eq!(
        m,
        "k.csv:3:6: column `usd`: conflicting duplicate: USA 2025 is given in US$ only here \
         but as 10 t on line 2 (put tonnes and US$ on one row)"
    );
}

#[test]
fn each_malformed_form_is_refused_with_its_location() {
    let cases: [(&[&str], &str); 22] = [
        (
            &["2025,USA,5,4,,,,,,,,,confirmed,"],
            "k.csv:2:4: column `tonnes_low`: more than one kind of fact on one row: level (`tonnes`) and range (`tonnes_low`); give each its own row",
        ),
        (
            &["2025,USA,,,,,,1.2,,0.5,,,confirmed,"],
            "k.csv:2:10: column `share`: more than one kind of fact on one row: growth (`growth`) and share (`share`); give each its own row",
        ),
        (
            &["2025,USA,,500,400,,,,,,,,confirmed,"],
            "k.csv:2:4: column `tonnes_low`: tonnes_low (500) is above tonnes_high (400)",
        ),
        (
            &["2025,USA,,-5,,,,,,,,,confirmed,"],
            "k.csv:2:4: column `tonnes_low`: tonnes_low is negative (-5)",
        ),
        (
            &["2025,USA,,,inf,,,,,,,,confirmed,"],
            "k.csv:2:5: column `tonnes_high`: tonnes_high is infinite",
        ),
        (
            &["2025,USA,5,,,,-1,,,,,,confirmed,"],
            "k.csv:2:7: column `usd_per_t`: usd_per_t is negative (-1)",
        ),
        (
            &["2025,USA,,10,,,900,,,,,,confirmed,"],
            "k.csv:2:7: column `usd_per_t`: usd_per_t belongs to a level row, but this is a range row",
        ),
        (
            &["2025,EU27,,,,,,,,1.2,,,confirmed,"],
            "k.csv:2:10: column `share`: share must be above 0 and at most 1 (0.38 for 38 %), not 1.2",
        ),
        (
            &["2025,EU27,,,,,,,,0,,,confirmed,"],
            "k.csv:2:10: column `share`: share must be above 0 and at most 1 (0.38 for 38 %), not 0",
        ),
        (
            &["2025,EU27,,,,,,,,0.3,TOP5,,confirmed,"],
            "k.csv:2:11: column `share_of`: share_of `TOP5` is not a total: expected WORLD, EU27 or a country code",
        ),
        (
            &["2025,TOP10,100,,,,,,,,,,confirmed,"],
            "k.csv:2:2: column `importer`: TOP10 is allowed only on share rows (its members are not stated, so it has no level of its own)",
        ),
        (
            &["2025,WORLD,,,,,,,,,,1,confirmed,"],
            "k.csv:2:2: column `importer`: WORLD cannot be ranked: ranks are among destination countries only",
        ),
        (
            &["2025,EU27,,,,,,,,,,2,confirmed,"],
            "k.csv:2:2: column `importer`: EU27 cannot be ranked: ranks are among destination countries only",
        ),
        (
            &["2025,DEU,,,,,,,,,,5-1,confirmed,"],
            "k.csv:2:12: column `rank`: `5-1` is not a rank: expected a place such as 3, or a range such as 1-5",
        ),
        (
            &[
                "2025,DEU,,,,,,,,,,1,confirmed,",
                "2025,KOR,,,,,,,,,,1,confirmed,",
            ],
            "k.csv:3:12: column `rank`: rank 1 in 2025 is given to two countries: KOR here and DEU on line 2",
        ),
        (
            &[
                "2025,DEU,,,,,,,,,,1,confirmed,",
                "2025,DEU,,,,,,,,,,2,confirmed,",
            ],
            "k.csv:3:12: column `rank`: conflicting duplicate: DEU 2025 rank is 2 here but 1 on line 2 (remove one, or give them the same value)",
        ),
        (
            &[
                "2025,DEU,,,,,,,,,,1-2,confirmed,",
                "2025,KOR,,,,,,,,,,1-2,confirmed,",
                "2025,USA,,,,,,,,,,2,confirmed,",
            ],
            "k.csv:3:12: column `rank`: 3 countries are placed within ranks 1-2 in 2025, which has only 2 places",
        ),
        (
            &["2025,USA,,,,,,0,,,,,confirmed,"],
            "k.csv:2:8: column `growth`: growth is a ratio above 0 (1.24 for +24 %, 0.703 for -29.7 %), not 0",
        ),
        (
            &["2025,USA,,,,,,1.1,mom,,,,confirmed,"],
            "k.csv:2:9: column `growth_basis`: unknown growth_basis `mom`: expected yoy or prev",
        ),
        (
            &["2025,USA,5,,,,,,,,,,guessed,"],
            "k.csv:2:13: column `status`: unknown status `guessed`: expected confirmed, derived or approximate",
        ),
        (
            &["2025,USA,5,,,,,,,,,,derived,"],
            "k.csv:2:13: column `status`: a derived figure needs its derivation in `note` (e.g. `2017 / 1.11`)",
        ),
        (
            &[
                "2025,USA,,,20,,,,,,,,confirmed,",
                "2025,USA,,,30,,,,,,,,confirmed,",
            ],
            "k.csv:3:5: column `tonnes_high`: conflicting duplicate: USA 2025 range is open to 30 t here but open to 20 t on line 2 (remove one, or give them the same value)",
        ),
    ];
    for (rows, expected) in cases {
        assert_eq!(only_problem(&v2(rows)), expected, "rows {rows:?}");
    }
}

#[test]
fn more_refusals_and_what_is_accepted() {
    assert_eq!(
        only_problem(&v2(&["2025,USA,5,,,,,,,,,,,"])),
        "k.csv:2:13: column `status`: status is missing: write confirmed, derived or approximate"
    );
    assert_eq!(
        only_problem(&v2(&["2025,USA,,,,,,,,,,,confirmed,"])),
        "k.csv:2:3: column `tonnes`: tonnes is missing: the row holds no value (fill tonnes or \
         usd, tonnes_low/tonnes_high, growth, share or rank)"
    );
    assert_eq!(
        only_problem(&v2(&["2025,USA,,,,,,,prev,,,,confirmed,"])),
        "k.csv:2:3: column `tonnes`: tonnes is missing: the row holds no value (fill tonnes or \
         usd, tonnes_low/tonnes_high, growth, share or rank)"
    );
    // Every problem of a file is listed, across rows and kinds.
    let err = load(&v2(&[
        "2025,USA,,9,1,,,,,,,,confirmed,",
        "2025,WORLD,,,,,,,,,,3,confirmed,",
        "2025,USA,,,,,,1.1,mom,,,,maybe,",
    ]))
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("4 problems in the data:"), "{err}");
    // No date restriction: users bring any data, 2026 included.
    let obs = load(&v2(&[
        "2026-03,USA,,,,,,,,,,1-5,confirmed,",
        "2026-03,USA,,,,,,,,,,1-5,confirmed,",
        "2024-11..2025-02,WORLD,,,,,,0.7,prev,,,,derived,Q4 / Q3",
    ]))
    .unwrap();
    assert_eq!((obs.ranks().len(), obs.duplicates_dropped()), (1, 1));
    assert_eq!(obs.growths().items()[0].span.len(), 4);
    // In a v1 file status stays free metadata, as before; a v2 file must have
    // the column.
    let old =
        load("period,importer,tonnes,status,note\n2025,USA,5,,\n2024,USA,4,derived,\n").unwrap();
    assert_eq!(old.metadata(1, "status"), Some("derived"));
    assert!(load("period,importer,tonnes,status\n2025,USA,5,preliminary\n").is_ok());
    let err = load("period,importer,tonnes,rank\n2025,USA,,1\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "k.csv:1: missing required column `status` (the header has: `period`, `importer`, \
         `tonnes`, `rank`)"
    );
}

#[test]
fn comtrade_estimated_weights_are_approximate() {
    let text = std::fs::read_to_string("tests/fixtures/comtrade_850511.csv").unwrap();
    // Flag the world row of 2025-01 as a weight Comtrade estimated.
    let flagged = text.replacen(",6357000,False,,False,,", ",6357000,True,,False,,", 1);
    assert_ne!(flagged, text);
    let obs = data::load_from_bytes(
        Path::new("ct.csv"),
        flagged.into_bytes(),
        LoadOptions::default(),
    )
    .unwrap();
    let status: Vec<(&str, String, &str)> = (0..obs.len())
        .map(|i| {
            let o = obs.rows()[i];
            (
                o.importer.code(),
                o.span.to_string(),
                obs.metadata(i, "status").unwrap(),
            )
        })
        .collect();
    assert!(
        status.contains(&("WORLD", "2025-01".into(), "approximate")),
        "{status:?}"
    );
    assert!(
        status.contains(&("DEU", "2025-01".into(), "confirmed")),
        "{status:?}"
    );
    assert_eq!(
        status.iter().filter(|s| s.2 == "approximate").count(),
        1,
        "{status:?}"
    );
    assert!(
        obs.metadata_columns()
            .iter()
            .any(|c| c == "isNetWgtEstimated")
    );
}

#[test]
fn the_format_examples_in_the_data_readme_load_as_documented() {
    let readme = std::fs::read_to_string("data/README.md").unwrap();
    let block: Vec<&str> = readme
        .lines()
        .skip_while(|l| {
            !l.trim_start()
                .starts_with("period,importer,tonnes,tonnes_low")
        })
        .skip(1)
        .skip_while(|l| {
            !l.trim_start()
                .starts_with("period,importer,tonnes,tonnes_low")
        })
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(block.len(), 6, "header and one row per kind: {block:?}");
    let obs = load(&(block.join("\n") + "\n")).unwrap();
    assert_eq!(obs.rows()[0].usd, Some(5.1e6));
    assert_eq!(
        [
            obs.len(),
            obs.ranges().len(),
            obs.growths().len(),
            obs.shares().len(),
            obs.ranks().len()
        ],
        [1, 1, 1, 1, 1]
    );
}
