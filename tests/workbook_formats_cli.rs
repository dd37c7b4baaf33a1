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
for name in ["Tier", "Discount", "Max discount", "Margin", "Margin after"]:
    f = col_fmt(name)
    assert f in ("0%", "0.0%"), (name, f)
    for r in range(2, ws.max_row + 1):
        v = ws.cell(r, head[name]).value
        assert v is None or (isinstance(v, float) or isinstance(v, int)) and 0 <= v <= 1, (name, r, v)
for name in ["Price", "Cost", "Clearance price"]:
    assert col_fmt(name) == "#,##0.00", (name, col_fmt(name))
for name in ["On hand", "Sold", "Projected sold", "Left at end"]:
    assert col_fmt(name) == "#,##0", (name, col_fmt(name))
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
