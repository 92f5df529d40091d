//! The error catalogue: every class of bad input of every command exits with
//! code 2, prints nothing on stdout, and names the file, line and key (or the
//! flag) in one message on stderr. Each entry is (what, files to create, args,
//! what stderr must say); `{dir}` in args and expectations is the entry's
//! temporary folder.

use std::path::Path;
use std::process::Command;

const H: &str = "period,importer,tonnes\n";
/// The header of data format v2 (every value column, then status and note).
const H2: &str = "period,importer,tonnes,tonnes_low,tonnes_high,usd,usd_per_t,growth,growth_basis,share,share_of,rank,status,note\n";

struct Entry {
    what: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<&'static str>,
    expect: Vec<&'static str>,
}

fn entry(
    what: &'static str,
    files: &[(&'static str, &str)],
    args: &[&'static str],
    expect: &[&'static str],
) -> Entry {
    Entry {
        what,
        files: files
            .iter()
            .map(|(n, t)| (*n, t.as_bytes().to_vec()))
            .collect(),
        args: args.to_vec(),
        expect: expect.to_vec(),
    }
}

fn data_entries() -> Vec<Entry> {
    let bad = |what: &'static str, body: &str, expect: &'static str| Entry {
        what,
        files: vec![("d.csv", format!("{H}{body}").into_bytes())],
        args: vec!["describe", "--data", "{dir}/d.csv"],
        expect: vec!["d.csv:", expect],
    };
    let mut v = vec![
        entry(
            "missing column",
            &[("d.csv", "period,importer\n2025,USA\n")],
            &["describe", "--data", "{dir}/d.csv"],
            &["d.csv:1: missing required column `tonnes`"],
        ),
        bad(
            "non-numeric tonnes",
            "2025,USA,lots\n",
            "d.csv:2:3: column `tonnes`: `lots` is not a number",
        ),
        bad(
            "negative tonnes",
            "2025,USA,-1\n",
            "d.csv:2:3: column `tonnes`: tonnes is negative",
        ),
        bad(
            "NaN tonnes",
            "2025,USA,NaN\n",
            "d.csv:2:3: column `tonnes`: tonnes is NaN",
        ),
        bad(
            "infinite tonnes",
            "2025,USA,inf\n",
            "d.csv:2:3: column `tonnes`: tonnes is infinite",
        ),
        bad(
            "malformed period",
            "2025-14,USA,1\n",
            "d.csv:2:1: column `period`",
        ),
        bad(
            "span ends before it starts",
            "2025-06..02,USA,1\n",
            "d.csv:2:1: column `period`",
        ),
        bad(
            "unknown importer",
            "2025,XXA,1\n",
            "d.csv:2:2: column `importer`: unknown importer `XXA`",
        ),
        bad(
            "conflicting duplicate",
            "2025,USA,1\n2025,USA,2\n",
            "d.csv:3:3: column `tonnes`: conflicting duplicate",
        ),
        bad("short row", "2025,USA\n", "d.csv:2: short row"),
        entry(
            "empty file",
            &[("d.csv", "")],
            &["describe", "--data", "{dir}/d.csv"],
            &["d.csv: the file is empty"],
        ),
        entry(
            "header only",
            &[("d.csv", H)],
            &["describe", "--data", "{dir}/d.csv"],
            &["d.csv: the file has a header line but no data rows"],
        ),
        entry(
            "missing file",
            &[],
            &["describe", "--data", "{dir}/none.csv"],
            &["cannot read `", "none.csv`"],
        ),
        entry(
            "a folder as data",
            &[],
            &["describe", "--data", "{dir}"],
            &["cannot read `"],
        ),
    ];
    let bad2 = |what: &'static str, body: &str, expect: &'static str| Entry {
        what,
        files: vec![("d.csv", format!("{H2}{body}").into_bytes())],
        args: vec!["describe", "--data", "{dir}/d.csv"],
        expect: vec![expect],
    };
    v.extend([
        bad2(
            "v2: two kinds on one row",
            "2025,USA,5,4,,,,,,,,,confirmed,\n",
            "d.csv:2:4: column `tonnes_low`: more than one kind of fact on one row",
        ),
        bad2(
            "v2: low above high",
            "2025,USA,,9,1,,,,,,,,confirmed,\n",
            "d.csv:2:4: column `tonnes_low`: tonnes_low (9) is above tonnes_high (1)",
        ),
        bad2(
            "v2: share outside (0, 1]",
            "2025,EU27,,,,,,,,38,,,confirmed,\n",
            "d.csv:2:10: column `share`: share must be above 0 and at most 1",
        ),
        bad2(
            "v2: TOP<n> on a level row",
            "2025,TOP10,100,,,,,,,,,,confirmed,\n",
            "d.csv:2:2: column `importer`: TOP10 is allowed only on share rows",
        ),
        bad2(
            "v2: two countries in one place",
            "2025,DEU,,,,,,,,,,1,confirmed,\n2025,KOR,,,,,,,,,,1,confirmed,\n",
            "d.csv:3:12: column `rank`: rank 1 in 2025 is given to two countries",
        ),
        bad2(
            "v2: one country ranked twice",
            "2025,DEU,,,,,,,,,,1,confirmed,\n2025,DEU,,,,,,,,,,3,confirmed,\n",
            "d.csv:3:12: column `rank`: conflicting duplicate: DEU 2025 rank is 3 here but 1 on line 2",
        ),
        bad2(
            "v2: WORLD ranked",
            "2025,WORLD,,,,,,,,,,1,confirmed,\n",
            "d.csv:2:2: column `importer`: WORLD cannot be ranked",
        ),
        bad2(
            "v2: growth not above 0",
            "2025,USA,,,,,,-0.2,,,,,confirmed,\n",
            "d.csv:2:8: column `growth`: growth is a ratio above 0",
        ),
        bad2(
            "v2: unknown growth basis",
            "2025,USA,,,,,,1.2,qoq,,,,confirmed,\n",
            "d.csv:2:9: column `growth_basis`: unknown growth_basis `qoq`",
        ),
        bad2(
            "v2: unknown status",
            "2025,USA,5,,,,,,,,,,rumoured,\n",
            "d.csv:2:13: column `status`: unknown status `rumoured`",
        ),
        bad2(
            "v2: derived without a note",
            "2025,USA,5,,,,,,,,,,derived,\n",
            "d.csv:2:13: column `status`: a derived figure needs its derivation in `note`",
        ),
    ]);
    v.push(Entry {
        what: "non-UTF-8 bytes",
        files: vec![(
            "d.csv",
            b"period,importer,tonnes,note\n2025,USA,1,\xff\n".to_vec(),
        )],
        args: vec!["describe", "--data", "{dir}/d.csv"],
        expect: vec!["d.csv:2:4: column `note`: not valid UTF-8"],
    });
    // The same loader behind every command that reads data.
    for (what, args) in [
        ("fit: bad data", vec!["fit", "--data", "{dir}/d.csv"]),
        (
            "forecast: bad data",
            vec!["forecast", "--until", "2030-12", "--data", "{dir}/d.csv"],
        ),
        (
            "run: bad data",
            vec!["run", "--data", "{dir}/d.csv", "--out", "{dir}/out"],
        ),
        (
            "backtest: bad data",
            vec!["backtest", "--data", "{dir}/d.csv"],
        ),
    ] {
        v.push(Entry {
            what,
            files: vec![("d.csv", format!("{H}2025,USA,-3\n").into_bytes())],
            args,
            expect: vec!["d.csv:2:3: column `tonnes`: tonnes is negative"],
        });
    }
    v
}

fn config_entries() -> Vec<Entry> {
    let bad = |what: &'static str, yaml: &'static str, expect: &'static str| {
        entry(
            what,
            &[("fit.yaml", yaml)],
            &["fit", "--config", "{dir}/fit.yaml"],
            &[expect],
        )
    };
    vec![
        bad(
            "fit config: unknown key",
            "candidate: [linear]\n",
            "fit.yaml:1:1: unknown field `candidate`",
        ),
        bad(
            "fit config: wrong type",
            "seasonality: 3\n",
            "fit.yaml:1:14: `seasonality`",
        ),
        bad(
            "fit config: unknown family",
            "candidates: [cubic]\n",
            "fit.yaml:1:14: `candidates[0]`: unknown model `cubic`",
        ),
        bad(
            "fit config: to before from",
            "interventions: [{name: x, from: 2025-06, to: 2025-01}]\n",
            "fit.yaml:1:46: `interventions[0].to`",
        ),
        bad(
            "fit config: unknown importer",
            "pin: {XQZ: linear}\n",
            "fit.yaml:1:12: `pin.XQZ`",
        ),
        bad(
            "fit config: bad prior",
            "share_trend_prior_sd: 0\n",
            "fit.yaml:1:23: `share_trend_prior_sd`",
        ),
        bad("fit config: not YAML", "candidates: [linear\n", "fit.yaml:"),
        entry(
            "fit config: missing",
            &[],
            &["fit", "--config", "{dir}/none.yaml"],
            &["cannot read `", "none.yaml`"],
        ),
    ]
}

fn scenario_entries() -> Vec<Entry> {
    let bad = |what: &'static str, yaml: &'static str, expect: &'static str| {
        entry(
            what,
            &[("s.yaml", yaml)],
            &["validate", "{dir}/s.yaml"],
            &[expect],
        )
    };
    vec![
        bad(
            "scenario: unknown key",
            "name: s\ntarif: {}\n",
            "s.yaml:2:1: `tarif`: unknown key `tarif`; did you mean `tariffs`?",
        ),
        bad(
            "scenario: wrong type",
            "draws: [1]\n",
            "s.yaml:1:8: `draws`",
        ),
        bad(
            "scenario: negative capacity",
            "capacity: [{name: p, country: USA, tonnes_per_year: -1, start: 2026-01}]\n",
            "`capacity[0].tonnes_per_year`: the value -1 is not between 0 and 1e7",
        ),
        bad(
            "scenario: shares above 1",
            "diversion: [{from: USA, to: {MEX: 0.8, VNM: 0.8}}]\n",
            "`diversion[0].to`: the shares add up to 1.6",
        ),
        bad(
            "scenario: to before from",
            "demand: [{importers: all, extra_growth: 0.1, from: 2027-01, to: 2026-01}]\n",
            "`demand[0].to`: `to` (2026-01) is before `from` (2027-01)",
        ),
        bad(
            "scenario: unknown importer",
            "tariffs: {changes: [{importer: QQQ, rate: 0.1, from: 2026-01}]}\n",
            "`tariffs.changes[0].importer`: `QQQ`",
        ),
        bad(
            "scenario: extends cycle",
            "extends: s\n",
            "s.yaml:1:10: `extends`: `extends` makes a cycle: s → s",
        ),
        bad(
            "scenario: unknown parent",
            "extends: ghost\n",
            "s.yaml:1:10: `extends`: unknown parent scenario `ghost`",
        ),
        bad(
            "scenario: not YAML",
            "name: [s\n",
            "s.yaml:2:1: not valid YAML",
        ),
        bad(
            "scenario: distribution out of range",
            "assumptions: {pass_through: {uniform: {low: 0.5, high: 1.5}}}\n",
            "`assumptions.pass_through.uniform.high`: high 1.5 is not between 0 and 1",
        ),
        bad(
            "scenario: sweep too large",
            "sweep:\n  assumptions.elasticity: [1,2,3,4,5,6,7,8,9,10]\n  assumptions.pass_through: [0,0,0,0,0,0,0,0,0,0]\n  assumptions.adjustment_months: [1,2,3,4,5,6,7,8,9,10]\n  assumptions.price.usd_per_t: [1,2,3,4,5,6,7,8,9,10]\n  assumptions.price.annual_change: [0,0,0,0,0,0,0,0,0,0,0]\n",
            "`sweep`: the sweep makes more than 100000 variants",
        ),
        bad(
            "scenario: tariff change `to` before `from`",
            "tariffs:\n  changes:\n    - {importer: USA, rate: 0.3, from: 2027-01, to: 2026-06}\n",
            "s.yaml:3:53: `tariffs.changes[0].to`: `to` (2026-06) is before `from` (2027-01)",
        ),
        bad(
            "scenario: layer step `to` before `from`",
            "tariffs:\n  layers:\n    - authority: section-122\n      importer: USA\n      source: GHY 2026-02-21\n      steps: [{rate: 0.15, from: 2026-03, to: 2026-01}]\n",
            "s.yaml:6:47: `tariffs.layers[0].steps[0].to`: `to` (2026-01) is before `from` (2026-03)",
        ),
        bad(
            "scenario: overlapping steps in one layer",
            "tariffs:\n  layers:\n    - authority: ieepa\n      importer: USA\n      source: Mondaq 2025-11-10\n      steps:\n        - {rate: 0.2, from: 2025-03, to: 2026-02}\n        - {rate: 0.1, from: 2025-11}\n",
            "s.yaml:8:29: `tariffs.layers[0].steps[1].from`: this step (2025-11) overlaps step [0] of the same layer (2025-03 to 2026-02)",
        ),
        bad(
            "scenario: negative layer rate",
            "tariffs:\n  layers:\n    - {authority: section-301, importer: USA, source: USTR 2024-09-13, steps: [{rate: -0.25, from: 2026-01}]}\n",
            "`tariffs.layers[0].steps[0].rate`: the value -0.25 is not between 0 and 100",
        ),
        bad(
            "scenario: unknown layer importer",
            "tariffs:\n  layers:\n    - {authority: section-301, importer: XYZ, source: USTR, steps: [{rate: 0.25, from: 2026-01}]}\n",
            "s.yaml:3:42: `tariffs.layers[0].importer`: `XYZ`",
        ),
        bad(
            "scenario: two layers of one authority",
            "tariffs:\n  layers:\n    - {authority: ieepa, importer: USA, source: a, steps: [{rate: 0.1, from: 2026-01}]}\n    - {authority: ieepa, importer: USA, source: b, steps: [{rate: 0.1, from: 2026-01}]}\n",
            "s.yaml:4:19: `tariffs.layers[1].authority`: USA has two layers called `ieepa`",
        ),
        entry(
            "scenario: missing file",
            &[],
            &["validate", "{dir}/none.yaml"],
            &["none.yaml", "no such file or folder"],
        ),
        entry(
            "run: scenario problem",
            &[("s.yaml", "draws: 0\n")],
            &["run", "{dir}/s.yaml", "--out", "{dir}/out"],
            &["s.yaml:1:8: `draws`: draws 0 is not between 1 and 100000"],
        ),
    ]
}

fn flag_entries() -> Vec<Entry> {
    let flag = |what: &'static str, args: &[&'static str], expect: &'static str| {
        entry(what, &[], args, &[expect])
    };
    vec![
        flag(
            "unknown command",
            &["explode"],
            "unrecognized subcommand 'explode'",
        ),
        flag(
            "describe: bad year",
            &["describe", "--year", "soon"],
            "invalid value 'soon' for '--year <YEAR>'",
        ),
        flag(
            "describe: year without data",
            &["describe", "--year", "1990"],
            "no observation covers 1990",
        ),
        flag(
            "describe: bad format",
            &["describe", "--format", "pdf"],
            "invalid value 'pdf' for '--format <FORMAT>'",
        ),
        flag(
            "forecast: bad month",
            &["forecast", "--until", "2030-13"],
            "invalid value '2030-13' for '--until <YYYY-MM>'",
        ),
        flag(
            "forecast: horizon in the past",
            &["forecast", "--until", "2024-01"],
            "--until 2024-01 is not after the last observed month 2025-12",
        ),
        flag(
            "forecast: bad level",
            &["forecast", "--until", "2027-01", "--level", "100"],
            "interval level 100 is not between 0 and 100",
        ),
        flag(
            "forecast: too few paths",
            &["forecast", "--until", "2027-01", "--paths", "1"],
            "at least 2 sample paths are needed",
        ),
        flag(
            "run: zero draws",
            &["run", "--draws", "0", "--out", "{dir}/out"],
            "--draws must be between 1 and 100000, not 0",
        ),
        flag(
            "run: too many draws",
            &["run", "--draws", "5000000", "--out", "{dir}/out"],
            "--draws must be between 1 and 100000",
        ),
        flag(
            "regress: missing --y",
            &[
                "regress", "--data", "x.csv", "--x", "t", "--model", "linear",
            ],
            "--y <COL>",
        ),
        flag(
            "compare: bad years",
            &["compare", "--out", "{dir}", "--years", "next"],
            "`next` is not a year or a range",
        ),
        flag(
            "compare: not a run folder",
            &["compare", "--out", "{dir}"],
            "summary.csv",
        ),
        flag(
            "backtest: zero horizon",
            &["backtest", "--horizon", "0"],
            "horizon",
        ),
        flag(
            "backtest: unknown model",
            &["backtest", "--models", "prophet"],
            "prophet",
        ),
    ]
}

