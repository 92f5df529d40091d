//! The one list of a scenario's scalar parameters: where each sits in the file,
//! the range `validate` holds it to, its default and the value above which it is
//! probably a mistake. The checker ([`super::validate`]) and the JSON Schema
//! ([`super::schema`]) both read it, so they cannot disagree.

use super::checked::defaults;
use super::param::Range;

/// What makes a parameter's value suspicious, though allowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Suspicious {
    /// A tariff rate above this fraction (3.0 = 300 %).
    RateAbove(f64),
    /// An annual growth rate above this fraction (0.3 = 30 %/yr).
    GrowthAbove(f64),
}

/// One scalar parameter of the scenario format.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamKey {
    /// The `$defs` name of the spec struct that holds it (as schemars names it).
    pub owner: &'static str,
    /// Its key in that struct.
    pub field: &'static str,
    /// The values it may take.
    pub range: Range,
    /// Its value when left out (`None`: the key is required, or has no number as
    /// default).
    pub default: Option<f64>,
    /// When to warn about a value inside the range.
    pub suspicious: Option<Suspicious>,
    /// Whether the key maps importer codes to values (`tariffs.reference`).
    pub per_importer: bool,
}

const fn key(owner: &'static str, field: &'static str, range: Range) -> ParamKey {
    ParamKey {
        owner,
        field,
        range,
        default: None,
        suspicious: None,
        per_importer: false,
    }
}

const fn with_default(k: ParamKey, default: f64) -> ParamKey {
    ParamKey {
        default: Some(default),
        ..k
    }
}

const fn suspicious(k: ParamKey, s: Suspicious) -> ParamKey {
    ParamKey {
        suspicious: Some(s),
        ..k
    }
}

const fn per_importer(k: ParamKey) -> ParamKey {
    ParamKey {
        per_importer: true,
        ..k
    }
}

/// Rates above 300 % are almost always a percentage written as a number
/// (`rate: 25` for 25 %); the highest in the record is the US's 125 % of 2025.
const RATE_LIMIT: Suspicious = Suspicious::RateAbove(3.0);
/// Demand for magnets grows by single digits a year; 30 % a year for years is
/// far outside anything the sources forecast.
const GROWTH_LIMIT: Suspicious = Suspicious::GrowthAbove(0.3);

// Every range has a finite ceiling, far above any real value, so that a
// scenario's numbers cannot multiply to infinity over the longest horizon
// (docs/model.md §3.13): a value above one is refused at its key.

/// A price in US$ per tonne: 1 to 10⁷ (US$10,000/kg; NdFeB sells for about 50).
const PRICE: Range = Range { min: 1.0, max: 1e7 };
/// A tariff rate: 0 to 100 (10,000 %; the highest on record is 1.25).
const RATE: Range = Range {
    min: 0.0,
    max: 100.0,
};
/// An annual growth rate: −0.99 to 1 (100 % a year, doubling every year; the
/// warning starts at 30 %). Doubling to 2100 multiplies by 4·10²², which keeps
/// yearly totals of the largest data within the f32 the percentiles are kept in.
const ANNUAL: Range = Range {
    min: -0.99,
    max: 1.0,
};
/// An elasticity or response: 0 to 100.
const ELASTIC: Range = Range {
    min: 0.0,
    max: 100.0,
};
/// A number of months: 0 to 1,200 (a century).
const MONTHS: Range = Range {
    min: 0.0,
    max: 1200.0,
};
/// Tonnes a year: 0 to 10⁷ (world output is about 3·10⁵).
const TONNES: Range = Range { min: 0.0, max: 1e7 };
/// A credit in US$ per kg: 0 to 10⁴.
const CREDIT: Range = Range { min: 0.0, max: 1e4 };

/// Import-demand elasticity ε.
pub const ELASTICITY: ParamKey = with_default(
    key("AssumptionsSpec", "elasticity", ELASTIC),
    defaults::ELASTICITY,
);
/// Tariff pass-through ρ.
pub const PASS_THROUGH: ParamKey = with_default(
    key("AssumptionsSpec", "pass_through", Range::UNIT),
    defaults::PASS_THROUGH,
);
/// Months over which volumes adjust.
pub const ADJUSTMENT_MONTHS: ParamKey = with_default(
    key("AssumptionsSpec", "adjustment_months", MONTHS),
    defaults::ADJUSTMENT_MONTHS,
);
/// An export-supply elasticity: at least 0.01 (below it China would absorb
/// practically all of any tariff); infinity is the key left out.
const SUPPLY_ELASTICITY: Range = Range {
    min: 0.01,
    max: 1e9,
};

