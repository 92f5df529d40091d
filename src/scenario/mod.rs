//! The scenario stage: YAML files (docs/model.md §3) → resolved specs (`extends`,
//! `sweep`) → checked [`Scenario`]s, with every problem located by file, line,
//! column and key path.
//!
//! `spec` holds the unchecked serde types, `keys` the one list of scalar
//! parameters, `schema` the JSON Schema built from both, `structure` each file
//! checked against it, `resolve` and `extend` the inheritance, `sweep` the
//! variants, `validate` the checks and warnings, `param` the scalar parameters
//! that may be distributions.

mod checked;
pub mod extend;
pub mod keys;
mod list;
mod param;
mod resolve;
mod schedule;
pub mod schema;
mod spec;
mod structure;
mod sweep;
mod validate;

use std::path::{Path, PathBuf};

pub use checked::{
    Assumptions, Credit, DemandDriver, Diversion, ExportControl, Growth, Plant, ReexportRoute,
    Scenario, Targets, TariffChange, TariffLayer, TariffStep, defaults,
};
pub use list::{ScenarioList, ScenarioMeta, ScenarioSource};
pub use param::{Param, Range};
pub use resolve::{
    MAX_VARIANTS, Resolved, ResolvedSpec, ScenarioFile, expand_inputs, read_file, read_text,
    resolve,
};
pub use schedule::{ScheduleRow, TariffSchedule};
pub use spec::{
    AssumptionsSpec, CreditSpec, DemandSpec, Distribution, DiversionSpec, ExportControlSpec,
    ParamSpec, PlantSpec, PriceSpec, RampCurve, ReexportRouteSpec, ScenarioSpec, TargetsSpec,
    TariffChangeSpec, TariffLayerSpec, TariffStepSpec, TariffsSpec,
};
pub use sweep::{Sweep, parse_key};
pub use validate::{Checked, MAX_DRAWS, MAX_HORIZON_YEAR, ValidationContext, check};

/// The scenario every other is compared with when a run has one of this name
/// (in `summary.csv`, `compare`, the report and the terminal table).
pub const BASELINE_SCENARIO: &str = "baseline";

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
    (
        "us-tariff-rerouting.yaml",
        include_str!("../../scenarios/us-tariff-rerouting.yaml"),
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

/// Checked scenarios with what checking noticed.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Each scenario with the resolved spec it was checked from (after
    /// `extends` and `sweep`), so that a user can see exactly what runs.
    pub scenarios: Vec<(Scenario, ResolvedSpec)>,
    /// Values that are allowed but probably wrong, each once, in file order.
    pub warnings: Vec<ConfigProblem>,
    /// Importer codes written in another accepted form, with what they were read
    /// as, for each scenario (same order as `scenarios`).
    pub codes_read: Vec<Vec<ConfigProblem>>,
}

impl Loaded {
    /// The scenarios alone.
    pub fn into_scenarios(self) -> Vec<Scenario> {
        self.scenarios.into_iter().map(|(s, _)| s).collect()
    }

    /// Strict checking: any warning is an error.
    ///
    /// # Errors
    /// [`ScenarioError`] with every warning, if there is one.
    pub fn strict(self) -> Result<Loaded, ScenarioError> {
        if self.warnings.is_empty() {
            return Ok(self);
        }
        Err(ScenarioError(strict_errors(self.warnings)))
    }
}

/// Warnings as the errors of strict checking.
fn strict_errors(warnings: Vec<ConfigProblem>) -> Vec<ConfigProblem> {
    warnings
        .into_iter()
        .map(|mut w| {
            w.message = format!(
                "{} (a warning; strict checking makes it an error)",
                w.message
            );
            w
        })
        .collect()
}

/// Checked scenarios held as a [`ScenarioList`], with the warnings.
#[derive(Debug, Clone)]
pub struct LoadedList {
    /// The scenarios.
    pub scenarios: ScenarioList,
    /// Values that are allowed but probably wrong, each once, in file order.
    pub warnings: Vec<ConfigProblem>,
}

