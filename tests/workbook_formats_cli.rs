//! What a merchant sees in the workbooks, read back with openpyxl (skipped with a message when
//! python3 with openpyxl is missing; `.ci/run` installs it): numbers stored as numbers,
//! percentages as fractions under a `%` format chosen per column, money with two decimals,
//! whole units as integers, dates as dates, and columns wide enough for their header's longest
//! word and their content.

mod common;

use common::*;
use std::process::Command;

fn openpyxl() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("SKIPPED: python3 with openpyxl is not available");
    }
    ok
}

/// Run a python script with openpyxl on `args`; it asserts and prints what it checked.
fn python(script: &str, args: &[&std::path::Path]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn plan_xlsx_numbers_percentages_money_units_and_widths() {
    if !openpyxl() {
        return;
    }
    let run = plan(&[
        "examples/catalog.xlsx",
        "--sales",
        "examples/sales.csv",
        "--as-of",
        "2026-11-20",
    ]);
    run.expect_code(0);
    let plan = run.plan();
    let first = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["status"] == "planned")
        .unwrap()
        .clone();
    let script = r##"
import sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Plan"]
head = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
def fmt(name, row=2):
    return ws.cell(row, head[name]).number_format
def val(name, row=2):
    return ws.cell(row, head[name]).value
def col_fmt(name):
    # every data row of the column has the same number format
    fmts = {ws.cell(r, head[name]).number_format for r in range(2, ws.max_row + 1) if ws.cell(r, head[name]).value is not None}
    assert len(fmts) == 1, (name, fmts)
    return fmts.pop()
for name in ["Tier", "Discount", "Max discount", "Margin", "Margin after", "Existing discount"]:
    if name not in head or all(ws.cell(r, head[name]).value is None for r in range(2, ws.max_row + 1)):
        continue
    f = col_fmt(name)
    assert f in ("0%", "0.0%", "0.00%"), (name, f)
    shown = {"0%": 0, "0.0%": 1, "0.00%": 2}[f]
    for r in range(2, ws.max_row + 1):
        v = ws.cell(r, head[name]).value
        if v is None:
            continue
        assert isinstance(v, (int, float)) and -10 <= v <= 1, (name, r, v)
        # the format shows every decimal the value has: nothing is displayed rounded
        assert abs(round(v * 100, shown) - v * 100) < 1e-9, (name, r, v, f)
for name in ["Price", "Cost", "Clearance price"]:
    assert col_fmt(name) == "#,##0.00", (name, col_fmt(name))
for name in ["On hand", "Sold", "Projected sold", "Left at end"]:
    f = col_fmt(name)
    assert f in ("#,##0", "#,##0.0", "#,##0.00"), (name, f)
    shown = {"#,##0": 0, "#,##0.0": 1, "#,##0.00": 2}[f]
    for r in range(2, ws.max_row + 1):
        v = ws.cell(r, head[name]).value
        assert v is None or abs(round(v, shown) - v) < 1e-9, (name, r, v, f)
# projections carry a decimal in this plan (0.3 units): shown, not rounded to 0
assert col_fmt("Projected sold") == "#,##0.0", col_fmt("Projected sold")
assert not any("%" in str(k) for k in head), head
print("discount", val("Discount"), fmt("Discount"))
print("price", float(val("Price")))
# widths: every header word fits, and the SKU column fits the longest sku
from openpyxl.utils import get_column_letter
for name, c in head.items():
    w = ws.column_dimensions[get_column_letter(c)].width
    longest_word = max(len(x) for x in name.split(" "))
    assert w >= longest_word, (name, w)
skus = [ws.cell(r, head["SKU"]).value for r in range(2, ws.max_row + 1)]
assert ws.column_dimensions[get_column_letter(head["SKU"])].width >= max(len(s) for s in skus)
assert ws.cell(1, 1).alignment.wrap_text, "headers wrap"
s = wb["Summary"]
rows = {s.cell(r, 1).value: s.cell(r, 2) for r in range(1, 15)}
assert isinstance(rows["As of"].value, datetime.datetime), rows["As of"].value
assert rows["As of"].value.date() == datetime.date(2026, 11, 20)
for k in ["Lines", "Planned", "Skipped"]:
    assert isinstance(rows[k].value, int), (k, rows[k].value)
assert rows["Average discount"].number_format == "0.0%", rows["Average discount"].number_format
assert 0 < rows["Average discount"].value < 1
print("lines", rows["Lines"].value, "planned", rows["Planned"].value)
"##;
    let out = python(script, &[&run.file("plan.xlsx")]);
    // The first planned line's discount, as a fraction; its price as a number.
    let pct: f64 = first["discount_pct"].to_string().parse().unwrap();
    let price: f64 = first["price"].as_str().unwrap().parse().unwrap();
    assert!(out.contains(&format!("discount {} ", pct / 100.0)), "{out}");
    assert!(out.contains(&format!("price {price:?}\n")), "{out}");
    let s = &plan["summary"];
    assert!(
        out.contains(&format!("lines {} planned {}", s["lines"], s["planned"])),
        "{out}"
    );
}

