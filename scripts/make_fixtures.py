#!/usr/bin/env python3
"""Generate the example data and test fixtures for `clearance`.

Run from the repository root:

    pip install openpyxl odfpy xlwt      # xlwt / odfpy optional
    python3 scripts/make_fixtures.py

Deterministic: fixed random seed, no dates taken from the clock, fixed
timestamps inside the XLSX/ODS containers. Writes:

    examples/catalog.xlsx, examples/sales.csv
    fixtures/**            (see fixtures/README.md, also written here)

The expected outcomes in fixtures/README.md are computed by a small
reference implementation of SPEC section 3 (`plan_line` below) using exact
fractions, and were checked by hand.
"""

import csv
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import sys
import zipfile
from fractions import Fraction as F

ROOT = os.getcwd()
FORMATS = "/work/shared/formats"
AS_OF_EXAMPLE = dt.date(2026, 11, 20)
AS_OF_FIXTURE = dt.date(2026, 11, 22)
WINDOW = 90
FIXED_TIME = dt.datetime(2026, 11, 20, 8, 0, 0)


def path(*p):
    full = os.path.join(ROOT, *p)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


def write_bytes(rel, data):
    with open(path(rel), "wb") as f:
        f.write(data)


def csv_text(rows, delimiter=",", lineterminator="\n", quote_all=False):
    buf = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    w = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator, quoting=quoting)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def write_csv(rel, rows, delimiter=",", encoding="utf-8", bom=False, quote_all=False):
    data = csv_text(rows, delimiter, quote_all=quote_all).encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    write_bytes(rel, data)


# --------------------------------------------------------------------------
# Reference implementation of SPEC section 3 (defaults: cap 25, floor 15,
# points rule, step 1, min discount 5, no-cost allowance 15).
# --------------------------------------------------------------------------
CAP, FLOOR, STEP, MIN_D, NO_COST = F(25), F(15), F(1), F(5), F(15)


def dec(x):
    if x is None or x == "":
        return None
    return F(str(x))


def classify(v):
    if v < F(1, 10):
        return "severe"
    if v < F(3, 10):
        return "moderate"
    if v <= F(7, 10):
        return "balanced"
    return "fast"


def tier_of(v):
    if v == 0:
        return F(25)
    if v < F(1, 10):
        return 20 - 50 * v
    if v < F(2, 10):
        return 15 - 50 * (v - F(1, 10))
    return 10 - 50 * (v - F(2, 10))


def floor_step(x):
    q = x / STEP
    n = q.numerator // q.denominator
    return n * STEP


def fmt(x, nd=2):
    if x is None:
        return "-"
    if isinstance(x, F):
        if x.denominator == 1:
            return str(x.numerator)
        return f"{float(x):.{nd}f}"
    return str(x)


def plan_line(qty, price, cost, sold, existing=F(0)):
    """Return dict with v, cls, tier, allowance, d, reason, binding, clearance."""
    qty, price, cost = dec(qty), dec(price), dec(cost)
    sold = F(max(0, sold or 0))
    out = {"v": None, "cls": None, "tier": None, "allow": None, "stack": None,
           "d": None, "reason": None, "binding": None, "clear": None,
           "m_after": None, "flags": []}
    if qty is None or qty <= 0:
        out["reason"] = "no_stock"
        return out
    if price is None or price <= 0:
        out["reason"] = "bad_price"
        return out
    v = sold / qty
    out["v"] = v
    out["cls"] = classify(v)
    if out["cls"] in ("balanced", "fast"):
        out["reason"] = "not_slow"
        return out
    tier = tier_of(v)
    out["tier"] = tier
    if cost is None or cost == 0:
        allow = NO_COST
        out["flags"].append("no_cost_data")
    else:
        m = 100 * (price - cost) / price
        allow = m - FLOOR
        if cost > price:
            out["flags"].append("cost_above_price")
    out["allow"] = allow
    cands = [("tier", tier), ("cap", CAP), ("margin_floor", allow)]
    if existing:
        a = min(CAP, allow)
        stack = 100 * (1 - (1 - a / 100) / (1 - existing / 100))
        out["stack"] = stack
        cands.append(("stacking", stack))
        out["flags"].append("stacked")
    lo = min(c[1] for c in cands)
    binding = next(n for n, val in cands if val == lo)
    d = floor_step(lo)
    if d < MIN_D:
        out["reason"] = binding if binding in ("margin_floor", "stacking") else "below_min_discount"
        out["binding"] = out["reason"]
        return out
    out["d"] = d
    out["limit"] = binding
    cents = price * (1 - d / 100) * 100
    out["clear"] = F(cents.numerator // cents.denominator, 100)
    if cost is not None and cost != 0:
        paid = price * (1 - existing / 100) * (1 - d / 100)
        out["m_after"] = 100 * (paid - cost) / paid
    return out


# --------------------------------------------------------------------------
# 1. examples/catalog.xlsx + examples/sales.csv
# --------------------------------------------------------------------------
CATEGORIES = {
    "Garden": ["Garden hose 25 m", "Hose reel", "Pruning shears", "Raised bed kit",
               "Watering can 10 L", "Compost bin 300 L", "Wooden trellis", "Seed tray set",
               "Garden kneeler", "Bird feeder", "Plant pot 30 cm", "Leaf rake",
               "Sprinkler", "Garden gloves"],
    "Kitchen": ["Chef knife 20 cm", "Cast iron skillet 26 cm", "Cutting board", "Mixing bowl set",
                "Salad spinner", "French press 1 L", "Spice rack", "Dish rack",
                "Measuring cups", "Silicone spatula set", "Utensil crock", "Kettle 1.7 L",
                "Tea towel set", "Baking tray"],
    "Lighting": ["LED desk lamp", "Floor lamp", "Solar path light", "String lights 10 m",
                 "Pendant shade", "Lantern", "Wall sconce", "Night light",
                 "Table lamp", "Outdoor spotlight", "Candle holder", "LED bulb 4-pack"],
    "Outdoor Furniture": ["Folding chair", "Bistro table", "Sun lounger", "Garden bench",
                          "Hammock", "Parasol 3 m", "Seat cushion", "Porch swing",
                          "Side table", "Storage bench", "Rattan armchair", "Picnic table"],
    "Bath": ["Bath towel", "Bath mat", "Shower curtain", "Soap dispenser", "Toothbrush holder",
             "Towel rail", "Laundry basket", "Bath caddy", "Hand towel", "Shower caddy",
             "Mirror cabinet", "Bath robe"],
    "Bedding": ["Duvet cover double", "Pillow", "Fitted sheet king", "Weighted blanket",
                "Mattress topper", "Throw blanket", "Pillowcase pair", "Quilt",
                "Bedspread", "Duvet 10.5 tog", "Cushion cover", "Sleep mask"],
    "Home Decor": ["Wall clock", "Picture frame 20x25", "Vase", "Scented candle", "Wall mirror",
                   "Artificial plant", "Rug 120x170", "Doormat", "Decorative tray",
                   "Bookends", "Wall shelf", "Photo album"],
    "Tools & Storage": ["Cordless drill", "Tool box", "Storage box 40 L", "Step ladder",
                        "Tape measure 5 m", "Screwdriver set", "Shelving unit", "Work light",
                        "Hook rail", "Drawer organiser", "Spirit level", "Stud finder"],
}
VARIANTS = ["Black", "White", "Grey", "Green", "Natural", "Blue", "Large", "Small",
            "Terracotta", "Sand", "Charcoal", "Oak"]
PRICE_RANGES = {
    "Garden": (6, 120), "Kitchen": (5, 140), "Lighting": (8, 180),
    "Outdoor Furniture": (25, 600), "Bath": (5, 150), "Bedding": (9, 220),
    "Home Decor": (6, 250), "Tools & Storage": (4, 260),
}
FIRST = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Grace", "Hugo", "Ines", "Jonas",
         "Kate", "Liam", "Mia", "Noah", "Olivia", "Paul", "Rosa", "Sam", "Tara", "Victor",
         "Wendy", "Yusuf", "Zoe", "Marta", "Ravi"]
LAST = ["Smith", "Jones", "Müller", "García", "Novak", "Brown", "Rossi", "Dubois", "Kim",
        "O'Neil", "Schmidt", "Silva", "Nowak", "Taylor", "Berg"]


def nice_price(rng, lo, hi):
    base = rng.uniform(lo, hi) ** 1.0
    whole = int(base)
    ending = rng.choice([0.99, 0.99, 0.99, 0.49, 0.0, 0.95])
    if whole >= 100 and rng.random() < 0.6:
        whole = whole - whole % 10 + 9
        ending = 0.0
    return round(max(whole, 1) + ending, 2)


