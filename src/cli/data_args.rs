//! The options every command that reads observations shares.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use magcast::data::{self, ComtradeView, LoadOptions, Observations};

/// Where the observations come from.
#[derive(Debug, Args)]
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

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ViewArg {
    /// China's exports where the file has any, otherwise mirror data.
    Auto,
    /// Reporter CHN, flow X.
    Exports,
    /// Partner CHN, flow M.
    Mirror,
}

impl DataArgs {
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
