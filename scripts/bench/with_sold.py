"""Write a copy of a catalog whose `orders` column holds the sold figures of a plan.csv.

    python3 scripts/bench/with_sold.py CATALOG.csv PLAN.csv OUT.csv

Used by run.sh: planning OUT.csv without --sales makes the same plan as planning CATALOG.csv
with the sales the plan was made from (same sold figures, so the same planned lines), which
separates the cost of reading the sales from the cost of the bigger plan they make.
"""

import csv
import sys


def main() -> None:
    catalog, plan, out = sys.argv[1:4]
    with open(plan, newline="", encoding="utf-8") as f:
        sold = {row["sku"]: row["sold"] for row in csv.DictReader(f)}
    with open(catalog, newline="", encoding="utf-8") as f, open(
        out, "w", newline="", encoding="utf-8"
    ) as g:
        reader = csv.DictReader(f)
        writer = csv.DictWriter(g, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        for row in reader:
            row["orders"] = sold.get(row["sku"], "0")
            writer.writerow(row)


if __name__ == "__main__":
    main()
