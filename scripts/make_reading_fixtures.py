#!/usr/bin/env python3
"""Fixtures for how files are read: CSV structure, Excel's own types, sheets, encodings.

Run from the repository root after `cargo build` (the merged template is made from a plan):

    python3 scripts/make_reading_fixtures.py

Needs python3 with openpyxl and xlwt. Writes:

    fixtures/bad/unterminated_quote.csv   a quote opened on row 2 and never closed; rows 3-5 follow
    fixtures/crlf_text_in_number.csv      fixtures/bad/text_in_number.csv with CRLF line endings
    fixtures/shopify/product_template_crlf.csv   the Shopify product template as Shopify ships it:
                                          CRLF (its first untracked line is data row 2)
    fixtures/magento/catalog_product_crlf_bad_qty.csv  the Magento sample as exported (CRLF, no
                                          final newline), qty of 24-WG087 (line 4) made "lots"
    fixtures/utf16be.csv                  fixtures/basic.csv as UTF-16 big-endian with a BOM
    fixtures/percent_margin.xlsx          margin cells stored 0.35 and formatted 0% (shown 35%), no cost
    fixtures/percent_margin.xls           the same as XLS (no formats read), header "Margin %"
    fixtures/hidden_first_sheet.xlsx      a hidden lookup sheet before the data sheet
    fixtures/existing_percent.xlsx        fixtures/existing_discounts.csv with percentages stored 0.1
                                          and formatted 0% (shown 10%)
    fixtures/bad/existing_merged.xlsx     the same with the percentage merged over C2:C3
    fixtures/templates/merged_discount.xlsx  the upload template with Discount % 7 merged P5:P8
    fixtures/sales_dates/sales_1904.xlsx  fixtures/sales_dates/sales_mdy.csv with real date cells,
                                          saved in the 1904 date system (Excel for Mac's old
                                          default: the same day is a serial 1462 lower)
    fixtures/sales_dates/sales_1900.xlsx  the same in the usual 1900 date system
    fixtures/sales_dates/sales_1904_serials.xlsx  sales_1904.xlsx with the dates of rows 3 and
                                          5 as bare 1904 serials in cells formatted General
    fixtures/sales_dates/sales_1900_serials.xlsx  the same in the 1900 date system
    fixtures/sales_dates/sales_1904.xls   sales_1904_serials.xlsx as XLS (1904 date system)
    fixtures/sales_dates/sales_1904.ods   the same as ODS with the null date 1904-01-01 (as
                                          LibreOffice keeps a workbook from Excel's 1904 system)
    fixtures/sales_dates/aggregate_1904.xlsx  the sales added up per sku (units, last_sale,
                                          window_start, window_end for as-of 2026-11-22) with
                                          every date a bare 1904 serial in a General cell
"""

import datetime
import os
import sys
import tempfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_template_fixtures as tf  # noqa: E402

# No cost column: the margin is what the floor is computed from.
CATALOG = [
    ["sku", "name", "category", "quantity", "price", "margin"],
    ["P-1", "Vase", "Home", 40, 50.0, 0.35],
    ["P-2", "Doormat", "Home", 30, 20.0, 0.4],
    ["P-3", "Rug", "Home", 25, 80.0, 0.25],
]


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    print(path)


def save(wb, path):
    wb.save(path)
    tf.normalise_zip(path)
    print(path)


def unterminated_quote():
    write(
        "fixtures/bad/unterminated_quote.csv",
        b'sku,name,quantity,price,cost\n'
        b'A,"Boot 12 ,10,100,50\n'
        b"B,Shoe,5,80,40\n"
        b"C,Hat,3,20,10\n"
        b"D,Cap,2,15,5\n",
    )


def crlf_copy():
    with open("fixtures/bad/text_in_number.csv", "rb") as f:
        lines = f.read().decode("utf-8").splitlines()
    write("fixtures/crlf_text_in_number.csv", ("\r\n".join(lines) + "\r\n").encode("utf-8"))


def crlf(text):
    return "\r\n".join(text.splitlines())


def shopify_crlf():
    with open("fixtures/shopify/product_template.csv", encoding="utf-8", newline="") as f:
        text = f.read()
    write("fixtures/shopify/product_template_crlf.csv", (crlf(text) + "\r\n").encode("utf-8"))


