//! The `magcast` binary end to end: exit codes, stdout and stderr.

use std::process::{Command, Output};

fn magcast(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_magcast"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn describe_2025_json_on_bundled_data() {
    let o = magcast(&["describe", "--year", "2025", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["year"], 2025);
    assert_eq!(v["total_tonnes"], 57392.0);
    assert_eq!(v["yoy_pct"], -1.31);
    assert_eq!(v["ranking"][0]["importer"], "USA");
    assert_eq!(v["ranking"][0]["tonnes"], 5933.0);
    assert_eq!(v["ranking"][0]["yoy_pct"], -20.3);
    assert_eq!(v["quarters"].as_array().unwrap().len(), 4);
    assert_eq!(v["months"].as_array().unwrap().len(), 12);
    assert!(v["top10_share_pct"].is_null());
}

#[test]
fn describe_defaults_to_the_latest_complete_year_as_a_table() {
    let o = magcast(&["describe"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("China's rare-earth magnet exports in 2025"),
        "{text}"
    );
    assert!(
        text.contains("57,392 t   -1.3% y/y   (2024: 58,152 t)"),
        "{text}"
    );
    assert!(text.contains("H1       22,319  -18.9%  observed"), "{text}");
}

#[test]
fn describe_csv_has_one_row_per_figure() {
    let o = magcast(&["describe", "--year", "2024", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("year,section,item,tonnes,share_pct,yoy_pct,basis")
    );
    assert_eq!(
        lines.next(),
        Some("2024,total,WORLD,58152,100.00,10.00,observed")
    );
    assert_eq!(
        lines.next(),
        Some("2024,importer,DEU,11000,18.92,24.00,observed")
    );
    // 2 halves, 4 quarters, 12 months, total, 5 importers.
    assert_eq!(text.lines().count(), 1 + 1 + 5 + 2 + 4 + 12);
}

#[test]
fn bad_data_exits_2_with_the_location_and_prints_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "period,importer,tonnes\n2025,USA,12a\n2025,XXX,3\n").unwrap();
    let o = magcast(&["describe", "--data", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(err.starts_with("error: 2 problems in the data:"), "{err}");
    assert!(
        err.contains("bad.csv:2:3: column `tonnes`: `12a` is not a number"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:3:2: column `importer`: unknown importer `XXX`"),
        "{err}"
    );
    assert_eq!(err.matches("12a").count(), 1, "printed once: {err}");
}

#[test]
fn missing_file_unknown_year_and_bad_flags_exit_2() {
    let o = magcast(&["describe", "--data", "nope.csv"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("cannot read `nope.csv`"), "{err}");
    assert!(err.contains("caused by: No such file"), "{err}");

    let o = magcast(&["describe", "--year", "1990"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no observation covers 1990"),
        "{}",
        stderr(&o)
    );

    let o = magcast(&["describe", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid value 'xml'"), "{}", stderr(&o));

    let o = magcast(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_describes_the_commands() {
    let o = magcast(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("describe"), "{}", stdout(&o));
    let o = magcast(&["describe", "--help"]);
    assert!(stdout(&o).contains("--year <YEAR>"), "{}", stdout(&o));
}

#[test]
fn describe_reads_comtrade_in_either_view() {
    let o = magcast(&[
        "describe",
        "--data",
        "tests/fixtures/comtrade_850511.csv",
        "--year",
        "2025",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // Only two months of 2025: no year total, but January is there.
    assert!(v["total_tonnes"].is_null());
    assert_eq!(v["months"][0]["tonnes"], 6357.0);
    let o = magcast(&[
        "describe",
        "--data",
        "tests/fixtures/comtrade_850511.csv",
        "--comtrade-view",
        "mirror",
        "--year",
        "2025",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        v["months"][0]["tonnes"].is_null(),
        "mirror data have no WORLD row"
    );
}
