//! The disjoint units the engine simulates, and how importers map onto them.
//!
//! Drivers must act on flows that add up: a tariff on Germany also lowers EU27
//! and WORLD. The engine therefore works on disjoint units: every country of the
//! panel, for each group the rest of the group beyond its named members
//! (`EU27 rest`), and ROW. An output series is a sum of units (WORLD all of them,
//! EU27 its members and its rest), and a code in a scenario maps to units: a
//! country of the panel to its own unit, another EU member to `EU27 rest`, any
//! other country to ROW.

use crate::data::{Group, Importer};

/// What one unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A country with its own series.
    Country(Importer),
    /// The part of a group beyond its named members.
    GroupRest(Group),
    /// Everything else.
    RestOfWorld,
}

/// Units, output series, and the maps between them.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The units, in a fixed order.
    pub units: Vec<Unit>,
    /// Output series in output order (the panel's series, then ROW).
    pub outputs: Vec<Importer>,
    /// For each output, the units it sums.
    pub output_units: Vec<Vec<usize>>,
    /// For each unit, how to read its baseline from a panel path: the path's
    /// series index to add, and the indices to subtract.
    pub base_from: Vec<(usize, Vec<usize>)>,
}

impl Layout {
    /// The layout of a panel whose paths carry `series` (output order, ROW last
    /// when there is a WORLD).
    pub fn new(series: &[Importer]) -> Layout {
        let has_world = series.contains(&Importer::World);
        let groups: Vec<Group> = series
            .iter()
            .filter_map(|i| match i {
                Importer::Group(g) => Some(*g),
                _ => None,
            })
            .collect();
        let mut units = Vec::new();
        let mut base_from = Vec::new();
        for (idx, imp) in series.iter().enumerate() {
            if let Importer::Country(_) = imp {
                units.push(Unit::Country(*imp));
                base_from.push((idx, Vec::new()));
            }
        }
        for g in &groups {
            let gi = series
                .iter()
                .position(|i| *i == Importer::Group(*g))
                .unwrap_or(0);
            let members: Vec<usize> = series
                .iter()
                .enumerate()
                .filter(|(_, i)| i.country().is_some_and(|c| g.contains(c)))
                .map(|(k, _)| k)
                .collect();
            units.push(Unit::GroupRest(*g));
            base_from.push((gi, members));
        }
        if has_world {
            let row = series
                .iter()
                .position(|i| *i == Importer::RestOfWorld)
                .unwrap_or(series.len() - 1);
            units.push(Unit::RestOfWorld);
            base_from.push((row, Vec::new()));
        }
        let mut layout = Layout {
            units,
            outputs: series.to_vec(),
            output_units: Vec::new(),
            base_from,
        };
        layout.output_units = series.iter().map(|&i| layout.units_of(i)).collect();
        layout
    }

    fn unit(&self, u: Unit) -> Option<usize> {
        self.units.iter().position(|x| *x == u)
    }

    /// The units an importer code in a scenario stands for (empty if none).
    pub fn units_of(&self, importer: Importer) -> Vec<usize> {
        match importer {
            Importer::World => (0..self.units.len()).collect(),
            Importer::RestOfWorld => self.unit(Unit::RestOfWorld).into_iter().collect(),
            Importer::Group(g) => {
                let mut v: Vec<usize> = self
                    .units
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| match u {
                        Unit::Country(i) => i.country().is_some_and(|c| g.contains(c)),
                        Unit::GroupRest(h) => *h == g,
                        Unit::RestOfWorld => false,
                    })
                    .map(|(k, _)| k)
                    .collect();
                if v.is_empty() {
                    v.extend(self.unit(Unit::RestOfWorld));
                }
                v
            }
            Importer::Country(c) => {
                if let Some(u) = self.unit(Unit::Country(importer)) {
                    return vec![u];
                }
                let group = self.units.iter().find_map(|u| match u {
                    Unit::GroupRest(g) if g.contains(c) => Some(*g),
                    _ => None,
                });
                match group {
                    Some(g) => self.unit(Unit::GroupRest(g)).into_iter().collect(),
                    None => self.unit(Unit::RestOfWorld).into_iter().collect(),
                }
            }
        }
    }

    /// Where a code that is not a series of its own is counted, for notes.
    pub fn folded_into(&self, importer: Importer) -> Option<String> {
        let units = self.units_of(importer);
        match (importer, units.as_slice()) {
            (Importer::Country(_), [u]) => match self.units[*u] {
                Unit::Country(_) => None,
                Unit::GroupRest(g) => Some(format!(
                    "{importer} is counted in {} (not a series of its own)",
                    g.code()
                )),
                Unit::RestOfWorld => Some(format!(
                    "{importer} is counted in ROW (not a series of its own)"
                )),
            },
            _ => None,
        }
    }
}
