//! The charts and the HTML report of `magcast run`: well-formed, self-contained,
//! naming every scenario and embedding every chart; rendered by headless
//! Chromium where one is installed.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use magcast::data::{self, Observations};
use magcast::engine::{self, RunOptions, RunResult};
use magcast::forecast::{self, FitConfig, FittedPanel};
use magcast::report::{self, Chart};
use magcast::scenario::{self, Scenario, ValidationContext};

struct Fixture {
    obs: Observations,
    panel: FittedPanel,
    scenarios: Vec<Scenario>,
    run: RunResult,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let obs = data::bundled().unwrap();
        let config = FitConfig::bundled().unwrap();
        let panel = forecast::fit_panel(&obs, &config).unwrap();
        let scenarios = scenario::load(
            &[PathBuf::from(scenario::BUNDLED_SCENARIOS)],
            ValidationContext {
                first_month: Some(panel.last_observed.plus(1)),
            },
        )
        .unwrap();
        let run = engine::run(
            &panel,
            &scenarios,
            RunOptions {
                seed: 1,
                draws: Some(50),
            },
            &|_| {},
        )
        .unwrap();
        Fixture {
            obs,
            panel,
            scenarios,
            run,
        }
    })
}

fn render(f: &Fixture, run: &RunResult) -> (Vec<Chart>, String) {
    let history = report::history(&f.obs, run);
    let charts = report::charts(run, &history).unwrap();
    let html = report::report_html(run, &f.scenarios, &f.panel, Some(&f.obs), &charts);
    (charts, html)
}

const VOID: [&str; 9] = [
    "meta", "link", "br", "hr", "img", "input", "col", "wbr", "source",
];

