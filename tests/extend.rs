//! Extending inherited lists: `capacity+` appends to the parent's plants, an
//! entry named like an inherited one replaces it, misuse is located, and
//! `--resolved` shows the merged list.

use std::path::{Path, PathBuf};

use magcast::data::{self, Importer};
use magcast::engine::{self, RunOptions};
use magcast::forecast::{self, FitConfig};
use magcast::scenario::{self, ScenarioError, ValidationContext};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn load(
    paths: &[PathBuf],
) -> Result<Vec<(scenario::Scenario, scenario::ResolvedSpec)>, ScenarioError> {
    scenario::load_resolved(paths, ValidationContext { first_month: None }).map(|l| l.scenarios)
}

const NEW_PLANT: &str = "  - {name: Extra, country: USA, tonnes_per_year: 2000, start: 2027-01, ramp_months: 1, utilization: 1, displacement: 1, serves: {USA: 1}}\n";

/// The twelve plants of the bundled `current-policy`, in file order.
fn inherited() -> Vec<String> {
    let s = scenario::load(
        &[PathBuf::from("scenarios/current-policy.yaml")],
        ValidationContext { first_month: None },
    )
    .unwrap();
    s[0].capacity.iter().map(|p| p.name.clone()).collect()
}

#[test]
fn capacity_plus_appends_and_a_name_overrides_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let parent = inherited();
    assert_eq!(parent.len(), 12);
    let plus = write(
        dir.path(),
        "plus.yaml",
        &format!("extends: current-policy\ncapacity+:\n{NEW_PLANT}"),
    );
    let over = write(
        dir.path(),
        "over.yaml",
        &format!(
            "extends: current-policy\ncapacity+:\n  - {{name: {}, country: USA, tonnes_per_year: 0, start: 2026-01}}\n",
            parent[1]
        ),
    );
    let got = load(&[plus, over]).unwrap();
    let names =
        |i: usize| -> Vec<String> { got[i].0.capacity.iter().map(|p| p.name.clone()).collect() };
    // Appended: the twelve inherited plants, then the child's own.
    assert_eq!(names(0)[..12], parent[..]);
    assert_eq!(names(0)[12], "Extra");
    assert_eq!(names(0).len(), 13);
    // Overridden: still twelve, same order, the second one replaced whole.
    assert_eq!(names(1), parent);
    let second = &got[1].0.capacity[1];
    assert!(second.tonnes_per_year.central().abs() < 1e-12);
    assert!(
        (second.displacement.central() - 1.0).abs() < 1e-12,
        "the default, not the parent's value"
    );
    // The resolved view lists the merged plants and no `+` key.
    let yaml = scenario::extend::to_yaml(&got[0].1.spec);
    assert_eq!(yaml.matches("  name: ").count(), 13, "{yaml}");
    assert!(!yaml.contains("capacity+"));
    assert!(yaml.contains("name: Extra"));
    // Plain `capacity:` still replaces the list.
    let replace = write(
        dir.path(),
        "replace.yaml",
        &format!("extends: current-policy\ncapacity:\n{NEW_PLANT}"),
    );
    assert_eq!(load(&[replace]).unwrap()[0].0.capacity.len(), 1);
}

#[test]
fn plus_on_a_non_list_without_a_parent_list_or_beside_the_plain_key_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "scalar.yaml",
            "extends: current-policy\nhorizon+: 2030-12\n",
            "scalar.yaml:2:11: `horizon+`: `+` extends an inherited list, and `horizon` is not one",
        ),
        (
            "nested.yaml",
            "extends: current-policy\nassumptions:\n  elasticity+: 0.3\n",
            "nested.yaml:3:16: `assumptions.elasticity+`: `+` extends an inherited list, and `elasticity` is not one",
        ),
        (
            "orphan.yaml",
            &format!("capacity+:\n{NEW_PLANT}"),
            "orphan.yaml:2:3: `capacity+`: `capacity+` extends an inherited `capacity`, but no parent scenario sets `capacity`",
        ),
        (
            "orphan-tariffs.yaml",
            "extends: baseline\ntariffs:\n  changes+:\n    - {importer: USA, rate: 0.5, from: 2027-01}\n",
            "orphan-tariffs.yaml:4:5: `tariffs.changes+`: `changes+` extends an inherited `changes`, but no parent scenario sets `changes`",
        ),
        (
            "both.yaml",
            &format!("extends: current-policy\ncapacity:\n{NEW_PLANT}capacity+:\n{NEW_PLANT}"),
            "both.yaml:5:3: `capacity+`: give `capacity` (replace the inherited list) or `capacity+` (extend it), not both",
        ),
    ];
    for (name, text, expected) in cases {
        let path = write(dir.path(), name, text);
        let err = load(&[path]).unwrap_err().to_string();
        assert!(
            err.contains(expected),
            "{name}:\n{err}\nexpected {expected}"
        );
    }
}

