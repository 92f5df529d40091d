//! The JSON Schema of scenario files: the spec types as schemars derives them
//! (their doc comments become descriptions), then made to check what `validate`
//! checks where JSON Schema can say it: parameter ranges from [`super::keys`],
//! month patterns, importer-code enums, defaults. magcast validates every file
//! against it before typing it, so the schema cannot drift from the tool, and
//! editors (yaml-language-server) and validators (ajv, strict mode) use it too.

use serde_json::{Map, Value, json};

use super::checked::defaults;
use super::extend::LIST_KEYS;
use super::keys::{PARAMS, ParamKey};
use super::param::Range;
use super::spec::ScenarioSpec;
use super::validate::MAX_DRAWS;
use crate::data::{Country, IMPORTER_ALIASES, MAX_YEAR, MIN_YEAR};
use crate::number::compact;

/// Where a string field's values come from.
#[derive(Debug, Clone, Copy)]
enum StringKind {
    /// A month, `YYYY-MM`.
    Month,
    /// An importer code (country, group, WORLD or ROW).
    Importer,
    /// A country code.
    Country,
    /// `all` or a list of importer codes.
    Targets,
}

/// The string fields with a format, by (spec struct, field).
const STRING_FIELDS: &[(&str, &str, StringKind)] = &[
    ("ScenarioSpec", "horizon", StringKind::Month),
    ("TariffChangeSpec", "importer", StringKind::Importer),
    ("TariffChangeSpec", "from", StringKind::Month),
    ("TariffChangeSpec", "to", StringKind::Month),
    ("TariffLayerSpec", "importer", StringKind::Importer),
    ("TariffStepSpec", "from", StringKind::Month),
    ("TariffStepSpec", "to", StringKind::Month),
    ("PlantSpec", "country", StringKind::Country),
    ("PlantSpec", "start", StringKind::Month),
    ("DemandSpec", "importers", StringKind::Targets),
    ("DemandSpec", "from", StringKind::Month),
    ("DemandSpec", "to", StringKind::Month),
    ("ExportControlSpec", "importers", StringKind::Targets),
    ("ExportControlSpec", "from", StringKind::Month),
    ("ExportControlSpec", "to", StringKind::Month),
    ("DiversionSpec", "from", StringKind::Importer),
    ("ReexportRouteSpec", "to", StringKind::Importer),
    ("CreditSpec", "country", StringKind::Country),
    ("CreditSpec", "from", StringKind::Month),
    ("CreditSpec", "to", StringKind::Month),
];

/// A scenario name: one or more characters, none of them a control character.
pub(crate) const NAME_PATTERN: &str = "^[^\\u0000-\\u001f\\u007f]+$";
/// A parent's name: a name without `/` or `\\`, not starting with `.`.
pub(crate) const PARENT_PATTERN: &str =
    "^[^\\u0000-\\u001f\\u007f/\\\\.][^\\u0000-\\u001f\\u007f/\\\\]*$";

/// Defaults of keys that are not scalar parameters.
fn other_default(owner: &str, field: &str) -> Option<Value> {
    Some(match (owner, field) {
        ("ScenarioSpec", "horizon") => json!(defaults::HORIZON),
        ("ScenarioSpec", "draws") => json!(defaults::DRAWS),
        ("PlantSpec", "curve") => json!("s-curve"),
        ("AssumptionsSpec", "baseline_uncertainty") => json!(true),
        _ => return None,
    })
}

