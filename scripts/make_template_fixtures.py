#!/usr/bin/env python3
"""Regenerate fixtures/templates/ (upload-template round trip, SPEC section 5).

Run from the repository root after `cargo build`:

    python3 scripts/make_template_fixtures.py

Needs python3 with openpyxl, and LibreOffice (`soffice`) for libreoffice_saved.xlsx.
The plan is made with `clearance plan fixtures/basic_ids.csv --as-of 2026-11-22`, whose
plan id is deterministic; tests/campaign_cli.rs makes the same plan and validates/applies
these files against it. Output is byte-for-byte deterministic for the XLSX files written by
openpyxl (zip timestamps and document dates are normalised).

Template rows of that plan (row: sku, planned %, max %):
  2 B-FLOOR 7/7 (margin floor)   3 B-ZERO 25/25 (cap)   4 B-NOCOST 15/15 (no cost)
  5 B-V005 17/25   6 B-V010 15/25   7 B-V015 12/25   8 B-V025 7/25   9 B-V029 5/25
"""

import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

OUT = os.path.join("fixtures", "templates")
BIN = os.path.join("target", "debug", "clearance")
FIXED_DATE = "2026-11-22T00:00:00Z"

# Column letters of the template (see src/campaign/template.rs).
HEADERS = [
    "SKU", "Location", "Name", "Category", "On hand", "Sold", "Velocity", "Class", "Price",
    "Suggested %", "Max %", "Max set by", "Projected sold", "Left at end", "Include",
    "Discount %", "Promo qty", "Display qty", "Note",
]
# Column letters by header, as the template writes them.
COL = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(HEADERS)}
INC, DISC, PROMO, DISP, NOTE, ONHAND = (
    COL["Include"], COL["Discount %"], COL["Promo qty"], COL["Display qty"], COL["Note"], COL["On hand"],
)
EXPECTED_ORDER = ["B-FLOOR", "B-ZERO", "B-NOCOST", "B-V005", "B-V010", "B-V015", "B-V025", "B-V029"]


def make_plan(tmp):
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} not found; run `cargo build` first (from the repository root)")
    out = os.path.join(tmp, "plan")
    subprocess.run(
        [BIN, "plan", "fixtures/basic_ids.csv", "--as-of", "2026-11-22", "--out", out, "--quiet"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return os.path.join(out, "upload-template.xlsx")


def normalise_zip(path):
    """Fixed zip timestamps and document dates, so reruns give the same bytes."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: m.group(1) + FIXED_DATE + m.group(3),
                    text,
                )
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 22, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    os.replace(tmp, path)


def load(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["Template"]
    got = [ws[f"A{r}"].value for r in range(2, 10)]
    if got != EXPECTED_ORDER:
        sys.exit(f"unexpected template rows {got}; update this script and the tests")
    return wb, ws


def save(wb, name):
    path = os.path.join(OUT, name)
    wb.save(path)
    normalise_zip(path)
    return path


def edited_valid(template):
    wb, ws = load(template)
    ws[f"{INC}9"] = "N"  # B-V029 left out
    ws[f"{DISC}5"] = 10  # B-V005 lowered from 17
    ws[f"{PROMO}6"] = 5  # B-V010 promo qty
    ws[f"{DISP}6"] = 2  # B-V010 display qty
    ws[f"{NOTE}3"] = "Front window"  # B-ZERO note
    # B-V025 (row 8) removed above and added again by hand at the bottom, grey columns empty.
    for letter in COL.values():
        ws[f"{letter}8"] = None
    ws["A10"] = "B-V025"
    ws[f"{INC}10"] = "Y"
    ws[f"{DISC}10"] = 6
    ws[f"{NOTE}10"] = "added by hand"
    return save(wb, "edited_valid.xlsx")


def edited_errors(template):
    wb, ws = load(template)
    ws[f"{DISC}3"] = 40  # B-ZERO: above the row max 25 (cap 25%)
    ws[f"{DISC}2"] = -5  # B-FLOOR: below 0
    ws[f"{DISC}4"] = "abc"  # B-NOCOST: not a number
    ws[f"{INC}5"] = "maybe"  # B-V005: Include not Y/N
    ws[f"{ONHAND}6"] = 12  # B-V010: locked On hand changed (plan says 10)
    ws[f"{PROMO}7"] = -3  # B-V015: negative promo qty
    ws["A10"] = "B-NOPE"  # unknown sku
    ws[f"{INC}10"] = "Y"
    ws[f"{DISC}10"] = 5
    ws["A11"] = "B-V025"  # duplicate of row 8
    ws[f"{INC}11"] = "Y"
    ws[f"{DISC}11"] = 7
    return save(wb, "edited_errors.xlsx")


def other_plan(template):
    wb, _ = load(template)
    meta = wb["_clearance"]
    assert meta["A1"].value == "plan_id"
    meta["B1"] = "000000000000"
    return save(wb, "other_plan.xlsx")


def libreoffice_saved(valid, tmp):
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    outdir = os.path.join(tmp, "lo")
    os.makedirs(outdir)
    env = dict(os.environ, HOME=os.path.join(tmp, "home"))  # a throwaway LibreOffice profile
    subprocess.run(
        [soffice, "--headless", "--convert-to", "xlsx", "--outdir", outdir, valid],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    target = os.path.join(OUT, "libreoffice_saved.xlsx")
    shutil.copyfile(os.path.join(outdir, os.path.basename(valid)), target)
    normalise_zip(target)
    wb = openpyxl.load_workbook(target)
    if "_clearance" not in wb.sheetnames or wb["_clearance"].sheet_state != "hidden":
        sys.exit("LibreOffice dropped or unhid the _clearance sheet")
    return target


def csv_export(valid):
    wb = openpyxl.load_workbook(valid)
    ws = wb["Template"]
    rows = []
    for row in ws.iter_rows(values_only=True):
        rows.append(["" if v is None else (str(v) if not isinstance(v, float) else repr(v)) for v in row])
    while rows and not any(rows[-1]):
        rows.pop()
    path = os.path.join(OUT, "edited_valid.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return path


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        template = make_plan(tmp)
        valid = edited_valid(template)
        edited_errors(template)
        other_plan(template)
        libreoffice_saved(valid, tmp)
        csv_export(valid)
    for name in sorted(os.listdir(OUT)):
        print(os.path.join(OUT, name))


if __name__ == "__main__":
    main()
