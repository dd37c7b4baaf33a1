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

/// A command to kill: its arguments, extra environment, other faults injected for the whole
/// run, and the exit status of a run that is not killed.
struct Victim {
    args: Vec<OsString>,
    env: Vec<(&'static str, &'static str)>,
    faults: Vec<&'static str>,
    finishes_with: i32,
}

impl Victim {
    fn new(args: Vec<OsString>) -> Victim {
        Victim {
            args,
            env: Vec::new(),
            faults: Vec::new(),
            finishes_with: 0,
        }
    }
}

/// The command killed at its `n`-th call of `call` (one of [`CALLS`]): true when it was
/// killed, false when it finished first (then with the status it finishes with).
fn killed_at(call: &str, n: usize, v: &Victim) -> bool {
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-o", "/dev/null", "-e"])
        .arg(format!("inject={call}:signal=KILL:when={n}"));
    for f in &v.faults {
        cmd.arg("-e").arg(format!("inject={f}"));
    }
    let status = cmd
        .arg(clearance())
        .args(&v.args)
        .envs(v.env.iter().copied())
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run strace");
    match status.code() {
        None => true,
        Some(c) if c == v.finishes_with => false,
        Some(c) => panic!(
            "killed at {call} {n}: exit {c} instead of a kill or {}",
            v.finishes_with
        ),
    }
}

