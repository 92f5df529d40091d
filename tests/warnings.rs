//! Warnings: each fires on its case, at its key, and on nothing in the bundled
//! scenarios; `reason:` and `replace:` say a case is meant; strict checking
//! (`--strict`) makes them errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use magcast::data::Month;
use magcast::scenario::{self, ValidationContext};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The data end in 2025-12, as the bundled data do.
fn ctx() -> ValidationContext {
    ValidationContext {
        first_month: Some("2026-01".parse::<Month>().unwrap()),
    }
}

/// The warnings of one file, as "key: message".
fn warnings_of(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "w.yaml", text);
    let loaded = scenario::load_resolved(&[path], ctx()).expect("valid");
    loaded
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.key, w.message))
        .collect()
}

#[track_caller]
fn warns(text: &str, key: &str, says: &str) {
    let got = warnings_of(text);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].starts_with(&format!("{key}: ")), "{got:#?}");
    assert!(got[0].contains(says), "{got:#?} lacks {says:?}");
}

#[test]
fn the_bundled_scenarios_raise_no_warning() {
    let loaded = scenario::load_bundled_resolved(ctx()).unwrap();
    assert_eq!(loaded.scenarios.len(), 8);
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
}

#[test]
fn a_rate_written_as_a_percentage_warns() {
    warns(
        "tariffs:\n  changes:\n    - {importer: USA, rate: 25, from: 2027-01}\n",
        "tariffs.changes[0].rate",
        "a rate of 25 is 2,500 %, above 300 %",
    );
    warns(
        "tariffs:\n  layers:\n    - authority: x\n      importer: USA\n      source: s\n      steps:\n        - {rate: {uniform: {low: 0.1, high: 3.5}}, from: 2027-01}\n",
        "tariffs.layers[0].steps[0].rate",
        "350 %",
    );
    warns(
        "tariffs:\n  reference: {USA: 4}\n",
        "tariffs.reference.USA",
        "400 %",
    );
    // 300 % itself is allowed without a word.
    assert!(
        warnings_of("tariffs:\n  changes:\n    - {importer: USA, rate: 3, from: 2027-01}\n")
            .is_empty()
    );
}

#[test]
fn growth_above_thirty_percent_a_year_warns() {
    warns(
        "demand:\n  - {importers: all, extra_growth: 0.5, from: 2027-01}\n",
        "demand[0].extra_growth",
        "50 %/yr, above 30 %/yr",
    );
    warns(
        "demand:\n  - {importers: [DEU], growth: {triangular: {low: 0, mode: 0.1, high: 0.4}}, from: 2027-01}\n",
        "demand[0].growth",
        "40 %/yr",
    );
    warns(
        "assumptions:\n  price: {annual_change: 0.35}\n",
        "assumptions.price.annual_change",
        "35 %/yr",
    );
    assert!(
        warnings_of("demand:\n  - {importers: all, extra_growth: 0.3, from: 2027-01}\n").is_empty()
    );
}

#[test]
fn dates_outside_the_projection_warn() {
    warns(
        "horizon: 2030-12\ntariffs:\n  changes:\n    - {importer: USA, rate: 0.5, from: 2035-01}\n",
        "tariffs.changes[0].from",
        "2035-01 is after the horizon (2030-12)",
    );
    warns(
        "export_controls:\n  - {importers: all, from: 2024-01, to: 2024-06, volume_factor: 0.5, recovery_months: 3}\n",
        "export_controls[0].to",
        "ends in 2024-09, before the projection starts (2026-01)",
    );
    warns(
        "production_credits:\n  - {country: USA, usd_per_kg: 5, from: 2031-01}\n",
        "production_credits[0].from",
        "after the horizon",
    );
    // A recovery that reaches into the projection still acts.
    assert!(
        warnings_of(
            "export_controls:\n  - {importers: all, from: 2025-06, to: 2025-10, volume_factor: 0.5, recovery_months: 6}\n"
        )
        .is_empty()
    );
    // A tariff step wholly in the past is history, not a mistake.
    assert!(
        warnings_of(
            "tariffs:\n  changes:\n    - {importer: USA, rate: 0.5, from: 2024-01, to: 2024-12}\n"
        )
        .is_empty()
    );
}

const OLD_PLANT: &str =
    "capacity:\n  - {name: old, country: USA, tonnes_per_year: 100, start: 2015-01";

#[test]
fn a_plant_started_before_the_data_end_needs_a_reason() {
    warns(
        &format!("{OLD_PLANT}}}\n"),
        "capacity[0].start",
        "before the data end (2025-12)",
    );
    assert!(
        warnings_of(&format!(
            "{OLD_PLANT}, reason: 'closed in 2016, reopens'}}\n"
        ))
        .is_empty()
    );
    warns(
        "capacity:\n  - {name: late, country: USA, tonnes_per_year: 100, start: 2031-01}\n",
        "capacity[0].start",
        "after the horizon",
    );
}

#[test]
fn a_child_that_drops_an_inherited_list_warns_unless_it_says_so() {
    let child = "extends: current-policy\ncapacity:\n  - {name: only, country: USA, tonnes_per_year: 100, start: 2027-01}\n";
    warns(
        child,
        "capacity",
        "replaces the 12 inherited `capacity` entries; write `capacity+:`",
    );
    assert!(warnings_of(&format!("replace: [capacity]\n{child}")).is_empty());
    // Clearing a list on purpose is plain: an empty list.
    assert!(warnings_of("extends: current-policy\ncapacity: []\n").is_empty());
}

#[test]
fn changes_on_top_of_inherited_layers_warn() {
    warns(
        "extends: current-policy\ntariffs:\n  changes:\n    - {importer: USA, rate: 1.0, from: 2026-07}\n",
        "tariffs.changes[0].importer",
        "USA has inherited duty layers (mfn, ieepa-fentanyl, ieepa-reciprocal, section-301, section-122)",
    );
    // Giving the total on purpose: the layers cleared in the same file.
    assert!(
        warnings_of(
            "extends: current-policy\ntariffs:\n  layers: []\n  reference: {USA: 0.221}\n  changes:\n    - {importer: USA, rate: 1.0, from: 2026-07}\n"
        )
        .is_empty()
    );
}

fn magcast(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_magcast"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn strict_makes_a_warning_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "pct.yaml",
        "tariffs:\n  changes:\n    - {importer: USA, rate: 25, from: 2027-01}\n",
    );
    let file = file.to_str().unwrap();
    let lenient = magcast(&["validate", file]);
    assert_eq!(lenient.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&lenient.stderr);
    assert!(stderr.contains("warning: "), "{stderr}");
    assert!(
        stderr.contains("pct.yaml:3:29: `tariffs.changes[0].rate`"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&lenient.stdout).contains("ok: 1 scenario(s), 1 warning"));

    let strict = magcast(&["validate", "--strict", file]);
    assert_eq!(strict.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(
        stderr.contains("strict checking makes it an error"),
        "{stderr}"
    );

    let out = dir.path().join("out");
    let run = magcast(&["run", "--strict", file, "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.exists(), "nothing may be written");
}
