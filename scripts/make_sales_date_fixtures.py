#!/usr/bin/env python3
"""Sales files whose dates are the trap: stale exports and day/month columns.

Usage: python3 scripts/make_sales_date_fixtures.py   (from the repo root; deterministic)

Writes fixtures/sales_dates/. Every file plans against catalog.csv with --as-of 2026-11-22
and the default 90-day window (2026-08-25 to 2026-11-22). See fixtures/README.md.
"""

import os

OUT = os.path.join("fixtures", "sales_dates")

CATALOG = [
    ("sku", "name", "category", "quantity", "price", "cost"),
    ("A-1", "Wool scarf", "Accessories", "20", "40.00", "12.00"),
    ("A-2", "Leather belt", "Accessories", "20", "30.00", "10.00"),
    ("A-3", "Canvas tote", "Bags", "20", "25.00", "8.00"),
]

# A European shop's export (Excel on Windows: CRLF, day first). Only 20/11/2026 shows the order:
# read one value at a time, 05/11 and 02/10 were May 11 and Feb 10 (outside the window) and A-1
# sold nothing; read as the column, A-1 sold 3 + 2 = 5.
DMY = [
    ("Order", "Date", "SKU", "Qty"),
    ("1001", "05/11/2026", "A-1", "3"),
    ("1002", "02/10/2026", "A-1", "2"),
    ("1003", "20/11/2026", "A-2", "1"),
    ("1004", "09/09/2026", "A-3", "4"),
]

# The same sales as a US export: 11/20/2026 decides month first for the column.
MDY = [
    ("Order", "Date", "SKU", "Qty"),
    ("1001", "11/05/2026", "A-1", "3"),
    ("1002", "10/02/2026", "A-1", "2"),
    ("1003", "11/20/2026", "A-2", "1"),
    ("1004", "09/09/2026", "A-3", "4"),
]

# No value decides: month first (the default) puts A-1's sales in May and February;
# --date-order dmy (or date_order = "dmy") puts them in November and October.
AMBIGUOUS = [
    ("Order", "Date", "SKU", "Qty"),
    ("1001", "05/11/2026", "A-1", "3"),
    ("1002", "02/10/2026", "A-1", "2"),
    ("1003", "11/10/2026", "A-2", "1"),
]

# Both orders in one column: row 3 can only be day first, row 5 only month first.
CONFLICT = [
    ("Order", "Date", "SKU", "Qty"),
    ("1001", "05/11/2026", "A-1", "3"),
    ("1002", "20/11/2026", "A-1", "2"),
    ("1003", "02/10/2026", "A-2", "1"),
    ("1004", "11/25/2026", "A-3", "4"),
]

# An export made in the summer, planned in November: no sale in the window.
STALE = [
    ("order_id", "date", "sku", "quantity"),
    ("S-1", "2026-05-02", "A-1", "3"),
    ("S-2", "2026-06-14", "A-2", "1"),
    ("S-3", "2026-06-20", "A-1", "2"),
    ("S-4", "2026-06-30", "A-3", "5"),
]

# A year of history with a little of the window: 6 lines before it, 2 inside.
MOSTLY_OLD = [
    ("order_id", "date", "sku", "quantity"),
    ("S-1", "2026-01-10", "A-1", "3"),
    ("S-2", "2026-02-14", "A-2", "1"),
    ("S-3", "2026-03-20", "A-1", "2"),
    ("S-4", "2026-04-30", "A-3", "5"),
    ("S-5", "2026-05-30", "A-3", "1"),
    ("S-6", "2026-07-01", "A-2", "2"),
    ("S-7", "2026-11-02", "A-1", "4"),
    ("S-8", "2026-11-20", "A-2", "1"),
]


def write(name, rows, newline="\n"):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        for r in rows:
            f.write(",".join(r) + newline)


def main():
    os.makedirs(OUT, exist_ok=True)
    write("catalog.csv", CATALOG)
    write("sales_dmy_crlf.csv", DMY, "\r\n")
    write("sales_mdy.csv", MDY)
    write("sales_ambiguous.csv", AMBIGUOUS)
    write("sales_conflict.csv", CONFLICT)
    write("sales_stale.csv", STALE)
    write("sales_mostly_old.csv", MOSTLY_OLD)
    with open(os.path.join(OUT, "dmy.toml"), "w") as f:
        f.write('# Slashed sales dates no value decides are day first.\ndate_order = "dmy"\n')


if __name__ == "__main__":
    main()