def make_examples():
    rng = random.Random(20261120)
    products = []
    n = 1001
    for cat, items in CATEGORIES.items():
        names = []
        for it in items:
            names.append(it)
        # top up with colour/size variants to 25 per category
        while len(names) < 25:
            cand = f"{rng.choice(items)} - {rng.choice(VARIANTS)}"
            if cand not in names:
                names.append(cand)
        for name in names:
            lo, hi = PRICE_RANGES[cat]
            price = nice_price(rng, lo, hi)
            cost = round(price * rng.uniform(0.30, 0.75), 2)
            products.append({"sku": f"HO-{n}", "name": name, "category": cat,
                             "price": price, "cost": cost})
            n += 1
    assert len(products) == 200
    idx = list(range(200))
    rng.shuffle(idx)
    zero_stock = idx[:6]
    zero_sales = idx[6:26]
    severe = idx[26:56]
    moderate = idx[56:86]
    normal = idx[86:]
    for i in idx[6:]:
        products[i]["qty"] = rng.randint(8, 140)
    for i in zero_stock:
        products[i]["qty"] = 0
        products[i]["sold"] = rng.randint(2, 12)
    for i in zero_sales:
        products[i]["sold"] = 0
    for i in severe:
        p = products[i]
        p["qty"] = max(p["qty"], rng.randint(25, 140))
        s = max(1, int(p["qty"] * rng.uniform(0.02, 0.09)))
        while F(s, p["qty"]) >= F(1, 10):
            s -= 1
        p["sold"] = max(1, s)
    for i in moderate:
        p = products[i]
        p["qty"] = max(p["qty"], 15)
        s = round(p["qty"] * rng.uniform(0.12, 0.28))
        while F(s, p["qty"]) < F(1, 10):
            s += 1
        while F(s, p["qty"]) >= F(3, 10):
            s -= 1
        p["sold"] = s
    for i in normal:
        p = products[i]
        p["qty"] = min(p["qty"], 90)
        p["sold"] = max(1, round(p["qty"] * rng.uniform(0.35, 1.6)))
        if F(p["sold"], p["qty"]) < F(3, 10):
            p["sold"] = p["qty"]
    # blank cost on 8, cost above price on 2
    others = [i for i in idx[6:] if i not in zero_sales[:2]]
    for i in rng.sample(others, 8):
        products[i]["cost"] = None
    for i in (zero_sales[0], severe[0]):
        products[i]["cost"] = round(products[i]["price"] * 1.12, 2)

    # --- workbook
    from openpyxl import Workbook
    from openpyxl.styles import Font
    wb = Workbook()
    ws = wb.active
    ws.title = "Products"
    ws["A1"] = "Stock on hand — export 2026-11-20"
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(["SKU", "Product name", "Category", "On hand", "Price", "Unit cost"])
    for c in ws[3]:
        c.font = Font(bold=True)
    for p in products:
        ws.append([p["sku"], p["name"], p["category"], p["qty"], p["price"], p["cost"]])
    for row in ws.iter_rows(min_row=4, min_col=5, max_col=6):
        for c in row:
            c.number_format = "0.00"
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 18
    save_wb(wb, "examples/catalog.xlsx")

    # --- sales lines
    start = AS_OF_EXAMPLE - dt.timedelta(days=WINDOW - 1)   # 2026-08-23
    old_start = dt.date(2026, 8, 1)
    span = (AS_OF_EXAMPLE - start).days
    lines = []  # (date, sku, qty)
    for p in products:
        s = p["sold"]
        while s > 0:
            q = min(s, rng.choice([1, 1, 1, 1, 2, 2, 3, 4]))
            s -= q
            lines.append((start + dt.timedelta(days=rng.randint(0, span)), p["sku"], q))
    # returns: an extra sale and its later return (net unchanged)
    for i in rng.sample(normal + moderate, 12):
        p = products[i]
        d0 = start + dt.timedelta(days=rng.randint(0, span - 14))
        q = rng.choice([1, 1, 2])
        lines.append((d0, p["sku"], q))
        lines.append((d0 + dt.timedelta(days=rng.randint(3, 14)), p["sku"], -q))
    # older lines, outside the window (2026-08-01 .. 2026-08-22); includes zero-sales skus
    old_pool = [products[i]["sku"] for i in zero_sales[:8] + normal[:40] + severe[:5]]
    for _ in range(260):
        lines.append((old_start + dt.timedelta(days=rng.randint(0, (start - old_start).days - 1)),
                      rng.choice(old_pool), rng.choice([1, 1, 2, 3])))
    # unknown sku
    for k in range(3):
        lines.append((start + dt.timedelta(days=20 + 17 * k), "HO-9999", 1))
    rng.shuffle(lines)
    lines.sort(key=lambda t: t[0])
    customers = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(90)]
    rows = [["order_id", "date", "sku", "quantity", "customer"]]
    order_no = 100001
    i = 0
    while i < len(lines):
        if lines[i][2] < 0:  # returns are their own single-line credit orders
            rows.append([f"SO-{order_no}", lines[i][0].isoformat(), lines[i][1], lines[i][2],
                         rng.choice(customers)])
            order_no += 1
            i += 1
            continue
        size = rng.choice([1, 2, 2, 3, 3, 4, 5])
        cust = rng.choice(customers)
        d0 = lines[i][0]
        taken = 0
        seen = set()
        while i < len(lines) and taken < size and lines[i][0] == d0 and lines[i][2] > 0 \
                and lines[i][1] not in seen:
            rows.append([f"SO-{order_no}", d0.isoformat(), lines[i][1], lines[i][2], cust])
            seen.add(lines[i][1])
            taken += 1
            i += 1
        order_no += 1
    write_csv("examples/sales.csv", rows)

    # --- summary (as-of 2026-11-20, window 90, basis units)
    sold = {}
    for r in rows[1:]:
        d = dt.date.fromisoformat(r[1])
        if start <= d <= AS_OF_EXAMPLE:
            sold[r[2]] = sold.get(r[2], 0) + r[3]
    counts = {}
    for p in products:
        got = max(0, sold.get(p["sku"], 0))
        assert p["qty"] == 0 or got == p["sold"], (p, got)
        r = plan_line(p["qty"], p["price"], p["cost"], got)
        key = r["cls"] or r["reason"]
        if r["v"] == 0:
            key = "severe (zero sales)"
        counts[key] = counts.get(key, 0) + 1
        if r["d"] is not None:
            counts["planned"] = counts.get("planned", 0) + 1
    size = os.path.getsize(path("examples/sales.csv"))
    return {"counts": counts, "lines": len(rows) - 1, "orders": order_no - 100001,
            "bytes": size,
            "blank_cost": sum(1 for p in products if p["cost"] is None),
            "cost_above": [p["sku"] for p in products if p["cost"] and p["cost"] > p["price"]]}


def save_wb(wb, rel):
    """Save an openpyxl workbook with fixed document timestamps (deterministic)."""
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "clearance fixtures"
    wb.save(path(rel))
    normalize_zip(rel)


def normalize_zip(rel, replace=None):
    """Rewrite a zip with fixed member timestamps; optionally patch member text."""
    src = path(rel)
    with zipfile.ZipFile(src) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if replace and name in replace:
                data = replace[name](data)
            if name.endswith("core.xml"):
                data = re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>",
                              b'<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-20T08:00:00Z'
                              b"</dcterms:modified>", data)
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 8, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(info, data)


# --------------------------------------------------------------------------
# 2. fixtures
# --------------------------------------------------------------------------
HDR = ["sku", "name", "category", "quantity", "price", "cost"]

# sku, name, category, quantity, price, cost, orders(sold), note
BASIC = [
    ["B-ZERO", "Terracotta pot 40 cm", "Garden", 40, "50.00", "20.00", 0, "zero sales"],
    ["B-V005", "Hose reel", "Garden", 100, "20.00", "8.00", 5, "v=0.05 inside severe tier"],
    ["B-V010", "Chef knife", "Kitchen", 10, "30.00", "12.00", 1, "boundary v=0.1 -> moderate"],
    ["B-V015", "Salad spinner", "Kitchen", 20, "10.00", "4.00", 3, "v=0.15"],
    ["B-V025", "Kettle", "Kitchen", 20, "40.00", "10.00", 5, "v=0.25"],
    ["B-V029", "Spice rack", "Kitchen", 100, "10.00", "4.00", 29, "v=0.29 -> exactly min discount 5"],
    ["B-V030", "Desk lamp", "Lighting", 10, "25.00", "10.00", 3, "boundary v=0.3 -> balanced"],
    ["B-V070", "Floor lamp", "Lighting", 10, "80.00", "40.00", 7, "boundary v=0.7 -> balanced"],
    ["B-V080", "Lantern", "Lighting", 10, "15.00", "6.00", 8, "v=0.8 fast"],
    ["B-FLOOR", "Garden bench", "Outdoor Furniture", 50, "100.00", "78.00", 0, "margin 22%: floor binds"],
    ["B-LOWMARGIN", "Folding chair", "Outdoor Furniture", 30, "10.00", "8.20", 0, "margin 18%: allowance 3 < 5"],
    ["B-NOCOST", "Throw blanket", "Bedding", 25, "15.00", "", 0, "no cost"],
    ["B-NOSTOCK", "Pillow", "Bedding", 0, "12.00", "5.00", 3, "zero stock"],
    ["B-PRICE0", "Sample swatch", "Bedding", 10, "0", "2.00", 0, "price 0"],
    ["B-COSTHIGH", "Wall mirror", "Home Decor", 20, "10.00", "12.00", 0, "cost above price"],
]

