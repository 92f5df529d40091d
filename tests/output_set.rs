//! An output folder is whole or untouched: after a `kill -9` at any moment, a
//! full disk or two runs into one folder, `OUT` is the complete old set or the
//! complete new one (byte for byte the set that run writes alone), temporaries
//! are cleaned up, and a folder that is not an output set is never replaced.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use common::snapshot;
use std::time::{Duration, Instant};

/// Every file under `dir` by relative path (hidden ones included).
type Snapshot = BTreeMap<String, Vec<u8>>;

/// The models file every run here uses (fitting once keeps runs short).
fn models() -> &'static Path {
    static M: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = M.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("models.json");
        let o = Command::new(env!("CARGO_BIN_EXE_magcast"))
            .args(["fit", "--out"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (dir, path)
    });
    path
}

/// `magcast run` of the baseline scenario with `seed` into `out`.
fn run_cmd(out: &Path, seed: u32) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_magcast"));
    c.arg("run")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.yaml"))
        .arg("--models")
        .arg(models())
        .args(["--draws", "200", "--seed", &seed.to_string(), "--out"])
        .arg(out);
    c
}

fn run(out: &Path, seed: u32) -> Output {
    run_cmd(out, seed).output().unwrap()
}

/// The set a run with `seed` writes into a fresh folder.
fn reference(seed: u32) -> &'static Snapshot {
    static R: OnceLock<[Snapshot; 2]> = OnceLock::new();
    let sets = R.get_or_init(|| {
        [1, 2].map(|s| {
            let dir = tempfile::tempdir().unwrap();
            let o = run(&dir.path().join("out"), s);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            snapshot(&dir.path().join("out"))
        })
    });
    &sets[seed as usize - 1]
}

/// Checks that `set` is whole by its own manifest (files, sizes, nothing else).
fn assert_whole(set: &Snapshot) {
    let manifest: serde_json::Value =
        serde_json::from_slice(set.get("manifest.json").expect("a manifest")).unwrap();
    assert_eq!(manifest["format"], "magcast output set");
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len() + 1, set.len(), "files not in the manifest");
    for f in files {
        let bytes = &set[f["path"].as_str().unwrap()];
        assert_eq!(bytes.len() as u64, f["bytes"].as_u64().unwrap());
    }
}

/// Entries of `parent` whose names start with `.out.magcast-tmp-`.
fn temporaries(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.magcast-tmp-"))
        .collect()
}

/// Waits until a temporary set other than `known` appears in `parent` (the
/// run is writing).
fn wait_for_temporary(child: &mut Child, parent: &Path, known: &[String]) {
    let started = Instant::now();
    while temporaries(parent).iter().all(|t| known.contains(t)) {
        assert!(child.try_wait().unwrap().is_none(), "ended before writing");
        assert!(started.elapsed() < Duration::from_secs(60), "never wrote");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn kill_9_at_any_moment_leaves_the_old_set_or_the_new_one() {
    assert_ne!(reference(1), reference(2), "the two seeds must differ");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(run(&out, 1).status.success());
    assert_eq!(&snapshot(&out), reference(1));
    // Kill moments: None = 30 ms after the start (loading, sampling); Some(ms)
    // = that long after the temporary set appears, with a 100 ms pause before
    // each of the 14 files and before the swap (about 1.5 s of writing).
    let moments = [None, Some(0), Some(250), Some(700), Some(1200), Some(1450)];
    let mut stale_seen = 0;
    for moment in moments {
        let known = temporaries(dir.path());
        let mut child = run_cmd(&out, 2)
            .env("MAGCAST_TEST_PAUSE_WRITE_MS", "100")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        match moment {
            None => std::thread::sleep(Duration::from_millis(30)),
            Some(ms) => {
                wait_for_temporary(&mut child, dir.path(), &known);
                std::thread::sleep(Duration::from_millis(ms));
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = snapshot(&out);
        assert!(
            &now == reference(1) || &now == reference(2),
            "killed at {moment:?}: a mixed set"
        );
        assert_whole(&now);
        stale_seen += usize::from(!temporaries(dir.path()).is_empty());
        // Back to the old set for the next moment, if the new one got in.
        if &now == reference(2) {
            assert!(run(&out, 1).status.success());
        }
    }
    assert!(
        stale_seen >= 3,
        "kills during writing left {stale_seen} temporaries"
    );
    // The next run removes what the killed ones left.
    let o = run(&out, 2);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(&snapshot(&out), reference(2));
    assert!(temporaries(dir.path()).is_empty(), "stale temporaries kept");
    // The killed runs' lock file is reused, and removed when a run ends.
    assert!(!dir.path().join(".out.magcast-lock").exists());
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, bytes: u64) -> Result<Tmpfs, String> {
        let o = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={}k", bytes.div_ceil(1024)),
            ])
            .arg("tmpfs")
            .arg(at)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if o.status.success() {
            Ok(Tmpfs(at.to_path_buf()))
        } else {
            Err(String::from_utf8_lossy(&o.stderr).trim().to_string())
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_the_old_set_and_no_temporary() {
    // Room for the old set and a half: a second set cannot be written beside it.
    let blocks: u64 = reference(1)
        .values()
        .map(|b| (b.len() as u64).div_ceil(4096) * 4096)
        .sum();
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let _mounted = match Tmpfs::mount(&disk, blocks * 3 / 2 + 16 * 4096) {
        Ok(m) => m,
        Err(reason) => {
            eprintln!("skipped: cannot mount a tmpfs here: {reason}");
            return;
        }
    };
    let out = disk.join("out");
    let o = run(&out, 1);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let old = snapshot(&out);
    assert_eq!(&old, reference(1));
    let o = run(&out, 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("cannot write `{}`", out.display())),
        "{err}"
    );
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(snapshot(&out), old, "the old set was changed");
    assert!(temporaries(&disk).is_empty(), "temporary left on the disk");
}

#[test]
fn a_second_run_into_a_folder_being_written_fails_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut first = run_cmd(&out, 1)
        .env("MAGCAST_TEST_PAUSE_WRITE_MS", "100")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_temporary(&mut first, dir.path(), &[]);
    let second = run(&out, 2);
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "`{}` is being written by another magcast run",
            out.display()
        )),
        "{err}"
    );
    assert!(first.wait().unwrap().success());
    assert_eq!(&snapshot(&out), reference(1));
    assert!(temporaries(dir.path()).is_empty());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only `out` is left beside it");
}

