//! Extending inherited lists: `key+:` appends to the list `key` a parent set,
//! an entry whose `name` (for duty layers: authority and importer) matches an
//! inherited entry's replacing it in place; plain `key:` still replaces the
//! whole list, with a warning unless the file lists the key under `replace:`.

use yaml_serde::{Mapping, Value};

use crate::yaml::{ConfigProblem, KeyPath, KeyStep, YamlSource};

/// The list keys a scenario has, as paths from the top of the file; only these
/// may take the `+` form.
pub const LIST_KEYS: &[&[&str]] = &[
    &["capacity"],
    &["demand"],
    &["export_controls"],
    &["diversion"],
    &["reexport_routes"],
    &["production_credits"],
    &["tariffs", "changes"],
    &["tariffs", "layers"],
];

fn is_list_key(parents: &[String], key: &str) -> bool {
    LIST_KEYS.iter().any(|path| {
        path.len() == parents.len() + 1
            && path[..parents.len()]
                .iter()
                .zip(parents)
                .all(|(a, b)| a == b)
            && path[parents.len()] == key
    })
}

fn list_names() -> String {
    LIST_KEYS
        .iter()
        .map(|p| format!("`{}+`", p.join(".")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Problems with `+` keys in one file, before it is typed: a `+` on a key
/// that is not a list, or a list given both plainly and with `+`.
pub fn check_plus_keys(value: &Value, source: &YamlSource) -> Vec<ConfigProblem> {
    let mut problems = Vec::new();
    walk(
        value,
        &mut Vec::new(),
        &KeyPath::default(),
        source,
        &mut problems,
    );
    problems
}

fn walk(
    value: &Value,
    parents: &mut Vec<String>,
    at: &KeyPath,
    source: &YamlSource,
    problems: &mut Vec<ConfigProblem>,
) {
    let Value::Mapping(m) = value else { return };
    for (k, v) in m {
        let Some(key) = k.as_str() else { continue };
        let here = at.key(key);
        if let Some(base) = key.strip_suffix('+') {
            if !is_list_key(parents, base) {
                problems.push(source.problem(
                    &here,
                    format!(
                        "`+` extends an inherited list, and `{base}` is not one (lists: {})",
                        list_names()
                    ),
                ));
            } else if m.contains_key(base) {
                problems.push(source.problem(
                    &here,
                    format!("give `{base}` (replace the inherited list) or `{key}` (extend it), not both"),
                ));
            }
            continue;
        }
        // Walk the scenario's own mappings, not maps of codes such as `tariffs.reference`.
        let own = match parents.as_slice() {
            [] => key == "tariffs" || key == "assumptions",
            [p] => p == "assumptions" && key == "price",
            _ => false,
        };
        if own {
            parents.push(key.to_string());
            walk(v, parents, &here, source, problems);
            parents.pop();
        }
    }
}

/// What merging one file into its ancestors found.
#[derive(Debug, Default)]
pub struct Merged {
    /// Errors: a `key+` with no inherited list.
    pub problems: Vec<ConfigProblem>,
    /// Warnings: a non-empty inherited list replaced by a non-empty one, when the
    /// file does not list it under `replace`.
    pub warnings: Vec<ConfigProblem>,
}

/// Merges `over` (one file's tree) into `base` (its ancestors merged): maps
/// merge key by key, `key+` extends the list `key`, anything else replaces.
/// `replace` names the lists (`capacity`, `tariffs.layers`) the file replaces
/// on purpose. Problems are located in `source`.
pub fn merge(
    base: &mut Value,
    over: Value,
    at: &KeyPath,
    source: &YamlSource,
    replace: &[String],
) -> Merged {
    let mut out = Merged::default();
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) => {
            for (k, v) in o {
                let key = k.as_str().unwrap_or_default().to_string();
                let here = at.key(&key);
                let list_plus = key
                    .strip_suffix('+')
                    .filter(|l| is_list_key(&key_names(at), l));
                if let Some(list) = list_plus {
                    match b.get_mut(list) {
                        Some(Value::Sequence(inherited)) => extend(inherited, v),
                        _ => out.problems.push(source.problem(
                            &here,
                            format!("`{key}` extends an inherited `{list}`, but no parent scenario sets `{list}`; write `{list}:` instead"),
                        )),
                    }
                    continue;
                }
                if is_list_key(&key_names(at), &key) {
                    warn_replaced(b.get(&k), &v, &here, source, replace, &mut out);
                }
                match b.get_mut(&k) {
                    Some(existing) => {
                        let inner = merge(existing, v, &here, source, replace);
                        out.problems.extend(inner.problems);
                        out.warnings.extend(inner.warnings);
                    }
                    // A new mapping is merged into an empty one, so that a `+`
                    // inside it with nothing to extend is reported too.
                    None if v.is_mapping() => {
                        let mut fresh = Value::Mapping(Mapping::new());
                        let inner = merge(&mut fresh, v, &here, source, replace);
                        out.problems.extend(inner.problems);
                        out.warnings.extend(inner.warnings);
                        b.insert(k, fresh);
                    }
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
    out
}

/// A warning when a file replaces a non-empty inherited list with a non-empty
/// one without saying so: the usual mistake is to mean "add".
fn warn_replaced(
    inherited: Option<&Value>,
    new: &Value,
    at: &KeyPath,
    source: &YamlSource,
    replace: &[String],
    out: &mut Merged,
) {
    let (Some(Value::Sequence(old)), Value::Sequence(new)) = (inherited, new) else {
        return;
    };
    let path = at.to_string();
    if old.is_empty() || new.is_empty() || replace.contains(&path) {
        return;
    }
    let last = at.0.last().map(|s| match s {
        KeyStep::Key(k) => k.clone(),
        KeyStep::Index(i) => i.to_string(),
    });
    let key = last.unwrap_or_default();
    out.warnings.push(source.problem(
        at,
        format!(
            "this replaces the {} inherited `{path}` entries; write `{key}+:` to add to them \
             (an entry with the same {} replaces one), or list `{path}` under `replace:` if \
             replacing them all is meant",
            old.len(),
            if path == "tariffs.layers" {
                "authority and importer"
            } else {
                "name"
            },
        ),
    ));
}

fn key_names(at: &KeyPath) -> Vec<String> {
    at.0.iter()
        .filter_map(|s| match s {
            KeyStep::Key(k) => Some(k.clone()),
            KeyStep::Index(_) => None,
        })
        .collect()
}

/// Appends `items` to `inherited`; an item with the same identity as an
/// inherited entry (its `name`; for a duty layer its authority and importer)
/// replaces that entry where it stands.
fn extend(inherited: &mut Vec<Value>, items: Value) {
    let Value::Sequence(items) = items else {
        return;
    };
    for item in items {
        let slot = entry_identity(&item).and_then(|n| {
            inherited
                .iter()
                .position(|e| entry_identity(e) == Some(n.clone()))
        });
        match slot {
            Some(i) => inherited[i] = item,
            None => inherited.push(item),
        }
    }
}

/// An importer code as the checker reads it (`usa` → USA); an unknown code as
/// written, for the checker to report.
fn canonical_code(code: &str) -> String {
    code.parse::<crate::data::Importer>()
        .map_or_else(|_| code.to_string(), |i| i.code().to_string())
}

/// What makes two list entries the same entry: `name`, or for a duty layer its
/// `authority` and `importer` (the code as the checker reads it, so `usa` is USA).
fn entry_identity(v: &Value) -> Option<String> {
    let m = v.as_mapping()?;
    if let Some(name) = m.get("name").and_then(Value::as_str) {
        return Some(format!("name:{name}"));
    }
    let authority = m.get("authority")?.as_str()?;
    let importer = m.get("importer")?.as_str()?;
    Some(format!("layer:{authority}@{}", canonical_code(importer)))
}

/// Warnings for a file's `tariffs.changes` (or `changes+`) entries whose
/// importer has duty layers inherited from `merged` (the ancestors) while the
/// file leaves the layers alone: the steps add to the layers, and the usual
/// intent was to give a total.
pub fn changes_over_layers(
    merged: &Value,
    file: &Value,
    source: &YamlSource,
) -> Vec<ConfigProblem> {
    let code = |v: &Value| v.as_str().map(canonical_code);
    let Some(tariffs) = file.get("tariffs").and_then(Value::as_mapping) else {
        return Vec::new();
    };
    if tariffs.contains_key("layers") || tariffs.contains_key("layers+") {
        return Vec::new();
    }
    let inherited: Vec<(String, String)> = merged
        .get("tariffs")
        .and_then(|t| t.get("layers"))
        .and_then(Value::as_sequence)
        .map(|layers| {
            layers
                .iter()
                .filter_map(|l| {
                    let authority = l.get("authority")?.as_str()?.to_string();
                    Some((code(l.get("importer")?)?, authority))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for key in ["changes", "changes+"] {
        let Some(entries) = tariffs.get(key).and_then(Value::as_sequence) else {
            continue;
        };
        for (i, entry) in entries.iter().enumerate() {
            let Some(importer) = entry.get("importer").and_then(code) else {
                continue;
            };
            let authorities: Vec<&str> = inherited
                .iter()
                .filter(|(c, _)| *c == importer)
                .map(|(_, a)| a.as_str())
                .collect();
            if authorities.is_empty() {
                continue;
            }
            let at = KeyPath::default()
                .key("tariffs")
                .key(key)
                .index(i)
                .key("importer");
            out.push(source.problem(
                &at,
                format!(
                    "{importer} has inherited duty layers ({}) and this step adds to them; to change \
                     one duty, give its layer again in `tariffs.layers+` (same authority and \
                     importer); to give the total instead, set `tariffs.layers: []` here",
                    authorities.join(", ")
                ),
            ));
        }
    }
    out
}

/// A resolved spec as YAML with unset keys left out: what the run uses. It goes
/// through JSON so that distributions print as `{triangular: {…}}`, the form a
/// scenario file takes, not as YAML tags.
pub fn to_yaml<T: serde::Serialize>(spec: &T) -> String {
    let json = serde_json::to_value(spec).unwrap_or_default();
    let mut value = yaml_serde::to_value(&json).unwrap_or(Value::Null);
    drop_nulls(&mut value);
    yaml_serde::to_string(&value).unwrap_or_default()
}

fn drop_nulls(value: &mut Value) {
    match value {
        Value::Mapping(m) => {
            let keep: Mapping = std::mem::take(m)
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, mut v)| {
                    drop_nulls(&mut v);
                    (k, v)
                })
                .collect();
            *m = keep;
        }
        Value::Sequence(s) => s.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}
