//! Any bytes as a CSV catalog: reading must end in lines or a clear error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.csv");
    std::fs::write(&path, data).unwrap();
    let _ = clearance::io::read::catalog::read_catalog(&path, &Default::default(), &[]);
});
