//! Any bytes as an edited template, validated against a fixed plan: never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn plan() -> &'static clearance::model::Plan {
    static PLAN: OnceLock<clearance::model::Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let text = include_str!("../plan.json");
        serde_json::from_str(text).expect("fuzz/plan.json is a plan")
    })
}

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    let dir = tempfile::tempdir().unwrap();
    // Alternate between the two formats validate accepts.
    let name = if data.first().is_some_and(|b| b % 2 == 0) { "t.xlsx" } else { "t.csv" };
    let path = dir.path().join(name);
    std::fs::write(&path, data).unwrap();
    if let Ok(file) = clearance::io::read::template::read_template(&path) {
        let _ = clearance::campaign::validate::check(plan(), &file);
    }
});

/// The reader catches panics inside the spreadsheet library (a damaged file becomes exit 65);
/// libFuzzer's hook would abort on them anyway. A panic that escapes still fails the run.
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}