fn regress_entries() -> Vec<Entry> {
    let csv = "t,y,label\n1,2.5,a\n2,4.1,b\n3,5.9,c\n4,8.2,d\n";
    vec![
        entry(
            "regress: unknown column",
            &[("r.csv", csv)],
            &[
                "regress",
                "--data",
                "{dir}/r.csv",
                "--y",
                "y",
                "--x",
                "time",
                "--model",
                "linear",
            ],
            &["time"],
        ),
        entry(
            "regress: non-numeric column",
            &[("r.csv", csv)],
            &[
                "regress",
                "--data",
                "{dir}/r.csv",
                "--y",
                "y",
                "--x",
                "label",
                "--model",
                "linear",
            ],
            &["r.csv:2", "label"],
        ),
        entry(
            "regress: unknown model",
            &[("r.csv", csv)],
            &[
                "regress",
                "--data",
                "{dir}/r.csv",
                "--y",
                "y",
                "--x",
                "t",
                "--model",
                "spline",
            ],
            &["spline"],
        ),
        entry(
            "regress: too few rows",
            &[("r.csv", "t,y\n1,2\n")],
            &[
                "regress",
                "--data",
                "{dir}/r.csv",
                "--y",
                "y",
                "--x",
                "t",
                "--model",
                "linear",
            ],
            &["r.csv"],
        ),
        entry(
            "regress: missing file",
            &[],
            &[
                "regress",
                "--data",
                "{dir}/none.csv",
                "--y",
                "y",
                "--x",
                "t",
                "--model",
                "linear",
            ],
            &["none.csv"],
        ),
    ]
}

