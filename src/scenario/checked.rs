//! The checked scenario: what the engine runs, as [`super::validate::check`]
//! builds it from a resolved spec with every value checked.

use serde::Serialize;

use super::param::Param;
use super::spec::{ParamSpec, RampCurve, ScenarioSpec};
use crate::data::{Importer, Month};

/// Defaults for keys a scenario leaves out.
pub mod defaults {
    /// Last projected month.
    pub const HORIZON: &str = "2030-12";
    /// Monte Carlo draws.
    pub const DRAWS: u64 = 1000;
    /// Import-demand elasticity.
    pub const ELASTICITY: f64 = 0.5;
    /// Tariff pass-through.
    pub const PASS_THROUGH: f64 = 1.0;
    /// Months for volumes to adjust to a tariff.
    pub const ADJUSTMENT_MONTHS: f64 = 12.0;
    /// Substitution elasticity σ between Chinese and other magnets: 0, today's
    /// model (bundled scenarios set the cited value, docs/sources.md §6).
    pub const SUBSTITUTION_ELASTICITY: f64 = 0.0;
    /// Export price, US$/t: 2024 average, US$2.86 bn / 58,152 t (docs/sources.md §1.3).
    pub const PRICE_USD_PER_T: f64 = 49_180.0;
    /// Months from a plant's first output to nameplate.
    pub const RAMP_MONTHS: f64 = 24.0;
    /// Share of nameplate a ramped plant uses.
    pub const UTILIZATION: f64 = 0.8;
    /// Supply response of utilisation to a production credit.
    pub const SUPPLY_RESPONSE: f64 = 0.5;
}

/// Which importers a driver applies to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Targets {
    /// Every importer.
    All,
    /// These importers (countries, groups, ROW).
    Some(Vec<Importer>),
}

/// Behavioural assumptions.
#[derive(Debug, Clone, Serialize)]
pub struct Assumptions {
    /// ε ≥ 0.
    pub elasticity: Param,
    /// ρ in [0, 1].
    pub pass_through: Param,
    /// A ≥ 0 months.
    pub adjustment_months: Param,
    /// Export price at the start of the projection, US$/t.
    pub price_usd_per_t: Param,
    /// Annual change of the export price.
    pub price_annual_change: Param,
    /// Draw the baseline as sample paths.
    pub baseline_uncertainty: bool,
    /// σ ≥ 0 (0: no price-driven diversion to non-China supply).
    pub substitution_elasticity: Param,
    /// η ≥ 0.01, or none for ∞ (China's world price fixed).
    pub export_supply_elasticity: Option<Param>,
    /// Existing non-China supply by importer, t/yr.
    pub non_china_supply: Vec<(Importer, Param)>,
    /// The elasticity between routes, or none for σ's.
    pub reexport_elasticity: Option<Param>,
}

/// A tariff step.
#[derive(Debug, Clone, Serialize)]
pub struct TariffChange {
    /// Who levies it.
    pub importer: Importer,
    /// The rate.
    pub rate: Param,
    /// From when.
    pub from: Month,
    /// Last month in force (none: open-ended).
    pub to: Option<Month>,
}

/// A duty layer: one authority's rate for one importer, adding to the others.
#[derive(Debug, Clone, Serialize)]
pub struct TariffLayer {
    /// The legal authority (free-form).
    pub authority: String,
    /// Who levies it.
    pub importer: Importer,
    /// Where its rates come from.
    pub source: String,
    /// Its steps in order of `from`, not overlapping; `to` is set on every step
    /// but the last (a step without one in the file runs to the next step).
    pub steps: Vec<TariffStep>,
}

/// One step of a duty layer.
#[derive(Debug, Clone, Serialize)]
pub struct TariffStep {
    /// The rate the layer adds.
    pub rate: Param,
    /// From when.
    pub from: Month,
    /// Last month in force (none: open-ended).
    pub to: Option<Month>,
}

/// A plant outside China.
#[derive(Debug, Clone, Serialize)]
pub struct Plant {
    /// Its name.
    pub name: String,
    /// Where it is.
    pub country: Importer,
    /// Nameplate, t/yr.
    pub tonnes_per_year: Param,
    /// First output.
    pub start: Month,
    /// Ramp length, months.
    pub ramp_months: Param,
    /// Ramp shape.
    pub curve: RampCurve,
    /// Utilisation once ramped.
    pub utilization: Param,
    /// Importer → share served.
    pub serves: Vec<(Importer, Param)>,
    /// Share replacing imports from China.
    pub displacement: Param,
}

/// How a demand driver changes growth.
#[derive(Debug, Clone, Serialize)]
pub enum Growth {
    /// Extra annual growth on top of the baseline.
    Extra(Param),
    /// Total annual growth replacing the baseline's.
    Total(Param),
}

/// A demand driver.
#[derive(Debug, Clone, Serialize)]
pub struct DemandDriver {
    /// Importers.
    pub targets: Targets,
    /// The growth.
    pub growth: Growth,
    /// From.
    pub from: Month,
    /// Until (growth stops after).
    pub to: Option<Month>,
}

