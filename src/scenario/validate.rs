//! Checking a resolved spec into a [`Scenario`] the engine can run, collecting
//! every problem with its file, line, column and key path.

mod tariffs;

use super::checked::{
    Assumptions, Credit, DemandDriver, Diversion, ExportControl, Growth, Plant, Scenario, Targets,
    defaults,
};
use super::param::{Param, Range};
use super::resolve::ResolvedSpec;
use super::spec::{ParamSpec, RampCurve, TargetsSpec};
use crate::data::{Country, Importer, Month};
use crate::yaml::{ConfigProblem, KeyPath};

/// Most Monte Carlo draws of one scenario: every draw of a scenario in flight is
/// held for its percentiles (4 bytes a series-month), so this bounds memory.
pub const MAX_DRAWS: u64 = 100_000;

/// What validation needs to know about the run.
#[derive(Debug, Clone, Copy)]
pub struct ValidationContext {
    /// The first projected month (the month after the data end).
    pub first_month: Option<Month>,
}

struct Checker<'a> {
    resolved: &'a ResolvedSpec,
    problems: Vec<ConfigProblem>,
}

impl Checker<'_> {
    fn problem(&mut self, key: &KeyPath, message: impl Into<String>) {
        self.problems.push(self.resolved.problem(key, message));
    }

    fn param(
        &mut self,
        key: &KeyPath,
        spec: Option<&ParamSpec>,
        default: f64,
        range: Range,
    ) -> Param {
        match spec {
            None => Param::check(&ParamSpec::Value(default), range)
                .unwrap_or_else(|_| Param::fixed(default)),
            Some(s) => Param::check(s, range).unwrap_or_else(|why| {
                self.problem(key, why);
                Param::fixed(default)
            }),
        }
    }

    fn required(&mut self, key: &KeyPath, spec: &ParamSpec, range: Range) -> Param {
        self.param(key, Some(spec), 0.0, range)
    }

    fn month(&mut self, key: &KeyPath, text: &str) -> Option<Month> {
        match text.parse::<Month>() {
            Ok(m) => Some(m),
            Err(e) => {
                self.problem(key, e.to_string());
                None
            }
        }
    }

    fn importer(&mut self, key: &KeyPath, code: &str) -> Option<Importer> {
        match code.parse::<Importer>() {
            Ok(i) => Some(i),
            Err(e) => {
                let message = match suggest_country(code) {
                    Some(near) => format!("{e}; did you mean `{near}`?"),
                    None => e.to_string(),
                };
                self.problem(key, message);
                None
            }
        }
    }

    fn country(&mut self, key: &KeyPath, code: &str) -> Option<Importer> {
        let i = self.importer(key, code)?;
        if i.country().is_none() {
            self.problem(key, format!("`{code}` is not a country"));
            return None;
        }
        Some(i)
    }

    fn targets(&mut self, key: &KeyPath, spec: &TargetsSpec) -> Targets {
        match spec {
            TargetsSpec::All(s) if s == "all" => Targets::All,
            TargetsSpec::All(s) => {
                self.problem(
                    key,
                    format!("`{s}`: expected `all` or a list of importer codes"),
                );
                Targets::All
            }
            TargetsSpec::List(codes) => {
                if codes.is_empty() {
                    self.problem(key, "list at least one importer, or write `all`");
                }
                Targets::Some(
                    codes
                        .iter()
                        .enumerate()
                        .filter_map(|(i, c)| self.importer(&key.index(i), c))
                        .collect(),
                )
            }
        }
    }

    /// Shares of one map: each in [0, 1], their central values summing to ≤ 1.
    fn shares(
        &mut self,
        key: &KeyPath,
        map: &std::collections::BTreeMap<String, ParamSpec>,
    ) -> Vec<(Importer, Param)> {
        let mut out = Vec::new();
        for (code, spec) in map {
            let k = key.key(code);
            let share = self.required(&k, spec, Range::UNIT);
            if let Some(i) = self.importer(&k, code) {
                out.push((i, share));
            }
        }
        let total: f64 = out.iter().map(|(_, p)| p.central()).sum();
        if total > 1.0 + 1e-9 {
            let shown = (total * 1e6).round() / 1e6;
            self.problem(key, format!("the shares add up to {shown}, more than 1"));
        }
        out
    }

    fn ordered(&mut self, key: &KeyPath, from: Option<Month>, to: Option<Month>) {
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            self.problem(key, format!("`to` ({t}) is before `from` ({f})"));
        }
    }
}

