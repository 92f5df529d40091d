//! The `magcast` command: parses the command line, runs the library, prints any
//! error once with its whole cause chain, and exits 0 (success), 1 (failure) or
//! 2 (bad input or usage).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(status) => status.into(),
        Err(err) => cli::report_error(&err),
    }
}
