//! `magcast schema`: the JSON Schema of scenario files, for editors.

use clap::Args;

use super::{ExitStatus, print};

/// Arguments of `magcast schema` (none).
#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {}

pub(crate) fn schema(_: SchemaArgs) -> anyhow::Result<ExitStatus> {
    let schema = magcast::scenario::json_schema();
    print(&(serde_json::to_string_pretty(&schema)? + "\n"))?;
    Ok(ExitStatus::Success)
}