fn output_entries() -> Vec<Entry> {
    let wide_header = format!(
        "period,importer,tonnes{}\n2025,WORLD,1\n",
        ",".repeat(2 << 20)
    );
    vec![
        Entry {
            what: "data: a header of two million empty columns (budget before parsing)",
            files: vec![("wide.csv", wide_header.into_bytes())],
            args: vec!["describe", "--data", "{dir}/wide.csv"],
            expect: vec!["wide.csv", "line 1 is longer than 1048576 bytes"],
        },
        entry(
            "run: a rate of 1e300 (above its ceiling: results would not be finite)",
            &[(
                "huge.yaml",
                "name: huge\nhorizon: 2027-12\ndraws: 20\ntariffs:\n  changes:\n    - {importer: USA, rate: 1e300, from: 2026-06}\n",
            )],
            &["run", "{dir}/huge.yaml", "--out", "{dir}/out"],
            &[
                "huge.yaml:6:29: `tariffs.changes[0].rate`: the value 1e300 is not between 0 and 100",
            ],
        ),
        entry(
            "run: growth of 1e10 a year to 2060 and a credit of 1e308 US$/kg (ceilings)",
            &[(
                "g.yaml",
                "name: g\nhorizon: 2060-12\ndemand:\n  - {importers: all, extra_growth: 1e10, from: 2026-01}\nproduction_credits:\n  - {country: USA, usd_per_kg: 1e308, from: 2026-01}\n",
            )],
            &["run", "{dir}/g.yaml", "--out", "{dir}/out"],
            &[
                "g.yaml:4:36: `demand[0].extra_growth`: the value 1e10 is not between -0.99 and 1",
                "g.yaml:6:32: `production_credits[0].usd_per_kg`: the value 1e308 is not between 0 and 10000",
            ],
        ),
        entry(
            "run: growth of 100 % a year to 2100 and an elasticity of 100 on a 10,000 % tariff (each allowed, together beyond finite results)",
            &[(
                "x.yaml",
                "name: x\nhorizon: 2100-12\nassumptions: {elasticity: 100}\ntariffs: {reference: {USA: 100}}\ndemand:\n  - {importers: all, extra_growth: 1, from: 2026-01}\n",
            )],
            &["run", "{dir}/x.yaml", "--out", "{dir}/out"],
            &[
                "x.yaml:3:27: `assumptions.elasticity`: these values can raise imports by ×9.64e222 over the baseline",
                "more than the ×1e20 a run can hold with finite results",
                "`demand[0].extra_growth` up to 1 a year for 74.9 years (×3.57e22)",
            ],
        ),
        entry(
            "compare: a cell that is not a number, located by column from 1 and named",
            &[(
                "summary.csv",
                "scenario,importer,year,mean,p05,p95,baseline,delta_tonnes,delta_pct,value_usd,tariff_revenue_usd,downstream_cost_usd,credit_cost_usd,months\nbaseline,WORLD,2026,abc,1,2,1,0,0,1,0,0,0,12\n",
            )],
            &["compare", "--out", "{dir}"],
            &["summary.csv`: line 2, column 4 (`mean`): `abc` is not a number"],
        ),
        entry(
            "run: a horizon after 2100-12",
            &[("far.yaml", "name: far\nhorizon: 2150-12\n")],
            &["run", "{dir}/far.yaml", "--out", "{dir}/out"],
            &["far.yaml:2:10: `horizon`: the horizon 2150-12 is after 2100-12"],
        ),
        entry(
            "describe: tonnes of 1e34 (above the data ceiling)",
            &[("big.csv", "period,importer,tonnes\n2024,WORLD,5.8e34\n")],
            &["describe", "--data", "{dir}/big.csv"],
            &["big.csv:2:3", "is 5.8e34, above 1e12"],
        ),
        entry(
            "forecast: 100 million paths (memory budget)",
            &[],
            &["forecast", "--until", "2030-12", "--paths", "100000000"],
            &[
                "100000000 sample paths × 60 months",
                "more than the limit",
                "(2 GB)",
            ],
        ),
        entry(
            "backtest: 100 million paths (memory budget)",
            &[],
            &["backtest", "--paths", "100000000"],
            &["100000000 sample paths × 6 months", "limit of 2 GB"],
        ),
        entry(
            "models: not JSON",
            &[("m.json", "{oops")],
            &["forecast", "--until", "2027-01", "--models", "{dir}/m.json"],
            &["m.json: not a models file written by magcast's fit (line 1, column 2"],
        ),
        entry(
            "models: missing",
            &[],
            &[
                "forecast",
                "--until",
                "2027-01",
                "--models",
                "{dir}/none.json",
            ],
            &["cannot read `", "none.json`"],
        ),
        entry(
            "fit --out into a missing folder",
            &[],
            &["fit", "--out", "{dir}/no/such/m.json"],
            &["cannot write `", "m.json`"],
        ),
        entry(
            "run --out under a file",
            &[("file", "x")],
            &["run", "--out", "{dir}/file/out"],
            &["cannot write `", "file/out"],
        ),
        entry(
            "run --out into a folder that is not an output set",
            &[("notes.txt", "mine")],
            &["run", "--out", "{dir}"],
            &["refusing to replace `", "it holds `notes.txt`"],
        ),
    ]
}