EXISTING = {"B-ZERO": F(10)}          # SKU scope, active
EXISTING_CAT = {"kitchen": F(10)}    # CATEGORY scope by name, active


def existing_for(row):
    e = [EXISTING.get(row[0], F(0)), EXISTING_CAT.get(row[2].strip().lower(), F(0))]
    return max(e)


def basic_table(with_existing=False):
    out = ["| sku | qty | sold | v | class | tier | allowance | " +
           ("existing | stacking allow. | " if with_existing else "") +
           "discount | limit / skip reason | clearance price | margin after | flags |",
           "|---|---|---|---|---|---|---|" + ("---|---|" if with_existing else "") +
           "---|---|---|---|---|"]
    for r in BASIC:
        e = existing_for(r) if with_existing else F(0)
        res = plan_line(r[3], r[4], r[5], r[6], e)
        lim = res.get("limit") if res["d"] is not None else f"skip: {res['reason']}"
        cells = [r[0], str(r[3]), str(r[6]), fmt(res["v"], 3), res["cls"] or "-",
                 fmt(res["tier"]), fmt(res["allow"])]
        if with_existing:
            cells += [fmt(e) if e else "-", fmt(res["stack"])]
        cells += [fmt(res["d"]), lim, fmt(res["clear"]) if res["clear"] is None else f"{float(res['clear']):.2f}",
                  (f"{float(res['m_after']):.1f}%" if res["m_after"] is not None else "-"),
                  ", ".join(res["flags"]) or "-"]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def make_basic():
    rows = [HDR + ["orders"]] + [r[:7] for r in BASIC]
    write_csv("fixtures/basic.csv", rows)
    write_csv("fixtures/basic_nosales.csv", [HDR] + [r[:6] for r in BASIC])
    # product/category GUIDs so the real-shape Wix response can be matched
    cat_ids = {c: f"{i:08x}-c0de-4c0d-8000-00000000000{i}" for i, c in
               enumerate(["Garden", "Kitchen", "Lighting", "Outdoor Furniture", "Bedding", "Home Decor"], 1)}
    prod_ids = {r[0]: f"{i:08x}-bead-4bad-9000-{i:012x}" for i, r in enumerate(BASIC, 1)}
    write_csv("fixtures/basic_ids.csv",
              [HDR + ["orders", "product_id", "category_id"]] +
              [r[:7] + [prod_ids[r[0]], cat_ids[r[2]]] for r in BASIC])
    return prod_ids, cat_ids


def make_sales_lines():
    """Order lines whose in-window net sum equals basic.csv's orders column."""
    rows = [["order_id", "date", "sku", "quantity", "customer"]]
    # (order, date, sku, qty, customer)
    L = [
        ("S-1001", "2026-11-22", "B-V005", 3, "Anna Smith"),       # last day of window (in)
        ("S-1001", "2026-11-22", "B-V010", 1, "Anna Smith"),
        ("S-1002", "2026-10-02", "B-V005", 3, "Ben Jones"),
        ("S-1003", "2026-09-15", "B-V015", 2, "Clara Novak"),       # same order, same sku twice
        ("S-1003", "2026-09-15", "B-V015", 1, "Clara Novak"),
        ("S-1004", "2026-10-20", "B-V005", -1, "Ben Jones"),       # return (net B-V005 = 5)
        ("S-1005", "2026-08-25", "B-V025", 5, "David Kim"),         # first day of window (in)
        ("S-1006", "2026-08-24", "B-ZERO", 4, "Emma Rossi"),        # one day before window (out)
        ("S-1006", "2026-08-24", "B-V030", 9, "Emma Rossi"),        # out
        ("S-1007", "2026-09-01", "B-V029", 20, "Felix Berg"),
        ("S-1008", "2026-09-30", "B-V029", 9, "Grace Silva"),
        ("S-1009", "2026-10-10", "B-V030", 3, "Hugo Dubois"),
        ("S-1010", "2026-10-11", "B-V070", 4, "Ines Nowak"),
        ("S-1010", "2026-10-11", "B-V080", 8, "Ines Nowak"),
        ("S-1011", "2026-11-01", "B-V070", 3, "Jonas Brown"),
        ("S-1012", "2026-11-05", "B-NOSTOCK", 3, "Kate Taylor"),
        ("S-1013", "2026-11-06", "ZZ-999", 2, "Liam Garcia"),       # unknown sku
        ("S-1014", "2026-11-07", "B-NOCOST", 1, "Mia Schmidt"),
        ("S-1015", "2026-11-09", "B-NOCOST", -1, "Mia Schmidt"),    # return: net 0
        ("S-1016", "2026-11-12", "B-COSTHIGH", -2, "Noah Müller"),  # return only: sold clamps to 0
        ("S-0999", "2026-05-03", "B-FLOOR", 12, "Olivia O'Neil"),   # old (out)
        ("S-1017", "2026-11-23", "B-LOWMARGIN", 5, "Paul Smith"),   # after as-of (out)
    ]
    for o, d, s, q, c in L:
        rows.append([o, d, s, q, c])
    write_csv("fixtures/sales_lines.csv", rows)
    start = AS_OF_FIXTURE - dt.timedelta(days=WINDOW - 1)
    units, orders = {}, {}
    for o, d, s, q, c in L:
        dd = dt.date.fromisoformat(d)
        if start <= dd <= AS_OF_FIXTURE:
            units[s] = units.get(s, 0) + q
            orders.setdefault(s, set()).add(o)
    for r in BASIC:
        assert max(0, units.get(r[0], 0)) == r[6], (r[0], units.get(r[0]))
    write_csv("fixtures/sales_aggregated.csv",
              [["sku", "orders"]] + [[r[0], r[6]] for r in BASIC if r[6]] + [["ZZ-999", 2]])
    return units, {k: len(v) for k, v in orders.items()}, start


def make_title_rows():
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "Stock"
    ws["A1"] = "Acme Home & Outdoor Ltd"
    ws["A2"] = "Stock list - printed from ERP, all prices in EUR"
    # row 3 blank, header row 4
    ws.append([])
    ws.append(["SKU", "Name", "Category", "Qty", "Price", "Cost", "Last received"])
    data = [
        ["T-100", "Rattan armchair", "Outdoor Furniture", 12, 199.0, 90.0, dt.datetime(2026, 3, 14)],
        ["T-101", "Seat cushion", "Outdoor Furniture", 40, "24.50", 8.0, dt.datetime(2026, 4, 2)],
        ["T-102", "Parasol 3 m", "Outdoor Furniture", 8, 45.0, 30.0, None],
        ["T-103", "Parasol base", "Outdoor Furniture", 15, None, 12.0, dt.datetime(2026, 5, 20)],
        ["T-104", "Lantern", "Lighting", 30, 12.0, None, dt.datetime(2026, 6, 1)],
        ["T-105", "Solar path light", "Lighting", 0, 9.99, 3.5, dt.datetime(2026, 6, 1)],
        ["T-106", "Hammock", "Outdoor Furniture", 5, 79.0, 70.0, dt.datetime(2025, 9, 30)],
    ]
    for r in data:
        ws.append(r)
    # T-103 price: formula doubling T-102's price, cached value 90 patched in below
    ws["E8"] = "=E7*2"
    for row in ws.iter_rows(min_row=5, max_row=11, min_col=7, max_col=7):
        for c in row:
            c.number_format = "yyyy-mm-dd"
    notes = wb.create_sheet("Notes")
    notes["A1"] = "Do not edit"
    notes["B3"] = 42
    notes["C5"] = "#N/A?"
    notes.merge_cells("A7:D8")
    notes["A7"] = "merged junk"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "clearance fixtures"
    wb.save(path("fixtures/title_rows.xlsx"))

    def patch(data):
        s = data.decode("utf-8")
        s2, n = re.subn(r'(<c r="E8"[^>]*>)<f>(E7\*2)</f><v\s*/>',
                        r"\1<f>\2</f><v>90</v>", s)
        if n == 0:
            s2, n = re.subn(r'(<c r="E8"[^>]*>)<f>(E7\*2)</f><v></v>',
                            r"\1<f>\2</f><v>90</v>", s)
        if n == 0:
            s2, n = re.subn(r'(<c r="E8"[^>]*>)<f>(E7\*2)</f>(</c>)',
                            r"\1<f>\2</f><v>90</v>\3", s)
        assert n == 1, "could not set cached value"
        return s2.encode("utf-8")

    normalize_zip("fixtures/title_rows.xlsx", {"xl/worksheets/sheet1.xml": patch})
    # expected: header row 4; T-101 price "24.50" text -> 24.5; T-103 price = cached 90
    out = []
    for r in data:
        price = 90.0 if r[0] == "T-103" else r[4]
        out.append((r[0], plan_line(r[3], price, r[5], 0)))
    return out


