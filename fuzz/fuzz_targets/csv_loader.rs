//! Any bytes as an observations file: the loaders (tidy and UN Comtrade) and
//! `describe` must answer with observations or an error, never a panic.
//! `describe` runs on inputs up to [`DESCRIBE_BYTES`] only, so that large
//! inputs do not slow the whole run down to a few executions a second.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use magcast::data::{self, DescribeRequest, LoadOptions};

/// Largest input that is also described.
const DESCRIBE_BYTES: usize = 4096;

fuzz_target!(|bytes: &[u8]| {
    let options = LoadOptions {
        max_rows: Some(10_000),
        ..LoadOptions::default()
    };
    if let Ok(obs) = data::load_from_bytes(Path::new("fuzz.csv"), bytes.to_vec(), options)
        && bytes.len() <= DESCRIBE_BYTES
    {
        let _ = data::describe(&obs, DescribeRequest::default());
    }
});