impl LoadedList {
    /// Strict checking: any warning is an error.
    ///
    /// # Errors
    /// [`ScenarioError`] with every warning, if there is one.
    pub fn strict(self) -> Result<LoadedList, ScenarioError> {
        if self.warnings.is_empty() {
            return Ok(self);
        }
        Err(ScenarioError(strict_errors(self.warnings)))
    }
}

/// Reads, resolves and checks the scenarios in `inputs` (files or folders).
/// Warnings are dropped here: [`load_resolved`] returns them.
///
/// # Errors
/// [`ScenarioError`] with every problem found in every file.
pub fn load(inputs: &[PathBuf], ctx: ValidationContext) -> Result<Vec<Scenario>, ScenarioError> {
    Ok(load_resolved(inputs, ctx)?.into_scenarios())
}

/// [`load`], each scenario with the resolved spec it was checked from, and the
/// warnings.
///
/// # Errors
/// As [`load`].
pub fn load_resolved(inputs: &[PathBuf], ctx: ValidationContext) -> Result<Loaded, ScenarioError> {
    let (files, problems) = read_inputs(inputs)?;
    check_files(&files, problems, ctx)
}

/// [`load`] into a [`ScenarioList`], which holds a sweep as a sweep (each
/// variant checked now, remade when run), with the warnings.
///
/// # Errors
/// As [`load`].
pub fn load_list(inputs: &[PathBuf], ctx: ValidationContext) -> Result<LoadedList, ScenarioError> {
    let (files, problems) = read_inputs(inputs)?;
    let (scenarios, warnings) = check_files_listed(&files, problems, ctx)?;
    Ok(LoadedList {
        scenarios,
        warnings,
    })
}

/// The files of `inputs` (files or folders), read, with the problems of those
/// that could not be.
fn read_inputs(
    inputs: &[PathBuf],
) -> Result<(Vec<ScenarioFile>, Vec<ConfigProblem>), ScenarioError> {
    let paths = expand_inputs(inputs).map_err(ScenarioError)?;
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for path in &paths {
        match read_file(path) {
            Ok(f) => files.push(f),
            Err(mut p) => problems.append(&mut p),
        }
    }
    Ok((files, problems))
}

/// Reads, resolves and checks the scenarios bundled into magcast.
///
/// # Errors
/// [`ScenarioError`] only if the build bundled files that do not check against
/// `ctx` (e.g. a horizon before the data of a user's own `--data` file ends).
pub fn load_bundled(ctx: ValidationContext) -> Result<Vec<Scenario>, ScenarioError> {
    Ok(load_bundled_resolved(ctx)?.into_scenarios())
}

/// [`load_bundled`] with the resolved specs, as [`load_resolved`].
///
/// # Errors
/// As [`load_bundled`].
pub fn load_bundled_resolved(ctx: ValidationContext) -> Result<Loaded, ScenarioError> {
    let (files, problems) = read_bundled();
    check_files(&files, problems, ctx)
}

/// [`load_bundled`] into a [`ScenarioList`], with the warnings.
///
/// # Errors
/// As [`load_bundled`].
pub fn load_bundled_list(ctx: ValidationContext) -> Result<LoadedList, ScenarioError> {
    let (files, problems) = read_bundled();
    let (scenarios, warnings) = check_files_listed(&files, problems, ctx)?;
    Ok(LoadedList {
        scenarios,
        warnings,
    })
}