/// China's export controls.
#[derive(Debug, Clone, Serialize)]
pub struct ExportControl {
    /// Importers.
    pub targets: Targets,
    /// From.
    pub from: Month,
    /// To.
    pub to: Month,
    /// Share still flowing, in [0, 1].
    pub volume_factor: Param,
    /// Months of linear recovery after `to`.
    pub recovery_months: Param,
}

/// Diversion of the volume a tariff removes.
#[derive(Debug, Clone, Serialize)]
pub struct Diversion {
    /// The taxing importer.
    pub from: Importer,
    /// Receivers and their shares.
    pub to: Vec<(Importer, Param)>,
}

/// The routes China-origin magnets take to one importer besides the direct one.
#[derive(Debug, Clone, Serialize)]
pub struct ReexportRoute {
    /// Where the magnets end up.
    pub to: Importer,
    /// Countries passed through and their base shares of `to`'s China-origin
    /// magnets (central values, and upper bounds, summing to less than 1).
    pub via: Vec<(Importer, Param)>,
}

/// A production credit.
#[derive(Debug, Clone, Serialize)]
pub struct Credit {
    /// The country whose plants receive it.
    pub country: Importer,
    /// US$ per kg.
    pub usd_per_kg: Param,
    /// From.
    pub from: Month,
    /// To.
    pub to: Option<Month>,
    /// Supply response η.
    pub supply_response: Param,
}

/// A checked scenario, ready to run.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// Its name (variants carry their sweep values).
    pub name: String,
    /// The name its random streams are seeded with (docs/model.md §3.11): its
    /// own, or for a sweep's variant the sweep's, so that every variant draws
    /// the same uncertain parameters (common random numbers) and differs from
    /// the others by its swept values only.
    pub stream: String,
    /// Its story.
    pub description: String,
    /// Last projected month.
    pub horizon: Month,
    /// Monte Carlo draws.
    pub draws: usize,
    /// Its own seed, if set.
    pub seed: Option<u64>,
    /// Behavioural assumptions.
    pub assumptions: Assumptions,
    /// Reference rates in force at the end of history.
    pub tariff_reference: Vec<(Importer, Param)>,
    /// Tariff steps, in order of `from`.
    pub tariff_changes: Vec<TariffChange>,
    /// Duty layers, as written.
    pub tariff_layers: Vec<TariffLayer>,
    /// Plants.
    pub capacity: Vec<Plant>,
    /// Demand drivers.
    pub demand: Vec<DemandDriver>,
    /// Export controls.
    pub export_controls: Vec<ExportControl>,
    /// Diversions.
    pub diversion: Vec<Diversion>,
    /// Re-export routes, one entry per importer reached.
    pub reexport_routes: Vec<ReexportRoute>,
    /// Production credits.
    pub credits: Vec<Credit>,
    /// Sweep key → value, for variants.
    pub variant: Vec<(String, ParamSpec)>,
    /// The resolved spec as run (for provenance).
    pub spec: ScenarioSpec,
}

impl Scenario {
    /// Whether any parameter is drawn (otherwise one draw suffices).
    pub fn is_random(&self) -> bool {
        let a = &self.assumptions;
        let params = [
            &a.elasticity,
            &a.pass_through,
            &a.adjustment_months,
            &a.price_usd_per_t,
            &a.price_annual_change,
            &a.substitution_elasticity,
        ]
        .into_iter()
        .chain(&a.export_supply_elasticity)
        .chain(a.non_china_supply.iter().map(|(_, p)| p))
        .chain(&a.reexport_elasticity)
        .chain(self.tariff_reference.iter().map(|(_, p)| p))
        .chain(self.tariff_changes.iter().map(|c| &c.rate))
        .chain(
            self.tariff_layers
                .iter()
                .flat_map(|l| l.steps.iter().map(|s| &s.rate)),
        )
        .chain(self.capacity.iter().flat_map(|p| {
            [
                &p.tonnes_per_year,
                &p.ramp_months,
                &p.utilization,
                &p.displacement,
            ]
            .into_iter()
            .chain(p.serves.iter().map(|(_, s)| s))
        }))
        .chain(self.demand.iter().map(|d| match &d.growth {
            Growth::Extra(p) | Growth::Total(p) => p,
        }))
        .chain(
            self.export_controls
                .iter()
                .flat_map(|c| [&c.volume_factor, &c.recovery_months]),
        )
        .chain(
            self.diversion
                .iter()
                .flat_map(|d| d.to.iter().map(|(_, s)| s)),
        )
        .chain(
            self.reexport_routes
                .iter()
                .flat_map(|r| r.via.iter().map(|(_, s)| s)),
        )
        .chain(
            self.credits
                .iter()
                .flat_map(|c| [&c.usd_per_kg, &c.supply_response]),
        );
        a.baseline_uncertainty || params.into_iter().any(Param::is_random)
    }
}
