//! SMART's single-importer formulas (docs/model.md §3.14.1): trade creation
//! from the import-demand elasticity, diversion between suppliers from the
//! substitution elasticity, the world-price effect of a finite export-supply
//! elasticity, tariff revenue and the importer's welfare.
//!
//! As in SMART, imports are valued at base world prices normalised to 1, so a
//! supplier's imports are both its quantity and its base value (e.g. US$'000).

use super::{Result, TradeError, finish, non_negative, require, supply_elasticity};

/// One supplier of the importer, as given (unchecked).
#[derive(Debug, Clone, PartialEq)]
pub struct Supplier {
    /// Name, unique within the case.
    pub name: String,
    /// Base-year imports from it, at base world prices (≥ 0).
    pub imports: f64,
    /// Ad-valorem tariff before the change (0.25 = 25 %).
    pub tariff: f64,
    /// Ad-valorem tariff after the change.
    pub new_tariff: f64,
}

/// A SMART case as given: suppliers and elasticities (unchecked).
#[derive(Debug, Clone, PartialEq)]
pub struct SmartParams {
    /// The importer's suppliers.
    pub suppliers: Vec<Supplier>,
    /// Import-demand elasticity ε ≥ 0 (a magnitude: imports fall by ε % for a
    /// 1 % rise of their delivered price).
    pub import_demand_elasticity: f64,
    /// Substitution elasticity σ ≥ 0 between suppliers (SMART's default is 1.5).
    pub substitution_elasticity: f64,
    /// Export-supply elasticity η > 0, the same for every supplier; `f64::INFINITY`
    /// for world prices that do not move (SMART's default of 99 stands for it).
    pub export_supply_elasticity: f64,
}

/// A checked SMART case.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartCase {
    params: SmartParams,
}

/// What the tariff change does to one supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierEffect {
    /// The supplier's name.
    pub name: String,
    /// Trade creation TC: the change of its imports caused by its own
    /// delivered-price change through the import-demand elasticity.
    pub creation: f64,
    /// Trade diversion TD: the change caused by relative prices (adds to 0 over
    /// suppliers).
    pub diversion: f64,
    /// Price effect: the change of its import value from its world price,
    /// new imports × (new world price − 1); 0 with infinite supply elasticity.
    pub price_effect: f64,
    /// Imports after the change, at base world prices: base + TC + TD.
    pub imports: f64,
    /// Its world price after the change, relative to before.
    pub world_price: f64,
}

/// The results of a SMART case.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartOutcome {
    /// Per supplier, in the order given.
    pub suppliers: Vec<SupplierEffect>,
    /// Tariff revenue before the change, Σ t₀·m₀.
    pub revenue_before: f64,
    /// Tariff revenue after the change, Σ t₁·w·m₁.
    pub revenue_after: f64,
    /// Change of consumer surplus, −Σ ΔP·(m₀ + m₁)/2.
    pub consumer_surplus_change: f64,
    /// The importer's welfare change: consumer surplus plus tariff revenue.
    pub welfare_change: f64,
}

impl SmartOutcome {
    /// Total trade creation over suppliers.
    pub fn creation(&self) -> f64 {
        self.suppliers.iter().map(|s| s.creation).sum()
    }

    /// Total trade diversion over suppliers (0 up to rounding).
    pub fn diversion(&self) -> f64 {
        self.suppliers.iter().map(|s| s.diversion).sum()
    }

    /// Tariff revenue after less before.
    pub fn revenue_change(&self) -> f64 {
        self.revenue_after - self.revenue_before
    }
}

impl SmartParams {
    /// Checks every input at once: at least one supplier, unique non-empty
    /// names, imports ≥ 0 adding up to more than 0, tariffs ≥ 0, ε and σ ≥ 0,
    /// η > 0 (or +∞).
    pub fn check(self) -> Result<SmartCase> {
        let mut problems = Vec::new();
        require(&mut problems, !self.suppliers.is_empty(), || {
            "no supplier".to_string()
        });
        for (i, s) in self.suppliers.iter().enumerate() {
            check_supplier(&mut problems, i, s, &self.suppliers[..i]);
        }
        let total: f64 = self.suppliers.iter().map(|s| s.imports).sum();
        require(
            &mut problems,
            total > 0.0 || self.suppliers.is_empty(),
            || "the suppliers' imports add up to 0".to_string(),
        );
        let (e, s, h) = (
            self.import_demand_elasticity,
            self.substitution_elasticity,
            self.export_supply_elasticity,
        );
        require(&mut problems, non_negative(e), || {
            format!("import-demand elasticity {e} is not a number ≥ 0")
        });
        require(&mut problems, non_negative(s), || {
            format!("substitution elasticity {s} is not a number ≥ 0")
        });
        require(&mut problems, supply_elasticity(h), || {
            format!("export-supply elasticity {h} is not > 0 (or infinite)")
        });
        finish(problems)?;
        Ok(SmartCase { params: self })
    }
}

/// Problems of supplier `i`, given the suppliers before it.
fn check_supplier(problems: &mut Vec<String>, i: usize, s: &Supplier, before: &[Supplier]) {
    let who = format!("supplier {} ({:?})", i + 1, s.name);
    require(problems, !s.name.trim().is_empty(), || {
        format!("{who}: empty name")
    });
    require(problems, !before.iter().any(|b| b.name == s.name), || {
        format!("{who}: name given twice")
    });
    require(problems, non_negative(s.imports), || {
        format!("{who}: imports {} are not a number ≥ 0", s.imports)
    });
    require(problems, non_negative(s.tariff), || {
        format!("{who}: tariff {} is not a number ≥ 0", s.tariff)
    });
    require(problems, non_negative(s.new_tariff), || {
        format!("{who}: new tariff {} is not a number ≥ 0", s.new_tariff)
    });
}

