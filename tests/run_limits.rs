//! Catalogue entries for runs too large or too extreme: a sweep beyond the
//! work budget is refused before anything is drawn, and observed flows near
//! `f64::MAX` are charted in a bounded time (they used to hang plotters' axis
//! code on an infinite range).

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn magcast(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_magcast"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_sweep_beyond_the_work_budget_is_refused_with_the_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let values: Vec<String> = (1..=1000)
        .map(|i| format!("{}", i as f64 / 1000.0))
        .collect();
    let yaml = format!(
        "name: big\ndescription: too large\nhorizon: 2030-12\ndraws: 100000\n\
         assumptions: {{baseline_uncertainty: true}}\n\
         sweep:\n  assumptions.elasticity: [{}]\n",
        values.join(", ")
    );
    std::fs::write(dir.path().join("big.yaml"), yaml).unwrap();
    let started = Instant::now();
    let o = magcast(dir.path(), &["run", "big.yaml", "--out", "out"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    // 1,000 variants × 100,000 draws × 14 series × 60 months.
    assert!(
        err.contains("8.40e10 cells")
            && err.contains("1000 scenario(s) with 100000000 draws in all × 14 series × up to 60 months = 84000000000")
            && err.contains("more than the limit of 1e10"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    assert!(!dir.path().join("out").exists(), "wrote an output folder");
    // Refused before drawing: the fit and the sweep's resolution only.
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn the_command_line_draws_count_toward_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let values: Vec<String> = (1..=200).map(|i| format!("{}", i as f64 / 100.0)).collect();
    let yaml = format!(
        "name: wide\ndescription: many variants\nhorizon: 2030-12\n\
         assumptions: {{baseline_uncertainty: true}}\n\
         sweep:\n  assumptions.elasticity: [{}]\n",
        values.join(", ")
    );
    std::fs::write(dir.path().join("wide.yaml"), yaml).unwrap();
    let o = magcast(
        dir.path(),
        &["run", "wide.yaml", "--draws", "100000", "--out", "out"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    // 200 × 100,000 × 14 × 60 = 1.68e10.
    assert!(err.contains("1.68e10 cells"), "{err}");
    assert!(!dir.path().join("out").exists());
}

/// A month of 1.7e308 t in the observed history (finite, but 8 % above it is
/// not) made the run hang in the charts: more than 60 s measured, plotters'
/// tick search looping on an infinite axis (the axis is now held at the
/// largest finite value, `charts::axis_top`'s unit test). The data loader now
/// refuses quantities above 1e12 at their cell, so that file exits 2 (it used
/// to be dropped in silence from the history of a `--models` run); at the
/// ceiling the fan and shares charts are still drawn, quickly, with finite
/// coordinates. Measured: 0.11 s for the run on 2 cores (debug build), so 20 s
/// is a margin of over 100×.
#[test]
fn observed_flows_at_the_data_ceiling_are_charted_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    let o = magcast(dir.path(), &["fit", "--out", "models.json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let data = |top: &str| {
        format!("period,importer,tonnes\n2024-01,WORLD,{top}\n2024-02,WORLD,5000\n2024,USA,1000\n")
    };
    std::fs::write(dir.path().join("huge.csv"), data("1.7e308")).unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.yaml");
    let refused = Command::new(env!("CARGO_BIN_EXE_magcast"))
        .current_dir(dir.path())
        .args(["run", scenario.to_str().unwrap()])
        .args([
            "--models",
            "models.json",
            "--data",
            "huge.csv",
            "--out",
            "out",
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("huge.csv:2:") && err.contains("above 1e12"),
        "{err}"
    );
    std::fs::write(dir.path().join("huge.csv"), data("1e12")).unwrap();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_magcast"))
        .current_dir(dir.path())
        .args(["run", scenario.to_str().unwrap()])
        .args(["--models", "models.json", "--data", "huge.csv"])
        .args(["--draws", "10", "--out", "out"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let bound = Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > bound {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the run did not finish in {bound:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit {status}");
    let charts = dir.path().join("out/charts");
    let fan = std::fs::read_to_string(charts.join("fan-WORLD.svg")).unwrap();
    // The observed point is drawn (a circle) at the top of the axis.
    assert!(
        fan.contains("<circle"),
        "no observed points in fan-WORLD.svg"
    );
    for entry in std::fs::read_dir(&charts).unwrap() {
        let path = entry.unwrap().path();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"), "{}", path.display());
        for bad in ["NaN", "inf"] {
            assert!(!svg.contains(bad), "{} contains {bad}", path.display());
        }
    }
}
