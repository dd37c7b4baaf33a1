//! Shared helpers for the CLI integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

pub const AS_OF: &str = "2026-11-22";

/// The crate root: fixture paths are given relative to it.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `clearance` with the crate root as working directory, and no `COLUMNS` from the shell that
/// runs the tests (tables and help are fitted to it).
pub fn bin() -> Command {
    let mut cmd = Command::cargo_bin("clearance").expect("binary `clearance` is built");
    cmd.current_dir(root());
    cmd.env_remove("COLUMNS");
    cmd
}

/// Result of one `clearance plan` run into a fresh temporary folder.
pub struct Run {
    pub out: Output,
    pub dir: TempDir,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.out
            .status
            .code()
            .expect("exit code (not killed by a signal)")
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    pub fn out_dir(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    pub fn file(&self, name: &str) -> PathBuf {
        self.out_dir().join(name)
    }
    /// plan.json as written to the out folder.
    pub fn plan(&self) -> Value {
        let p = self.file("plan.json");
        let text = std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("read {}: {e}\nstderr:\n{}", p.display(), self.stderr()));
        serde_json::from_str(&text).expect("plan.json is valid JSON")
    }
    pub fn plan_csv(&self) -> String {
        std::fs::read_to_string(self.file("plan.csv")).expect("plan.csv readable")
    }
    /// Panics with stderr when the exit status differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            code,
            "unexpected exit status\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// `clearance plan ARGS... --out <tmp>/out` (adds `--as-of 2026-11-22` unless given).
pub fn plan(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let mut cmd = bin();
    cmd.arg("plan").args(args);
    if !args.contains(&"--as-of") {
        cmd.args(["--as-of", AS_OF]);
    }
    cmd.arg("--out").arg(&out_dir);
    let out = cmd.output().expect("run clearance");
    Run { out, dir }
}

/// Runs `plan` and asserts exit 0, returning the run.
pub fn plan_ok(args: &[&str]) -> Run {
    let run = plan(args);
    run.expect_code(0);
    run
}

pub fn lines(plan: &Value) -> &Vec<Value> {
    plan["lines"].as_array().expect("lines array")
}

/// The single line with this sku (and no location); panics if missing or duplicated.
pub fn line<'a>(plan: &'a Value, sku: &str) -> &'a Value {
    let found: Vec<&Value> = lines(plan).iter().filter(|l| l["sku"] == sku).collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one line for sku {sku:?}, got {}",
        found.len()
    );
    found[0]
}

/// The line with this sku and location (`None` = no location).
pub fn line_at<'a>(plan: &'a Value, sku: &str, location: Option<&str>) -> &'a Value {
    let want = match location {
        Some(l) => Value::String(l.to_string()),
        None => Value::Null,
    };
    let found: Vec<&Value> = lines(plan)
        .iter()
        .filter(|l| l["sku"] == sku && l["location"] == want)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one line {sku}@{location:?}, got {}",
        found.len()
    );
    found[0]
}

pub fn num(v: &Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {v}"))
}

pub fn s(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

pub fn flags(l: &Value) -> Vec<String> {
    l["flags"]
        .as_array()
        .map(|a| a.iter().map(|f| s(f).to_string()).collect())
        .unwrap_or_default()
}

/// Asserts the line's status/discount/binding limit/reason/clearance price.
pub fn assert_planned(plan: &Value, sku: &str, discount: i64, limit: &str, clearance: &str) {
    let l = line(plan, sku);
    assert_eq!(l["status"], "planned", "{sku}: {l}");
    assert_eq!(
        l["discount_pct"].as_f64(),
        Some(discount as f64),
        "{sku} discount: {l}"
    );
    assert_eq!(l["binding_limit"], limit, "{sku} binding_limit: {l}");
    assert_eq!(
        l["clearance_price"], clearance,
        "{sku} clearance_price: {l}"
    );
    assert!(
        l["reason"].is_null(),
        "{sku}: planned line has a reason: {l}"
    );
}

pub fn assert_skipped(plan: &Value, sku: &str, reason: &str) {
    let l = line(plan, sku);
    assert_eq!(l["status"], "skipped", "{sku}: {l}");
    assert_eq!(l["reason"], reason, "{sku} reason: {l}");
    assert!(
        l["discount_pct"].is_null(),
        "{sku}: skipped line has a discount: {l}"
    );
}

/// Lines whose status is `planned`, in file order.
pub fn planned(plan: &Value) -> Vec<&Value> {
    lines(plan)
        .iter()
        .filter(|l| l["status"] == "planned")
        .collect()
}

/// The plan without `generated_at`, for determinism checks.
pub fn without_generated_at(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("generated_at");
    v
}

pub fn fixture(p: &str) -> PathBuf {
    root().join(p)
}

pub fn read_bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}
