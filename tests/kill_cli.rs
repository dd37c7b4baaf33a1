//! Kills at exact instants: each command is run under `strace`, which kills it (SIGKILL, as
//! `kill -9` does) at its n-th call of one kind (rename, link, unlink, folder calls; strace
//! counts each kind apart), for every kind and n = 1, 2, ... until a run gets through. After every kill the outputs are the complete previous set or the
//! complete new set (once a reading command or the next run has settled the folder), and the
//! next run works and leaves no temporary file behind. Skipped, with the reason printed, where
//! `strace` or its fault injection is not available.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Every call that changes what a folder holds.
const CALLS: &str = "rename,renameat,renameat2,link,linkat,unlink,unlinkat,rmdir,mkdir,mkdirat";
/// More calls than any command here makes: a run that is still killed after this many is a bug.
const MAX_CALLS: usize = 400;

fn clearance() -> PathBuf {
    assert_cmd::cargo::cargo_bin("clearance")
}

fn strace_works() -> bool {
    let ok = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "inject=unlinkat:error=ENOENT:when=1000",
        ])
        .arg("true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "skipped: strace with fault injection is not available (install strace; ptrace must be allowed)"
        );
    }
    ok
}

/// `clearance ARGS` killed at its `n`-th call of `call` (one of [`CALLS`]): true when it was
/// killed, false when it finished first (then it must have succeeded).
fn killed_at(call: &str, n: usize, args: &[OsString]) -> bool {
    let status = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-e"])
        .arg(format!("trace={call}"))
        .arg("-e")
        .arg(format!("inject={call}:signal=KILL:when={n}"))
        .arg(clearance())
        .args(args)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run strace");
    match status.code() {
        None => true,
        Some(0) => false,
        Some(c) => panic!("killed at {call} {n}: exit {c} instead of a kill or success"),
    }
}

/// Every (call, n) at which a run of `args` is killed, one after the other: the iterator runs
/// the kill, the caller checks and restores the folder before the next one.
fn every_call(args: &[OsString]) -> impl Iterator<Item = (&'static str, usize)> + '_ {
    CALLS.split(',').flat_map(move |call| {
        (1..)
            .inspect(move |&n| assert!(n < MAX_CALLS, "{call}: still killed at call {n}"))
            .take_while(move |&n| killed_at(call, n, args))
            .map(move |n| (call, n))
    })
}

fn run(args: &[OsString]) -> (i32, String) {
    let out = Command::new(clearance())
        .args(args)
        .current_dir(root())
        .output()
        .expect("run clearance");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn args(list: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
    list.iter().map(|a| a.as_ref().to_os_string()).collect()
}

/// Every file under `dir` (relative name → bytes), hidden ones included.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(name, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Hidden names left in `dir` (recursively) other than the lock files, which stay by design.
fn leftovers(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .keys()
        .chain(hidden_dirs(dir).iter())
        .filter(|n| {
            let last = n.rsplit('/').next().unwrap_or(n);
            last.starts_with('.') && !last.ends_with(".lock")
        })
        .cloned()
        .collect()
}

fn hidden_dirs(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().unwrap().to_string_lossy().starts_with('.') {
                    out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
                }
                stack.push(p);
            }
        }
    }
    out
}

/// Put `dir` back to exactly `files` (and nothing else but lock files).
fn restore(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().ends_with(".lock") {
            continue;
        }
        if p.is_dir() {
            std::fs::remove_dir_all(&p).unwrap();
        } else {
            std::fs::remove_file(&p).unwrap();
        }
    }
    for (name, bytes) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

/// A JSON file without its `generated_at` (the one value two runs on the same inputs differ in).
fn json_without_time(bytes: &[u8]) -> Value {
    let mut v: Value = serde_json::from_slice(bytes).expect("complete JSON");
    if let Some(o) = v.as_object_mut() {
        o.remove("generated_at");
    }
    v
}

const PLAN_FILES: [&str; 4] = ["plan.json", "plan.csv", "plan.xlsx", "upload-template.xlsx"];

