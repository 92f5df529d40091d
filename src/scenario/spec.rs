//! The scenario file format (docs/model.md §3) as written: every key optional so that
//! a file can extend another, unknown keys refused. These types are unchecked;
//! [`super::validate`] turns a resolved spec into a [`super::Scenario`].

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A number, or a distribution to draw it from once per Monte Carlo draw.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ParamSpec {
    /// A fixed value.
    Value(f64),
    /// A distribution.
    Distribution(Distribution),
}

/// Distributions any scalar parameter may take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Distribution {
    /// Normal with mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (≥ 0).
        sd: f64,
    },
    /// Log-normal: the logarithm is normal with `meanlog` and `sdlog`.
    Lognormal {
        /// Mean of the logarithm.
        meanlog: f64,
        /// Standard deviation of the logarithm (≥ 0).
        sdlog: f64,
    },
    /// Uniform between `low` and `high`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (≥ low).
        high: f64,
    },
    /// Triangular with `low` ≤ `mode` ≤ `high`.
    Triangular {
        /// Lower bound.
        low: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        high: f64,
    },
    /// One of these values, equally likely.
    Values(Vec<f64>),
}

impl<'de> Deserialize<'de> for ParamSpec {
    /// A number, or a one-key map naming a distribution; a precise message for
    /// anything else (an untagged enum would only say "did not match").
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ParamSpec, D::Error> {
        struct ParamVisitor;
        impl<'de> Visitor<'de> for ParamVisitor {
            type Value = ParamSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a number or a distribution ({normal: {mean, sd}}, {lognormal: {meanlog, sdlog}}, \
                     {uniform: {low, high}}, {triangular: {low, mode, high}}, {values: [..]})",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ParamSpec, E> {
                Ok(ParamSpec::Value(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ParamSpec, E> {
                Ok(ParamSpec::Value(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ParamSpec, E> {
                Ok(ParamSpec::Value(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ParamSpec, A::Error> {
                Distribution::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(ParamSpec::Distribution)
            }
        }
        d.deserialize_any(ParamVisitor)
    }
}

/// A scenario file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// The scenario's name (default: the file name without `.yaml`).
    pub name: Option<String>,
    /// What the scenario describes, for reports (default: none).
    pub description: Option<String>,
    /// The name of a scenario to inherit: maps merge, lists replace (`key+` extends a list);
    /// default: none, the scenario stands alone.
    pub extends: Option<String>,
    /// Last projected month, e.g. `2030-12`.
    pub horizon: Option<String>,
    /// Monte Carlo draws (default 1000; 1 if nothing is uncertain).
    pub draws: Option<u64>,
    /// Random seed of this scenario (default: the run's seed).
    pub seed: Option<u64>,
    /// Behavioural assumptions.
    pub assumptions: Option<AssumptionsSpec>,
    /// Import duties.
    pub tariffs: Option<TariffsSpec>,
    /// New magnet plants outside China.
    pub capacity: Option<Vec<PlantSpec>>,
    /// Plants appended to the inherited `capacity`; one named like an inherited plant replaces it.
    #[serde(rename = "capacity+")]
    pub capacity_extend: Option<Vec<PlantSpec>>,
    /// Demand growth beyond the baseline.
    pub demand: Option<Vec<DemandSpec>>,
    /// Demand entries appended to the inherited `demand`.
    #[serde(rename = "demand+")]
    pub demand_extend: Option<Vec<DemandSpec>>,
    /// China's export controls.
    pub export_controls: Option<Vec<ExportControlSpec>>,
    /// Export controls appended to the inherited `export_controls`.
    #[serde(rename = "export_controls+")]
    pub export_controls_extend: Option<Vec<ExportControlSpec>>,
    /// Trade diversion: volume a tariff removes, re-routed to other importers.
    pub diversion: Option<Vec<DiversionSpec>>,
    /// Diversions appended to the inherited `diversion`.
    #[serde(rename = "diversion+")]
    pub diversion_extend: Option<Vec<DiversionSpec>>,
    /// Re-export routes: China-origin magnets reaching an importer through
    /// another country, moved between the routes by relative prices.
    pub reexport_routes: Option<Vec<ReexportRouteSpec>>,
    /// Routes appended to the inherited `reexport_routes`.
    #[serde(rename = "reexport_routes+")]
    pub reexport_routes_extend: Option<Vec<ReexportRouteSpec>>,
    /// Production credits for magnet plants.
    pub production_credits: Option<Vec<CreditSpec>>,
    /// Credits appended to the inherited `production_credits`.
    #[serde(rename = "production_credits+")]
    pub production_credits_extend: Option<Vec<CreditSpec>>,
    /// Inherited lists this file replaces on purpose (`capacity`, `tariffs.layers`…):
    /// replacing a non-empty inherited list with a non-empty one warns otherwise.
    pub replace: Option<Vec<String>>,
    /// Parameter sweep: dotted key path → values; one variant per combination.
    pub sweep: Option<BTreeMap<String, Vec<ParamSpec>>>,
}

/// Behavioural assumptions shared by the drivers.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssumptionsSpec {
    /// Import-demand elasticity ε ≥ 0 (default 0.5).
    pub elasticity: Option<ParamSpec>,
    /// Tariff pass-through ρ to import prices, in [0, 1] (default 1).
    pub pass_through: Option<ParamSpec>,
    /// Months A over which volumes adjust to a new tariff (0: at once; default 12).
    pub adjustment_months: Option<ParamSpec>,
    /// Export price path.
    pub price: Option<PriceSpec>,
    /// Draw the baseline from the fitted models' sample paths (default true).
    pub baseline_uncertainty: Option<bool>,
    /// Substitution elasticity σ ≥ 0 between Chinese and non-Chinese magnets
    /// (default 0: no diversion towards non-China supply by relative prices,
    /// today's fixed-tonnage displacement).
    pub substitution_elasticity: Option<ParamSpec>,
    /// China's export-supply elasticity η ≥ 0.01 (default: infinite, China's
    /// world price does not move; infinity is written by leaving the key out).
    pub export_supply_elasticity: Option<ParamSpec>,
    /// Importer → existing non-China magnet supply serving it, t/yr (default
    /// none): the base that competes with China beside the scenario's plants.
    pub non_china_supply: Option<BTreeMap<String, ParamSpec>>,
    /// Elasticity ≥ 0 between the routes China's magnets take to an importer
    /// (`reexport_routes`; default: the substitution elasticity σ).
    pub reexport_elasticity: Option<ParamSpec>,
}

/// The export price path p(t) = usd_per_t · (1 + annual_change)^years.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceSpec {
    /// US$ per tonne at the start of the projection (default 49,180, the 2024 average).
    pub usd_per_t: Option<ParamSpec>,
    /// Annual change of the price (default 0).
    pub annual_change: Option<ParamSpec>,
}

/// Tariffs: the reference rates in force at the end of history and the changes.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffsSpec {
    /// Importer → ad-valorem rate in force at the end of history outside the layers (default 0);
    /// layers in force in the last data month add to it.
    pub reference: Option<BTreeMap<String, ParamSpec>>,
    /// Step changes: from `from` (to `to`) on, `importer`'s rate outside the layers is `rate`.
    pub changes: Option<Vec<TariffChangeSpec>>,
    /// Steps appended to the inherited `changes`.
    #[serde(rename = "changes+")]
    pub changes_extend: Option<Vec<TariffChangeSpec>>,
    /// Named duty layers (one per authority and importer) that add up with `changes`.
    pub layers: Option<Vec<TariffLayerSpec>>,
    /// Layers appended to the inherited `layers`.
    #[serde(rename = "layers+")]
    pub layers_extend: Option<Vec<TariffLayerSpec>>,
}

/// One tariff step.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffChangeSpec {
    /// The importer that levies it.
    pub importer: String,
    /// Ad-valorem rate (0.25 = 25 %).
    pub rate: ParamSpec,
    /// First month in force.
    pub from: String,
    /// Last month in force (default: open-ended); then the rate reverts to the latest
    /// earlier-starting step still in force, or to the reference rate.
    pub to: Option<String>,
}

/// One duty layer: the rate one legal authority adds, with its own schedule.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffLayerSpec {
    /// The legal authority, free-form (`mfn`, `section-301`, `section-232`, `section-122`, `ieepa`…).
    pub authority: String,
    /// The importer that levies it.
    pub importer: String,
    /// Where the rates and dates come from.
    pub source: String,
    /// The layer's rates; they may not overlap, and the layer adds 0 outside them.
    pub steps: Vec<TariffStepSpec>,
}

/// One step of a duty layer.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffStepSpec {
    /// Ad-valorem rate the layer adds (0.25 = 25 %).
    pub rate: ParamSpec,
    /// First month in force.
    pub from: String,
    /// Last month in force (default: until the layer's next step, or open-ended for the last).
    pub to: Option<String>,
}

/// A magnet plant outside China.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlantSpec {
    /// Its name.
    pub name: String,
    /// Where it is (ISO code).
    pub country: String,
    /// Nameplate capacity, tonnes of magnet a year.
    pub tonnes_per_year: ParamSpec,
    /// First month of output: it already produces 1/`ramp_months` of the ramp.
    pub start: String,
    /// Months from first output to nameplate, the start month counted (default 24).
    pub ramp_months: Option<ParamSpec>,
    /// `linear` or `s-curve` (default `s-curve`).
    pub curve: Option<RampCurve>,
    /// Share of nameplate used once ramped (default 0.8).
    pub utilization: Option<ParamSpec>,
    /// Importer → share of output serving it (default: its own country, 1).
    pub serves: Option<BTreeMap<String, ParamSpec>>,
    /// Share of its output that replaces imports from China (default 1).
    pub displacement: Option<ParamSpec>,
    /// Why a plant that starts before the data end belongs in the scenario
    /// (its output until then is already in the data); free text, default: none.
    pub reason: Option<String>,
}