/// The scenario file format as a JSON Schema (draft 2020-12).
pub fn json_schema() -> Value {
    let generated = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<ScenarioSpec>();
    let mut schema = serde_json::to_value(generated).unwrap_or_default();
    drop_nulls_and_formats(&mut schema);
    let Some(root) = schema.as_object_mut() else {
        return schema;
    };
    root.insert("title".into(), json!("magcast scenario"));
    let mut defs = root
        .remove("$defs")
        .and_then(|d| match d {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    // The root struct's keys are edited like the others, then put back.
    let top: Map<String, Value> = root.clone();
    defs.insert("ScenarioSpec".into(), Value::Object(top));
    defs.remove("ParamSpec");
    defs.remove("Distribution");
    defs.remove("TargetsSpec");
    refine(&mut defs);
    let top = defs.remove("ScenarioSpec").unwrap_or_default();
    let mut out = top.as_object().cloned().unwrap_or_default();
    out.insert("$defs".into(), Value::Object(defs));
    Value::Object(out)
}

/// Replaces the generic pieces with checked ones: parameters with their range
/// and default, strings with their format, and adds the remaining defaults.
fn refine(defs: &mut Map<String, Value>) {
    let mut ranges: Vec<Range> = Vec::new();
    for key in PARAMS {
        if !ranges.contains(&key.range) {
            ranges.push(key.range);
        }
        if let Some(prop) = property(defs, key.owner, key.field) {
            *prop = param_property(prop, key);
        }
    }
    for &(owner, field, kind) in STRING_FIELDS {
        if let Some(prop) = property(defs, owner, field) {
            let description = prop.get("description").cloned();
            let mut new = json!({ "$ref": format!("#/$defs/{}", kind_def(kind)) });
            if let Some(d) = description {
                new["description"] = d;
            }
            *prop = new;
        }
    }
    for (owner, def) in defs.iter_mut() {
        let required: Vec<String> = def
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let Some(props) = def.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (field, prop) in props.iter_mut() {
            if required.contains(field) || prop.get("default").is_some() {
                continue;
            }
            let is_section = prop
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| r.ends_with("Spec"));
            let default = other_default(owner, field).or_else(|| {
                if prop.get("type") == Some(&json!("array")) {
                    // A list left out is inherited, or empty.
                    Some(json!([]))
                } else if is_section {
                    // A section left out is inherited, or all its defaults.
                    Some(json!({}))
                } else {
                    None
                }
            });
            if let Some(d) = default {
                prop["default"] = d;
            }
        }
    }
    if let Some(draws) = property(defs, "ScenarioSpec", "draws") {
        draws["minimum"] = json!(1);
        draws["maximum"] = json!(MAX_DRAWS);
    }
    // Names reach terminals, SVG and file names: no control characters; a parent
    // is a scenario's name, never a path.
    if let Some(name) = property(defs, "ScenarioSpec", "name") {
        name["pattern"] = json!(NAME_PATTERN);
    }
    if let Some(extends) = property(defs, "ScenarioSpec", "extends") {
        extends["pattern"] = json!(PARENT_PATTERN);
    }
    if let Some(sweep) = property(defs, "ScenarioSpec", "sweep") {
        // Each value is checked against its key's range once it is set there.
        sweep["additionalProperties"] = json!({
            "type": "array",
            "items": { "$ref": format!("#/$defs/{}", param_def_name(Range::ANY)) },
            "minItems": 1,
        });
        sweep["default"] = json!({});
        if !ranges.contains(&Range::ANY) {
            ranges.push(Range::ANY);
        }
    }
    if let Some(replace) = property(defs, "ScenarioSpec", "replace") {
        let lists: Vec<String> = LIST_KEYS.iter().map(|p| p.join(".")).collect();
        replace["items"] = json!({ "enum": lists });
        replace["default"] = json!([]);
    }
    for r in ranges {
        defs.insert(param_def_name(r), param_def(r));
    }
    defs.insert("Month".into(), month_def());
    defs.insert("ImporterCode".into(), code_def(true));
    defs.insert("CountryCode".into(), code_def(false));
    defs.insert("Targets".into(), targets_def());
}

fn property<'a>(
    defs: &'a mut Map<String, Value>,
    owner: &str,
    field: &str,
) -> Option<&'a mut Value> {
    defs.get_mut(owner)?.get_mut("properties")?.get_mut(field)
}

fn kind_def(kind: StringKind) -> &'static str {
    match kind {
        StringKind::Month => "Month",
        StringKind::Importer => "ImporterCode",
        StringKind::Country => "CountryCode",
        StringKind::Targets => "Targets",
    }
}

/// A parameter's property: its own description, the range's parameter form,
/// its default.
fn param_property(old: &Value, key: &ParamKey) -> Value {
    let reference = json!({ "$ref": format!("#/$defs/{}", param_def_name(key.range)) });
    let mut new = if key.per_importer {
        json!({
            "type": "object",
            "propertyNames": { "$ref": "#/$defs/ImporterCode" },
            "additionalProperties": reference,
        })
    } else {
        reference
    };
    if let Some(d) = old.get("description") {
        new["description"] = d.clone();
    }
    if let Some(d) = key.default {
        new["default"] = if key.per_importer {
            json!({})
        } else {
            json!(d)
        };
    }
    new
}

/// The `$defs` name of the parameter form for `range`.
fn param_def_name(r: Range) -> String {
    match r {
        Range::ANY => "Param".into(),
        Range::NON_NEGATIVE => "ParamNonNegative".into(),
        Range::UNIT => "ParamShare".into(),
        Range::GROWTH => "ParamGrowth".into(),
        Range { min, max } if max.is_infinite() => format!("ParamAtLeast{}", compact(min)),
        Range { min, max } => format!("ParamFrom{}To{}", compact(min), compact(max)),
    }
}

/// A number in `r`, as JSON Schema keywords.
fn number_in(r: Range, description: &str) -> Value {
    let mut v = json!({ "type": "number", "description": description });
    if r.min.is_finite() {
        v["minimum"] = json!(r.min);
    }
    if r.max.is_finite() {
        v["maximum"] = json!(r.max);
    }
    v
}

/// One distribution form: a one-key object naming it.
fn form(name: &str, description: &str, fields: &[(&str, Value)]) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    let required: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    let inner = if name == "values" {
        fields[0].1.clone()
    } else {
        json!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    };
    json!({
        "type": "object",
        "description": description,
        "properties": { name: inner },
        "required": [name],
        "additionalProperties": false,
    })
}

