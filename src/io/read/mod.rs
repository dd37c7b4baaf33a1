//! Readers: CSV and spreadsheets into rows, header mapping, then catalog lines, sales totals and
//! existing discounts. Readers know nothing of the pricing rules.

pub mod catalog;
pub mod dates;
pub mod existing;
pub mod hints;
pub mod mapping;
pub mod markdown;
pub mod merges;
pub mod number;
pub mod plan_file;
pub mod sales;
pub mod sku_table;
pub mod stock;
pub mod table;
pub mod template;
mod xml_tags;

pub use table::ReadOptions;

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// SHA-256 of a file's bytes, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::from_io_input(path, &e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::from_io_input(path, &e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
