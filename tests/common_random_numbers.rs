//! Common random numbers across a sweep (docs/model.md §3.11): every variant
//! of a sweep draws its uncertain parameters from the sweep's streams, so the
//! variants differ by their swept values only. A sweep of the US Section 301
//! duty leaves every series the duty cannot reach bit for bit the same in all
//! variants; two scenarios that are not variants of one sweep keep streams of
//! their own.

mod trade_support;

use std::path::PathBuf;

use magcast::engine::{RunResult, ScenarioResult};
use magcast::scenario;
use trade_support::{context, panel, run};

/// current-policy with its fourth duty layer (Section 301 on the United
/// States) swept, and a copy of current-policy under another name.
fn scenarios(dir: &std::path::Path) -> Vec<PathBuf> {
    let parent = std::fs::read_to_string("scenarios/current-policy.yaml").unwrap();
    std::fs::write(dir.join("current-policy.yaml"), &parent).unwrap();
    let sweep = dir.join("sweep.yaml");
    std::fs::write(
        &sweep,
        "name: sweep\nextends: current-policy\nsweep:\n  tariffs.layers[3].steps[0].rate: [0.3, 1.0, 2.0]\n",
    )
    .unwrap();
    let twin = dir.join("twin.yaml");
    std::fs::write(&twin, "name: twin\nextends: current-policy\n").unwrap();
    vec![sweep, twin, dir.join("current-policy.yaml")]
}

/// One series' monthly mean and percentiles.
fn series(run: &RunResult, s: &ScenarioResult, code: &str) -> Vec<f64> {
    let o = run.outputs.iter().position(|i| i.code() == code).unwrap();
    let cells = o * s.months..(o + 1) * s.months;
    [&s.mean, &s.p05, &s.p50, &s.p95]
        .iter()
        .flat_map(|v| v[cells.clone()].to_vec())
        .collect()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn a_sweeps_variants_share_their_draws_and_other_scenarios_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let panel = panel();
    let loaded = scenario::load(&scenarios(dir.path()), context(&panel)).unwrap();
    let result = run(&panel, &loaded, 64);
    let by_name = |n: &str| result.scenarios.iter().find(|s| s.name == n).unwrap();
    let variants: Vec<&ScenarioResult> = result
        .scenarios
        .iter()
        .filter(|s| s.name.starts_with("sweep["))
        .collect();
    assert_eq!(variants.len(), 3);
    let codes: Vec<&str> = result.outputs.iter().map(|i| i.code()).collect();
    let mut same = Vec::new();
    for code in &codes {
        let first = bits(&series(&result, variants[0], code));
        if variants[1..]
            .iter()
            .all(|v| bits(&series(&result, v, code)) == first)
        {
            same.push(*code);
        }
    }
    // The duty moves the United States and so WORLD; nothing in
    // current-policy diverts US volume to another importer.
    let moved: Vec<&str> = codes
        .iter()
        .copied()
        .filter(|c| !same.contains(c))
        .collect();
    assert_eq!(
        moved,
        ["WORLD", "USA"],
        "series that differ between variants"
    );
    // Not one stream for everything: a scenario of another name draws its own
    // parameters, so its EU series differs from its parent's.
    let (twin, parent) = (by_name("twin"), by_name("current-policy"));
    assert_ne!(
        bits(&series(&result, twin, "DEU")),
        bits(&series(&result, parent, "DEU"))
    );
}
