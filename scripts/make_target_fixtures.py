#!/usr/bin/env python3
"""Writes fixtures/target_mode/ (target mode, tests/target_cli.rs); deterministic.

    python3 scripts/make_target_fixtures.py

One fast Kitchen line (K-FAST) sits among slow ones; the category's prior is its median line
rate, so the bestseller does not lift them. At a 10% target by 2027-01-31 (as-of 2026-11-30, 63
days) one line is on track, one reaches it at a step, the rest are short within their limits.
The tier plan made from these files is stored in tests/fixtures/tier_plan/: do not change them.
Expected outcomes are in fixtures/README.md ("Target mode").
"""
import datetime
import os

AS_OF = datetime.date(2026, 11, 30)

# sku, name, category, on hand, sold in the 90-day window, price, cost
LINES = [
    ("K-MET", "Kettle", "Kitchen", 30, 8, "20.00", "8.00"),
    ("K-B", "Knife block", "Kitchen", 60, 6, "30.00", "12.00"),
    ("K-C", "Colander", "Kitchen", 50, 2, "25.00", "10.00"),
    ("K-D", "Dutch oven", "Kitchen", 80, 0, "40.00", "16.00"),
    ("K-NOCOST", "Napkin set", "Kitchen", 70, 5, "15.00", ""),
    ("K-FLOOR", "Funnel", "Kitchen", 62, 4, "10.00", "7.50"),
    ("K-LOW", "Ladle", "Kitchen", 60, 2, "10.00", "8.20"),
    ("K-FAST", "Fork set", "Kitchen", 300, 1500, "10.00", "4.00"),
    ("G-ZERO", "Garden gnome", "Garden", 115, 0, "50.00", "20.00"),
    ("G-BAL", "Gloves", "Garden", 20, 10, "25.00", "10.00"),
    ("A-DEAD", "Attic trunk", "Attic", 10, 0, "30.00", "10.00"),
]


def main():
    out = os.path.join("fixtures", "target_mode")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "catalog.csv"), "w", newline="") as f:
        f.write("sku,name,category,quantity,price,cost\n")
        for sku, name, cat, qty, _sold, price, cost in LINES:
            f.write(f"{sku},{name},{cat},{qty},{price},{cost}\n")
    # Each line's units as order lines spread over the window (10 a line for big sellers).
    rows = []
    order = 1000
    for sku, _name, _cat, _qty, sold, _price, _cost in LINES:
        per = 10 if sold >= 100 else 1
        k = 0
        while sold > 0:
            qty = min(per, sold)
            sold -= qty
            day = AS_OF - datetime.timedelta(days=(k * 7) % 89)
            order += 1
            k += 1
            rows.append((f"T-{order}", day.isoformat(), sku, qty))
    with open(os.path.join(out, "sales.csv"), "w", newline="") as f:
        f.write("order_id,date,sku,quantity\n")
        for r in rows:
            f.write(",".join(map(str, r)) + "\n")


if __name__ == "__main__":
    main()
