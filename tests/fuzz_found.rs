//! The fuzz targets' ways into the library (text in memory instead of a file)
//! behave as the file readers do, and every input the fuzzers found to break
//! something is here with its expected answer (fuzz/README.md).

use std::path::Path;

use magcast::forecast::{FitConfig, FittedPanel, ForecastError, forecast_panel};
use magcast::report::{self, ReportError};
use serde_json::{Value, json};

const SUMMARY: &str = "tests/fixtures/trade2/summary-before.csv";
const MODELS: &str = "tests/fixtures/trade2/models.json";

/// The saved trade models (the `models_file` target's seed) with `edit`
/// applied, as the models-file check words its refusal.
fn models_refusal(edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(MODELS).unwrap()).unwrap();
    edit(&mut v);
    match FittedPanel::from_json(&v.to_string(), Path::new("m.json")) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn summary_text_reads_as_the_file_does() {
    let from_file = report::read_summary(Path::new(SUMMARY)).unwrap();
    let text = std::fs::read(SUMMARY).unwrap();
    let from_text = report::read_summary_from_reader(&text[..], Path::new(SUMMARY)).unwrap();
    assert_eq!(from_file, from_text);
    assert_eq!(from_text.len(), 490);
    assert_eq!(from_text[0].scenario, "baseline");
}

#[test]
fn a_bad_summary_gives_the_same_message_from_text_and_from_a_file() {
    let text = "scenario,importer,year,mean\nbaseline,WORLD,2026,lots\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.csv");
    std::fs::write(&path, text).unwrap();
    let from_file = report::read_summary(&path).unwrap_err().to_string();
    let from_text = report::read_summary_from_reader(text.as_bytes(), &path)
        .unwrap_err()
        .to_string();
    assert_eq!(from_file, from_text);
    assert!(from_text.contains("line 2"), "{from_text}");
}

#[test]
fn a_missing_summary_names_the_file() {
    let err = report::read_summary(Path::new("/nonexistent/summary.csv")).unwrap_err();
    let ReportError::Read { path, reason } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(path, Path::new("/nonexistent/summary.csv"));
    assert!(reason.contains("No such file"), "{reason}");
}

#[test]
fn fit_configuration_text_checks_as_the_file_does() {
    let text = std::fs::read_to_string("data/fit.yaml").unwrap();
    let config = FitConfig::from_text(Path::new("fit.yaml"), text).unwrap();
    assert_eq!(config, FitConfig::bundled().unwrap());
    assert_eq!(
        config,
        FitConfig::from_file(Path::new("data/fit.yaml")).unwrap()
    );
}

#[test]
fn bad_fit_configuration_text_is_located() {
    let text = "share_trend_prior_sd: -1\ncandidates: [cubic]\n";
    let Err(ForecastError::Config(problems)) =
        FitConfig::from_text(Path::new("c.yaml"), text.to_string())
    else {
        panic!("accepted");
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(
        shown[0].starts_with("c.yaml:2:14: `candidates[0]`"),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("c.yaml:1:23: `share_trend_prior_sd`"),
        "{shown:?}"
    );
}

/// models_file, 2026-12-02: a share whose intervention months point at a
/// window it does not have (index 5 of 1) passed the check and panicked in
/// `forecast/curve.rs` (index out of bounds) when the paths were drawn.
#[test]
fn an_intervention_index_past_the_windows_is_refused() {
    let jpn = 6;
    let reason = models_refusal(|v| {
        assert_eq!(v["series"][jpn]["importer"], "JPN");
        v["series"][jpn]["model"]["interventions"]["params"] = json!([5, 0, 0]);
    });
    assert!(
        reason.contains(
            "series[6] (JPN).model.interventions: 3 months, 3 window indices; each must be 0 to 0"
        ),
        "{reason}"
    );
}

/// The same check covers months without an index (the other way to index
/// past the end).
#[test]
fn intervention_months_without_an_index_are_refused() {
    let reason =
        models_refusal(|v| v["series"][0]["model"]["interventions"]["params"] = json!([0]));
    assert!(
        reason.contains(
            "series[0] (WORLD).model.interventions: 3 months, 1 window indices; each must be 0 to 2"
        ),
        "{reason}"
    );
}

/// models_file, 2026-12-02: a WORLD level of 3e60 t a month is finite, so the
/// check let it through, but the quantiles (kept as f32) overflowed and the
/// forecast's bounds were NaN. The forecast is now refused, naming the series
/// and month.
#[test]
fn a_forecast_that_overflows_is_refused() {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(MODELS).unwrap()).unwrap();
    v["series"][0]["params"][0] = json!(3e60);
    let panel = FittedPanel::from_json(&v.to_string(), Path::new("m.json")).unwrap();
    let until = panel.last_observed.plus(12);
    match forecast_panel(&panel, until, &[90.0], 8, 7) {
        Err(ForecastError::Request(why)) => assert!(
            why.starts_with("the forecast of WORLD in 2026-01 is not a finite number"),
            "{why}"
        ),
        Ok(f) => panic!("accepted: upper bound {}", f.upper[0][0][0]),
        Err(e) => panic!("{e}"),
    }
}
