//! A run cut into shards, each run in its own process (`run --shard I/N`),
//! then `merge`d, writes the bytes of the run on one machine, whatever the
//! number of shards and threads; a merge refuses a missing, duplicated, cut
//! or foreign part, and scenarios changed since the shards ran, with exit code
//! 2, naming the shard or file, and writes nothing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::snapshot;

fn magcast(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_magcast"))
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .unwrap()
}

fn ok(o: &Output) -> &Output {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scenario with nothing uncertain: one draw, one task.
const FIXED: &str = "\
name: fixed
description: The baseline's mean path, nothing drawn.
horizon: 2028-12
assumptions:
  price: {usd_per_t: 49180, annual_change: 0}
  baseline_uncertainty: false
";

/// Six variants of current-policy.
const SWEEP: &str = "\
name: sweep
extends: current-policy
sweep:
  assumptions.elasticity: [0.2, 0.5, 0.8]
  tariffs.layers[3].steps[0].rate: [0.5, 1.0]
";

/// A folder with the bundled scenarios, the sweep and the fixed scenario,
/// and the models fitted once.
struct Inputs {
    dir: tempfile::TempDir,
}

impl Inputs {
    fn scenarios(&self) -> PathBuf {
        self.dir.path().join("scenarios")
    }

    fn models(&self) -> PathBuf {
        self.dir.path().join("models.json")
    }
}

fn inputs() -> &'static Inputs {
    static I: OnceLock<Inputs> = OnceLock::new();
    I.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let scenarios = dir.path().join("scenarios");
        std::fs::create_dir(&scenarios).unwrap();
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for e in std::fs::read_dir(bundled).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yaml") {
                std::fs::copy(&p, scenarios.join(p.file_name().unwrap())).unwrap();
            }
        }
        std::fs::write(scenarios.join("fixed.yaml"), FIXED).unwrap();
        std::fs::write(scenarios.join("sweep.yaml"), SWEEP).unwrap();
        let inputs = Inputs { dir };
        ok(&magcast(&[
            "fit".as_ref(),
            "--out".as_ref(),
            inputs.models().as_os_str(),
        ]));
        inputs
    })
}

/// `run` of the inputs with 70 draws (three blocks of 32, the last short) and
/// `extra` arguments.
fn run(inputs: &Inputs, extra: &[&str]) -> Output {
    let (scenarios, models) = (inputs.scenarios(), inputs.models());
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "run".as_ref(),
        scenarios.as_os_str(),
        "--models".as_ref(),
        models.as_os_str(),
        "--draws".as_ref(),
        "70".as_ref(),
    ];
    args.extend(extra.iter().map(|s| std::ffi::OsStr::new(*s)));
    magcast(&args)
}

/// The single-machine run's files.
fn single() -> &'static BTreeMap<String, Vec<u8>> {
    static S: OnceLock<(tempfile::TempDir, BTreeMap<String, Vec<u8>>)> = OnceLock::new();
    &S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        ok(&run(inputs(), &["--out", out.to_str().unwrap()]));
        let set = snapshot(&out);
        (dir, set)
    })
    .1
}

/// Runs every shard of `count` into `parts`, shard i on 1 or 2 threads by turn.
fn shards(parts: &Path, count: usize) {
    for i in 0..count {
        let shard = format!("{i}/{count}");
        let threads = (1 + i % 2).to_string();
        let o = run(
            inputs(),
            &[
                "--shard",
                &shard,
                "--threads",
                &threads,
                "--out",
                parts.to_str().unwrap(),
            ],
        );
        ok(&o);
        let name = format!("shard-{i}-of-{count}.part");
        assert!(parts.join(&name).is_file(), "{name} not written");
    }
}

fn merge(parts: &[&Path], out: &Path) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["merge".as_ref()];
    args.extend(parts.iter().map(|p| p.as_os_str()));
    args.extend(["--out".as_ref(), out.as_os_str()]);
    magcast(&args)
}

#[test]
fn four_shards_merged_are_the_bytes_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let parts = dir.path().join("parts");
    shards(&parts, 4);
    let out = dir.path().join("out");
    ok(&merge(&[&parts], &out));
    let merged = snapshot(&out);
    let single = single();
    assert_eq!(
        merged.keys().collect::<Vec<_>>(),
        single.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in single {
        assert!(
            merged[name] == *bytes,
            "{name} differs from the single run's"
        );
    }
}