/// Checks one resolved spec.
///
/// # Errors
/// Every problem found, located.
pub fn check(
    resolved: &ResolvedSpec,
    ctx: ValidationContext,
) -> Result<Scenario, Vec<ConfigProblem>> {
    let spec = &resolved.spec;
    let root = KeyPath::default();
    let mut c = Checker {
        resolved,
        problems: Vec::new(),
    };
    let horizon = c.month(
        &root.key("horizon"),
        spec.horizon.as_deref().unwrap_or(defaults::HORIZON),
    );
    if let (Some(h), Some(first)) = (horizon, ctx.first_month)
        && h < first
    {
        c.problem(
            &root.key("horizon"),
            format!("the horizon {h} is before the first projected month {first}"),
        );
    }
    let draws = spec.draws.unwrap_or(defaults::DRAWS);
    if draws == 0 || draws > MAX_DRAWS {
        c.problem(
            &root.key("draws"),
            format!("draws must be between 1 and {MAX_DRAWS}, not {draws}"),
        );
    }
    let a = spec.assumptions.clone().unwrap_or_default();
    let ak = root.key("assumptions");
    let price = a.price.clone().unwrap_or_default();
    let pk = ak.key("price");
    let assumptions = Assumptions {
        elasticity: c.param(
            &ak.key("elasticity"),
            a.elasticity.as_ref(),
            defaults::ELASTICITY,
            Range::NON_NEGATIVE,
        ),
        pass_through: c.param(
            &ak.key("pass_through"),
            a.pass_through.as_ref(),
            defaults::PASS_THROUGH,
            Range::UNIT,
        ),
        adjustment_months: c.param(
            &ak.key("adjustment_months"),
            a.adjustment_months.as_ref(),
            defaults::ADJUSTMENT_MONTHS,
            Range::NON_NEGATIVE,
        ),
        price_usd_per_t: c.param(
            &pk.key("usd_per_t"),
            price.usd_per_t.as_ref(),
            defaults::PRICE_USD_PER_T,
            Range {
                min: 1.0,
                max: f64::INFINITY,
            },
        ),
        price_annual_change: c.param(
            &pk.key("annual_change"),
            price.annual_change.as_ref(),
            0.0,
            Range::GROWTH,
        ),
        baseline_uncertainty: a.baseline_uncertainty.unwrap_or(true),
    };

    let tariffs = c.tariffs(&root, &spec.tariffs.clone().unwrap_or_default());

    let mut capacity = Vec::new();
    for (n, p) in spec.capacity.clone().unwrap_or_default().iter().enumerate() {
        let k = root.key("capacity").index(n);
        let tonnes = c.required(
            &k.key("tonnes_per_year"),
            &p.tonnes_per_year,
            Range::NON_NEGATIVE,
        );
        let ramp = c.param(
            &k.key("ramp_months"),
            p.ramp_months.as_ref(),
            defaults::RAMP_MONTHS,
            Range::NON_NEGATIVE,
        );
        let util = c.param(
            &k.key("utilization"),
            p.utilization.as_ref(),
            defaults::UTILIZATION,
            Range::UNIT,
        );
        let disp = c.param(
            &k.key("displacement"),
            p.displacement.as_ref(),
            1.0,
            Range::UNIT,
        );
        let country = c.country(&k.key("country"), &p.country);
        let start = c.month(&k.key("start"), &p.start);
        let serves = match &p.serves {
            Some(map) => c.shares(&k.key("serves"), map),
            None => country
                .map(|i| vec![(i, Param::fixed(1.0))])
                .unwrap_or_default(),
        };
        if let (Some(country), Some(start)) = (country, start) {
            capacity.push(Plant {
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

    let mut demand = Vec::new();
    for (n, d) in spec.demand.clone().unwrap_or_default().iter().enumerate() {
        let k = root.key("demand").index(n);
        let targets = c.targets(&k.key("importers"), &d.importers);
        let growth = match (&d.extra_growth, &d.growth) {
            (Some(g), None) => Some(Growth::Extra(c.required(
                &k.key("extra_growth"),
                g,
                Range::GROWTH,
            ))),
            (None, Some(g)) => Some(Growth::Total(c.required(
                &k.key("growth"),
                g,
                Range::GROWTH,
            ))),
            (Some(_), Some(_)) => {
                c.problem(&k, "give either `extra_growth` or `growth`, not both");
                None
            }
            (None, None) => {
                c.problem(
                    &k,
                    "give `extra_growth` (on top of the baseline) or `growth` (replacing it)",
                );
                None
            }
        };
        let from = c.month(&k.key("from"), &d.from);
        let to = d.to.as_deref().and_then(|t| c.month(&k.key("to"), t));
        c.ordered(&k.key("to"), from, to);
        if let (Some(growth), Some(from)) = (growth, from) {
            demand.push(DemandDriver {
                targets,
                growth,
                from,
                to,
            });
        }
    }

    let mut export_controls = Vec::new();
    for (n, e) in spec
        .export_controls
        .clone()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let k = root.key("export_controls").index(n);
        let targets = c.targets(&k.key("importers"), &e.importers);
        let vf = c.required(&k.key("volume_factor"), &e.volume_factor, Range::UNIT);
        let rec = c.param(
            &k.key("recovery_months"),
            e.recovery_months.as_ref(),
            0.0,
            Range::NON_NEGATIVE,
        );
        let from = c.month(&k.key("from"), &e.from);
        let to = c.month(&k.key("to"), &e.to);
        c.ordered(&k.key("to"), from, to);
        if let (Some(from), Some(to)) = (from, to) {
            export_controls.push(ExportControl {
                targets,
                from,
                to,
                volume_factor: vf,
                recovery_months: rec,
            });
        }
    }

    let mut diversion = Vec::new();
    for (n, d) in spec
        .diversion
        .clone()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let k = root.key("diversion").index(n);
        let from = c.importer(&k.key("from"), &d.from);
        let to = c.shares(&k.key("to"), &d.to);
        if let Some(from) = from {
            if to.iter().any(|(i, _)| *i == from) {
                c.problem(&k.key("to"), format!("{from} cannot divert to itself"));
            }
            diversion.push(Diversion { from, to });
        }
    }

    let mut credits = Vec::new();
    for (n, cr) in spec
        .production_credits
        .clone()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let k = root.key("production_credits").index(n);
        let amount = c.required(&k.key("usd_per_kg"), &cr.usd_per_kg, Range::NON_NEGATIVE);
        let eta = c.param(
            &k.key("supply_response"),
            cr.supply_response.as_ref(),
            defaults::SUPPLY_RESPONSE,
            Range::NON_NEGATIVE,
        );
        let country = c.country(&k.key("country"), &cr.country);
        let from = c.month(&k.key("from"), &cr.from);
        let to = cr.to.as_deref().and_then(|t| c.month(&k.key("to"), t));
        c.ordered(&k.key("to"), from, to);
        if let (Some(country), Some(from)) = (country, from) {
            credits.push(Credit {
                country,
                usd_per_kg: amount,
                from,
                to,
                supply_response: eta,
            });
        }
    }

    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let horizon = horizon.ok_or_else(Vec::new)?;
    let mut scenario = Scenario {
        name: resolved.name.clone(),
        description: spec.description.clone().unwrap_or_default(),
        horizon,
        draws: draws as usize,
        seed: spec.seed,
        assumptions,
        tariff_reference: tariffs.reference,
        tariff_changes: tariffs.changes,
        tariff_layers: tariffs.layers,
        capacity,
        demand,
        export_controls,
        diversion,
        credits,
        variant: resolved.variant.clone(),
        spec: spec.clone(),
    };
    if !scenario.is_random() {
        scenario.draws = 1;
    }
    Ok(scenario)
}

/// The one country whose English name starts with `code` (`GER` → `DEU`), else
/// the one alpha-3 code a single letter away from it (`DUE` is two away from
/// everything, so nothing).
fn suggest_country(code: &str) -> Option<&'static str> {
    let upper = code.trim().to_ascii_uppercase();
    let unique = |found: Vec<&'static str>| (found.len() == 1).then(|| found[0]);
    let by_name = Country::all()
        .filter(|c| upper.len() >= 3 && c.name().to_ascii_uppercase().starts_with(&upper))
        .map(Country::alpha3)
        .collect();
    unique(by_name).or_else(|| {
        unique(
            Country::all()
                .map(Country::alpha3)
                .filter(|a| crate::yaml::edit_distance(&upper, a) == 1)
                .collect(),
        )
    })
}