/// Which complete set `files` is: "old", "new", or a panic naming the mix.
fn which_plan_set(
    files: &BTreeMap<String, Vec<u8>>,
    old: &BTreeMap<String, Vec<u8>>,
    new_json: &Value,
    new_csv: &[u8],
    at: &str,
) -> &'static str {
    let names: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|n| !n.ends_with(".lock"))
        .collect();
    let mut want = PLAN_FILES.to_vec();
    want.sort();
    assert_eq!(names, want, "{at}: the plan files");
    let is_old: Vec<bool> = PLAN_FILES
        .iter()
        .map(|f| files.get(*f) == old.get(*f))
        .collect();
    if is_old.iter().all(|&o| o) {
        return "old";
    }
    assert!(
        is_old.iter().all(|&o| !o),
        "{at}: a mix of old and new files: {:?}",
        PLAN_FILES.iter().zip(&is_old).collect::<Vec<_>>()
    );
    assert_eq!(
        &json_without_time(&files["plan.json"]),
        new_json,
        "{at}: plan.json"
    );
    assert_eq!(files["plan.csv"], new_csv, "{at}: plan.csv");
    for x in ["plan.xlsx", "upload-template.xlsx"] {
        assert!(files[x].starts_with(b"PK"), "{at}: {x} is a workbook");
    }
    "new"
}

#[test]
fn plan_killed_at_every_rename_and_unlink_leaves_one_complete_set() {
    if !strace_works() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let reference = tmp.path().join("reference");
    let plan_args = |catalog: &str, dir: &Path| {
        args(&[
            &"plan", &catalog, &"--as-of", &AS_OF, &"--out", &dir, &"--force", &"--quiet",
        ])
    };
    let (old_catalog, new_catalog) = ("fixtures/basic.csv", "fixtures/basic_nosales.csv");
    assert_eq!(run(&plan_args(old_catalog, &out)).0, 0);
    let old = snapshot(&out);
    assert_eq!(run(&plan_args(new_catalog, &reference)).0, 0);
    let new_json = json_without_time(&std::fs::read(reference.join("plan.json")).unwrap());
    let new_csv = std::fs::read(reference.join("plan.csv")).unwrap();
    assert_ne!(old["plan.csv"], new_csv, "the two plans differ");

    let mut seen = BTreeMap::new();
    let mut kills = 0;
    for (call, n) in every_call(&plan_args(new_catalog, &out)) {
        kills += 1;
        let at = format!("plan killed at {call} number {n}");
        let raw = snapshot(&out);
        let journal = raw.contains_key(".clearance-commit.json");
        if !journal {
            // No commit in progress: the visible files are one complete set as they are.
            let visible: BTreeMap<_, _> = raw
                .iter()
                .filter(|(k, _)| !k.starts_with('.'))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            which_plan_set(&visible, &old, &new_json, &new_csv, &at);
        }
        // A reading command settles the folder first.
        let (code, err) = run(&args(&[
            &"validate",
            &out.join("upload-template.xlsx"),
            &"--plan",
            &out.join("plan.json"),
        ]));
        assert_eq!(code, 0, "{at}: validate after the kill: {err}");
        let settled = snapshot(&out);
        let set = which_plan_set(&settled, &old, &new_json, &new_csv, &at);
        assert!(leftovers(&out).is_empty(), "{at}: {:?}", leftovers(&out));
        *seen.entry(set).or_insert(0) += 1;
        // The next run works.
        let (code, err) = run(&plan_args(new_catalog, &out));
        assert_eq!(code, 0, "{at}: the next run: {err}");
        assert_eq!(
            which_plan_set(&snapshot(&out), &old, &new_json, &new_csv, &at),
            "new"
        );
        assert!(leftovers(&out).is_empty(), "{at}: {:?}", leftovers(&out));
        restore(&out, &old);
    }
    eprintln!("plan: killed at {kills} calls: {seen:?}");
    assert_eq!(
        which_plan_set(&snapshot(&out), &old, &new_json, &new_csv, "uninterrupted"),
        "new"
    );
    // Kills fell before the commit (old set) and inside it (new set after recovery).
    assert!(seen.get("old").is_some_and(|&c| c > 0), "{seen:?}");
    assert!(seen.get("new").is_some_and(|&c| c > 0), "{seen:?}");
}
