//! `clearance report`: the weekly report for unattended runs (SPEC sections 6 and 7).
//!
//! Fixture `fixtures/report/catalog.csv` (6 skus, every cost known) and one dated sales file
//! `fixtures/report/sales.csv`, run as of 2026-11-15 (ISO 2026-W46, window 2026-08-18..11-15)
//! and 2026-11-22 (2026-W47, window 2026-08-25..11-22):
//!
//! | sku        | qty | price | cost | sales (date: units)                 | W46 sold/v      | W47 sold/v      |
//! |------------|----:|------:|-----:|-------------------------------------|-----------------|-----------------|
//! | R-SLOWING  |  20 |    10 |    4 | 08-20: 8                            | 8 / 0.4 bal     | 0 / 0 severe    |
//! | R-RECOVER  |  50 |    20 |    8 | 09-10: 2, 11-20: 40                 | 2 / 0.04 severe | 42 / 0.84 fast  |
//! | R-FAST     |  10 |    30 |   12 | 10-01: 8, 11-21: 1                  | 8 / 0.8 fast    | 9 / 0.9 fast    |
//! | R-DEAD     |  40 |    50 |   20 | 2026-01-10: 1 (outside both windows) | 0 / 0 severe    | 0 / 0 severe    |
//! | R-MODERATE | 100 |    10 |    6 | 10-20: 15                           | 15 / 0.15 mod   | 15 / 0.15 mod   |
//! | R-BALANCED |   5 |   100 |   45 | 11-01: 3                            | 3 / 0.6 bal     | 3 / 0.6 bal     |
//!
//! So R-SLOWING becomes a slow mover in W47 and R-RECOVER recovers.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const CATALOG: &str = "fixtures/report/catalog.csv";
const SALES: &str = "fixtures/report/sales.csv";
const W46: &str = "2026-11-15";
const W47: &str = "2026-11-22";
const FILES: [&str; 4] = ["report.html", "report.xlsx", "report.md", "summary.json"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("clearance").expect("binary `clearance` is built");
    cmd.current_dir(root());
    cmd.env_remove("CLEARANCE_FAIL_AFTER");
    cmd.env_remove("NO_COLOR");
    cmd.env_remove("CLICOLOR_FORCE");
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// `clearance report CATALOG --sales SALES --as-of AS_OF --out OUT [extra...]`.
fn report(out: &Path, as_of: &str, extra: &[&str]) -> Output {
    let mut cmd = bin();
    cmd.args([
        "report", CATALOG, "--sales", SALES, "--as-of", as_of, "--out",
    ])
    .arg(out)
    .args(extra);
    cmd.output().expect("run clearance")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code (not killed by a signal)")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(o: Output) -> Output {
    assert_eq!(
        code(&o),
        0,
        "expected success\nstdout:\n{}\nstderr:\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    o
}

fn summary(dir: &Path) -> Value {
    let p = dir.join("summary.json");
    let s = fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
    serde_json::from_str(&s).expect("summary.json is JSON")
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[track_caller]
fn assert_num(v: &Value, expected: f64, what: &str) {
    let got = v
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: expected a number {expected}, got {v}"));
    assert!(
        (got - round2(expected)).abs() < 1e-9,
        "{what}: expected {} (from {expected}), got {got}",
        round2(expected)
    );
}

/// Every file in `dir` (recursively not needed: week folders are flat), name -> bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The lock file: the handle of an OS lock, which stays in `out` between runs.
const LOCK: &str = ".clearance-report.lock";

/// Names in `out` that are leftovers of a run: temp folders, set-aside folders (the lock file is
/// not one: it stays as the lock's handle).
fn leftovers(out: &Path) -> Vec<String> {
    fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".clearance") && n != LOCK)
        .collect()
}

/// Hold `out`'s report lock as another run would: an OS lock on the lock file, this process's
/// id written into it. Released when the returned file is dropped.
fn hold_lock(out: &Path) -> fs::File {
    use std::io::Write;
    fs::create_dir_all(out).unwrap();
    let mut f = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(out.join(LOCK))
        .unwrap();
    f.lock().unwrap();
    f.set_len(0).unwrap();
    writeln!(f, "{}", std::process::id()).unwrap();
    f
}

/// Run W46 then W47 into one reports folder.
fn two_weeks() -> (TempDir, Value, Value) {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    ok(report(&out, W46, &[]));
    ok(report(&out, W47, &[]));
    let first = summary(&out.join("2026-W46"));
    let second = summary(&out.join("2026-W47"));
    (tmp, first, second)
}

// ------------------------------------------------------------------ 1. folders and KPIs

#[test]
fn two_weeks_write_week_folders_with_all_files() {
    let (tmp, first, second) = two_weeks();
    let out = tmp.path().join("reports");
    for week in ["2026-W46", "2026-W47"] {
        for f in FILES {
            let p = out.join(week).join(f);
            assert!(p.is_file(), "{} missing", p.display());
            assert!(fs::metadata(&p).unwrap().len() > 0, "{} empty", p.display());
        }
    }
    assert!(
        leftovers(&out).is_empty(),
        "leftovers in out: {:?}",
        leftovers(&out)
    );
    for (s, week, as_of) in [(&first, "2026-W46", W46), (&second, "2026-W47", W47)] {
        assert_eq!(s["schema"], "clearance.report/v1");
        assert_eq!(s["week"], week);
        assert_eq!(s["as_of"], as_of);
        assert!(s["plan_id"].as_str().is_some_and(|p| !p.is_empty()));
        for key in [
            "kpis",
            "previous_week",
            "deltas",
            "new_slow_movers",
            "recovered",
            "slow_movers",
            "top_slow_movers",
        ] {
            assert!(s.get(key).is_some(), "{week}: summary.json lacks {key}");
        }
        for key in [
            "stock_value_at_cost",
            "stock_value_at_price",
            "capital_in_slow_movers",
            "skus_by_class",
            "value_by_class",
            "weeks_of_supply",
            "sell_through_pct",
            "aging_buckets",
            "planned_markdown_cost",
            "gmroi",
        ] {
            assert!(s["kpis"].get(key).is_some(), "{week}: kpis lacks {key}");
            assert!(s["deltas"].get(key).is_some(), "{week}: deltas lacks {key}");
        }
    }
    // The markdown names the week and the week-over-week lists.
    let md = fs::read_to_string(out.join("2026-W47/report.md")).unwrap();
    assert!(md.contains("2026-W47"), "{md}");
    assert!(md.contains("compared with 2026-W46"), "{md}");
    assert!(md.contains("R-SLOWING") && md.contains("R-RECOVER"), "{md}");
}

#[test]
fn first_week_kpis_match_hand_computation() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    ok(report(&out, W46, &[]));
    let s = summary(&out.join("2026-W46"));
    let k = &s["kpis"];

    // Σ qty × cost = 20·4 + 50·8 + 10·12 + 40·20 + 100·6 + 5·45
    assert_num(
        &k["stock_value_at_cost"],
        80.0 + 400.0 + 120.0 + 800.0 + 600.0 + 225.0,
        "stock_value_at_cost",
    );
    assert_num(&k["stock_value_at_cost"], 2225.0, "stock_value_at_cost");
    // Σ qty × price = 20·10 + 50·20 + 10·30 + 40·50 + 100·10 + 5·100
    assert_num(
        &k["stock_value_at_price"],
        200.0 + 1000.0 + 300.0 + 2000.0 + 1000.0 + 500.0,
        "stock_value_at_price",
    );
    // slow: R-RECOVER (severe) 400 + R-DEAD (severe) 800 + R-MODERATE (moderate) 600
    assert_num(
        &k["capital_in_slow_movers"],
        1800.0,
        "capital_in_slow_movers",
    );
    assert_eq!(
        k["skus_by_class"],
        serde_json::json!({"severe": 2, "moderate": 1, "balanced": 2, "fast": 1})
    );
    // value per class at cost: severe 400+800, moderate 600, balanced 80+225, fast 120
    for (class, v) in [
        ("severe", 1200.0),
        ("moderate", 600.0),
        ("balanced", 305.0),
        ("fast", 120.0),
    ] {
        assert_num(
            &k["value_by_class"][class],
            v,
            &format!("value_by_class.{class}"),
        );
    }
    // on hand 225; sold in window 8+2+8+0+15+3 = 36; weekly = 36 / (90/7) = 2.8
    let (on_hand, sold) = (225.0, 36.0);
    assert_num(
        &k["weeks_of_supply"],
        on_hand / (sold / (90.0 / 7.0)),
        "weeks_of_supply",
    );
    assert_num(&k["weeks_of_supply"], 80.36, "weeks_of_supply");
    assert_num(
        &k["sell_through_pct"],
        100.0 * sold / (sold + on_hand),
        "sell_through_pct",
    );
    assert_num(&k["sell_through_pct"], 13.79, "sell_through_pct");
    // gross margin in window: 8·6 + 2·12 + 8·18 + 0 + 15·4 + 3·55 = 441; annualised / 2225
    assert_num(&k["gmroi"], 441.0 * 365.0 / 90.0 / 2225.0, "gmroi");
    assert_num(&k["gmroi"], 0.80, "gmroi");
    // Planned: R-RECOVER v=.04 tier 18 → 16.40 (3.60·50); R-DEAD 25 → 37.50 (12.50·40);
    // R-MODERATE v=.15 tier 12.5 → 12 → 8.80 (1.20·100)
    assert_num(
        &k["planned_markdown_cost"],
        180.0 + 500.0 + 120.0,
        "planned_markdown_cost",
    );
    // days since last sale as of 11-15: SLOWING 87, RECOVER 66 (11-20 is later), FAST 45,
    // DEAD 309 (2026-01-10), MODERATE 26, BALANCED 14
    let aging = &k["aging_buckets"];
    for (bucket, skus, value) in [
        ("0-30", 2, 600.0 + 225.0),
        ("31-60", 1, 120.0),
        ("61-90", 2, 80.0 + 400.0),
        ("91-180", 0, 0.0),
        ("180+", 1, 800.0),
    ] {
        assert_eq!(aging[bucket]["skus"], skus, "aging {bucket}: {aging}");
        assert_num(
            &aging[bucket]["value"],
            value,
            &format!("aging {bucket} value"),
        );
    }
    if let Some(never) = aging.get("never") {
        assert_eq!(never["skus"], 0, "aging never: {aging}");
    }

    // No previous week: no comparison, every delta null.
    assert_eq!(s["previous_week"], Value::Null);
    assert_eq!(s["new_slow_movers"], serde_json::json!([]));
    assert_eq!(s["recovered"], serde_json::json!([]));
    for key in [
        "stock_value_at_cost",
        "capital_in_slow_movers",
        "weeks_of_supply",
        "gmroi",
    ] {
        assert_eq!(
            s["deltas"][key],
            Value::Null,
            "delta {key} without a previous week"
        );
    }
    assert_eq!(
        s["slow_movers"],
        serde_json::json!(["R-DEAD", "R-MODERATE", "R-RECOVER"])
    );
}