/// The bundled files, read, with the problems of any that could not be.
fn read_bundled() -> (Vec<ScenarioFile>, Vec<ConfigProblem>) {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for (name, _) in BUNDLED_SCENARIO_FILES {
        match bundled_file(name.trim_end_matches(".yaml")) {
            Some(Ok(f)) => files.push(f),
            Some(Err(mut p)) => problems.append(&mut p),
            None => {}
        }
    }
    (files, problems)
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
    problems: Vec<ConfigProblem>,
    ctx: ValidationContext,
) -> Result<Loaded, ScenarioError> {
    let mut loaded = Loaded::default();
    loaded.warnings = check_each(files, problems, ctx, |_, checked| {
        for (c, r) in checked {
            loaded.codes_read.push(c.codes_read);
            loaded.scenarios.push((c.scenario, r));
        }
    })?;
    Ok(loaded)
}

/// Resolves and checks read files into a [`ScenarioList`], which keeps each
/// sweep as a sweep; returns it with the warnings.
fn check_files_listed(
    files: &[ScenarioFile],
    problems: Vec<ConfigProblem>,
    ctx: ValidationContext,
) -> Result<(ScenarioList, Vec<ConfigProblem>), ScenarioError> {
    let mut list = ScenarioList::new(ctx);
    let warnings = check_each(files, problems, ctx, |sweep, checked| {
        list.push(sweep, checked.map(|(c, _)| c.scenario));
    })?;
    Ok((list, warnings))
}

/// Resolves `files` and checks every scenario of every file, handing each
/// file's sweep and its checked variants (with their resolved specs) to
/// `take` as they are checked, so that a caller may keep only what it needs.
/// Returns the warnings, or every problem.
fn check_each(
    files: &[ScenarioFile],
    mut problems: Vec<ConfigProblem>,
    ctx: ValidationContext,
    mut take: impl FnMut(&Sweep, &mut dyn Iterator<Item = (Checked, ResolvedSpec)>),
) -> Result<Vec<ConfigProblem>, ScenarioError> {
    let resolved = resolve(files);
    problems.extend(resolved.problems);
    let mut warnings = resolved.warnings;
    let read = problems.len();
    for sweep in resolved.sweeps {
        let variants = (0..sweep.len()).map(|i| sweep.variant(i));
        let mut checked = variants.filter_map(|v| {
            let outcome = v.and_then(|r| check(&r, ctx).map(|c| (c, r)));
            match outcome {
                Ok((mut c, r)) => {
                    warnings.append(&mut c.warnings);
                    Some((c, r))
                }
                Err(p) => {
                    let fresh: Vec<ConfigProblem> = p
                        .into_iter()
                        .filter(|p| !problems[..read].iter().any(|f| same_value(f, p)))
                        .collect();
                    problems.extend(fresh);
                    None
                }
            }
        });
        take(&sweep, &mut checked);
        // Variants `take` did not consume are still checked for problems.
        checked.for_each(drop);
    }
    if !problems.is_empty() {
        return Err(ScenarioError(unique(problems)));
    }
    Ok(unique(warnings))
}

/// Whether the checker's `p` is about the value a form problem `f` (found by
/// the schema before typing) already reported: the same key, or `f` inside a
/// distribution given for `p`.
fn same_value(f: &ConfigProblem, p: &ConfigProblem) -> bool {
    if f.path != p.path {
        return false;
    }
    f.key == p.key
        || ["normal", "lognormal", "uniform", "triangular", "values"]
            .iter()
            .any(|d| f.key.starts_with(&format!("{}.{d}", p.key)))
}

/// Each problem once, first seen first: sweep variants and children repeat
/// their parents' problems at the same place.
fn unique(problems: Vec<ConfigProblem>) -> Vec<ConfigProblem> {
    let mut out: Vec<ConfigProblem> = Vec::with_capacity(problems.len());
    for p in problems {
        let same_place = |q: &ConfigProblem| {
            q.path == p.path && q.line == p.line && q.column == p.column && q.key == p.key
        };
        if !out.iter().any(|q| same_place(q) && q.message == p.message) {
            out.push(p);
        }
    }
    out
}

/// The JSON Schema of the scenario file format ([`schema`]).
pub fn json_schema() -> serde_json::Value {
    schema::json_schema()
}

/// The default name of a scenario file: its name without extension.
pub fn default_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