#[test]
fn runs_started_together_end_with_one_whole_set() {
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let children: Vec<Child> = [1, 2]
            .map(|seed| {
                run_cmd(&out, seed)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .into();
        let mut won = 0;
        for child in children {
            let o = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            match o.status.code() {
                Some(0) => won += 1,
                Some(2) => assert!(err.contains("is being written by another magcast run")),
                other => panic!("round {round}: exit {other:?}: {err}"),
            }
        }
        assert!(won >= 1, "round {round}: neither run wrote");
        let now = snapshot(&out);
        assert!(
            &now == reference(1) || &now == reference(2),
            "round {round}"
        );
        assert!(temporaries(dir.path()).is_empty());
    }
}

#[test]
fn a_folder_that_is_not_an_output_set_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(project.join("notes.txt"), "mine").unwrap();
    std::fs::write(project.join("src/main.rs"), "fn main() {}").unwrap();
    let before = snapshot(dir.path());
    for (target, expect) in [
        (
            ".",
            "it is the root, the working directory or contains it".to_string(),
        ),
        (
            "src",
            "it holds `main.rs`, which is not part of".to_string(),
        ),
    ] {
        let o = run_cmd(Path::new(target), 1)
            .current_dir(&project)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{target}: {err}");
        let named = project.join(target).canonicalize().unwrap();
        assert!(
            err.contains(&format!("refusing to replace `{}`", named.display())),
            "{err}"
        );
        assert!(err.contains(&expect), "{err}");
        assert!(o.stdout.is_empty());
        assert_eq!(snapshot(dir.path()), before, "{target}: something changed");
    }
}

#[test]
fn a_set_written_before_manifests_is_replaced_but_not_with_extra_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // An old set: the files a run writes, without a manifest.
    for (path, bytes) in reference(1) {
        if path != "manifest.json" {
            let p = out.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
    std::fs::write(out.join("charts/notes.txt"), "mine").unwrap();
    let o = run(&out, 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("it holds `charts/notes.txt`"), "{err}");
    std::fs::remove_file(out.join("charts/notes.txt")).unwrap();
    assert!(run(&out, 2).status.success());
    assert_eq!(&snapshot(&out), reference(2));
}

/// The library writes a run's set without the command line: the same bytes
/// as `magcast run`, and a temporary left by a killed writer is removed.
#[test]
fn the_library_writes_the_same_set_as_the_command() {
    use magcast::{data, engine, forecast::FittedPanel, report, scenario};
    let panel = FittedPanel::read(models()).unwrap();
    let scenarios = scenario::load(
        &[Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.yaml")],
        scenario::ValidationContext {
            first_month: Some(panel.last_observed.plus(1)),
        },
    )
    .unwrap();
    let options = engine::RunOptions {
        seed: 1,
        draws: Some(200),
    };
    let result = engine::run(&panel, &scenarios, options, &|_| {}).unwrap();
    let obs = data::bundled().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let stale = dir.path().join(".out.magcast-tmp-KILLED");
    std::fs::create_dir_all(stale.join("charts")).unwrap();
    std::fs::write(stale.join("projections.csv"), "half").unwrap();
    report::write_run_outputs(&out, &result, &scenarios, &panel, Some(&obs)).unwrap();
    assert_eq!(&snapshot(&out), reference(1));
    assert!(temporaries(dir.path()).is_empty());
    let manifest = report::Manifest::read(&out).unwrap();
    assert!(manifest.matches(&out));
    assert_eq!(manifest.files.len(), 13, "{:?}", manifest.files);
    // A file cut short no longer matches its manifest.
    std::fs::write(out.join("summary.csv"), "cut").unwrap();
    assert!(!manifest.matches(&out));
}
