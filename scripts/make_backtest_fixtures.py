#!/usr/bin/env python3
"""Writes fixtures/backtest/ (`clearance backtest`, tests/backtest_cli.rs); deterministic
(fixed seed).

    python3 scripts/make_backtest_fixtures.py

180 days of daily sales, 2026-01-01 to 2026-06-29, of two categories with known elasticities:
- Shoes: 8 skus sold at `rate × (price / regular)^-1.5`.
- Coats: 8 skus sold at `rate × (price / regular)^-3.0`.

Each sku sells Poisson units a day (1 to 4 a day at its regular price). In sales_moved.csv its
price moved: one markdown before the training window, three in it (10% to 30% off, 5 to 12
days each), and in the holdout (the last 28 days, 2026-06-02 to 2026-06-29) a markdown of 25%
to 40% off for the holdout's last 14 days. sales_constant.csv has the same skus and rates at
the regular price every day. sales_noprice.csv is sales_moved.csv without the unit_price
column. catalog.csv gives each sku its name, category, stock and regular price.

Every file has one line per sku and day that sold (date, order id, sku, category, quantity,
unit_price).
"""
import datetime
import math
import os
import random

START = datetime.date(2026, 1, 1)
DAYS = 180
AS_OF = START + datetime.timedelta(days=DAYS - 1)  # 2026-06-29
HOLDOUT = 28
WINDOW = 90
HOLDOUT_START = DAYS - HOLDOUT  # day index 152
TRAINING_START = HOLDOUT_START - WINDOW  # day index 62
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "backtest")

CATEGORIES = [("Shoes", "SH", -1.5, 8), ("Coats", "CO", -3.0, 8)]


def poisson(rng, mean):
    """Knuth's product of uniforms (the means here are below 30)."""
    limit = math.exp(-mean)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def markdowns(rng):
    """(first day, last day, factor) of each markdown of one sku over the 180 days."""
    out = []
    # One before the training window.
    s = rng.randrange(5, TRAINING_START - 15)
    out.append((s, s + rng.randrange(5, 12), rng.choice([0.9, 0.8, 0.7])))
    # Three in the training window, one in each third of it.
    third = WINDOW // 3
    for k in range(3):
        s = TRAINING_START + k * third + rng.randrange(0, third - 13)
        out.append((s, s + rng.randrange(5, 12), rng.choice([0.9, 0.85, 0.8, 0.7])))
    # The holdout's last 14 days.
    out.append((DAYS - 14, DAYS - 1, rng.choice([0.75, 0.7, 0.65, 0.6])))
    return out


def main():
    rng = random.Random(20261130)
    skus = []
    for category, prefix, e, n in CATEGORIES:
        for i in range(1, n + 1):
            regular = round(rng.uniform(20, 150), 0) - 0.01
            rate = rng.uniform(1.0, 4.0)
            skus.append((f"{prefix}-{i}", f"{category[:-1]} {i}", category, e, regular, rate,
                         markdowns(rng)))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "catalog.csv"), "w", newline="") as f:
        f.write("sku,name,category,quantity,price,cost\n")
        for sku, name, category, _, regular, _, _ in skus:
            f.write(f"{sku},{name},{category},100,{regular:.2f},{regular * 0.4:.2f}\n")
    for variant in ["moved", "constant"]:
        rows = []
        order = 1000
        for day in range(DAYS):
            date = START + datetime.timedelta(days=day)
            for sku, _, category, e, regular, rate, marks in skus:
                factor = 1.0
                if variant == "moved":
                    for first, last, f in marks:
                        if first <= day <= last:
                            factor = f
                price = round(regular * factor, 2)
                units = poisson(rng, rate * (price / regular) ** e)
                if units > 0:
                    order += 1
                    rows.append((date.isoformat(), f"#{order}", sku, category, units,
                                 f"{price:.2f}"))
        with open(os.path.join(OUT, f"sales_{variant}.csv"), "w", newline="") as f:
            f.write("date,order_id,sku,category,quantity,unit_price\n")
            for r in rows:
                f.write(",".join(str(x) for x in r) + "\n")
        if variant == "moved":
            with open(os.path.join(OUT, "sales_noprice.csv"), "w", newline="") as f:
                f.write("date,order_id,sku,category,quantity\n")
                for r in rows:
                    f.write(",".join(str(x) for x in r[:5]) + "\n")


if __name__ == "__main__":
    main()
