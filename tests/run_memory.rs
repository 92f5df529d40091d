//! A run's memory is flat in the number of scenarios: the output set is
//! written a scenario at a time (`report::run_and_write`), so a sweep of 20
//! times as many variants peaks at about the same heap. Measured with a
//! counting allocator around the run and write alone (the scenarios, which the
//! caller holds, are loaded before).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use magcast::{backtest, data, engine, forecast, report, scenario};

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only the
// counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller's contract for `alloc`.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as the caller's contract for `dealloc`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Tests in this file measure one at a time.
static MEASURING: Mutex<()> = Mutex::new(());

/// The bundled data and the panel fitted to them, made once.
fn bundled() -> &'static (data::Observations, forecast::FittedPanel) {
    static FITTED: std::sync::OnceLock<(data::Observations, forecast::FittedPanel)> =
        std::sync::OnceLock::new();
    FITTED.get_or_init(|| {
        let obs = data::bundled().unwrap();
        let config = forecast::FitConfig::bundled().unwrap();
        let panel = backtest::fit_selected(&obs, &config).unwrap();
        (obs, panel)
    })
}

/// A sweep over the US tariff with `variants` values, 20 draws each.
fn sweep(variants: usize, first: data::Month) -> Vec<scenario::Scenario> {
    let rates: Vec<String> = (0..variants)
        .map(|i| format!("{:.4}", 0.3 + 0.001 * i as f64))
        .collect();
    let text = format!(
        "name: sweep\ndescription: a tariff sweep\nhorizon: 2030-12\ndraws: 20\n\
         assumptions:\n  elasticity: {{uniform: {{low: 0.3, high: 0.9}}}}\n\
         tariffs:\n  changes:\n    - {{importer: USA, rate: 0.5, from: 2026-07}}\n\
         sweep:\n  tariffs.changes[0].rate: [{}]\n",
        rates.join(", ")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sweep.yaml");
    std::fs::write(&path, text).unwrap();
    let ctx = scenario::ValidationContext {
        first_month: Some(first),
    };
    let s = scenario::load(&[path], ctx).unwrap();
    assert_eq!(s.len(), variants);
    s
}

/// Peak heap above what was live before, over a run of `scenarios` written to
/// a fresh folder.
fn peak_of_run(panel: &forecast::FittedPanel, scenarios: &[scenario::Scenario]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let options = engine::RunOptions {
        seed: 7,
        draws: None,
    };
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let digest = report::run_and_write(
        report::OutputTarget::lock(&out).unwrap(),
        panel,
        scenarios,
        options,
        None,
        &|_| {},
    )
    .unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(digest.scenarios_run, scenarios.len());
    let summary = report::read_summary(&out.join("summary.csv")).unwrap();
    let names: std::collections::BTreeSet<&str> =
        summary.iter().map(|r| r.scenario.as_str()).collect();
    assert_eq!(
        names.len(),
        scenarios.len(),
        "every scenario is in the file"
    );
    peak
}

#[test]
fn twenty_times_the_variants_need_the_same_memory() {
    let _one = MEASURING.lock().unwrap();
    let (_, panel) = bundled();
    let first = panel.last_observed.plus(1);
    // Both above the scenarios the report shows, which it holds.
    let small = sweep(2 * report::REPORT_SCENARIOS, first);
    let large = sweep(40 * report::REPORT_SCENARIOS, first);
    let small_peak = peak_of_run(panel, &small);
    let large_peak = peak_of_run(panel, &large);
    // Holding every result and file in memory, as the writer once did, needs
    // some 20 times as much for the large sweep (about 75 KB a variant).
    assert!(
        large_peak < small_peak + small_peak / 4,
        "peak heap {large_peak} B for 2,000 variants against {small_peak} B for 100"
    );
}

#[test]
fn the_report_shows_the_first_scenarios_and_says_so() {
    let _one = MEASURING.lock().unwrap();
    let (obs, panel) = bundled();
    let scenarios = sweep(report::REPORT_SCENARIOS + 5, panel.last_observed.plus(1));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let options = engine::RunOptions {
        seed: 7,
        draws: Some(5),
    };
    let digest = report::run_and_write(
        report::OutputTarget::lock(&out).unwrap(),
        panel,
        &scenarios,
        options,
        Some(obs),
        &|_| {},
    )
    .unwrap();
    assert_eq!(digest.shown.scenarios.len(), report::REPORT_SCENARIOS);
    assert_eq!(digest.scenarios_run, report::REPORT_SCENARIOS + 5);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("This shows 50 of 55 scenarios"),
        "the page says it shows a part"
    );
    let last = &scenarios.last().unwrap().name;
    assert!(!html.contains(last.as_str()), "the 55th is not on the page");
    let projections = std::fs::read_to_string(out.join("projections.csv")).unwrap();
    assert!(
        projections.contains(last.as_str()),
        "but it is in the files"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("scenarios.json")).unwrap())
            .unwrap();
    assert_eq!(json["scenarios"].as_array().unwrap().len(), scenarios.len());
    assert_eq!(json["scenarios"][54]["draws"], 5);
}

/// The sweep's file, written to a folder that lives as long as the test.
fn sweep_file(variants: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let rates: Vec<String> = (0..variants)
        .map(|i| format!("{:.4}", 0.3 + 0.001 * i as f64))
        .collect();
    let text = format!(
        "name: held\ndescription: a tariff sweep\nextends: us-tariff-escalation\n\
         sweep:\n  tariffs.changes[2].rate: [{}]\n",
        rates.join(", ")
    );
    let dir = tempfile::tempdir().unwrap();
    for f in ["current-policy.yaml", "us-tariff-escalation.yaml"] {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(f);
        std::fs::copy(from, dir.path().join(f)).unwrap();
    }
    let path = dir.path().join("held.yaml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// A [`scenario::ScenarioList`] holds a sweep as a sweep: the same scenarios
/// as [`scenario::load`], remade on demand, in a small part of the memory.
#[test]
fn a_scenario_list_holds_a_sweep_in_little_memory() {
    use scenario::ScenarioSource;
    let _one = MEASURING.lock().unwrap();
    let (_, panel) = bundled();
    let ctx = scenario::ValidationContext {
        first_month: Some(panel.last_observed.plus(1)),
    };
    let (_dir, path) = sweep_file(1000);
    let before = LIVE.load(Ordering::Relaxed);
    let all = scenario::load(std::slice::from_ref(&path), ctx).unwrap();
    let held_all = LIVE.load(Ordering::Relaxed) - before;
    let list = scenario::load_list(std::slice::from_ref(&path), ctx).unwrap();
    let held_list = LIVE.load(Ordering::Relaxed) - before - held_all;
    assert_eq!(list.scenarios.count(), all.len());
    assert!(
        held_list * 20 < held_all,
        "the list holds {held_list} B against {held_all} B for every scenario"
    );
    let remade = list.scenarios.to_vec().unwrap();
    for (a, b) in all.iter().zip(&remade) {
        assert_eq!(
            serde_json::to_string(a).unwrap(),
            serde_json::to_string(b).unwrap()
        );
    }
    let meta = list.scenarios.meta(999);
    assert_eq!(meta.name, all[999].name);
    assert_eq!(
        (meta.horizon, meta.draws),
        (all[999].horizon, all[999].draws)
    );
}
