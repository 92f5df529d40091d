//! The JSON Schema of `magcast schema` under real validators: the Rust
//! `jsonschema` crate here, ajv in strict mode in `schema_is_valid_under_ajv_strict`
//! (needs ajv-cli; `.ci/run` installs it). It accepts every bundled scenario,
//! rejects the bad files JSON Schema can express, and describes every key.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn schema() -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_magcast"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn yaml_to_json(text: &str) -> Value {
    let v: yaml_serde::Value = yaml_serde::from_str(text).unwrap();
    serde_json::to_value(v).unwrap()
}

fn bundled() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
    files.sort();
    files
}

/// Files JSON Schema can refuse, each with the instance path it must name.
const BAD: &[(&str, &str, &str)] = &[
    (
        "negative-rate",
        "tariffs:\n  changes:\n    - {importer: USA, rate: -0.1, from: 2027-01}\n",
        "/tariffs/changes/0/rate",
    ),
    (
        "share-above-one",
        "capacity:\n  - {name: a, country: EST, tonnes_per_year: 1, start: 2027-01, serves: {DEU: 1.5}}\n",
        "/capacity/0/serves/DEU",
    ),
    (
        "month-13",
        "demand:\n  - {importers: all, extra_growth: 0.01, from: 2027-13}\n",
        "/demand/0/from",
    ),
    (
        "ger",
        "tariffs:\n  layers:\n    - {authority: x, importer: GER, source: s, steps: [{rate: 0.1, from: 2027-01}]}\n",
        "/tariffs/layers/0/importer",
    ),
    (
        "unknown-key",
        "assumptions:\n  elastcity: 0.5\n",
        "/assumptions",
    ),
    (
        "negative-sd",
        "assumptions:\n  elasticity: {normal: {mean: 0.5, sd: -1}}\n",
        "/assumptions/elasticity",
    ),
    (
        "unknown-curve",
        "capacity:\n  - {name: a, country: USA, tonnes_per_year: 1, start: 2027-01, curve: zigzag}\n",
        "/capacity/0/curve",
    ),
    ("no-draws", "draws: 0\n", "/draws"),
    (
        "group-as-country",
        "production_credits:\n  - {country: EU27, usd_per_kg: 5, from: 2027-01}\n",
        "/production_credits/0/country",
    ),
    (
        "pass-through-above-one",
        "assumptions:\n  pass_through: {uniform: {low: 0.9, high: 1.2}}\n",
        "/assumptions/pass_through",
    ),
];

#[test]
fn a_real_validator_accepts_the_bundled_scenarios_and_refuses_the_bad_ones() {
    let validator = jsonschema::draft202012::new(&schema()).expect("the schema compiles");
    for path in bundled() {
        let doc = yaml_to_json(&std::fs::read_to_string(&path).unwrap());
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
    for (name, text, at) in BAD {
        let doc = yaml_to_json(text);
        let paths: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| e.instance_path().to_string())
            .collect();
        assert!(
            paths.iter().any(|p| p == at),
            "{name}: {paths:?} lacks {at}"
        );
    }
}

/// Every object schema's properties, with the def they belong to.
fn properties(schema: &Value) -> Vec<(String, String, Value, bool)> {
    let mut out = Vec::new();
    let mut defs: Vec<(String, &Value)> = vec![("(root)".into(), schema)];
    if let Some(d) = schema["$defs"].as_object() {
        defs.extend(d.iter().map(|(k, v)| (k.clone(), v)));
    }
    for (def, node) in defs {
        let required: Vec<&str> = node["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = node["properties"].as_object() {
            for (k, v) in props {
                out.push((
                    def.clone(),
                    k.clone(),
                    v.clone(),
                    required.contains(&k.as_str()),
                ));
            }
        }
    }
    out
}

#[test]
fn every_key_has_its_own_description_and_every_optional_key_a_default() {
    let s = schema();
    let props = properties(&s);
    assert!(props.len() > 60, "{}", props.len());
    for (def, key, v, required) in props {
        let d = v["description"].as_str().unwrap_or_default();
        assert!(!d.is_empty(), "{def}.{key} has no description");
        assert_ne!(d, "A fixed value.", "{def}.{key}");
        if !required {
            assert!(
                v.get("default").is_some() || d.contains("default"),
                "{def}.{key}: no default, and the description does not say what leaving it out means: {d}"
            );
        }
    }
    // Each distribution form says what it is.
    let defs = s["$defs"].as_object().unwrap();
    let params: Vec<&String> = defs.keys().filter(|k| k.starts_with("Param")).collect();
    // Shares, rates, growth, elasticities, months, tonnes, prices, credits, η.
    assert!(params.len() >= 8, "{params:?}");
    for def in params {
        let forms = s["$defs"][def]["anyOf"].as_array().unwrap();
        assert_eq!(forms.len(), 6, "{def}");
        for f in forms {
            assert!(
                f["description"].as_str().is_some_and(|d| d.len() > 10),
                "{def}: {f}"
            );
        }
    }
    assert_eq!(s["$defs"]["ParamShare"]["anyOf"][0]["maximum"], 1.0);
    assert_eq!(s["$defs"]["ParamFrom0To100"]["anyOf"][0]["maximum"], 100.0);
    assert_eq!(s["properties"]["draws"]["default"], 1000);
    assert!(
        s["$defs"]["Month"]["description"]
            .as_str()
            .unwrap()
            .contains("may not be before")
    );
    // No non-standard keyword for strict validators.
    assert!(!s.to_string().contains("\"format\""));
}

/// ajv in its strict mode (ajv-cli 5, draft 2020-12) compiles the schema, accepts
/// the bundled scenarios and refuses each bad file. `.ci/run` installs ajv-cli
/// and runs this with `--ignored`; it fails if ajv cannot be found.
#[test]
#[ignore = "needs ajv-cli (npm); .ci/run installs it and runs the ignored tests"]
fn schema_is_valid_under_ajv_strict() {
    let ajv = std::env::var("MAGCAST_AJV").unwrap_or_else(|_| "ajv".into());
    let dir = tempfile::tempdir().unwrap();
    let schema_file = dir.path().join("schema.json");
    std::fs::write(&schema_file, schema().to_string()).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(&ajv)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {ajv}: {e}"));
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let s = schema_file.to_str().unwrap();
    let (ok, text) = run(&["compile", "--spec=draft2020", "--strict=true", "-s", s]);
    assert!(ok && !text.contains("strict mode"), "{text}");
    for path in bundled() {
        let p = path.to_str().unwrap();
        let (ok, text) = run(&[
            "validate",
            "--spec=draft2020",
            "--strict=true",
            "-s",
            s,
            "-d",
            p,
        ]);
        assert!(ok, "{p}: {text}");
    }
    for (name, text, at) in BAD {
        let file = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&file, text).unwrap();
        let f = file.to_str().unwrap();
        let (ok, out) = run(&[
            "validate",
            "--spec=draft2020",
            "--strict=true",
            "--all-errors",
            "-s",
            s,
            "-d",
            f,
        ]);
        assert!(!ok, "{name} accepted: {out}");
        assert!(
            out.contains(&format!("instancePath: '{at}")),
            "{name}: {out}"
        );
    }
}