def make_delimited():
    # semicolon + decimal comma
    rows = [HDR,
            ["DC-1", "Gartenbank Eiche", "Outdoor Furniture", "3", "1.234,50 €", "€ 800,00"],
            ["DC-2", "Kissen; rot", "Bedding", "40", "12,90", "4,50"],
            ["DC-3", "Laterne\nmit Griff", "Lighting", "25", "€ 8,00", "3,20"],
            ["DC-4", "Gießkanne 10 L", "Garden", "1.200", "9,99", "2,99"],
            ["DC-5", "Spiegel", "Home Decor", "0", "49,00", "20,00"]]
    write_bytes("fixtures/semicolon_decimal_comma.csv",
                csv_text(rows, ";").encode("utf-8"))
    # windows-1252
    rows = [HDR,
            ["W-1", "Crème brûlée torch", "Kitchen", "14", "19.90", "7.10"],
            ["W-2", "Müsli bowl", "Kitchen", "60", "6.50", "2.00"],
            ["W-3", "Fußmatte Kokos", "Home Decor", "22", "24.00", "9.00"],
            ["W-4", "Tasse \"1 € Deal\"", "Kitchen", "80", "1.00", "0.40"],
            ["W-5", "Café au lait set – 2 pcs", "Kitchen", "9", "29.00", "12.00"]]
    data = csv_text(rows).encode("cp1252")
    assert b"\xe9" in data and b"\x80" in data
    write_bytes("fixtures/windows1252.csv", data)
    # BOM + tab
    rows = [HDR,
            ["TB-1", "Bath towel", "Bath", "30", "14.99", "5.00"],
            ["TB-2", "Bath mat, grey", "Bath", "12", "19.99", "7.00"],
            ["TB-3", "Shower curtain", "Bath", "8", "22.00", "9.50"],
            ["TB-4", "Soap dispenser", "Bath", "50", "8.99", ""]]
    write_csv("fixtures/bom_tab.tsv", rows, delimiter="\t", bom=True)
    rows = [HDR,
            ["P-1", "Step ladder", "Tools & Storage", "6", "59.00", "31.00"],
            ["P-2", "Tool box, 3 trays", "Tools & Storage", "18", "34.50", "15.00"],
            ["P-3", "Hook rail", "Tools & Storage", "44", "12.00", "4.00"],
            ["P-4", "Spirit level", "Tools & Storage", "10", "16.00", "6.00"]]
    write_csv("fixtures/pipe.csv", rows, delimiter="|")


def make_multi_location():
    rows = [["sku", "name", "category", "location", "quantity", "price", "cost"],
            ["A", "Garden hose 25 m", "Garden", "WH1", 100, "30.00", "12.00"],
            ["A", "Garden hose 25 m", "Garden", "WH2", 40, "30.00", "12.00"],
            ["A", "Garden hose 25 m", "Garden", "STORE", 10, "30.00", "12.00"],
            ["B", "Bird feeder", "Garden", "WH1", 20, "18.00", "6.00"],
            ["B", "Bird feeder", "Garden", "STORE", 5, "18.00", "6.00"],
            ["C", "Compost bin", "Garden", "", 30, "60.00", "24.00"]]
    write_csv("fixtures/multi_location.csv", rows)
    sales = [["order_id", "date", "sku", "location", "quantity"],
             ["M-1", "2026-10-01", "A", "WH1", 2],
             ["M-2", "2026-10-02", "A", "WH2", 12],
             ["M-3", "2026-10-03", "A", "STORE", 5],
             ["M-3", "2026-10-03", "B", "STORE", 1],
             ["M-4", "2026-10-05", "B", "WH1", 1],
             ["M-5", "2026-10-06", "C", "", 3],
             ["M-6", "2026-10-07", "A", "", 4],
             ["M-7", "2026-10-08", "B", "WH2", 2]]
    write_csv("fixtures/multi_location_sales.csv", sales)
    exp = []
    sold = {("A", "WH1"): 2, ("A", "WH2"): 12, ("A", "STORE"): 5, ("B", "STORE"): 1,
            ("B", "WH1"): 1, ("C", ""): 3}
    for r in rows[1:]:
        exp.append((r[0], r[3] or "(none)", r[4], sold.get((r[0], r[3]), 0),
                    plan_line(r[4], r[5], r[6], sold.get((r[0], r[3]), 0))))
    return exp


def make_platform_copies():
    pairs = [("shopify/products_export_1.csv", "shopify/products_export.csv"),
             ("shopify/orders_export.csv", "shopify/orders_export.csv"),
             ("wix/catalog_products.csv", "wix/catalog_products.csv"),
             ("woocommerce/wc-product-export-28-7-2024-1722216242241.csv",
              "woocommerce/products_export.csv"),
             ("woocommerce/sample_products_pt-BR_registrations.csv",
              "woocommerce/products_pt-BR.csv"),
             ("prestashop/products_import.csv", "prestashop/products_import.csv"),
             ("magento/catalog_product.csv", "magento/catalog_product.csv")]
    for src, dst in pairs:
        shutil.copyfile(os.path.join(FORMATS, src), path("fixtures", dst))


def make_existing(prod_ids, cat_ids):
    write_csv("fixtures/existing_discounts.csv",
              [["scope_type", "scope_id", "percentage", "active"],
               ["SKU", "B-ZERO", 10, "true"],
               ["CATEGORY", " kitchen ", 10, "true"],
               ["SKU", "B-V005", 30, "false"]])
    simple = {"discountRules": [
        {"id": "rule-sku", "name": "Pot promo", "active": True,
         "discounts": [{"scope": {"type": "SKU", "id": "B-ZERO"},
                        "discount": {"discountType": "PERCENTAGE", "percentage": 10}}]},
        {"id": "rule-cat", "name": "Kitchen week", "active": True,
         "discounts": [{"scope": {"type": "CATEGORY", "id": "Kitchen"},
                        "discount": {"discountType": "PERCENTAGE", "percentage": 10}}]},
        {"id": "rule-off", "name": "Old hose deal", "active": False,
         "discounts": [{"scope": {"type": "SKU", "id": "B-V005"},
                        "discount": {"discountType": "PERCENTAGE", "percentage": 30}}]},
    ]}
    write_bytes("fixtures/existing_wix.json",
                (json.dumps(simple, indent=2, ensure_ascii=False) + "\n").encode())
    stores = "215238eb-22a5-4c36-9e7b-e7c08025e04e"   # Wix Stores catalog app id

    def rule(rid, name, active, pct, scope, rev="3"):
        return {
            "id": rid, "revision": rev,
            "createdDate": "2026-10-01T09:12:44.120Z",
            "updatedDate": "2026-10-02T15:03:10.518Z",
            "active": active,
            "name": name,
            "trigger": None,
            "activeTimeInfo": {"start": "2026-10-01T00:00:00Z", "end": "2026-12-31T23:59:59Z"},
            "discounts": {"values": [{
                "targetType": "SPECIFIC_ITEMS",
                "specificItemsInfo": {"scopes": [scope]},
                "discountType": "PERCENTAGE",
                "percentage": pct}]},
            "status": "LIVE" if active else "EXPIRED",
            "usageCount": 17,
            "settings": {"appliesTo": "ALL_ITEMS", "includeAddOnsInDiscountCalculation": False},
        }
    real = {"discountRules": [
        rule("3f1c2a6e-5b7d-4e0a-9c1f-0a2b3c4d5e01", "Pot promo", True, 10,
             {"id": f"specific_{stores}", "type": "CATALOG_ITEM",
              "catalogItemFilter": {"catalogAppId": stores,
                                    "catalogItemIds": [prod_ids["B-ZERO"]]}}),
        rule("3f1c2a6e-5b7d-4e0a-9c1f-0a2b3c4d5e02", "Kitchen week", True, 10,
             {"id": f"collections_{stores}", "type": "CUSTOM_FILTER",
              "customFilter": {"appId": stores,
                               "params": {"collectionIds": [cat_ids["Kitchen"]]}}}),
        rule("3f1c2a6e-5b7d-4e0a-9c1f-0a2b3c4d5e03", "Old hose deal", False, 30,
             {"id": f"specific_{stores}", "type": "CATALOG_ITEM",
              "catalogItemFilter": {"catalogAppId": stores,
                                    "catalogItemIds": [prod_ids["B-V005"]]}}),
    ], "pagingMetadata": {"count": 3, "cursors": {}, "hasNext": False}}
    for r in real["discountRules"]:
        del r["trigger"]  # rules without a trigger apply unconditionally
    write_bytes("fixtures/existing_wix_real.json",
                (json.dumps(real, indent=2, ensure_ascii=False) + "\n").encode())


