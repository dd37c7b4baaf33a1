#!/usr/bin/env python3
"""Fixtures for `apply --platform` (tests/platform_imports_cli.rs), made from the real exports so
the column layout is the platforms' own. Run from the repo root; deterministic.

- fixtures/woocommerce/products_sale_schedule.csv: the WooCommerce export's header (BOM, every
  column) with three simple products, tracked stock, no sales: SALE-ENDED (regular 40, sale 30
  from 2026-10-01 to 2026-10-31: ended before --as-of 2026-11-20, so not live), SALE-FUTURE
  (regular 50, sale 35 from 2026-12-10 to 2026-12-20: scheduled, not live), SALE-NONE (60).
- fixtures/magento/catalog_product_special.csv: fixtures/magento/catalog_product.csv (CRLF)
  with 24-WG085 special_price 13.30 from 2026-11-01 to 2026-12-31 (live on 2026-11-20) and
  24-WG086 special_price 15 from 2026-01-01 to 2026-06-30 (ended).
"""
import csv
import io

WOO = "fixtures/woocommerce/products_export.csv"
MAGENTO = "fixtures/magento/catalog_product.csv"


def woo():
    with open(WOO, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    products = [
        ("201", "SALE-ENDED", "Ended sale tee", "30", "40", "2026-10-01", "2026-10-31"),
        ("202", "SALE-FUTURE", "Scheduled sale tee", "35", "50", "2026-12-10", "2026-12-20"),
        ("203", "SALE-NONE", "Plain tee", "", "60", "", ""),
    ]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for pid, sku, name, sale, regular, start, end in products:
        row = dict.fromkeys(header, "")
        row.update({
            "ID": pid, "Type": "simple", "SKU": sku, "Name": name, "Published": "1",
            "Is featured?": "0", "Visibility in catalog": "visible", "Tax status": "taxable",
            "In stock?": "1", "Stock": "20", "Sale price": sale, "Regular price": regular,
            "Date sale price starts": start, "Date sale price ends": end,
            "Categories": "Clothing > Tshirts",
        })
        w.writerow([row[h] for h in header])
    with open("fixtures/woocommerce/products_sale_schedule.csv", "w", encoding="utf-8", newline="") as f:
        f.write("\ufeff" + out.getvalue())


def magento():
    with open(MAGENTO, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    col = {h: i for i, h in enumerate(header)}
    specials = {
        "24-WG085": ("13.30", "2026-11-01", "2026-12-31"),
        "24-WG086": ("15", "2026-01-01", "2026-06-30"),
    }
    for r in rows[1:]:
        if r[col["sku"]] in specials:
            price, start, end = specials[r[col["sku"]]]
            r[col["special_price"]] = price
            r[col["special_price_from_date"]] = start
            r[col["special_price_to_date"]] = end
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    with open("fixtures/magento/catalog_product_special.csv", "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue().removesuffix("\r\n"))


if __name__ == "__main__":
    woo()
    magento()
