//! `magcast describe`: what the observations say about one year.

use clap::Args;

use super::data_args::DataArgs;
use super::{ExitStatus, Format, print};
use magcast::data::{self, DescribeRequest};
use magcast::report;

/// Arguments of `magcast describe`.
#[derive(Debug, Args)]
pub(crate) struct DescribeArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The year to describe [default: the latest whose world total the data determine].
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub(crate) fn describe(args: DescribeArgs) -> anyhow::Result<ExitStatus> {
    let obs = args.data.load()?;
    let summary = data::describe(
        &obs,
        DescribeRequest {
            year: args.year,
            growers: None,
        },
    )?;
    match args.format {
        Format::Table => print(&report::describe_table(&summary))?,
        Format::Json => print(&(serde_json::to_string_pretty(&summary)? + "\n"))?,
        Format::Csv => {
            let mut buf = Vec::new();
            report::describe_csv(&summary, &mut buf)?;
            print(&String::from_utf8(buf)?)?;
        }
    }
    Ok(ExitStatus::Success)
}
