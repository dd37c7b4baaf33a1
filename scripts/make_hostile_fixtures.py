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

    declared_sizes()

    print(f"wrote {len(os.listdir(OUT))} files to {OUT}")


# ------------------------------------------------------- sizes and counts a file declares


def declared_sizes():
    """Files whose declared counts, far cells, repeats or sector chains would make the
    spreadsheet library allocate far beyond what they hold (see docs/hardening.md)."""
    import struct

    # XLSX written by hand (openpyxl writes no shared strings table): the shared strings table
    # claims 100 billion strings (about 1 kB).
    def zip_entries(entries):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, text in entries:
                info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                z.writestr(info, text)
        return buf.getvalue()

    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    names = ["sku", "quantity", "price", "cost", "SS-1"]
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="5" uniqueCount="100000000000">'
        + "".join(f"<si><t>{n}</t></si>" for n in names)
        + "</sst>"
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2"><v>10</v></c>'
        '<c r="C2"><v>20</v></c><c r="D2"><v>5</v></c></row>'
        "</sheetData></worksheet>"
    )

    def sst_workbook(sst):
        return zip_entries(
            [
                (
                    "[Content_Types].xml",
                    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    "</Types>",
                ),
                (
                    "_rels/.rels",
                    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
                    f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
                ),
                (
                    "xl/workbook.xml",
                    f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
                    '<sheet name="Products" sheetId="1" r:id="rId1"/></sheets></workbook>',
                ),
                (
                    "xl/_rels/workbook.xml.rels",
                    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
                    f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                    f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                    "</Relationships>",
                ),
                ("xl/worksheets/sheet1.xml", sheet),
                ("xl/sharedStrings.xml", sst),
            ]
        )

    write_bytes("shared_strings_unique_count_1e11.xlsx", sst_workbook(sst))
    # The same with a `>` in a quoted value before the count (valid XML): the check ended the
    # tag at its first `>`, missed the count, and calamine's reservation aborted the process.
    write_bytes(
        "shared_strings_unique_count_1e11_quoted.xlsx",
        sst_workbook(sst.replace("<sst ", '<sst x=">" ', 1)),
    )
    # The same behind a decoy `<sst/x/>` (a tag quick-xml names "sst/x"): the check took it for
    # the table, found no count, and let the real one through.
    write_bytes(
        "shared_strings_unique_count_1e11_decoy.xlsx",
        sst_workbook(sst.replace("<sst ", "<sst/x/><sst ", 1)),
    )

    # XLSX: a header, then 5,000 rows each holding one value in column XFD (about 91 kB).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Products"
    ws.append(["sku", "quantity", "price", "cost"])
    for r in range(2, 5002):
        ws.cell(row=r, column=16384, value=r)
    save_xlsx(wb, "rows_with_one_value_in_XFD.xlsx")

    # XLS (needs xlwt): one value at IV65536, the last cell of an XLS sheet (about 5 kB).
    try:
        import xlwt
    except ImportError:  # pragma: no cover
        sys.exit("xlwt is required for the XLS fixtures: pip install xlwt")

    def xls(rows, far=None, blank_at=None):
        book = xlwt.Workbook()
        sheet = book.add_sheet("Products")
        for r, row in enumerate([["sku", "name", "quantity", "price", "cost"]] + rows):
            for c, v in enumerate(row):
                sheet.write(r, c, v)
        if far is not None:
            sheet.write(65535, 255, far)
        if blank_at is not None:
            # A formatted empty cell (yellow fill): a Blank record, counted in Dimensions.
            sheet.write(*blank_at, None, xlwt.easyxf("pattern: pattern solid, fore_colour yellow"))
        buf = io.BytesIO()
        book.save(buf)
        return bytearray(buf.getvalue())

    rows = [["X-1", "Vase", 10, 20.0, 5.0], ["X-2", "Rug", 12, 99.0, 40.0]]
    write_bytes("one_value_at_IV65536.xls", bytes(xls(rows, "far away note")))

    # XLS: a catalog and one yellow empty cell at IV65536: Dimensions A1:IV65536, one Blank
    # record. Read as the catalog (calamine stores no empty cell).
    write_bytes("formatted_empty_cell_at_IV65536.xls", bytes(xls(rows, blank_at=(65535, 255))))

    # XLS: the sheet's Dimensions record declares rows 0 to 4,294,967,295.
    data = xls(rows)
    at = data.find(b"\x00\x02\x0e\x00")  # Dimensions, 14 bytes
    assert at > 0
    data[at + 8 : at + 12] = struct.pack("<I", 0xFFFFFFFF)
    write_bytes("dimensions_four_billion_rows.xls", bytes(data))

    # XLS containers whose sector chains calamine would follow forever.
    def fat_entry_offset(data, sector):
        sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
        per = sector_size // 4
        fat_sector = struct.unpack_from("<I", data, 76 + 4 * (sector // per))[0]
        return (fat_sector + 1) * sector_size + 4 * (sector % per)

    def directory_offset(data):
        sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
        return (struct.unpack_from("<I", data, 48)[0] + 1) * sector_size

    # The directory's sector points to itself as the next one.
    data = xls(rows)
    dir_start = struct.unpack_from("<I", data, 48)[0]
    struct.pack_into("<I", data, fat_entry_offset(data, dir_start), dir_start)
    write_bytes("sector_chain_loops.xls", bytes(data))

    # The Workbook stream claims 4 GB and its last sector points back to its first.
    data = xls(rows)
    d = directory_offset(data)
    for e in range(d, d + 512, 128):
        if data[e : e + 16] == "Workbook".encode("utf-16-le"):
            start = struct.unpack_from("<I", data, e + 116)[0]
            struct.pack_into("<I", data, e + 120, 0xFFFFFF00)
            break
    else:
        raise SystemExit("no Workbook entry")
    sector = start
    while True:
        nxt = struct.unpack_from("<I", data, fat_entry_offset(data, sector))[0]
        if nxt == 0xFFFFFFFE:
            struct.pack_into("<I", data, fat_entry_offset(data, sector), start)
            break
        sector = nxt
    write_bytes("stream_size_4GB_and_looping_chain.xls", bytes(data))

    # ODS: a value in the last column of a row repeated 6,000 times: 98 million cells.
    def ods(rows_xml):
        content = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
            ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            '<office:body><office:spreadsheet><table:table table:name="Products">'
            + rows_xml
            + "</table:table></office:spreadsheet></office:body></office:document-content>"
        )
        manifest = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>"
        )
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, text, kind in [
                ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
                ("content.xml", content, zipfile.ZIP_DEFLATED),
                ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED),
            ]:
                info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
                info.compress_type = kind
                info.external_attr = 0o600 << 16
                z.writestr(info, text)
        return buf.getvalue()

    def ods_row(values, repeat=1):
        cells = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            if isinstance(v, str)
            else f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
            for v in values
        )
        rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
        return f"<table:table-row{rep}>{cells}</table:table-row>"

    head = ods_row(["sku", "name", "quantity", "price", "cost"]) + ods_row(["O-1", "Vase", 10, 20, 5])
    far = (
        '<table:table-row table:number-rows-repeated="6000">'
        '<table:table-cell table:number-columns-repeated="16383"/>'
        '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row>"
    )
    write_bytes("repeated_row_with_a_value_in_XFD.ods", ods(head + far))
    # The same with a `>` in a quoted value before the repeats (valid XML): the check ended
    # each tag at its first `>` and missed them (6 GB read for 1 kB).
    quoted = far.replace("<table:table-row ", '<table:table-row x=">" ').replace(
        "<table:table-cell table:", '<table:table-cell x=">" table:'
    )
    write_bytes("repeated_row_with_a_value_in_XFD_quoted.ods", ods(head + quoted))
    # The same behind a decoy end tag that quick-xml (calamine) does not read as the sheet's end
    # (`</table:table x="1">`): the check closed the sheet there and counted none of its rows.
    write_bytes(
        "repeated_row_with_a_value_in_XFD_decoy_end.ods",
        ods('</table:table x="1">' + head + far),
    )

    # ODS: one cell holding 1.5 billion spaces (`<text:s text:c=...>`).
    spaces = (
        '<table:table-row><table:table-cell office:value-type="string">'
        '<text:p>O-2<text:s text:c="1500000000"/></text:p></table:table-cell></table:table-row>'
    )
    write_bytes("spaces_run_of_1500000000.ods", ods(head + spaces))

    # ODS: the same run of spaces in an error cell with an empty string value: calamine reads an
    # error cell's text from its content.
    spaces = (
        '<table:table-row><table:table-cell office:value-type="string" office:string-value=""'
        ' calcext:value-type="error">'
        '<text:p>O-2<text:s text:c="1500000000"/></text:p></table:table-cell></table:table-row>'
    )
    write_bytes("spaces_run_of_1500000000_in_an_error_cell.ods", ods(head + spaces))

    # XLSX written by hand: row 3's cells out of column order in the XML (E3, D3, A3, B3), as
    # some writers save them; each value belongs to its own column.
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>sku</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>name</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>quantity</t></is></c>'
        '<c r="D1" t="inlineStr"><is><t>price</t></is></c>'
        '<c r="E1" t="inlineStr"><is><t>cost</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>U-1</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>Vase</t></is></c>'
        '<c r="C2"><v>10</v></c><c r="D2"><v>20</v></c><c r="E2"><v>5</v></c></row>'
        '<row r="3"><c r="E3"><v>7</v></c><c r="D3"><v>22</v></c>'
        '<c r="A3" t="inlineStr"><is><t>U-2</t></is></c>'
        '<c r="B3" t="inlineStr"><is><t>Rug</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    write_bytes(
        "cells_out_of_column_order.xlsx",
        zip_entries(
            [
                (
                    "[Content_Types].xml",
                    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    "</Types>",
                ),
                (
                    "_rels/.rels",
                    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
                    f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
                ),
                (
                    "xl/workbook.xml",
                    f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
                    '<sheet name="Products" sheetId="1" r:id="rId1"/></sheets></workbook>',
                ),
                (
                    "xl/_rels/workbook.xml.rels",
                    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
                    f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                    "</Relationships>",
                ),
                ("xl/worksheets/sheet1.xml", sheet),
            ]
        ),
    )


if __name__ == "__main__":
    main()
