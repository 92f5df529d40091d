//! Any bytes as an observations file: the loaders (tidy and UN Comtrade) and
//! `describe` must answer with observations or an error, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use magcast::data::{self, DescribeRequest, LoadOptions};

fuzz_target!(|bytes: &[u8]| {
    let options = LoadOptions {
        max_rows: Some(10_000),
        ..LoadOptions::default()
    };
    if let Ok(obs) = data::load_from_bytes(Path::new("fuzz.csv"), bytes.to_vec(), options) {
        let _ = data::describe(&obs, DescribeRequest::default());
    }
});
