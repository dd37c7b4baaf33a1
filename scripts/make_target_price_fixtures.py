#!/usr/bin/env python3
"""Writes fixtures/target_mode/prices/ (target mode learning the elasticity from the unit
prices paid, tests/target_cli.rs); deterministic.

    python3 scripts/make_target_price_fixtures.py

Two categories over the 90-day window up to 2026-11-30:
- Shoes: 6 skus whose prices changed every 10 to 16 days (full price, 10% to 30% off), sold at
  `rate × (price / full)^-3`: a true elasticity of −3.0.
- Socks: 6 skus always sold at full price: nothing to learn ("prices did not change").

sales.csv has an order id, a date, the sku, the quantity and `unit_price`; one line (row 3)
has `unit_price` "n/a" (a bad value, counted in a warning in target mode). sales_noprice.csv
is the same lines without the price column: the tier plan must not change between them.
"""
import datetime
import math
import os
import random

AS_OF = datetime.date(2026, 11, 30)
WINDOW = 90
TRUE_E = -3.0
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "target_mode", "prices")

# sku, name, category, on hand, full price, cost, units per day at full price
LINES = [
    ("SH-1", "Runner", "Shoes", 3000, "80.00", "30.00", 1.5),
    ("SH-2", "Trail shoe", "Shoes", 3000, "95.00", "35.00", 1.2),
    ("SH-3", "Sandal", "Shoes", 3000, "40.00", "15.00", 2.0),
    ("SH-4", "Boot", "Shoes", 3000, "120.00", "45.00", 1.0),
    ("SH-5", "Loafer", "Shoes", 3000, "70.00", "25.00", 1.4),
    ("SH-6", "Slipper", "Shoes", 3000, "30.00", "10.00", 2.5),
    ("SO-1", "Ankle sock", "Socks", 400, "6.00", "2.00", 2.0),
    ("SO-2", "Crew sock", "Socks", 400, "8.00", "3.00", 1.5),
    ("SO-3", "Wool sock", "Socks", 300, "14.00", "5.00", 1.0),
    ("SO-4", "Hiking sock", "Socks", 300, "16.00", "6.00", 0.8),
    ("SO-5", "Dress sock", "Socks", 300, "10.00", "4.00", 1.2),
    ("SO-6", "Kids sock", "Socks", 300, "5.00", "2.00", 2.2),
]
MULTIPLIERS = [1.0, 0.8, 1.0, 0.7, 0.9, 1.0, 0.75, 1.0, 0.85]


def poisson(rng, lam):
    # Knuth's method: fine for the small rates here.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def main():
    rng = random.Random(20261130)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "catalog.csv"), "w", newline="") as f:
        f.write("sku,name,category,quantity,price,cost\n")
        for sku, name, cat, qty, price, cost, _ in LINES:
            f.write(f"{sku},{name},{cat},{qty},{price},{cost}\n")
    rows = []
    start = AS_OF - datetime.timedelta(days=WINDOW - 1)
    for n, (sku, _, cat, _, price, _, rate) in enumerate(LINES):
        full = float(price)
        # Each shoe changes price every 10 to 16 days, starting at a different multiplier.
        length = 10 + n % 7
        for day in range(WINDOW):
            if cat == "Shoes":
                m = MULTIPLIERS[(day // length + n) % len(MULTIPLIERS)]
            else:
                m = 1.0
            paid = round(full * m, 2)
            units = poisson(rng, rate * m ** TRUE_E)
            if units:
                date = start + datetime.timedelta(days=day)
                rows.append((date.isoformat(), sku, units, f"{paid:.2f}"))
    rows.sort()
    with open(os.path.join(OUT, "sales.csv"), "w", newline="") as f, open(
        os.path.join(OUT, "sales_noprice.csv"), "w", newline=""
    ) as g:
        f.write("order_id,date,sku,quantity,unit_price\n")
        g.write("order_id,date,sku,quantity\n")
        for i, (date, sku, units, paid) in enumerate(rows):
            if i == 1:
                paid = "n/a"  # row 3 of the file: a bad unit price
            f.write(f"P-{1001 + i},{date},{sku},{units},{paid}\n")
            g.write(f"P-{1001 + i},{date},{sku},{units}\n")


if __name__ == "__main__":
    main()
