//! `run` end to end on small random scenarios: a scenario written from the
//! fuzz bytes (any key of the form, sometimes extending a bundled scenario),
//! or an input's own text, is read, resolved and checked, run on a saved
//! panel with 1-20 draws over at most two years, and put through the whole
//! report stage. Refusals are fine;
//! a panic, a hang (libFuzzer's `-timeout`), a value that is not finite, or a
//! `summary.csv` that `compare` cannot read back is a bug.
#![no_main]

#[path = "common/scenario_gen.rs"]
mod scenario_gen;

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use magcast::data::{self, Observations};
use magcast::engine::{self, RunOptions, RunResult};
use magcast::forecast::FittedPanel;
use magcast::report::{self, SummaryRow};
use magcast::scenario::{self, Scenario, ScenarioFile, ValidationContext};

/// Sweep variants run at most (a sweep of two keys gives four).
const MAX_VARIANTS: usize = 4;

fuzz_target!(|bytes: &[u8]| {
    let Some((scenarios, draws)) = scenarios(bytes) else {
        return;
    };
    let fixture = fixture();
    let options = RunOptions {
        seed: 42,
        draws: Some(draws),
    };
    if let Ok(result) = engine::run(&fixture.panel, &scenarios, options, &|_| {}) {
        report_stage(&result, &scenarios, fixture);
    }
});

/// Draws for a scenario given as text (a seed from `scenarios/`).
const TEXT_DRAWS: usize = 8;

/// The scenarios of an input and the draws to run them with. An input that
/// starts like a YAML file (`#` or a letter) is the file's text, any other
/// input drives the generator.
fn scenarios(bytes: &[u8]) -> Option<(Vec<Scenario>, usize)> {
    if bytes
        .first()
        .is_some_and(|b| *b == b'#' || b.is_ascii_alphabetic())
    {
        let text = std::str::from_utf8(bytes).ok()?;
        return Some((checked(text, true)?, TEXT_DRAWS));
    }
    let generated = scenario_gen::scenario(&mut Unstructured::new(bytes)).ok()?;
    Some((
        checked(&generated.yaml, generated.extends)?,
        generated.draws,
    ))
}

/// The scenarios of a file's text, if they pass the check, cut to the
/// per-input budget: at most [`MAX_VARIANTS`], each projected at most
/// [`scenario_gen::MAX_MONTHS`] months ahead.
fn checked(text: &str, extends: bool) -> Option<Vec<Scenario>> {
    let path = Path::new("/nonexistent/fuzz.yaml");
    let file = scenario::read_text(path, text.to_string()).ok()?;
    let mut files = vec![file];
    if extends {
        files.extend(fixture().parents.iter().cloned());
    }
    let resolved = scenario::resolve(&files);
    let ours: Vec<&scenario::Sweep> = resolved
        .sweeps
        .iter()
        .filter(|s| s.file() == path)
        .collect();
    if ours.iter().map(|s| s.len()).sum::<usize>() > MAX_VARIANTS {
        return None;
    }
    let ctx = ValidationContext {
        first_month: Some(fixture().panel.last_observed.plus(1)),
    };
    let limit = fixture()
        .panel
        .last_observed
        .plus(scenario_gen::MAX_MONTHS as i32 + 1);
    let mut out = Vec::new();
    for sweep in ours {
        for i in 0..sweep.len() {
            let spec = sweep.variant(i).ok()?;
            let mut s = scenario::check(&spec, ctx).ok()?.scenario;
            s.horizon = s.horizon.min(limit);
            out.push(s);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Every output `run` writes, rendered in memory.
fn report_stage(result: &RunResult, scenarios: &[Scenario], fixture: &Fixture) {
    report::projections_csv(result, &mut Vec::new()).expect("projections.csv renders");
    report::scenarios_json(result, scenarios, &fixture.panel).expect("scenarios.json renders");
    let rows = report::summary_rows(result);
    for row in &rows {
        assert_finite(row);
    }
    let mut summary = Vec::new();
    report::summary_csv(&rows, &mut summary).expect("summary.csv renders");
    if let Err(e) = report::read_summary_from_reader(&summary[..], Path::new("summary.csv")) {
        panic!("compare cannot read the summary.csv run wrote: {e}");
    }
    report::iamc_csv(&report::summary_series(&rows), &mut Vec::new()).expect("iamc.csv renders");
    let _ = report::run_table(result);
    let history = report::history(&fixture.obs, result);
    let charts = report::charts(result, &history).expect("the charts draw");
    let _ = report::report_html(
        result,
        scenarios,
        &fixture.panel,
        Some(&fixture.obs),
        &charts,
    );
}

fn assert_finite(r: &SummaryRow) {
    let values = [
        r.mean,
        r.p05,
        r.p95,
        r.baseline,
        r.delta_tonnes,
        r.value_usd,
        r.tariff_revenue_usd,
        r.downstream_cost_usd,
        r.credit_cost_usd,
        r.trade_creation_t,
        r.trade_diversion_t,
        r.price_effect_usd,
        r.tariff_revenue_change_usd,
        r.consumer_surplus_change_usd,
        r.non_china_used_t,
        r.non_china_installed_t,
        r.reexport_t,
    ];
    assert!(values.iter().all(|v| v.is_finite()), "{r:?}");
    assert!(r.delta_pct.is_none_or(f64::is_finite), "{r:?}");
    assert!(r.pass_through.is_none_or(f64::is_finite), "{r:?}");
}

/// What every input shares: the saved trade panel, the bundled data for the
/// charts' history, and the bundled scenarios a generated one may extend.
struct Fixture {
    panel: FittedPanel,
    obs: Observations,
    parents: Vec<ScenarioFile>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let text = include_str!("../../tests/fixtures/trade2/models.json");
        let panel = FittedPanel::from_json(text, Path::new("models.json")).expect("fixture");
        let folder = Path::new("/nonexistent/scenarios");
        let parents = scenario::BUNDLED_SCENARIO_FILES
            .iter()
            .filter(|(name, _)| {
                scenario_gen::PARENTS
                    .iter()
                    .any(|p| name.strip_suffix(".yaml") == Some(p))
            })
            .map(|(name, text)| {
                scenario::read_text(&folder.join(name), (*text).to_string()).expect("bundled")
            })
            .collect();
        Fixture {
            panel,
            obs: data::bundled().expect("bundled data"),
            parents,
        }
    })
}
