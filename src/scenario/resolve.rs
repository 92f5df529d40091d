//! From files to fully specified scenario specs: reading each file, following
//! `extends` (maps merge, lists replace, `key+` extends a list: [`super::extend`];
//! unknown parents and cycles refused), then [`super::sweep`] for the variants.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use yaml_serde::{Mapping, Value};

use super::extend;
use super::spec::{ParamSpec, ScenarioSpec};
use super::sweep::Sweep;
use crate::yaml::{ConfigProblem, KeyPath, YamlSource};

/// Most variants one sweep may make (a million draws each would already be a
/// long run); more is refused rather than exhausting memory.
pub const MAX_VARIANTS: usize = 100_000;

/// One scenario file as read: its text, its YAML tree and its typed spec.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    /// The file.
    pub path: PathBuf,
    /// Its text, for locating problems.
    pub source: Arc<YamlSource>,
    /// Its YAML tree, for merging.
    pub value: Value,
    /// Its typed (unchecked) content.
    pub spec: ScenarioSpec,
    /// `name`, or the file name without extension.
    pub name: String,
    /// Problems of form the JSON Schema found in a file that could still be
    /// typed (values out of range, bad months or codes): reported with the
    /// checker's, which then also runs.
    pub form_problems: Vec<ConfigProblem>,
}

impl std::fmt::Debug for YamlSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "YamlSource({})", self.path().display())
    }
}

/// A scenario ready for checking: the merged spec, the files it came from
/// (itself first, then its ancestors) and the sweep values that made it.
#[derive(Debug, Clone)]
pub struct ResolvedSpec {
    /// The merged spec with the variant's values set.
    pub spec: ScenarioSpec,
    /// The scenario's name (with the sweep values, for variants).
    pub name: String,
    /// The name its random streams are seeded with: the file's scenario name,
    /// shared by every variant of a sweep (common random numbers).
    pub stream: String,
    /// The files, child first.
    pub sources: Vec<Arc<YamlSource>>,
    /// Sweep key → value of this variant.
    pub variant: Vec<(String, ParamSpec)>,
}

impl ResolvedSpec {
    /// A problem at `key`, located in the first file that sets it (else the
    /// scenario's own file).
    pub fn problem(&self, key: &KeyPath, message: impl Into<String>) -> ConfigProblem {
        let source = self
            .sources
            .iter()
            .find(|s| s.has(key))
            .unwrap_or(&self.sources[0]);
        source.problem(key, message)
    }
}

/// Reads one scenario file.
///
/// # Errors
/// The problems found: unreadable, empty, not YAML, wrong types, unknown keys.
pub fn read_file(path: &Path) -> Result<ScenarioFile, Vec<ConfigProblem>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ConfigProblem {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            key: String::new(),
            message: format!("cannot read the file: {e}"),
        }]
    })?;
    read_text(path, text)
}

/// [`read_file`] for text already in memory; `path` names it in messages and
/// is where `extends` looks for parents.
///
/// # Errors
/// As [`read_file`].
pub fn read_text(path: &Path, text: String) -> Result<ScenarioFile, Vec<ConfigProblem>> {
    let located = |message: String| ConfigProblem {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        key: String::new(),
        message,
    };
    // A byte-order mark (editors on Windows write one) is not content.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if text.trim().is_empty() {
        return Err(vec![located("the file is empty".into())]);
    }
    let source = YamlSource::new(path, text);
    let value: Value = yaml_serde::from_str(source.text()).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        vec![ConfigProblem {
            path: path.to_path_buf(),
            line,
            column,
            key: String::new(),
            message: format!(
                "not valid YAML: {}",
                e.to_string().split(" at line ").next().unwrap_or("")
            ),
        }]
    })?;
    if !value.is_mapping() {
        return Err(vec![source.problem(
            &KeyPath::default(),
            "a scenario file must be a mapping of keys (name, tariffs, capacity…)",
        )]);
    }
    let plus = super::extend::check_plus_keys(&value, &source);
    if !plus.is_empty() {
        return Err(plus);
    }
    let form = super::structure::check(&value, &source);
    let spec: ScenarioSpec = match source.deserialize() {
        Ok(spec) if form.is_empty() => spec,
        // Typed from the text, but not from the tree that merging uses (a number
        // where text goes): the form problems say it all.
        Ok(_) if yaml_serde::from_value::<ScenarioSpec>(value.clone()).is_err() => {
            return Err(form);
        }
        Ok(spec) => spec,
        Err(p) if form.is_empty() => return Err(vec![p]),
        Err(_) => return Err(form),
    };
    let name = spec
        .name
        .clone()
        .unwrap_or_else(|| super::default_name(path));
    Ok(ScenarioFile {
        path: path.to_path_buf(),
        source: Arc::new(source),
        value,
        spec,
        name,
        form_problems: form,
    })
}