#[test]
fn every_input_error_exits_2_with_its_location() {
    let all: Vec<Entry> = [
        data_entries(),
        config_entries(),
        scenario_entries(),
        flag_entries(),
        regress_entries(),
        output_entries(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut failures = Vec::new();
    for e in &all {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        for (name, bytes) in &e.files {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let args: Vec<String> = e.args.iter().map(|a| a.replace("{dir}", d)).collect();
        let o = Command::new(env!("CARGO_BIN_EXE_magcast"))
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        let mut problems = Vec::new();
        if o.status.code() != Some(2) {
            problems.push(format!("exit {:?}", o.status.code()));
        }
        if !o.stdout.is_empty() {
            problems.push("wrote to stdout".into());
        }
        for x in &e.expect {
            if !err.contains(&x.replace("{dir}", d)) {
                problems.push(format!("stderr lacks {x:?}"));
            }
        }
        if err.contains("panicked") {
            problems.push("panicked".into());
        }
        if dir.path().join("out").exists() {
            problems.push("wrote an output folder".into());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n    stderr: {}",
                e.what,
                problems.join("; "),
                err.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} entries failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn a_failed_write_leaves_complete_files_and_no_temporary_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // A folder where a file must go: not an output set, so refused untouched
    // (tests/output_set.rs covers kills, a full disk and concurrent runs).
    std::fs::create_dir_all(out.join("summary.csv")).unwrap();
    std::fs::write(out.join("projections.csv"), "old").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_magcast"))
        .args(["run", "scenarios/baseline.yaml", "--draws", "20", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("summary.csv"));
    for entry in std::fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(".tmp"),
            "temporary file {name} left behind"
        );
    }
    // projections.csv is either the old file or a whole new one, never a part.
    let text = std::fs::read_to_string(out.join("projections.csv")).unwrap();
    assert!(
        text == "old" || text.lines().count() == 1 + 14 * 60,
        "{} lines",
        text.lines().count()
    );
    assert!(Path::new(&out).join("summary.csv").is_dir());
}
