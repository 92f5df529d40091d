//! magcast: forecasts and scenarios of China's rare-earth permanent-magnet
//! exports by importing country.
//!
//! The crate follows the data flow, one module per stage:
//!
//! * [`data`]: periods, importers, observations, loaders, and what the
//!   observations alone determine (`describe`);
//! * [`model`]: the trend families and their least-squares fits (`regress`);
//! * [`forecast`]: the baseline panel: fits to span observations, shares of
//!   WORLD, coherent sample paths and forecasts (`fit`, `forecast`);
//! * [`backtest`]: rolling-origin evaluation of model variants against
//!   benchmarks, with accuracy metrics and a leaderboard (`backtest`);
//! * [`report`]: tables, files, SVG charts and the HTML report for people and
//!   programs.
//!
//! The `magcast` binary is a thin command line over these modules.

pub mod backtest;
pub mod data;
pub mod engine;
pub mod error;
pub mod forecast;
pub mod model;
mod number;
pub mod report;
pub mod scenario;
pub mod yaml;

pub use error::{Error, Result};
