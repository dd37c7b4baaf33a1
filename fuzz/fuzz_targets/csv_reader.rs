//! Any bytes as a CSV catalog: reading must end in lines or a clear error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.csv");
    std::fs::write(&path, data).unwrap();
    let _ = clearance::io::read::catalog::read_catalog(&path, &Default::default(), &[]);
});

/// The reader catches panics inside the spreadsheet library (a damaged file becomes exit 65);
/// libFuzzer's hook would abort on them anyway. A panic that escapes still fails the run.
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}
