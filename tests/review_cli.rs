//! `clearance review`: a campaign over three weeks of sales (fixtures/review/).
//!
//! The campaign: `plan fixtures/review/catalog.csv --sales fixtures/review/sales.csv --as-of
//! 2026-11-22`, the untouched upload template applied as "Winter clearance" from 2026-11-23 to
//! 2026-12-21. Lines: COAT-1 never sells (price 100, cost 50: the 15-point margin floor allows
//! 35%), SCARF-2 sells its 20 units by 2026-12-05, BOOT-3 sells one unit every four days.
//! fixtures/review/clearance.toml sets the ladder 25 → 30 → 40 → 50 with the cap raised to 50 and
//! judges the clearance rate on day 21.
//! Weekly reviews on 2026-11-29, 2026-12-06 and 2026-12-13.
mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;
use tempfile::TempDir;

const SALES: &str = "fixtures/review/sales.csv";
const CONFIG: &str = "fixtures/review/clearance.toml";
const WEEKS: [&str; 3] = ["2026-11-29", "2026-12-06", "2026-12-13"];

struct Res {
    code: i32,
    stdout: String,
    stderr: String,
}

fn clr<I: IntoIterator<Item = OsString>>(args: I) -> Res {
    let out = bin().args(args).output().expect("run clearance");
    Res {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn os(s: &str) -> OsString {
    s.into()
}

/// A plan and an approved campaign in a temporary folder.
struct Ctx {
    dir: TempDir,
}

impl Ctx {
    fn new() -> Ctx {
        let dir = tempfile::tempdir().expect("tempdir");
        let ctx = Ctx { dir };
        let plan = ctx.path("plan");
        let r = clr([
            os("plan"),
            os("fixtures/review/catalog.csv"),
            os("--sales"),
            os(SALES),
            os("--as-of"),
            os(AS_OF),
            os("--out"),
            plan.clone().into(),
            os("--quiet"),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = clr([
            os("apply"),
            plan.join("upload-template.xlsx").into(),
            os("--plan"),
            plan.join("plan.json").into(),
            os("--out"),
            ctx.path("campaigns").into(),
            os("--name"),
            os("Winter clearance"),
            os("--start"),
            os("2026-11-23"),
            os("--as-of"),
            os(AS_OF),
            os("--approve"),
            os("--by"),
            os("A. Buyer"),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        ctx
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    fn campaign(&self) -> PathBuf {
        self.path("campaigns/winter-clearance")
    }
    fn revision(&self, n: u32) -> PathBuf {
        self.campaign().join(format!("revisions/{n:03}"))
    }
    /// `review` for one week into `<tmp>/review-<date>`, with extra arguments.
    fn review(&self, as_of: &str, extra: &[&str]) -> Res {
        let mut args = vec![
            os("review"),
            self.campaign().join("campaign.json").into(),
            os("--sales"),
            os(SALES),
            os("--as-of"),
            os(as_of),
            os("--out"),
            self.path(&format!("review-{as_of}")).into(),
            os("--config"),
            os(CONFIG),
        ];
        args.extend(extra.iter().map(|a| os(a)));
        clr(args)
    }
    fn review_json(&self, as_of: &str) -> Value {
        read_json(&self.path(&format!("review-{as_of}/review.json")))
    }
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
    serde_json::from_str(&text).expect("valid JSON")
}

fn read_csv(p: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(p).expect("csv");
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn line<'a>(review: &'a Value, sku: &str) -> &'a Value {
    review["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["sku"] == sku)
        .unwrap_or_else(|| panic!("{sku} in the review"))
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

#[test]
fn an_item_that_never_sells_is_deepened_once_per_step_until_the_floor_stops_it() {
    let ctx = Ctx::new();
    let mut whys = Vec::new();
    for week in WEEKS {
        let r = ctx.review(week, &["--apply"]);
        assert_eq!(r.code, 0, "{week}: {}", r.stderr);
        let coat = ctx.review_json(week);
        whys.push(line(&coat, "COAT-1").clone());
    }
    // Week 1: 7 days at 25% without a sale → the next step, 30%.
    assert_eq!(whys[0]["recommendation"], "deepen");
    assert_eq!(whys[0]["days_without_sale"], 7);
    assert_eq!(s(&whys[0]["next_discount_pct"]), "30");
    assert_eq!(s(&whys[0]["next_clearance_price"]), "70.00");
    assert_eq!(
        s(&whys[0]["why"]),
        "nothing sold for 7 days at 25% (clearance rate 0% after 7 days): deepen to 30% (price 70.00, margin 28.6%)"
    );
    // Week 2: the ladder's 40% is past the floor: 35%, and the why names the floor.
    assert_eq!(whys[1]["recommendation"], "deepen");
    assert_eq!(s(&whys[1]["discount_pct"]), "30");
    assert_eq!(s(&whys[1]["next_discount_pct"]), "35");
    assert_eq!(s(&whys[1]["limit"]), "margin floor 15%");
    assert!(
        s(&whys[1]["why"])
            .ends_with("deepen to 35% (price 65.00, margin 23.1%); margin floor 15% stops it at 35% instead of the ladder's 40%"),
        "{}",
        whys[1]["why"]
    );
    // Week 3: no deeper step is left and nothing sold: review.
    assert_eq!(whys[2]["recommendation"], "review");
    assert_eq!(s(&whys[2]["discount_pct"]), "35");
    assert_eq!(whys[2]["next_discount_pct"], Value::Null);
    assert!(
        s(&whys[2]["why"]).contains("margin floor 15% allows no deeper step than 35%: the item may not sell at any price the rules allow"),
        "{}",
        whys[2]["why"]
    );
    // Each step is recorded with its date and revision; no revision after the floor stopped it.
    let c = read_json(&ctx.revision(3).join("campaign.json"));
    assert_eq!(c["revision"], 3);
    let coat = c["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == "COAT-1")
        .unwrap();
    let steps: Vec<(String, String, i64)> = coat["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| {
            (
                s(&st["date"]),
                s(&st["discount_pct"]),
                st["revision"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("2026-11-23".into(), "25".into(), 1),
            ("2026-11-30".into(), "30".into(), 2),
            ("2026-12-07".into(), "35".into(), 3),
        ]
    );
    // Week 3 changes another line (BOOT-3, below) but never COAT-1 again.
    let last = ctx.review_json(WEEKS[2]);
    assert_eq!(last["campaign"]["revision"], 3);
    let c4 = read_json(&ctx.revision(4).join("campaign.json"));
    let changed: Vec<String> = c4["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| s(&c["sku"]))
        .collect();
    assert_eq!(changed, vec!["BOOT-3".to_string()]);
}

#[test]
fn a_fast_item_is_held_then_ended_when_cleared() {
    let ctx = Ctx::new();
    for week in &WEEKS[..2] {
        let r = ctx.review(week, &["--apply"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let w1 = ctx.review_json(WEEKS[0]);
    let scarf = line(&w1, "SCARF-2");
    assert_eq!(scarf["recommendation"], "hold");
    assert_eq!(s(&scarf["units_sold"]), "8");
    assert_eq!(s(&scarf["clearance_rate_pct"]), "40");
    assert!(s(&scarf["why"]).ends_with("last sale 2026-11-28): it moves; hold at 7%"));
    let w2 = ctx.review_json(WEEKS[1]);
    let scarf = line(&w2, "SCARF-2");
    assert_eq!(scarf["recommendation"], "end");
    assert_eq!(s(&scarf["stock_left"]), "0");
    assert!(
        s(&scarf["why"])
            .starts_with("stock cleared: 20 of 20 sold in 14 days (clearance rate 100%)"),
        "{}",
        scarf["why"]
    );
    assert!(s(&scarf["why"]).contains("revert.csv restores the list price 40.00 from 2026-12-07"));
    // The revision ends it: revert.csv carries it back to its list price, and nothing else.
    let revert = read_csv(&ctx.revision(3).join("revert.csv"));
    assert_eq!(revert.len(), 1);
    assert_eq!(revert[0]["sku"], "SCARF-2");
    assert_eq!(revert[0]["price"], "40.00");
    assert_eq!(revert[0]["valid_from"], "2026-12-07");
    let c = read_json(&ctx.revision(3).join("campaign.json"));
    let ended = c["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == "SCARF-2")
        .unwrap();
    assert_eq!(ended["ended_on"], "2026-12-06");
    // A line that sells a little every few days is held...
    assert_eq!(line(&w1, "BOOT-3")["recommendation"], "hold");
    assert_eq!(line(&w2, "BOOT-3")["recommendation"], "hold");
    // ...until its clearance rate is judged (day 21 here) and found timid: one step deeper.
    let r = ctx.review(WEEKS[2], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let w3 = ctx.review_json(WEEKS[2]);
    let boots = line(&w3, "BOOT-3");
    assert_eq!(boots["recommendation"], "deepen");
    assert_eq!(s(&boots["next_discount_pct"]), "25");
    assert!(
        s(&boots["why"])
            .starts_with("clearance rate 10% after 21 days is under 20%: deepen to 25%"),
        "{}",
        boots["why"]
    );
    assert_eq!(line(&w3, "SCARF-2")["recommendation"], "end");
    assert!(s(&line(&w3, "SCARF-2")["why"]).starts_with("ended on 2026-12-06"));
}

#[test]
fn revisions_stay_intact_and_price_lists_carry_only_changed_lines() {
    let ctx = Ctx::new();
    let original = snapshot(&ctx.campaign());
    let r = ctx.review(WEEKS[0], &["--apply"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after_first: BTreeMap<_, _> = snapshot(&ctx.campaign())
        .into_iter()
        .filter(|(p, _)| !p.starts_with(ctx.campaign().join("revisions")))
        // The lock file stays: it is only the handle of the OS lock.
        .filter(|(p, _)| *p != ctx.campaign().join(".clearance-review.lock"))
        .collect();
    assert_eq!(original, after_first, "revision 1 is never touched");
    let rev2 = snapshot(&ctx.revision(2));
    let prices = read_csv(&ctx.revision(2).join("price-list.csv"));
    assert_eq!(prices.len(), 1, "{prices:?}");
    assert_eq!(prices[0]["sku"], "COAT-1");
    assert_eq!(prices[0]["price"], "70.00");
    assert_eq!(prices[0]["list_price"], "100.00");
    assert_eq!(prices[0]["valid_from"], "2026-11-30");
    assert_eq!(prices[0]["valid_to"], "2026-12-21");
    let rules = read_json(&ctx.revision(2).join("discount-rules.json"));
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(
        rules[0]["discountRule"]["name"],
        "Winter clearance (revision 2) - 30% off"
    );
    assert_eq!(rules[0]["discountRule"]["active"], true);
    let d = &rules[0]["discountRule"]["discounts"];
    assert_eq!(d.as_array().unwrap().len(), 1);
    assert_eq!(d[0]["scope"]["id"], "p-coat-1");
    assert_eq!(d[0]["discount"]["percentage"], 30);
    assert_eq!(read_csv(&ctx.revision(2).join("revert.csv")).len(), 0);
    let c2 = read_json(&ctx.revision(2).join("campaign.json"));
    assert_eq!(c2["changes"].as_array().unwrap().len(), 1);

    let r = ctx.review(WEEKS[1], &["--apply"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        snapshot(&ctx.revision(2)),
        rev2,
        "revision 2 is never touched"
    );
    let prices = read_csv(&ctx.revision(3).join("price-list.csv"));
    assert_eq!(prices.len(), 1);
    assert_eq!(prices[0]["sku"], "COAT-1");
    assert_eq!(prices[0]["price"], "65.00");
    assert_eq!(prices[0]["valid_from"], "2026-12-07");

    // Reviewing the same week again never replaces a revision: a later review of revision 3
    // finds nothing to change, and an older file given still reads the latest revision.
    let r = clr([
        os("review"),
        ctx.revision(2).join("campaign.json").into(),
        os("--sales"),
        os(SALES),
        os("--as-of"),
        os(WEEKS[1]),
        os("--out"),
        ctx.path("again").into(),
        os("--config"),
        os(CONFIG),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        read_json(&ctx.path("again/review.json"))["campaign"]["revision"],
        3
    );
}

#[test]
fn review_without_apply_writes_the_review_and_leaves_the_campaign_alone() {
    let ctx = Ctx::new();
    let before = snapshot(&ctx.campaign());
    let r = ctx.review(WEEKS[0], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(snapshot(&ctx.campaign()), before);
    // The table on stdout, the why of each line to act on.
    assert!(
        r.stdout
            .contains("Campaign \"Winter clearance\" revision 1"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("10 of 170 units sold (clearance rate 5.9%)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("deepen COAT-1: nothing sold for 7 days"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Recommendations: deepen 1, hold 2, end 0, review 0")
    );
    assert!(
        !r.stdout.contains('\u{1b}'),
        "no colour when not a terminal"
    );
    // Sales of skus outside the campaign are expected, not warned about.
    assert!(!r.stderr.contains("HAT-4"), "{}", r.stderr);
    let review = ctx.review_json(WEEKS[0]);
    assert_eq!(review["schema"], "clearance.review/v1");
    assert_eq!(review["summary"]["units_sold"], "10");
    assert_eq!(review["summary"]["by_recommendation"]["deepen"], 1);
    assert_eq!(review["settings"]["cap_raised"], true);
    assert_eq!(
        review["settings"]["ladder"],
        serde_json::json!(["25", "30", "40", "50"])
    );
    let boots = line(&review, "BOOT-3");
    assert_eq!(s(&boots["units_sold"]), "2");
    assert_eq!(s(&boots["stock_left"]), "48");
    assert_eq!(s(&boots["stock_source"]), "estimated");
    assert_eq!(boots["days_running"], 7);
    // review.xlsx: Summary with a chart, Review with one row per line.
    let xlsx = ctx.path(&format!("review-{}/review.xlsx", WEEKS[0]));
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).expect("review.xlsx opens");
    use calamine::Reader;
    assert_eq!(wb.sheet_names(), vec!["Summary", "Review"]);
    let range = wb.worksheet_range("Review").expect("Review sheet");
    assert_eq!(range.height(), 4);
    let zip = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    assert!(
        zip.file_names()
            .any(|n| n.is_ok_and(|n| n.starts_with("xl/charts/chart")))
    );
    // Again without --force: refused, nothing changed.
    let again = ctx.review(WEEKS[0], &[]);
    assert_eq!(again.code, 73, "{}", again.stderr);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(ctx.review(WEEKS[0], &["--force", "--quiet"]).code, 0);
}

#[test]
fn stock_left_comes_from_the_catalog_when_given() {
    let ctx = Ctx::new();
    let r = ctx.review(
        WEEKS[1],
        &[
            "--catalog",
            "fixtures/review/catalog_2026-12-06.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let review: Value = serde_json::from_str(&r.stdout).expect("json on stdout");
    let boots = line(&review, "BOOT-3");
    assert_eq!(s(&boots["stock_left"]), "47");
    assert_eq!(s(&boots["stock_source"]), "catalog");
    assert_eq!(line(&review, "SCARF-2")["recommendation"], "end");
    assert!(
        review["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["role"] == "catalog")
    );
}

#[test]
fn the_cap_of_the_campaign_stops_steps_without_a_raised_cap() {
    let ctx = Ctx::new();
    let r = clr([
        os("review"),
        ctx.campaign().into(),
        os("--sales"),
        os(SALES),
        os("--as-of"),
        os(WEEKS[0]),
        os("--out"),
        ctx.path("capped").into(),
        os("--ladder"),
        os("25,30,40"),
        os("--quiet"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let review = read_json(&ctx.path("capped/review.json"));
    let coat = line(&review, "COAT-1");
    assert_eq!(coat["recommendation"], "hold");
    assert!(
        s(&coat["why"]).contains("the cap 25% allows no deeper step than 25%; hold at 25% until the clearance rate is judged on day 30 (2026-12-22)"),
        "{}",
        coat["why"]
    );
}

#[test]
fn review_needs_dated_sales_and_a_campaign() {
    let ctx = Ctx::new();
    let r = clr([
        os("review"),
        ctx.campaign().into(),
        os("--sales"),
        os("fixtures/sales_aggregated.csv"),
        os("--as-of"),
        os(WEEKS[0]),
        os("--out"),
        ctx.path("x").into(),
    ]);
    assert_eq!(r.code, 65, "{}", r.stderr);
    assert!(
        r.stderr.contains("fixtures/sales_aggregated.csv"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("needs dated sales lines"), "{}", r.stderr);
    assert!(r.stderr.contains("--map date="), "{}", r.stderr);
    let r = clr([
        os("review"),
        ctx.path("nowhere/campaign.json").into(),
        os("--sales"),
        os(SALES),
        os("--out"),
        ctx.path("x").into(),
    ]);
    assert_eq!(r.code, 66, "{}", r.stderr);
    let r = clr([
        os("review"),
        os("fixtures/basic.csv"),
        os("--sales"),
        os(SALES),
        os("--out"),
        ctx.path("x").into(),
    ]);
    assert_eq!(r.code, 65, "{}", r.stderr);
    assert!(r.stderr.contains("not a campaign.json"), "{}", r.stderr);
    assert!(!ctx.path("x").exists());
}

#[test]
fn a_running_apply_holds_the_lock_and_cron_gets_73() {
    use std::io::Write;
    let ctx = Ctx::new();
    // A lock held by a live process (this test): an OS lock on the lock file, as a run holds it.
    let lock = ctx.campaign().join(".clearance-review.lock");
    let mut held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .unwrap();
    held.lock().unwrap();
    write!(held, "{}", std::process::id()).unwrap();
    let r = ctx.review(WEEKS[0], &["--apply", "--lock-wait", "0", "--quiet"]);
    assert_eq!(r.code, 73, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "error: {}: another clearance review run (process {}) is writing this folder; waited 0 s: run again when it has finished (--lock-wait SECONDS waits longer where the command has it)\n",
            lock.display(),
            std::process::id()
        )
    );
    assert!(!ctx.campaign().join("revisions").exists());
    // Released (as a kill releases it); the lock file left behind blocks nothing.
    drop(held);
    let r = ctx.review(WEEKS[0], &["--apply", "--lock-wait", "0", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "quiet: {}", r.stderr);
    assert!(ctx.revision(2).join("campaign.json").is_file());
    // An empty lock file (a run killed before writing its process id) blocks nothing either.
    std::fs::write(&lock, "").unwrap();
    let r = ctx.review(WEEKS[1], &["--apply", "--lock-wait", "0", "--quiet"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_failed_revision_leaves_no_partial_folder() {
    let ctx = Ctx::new();
    let out = bin()
        .env("CLEARANCE_FAIL_AFTER", "revert.csv")
        .args([
            os("review"),
            ctx.campaign().into(),
            os("--sales"),
            os(SALES),
            os("--as-of"),
            os(WEEKS[0]),
            os("--out"),
            ctx.path("r").into(),
            os("--config"),
            os(CONFIG),
            os("--apply"),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(73),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(ctx.campaign().join("revisions"))
        .unwrap()
        .collect();
    assert!(
        left.is_empty(),
        "no revision and no temporary folder: {left:?}"
    );
    assert!(!ctx.path("r/review.json").exists());
}

#[test]
fn the_weekly_report_shows_running_campaigns_with_their_clearance_rates() {
    let ctx = Ctx::new();
    assert_eq!(ctx.review(WEEKS[0], &["--apply", "--quiet"]).code, 0);
    let report = |as_of: &str| {
        clr([
            os("report"),
            os("fixtures/review/catalog.csv"),
            os("--sales"),
            os(SALES),
            os("--as-of"),
            os(as_of),
            os("--out"),
            ctx.path("reports").into(),
            os("--campaigns"),
            ctx.path("campaigns").into(),
            os("--config"),
            os(CONFIG),
            os("--quiet"),
        ])
    };
    let r = report(WEEKS[1]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let week = ctx.path("reports/2026-W49");
    let summary = read_json(&week.join("summary.json"));
    let c = &summary["campaigns"][0];
    assert_eq!(c["name"], "Winter clearance");
    assert_eq!(c["revision"], 2, "the latest revision");
    assert_eq!(c["days_running"], 14);
    assert_eq!(c["units_sold"], "23");
    assert_eq!(c["on_hand_at_start"], "170");
    assert_eq!(c["clearance_rate_pct"], "13.5");
    assert_eq!(c["by_recommendation"]["end"], 1);
    let md = std::fs::read_to_string(week.join("report.md")).unwrap();
    assert!(md.contains("## Running campaigns"), "{md}");
    assert!(
        md.contains("| Winter clearance | 2026-11-23 to 2026-12-21 | 2 | 14 | 23 / 170 | 13.5 |"),
        "{md}"
    );
    let html = std::fs::read_to_string(week.join("report.html")).unwrap();
    assert!(html.contains("<h2>Running campaigns</h2>"));
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(week.join("report.xlsx")).expect("report.xlsx");
    use calamine::Reader;
    assert!(wb.sheet_names().contains(&"Campaigns".to_string()));
    let range = wb.worksheet_range("Campaigns").unwrap();
    assert_eq!(range.get_value((1, 8)), Some(&calamine::Data::Float(13.5)));
    // A damaged campaign beside it is named and skipped; the report is still written.
    std::fs::create_dir_all(ctx.path("campaigns/broken")).unwrap();
    std::fs::write(ctx.path("campaigns/broken/campaign.json"), "{not json").unwrap();
    let r = clr([
        os("report"),
        os("fixtures/review/catalog.csv"),
        os("--sales"),
        os(SALES),
        os("--as-of"),
        os(WEEKS[1]),
        os("--out"),
        ctx.path("reports").into(),
        os("--campaigns"),
        ctx.path("campaigns").into(),
        os("--config"),
        os(CONFIG),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("campaign skipped in the report"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("broken"), "{}", r.stderr);
    let summary = read_json(&week.join("summary.json"));
    assert_eq!(summary["campaigns"].as_array().unwrap().len(), 1);
    std::fs::remove_dir_all(ctx.path("campaigns/broken")).unwrap();
    // Before the start the campaign is not running: no section.
    let r = report(AS_OF);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary = read_json(&ctx.path("reports/2026-W47/summary.json"));
    assert!(summary.get("campaigns").is_none());
}

#[test]
fn text_from_the_catalog_never_becomes_a_formula_in_review_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let p = |x: &str| dir.path().join(x);
    let r = clr([
        os("plan"),
        os("fixtures/injection.csv"),
        os("--as-of"),
        os(AS_OF),
        os("--out"),
        p("plan").into(),
        os("--quiet"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = clr([
        os("apply"),
        p("plan/upload-template.xlsx").into(),
        os("--plan"),
        p("plan/plan.json").into(),
        os("--out"),
        p("campaigns").into(),
        os("--start"),
        os("2026-11-23"),
        os("--as-of"),
        os(AS_OF),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let campaign = p("campaigns/clearance-2026-11-23");
    let r = clr([
        os("review"),
        campaign.clone().into(),
        os("--sales"),
        os(SALES),
        os("--as-of"),
        os("2026-11-30"),
        os("--out"),
        p("review").into(),
        os("--format"),
        os("csv"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // CSV on stdout: every cell that began with = + - @ is quoted inert.
    let mut rd = csv::Reader::from_reader(r.stdout.as_bytes());
    let mut names = Vec::new();
    for rec in rd.records() {
        let rec = rec.unwrap();
        for cell in rec.iter() {
            assert!(
                !(cell.starts_with(['=', '+', '@'])
                    || cell.starts_with('-') && cell.parse::<f64>().is_err()),
                "live formula text in the CSV: {cell:?}"
            );
        }
        names.push(rec[2].to_string());
    }
    assert!(
        names.contains(&"'=HYPERLINK(\"http://x\",\"click\")".to_string()),
        "{names:?}"
    );
    // review.xlsx: string cells, no formula anywhere in the sheet XML.
    let xlsx = p("review/review.xlsx");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name.starts_with("xl/worksheets/") {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut f, &mut text).unwrap();
            assert!(!text.contains("<f>"), "{name} has a formula");
        }
    }
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::Reader;
    let range = wb.worksheet_range("Review").unwrap();
    let cells: Vec<String> = range.rows().skip(1).map(|r| r[2].to_string()).collect();
    assert!(
        cells.contains(&"=HYPERLINK(\"http://x\",\"click\")".to_string()),
        "{cells:?}"
    );
}

/// A multi-location campaign: plan and apply fixtures/multi_location.csv.
fn multi_location_campaign(dir: &Path) -> PathBuf {
    let r = clr([
        os("plan"),
        os("fixtures/multi_location.csv"),
        os("--as-of"),
        os(AS_OF),
        os("--out"),
        dir.join("plan").into(),
        os("--quiet"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = clr([
        os("apply"),
        dir.join("plan/upload-template.xlsx").into(),
        os("--plan"),
        dir.join("plan/plan.json").into(),
        os("--out"),
        dir.join("campaigns").into(),
        os("--start"),
        os("2026-11-23"),
        os("--as-of"),
        os(AS_OF),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir.join("campaigns/clearance-2026-11-23")
}

#[test]
fn locations_match_without_case_and_unmatched_ones_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let campaign = multi_location_campaign(dir.path());
    let r = clr([
        os("review"),
        campaign.into(),
        os("--sales"),
        os("fixtures/review/sales_locations.csv"),
        os("--as-of"),
        os("2026-11-29"),
        os("--out"),
        dir.path().join("review").into(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let review = read_json(&dir.path().join("review/review.json"));
    let sold = |loc: &str| {
        review["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["sku"] == "A" && l["location"] == loc)
            .map(|l| s(&l["units_sold"]))
    };
    assert_eq!(sold("WH1").as_deref(), Some("3"), "wh1 is WH1");
    assert_eq!(sold("WH2").as_deref(), Some("2"), "Wh2 is WH2");
    // A sale without a location, or at an unknown one, cannot be placed: said, not dropped.
    assert!(
        r.stderr.contains("2 sales line(s) for known skus at a location the catalog does not have were ignored (e.g. A@(no location), A@PARIS)"),
        "{}",
        r.stderr
    );
    // Skus outside the campaign are expected in a shop's sales.
    assert!(!r.stderr.contains("ZZZ"), "{}", r.stderr);
    assert!(r.stderr.contains("draft (not approved)"), "{}", r.stderr);
}

#[test]
fn on_the_last_day_nothing_is_deepened_past_the_end() {
    let ctx = Ctx::new();
    let r = ctx.review("2026-12-21", &["--apply"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let review = ctx.review_json("2026-12-21");
    for l in review["lines"].as_array().unwrap() {
        assert_eq!(l["recommendation"], "end", "{l}");
    }
    assert!(s(&line(&review, "COAT-1")["why"]).starts_with("the campaign ends today (2026-12-21)"));
    assert!(!ctx.campaign().join("revisions").exists());
}

#[test]
fn a_foreign_or_misnumbered_revision_folder_is_refused_by_name() {
    let ctx = Ctx::new();
    assert_eq!(ctx.review(WEEKS[0], &["--apply", "--quiet"]).code, 0);
    // Revision 2 copied under another number.
    let stray = ctx.campaign().join("revisions/005");
    std::fs::create_dir_all(&stray).unwrap();
    std::fs::copy(
        ctx.revision(2).join("campaign.json"),
        stray.join("campaign.json"),
    )
    .unwrap();
    let r = ctx.review(WEEKS[1], &["--apply"]);
    assert_eq!(r.code, 65, "{}", r.stderr);
    assert!(
        r.stderr.contains("revisions/005/campaign.json"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("not revision 5"), "{}", r.stderr);
    assert!(r.stderr.contains("move it out of"), "{}", r.stderr);
    assert!(!ctx.revision(3).exists());
}

#[test]
fn an_output_folder_that_cannot_be_written_leaves_no_revision() {
    let ctx = Ctx::new();
    std::fs::write(ctx.path("afile"), "x").unwrap();
    let r = clr([
        os("review"),
        ctx.campaign().into(),
        os("--sales"),
        os(SALES),
        os("--as-of"),
        os(WEEKS[0]),
        os("--out"),
        ctx.path("afile/sub").into(),
        os("--config"),
        os(CONFIG),
        os("--apply"),
    ]);
    assert_eq!(r.code, 73, "{}", r.stderr);
    assert!(
        !ctx.revision(2).exists(),
        "no revision without its review files"
    );
}

#[test]
fn a_quiet_line_above_the_success_rate_is_held_unless_successes_are_deepened() {
    // SCARF-2 sells 12 of its 20 units (60%) in its first four days, then nothing for 7 days.
    let ctx = Ctx::new();
    let sales = ctx.path("sales-success.csv");
    std::fs::write(
        &sales,
        "order_id,date,sku,quantity\nT-1,2026-11-24,SCARF-2,6\nT-2,2026-11-26,SCARF-2,6\nT-3,2026-11-26,BOOT-3,1\n",
    )
    .unwrap();
    let review = |config: &Path, out: &str| {
        let r = clr([
            os("review"),
            ctx.campaign().into(),
            os("--sales"),
            sales.clone().into(),
            os("--as-of"),
            os("2026-12-03"),
            os("--out"),
            ctx.path(out).into(),
            os("--config"),
            config.into(),
            os("--quiet"),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        read_json(&ctx.path(&format!("{out}/review.json")))
    };
    let held = review(Path::new(CONFIG), "held");
    let scarf = line(&held, "SCARF-2");
    assert_eq!(s(&scarf["clearance_rate_pct"]), "60");
    assert_eq!(scarf["days_without_sale"], 7);
    assert_eq!(scarf["recommendation"], "hold", "{scarf}");
    assert_eq!(scarf["changes"], false);
    let cur = s(&scarf["discount_pct"]).to_string();
    assert_eq!(
        s(&scarf["why"]),
        format!(
            "nothing sold for 7 days at {cur}%, but 12 of 20 sold in 11 days (clearance rate 60%) is at or above the 50% success mark: hold at {cur}% ([review] deepen_successes = true deepens it)"
        )
    );
    assert_eq!(held["settings"]["deepen_successes"], false);
    // A quiet line under the success rate is still deepened.
    assert_eq!(line(&held, "COAT-1")["recommendation"], "deepen");

    let config = ctx.path("deepen-successes.toml");
    let text = std::fs::read_to_string(CONFIG).unwrap() + "deepen_successes = true\n";
    std::fs::write(&config, text).unwrap();
    let deepened = review(&config, "deepened");
    assert_eq!(deepened["settings"]["deepen_successes"], true);
    let scarf = line(&deepened, "SCARF-2");
    assert_eq!(scarf["recommendation"], "deepen", "{scarf}");
}

/// The review sales up to (and including) `last`, in `<tmp>/<name>`.
fn sales_until(ctx: &Ctx, name: &str, last: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixture(SALES)).expect("sales");
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(',').nth(1).is_some_and(|d| d <= last))
        .map(|(_, l)| l)
        .collect();
    let path = ctx.path(name);
    std::fs::write(&path, kept.join("\n") + "\n").expect("write sales");
    path
}

#[test]
fn an_export_older_than_the_campaign_stops_the_review() {
    let ctx = Ctx::new();
    let sales = sales_until(&ctx, "old.csv", "2026-11-22");
    let r = clr([
        os("review"),
        ctx.campaign().join("campaign.json").into(),
        os("--sales"),
        sales.clone().into(),
        os("--as-of"),
        os("2026-12-06"),
        os("--out"),
        ctx.path("review-old").into(),
        os("--config"),
        os(CONFIG),
    ]);
    assert_eq!(r.code, 65, "{}", r.stderr);
    let newest = "2026-10-30"; // the sales file has none between 10-30 and the start
    assert_eq!(
        r.stderr.trim_end(),
        format!(
            "error: {}, column \"date\": none of the 33 dated sales line(s) is on or after the campaign's start 2026-11-23: the oldest sale is 2026-09-30 and the newest sale is {newest}; export the sales again to cover 2026-11-23 to 2026-12-06",
            sales.display()
        )
    );
}

#[test]
fn a_stale_export_is_a_warning_in_review_json() {
    let ctx = Ctx::new();
    let sales = sales_until(&ctx, "stale.csv", "2026-11-25");
    let r = clr([
        os("review"),
        ctx.campaign().join("campaign.json").into(),
        os("--sales"),
        sales.into(),
        os("--as-of"),
        os("2026-12-13"),
        os("--out"),
        ctx.path("review-stale").into(),
        os("--config"),
        os(CONFIG),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let review = read_json(&ctx.path("review-stale/review.json"));
    let warnings = review["warnings"].as_array().expect("warnings array");
    let w = warnings
        .iter()
        .find(|w| {
            w["message"].as_str().is_some_and(|m| {
                m.starts_with("the newest sale is 2026-11-25, 18 day(s) before 2026-12-13")
            })
        })
        .unwrap_or_else(|| panic!("{warnings:?}"));
    assert_eq!(w["column"], "date");
    assert!(w["file"].as_str().is_some_and(|f| f.ends_with("stale.csv")));
    assert!(r.stderr.contains("the export looks stale"), "{}", r.stderr);
}

#[test]
fn the_review_table_fits_a_narrow_terminal() {
    let ctx = Ctx::new();
    let run = |columns: &str, out: &str| {
        let o = bin()
            .env("COLUMNS", columns)
            .arg("review")
            .arg(ctx.campaign().join("campaign.json"))
            .args(["--sales", SALES, "--as-of", WEEKS[0], "--config", CONFIG])
            .arg("--out")
            .arg(ctx.path(out))
            .output()
            .expect("run clearance");
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let wide = run("200", "wide");
    assert!(wide.contains("No sale"), "{wide}");
    assert!(!wide.contains("left out"), "{wide}");
    let narrow = run("50", "narrow");
    for line in narrow.lines() {
        assert!(line.chars().count() <= 50, "{line}\n{narrow}");
    }
    // Notes under the table are wrapped at spaces, continued with an indent.
    let joined = narrow.replace("\n    ", " ").replace("\n  ", " ");
    assert!(
        joined.contains("Columns left out at this width: Rate %, Days, No sale, Left;"),
        "{narrow}"
    );
    assert!(
        joined.contains("deepen COAT-1: nothing sold for 7 days at 25%"),
        "{narrow}"
    );
}
