//! Checking a file's form against the JSON Schema ([`super::schema`]) before it
//! is typed, so that one `validate` lists every unknown key, wrong type,
//! missing key, out-of-range number, bad month and unknown code of every file
//! at once (serde would stop at the first), each located and worded for people.

use std::sync::LazyLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use super::validate::suggest_country;
use crate::yaml::{ConfigProblem, KeyPath, YamlSource, edit_distance};

struct Compiled {
    schema: Value,
    validator: Option<Validator>,
}

/// Compiled once: every file of a run is checked against it.
static SCHEMA: LazyLock<Compiled> = LazyLock::new(|| {
    let schema = super::schema::json_schema();
    let validator = jsonschema::draft202012::options().build(&schema).ok();
    Compiled { schema, validator }
});

/// The problems of form in one file's YAML tree, located in `source`.
pub(super) fn check(value: &yaml_serde::Value, source: &YamlSource) -> Vec<ConfigProblem> {
    let Some(validator) = SCHEMA.validator.as_ref() else {
        // The schema is built from the code; a test makes sure it compiles.
        return Vec::new();
    };
    // Keys that are not strings (e.g. `2027: x`) cannot become JSON: serde's
    // own error reports them.
    let Ok(mut instance) = serde_json::to_value(value) else {
        return Vec::new();
    };
    drop_nulls(&mut instance);
    let found: Vec<Finding> = validator
        .iter_errors(&instance)
        .flat_map(|e| describe(&e, &instance))
        .collect();
    let mut out = Vec::new();
    for f in &found {
        if is_typo_of(f, &found) {
            continue;
        }
        out.push(match f.about {
            // An unknown key is located at the key, not its value.
            About::UnknownKey { .. } => source.key_problem(&f.key, &f.message),
            _ => source.problem(&f.key, &f.message),
        });
    }
    // In the order of the file, as a reader goes through it.
    out.sort_by_key(|p| (p.line, p.column));
    out
}

/// One schema error in words, at its key, with what it is about.
struct Finding {
    key: KeyPath,
    message: String,
    about: About,
}

/// What a finding is about, where that changes how it is reported.
enum About {
    /// A key the schema does not know, with the known key we suggest.
    UnknownKey { meant: Option<&'static str> },
    /// A required key that is not there.
    MissingKey(String),
    /// A value.
    Value,
}

impl Finding {
    fn value(key: KeyPath, message: String) -> Finding {
        Finding {
            key,
            message,
            about: About::Value,
        }
    }
}

/// Whether a missing key `x` is the other half of an unknown key in the same
/// mapping that we suggest was meant as `x`: one typo, reported once.
fn is_typo_of(f: &Finding, all: &[Finding]) -> bool {
    let About::MissingKey(missing) = &f.about else {
        return false;
    };
    all.iter().any(|g| {
        matches!(g.about, About::UnknownKey { meant: Some(m) } if m == missing)
            && g.key.0.len() == f.key.0.len() + 1
            && g.key.0.starts_with(&f.key.0)
    })
}

/// A null value means "unset", as a key left out does.
fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// The key path of a JSON pointer into `instance`.
fn key_path(pointer: &str, instance: &Value) -> KeyPath {
    let mut key = KeyPath::default();
    let mut node = Some(instance);
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        match node {
            Some(Value::Array(a)) => {
                let i: usize = seg.parse().unwrap_or(0);
                key = key.index(i);
                node = a.get(i);
            }
            Some(Value::Object(m)) => {
                node = m.get(&seg);
                key = key.key(&seg);
            }
            _ => {
                key = key.key(&seg);
                node = None;
            }
        }
    }
    key
}

/// The schema node at a keyword location's parent (`/$defs/P/anyOf/0/minimum`
/// → `/$defs/P/anyOf/0`).
fn schema_node(schema_path: &str) -> Option<&'static Value> {
    let parent = schema_path.rsplit_once('/').map_or("", |(p, _)| p);
    SCHEMA.schema.pointer(parent)
}

