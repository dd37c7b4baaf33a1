//! Any bytes as an XLSX catalog (the corpus starts from real workbooks): never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.xlsx");
    std::fs::write(&path, data).unwrap();
    let _ = clearance::io::read::catalog::read_catalog(&path, &Default::default(), &[]);
});
