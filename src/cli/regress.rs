//! `magcast regress`: one regression of a column on others, from any numeric CSV.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use ndarray::{Array1, Array2};
use serde::Serialize;

use super::{ExitStatus, print};
use magcast::model::{self, Family, FittedRegression, ParamEstimate, RegressionParams};
use magcast::report::{Align, Table};

/// Arguments of `magcast regress`.
#[derive(Debug, Args)]
pub(crate) struct RegressArgs {
    /// CSV file with a header row (any columns; those used must be numeric).
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// The response column.
    #[arg(long, value_name = "COL")]
    y: String,
    /// The regressor column(s), comma-separated; several only for `linear`.
    #[arg(
        long,
        value_name = "COL[,COL…]",
        value_delimiter = ',',
        required = true
    )]
    x: Vec<String>,
    /// The model: linear, poly:N, exponential, power, monomolecular, logistic,
    /// gompertz or richards (docs/model.md §2).
    #[arg(long, value_name = "NAME")]
    model: String,
    /// Fit `linear` or `poly:N` without the intercept b0 (R² is then uncentred).
    #[arg(long)]
    no_intercept: bool,
    /// Starting values of a nonlinear model, one per parameter in order
    /// [default: automatic].
    #[arg(
        long,
        value_name = "v1,v2,…",
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    start: Option<Vec<f64>>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: RegressFormat,
}

/// Output formats of `regress`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RegressFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON object (fields of docs/model.md §4).
    Json,
}

/// The JSON document of `regress` (docs/model.md §4 fields first, then extras).
#[derive(Debug, Serialize)]
struct RegressReport<'a> {
    model: String,
    params: Vec<ParamEstimate>,
    rss: f64,
    residual_sd: f64,
    r_squared: f64,
    df_resid: usize,
    aic: f64,
    aicc: f64,
    bic: f64,
    converged: bool,
    iterations: u64,
    log_likelihood: f64,
    starts: u32,
    n: usize,
    termination: model::Termination,
    y: &'a str,
    x: &'a [String],
    intercept: bool,
}

pub(crate) fn regress(args: RegressArgs) -> anyhow::Result<ExitStatus> {
    let family: Family = args.model.parse().map_err(magcast::Error::from)?;
    let mut params = RegressionParams::new(family).intercept(!args.no_intercept);
    if let Some(start) = &args.start {
        params = params.start(start.clone());
    }
    let params = params.check().map_err(magcast::Error::from)?;
    let mut names: Vec<&str> = vec![args.y.as_str()];
    names.extend(args.x.iter().map(String::as_str));
    let cols = model::read_numeric_columns(&args.data, &names).map_err(magcast::Error::from)?;
    let n = cols.values[0].len();
    let k = args.x.len();
    let y = Array1::from(cols.values[0].clone());
    let x = Array2::from_shape_fn((n, k), |(i, j)| cols.values[j + 1][i]);
    let fit = params
        .fit(x.view(), y.view())
        .map_err(magcast::Error::from)
        .with_context(|| {
            format!(
                "{}: cannot fit `{}` to {} of {n} row(s)",
                args.data.display(),
                args.model,
                args.y
            )
        })?;
    match args.format {
        RegressFormat::Json => {
            let report = report(&fit, &args);
            print(&(serde_json::to_string_pretty(&report)? + "\n"))?;
        }
        RegressFormat::Table => print(&table(&fit, &args))?,
    }
    Ok(ExitStatus::Success)
}

fn report<'a>(fit: &FittedRegression, args: &'a RegressArgs) -> RegressReport<'a> {
    let s = fit.statistics();
    RegressReport {
        model: fit.family().to_string(),
        params: fit.param_table(),
        rss: s.rss,
        residual_sd: s.residual_sd,
        r_squared: s.r_squared,
        df_resid: s.df_resid,
        aic: s.aic,
        aicc: s.aicc,
        bic: s.bic,
        converged: s.converged,
        iterations: s.iterations,
        log_likelihood: s.log_likelihood,
        starts: s.starts,
        n: s.n,
        termination: s.termination,
        y: &args.y,
        x: &args.x,
        intercept: !args.no_intercept,
    }
}

/// `v` with `digits` significant digits, fixed-point where readable.
fn sig(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return magcast::report::UNAVAILABLE.to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let mag = v.abs().log10().floor();
    if (-4.0..12.0).contains(&mag) {
        let decimals = (digits as f64 - 1.0 - mag).max(0.0) as usize;
        format!("{v:.decimals$}")
    } else {
        format!("{v:.prec$e}", prec = digits - 1)
    }
}

fn table(fit: &FittedRegression, args: &RegressArgs) -> String {
    let s = fit.statistics();
    let mut out = format!(
        "{} regression of {} on {} ({} observations)\n\n",
        fit.family(),
        args.y,
        args.x.join(", "),
        s.n
    );
    let mut t = Table::new(&[
        ("param", Align::Left),
        ("estimate", Align::Right),
        ("std_error", Align::Right),
    ]);
    for p in fit.param_table() {
        t.row([p.name, sig(p.estimate, 10), sig(p.std_error, 6)]);
    }
    out.push_str(&t.render());
    out.push('\n');
    let mut t = Table::new(&[("statistic", Align::Left), ("value", Align::Right)]);
    t.row(["rss".to_string(), sig(s.rss, 10)]);
    t.row(["residual_sd".to_string(), sig(s.residual_sd, 10)]);
    t.row(["r_squared".to_string(), sig(s.r_squared, 10)]);
    t.row(["df_resid".to_string(), s.df_resid.to_string()]);
    t.row(["log_likelihood".to_string(), sig(s.log_likelihood, 8)]);
    t.row(["aic".to_string(), sig(s.aic, 8)]);
    t.row(["aicc".to_string(), sig(s.aicc, 8)]);
    t.row(["bic".to_string(), sig(s.bic, 8)]);
    t.row(["converged".to_string(), s.converged.to_string()]);
    t.row(["iterations".to_string(), s.iterations.to_string()]);
    out.push_str(&t.render());
    out
}
