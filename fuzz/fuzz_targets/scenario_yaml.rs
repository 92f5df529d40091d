//! Any text as a scenario file: read, resolve (extends, sweep) and check must
//! give scenarios or located problems, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use magcast::scenario::{self, ValidationContext};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let path = Path::new("/nonexistent/fuzz.yaml");
    if let Ok(file) = scenario::read_text(path, text.to_string()) {
        let resolved = scenario::resolve(&[file]);
        let variants = resolved
            .sweeps
            .iter()
            .flat_map(|s| (0..s.len()).map(move |i| s.variant(i)))
            .take(64);
        for spec in variants.flatten() {
            let _ = scenario::check(&spec, ValidationContext { first_month: None });
        }
    }
});