#[test]
fn second_week_kpis_deltas_and_movers_match_hand_computation() {
    let (_tmp, first, second) = two_weeks();
    let k = &second["kpis"];
    assert_eq!(second["previous_week"], "2026-W46");

    assert_num(&k["stock_value_at_cost"], 2225.0, "stock_value_at_cost");
    assert_num(&k["stock_value_at_price"], 5000.0, "stock_value_at_price");
    // slow: R-SLOWING 80 + R-DEAD 800 + R-MODERATE 600
    assert_num(
        &k["capital_in_slow_movers"],
        80.0 + 800.0 + 600.0,
        "capital_in_slow_movers",
    );
    assert_eq!(
        k["skus_by_class"],
        serde_json::json!({"severe": 2, "moderate": 1, "balanced": 1, "fast": 2})
    );
    for (class, v) in [
        ("severe", 880.0),
        ("moderate", 600.0),
        ("balanced", 225.0),
        ("fast", 520.0),
    ] {
        assert_num(
            &k["value_by_class"][class],
            v,
            &format!("value_by_class.{class}"),
        );
    }
    // sold in window 0+42+9+0+15+3 = 69
    let (on_hand, sold) = (225.0, 69.0);
    assert_num(
        &k["weeks_of_supply"],
        on_hand / (sold / (90.0 / 7.0)),
        "weeks_of_supply",
    );
    assert_num(&k["weeks_of_supply"], 41.93, "weeks_of_supply");
    assert_num(
        &k["sell_through_pct"],
        100.0 * sold / (sold + on_hand),
        "sell_through_pct",
    );
    assert_num(&k["sell_through_pct"], 23.47, "sell_through_pct");
    // 0 + 42·12 + 9·18 + 0 + 15·4 + 3·55 = 891
    assert_num(&k["gmroi"], 891.0 * 365.0 / 90.0 / 2225.0, "gmroi");
    // Planned: R-SLOWING 25% → 7.50 (2.50·20), R-DEAD 500, R-MODERATE 120
    assert_num(
        &k["planned_markdown_cost"],
        50.0 + 500.0 + 120.0,
        "planned_markdown_cost",
    );
    // as of 11-22: SLOWING 94, RECOVER 2, FAST 1, DEAD 316, MODERATE 33, BALANCED 21
    let aging = &k["aging_buckets"];
    for (bucket, skus, value) in [
        ("0-30", 3, 400.0 + 120.0 + 225.0),
        ("31-60", 1, 600.0),
        ("61-90", 0, 0.0),
        ("91-180", 1, 80.0),
        ("180+", 1, 800.0),
    ] {
        assert_eq!(aging[bucket]["skus"], skus, "aging {bucket}: {aging}");
        assert_num(
            &aging[bucket]["value"],
            value,
            &format!("aging {bucket} value"),
        );
    }

    // Deltas: second minus first, key by key (on the rounded values), same shape as kpis.
    fn expect_delta(cur: &Value, prev: &Value, delta: &Value, path: &str) {
        match (cur, prev) {
            (Value::Object(c), Value::Object(p)) => {
                for (key, v) in c {
                    expect_delta(v, &p[key], &delta[key], &format!("{path}.{key}"));
                }
            }
            (Value::Number(c), Value::Number(p)) => {
                assert_num(delta, c.as_f64().unwrap() - p.as_f64().unwrap(), path)
            }
            _ => assert_eq!(delta, &Value::Null, "{path}"),
        }
    }
    for key in k.as_object().unwrap().keys() {
        assert!(second["deltas"].get(key).is_some(), "deltas lack {key}");
    }
    expect_delta(k, &first["kpis"], &second["deltas"], "deltas");
    // and the same by hand for the headline figures
    let d = &second["deltas"];
    assert_num(&d["stock_value_at_cost"], 0.0, "delta stock_value_at_cost");
    assert_num(
        &d["capital_in_slow_movers"],
        1480.0 - 1800.0,
        "delta capital_in_slow_movers",
    );
    assert_num(
        &d["weeks_of_supply"],
        41.93 - 80.36,
        "delta weeks_of_supply",
    );
    assert_num(
        &d["sell_through_pct"],
        23.47 - 13.79,
        "delta sell_through_pct",
    );
    assert_num(&d["gmroi"], 1.62 - 0.80, "delta gmroi");
    assert_num(
        &d["planned_markdown_cost"],
        670.0 - 800.0,
        "delta planned_markdown_cost",
    );
    assert_eq!(d["skus_by_class"]["fast"], 1);
    assert_eq!(d["skus_by_class"]["balanced"], -1);
    assert_eq!(d["aging_buckets"]["61-90"]["skus"], -2);

    assert_eq!(second["new_slow_movers"], serde_json::json!(["R-SLOWING"]));
    assert_eq!(second["recovered"], serde_json::json!(["R-RECOVER"]));

    // Top slow movers: planned lines, slowest first, then capital; break-even lift
    // (p−c)/(p(1−d)−c)−1: R-DEAD 30/17.5−1, R-SLOWING 6/3.5−1, R-MODERATE 4/2.8−1.
    let top = second["top_slow_movers"].as_array().unwrap();
    let keys: Vec<&str> = top.iter().map(|t| t["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["R-DEAD", "R-SLOWING", "R-MODERATE"]);
    assert_num(
        &top[0]["break_even_lift_pct"],
        100.0 * (30.0 / 17.5 - 1.0),
        "lift R-DEAD",
    );
    assert_num(
        &top[1]["break_even_lift_pct"],
        100.0 * (6.0 / 3.5 - 1.0),
        "lift R-SLOWING",
    );
    assert_num(
        &top[2]["break_even_lift_pct"],
        100.0 * (4.0 / 2.8 - 1.0),
        "lift R-MODERATE",
    );
    assert_eq!(top[0]["days_since_last_sale"], 316);
    assert_eq!(top[1]["days_since_last_sale"], 94);
    assert_eq!(top[0]["clearance_price"], "37.50");
}

#[test]
fn without_cost_or_sales_gmroi_and_weeks_of_supply_are_null() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    let o = bin()
        .args([
            "report",
            "fixtures/report/catalog_no_cost.csv",
            "--as-of",
            W47,
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    ok(o);
    let s = summary(&out.join("2026-W47"));
    let k = &s["kpis"];
    assert_eq!(k["gmroi"], Value::Null, "gmroi without cost: {k}");
    assert_eq!(k["stock_value_at_cost"], Value::Null, "{k}");
    assert_eq!(k["weeks_of_supply"], Value::Null, "nothing sold: {k}");
    assert_num(
        &k["stock_value_at_price"],
        20.0 * 10.0 + 50.0 * 20.0,
        "stock_value_at_price",
    );
}

// ------------------------------------------------------------------ 2. replace / failure

#[test]
fn rerun_replaces_the_week_folder_and_failed_run_keeps_it() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    let week = out.join("2026-W47");
    ok(report(&out, W47, &[]));
    let stray = week.join("stray.txt");
    fs::write(&stray, "left by hand").unwrap();

    ok(report(&out, W47, &[]));
    assert!(
        !stray.exists(),
        "a rerun replaces the week folder as a whole"
    );
    for f in FILES {
        assert!(week.join(f).is_file(), "{f} missing after rerun");
    }
    assert!(
        leftovers(&out).is_empty(),
        "leftovers: {:?}",
        leftovers(&out)
    );

    let before = snapshot(&week);
    for fail_after in ["report.html", "summary.json", "report.xlsx"] {
        let mut cmd = bin();
        cmd.env("CLEARANCE_FAIL_AFTER", fail_after)
            .args(["report", CATALOG, "--sales", SALES, "--as-of", W47, "--out"])
            .arg(&out);
        let o = cmd.output().unwrap();
        assert_eq!(
            code(&o),
            73,
            "fail after {fail_after}: stderr {}",
            text(&o.stderr)
        );
        assert_eq!(
            snapshot(&week),
            before,
            "failed run (after {fail_after}) changed the previous folder"
        );
        assert!(
            leftovers(&out).is_empty(),
            "failed run left {:?}",
            leftovers(&out)
        );
    }
}

// ------------------------------------------------------------------ 3. lock

#[test]
fn lock_held_by_a_live_process_gives_73_within_the_wait_then_succeeds_once_released() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    let held = hold_lock(&out);
    let lock = out.join(LOCK);

    let start = Instant::now();
    let o = report(&out, W47, &["--lock-wait", "1"]);
    let took = start.elapsed();
    assert_eq!(code(&o), 73, "stderr: {}", text(&o.stderr));
    assert!(took >= Duration::from_secs(1), "waited: {took:?}");
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert_eq!(
        text(&o.stderr),
        format!(
            "error: {}: another clearance report run (process {}) is writing this folder; waited 1 s: run again when it has finished (--lock-wait SECONDS waits longer where the command has it)\n",
            lock.display(),
            std::process::id()
        )
    );
    assert!(
        !out.join("2026-W47").exists(),
        "nothing written while locked"
    );
    assert_eq!(
        fs::read_to_string(&lock).unwrap(),
        format!("{}\n", std::process::id()),
        "the other run's lock file is left as it was"
    );

    drop(held);
    ok(report(&out, W47, &["--lock-wait", "1"]));
    assert!(out.join("2026-W47/summary.json").is_file());
    assert!(leftovers(&out).is_empty(), "left {:?}", leftovers(&out));
    // The lock is released: the file stays (it is only the handle) and can be locked at once.
    let f = fs::File::open(&lock).unwrap();
    f.try_lock().expect("the lock is released after the run");
}

/// A run released while another waits: the waiting run goes on and succeeds.
#[test]
fn a_waiting_run_goes_on_once_the_lock_is_released() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    let held = hold_lock(&out);
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        drop(held);
    });
    let o = report(&out, W47, &["--lock-wait", "20"]);
    releaser.join().unwrap();
    ok(o);
    assert!(out.join("2026-W47/summary.json").is_file());
}

