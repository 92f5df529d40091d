//! One scenario's draws, block by block: [`ScenarioSetup`] holds what does
//! not depend on the draw, [`ScenarioSetup::draw`] draws a range of blocks in
//! parallel (a random stream per (seed, scenario, draw), on the run's shared
//! baseline paths) into [`DrawBlocks`], and [`ScenarioSetup::finish`] reduces
//! all of a scenario's blocks, in block order, to means and quantiles.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::baseline_paths::{BaselinePaths, truncated_mean};
use super::drivers::{DrawResult, simulate};
use super::layout::Layout;
use super::prepare::Prepared;
use super::quantiles::column_quantiles;
use super::run::{ScenarioResult, Yearly, mix, name_hash};
use super::substitution::{TRADE_SUMS, YearlyTrade, add_trade};
use crate::data::Month;
use crate::scenario::Scenario;

/// Draws handled together by one task; sums are added chunk by chunk in order,
/// so results do not depend on the number of threads.
const CHUNK: usize = 32;

/// Sums of one block of draws: six of §3.10's money and volumes, then the
/// trade model's [`TRADE_SUMS`], per unit and month.
#[derive(Serialize, Deserialize)]
struct Partial {
    sums: [Vec<f64>; SUMS],
}

/// Sums kept per unit and month.
const SUMS: usize = 6 + TRADE_SUMS;

/// The blocks of [`CHUNK`] draws that `draws` draws make (the last may be short).
pub(crate) fn blocks_of(draws: usize) -> usize {
    draws.div_ceil(CHUNK)
}

/// Consecutive blocks of one scenario's draws, drawn: each block's sums, and
/// the imports of every draw by output series (monthly and yearly, draw-major)
/// for the quantiles. A whole scenario is one of these; a shard may hold a
/// scenario's first or last blocks, and a merge puts them back together in
/// block order, so the sums are added in the same order either way.
#[derive(Serialize, Deserialize)]
pub(crate) struct DrawBlocks {
    /// The first block's index.
    pub(crate) first: usize,
    partials: Vec<Partial>,
    store: Vec<f32>,
    ystore: Vec<f32>,
}

impl DrawBlocks {
    /// Blocks held.
    pub(crate) fn len(&self) -> usize {
        self.partials.len()
    }

    /// Puts `next`, the blocks that follow these (a later shard's), after
    /// them; `false`, leaving these as they were, if `next` does not start
    /// where these end.
    pub(crate) fn append(&mut self, next: DrawBlocks) -> bool {
        if next.first != self.first + self.len() {
            return false;
        }
        self.partials.extend(next.partials);
        self.store.extend(next.store);
        self.ystore.extend(next.ystore);
        true
    }
}

/// Everything about one scenario's run that does not depend on the draw.
pub(crate) struct ScenarioSetup<'a> {
    scenario: &'a Scenario,
    layout: &'a Layout,
    base: &'a BaselinePaths,
    first: Month,
    draws: usize,
    prep: Prepared,
    seed: u64,
    year_of: Vec<usize>,
    year_ranges: Vec<std::ops::Range<usize>>,
}