/// A parameter whose values lie in `r`: a number, or one of the distributions
/// it is drawn from once per Monte Carlo draw (draws clipped to `r`).
fn param_def(r: Range) -> Value {
    let within = r.describe();
    let n = |what: &str| number_in(r, &format!("{what}, {within}."));
    let non_negative = |what: &str| number_in(Range::NON_NEGATIVE, what);
    // exp(meanlog) must lie in the range: the median of the draws.
    let meanlog = Range {
        min: if r.min > 0.0 {
            r.min.ln()
        } else {
            f64::NEG_INFINITY
        },
        max: if r.max.is_finite() && r.max > 0.0 {
            r.max.ln()
        } else {
            f64::INFINITY
        },
    };
    let values = json!({
        "type": "array",
        "description": format!("The values, equally likely, each {within}."),
        "items": n("A value"),
        "minItems": 1,
    });
    json!({
        "description": format!(
            "A number {within}, or a distribution to draw it from in each Monte Carlo draw \
             (draws are clipped to the range)."
        ),
        "anyOf": [
            number_in(r, &format!("A fixed value, {within}.")),
            form("normal", "Normal: {normal: {mean, sd}}; the mean in range.", &[
                ("mean", n("Mean")),
                ("sd", non_negative("Standard deviation, at least 0.")),
            ]),
            form("lognormal", "Log-normal: {lognormal: {meanlog, sdlog}}; the log is normal, the median exp(meanlog) in range.", &[
                ("meanlog", number_in(meanlog, "Mean of the logarithm.")),
                ("sdlog", non_negative("Standard deviation of the logarithm, at least 0.")),
            ]),
            form("uniform", "Uniform: {uniform: {low, high}}, low ≤ high.", &[
                ("low", n("Lower bound")),
                ("high", n("Upper bound, not below low")),
            ]),
            form("triangular", "Triangular: {triangular: {low, mode, high}}, low ≤ mode ≤ high.", &[
                ("low", n("Lower bound")),
                ("mode", n("Most likely value")),
                ("high", n("Upper bound")),
            ]),
            form("values", "A list: {values: [..]}, each equally likely.", &[("values", values)]),
        ],
    })
}

fn month_def() -> Value {
    json!({
        "type": "string",
        "description": format!("A month, YYYY-MM, years {MIN_YEAR} to {MAX_YEAR}; where a `to` goes with a `from`, it may not be before it."),
        "pattern": month_pattern(),
    })
}

/// `YYYY-MM` with the year in MIN_YEAR..=MAX_YEAR (1900-2200).
fn month_pattern() -> String {
    debug_assert_eq!((MIN_YEAR, MAX_YEAR), (1900, 2200));
    "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])$".into()
}

/// Every spelling of an importer code the checker accepts: alpha-3 and alpha-2
/// in upper and lower case, and for importers the groups, WORLD and ROW.
pub(crate) fn accepted_codes(importers: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut both = |code: &str| {
        out.push(code.to_string());
        out.push(code.to_ascii_lowercase());
    };
    for c in Country::all() {
        both(c.alpha3());
        both(c.alpha2());
    }
    if importers {
        for (code, _) in IMPORTER_ALIASES {
            both(code);
        }
    }
    out
}

fn code_def(importers: bool) -> Value {
    let description = if importers {
        "An importer: an ISO 3166 alpha-3 country code (DEU), a group (EU27), WORLD or ROW; \
         alpha-2 (DE) and lower case (deu) are read as the alpha-3 code."
    } else {
        "A country: an ISO 3166 alpha-3 code (DEU); alpha-2 (DE) and lower case (deu) are read \
         as the alpha-3 code."
    };
    json!({ "type": "string", "description": description, "enum": accepted_codes(importers) })
}

fn targets_def() -> Value {
    json!({
        "description": "`all`, or a list of importer codes.",
        "anyOf": [
            { "const": "all", "description": "Every importer." },
            {
                "type": "array",
                "description": "These importers.",
                "items": { "$ref": "#/$defs/ImporterCode" },
                "minItems": 1,
            },
        ],
    })
}

/// Option fields come out as "T or null"; a key left out is how a file says
/// "unset", so null is dropped (magcast drops null values before checking).
/// schemars' `format`s (`double`, `uint64`) are not standard and are dropped.
fn drop_nulls_and_formats(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("format").is_some_and(Value::is_string) {
                m.remove("format");
            }
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    m.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any)) = m.get("anyOf") {
                let kept: Vec<Value> = any
                    .iter()
                    .filter(|s| s.get("type") != Some(&json!("null")))
                    .cloned()
                    .collect();
                if kept.len() == 1 {
                    m.remove("anyOf");
                    if let Value::Object(inner) = &kept[0] {
                        for (k, val) in inner {
                            m.entry(k.clone()).or_insert_with(|| val.clone());
                        }
                    }
                }
            }
            for (k, child) in m.iter_mut() {
                // Property names are keys, not schemas; their values are schemas.
                if k == "properties" || k == "$defs" {
                    if let Value::Object(props) = child {
                        props.values_mut().for_each(drop_nulls_and_formats);
                    }
                } else {
                    drop_nulls_and_formats(child);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls_and_formats),
        _ => {}
    }
}