/// The YAML files named by `inputs`: files as given, folders' `*.yaml` and
/// `*.yml` in name order.
///
/// # Errors
/// A problem for an input that does not exist or a folder without scenarios.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<ConfigProblem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let problem = |path: &Path, message: &str| ConfigProblem {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        key: String::new(),
        message: message.to_string(),
    };
    for input in inputs {
        if input.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(input)
                .map(|rd| {
                    rd.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            if files.is_empty() {
                problems.push(problem(input, "the folder has no .yaml scenario files"));
            }
            out.extend(files);
        } else if input.exists() {
            out.push(input.clone());
        } else {
            problems.push(problem(input, "no such file or folder"));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// What [`resolve`] made of a set of files.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Each file's scenarios, in file order (a sweep's variants are made
    /// one at a time from it).
    pub sweeps: Vec<Sweep>,
    /// Errors.
    pub problems: Vec<ConfigProblem>,
    /// Warnings raised while merging (lists replaced, changes over inherited layers).
    pub warnings: Vec<ConfigProblem>,
}

/// Resolves every file in `files` (in order): follows `extends` through the
/// other files or `<folder>/<name>.yaml`, merges, expands sweeps. Collects every
/// problem.
pub fn resolve(files: &[ScenarioFile]) -> Resolved {
    let mut by_name: BTreeMap<String, ScenarioFile> = BTreeMap::new();
    for f in files {
        by_name.entry(f.name.clone()).or_insert_with(|| f.clone());
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut seen_names: BTreeMap<String, PathBuf> = BTreeMap::new();
    for f in files {
        if let Some(first) = seen_names.insert(f.name.clone(), f.path.clone()) {
            problems.push(f.source.problem(
                &KeyPath::default().key("name"),
                format!(
                    "two scenarios are called `{}` (also {})",
                    f.name,
                    first.display()
                ),
            ));
            continue;
        }
        match chain(f, &mut by_name) {
            Err(p) => problems.push(p),
            Ok(chain) => {
                let merged = match merge_chain(&chain) {
                    Ok((merged, mut w)) => {
                        warnings.append(&mut w);
                        merged
                    }
                    Err(mut p) => {
                        problems.append(&mut p);
                        continue;
                    }
                };
                let sources: Vec<Arc<YamlSource>> =
                    chain.iter().map(|c| c.source.clone()).collect();
                match Sweep::new(f, merged, &sources) {
                    Ok(sweep) => out.push(sweep),
                    Err(mut p) => problems.append(&mut p),
                }
            }
        }
    }
    // Form problems of every file read, the parents found on the way included.
    let mut form: Vec<ConfigProblem> = files.iter().flat_map(|f| f.form_problems.clone()).collect();
    for f in by_name.values() {
        if !files.iter().any(|g| g.path == f.path) {
            form.extend(f.form_problems.clone());
        }
    }
    form.append(&mut problems);
    Resolved {
        sweeps: out,
        problems: form,
        warnings,
    }
}

/// Merges a chain (child first) from the root down, with the warnings each
/// file's merge raised.
fn merge_chain(chain: &[ScenarioFile]) -> Result<(Value, Vec<ConfigProblem>), Vec<ConfigProblem>> {
    let mut merged = Value::Mapping(Mapping::new());
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    for ancestor in chain.iter().rev() {
        let mut v = ancestor.value.clone();
        if let Value::Mapping(m) = &mut v {
            for k in ["extends", "sweep", "name", "replace"] {
                m.remove(k);
            }
        }
        let replace = ancestor.spec.replace.clone().unwrap_or_default();
        warnings.extend(extend::changes_over_layers(&merged, &v, &ancestor.source));
        let m = extend::merge(
            &mut merged,
            v,
            &KeyPath::default(),
            &ancestor.source,
            &replace,
        );
        problems.extend(m.problems);
        warnings.extend(m.warnings);
    }
    if problems.is_empty() {
        Ok((merged, warnings))
    } else {
        Err(problems)
    }
}

/// The file and its ancestors, child first.
fn chain(
    file: &ScenarioFile,
    known: &mut BTreeMap<String, ScenarioFile>,
) -> Result<Vec<ScenarioFile>, ConfigProblem> {
    let mut out = vec![file.clone()];
    let mut names = vec![file.name.clone()];
    while let Some(parent) = out.last().and_then(|f| f.spec.extends.clone()) {
        let child = out.last().cloned().ok_or_else(|| {
            file.source
                .problem(&KeyPath::default(), "internal: empty chain")
        })?;
        let key = KeyPath::default().key("extends");
        if names.contains(&parent) {
            names.push(parent);
            return Err(child.source.problem(
                &key,
                format!("`extends` makes a cycle: {}", names.join(" → ")),
            ));
        }
        if !super::structure::is_parent_name(&parent) {
            return Err(child
                .source
                .problem(&key, super::structure::not_a_parent(&parent)));
        }
        let found = match known.get(&parent) {
            Some(p) => p.clone(),
            None => {
                let dir = child.path.parent().unwrap_or(Path::new("."));
                let candidate = [
                    dir.join(format!("{parent}.yaml")),
                    dir.join(format!("{parent}.yml")),
                ]
                .into_iter()
                .find(|p| p.exists());
                let read = match candidate {
                    Some(path) => read_file(&path),
                    None => match super::bundled_file(&parent) {
                        Some(read) => read,
                        None => {
                            return Err(child.source.problem(
                                &key,
                                format!("unknown parent scenario `{parent}` (not among the files given, nor {}/{parent}.yaml, nor a bundled scenario)", dir.display()),
                            ));
                        }
                    },
                };
                let loaded = read.map_err(|p| {
                    p.into_iter().next().unwrap_or_else(|| {
                        child
                            .source
                            .problem(&key, format!("cannot read the parent `{parent}`"))
                    })
                })?;
                known.insert(parent.clone(), loaded.clone());
                loaded
            }
        };
        names.push(parent);
        out.push(found);
    }
    Ok(out)
}