def make_bad():
    write_csv("fixtures/bad/missing_quantity.csv",
              [["sku", "name", "category", "price", "cost"],
               ["X-1", "Vase", "Home Decor", "20.00", "8.00"],
               ["X-2", "Doormat", "Home Decor", "15.00", "5.00"]])
    write_bytes("fixtures/bad/empty.csv", b"")
    write_bytes("fixtures/bad/header_only.csv", (",".join(HDR) + "\n").encode())
    write_csv("fixtures/bad/text_in_number.csv",
              [HDR,
               ["N-1", "Vase", "Home Decor", "12", "20.00", "8.00"],
               ["N-2", "Doormat", "Home Decor", "lots", "15.00", "5.00"],
               ["N-3", "Rug", "Home Decor", "7", "n/a", "40.00"],
               ["N-4", "Bookends", "Home Decor", "9", "18.00", "6.00"]])
    write_csv("fixtures/bad/duplicate_sku.csv",
              [HDR,                                             # file row 1
               ["D-1", "Clock", "Home Decor", "5", "30.00", "10.00"],   # row 2
               ["D-2", "Frame", "Home Decor", "8", "9.00", "3.00"],     # row 3
               ["D-3", "Candle", "Home Decor", "20", "6.00", "2.00"],   # row 4
               ["D-4", "Tray", "Home Decor", "11", "14.00", "5.00"],    # row 5
               ["D-2", "Frame (dup)", "Home Decor", "3", "9.00", "3.00"]])  # row 6
    write_csv("fixtures/bad/ragged.csv",
              [HDR,
               ["R-1", "Vase", "Home Decor", "12", "20.00", "8.00"],
               ["R-2", "Doormat", "Home Decor", "4", "15.00", "5.00", "oops", "extra"],
               ["R-3", "Rug", "Home Decor", "7", "99.00", "40.00", "", ""]])
    write_csv("fixtures/bad/duplicate_header.csv",
              [["sku", "name", "price", "quantity", "price"],
               ["H-1", "Vase", "20.00", "12", "21.00"]])
    # truncated xlsx: the valid title_rows workbook cut in half
    with open(path("fixtures/title_rows.xlsx"), "rb") as f:
        whole = f.read()
    write_bytes("fixtures/bad/truncated.xlsx", whole[: len(whole) // 2])
    write_bytes("fixtures/bad/not_a_spreadsheet.xlsx",
                b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" +
                b"This is not a spreadsheet, just bytes renamed to .xlsx\n")


def make_hints():
    """Files a shop has lying around, given where a catalog is expected: the missing-column
    hints must name the right column or none, and an export with no classifiable stock must
    not read as an all-clear."""
    # A Shopify product export whose Variant Price column was renamed: the first two products.
    with open(path("fixtures/shopify/products_export.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = ["Selling (EUR)" if h == "Variant Price" else h for h in rows[0]]
    handles = []
    body = []
    for r in rows[1:]:
        if r[0] not in handles:
            handles.append(r[0])
        if len(handles) > 2:
            break
        body.append(r)
    write_csv("fixtures/bad/shopify_price_renamed.csv", [header] + body)
    # A Shopify customer export: no sku, stock or price anywhere (an Email column first).
    write_csv("fixtures/bad/customer_list.csv", [
        ["Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
         "Default Address Company", "Default Address Address1", "Default Address Address2",
         "Default Address City", "Default Address Province Code", "Default Address Country Code",
         "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
         "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags"],
        ["7204829184", "Ana", "Souza", "ana.souza@example.com", "yes", "", "Rua Augusta 12", "",
         "Lisboa", "", "PT", "1100-053", "", "", "no", "184.50", "3", "", "no", ""],
        ["7204829185", "Jonas", "Weber", "jonas.weber@example.com", "no", "Weber GmbH",
         "Hauptstr. 4", "", "Berlin", "BE", "DE", "10115", "+49 30 1234567", "", "no", "59.90",
         "1", "", "no", "wholesale"],
        ["7204829186", "Chloe", "Martin", "chloe.martin@example.com", "yes", "",
         "12 rue de Rivoli", "", "Paris", "", "FR", "75004", "", "", "yes", "412.00", "7",
         "VIP", "no", "vip"],
        ["7204829187", "Liam", "Byrne", "liam.byrne@example.com", "no", "", "3 Grafton St", "",
         "Dublin", "D", "IE", "D02 XK27", "", "", "no", "0.00", "0", "", "no", ""],
    ])
    # A catalog whose quantity header is none of the known names, after a Description column.
    write_csv("fixtures/bad/quantity_header_unrecognised.csv", [
        ["Item No", "Description", "On Shelf", "Unit Price", "Unit Cost", "Supplier"],
        ["CT-1001", "Ceramic mug 350ml", "24", "8.50", "3.10", "Stoneware Co"],
        ["CT-1002", "Ceramic mug 500ml", "6", "10.50", "3.90", "Stoneware Co"],
        ["CT-1003", "Espresso cup, set of 2", "40", "12.00", "4.40", "Stoneware Co"],
        ["GL-2001", "Tumbler 300ml", "0", "4.20", "1.30", "Vidro Lda"],
        ["GL-2002", "Carafe 1l", "9", "18.90", "7.00", "Vidro Lda"],
    ])
    # An order export (Online Retail's columns), saved by Excel with CRLF line ends.
    retail = [["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
               "CustomerID", "Country"],
              ["573442", "21479", "WHITE SKULL HOT WATER BOTTLE", "4", "10/31/2011 10:42",
               "4.25", "12488", "France"],
              ["556478", "22178", "VICTORIAN GLASS HANGING T-LIGHT", "24", "6/12/2011 12:34",
               "1.25", "13069", "United Kingdom"],
              ["556478", "21733", "RED HANGING HEART T-LIGHT HOLDER", "32", "6/12/2011 12:34",
               "2.55", "13069", "United Kingdom"],
              ["C560540", "21733", "RED HANGING HEART T-LIGHT HOLDER", "-2", "7/19/2011 11:10",
               "2.95", "14911", "EIRE"]]
    write_bytes("fixtures/bad/order_lines_as_catalog.csv",
                csv_text(retail, lineterminator="\r\n").encode())
    # Every line skipped for bad data: text stock, a text price, an error cell, no sku.
    write_csv("fixtures/bad/all_bad_data.csv", [
        ["SKU", "Product name", "Category", "On hand", "Price", "Unit cost"],
        ["TB-01", "Canvas tote", "Bags", "twelve", "19.90", "6.50"],
        ["TB-02", "Linen tote", "Bags", "8", "n/a", "7.20"],
        ["TB-03", "Jute tote", "Bags", "#REF!", "14.00", "5.00"],
        ["", "Cotton tote", "Bags", "6", "12.00", "4.00"],
    ])
    # The WooCommerce export's rows without a Stock figure: no line has tracked stock.
    with open(path("fixtures/woocommerce/products_export.csv"), encoding="utf-8-sig",
              newline="") as f:
        rows = list(csv.reader(f))
    stock = rows[0].index("Stock")
    write_csv("fixtures/woocommerce/products_untracked.csv",
              [rows[0]] + [r for r in rows[1:] if not r[stock].strip()], bom=True)


def make_injection():
    rows = [HDR + ["orders"],
            ["=1+1", "=HYPERLINK(\"http://x\",\"click\")", "=cmd|' /C calc'!A0", 10, "20.00", "5.00", 0],
            ["+SKU2", "+1+1", "Garden", 10, "20.00", "5.00", 0],
            ["-3", "-2+3", "-Kitchen", 10, "20.00", "5.00", 0],
            ["@4", "@SUM(A1)", "@Lighting", 10, "20.00", "5.00", 0],
            ["\tTAB5", "\tTabbed name", "Bath", 10, "20.00", "5.00", 0],
            ["\rCR6", "\rCarriage return name", "Bath", 10, "20.00", "5.00", 0],
            ["SAFE-7", "Plain name", "Bath", 10, "20.00", "5.00", 0]]
    # Quoted: a field starting with CR must not split the row.
    write_csv("fixtures/injection.csv", rows, quote_all=True)


def make_ods_xls():
    made = []
    try:
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.table import Table, TableRow, TableCell
        from odf.text import P
        doc = OpenDocumentSpreadsheet()
        t = Table(name="Sheet1")
        hdr = HDR + ["orders"]
        tr = TableRow()
        for h in hdr:
            c = TableCell(valuetype="string")
            c.addElement(P(text=h))
            tr.addElement(c)
        t.addElement(tr)
        for r in BASIC:
            tr = TableRow()
            for j, v in enumerate(r[:7]):
                if j >= 3 and v != "":
                    c = TableCell(valuetype="float", value=str(float(v)))
                    c.addElement(P(text=str(v)))
                else:
                    c = TableCell(valuetype="string") if v != "" else TableCell()
                    if v != "":
                        c.addElement(P(text=str(v)))
                tr.addElement(c)
            t.addElement(tr)
        doc.spreadsheet.addElement(t)
        doc.save(path("fixtures/catalog_xlsx_numbers.ods"))

        def strip_dates(data):
            data = re.sub(rb"<meta:creation-date>[^<]*</meta:creation-date>", b"", data)
            data = re.sub(rb"<dc:date>[^<]*</dc:date>", b"", data)
            return data
        normalize_zip("fixtures/catalog_xlsx_numbers.ods", {"meta.xml": strip_dates})
        made.append("ods")
    except ImportError:
        pass
    try:
        import xlwt
        wb = xlwt.Workbook()
        ws = wb.add_sheet("Sheet1")
        for j, h in enumerate(HDR + ["orders"]):
            ws.write(0, j, h)
        for i, r in enumerate(BASIC, 1):
            for j, v in enumerate(r[:7]):
                if v == "":
                    continue
                ws.write(i, j, float(v) if j >= 3 else v)
        wb.save(path("fixtures/basic.xls"))
        made.append("xls")
    except ImportError:
        pass
    return made


# --------------------------------------------------------------------------
def make_merged():
    """A hand-kept stock list: a title merged across the columns, each category merged down
    over its products (the value sits in the first row of the region only)."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "Stock"
    ws["A1"] = "Spring stock list"
    ws.merge_cells("A1:F1")
    ws.append(["SKU", "Name", "Category", "Qty", "Price", "Cost", "Orders"])
    rows = [
        ["M-1", "Floor lamp", "Lamps", 40, 80.0, 30.0, 1],
        ["M-2", "Desk lamp", None, 50, 40.0, 15.0, 0],
        ["M-3", "Wall lamp", None, 30, 60.0, 20.0, 2],
        ["M-4", "Wool rug", "Rugs", 20, 120.0, 50.0, 0],
        ["M-5", "Jute rug", None, 25, 90.0, 40.0, 1],
        ["M-6", "Door mat", "Mats", 60, 15.0, 5.0, 30],
    ]
    for r in rows:
        ws.append(r)
    ws.merge_cells("C3:C5")
    ws.merge_cells("C6:C7")
    save_wb(wb, "fixtures/merged_cells.xlsx")
    # The same list as a legacy .xls (xlwt).
    import xlwt
    book = xlwt.Workbook()
    sh = book.add_sheet("Stock")
    sh.write_merge(0, 0, 0, 5, "Spring stock list")
    for j, h in enumerate(["SKU", "Name", "Category", "Qty", "Price", "Cost", "Orders"]):
        sh.write(1, j, h)
    for i, r in enumerate(rows, start=2):
        for j, v in enumerate(r):
            if v is not None and j != 2:
                sh.write(i, j, v)
    sh.write_merge(2, 4, 2, 2, "Lamps")
    sh.write_merge(5, 6, 2, 2, "Rugs")
    sh.write(7, 2, "Mats")
    book.save(path("fixtures/merged_cells.xls"))
    # A header over two rows: a title merged over sub-headers (not read: one header row).
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "SKU"
    ws.merge_cells("A1:A2")
    ws["B1"] = "Name"
    ws.merge_cells("B1:B2")
    ws["C1"] = "Qty"
    ws.merge_cells("C1:C2")
    ws["D1"] = "Price"
    ws.merge_cells("D1:E1")
    ws["D2"] = "net"
    ws["E2"] = "gross"
    ws.append(["A-1", "Lamp", 10, 8, 10])
    ws.append(["A-2", "Rug", 5, 80, 100])
    save_wb(wb, "fixtures/bad/two_row_header.xlsx")
    make_merged_keys()


def make_merged_keys():
    """Merged cells that must not be copied down: a sku over its size rows, a shared stock
    figure; and a header over two rows whose second row holds only sub-headers."""
    from openpyxl import Workbook
    import xlwt
    # A sku, its name, price and cost merged down over size rows (no location column).
    head = ["SKU", "Name", "Size", "Qty", "Price", "Cost"]
    rows = [
        ["TS-1", "T-shirt", "S", 10, 20.0, 8.0],
        [None, None, "M", 15, None, None],
        [None, None, "L", 5, None, None],
        ["HO-1", "Hoodie", "M", 4, 45.0, 20.0],
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "Sizes"
    ws.append(head)
    for r in rows:
        ws.append(r)
    for col in "ABEF":
        ws.merge_cells(f"{col}2:{col}4")
    save_wb(wb, "fixtures/merged_sku_sizes.xlsx")
    book = xlwt.Workbook()
    sh = book.add_sheet("Sizes")
    for j, h in enumerate(head):
        sh.write(0, j, h)
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r):
            if v is not None and not (i == 1 and j in (0, 1, 4, 5)):
                sh.write(i, j, v)
    for j in (0, 1, 4, 5):
        sh.write_merge(1, 3, j, j, rows[0][j])
    book.save(path("fixtures/merged_sku_sizes.xls"))
    # Two colours sharing one stock figure (Qty merged D2:D3), category merged too.
    wb = Workbook()
    ws = wb.active
    ws.title = "Stock"
    ws.append(["SKU", "Name", "Category", "Qty", "Price", "Cost"])
    ws.append(["MQ-1", "Red mug", "Mugs", 30, 12.0, 4.0])
    ws.append(["MQ-2", "Blue mug", None, None, 12.0, 4.0])
    ws.append(["MQ-3", "Plate", "Plates", 8, 20.0, 9.0])
    ws.merge_cells("C2:C3")
    ws.merge_cells("D2:D3")
    save_wb(wb, "fixtures/merged_quantity.xlsx")
    # A header over two rows: SKU, Name, Price, Cost merged down over rows 1-2, the group
    # title "Stock" merged across C1:D1 over the sub-headers Qty and Reserved.
    wb = Workbook()
    ws = wb.active
    ws.title = "Stock"
    for cell, value in [("A1", "SKU"), ("B1", "Name"), ("C1", "Stock"), ("E1", "Price"),
                        ("F1", "Cost"), ("C2", "Qty"), ("D2", "Reserved")]:
        ws[cell] = value
    for rng in ["A1:A2", "B1:B2", "C1:D1", "E1:E2", "F1:F2"]:
        ws.merge_cells(rng)
    ws.append(["G-1", "Lamp", 10, 2, 30.0, 12.0])
    ws.append(["G-2", "Rug", 5, 0, 90.0, 40.0])
    save_wb(wb, "fixtures/merged_two_row_header.xlsx")


def main():
    ex = make_examples()
    prod_ids, cat_ids = make_basic()
    units, orders, start = make_sales_lines()
    title = make_title_rows()
    make_delimited()
    ml = make_multi_location()
    make_platform_copies()
    make_existing(prod_ids, cat_ids)
    make_bad()
    make_injection()
    made = make_ods_xls()
    make_merged()
    make_hints()
    write_readme(ex, units, orders, start, title, ml, made)
    print("examples:", json.dumps(ex, sort_keys=True))
    print("extra formats:", made)


def write_readme(ex, units, orders, start, title, ml, made):
    def line_res(sku, r):
        if r["d"] is None:
            return f"`{sku}` skip `{r['reason']}`"
        return f"`{sku}` {r['d']}% ({r.get('limit')})"
    title_txt = "; ".join(line_res(s, r) for s, r in title)
    ml_txt = "; ".join(f"`{s}`@{loc}: qty {q}, sold {so} -> " + line_res(s, r).split(" ", 1)[1]
                       for s, loc, q, so, r in ml)
    orders_basis = ", ".join(f"`{k}` {v}" for k, v in sorted(orders.items()))
    c = ex["counts"]
    text = f"""# Test fixtures

Generated by `python3 scripts/make_fixtures.py` (run from the repo root; deterministic).
Expected outcomes assume the SPEC defaults: cap 25, floor 15 (points rule), step 1,
min discount 5, no-cost allowance 15, window 90 days. `v` = sold / quantity.
The tables are computed by the reference implementation in the script (exact
fractions) and were checked by hand.

## Examples (`examples/`)

- `catalog.xlsx`: sheet `Products`, title in A1 ("Stock on hand — export 2026-11-20"), row 2 empty,
  header on row 3: `SKU, Product name, Category, On hand, Price, Unit cost` (quantity header is
  `On hand`, cost header is `Unit cost`). 200 products `HO-1001..HO-1200`, 8 categories x 25.
  {ex['blank_cost']} blank costs, 6 with 0 on hand, cost above price on {', '.join(ex['cost_above'])}.
- `sales.csv`: `order_id,date,sku,quantity,customer`, {ex['lines']} lines, {ex['orders']} orders,
  {ex['bytes']} bytes. Dates 2026-08-01..2026-11-20; the 90-day window ending 2026-11-20 is
  2026-08-23..2026-11-20, lines before it are old. 12 returns (negative lines, each a separate
  one-line order after a matching sale), 3 lines for unknown sku `HO-9999`.
  With `--as-of 2026-11-20`: {c.get('severe (zero sales)', 0)} zero-sales severe,
  {c.get('severe', 0)} other severe, {c.get('moderate', 0)} moderate, {c.get('balanced', 0)} balanced,
  {c.get('fast', 0)} fast, {c.get('no_stock', 0)} no_stock; {c.get('planned', 0)} lines planned.

## Generic fixtures

- `basic.csv`: `sku,name,category,quantity,price,cost,orders`, 15 lines, every class/boundary
  and skip reason. Expected (no `--sales`; `orders` is the sold count; as-of irrelevant):

{basic_table()}

  Notes: `B-ZERO` tier 25 ties cap 25, tie order names `tier`. `B-V029` tier 5.5 floors to 5 =
  min discount, planned. `B-NOCOST` allowance 15 (no-cost cap) beats tier 25: limit
  `margin_floor`, flagged `no_cost_data`. `B-COSTHIGH` margin -20 -> allowance -35, skipped
  `margin_floor` plus a cost-above-price warning. Clearance price rounds down to the cent.
- `basic_nosales.csv`: basic.csv without `orders`. With `--sales fixtures/sales_lines.csv --as-of 2026-11-22`
  the in-window net units equal basic.csv's `orders`, so the plan equals the table above.
- `basic_ids.csv`: basic.csv plus `product_id`, `category_id` GUIDs (targets of `existing_wix_real.json`).
- `basic.xls` ({'written' if 'xls' in made else 'NOT written'}), `catalog_xlsx_numbers.ods`
  ({'written' if 'ods' in made else 'NOT written'}): same content as basic.csv, numbers stored as
  numbers (blank cost = empty cell); same expected plan.
- `sales_lines.csv`: `order_id,date,sku,quantity,customer`. Window with `--as-of 2026-11-22` is
  {start.isoformat()}..2026-11-22. In: lines dated 2026-08-25 (first day) and 2026-11-22 (last day).
  Out: 2026-08-24 (B-ZERO 4, B-V030 9), 2026-05-03 (B-FLOOR 12), 2026-11-23 (after as-of, B-LOWMARGIN 5).
  Returns: B-V005 3+3-1 = 5; B-NOCOST 1-1 = 0; B-COSTHIGH only -2 -> sold clamps to 0.
  Order S-1003 has two lines for B-V015 (2+1 = 3 units, 1 distinct order). `ZZ-999`: unknown
  sku, 1 line, warning. With `--basis orders` the distinct in-window order counts are:
  {orders_basis} (counting every distinct in-window order id, return-only orders included; an
  implementation that ignores negative lines gets B-V005 2, B-NOCOST 1, B-COSTHIGH 0. B-V010 1 -> moderate 15%;
  B-V005 3/100 -> 18.5 -> 18%; B-V029 2/100 -> 19%; B-V080 1/10 -> moderate 15%; ...).
- `sales_aggregated.csv`: `sku,orders`, same sold numbers as basic.csv plus unknown `ZZ-999` (warning).
- `title_rows.xlsx`: sheet `Stock` (first) with 2 title rows + a blank row, header on row 4
  `SKU | Name | Category | Qty | Price | Cost | Last received`; second sheet `Notes` with junk (merged
  cells). T-101 price is the TEXT cell "24.50" (should read as 24.5); `Last received` holds real
  date cells (a non-required column: ignore); T-103 price E8 is the formula `=E7*2` with cached
  value 90 (use the cached value); T-104 no cost. No orders column, so v = 0 everywhere:
  {title_txt}.
- `merged_cells.xlsx` and `merged_cells.xls` (`make_merged` in scripts/make_fixtures.py): title \"Spring stock list\" merged across A1:F1, header on row 2 `SKU | Name | Category | Qty | Price | Cost | Orders`, category `Lamps` merged down C3:C5 (M-1..M-3) and `Rugs` C6:C7 (M-4, M-5); M-6 `Mats`. Every line carries its category; a warning names `C3:C5, C6:C7`.
- `merged_sku_sizes.xlsx` and `merged_sku_sizes.xls` (`make_merged_keys`): header `SKU | Name | Size | Qty | Price | Cost`; TS-1 with its name `T-shirt`, price 20 and cost 8 merged down A2:A4, B2:B4, E2:E4, F2:F4 over sizes S (10), M (15), L (5); HO-1 on row 5. The sku is not copied down: TS-1 has quantity 10, rows 3 and 4 are `bad_data` lines `(row 3)`, `(row 4)` (name and price copied), a warning names `A2:A4` and column `SKU (A)`; no duplicate sku.
- `merged_quantity.xlsx` (`make_merged_keys`): MQ-1 and MQ-2 share the stock figure 30 merged over D2:D3 (category `Mugs` merged C2:C3); MQ-3 8. MQ-1 has 30, MQ-2 none (untracked), total 38; a warning says shared stock is counted once, on row 2.
- `merged_two_row_header.xlsx` (`make_merged_keys`): SKU, Name, Price, Cost merged over rows 1-2, `Stock` merged across C1:D1 over sub-headers `Qty`, `Reserved` on row 2; G-1 and G-2 below. Row 2 is read as part of the header: two lines, no line made of sub-headers.
- `semicolon_decimal_comma.csv`: `;` delimiter, decimal commas, currency symbols and thousands dots
  (`1.234,50 €`, `€ 800,00`, quantity `1.200` = 1200). `DC-2` name `Kissen; rot` (quoted `;`),
  `DC-3` name has a quoted newline. No sales: DC-1 margin 35.2% -> 20%; DC-2 25% (tier, margin
  65.1%); DC-3 25%; DC-4 25% (margin 70.1%); DC-5 skip `no_stock`.
- `windows1252.csv`: cp1252 bytes (not UTF-8): `é`, `ü`, `ß`, `€` (0x80), `–` (0x96) in names;
  must decode to the same text. No sales: W-1..W-5 all severe, W-1 25%, W-2 25%, W-3 25%, W-4 25%, W-5 25%.
- `bom_tab.tsv`: UTF-8 BOM + tab delimiter; first header must read `sku` (not `\\ufeffsku`). TB-4 no
  cost -> 15% `no_cost_data`; others 25%.
- `pipe.csv`: `|` delimiter; P-2 name contains a comma. P-1 margin 47.5% -> 25%; others 25%.
- `multi_location.csv` + `multi_location_sales.csv`: (sku, location) rows; sales by location, use
  `--as-of 2026-11-22` (all lines 2026-10-01..08, inside the window). `M-6` (A, blank location) has no matching
  A row without location -> unmatched (warning); `M-5` (C, blank) matches C's location-less row;
  `M-7` (B, WH2) has no B@WH2 row -> unmatched. Expected: {ml_txt}.
- `injection.csv`: skus/names/categories starting with `=`, `+`, `-`, `@`, tab, CR; all 10 on hand,
  0 sold, price 20 cost 5 (margin 75) -> all 7 planned at 25%, clearance 15.00. In every CSV output
  those cells must start with `'`; in XLSX they must be string cells. Inputs are read verbatim.
- `existing_discounts.csv`: `SKU B-ZERO 10 true`, `CATEGORY " kitchen " 10 true` (matches
  category `Kitchen` after trim + case fold), `SKU B-V005 30 false` (inactive, ignored).
  Effect on basic.csv (`--existing fixtures/existing_discounts.csv`):

{basic_table(True)}

- `existing_wix.json`: the SPEC's simplified shape (`discountRules[].active`,
  `.discounts[].scope{{type,id}}`, `.discounts[].discount.percentage`), same three rules as the CSV
  (category id given by name `Kitchen`); same expected result as the table above.
- `existing_wix_real.json`: the real Wix eCommerce Query Discount Rules REST response shape (see
  below), same three rules, targets by GUID; use with `basic_ids.csv` -> same result as above.

## Platform exports (byte-exact copies of /work/shared/formats, see its README for quirks)

- `shopify/products_export.csv` (= `products_export_1.csv`): all SKUs blank -> key Handle/options;
  image-only rows skipped; product fields forward-filled; 28 untracked variants -> `untracked`.
- `shopify/orders_export.csv`: order lines; `Lineitem sku` mostly blank -> match by `Lineitem name`.
- `wix/catalog_products.csv`: BOM; Product/Variant rows; `InStock`/`OutOfStock` -> `untracked`.
- `wix/variant_depths.csv` (hand-written, the real export's header): Wool coat (COAT-S cost 20,
  COAT-L cost 70, price 100: the margin floor holds COAT-L at 15%, COAT-S gets 25%), Rain boots
  (BOOT-38, BOOT-42), Scarf (SCARF); with `wix/variant_depths_sales.csv` (BOOT-42 sold 60 of 30)
  BOOT-42 is fast, so the Rain boots product is left out of the discount rules
  (tests/wix_rules_cli.rs).
- `woocommerce/products_export.csv`: BOM; `Stock` mostly empty (untracked); variations inherit category.
- `woocommerce/products_pt-BR.csv`: translated header (`REF`, `Nome`, `Estoque`, `Preço`).
- `prestashop/products_import.csv`: `;` delimiter; `Wholesale price` = cost; row 6 cost 150 > price 25.
- `magento/catalog_product.csv`: CRLF, no final newline; grouped/bundle rows qty 0 -> `no_stock`.

## Live markdowns and platform import files

- `shopify/products_export_current_headers.csv`, `shopify/product_template.csv`,
  `shopify/inventory_export_1.csv`: byte-exact copies. Current header family (`URL handle`,
  `SKU`, `Price`, `Compare-at price`): NL-MCS-L 69.00 with compare-at 89.00 (22.47% live) ->
  `stacking`; canvas-tote Natural 24 with compare-at 32 (25%) -> `stacking`; NL-BEA-23
  `Archived` -> `excluded`. Template: jeans `draft`, beanie `archived` -> `excluded`.
  Inventory export: puff-large Latte 103 on hand (the product export says 3).
- `shopify/product_template_hat_active.csv`: the template with the beanie `active`:
  HAT_GRY_275 17.99 with compare-at 22.99 (21.75%) -> `stacking` (it used to be 13.49).
- `shopify/products_current_formula_skus.csv`: the current-header export with skus `=1+2` and
  `-X1`: plan.csv neutralises them, shopify-import.csv carries them verbatim with a warning.
- `live_markdowns.csv` (as-of 2026-11-22, cost 5, 100 on hand, no sales): A compare-at 22.99
  over 17.99 -> `stacking`; B 18 on sale from 20 -> 16%, 15.12; C sale ended 2026-10-31 and
  D sale from 2026-12-01 -> not live, 25%, 15.00 (D named in a warning); E no markdown, 15.00;
  F sale 16 with the date `soon` -> counted live (warning), 6%, 15.04.
- `wix/catalog_products_discounted.csv`: the real Wix export with `PERCENT 10.0` on a 30.0
  product (live 27.00) and `AMOUNT 5.5` on a 55.0 product (live 49.50).
- `stock_by_location.csv`: a stock file (`SKU`, `Location`, `Available`, `On hand`) for
  `multi_location.csv`: A@WH1 95, A@WH2 0, A@store 12 (location without case), B@WH1 20;
  B@STORE and C not listed (keep 5 and 30); Z matches no line.
- `shopify/products_split_handles.csv`: an archived product's rows before and after another
  product's: both variants excluded, named from the first row.
- `generic_discount_column.csv`: a catalog of one's own with `Discount percent`: not read as
  PrestaShop, the column named in a warning.
- `woocommerce/products_day_first_dates.csv`: A1 sale ending `05/12/2026` (12 May or 5 December:
  counted live, warning), A3 sale above regular (warning), A4 sale price 0 (`bad_data`).
- `prestashop/products_live_discount.csv`: the sample with RP-demo_3's 100 off running
  2026-01-01 to 2027-12-31 (live: 1400 paid today).
- `woocommerce/products_sale_schedule.csv`, `magento/catalog_product_special.csv`: made by
  scripts/make_platform_import_fixtures.py from the real exports (scheduled, ended and live
  sales; see the script's header).

## Bad inputs (`bad/`)

- `missing_quantity.csv`: no quantity/stock column -> exit 65, message suggests `--map quantity=...`.
- `empty.csv`: 0 bytes -> exit 65 (no header).
- `header_only.csv`: header, no data rows -> exit 65.
- `text_in_number.csv`: N-2 quantity `lots` (row 3, column quantity), N-3 price `n/a` (row 4, column
  price) -> those two lines skipped `bad_data` with warnings, exit 0; N-1 and N-4 planned at 25%.
- `duplicate_sku.csv`: `D-2` on file rows 3 and 6 -> exit 65 naming both rows.
- `truncated.xlsx`: first half of a valid xlsx -> exit 65 (or 66), no panic.
- `not_a_spreadsheet.xlsx`: PNG signature + text named .xlsx -> exit 65 (or 66), no panic.
- `two_row_header.xlsx` (`make_merged`): SKU, Name, Qty merged over rows 1-2, Price merged across D1:E1 over sub-headers `net`, `gross` on row 2 -> exit 65 naming row 2 and asking for one header row (no word of delimiters)
- `ragged.csv`: R-2 (row 3) has two extra non-empty fields -> exit 65; R-3's extra fields are empty
  (trailing empty fields are allowed).
- `duplicate_header.csv`: `price` twice -> exit 65.
- `shopify_price_renamed.csv` (`make_hints`): the first two products of the Shopify export with
  `Variant Price` renamed `Selling (EUR)` -> exit 65, no column suggested for price (not
  `Option1 Name`, not the empty `Price / France`).
- `customer_list.csv`: a Shopify customer export -> exit 65, no column suggested for sku
  (not `Email`), quantity or price.
- `quantity_header_unrecognised.csv`: `Item No, Description, On Shelf, Unit Price, Unit Cost,
  Supplier` -> exit 65, no column suggested for quantity (not `Description`); with `On Shelf`
  renamed `Stk` the hint names `Stk`.
- `order_lines_as_catalog.csv`: Online Retail's columns (invoice lines, CRLF) -> exit 65, "this
  looks like sales lines; pass it with --sales"; read fine as `--sales`.
- `all_bad_data.csv`: every line skipped `bad_data` (text stock, text price, `#REF!`, no sku)
  -> exit 0, first warning "nothing could be classified ... every line was skipped for bad data".
- `../woocommerce/products_untracked.csv`: the WooCommerce export's rows without a Stock figure
  (102 lines, all untracked) -> exit 0, first warning "... no line has tracked stock".

## Wix discount rules: the real response shape

The SPEC's shape (`discounts[].scope`, `discounts[].discount.percentage`) matches the *simplified*
examples in Wix's "Setup Discount Rules" skill doc, but the API itself (SDK types
`@wix/ecom` `DiscountRule`, and the same doc's "API always returns the full normalized structure")
returns `discounts` as an OBJECT with a `values` array:

```json
{{"discountRules": [{{"id": "GUID", "revision": "3", "name": "...", "active": true,
   "activeTimeInfo": {{"start": "...", "end": "..."}},
   "discounts": {{"values": [{{
      "targetType": "SPECIFIC_ITEMS",
      "specificItemsInfo": {{"scopes": [
         {{"id": "specific_<appId>", "type": "CATALOG_ITEM",
          "catalogItemFilter": {{"catalogAppId": "<appId>", "catalogItemIds": ["<product GUID>"]}}}},
         {{"id": "collections_<appId>", "type": "CUSTOM_FILTER",
          "customFilter": {{"appId": "<appId>", "params": {{"collectionIds": ["<collection GUID>"]}}}}}}]}},
      "discountType": "PERCENTAGE", "percentage": 10}}]}},
   "status": "LIVE", "settings": {{"appliesTo": "ALL_ITEMS"}}}}],
 "pagingMetadata": {{"count": 1, "cursors": {{}}, "hasNext": false}}}}
```

`<appId>` is the Wix Stores catalog app id `215238eb-22a5-4c36-9e7b-e7c08025e04e`. Site-wide:
`CATALOG_ITEM` with `catalogItemFilter.catalogAppId` and no/empty `catalogItemIds` (id prefix
`all_`). Other `discountType`s: `FIXED_AMOUNT` (`fixedAmount` string), `FIXED_PRICE`
(`fixedPrice` string). Other `targetType`: `BUY_X_GET_Y` (`buyXGetYInfo`). The JS SDK names ids
`_id`. Targets are product/collection GUIDs, never SKUs.
"""
    write_bytes("fixtures/README.md", text.encode("utf-8"))


if __name__ == "__main__":
    sys.exit(main())