/// Every (call, n) at which a run is killed, one after the other: `reset` puts the starting
/// state back before each run; the caller checks the state each kill left.
fn every_call<'a>(
    v: &'a Victim,
    reset: impl Fn() + Copy + 'a,
) -> impl Iterator<Item = (&'static str, usize)> + 'a {
    CALLS.split(',').flat_map(move |call| {
        (1..)
            .inspect(move |&n| assert!(n < MAX_CALLS, "{call}: still killed at call {n}"))
            .take_while(move |&n| {
                reset();
                killed_at(call, n, v)
            })
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
    let new_args = plan_args(new_catalog, &out);
    for (call, n) in every_call(&Victim::new(new_args.clone()), || restore(&out, &old)) {
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

/// Files under `dir` but lock files (`name` relative to `dir`).
fn without_locks(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(n, _)| !n.ends_with(".lock"))
        .collect()
}

#[test]
fn report_killed_at_every_rename_and_unlink_keeps_a_complete_week() {
    if strace_works() {
        report_killed_everywhere(&[]);
    }
}

/// Where the system cannot swap two folders (`renameat2` refused, as on macOS or Windows), the
/// previous week is renamed aside and the next run puts it back.
#[test]
fn report_without_folder_swap_killed_between_its_renames_gets_its_week_back() {
    if strace_works() {
        report_killed_everywhere(&["renameat2:error=EINVAL"]);
    }
}

fn report_killed_everywhere(faults: &[&'static str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("reports");
    let reference = tmp.path().join("reference");
    let report_args = |catalog: &str, dir: &Path| {
        args(&[
            &"report",
            &catalog,
            &"--sales",
            &"fixtures/report/sales.csv",
            &"--as-of",
            &"2026-11-22",
            &"--out",
            &dir,
            &"--quiet",
        ])
    };
    let (old_catalog, new_catalog) = ("fixtures/report/catalog.csv", "fixtures/basic.csv");
    assert_eq!(run(&report_args(old_catalog, &out)).0, 0);
    let week = "2026-W47";
    let old = without_locks(&out.join(week));
    assert_eq!(old.len(), 4, "{:?}", old.keys());
    assert_eq!(run(&report_args(new_catalog, &reference)).0, 0);
    let new_summary =
        json_without_time(&std::fs::read(reference.join(week).join("summary.json")).unwrap());
    let which = |files: &BTreeMap<String, Vec<u8>>, at: &str| -> &'static str {
        if *files == old {
            return "old";
        }
        let names: Vec<&String> = files.keys().collect();
        assert_eq!(names.len(), 4, "{at}: a complete week: {names:?}");
        for (name, bytes) in files {
            assert_ne!(
                old.get(name),
                Some(bytes),
                "{at}: {name} is old beside new files"
            );
        }
        assert_eq!(
            json_without_time(&files["summary.json"]),
            new_summary,
            "{at}"
        );
        "new"
    };
    let all = snapshot(&out);
    let mut seen = BTreeMap::new();
    let victim = Victim {
        faults: faults.to_vec(),
        ..Victim::new(report_args(new_catalog, &out))
    };
    let mut aside = 0;
    for (call, n) in every_call(&victim, || restore(&out, &all)) {
        let at = format!("report killed at {call} number {n}");
        let week_dir = out.join(week);
        if week_dir.is_dir() {
            *seen
                .entry(which(&without_locks(&week_dir), &at))
                .or_insert(0) += 1;
        } else {
            // Only where the system cannot swap two folders: the previous week is set aside
            // and the next run puts it back.
            assert!(
                snapshot(&out)
                    .keys()
                    .any(|k| k.starts_with(".clearance-old-")),
                "{at}: the week folder is gone"
            );
            aside += 1;
        }
        let (code, err) = run(&report_args(new_catalog, &out));
        assert_eq!(code, 0, "{at}: the next run: {err}");
        assert_eq!(which(&without_locks(&out.join(week)), &at), "new");
        assert!(leftovers(&out).is_empty(), "{at}: {:?}", leftovers(&out));
    }
    eprintln!("report {faults:?}: {seen:?}, week set aside {aside} time(s)");
    // Without the swap, a kill between the two renames leaves the week set aside; with it,
    // never.
    assert_eq!(aside > 0, !faults.is_empty(), "{aside}");
    assert!(seen.get("old").is_some_and(|&c| c > 0), "{seen:?}");
    assert!(seen.get("new").is_some_and(|&c| c > 0), "{seen:?}");
}

/// A plan of the review fixtures in `tmp/plan`, for apply.
fn review_plan(tmp: &Path) -> PathBuf {
    let plan = tmp.join("plan");
    let (code, err) = run(&args(&[
        &"plan",
        &"fixtures/review/catalog.csv",
        &"--sales",
        &"fixtures/review/sales.csv",
        &"--as-of",
        &AS_OF,
        &"--out",
        &plan,
        &"--quiet",
    ]));
    assert_eq!(code, 0, "{err}");
    plan
}

fn apply_args(plan: &Path, campaigns: &Path, extra: &[&str]) -> Vec<OsString> {
    let mut a = args(&[
        &"apply",
        &plan.join("upload-template.xlsx"),
        &"--plan",
        &plan.join("plan.json"),
        &"--out",
        &campaigns,
        &"--name",
        &"Winter clearance",
        &"--start",
        &"2026-11-23",
        &"--as-of",
        &AS_OF,
        &"--quiet",
    ]);
    a.extend(extra.iter().map(OsString::from));
    a
}

/// A campaign folder is complete: campaign.json and every file it lists.
fn complete_campaign(dir: &Path, at: &str) -> Value {
    let c: Value = serde_json::from_slice(&std::fs::read(dir.join("campaign.json")).unwrap())
        .unwrap_or_else(|e| panic!("{at}: campaign.json: {e}"));
    for f in c["files"].as_array().expect("files") {
        let p = dir.join(f.as_str().unwrap());
        assert!(p.is_file(), "{at}: {} missing", p.display());
    }
    c
}

#[test]
fn apply_killed_at_every_rename_and_unlink_leaves_the_campaign_whole_or_absent() {
    if !strace_works() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let plan = review_plan(tmp.path());
    let campaigns = tmp.path().join("campaigns");
    let mut seen = BTreeMap::new();
    let report = tmp.path().join("reports");
    let apply = apply_args(&plan, &campaigns, &[]);
    let reset = || {
        let _ = std::fs::remove_dir_all(&campaigns);
        let _ = std::fs::remove_dir_all(&report);
    };
    for (call, n) in every_call(&Victim::new(apply.clone()), reset) {
        let at = format!("apply killed at {call} number {n}");
        let folder = campaigns.join("winter-clearance");
        let was_written = folder.exists();
        if was_written {
            complete_campaign(&folder, &at);
        }
        // The report never lists a stopped run's temporary package.
        if campaigns.exists() {
            let out = Command::new(clearance())
                .args([
                    "report",
                    "fixtures/review/catalog.csv",
                    "--sales",
                    "fixtures/review/sales.csv",
                ])
                .args([
                    "--as-of",
                    "2026-11-29",
                    "--quiet",
                    "--format",
                    "json",
                    "--campaigns",
                ])
                .arg(&campaigns)
                .arg("--out")
                .arg(&report)
                .current_dir(root())
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{at}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
            let listed = summary["campaigns"].as_array().map_or(0, Vec::len);
            assert_eq!(
                listed,
                usize::from(was_written),
                "{at}: {}",
                summary["campaigns"]
            );
        }
        // The name is free unless the campaign was written.
        let (code, err) = run(&apply_args(&plan, &campaigns, &[]));
        if was_written {
            assert_eq!(code, 2, "{at}: {err}");
            assert!(err.contains("already used"), "{at}: {err}");
        } else {
            assert_eq!(code, 0, "{at}: {err}");
        }
        complete_campaign(&folder, &at);
        assert!(
            leftovers(&campaigns).is_empty(),
            "{at}: {:?}",
            leftovers(&campaigns)
        );
        *seen.entry(was_written).or_insert(0) += 1;
    }
    eprintln!("apply: written {seen:?}");
    assert!(seen.get(&false).is_some_and(|&c| c > 0), "{seen:?}");
}

/// A revision folder (`revisions/NNN`) is complete: campaign.json of that revision and the
/// files `kinds` names.
fn complete_revision(dir: &Path, n: u64, files: &[&str], at: &str) {
    let c: Value = serde_json::from_slice(&std::fs::read(dir.join("campaign.json")).unwrap())
        .unwrap_or_else(|e| panic!("{at}: campaign.json: {e}"));
    assert_eq!(c["revision"], n, "{at}");
    for f in files {
        assert!(
            dir.join(f).is_file(),
            "{at}: {f} missing in {}",
            dir.display()
        );
    }
}

#[test]
fn review_apply_and_approve_killed_at_every_call_write_a_whole_revision_or_none() {
    if !strace_works() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let plan = review_plan(tmp.path());
    let campaigns = tmp.path().join("campaigns");
    let campaign = campaigns.join("winter-clearance");
    let rev2 = campaign.join("revisions/002");

    // review --apply on an approved campaign: revision 2 with its price list.
    assert_eq!(
        run(&apply_args(
            &plan,
            &campaigns,
            &["--approve", "--by", "A. Buyer"]
        ))
        .0,
        0
    );
    let start = snapshot(&campaign);
    let review_out = tmp.path().join("review");
    let review = args(&[
        &"review",
        &campaign.join("campaign.json"),
        &"--sales",
        &"fixtures/review/sales.csv",
        &"--as-of",
        &"2026-11-29",
        &"--out",
        &review_out,
        &"--config",
        &"fixtures/review/clearance.toml",
        &"--apply",
        &"--force",
        &"--quiet",
    ]);
    let rev_files = [
        "campaign.json",
        "price-list.csv",
        "discount-rules.json",
        "revert.csv",
    ];
    let mut kills = 0;
    let reset = || {
        let _ = std::fs::remove_dir_all(campaign.join("revisions"));
        let _ = std::fs::remove_dir_all(&review_out);
        restore(&campaign, &start);
    };
    for (call, n) in every_call(&Victim::new(review.clone()), reset) {
        kills += 1;
        let at = format!("review --apply killed at {call} number {n}");
        let written = rev2.exists();
        // The review files: both or neither, unless a commit is in progress (journal).
        let files = without_locks(&review_out);
        if !files.contains_key(".clearance-commit.json") {
            let shown: Vec<&String> = files.keys().filter(|k| !k.starts_with('.')).collect();
            assert!(
                shown.is_empty() || shown == ["review.json", "review.xlsx"],
                "{at}: {shown:?}"
            );
        }
        if written {
            complete_revision(&rev2, 2, &rev_files, &at);
        }
        let (code, err) = run(&review);
        assert_eq!(code, 0, "{at}: the next run: {err}");
        // The next run reviews revision 2 when it was written, and writes it otherwise.
        complete_revision(&rev2, 2, &rev_files, &at);
        if !written {
            assert!(!campaign.join("revisions/003").exists(), "{at}");
        }
        assert!(
            leftovers(&campaign).is_empty(),
            "{at}: {:?}",
            leftovers(&campaign)
        );
        assert!(
            leftovers(&review_out).is_empty(),
            "{at}: {:?}",
            leftovers(&review_out)
        );
    }
    assert!(kills > 0);

    // approve on a draft campaign: revision 2, approved.
    std::fs::remove_dir_all(&campaigns).unwrap();
    assert_eq!(run(&apply_args(&plan, &campaigns, &[])).0, 0);
    let start = snapshot(&campaign);
    let approve = args(&[
        &"approve",
        &campaign,
        &"--by",
        &"A. Buyer",
        &"--as-of",
        &AS_OF,
    ]);
    let mut kills = 0;
    let reset = || {
        let _ = std::fs::remove_dir_all(campaign.join("revisions"));
        restore(&campaign, &start);
    };
    for (call, n) in every_call(&Victim::new(approve.clone()), reset) {
        kills += 1;
        let at = format!("approve killed at {call} number {n}");
        let written = rev2.exists();
        if written {
            complete_revision(&rev2, 2, &["campaign.json", "discount-rules.json"], &at);
        }
        let (code, err) = run(&approve);
        if written {
            assert_eq!(code, 65, "{at}: approved twice: {err}");
            assert!(err.contains("is already approved"), "{at}: {err}");
        } else {
            assert_eq!(code, 0, "{at}: the next run: {err}");
        }
        complete_revision(&rev2, 2, &["campaign.json", "discount-rules.json"], &at);
        assert!(
            leftovers(&campaign).is_empty(),
            "{at}: {:?}",
            leftovers(&campaign)
        );
    }
    assert!(kills > 0);
}

/// A plan run that fails at its third rename (`CLEARANCE_FAIL_AFTER`) undoes its commit; killed
/// at any call of the commit or of the undo, and its recovery killed again at any call, the
/// folder still settles to one complete set.
#[test]
fn plan_killed_while_undoing_or_recovering_settles_to_one_set() {
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
    let new_catalog = "fixtures/basic_nosales.csv";
    assert_eq!(run(&plan_args("fixtures/basic.csv", &out)).0, 0);
    let old = snapshot(&out);
    assert_eq!(run(&plan_args(new_catalog, &reference)).0, 0);
    let new_json = json_without_time(&std::fs::read(reference.join("plan.json")).unwrap());
    let new_csv = std::fs::read(reference.join("plan.csv")).unwrap();
    let failing = Victim {
        env: vec![("CLEARANCE_FAIL_AFTER", "plan.xlsx")],
        finishes_with: 73,
        ..Victim::new(plan_args(new_catalog, &out))
    };
    let validate = Victim::new(args(&[
        &"validate",
        &out.join("upload-template.xlsx"),
        &"--plan",
        &out.join("plan.json"),
    ]));
    let (mut undone, mut recoveries) = (0, 0);
    for (call, n) in every_call(&failing, || restore(&out, &old)) {
        let at = format!("failing plan killed at {call} number {n}");
        let left = snapshot(&out);
        if let Some(j) = left.get(".clearance-commit.json") {
            undone += usize::from(String::from_utf8_lossy(j).contains("undo"));
            // The recovery itself killed at each of its calls, then run whole.
            for (call2, n2) in every_call(&validate, || restore(&out, &left)) {
                recoveries += 1;
                let at = format!("{at}, recovery killed at {call2} number {n2}");
                let (code, err) = run(&validate.args);
                assert_eq!(code, 0, "{at}: {err}");
                which_plan_set(&snapshot(&out), &old, &new_json, &new_csv, &at);
                assert!(leftovers(&out).is_empty(), "{at}: {:?}", leftovers(&out));
            }
        }
        let (code, err) = run(&validate.args);
        assert_eq!(code, 0, "{at}: {err}");
        which_plan_set(&snapshot(&out), &old, &new_json, &new_csv, &at);
        assert!(leftovers(&out).is_empty(), "{at}: {:?}", leftovers(&out));
    }
    eprintln!("undo journals {undone}, recoveries killed {recoveries}");
    assert!(undone > 0 && recoveries > 0, "{undone} {recoveries}");
}
