//! Checking the drivers of a scenario: plants, demand, export controls,
//! diversion and production credits.

use super::Checker;
use crate::data::Importer;
use crate::scenario::checked::{
    Credit, DemandDriver, Diversion, ExportControl, Growth, Plant, ReexportRoute,
};
use crate::scenario::keys;
use crate::scenario::param::Param;
use crate::scenario::spec::{
    CreditSpec, DemandSpec, DiversionSpec, ExportControlSpec, PlantSpec, RampCurve,
    ReexportRouteSpec,
};
use crate::yaml::KeyPath;

impl Checker<'_> {
    /// Checks `capacity`; a plant starting before the data end needs a `reason`.
    pub(super) fn plants(&mut self, root: &KeyPath, specs: &[PlantSpec]) -> Vec<Plant> {
        let mut out = Vec::new();
        for (n, p) in specs.iter().enumerate() {
            let k = root.key("capacity").index(n);
            let tonnes = self.required(
                &k.key("tonnes_per_year"),
                &p.tonnes_per_year,
                &keys::TONNES_PER_YEAR,
            );
            let ramp = self.param(
                &k.key("ramp_months"),
                p.ramp_months.as_ref(),
                &keys::RAMP_MONTHS,
            );
            let util = self.param(
                &k.key("utilization"),
                p.utilization.as_ref(),
                &keys::UTILIZATION,
            );
            let disp = self.param(
                &k.key("displacement"),
                p.displacement.as_ref(),
                &keys::DISPLACEMENT,
            );
            let country = self.country(&k.key("country"), &p.country);
            let start = self.month(&k.key("start"), &p.start);
            let serves = match &p.serves {
                Some(map) => self.shares(&k.key("serves"), map, &keys::SERVES),
                None => country
                    .map(|i| vec![(i, Param::fixed(1.0))])
                    .unwrap_or_default(),
            };
            if let Some(start) = start {
                self.plant_start(&k, start, p.reason.as_deref());
            }
            if let (Some(country), Some(start)) = (country, start) {
                out.push(Plant {
                    name: p.name.clone(),
                    country,
                    tonnes_per_year: tonnes,
                    start,
                    ramp_months: ramp,
                    curve: p.curve.unwrap_or(RampCurve::SCurve),
                    utilization: util,
                    serves,
                    displacement: disp,
                });
            }
        }
        out
    }

    /// Checks `demand`: each entry gives `extra_growth` or `growth`.
    pub(super) fn demand(&mut self, root: &KeyPath, specs: &[DemandSpec]) -> Vec<DemandDriver> {
        let mut out = Vec::new();
        for (n, d) in specs.iter().enumerate() {
            let k = root.key("demand").index(n);
            let targets = self.targets(&k.key("importers"), &d.importers);
            let growth = match (&d.extra_growth, &d.growth) {
                (Some(g), None) => Some(Growth::Extra(self.required(
                    &k.key("extra_growth"),
                    g,
                    &keys::EXTRA_GROWTH,
                ))),
                (None, Some(g)) => Some(Growth::Total(self.required(
                    &k.key("growth"),
                    g,
                    &keys::GROWTH,
                ))),
                (Some(_), Some(_)) => {
                    self.problem(&k, "give either `extra_growth` or `growth`, not both");
                    None
                }
                (None, None) => {
                    self.problem(
                        &k,
                        "give `extra_growth` (on top of the baseline) or `growth` (replacing it)",
                    );
                    None
                }
            };
            let from = self.month(&k.key("from"), &d.from);
            let to = d.to.as_deref().and_then(|t| self.month(&k.key("to"), t));
            self.ordered(&k.key("to"), from, to);
            self.window(&k, from, to, 0);
            if let (Some(growth), Some(from)) = (growth, from) {
                out.push(DemandDriver {
                    targets,
                    growth,
                    from,
                    to,
                });
            }
        }
        out
    }

    /// Checks `export_controls`.
    pub(super) fn export_controls(
        &mut self,
        root: &KeyPath,
        specs: &[ExportControlSpec],
    ) -> Vec<ExportControl> {
        let mut out = Vec::new();
        for (n, e) in specs.iter().enumerate() {
            let k = root.key("export_controls").index(n);
            let targets = self.targets(&k.key("importers"), &e.importers);
            let vf = self.required(
                &k.key("volume_factor"),
                &e.volume_factor,
                &keys::VOLUME_FACTOR,
            );
            let rec = self.param(
                &k.key("recovery_months"),
                e.recovery_months.as_ref(),
                &keys::RECOVERY_MONTHS,
            );
            let from = self.month(&k.key("from"), &e.from);
            let to = self.month(&k.key("to"), &e.to);
            self.ordered(&k.key("to"), from, to);
            // The recovery after `to` still changes volumes.
            self.window(&k, from, to, rec.upper().ceil() as i32);
            if let (Some(from), Some(to)) = (from, to) {
                out.push(ExportControl {
                    targets,
                    from,
                    to,
                    volume_factor: vf,
                    recovery_months: rec,
                });
            }
        }
        out
    }

    /// Checks `diversion`: shares of the removed volume, to other importers.
    pub(super) fn diversion(&mut self, root: &KeyPath, specs: &[DiversionSpec]) -> Vec<Diversion> {
        let mut out = Vec::new();
        for (n, d) in specs.iter().enumerate() {
            let k = root.key("diversion").index(n);
            let from = self.importer(&k.key("from"), &d.from);
            let to = self.shares(&k.key("to"), &d.to, &keys::DIVERSION_TO);
            if let Some(from) = from {
                if to.iter().any(|(i, _)| *i == from) {
                    self.problem(&k.key("to"), format!("{from} cannot divert to itself"));
                }
                out.push(Diversion { from, to });
            }
        }
        out
    }

    /// Checks `reexport_routes`: one entry per importer reached (not WORLD),
    /// through countries outside it, whose base shares leave some of its
    /// China-origin magnets to the direct route in every draw.
    pub(super) fn reexport_routes(
        &mut self,
        root: &KeyPath,
        specs: &[ReexportRouteSpec],
    ) -> Vec<ReexportRoute> {
        let mut out: Vec<ReexportRoute> = Vec::new();
        for (n, r) in specs.iter().enumerate() {
            let k = root.key("reexport_routes").index(n);
            let to = self.importer(&k.key("to"), &r.to);
            if to == Some(Importer::World) {
                self.problem(
                    &k.key("to"),
                    "WORLD has no route to itself: name the importer the magnets reach",
                );
            }
            if r.via.is_empty() {
                self.problem(&k.key("via"), "name at least one country passed through");
            }
            let via = self.shares(&k.key("via"), &r.via, &keys::REEXPORT_VIA);
            for (i, _) in &via {
                let at = k.key("via").key(i.code());
                if i.country().is_none() {
                    self.problem(
                        &at,
                        format!("{i} is not a country: a route passes through one"),
                    );
                } else if let Some(dest) = to
                    && (*i == dest || i.country().is_some_and(|c| group_of(dest, c)))
                {
                    self.problem(&at, format!("{i} is inside {dest}, the importer reached"));
                }
            }
            let upper: f64 = via.iter().map(|(_, p)| p.upper()).sum();
            if upper >= 1.0 - 1e-9 {
                let shown = (upper * 1e6).round() / 1e6;
                self.problem(
                    &k.key("via"),
                    format!(
                        "the shares can add up to {shown}, leaving nothing to the direct route; \
                         keep their sum (at the highest values drawn) below 1"
                    ),
                );
            }
            let Some(to) = to else { continue };
            if let Some(first) = out.iter().position(|e| e.to == to) {
                self.problem(
                    &k.key("to"),
                    format!(
                        "{to} already has its routes in entry {first}: list every country \
                         passed through in one entry, as the routes share one direct route"
                    ),
                );
                continue;
            }
            out.push(ReexportRoute { to, via });
        }
        out
    }

    /// Checks `production_credits`.
    pub(super) fn credits(&mut self, root: &KeyPath, specs: &[CreditSpec]) -> Vec<Credit> {
        let mut out = Vec::new();
        for (n, cr) in specs.iter().enumerate() {
            let k = root.key("production_credits").index(n);
            let amount = self.required(&k.key("usd_per_kg"), &cr.usd_per_kg, &keys::USD_PER_KG);
            let eta = self.param(
                &k.key("supply_response"),
                cr.supply_response.as_ref(),
                &keys::SUPPLY_RESPONSE,
            );
            let country = self.country(&k.key("country"), &cr.country);
            let from = self.month(&k.key("from"), &cr.from);
            let to = cr.to.as_deref().and_then(|t| self.month(&k.key("to"), t));
            self.ordered(&k.key("to"), from, to);
            self.window(&k, from, to, 0);
            if let (Some(country), Some(from)) = (country, from) {
                out.push(Credit {
                    country,
                    usd_per_kg: amount,
                    from,
                    to,
                    supply_response: eta,
                });
            }
        }
        out
    }
}

/// Whether `country` belongs to the group `dest` is.
fn group_of(dest: Importer, country: crate::data::Country) -> bool {
    matches!(dest, Importer::Group(g) if g.contains(country))
}
