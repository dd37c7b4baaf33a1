#!/usr/bin/env python3
"""`apply` at campaign scale (issue 14, point 4).

Usage: apply_scale.py [--bin PATH] [--work DIR] [--lines N] [--campaigns N]
                      [--campaign-lines N] [--timeout S]

1. Writes a catalog of N lines (default 100,000) where every line is a slow mover with
   stock, cost and no sales, so every line is planned and the campaign holds N lines.
2. `clearance plan` (the release binary, target/release/clearance by default), then
   `clearance apply` of its upload-template.xlsx into an empty folder (first apply), and again
   under another name into the same folder (second apply: every line overlaps the first's).
3. Writes a folder of --campaigns campaigns (default 100) of --campaign-lines lines each
   (default 20,000): campaign.json files in the real schema, cut from the first apply's
   campaign.json (each a different slice of its lines, a different name, slug and dates;
   every other one overlapping the dates of the apply below).
4. Times the next apply of the same template into that folder (the 101st), wall clock and
   peak RSS with /usr/bin/time -f "%e %M", and prints both measurements.

Standard library only. Everything goes to target/bench-data/apply-scale/ by default.
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time


def run_timed(cmd, timeout):
    """(seconds, peak RSS in MB, exit code, stdout tail); seconds None on timeout."""
    full = ["/usr/bin/time", "-f", "TIME %e %M"] + cmd
    # In its own process group, so that a timeout stops clearance too, not only /usr/bin/time.
    p = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return None, None, None, ""
    secs = rss = None
    for line in err.splitlines():
        if line.startswith("TIME "):
            _, s, m = line.split()
            secs, rss = float(s), int(m) / 1024
    tail = (out.strip().splitlines() or [""])[-1]
    if p.returncode != 0:
        tail = tail + " | " + err.strip()[-300:]
    return secs, rss, p.returncode, tail


def report(what, res):
    secs, rss, rc, tail = res
    if secs is None:
        print(f"{what}: did not finish within the timeout")
    else:
        print(f"{what}: {secs:.2f} s, peak {rss:.0f} MB, exit {rc}")
        print(f"    {tail[:200]}")


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "clearance"))
    ap.add_argument("--work", default=os.path.join(root, "target", "bench-data", "apply-scale"))
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--campaigns", type=int, default=100)
    ap.add_argument("--campaign-lines", type=int, default=20_000)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--skip-second", action="store_true",
                    help="leave out the second apply into the first apply's folder")
    a = ap.parse_args()

    work = a.work
    os.makedirs(work, exist_ok=True)
    catalog = os.path.join(work, f"catalog_{a.lines}.csv")
    plan_dir = os.path.join(work, f"plan_{a.lines}")
    if not os.path.exists(os.path.join(plan_dir, "upload-template.xlsx")):
        rng = random.Random(14)
        with open(catalog, "w") as f:
            f.write("sku,name,category,quantity,price,cost,orders\n")
            for i in range(a.lines):
                price = round(rng.uniform(20, 500), 2)
                f.write(f"SKU-{i:07d},Item {i},Cat {i % 200},{rng.randint(5, 200)},"
                        f"{price:.2f},{price * 0.3:.2f},0\n")
        shutil.rmtree(plan_dir, ignore_errors=True)
        t = time.time()
        subprocess.run([a.bin, "plan", catalog, "--out", plan_dir, "--as-of", "2026-11-22",
                        "--quiet"], check=True, stdout=subprocess.DEVNULL)
        print(f"plan of {a.lines} lines: {time.time() - t:.1f} s")
    template = os.path.join(plan_dir, "upload-template.xlsx")
    plan = os.path.join(plan_dir, "plan.json")

    def apply(out, name):
        return [a.bin, "apply", template, "--plan", plan, "--out", out, "--name", name,
                "--start", "2026-12-01", "--end", "2026-12-31", "--as-of", "2026-11-22",
                "--quiet"]

    first = os.path.join(work, "first")
    shutil.rmtree(first, ignore_errors=True)
    res = run_timed(apply(first, "First"), a.timeout)
    report(f"first apply ({a.lines} lines, empty folder)", res)
    with open(os.path.join(first, "first", "campaign.json")) as f:
        base = json.load(f)
    if not a.skip_second:
        res = run_timed(apply(first, "Second"), a.timeout)
        report(f"second apply ({a.lines} lines, same skus and dates as the first)", res)
        shutil.rmtree(os.path.join(first, "second"), ignore_errors=True)

    folder = os.path.join(work, "folder")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    lines = base["lines"]
    n = len(lines)
    for i in range(a.campaigns):
        c = dict(base)
        c["name"] = f"Bench {i:03d}"
        c["slug"] = f"bench-{i:03d}"
        # every other campaign overlaps December 2026; the others run in 2027
        if i % 2 == 0:
            c["start"], c["end"] = "2026-12-10", "2027-01-10"
        else:
            c["start"], c["end"] = "2027-02-01", "2027-02-28"
        off = (i * a.campaign_lines) % max(n, 1)
        c["lines"] = (lines[off:] + lines[:off])[: a.campaign_lines]
        c["warnings"] = []
        d = os.path.join(folder, c["slug"])
        os.makedirs(d)
        with open(os.path.join(d, "campaign.json"), "w") as f:
            json.dump(c, f, indent=2)
    print(f"folder: {a.campaigns} campaigns of {a.campaign_lines} lines")
    res = run_timed(apply(folder, "Next"), a.timeout)
    report(f"apply #{a.campaigns + 1} ({a.lines} lines, {a.campaigns} campaigns in the folder)", res)
    shutil.rmtree(os.path.join(folder, "next"), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