impl<'a> ScenarioSetup<'a> {
    /// Prepares `scenario` for `draws` draws on the run's baseline paths.
    pub(crate) fn new(
        scenario: &'a Scenario,
        layout: &'a Layout,
        base: &'a BaselinePaths,
        first: Month,
        draws: usize,
        run_seed: u64,
    ) -> ScenarioSetup<'a> {
        let prep = Prepared::new(
            scenario,
            layout,
            first,
            &truncated_mean(base, scenario.horizon.months_since(first) + 1),
        );
        let year_of: Vec<usize> = (0..prep.months)
            .map(|t| (first.plus(t as i32).year() - first.year()) as usize)
            .collect();
        let n_years = year_of.last().map_or(0, |y| y + 1);
        let year_ranges = (0..n_years)
            .map(|y| {
                let start = year_of.iter().position(|&v| v == y).unwrap_or(0);
                let end = year_of
                    .iter()
                    .rposition(|&v| v == y)
                    .map_or(start, |e| e + 1);
                start..end
            })
            .collect();
        ScenarioSetup {
            scenario,
            layout,
            base,
            first,
            draws,
            seed: mix(
                scenario.seed.unwrap_or(run_seed),
                name_hash(&scenario.stream),
            ),
            prep,
            year_of,
            year_ranges,
        }
    }

    fn months(&self) -> usize {
        self.prep.months
    }

    fn n_years(&self) -> usize {
        self.year_ranges.len()
    }

    fn cells(&self) -> usize {
        self.layout.outputs.len() * self.months()
    }

    fn ycells(&self) -> usize {
        self.layout.outputs.len() * self.n_years()
    }

    /// Cells of sum `k`: the trade model's sums hold only its units' rows
    /// (`add_trade`).
    fn sum_cells(&self, k: usize) -> usize {
        let units = if k < 6 {
            self.layout.units.len()
        } else {
            self.prep.trade.units.len()
        };
        units * self.months()
    }

    /// Whether the baseline's mean is known without summing the paths drawn:
    /// every stored path is drawn once, or the mean path is used.
    fn base_mean_known(&self) -> bool {
        !self.scenario.assumptions.baseline_uncertainty || self.draws == self.base.count
    }

    /// Draws `blocks` (block b holds draws b·CHUNK up to the scenario's
    /// last), in parallel; `progress` is told as each block finishes.
    pub(crate) fn draw(
        &self,
        blocks: std::ops::Range<usize>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> DrawBlocks {
        let (cells, ycells) = (self.cells(), self.ycells().max(1));
        let from = (blocks.start * CHUNK).min(self.draws);
        let to = (blocks.end * CHUNK).min(self.draws);
        // Imports of every draw, draw-major, for the quantiles; f32 keeps seven
        // digits at half the memory, and only this scenario's draws are held. The
        // same for yearly totals, whose percentiles are not sums of monthly ones.
        let mut store = vec![0f32; (to - from) * cells];
        let mut ystore = vec![0f32; (to - from) * self.ycells()];
        let partials: Vec<Partial> = store
            .par_chunks_mut(CHUNK * cells)
            .zip(ystore.par_chunks_mut(CHUNK * ycells))
            .enumerate()
            .map(|(k, (slab, yslab))| {
                let part = self.draw_block(blocks.start + k, slab, yslab);
                progress((slab.len() / cells.max(1)) as u64);
                part
            })
            .collect();
        DrawBlocks {
            first: blocks.start,
            partials,
            store,
            ystore,
        }
    }

    /// One block's draws into `slab` and `yslab`, and their sums.
    fn draw_block(&self, block: usize, slab: &mut [f32], yslab: &mut [f32]) -> Partial {
        let (prep, layout, months) = (&self.prep, self.layout, self.months());
        let (cells, ycells, n_years) = (self.cells(), self.ycells().max(1), self.n_years());
        let uncertain_base = self.scenario.assumptions.baseline_uncertainty;
        let deterministic = self.draws == 1 && !self.scenario.is_random();
        let taxed = prep.has_tariffs();
        let credited = prep.has_credits();
        let base_mean_known = self.base_mean_known();
        let price_random = prep.price_is_random();
        let mut part = Partial {
            sums: std::array::from_fn(|k| vec![0.0; self.sum_cells(k)]),
        };
        let mut params = Vec::new();
        let mut buffer = Vec::new();
        let mut result = DrawResult::default();
        for (j, (dst, ydst)) in slab
            .chunks_mut(cells)
            .zip(yslab.chunks_mut(ycells))
            .enumerate()
        {
            let d = block * CHUNK + j;
            let mut rng = Pcg64Mcg::seed_from_u64(mix(self.seed, d as u64));
            if deterministic {
                prep.central(&mut params);
            } else {
                prep.sample(&mut rng, &mut params);
            }
            let baseline = self
                .base
                .path(uncertain_base.then_some(d), months, &mut buffer);
            simulate(prep, baseline, &params, &mut result);
            for (o, units) in layout.output_units.iter().enumerate() {
                let row = &mut dst[o * months..(o + 1) * months];
                row.fill(0.0);
                for &u in units {
                    for (r, m) in row
                        .iter_mut()
                        .zip(&result.imports[u * months..(u + 1) * months])
                    {
                        *r += *m as f32;
                    }
                }
                for (y, range) in self.year_ranges.iter().enumerate() {
                    ydst[o * n_years + y] = row[range.clone()].iter().sum();
                }
            }
            let (own, trade) = part.sums.split_at_mut(6);
            add_trade(trade, &result.trade, prep);
            let [imports, base_sum, value, revenue, downstream, credit] = own else {
                unreachable!("six sums before the trade model's")
            };
            let rho = result.pass_through;
            for (a, m) in imports.iter_mut().zip(&result.imports) {
                *a += m;
            }
            // The baseline's mean is known when every stored path is drawn
            // once (or the mean path is used); only otherwise is it summed.
            if !base_mean_known {
                for (b, bm) in base_sum.iter_mut().zip(baseline) {
                    *b += bm;
                }
            }
            // With a fixed price path the mean value is the mean volume
            // times the price, computed once at the end.
            if price_random {
                for (v, vm) in value.iter_mut().zip(&result.value) {
                    *v += vm;
                }
            }
            // Revenue and credit costs are zero in scenarios without tariffs
            // or credits: no need to add them up.
            if taxed {
                for ((a, d), b) in revenue
                    .iter_mut()
                    .zip(downstream.iter_mut())
                    .zip(&result.revenue)
                {
                    *a += b;
                    *d += b * rho;
                }
            }
            if credited {
                for (a, b) in credit.iter_mut().zip(&result.credit_cost) {
                    *a += b;
                }
            }
        }
        part
    }

    /// Whether `blocks` are all of this scenario's blocks, each of the size
    /// this setup draws (a merge's check of blocks read from shard parts).
    pub(crate) fn completes(&self, blocks: &DrawBlocks) -> bool {
        let (cells, ycells) = (self.cells(), self.ycells());
        blocks.first == 0
            && blocks.len() == blocks_of(self.draws)
            && blocks.store.len() == self.draws * cells
            && blocks.ystore.len() == self.draws * ycells
            && blocks
                .partials
                .iter()
                .all(|p| (0..SUMS).all(|k| p.sums[k].len() == self.sum_cells(k)))
    }

    /// Whether `result`, read back from a shard's part, is this scenario's
    /// result in name, draws and the size of every array.
    pub(crate) fn fits(&self, result: &ScenarioResult) -> bool {
        result.name == self.scenario.name
            && result.draws == self.draws
            && super::finite::shape_is(
                result,
                self.layout.outputs.len(),
                self.months(),
                self.n_years(),
            )
    }

    /// The scenario's result from all its blocks, drawn.
    pub(crate) fn finish(&self, blocks: DrawBlocks) -> ScenarioResult {
        debug_assert_eq!((blocks.first, blocks.len()), (0, blocks_of(self.draws)));
        let unit_sums = self.unit_sums(&blocks.partials);
        self.result(unit_sums, &blocks.store, &blocks.ystore)
    }

    /// The blocks' sums added in block order, with the sums not drawn filled
    /// in (the baseline's mean, the value at a fixed price) and the trade
    /// model's laid out on every unit.
    ///
    /// Means are linear, so they are summed per unit (contiguous, cheap) and
    /// mapped to output series once at the end ([`Self::result`]).
    fn unit_sums(&self, partials: &[Partial]) -> [Vec<f64>; SUMS] {
        let months = self.months();
        let mut unit_sums: [Vec<f64>; SUMS] = std::array::from_fn(|k| vec![0.0; self.sum_cells(k)]);
        for part in partials {
            for (s, p) in unit_sums.iter_mut().zip(&part.sums) {
                for (a, b) in s.iter_mut().zip(p) {
                    *a += b;
                }
            }
        }
        let n = self.draws as f64;
        if self.base_mean_known() {
            let mut buf = Vec::new();
            for (a, m) in unit_sums[1]
                .iter_mut()
                .zip(self.base.path(None, months, &mut buf))
            {
                *a = m * n;
            }
        }
        if !self.prep.price_is_random() {
            let price = self.prep.central_price_path();
            let [imports, _, value, ..] = &mut unit_sums;
            for (k, (v, m)) in value.iter_mut().zip(imports.iter()).enumerate() {
                *v = m * price[k % months];
            }
        }
        let unit_cells = self.layout.units.len() * months;
        for s in &mut unit_sums[6..] {
            *s = expand_trade(s, &self.prep.trade.units, months, unit_cells);
        }
        unit_sums
    }

    /// Means, quantiles and yearly totals from the unit sums and the stores.
    fn result(&self, unit_sums: [Vec<f64>; SUMS], store: &[f32], ystore: &[f32]) -> ScenarioResult {
        let (layout, months, n_years) = (self.layout, self.months(), self.n_years());
        let (cells, ycells) = (self.cells(), self.ycells());
        let outputs = layout.outputs.len();
        let n = self.draws as f64;
        let sums: [Vec<f64>; SUMS] = std::array::from_fn(|k| {
            let mut out = vec![0.0; cells];
            for (o, units) in layout.output_units.iter().enumerate() {
                for t in 0..months {
                    out[o * months + t] = units
                        .iter()
                        .map(|u| unit_sums[k][u * months + t])
                        .sum::<f64>()
                        / n;
                }
            }
            out
        });
        let credit_total: Vec<f64> = (0..months)
            .map(|t| {
                (0..layout.units.len())
                    .map(|u| unit_sums[5][u * months + t])
                    .sum::<f64>()
                    / n
            })
            .collect();
        let quantiles = column_quantiles(store, cells, self.draws);
        let yearly_quantiles = column_quantiles(ystore, ycells, self.draws);
        let [
            mean,
            baseline,
            value_usd,
            tariff_revenue_usd,
            downstream_cost_usd,
            credit_by_output,
            trade @ ..,
        ] = sums;
        let to_years = |monthly: &[f64]| -> Vec<f64> {
            let mut out = vec![0.0; ycells];
            for o in 0..outputs {
                for t in 0..months {
                    out[o * n_years + self.year_of[t]] += monthly[o * months + t];
                }
            }
            out
        };
        let mut year_months = vec![0usize; n_years];
        for &y in &self.year_of {
            year_months[y] += 1;
        }
        let yearly = Yearly {
            months: year_months,
            mean: to_years(&mean),
            p05: yearly_quantiles.iter().map(|q| q[0]).collect(),
            p95: yearly_quantiles.iter().map(|q| q[2]).collect(),
            baseline: to_years(&baseline),
            value_usd: to_years(&value_usd),
            tariff_revenue_usd: to_years(&tariff_revenue_usd),
            downstream_cost_usd: to_years(&downstream_cost_usd),
            credit_cost_usd: to_years(&credit_by_output),
            trade: YearlyTrade::from_sums(trade.each_ref().map(|m| to_years(m))),
        };
        ScenarioResult {
            name: self.scenario.name.clone(),
            description: self.scenario.description.clone(),
            draws: self.draws,
            months,
            p05: quantiles.iter().map(|q| q[0]).collect(),
            p50: quantiles.iter().map(|q| q[1]).collect(),
            p95: quantiles.iter().map(|q| q[2]).collect(),
            mean,
            baseline,
            value_usd,
            tariff_revenue_usd,
            downstream_cost_usd,
            credit_cost_usd: credit_total,
            credit_cost_by_output: credit_by_output,
            years: (0..n_years as i32).map(|y| self.first.year() + y).collect(),
            yearly,
        }
    }
}

/// A trade sum over the trade model's units' rows, laid out on every unit.
fn expand_trade(compact: &[f64], units: &[usize], months: usize, cells: usize) -> Vec<f64> {
    let mut out = vec![0.0; cells];
    for (row, &u) in compact.chunks_exact(months.max(1)).zip(units) {
        out[u * months..(u + 1) * months].copy_from_slice(row);
    }
    out
}
