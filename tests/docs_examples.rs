//! The scenario files shown in README.md and scenarios/README.md (every ```yaml
//! block with a `name:`) validate against the bundled data without a warning,
//! so the documentation cannot teach what magcast refuses.

use std::path::Path;

use magcast::data::Month;
use magcast::scenario::{self, ValidationContext};

fn examples(doc: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc)).unwrap();
    let mut out = Vec::new();
    for block in text.split("```yaml\n").skip(1) {
        let body = block.split("```").next().unwrap_or_default();
        let name = body
            .lines()
            .find_map(|l| l.strip_prefix("name: "))
            .map(|n| n.trim().to_string());
        if let Some(name) = name {
            out.push((name, body.to_string()));
        }
    }
    out
}

#[test]
fn every_documented_scenario_validates_without_a_warning() {
    let ctx = ValidationContext {
        first_month: Some("2026-01".parse::<Month>().unwrap()),
    };
    let mut seen = 0;
    for doc in ["README.md", "scenarios/README.md"] {
        for (name, body) in examples(doc) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("{name}.yaml"));
            std::fs::write(&path, &body).unwrap();
            let loaded = scenario::load_resolved(&[path], ctx)
                .unwrap_or_else(|e| panic!("{doc}: `{name}` is refused:\n{e}\n{body}"));
            assert!(
                loaded.warnings.is_empty(),
                "{doc}: `{name}` warns: {:#?}",
                loaded.warnings
            );
            seen += 1;
        }
    }
    assert!(seen >= 5, "only {seen} examples found");
}