/// Substitution elasticity σ between Chinese and non-Chinese magnets.
pub const SUBSTITUTION_ELASTICITY: ParamKey = with_default(
    key("AssumptionsSpec", "substitution_elasticity", ELASTIC),
    defaults::SUBSTITUTION_ELASTICITY,
);
/// China's export-supply elasticity η (no numeric default: left out, it is ∞).
pub const EXPORT_SUPPLY_ELASTICITY: ParamKey = key(
    "AssumptionsSpec",
    "export_supply_elasticity",
    SUPPLY_ELASTICITY,
);
/// Existing non-China supply serving an importer, t/yr, by importer.
pub const NON_CHINA_SUPPLY: ParamKey = per_importer(with_default(
    key("AssumptionsSpec", "non_china_supply", TONNES),
    0.0,
));
/// The elasticity between the routes to an importer (no numeric default: left
/// out, it is the substitution elasticity).
pub const REEXPORT_ELASTICITY: ParamKey = key("AssumptionsSpec", "reexport_elasticity", ELASTIC);
/// A route's share of its importer's China-origin magnets, by country passed through.
pub const REEXPORT_VIA: ParamKey = per_importer(key("ReexportRouteSpec", "via", Range::UNIT));
/// Export price at the start of the projection.
pub const PRICE_USD_PER_T: ParamKey = with_default(
    key("PriceSpec", "usd_per_t", PRICE),
    defaults::PRICE_USD_PER_T,
);
/// Annual change of the export price.
pub const PRICE_ANNUAL_CHANGE: ParamKey = suspicious(
    with_default(key("PriceSpec", "annual_change", ANNUAL), 0.0),
    GROWTH_LIMIT,
);
/// Reference tariff rates, by importer.
pub const TARIFF_REFERENCE: ParamKey = suspicious(
    per_importer(with_default(key("TariffsSpec", "reference", RATE), 0.0)),
    RATE_LIMIT,
);
/// The rate of a plain tariff step.
pub const CHANGE_RATE: ParamKey = suspicious(key("TariffChangeSpec", "rate", RATE), RATE_LIMIT);
/// The rate a layer's step adds.
pub const STEP_RATE: ParamKey = suspicious(key("TariffStepSpec", "rate", RATE), RATE_LIMIT);
/// A plant's nameplate capacity.
pub const TONNES_PER_YEAR: ParamKey = key("PlantSpec", "tonnes_per_year", TONNES);
/// A plant's ramp length.
pub const RAMP_MONTHS: ParamKey = with_default(
    key("PlantSpec", "ramp_months", MONTHS),
    defaults::RAMP_MONTHS,
);
/// A plant's utilisation once ramped.
pub const UTILIZATION: ParamKey = with_default(
    key("PlantSpec", "utilization", Range::UNIT),
    defaults::UTILIZATION,
);
/// Where a plant's output goes, by importer.
pub const SERVES: ParamKey = per_importer(key("PlantSpec", "serves", Range::UNIT));
/// The share of a plant's output that replaces imports from China.
pub const DISPLACEMENT: ParamKey = with_default(key("PlantSpec", "displacement", Range::UNIT), 1.0);
/// Demand growth on top of the baseline.
pub const EXTRA_GROWTH: ParamKey =
    suspicious(key("DemandSpec", "extra_growth", ANNUAL), GROWTH_LIMIT);
/// Demand growth replacing the baseline's.
pub const GROWTH: ParamKey = suspicious(key("DemandSpec", "growth", ANNUAL), GROWTH_LIMIT);
/// The share of volume an export control lets through.
pub const VOLUME_FACTOR: ParamKey = key("ExportControlSpec", "volume_factor", Range::UNIT);
/// Months of recovery after an export control.
pub const RECOVERY_MONTHS: ParamKey =
    with_default(key("ExportControlSpec", "recovery_months", MONTHS), 0.0);
/// Where diverted volume goes, by importer.
pub const DIVERSION_TO: ParamKey = per_importer(key("DiversionSpec", "to", Range::UNIT));
/// A production credit per kilogram.
pub const USD_PER_KG: ParamKey = key("CreditSpec", "usd_per_kg", CREDIT);
/// The supply response to a credit.
pub const SUPPLY_RESPONSE: ParamKey = with_default(
    key("CreditSpec", "supply_response", ELASTIC),
    defaults::SUPPLY_RESPONSE,
);

/// Every scalar parameter, for the schema and for the test that no parameter of
/// the spec types is missing here.
pub const PARAMS: &[ParamKey] = &[
    ELASTICITY,
    PASS_THROUGH,
    ADJUSTMENT_MONTHS,
    SUBSTITUTION_ELASTICITY,
    EXPORT_SUPPLY_ELASTICITY,
    NON_CHINA_SUPPLY,
    REEXPORT_ELASTICITY,
    REEXPORT_VIA,
    PRICE_USD_PER_T,
    PRICE_ANNUAL_CHANGE,
    TARIFF_REFERENCE,
    CHANGE_RATE,
    STEP_RATE,
    TONNES_PER_YEAR,
    RAMP_MONTHS,
    UTILIZATION,
    SERVES,
    DISPLACEMENT,
    EXTRA_GROWTH,
    GROWTH,
    VOLUME_FACTOR,
    RECOVERY_MONTHS,
    DIVERSION_TO,
    USD_PER_KG,
    SUPPLY_RESPONSE,
];
