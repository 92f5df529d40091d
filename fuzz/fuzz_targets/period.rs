//! Any text as a period, month or importer code: parse or refuse, and a parsed
//! span prints back to text that parses to the same span.
#![no_main]

use libfuzzer_sys::fuzz_target;
use magcast::data::{Importer, Month, Span};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(span) = text.parse::<Span>() {
        let again: Span = span.to_string().parse().expect("a span's display parses");
        assert_eq!(span, again);
        assert!(span.len() >= 1);
    }
    if let Ok(month) = text.parse::<Month>() {
        assert_eq!(month.to_string().parse::<Month>().ok(), Some(month));
    }
    if let Ok(importer) = text.parse::<Importer>() {
        assert_eq!(importer.code().parse::<Importer>().ok(), Some(importer));
    }
});
