//! Scenario YAML written from fuzz bytes: every key of the scenario form, with
//! numbers mostly of a plausible size and sometimes extreme, so that most
//! inputs pass the check and reach the engine.

use std::fmt::Write;

use libfuzzer_sys::arbitrary::{Result, Unstructured};

/// Longest projection the generator asks for, in months after `2026-01`.
pub const MAX_MONTHS: u32 = 24;
/// Most draws a generated scenario runs.
pub const MAX_DRAWS: u32 = 20;

const CODES: &[&str] = &[
    "USA", "JPN", "DEU", "EU27", "KOR", "MEX", "VNM", "IND", "ROW", "WORLD", "POL", "de", "us",
    "XXX", "THA",
];

/// The bundled scenarios a generated one may extend.
pub const PARENTS: &[&str] = &["current-policy", "baseline", "us-tariff-escalation"];

/// A scenario file's text and the draws to run it with.
pub struct Generated {
    pub yaml: String,
    pub draws: usize,
    pub extends: bool,
}

/// Writes one scenario.
pub fn scenario(u: &mut Unstructured) -> Result<Generated> {
    let mut y = String::from("name: fuzz\n");
    let months = u.int_in_range(0..=MAX_MONTHS)?;
    let (yr, mo) = (2026 + months / 12, months % 12 + 1);
    writeln!(y, "horizon: {yr}-{mo:02}").unwrap();
    let draws = u.int_in_range(1..=MAX_DRAWS)?;
    writeln!(y, "draws: {draws}").unwrap();
    let extends = u.ratio(1, 4)?;
    if extends {
        writeln!(y, "extends: {}", u.choose(PARENTS)?).unwrap();
    }
    if u.ratio(1, 4)? {
        writeln!(y, "seed: {}", u.arbitrary::<u32>()?).unwrap();
    }
    assumptions(u, &mut y)?;
    tariffs(u, &mut y, extends)?;
    lists(u, &mut y, extends)?;
    if u.ratio(1, 8)? {
        let key = u.choose(&[
            "assumptions.elasticity",
            "assumptions.pass_through",
            "draws",
        ])?;
        writeln!(
            y,
            "sweep:\n  {key}: [{}, {}]",
            number(u, 0.5)?,
            number(u, 0.5)?
        )
        .unwrap();
    }
    Ok(Generated {
        yaml: y,
        draws: draws as usize,
        extends,
    })
}

fn assumptions(u: &mut Unstructured, y: &mut String) -> Result<()> {
    if !u.ratio(2, 3)? {
        return Ok(());
    }
    y.push_str("assumptions:\n");
    let keys: [(&str, f64); 6] = [
        ("elasticity", 0.5),
        ("pass_through", 1.0),
        ("adjustment_months", 12.0),
        ("substitution_elasticity", 2.0),
        ("export_supply_elasticity", 4.0),
        ("reexport_elasticity", 1.0),
    ];
    for (key, typical) in keys {
        if u.ratio(1, 3)? {
            writeln!(y, "  {key}: {}", param(u, typical)?).unwrap();
        }
    }
    if u.ratio(1, 3)? {
        writeln!(
            y,
            "  price: {{usd_per_t: {}, annual_change: {}}}",
            param(u, 50_000.0)?,
            param(u, 0.02)?
        )
        .unwrap();
    }
    if u.ratio(1, 4)? {
        writeln!(y, "  baseline_uncertainty: {}", u.arbitrary::<bool>()?).unwrap();
    }
    if u.ratio(1, 4)? {
        writeln!(
            y,
            "  non_china_supply: {{{}: {}}}",
            code(u)?,
            param(u, 3000.0)?
        )
        .unwrap();
    }
    Ok(())
}

fn tariffs(u: &mut Unstructured, y: &mut String, extends: bool) -> Result<()> {
    if !u.ratio(2, 3)? {
        return Ok(());
    }
    y.push_str("tariffs:\n");
    if u.ratio(1, 2)? {
        writeln!(y, "  reference: {{{}: {}}}", code(u)?, param(u, 0.2)?).unwrap();
    }
    let plus = if extends && u.arbitrary()? { "+" } else { "" };
    if u.ratio(2, 3)? {
        writeln!(y, "  changes{plus}:").unwrap();
        for _ in 0..u.int_in_range(1..=3)? {
            let to = optional_month(u)?;
            writeln!(
                y,
                "    - {{importer: {}, rate: {}, from: {}{to}}}",
                code(u)?,
                param(u, 0.5)?,
                month(u)?
            )
            .unwrap();
        }
    }
    if u.ratio(1, 3)? {
        writeln!(y, "  layers{plus}:").unwrap();
        for i in 0..u.int_in_range(1..=2)? {
            writeln!(
                y,
                "    - {{authority: a{i}, importer: {}, source: s, steps: [",
                code(u)?
            )
            .unwrap();
            for _ in 0..u.int_in_range(1..=2)? {
                let to = optional_month(u)?;
                writeln!(
                    y,
                    "        {{rate: {}, from: {}{to}}},",
                    param(u, 0.2)?,
                    month(u)?
                )
                .unwrap();
            }
            y.push_str("      ]}\n");
        }
    }
    Ok(())
}