// ------------------------------------------------------------------ 4. unattended

fn has_ansi(b: &[u8]) -> bool {
    b.contains(&0x1b)
}

#[test]
fn unattended_output_has_no_colour_and_quiet_is_silent() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    let o = ok(report(&out, W47, &[]));
    assert!(
        !has_ansi(&o.stdout),
        "ANSI in stdout: {:?}",
        text(&o.stdout)
    );
    assert!(
        !has_ansi(&o.stderr),
        "ANSI in stderr: {:?}",
        text(&o.stderr)
    );
    assert!(text(&o.stdout).contains("2026-W47"), "{}", text(&o.stdout));

    let o = ok(report(&out, W47, &["--quiet"]));
    assert!(o.stderr.is_empty(), "--quiet stderr: {}", text(&o.stderr));
    assert!(!has_ansi(&o.stdout));
}

#[test]
fn format_json_prints_the_summary() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    let o = ok(report(&out, W47, &["--format", "json", "--quiet"]));
    let printed: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", text(&o.stdout)));
    assert_eq!(printed["schema"], "clearance.report/v1");
    assert_eq!(printed["week"], "2026-W47");
    assert_eq!(printed, summary(&out.join("2026-W47")));
}

#[test]
fn missing_catalog_is_66_and_missing_column_is_65() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    let o = bin()
        .args([
            "report",
            "fixtures/report/no_such_catalog.csv",
            "--as-of",
            W47,
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(code(&o), 66, "stderr: {}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("no_such_catalog.csv"),
        "{}",
        text(&o.stderr)
    );

    let o = bin()
        .args([
            "report",
            "fixtures/report/catalog_no_quantity.csv",
            "--as-of",
            W47,
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(code(&o), 65, "stderr: {}", text(&o.stderr));
    let err = text(&o.stderr).to_lowercase();
    assert!(err.contains("quantity"), "names the missing column: {err}");
    assert!(!out.join("2026-W47").exists(), "no week folder on failure");

    let o = report(&out, W47, &["--sales"]);
    assert_eq!(code(&o), 2, "bad command line: {}", text(&o.stderr));
}

// ------------------------------------------------------------------ 5. xlsx

#[test]
fn xlsx_has_kpi_and_top_sheets_and_native_charts() {
    use calamine::{Data, Reader};
    let (tmp, _first, second) = two_weeks();
    let path = tmp.path().join("reports/2026-W47/report.xlsx");

    let mut wb = calamine::open_workbook_auto(&path).expect("open report.xlsx");
    let names = wb.sheet_names();
    assert!(names.iter().any(|n| n == "KPIs"), "sheets: {names:?}");
    assert!(
        names.iter().any(|n| n == "Top slow movers"),
        "sheets: {names:?}"
    );

    let kpis = wb.worksheet_range("KPIs").expect("KPIs sheet");
    let row_value = |label: &str| -> Option<(Data, Data)> {
        kpis.rows().find_map(|r| match r.first() {
            Some(Data::String(s)) if s == label => Some((
                r.get(1).cloned().unwrap_or(Data::Empty),
                r.get(2).cloned().unwrap_or(Data::Empty),
            )),
            _ => None,
        })
    };
    let (v, d) = row_value("Stock value at cost").expect("row Stock value at cost");
    assert_eq!(v, Data::Float(2225.0));
    assert_eq!(d, Data::Float(0.0));
    let (v, d) = row_value("Capital in slow movers").expect("row Capital in slow movers");
    assert_eq!(v, Data::Float(1480.0));
    assert_eq!(d, Data::Float(-320.0));

    let top = wb
        .worksheet_range("Top slow movers")
        .expect("Top slow movers sheet");
    let skus: Vec<String> = top
        .rows()
        .skip(1)
        .filter_map(|r| match r.first() {
            Some(Data::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        })
        .collect();
    let expected: Vec<String> = second["top_slow_movers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(skus, expected);
    // the injected name is a plain string cell
    assert!(
        top.rows()
            .any(|r| r.get(1) == Some(&Data::String("<script>alert(1)</script>".into()))),
        "name cell"
    );

    let mut zip = zip::ZipArchive::new(fs::File::open(&path).unwrap()).expect("xlsx is a zip");
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("zip entry name").into_owned())
        .collect();
    for chart in [
        "xl/charts/chart1.xml",
        "xl/charts/chart2.xml",
        "xl/charts/chart3.xml",
        "xl/charts/chart4.xml",
    ] {
        assert!(
            names.iter().any(|n| n == chart),
            "{chart} missing: {names:?}"
        );
    }
    assert!(
        names.iter().any(|n| n.starts_with("xl/drawings/")),
        "no drawings: {names:?}"
    );
    // the charts carry the titles of the spec's charts
    let mut all = String::new();
    for i in 1..=4 {
        let mut s = String::new();
        zip.by_name(&format!("xl/charts/chart{i}.xml"))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        all.push_str(&s);
    }
    for title in [
        "Stock value by class",
        "Capital in slow movers by category",
        "Candidates by tier",
        "Top slow movers",
    ] {
        assert!(all.contains(title), "no chart titled {title}");
    }
}

// ------------------------------------------------------------------ 6. HTML

#[test]
fn html_is_self_contained_and_escapes_names() {
    let (tmp, _first, _second) = two_weeks();
    let html = fs::read_to_string(tmp.path().join("reports/2026-W47/report.html")).unwrap();
    let lower = html.to_lowercase();
    assert!(lower.contains("<svg"), "inline SVG charts");
    assert!(!lower.contains("<script"), "no script in the page");
    let stripped = lower.replace("http://www.w3.org/2000/svg", "");
    assert!(
        !stripped.contains("http://") && !stripped.contains("https://"),
        "network URL in the page"
    );
    assert!(!lower.contains("<link"), "no external stylesheet");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "injected name escaped"
    );
    assert!(
        html.contains("Garden &amp; Patio"),
        "category escaped in the chart"
    );
    assert!(html.contains("2026-W47") && html.contains("2026-W46"));
    assert!(html.contains("R-SLOWING") && html.contains("R-RECOVER"));
}

#[test]
fn html_renders_in_headless_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped: /usr/bin/chromium not found");
        return;
    }
    let (tmp, _first, _second) = two_weeks();
    let page = tmp.path().join("reports/2026-W47/report.html");
    let profile = TempDir::new().unwrap();
    let png = profile.path().join("r.png");
    let mut child = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1100,2000")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn chromium");
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(status.success(), "chromium exit: {status}");
    let bytes = fs::read(&png).expect("screenshot written");
    assert!(
        bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]),
        "not a PNG"
    );
    assert!(bytes.len() > 10 * 1024, "PNG only {} bytes", bytes.len());
}

