//! Backtest outputs: the leaderboard as a table, CSV or JSON, and the details
//! CSV (one row per forecast month) from which every metric can be recomputed.

use std::fmt::Write;

use super::number::thousands;
use super::table::{Align, Table};
use crate::backtest::{Backtest, DetailRow};

/// Columns of the details CSV, in order.
pub const DETAILS_HEADER: &str = "model,importer,origin,period,actual,forecast,lower_80,upper_80,\
lower_95,upper_95,mase_scale,crps";

/// The leaderboard for people, with how many points it rests on.
pub fn backtest_table(bt: &Backtest) -> String {
    let mut t = Table::new(&[
        ("rank", Align::Right),
        ("model", Align::Left),
        ("MASE", Align::Right),
        ("MAE", Align::Right),
        ("RMSE", Align::Right),
        ("MAPE%", Align::Right),
        ("sMAPE%", Align::Right),
        ("cov80", Align::Right),
        ("cov95", Align::Right),
        ("Winkler80", Align::Right),
        ("CRPS", Align::Right),
        ("points", Align::Right),
        ("failed", Align::Right),
    ]);
    for r in &bt.leaderboard {
        t.row([
            r.rank.to_string(),
            r.model.clone(),
            thousands(r.mase, 3),
            thousands(r.mae, 0),
            thousands(r.rmse, 0),
            thousands(r.mape, 1),
            thousands(r.smape, 1),
            thousands(r.coverage_80, 2),
            thousands(r.coverage_95, 2),
            thousands(r.winkler_80, 0),
            thousands(r.crps, 0),
            r.points.to_string(),
            r.failures.to_string(),
        ]);
    }
    let mut out = format!(
        "Rolling-origin backtest: {} origin(s), horizon {} month(s), ranked by MASE\n",
        bt.origins, bt.horizon
    );
    out.push_str(&t.render());
    if !bt.failures.is_empty() {
        out.push_str("\nNot forecast:\n");
        for f in &bt.failures {
            let _ = writeln!(
                out,
                "  {} {} at {}: {}",
                f.model, f.importer, f.origin, f.reason
            );
        }
    }
    out
}

/// The leaderboard as CSV, one row per model in rank order.
pub fn backtest_csv(bt: &Backtest) -> String {
    let mut out = String::from(
        "rank,model,mae,rmse,mape,smape,mase,coverage_80,coverage_95,winkler_80,winkler_95,crps,\
         points,series,failures\n",
    );
    for r in &bt.leaderboard {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.rank,
            r.model,
            r.mae,
            r.rmse,
            r.mape,
            r.smape,
            r.mase,
            r.coverage_80,
            r.coverage_95,
            r.winkler_80,
            r.winkler_95,
            r.crps,
            r.points,
            r.series,
            r.failures
        );
    }
    out
}

/// The details CSV: [`DETAILS_HEADER`] then one row per forecast month. Numbers
/// are written in Rust's shortest round-trip form, so metrics recomputed from
/// the file equal the leaderboard's.
pub fn details_csv(rows: &[DetailRow]) -> String {
    let mut out = String::with_capacity(96 * (rows.len() + 1));
    out.push_str(DETAILS_HEADER);
    out.push('\n');
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            r.model,
            r.importer,
            r.origin,
            r.period,
            r.actual,
            r.forecast,
            r.lower_80,
            r.upper_80,
            r.lower_95,
            r.upper_95,
            r.mase_scale,
            r.crps
        );
    }
    out
}
