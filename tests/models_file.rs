//! A models file edited by hand or cut short is refused with every problem
//! named by its key (issue 16): it never panics and never runs with numbers
//! that are not the fit's.

use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

use magcast::data;
use magcast::forecast::{FitConfig, FittedPanel, ForecastError, fit_panel};
use serde_json::{Value, json};

/// The bundled panel's models file, as `fit --out` writes it.
static MODELS: LazyLock<String> = LazyLock::new(|| {
    let obs = data::bundled().unwrap();
    let panel = fit_panel(&obs, &FitConfig::bundled().unwrap()).unwrap();
    panel.to_json().unwrap()
});

/// The models file with `edit` applied, read back: the problems, or `None`
/// when it is accepted.
fn problems_after(edit: impl FnOnce(&mut Value)) -> Option<String> {
    let mut v: Value = serde_json::from_str(&MODELS).unwrap();
    edit(&mut v);
    match FittedPanel::from_json(&v.to_string(), Path::new("edited.json")) {
        Ok(_) => None,
        Err(ForecastError::Models { path, reason }) => {
            assert_eq!(path, Path::new("edited.json"));
            Some(reason)
        }
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[test]
fn a_fitted_panel_reads_back_unchanged() {
    let back = FittedPanel::from_json(&MODELS, Path::new("models.json")).unwrap();
    assert!(back.problems().is_empty());
    assert_eq!(back.to_json().unwrap(), *MODELS);
}

/// A change to a models file's JSON.
type Edit = Box<dyn FnOnce(&mut Value)>;

#[test]
fn every_hand_edit_of_the_issue_is_refused_by_its_key() {
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "params cut short",
            Box::new(|v| v["series"][0]["params"] = json!([1.0])),
            "series[0] (WORLD).params: 1 values, the model has 5",
        ),
        (
            "covariance of the wrong length",
            Box::new(|v| v["series"][0]["covariance"] = json!([1.0])),
            "series[0] (WORLD).covariance: 1 values, the model has 25",
        ),
        (
            "negative sigma",
            Box::new(|v| v["series"][1]["sigma"] = json!(-0.5)),
            "series[1] (EU27).sigma: -0.5 is not in (0, 5]",
        ),
        (
            "sigma 1e300",
            Box::new(|v| v["series"][0]["sigma"] = json!(1e300)),
            "sigma: 1e300 is not in (0, 5]",
        ),
        (
            "WORLD removed",
            Box::new(|v| {
                v["series"].as_array_mut().unwrap().remove(0);
            }),
            "series[0] (EU27).model: a share of WORLD, but WORLD is not among the series",
        ),
        (
            "origin after last_observed",
            Box::new(|v| v["origin"] = json!("2026-06")),
            "last_observed: 2025-12 is not 0 to 1200 months after origin 2026-06",
        ),
        (
            "an importer twice",
            Box::new(|v| {
                let dup = v["series"][2].clone();
                v["series"].as_array_mut().unwrap().push(dup);
            }),
            "importer: DEU appears twice",
        ),
        (
            "another release",
            Box::new(|v| v["magcast_version"] = json!("9.9.9")),
            "magcast_version: written by magcast 9.9.9",
        ),
        (
            "no units in the dynamic layout",
            Box::new(|v| v["dynamic"]["layout"]["units"] = json!([])),
            "dynamic.layout.units: empty",
        ),
        (
            "share logits cut short",
            Box::new(|v| v["dynamic"]["shares"]["logits"] = json!([0.0])),
            "dynamic.shares: ",
        ),
        (
            "a negative scale",
            Box::new(|v| v["dynamic"]["world"]["scale"] = json!(-1.0)),
            "dynamic.world: scale -1 is not a positive number",
        ),
        (
            "a damping factor above 1",
            Box::new(|v| v["dynamic"]["world"]["hyper"]["phi"] = json!(1.5)),
            "dynamic.world: damping factor 1.5 is not in (0, 1]",
        ),
        (
            "nothing fitted",
            Box::new(|v| {
                v["series"] = json!([]);
                v.as_object_mut().unwrap().remove("dynamic");
            }),
            "series: no fitted series",
        ),
    ];
    for (what, edit, want) in cases {
        let reason = problems_after(edit).unwrap_or_else(|| panic!("{what}: accepted"));
        assert!(reason.contains(want), "{what}: {reason}");
        assert!(reason.contains("fit them again"), "{what}: {reason}");
    }
}

#[test]
fn problems_are_listed_together() {
    let reason = problems_after(|v| {
        v["series"][0]["sigma"] = json!(-1.0);
        v["series"][0]["params"] = json!([1.0]);
        v["dynamic"]["world"]["scale"] = json!(0.0);
    })
    .unwrap();
    assert!(reason.starts_with("3 problem(s)"), "{reason}");
}

#[test]
fn the_cli_refuses_a_bad_models_file_with_exit_code_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: Value = serde_json::from_str(&MODELS).unwrap();
    v["series"][0]["covariance"] = json!([1.0]);
    let file = dir.path().join("models.json");
    std::fs::write(&file, v.to_string()).unwrap();
    let out_dir = dir.path().join("out");
    for args in [
        vec!["forecast", "--until", "2026-12"],
        vec!["run", "--draws", "10", "--out", out_dir.to_str().unwrap()],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_magcast"))
            .args(&args)
            .arg("--models")
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("models.json"), "{stderr}");
        assert!(stderr.contains("series[0] (WORLD).covariance"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(!out_dir.exists());
}