#[test]
fn iso_year_boundary_names_week_53_and_compares_across_years() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    // 2027-01-01 is a Friday of ISO week 2026-W53; 2027-01-08 is in 2027-W01.
    ok(report(&out, "2027-01-01", &["--quiet"]));
    ok(report(&out, "2027-01-08", &["--quiet"]));
    assert!(out.join("2026-W53/summary.json").is_file());
    let s = summary(&out.join("2027-W01"));
    assert_eq!(s["week"], "2027-W01");
    assert_eq!(s["previous_week"], "2026-W53");
}

#[test]
fn out_is_a_file_is_73_and_missing_sales_is_66() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("not-a-folder");
    fs::write(&file, "x").unwrap();
    let o = report(&file, W47, &[]);
    assert_eq!(code(&o), 73, "stderr: {}", text(&o.stderr));

    let out = tmp.path().join("reports");
    let o = bin()
        .args([
            "report",
            CATALOG,
            "--sales",
            "fixtures/report/no_such_sales.csv",
        ])
        .args(["--as-of", W47, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(code(&o), 66, "stderr: {}", text(&o.stderr));
    assert!(!out.join("2026-W47").exists());
}

/// Lock files left by killed runs block nothing: an empty one (killed between creating it and
/// writing its process id), one naming a process that is gone, one holding garbage.
#[test]
fn leftover_lock_files_of_killed_runs_do_not_block() {
    for content in ["", "999999999\n", "not a pid"] {
        let tmp = TempDir::new().unwrap();
        let out = tmp.path().join("reports");
        fs::create_dir_all(&out).unwrap();
        let lock = out.join(LOCK);
        fs::write(&lock, content).unwrap();
        let o = report(&out, W47, &["--lock-wait", "0"]);
        assert_eq!(code(&o), 0, "{content:?}: stderr: {}", text(&o.stderr));
        assert!(out.join("2026-W47/summary.json").is_file());
        assert!(lock.is_file(), "the lock file stays as the handle");
    }
}

/// A lock held by a killed process is released by the kill: the next run takes it.
#[cfg(unix)]
#[test]
fn a_lock_held_by_a_killed_run_is_released() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    fs::create_dir_all(&out).unwrap();
    // A child `clearance report` takes the lock, then blocks reading its catalog: a FIFO no one
    // writes to.
    let fifo = tmp.path().join("catalog.csv");
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(s) if s.success() => {}
        _ => {
            eprintln!("SKIPPED: no mkfifo to make a run that holds the lock");
            return;
        }
    }
    let mut holder = std::process::Command::new(env!("CARGO_BIN_EXE_clearance"))
        .current_dir(root())
        .arg("report")
        .arg(&fifo)
        .args(["--sales", SALES, "--as-of", W47, "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it holds the lock (its process id is in the file).
    let lock = out.join(LOCK);
    let start = Instant::now();
    while fs::read_to_string(&lock).unwrap_or_default().trim() != holder.id().to_string() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "child never locked"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = report(&out, W47, &["--lock-wait", "0"]);
    assert_eq!(code(&o), 73, "stderr: {}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains(&format!(
            "another clearance report run (process {}) is writing this folder; waited 0 s",
            holder.id()
        )),
        "{}",
        text(&o.stderr)
    );
    holder.kill().unwrap();
    holder.wait().unwrap();
    ok(report(&out, W47, &["--lock-wait", "0"]));
}