#[test]
fn appended_plant_lowers_us_imports_and_replacing_raises_them() {
    let dir = tempfile::tempdir().unwrap();
    let plus = write(
        dir.path(),
        "plus.yaml",
        &format!("extends: current-policy\ncapacity+:\n{NEW_PLANT}"),
    );
    let replace = write(
        dir.path(),
        "replace.yaml",
        &format!("extends: current-policy\ncapacity:\n{NEW_PLANT}"),
    );
    let obs = data::bundled().unwrap();
    let panel = forecast::fit_panel(&obs, &FitConfig::bundled().unwrap()).unwrap();
    let ctx = ValidationContext {
        first_month: Some(panel.last_observed.plus(1)),
    };
    let paths = [
        PathBuf::from("scenarios/current-policy.yaml"),
        plus,
        replace,
    ];
    let scenarios = scenario::load(&paths, ctx).unwrap();
    let run = engine::run(
        &panel,
        &scenarios,
        RunOptions {
            seed: 3,
            draws: Some(200),
        },
        &|_| {},
    )
    .unwrap();
    let usa = run
        .outputs
        .iter()
        .position(|o| *o == "USA".parse::<Importer>().unwrap())
        .unwrap();
    let us_2030 = |s: usize| {
        let r = &run.scenarios[s];
        let y = r.years.iter().position(|&y| y == 2030).unwrap();
        r.yearly.mean[usa * r.years.len() + y]
    };
    let (parent, plus, replace) = (us_2030(0), us_2030(1), us_2030(2));
    // The extra plant displaces up to 2,000 t a year of US imports by 2030;
    // less on average, because in the draws where the inherited US plants
    // already cover most of US demand imports stop at zero (docs/model.md
    // §3.9): on the dynamic baseline about 830 t of the 2,000.
    assert!(
        plus < parent - 500.0 && plus > parent - 2100.0,
        "parent {parent}, plus {plus}"
    );
    // Replacing drops the twelve inherited plants: far more imports (about
    // 3,000 t more in 2030 on the dynamic baseline).
    assert!(
        replace > parent + 2000.0,
        "parent {parent}, replace {replace}"
    );
}

#[test]
fn one_run_lists_three_typos_with_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        write(dir.path(), "t1.yaml", "assumptions:\n  elastcity: 0.3\n"),
        write(dir.path(), "t2.yaml", "horizn: 2030-12\n"),
        write(
            dir.path(),
            "t3.yaml",
            "capacity:\n  - {name: a, country: USA, tonnes_per_yer: 1, start: 2027-01}\n",
        ),
    ];
    let err = load(&files).unwrap_err();
    assert_eq!(err.0.len(), 3, "{err}");
    let text = err.to_string();
    for expected in [
        "t1.yaml:2:3: `assumptions.elastcity`: unknown key `elastcity`; did you mean `elasticity`?",
        "t2.yaml:1:1: `horizn`: unknown key `horizn`; did you mean `horizon`?",
        "t3.yaml:2:29: `capacity[0].tonnes_per_yer`: unknown key `tonnes_per_yer`; did you mean `tonnes_per_year`?",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
}

#[test]
fn an_unknown_importer_code_gets_the_country_it_abbreviates() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "ger.yaml",
        "tariffs:\n  changes:\n    - {importer: GER, rate: 0.1, from: 2027-01}\n",
    );
    let err = load(&[path]).unwrap_err().to_string();
    assert!(err.contains("ger.yaml:3:"), "{err}");
    assert!(err.contains("did you mean `DEU`?"), "{err}");
}

#[test]
fn layers_plus_overrides_one_layer_by_authority_and_importer() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "no301.yaml",
        "extends: current-policy\ntariffs:\n  layers+:\n    - {authority: section-301, importer: usa, source: counterfactual, steps: [{rate: 0, from: 2026-01}]}\n    - {authority: section-232, importer: USA, source: hypothetical, steps: [{rate: 0.1, from: 2027-01}]}\n",
    );
    let s = &load(&[path]).unwrap()[0].0;
    let names: Vec<(&str, &str)> = s
        .tariff_layers
        .iter()
        .map(|l| (l.authority.as_str(), l.source.as_str()))
        .collect();
    // section-301 replaced where it stood (the code `usa` is USA), section-232 appended.
    assert_eq!(names.len(), 6, "{names:?}");
    assert_eq!(names[3], ("section-301", "counterfactual"));
    assert_eq!(names[5], ("section-232", "hypothetical"));
    assert_eq!(names[0].0, "mfn");
}

#[test]
fn one_file_with_three_typos_and_a_wrong_type_lists_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "typos.yaml",
        "horizn: 2030-12\nassumptions:\n  elastcity: 0.3\n  pass_through: high\ncapacity:\n  - {name: a, country: USA, tonnes_per_yer: 1, start: 2027-01}\n",
    );
    let err = load(&[path]).unwrap_err();
    let text = err.to_string();
    assert_eq!(err.0.len(), 4, "{text}");
    for expected in [
        "typos.yaml:1:1: `horizn`: unknown key `horizn`; did you mean `horizon`?",
        "typos.yaml:3:3: `assumptions.elastcity`: unknown key `elastcity`; did you mean `elasticity`?",
        "typos.yaml:4:17: `assumptions.pass_through`: expected a number between 0 and 1, or a distribution",
        "typos.yaml:6:29: `capacity[0].tonnes_per_yer`: unknown key `tonnes_per_yer`; did you mean `tonnes_per_year`?",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
}

#[test]
fn codes_in_another_form_are_read_and_shown_in_the_resolved_view() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "codes.yaml",
        "tariffs:\n  changes:\n    - {importer: de, rate: 0.1, from: 2027-01}\n    - {importer: eu, rate: 0.05, from: 2027-01}\n",
    );
    let s = &load(std::slice::from_ref(&path)).unwrap()[0].0;
    let codes: Vec<&str> = s.tariff_changes.iter().map(|c| c.importer.code()).collect();
    assert_eq!(codes, ["DEU", "EU27"]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_magcast"))
        .args(["validate", "--resolved", path.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("codes.yaml:3:18: `tariffs.changes[0].importer`: `de` read as DEU"),
        "{text}"
    );
    assert!(text.contains("`eu` read as EU27"), "{text}");
}