fn clearance_ok(args: &[&std::ffi::OsStr]) {
    let out = bin().args(args).output().expect("run clearance");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A plan of the review fixtures and its campaign, applied from 2026-11-23, in `dir`.
fn campaign(dir: &std::path::Path) {
    let plan = dir.join("plan");
    let s = |x: &str| std::ffi::OsString::from(x);
    clearance_ok(&[
        &s("plan"),
        &s("fixtures/review/catalog.csv"),
        &s("--sales"),
        &s("fixtures/review/sales.csv"),
        &s("--as-of"),
        &s(AS_OF),
        &s("--quiet"),
        &s("--out"),
        plan.as_os_str(),
    ]);
    clearance_ok(&[
        &s("apply"),
        plan.join("upload-template.xlsx").as_os_str(),
        &s("--plan"),
        plan.join("plan.json").as_os_str(),
        &s("--out"),
        dir.join("campaigns").as_os_str(),
        &s("--name"),
        &s("Winter clearance"),
        &s("--start"),
        &s("2026-11-23"),
        &s("--as-of"),
        &s(AS_OF),
        &s("--quiet"),
    ]);
}

#[test]
fn report_xlsx_counts_rates_and_empty_sections() {
    if !openpyxl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    campaign(tmp.path());
    let s = |x: &str| std::ffi::OsString::from(x);
    let reports = tmp.path().join("reports");
    clearance_ok(&[
        &s("report"),
        &s("fixtures/review/catalog.csv"),
        &s("--sales"),
        &s("fixtures/review/sales.csv"),
        &s("--as-of"),
        &s("2026-11-29"),
        &s("--campaigns"),
        tmp.path().join("campaigns").as_os_str(),
        &s("--out"),
        reports.as_os_str(),
        &s("--quiet"),
    ]);
    let script = r##"
import sys, openpyxl, zipfile, re, datetime
path = sys.argv[1]
wb = openpyxl.load_workbook(path)
k = wb["KPIs"]
cells = {(r, c): k.cell(r, c) for r in range(1, k.max_row + 1) for c in (1, 2)}
label = {k.cell(r, 1).value: r for r in range(1, k.max_row + 1)}
# the tier table counts lines: whole numbers under a "Lines" header
r = label["Candidates by tier (%)"]
assert k.cell(r, 2).value == "Lines", k.cell(r, 2).value
for rr in range(r + 1, r + 5):
    assert k.cell(rr, 2).number_format == "#,##0", k.cell(rr, 2).number_format
    assert float(k.cell(rr, 2).value).is_integer()
# a KPI in percent is a number with one decimal, money with two
assert k.cell(label["Sell-through % (window)"], 2).number_format == "0.0"
assert k.cell(label["Stock value at cost"], 2).number_format == "#,##0.00"
# empty sections say so (the first report has no previous week)
assert k.cell(label["New slow movers"], 2).value == "none this week", k.cell(label["New slow movers"], 2).value
assert k.cell(label["Recovered"], 2).value == "none this week"
c = wb["Campaigns"]
assert isinstance(c.cell(2, 2).value, datetime.datetime), c.cell(2, 2).value
assert c.cell(2, 9).number_format == "0.0"
# the clearance-rate chart runs 0-100 %
z = zipfile.ZipFile(path)
charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
rate = [x for x in charts if "clearance rate" in x]
assert len(rate) == 1, len(rate)
assert '<c:max val="100"/>' in rate[0] and '<c:min val="0"/>' in rate[0], rate[0][:2000]
from openpyxl.utils import get_column_letter
for sheet in ["Top slow movers", "Campaigns"]:
    ws = wb[sheet]
    for c in range(1, ws.max_column + 1):
        name = ws.cell(1, c).value
        if name:
            w = ws.column_dimensions[get_column_letter(c)].width
            assert w >= max(len(x) for x in name.split(" ")) - 1, (sheet, name, w)
top = [x for x in charts if "capital tied up" in x]
cat = re.search(r"<c:catAx>(.*?)</c:catAx>", top[0], re.S).group(1)
assert 'orientation val="maxMin"' in cat, "bars in the table's order"
assert "tickLblSkip" not in cat, "no sku label skipped"
print("ok")
"##;
    let out = python(script, &[&reports.join("2026-W48").join("report.xlsx")]);
    assert!(out.contains("ok"), "{out}");
}

#[test]
fn review_xlsx_money_percent_units_and_dates() {
    if !openpyxl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    campaign(tmp.path());
    let s = |x: &str| std::ffi::OsString::from(x);
    let out_dir = tmp.path().join("review");
    clearance_ok(&[
        &s("review"),
        tmp.path().join("campaigns/winter-clearance").as_os_str(),
        &s("--sales"),
        &s("fixtures/review/sales.csv"),
        &s("--as-of"),
        &s("2026-12-13"),
        &s("--config"),
        &s("fixtures/review/clearance.toml"),
        &s("--out"),
        out_dir.as_os_str(),
        &s("--quiet"),
    ]);
    let script = r##"
import sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Review"]
h = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
rows = range(2, ws.max_row + 1)
def fmts(name):
    return {ws.cell(r, h[name]).number_format for r in rows if ws.cell(r, h[name]).value is not None}
assert fmts("Next price") == {"#,##0.00"}, fmts("Next price")
assert fmts("Discount %") <= {"0", "0.0"} and fmts("Discount %"), fmts("Discount %")
assert fmts("Since") == {"yyyy-mm-dd"}
assert all(isinstance(ws.cell(r, h["Since"]).value, datetime.datetime) for r in rows)
assert fmts("On hand at start") <= {"#,##0", "#,##0.00"}
from openpyxl.utils import get_column_letter
for name, c in h.items():
    w = ws.column_dimensions[get_column_letter(c)].width
    assert w >= max(len(x) for x in name.split(" ")), (name, w)
s = wb["Summary"]
facts = {s.cell(r, 1).value: s.cell(r, 2).value for r in range(1, 15)}
assert isinstance(facts["As of"], datetime.datetime), facts["As of"]
assert isinstance(facts["Start"], datetime.datetime)
print("ok", ws.cell(2, h["Next price"]).value)
"##;
    let out = python(script, &[&out_dir.join("review.xlsx")]);
    assert!(out.contains("ok"), "{out}");
}

/// The template's Clearance price is an Excel formula of the row's Price and Discount %:
/// after a person changes a discount and the spreadsheet program recalculates (LibreOffice
/// here: openpyxl saves formulas without their results, so LibreOffice has to compute them),
/// it shows the price `apply` writes into the price list for that discount.
#[test]
fn template_clearance_price_formula_matches_apply_after_recalculation() {
    if !openpyxl() {
        return;
    }
    if Command::new("soffice").arg("--version").output().is_err() {
        eprintln!("SKIPPED: LibreOffice (soffice) is not available");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let run = plan(&[
        "examples/catalog.xlsx",
        "--sales",
        "examples/sales.csv",
        "--as-of",
        "2026-11-20",
    ]);
    run.expect_code(0);
    let edited = tmp.path().join("edited.xlsx");
    // Row 2 gets a discount 1.5 below its maximum (a price with a third decimal: rounded down,
    // as the planner rounds), row 3 is left out.
    let script = r##"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Template"]
h = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
# HO-1085 (price 569.00, maximum 13%): 11.5% gives 503.565, rounded down to 503.56 (ROUND
# would show 503.57), so the test tells the planner's rounding from Excel's usual one.
assert ws.cell(2, h["SKU"]).value == "HO-1085", ws.cell(2, h["SKU"]).value
assert float(ws.cell(2, h["Price"]).value) == 569.0
new = 11.5
ws.cell(2, h["Discount %"]).value = new
ws.cell(3, h["Include"]).value = "N"
wb.save(sys.argv[2])
print("sku", ws.cell(2, h["SKU"]).value, "discount", new)
"##;
    let out = python(script, &[&run.file("upload-template.xlsx"), &edited]);
    let sku = out.split_whitespace().nth(1).unwrap().to_string();
    let recalced = tmp.path().join("recalc");
    let status = Command::new("soffice")
        .args(["--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(&recalced)
        .arg(&edited)
        .env("HOME", tmp.path())
        .output()
        .expect("soffice runs");
    assert!(status.status.success(), "{status:?}");
    let resaved = recalced.join("edited.xlsx");
    let read = r##"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
ws = wb["Template"]
h = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
print("price", ws.cell(2, h["Clearance price"]).value)
"##;
    let shown = python(read, &[&resaved]);
    let shown: f64 = shown.split_whitespace().nth(1).unwrap().parse().unwrap();
    // apply on the file LibreOffice saved: the price list's price for that sku.
    let campaigns = tmp.path().join("campaigns");
    let out = bin()
        .arg("apply")
        .arg(&resaved)
        .arg("--plan")
        .arg(run.file("plan.json"))
        .arg("--out")
        .arg(&campaigns)
        .args(["--name", "Check", "--as-of", "2026-11-20", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = std::fs::read_to_string(campaigns.join("check/price-list.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(list.as_bytes());
    let head = rdr.headers().unwrap().clone();
    let (ks, kp) = (
        head.iter().position(|h| h == "sku").unwrap(),
        head.iter().position(|h| h == "price").unwrap(),
    );
    let price: f64 = rdr
        .records()
        .map(|r| r.unwrap())
        .find(|r| r[ks] == sku)
        .map(|r| r[kp].parse().unwrap())
        .expect("the sku is in the price list");
    assert_eq!(
        shown, price,
        "the template shows {shown}, apply writes {price}"
    );
}

#[test]
fn template_prices_money_velocity_and_percent_columns_formatted() {
    if !openpyxl() {
        return;
    }
    let run = plan(&[
        "examples/catalog.xlsx",
        "--sales",
        "examples/sales.csv",
        "--as-of",
        "2026-11-20",
    ]);
    run.expect_code(0);
    let script = r##"
import sys, openpyxl
from openpyxl.utils import get_column_letter
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Template"]
h = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, h["SKU"]).value and ws.cell(r, h["Price"]).value is not None]
assert len(rows) > 50, len(rows)
def fmts(name):
    return {ws.cell(r, h[name]).number_format for r in rows}
assert fmts("Price") == {"#,##0.00"}, fmts("Price")
assert fmts("Clearance price") == {"#,##0.00"}, fmts("Clearance price")
assert fmts("Velocity") == {"0.000"}, fmts("Velocity")
assert fmts("Discount %") == {"0.0#"}, fmts("Discount %")
for name in ["Suggested %", "Max %", "On hand", "Sold", "Projected sold", "Left at end"]:
    (f,) = fmts(name)
    shown = len(f.split(".")[1]) if "." in f else 0
    for r in rows:
        v = ws.cell(r, h[name]).value
        assert v is None or abs(round(float(v), shown) - float(v)) < 1e-9, (name, r, v, f)
# the clearance price is a formula of the row's own Price and Discount %
f = ws.cell(2, h["Clearance price"]).value
p, d = get_column_letter(h["Price"]), get_column_letter(h["Discount %"])
assert f.startswith("=") and f"{p}2" in f and f"{d}2" in f and "ROUNDDOWN" in f, f
# every header's longest word fits its column
for name, c in h.items():
    w = ws.column_dimensions[get_column_letter(c)].width
    assert w >= max(len(x) for x in name.split(" ")), (name, w)
print("ok")
"##;
    let out = python(script, &[&run.file("upload-template.xlsx")]);
    assert!(out.contains("ok"), "{out}");
}
