//! The disjoint units the shares partition WORLD into, and which units make up
//! each output series.

use serde::{Deserialize, Serialize};

use crate::data::{Group, Importer};

/// One output series of the dynamic baseline and the units whose flows it sums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesUnits {
    /// The series.
    pub importer: Importer,
    /// Indices into [`UnitLayout::units`].
    pub units: Vec<usize>,
}

/// The units: every modelled country, the unnamed rest of each modelled group,
/// and the rest of the world (the reference, last). Each output series (a
/// country, a group, ROW) is a set of them, so groups contain their members
/// and the series add up to WORLD by construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitLayout {
    /// Unit names: alpha-3 codes, `EU27-other`, `ROW`.
    pub units: Vec<String>,
    /// The output series other than WORLD, in output order (groups, countries,
    /// then ROW).
    pub series: Vec<SeriesUnits>,
}

impl UnitLayout {
    /// The layout for the modelled `importers` (WORLD excluded; groups and
    /// countries in any order).
    pub fn new(importers: &[Importer]) -> UnitLayout {
        let mut countries: Vec<Importer> = importers
            .iter()
            .copied()
            .filter(|i| i.country().is_some())
            .collect();
        countries.sort_unstable();
        countries.dedup();
        let groups: Vec<Group> = {
            let mut g: Vec<Group> = importers
                .iter()
                .filter_map(|i| match i {
                    Importer::Group(g) => Some(*g),
                    _ => None,
                })
                .collect();
            g.sort_unstable();
            g.dedup();
            g
        };
        let mut units: Vec<String> = countries.iter().map(|c| c.code().to_string()).collect();
        let mut series = Vec::new();
        for g in &groups {
            let mut members: Vec<usize> = countries
                .iter()
                .enumerate()
                .filter(|(_, c)| c.country().is_some_and(|c| g.contains(c)))
                .map(|(u, _)| u)
                .collect();
            members.push(units.len());
            units.push(format!("{}-other", Importer::Group(*g).code()));
            series.push(SeriesUnits {
                importer: Importer::Group(*g),
                units: members,
            });
        }
        for (u, c) in countries.iter().enumerate() {
            series.push(SeriesUnits {
                importer: *c,
                units: vec![u],
            });
        }
        series.push(SeriesUnits {
            importer: Importer::RestOfWorld,
            units: vec![units.len()],
        });
        units.push(Importer::RestOfWorld.code().to_string());
        UnitLayout { units, series }
    }

    /// The reference unit (the rest of the world).
    pub fn reference(&self) -> usize {
        self.units.len() - 1
    }

    /// The units of `importer`, if it is modelled (WORLD is every unit).
    pub fn units_of(&self, importer: Importer) -> Option<Vec<usize>> {
        if importer == Importer::World {
            return Some((0..self.units.len()).collect());
        }
        self.series
            .iter()
            .find(|s| s.importer == importer)
            .map(|s| s.units.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> Importer {
        s.parse().unwrap()
    }

    #[test]
    fn groups_hold_their_members_and_a_rest_and_row_comes_last() {
        let layout = UnitLayout::new(&[code("USA"), code("EU27"), code("DEU"), code("ITA")]);
        assert_eq!(layout.units, ["DEU", "ITA", "USA", "EU27-other", "ROW"]);
        assert_eq!(layout.units_of(code("EU27")), Some(vec![0, 1, 3]));
        assert_eq!(layout.units_of(code("USA")), Some(vec![2]));
        assert_eq!(layout.units_of(Importer::RestOfWorld), Some(vec![4]));
        assert_eq!(layout.units_of(Importer::World).unwrap().len(), 5);
        assert_eq!(layout.reference(), 4);
        let order: Vec<&str> = layout.series.iter().map(|s| s.importer.code()).collect();
        assert_eq!(order, ["EU27", "DEU", "ITA", "USA", "ROW"]);
        // Every unit is in exactly one top-level series (EU27, USA, ROW).
        let mut covered: Vec<usize> = [code("EU27"), code("USA"), Importer::RestOfWorld]
            .iter()
            .flat_map(|i| layout.units_of(*i).unwrap())
            .collect();
        covered.sort_unstable();
        assert_eq!(covered, (0..5).collect::<Vec<_>>());
    }
}
