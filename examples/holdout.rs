//! Fit the bundled data as they stood at the end of June 2025 and score the
//! forecast of every later observation: `cargo run --release --example holdout`.

use magcast::data::{self, Month};
use magcast::forecast::{FitConfig, holdout};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let obs = data::bundled()?;
    let config = FitConfig::bundled()?;
    let cutoff = Month::new(2025, 6).ok_or("month")?;
    let until = Month::new(2025, 12).ok_or("month")?;
    let points = holdout(&obs, &config, cutoff, until, 2000, 42)?;
    println!("importer  span      actual  forecast    APE%");
    for p in &points {
        println!(
            "{:8}  {:8}  {:>6.0}  {:>8.0}  {:>6.1}",
            p.importer.code(),
            p.span.to_string(),
            p.actual,
            p.forecast,
            p.ape_pct
        );
    }
    let mape = points.iter().map(|p| p.ape_pct).sum::<f64>() / points.len() as f64;
    println!("MAPE over {} observations: {mape:.1}%", points.len());
    Ok(())
}
