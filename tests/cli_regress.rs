//! `magcast regress` end to end: the built binary, its exit codes, stderr and JSON.

mod common;

use std::io::Write;
use std::process::Command;

fn csv(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn strd_csv(kind: &str, name: &str) -> tempfile::NamedTempFile {
    let set = common::load(kind, name);
    let mut text = String::from("y,x\n");
    for (y, x) in set.y.iter().zip(&set.x[0]) {
        text.push_str(&format!("{y},{x}\n"));
    }
    csv(&text)
}

/// Runs `magcast regress ARGS`; returns (exit code, stdout, stderr).
fn regress(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_magcast"))
        .arg("regress")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn norris_json_matches_certified_values() {
    let f = strd_csv("linear", "Norris");
    let path = f.path().to_str().unwrap();
    let (code, out, err) = regress(&[
        "--data", path, "--y", "y", "--x", "x", "--model", "linear", "--format", "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["model"], "linear");
    let params = v["params"].as_array().unwrap();
    assert_eq!(params[0]["name"], "b0");
    let b0 = params[0]["estimate"].as_f64().unwrap();
    let b1 = params[1]["estimate"].as_f64().unwrap();
    let se1 = params[1]["std_error"].as_f64().unwrap();
    assert!(common::lre(b0, -0.262323073774029, 15.0) > 9.0);
    assert!(common::lre(b1, 1.00211681802045, 15.0) > 9.0);
    assert!(common::lre(se1, 0.429796848199937E-03, 15.0) > 8.0);
    assert!(common::lre(v["r_squared"].as_f64().unwrap(), 0.999993745883712, 15.0) > 8.0);
    assert_eq!(v["df_resid"], 34);
    assert_eq!(v["converged"], true);
    for key in ["rss", "residual_sd", "aic", "aicc", "bic", "iterations"] {
        assert!(v[key].is_number(), "{key}");
    }
}

#[test]
fn nonlinear_fits_start_automatically_or_from_start() {
    let f = strd_csv("nonlinear", "Rat42");
    let path = f.path().to_str().unwrap();
    let base = [
        "--data", path, "--y", "y", "--x", "x", "--model", "logistic", "--format", "json",
    ];
    let (code, out, err) = regress(&base);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["converged"], true);
    let b1 = v["params"][0]["estimate"].as_f64().unwrap();
    assert!(common::lre(b1, 7.2462237576E+01, 11.0) > 6.0);
    let mut with_start = base.to_vec();
    with_start.extend(["--start", "100,1,0.1"]);
    let (code, out, _) = regress(&with_start);
    assert_eq!(code, 0);
    assert!(out.contains("\"converged\": true"));
    // The table format names every statistic.
    let (code, out, _) = regress(&base[..8]);
    assert_eq!(code, 0);
    for word in [
        "b1",
        "b3",
        "rss",
        "residual_sd",
        "r_squared",
        "aicc",
        "converged",
    ] {
        assert!(out.contains(word), "{word} missing in\n{out}");
    }
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let good = csv("t,y,z\n1,2,1\n2,4.1,2\n3,5.9,3\n4,8.2,4\n5,9.9,5\n");
    let p = good.path().to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--data", p, "--y", "y", "--x", "w", "--model", "linear"],
            "no column `w`",
        ),
        (
            vec!["--data", p, "--y", "y", "--x", "t", "--model", "poly:0"],
            "unknown model",
        ),
        (
            vec!["--data", p, "--y", "y", "--x", "t", "--model", "foo"],
            "unknown model",
        ),
        (
            vec!["--data", p, "--y", "y", "--x", "t", "--model", "poly:4"],
            "too few rows",
        ),
        (
            vec!["--data", p, "--y", "y", "--x", "t,z", "--model", "linear"],
            "rank-deficient",
        ),
        (
            vec![
                "--data", p, "--y", "y", "--x", "t", "--model", "logistic", "--start", "1,2",
            ],
            "3 parameters",
        ),
        (
            vec![
                "--data", p, "--y", "y", "--x", "t", "--model", "linear", "--start", "1,2",
            ],
            "starting values",
        ),
        (
            vec![
                "--data",
                p,
                "--y",
                "y",
                "--x",
                "t",
                "--model",
                "gompertz",
                "--no-intercept",
            ],
            "no intercept",
        ),
        (
            vec!["--data", p, "--y", "y", "--x", "t,z", "--model", "logistic"],
            "exactly one",
        ),
        (
            vec![
                "--data",
                "/nonexistent/data.csv",
                "--y",
                "y",
                "--x",
                "t",
                "--model",
                "linear",
            ],
            "cannot read",
        ),
    ];
    for (args, needle) in cases {
        let (code, _, err) = regress(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let bad = csv("t,y\n1,2\n2,x7\n3,4\n");
    let (code, _, err) = regress(&[
        "--data",
        bad.path().to_str().unwrap(),
        "--y",
        "y",
        "--x",
        "t",
        "--model",
        "linear",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains(":3:2: column `y`: `x7` is not a number"),
        "{err}"
    );
    let inf = csv("t,y\n1,2\n2,inf\n3,4\n");
    let (code, _, err) = regress(&[
        "--data",
        inf.path().to_str().unwrap(),
        "--y",
        "y",
        "--x",
        "t",
        "--model",
        "linear",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a finite number"), "{err}");
}
