//! Fit the bundled data as they stood at the end of June 2025 and score the
//! forecast of every later observation: `cargo run --release --example holdout
//! [-- fit.yaml]` (the bundled configuration unless a path is given).

use std::collections::BTreeMap;
use std::path::Path;

use magcast::data::{self, Month};
use magcast::forecast::{FitConfig, holdout};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let obs = data::bundled()?;
    let config = match std::env::args().nth(1) {
        Some(path) => FitConfig::from_file(Path::new(&path))?,
        None => FitConfig::bundled()?,
    };
    let cutoff = Month::new(2025, 6).ok_or("month")?;
    let until = Month::new(2025, 12).ok_or("month")?;
    let points = holdout(&obs, &config, cutoff, until, 2000, 42)?;
    println!("importer  span      actual  forecast    APE%");
    let mut by_importer: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for p in &points {
        println!(
            "{:8}  {:8}  {:>6.0}  {:>8.0}  {:>6.1}",
            p.importer.code(),
            p.span.to_string(),
            p.actual,
            p.forecast,
            p.ape_pct
        );
        by_importer
            .entry(p.importer.code().to_string())
            .or_default()
            .push(p.ape_pct);
    }
    for (code, apes) in &by_importer {
        let mape = apes.iter().sum::<f64>() / apes.len() as f64;
        println!("{code:8}  MAPE {mape:5.1}% over {}", apes.len());
    }
    let mape = points.iter().map(|p| p.ape_pct).sum::<f64>() / points.len() as f64;
    println!("MAPE over {} observations: {mape:.1}%", points.len());
    Ok(())
}
