//! The scenario stage: YAML files (docs/model.md §3) → resolved specs (`extends`,
//! `sweep`) → checked [`Scenario`]s, with every problem located by file, line,
//! column and key path.
//!
//! `spec` holds the unchecked serde types (unknown keys refused), `resolve` the
//! inheritance and sweeps, `validate` the checks, `param` the scalar parameters
//! that may be distributions.

mod checked;
pub mod extend;
mod param;
mod resolve;
mod schedule;
mod spec;
mod validate;

use std::path::{Path, PathBuf};

pub use checked::{
    Assumptions, Credit, DemandDriver, Diversion, ExportControl, Growth, Plant, Scenario, Targets,
    TariffChange, TariffLayer, TariffStep, defaults,
};
pub use param::{Param, Range};
pub use resolve::{
    MAX_VARIANTS, ResolvedSpec, ScenarioFile, expand_inputs, parse_key, read_file, read_text,
    resolve,
};
pub use schedule::{ScheduleRow, TariffSchedule};
pub use spec::{
    AssumptionsSpec, CreditSpec, DemandSpec, Distribution, DiversionSpec, ExportControlSpec,
    ParamSpec, PlantSpec, PriceSpec, RampCurve, ScenarioSpec, TargetsSpec, TariffChangeSpec,
    TariffLayerSpec, TariffStepSpec, TariffsSpec,
};
pub use validate::{MAX_DRAWS, ValidationContext, check};

use crate::yaml::{ConfigProblem, render_problems};

/// The folder of bundled scenarios, relative to the repository root: the files
/// [`load_bundled`] was compiled from.
pub const BUNDLED_SCENARIOS: &str = "scenarios";

/// The folder name the bundled scenarios carry in messages and provenance.
pub const BUNDLED_SCENARIOS_NAME: &str = "magcast:scenarios";

/// The bundled scenario files (file name, text), compiled in so `run` works from
/// any folder. A test checks this list against the `scenarios/` folder.
pub const BUNDLED_SCENARIO_FILES: &[(&str, &str)] = &[
    (
        "baseline.yaml",
        include_str!("../../scenarios/baseline.yaml"),
    ),
    (
        "current-policy.yaml",
        include_str!("../../scenarios/current-policy.yaml"),
    ),
    (
        "eu-resilience.yaml",
        include_str!("../../scenarios/eu-resilience.yaml"),
    ),
    (
        "export-controls-return.yaml",
        include_str!("../../scenarios/export-controls-return.yaml"),
    ),
    (
        "onshoring-accelerated.yaml",
        include_str!("../../scenarios/onshoring-accelerated.yaml"),
    ),
    (
        "production-credit-instead-of-tariff.yaml",
        include_str!("../../scenarios/production-credit-instead-of-tariff.yaml"),
    ),
    (
        "us-tariff-escalation.yaml",
        include_str!("../../scenarios/us-tariff-escalation.yaml"),
    ),
];

/// Scenario files with problems; every problem of every file is listed.
#[derive(Debug, thiserror::Error)]
#[error("{}", render_problems(.0))]
pub struct ScenarioError(pub Vec<ConfigProblem>);

impl ScenarioError {
    /// Scenario problems are always the user's to fix.
    pub fn is_bad_input(&self) -> bool {
        true
    }
}

/// Reads, resolves and checks the scenarios in `inputs` (files or folders).
///
/// # Errors
/// [`ScenarioError`] with every problem found in every file.
pub fn load(inputs: &[PathBuf], ctx: ValidationContext) -> Result<Vec<Scenario>, ScenarioError> {
    Ok(strip(load_resolved(inputs, ctx)?))
}

/// [`load`], each scenario with the resolved spec it was checked from (after
/// `extends` and `sweep`), so that a user can see exactly what runs.
///
/// # Errors
/// As [`load`].
pub fn load_resolved(
    inputs: &[PathBuf],
    ctx: ValidationContext,
) -> Result<Vec<(Scenario, ResolvedSpec)>, ScenarioError> {
    let paths = expand_inputs(inputs).map_err(ScenarioError)?;
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for path in &paths {
        match read_file(path) {
            Ok(f) => files.push(f),
            Err(mut p) => problems.append(&mut p),
        }
    }
    check_files(&files, problems, ctx)
}

/// Reads, resolves and checks the scenarios bundled into magcast.
///
/// # Errors
/// [`ScenarioError`] only if the build bundled files that do not check against
/// `ctx` (e.g. a horizon before the data of a user's own `--data` file ends).
pub fn load_bundled(ctx: ValidationContext) -> Result<Vec<Scenario>, ScenarioError> {
    Ok(strip(load_bundled_resolved(ctx)?))
}

/// [`load_bundled`] with the resolved specs, as [`load_resolved`].
///
/// # Errors
/// As [`load_bundled`].
pub fn load_bundled_resolved(
    ctx: ValidationContext,
) -> Result<Vec<(Scenario, ResolvedSpec)>, ScenarioError> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for (name, _) in BUNDLED_SCENARIO_FILES {
        match bundled_file(name.trim_end_matches(".yaml")) {
            Some(Ok(f)) => files.push(f),
            Some(Err(mut p)) => problems.append(&mut p),
            None => {}
        }
    }
    check_files(&files, problems, ctx)
}

fn strip(pairs: Vec<(Scenario, ResolvedSpec)>) -> Vec<Scenario> {
    pairs.into_iter().map(|(s, _)| s).collect()
}

/// The bundled scenario file called `name` (without `.yaml`), read.
pub(crate) fn bundled_file(name: &str) -> Option<Result<ScenarioFile, Vec<ConfigProblem>>> {
    let file = format!("{name}.yaml");
    BUNDLED_SCENARIO_FILES
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(f, text)| {
            read_text(
                &Path::new(BUNDLED_SCENARIOS_NAME).join(f),
                (*text).to_string(),
            )
        })
}

/// Resolves and checks read files, adding to the problems found while reading.
fn check_files(
    files: &[ScenarioFile],
    mut problems: Vec<ConfigProblem>,
    ctx: ValidationContext,
) -> Result<Vec<(Scenario, ResolvedSpec)>, ScenarioError> {
    let (resolved, mut more) = resolve(files);
    problems.append(&mut more);
    let mut scenarios = Vec::new();
    for r in resolved {
        match check(&r, ctx) {
            Ok(s) => scenarios.push((s, r)),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(ScenarioError(problems))
    }
}

/// The JSON Schema of the scenario file format, for editors' autocompletion.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(ScenarioSpec)).unwrap_or_default()
}

/// The default name of a scenario file: its name without extension.
pub fn default_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
