//! A run that fails while writing leaves the previous outputs exactly as they were and no
//! temporary file behind (failure injected with the CLEARANCE_FAIL_AFTER test hook).

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::Path;

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        // The folder's lock file stays (it is only the handle of the OS lock; it holds the pid).
        .filter(|p| p.file_name().unwrap() != ".clearance-write.lock")
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn plan(out: &Path, catalog: &str, fail_at: Option<&str>) -> assert_cmd::assert::Assert {
    let mut cmd = Command::cargo_bin("clearance").unwrap();
    cmd.args([
        "plan",
        catalog,
        "--as-of",
        "2026-11-22",
        "--force",
        "--quiet",
        "--out",
    ])
    .arg(out);
    if let Some(f) = fail_at {
        cmd.env("CLEARANCE_FAIL_AFTER", f);
    }
    cmd.assert()
}

#[test]
fn a_failed_plan_run_keeps_the_previous_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    plan(&out, "fixtures/basic.csv", None).code(0);
    let before = snapshot(&out);
    assert_eq!(before.len(), 4, "{:?}", before.keys());
    // A different input, failing at the third of the four files.
    for fail_at in ["plan.json", "plan.xlsx", "upload-template.xlsx"] {
        let run = plan(&out, "fixtures/multi_location.csv", Some(fail_at)).code(73);
        let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
        assert!(err.contains(fail_at), "{err}");
        assert_eq!(
            snapshot(&out),
            before,
            "outputs changed after a failure at {fail_at}"
        );
    }
    // Nothing else in the folder: no temporary or set-aside file.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".clearance-write.lock")
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    // Without the failure the new plan replaces the old one.
    plan(&out, "fixtures/multi_location.csv", None).code(0);
    assert_ne!(snapshot(&out)["plan.json"], before["plan.json"]);
}

/// Disk full while a workbook is written: our error only on stderr, no
/// "ZipWriter::drop: failed to finalize archive" from the zip library. Needs a small file system
/// (a tmpfs of a few hundred KiB: `mount -t tmpfs -o size=200k tmpfs DIR`), named by
/// CLEARANCE_TEST_FULL_DIR; skipped otherwise. The mechanism is also unit-tested
/// (src/io/write/mod.rs, save_tests).
#[test]
fn disk_full_prints_only_our_error() {
    let Some(dir) = std::env::var_os("CLEARANCE_TEST_FULL_DIR") else {
        eprintln!("SKIPPED: set CLEARANCE_TEST_FULL_DIR to a folder on a small file system");
        return;
    };
    let tmp = tempfile::TempDir::new().unwrap();
    let catalog = tmp.path().join("catalog.csv");
    let mut csv = String::from("sku,name,category,quantity,price,cost\n");
    for i in 0..40_000 {
        csv.push_str(&format!(
            "S-{i},Item {i},Cat {},{},20.00,8.00\n",
            i % 50,
            1 + i % 30
        ));
    }
    std::fs::write(&catalog, csv).unwrap();
    let out = tempfile::TempDir::new_in(dir).unwrap();
    let o = plan(out.path(), catalog.to_str().unwrap(), None)
        .code(73)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("ZipWriter"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("No space left on device"),
        "{err}"
    );
}
