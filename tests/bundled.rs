//! The defaults compiled into the binary: the same as the repository's files,
//! and enough to run every command from a folder that has none of them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use magcast::data;
use magcast::forecast::FitConfig;
use magcast::scenario::{self, ValidationContext};

fn magcast_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_magcast"))
        .current_dir(dir)
        .args(args)
        .env_remove("RAYON_NUM_THREADS")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_bundled_scenarios_are_the_scenario_folder() {
    let mut on_disk: Vec<(String, String)> = std::fs::read_dir(scenario::BUNDLED_SCENARIOS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    on_disk.sort();
    let compiled: Vec<(String, String)> = scenario::BUNDLED_SCENARIO_FILES
        .iter()
        .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
        .collect();
    let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&compiled), names(&on_disk));
    assert_eq!(compiled, on_disk);

    let ctx = ValidationContext {
        first_month: Some(data::Month::new(2026, 1).unwrap()),
    };
    let from_disk = scenario::load(&[PathBuf::from(scenario::BUNDLED_SCENARIOS)], ctx).unwrap();
    let bundled = scenario::load_bundled(ctx).unwrap();
    assert_eq!(format!("{bundled:?}"), format!("{from_disk:?}"));
}

#[test]
fn the_bundled_data_and_fit_configuration_are_the_repository_files() {
    let disk = data::load(Path::new(data::BUNDLED_DATA)).unwrap();
    let bundled = data::bundled().unwrap();
    assert_eq!(bundled.rows(), disk.rows());
    assert_eq!(bundled.source(), Path::new(data::BUNDLED_DATA_NAME));
    assert_eq!(
        FitConfig::bundled().unwrap(),
        FitConfig::from_file(Path::new(magcast::forecast::BUNDLED_FIT_CONFIG)).unwrap()
    );
}

#[test]
fn every_command_works_from_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let o = magcast_in(dir.path(), &["describe", "--year", "2024"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("58,152"), "{}", text(&o.stdout));

    let o = magcast_in(dir.path(), &["validate"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("current-policy"));

    let o = magcast_in(dir.path(), &["forecast", "--until", "2026-12"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));

    let o = magcast_in(dir.path(), &["run", "--draws", "50"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for file in [
        "projections.csv",
        "summary.csv",
        "iamc.csv",
        "scenarios.json",
        "report.html",
    ] {
        assert!(dir.path().join("out").join(file).is_file(), "{file}");
    }
    let json = std::fs::read_to_string(dir.path().join("out/scenarios.json")).unwrap();
    assert!(
        json.contains(data::BUNDLED_DATA_NAME),
        "provenance names the bundled data"
    );
    // Nothing else was written: no data/ or scenarios/ appeared.
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1);
}

#[test]
fn a_scenario_of_ones_own_extends_a_bundled_one_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.yaml"),
        "extends: current-policy\ndescription: current policy, fewer draws\ndraws: 20\n",
    )
    .unwrap();
    let o = magcast_in(dir.path(), &["validate", "mine.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("mine  (horizon 2030-12, 20 draw(s))"));
}

#[test]
fn validate_refuses_what_run_refuses_on_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    // The bundled data end in 2025-12: a horizon in 2025 ends before the
    // projection starts.
    std::fs::write(
        dir.path().join("early.yaml"),
        "description: ends too early\nhorizon: 2025-06\n",
    )
    .unwrap();
    let v = magcast_in(dir.path(), &["validate", "early.yaml"]);
    let r = magcast_in(dir.path(), &["run", "early.yaml", "--draws", "10"]);
    for o in [&v, &r] {
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(err.contains("early.yaml:2:"), "{err}");
        assert!(err.contains("horizon"), "{err}");
    }
    assert_eq!(
        text(&v.stderr).lines().next(),
        text(&r.stderr).lines().next()
    );
    assert!(!dir.path().join("out").exists());

    // With data that end earlier, the same file is fine.
    std::fs::write(
        dir.path().join("short.csv"),
        "period,importer,tonnes\n2024-12,WORLD,4000\n2025-01,WORLD,4100\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("later.yaml"),
        "description: starts after short.csv\nhorizon: 2025-06\n",
    )
    .unwrap();
    let o = magcast_in(
        dir.path(),
        &["validate", "later.yaml", "--data", "short.csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("projections from 2025-02"));
}

#[test]
fn the_threads_flag_alone_sets_the_pool_and_changes_no_output() {
    let runs: Vec<(tempfile::TempDir, Output)> = ["1", "2"]
        .iter()
        .map(|t| {
            let dir = tempfile::tempdir().unwrap();
            let o = magcast_in(dir.path(), &["run", "--draws", "100", "--threads", t]);
            (dir, o)
        })
        .collect();
    for ((_, o), word) in runs.iter().zip(["on 1 thread in", "on 2 threads in"]) {
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains(word), "{}", text(&o.stderr));
    }
    for file in ["projections.csv", "summary.csv", "scenarios.json"] {
        let read = |d: &tempfile::TempDir| std::fs::read(d.path().join("out").join(file)).unwrap();
        assert_eq!(read(&runs[0].0), read(&runs[1].0), "{file}");
    }
    assert_eq!(runs[0].1.stdout, runs[1].1.stdout);

    let dir = tempfile::tempdir().unwrap();
    let o = magcast_in(dir.path(), &["run", "--threads", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--threads"), "{}", text(&o.stderr));
}
