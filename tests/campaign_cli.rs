//! Upload-template round trip: `plan`/`template` write it, `validate` checks an edited copy,
//! `apply` turns it into the campaign package (SPEC section 5).
//!
//! The fixtures in fixtures/templates/ come from scripts/make_template_fixtures.py, made from
//! `clearance plan fixtures/basic_ids.csv --as-of 2026-11-22`; every test makes that plan again
//! in a temporary folder, so its plan.json has the fixtures' plan id.
mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, SheetVisible};
use common::*;
use serde_json::Value;
use tempfile::TempDir;

const CATALOG: &str = "fixtures/basic_ids.csv";
/// plan_id of `clearance plan fixtures/basic_ids.csv --as-of 2026-11-22` (default policy).
const PLAN_ID: &str = "792791e6f880";
const CAMPAIGN: &str = "clearance-2026-11-22";

const HEADERS: [&str; 20] = [
    "SKU",
    "Location",
    "Name",
    "Category",
    "On hand",
    "Sold",
    "Velocity",
    "Class",
    "Price",
    "Suggested %",
    "Max %",
    "Max set by",
    "Projected sold",
    "Left at end",
    "Include",
    "Discount %",
    "Clearance price",
    "Promo qty",
    "Display qty",
    "Note",
];
const INCLUDE: usize = 14;
const DISCOUNT: usize = 15;

// ---------------------------------------------------------------- helpers

/// A plan made into `<tmp>/plan`, with `<tmp>/campaigns` as the campaigns folder.
struct Ctx {
    dir: TempDir,
}

impl Ctx {
    fn new() -> Ctx {
        let dir = tempfile::tempdir().expect("tempdir");
        let ctx = Ctx { dir };
        let r = clr([
            "plan".into(),
            CATALOG.into(),
            "--as-of".into(),
            AS_OF.into(),
            "--out".into(),
            ctx.plan_dir().into_os_string(),
        ]);
        r.code(0);
        assert_eq!(
            s(&ctx.plan()["plan_id"]),
            PLAN_ID,
            "the plan id changed: run scripts/make_template_fixtures.py and update PLAN_ID"
        );
        ctx
    }
    fn plan_dir(&self) -> PathBuf {
        self.dir.path().join("plan")
    }
    fn plan_json(&self) -> PathBuf {
        self.plan_dir().join("plan.json")
    }
    fn template(&self) -> PathBuf {
        self.plan_dir().join("upload-template.xlsx")
    }
    fn campaigns(&self) -> PathBuf {
        self.dir.path().join("campaigns")
    }
    fn campaign_dir(&self, slug: &str) -> PathBuf {
        self.campaigns().join(slug)
    }
    fn plan(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.plan_json()).unwrap()).unwrap()
    }
    fn validate(&self, template: &Path, extra: &[&str]) -> Res {
        let mut args: Vec<OsString> = vec![
            "validate".into(),
            template.into(),
            "--plan".into(),
            self.plan_json().into(),
        ];
        args.extend(extra.iter().map(OsString::from));
        clr(args)
    }
    fn apply(&self, template: &Path, extra: &[&str]) -> Res {
        let mut args: Vec<OsString> = vec![
            "apply".into(),
            template.into(),
            "--plan".into(),
            self.plan_json().into(),
            "--out".into(),
            self.campaigns().into(),
            "--as-of".into(),
            AS_OF.into(),
        ];
        args.extend(extra.iter().map(OsString::from));
        clr(args)
    }
}

