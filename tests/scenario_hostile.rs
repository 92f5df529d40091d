//! Scenario inputs from the reliability pass (issue 16) that used to run
//! silently wrong or report no location: each is now refused, located at its key.

use std::path::{Path, PathBuf};

use magcast::scenario::{self, ValidationContext};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[track_caller]
fn refused_once(text: &str, expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "h.yaml", text);
    let err = scenario::load(&[path], ValidationContext { first_month: None }).unwrap_err();
    assert_eq!(err.0.len(), 1, "{err}");
    assert!(
        err.to_string().contains(expected),
        "{err}\nlacks {expected:?}"
    );
}

#[test]
fn one_importer_in_two_spellings_is_refused_not_merged() {
    refused_once(
        "tariffs:\n  reference: {USA: 0.1, US: 0.9}\n",
        "h.yaml:2:20: `tariffs.reference.USA`: USA is given twice in this map, as `US` and as `USA`; keep one",
    );
    refused_once(
        "diversion:\n  - {from: USA, to: {mex: 0.2, MEX: 0.3}}\n",
        "MEX is given twice in this map, as `MEX` and as `mex`",
    );
}

#[test]
fn a_year_for_a_month_is_one_located_problem() {
    refused_once(
        "horizon: 2030\n",
        "h.yaml:1:10: `horizon`: expected text, found the number 2030",
    );
}

#[test]
fn only_parameters_can_be_swept() {
    refused_once(
        "draws: 10\nsweep:\n  draws: [1, 2]\n",
        "h.yaml:3:10: `sweep.draws`: `draws` cannot be swept",
    );
    refused_once(
        "sweep:\n  horizon: [2030]\n",
        "`sweep.horizon`: `horizon` cannot be swept",
    );
}

#[test]
fn extends_names_a_scenario_never_a_path() {
    for parent in ["../etc/x", "/etc/passwd", ".hidden", "a\\\\b"] {
        refused_once(
            &format!("extends: \"{parent}\"\n"),
            "is not a scenario's name: `extends` names a scenario",
        );
    }
}

#[test]
fn a_name_with_a_control_character_is_refused() {
    refused_once(
        "name: \"red\\u001b[31m\"\n",
        "h.yaml:1:7: `name`: `red\\u{1b}[31m` has a control character",
    );
}

#[test]
fn a_byte_order_mark_is_read_as_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "bom.yaml",
        "\u{feff}name: bom\nhorizon: 2029-12\n",
    );
    let s = scenario::load(&[path], ValidationContext { first_month: None }).unwrap();
    assert_eq!(s[0].name, "bom");
}
