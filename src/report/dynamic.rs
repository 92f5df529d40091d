//! The dynamic baseline for people: WORLD's structural model and the units'
//! shares at the end of the data.

use super::table::{Align, Table};
use crate::forecast::DynamicBaseline;
use crate::model::structural::NoiseScale;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// WORLD's hyperparameters and every unit's share, with its sd, in the last
/// month of the data.
pub fn dynamic_table(d: &DynamicBaseline) -> String {
    let h = d.world.hyperparameters();
    // The sds are shares of the level under relative noise, and in units of
    // the data's mean monthly rate (the model's scale) under constant noise.
    let noise = match d.world.config().get().noise {
        NoiseScale::Proportional => "relative to the level, monthly".to_string(),
        NoiseScale::Constant => format!(
            "constant, monthly, in units of {:.0} t, the mean monthly rate",
            d.world.scale()
        ),
    };
    let trend = if h.phi >= 1.0 { "undamped" } else { "damped" };
    let mut out = format!(
        "Baseline: dynamic (docs/model.md §2.12), data to {}\n\n\
         WORLD: structural model, {} observations; log-likelihood {:.2}\n\
         trend {trend}, damping phi {:.3}; sd of level {:.4}, trend {:.6}, irregular {:.4} \
         ({noise})\n",
        d.last_observed,
        d.world_observations,
        d.world.loglik(),
        h.phi,
        h.var_level.sqrt(),
        h.var_trend.sqrt(),
        h.var_irregular.sqrt(),
    );
    let factors: Vec<String> = MONTHS
        .iter()
        .zip(h.seasonal)
        .map(|(m, s)| format!("{m} {s:.3}"))
        .collect();
    out.push_str(&format!("seasonal factors: {}\n", factors.join(", ")));
    out.push_str(&format!("Lunar New Year coefficient: {:.3}\n", h.holiday));
    for s in &h.shocks {
        out.push_str(&format!(
            "shock from {}: depth {:.3}, monthly decay {:.3}\n",
            d.origin.plus(s.onset as i32),
            s.depth,
            s.decay
        ));
    }
    let Some(shares) = &d.shares else {
        out.push_str("\nNo importer besides WORLD: ROW is all of it.\n");
        return out;
    };
    out.push_str(&format!(
        "\nShares of WORLD in {} ({} observations; pooled innovation sd {:.3} a month on the logit scale)\n",
        d.last_observed, d.share_observations, shares.tau_bar
    ));
    let mut t = Table::new(&[
        ("unit", Align::Left),
        ("share", Align::Right),
        ("sd", Align::Right),
        ("innovation sd", Align::Right),
    ]);
    let last = shares.last_shares().unwrap_or_default();
    for ((name, s), tau) in shares.units.iter().zip(last).zip(&shares.tau) {
        t.row([
            name.clone(),
            format!("{:.1}%", 100.0 * s.share),
            format!("{:.1}%", 100.0 * s.sd),
            format!("{tau:.3}"),
        ]);
    }
    out.push_str(&t.render());
    out
}
