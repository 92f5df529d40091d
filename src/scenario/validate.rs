//! Checking a resolved spec into a [`Scenario`] the engine can run, collecting
//! every problem with its file, line, column and key path, and every warning:
//! values inside their range that are probably mistakes (a rate of 2,500 %,
//! dates outside the projection, a plant that is already in the data).

mod drivers;
mod magnitude;
mod tariffs;
mod warnings;

use super::checked::{Assumptions, Scenario, Targets, defaults};
use super::keys::{self, ParamKey};
use super::param::Param;
use super::resolve::ResolvedSpec;
use super::spec::{ParamSpec, TargetsSpec};
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

/// A checked scenario with what the checker noticed on the way.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The scenario.
    pub scenario: Scenario,
    /// Values that are allowed but probably wrong, located.
    pub warnings: Vec<ConfigProblem>,
    /// Importer codes written in another accepted form (`de`, `eu`), with the
    /// code they were read as, located: for the resolved view.
    pub codes_read: Vec<ConfigProblem>,
}

struct Checker<'a> {
    resolved: &'a ResolvedSpec,
    ctx: ValidationContext,
    horizon: Option<Month>,
    problems: Vec<ConfigProblem>,
    warnings: Vec<ConfigProblem>,
    codes_read: Vec<ConfigProblem>,
}

impl Checker<'_> {
    fn problem(&mut self, key: &KeyPath, message: impl Into<String>) {
        self.problems.push(self.resolved.problem(key, message));
    }

    fn warn(&mut self, key: &KeyPath, message: impl Into<String>) {
        self.warnings.push(self.resolved.problem(key, message));
    }

    /// The parameter at `at`, checked against `key`'s range (its default when
    /// left out), with a warning when its value is suspicious.
    fn param(&mut self, at: &KeyPath, spec: Option<&ParamSpec>, key: &ParamKey) -> Param {
        let default = key.default.unwrap_or(0.0);
        let Some(spec) = spec else {
            return Param::check(&ParamSpec::Value(default), key.range)
                .unwrap_or_else(|_| Param::fixed(default));
        };
        match Param::check(spec, key.range) {
            Ok(p) => {
                if let Some(why) = warnings::suspicious(&p, key) {
                    self.warn(at, why);
                }
                p
            }
            Err(why) => {
                self.problem(at, why);
                Param::fixed(default)
            }
        }
    }

    fn required(&mut self, at: &KeyPath, spec: &ParamSpec, key: &ParamKey) -> Param {
        self.param(at, Some(spec), key)
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
            Ok(i) => {
                if code != i.code() {
                    let read = self
                        .resolved
                        .problem(key, format!("`{code}` read as {}", i.code()));
                    self.codes_read.push(read);
                }
                Some(i)
            }
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

    /// Shares of one map (`key` says their range): their central values sum to ≤ 1.
    fn shares(
        &mut self,
        at: &KeyPath,
        map: &std::collections::BTreeMap<String, ParamSpec>,
        key: &ParamKey,
    ) -> Vec<(Importer, Param)> {
        let mut out: Vec<(Importer, Param)> = Vec::new();
        let mut spelled = Vec::new();
        for (code, spec) in map {
            let k = at.key(code);
            let share = self.required(&k, spec, key);
            if let Some(i) = self.importer(&k, code)
                && self.once(&k, code, i, &mut spelled)
            {
                out.push((i, share));
            }
        }
        let total: f64 = out.iter().map(|(_, p)| p.central()).sum();
        if total > 1.0 + 1e-9 {
            let shown = (total * 1e6).round() / 1e6;
            self.problem(at, format!("the shares add up to {shown}, more than 1"));
        }
        out
    }

    /// Whether `i` (written `code`) is new among the importers a map has given
    /// so far; a problem if it gives one importer twice in two spellings (`USA`
    /// and `US`), which would otherwise keep one of them silently.
    fn once(
        &mut self,
        at: &KeyPath,
        code: &str,
        i: Importer,
        spelled: &mut Vec<(Importer, String)>,
    ) -> bool {
        if let Some((_, first)) = spelled.iter().find(|(j, _)| *j == i) {
            self.problem(
                at,
                format!("{i} is given twice in this map, as `{first}` and as `{code}`; keep one"),
            );
            return false;
        }
        spelled.push((i, code.to_string()));
        true
    }

    fn ordered(&mut self, key: &KeyPath, from: Option<Month>, to: Option<Month>) {
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            self.problem(key, format!("`to` ({t}) is before `from` ({f})"));
        }
    }
}

/// The last year a horizon may reach: with every parameter below its ceiling
/// (`keys`), results stay finite up to here.
pub const MAX_HORIZON_YEAR: i32 = 2100;

