//! The "bare streaming window-and-sum" baseline of SPEC section 8.
//!
//! `cargo run --release --example stream_sum -- SALES.csv 2026-11-22 90`
//!
//! Reads order lines with a `sku`, `quantity` and `date` column (found by header name, any
//! order, other columns ignored) through a `csv::ByteRecord` loop, parses the ISO date's bytes,
//! keeps the lines dated in the DAYS-day window ending at the date (both ends included), sums
//! quantity per sku in a `HashMap<Vec<u8>, i64>` and prints the number of skus. No decimals,
//! no encodings, no error reporting beyond a count: this is the floor the planner's sales
//! reading is compared against.

use std::collections::HashMap;
use std::process::ExitCode;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() {
        return None;
    }
    let mut n = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(c - b'0');
    }
    Some(n)
}

/// `YYYY-MM-DD` (anything after the day, such as a time, is ignored).
fn parse_date(b: &[u8]) -> Option<i64> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Some(days_from_civil(
        digits(&b[0..4])?,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    ))
}

fn parse_int(b: &[u8]) -> Option<i64> {
    match b.first()? {
        b'-' => digits(&b[1..]).map(|n| -n),
        _ => digits(b),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: stream_sum SALES.csv YYYY-MM-DD DAYS");
        return ExitCode::from(2);
    }
    let Some(end) = parse_date(args[2].as_bytes()) else {
        eprintln!("bad date {}", args[2]);
        return ExitCode::from(2);
    };
    let Ok(days) = args[3].parse::<i64>() else {
        eprintln!("bad window {}", args[3]);
        return ExitCode::from(2);
    };
    let start = end - (days - 1);

    let mut rdr = match csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(&args[1])
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", args[1]);
            return ExitCode::from(66);
        }
    };
    let headers = match rdr.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            eprintln!("{}: {e}", args[1]);
            return ExitCode::from(65);
        }
    };
    let col = |name: &[u8]| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(c_sku), Some(c_qty), Some(c_date)) = (col(b"sku"), col(b"quantity"), col(b"date"))
    else {
        eprintln!("{}: needs sku, quantity and date columns", args[1]);
        return ExitCode::from(65);
    };

    let mut sums: HashMap<Vec<u8>, i64> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    let (mut lines, mut bad) = (0u64, 0u64);
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => {
                bad += 1;
                continue;
            }
        }
        lines += 1;
        let (Some(sku), Some(q), Some(d)) =
            (record.get(c_sku), record.get(c_qty), record.get(c_date))
        else {
            bad += 1;
            continue;
        };
        let Some(day) = parse_date(d) else {
            bad += 1;
            continue;
        };
        if day < start || day > end {
            continue;
        }
        let Some(q) = parse_int(q) else {
            bad += 1;
            continue;
        };
        match sums.get_mut(sku) {
            Some(s) => *s += q,
            None => {
                sums.insert(sku.to_vec(), q);
            }
        }
    }
    eprintln!(
        "{lines} lines read, {bad} unreadable, {} skus sold in the window",
        sums.len()
    );
    println!("{}", sums.len());
    ExitCode::SUCCESS
}