/// The list drivers: plants, demand, export controls, diversion, routes, credits.
fn lists(u: &mut Unstructured, y: &mut String, extends: bool) -> Result<()> {
    let plus = |u: &mut Unstructured| -> Result<&'static str> {
        Ok(if extends && u.arbitrary()? { "+" } else { "" })
    };
    if u.ratio(1, 2)? {
        writeln!(y, "capacity{}:", plus(u)?).unwrap();
        for i in 0..u.int_in_range(1..=3)? {
            write!(
                y,
                "  - {{name: p{i}, country: {}, tonnes_per_year: {}, start: {}",
                code(u)?,
                param(u, 2000.0)?,
                month(u)?
            )
            .unwrap();
            let extras: [(&str, f64); 3] = [
                ("ramp_months", 24.0),
                ("utilization", 0.8),
                ("displacement", 1.0),
            ];
            for (key, typical) in extras {
                if u.ratio(1, 3)? {
                    write!(y, ", {key}: {}", param(u, typical)?).unwrap();
                }
            }
            if u.ratio(1, 3)? {
                write!(y, ", curve: {}", u.choose(&["linear", "s-curve"])?).unwrap();
            }
            if u.ratio(1, 3)? {
                write!(y, ", serves: {{{}: {}}}", code(u)?, param(u, 0.5)?).unwrap();
            }
            y.push_str("}\n");
        }
    }
    if u.ratio(1, 3)? {
        let key = if u.arbitrary()? {
            "extra_growth"
        } else {
            "growth"
        };
        let to = optional_month(u)?;
        writeln!(
            y,
            "demand{}: [{{importers: {}, {key}: {}, from: {}{to}}}]",
            plus(u)?,
            targets(u)?,
            param(u, 0.05)?,
            month(u)?
        )
        .unwrap();
    }
    if u.ratio(1, 3)? {
        writeln!(
            y,
            "export_controls{}: [{{importers: {}, from: {}, to: {}, volume_factor: {}, recovery_months: {}}}]",
            plus(u)?,
            targets(u)?,
            month(u)?,
            month(u)?,
            param(u, 0.5)?,
            param(u, 3.0)?
        )
        .unwrap();
    }
    if u.ratio(1, 4)? {
        writeln!(
            y,
            "diversion{}: [{{from: {}, to: {{{}: {}}}}}]",
            plus(u)?,
            code(u)?,
            code(u)?,
            param(u, 0.2)?
        )
        .unwrap();
    }
    if u.ratio(1, 4)? {
        writeln!(
            y,
            "reexport_routes: [{{to: {}, via: {{{}: {}, {}: {}}}}}]",
            code(u)?,
            code(u)?,
            param(u, 0.05)?,
            code(u)?,
            param(u, 0.05)?
        )
        .unwrap();
    }
    if u.ratio(1, 4)? {
        let to = optional_month(u)?;
        writeln!(
            y,
            "production_credits{}: [{{country: {}, usd_per_kg: {}, from: {}{to}, supply_response: {}}}]",
            plus(u)?,
            code(u)?,
            param(u, 10.0)?,
            month(u)?,
            param(u, 0.5)?
        )
        .unwrap();
    }
    Ok(())
}

fn code(u: &mut Unstructured) -> Result<&'static str> {
    u.choose(CODES).copied()
}

fn targets(u: &mut Unstructured) -> Result<String> {
    Ok(if u.ratio(1, 3)? {
        "all".into()
    } else {
        format!("[{}, {}]", code(u)?, code(u)?)
    })
}

/// A month near the projection, sometimes malformed.
fn month(u: &mut Unstructured) -> Result<String> {
    if u.ratio(1, 50)? {
        return Ok(u
            .choose(&["2026-13", "2026", "1900-01", "9999-12"])?
            .to_string());
    }
    let m = u.int_in_range(0..=47)?;
    Ok(format!("{}-{:02}", 2024 + m / 12, m % 12 + 1))
}

fn optional_month(u: &mut Unstructured) -> Result<String> {
    Ok(if u.ratio(1, 3)? {
        format!(", to: {}", month(u)?)
    } else {
        String::new()
    })
}

/// A value or a distribution around `typical`.
fn param(u: &mut Unstructured, typical: f64) -> Result<String> {
    Ok(match u.int_in_range(0..=9)? {
        0 => format!(
            "{{uniform: {{low: {}, high: {}}}}}",
            number(u, typical)?,
            number(u, typical)?
        ),
        1 => format!(
            "{{triangular: {{low: {}, mode: {}, high: {}}}}}",
            number(u, typical)?,
            number(u, typical)?,
            number(u, typical)?
        ),
        2 => format!(
            "{{normal: {{mean: {}, sd: {}}}}}",
            number(u, typical)?,
            number(u, typical)?
        ),
        3 => format!(
            "{{lognormal: {{meanlog: {}, sdlog: {}}}}}",
            number(u, typical.max(1e-3).ln())?,
            number(u, 0.3)?
        ),
        4 => format!(
            "{{values: [{}, {}]}}",
            number(u, typical)?,
            number(u, typical)?
        ),
        _ => number(u, typical)?,
    })
}

/// Mostly `typical` times a factor in [0, 2]; sometimes 0, negative, tiny,
/// huge or any f64 at all.
fn number(u: &mut Unstructured, typical: f64) -> Result<String> {
    let v = match u.int_in_range(0..=15)? {
        0 => 0.0,
        1 => -typical,
        2 => typical * 1e6,
        3 => 1e300,
        4 => 1e-300,
        5 => {
            let v = u.arbitrary::<f64>()?;
            return Ok(if v.is_nan() {
                ".nan".into()
            } else if v.is_infinite() {
                if v > 0.0 {
                    ".inf".into()
                } else {
                    "-.inf".into()
                }
            } else {
                format!("{v:e}")
            });
        }
        _ => typical * f64::from(u.arbitrary::<u8>()?) / 128.0,
    };
    Ok(format!("{v:?}"))
}
