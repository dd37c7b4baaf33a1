"""Compare two workbooks written by two builds of clearance (docs/performance.md, "Workbook
writers"): every cell's value, type, number format, fill, bold, font colour, protection,
border and wrap as openpyxl reads them back, and per sheet the data validations, column widths,
row heights, frozen panes, protection options, autofilter, merged ranges, chart count and
sheet names; then every member of the zip, byte for byte (docProps/core.xml without its
times), or else equal once each <v> number is read as a double (1 and 1.0).

Usage: python3 scripts/bench/compare_workbooks.py OLD.xlsx NEW.xlsx
Prints the differences and exits 1 if there are any."""
import sys, zipfile, re, openpyxl

def cells(ws):
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            out[c.coordinate] = (
                c.value, c.data_type, c.number_format,
                c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None,
                c.font.bold, c.font.color.rgb if c.font.color is not None else None,
                c.protection.locked, c.protection.hidden,
                c.border.left.style, c.alignment.wrap_text,
            )
    return out

def sheet_info(ws):
    dv = [(str(d.sqref), d.type, d.operator, d.formula1, d.formula2, d.prompt, d.promptTitle,
           d.error, d.errorTitle, d.allow_blank) for d in ws.data_validations.dataValidation]
    widths = {k: (v.width, v.customWidth) for k, v in ws.column_dimensions.items()}
    heights = {k: v.height for k, v in ws.row_dimensions.items() if v.height}
    prot = ws.protection
    return dict(
        state=ws.sheet_state, freeze=ws.freeze_panes, dv=dv, widths=widths, heights=heights,
        protected=prot.sheet, prot=(prot.formatColumns, prot.formatRows, prot.autoFilter, prot.sort),
        autofilter=ws.auto_filter.ref, merged=sorted(str(m) for m in ws.merged_cells.ranges),
        charts=len(ws._charts), dims=ws.dimensions,
        colstyles={k: (v.style if hasattr(v,'style') else None) for k, v in ws.column_dimensions.items()},
    )

def num_norm(xml):
    # <v>1.0</v> and <v>1</v>, <v>1e-7</v> and <v>0.0000001</v>: the same double.
    return re.sub(rb'<v>([-0-9.eE+]+)</v>', lambda m: b'<v>%r</v>' % float(m.group(1)), xml)

def main(a, b):
    diffs = []
    wa = openpyxl.load_workbook(a); wb = openpyxl.load_workbook(b)
    if wa.sheetnames != wb.sheetnames:
        diffs.append(f"sheet names {wa.sheetnames} != {wb.sheetnames}")
    for name in wa.sheetnames:
        if name not in wb.sheetnames: continue
        sa, sb = wa[name], wb[name]
        ia, ib = sheet_info(sa), sheet_info(sb)
        for k in ia:
            if ia[k] != ib[k]:
                diffs.append(f"{name}: {k}: {str(ia[k])[:300]} != {str(ib[k])[:300]}")
        ca, cb = cells(sa), cells(sb)
        if ca.keys() != cb.keys():
            diffs.append(f"{name}: cell sets differ: {sorted(set(ca)^set(cb))[:10]}")
        n = 0
        for k in ca:
            if k in cb and ca[k] != cb[k]:
                n += 1
                if n <= 5: diffs.append(f"{name}!{k}: {ca[k]} != {cb[k]}")
        if n > 5: diffs.append(f"{name}: {n} cells differ")
    # Raw parts: identical, or identical once numbers are read as doubles.
    za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
    na = sorted(i.filename for i in za.infolist()); nb = sorted(i.filename for i in zb.infolist())
    if na != nb: diffs.append(f"zip parts {na} != {nb}")
    raw_same = num_same = 0
    for part in na:
        if part not in nb: continue
        xa, xb = za.read(part), zb.read(part)
        if part == 'docProps/core.xml':
            xa = re.sub(rb'<dcterms:(created|modified)[^<]*</dcterms:\1>', b'', xa)
            xb = re.sub(rb'<dcterms:(created|modified)[^<]*</dcterms:\1>', b'', xb)
        if xa == xb: raw_same += 1; continue
        if num_norm(xa) == num_norm(xb): num_same += 1; continue
        diffs.append(f"part {part} differs beyond number text ({len(xa)} vs {len(xb)} bytes)")
    return diffs, raw_same, num_same

if __name__ == '__main__':
    d, rs, ns = main(sys.argv[1], sys.argv[2])
    for x in d: print("DIFF", x)
    print(f"{'SAME' if not d else 'DIFFERENT'}: {sys.argv[2]} ({rs} parts byte-identical, {ns} equal as numbers)")
    sys.exit(1 if d else 0)
