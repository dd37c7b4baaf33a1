//! Criterion benches for the rule engine and the readers, on generated data (no files needed):
//! `cargo bench --bench engine`. The end-to-end comparison with pandas is scripts/bench/run.sh.

use clearance::io::read::catalog::read_catalog;
use clearance::io::read::number::parse_number;
use clearance::model::CatalogLine;
use clearance::rules::{Policy, build_lines};
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use std::hint::black_box;

/// `n` catalog lines with a spread of velocities, margins and missing costs.
fn lines(n: usize) -> Vec<CatalogLine> {
    (0..n)
        .map(|i| {
            let qty = (i % 400) as i64;
            let sold = (i * 7 % 300) as i64;
            let price = Decimal::new(500 + (i % 50_000) as i64, 2);
            CatalogLine {
                row: i + 2,
                sku: format!("SKU-{i:07}").into(),
                name: Some(format!("Product {i}").into()),
                category: Some(format!("Cat {}", i % 200).into()),
                quantity: Some(Decimal::from(qty)).into(),
                sold: Some(Decimal::from(sold)).into(),
                price: Some(price).into(),
                cost: (i % 20 != 0)
                    .then(|| (price * Decimal::new(30 + (i % 60) as i64, 2)).round_dp(2))
                    .into(),
                ..CatalogLine::default()
            }
        })
        .collect()
}

fn rules(c: &mut Criterion) {
    let catalog = lines(100_000);
    let policy = Policy::default();
    c.bench_function("rules: build_lines 100k lines", |b| {
        b.iter(|| build_lines(black_box(catalog.clone()), &policy, &[]))
    });
}

fn readers(c: &mut Criterion) {
    c.bench_function("parse_number mixed formats", |b| {
        b.iter(|| {
            for s in [
                "19.99",
                "1.234,50 €",
                "$1,234.50",
                "120",
                "-5",
                "1 234,50",
                "n/a",
            ] {
                let _ = black_box(parse_number(black_box(s), false));
            }
        })
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("catalog.csv");
    let mut text = String::from("sku,name,category,quantity,price,cost,orders\n");
    for i in 0..100_000 {
        text.push_str(&format!(
            "SKU-{i:07},Product {i},Cat {},{},{}.99,{}.10,{}\n",
            i % 200,
            i % 400,
            5 + i % 500,
            2 + i % 300,
            i % 97
        ));
    }
    std::fs::write(&path, text).expect("write catalog");
    c.bench_function("read_catalog 100k-row CSV", |b| {
        b.iter(|| read_catalog(black_box(&path), &Default::default(), &[]).map(|c| c.lines.len()))
    });
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(10);
    targets = rules, readers
}
criterion_main!(engine);
