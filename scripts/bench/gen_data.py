#!/usr/bin/env python3
"""Deterministic benchmark data for `clearance` (SPEC section 8).

Usage: gen_data.py OUT_DIR [--small] [--seed N]
       gen_data.py OUT_DIR --lines N [--locations K] [--seed N]

Writes into OUT_DIR:
  catalog_1m.csv    1,000,000 rows  sku,name,category,quantity,price,cost,orders
  catalog_100k.csv    100,000 rows  (the first 100k rows of the 1M catalog)
  catalog_100k.xlsx   the same 100k rows as a workbook (openpyxl, write_only mode)
  sales_10m.csv    10,000,000 lines order_id,date,sku,quantity over the 180 days
                    ending 2026-11-22, skus from the 1M catalog, skewed (weighted by the
                    catalog's sales, so best sellers dominate and ~11% of skus never sell)

--lines N --locations K writes only catalog_lines_N.csv: N rows, sku x location (N / K skus,
each in K locations named L01, L02, ...; default K = 10), header
sku,name,category,location,quantity,price,cost,orders. A sku's name, category, price and cost
are the same in every location; stock and sales are drawn per row with the shares below. Rows
are written as they are drawn (constant memory), for the memory-against-lines runs of
docs/performance.md.

--small writes the same file names with 10k / 1k catalog rows and 100k sales lines, to
smoke-test the scripts. Pure Python + standard library; openpyxl only for the XLSX.

Shares in the catalog (printed at the end): ~11% zero sales, ~30% slow movers
(velocity < 0.3, zero sales included), ~2% zero stock, ~5% blank costs, 200 categories,
prices 1.00-500.00 (log-uniform, two decimals).
"""

import argparse
import datetime as dt
import itertools
import math
import os
import random
import sys
import time

AS_OF = dt.date(2026, 11, 22)
SALES_DAYS = 180
HEADER = "sku,name,category,quantity,price,cost,orders"

DEPARTMENTS = ["Women", "Men", "Kids", "Home", "Garden", "Sports", "Office", "Beauty",
               "Toys", "Pets"]
KINDS = ["Shoes", "Jackets", "Shirts", "Trousers", "Bags", "Lamps", "Tools", "Cups",
         "Towels", "Rugs", "Balls", "Pens", "Paper", "Soap", "Games", "Beds", "Bowls",
         "Socks", "Hats", "Gloves"]
CATEGORIES = [f"{d} {k}" for d in DEPARTMENTS for k in KINDS]  # 200
ADJ = ["Classic", "Urban", "Soft", "Bold", "Eco", "Pro", "Mini", "Max", "Nordic", "Retro",
       "Bright", "Calm", "Rapid", "Solid", "Lite", "Prime"]


def sku_of(i):
    return f"SKU-{i:07d}"


def gen_catalog(n, rng):
    """Return (rows, skus, orders) for n catalog lines. rows are CSV-ready tuples."""
    rows = []
    orders_list = []
    log_hi = math.log(500.0)
    rand = rng.random
    randint = rng.randint
    ncat = len(CATEGORIES)
    for i in range(1, n + 1):
        sku = sku_of(i)
        cat = CATEGORIES[int(ncat * (rand() ** 1.6))]  # skewed: some categories big
        name = f"{ADJ[i % 16]} {cat.split(' ', 1)[1]} {i}"
        # price 1.00 .. 500.00, log-uniform, two decimals
        price_c = int(100 * math.exp(rand() * log_hi))
        price_c = min(max(price_c, 100), 50000)
        r = rand()
        if r < 0.11:          # zero sales (overstocked, never sold)
            qty = randint(5, 300)
            v = 0.0
        elif r < 0.30:        # slow movers 0 < v < 0.3
            qty = randint(20, 400)
            v = 0.005 + rand() * 0.29
        elif r < 0.62:        # balanced
            qty = randint(2, 60)
            v = 0.3 + rand() * 0.4
        else:                 # fast
            qty = randint(1, 40)
            v = 0.72 + rand() * 2.0
        orders = int(v * qty + 0.5) if v > 0 else 0
        if v > 0 and orders == 0:
            orders = 1
        if rand() < 0.02:     # zero stock (sold out)
            qty = 0
        if rand() < 0.05:     # cost not entered
            cost = ""
        else:
            cost_c = int(price_c * (0.30 + rand() * 0.60))
            cost = f"{cost_c // 100}.{cost_c % 100:02d}"
        price = f"{price_c // 100}.{price_c % 100:02d}"
        rows.append((sku, name, cat, qty, price, cost, orders))
        orders_list.append(orders)
    return rows, orders_list


