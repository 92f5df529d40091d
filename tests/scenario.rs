//! Scenario files: inheritance, sweeps, distributions, and every class of bad
//! file located by file, line and key.

use std::path::{Path, PathBuf};

use magcast::scenario::{self, Param, ParamSpec, Range, ScenarioError, ValidationContext};
use rand::SeedableRng;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn load(paths: &[PathBuf]) -> Result<Vec<scenario::Scenario>, ScenarioError> {
    scenario::load(paths, ValidationContext { first_month: None })
}

const PARENT: &str = "\
name: parent
description: the parent
horizon: 2029-12
assumptions:
  elasticity: 0.4
  pass_through: 0.95
tariffs:
  reference: {USA: 0.221}
  changes:
    - {importer: USA, rate: 0.471, from: 2026-01}
    - {importer: USA, rate: 1.00, from: 2026-07}
capacity:
  - {name: a, country: USA, tonnes_per_year: 1000, start: 2026-01}
  - {name: b, country: USA, tonnes_per_year: 2000, start: 2027-01}
";

#[test]
fn extends_merges_maps_and_replaces_lists() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "parent.yaml", PARENT);
    let child = write(
        dir.path(),
        "child.yaml",
        "extends: parent\nassumptions:\n  pass_through: 0.8\ncapacity:\n  - {name: c, country: DEU, tonnes_per_year: 500, start: 2026-06}\n",
    );
    // The parent is found next to the child.
    let s = load(&[child]).unwrap();
    assert_eq!(s.len(), 1);
    let s = &s[0];
    assert_eq!(s.name, "child");
    assert_eq!(s.description, "the parent");
    assert_eq!(s.horizon.to_string(), "2029-12");
    // Maps merge: elasticity inherited, pass-through overridden.
    assert!((s.assumptions.elasticity.central() - 0.4).abs() < 1e-12);
    assert!((s.assumptions.pass_through.central() - 0.8).abs() < 1e-12);
    // Lists replace: only the child's plant.
    assert_eq!(s.capacity.len(), 1);
    assert_eq!(s.capacity[0].name, "c");
    assert_eq!(s.tariff_changes.len(), 2);
}

#[test]
fn sweeps_make_one_named_variant_per_combination() {
    let dir = tempfile::tempdir().unwrap();
    let parent = write(dir.path(), "parent.yaml", PARENT);
    let sweep = write(
        dir.path(),
        "sweep.yaml",
        "extends: parent\nsweep:\n  assumptions.elasticity: [0.3, 0.5, 0.8]\n  tariffs.changes[1].rate: [0.5, 1.0, 2.0]\n",
    );
    let s = load(&[parent, sweep]).unwrap();
    assert_eq!(s.len(), 1 + 9);
    let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names[1], "sweep[elasticity=0.3,rate=0.5]");
    assert_eq!(names[9], "sweep[elasticity=0.8,rate=2]");
    let v = &s[6]; // elasticity 0.5, rate 2
    assert_eq!(v.name, "sweep[elasticity=0.5,rate=2]");
    assert!((v.assumptions.elasticity.central() - 0.5).abs() < 1e-12);
    assert!((v.tariff_changes[1].rate.central() - 2.0).abs() < 1e-12);
    assert!((v.tariff_changes[0].rate.central() - 0.471).abs() < 1e-12);
    assert_eq!(v.variant.len(), 2);
}

#[test]
fn distributions_draw_what_they_say() {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
    let n = 20_000;
    let yaml = |t: &str| -> ParamSpec { yaml_serde::from_str(t).unwrap() };
    let mean = |p: &Param, rng: &mut rand_pcg::Pcg64Mcg| {
        (0..n).map(|_| p.sample(rng)).sum::<f64>() / n as f64
    };
    let tri = Param::check(
        &yaml("{triangular: {low: 0.2, mode: 0.5, high: 0.9}}"),
        Range::NON_NEGATIVE,
    )
    .unwrap();
    assert!((mean(&tri, &mut rng) - 1.6 / 3.0).abs() < 0.01);
    let uni = Param::check(&yaml("{uniform: {low: 0.9, high: 1.0}}"), Range::UNIT).unwrap();
    assert!((mean(&uni, &mut rng) - 0.95).abs() < 0.002);
    let norm = Param::check(&yaml("{normal: {mean: 10, sd: 2}}"), Range::ANY).unwrap();
    assert!((mean(&norm, &mut rng) - 10.0).abs() < 0.05);
    let logn = Param::check(
        &yaml("{lognormal: {meanlog: 0, sdlog: 0.5}}"),
        Range::NON_NEGATIVE,
    )
    .unwrap();
    assert!((mean(&logn, &mut rng) - (0.125f64).exp()).abs() < 0.02);
    let values = Param::check(&yaml("{values: [1, 2, 4]}"), Range::ANY).unwrap();
    assert!((mean(&values, &mut rng) - 7.0 / 3.0).abs() < 0.03);
    // Draws are clipped to the parameter's range: a share never leaves [0, 1].
    let clipped = Param::check(&yaml("{normal: {mean: 0.95, sd: 0.5}}"), Range::UNIT).unwrap();
    assert!((0..1000).all(|_| (0.0..=1.0).contains(&clipped.sample(&mut rng))));
    assert!(!Param::check(&yaml("0.3"), Range::UNIT).unwrap().is_random());
    let err = Param::check(
        &yaml("{triangular: {low: 0.5, mode: 0.2, high: 0.9}}"),
        Range::UNIT,
    )
    .unwrap_err();
    assert!(err.contains("low ≤ mode ≤ high"), "{err}");
}

