#!/usr/bin/env python3
"""The clearance rules (SPEC section 3) written the way an analyst would, with pandas.

This is the peer `clearance` is measured against (SPEC section 8), not a second
implementation to trust: floats instead of decimals, no data-issue reporting, no existing
discounts, no locations, no price endings, points margin rule only.

Usage: pandas_peer.py CATALOG.(csv|xlsx) [--sales SALES.csv] [--as-of 2026-11-22]
                      [--window 90] --out DIR

Writes DIR/plan.csv, DIR/plan.json (records) and DIR/plan.xlsx (XlsxWriter, all lines).
"""

import argparse
import json
import os

import numpy as np
import pandas as pd

MIN_MARGIN = 15.0      # floor F, points rule: allowance = margin - F
NO_COST_ALLOWANCE = 15.0
CAP = 25.0
STEP = 1.0
MIN_DISCOUNT = 5.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("catalog")
    ap.add_argument("--sales")
    ap.add_argument("--as-of", default="2026-11-22")
    ap.add_argument("--window", type=int, default=90)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    # --- read -------------------------------------------------------------------------
    if args.catalog.lower().endswith((".xlsx", ".xls")):
        df = pd.read_excel(args.catalog, dtype={"sku": str})
    else:
        df = pd.read_csv(args.catalog, dtype={"sku": str})
    df.columns = [c.strip().lower() for c in df.columns]
    for c in ("quantity", "price", "cost", "orders"):
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="coerce")
    if "cost" not in df.columns:
        df["cost"] = np.nan

    if args.sales:
        sales = pd.read_csv(args.sales, usecols=["sku", "quantity", "date"], dtype={"sku": str})
        sales["date"] = pd.to_datetime(sales["date"], format="%Y-%m-%d")
        end = pd.Timestamp(args.as_of)
        start = end - pd.Timedelta(days=args.window - 1)
        in_window = sales[(sales["date"] >= start) & (sales["date"] <= end)]
        sold = in_window.groupby("sku")["quantity"].sum().clip(lower=0).rename("sold")
        df = df.merge(sold, how="left", left_on="sku", right_index=True)
        df["sold"] = df["sold"].fillna(0)
    else:
        df["sold"] = df["orders"].fillna(0).clip(lower=0) if "orders" in df.columns else 0.0

    # --- rules ------------------------------------------------------------------------
    q, price, cost, sold = df["quantity"], df["price"], df["cost"], df["sold"]
    reason = pd.Series(None, index=df.index, dtype=object)
    reason[q.isna() | price.isna()] = "bad_data"
    reason[reason.isna() & (q <= 0)] = "no_stock"
    reason[reason.isna() & (price <= 0)] = "bad_price"
    ok = reason.isna()

    v = (sold / q).where(ok)
    df["velocity_ratio"] = v.round(4)
    df["class"] = np.select([v < 0.1, v < 0.3, v <= 0.7, v > 0.7],
                            ["severe", "moderate", "balanced", "fast"], default=None)
    df.loc[~ok, "class"] = None
    slow = ok & (v < 0.3)
    reason[ok & ~slow] = "not_slow"

    tier = np.select([v == 0, v < 0.1, v < 0.2, v < 0.3],
                     [25.0, 20 - 50 * v, 15 - 50 * (v - 0.1), 10 - 50 * (v - 0.2)], default=np.nan)
    tier = pd.Series(tier, index=df.index).where(slow)
    has_cost = cost.notna() & (cost > 0)
    margin = (100 * (price - cost) / price).where(has_cost)
    allowance = (margin - MIN_MARGIN).where(has_cost, NO_COST_ALLOWANCE)
    limits = pd.DataFrame({"tier": tier, "cap": CAP, "margin_floor": allowance})
    best = limits.min(axis=1)
    binding = limits.idxmin(axis=1).where(slow)  # first column wins ties: tier, cap, floor
    d = np.floor(best.round(9) / STEP) * STEP
    max_d = np.floor(np.minimum(CAP, allowance).round(9) / STEP) * STEP
    planned = slow & (d >= MIN_DISCOUNT)
    too_small = slow & ~planned
    reason[too_small] = np.where(binding[too_small] == "margin_floor", "margin_floor",
                                 "below_min_discount")

    df["status"] = np.where(planned, "planned", "skipped")
    df["tier_discount_pct"] = tier.round(2)
    df["discount_pct"] = d.where(planned)
    df["max_discount_pct"] = max_d.where(slow)
    df["binding_limit"] = binding.where(planned | (reason == "margin_floor"))
    paid = price * (1 - df["discount_pct"] / 100)
    df["clearance_price"] = np.floor(paid * 100 + 1e-9) / 100
    df["margin_pct"] = margin.round(2)
    df["margin_after_pct"] = (100 * (paid - cost) / paid).where(planned & has_cost).round(2)
    df["existing_discount_pct"] = None
    df["flags"] = np.where(slow & ~has_cost, "no_cost_data", "")
    df["reason"] = reason

    # The why sentence, column by column.
    words = df["class"].map({"severe": "severely overstocked", "moderate": "moderately overstocked"})
    vtxt = (np.floor(v.fillna(0) * 100) / 100).map("{:.2f}".format)
    head = (sold.astype("int64").astype(str) + " sold for " + q.fillna(0).astype("int64").astype(str)
            + " on hand (velocity " + vtxt + ", " + words + "): ")
    tier_int = np.floor(tier.fillna(0)).astype("int64").astype(str)
    d_txt = df["discount_pct"].fillna(0).astype("int64").astype(str)
    by_tier = head + d_txt + "% tier; margin after discount " + df["margin_after_pct"].map("{:.1f}".format) + "%, above the 15% floor."
    by_floor = head + tier_int + "% tier reduced to " + d_txt + "% to hold the 15% margin floor."
    by_cap = head + tier_int + "% tier capped at " + d_txt + "%; margin after discount " + df["margin_after_pct"].map("{:.1f}".format) + "%."
    no_cost = head + d_txt + "% (no cost data: capped at 15%, the 15% margin floor cannot be checked)."
    df["why"] = np.select(
        [planned & ~has_cost, planned & (binding == "margin_floor"), planned & (binding == "cap"), planned],
        [no_cost, by_floor, by_cap, by_tier], default=None)

    # --- ranking: planned by velocity, capital tied up desc, sku; then skipped in input order
    df["_v"] = v
    df["_capital"] = q * cost.where(has_cost, price)
    plan = df[planned].sort_values(["_v", "_capital", "sku"], ascending=[True, False, True])
    out = pd.concat([plan, df[~planned]])
    cols = ["sku", "name", "category", "quantity", "sold", "velocity_ratio", "class", "status",
            "tier_discount_pct", "discount_pct", "max_discount_pct", "binding_limit", "price",
            "cost", "clearance_price", "margin_pct", "margin_after_pct", "existing_discount_pct",
            "flags", "reason", "why"]
    out = out[[c for c in cols if c in out.columns]].copy()
    for c in ("price", "cost", "clearance_price"):  # money as decimal strings, as in plan.json
        out[c] = out[c].map(lambda x: "" if pd.isna(x) else f"{x:.2f}")

    # --- write ------------------------------------------------------------------------
    out.to_csv(os.path.join(args.out, "plan.csv"), index=False)
    summary = {
        "lines": int(len(out)), "planned": int(planned.sum()), "skipped": int((~planned).sum()),
        "stock_value_at_cost": round(float((q * cost).where(has_cost & (q > 0)).sum()), 2),
        "capital_in_slow_movers": round(float(df["_capital"].where(slow).sum()), 2),
        "avg_discount_pct": round(float(d.where(planned).mean()), 2) if planned.any() else 0,
    }
    with open(os.path.join(args.out, "plan.json"), "w") as f:
        f.write('{"schema": "clearance.plan/v1", "as_of": ' + json.dumps(args.as_of)
                + ', "summary": ' + json.dumps(summary) + ', "lines": ')
        f.write(out.to_json(orient="records"))
        f.write("}\n")
    with pd.ExcelWriter(os.path.join(args.out, "plan.xlsx"), engine="xlsxwriter") as xw:
        out.to_excel(xw, sheet_name="Plan", index=False)
        ws = xw.sheets["Plan"]
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(out), len(out.columns) - 1)
        pd.DataFrame([summary]).T.rename(columns={0: "value"}).to_excel(xw, sheet_name="Summary")
    print(f"{summary['planned']} planned, {summary['skipped']} skipped of {summary['lines']} lines")


if __name__ == "__main__":
    main()