def write_catalog_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER + "\n")
        for k in range(0, len(rows), 100_000):
            f.write("".join(f"{s},{nm},{c},{q},{p},{co},{o}\n"
                            for (s, nm, c, q, p, co, o) in rows[k:k + 100_000]))


def write_location_catalog(path, n_lines, n_loc, rng):
    """n_lines rows, sku x location, written as drawn; returns (rows, categories) counts."""
    log_hi = math.log(500.0)
    rand = rng.random
    randint = rng.randint
    ncat = len(CATEGORIES)
    locations = [f"L{k:02d}" for k in range(1, n_loc + 1)]
    n_skus = -(-n_lines // n_loc)
    written = 0
    cats = set()
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("sku,name,category,location,quantity,price,cost,orders\n")
        buf = []
        for i in range(1, n_skus + 1):
            sku = sku_of(i)
            cat = CATEGORIES[int(ncat * (rand() ** 1.6))]
            cats.add(cat)
            name = f"{ADJ[i % 16]} {cat.split(' ', 1)[1]} {i}"
            price_c = min(max(int(100 * math.exp(rand() * log_hi)), 100), 50000)
            price = f"{price_c // 100}.{price_c % 100:02d}"
            if rand() < 0.05:
                cost = ""
            else:
                cost_c = int(price_c * (0.30 + rand() * 0.60))
                cost = f"{cost_c // 100}.{cost_c % 100:02d}"
            for loc in locations:
                if written == n_lines:
                    break
                r = rand()
                if r < 0.11:
                    qty, v = randint(5, 300), 0.0
                elif r < 0.30:
                    qty, v = randint(20, 400), 0.005 + rand() * 0.29
                elif r < 0.62:
                    qty, v = randint(2, 60), 0.3 + rand() * 0.4
                else:
                    qty, v = randint(1, 40), 0.72 + rand() * 2.0
                orders = int(v * qty + 0.5) if v > 0 else 0
                if v > 0 and orders == 0:
                    orders = 1
                if rand() < 0.02:
                    qty = 0
                buf.append(f"{sku},{name},{cat},{loc},{qty},{price},{cost},{orders}\n")
                written += 1
            if len(buf) >= 100_000:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
    return written, len(cats)


def write_catalog_xlsx(path, rows):
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Products")
    ws.append(HEADER.split(","))
    for (s, nm, c, q, p, co, o) in rows:
        ws.append([s, nm, c, q, float(p), float(co) if co else None, o])
    wb.save(path)


def write_sales(path, orders, n_lines, rng):
    """n_lines order lines over SALES_DAYS days ending AS_OF, chronological.

    Each line's sku is drawn with probability proportional to the catalog's `orders`, so the
    distribution is as skewed as the catalog's sales and never-sold skus never appear. Line
    quantities are scaled so that the units in the 90-day window are about the catalog's
    total orders (the velocities from --sales then look like the catalog's).
    """
    n_skus = len(orders)
    cum = list(itertools.accumulate(orders))
    total = cum[-1]
    in_window = n_lines * 90 / SALES_DAYS
    mean_qty = max(1.0, total / in_window)
    # A pool of line quantities with the wanted mean: mostly small, a few bulk lines,
    # about 1% returns (-1).
    qrng = random.Random(rng.random())
    pool = []
    for _ in range(10_000):
        if qrng.random() < 0.01:
            pool.append(-1)
        else:
            pool.append(1 + int(qrng.expovariate(1.0 / max(mean_qty - 0.97, 0.01))))
    population = range(1, n_skus + 1)
    days = [(AS_OF - dt.timedelta(days=SALES_DAYS - 1 - k)).isoformat() for k in range(SALES_DAYS)]
    # Mild growth over the period plus weekend peaks; lines per day sum to n_lines.
    w = [(1.0 + 0.4 * k / SALES_DAYS) * (1.3 if k % 7 in (5, 6) else 1.0) for k in range(SALES_DAYS)]
    sw = sum(w)
    per_day = [int(n_lines * x / sw) for x in w]
    per_day[-1] += n_lines - sum(per_day)
    choices = rng.choices
    order_no = 1
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("order_id,date,sku,quantity\n")
        for day, n in zip(days, per_day):
            done = 0
            while done < n:
                m = min(n - done, 200_000)
                skus = choices(population, cum_weights=cum, k=m)
                qtys = choices(pool, k=m)
                # ~2.5 lines per order: order id advances on every line with prob 0.4
                step = choices((0, 1), weights=(6, 4), k=m)
                ids = list(itertools.accumulate(step, initial=order_no))[1:]
                order_no = ids[-1] + 1
                f.write("".join(f"O{o},{day},SKU-{s:07d},{q}\n"
                                for o, s, q in zip(ids, skus, qtys)))
                done += m
    return mean_qty


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--small", action="store_true", help="10k/1k catalogs and 100k sales lines")
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--lines", type=int, help="write only catalog_lines_N.csv, sku x location")
    ap.add_argument("--locations", type=int, default=10, help="locations per sku with --lines")
    args = ap.parse_args()

    if args.lines is not None:
        if args.lines < 1 or args.locations < 1:
            ap.error("--lines and --locations must be at least 1")
        os.makedirs(args.out_dir, exist_ok=True)
        path = os.path.join(args.out_dir, f"catalog_lines_{args.lines}.csv")
        t0 = time.perf_counter()
        n, ncat = write_location_catalog(path, args.lines, args.locations,
                                         random.Random(args.seed))
        print(f"{path}: {n:,} rows ({-(-n // args.locations):,} skus x {args.locations} "
              f"locations), categories {ncat}, {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        return

    n_big, n_mid, n_sales = (10_000, 1_000, 100_000) if args.small else (1_000_000, 100_000, 10_000_000)
    os.makedirs(args.out_dir, exist_ok=True)
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    rows, orders = gen_catalog(n_big, rng)
    write_catalog_csv(os.path.join(args.out_dir, "catalog_1m.csv"), rows)
    t1 = time.perf_counter()
    mid = rows[:n_mid]
    write_catalog_csv(os.path.join(args.out_dir, "catalog_100k.csv"), mid)
    write_catalog_xlsx(os.path.join(args.out_dir, "catalog_100k.xlsx"), mid)
    t2 = time.perf_counter()
    mean_qty = write_sales(os.path.join(args.out_dir, "sales_10m.csv"), orders, n_sales,
                           random.Random(args.seed + 1))
    t3 = time.perf_counter()

    # Shares, computed the way the rules do (velocity = orders / quantity).
    stocked = [(r[3], r[6]) for r in rows if r[3] > 0]
    zero_sales = sum(1 for q, o in stocked if o == 0)
    slow = sum(1 for q, o in stocked if o * 10 < 3 * q)
    print(f"catalog rows {n_big:,} (+{n_mid:,} csv/xlsx), sales lines {n_sales:,}, "
          f"mean line quantity {mean_qty:.2f}", file=sys.stderr)
    print(f"shares: zero stock {100 * (n_big - len(stocked)) / n_big:.1f}%, "
          f"zero sales {100 * zero_sales / len(stocked):.1f}%, "
          f"slow movers (v<0.3) {100 * slow / len(stocked):.1f}%, "
          f"blank cost {100 * sum(1 for r in rows if r[5] == '') / n_big:.1f}%, "
          f"categories {len(set(r[2] for r in rows))}", file=sys.stderr)
    print(f"generation time: catalog_1m {t1 - t0:.1f}s, catalog_100k csv+xlsx {t2 - t1:.1f}s, "
          f"sales {t3 - t2:.1f}s, total {t3 - t0:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