def magento_crlf_bad_qty():
    import csv
    import io

    with open("fixtures/magento/catalog_product.csv", encoding="utf-8", newline="") as f:
        lines = f.read().splitlines()
    header = next(csv.reader([lines[0]]))
    qty = header.index("qty")
    row = next(csv.reader([lines[3]]))
    assert row[0] == "24-WG087", row[0]
    row[qty] = "lots"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    lines[3] = out.getvalue()
    write("fixtures/magento/catalog_product_crlf_bad_qty.csv", "\r\n".join(lines).encode("utf-8"))


def utf16be():
    with open("fixtures/basic.csv", "rb") as f:
        text = f.read().decode("utf-8")
    write("fixtures/utf16be.csv", b"\xfe\xff" + text.encode("utf-16-be"))


def percent_margin():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Products"
    for row in CATALOG:
        ws.append(row)
    for r in range(2, len(CATALOG) + 1):
        ws[f"F{r}"].number_format = "0%"
    save(wb, "fixtures/percent_margin.xlsx")


def percent_margin_xls():
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Products")
    pct = xlwt.easyxf(num_format_str="0%")
    header = CATALOG[0][:-1] + ["Margin %"]
    for r, row in enumerate([header] + CATALOG[1:]):
        for c, v in enumerate(row):
            if r > 0 and c == len(row) - 1:
                ws.write(r, c, v, pct)
            else:
                ws.write(r, c, v)
    wb.save("fixtures/percent_margin.xls")
    print("fixtures/percent_margin.xls")


def hidden_first_sheet():
    wb = openpyxl.Workbook()
    lookup = wb.active
    lookup.title = "Lookup"
    lookup.append(["code", "label"])
    lookup.append(["H", "Home"])
    lookup.sheet_state = "hidden"
    ws = wb.create_sheet("Products")
    for row in CATALOG:
        ws.append(row[:5])
    wb.active = 1
    save(wb, "fixtures/hidden_first_sheet.xlsx")


EXISTING = [
    ["scope_type", "scope_id", "percentage", "active"],
    ["SKU", "B-ZERO", 0.1, "true"],
    ["CATEGORY", " kitchen ", 0.1, "true"],
    ["SKU", "B-V005", 0.3, "false"],
]


def existing(path, merged):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Discounts"
    for row in EXISTING:
        ws.append(row)
    for r in range(2, len(EXISTING) + 1):
        ws[f"C{r}"].number_format = "0%"
    if merged:
        ws["C3"] = None
        ws.merge_cells("C2:C3")
    save(wb, path)


def merged_discount():
    with tempfile.TemporaryDirectory() as tmp:
        wb, ws = tf.load(tf.make_plan(tmp))
        d = tf.DISC
        ws[f"{d}5"] = 7
        for r in (6, 7, 8):
            ws[f"{d}{r}"] = None
        ws.merge_cells(f"{d}5:{d}8")
        save(wb, os.path.join(tf.OUT, "merged_discount.xlsx"))


def sales_dates(path, epoch, plain=()):
    """The US sales export of make_sales_date_fixtures.py as a workbook of real dates; the
    rows in `plain` give their date as the bare serial of the workbook's date system, in a
    cell formatted General (as a date column pasted as values shows it)."""
    wb = openpyxl.Workbook()
    wb.epoch = epoch
    ws = wb.active
    ws.title = "Sales"
    ws.append(["Order", "Date", "SKU", "Qty"])
    for order, (m, d), sku, qty in SALES:
        ws.append([order, datetime.date(2026, m, d), sku, qty])
    for r in range(2, 6):
        ws[f"B{r}"].number_format = "yyyy-mm-dd"
    for r in plain:
        cell = ws[f"B{r}"]
        cell.value = (cell.value - epoch.date()).days
        cell.number_format = "General"
    save(wb, path)


SALES = [
    (1001, (11, 5), "A-1", 3),
    (1002, (10, 2), "A-1", 2),
    (1003, (11, 20), "A-2", 1),
    (1004, (9, 9), "A-3", 4),
]
MAC_EPOCH = datetime.date(1904, 1, 1)


