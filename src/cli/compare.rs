//! `magcast compare`: a finished run's scenarios against a baseline, from
//! `OUT/summary.csv` (nothing is recomputed).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{ExitStatus, print};
use magcast::report::{self, CompareOptions};

/// Arguments of `magcast compare`.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// The output folder of `magcast run`.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// The scenario to compare with [default: `baseline` if the run has it].
    #[arg(long, value_name = "NAME")]
    baseline: Option<String>,
    /// Only these series, comma-separated (WORLD, EU27, USA…).
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    importers: Option<Vec<String>>,
    /// Only these years: `2027` or `2026..2030`.
    #[arg(long, value_name = "Y1..Y2", value_parser = parse_years)]
    years: Option<(i32, i32)>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: CompareFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CompareFormat {
    /// Rows and rankings for people.
    Table,
    /// The rows as CSV.
    Csv,
    /// Rows and rankings as one JSON document.
    Json,
    /// IAMC format (model, scenario, region, variable, unit, years…) for pyam.
    Iamc,
}

fn parse_years(text: &str) -> Result<(i32, i32), String> {
    let bad = || format!("`{text}` is not a year or a range such as 2026..2030");
    let (a, b) = text.split_once("..").unwrap_or((text, text));
    let a: i32 = a.trim().parse().map_err(|_| bad())?;
    let b: i32 = b.trim().parse().map_err(|_| bad())?;
    if b < a {
        return Err(format!("the range {text} ends before it starts"));
    }
    Ok((a, b))
}

pub(crate) fn compare(args: CompareArgs) -> anyhow::Result<ExitStatus> {
    let rows = report::read_summary(&args.out.join("summary.csv"))?;
    let comparison = report::compare(
        &rows,
        &CompareOptions {
            baseline: args.baseline,
            importers: args.importers,
            years: args.years,
        },
    )?;
    match args.format {
        CompareFormat::Table => print(&report::compare_table(&comparison))?,
        CompareFormat::Json => print(&(serde_json::to_string_pretty(&comparison)? + "\n"))?,
        CompareFormat::Csv => {
            let mut buf = Vec::new();
            report::compare_csv(&comparison, &mut buf)?;
            print(&String::from_utf8(buf)?)?;
        }
        CompareFormat::Iamc => {
            let mut buf = Vec::new();
            report::iamc_csv(&report::comparison_series(&comparison), &mut buf)?;
            print(&String::from_utf8(buf)?)?;
        }
    }
    Ok(ExitStatus::Success)
}