#[test]
fn one_shard_and_seven_merge_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for count in [1, 7] {
        let parts = dir.path().join(format!("parts{count}"));
        shards(&parts, count);
        let out = dir.path().join(format!("out{count}"));
        ok(&merge(&[&parts], &out));
        assert!(snapshot(&out) == *single(), "{count} shards differ");
    }
}

#[test]
fn shards_without_tasks_write_empty_parts_that_merge() {
    let dir = tempfile::tempdir().unwrap();
    let fixed = inputs().scenarios().join("fixed.yaml");
    let (parts, models) = (dir.path().join("parts"), inputs().models());
    for i in 0..3 {
        ok(&magcast(&[
            "run".as_ref(),
            fixed.as_os_str(),
            "--models".as_ref(),
            models.as_os_str(),
            "--shard".as_ref(),
            format!("{i}/3").as_ref(),
            "--out".as_ref(),
            parts.as_os_str(),
        ]));
    }
    let out = dir.path().join("out");
    ok(&merge(&[&parts], &out));
    let alone = dir.path().join("alone");
    ok(&magcast(&[
        "run".as_ref(),
        fixed.as_os_str(),
        "--models".as_ref(),
        models.as_os_str(),
        "--out".as_ref(),
        alone.as_os_str(),
    ]));
    assert!(snapshot(&out) == snapshot(&alone));
}

/// The parts of a 4-shard run, made once for the refusals below.
fn parts() -> &'static Path {
    static P: OnceLock<tempfile::TempDir> = OnceLock::new();
    P.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        shards(dir.path(), 4);
        dir
    })
    .path()
}

fn part(i: usize) -> PathBuf {
    parts().join(format!("shard-{i}-of-4.part"))
}

/// A refused merge: exit code 2, nothing written.
fn refused(o: &Output, out: &Path) -> String {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(!out.exists(), "a refused merge wrote {}", out.display());
    stderr(o)
}

#[test]
fn a_missing_shard_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let err = refused(&merge(&[&part(0), &part(2), &part(3)], &out), &out);
    assert!(err.contains("shard 1 of 4 is missing"), "{err}");
    let err = refused(&merge(&[&part(0), &part(2)], &out), &out);
    assert!(err.contains("shards 1, 3 of 4 are missing"), "{err}");
}

#[test]
fn a_duplicated_shard_is_named_with_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("again.part");
    std::fs::copy(part(2), &copy).unwrap();
    let out = dir.path().join("out");
    let err = refused(&merge(&[parts(), &copy], &out), &out);
    assert!(err.contains("shard 2 of 4 is given twice"), "{err}");
    assert!(
        err.contains("again.part") && err.contains("shard-2-of-4.part"),
        "{err}"
    );
}

#[test]
fn a_part_cut_short_or_not_a_part_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(part(1)).unwrap();
    let cut = dir.path().join("cut.part");
    let out = dir.path().join("out");
    for len in [0, 10, 100, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&cut, &bytes[..len]).unwrap();
        let err = refused(&merge(&[&part(0), &cut, &part(2), &part(3)], &out), &out);
        assert!(
            err.contains("cut.part") && err.contains("not a whole magcast shard part"),
            "{err}"
        );
    }
    // A damaged byte anywhere after the magic: refused (each frame's payload
    // carries a digest of its bytes), never a panic or different numbers.
    for at in (8..bytes.len()).step_by(bytes.len() / 23) {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x5a;
        std::fs::write(&cut, &damaged).unwrap();
        let o = merge(&[&part(0), &cut, &part(2), &part(3)], &out);
        let err = refused(&o, &out);
        assert!(!err.contains("panicked"), "byte {at}: {err}");
    }
}

#[test]
fn parts_of_different_runs_are_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other");
    let o = run(
        inputs(),
        &[
            "--shard",
            "1/4",
            "--seed",
            "7",
            "--out",
            other.to_str().unwrap(),
        ],
    );
    ok(&o);
    let out = dir.path().join("out");
    let err = refused(
        &merge(
            &[
                &part(0),
                &other.join("shard-1-of-4.part"),
                &part(2),
                &part(3),
            ],
            &out,
        ),
        &out,
    );
    assert!(err.contains("parts of different runs"), "{err}");
}

