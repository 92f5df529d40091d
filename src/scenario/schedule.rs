//! A scenario's tariffs as a table for reports: for each importer that has a
//! reference rate, steps or layers, the rate of every layer, of the plain
//! changes and their total at the end of the data and in every month a step
//! starts or ends (central values; docs/model.md §3.4).

use serde::Serialize;

use super::checked::Scenario;
use crate::data::{Importer, Month};

/// One importer's tariff schedule.
#[derive(Debug, Clone, Serialize)]
pub struct TariffSchedule {
    /// The importer, as written in the scenario.
    pub importer: Importer,
    /// The layers' authorities, in the order written: the columns of `rows`.
    pub authorities: Vec<String>,
    /// The rates at the end of the data, then from each change on.
    pub rows: Vec<ScheduleRow>,
}

/// The rates in force from `from` until the next row.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleRow {
    /// First month of these rates (the first row: the last month of the data).
    pub from: Month,
    /// Each layer's rate, in the order of `authorities`.
    pub layers: Vec<f64>,
    /// The rate outside the layers: the plain changes, or the reference rate.
    pub changes: f64,
    /// Their sum, the ad-valorem rate the engine applies.
    pub total: f64,
}

impl Scenario {
    /// The tariff schedule of every importer with tariffs, for projections
    /// starting in `first`.
    pub fn tariff_schedules(&self, first: Month) -> Vec<TariffSchedule> {
        let mut importers: Vec<Importer> = self
            .tariff_reference
            .iter()
            .map(|(i, _)| *i)
            .chain(self.tariff_changes.iter().map(|c| c.importer))
            .chain(self.tariff_layers.iter().map(|l| l.importer))
            .collect();
        importers.sort();
        importers.dedup();
        importers
            .into_iter()
            .map(|i| self.schedule_of(i, first))
            .collect()
    }

    fn schedule_of(&self, importer: Importer, first: Month) -> TariffSchedule {
        let layers: Vec<_> = self
            .tariff_layers
            .iter()
            .filter(|l| l.importer == importer)
            .collect();
        let changes: Vec<_> = self
            .tariff_changes
            .iter()
            .filter(|c| c.importer == importer)
            .collect();
        let reference = self
            .tariff_reference
            .iter()
            .find(|(i, _)| *i == importer)
            .map_or(0.0, |(_, p)| p.central());
        let in_force =
            |from: Month, to: Option<Month>, m: Month| from <= m && to.is_none_or(|t| m <= t);
        let last_data = first.plus(-1);
        let row = |m: Month| {
            let rates: Vec<f64> = layers
                .iter()
                .map(|l| {
                    l.steps
                        .iter()
                        .filter(|s| in_force(s.from, s.to, m))
                        .fold(0.0, |sum, s| sum + s.rate.central())
                })
                .collect();
            // Plain steps dated in the past take effect in the first month.
            let plain = changes
                .iter()
                .rfind(|c| m >= first && in_force(c.from, c.to, m))
                .map_or(reference, |c| c.rate.central());
            let total = rates.iter().fold(plain, |sum, r| sum + r);
            ScheduleRow {
                from: m,
                total: tidy(total),
                layers: rates.into_iter().map(tidy).collect(),
                changes: tidy(plain),
            }
        };
        let mut months: Vec<Month> = layers
            .iter()
            .flat_map(|l| l.steps.iter().map(|s| (s.from, s.to)))
            .chain(
                changes
                    .iter()
                    .filter(|c| c.to.is_none_or(|t| t >= first))
                    .map(|c| (c.from.max(first), c.to)),
            )
            .flat_map(|(from, to)| [Some(from), to.map(|t| t.plus(1))])
            .flatten()
            .filter(|m| *m >= first && *m <= self.horizon)
            .collect();
        months.sort();
        months.dedup();
        TariffSchedule {
            importer,
            authorities: layers.iter().map(|l| l.authority.clone()).collect(),
            rows: std::iter::once(last_data).chain(months).map(row).collect(),
        }
    }
}

/// Rounds a rate to 12 decimals, so sums such as 0.021 + 0.1 + 0.1 read 0.221.
fn tidy(rate: f64) -> f64 {
    (rate * 1e12).round() / 1e12
}