impl SmartCase {
    /// The checked inputs.
    pub fn params(&self) -> &SmartParams {
        &self.params
    }

    /// Share of a delivered-price change that falls on the exporter's world
    /// price, ε/(ε + η): 0 for infinite η (or ε = 0).
    fn absorbed(&self) -> f64 {
        let (e, h) = (
            self.params.import_demand_elasticity,
            self.params.export_supply_elasticity,
        );
        if h.is_infinite() || e == 0.0 {
            0.0
        } else {
            e / (e + h)
        }
    }

    /// Applies the tariff change (docs/model.md §3.14.1). Fails when the change is
    /// so large that the first-order formulas give a supplier negative imports
    /// or a non-positive world price.
    pub fn simulate(&self) -> Result<SmartOutcome> {
        let p = &self.params;
        let absorbed = self.absorbed();
        let total: f64 = p.suppliers.iter().map(|s| s.imports).sum();
        // π_c, the relative change of the tariff factor, and w_c, the world price.
        let pis: Vec<f64> = p.suppliers.iter().map(tariff_step).collect();
        let world: Vec<f64> = pis.iter().map(|pi| 1.0 - absorbed * pi).collect();
        if let Some(i) = world.iter().position(|&w| w <= 0.0) {
            return Err(beyond(format!(
                "the world price of {} would fall to {} of its level",
                p.suppliers[i].name, world[i]
            )));
        }
        let weights: Vec<f64> = p
            .suppliers
            .iter()
            .zip(pis.iter().zip(&world))
            .map(|(s, (pi, w))| s.imports * (w * (1.0 + pi)).powf(-p.substitution_elasticity))
            .collect();
        let weight_sum: f64 = weights.iter().sum();
        let mut suppliers = Vec::with_capacity(p.suppliers.len());
        for (i, s) in p.suppliers.iter().enumerate() {
            let creation = -p.import_demand_elasticity * (1.0 - absorbed) * s.imports * pis[i];
            let diversion = total * weights[i] / weight_sum - s.imports;
            let imports = s.imports + creation + diversion;
            if imports < 0.0 {
                return Err(beyond(format!(
                    "imports from {} would be {imports}",
                    s.name
                )));
            }
            suppliers.push(SupplierEffect {
                name: s.name.clone(),
                creation,
                diversion,
                price_effect: imports * (world[i] - 1.0),
                imports,
                world_price: world[i],
            });
        }
        Ok(self.money(suppliers))
    }

    /// Revenue, consumer surplus and welfare from the per-supplier effects.
    fn money(&self, suppliers: Vec<SupplierEffect>) -> SmartOutcome {
        let given = &self.params.suppliers;
        let revenue_before = given.iter().map(|s| s.tariff * s.imports).sum();
        let revenue_after = given
            .iter()
            .zip(&suppliers)
            .map(|(s, e)| s.new_tariff * e.world_price * e.imports)
            .sum();
        let consumer_surplus_change = -given
            .iter()
            .zip(&suppliers)
            .map(|(s, e)| {
                let price_change = e.world_price * (1.0 + s.new_tariff) - (1.0 + s.tariff);
                price_change * (s.imports + e.imports) / 2.0
            })
            .sum::<f64>();
        SmartOutcome {
            suppliers,
            revenue_before,
            revenue_after,
            consumer_surplus_change,
            welfare_change: consumer_surplus_change + revenue_after - revenue_before,
        }
    }
}

/// π = (t₁ − t₀)/(1 + t₀), the relative change of the tariff factor 1 + t.
fn tariff_step(s: &Supplier) -> f64 {
    (s.new_tariff - s.tariff) / (1.0 + s.tariff)
}

fn beyond(message: String) -> TradeError {
    TradeError::BeyondLinearRange(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supplier(name: &str, imports: f64, tariff: f64, new_tariff: f64) -> Supplier {
        Supplier {
            name: name.to_string(),
            imports,
            tariff,
            new_tariff,
        }
    }

    #[test]
    fn check_lists_every_problem() {
        let params = SmartParams {
            suppliers: vec![
                supplier("CHN", -1.0, 0.1, f64::NAN),
                supplier("CHN", 1.0, -0.5, 0.0),
            ],
            import_demand_elasticity: -1.0,
            substitution_elasticity: f64::INFINITY,
            export_supply_elasticity: 0.0,
        };
        let Err(TradeError::Invalid(problems)) = params.check() else {
            panic!("expected an invalid-input error");
        };
        assert_eq!(problems.len(), 8, "{problems:#?}");
        assert!(problems[0].contains("imports -1"), "{}", problems[0]);
        assert!(problems[1].contains("new tariff NaN"), "{}", problems[1]);
        assert!(problems[2].contains("name given twice"), "{}", problems[2]);
        assert!(problems[3].contains("tariff -0.5"), "{}", problems[3]);
    }

    #[test]
    fn a_huge_rise_is_beyond_the_formulas() {
        // ε = 2, tariff 0 → 1: π = 1, creation −2·m, so imports would be negative.
        let case = SmartParams {
            suppliers: vec![supplier("A", 10.0, 0.0, 1.0), supplier("B", 10.0, 0.0, 0.0)],
            import_demand_elasticity: 2.0,
            substitution_elasticity: 0.0,
            export_supply_elasticity: f64::INFINITY,
        }
        .check()
        .unwrap();
        let err = case.simulate().unwrap_err();
        assert!(
            err.to_string().contains("imports from A would be -10"),
            "{err}"
        );
    }
}