#[test]
fn a_scenario_changed_since_the_shards_ran_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir(&scenarios).unwrap();
    for e in std::fs::read_dir(inputs().scenarios()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, scenarios.join(p.file_name().unwrap())).unwrap();
    }
    let parts = dir.path().join("parts");
    for i in 0..2 {
        let o = magcast(&[
            "run".as_ref(),
            scenarios.as_os_str(),
            "--models".as_ref(),
            inputs().models().as_os_str(),
            "--draws".as_ref(),
            "70".as_ref(),
            "--shard".as_ref(),
            format!("{i}/2").as_ref(),
            "--out".as_ref(),
            parts.as_os_str(),
        ]);
        ok(&o);
    }
    let text = std::fs::read_to_string(scenarios.join("fixed.yaml")).unwrap();
    std::fs::write(
        scenarios.join("fixed.yaml"),
        text.replace("horizon: 2028-12", "horizon: 2029-12"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let err = refused(&merge(&[&parts], &out), &out);
    assert!(err.contains("inputs have changed"), "{err}");
    assert!(err.contains("scenario `fixed`"), "{err}");
}

#[test]
fn the_shard_index_comes_from_slurm_or_kubernetes() {
    let dir = tempfile::tempdir().unwrap();
    let (scenarios, models) = (inputs().scenarios(), inputs().models());
    let cmd = |out: &Path| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_magcast"));
        c.arg("run")
            .arg(&scenarios)
            .arg("--models")
            .arg(&models)
            .args(["--draws", "70", "--shard", "4", "--out"])
            .arg(out)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX");
        c
    };
    let slurm = dir.path().join("slurm");
    let o = cmd(&slurm)
        .env("SLURM_ARRAY_TASK_ID", "3")
        .env("SLURM_ARRAY_TASK_MIN", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "4")
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(
        std::fs::read(slurm.join("shard-2-of-4.part")).unwrap(),
        std::fs::read(part(2)).unwrap()
    );
    let k8s = dir.path().join("k8s");
    ok(&cmd(&k8s).env("JOB_COMPLETION_INDEX", "0").output().unwrap());
    assert!(k8s.join("shard-0-of-4.part").is_file());
    let o = cmd(&dir.path().join("none")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--shard 4: no shard index"),
        "{}",
        stderr(&o)
    );
    let o = cmd(&dir.path().join("wrong"))
        .env("SLURM_ARRAY_TASK_ID", "0")
        .env("SLURM_ARRAY_TASK_COUNT", "8")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the Slurm array has 8 tasks"),
        "{}",
        stderr(&o)
    );
}

/// The README's code block that starts with `start`.
fn readme_block(start: &str) -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let at = text
        .find(&format!("```sh\n{start}"))
        .unwrap_or_else(|| panic!("README.md has no sh block starting `{start}`"));
    let body = &text[at + "```sh\n".len()..];
    body[..body.find("```").unwrap()].to_string()
}

#[test]
fn the_readme_slurm_array_and_merge_write_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    std::fs::create_dir(work.join("scenarios")).unwrap();
    for e in std::fs::read_dir(bundled).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            std::fs::copy(&p, work.join("scenarios").join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(inputs().models(), work.join("models.json")).unwrap();
    let script = readme_block("#!/bin/bash\n#SBATCH");
    let tasks: usize = script
        .lines()
        .find_map(|l| l.strip_prefix("#SBATCH --array=0-"))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .expect("an array 0-N")
        + 1;
    std::fs::write(work.join("shards.sbatch"), &script).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_magcast")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let bash = |script: &str, task: Option<usize>| {
        let mut c = Command::new("bash");
        c.arg(script).current_dir(work).env("PATH", &path);
        c.env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX");
        if let Some(t) = task {
            c.env("SLURM_ARRAY_TASK_ID", t.to_string())
                .env("SLURM_ARRAY_TASK_MIN", "0")
                .env("SLURM_ARRAY_TASK_COUNT", tasks.to_string())
                .env("SLURM_CPUS_PER_TASK", "2");
        }
        c.output().unwrap()
    };
    for t in 0..tasks {
        ok(&bash("shards.sbatch", Some(t)));
    }
    std::fs::write(work.join("merge.sh"), readme_block("magcast merge")).unwrap();
    ok(&bash("merge.sh", None));
    let single = work.join("single");
    ok(&Command::new(env!("CARGO_BIN_EXE_magcast"))
        .current_dir(work)
        .args([
            "run",
            "scenarios",
            "--models",
            "models.json",
            "--draws",
            "1000",
            "--out",
        ])
        .arg(&single)
        .output()
        .unwrap());
    assert!(snapshot(&work.join("out")) == snapshot(&single));
}
