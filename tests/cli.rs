//! The `magcast` binary end to end: exit codes, stdout and stderr.

use std::process::{Command, Output};

use magcast::data::{Group, Importer};

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
    assert!(
        text.contains("H1       22,319        -18.9%  observed"),
        "{text}"
    );
}

#[test]
fn describe_csv_has_one_row_per_figure() {
    let o = magcast(&["describe", "--year", "2024", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "year,section,item,tonnes,share_pct,yoy_pct,basis,tonnes_kind,tonnes_low,tonnes_high,\
             change_from,change_basis,change_low_pct,change_high_pct,share_low_pct,share_high_pct"
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            // 58,152 / 52,576 (2023) = +10.61 %.
            "2024,total,WORLD,58152,100.00,10.61,observed,point,58152,58152,levels,yoy,10.61,10.61,100.00,100.00"
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            // "nearly 11,000 t" = 10,450-11,000: 17.97-18.92 % of 58,152; +24 % published.
            "2024,importer,DEU,,,24.00,observed range (rank 1),range,10450,11000,growth,yoy,24.00,24.00,17.97,18.92"
        )
    );
    // Total, 10 importers (the top ten of 2024 as published), EU27, 4 published
    // shares (TOP10, TOP3 three times), 2 halves, 4 quarters, 12 months.
    assert_eq!(text.lines().count(), 1 + 1 + 10 + 1 + 4 + 2 + 4 + 12);
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

#[test]
fn forecast_csv_has_the_contract_columns_and_every_series() {
    let o = magcast(&[
        "forecast", "--until", "2026-03", "--paths", "300", "--format", "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("importer,period,mean,lower_80,upper_80,lower_95,upper_95")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // WORLD, EU27, 11 countries, ROW; three months each.
    assert_eq!(rows.len(), 14 * 3);
    assert_eq!(&rows[0][..2], ["WORLD", "2026-01"]);
    assert_eq!(&rows[41][..2], ["ROW", "2026-03"]);
    for r in &rows {
        let v: Vec<f64> = r[2..].iter().map(|x| x.parse().unwrap()).collect();
        assert!(
            v[1] <= v[2] && v[3] <= v[1] && v[2] <= v[4] && v[3] >= 0.0,
            "{r:?}"
        );
    }
}

#[test]
fn saved_models_forecast_like_a_refit_and_threads_do_not_change_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models.json");
    let o = magcast(&["fit", "--out", models.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["panel"]["series"][0]["importer"], "WORLD");
    let args = [
        "forecast", "--until", "2027-12", "--paths", "500", "--format", "csv",
    ];
    let refit = magcast(&args);
    let mut with_models: Vec<&str> = args.to_vec();
    with_models.extend(["--models", models.to_str().unwrap()]);
    let saved = magcast(&with_models);
    assert_eq!(saved.status.code(), Some(0), "{}", stderr(&saved));
    assert_eq!(stdout(&refit), stdout(&saved));
    let one_thread = Command::new(env!("CARGO_BIN_EXE_magcast"))
        .args(args)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let two_threads = Command::new(env!("CARGO_BIN_EXE_magcast"))
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .unwrap();
    assert_eq!(one_thread.stdout, two_threads.stdout);
    assert_eq!(one_thread.stdout, refit.stdout);
}

#[test]
fn fit_shows_models_and_residuals() {
    let o = magcast(&["fit", "--residuals"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("WORLD     exponential"), "{text}");
    assert!(text.contains("share-of-world"), "{text}");
    assert!(
        text.contains("Observations beside the fitted median of their span"),
        "{text}"
    );
    assert!(text.contains("WORLD     2025-05"), "{text}");
}

#[test]
fn fit_and_forecast_refuse_bad_input_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fit.yaml");
    std::fs::write(
        &config,
        "candidates: [exponential]\nseasonality: sometimes\n",
    )
    .unwrap();
    let o = magcast(&["fit", "--config", config.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("fit.yaml:2:14: `seasonality`: unknown variant `sometimes`"),
        "{}",
        stderr(&o)
    );

    let o = magcast(&["forecast", "--until", "2025-06"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--until 2025-06 is not after the last observed month 2025-12"),
        "{}",
        stderr(&o)
    );

    let o = magcast(&["forecast", "--until", "2026-13"]);
    assert_eq!(o.status.code(), Some(2));

    let bogus = dir.path().join("models.json");
    std::fs::write(&bogus, "{\"not\": \"models\"}").unwrap();
    let o = magcast(&[
        "forecast",
        "--until",
        "2026-12",
        "--models",
        bogus.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a models file written by magcast's fit"),
        "{}",
        stderr(&o)
    );

    let o = magcast(&["fit", "--out", "/no/such/dir/models.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot write `/no/such/dir/models.json`"),
        "{}",
        stderr(&o)
    );

    let o = magcast(&["forecast", "--until", "2026-12", "--level", "80,120"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("interval level 120 is not between 0 and 100"),
        "{}",
        stderr(&o)
    );
}

fn run_in(dir: &std::path::Path, extra: &[&str], threads: &str) -> Output {
    let out = dir.join("out");
    let mut args = vec!["run", "--out", out.to_str().unwrap(), "--draws", "200"];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_magcast"))
        .args(&args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap()
}

#[test]
fn run_writes_projections_and_provenance_identically_for_any_thread_count() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let a = run_in(one.path(), &[], "1");
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    let b = run_in(two.path(), &["--threads", "2"], "2");
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    let read = |d: &std::path::Path, f: &str| std::fs::read(d.join("out").join(f)).unwrap();
    assert_eq!(
        read(one.path(), "projections.csv"),
        read(two.path(), "projections.csv")
    );
    assert_eq!(
        read(one.path(), "scenarios.json"),
        read(two.path(), "scenarios.json")
    );
    let table = stdout(&a);
    for name in [
        "baseline",
        "current-policy",
        "us-tariff-escalation",
        "eu-resilience",
    ] {
        assert!(table.contains(name), "{table}");
    }
    let csv = String::from_utf8(read(one.path(), "projections.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("scenario,importer,period,mean,p05,p50,p95,baseline,value_usd,tariff_revenue_usd")
    );
    // 8 scenarios × 14 series × 60 months.
    assert_eq!(csv.lines().count(), 1 + 8 * 14 * 60);
    let mut world = std::collections::HashMap::new();
    let mut parts = std::collections::HashMap::new();
    let in_eu27 = |code: &str| matches!(code.parse::<Importer>(), Ok(Importer::Country(c)) if Group::Eu27.contains(c));
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let v: Vec<f64> = f[3..].iter().map(|x| x.parse().unwrap()).collect();
        assert!(v.iter().all(|x| x.is_finite() && *x >= 0.0), "{line}");
        assert!(v[1] <= v[2] && v[2] <= v[3], "{line}");
        let key = (f[0].to_string(), f[2].to_string());
        match f[1] {
            "WORLD" => {
                world.insert(key, v[0]);
            }
            // Countries inside EU27 are counted through EU27.
            code if in_eu27(code) => {}
            _ => *parts.entry(key).or_insert(0.0) += v[0],
        }
    }
    for (key, w) in &world {
        let p = parts[key];
        assert!(
            (p - w).abs() <= 1e-3 * w.max(1.0),
            "{key:?}: parts {p} vs WORLD {w}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&read(one.path(), "scenarios.json")).unwrap();
    assert_eq!(json["seed"], 42);
    assert_eq!(json["scenarios"].as_array().unwrap().len(), 8);
    assert_eq!(json["data"]["last_observed"], "2025-12");
    // The layers and the total per step of current-policy's US duty.
    let current = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "current-policy")
        .unwrap();
    let usa = &current["tariffs"][0];
    assert_eq!(usa["importer"], "USA");
    assert_eq!(usa["authorities"][3], "section-301");
    let totals: Vec<(String, f64)> = usa["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["from"].as_str().unwrap().to_string(),
                r["total"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            ("2025-12", 0.221),
            ("2026-01", 0.471),
            ("2026-03", 0.421),
            ("2026-08", 0.271)
        ]
        .map(|(m, r)| (m.to_string(), r))
    );
    assert_eq!(usa["rows"][2]["layers"][4], 0.15);
}

#[test]
fn bad_scenarios_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "name: bad\ncapacity:\n  - {name: x, country: USA, tonnes_per_year: -1, start: 2026-01}\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &[bad.to_str().unwrap()], "2");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.yaml:3:46: `capacity[0].tonnes_per_year`"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("out").exists(), "nothing may be written");

    let o = magcast(&["validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let o = magcast(&["validate", "scenarios"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("ok: 8 scenario(s)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn schema_describes_the_scenario_format() {
    let o = magcast(&["schema"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let props = &v["properties"];
    for key in [
        "name",
        "extends",
        "horizon",
        "assumptions",
        "tariffs",
        "capacity",
        "demand",
        "export_controls",
        "diversion",
        "production_credits",
        "sweep",
    ] {
        assert!(props.get(key).is_some(), "schema lacks {key}");
    }
    assert_eq!(v["additionalProperties"], false);
}

#[test]
fn every_class_of_bad_scenario_file_exits_2_names_file_and_line_and_writes_nothing() {
    let classes = [
        (
            "unknown-key.yaml",
            "name: x\ntarifs: {}\n",
            "unknown-key.yaml:2:1",
        ),
        ("wrong-type.yaml", "draws: many\n", "wrong-type.yaml:1:8"),
        (
            "negative-capacity.yaml",
            "capacity:\n  - {name: x, country: USA, tonnes_per_year: -5, start: 2026-01}\n",
            "negative-capacity.yaml:2:46",
        ),
        (
            "shares.yaml",
            "diversion:\n  - {from: USA, to: {MEX: 0.7, VNM: 0.6}}\n",
            "shares.yaml:2:21: `diversion[0].to`: the shares add up to 1.3",
        ),
        (
            "to-before-from.yaml",
            "demand:\n  - {importers: all, extra_growth: 0.1, from: 2027-01, to: 2026-01}\n",
            "to-before-from.yaml:2:60: `demand[0].to`",
        ),
        (
            "unknown-importer.yaml",
            "tariffs: {reference: {ZZZ: 0.1}}\n",
            "unknown-importer.yaml:1:28: `tariffs.reference.ZZZ`",
        ),
        (
            "cycle.yaml",
            "extends: cycle\n",
            "cycle.yaml:1:10: `extends`: `extends` makes a cycle",
        ),
        (
            "not-yaml.yaml",
            "a: [1, 2\n",
            "not-yaml.yaml:2:1: not valid YAML",
        ),
    ];
    for (name, text, expected) in classes {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let out = dir.path().join("out");
        let o = magcast(&[
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{name}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{name}");
        assert!(!out.exists(), "{name}: nothing may be written");
    }
}

#[test]
fn validate_resolved_prints_the_merged_scenario_as_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let child = dir.path().join("child.yaml");
    std::fs::write(
        &child,
        "extends: current-policy\ncapacity+:\n  - {name: Extra, country: USA, tonnes_per_year: 2000, start: 2027-01}\n",
    )
    .unwrap();
    let o = magcast(&["validate", "--resolved", child.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // The twelve inherited plants and the child's, in one plain list.
    assert_eq!(out.matches("\n  name: ").count(), 13, "{out}");
    assert!(out.contains("---\n# child\n"), "{out}");
    assert!(!out.contains("capacity+"), "{out}");
    // Distributions print in the file form, readable again.
    assert!(out.contains("elasticity:\n    triangular:\n"), "{out}");
}
