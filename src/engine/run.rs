//! One scenario's draws: in parallel, with a random stream per (seed,
//! scenario, draw), on the run's shared baseline paths, reduced to means and
//! quantiles as soon as they are done; and the types of a run's results. A
//! scenario is set up once ([`ScenarioSetup`]), drawn a block of draws at a
//! time ([`DrawBlocks`]) and finished from all its blocks in block order.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use serde::Serialize;

use super::baseline_paths::{BaselinePaths, truncated_mean};
use super::drivers::{DrawResult, simulate};
use super::layout::Layout;
use super::prepare::Prepared;
use super::quantiles::column_quantiles;
use super::substitution::{TRADE_SUMS, YearlyTrade, add_trade};
use crate::data::{Importer, Month};
use crate::scenario::{Scenario, ScenarioMeta};

/// Paths averaged for the baseline mean when no scenario draws more.
pub const MEAN_PATHS: usize = 1000;
/// Draws handled together by one task; sums are added chunk by chunk in order,
/// so results do not depend on the number of threads.
const CHUNK: usize = 32;

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// The run's seed (a scenario's own `seed` takes precedence for its draws).
    pub seed: u64,
    /// Overrides every scenario's number of draws.
    pub draws: Option<usize>,
}

/// Everything a scenario produced, per output series and month.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    /// The scenario's name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Draws run.
    pub draws: usize,
    /// Months projected (from the run's first month).
    pub months: usize,
    /// Mean imports from China, tonnes (`[output * months + t]`).
    pub mean: Vec<f64>,
    /// 5th percentile.
    pub p05: Vec<f64>,
    /// Median.
    pub p50: Vec<f64>,
    /// 95th percentile.
    pub p95: Vec<f64>,
    /// Mean baseline, tonnes.
    pub baseline: Vec<f64>,
    /// Mean customs value, US$.
    pub value_usd: Vec<f64>,
    /// Mean tariff revenue, US$.
    pub tariff_revenue_usd: Vec<f64>,
    /// Mean downstream cost of tariffs (ρ·revenue), US$.
    pub downstream_cost_usd: Vec<f64>,
    /// Mean fiscal cost of production credits by month (all countries), US$.
    pub credit_cost_usd: Vec<f64>,
    /// Mean fiscal cost of production credits by output series (the plants'
    /// countries) and month, US$ (`[output * months + t]`).
    pub credit_cost_by_output: Vec<f64>,
    /// The calendar years the projection touches (the first or last may be partial).
    pub years: Vec<i32>,
    /// Yearly totals per output series (`[output * years + y]`).
    pub yearly: Yearly,
}

/// Yearly totals of one scenario; percentiles are of the yearly totals of each
/// draw, not sums of monthly percentiles.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Yearly {
    /// Months of each year inside the projection (12 but for partial years).
    pub months: Vec<usize>,
    /// Mean imports from China, tonnes.
    pub mean: Vec<f64>,
    /// 5th percentile of the yearly total.
    pub p05: Vec<f64>,
    /// 95th percentile of the yearly total.
    pub p95: Vec<f64>,
    /// Mean baseline, tonnes.
    pub baseline: Vec<f64>,
    /// Mean customs value, US$.
    pub value_usd: Vec<f64>,
    /// Mean tariff revenue, US$.
    pub tariff_revenue_usd: Vec<f64>,
    /// Mean downstream cost of tariffs, US$.
    pub downstream_cost_usd: Vec<f64>,
    /// Mean fiscal cost of production credits, US$.
    pub credit_cost_usd: Vec<f64>,
    /// The trade model's yearly means (docs/model.md §3.9, §3.12).
    pub trade: YearlyTrade,
}

/// The results of a run.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    /// Output series, in output order (WORLD, groups, countries, ROW).
    pub outputs: Vec<Importer>,
    /// The first projected month.
    pub first_month: Month,
    /// The run's seed.
    pub seed: u64,
    /// Baseline sample paths drawn.
    pub baseline_paths: usize,
    /// One result per scenario, in the order given.
    pub scenarios: Vec<ScenarioResult>,
}

impl RunResult {
    /// The run without its scenarios' results.
    pub fn header(&self) -> RunResult {
        RunResult {
            outputs: self.outputs.clone(),
            first_month: self.first_month,
            seed: self.seed,
            baseline_paths: self.baseline_paths,
            scenarios: Vec::new(),
        }
    }
}

/// 64-bit FNV-1a of a name, so that a scenario's stream depends on its name.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

pub(super) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The draws a scenario runs. A scenario with nothing uncertain runs one (more
/// would repeat it); any other runs the run's override when there is one, even
/// if its file says `draws: 1`, else its own `draws`. The test is
/// [`Scenario::is_random`], not `draws == 1`: a file's `draws: 1` is a default
/// that the command line may change, like every other `draws`.
pub fn draws_for(scenario: &Scenario, overridden: Option<usize>) -> usize {
    draws_of(&ScenarioMeta::of(scenario), overridden)
}

/// [`draws_for`] from what a run knows of a scenario before running it.
pub fn draws_of(scenario: &ScenarioMeta<'_>, overridden: Option<usize>) -> usize {
    if !scenario.random {
        return 1;
    }
    overridden.unwrap_or(scenario.draws).max(1)
}

/// Sums of one block of draws: six of §3.10's money and volumes, then the
/// trade model's [`TRADE_SUMS`], per unit and month.
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
            seed: mix(scenario.seed.unwrap_or(run_seed), name_hash(&scenario.name)),
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

/// Runs every draw of one scenario.
pub(super) fn run_one(
    scenario: &Scenario,
    layout: &Layout,
    base: &BaselinePaths,
    first: Month,
    draws: usize,
    run_seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> ScenarioResult {
    let setup = ScenarioSetup::new(scenario, layout, base, first, draws, run_seed);
    setup.finish(setup.draw(0..blocks_of(draws), progress))
}

/// A trade sum over the trade model's units' rows, laid out on every unit.
fn expand_trade(compact: &[f64], units: &[usize], months: usize, cells: usize) -> Vec<f64> {
    let mut out = vec![0.0; cells];
    for (row, &u) in compact.chunks_exact(months.max(1)).zip(units) {
        out[u * months..(u + 1) * months].copy_from_slice(row);
    }
    out
}