/// The shape of a plant's ramp from first output to nameplate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RampCurve {
    /// Straight line.
    Linear,
    /// Smoothstep 3u² − 2u³.
    SCurve,
}

/// Which importers a driver applies to.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum TargetsSpec {
    /// `all`.
    All(String),
    /// A list of importer codes.
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for TargetsSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TargetsSpec, D::Error> {
        struct TargetsVisitor;
        impl<'de> Visitor<'de> for TargetsVisitor {
            type Value = TargetsSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`all` or a list of importer codes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TargetsSpec, E> {
                Ok(TargetsSpec::All(v.to_string()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<TargetsSpec, A::Error> {
                let mut out = Vec::new();
                while let Some(code) = seq.next_element::<String>()? {
                    out.push(code);
                }
                Ok(TargetsSpec::List(out))
            }
        }
        d.deserialize_any(TargetsVisitor)
    }
}

/// Demand beyond the baseline for some importers.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandSpec {
    /// `all` or importer codes.
    pub importers: TargetsSpec,
    /// Extra annual growth on top of the baseline (negative allowed); no default:
    /// give this or `growth`.
    pub extra_growth: Option<ParamSpec>,
    /// Instead: total annual growth replacing the baseline's trend growth; no default:
    /// give this or `extra_growth`.
    pub growth: Option<ParamSpec>,
    /// First month.
    pub from: String,
    /// Last month growing (growth then stops; default: the horizon).
    pub to: Option<String>,
}

/// China's export controls on some importers.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportControlSpec {
    /// `all` or importer codes.
    pub importers: TargetsSpec,
    /// First month.
    pub from: String,
    /// Last month at the full cut.
    pub to: String,
    /// Share of volume that still flows inside the window, in [0, 1].
    pub volume_factor: ParamSpec,
    /// Months of linear recovery after `to` (default 0).
    pub recovery_months: Option<ParamSpec>,
}

/// Re-routing of the volume a tariff removes from one importer.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiversionSpec {
    /// The taxing importer.
    pub from: String,
    /// Importer → share of the removed volume it receives (shares sum to ≤ 1).
    pub to: BTreeMap<String, ParamSpec>,
}

/// The routes China-origin magnets take to one importer besides the direct one.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReexportRouteSpec {
    /// The importer the magnets end up in.
    pub to: String,
    /// Country they pass through → its share of `to`'s China-origin magnets at
    /// the reference tariffs (the shares sum to less than 1: the rest is direct).
    pub via: BTreeMap<String, ParamSpec>,
}

/// A production credit for magnet plants in one country.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditSpec {
    /// The country whose plants receive it.
    pub country: String,
    /// US$ per kg of magnet produced.
    pub usd_per_kg: ParamSpec,
    /// First month.
    pub from: String,
    /// Last month (default: the horizon).
    pub to: Option<String>,
    /// Supply response η: utilisation rises by η·credit/price (default 0.5).
    pub supply_response: Option<ParamSpec>,
}