fn describe(e: &ValidationError<'_>, instance: &Value) -> Vec<Finding> {
    let at = key_path(e.instance_path().as_str(), instance);
    let schema_path = e.schema_path().as_str();
    let node = schema_node(schema_path);
    let found = e.instance().as_ref();
    let one = |m: String| vec![Finding::value(at.clone(), m)];
    match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known = property_names(node);
            unexpected
                .iter()
                .map(|u| {
                    let meant = nearest(u, &known);
                    Finding {
                        key: at.key(u),
                        message: unknown_key(u, meant, &known),
                        about: About::UnknownKey { meant },
                    }
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("?").to_string();
            vec![Finding {
                key: at.clone(),
                message: format!("missing key `{name}`"),
                about: About::MissingKey(name),
            }]
        }
        ValidationErrorKind::Type { .. } => one(format!(
            "expected {}, found {}",
            node.map_or("another type".into(), expected_type),
            shown(found)
        )),
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. } => {
            let what = last_key(&at, schema_path.starts_with("/$defs/Param"));
            one(format!(
                "{what} {} is not {}",
                shown_number(found),
                range_of(node)
            ))
        }
        ValidationErrorKind::Enum { .. } => one(not_in_enum(schema_path, found, node)),
        ValidationErrorKind::Pattern { .. } => one(pattern_message(schema_path, found)),
        ValidationErrorKind::MinItems { limit } => one(format!(
            "list at least {limit} entr{}",
            if *limit == 1 { "y" } else { "ies" }
        )),
        ValidationErrorKind::Constant { expected_value } => one(format!(
            "expected {}, found {}",
            shown(expected_value),
            shown(found)
        )),
        ValidationErrorKind::PropertyNames { error } => {
            let name = error.instance().as_str().unwrap_or_default().to_string();
            let inner = error.schema_path().as_str();
            let message = not_in_enum(inner, error.instance().as_ref(), schema_node(inner));
            vec![Finding::value(at.key(&name), message)]
        }
        ValidationErrorKind::AnyOf { context } => any_of(context, instance, &at, node, found),
        _ => one(e.to_string()),
    }
}

/// The branch of an `anyOf` the value was meant for (the first whose errors
/// are all below the value itself: its type and form matched) speaks for it;
/// if none matched, the alternatives are named.
fn any_of(
    context: &[Vec<ValidationError<'static>>],
    instance: &Value,
    at: &KeyPath,
    node: Option<&Value>,
    found: &Value,
) -> Vec<Finding> {
    let here = at.to_string();
    let shape_mismatch = |e: &ValidationError<'_>| {
        key_path(e.instance_path().as_str(), instance).to_string() == here
            && matches!(
                e.kind(),
                ValidationErrorKind::Type { .. }
                    | ValidationErrorKind::Required { .. }
                    | ValidationErrorKind::AdditionalProperties { .. }
                    | ValidationErrorKind::Constant { .. }
            )
    };
    if let Some(branch) = context
        .iter()
        .find(|b| !b.is_empty() && !b.iter().any(shape_mismatch))
    {
        return branch.iter().flat_map(|e| describe(e, instance)).collect();
    }
    let anyof = node.and_then(|n| n.get("anyOf")).and_then(Value::as_array);
    let forms: Vec<&str> = anyof
        .map(|a| {
            a.iter()
                .filter_map(|b| b.get("required")?.get(0)?.as_str())
                .collect()
        })
        .unwrap_or_default();
    let description = node
        .and_then(|n| n.get("description"))
        .and_then(Value::as_str)
        .unwrap_or("another value");
    if let (Value::Object(m), false) = (found, forms.is_empty())
        && m.len() == 1
        && let Some(name) = m.keys().next()
        && !forms.contains(&name.as_str())
    {
        let mut message = format!(
            "`{name}` is not one of the forms here ({})",
            forms.join(", ")
        );
        if let Some(near) = nearest(name, &forms) {
            message.push_str(&format!("; did you mean `{near}`?"));
        }
        return vec![Finding::value(at.clone(), message)];
    }
    vec![Finding::value(
        at.clone(),
        format!(
            "expected {}, found {}",
            lower_first(description.trim_end_matches('.')),
            shown(found)
        ),
    )]
}