/// Checks that every non-void element is closed in order, that entities are
/// well formed, and returns the element names in document order.
fn check_well_formed(html: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        let after = &rest[i..];
        if after.starts_with('&') {
            let end = after.find(';').expect("entity without `;`");
            let name = &after[1..end];
            assert!(
                !name.is_empty()
                    && (name.chars().all(|c| c.is_ascii_alphanumeric())
                        || (name.starts_with('#')
                            && name[1..].chars().all(|c| c.is_ascii_digit()))),
                "bad entity `{}`",
                &after[..=end]
            );
            rest = &after[end + 1..];
            continue;
        }
        if after.starts_with("<!--") {
            rest = &after[after.find("-->").expect("open comment") + 3..];
            continue;
        }
        let end = after.find('>').expect("unclosed tag");
        let tag = &after[1..end];
        rest = &after[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(!name.is_empty(), "empty tag `<{tag}>`");
        if closing {
            let open = stack.pop();
            assert_eq!(
                open.as_deref(),
                Some(name.as_str()),
                "`</{name}>` closes {open:?}"
            );
        } else {
            seen.push(name.clone());
            if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
                stack.push(name);
            }
        }
        // Style text holds no markup; skip it whole.
        if !closing && seen.last().map(String::as_str) == Some("style") {
            let close = rest.find("</style>").expect("unclosed style");
            assert!(!rest[..close].contains('<'));
            rest = &rest[close..];
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    seen
}

#[test]
fn report_is_well_formed_self_contained_and_complete() {
    let f = fixture();
    let (charts, html) = render(f, &f.run);
    let tags = check_well_formed(&html);
    assert_eq!(tags.first().map(String::as_str), Some("html"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Self-contained: no script, nothing loaded from elsewhere.
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script",
        "src=\"http",
        "href=\"http",
        "<link",
        "@import",
        "url(",
        "<iframe",
        "<img",
    ] {
        assert!(!lower.contains(bad), "report contains `{bad}`");
    }
    // Every scenario named with its description, every chart embedded.
    for s in &f.run.scenarios {
        assert!(html.contains(&report::escape_html(&s.name)), "{}", s.name);
        assert!(
            html.contains(&report::escape_html(&s.description)),
            "{}",
            s.name
        );
    }
    // current-policy's US duty layers and their total per step.
    let layers = html
        .split("<table class=\"tariffs\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap_or_default();
    for text in [
        "<th class=\"n\">section-301</th>",
        "<th class=\"n\">section-122</th>",
        "<td>2025-12 (data end)</td>",
        "<td class=\"n\">22.1 %</td></tr>",
        "<td>2026-03</td>",
        "<td class=\"n\">42.1 %</td></tr>",
        "<td class=\"n\">27.1 %</td></tr>",
    ] {
        assert!(layers.contains(text), "{text} not in {layers}");
    }
    assert_eq!(tags.iter().filter(|t| *t == "svg").count(), charts.len());
    for c in &charts {
        assert!(html.contains(&format!(
            "id=\"chart-{}\"",
            c.file_name.trim_end_matches(".svg")
        )));
        assert!(c.svg.trim_start().starts_with("<svg"), "{}", c.file_name);
    }
    // Key table years and money tables.
    for year in 2026..=2030 {
        assert!(
            html.contains(&format!("<th class=\"n\">{year}</th>")),
            "{year}"
        );
    }
    for id in ["value", "tariff-revenue", "downstream-cost", "credit-cost"] {
        assert!(html.contains(&format!("id=\"money-{id}\"")), "{id}");
    }
    // Provenance.
    for text in [
        "data/magnet_exports.csv",
        "2016-01 to 2025-12",
        "exponential",
        "share-of-world",
    ] {
        assert!(html.contains(text), "{text}");
    }
    assert!(html.contains(&format!("<td>{}</td>", f.run.seed)));
    assert!(html.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn charts_cover_world_and_the_major_importers() {
    let f = fixture();
    let (charts, _) = render(f, &f.run);
    let names: Vec<&str> = charts.iter().map(|c| c.file_name.as_str()).collect();
    assert_eq!(names[0], "fan-WORLD.svg");
    assert_eq!(
        names.iter().filter(|n| n.starts_with("fan-")).count(),
        1 + report::MAJOR_IMPORTERS
    );
    assert!(!names.contains(&"fan-ROW.svg"));
    assert!(names.contains(&"scenarios-by-year.svg"));
    assert!(names.contains(&"shares-of-world.svg"));
    for c in &charts {
        check_well_formed(&c.svg);
        assert!(!c.title.is_empty());
    }
    // Fan chart: the observed months WORLD has (2024-07..2025-12) as points, the
    // scenarios in the legend, the axis in tonnes with separators.
    let world = &charts[0].svg;
    assert!(world.matches("<circle").count() >= 18, "observed points");
    let texts = svg_texts(world);
    let has = |t: &str| texts.iter().any(|x| x == t);
    for s in &f.run.scenarios {
        assert!(has(&s.name), "{} not in the legend", s.name);
    }
    assert!(has("t per month"));
    assert!(has("observed month"));
    assert!(has("10,000"), "thousands separators: {texts:?}");
    assert!(has("2030") && has("2024"), "year labels: {texts:?}");
    assert!(
        texts.iter().any(|t| t.contains("magnet_exports.csv")),
        "source in the title"
    );
}

/// The trimmed contents of every `<text>` element of an SVG.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

#[test]
fn names_and_descriptions_are_escaped() {
    let f = fixture();
    let mut run = f.run.clone();
    run.scenarios[1].name = "a<b>&\"c\"".into();
    run.scenarios[1].description = "<script>alert(1)</script> & more".into();
    let (charts, html) = render(f, &run);
    check_well_formed(&html);
    assert!(!html.contains("<script"));
    assert!(!html.contains("a<b>"));
    assert!(html.contains("a&lt;b&gt;&amp;&quot;c&quot;"));
    for c in &charts {
        check_well_formed(&c.svg);
    }
}

#[test]
fn run_command_writes_the_report_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_magcast"))
        .args(["run", "--out", out.to_str().unwrap(), "--draws", "30"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("report.html"), "{stdout}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    check_well_formed(&html);
    let charts: Vec<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(charts.contains(&"fan-WORLD.svg".to_string()), "{charts:?}");
    for c in &charts {
        let svg = std::fs::read_to_string(out.join("charts").join(c)).unwrap();
        // The file and the embedded copy are the same drawing.
        assert!(html.contains(svg.trim()), "{c} not embedded");
    }
}

/// Chromium or Chrome, if installed.
fn chromium() -> Option<PathBuf> {
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// Needs a browser, so it is ignored by a plain `cargo test` (and reported as
/// ignored, not passed); `.ci/run` installs Debian's `chromium` and runs it with
/// `cargo test --test report -- --ignored`, where a missing browser fails.
#[test]
#[ignore = "needs headless Chromium: run `cargo test --test report -- --ignored` (.ci/run does)"]
fn chromium_renders_a_page_that_is_not_blank() {
    let browser = chromium().expect(
        "no Chromium on PATH: install it (Debian: apt-get install chromium) to run this test",
    );
    let f = fixture();
    let (_, html) = render(f, &f.run);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).unwrap();
    let shot = dir.path().join("shot.png");
    let mut child = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2000")
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("{} did not finish in 120 s", browser.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let decoder = png::Decoder::new(std::fs::File::open(&shot).expect("no screenshot"));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert!(info.width >= 1000 && info.height >= 1000, "{info:?}");
    let bpp = info.line_size / info.width as usize;
    let pixels = &buf[..info.buffer_size()];
    let first = &pixels[..bpp];
    let differ = pixels.chunks(bpp).filter(|p| p != &first).count();
    let total = (info.width * info.height) as usize;
    // Text and tables cover a good part of the top of the page.
    assert!(
        differ * 100 > total * 2,
        "only {differ} of {total} pixels differ from the background"
    );
    let dark = pixels
        .chunks(bpp)
        .filter(|p| p[..3].iter().all(|&c| c < 100))
        .count();
    assert!(dark * 1000 > total, "only {dark} dark pixels: no text?");
}

#[test]
fn without_data_or_a_baseline_scenario_the_report_still_renders() {
    let f = fixture();
    let mut run = f.run.clone();
    // Only the last two scenarios, neither called `baseline`.
    run.scenarios.drain(..run.scenarios.len() - 2);
    let charts = report::charts(&run, &report::History::default()).unwrap();
    assert_eq!(charts.len(), 1 + report::MAJOR_IMPORTERS + 2);
    let html = report::report_html(&run, &f.scenarios, &f.panel, None, &charts);
    check_well_formed(&html);
    assert!(html.contains("not shown: the data file could not be read"));
    assert!(charts[0].title.contains("no observed history"));
    for s in &run.scenarios {
        assert!(html.contains(&s.name));
    }
}

/// Scenarios that end in different years: the comparison chart draws each
/// year a scenario reaches and leaves the rest out (it once sliced past the
/// end of the shorter scenario and panicked).
#[test]
fn scenarios_with_different_horizons_are_charted() {
    let f = fixture();
    let panel = &f.panel;
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short.yaml");
    std::fs::write(
        &short,
        "name: short\nhorizon: 2027-12\nassumptions:\n  baseline_uncertainty: false\n",
    )
    .unwrap();
    let ctx = ValidationContext {
        first_month: Some(panel.last_observed.plus(1)),
    };
    let mut scenarios = f.scenarios.clone();
    scenarios.extend(scenario::load(&[short], ctx).unwrap());
    let options = RunOptions {
        seed: 1,
        draws: Some(20),
    };
    let run = engine::run(panel, &scenarios, options, &|_| {}).unwrap();
    let (charts, html) = render(f, &run);
    assert!(html.contains("short"));
    for c in &charts {
        check_well_formed(&c.svg);
    }
}