/// Two runs started at once on one folder holding a stale lock file: exactly one runs, the
/// other gives 73 naming the lock (or, if they did not overlap, both run one after the other).
#[test]
fn two_runs_racing_for_a_stale_lock_exactly_one_runs() {
    let tmp = TempDir::new().unwrap();
    // A catalog big enough that a run lasts a while.
    let catalog = tmp.path().join("catalog.csv");
    let mut csv = String::from("sku,name,category,quantity,price,cost\n");
    for i in 0..40_000 {
        csv.push_str(&format!(
            "S-{i},Item {i},Cat {},{},20.00,8.00\n",
            i % 50,
            1 + i % 30
        ));
    }
    fs::write(&catalog, csv).unwrap();
    let out = tmp.path().join("reports");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join(LOCK), "999999999\n").unwrap();
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_clearance"))
            .current_dir(root())
            .arg("report")
            .arg(&catalog)
            .args([
                "--sales",
                SALES,
                "--as-of",
                W47,
                "--lock-wait",
                "0",
                "--out",
            ])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let mut codes = [code(&a), code(&b)];
    codes.sort();
    let stderr = format!("{}\n{}", text(&a.stderr), text(&b.stderr));
    assert!(codes == [0, 73] || codes == [0, 0], "{codes:?}: {stderr}");
    if codes == [0, 73] {
        assert!(
            stderr.contains(&format!(
                "error: {}: another clearance report run",
                out.join(LOCK).display()
            )),
            "{stderr}"
        );
    }
    assert!(out.join("2026-W47/summary.json").is_file());
    assert!(leftovers(&out).is_empty(), "left {:?}", leftovers(&out));
}