def sales_dates_xls(path):
    """The sales as XLS in the 1904 date system: rows 2 and 4 date cells, 3 and 5 bare serials."""
    import xlwt

    wb = xlwt.Workbook()
    wb.dates_1904 = True
    ws = wb.add_sheet("Sales")
    for c, h in enumerate(["Order", "Date", "SKU", "Qty"]):
        ws.write(0, c, h)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for i, (order, (m, d), sku, qty) in enumerate(SALES, start=1):
        day = datetime.date(2026, m, d)
        ws.write(i, 0, order)
        if i % 2 == 1:
            ws.write(i, 1, day, date_style)
        else:
            ws.write(i, 1, (day - MAC_EPOCH).days)
        ws.write(i, 2, sku)
        ws.write(i, 3, qty)
    wb.save(path)


def sales_dates_ods(path):
    """The sales as ODS with the null date 1904-01-01: rows 2 and 4 date cells, 3 and 5 numbers."""
    import zipfile

    def text(v):
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'

    def num(v):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'

    rows = ["<table:table-row>" + "".join(text(h) for h in ["Order", "Date", "SKU", "Qty"]) + "</table:table-row>"]
    for i, (order, (m, d), sku, qty) in enumerate(SALES, start=1):
        day = datetime.date(2026, m, d)
        if i % 2 == 1:
            date = f'<table:table-cell office:value-type="date" office:date-value="{day}"><text:p>{day}</text:p></table:table-cell>'
        else:
            date = num((day - MAC_EPOCH).days)
        rows.append(f"<table:table-row>{num(order)}{date}{text(sku)}{num(qty)}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet><table:calculation-settings>"
        '<table:null-date table:date-value="1904-01-01"/></table:calculation-settings>'
        '<table:table table:name="Sales">' + "".join(rows) + "</table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    fixed = (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", fixed), "application/vnd.oasis.opendocument.spreadsheet")
        for name, data in [("META-INF/manifest.xml", manifest), ("content.xml", content)]:
            z.writestr(zipfile.ZipInfo(name, fixed), data, zipfile.ZIP_DEFLATED)


def aggregate_1904(path):
    """The sales added up per sku, every date a bare 1904 serial in a General cell."""
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Aggregate"
    ws.append(["sku", "units", "last_sale", "window_start", "window_end"])
    serial = lambda y, m, d: (datetime.date(y, m, d) - MAC_EPOCH).days
    start, end = serial(2026, 8, 25), serial(2026, 11, 22)
    for sku, units, (m, d) in [("A-1", 5, (11, 5)), ("A-2", 1, (11, 20)), ("A-3", 4, (9, 9))]:
        ws.append([sku, units, serial(2026, m, d), start, end])
    save(wb, path)


def main():
    unterminated_quote()
    crlf_copy()
    shopify_crlf()
    magento_crlf_bad_qty()
    utf16be()
    percent_margin()
    percent_margin_xls()
    hidden_first_sheet()
    existing("fixtures/existing_percent.xlsx", merged=False)
    existing("fixtures/bad/existing_merged.xlsx", merged=True)
    merged_discount()
    sales_dates("fixtures/sales_dates/sales_1904.xlsx", openpyxl.utils.datetime.CALENDAR_MAC_1904)
    sales_dates("fixtures/sales_dates/sales_1900.xlsx", openpyxl.utils.datetime.CALENDAR_WINDOWS_1900)
    sales_dates(
        "fixtures/sales_dates/sales_1904_serials.xlsx",
        openpyxl.utils.datetime.CALENDAR_MAC_1904,
        plain=(3, 5),
    )
    sales_dates(
        "fixtures/sales_dates/sales_1900_serials.xlsx",
        openpyxl.utils.datetime.CALENDAR_WINDOWS_1900,
        plain=(3, 5),
    )
    sales_dates_xls("fixtures/sales_dates/sales_1904.xls")
    sales_dates_ods("fixtures/sales_dates/sales_1904.ods")
    aggregate_1904("fixtures/sales_dates/aggregate_1904.xlsx")


if __name__ == "__main__":
    main()
