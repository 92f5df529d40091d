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
        for spec in resolved.specs.iter().take(64) {
            let _ = scenario::check(spec, ValidationContext { first_month: None });
        }
    }
});
