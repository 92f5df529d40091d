//! The fitted baseline panel for people: one block per series.

use super::number::thousands;
use super::table::{Align, Table};
use crate::forecast::{FittedPanel, FittedPoint};

/// Every series' chosen model, parameters and fit statistics.
pub fn fit_table(panel: &FittedPanel) -> String {
    let mut out = format!(
        "Baseline models fitted to {} (time origin {}, data to {})\n",
        panel.data_source, panel.origin, panel.last_observed
    );
    if let Some(how) = &panel.selection {
        out.push_str(&format!("WORLD's model: {how}\n"));
    }
    if let Some(d) = &panel.dynamic {
        out.push('\n');
        out.push_str(&super::dynamic_table(d));
        out.push_str(
            "\nTrend models (candidates beside the dynamic baseline; its paths do not use them)\n",
        );
    }
    let mut summary = Table::new(&[
        ("importer", Align::Left),
        ("model", Align::Left),
        ("obs", Align::Right),
        ("params", Align::Right),
        ("sigma", Align::Right),
        ("AICc", Align::Right),
        ("converged", Align::Left),
    ]);
    for s in &panel.series {
        summary.row([
            s.importer.code().to_string(),
            s.model.label(),
            s.stats.n_obs.to_string(),
            s.stats.n_params.to_string(),
            format!("{:.3}", s.sigma),
            s.stats
                .aicc
                .map_or_else(|| "n/a".to_string(), |a| format!("{a:.2}")),
            if s.stats.converged { "yes" } else { "no" }.to_string(),
        ]);
    }
    out.push('\n');
    out.push_str(&summary.render());
    for s in &panel.series {
        out.push_str(&format!(
            "\n{} ({}): {}; {}\n",
            s.importer.code(),
            s.importer.name(),
            s.model.label(),
            s.selection
        ));
        let spans = &s.observations.spans;
        if let (Some(first), Some(last)) = (spans.first(), spans.last()) {
            out.push_str(&format!(
                "{} observations, the first {first}, the last {last}; log-likelihood {:.2}\n",
                s.observations.count, s.stats.log_likelihood
            ));
        }
        let mut t = Table::new(&[
            ("parameter", Align::Left),
            ("estimate", Align::Right),
            ("std.error", Align::Right),
        ]);
        for ((name, est), se) in s.param_names.iter().zip(&s.params).zip(&s.std_errors) {
            t.row([name.clone(), format!("{est:.6}"), format!("{se:.6}")]);
        }
        out.push_str(&t.render());
        let tried: Vec<String> = s
            .candidates
            .iter()
            .map(|c| match (c.aicc, &c.failure) {
                (Some(a), _) => format!("{} {a:.2}", c.model),
                (None, Some(f)) => format!("{} ({f})", c.model),
                (None, None) => format!("{} (AICc undefined)", c.model),
            })
            .collect();
        if !tried.is_empty() {
            out.push_str(&format!("candidates (AICc): {}\n", tried.join(", ")));
        }
    }
    out.push_str(
        "\nsigma: monthly residual sd on the log scale (shares: pooled across importers).\n",
    );
    out
}

/// Each observation beside its fitted value.
pub fn residual_table(points: &[FittedPoint]) -> String {
    let mut t = Table::new(&[
        ("importer", Align::Left),
        ("span", Align::Left),
        ("observed", Align::Right),
        ("fitted", Align::Right),
        ("ratio", Align::Right),
    ]);
    for p in points {
        t.row([
            p.importer.code().to_string(),
            p.span.to_string(),
            thousands(p.observed, 0),
            thousands(p.fitted, 0),
            if p.fitted > 0.0 {
                format!("{:.3}", p.observed / p.fitted)
            } else {
                "n/a".into()
            },
        ]);
    }
    format!(
        "Observations beside the fitted median of their span\n\n{}",
        t.render()
    )
}