/// A plain file where the week's folder goes is someone's file: refused with 73 naming it, left
/// byte for byte, nothing written.
#[test]
fn a_file_where_the_week_folder_goes_is_never_replaced() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    fs::create_dir_all(&out).unwrap();
    let file = out.join("2026-W47");
    fs::write(&file, "my notes\n").unwrap();
    let o = report(&out, W47, &[]);
    assert_eq!(code(&o), 73, "stderr: {}", text(&o.stderr));
    assert_eq!(
        text(&o.stderr),
        format!(
            "error: {}: is a file where the report's week folder goes; it is not replaced: move or rename it and run again\n",
            file.display()
        )
    );
    assert_eq!(fs::read(&file).unwrap(), b"my notes\n");
    assert!(leftovers(&out).is_empty(), "left {:?}", leftovers(&out));
    // Moved away, the week is written.
    fs::rename(&file, tmp.path().join("notes")).unwrap();
    ok(report(&out, W47, &[]));
    assert!(out.join("2026-W47/summary.json").is_file());
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_at_the_lock_files_path_is_refused_and_its_target_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("reports");
    std::fs::create_dir_all(&out).expect("out");
    let precious = dir.path().join("precious.txt");
    std::fs::write(&precious, "keep me\n").expect("write");
    std::os::unix::fs::symlink(&precious, out.join(".clearance-report.lock")).expect("symlink");
    let r = bin()
        .args([
            "report",
            "fixtures/report/catalog.csv",
            "--as-of",
            "2026-11-20",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("report");
    assert_eq!(
        r.status.code(),
        Some(73),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(String::from_utf8_lossy(&r.stderr).contains("is not a plain lock file"));
    assert_eq!(
        std::fs::read_to_string(&precious).expect("read"),
        "keep me\n"
    );
}

/// report.html at 1280 px and at a 420 px phone width in headless Chromium: no table cell
/// holding a number, a sku or a date wraps inside (each cell's text lies on one line, measured
/// in the page's DOM), and no chart runs past the page's width. Skipped without Chromium.
#[test]
fn html_never_breaks_a_number_or_sku_and_charts_fit_at_1280_and_420_px() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped: /usr/bin/chromium not found");
        return;
    }
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("reports");
    let run = bin()
        .args([
            "report",
            "examples/catalog.xlsx",
            "--sales",
            "examples/sales.csv",
            "--as-of",
            "2026-11-20",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    ok(run);
    let page = fs::read_to_string(out.join("2026-W47/report.html")).unwrap();
    // Measures every number, sku and date cell: its text's line boxes must share one top.
    let script = r#"<script>
var wrapped = [];
document.querySelectorAll("td.num, td.key").forEach(function (td) {
  var r = document.createRange(); r.selectNodeContents(td);
  var tops = new Set();
  Array.from(r.getClientRects()).forEach(function (x) { if (x.width > 0) tops.add(Math.round(x.top)); });
  if (tops.size > 1) wrapped.push(td.textContent);
});
var width = document.documentElement.getBoundingClientRect().width;
var clipped = [];
document.querySelectorAll("figure svg").forEach(function (svg) {
  if (svg.getBoundingClientRect().right > width + 1) clipped.push(svg.getAttribute("aria-label"));
});
document.body.setAttribute("data-check", JSON.stringify({wrapped: wrapped, clipped: clipped,
  cells: document.querySelectorAll("td.num, td.key").length, width: Math.round(width)}));
</script></body>"#;
    for (px, page_width) in [(1280, None), (420, Some(420))] {
        // Headless Chromium keeps its window at least 500 px wide: the phone width is set on
        // the page itself.
        let narrow = page_width
            .map(|w| format!("<style>html{{width:{w}px}}</style></head>"))
            .unwrap_or_else(|| "</head>".into());
        let checked = page.replace("</head>", &narrow).replace("</body>", script);
        let file = tmp.path().join(format!("check-{px}.html"));
        fs::write(&file, checked).unwrap();
        let profile = TempDir::new().unwrap();
        let out = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--window-size={px},2400"))
            .arg(format!("file://{}", file.display()))
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .expect("run chromium");
        let dom = String::from_utf8_lossy(&out.stdout);
        let start = dom.find("data-check=\"").expect("the check ran") + 12;
        let end = start + dom[start..].find('"').unwrap();
        let json = dom[start..end]
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        let check: Value = serde_json::from_str(&json).unwrap();
        assert!(check["cells"].as_u64().unwrap() > 100, "{check}");
        assert_eq!(
            check["wrapped"],
            serde_json::json!([]),
            "at {px} px: {check}"
        );
        assert_eq!(
            check["clipped"],
            serde_json::json!([]),
            "at {px} px: {check}"
        );
        if let Some(w) = page_width {
            assert_eq!(check["width"], w, "{check}");
        }
        // And a screenshot at that width, as a person sees it.
        let png = tmp.path().join(format!("report-{px}.png"));
        let shot = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("--window-size={px},2400"))
            .arg(format!("file://{}", file.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run chromium");
        assert!(shot.success(), "screenshot at {px} px");
        let bytes = fs::read(&png).expect("screenshot written");
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10 * 1024,
            "{px} px"
        );
    }
}