/// The problems a file with `yaml` is refused for, as `line:col key message`.
fn located_problems(yaml: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.yaml", yaml);
    let ScenarioError(problems) = load(&[path]).expect_err("should be refused");
    problems
        .iter()
        .map(|p| format!("{}:{} {} {}", p.line, p.column, p.key, p.message))
        .collect()
}

#[track_caller]
fn refused(files: &[(&str, &str)], expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = files.iter().map(|(n, t)| write(dir.path(), n, t)).collect();
    let err = load(&paths).expect_err("should be refused").to_string();
    for e in expected {
        assert!(err.contains(e), "{err}\nlacks {e:?}");
    }
}

/// Every bad tariff form of one file in one report: `to` before `from` on a
/// change and on a layer step, overlapping layer steps, a negative rate, an
/// unknown code, a layer without steps.
#[test]
fn bad_tariff_layers_and_ends_are_all_located_at_once() {
    let yaml = "\
tariffs:
  changes:
    - {importer: USA, rate: 0.3, from: 2027-01, to: 2026-06}
  layers:
    - authority: ieepa
      importer: USA
      source: Mondaq
      steps:
        - {rate: 0.2, from: 2025-03}
        - {rate: 0.1, from: 2025-11, to: 2025-10}
        - {rate: 0.1, from: 2026-06, to: 2026-12}
        - {rate: -0.1, from: 2026-09}
    - {authority: section-232, importer: GER, source: none, steps: []}
";
    let got = located_problems(yaml);
    let want = [
        "3:53 tariffs.changes[0].to `to` (2026-06) is before `from` (2027-01)",
        "10:42 tariffs.layers[0].steps[1].to `to` (2025-10) is before `from` (2025-11)",
        "12:18 tariffs.layers[0].steps[3].rate the value -0.1 is not between 0 and 100",
        "12:30 tariffs.layers[0].steps[3].from this step (2026-09) overlaps step [2] of the same layer (2026-06 to 2026-12)",
        "13:42 tariffs.layers[1].importer `GER`",
        "13:68 tariffs.layers[1].steps list at least one step",
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for w in want {
        assert!(
            got.iter().any(|g| g.starts_with(w)),
            "{w:?} not in {got:#?}"
        );
    }
}

#[test]
fn every_class_of_bad_file_is_located() {
    refused(
        &[("a.yaml", "name: a\ntarifs: {}\n")],
        &[
            "a.yaml:2:1",
            "unknown key `tarifs`; did you mean `tariffs`?",
        ],
    );
    refused(
        &[("a.yaml", "name: a\ndraws: many\n")],
        &["a.yaml:2:8: `draws`: expected a whole number, found `many`"],
    );
    refused(
        &[(
            "a.yaml",
            "capacity:\n  - {name: x, country: USA, tonnes_per_year: -5, start: 2026-01}\n",
        )],
        &["a.yaml:2:46: `capacity[0].tonnes_per_year`: the value -5 is not between 0 and 1e7"],
    );
    refused(
        &[(
            "a.yaml",
            "capacity:\n  - name: x\n    country: EST\n    tonnes_per_year: 100\n    start: 2026-01\n    serves: {DEU: 0.7, POL: 0.5}\n",
        )],
        &["a.yaml:6:13: `capacity[0].serves`: the shares add up to 1.2, more than 1"],
    );
    refused(
        &[("a.yaml", "diversion:\n  - {from: USA, to: {MEX: 1.5}}\n")],
        &["`diversion[0].to.MEX`: the value 1.5 is not between 0 and 1"],
    );
    refused(
        &[(
            "a.yaml",
            "export_controls:\n  - {importers: all, from: 2026-11, to: 2026-02, volume_factor: 0.5}\n",
        )],
        &["a.yaml:2:41: `export_controls[0].to`: `to` (2026-02) is before `from` (2026-11)"],
    );
    refused(
        &[(
            "a.yaml",
            "tariffs:\n  changes:\n    - {importer: XYZ, rate: 0.5, from: 2026-01}\n",
        )],
        &["a.yaml:3:18: `tariffs.changes[0].importer`: `XYZ` is not an importer code"],
    );
    refused(
        &[("a.yaml", "extends: b\n"), ("b.yaml", "extends: a\n")],
        &["`extends` makes a cycle: a → b → a"],
    );
    refused(
        &[("a.yaml", "extends: nobody\n")],
        &["a.yaml:1:10: `extends`: unknown parent scenario `nobody`"],
    );
    refused(
        &[("a.yaml", "name: [unclosed\n")],
        &["a.yaml:2:1", "not valid YAML"],
    );
    refused(
        &[("a.yaml", "- just\n- a list\n")],
        &["a.yaml:1:1", "must be a mapping"],
    );
    refused(&[("a.yaml", "")], &["a.yaml:0:0: the file is empty"]);
    // Every problem of every file is listed at once.
    refused(
        &[
            ("a.yaml", "horizon: 2030-13\ndraws: 0\n"),
            ("b.yaml", "demand:\n  - {importers: [USA], from: 2026-01}\n"),
        ],
        &[
            "3 problems in the configuration:",
            "a.yaml:1:10: `horizon`",
            "a.yaml:2:8: `draws`",
            "b.yaml:2:5: `demand[0]`: give `extra_growth`",
        ],
    );
}

#[test]
fn bundled_scenarios_are_valid_and_documented() {
    let s = load(&[PathBuf::from(scenario::BUNDLED_SCENARIOS)]).unwrap();
    let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
    for expected in [
        "baseline",
        "current-policy",
        "us-tariff-escalation",
        "us-tariff-rerouting",
        "onshoring-accelerated",
        "production-credit-instead-of-tariff",
        "export-controls-return",
        "eu-resilience",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
        let text = std::fs::read_to_string(format!("scenarios/{expected}.yaml")).unwrap();
        assert!(text.starts_with('#'), "{expected} has no comment block");
        assert!(
            text.contains("docs/sources.md"),
            "{expected} cites no source"
        );
    }
    let current = s.iter().find(|s| s.name == "current-policy").unwrap();
    // The US duty as layers with their sources, adding up to the §3.1 totals.
    assert!(current.tariff_layers.iter().all(|l| !l.source.is_empty()));
    let first = magcast::data::Month::new(2026, 1).unwrap();
    let usa = &current.tariff_schedules(first)[0];
    assert_eq!(
        usa.authorities,
        [
            "mfn",
            "ieepa-fentanyl",
            "ieepa-reciprocal",
            "section-301",
            "section-122"
        ]
    );
    let totals: Vec<(String, f64)> = usa
        .rows
        .iter()
        .map(|r| (r.from.to_string(), (r.total * 1000.0).round() / 1000.0))
        .collect();
    let want = [
        ("2025-12", 0.221),
        ("2026-01", 0.471),
        ("2026-03", 0.421),
        ("2026-08", 0.271),
    ];
    assert_eq!(
        totals,
        want.map(|(m, r)| (m.to_string(), r)).to_vec(),
        "current-policy's US duty"
    );
    assert!(!current.capacity.is_empty());
}

/// Every bad re-export route of one file in one report, each at its key: a
/// route to WORLD, through a group, through a member of the importer reached,
/// shares that can leave nothing direct, an empty `via`, an importer given
/// twice, a share above 1 and an unknown code.
#[test]
fn bad_reexport_routes_are_all_located_at_once() {
    let yaml = "\
reexport_routes:
  - {to: WORLD, via: {VNM: 0.1}}
  - {to: EU27, via: {DEU: 0.1, EU27: 0.1}}
  - {to: USA, via: {VNM: {uniform: {low: 0.2, high: 0.7}}, MEX: 0.4}}
  - {to: JPN, via: {}}
  - {to: USA, via: {THA: 0.1}}
  - {to: KOR, via: {VNM: 1.5, XXX: 0.1}}
";
    let got = located_problems(yaml);
    let want = [
        "2:10 reexport_routes[0].to WORLD has no route to itself",
        "3:38 reexport_routes[1].via.EU27 EU27 is not a country",
        "3:27 reexport_routes[1].via.DEU DEU is inside EU27",
        "4:20 reexport_routes[2].via the shares can add up to 1.1",
        "5:20 reexport_routes[3].via name at least one country",
        "6:10 reexport_routes[4].to USA already has its routes in entry 2",
        "7:26 reexport_routes[5].via.VNM the value 1.5 is not between 0 and 1",
        "7:36 reexport_routes[5].via.XXX `XXX` is not an importer code",
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for w in want {
        assert!(
            got.iter().any(|g| g.starts_with(w)),
            "{w:?} not in {got:#?}"
        );
    }
}
