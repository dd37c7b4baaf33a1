//! Invariants over generated catalogs, through the library as the binary uses it: every input
//! line appears once; no planned discount breaks the cap or the floor (stacking and price
//! endings included); the plan is the same for the same input; the untouched template
//! validates; and the revert file restores every original price exactly.

use clap::Parser;
use clearance::campaign::header::Header;
use clearance::campaign::package::{self, PackageOptions};
use clearance::campaign::validate::check;
use clearance::cli::{Cli, Command};
use clearance::config::resolve_plan;
use clearance::io::read::template::read_template;
use clearance::io::write::template::write_template;
use clearance::model::{LineStatus, Plan};
use clearance::planning::build_plan;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::path::Path;

#[derive(Debug, Clone)]
struct Row {
    qty: i32,
    sold: u32,
    price_cents: u32,
    cost_pct: Option<u32>,
    category: u8,
}

fn row() -> impl Strategy<Value = Row> {
    // Sold as a share of stock (0-80%, a third of them none), so most lines are slow movers.
    (
        -2i32..400,
        0u32..120,
        50u32..200_000,
        prop::option::of(5u32..130),
        0u8..4,
    )
        .prop_map(|(qty, sold_pct, price_cents, cost_pct, category)| {
            let sold_pct = sold_pct.saturating_sub(40);
            let sold = (qty.max(0) as u32) * sold_pct / 100;
            Row {
                qty,
                sold,
                price_cents,
                cost_pct,
                category,
            }
        })
}

fn write_catalog(dir: &Path, rows: &[Row]) -> String {
    let mut text = String::from("sku,name,category,quantity,price,cost,orders\n");
    for (i, r) in rows.iter().enumerate() {
        let price = Decimal::new(i64::from(r.price_cents), 2);
        let cost = r
            .cost_pct
            .map(|p| {
                (price * Decimal::from(p) / Decimal::ONE_HUNDRED)
                    .round_dp(2)
                    .to_string()
            })
            .unwrap_or_default();
        text.push_str(&format!(
            "S-{i},Item {i},Cat {},{},{price},{cost},{}\n",
            r.category, r.qty, r.sold
        ));
    }
    let path = dir.join("catalog.csv");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn plan_for(catalog: &str, extra: &[&str]) -> Plan {
    let mut argv = vec!["clearance", "plan", catalog, "--as-of", "2026-11-22"];
    argv.extend_from_slice(extra);
    let Command::Plan(args) = Cli::try_parse_from(argv).unwrap().command else {
        unreachable!()
    };
    let cfg = resolve_plan(&args, "2026-11-22".parse().unwrap()).unwrap();
    build_plan(&args, &cfg).unwrap()
}

fn without_time(p: &Plan) -> serde_json::Value {
    let mut v = serde_json::to_value(p).unwrap();
    v["generated_at"] = serde_json::Value::Null;
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn plan_invariants(rows in prop::collection::vec(row(), 1..40), existing in prop::option::of(1u32..30), endings in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let catalog = write_catalog(dir.path(), &rows);
        let existing_path = dir.path().join("existing.csv");
        let mut extra: Vec<String> = Vec::new();
        if let Some(e) = existing {
            std::fs::write(&existing_path, format!("scope_type,scope_id,percentage\nCATEGORY,Cat 1,{e}\n")).unwrap();
            extra.push("--existing".into());
            extra.push(existing_path.to_string_lossy().into_owned());
        }
        if endings {
            std::fs::write(dir.path().join("c.toml"), "price_endings = [0.99, 0.49]\n").unwrap();
            extra.push("--config".into());
            extra.push(dir.path().join("c.toml").to_string_lossy().into_owned());
        }
        let extra_refs: Vec<&str> = extra.iter().map(String::as_str).collect();
        let plan = plan_for(&catalog, &extra_refs);

        // Every input line exactly once.
        let mut keys: Vec<String> = plan.lines.iter().map(|l| l.sku.to_string()).collect();
        keys.sort();
        let mut want: Vec<String> = (0..rows.len()).map(|i| format!("S-{i}")).collect();
        want.sort();
        prop_assert_eq!(keys, want);

        // Cap and floor hold on the price the customer pays.
        for l in plan.lines.iter().filter(|l| l.status == LineStatus::Planned) {
            let d = l.discount_pct().unwrap();
            prop_assert!(d <= Decimal::from(25), "{} over the cap", l.sku);
            let price = l.price.get().unwrap();
            let paid = l.clearance_price().unwrap() * (Decimal::ONE - l.existing_discount_pct().unwrap_or_default() / Decimal::ONE_HUNDRED);
            let depth = Decimal::ONE_HUNDRED * (Decimal::ONE - paid / price);
            let cent = Decimal::ONE_HUNDRED * Decimal::new(1, 2) / price;
            prop_assert!(depth <= Decimal::from(25) + cent, "{}: combined depth {depth}", l.sku);
            if let Some(cost) = l.cost.get() {
                let m = Decimal::ONE_HUNDRED * (price - cost) / price;
                prop_assert!(depth <= m - Decimal::from(15) + cent, "{}: floor broken ({depth} > {m} - 15)", l.sku);
            } else {
                prop_assert!(depth <= Decimal::from(15) + cent, "{}: no-cost allowance broken", l.sku);
            }
        }

        // Same input, same plan.
        let again = plan_for(&catalog, &extra_refs);
        prop_assert_eq!(without_time(&plan), without_time(&again));

        // The untouched template validates, and apply's revert file restores every price.
        let template = dir.path().join("upload-template.xlsx");
        write_template(Some(&plan), &template, &template).unwrap();
        let file = read_template(&template).unwrap();
        let (problems, edited) = check(&plan, &file);
        prop_assert!(problems.is_empty(), "{problems:?}");
        let header = Header {
            name: "P".into(),
            owner: None,
            start: "2026-11-22".parse().unwrap(),
            end: "2026-12-20".parse().unwrap(),
            first_delivery_till: None,
            regions: vec![],
            segments: vec![],
            notes: None,
        };
        let campaign = package::build(&plan, &header, &edited, &PackageOptions::default(), "p");
        let planned = plan.lines.iter().filter(|l| l.status == LineStatus::Planned).count();
        prop_assert_eq!(campaign.lines.len(), planned);
        for (price_row, revert_row) in package::price_list(&campaign).iter().zip(package::revert(&campaign)) {
            let line = plan.lines.iter().find(|l| *l.sku == *price_row[0]).unwrap();
            let original: Decimal = revert_row[4].parse().unwrap();
            prop_assert_eq!(original, line.price.get().unwrap());
            prop_assert_eq!(&revert_row[0], &price_row[0]);
            prop_assert_eq!(&revert_row[5], "2026-12-21");
        }
    }
}
