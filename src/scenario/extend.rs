//! Extending inherited lists: `key+:` appends to the list `key` a parent set,
//! an entry whose `name` matches an inherited entry's replacing it in place;
//! plain `key:` still replaces the whole list.

use yaml_serde::{Mapping, Value};

use crate::yaml::{ConfigProblem, KeyPath, KeyStep, YamlSource};

/// The list keys a scenario has, as paths from the top of the file; only these
/// may take the `+` form.
pub const LIST_KEYS: &[&[&str]] = &[
    &["capacity"],
    &["demand"],
    &["export_controls"],
    &["diversion"],
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

/// Merges `over` (one file's tree) into `base` (its ancestors merged): maps
/// merge key by key, `key+` extends the list `key`, anything else replaces.
/// Problems (a `key+` with no inherited list) are located in `source`.
pub fn merge(
    base: &mut Value,
    over: Value,
    at: &KeyPath,
    source: &YamlSource,
) -> Vec<ConfigProblem> {
    let mut problems = Vec::new();
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) => {
            for (k, v) in o {
                let key = k.as_str().unwrap_or_default().to_string();
                let list_plus = key
                    .strip_suffix('+')
                    .filter(|l| is_list_key(&key_names(at), l));
                if let Some(list) = list_plus {
                    let here = at.key(&key);
                    match b.get_mut(list) {
                        Some(Value::Sequence(inherited)) => extend(inherited, v),
                        _ => problems.push(source.problem(
                            &here,
                            format!("`{key}` extends an inherited `{list}`, but no parent scenario sets `{list}`; write `{list}:` instead"),
                        )),
                    }
                    continue;
                }
                match b.get_mut(&k) {
                    Some(existing) => problems.extend(merge(existing, v, &at.key(&key), source)),
                    // A new mapping is merged into an empty one, so that a `+`
                    // inside it with nothing to extend is reported too.
                    None if v.is_mapping() => {
                        let mut fresh = Value::Mapping(Mapping::new());
                        problems.extend(merge(&mut fresh, v, &at.key(&key), source));
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
    problems
}

fn key_names(at: &KeyPath) -> Vec<String> {
    at.0.iter()
        .filter_map(|s| match s {
            KeyStep::Key(k) => Some(k.clone()),
            KeyStep::Index(_) => None,
        })
        .collect()
}

/// Appends `items` to `inherited`; an item whose `name` equals an inherited
/// entry's replaces that entry where it stands.
fn extend(inherited: &mut Vec<Value>, items: Value) {
    let Value::Sequence(items) = items else {
        return;
    };
    for item in items {
        let slot =
            entry_name(&item).and_then(|n| inherited.iter().position(|e| entry_name(e) == Some(n)));
        match slot {
            Some(i) => inherited[i] = item,
            None => inherited.push(item),
        }
    }
}

fn entry_name(v: &Value) -> Option<&str> {
    v.as_mapping()?.get("name")?.as_str()
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