struct Res {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Res {
    fn code(&self, want: i32) -> &Self {
        assert_eq!(
            self.status, want,
            "unexpected exit status\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

fn clr<I: IntoIterator<Item = OsString>>(args: I) -> Res {
    let out = bin().args(args).output().expect("run clearance");
    Res {
        status: out.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tpl(name: &str) -> PathBuf {
    fixture(&format!("fixtures/templates/{name}"))
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => format!("{i}"),
        Data::Bool(b) => format!("{b}"),
        other => other.to_string(),
    }
}

fn cell_num(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// A sheet as rows of cells, trailing all-empty rows dropped.
fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb = calamine::open_workbook_auto(path).expect("open xlsx");
    let range = wb
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    let mut rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    while rows
        .last()
        .is_some_and(|r| r.iter().all(|c| matches!(c, Data::Empty)))
    {
        rows.pop();
    }
    rows
}

fn visibility(path: &Path, name: &str) -> Option<SheetVisible> {
    let wb = calamine::open_workbook_auto(path).expect("open xlsx");
    wb.sheets_metadata()
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.visible)
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", p.display()))
}

/// A CSV file as maps column → value.
fn read_csv(p: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Column of fixtures/basic_ids.csv as a set.
fn catalog_column(name: &str) -> HashSet<String> {
    read_csv(&fixture(CATALOG))
        .into_iter()
        .map(|r| r[name].clone())
        .collect()
}

/// Files (and folders) in a folder, empty when it does not exist.
/// What a folder holds, but the lock file `apply` leaves in the campaigns folder (the handle of
/// its OS lock, never deleted).
fn entries(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".clearance-write.lock")
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The planned lines of plan.json in template order.
fn planned_lines(plan: &Value) -> Vec<Value> {
    planned(plan).into_iter().cloned().collect()
}

/// (kind, id) of every scope in discount-rules.json, per rule; panics on anything not per SPEC.
fn check_rules(rules: &Value, active: bool) -> Vec<Vec<(String, String, f64)>> {
    let product_ids = catalog_column("product_id");
    let category_ids = catalog_column("category_id");
    let category_names = catalog_column("category");
    let skus = catalog_column("sku");
    let rules = rules
        .as_array()
        .expect("discount-rules.json is a JSON array");
    assert!(!rules.is_empty(), "no discount rules");
    let mut out = Vec::new();
    for body in rules {
        let obj = body.as_object().expect("rule body is an object");
        assert_eq!(
            obj.keys().collect::<Vec<_>>(),
            vec!["discountRule"],
            "body is {{\"discountRule\": ...}}: {body}"
        );
        let rule = &body["discountRule"];
        assert_eq!(rule["active"], Value::Bool(active), "{rule}");
        assert!(
            rule["name"].as_str().is_some_and(|n| !n.is_empty()),
            "{rule}"
        );
        let discounts = rule["discounts"].as_array().expect("discounts array");
        assert!(!discounts.is_empty(), "{rule}");
        let mut scopes = Vec::new();
        for d in discounts {
            let kind = s(&d["scope"]["type"]).to_string();
            let id = s(&d["scope"]["id"]).to_string();
            assert_eq!(d["discount"]["discountType"], "PERCENTAGE", "{d}");
            let pct = num(&d["discount"]["percentage"]);
            assert!(pct > 0.0 && pct <= 100.0, "{d}");
            match kind.as_str() {
                "SPECIFIC_PRODUCTS" => {
                    assert!(
                        product_ids.contains(&id),
                        "product scope {id} is not a product_id of basic_ids.csv"
                    );
                    assert!(!skus.contains(&id), "scope uses the sku {id}");
                }
                "COLLECTION" => {
                    assert!(
                        category_ids.contains(&id),
                        "collection scope {id} is not a category_id"
                    );
                    assert!(!category_names.contains(&id), "collection by name {id}");
                }
                other => panic!("scope type {other} (never site-wide): {d}"),
            }
            scopes.push((kind, id, pct));
        }
        let n = |k: &str| scopes.iter().filter(|s| s.0 == k).count();
        assert!(n("SPECIFIC_PRODUCTS") <= 5, "more than 5 products: {rule}");
        assert!(n("COLLECTION") <= 3, "more than 3 collections: {rule}");
        let pcts: BTreeSet<String> = scopes.iter().map(|s| format!("{}", s.2)).collect();
        assert_eq!(pcts.len(), 1, "one percentage per rule: {rule}");
        out.push(scopes);
    }
    out
}

/// The package written by apply: campaign.json lines as (sku, discount).
fn lines_of(campaign: &Value) -> Vec<(String, String)> {
    campaign["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| (s(&l["sku"]).to_string(), s(&l["discount_pct"]).to_string()))
        .collect()
}

/// The lines edited_valid.xlsx should give: included rows with their (edited) discounts.
fn edited_valid_lines() -> Vec<(String, String)> {
    [
        ("B-FLOOR", "7"),
        ("B-ZERO", "25"),
        ("B-NOCOST", "15"),
        ("B-V005", "10"),
        ("B-V010", "15"),
        ("B-V015", "12"),
        ("B-V025", "6"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

// ---------------------------------------------------------------- plan / template

#[test]
fn plan_writes_the_upload_template_with_one_row_per_planned_line() {
    let ctx = Ctx::new();
    let plan = ctx.plan();
    let want = planned_lines(&plan);
    assert_eq!(want.len(), 8);
    let rows = sheet(&ctx.template(), "Template");
    let header: Vec<String> = rows[0].iter().map(cell_text).collect();
    assert_eq!(header, HEADERS);
    let data: Vec<&Vec<Data>> = rows[1..]
        .iter()
        .filter(|r| r.iter().any(|c| !matches!(c, Data::Empty)))
        .collect();
    assert_eq!(data.len(), want.len(), "one row per planned line");
    for (row, line) in data.iter().zip(&want) {
        assert_eq!(cell_text(&row[0]), s(&line["sku"]));
        assert_eq!(cell_text(&row[INCLUDE]), "Y", "{row:?}");
        assert_eq!(
            cell_num(&row[DISCOUNT]),
            line["discount_pct"].as_f64(),
            "Discount % is the planned discount: {row:?}"
        );
        assert_eq!(
            cell_num(&row[9]),
            line["discount_pct"].as_f64(),
            "Suggested %"
        );
        assert_eq!(
            cell_num(&row[10]),
            line["max_discount_pct"].as_f64(),
            "Max %"
        );
        // The clearance price the planned discount gives (the formula's saved value).
        assert_eq!(
            cell_num(&row[16]),
            line["clearance_price"]
                .as_str()
                .and_then(|p| p.parse().ok()),
            "Clearance price: {row:?}"
        );
        for c in 17..20 {
            assert!(
                matches!(row[c], Data::Empty),
                "white cells start empty: {row:?}"
            );
        }
    }
    // hidden sheet: plan id, schema, one fingerprint per row
    assert_eq!(
        visibility(&ctx.template(), "_clearance"),
        Some(SheetVisible::Hidden)
    );
    assert_eq!(
        visibility(&ctx.template(), "Template"),
        Some(SheetVisible::Visible)
    );
    let meta = sheet(&ctx.template(), "_clearance");
    assert_eq!(cell_text(&meta[0][0]), "plan_id");
    assert_eq!(cell_text(&meta[0][1]), PLAN_ID);
    assert_eq!(cell_text(&meta[1][0]), "schema");
    assert_eq!(cell_text(&meta[1][1]), "clearance.template/v1");
    let fps: Vec<(String, String)> = meta
        .iter()
        .skip_while(|r| cell_text(&r[0]) != "key")
        .skip(1)
        .map(|r| (cell_text(&r[0]), cell_text(&r[1])))
        .collect();
    let keys: Vec<String> = fps.iter().map(|f| f.0.clone()).collect();
    let skus: Vec<String> = want.iter().map(|l| s(&l["sku"]).to_string()).collect();
    assert_eq!(keys, skus, "one fingerprint per row");
    let distinct: HashSet<&String> = fps.iter().map(|f| &f.1).collect();
    assert_eq!(distinct.len(), fps.len());
    for (_, fp) in &fps {
        assert!(
            fp.len() >= 8 && fp.chars().all(|c| c.is_ascii_hexdigit()),
            "fingerprint {fp}"
        );
    }
}

/// Protection, locked/unlocked cells, validations and frozen header, read with openpyxl.
#[test]
fn template_is_protected_with_validations_and_frozen_header() {
    let ctx = Ctx::new();
    let probe = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: python3 with openpyxl is not available");
        return;
    }
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Template"]
meta = wb["_clearance"]
assert meta.sheet_state == "hidden", meta.sheet_state
assert ws.protection.sheet, "sheet not protected"
assert not ws.protection.password, "protected with a password"
assert ws.freeze_panes and ws.freeze_panes.endswith("2"), ws.freeze_panes
limits = {r: ws.cell(r, 12).value for r in range(2, 10)}
include_ok = False
disc_ok = False
for dv in ws.data_validations.dataValidation:
    cells = [c for rng in dv.sqref.ranges for c in rng.cells]
    cols = {c[1] for c in cells}
    if cols == {15} and dv.type == "list" and dv.formula1 == '"Y,N"':
        include_ok = {(r, 15) for r in range(2, 10)} <= set(cells)
    if cols == {16} and dv.type == "decimal":
        # One rule for the column: 0 to the row's own Max % (column K, relative row).
        assert float(dv.formula1) == 0, dv.formula1
        assert dv.formula2.replace("$", "") == 'IF(K2="",100,K2)', dv.formula2
        assert dv.showInputMessage and "Max set by" in (dv.prompt or ""), dv.prompt
        disc_ok = {(r, 16) for r in range(2, 10)} <= set(cells)
assert include_ok, "Include has no Y/N list on every row"
assert disc_ok, "Discount % has no validation on every row"
for r in range(2, 10):
    assert any(w in (limits[r] or "") for w in ("margin floor", "cap", "cost")), limits[r]
grey = list(range(1, 15)) + [17]
white = [15, 16, 18, 19, 20]
for r in range(2, 10):
    for c in grey:
        assert ws.cell(r, c).protection.locked, f"({r},{c}) not locked"
    for c in white:
        assert not ws.cell(r, c).protection.locked, f"({r},{c}) locked"
    fill = ws.cell(r, 1).fill.fgColor.rgb
    assert fill and fill.upper().endswith("E7E6E6"), fill
print("OK")
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(ctx.template())
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "openpyxl check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn template_blank_has_the_header_and_no_rows() {
    let ctx = Ctx::new();
    let target = ctx.dir.path().join("blank.xlsx");
    clr([
        "template".into(),
        "--blank".into(),
        "--out".into(),
        target.clone().into_os_string(),
    ])
    .code(0);
    let rows = sheet(&target, "Template");
    let header: Vec<String> = rows[0].iter().map(cell_text).collect();
    assert_eq!(header, HEADERS);
    assert_eq!(rows.len(), 1, "no data rows: {:?}", &rows[1..]);
    assert_eq!(
        visibility(&target, "_clearance"),
        Some(SheetVisible::Hidden)
    );
}

#[test]
fn template_for_a_plan_refuses_to_overwrite_without_force() {
    let ctx = Ctx::new();
    let before = read_bytes(&ctx.template());
    let r = clr([
        "template".into(),
        "--plan".into(),
        ctx.plan_json().into_os_string(),
    ]);
    r.code(73);
    assert_eq!(read_bytes(&ctx.template()), before, "file was changed");
    clr([
        "template".into(),
        "--plan".into(),
        ctx.plan_json().into_os_string(),
        "--force".into(),
    ])
    .code(0);
    // same content as the one plan wrote
    let again = sheet(&ctx.template(), "Template");
    let other = ctx.dir.path().join("copy.xlsx");
    clr([
        "template".into(),
        "--plan".into(),
        ctx.plan_json().into_os_string(),
        "--out".into(),
        other.clone().into_os_string(),
    ])
    .code(0);
    assert_eq!(sheet(&other, "Template"), again);
    assert_eq!(
        sheet(&other, "_clearance"),
        sheet(&ctx.template(), "_clearance")
    );
}

// ---------------------------------------------------------------- validate

#[test]
fn validate_accepts_the_untouched_template() {
    let ctx = Ctx::new();
    let r = ctx.validate(&ctx.template(), &[]);
    r.code(0);
    assert_eq!(r.stdout, "", "no problems printed");
}

#[test]
fn validate_accepts_legal_edits_from_excel_libreoffice_and_csv() {
    let ctx = Ctx::new();
    for name in [
        "edited_valid.xlsx",
        "libreoffice_saved.xlsx",
        "edited_valid.csv",
    ] {
        let r = ctx.validate(&tpl(name), &[]);
        r.code(0);
        assert_eq!(r.stdout, "", "{name}: {}", r.stdout);
        assert!(r.stderr.contains("valid"), "{name}: {}", r.stderr);
    }
}

#[test]
fn libreoffice_saved_fixture_keeps_the_hidden_sheet() {
    let p = tpl("libreoffice_saved.xlsx");
    assert_eq!(visibility(&p, "_clearance"), Some(SheetVisible::Hidden));
    let meta = sheet(&p, "_clearance");
    assert_eq!(cell_text(&meta[0][1]), PLAN_ID);
}

const ERROR_LINES: [&str; 8] = [
    "Template!P2: discount -5% is below 0 (0 to 7% allowed)",
    "Template!P3: discount 40% is above the allowed 25% for sku B-ZERO (cap 25%)",
    "Template!P4: \"abc\" is not a number (a discount from 0 to 15%)",
    "Template!O5: Include \"maybe\" is not Y or N (Y or N)",
    "Template!E6: locked value changed: On hand is \"12\", the plan says \"10\" (grey columns come from the plan; edit only the white ones)",
    "Template!Q7: Promo qty -3 is below 0 (a quantity of 0 or more)",
    "Template!A10: unknown sku B-NOPE (not in the plan; only skus of the plan can be uploaded)",
    "Template!A11: duplicate row: B-V025 is already on row 8 (keep one row per sku and location)",
];

#[test]
fn validate_reports_every_problem_with_its_cell() {
    let ctx = Ctx::new();
    let r = ctx.validate(&tpl("edited_errors.xlsx"), &[]);
    r.code(65);
    let got: Vec<&str> = r.stdout.lines().collect();
    for want in ERROR_LINES {
        assert!(
            got.contains(&want),
            "missing line\n  {want}\nin stdout:\n{}",
            r.stdout
        );
    }
    assert_eq!(got.len(), ERROR_LINES.len(), "stdout:\n{}", r.stdout);
    assert!(r.stderr.contains("8 problem(s)"), "{}", r.stderr);
}

#[test]
fn validate_above_max_names_the_margin_floor_when_it_sets_the_max() {
    // B-FLOOR's maximum (7%) comes from the 15% margin floor, not the cap.
    let ctx = Ctx::new();
    let csv = ctx.dir.path().join("floor.csv");
    std::fs::write(&csv, "SKU,Include,Discount %\nB-FLOOR,Y,9\nB-NOCOST,Y,16\n").unwrap();
    let r = ctx.validate(&csv, &[]);
    r.code(65);
    assert!(
        r.stdout.contains(
            "floor.csv!C2: discount 9% is above the allowed 7% for sku B-FLOOR (margin floor 15%)"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("floor.csv!C3: discount 16% is above the allowed 15% for sku B-NOCOST ("),
        "{}",
        r.stdout
    );
}

#[test]
fn validate_lists_every_problem_of_a_duplicate_row() {
    let ctx = Ctx::new();
    let csv = ctx.dir.path().join("dup.csv");
    std::fs::write(
        &csv,
        "SKU,Include,Discount %\nB-ZERO,Y,20\nB-ZERO,maybe,abc\n",
    )
    .unwrap();
    let r = ctx.validate(&csv, &[]);
    r.code(65);
    let got: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        got,
        [
            "dup.csv!A3: duplicate row: B-ZERO is already on row 2 (keep one row per sku and location)",
            "dup.csv!B3: Include \"maybe\" is not Y or N (Y or N)",
            "dup.csv!C3: \"abc\" is not a number (a discount from 0 to 25%)",
        ],
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("3 problem(s)"), "{}", r.stderr);
}

#[test]
fn validate_json_lists_the_same_problems() {
    let ctx = Ctx::new();
    let r = ctx.validate(&tpl("edited_errors.xlsx"), &["--format", "json"]);
    r.code(65);
    let v: Value = serde_json::from_str(&r.stdout).expect("stdout is JSON");
    assert!(v.is_object(), "{v}");
    let errors = v["errors"].as_array().expect("errors array");
    assert_eq!(errors.len(), ERROR_LINES.len(), "{v}");
    let lines: BTreeSet<String> = errors
        .iter()
        .map(|e| format!("{}: {}", s(&e["cell"]), s(&e["message"])))
        .collect();
    let want: BTreeSet<String> = ERROR_LINES.iter().map(|s| s.to_string()).collect();
    assert_eq!(lines, want);

    let ok = ctx.validate(&tpl("edited_valid.xlsx"), &["--format", "json"]);
    ok.code(0);
    let v: Value = serde_json::from_str(&ok.stdout).expect("stdout is JSON");
    assert_eq!(v["errors"].as_array().map(|a| a.len()), Some(0), "{v}");
}

#[test]
fn validate_rejects_a_template_from_another_plan() {
    let ctx = Ctx::new();
    let r = ctx.validate(&tpl("other_plan.xlsx"), &[]);
    r.code(65);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("template from another plan"))
        .unwrap_or_else(|| panic!("no plan-id error:\n{}", r.stdout));
    assert!(line.starts_with("_clearance!B1: "), "{line}");
    assert!(
        line.contains("000000000000") && line.contains(PLAN_ID),
        "{line}"
    );
}

// ---------------------------------------------------------------- apply

#[test]
fn apply_writes_the_campaign_package() {
    let ctx = Ctx::new();
    let r = ctx.apply(&tpl("edited_valid.xlsx"), &[]);
    r.code(0);
    let dir = ctx.campaign_dir(CAMPAIGN);
    assert_eq!(
        entries(&ctx.campaigns()),
        vec![CAMPAIGN.to_string()],
        "only the package"
    );
    let mut files = entries(&dir);
    files.sort();
    assert_eq!(
        files,
        [
            "campaign.json",
            "discount-rules.json",
            "price-list.csv",
            "revert.csv"
        ]
    );

    let c = read_json(&dir.join("campaign.json"));
    assert_eq!(c["status"], "draft");
    assert_eq!(c["name"], "Clearance 2026-11-22");
    assert_eq!(c["plan_id"], PLAN_ID);
    assert_eq!(c["start"], "2026-11-22");
    assert_eq!(c["end"], "2026-12-20", "end = start + 28 days");
    assert!(c["approved_by"].is_null());
    assert_eq!(lines_of(&c), edited_valid_lines());
    let line = |sku: &str| {
        c["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["sku"] == sku)
            .unwrap()
            .clone()
    };
    assert_eq!(line("B-V010")["promo_qty"], "5");
    assert_eq!(line("B-V010")["promo_qty_source"], "template");
    assert_eq!(line("B-V010")["display_qty"], "2");
    assert_eq!(line("B-ZERO")["note"], "Front window");
    assert_eq!(line("B-V005")["clearance_price"], "18.00", "20.00 less 10%");
    assert_eq!(line("B-V005")["list_price"], "20.00");

    // price list: the campaign's prices during the campaign
    let prices = read_csv(&dir.join("price-list.csv"));
    assert_eq!(prices.len(), 7);
    for (p, (sku, _)) in prices.iter().zip(edited_valid_lines()) {
        assert_eq!(p["sku"], sku);
        assert_eq!(p["valid_from"], "2026-11-22");
        assert_eq!(p["valid_to"], "2026-12-20");
        let l = line(&sku);
        assert_eq!(p["list_price"], s(&l["list_price"]));
        assert_eq!(p["price"], s(&l["clearance_price"]));
    }
    // revert: every list price restored exactly, from the day after the end
    let revert = read_csv(&dir.join("revert.csv"));
    assert_eq!(revert.len(), prices.len());
    let key = |r: &BTreeMap<String, String>| {
        (
            r["sku"].clone(),
            r["location"].clone(),
            r["currency"].clone(),
        )
    };
    let restore: BTreeMap<_, _> = revert
        .iter()
        .map(|r| (key(r), r["price"].clone()))
        .collect();
    assert_eq!(
        restore.len(),
        revert.len(),
        "one revert row per sku and location"
    );
    for p in &prices {
        assert_eq!(
            restore.get(&key(p)),
            Some(&p["list_price"]),
            "revert of {p:?}"
        );
    }
    for r in &revert {
        assert_eq!(r["valid_from"], "2026-12-21");
    }

    let rules = check_rules(&read_json(&dir.join("discount-rules.json")), false);
    // every campaign line is covered once, at its percentage
    let pid: BTreeMap<String, String> = read_csv(&fixture(CATALOG))
        .into_iter()
        .map(|r| (r["product_id"].clone(), r["sku"].clone()))
        .collect();
    let mut covered: Vec<(String, String)> = rules
        .iter()
        .flatten()
        .filter(|s| s.0 == "SPECIFIC_PRODUCTS")
        .map(|s| (pid[&s.1].clone(), format!("{}", s.2)))
        .collect();
    covered.sort();
    let mut want = edited_valid_lines();
    want.sort();
    assert_eq!(
        covered, want,
        "no category is fully in the campaign: products only"
    );
}

#[test]
fn apply_with_approve_activates_the_rules() {
    let ctx = Ctx::new();
    ctx.apply(
        &tpl("edited_valid.xlsx"),
        &["--approve", "--by", "A. Buyer"],
    )
    .code(0);
    let dir = ctx.campaign_dir(CAMPAIGN);
    let c = read_json(&dir.join("campaign.json"));
    assert_eq!(c["status"], "approved");
    assert_eq!(c["approved_by"], "A. Buyer");
    check_rules(&read_json(&dir.join("discount-rules.json")), true);
}

#[test]
fn apply_accepts_the_libreoffice_and_csv_copies() {
    let ctx = Ctx::new();
    for (name, slug) in [
        ("libreoffice_saved.xlsx", "lo"),
        ("edited_valid.csv", "csv"),
    ] {
        ctx.apply(&tpl(name), &["--name", slug]).code(0);
        let c = read_json(&ctx.campaign_dir(slug).join("campaign.json"));
        assert_eq!(lines_of(&c), edited_valid_lines(), "{name}");
    }
}

#[test]
fn apply_writes_coupons_and_boosts_when_asked() {
    let ctx = Ctx::new();
    ctx.apply(
        &tpl("edited_valid.xlsx"),
        &["--segment", "VIP", "--segment", "B2B", "--boosts"],
    )
    .code(0);
    let dir = ctx.campaign_dir(CAMPAIGN);
    let coupons = read_csv(&dir.join("coupons.csv"));
    assert_eq!(coupons.len(), 2);
    let segments: Vec<&str> = coupons.iter().map(|c| c["segment"].as_str()).collect();
    assert_eq!(segments, ["VIP", "B2B"]);
    let codes: HashSet<&str> = coupons.iter().map(|c| c["code"].as_str()).collect();
    assert_eq!(codes.len(), 2, "unique codes: {coupons:?}");
    assert!(codes.iter().all(|c| !c.is_empty()));
    let boosts = read_csv(&dir.join("boosts.csv"));
    let skus: Vec<String> = boosts.iter().map(|b| b["sku"].clone()).collect();
    let want: Vec<String> = edited_valid_lines().into_iter().map(|l| l.0).collect();
    assert_eq!(skus, want);
    for b in &boosts {
        let w: f64 = b["boost"].parse().expect("boost is a number");
        assert!((1.0..=10.0).contains(&w), "{b:?}");
    }
}

#[test]
fn apply_splits_rules_five_products_or_three_collections_at_a_time() {
    // Every planned sku at 5%: Garden and Kitchen are then fully in the campaign (COLLECTION by
    // category id), the rest are product scopes.
    let ctx = Ctx::new();
    let plan = ctx.plan();
    let mut text = String::from("SKU,Include,Discount %\n");
    for l in planned_lines(&plan) {
        text.push_str(&format!("{},Y,5\n", s(&l["sku"])));
    }
    let csv = ctx.dir.path().join("all5.csv");
    std::fs::write(&csv, text).unwrap();
    ctx.apply(&csv, &[]).code(0);
    let rules = check_rules(
        &read_json(&ctx.campaign_dir(CAMPAIGN).join("discount-rules.json")),
        false,
    );
    let scopes: Vec<&(String, String, f64)> = rules.iter().flatten().collect();
    // each sku covered exactly once, by its product id or by its category's collection
    let catalog = read_csv(&fixture(CATALOG));
    for l in planned_lines(&plan) {
        let row = catalog.iter().find(|r| r["sku"] == s(&l["sku"])).unwrap();
        let n = scopes
            .iter()
            .filter(|sc| sc.1 == row["product_id"] || sc.1 == row["category_id"])
            .count();
        assert_eq!(n, 1, "{} covered {n} times", row["sku"]);
    }
    let products = scopes.iter().filter(|s| s.0 == "SPECIFIC_PRODUCTS").count();
    let collections = scopes.iter().filter(|s| s.0 == "COLLECTION").count();
    let rules_with = |k: &str| rules.iter().filter(|r| r.iter().any(|s| s.0 == k)).count();
    assert_eq!(
        rules_with("SPECIFIC_PRODUCTS"),
        products.div_ceil(5),
        "fewest rules"
    );
    assert_eq!(
        rules_with("COLLECTION"),
        collections.div_ceil(3),
        "fewest rules"
    );
}

#[test]
fn apply_chunks_more_than_five_products_at_one_percentage() {
    // Six skus at 5% with their categories not complete: two SPECIFIC_PRODUCTS rules (5 + 1).
    let ctx = Ctx::new();
    let csv = ctx.dir.path().join("six.csv");
    std::fs::write(
        &csv,
        "SKU,Include,Discount %\nB-FLOOR,Y,5\nB-ZERO,Y,5\nB-NOCOST,Y,5\nB-V010,Y,5\nB-V015,Y,5\nB-V025,Y,5\n",
    )
    .unwrap();
    ctx.apply(&csv, &[]).code(0);
    let rules = check_rules(
        &read_json(&ctx.campaign_dir(CAMPAIGN).join("discount-rules.json")),
        false,
    );
    let sizes: Vec<usize> = rules.iter().map(|r| r.len()).collect();
    assert_eq!(sizes, [5, 1], "{rules:?}");
}

#[test]
fn apply_refuses_a_template_with_errors_and_writes_nothing() {
    let ctx = Ctx::new();
    let r = ctx.apply(&tpl("edited_errors.xlsx"), &[]);
    r.code(65);
    assert!(
        entries(&ctx.campaigns()).is_empty(),
        "{:?}",
        entries(&ctx.campaigns())
    );
    for want in ERROR_LINES {
        assert!(r.stdout.contains(want), "missing {want}\n{}", r.stdout);
    }
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    let r = ctx.apply(&tpl("other_plan.xlsx"), &[]);
    r.code(65);
    assert!(entries(&ctx.campaigns()).is_empty());
}

#[test]
fn apply_twice_with_the_same_name_is_refused() {
    let ctx = Ctx::new();
    ctx.apply(&tpl("edited_valid.xlsx"), &[]).code(0);
    let before = read_bytes(&ctx.campaign_dir(CAMPAIGN).join("campaign.json"));
    let r = ctx.apply(&tpl("edited_valid.xlsx"), &[]);
    r.code(2);
    assert!(r.stderr.contains("already used"), "{}", r.stderr);
    assert_eq!(
        read_bytes(&ctx.campaign_dir(CAMPAIGN).join("campaign.json")),
        before
    );
    assert_eq!(entries(&ctx.campaigns()), vec![CAMPAIGN.to_string()]);
    // case does not make a name new
    let r = ctx.apply(
        &tpl("edited_valid.xlsx"),
        &["--name", "CLEARANCE 2026-11-22"],
    );
    r.code(2);
    assert!(r.stderr.contains("already used"), "{}", r.stderr);
}

#[test]
fn apply_checks_the_header_dates() {
    let ctx = Ctx::new();
    let cases: [(&[&str], &str); 3] = [
        (&["--start", "2026-11-21"], "before today"),
        (&["--end", "2026-11-21"], "before the start"),
        (
            &["--start", "2026-11-30", "--first-delivery", "2026-12-01"],
            "first delivery",
        ),
    ];
    for (args, msg) in cases {
        let r = ctx.apply(&tpl("edited_valid.xlsx"), args);
        r.code(2);
        assert!(r.stderr.contains(msg), "{args:?}: {}", r.stderr);
        assert!(
            entries(&ctx.campaigns()).is_empty(),
            "{args:?} wrote something"
        );
    }
    // first delivery before today is refused too; on the bounds it is fine
    let r = ctx.apply(
        &tpl("edited_valid.xlsx"),
        &["--start", "2026-11-30", "--first-delivery", "2026-11-21"],
    );
    r.code(2);
    ctx.apply(
        &tpl("edited_valid.xlsx"),
        &[
            "--start",
            "2026-11-30",
            "--end",
            "2026-11-30",
            "--first-delivery",
            "2026-11-30",
        ],
    )
    .code(0);
}

#[test]
fn overlapping_campaigns_warn_naming_both() {
    let ctx = Ctx::new();
    ctx.apply(&tpl("edited_valid.xlsx"), &[]).code(0);
    let r = ctx.apply(
        &tpl("edited_valid.xlsx"),
        &[
            "--name",
            "Winter B",
            "--start",
            "2026-12-01",
            "--end",
            "2026-12-31",
        ],
    );
    r.code(0);
    let warning = r
        .stderr
        .lines()
        .find(|l| l.starts_with("warning:") && l.contains("overlapping"))
        .unwrap_or_else(|| panic!("no overlap warning:\n{}", r.stderr));
    assert!(
        warning.contains("Clearance 2026-11-22") && warning.contains("Winter B"),
        "{warning}"
    );
    assert!(ctx.campaign_dir("winter-b").join("campaign.json").is_file());

    // no overlap: no warning
    let r = ctx.apply(
        &tpl("edited_valid.xlsx"),
        &[
            "--name",
            "Spring",
            "--start",
            "2027-01-01",
            "--end",
            "2027-01-31",
        ],
    );
    r.code(0);
    assert!(!r.stderr.contains("overlapping"), "{}", r.stderr);
}

#[test]
fn overlap_warning_names_both_campaigns_for_each_shared_line_only() {
    let ctx = Ctx::new();
    let dates = |name: &'static str, start: &'static str, end: &'static str| {
        vec!["--name", name, "--start", start, "--end", end]
    };
    ctx.apply(
        &tpl("edited_valid.xlsx"),
        &dates("Alpha", "2026-12-01", "2026-12-31"),
    )
    .code(0);
    ctx.apply(
        &tpl("edited_valid.xlsx"),
        &dates("Beta", "2027-03-01", "2027-03-31"),
    )
    .code(0);
    // Alpha keeps one line only: the other lines of the new campaign overlap nothing.
    let alpha = ctx.campaign_dir("alpha").join("campaign.json");
    let mut c = read_json(&alpha);
    let lines = c["lines"].as_array().expect("lines").clone();
    assert!(lines.len() > 1, "the fixture has several lines");
    let kept = lines[1].clone();
    c["lines"] = Value::Array(vec![kept.clone()]);
    std::fs::write(&alpha, serde_json::to_vec_pretty(&c).expect("json")).expect("write");
    // A folder without a campaign is not a campaign.
    std::fs::create_dir_all(ctx.campaigns().join("not-a-campaign")).expect("mkdir");

    let r = ctx.apply(
        &tpl("edited_valid.xlsx"),
        &dates("Gamma", "2026-12-31", "2027-01-15"),
    );
    r.code(0);
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("overlapping"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", r.stderr);
    let sku = kept["sku"].as_str().expect("sku");
    assert!(
        warnings[0].contains(&format!(
            "sku {sku} is in campaign \"Gamma\" (2026-12-31 to 2027-01-15) and in campaign \"Alpha\" (2026-12-01 to 2026-12-31), with overlapping dates"
        )),
        "{}",
        warnings[0]
    );
    assert!(!r.stderr.contains("Beta"), "{}", r.stderr);
}

// ---------------------------------------------------------------- quotes

#[test]
fn quotes_pair_each_customer_only_with_the_campaign_lines_they_bought() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan");
    clr([
        "plan".into(),
        "examples/catalog.xlsx".into(),
        "--sales".into(),
        "examples/sales.csv".into(),
        "--as-of".into(),
        "2026-11-20".into(),
        "--out".into(),
        plan.clone().into_os_string(),
        "--quiet".into(),
    ])
    .code(0);
    let campaigns = dir.path().join("campaigns");
    let r = clr([
        "apply".into(),
        plan.join("upload-template.xlsx").into_os_string(),
        "--plan".into(),
        plan.join("plan.json").into_os_string(),
        "--out".into(),
        campaigns.clone().into_os_string(),
        "--as-of".into(),
        "2026-11-20".into(),
        "--sales".into(),
        "examples/sales.csv".into(),
    ]);
    r.code(0);
    assert!(!r.stderr.contains("quotes.csv"), "not capped: {}", r.stderr);
    let quotes = read_csv(&campaigns.join("clearance-2026-11-20").join("quotes.csv"));
    // Thousands of rows when every customer was paired with every line of a category they bought in.
    assert_eq!(quotes.len(), 321);
    assert!(quotes.len() <= 2_000, "quotes.csv holds at most 2,000 rows");
    // What each customer bought in the plan's 90-day window (2026-08-23 to 2026-11-20).
    let mut bought: HashSet<(String, String)> = HashSet::new();
    for row in read_csv(&fixture("examples/sales.csv")) {
        let date = row["date"].as_str();
        if ("2026-08-23"..="2026-11-20").contains(&date) {
            bought.insert((row["customer"].clone(), row["sku"].clone()));
        }
    }
    let campaign: Value = serde_json::from_str(
        &std::fs::read_to_string(campaigns.join("clearance-2026-11-20/campaign.json")).unwrap(),
    )
    .unwrap();
    let in_campaign: HashSet<&str> = campaign["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| s(&l["sku"]))
        .collect();
    let mut ids: BTreeMap<&str, &str> = BTreeMap::new();
    for q in &quotes {
        assert!(
            bought.contains(&(q["customer"].clone(), q["sku"].clone())),
            "{} did not buy {}",
            q["customer"],
            q["sku"]
        );
        assert!(in_campaign.contains(q["sku"].as_str()), "{q:?}");
        assert_eq!(q["why"], "bought this sku");
        // One quote per customer.
        assert_eq!(
            *ids.entry(q["customer"].as_str())
                .or_insert(q["quote_id"].as_str()),
            q["quote_id"].as_str()
        );
    }
}

// ---------------------------------------------------------------- approve

/// Every file under `dir` with its bytes, but the lock file.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.file_name() != Some(".clearance-review.lock".as_ref()) {
                // (The lock file is only the handle of the OS lock; each run writes its pid.)
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn approve_turns_a_draft_into_an_approved_revision() {
    let ctx = Ctx::new();
    ctx.apply(&ctx.template(), &[]).code(0);
    let folder = ctx.campaign_dir(CAMPAIGN);
    let before = files_under(&folder);
    let draft: Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("campaign.json")).unwrap())
            .unwrap();
    assert_eq!(draft["status"], "draft");
    let approve = |extra: &[&str]| {
        let mut args: Vec<OsString> = vec![
            "approve".into(),
            folder.clone().into(),
            "--by".into(),
            "A. Buyer".into(),
            "--as-of".into(),
            AS_OF.into(),
        ];
        args.extend(extra.iter().map(OsString::from));
        clr(args)
    };

    let r = approve(&[]);
    r.code(0);
    let rev = folder.join("revisions").join("002");
    assert_eq!(
        r.stdout,
        format!(
            "Campaign \"Clearance 2026-11-22\" approved by A. Buyer: revision 2 written to {} (campaign.json, discount-rules.json with 6 active rule(s) from 2026-11-22 to 2026-12-20)\n",
            rev.display()
        )
    );
    // The earlier files are byte-identical; the revision holds exactly two files.
    let after = files_under(&folder);
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
    let added: Vec<&PathBuf> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    assert_eq!(
        added,
        [&rev.join("campaign.json"), &rev.join("discount-rules.json")]
    );
    assert!(folder.join(".clearance-review.lock").is_file());
    let approved: Value =
        serde_json::from_str(&std::fs::read_to_string(rev.join("campaign.json")).unwrap()).unwrap();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["revision"], 2);
    assert_eq!(approved["approved_by"], "A. Buyer");
    assert!(
        s(&approved["approved_at"]).ends_with('Z'),
        "{}",
        approved["approved_at"]
    );
    assert_eq!(approved["lines"], draft["lines"]);
    assert_eq!(approved["plan_id"], draft["plan_id"]);
    let rules: Value =
        serde_json::from_str(&std::fs::read_to_string(rev.join("discount-rules.json")).unwrap())
            .unwrap();
    let rules = rules.as_array().expect("rule bodies");
    assert_eq!(rules.len(), 6);
    for rule in rules {
        assert_eq!(rule["discountRule"]["active"], true, "{rule}");
        assert_eq!(
            rule["discountRule"]["activeTimeInfo"]["end"],
            "2026-12-20T23:59:59Z"
        );
    }

    // Approving again is refused and writes nothing.
    let again = approve(&[]);
    again.code(65);
    assert!(
        again.stderr.contains(&format!(
            "campaign \"Clearance 2026-11-22\" is already approved (by A. Buyer at {}, revision 2); nothing to approve",
            s(&approved["approved_at"])
        )),
        "{}",
        again.stderr
    );
    assert_eq!(files_under(&folder), after);
}

#[test]
fn approve_waits_for_the_campaign_lock_and_gives_73() {
    let ctx = Ctx::new();
    ctx.apply(&ctx.template(), &[]).code(0);
    let folder = ctx.campaign_dir(CAMPAIGN);
    // A lock held by a live process (this test), as `review --apply` holds it.
    let lock = folder.join(".clearance-review.lock");
    let mut held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .unwrap();
    held.lock().unwrap();
    std::io::Write::write_all(&mut held, std::process::id().to_string().as_bytes()).unwrap();
    let r = clr([
        OsString::from("approve"),
        folder.join("campaign.json").into(),
        "--by".into(),
        "A. Buyer".into(),
        "--lock-wait".into(),
        "0".into(),
    ]);
    r.code(73);
    assert!(
        r.stderr
            .contains("another clearance review or approve run (process "),
        "{}",
        r.stderr
    );
    assert!(!folder.join("revisions").exists());
    assert_eq!(
        std::fs::read_to_string(&lock).unwrap(),
        std::process::id().to_string(),
        "the other run's lock is left alone"
    );
    drop(held);
}

// ---------------------------------------------------------------- hidden sheet

/// The plan's template edited with openpyxl: `script` gets `wb`, then it is saved as `name` in
/// the context's folder. `None` (test skipped) without python3 and openpyxl.
fn edited_template(ctx: &Ctx, name: &str, script: &str) -> Option<PathBuf> {
    let out = ctx.dir.path().join(name);
    let code = format!(
        "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\n{script}\nwb.save(sys.argv[2])\n"
    );
    let r = std::process::Command::new("python3")
        .arg("-c")
        .arg(code)
        .arg(ctx.template())
        .arg(&out)
        .output();
    match r {
        Ok(o) if o.status.success() => Some(out),
        _ => {
            eprintln!("SKIPPED: python3 with openpyxl is not available");
            None
        }
    }
}

#[test]
fn a_template_without_its_hidden_sheet_is_accepted_with_a_warning_when_every_row_matches() {
    let ctx = Ctx::new();
    let Some(t) = edited_template(&ctx, "no-meta.xlsx", "del wb['_clearance']") else {
        return;
    };
    let warning = format!(
        "warning: {}: the template's hidden _clearance sheet is missing: it holds the plan id and the fingerprints of the rows that tie the template to its plan; accepted because the locked values of all 8 row(s) match this plan's fingerprints\n",
        t.display()
    );
    let r = ctx.validate(&t, &[]);
    r.code(0);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.starts_with(&warning), "{}", r.stderr);
    let r = ctx.apply(&t, &[]);
    r.code(0);
    assert!(r.stderr.starts_with(&warning), "{}", r.stderr);
    let campaign = read_json(&ctx.campaign_dir(CAMPAIGN).join("campaign.json"));
    assert!(
        campaign["warnings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("hidden _clearance sheet is missing")),
        "{}",
        campaign["warnings"]
    );
}

#[test]
fn a_template_without_its_hidden_sheet_is_refused_when_a_row_does_not_match() {
    let ctx = Ctx::new();
    // On hand of the first row changed (a locked value) and the hidden sheet deleted, so the
    // plan id check cannot run.
    let Some(t) = edited_template(
        &ctx,
        "no-meta-changed.xlsx",
        "del wb['_clearance']\nws = wb['Template']\nws['E2'] = ws['E2'].value + 1",
    ) else {
        return;
    };
    let first = s(&planned_lines(&ctx.plan())[0]["sku"]).to_string();
    let expected = format!(
        "error: {}: the template's hidden _clearance sheet is missing: it holds the plan id and the fingerprints of the rows that tie the template to its plan, and row 2 does not match this plan's fingerprint ({first}'s On hand is not the plan's); make a new template with `clearance template --plan` and copy your edits into it\n",
        t.display()
    );
    for r in [ctx.validate(&t, &[]), ctx.apply(&t, &[])] {
        r.code(65);
        assert_eq!(r.stderr, expected);
        assert_eq!(r.stdout, "");
    }
    assert!(!ctx.campaigns().exists(), "nothing written");
}

#[test]
fn an_edited_fingerprint_in_the_hidden_sheet_is_a_problem() {
    let ctx = Ctx::new();
    let Some(t) = edited_template(
        &ctx,
        "fingerprint.xlsx",
        "m = wb['_clearance']\nm['B5'] = '0000000000000000'",
    ) else {
        return;
    };
    let meta = sheet(&ctx.template(), "_clearance");
    let (key, print) = (cell_text(&meta[4][0]), cell_text(&meta[4][1]));
    let r = ctx.validate(&t, &[]);
    r.code(65);
    assert_eq!(
        r.stdout,
        format!(
            "Template!A2: the hidden _clearance sheet's fingerprint of {key} is 0000000000000000, this plan's is {print}: the hidden sheet was edited; make a new template with `clearance template --plan` for this plan\n"
        )
    );
}

// ---------------------------------------------------------------- campaign names (issue 14)

#[test]
fn apply_names_are_nfc_and_compared_without_case_or_accents() {
    let ctx = Ctx::new();
    let nfc = "Caf\u{e9} d\u{e9}stockage";
    let nfd = "Cafe\u{301} de\u{301}stockage";
    let r = ctx.apply(&tpl("edited_valid.xlsx"), &["--name", nfc]);
    r.code(0);
    assert_eq!(
        entries(&ctx.campaigns()),
        vec!["cafe-destockage".to_string()]
    );
    let c = read_json(&ctx.campaign_dir("cafe-destockage").join("campaign.json"));
    assert_eq!(s(&c["name"]), nfc);
    for same in [nfd, "CAFE DESTOCKAGE", " café déstockage "] {
        let r = ctx.apply(&tpl("edited_valid.xlsx"), &["--name", same]);
        r.code(2);
        assert!(r.stderr.contains("already used"), "{same:?}: {}", r.stderr);
        assert!(r.stderr.contains("choose another --name"), "{}", r.stderr);
    }
    assert_eq!(
        entries(&ctx.campaigns()),
        vec!["cafe-destockage".to_string()]
    );
}

#[test]
fn apply_names_in_another_script_get_their_own_folders() {
    let ctx = Ctx::new();
    ctx.apply(&tpl("edited_valid.xlsx"), &["--name", "Распродажа"])
        .code(0);
    ctx.apply(&tpl("edited_valid.xlsx"), &["--name", "Зимняя распродажа"])
        .code(0);
    let folders = entries(&ctx.campaigns());
    assert_eq!(folders.len(), 2, "{folders:?}");
    for f in &folders {
        let hash = f.strip_prefix("campaign-").unwrap_or_else(|| panic!("{f}"));
        assert!(
            hash.len() == 6 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{f}"
        );
    }
}

#[test]
fn apply_refuses_reserved_and_over_long_names() {
    let ctx = Ctx::new();
    let long = "x".repeat(300);
    let cases: [(&str, &str); 4] = [
        ("con", "device name on Windows"),
        ("NUL", "device name on Windows"),
        ("com1", "device name on Windows"),
        (&long, "at most 100"),
    ];
    for (name, says) in cases {
        let r = ctx.apply(&tpl("edited_valid.xlsx"), &["--name", name]);
        r.code(2);
        assert!(r.stderr.contains(says), "{name:?}: {}", r.stderr);
        assert!(r.stderr.contains("--name"), "{}", r.stderr);
    }
    assert!(entries(&ctx.campaigns()).is_empty());
}
