//! Expanding `sweep` (docs/model.md §3.13): one variant per combination of
//! values, each named after its values, with every key path checked to be a
//! scalar parameter and every value listed once.

use std::sync::Arc;

use yaml_serde::{Mapping, Value};

use super::resolve::{MAX_VARIANTS, ResolvedSpec, ScenarioFile};
use super::spec::{ParamSpec, ScenarioSpec};
use crate::yaml::{ConfigProblem, KeyPath, KeyStep, YamlSource};

/// One axis of a sweep: its key as written, the path it sets, and its values.
type Axis = (String, KeyPath, Vec<ParamSpec>);

/// One file's scenarios: the variants of its sweep over the merged file (or
/// the one scenario, for a file without a sweep), made one at a time, so a
/// sweep of 100,000 variants is held as one merged file and its axes.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The file's scenario name, before the variants' labels.
    name: String,
    /// Its `extends`.
    extends: Option<String>,
    /// The file merged with its ancestors.
    merged: Value,
    /// Key, path and values of each axis, in the file's order.
    axes: Vec<Axis>,
    /// The short labels of the keys (`rate`), when they tell the axes apart.
    labels: Option<Vec<String>>,
    /// The files, child first.
    sources: Vec<Arc<YamlSource>>,
    /// Variants: the product of the axes' lengths.
    total: usize,
}

impl Sweep {
    /// Checks `file`'s sweep over `merged` (the file with its ancestors).
    ///
    /// # Errors
    /// Every problem of the sweep's keys and values, located in `file`.
    pub(super) fn new(
        file: &ScenarioFile,
        merged: Value,
        sources: &[Arc<YamlSource>],
    ) -> Result<Sweep, Vec<ConfigProblem>> {
        let axes = axes(file)?;
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
        Ok(Sweep {
            name: file.name.clone(),
            extends: file.spec.extends.clone(),
            merged,
            axes,
            labels: unique.then_some(short),
            sources: sources.to_vec(),
            total,
        })
    }

    /// The file the sweep is written in.
    pub fn file(&self) -> &std::path::Path {
        self.sources[0].path()
    }

    /// How many variants the sweep makes (1 without a sweep).
    pub fn len(&self) -> usize {
        self.total
    }

    /// Whether it makes none (never: a sweep has at least one value an axis).
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Variant `combo` (0 to [`Sweep::len`] − 1; the last axis varies fastest).
    ///
    /// # Errors
    /// A problem located in the file if the values cannot be set or typed.
    pub fn variant(&self, combo: usize) -> Result<ResolvedSpec, Vec<ConfigProblem>> {
        let source = &self.sources[0];
        let mut value = self.merged.clone();
        let mut rest = combo;
        let mut variant = Vec::new();
        let mut labels = Vec::new();
        for (a, (key, path, values)) in self.axes.iter().enumerate().rev() {
            let pick = &values[rest % values.len()];
            rest /= values.len();
            let yaml = yaml_serde::to_value(pick).unwrap_or(Value::Null);
            if let Err(why) = set_path(&mut value, &path.0, yaml) {
                let at = KeyPath::default().key("sweep").key(key);
                return Err(vec![source.problem(&at, why)]);
            }
            variant.push((key.clone(), pick.clone()));
            let label = self.labels.as_ref().map_or(key, |l| &l[a]);
            labels.push(format!("{label}={}", param_label(pick)));
        }
        variant.reverse();
        labels.reverse();
        let spec: ScenarioSpec = yaml_serde::from_value(value)
            .map_err(|e| vec![source.problem(&KeyPath::default(), e.to_string())])?;
        let name = if labels.is_empty() {
            self.name.clone()
        } else {
            format!("{}[{}]", self.name, labels.join(","))
        };
        Ok(ResolvedSpec {
            spec: ScenarioSpec {
                name: Some(name.clone()),
                extends: self.extends.clone(),
                sweep: None,
                ..spec
            },
            name,
            stream: self.name.clone(),
            sources: self.sources.clone(),
            variant,
        })
    }
}

/// The axes of `file`'s sweep, each key checked to be a sweepable path with
/// at least one value.
fn axes(file: &ScenarioFile) -> Result<Vec<Axis>, Vec<ConfigProblem>> {
    let sweep = file.spec.sweep.clone().unwrap_or_default();
    let mut problems = Vec::new();
    let mut axes = Vec::new();
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
    if problems.is_empty() {
        Ok(axes)
    } else {
        Err(problems)
    }
}

/// A problem if one sweep axis lists the same value twice (`[0.1, 0.10]`): the
/// two variants would share a name and be merged by every report.
fn repeated_value(file: &ScenarioFile, axes: &[Axis]) -> Option<ConfigProblem> {
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
