//! The options every command that reads observations shares.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use magcast::data::{self, ComtradeView, LoadOptions, Observations};

/// Where the observations come from.
#[derive(Debug, Clone, Args, serde::Serialize, serde::Deserialize)]
pub(crate) struct DataArgs {
    /// Observations file: the tidy CSV (period,importer,tonnes[,usd],…) or a UN
    /// Comtrade download for HS 850511 [default: the data set compiled into
    /// magcast, a copy of data/magnet_exports.csv in its repository].
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// For a UN Comtrade download: China's exports by partner, or the partners'
    /// imports from China (mirror data).
    #[arg(long, value_enum, default_value = "auto", value_name = "VIEW")]
    comtrade_view: ViewArg,
}

#[derive(Debug, Clone, Copy, ValueEnum, serde::Serialize, serde::Deserialize)]
enum ViewArg {
    /// China's exports where the file has any, otherwise mirror data.
    Auto,
    /// Reporter CHN, flow X.
    Exports,
    /// Partner CHN, flow M.
    Mirror,
}

impl DataArgs {
    /// The same options with the file's path made absolute (for a shard's
    /// record of its run, read from another folder).
    pub(crate) fn absolute(&self) -> std::io::Result<DataArgs> {
        Ok(DataArgs {
            data: self.data.as_deref().map(std::path::absolute).transpose()?,
            comtrade_view: self.comtrade_view,
        })
    }

    /// Loads the observations.
    pub(crate) fn load(&self) -> Result<Observations, data::DataError> {
        let comtrade_view = match self.comtrade_view {
            ViewArg::Auto => ComtradeView::Auto,
            ViewArg::Exports => ComtradeView::ChinaExports,
            ViewArg::Mirror => ComtradeView::PartnerImports,
        };
        match &self.data {
            Some(path) => data::load_with(
                path,
                LoadOptions {
                    comtrade_view,
                    max_rows: None,
                },
            ),
            None => data::bundled(),
        }
    }
}