fn property_names(node: Option<&'static Value>) -> Vec<&'static str> {
    node.and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn unknown_key(key: &str, meant: Option<&str>, known: &[&str]) -> String {
    match meant {
        Some(near) => format!("unknown key `{key}`; did you mean `{near}`?"),
        None if known.is_empty() => format!("unknown key `{key}`"),
        None => format!("unknown key `{key}` (keys here: {})", known.join(", ")),
    }
}

/// The candidate nearest to `word` if it is close enough to be a typo (at most
/// a third of its letters, and at least one, edited), else the one candidate
/// it begins (`tarif` → `tariffs`).
fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    let close = candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c);
    close.or_else(|| {
        let starts: Vec<&str> = candidates
            .iter()
            .copied()
            .filter(|c| word.len() >= 3 && c.starts_with(word) && !c.ends_with('+'))
            .collect();
        (starts.len() == 1).then(|| starts[0])
    })
}

fn not_in_enum(schema_path: &str, found: &Value, node: Option<&Value>) -> String {
    let text = found.as_str().unwrap_or_default();
    let what = if schema_path.starts_with("/$defs/CountryCode") {
        Some("a country code")
    } else if schema_path.starts_with("/$defs/ImporterCode") {
        Some("an importer code")
    } else {
        None
    };
    if let Some(what) = what {
        let mut m = format!(
            "{} is not {what} (ISO 3166 alpha-3, e.g. DEU)",
            shown(found)
        );
        if let Some(near) = suggest_country(text) {
            m.push_str(&format!("; did you mean `{near}`?"));
        }
        return m;
    }
    let options: Vec<String> = node
        .and_then(|n| n.get("enum"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|v| format!("`{}`", v.as_str().unwrap_or("?")))
                .collect()
        })
        .unwrap_or_default();
    format!("{} is not one of {}", shown(found), options.join(", "))
}

fn pattern_message(schema_path: &str, found: &Value) -> String {
    if schema_path.starts_with("/$defs/Month") {
        format!(
            "{} is not a month: write YYYY-MM, e.g. 2027-01 (years 1900 to 2200)",
            shown(found).escape_default()
        )
    } else if schema_path.contains("/extends/") {
        not_a_parent(found.as_str().unwrap_or_default())
    } else {
        format!(
            "{} has a control character; a name is printed in reports, charts and terminals",
            shown(found).escape_default()
        )
    }
}

/// Why `extends: text` is refused when `text` is a path, not a name.
pub(super) fn not_a_parent(text: &str) -> String {
    format!(
        "`{}` is not a scenario's name: `extends` names a scenario (found among the files \
         given, beside this file or bundled), never a path",
        text.escape_default()
    )
}

/// Whether `text` can name a parent: not empty, no control character, no `/`
/// or `\\`, not starting with `.` (as the schema's pattern says).
pub(super) fn is_parent_name(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('.')
        && !text
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
}

fn expected_type(node: &Value) -> String {
    let name = |t: &str| match t {
        "number" => "a number",
        "integer" => "a whole number",
        "string" => "text",
        "boolean" => "true or false",
        "array" => "a list",
        "object" => "a mapping of keys",
        _ => "another type",
    };
    match node.get("type") {
        Some(Value::String(t)) => name(t).to_string(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(name)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "another type".into(),
    }
}

fn range_of(node: Option<&Value>) -> String {
    let bound = |k: &str| node.and_then(|n| n.get(k)).and_then(Value::as_f64);
    super::param::Range {
        min: bound("minimum").unwrap_or(f64::NEG_INFINITY),
        max: bound("maximum").unwrap_or(f64::INFINITY),
    }
    .describe()
}

/// What a number is called in a message: a parameter's own value is `the
/// value`, a distribution's field its name (`sd`, `low`), any other key its name.
fn last_key(at: &KeyPath, in_param: bool) -> String {
    use crate::yaml::KeyStep;
    let last = at.0.iter().rev().find_map(|s| match s {
        KeyStep::Key(k) => Some(k.as_str()),
        KeyStep::Index(_) => None,
    });
    match last {
        Some(k @ ("mean" | "sd" | "meanlog" | "sdlog" | "low" | "mode" | "high")) if in_param => {
            k.to_string()
        }
        Some(k) if !in_param => k.to_string(),
        _ => "the value".into(),
    }
}

fn shown_number(v: &Value) -> String {
    v.as_f64()
        .map_or_else(|| v.to_string(), crate::number::compact)
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
        Value::Null => "nothing".into(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