/// Checks one resolved spec.
///
/// # Errors
/// Every problem found, located.
pub fn check(
    resolved: &ResolvedSpec,
    ctx: ValidationContext,
) -> Result<Checked, Vec<ConfigProblem>> {
    let spec = &resolved.spec;
    let root = KeyPath::default();
    let mut c = Checker {
        resolved,
        ctx,
        horizon: None,
        problems: Vec::new(),
        warnings: Vec::new(),
        codes_read: Vec::new(),
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
    if let Some(h) = horizon
        && h > Month::new(MAX_HORIZON_YEAR, 12).unwrap_or(h)
    {
        c.problem(
            &root.key("horizon"),
            format!(
                "the horizon {h} is after {MAX_HORIZON_YEAR}-12, the latest magcast projects to"
            ),
        );
    }
    c.horizon = horizon;
    let draws = spec.draws.unwrap_or(defaults::DRAWS);
    if draws == 0 || draws > MAX_DRAWS {
        c.problem(
            &root.key("draws"),
            format!("draws must be between 1 and {MAX_DRAWS}, not {draws}"),
        );
    }
    let assumptions = c.assumptions(&root);
    let tariffs = c.tariffs(&root, &spec.tariffs.clone().unwrap_or_default());
    let capacity = c.plants(&root, spec.capacity.as_deref().unwrap_or_default());
    let demand = c.demand(&root, spec.demand.as_deref().unwrap_or_default());
    let export_controls =
        c.export_controls(&root, spec.export_controls.as_deref().unwrap_or_default());
    let diversion = c.diversion(&root, spec.diversion.as_deref().unwrap_or_default());
    let reexport_routes =
        c.reexport_routes(&root, spec.reexport_routes.as_deref().unwrap_or_default());
    let credits = c.credits(
        &root,
        spec.production_credits.as_deref().unwrap_or_default(),
    );
    if c.problems.is_empty() {
        c.magnitude(&root, &assumptions, &tariffs, &demand);
    }

    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let horizon = horizon.ok_or_else(Vec::new)?;
    let mut scenario = Scenario {
        name: resolved.name.clone(),
        stream: resolved.stream.clone(),
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
        reexport_routes,
        credits,
        variant: resolved.variant.clone(),
        spec: spec.clone(),
    };
    if !scenario.is_random() {
        scenario.draws = 1;
    }
    Ok(Checked {
        scenario,
        warnings: c.warnings,
        codes_read: c.codes_read,
    })
}

impl Checker<'_> {
    /// Checks `assumptions`, every key defaulting.
    fn assumptions(&mut self, root: &KeyPath) -> Assumptions {
        let a = self.resolved.spec.assumptions.clone().unwrap_or_default();
        let ak = root.key("assumptions");
        let price = a.price.clone().unwrap_or_default();
        let pk = ak.key("price");
        Assumptions {
            elasticity: self.param(
                &ak.key("elasticity"),
                a.elasticity.as_ref(),
                &keys::ELASTICITY,
            ),
            pass_through: self.param(
                &ak.key("pass_through"),
                a.pass_through.as_ref(),
                &keys::PASS_THROUGH,
            ),
            adjustment_months: self.param(
                &ak.key("adjustment_months"),
                a.adjustment_months.as_ref(),
                &keys::ADJUSTMENT_MONTHS,
            ),
            price_usd_per_t: self.param(
                &pk.key("usd_per_t"),
                price.usd_per_t.as_ref(),
                &keys::PRICE_USD_PER_T,
            ),
            price_annual_change: self.param(
                &pk.key("annual_change"),
                price.annual_change.as_ref(),
                &keys::PRICE_ANNUAL_CHANGE,
            ),
            baseline_uncertainty: a.baseline_uncertainty.unwrap_or(true),
            substitution_elasticity: self.param(
                &ak.key("substitution_elasticity"),
                a.substitution_elasticity.as_ref(),
                &keys::SUBSTITUTION_ELASTICITY,
            ),
            export_supply_elasticity: a.export_supply_elasticity.as_ref().map(|eta| {
                self.required(
                    &ak.key("export_supply_elasticity"),
                    eta,
                    &keys::EXPORT_SUPPLY_ELASTICITY,
                )
            }),
            non_china_supply: self.non_china_supply(&ak, &a),
            reexport_elasticity: a.reexport_elasticity.as_ref().map(|e| {
                self.required(
                    &ak.key("reexport_elasticity"),
                    e,
                    &keys::REEXPORT_ELASTICITY,
                )
            }),
        }
    }

    /// Checks `assumptions.non_china_supply`: importer codes, each once.
    fn non_china_supply(
        &mut self,
        ak: &KeyPath,
        a: &super::spec::AssumptionsSpec,
    ) -> Vec<(Importer, Param)> {
        let mut out = Vec::new();
        let mut spelled = Vec::new();
        for (code, tonnes) in a.non_china_supply.clone().unwrap_or_default() {
            let k = ak.key("non_china_supply").key(&code);
            let p = self.required(&k, &tonnes, &keys::NON_CHINA_SUPPLY);
            if let Some(i) = self.importer(&k, &code)
                && self.once(&k, &code, i, &mut spelled)
            {
                out.push((i, p));
            }
        }
        out
    }
}

/// The one country whose English name starts with `code` (`GER` → `DEU`), else
/// the one alpha-3 code a single letter away from it (`DUE` is two away from
/// everything, so nothing).
pub(crate) fn suggest_country(code: &str) -> Option<&'static str> {
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
