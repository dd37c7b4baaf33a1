#!/usr/bin/env python3
"""Generate the hostile-input corpus in tests/fixtures/hostile/ (used by tests/hostile_cli.rs).

Run from the repository root:

    pip install openpyxl
    python3 scripts/make_hostile_fixtures.py

Deterministic: no clock, fixed timestamps inside the XLSX containers, fixed
bytes. Every file is small (a few KB). The big hostile inputs (a 10 MB cell,
10,000 columns, a million blank lines, a 1.1 GiB zip bomb, ...) are NOT
committed: tests/hostile_cli.rs generates them into a temporary folder at run
time, so the repository stays small.

Each file is named after its quirk; tests/hostile_cli.rs asserts the outcome
SPEC sections 2 and 7 demand for it.
"""

import io
import os
import re
import sys
import zipfile

try:
    import openpyxl
    from openpyxl.cell.cell import Cell
except ImportError:  # pragma: no cover
    sys.exit("openpyxl is required: pip install openpyxl")

OUT = os.path.join(os.getcwd(), "tests", "fixtures", "hostile")
FIXED_ZIP_TIME = (2026, 11, 20, 8, 0, 0)
HEADER = "sku,name,category,quantity,price,cost\n"


def write_bytes(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def write_text(name, text):
    write_bytes(name, text.encode("utf-8"))


def rezip(raw, patch=None):
    """Rewrite a zip with fixed timestamps and a fixed order; `patch(name, bytes) -> bytes`."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"<dcterms:(created|modified)([^>]*)>[^<]*<",
                    rb"<dcterms:\1\2>2026-11-20T08:00:00Z<",
                    data,
                )
            if patch is not None:
                data = patch(name, data)
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, data)
    return buf.getvalue()


def save_xlsx(wb, name, patch=None):
    buf = io.BytesIO()
    wb.save(buf)
    data = rezip(buf.getvalue(), patch)
    write_bytes(name, data)
    return data


def sheet_patch(fn):
    """A patch applied to the first worksheet's XML only (text in, text out)."""

    def patch(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return fn(data.decode("utf-8")).encode("utf-8")
        return data

    return patch


def catalog_wb(rows, title="Products"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["sku", "name", "category", "quantity", "price", "cost"])
    for r in rows:
        ws.append(r)
    return wb, ws


def main():
    os.makedirs(OUT, exist_ok=True)

    # ---------------------------------------------------------------- CSV
    write_bytes("empty.csv", b"")
    write_text("header_only.csv", HEADER)
    write_text(
        "missing_required_column_price.csv",
        "sku,name,category,quantity,cost\n"
        "M-1,Lamp,Lighting,10,5.00\n"
        "M-2,Shade,Lighting,4,2.00\n",
    )
    write_text(
        "duplicate_sku.csv",
        HEADER + "D-1,Clock,Decor,5,30.00,10.00\n"
        "D-2,Frame,Decor,8,9.00,3.00\n"
        "D-3,Candle,Decor,20,6.00,2.00\n"
        "D-2,Frame again,Decor,3,9.00,3.00\n",
    )
    # One file per bad quantity: H-OK (row 2) is plannable, H-BAD (row 3) carries the quirk.
    for fname, qty in [
        ("negative_quantity.csv", "-5"),
        ("nan_quantity.csv", "NaN"),
        ("infinite_quantity.csv", "inf"),
        ("infinity_word_quantity.csv", "-Infinity"),
        ("quantity_1e308.csv", "1e308"),
        ("quantity_1e309_overflow.csv", "1e309"),
        ("text_quantity.csv", "plenty"),
    ]:
        write_text(
            fname,
            HEADER + "H-OK,Good line,Garden,10,20.00,5.00\n"
            f"H-BAD,Bad line,Garden,{qty},20.00,5.00\n"
            "H-OK2,Another good line,Garden,12,20.00,5.00\n",
        )
    write_text(
        "price_below_cost.csv",
        HEADER + "P-OK,Good line,Garden,10,20.00,5.00\n"
        "P-LOSS,Sold at a loss,Garden,10,10.00,15.00\n",
    )
    write_text(
        "ragged_rows.csv",
        HEADER + "R-1,Vase,Decor,12,20.00,8.00\n"
        "R-2,Doormat,Decor,4,15.00,5.00,oops,extra\n"
        "R-3,Rug,Decor,7,99.00,40.00\n",
    )
    write_text(
        "ragged_short_row.csv",
        HEADER + "S-1,Vase,Decor,12,20.00,8.00\nS-2,Doormat,Decor\n",
    )
    # UTF-8 file (with real multi-byte names) holding 0xFF 0xFE inside one name.
    write_bytes(
        "invalid_utf8_ff_fe_in_name.csv",
        HEADER.encode()
        + "U-1,Café crème,Küche,10,20.00,5.00\n".encode("utf-8")
        + b"U-2,Bad \xff\xfe name,Garden,10,20.00,5.00\n"
        + "U-3,Ünïcödé ✓,Garden,10,20.00,5.00\n".encode("utf-8"),
    )
    # Formula injection: skus, names and categories starting with = + - @ TAB CR, plus HTML.
    inj = [
        ("=1+1", '=HYPERLINK("http://x","click")', "=cmd|' /C calc'!A0"),
        ("+SKU2", "+1+1", "+Garden"),
        ("-SKU3", "-2+3", "-Kitchen"),
        ("@SKU4", "@SUM(A1)", "@Lighting"),
        ("\tSKU5", "\t=1+2", "\tBath"),
        ("\rSKU6", "\r=1+3", "\rBath"),
        ("HTML7", "<script>alert(1)</script>", "<b>bold</b>&amp;"),
        ("SAFE8", "Plain name", "Bath"),
    ]
    out = io.StringIO()
    out.write('"sku","name","category","quantity","price","cost"\r\n')
    for sku, name, cat in inj:
        q = lambda s: '"' + s.replace('"', '""') + '"'
        out.write(",".join([q(sku), q(name), q(cat), "10", "20.00", "5.00"]) + "\r\n")
    write_text("formula_injection.csv", out.getvalue())

    # Markdown and terminal injection (issue 14): names and categories that would render as a
    # link, an image, emphasis, HTML or a table column in report.md, or drive a terminal (ESC
    # colours, an OSC 8 hyperlink, BEL, CR) in `plan`'s table and `inspect`.
    markup = [
        ("MD1", "![t](http://evil.example/t.png)", "[cat](http://evil.example/c)"),
        ("MD2", "[click](http://evil.example/)", "Bath"),
        ("MD3", "pipe | and \\| escaped", "a|b"),
        ("MD4", "<script>alert(1)</script>", "<b>bold</b>&amp;"),
        ("MD5", "**bold** _em_ `code`", "Bath"),
        ("TERM6", "\x1b[31mRED\x1b[0m", "\x1b[2J"),
        ("TERM7", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "Bath"),
        ("TERM8", "bell\x07ring over\rwrite", "Bath"),
    ]
    out = io.StringIO()
    out.write('"sku","name","category","quantity","price","cost"\r\n')
    for sku, name, cat in markup:
        q = lambda s: '"' + s.replace('"', '""') + '"'
        out.write(",".join([q(sku), q(name), q(cat), "10", "20.00", "5.00"]) + "\r\n")
    write_text("markup_and_terminal_escapes.csv", out.getvalue())

    # Non-spreadsheets renamed .xlsx
    write_bytes(
        "not_a_spreadsheet_pdf.xlsx",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"0" * 512 + b"\n%%EOF\n",
    )
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("readme.txt", FIXED_ZIP_TIME)
        z.writestr(info, "this zip is not a workbook\n" * 20)
    write_bytes("not_a_spreadsheet_plain_zip.xlsx", zbuf.getvalue())

    # ---------------------------------------------------------------- XLSX
    wb, ws = catalog_wb(
        [
            ["X-1", "Vase", "Decor", 10, 20.0, 5.0],
            ["X-2", "Doormat", "Decor", 12, 15.0, 4.0],
            ["X-3", "Rug", "Decor", 14, 99.0, 40.0],
        ]
    )
    three_rows = save_xlsx(wb, "three_rows.xlsx")
    # Truncated in the middle of the zip.
    write_bytes("truncated_mid_zip.xlsx", three_rows[: len(three_rows) // 2])

    # The dimension claims the whole sheet while the sheet holds three data rows.
    wb, ws = catalog_wb(
        [
            ["W-1", "Vase", "Decor", 10, 20.0, 5.0],
            ["W-2", "Doormat", "Decor", 12, 15.0, 4.0],
            ["W-3", "Rug", "Decor", 14, 99.0, 40.0],
        ]
    )
    save_xlsx(
        wb,
        "dimension_whole_sheet_A1_XFD1048576.xlsx",
        sheet_patch(
            lambda x: re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', x)
        ),
    )

    # A real (string) cell at XFD1048576: the used range truly spans the whole sheet.
    wb, ws = catalog_wb(
        [
            ["FAR-1", "Vase", "Decor", 10, 20.0, 5.0],
            ["FAR-2", "Doormat", "Decor", 12, 15.0, 4.0],
        ]
    )
    ws["XFD1048576"] = "far away note"
    save_xlsx(wb, "far_cell_at_XFD1048576.xlsx")

    # Formula in the quantity column, without a cached value (openpyxl writes none).
    wb, ws = catalog_wb(
        [
            ["F-OK", "Vase", "Decor", 10, 20.0, 5.0],
            ["F-NOCACHE", "Doormat", "Decor", "=5*2", 15.0, 4.0],
        ]
    )
    save_xlsx(wb, "formula_without_cached_value.xlsx")

    # Same, with the cached value 10 patched into <v>.
    wb, ws = catalog_wb(
        [
            ["F-OK", "Vase", "Decor", 10, 20.0, 5.0],
            ["F-CACHED", "Doormat", "Decor", "=5*2", 15.0, 4.0],
        ]
    )
    save_xlsx(
        wb,
        "formula_with_cached_value.xlsx",
        sheet_patch(lambda x: re.sub(r"(<f>5\*2</f>)\s*<v\s*/>", r"\1<v>10</v>", x)),
    )

    # A date in the quantity column.
    import datetime as dt

    wb, ws = catalog_wb(
        [
            ["DT-OK", "Vase", "Decor", 10, 20.0, 5.0],
            ["DT-DATE", "Doormat", "Decor", dt.datetime(2026, 11, 20), 15.0, 4.0],
        ]
    )
    ws["D3"].number_format = "yyyy-mm-dd"
    save_xlsx(wb, "date_in_quantity_column.xlsx")

    # Merged title row above the header, and a merged cell in the data (category C3:C4).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Stock"
    ws["A1"] = "Stock list, week 47 (merged title)"
    ws.merge_cells("A1:F1")
    ws.append(["sku", "name", "category", "quantity", "price", "cost"])
    ws.append(["MG-1", "Vase", "Decor", 10, 20.0, 5.0])
    ws.append(["MG-2", "Doormat", None, 12, 15.0, 4.0])
    ws.append(["MG-3", "Rug", "Textiles", 14, 99.0, 40.0])
    ws.merge_cells("C3:C4")
    save_xlsx(wb, "merged_title_and_data_cells.xlsx")

    # Hostile merges: one over a whole column (XFD1:XFD1048576), one over the whole sheet, a
    # category merged from row 2 to the last row, and the same region listed 2,000 times.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Stock"
    ws.append(["sku", "name", "category", "quantity", "price", "cost"])
    ws.append(["HM-1", "Vase", "Decor", 10, 20.0, 5.0])
    ws.append(["HM-2", "Doormat", None, 12, 15.0, 4.0])
    ws.append(["HM-3", "Rug", None, 14, 99.0, 40.0])
    merges = ['<mergeCell ref="XFD1:XFD1048576"/>', '<mergeCell ref="A1:XFD1048576"/>']
    merges += ['<mergeCell ref="C2:C1048576"/>'] * 2000

    def add_merges(x):
        x = re.sub(r"<mergeCells.*?</mergeCells>", "", x, flags=re.S)
        cells = f'<mergeCells count="{len(merges)}">' + "".join(merges) + "</mergeCells>"
        return x.replace("</sheetData>", "</sheetData>" + cells, 1)

    save_xlsx(wb, "merged_whole_column_and_many_merges.xlsx", sheet_patch(add_merges))

    # Formula injection in an XLSX input: text cells (t="s"/inlineStr) that start with =.
    wb, ws = catalog_wb([])
    for i, (sku, name, cat) in enumerate(inj, start=2):
        for col, val in zip("ABC", (sku, name, cat)):
            c = ws[f"{col}{i}"]
            c.value = val
            c.data_type = "s"  # keep as text, not a formula
        ws[f"D{i}"] = 10
        ws[f"E{i}"] = 20.0
        ws[f"F{i}"] = 5.0
    save_xlsx(wb, "formula_injection_text_cells.xlsx")

    print(f"wrote {len(os.listdir(OUT))} files to {OUT}")


if __name__ == "__main__":
    main()
