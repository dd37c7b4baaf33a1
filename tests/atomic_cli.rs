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
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    // Without the failure the new plan replaces the old one.
    plan(&out, "fixtures/multi_location.csv", None).code(0);
    assert_ne!(snapshot(&out)["plan.json"], before["plan.json"]);
}
