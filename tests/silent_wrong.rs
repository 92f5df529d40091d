//! Inputs that used to give a silently wrong answer (issue 16): each is now
//! refused with exit code 2 and a message that names the place.

use std::path::Path;
use std::process::{Command, Output};

fn magcast(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_magcast"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_sweep_value_listed_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.yaml"),
        "tariffs:\n  changes:\n    - {importer: USA, rate: 0.1, from: 2027-01}\nsweep:\n  tariffs.changes[0].rate: [0.1, 0.10]\n",
    )
    .unwrap();
    let o = magcast(dir.path(), &["validate", "s.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "s.yaml:5:34: `sweep.tariffs.changes[0].rate[1]`: this value (0.1) repeats value [0]"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_model_listed_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = magcast(dir.path(), &["backtest", "--models", "naive,drift,naive"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the model `naive` is listed twice"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn compare_refuses_rows_no_run_writes() {
    let dir = tempfile::tempdir().unwrap();
    let run = magcast(dir.path(), &["run", "--draws", "20"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let summary = dir.path().join("out/summary.csv");
    let good = std::fs::read_to_string(&summary).unwrap();
    assert!(magcast(dir.path(), &["compare"]).status.success());
    let lines: Vec<&str> = good.lines().collect();
    let mut cases = Vec::new();
    // A row given twice: compare would count it twice.
    cases.push((
        format!("{good}{}\n", lines[1]),
        format!("line {}: scenario", lines.len() + 1),
    ));
    // A value that is not a number, and a negative tonnage, on line 2.
    let mut fields: Vec<&str> = lines[1].split(',').collect();
    fields[3] = "NaN";
    let nan = [lines[0], &fields.join(","), ""].join("\n");
    cases.push((nan, "line 2: column `mean` is NaN".to_string()));
    fields[3] = "-5";
    let negative = [lines[0], &fields.join(","), ""].join("\n");
    cases.push((negative, "line 2: column `mean` is -5, below 0".to_string()));
    for (text, expected) in cases {
        std::fs::write(&summary, text).unwrap();
        let o = magcast(dir.path(), &["compare"]);
        assert_eq!(o.status.code(), Some(2), "{expected}");
        assert!(stderr(&o).contains(&expected), "{expected}: {}", stderr(&o));
    }
}

#[test]
fn regress_refuses_sums_of_squares_that_overflow() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.csv"),
        "x,y\n1,1e308\n2,1e308\n3,1e308\n4,1e308\n",
    )
    .unwrap();
    let o = magcast(
        dir.path(),
        &[
            "regress", "--data", "c.csv", "--y", "y", "--x", "x", "--model", "linear",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("c.csv: cannot fit `linear`"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("the sums of squares overflow"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn an_importer_above_world_in_the_same_span_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.csv"),
        "period,importer,tonnes\n2024,WORLD,58152\n2024,DEU,11000\n2024,JPN,80000\n",
    )
    .unwrap();
    let o = magcast(dir.path(), &["describe", "--data", "d.csv"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "d.csv:4:3: column `tonnes`: JPN 80000 t in 2024 is more than WORLD's 58152 t (line 2)"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_control_character_in_a_data_field_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("n.csv"),
        "period,importer,tonnes\n2024,WORLD,100\n2024,DEU\u{0},50\n",
    )
    .unwrap();
    let o = magcast(dir.path(), &["describe", "--data", "n.csv"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains(
            "n.csv:3:2: column `importer`: the field has a control character (U+0000); remove it"
        ),
        "{e}"
    );
    assert!(!e.contains('\u{0}'), "the NUL reached the terminal");
}
