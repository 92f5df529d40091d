//! From files to fully specified scenario specs: reading each file, following
//! `extends` (maps merge, lists replace, `key+` extends a list: [`super::extend`];
//! unknown parents and cycles refused), and
//! expanding `sweep` into one variant per combination of values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use yaml_serde::{Mapping, Value};

use super::extend;
use super::spec::{ParamSpec, ScenarioSpec};
use crate::yaml::{ConfigProblem, KeyPath, KeyStep, YamlSource};

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
    /// The scenarios (one per sweep variant).
    pub specs: Vec<ResolvedSpec>,
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
                match expand_sweep(f, merged, &sources) {
                    Ok(specs) => out.extend(specs),
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
        specs: out,
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

fn expand_sweep(
    file: &ScenarioFile,
    merged: Value,
    sources: &[Arc<YamlSource>],
) -> Result<Vec<ResolvedSpec>, Vec<ConfigProblem>> {
    let sweep = file.spec.sweep.clone().unwrap_or_default();
    let mut problems = Vec::new();
    let mut axes: Vec<(String, KeyPath, Vec<ParamSpec>)> = Vec::new();
    for (key, values) in sweep {
        let at = KeyPath::default().key("sweep").key(&key);
        match parse_key(&key) {
            Some(path) if !sweepable(&path) => problems.push(file.source.problem(
                &at,
                format!(
                    "`{key}` cannot be swept: a sweep sets scalar parameters, which may be \
                     distributions (assumptions.elasticity, tariffs.changes[1].rate, \
                     capacity[0].serves.DEU…)"
                ),
            )),
            Some(path) if !values.is_empty() => axes.push((key, path, values)),
            Some(_) => problems.push(file.source.problem(&at, "list at least one value")),
            None => problems.push(file.source.problem(&at, format!("`{key}` is not a key path such as assumptions.elasticity or tariffs.changes[1].rate"))),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let total = axes
        .iter()
        .try_fold(1usize, |acc, (_, _, v)| acc.checked_mul(v.len()))
        .filter(|&n| n <= MAX_VARIANTS);
    let Some(total) = total else {
        return Err(vec![file.source.problem(
            &KeyPath::default().key("sweep"),
            format!(
                "the sweep makes more than {MAX_VARIANTS} variants; split it into several files"
            ),
        )]);
    };
    let short: Vec<String> = axes.iter().map(|(k, _, _)| short_key(k)).collect();
    let unique = short
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        == short.len();
    if let Some(problem) = repeated_value(file, &axes) {
        return Err(vec![problem]);
    }
    let mut out = Vec::with_capacity(total);
    for combo in 0..total {
        let mut value = merged.clone();
        let mut rest = combo;
        let mut variant = Vec::new();
        let mut labels = Vec::new();
        for (a, (key, path, values)) in axes.iter().enumerate().rev() {
            let pick = &values[rest % values.len()];
            rest /= values.len();
            let yaml = yaml_serde::to_value(pick).unwrap_or(Value::Null);
            if let Err(why) = set_path(&mut value, &path.0, yaml) {
                let at = KeyPath::default().key("sweep").key(key);
                return Err(vec![file.source.problem(&at, why)]);
            }
            variant.push((key.clone(), pick.clone()));
            let label = if unique { &short[a] } else { key };
            labels.push(format!("{label}={}", param_label(pick)));
        }
        variant.reverse();
        labels.reverse();
        let spec: ScenarioSpec = match yaml_serde::from_value(value) {
            Ok(s) => s,
            Err(e) => {
                return Err(vec![
                    file.source.problem(&KeyPath::default(), e.to_string()),
                ]);
            }
        };
        let name = if labels.is_empty() {
            file.name.clone()
        } else {
            format!("{}[{}]", file.name, labels.join(","))
        };
        out.push(ResolvedSpec {
            spec: ScenarioSpec {
                name: Some(name.clone()),
                extends: file.spec.extends.clone(),
                sweep: None,
                ..spec
            },
            name,
            sources: sources.to_vec(),
            variant,
        });
    }
    Ok(out)
}

/// A problem if one sweep axis lists the same value twice (`[0.1, 0.10]`): the
/// two variants would share a name and be merged by every report.
fn repeated_value(
    file: &ScenarioFile,
    axes: &[(String, KeyPath, Vec<ParamSpec>)],
) -> Option<ConfigProblem> {
    for (key, _, values) in axes {
        let labels: Vec<String> = values.iter().map(param_label).collect();
        for (i, l) in labels.iter().enumerate() {
            if let Some(j) = labels[..i].iter().position(|m| m == l) {
                let at = KeyPath::default().key("sweep").key(key).index(i);
                return Some(file.source.problem(
                    &at,
                    format!("this value ({l}) repeats value [{j}]: both variants would be called the same; list each value once"),
                ));
            }
        }
    }
    None
}

/// Whether `path` ends at a scalar parameter of [`super::keys::PARAMS`]: its
/// field, or an importer's entry of a per-importer map.
fn sweepable(path: &KeyPath) -> bool {
    let names: Vec<&str> = path
        .0
        .iter()
        .filter_map(|s| match s {
            KeyStep::Key(k) => Some(k.as_str()),
            KeyStep::Index(_) => None,
        })
        .collect();
    let last_is_key = matches!(path.0.last(), Some(KeyStep::Key(_)));
    super::keys::PARAMS
        .iter()
        .any(|p| match (p.per_importer, names.as_slice()) {
            (false, [.., field]) => last_is_key && *field == p.field,
            (true, [.., field, _code]) => last_is_key && *field == p.field,
            _ => false,
        })
}

fn param_label(p: &ParamSpec) -> String {
    match p {
        ParamSpec::Value(v) => format!("{v}"),
        ParamSpec::Distribution(d) => serde_json::to_string(d).unwrap_or_default(),
    }
}

/// `tariffs.changes[1].rate` → `rate`; `assumptions.elasticity` → `elasticity`.
fn short_key(key: &str) -> String {
    key.rsplit('.').next().unwrap_or(key).to_string()
}

/// Parses `a.b[1].c` into key steps.
pub fn parse_key(key: &str) -> Option<KeyPath> {
    let mut steps = Vec::new();
    for part in key.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return None;
        }
        steps.push(KeyStep::Key(name.to_string()));
        while !rest.is_empty() {
            let close = rest.find(']')?;
            let index: usize = rest.get(1..close)?.parse().ok()?;
            steps.push(KeyStep::Index(index));
            rest = &rest[close + 1..];
        }
    }
    Some(KeyPath(steps))
}

fn set_path(value: &mut Value, steps: &[KeyStep], new: Value) -> Result<(), String> {
    let Some((first, rest)) = steps.split_first() else {
        *value = new;
        return Ok(());
    };
    match first {
        KeyStep::Key(k) => {
            if value.is_null() {
                *value = Value::Mapping(Mapping::new());
            }
            let Value::Mapping(m) = value else {
                return Err(format!("`{k}` is under a value that is not a mapping"));
            };
            let key = Value::String(k.clone());
            if !m.contains_key(&key) {
                m.insert(key.clone(), Value::Null);
            }
            let child = m.get_mut(&key).ok_or("internal: key vanished")?;
            set_path(child, rest, new)
        }
        KeyStep::Index(i) => {
            let Value::Sequence(seq) = value else {
                return Err(format!("[{i}] indexes something that is not a list"));
            };
            let len = seq.len();
            let child = seq
                .get_mut(*i)
                .ok_or_else(|| format!("[{i}] is past the end of a list of {len}"))?;
            set_path(child, rest, new)
        }
    }
}
