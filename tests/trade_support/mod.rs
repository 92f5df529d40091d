//! Test support for the trade model through the engine: the fixed saved
//! baseline of `tests/fixtures/trade2` and a run of scenarios on it.
#![allow(dead_code)]

use magcast::engine::{self, RunOptions, RunResult};
use magcast::forecast::FittedPanel;
use magcast::scenario::{Scenario, ValidationContext};

/// The fixtures' folder.
pub(crate) const FIXTURES: &str = "tests/fixtures/trade2";

/// The saved models every trade test runs on.
pub(crate) fn panel() -> FittedPanel {
    let text = std::fs::read_to_string(format!("{FIXTURES}/models.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Scenarios checked against the panel's data end.
pub(crate) fn context(panel: &FittedPanel) -> ValidationContext {
    ValidationContext {
        first_month: Some(panel.last_observed.plus(1)),
    }
}

/// `scenarios` with `draws` draws each, seed 42.
pub(crate) fn run(panel: &FittedPanel, scenarios: &[Scenario], draws: usize) -> RunResult {
    let options = RunOptions {
        seed: 42,
        draws: Some(draws),
    };
    engine::run(panel, scenarios, options, &|_| {}).unwrap()
}
