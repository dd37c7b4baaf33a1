"""Draw wall time and peak memory against plan lines as an SVG (docs/performance.md, the sku x
location catalogs of `gen_data.py --lines N --locations 10`).

    python3 scripts/bench/lines_chart.py [CSV] [SVG]

CSV defaults to scripts/bench/lines_results.csv (header `lines,seconds,peak_mb,build`, one row
per measured run; build is a short label such as a commit hash), SVG to
docs/performance-lines.svg. One polyline per build, in the order the builds first appear in the
CSV (the last one drawn in blue, on top). Several runs of one build at the same number of lines
are drawn as run.sh reports them: the median wall time and the largest peak. The memory panel
carries the aims as dashed lines: 4 GB (4,096 MB) and 250 bytes a line, in the MB of the peaks
(MiB, as /usr/bin/time's KB / 1024), so 250 bytes a line is 238.4 MB a million lines.

Each point carries its value. The labels of one number of lines are placed together, where they
overlap no other label, marker or the aims' text and cross no polyline if they can: a stack in
the order of the values (highest on top), beside, above or below the markers (see
place_labels). The plots leave room on their right for the labels of the last points.

Standard library only; the same CSV gives the same bytes.
"""

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CSV = ROOT / "scripts" / "bench" / "lines_results.csv"
DEFAULT_SVG = ROOT / "docs" / "performance-lines.svg"

TITLE = "clearance plan: sku \u00d7 location catalog (gen_data.py --lines N --locations 10)"
AIM_MB = 4096.0
AIM_BYTES_A_LINE = 250.0
MB = 1024.0 * 1024.0
AIM_TEXT_EM = 0.6  # the aims' 11px regular text, a wide guess of its average advance

WIDTH, HEIGHT = 900, 380
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
# The last build (the newest, if rows are appended) takes the first colour and marker.
COLOURS = ["#1f6fb4", "#d9822b", "#6a6a6a", "#2ca02c", "#9467bd", "#8c564b"]
MARKERS = ["circle", "square", "diamond", "triangle"]


class InputError(Exception):
    pass


def read_runs(path):
    """Rows of the CSV as (lines, seconds, peak_mb, build); errors name the file, row and column."""
    try:
        f = open(path, newline="", encoding="utf-8")
    except OSError as e:
        raise InputError(f"{path}: cannot open ({e.strerror})")
    with f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [c for c in ("lines", "seconds", "peak_mb", "build") if c not in header]
        if missing:
            raise InputError(
                f"{path}: header lacks column(s) {', '.join(missing)} (want lines,seconds,peak_mb,build)"
            )
        runs = []
        for row in reader:
            where = f"{path} row {reader.line_num}"
            values = []
            for col in ("lines", "seconds", "peak_mb"):
                text = (row[col] or "").strip().replace(",", "")
                try:
                    v = float(text)
                except ValueError:
                    raise InputError(f"{where}, column {col}: {row[col]!r} is not a number")
                if not v > 0 or v == float("inf"):
                    raise InputError(f"{where}, column {col}: {row[col]!r} is not a positive number")
                values.append(v)
            build = (row["build"] or "").strip()
            if not build:
                raise InputError(f"{where}, column build: empty")
            runs.append((values[0], values[1], values[2], build))
    if not runs:
        raise InputError(f"{path}: no rows under the header")
    return runs


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def series(runs):
    """{build: [(millions of lines, seconds, peak MB)]} sorted by lines; builds in CSV order."""
    grouped = {}
    for lines, seconds, peak, build in runs:
        grouped.setdefault(build, {}).setdefault(lines, []).append((seconds, peak))
    out = {}
    for build, by_lines in grouped.items():
        out[build] = [
            (lines / 1e6, median([s for s, _ in rs]), max(p for _, p in rs))
            for lines, rs in sorted(by_lines.items())
        ]
    return out


def nice_step(span, target=5):
    """A step of 1, 2 or 5 times a power of ten giving about `target` intervals over span."""
    raw = span / target
    mag = 1.0
    while mag * 10 <= raw:
        mag *= 10
    while mag > raw:
        mag /= 10
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def axis_top(top, target=5):
    step = nice_step(top, target)
    n = 1
    while n * step < top - 1e-9:
        n += 1
    return n * step, step


def fmt_tick(v, step):
    if step >= 1:
        return f"{round(v):,}"
    digits = 1 if step >= 0.1 else 2
    return f"{v:.{digits}f}"


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def num(v):
    """A coordinate with one decimal, without a trailing .0 (fixed text, so fixed bytes)."""
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def text(x, y, s, size=12, anchor="middle", fill="#222", weight=None, extra=""):
    w = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{num(x)}" y="{num(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{w}{extra}>'
        f"{esc(s)}</text>"
    )


def seg(x1, y1, x2, y2, stroke, width="1", extra=""):
    return (
        f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
        f'stroke="{stroke}" stroke-width="{width}"{extra}/>'
    )


def marker(kind, x, y, colour, r=4.0):
    if kind == "circle":
        return f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="{colour}" stroke="#fff" stroke-width="1"/>'
    if kind == "square":
        s = r * 1.8
        return (
            f'<rect x="{num(x - s / 2)}" y="{num(y - s / 2)}" width="{num(s)}" height="{num(s)}" '
            f'fill="{colour}" stroke="#fff" stroke-width="1"/>'
        )
    if kind == "diamond":
        r *= 1.3
        pts = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
    else:
        r *= 1.3
        pts = [(x, y - r), (x + r, y + r * 0.8), (x - r, y + r * 0.8)]
    p = " ".join(f"{num(a)},{num(b)}" for a, b in pts)
    return f'<polygon points="{p}" fill="{colour}" stroke="#fff" stroke-width="1"/>'


class Panel:
    def __init__(self, x0, x1, y0, y1, xmax, xstep, ymax, ystep):
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.xmax, self.xstep, self.ymax, self.ystep = xmax, xstep, ymax, ystep

    def x(self, v):
        return self.x0 + (self.x1 - self.x0) * v / self.xmax

    def y(self, v):
        return self.y1 - (self.y1 - self.y0) * v / self.ymax

    def frame(self, title, ylabel_fmt):
        out = [text((self.x0 + self.x1) / 2, self.y0 - 12, title, size=13, weight="bold")]
        n = round(self.ymax / self.ystep)
        for i in range(n + 1):
            v = i * self.ystep
            y = self.y(v)
            colour = "#999" if i == 0 else "#e6e6e6"
            out.append(seg(self.x0, y, self.x1, y, colour))
            out.append(text(self.x0 - 7, y + 4, ylabel_fmt(v, self.ystep), size=11, anchor="end", fill="#444"))
        n = round(self.xmax / self.xstep)
        for i in range(n + 1):
            v = i * self.xstep
            x = self.x(v)
            if i:
                out.append(seg(x, self.y0, x, self.y1, "#f0f0f0"))
            out.append(seg(x, self.y1, x, self.y1 + 4, "#999"))
            out.append(text(x, self.y1 + 17, fmt_tick(v, self.xstep), size=11, fill="#444"))
        out.append(seg(self.x0, self.y0, self.x0, self.y1, "#999"))
        out.append(text((self.x0 + self.x1) / 2, self.y1 + 36, "plan lines (millions)", size=12, fill="#444"))
        return out

    def plot(self, data, builds, style):
        """Polylines (the last build on top), then the markers over them."""
        out = []
        for build in builds:
            colour, kind = style[build]
            pts = " ".join(f"{num(self.x(a))},{num(self.y(b))}" for a, b in data[build])
            out.append(
                f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2" '
                'stroke-linejoin="round"/>'
            )
        for build in builds:
            colour, kind = style[build]
            out.extend(marker(kind, self.x(a), self.y(b), colour) for a, b in data[build])
        return out

    def labels(self, data, builds, style, value_fmt, xlimit, obstacles=(), dashed=()):
        """Value labels placed where they overlap nothing: see place_labels."""
        items = []
        for build in builds:
            for a, b in data[build]:
                items.append(
                    {
                        "a": a,
                        "value": b,
                        "x": self.x(a),
                        "y": self.y(b),
                        "text": value_fmt(b),
                        "build": builds.index(build),
                        "colour": style[build][0],
                    }
                )
        segments = []
        for build in builds:
            pts = [(self.x(a), self.y(b)) for a, b in data[build]]
            segments += list(zip(pts, pts[1:]))
        markers = [(self.x(a), self.y(b)) for build in builds for a, b in data[build]]
        bounds = (self.x0 + 2, self.y0 - 6, xlimit, self.y1 - 2)
        out = []
        for item, (l, t, _r, _b) in place_labels(items, bounds, segments, markers, obstacles, dashed):
            out.append(
                text(
                    l,
                    t + LABEL_ASCENT,
                    item["text"],
                    size=11,
                    anchor="start",
                    fill=item["colour"],
                    weight="bold",
                    extra=' stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"',
                )
            )
        return out


# Value labels: bold 11px. Widths are DejaVu Sans Bold advances (the widest of the listed
# fonts, so a guess that errs wide); the box runs from the top of the digits to just under the
# baseline (a comma's tail).
LABEL_ASCENT, LABEL_DESCENT = 9.0, 2.0
GLYPH_EM = {",": 0.381, ".": 0.381, "-": 0.415}


def label_width(s, size=11):
    return sum(GLYPH_EM.get(c, 0.696) for c in s) * size


def boxes_overlap(p, q, pad=0.0):
    return p[0] - pad < q[2] and q[0] - pad < p[2] and p[1] - pad < q[3] and q[1] - pad < p[3]


def segment_hits_box(p, q, box):
    """Whether the segment p-q passes through the box (Liang-Barsky clipping)."""
    (x1, y1), (x2, y2) = p, q
    l, t, r, b = box
    dx, dy = x2 - x1, y2 - y1
    lo, hi = 0.0, 1.0
    for den, num_ in ((-dx, x1 - l), (dx, r - x1), (-dy, y1 - t), (dy, b - y1)):
        if den == 0:
            if num_ < 0:
                return False
            continue
        u = num_ / den
        if den < 0:
            lo = max(lo, u)
        else:
            hi = min(hi, u)
        if lo > hi:
            return False
    return True


# Costs of a label position; overlapping another label or leaving the chart is never chosen
# while any other position is free.
COST_LABEL_OVERLAP = 10000.0
COST_MARKER = 400.0
COST_OBSTACLE = 400.0
COST_POLYLINE = 60.0
COST_DASHED = 12.0
COST_ORDER = 25.0
COST_SIDE_CHANGE = 3.0
COST_SPLIT = 4.0
BRANCH_LIMIT = 20000  # positions tried at one x, at most (a bound on the time)


def candidates(item, bounds, reach):
    """Boxes (l, t, r, b) for a label of the point (x, y), with their own cost: beside the
    marker (right, then left) moved up or down in 3px steps, or above or below it, up to
    `reach` px away (room for a stack of the labels of one x)."""
    x, y, w, h = item["x"], item["y"], label_width(item["text"]), LABEL_ASCENT + LABEL_DESCENT
    gap = 8.0
    steps = int(reach / 3) + 1
    out = []
    mid = y - h / 2 + 1  # the digits' middle level with the marker's centre
    for side, base, left in (("right", 0.5, x + gap), ("left", 1.5, x - gap - w)):
        for k in range(0, steps):
            for sign in ((1,) if k == 0 else (-1, 1)):
                dy = sign * 3 * k
                out.append((side, base + 0.35 * abs(dy), (left, mid + dy, left + w, mid + dy + h)))
    for side, base in (("above", 0.0), ("below", 1.0)):
        for k in range(0, steps):
            for dx in (0.0, -w / 3, w / 3):
                t = y - 7 - h - 3 * k if side == "above" else y + 6 + 3 * k
                l = x - w / 2 + dx
                out.append((side, base + 0.35 * 3 * k + 0.05 * abs(dx), (l, t, l + w, t + h)))
    bl, bt, br, bb = bounds
    inside = [c for c in out if c[2][0] >= bl and c[2][1] >= bt and c[2][2] <= br and c[2][3] <= bb]
    return inside or out


def place_labels(items, bounds, segments, markers, obstacles, dashed):
    """A box (l, t, r, b) for each label. The labels of one x are placed together, the
    positions of all of them that cost least (branch and bound over the candidates), the x's
    from left to right, each seeing the labels already placed. The cost: overlaps (other
    labels, markers, the aims' text, the polylines, the dashed aims), the distance from the
    marker, a lower value's label not clearly under a higher one's of the same x, the labels of
    close points of one x on different sides, and a build
    changing side from its label at the x before. Deterministic: ties go to the earlier
    candidate."""
    h = LABEL_ASCENT + LABEL_DESCENT
    groups = {}
    for item in items:
        groups.setdefault(item["a"], []).append(item)
    placed = []  # (item, side, box)
    for a in sorted(groups):
        group = sorted(groups[a], key=lambda it: (-it["value"], it["build"]))
        reach = 24 + (h + 2) * len(group)
        side_before = {}
        for item, side, _ in placed:
            side_before[item["build"]] = side
        options = []
        for item in group:
            cands = []
            for n, (side, cost, box) in enumerate(candidates(item, bounds, reach)):
                grown = (box[0] - 1.5, box[1] - 1.5, box[2] + 1.5, box[3] + 1.5)
                for mx, my in markers:
                    if boxes_overlap(grown, (mx - 5.5, my - 5.5, mx + 5.5, my + 5.5)):
                        cost += COST_MARKER
                for o in obstacles:
                    if boxes_overlap(grown, o):
                        cost += COST_OBSTACLE
                for p, q in segments:
                    if segment_hits_box(p, q, grown):
                        cost += COST_POLYLINE
                for p, q in dashed:
                    if segment_hits_box(p, q, box):
                        cost += COST_DASHED
                for _, _, other in placed:
                    if boxes_overlap(box, other, pad=1.0):
                        cost += COST_LABEL_OVERLAP
                if side_before.get(item["build"], side) != side:
                    cost += COST_SIDE_CHANGE
                cands.append((cost, n, side, box))
            cands.sort(key=lambda c: (c[0], c[1]))
            options.append(cands)
        best = [float("inf"), None]
        chosen = []
        budget = [BRANCH_LIMIT]

        def added(k, c):
            """What label k at candidate c adds to the labels chosen so far."""
            total = c[0]
            for m, (_, _, _, other) in enumerate(chosen):
                if boxes_overlap(c[3], other, pad=1.0):
                    total += COST_LABEL_OVERLAP
                # Sorted by value: group[m]'s is at least this one's.
                if group[m]["value"] > group[k]["value"] and c[3][1] < other[1] + h / 2:
                    total += COST_ORDER
                # Crowded points: their labels in one stack, on one side.
                if abs(group[m]["y"] - group[k]["y"]) < 2 * h and chosen[m][2] != c[2]:
                    total += COST_SPLIT
            return total

        def least(k, limit):
            """The least label k can add to the chosen ones (at least `limit` if that much)."""
            low = float("inf")
            for c in options[k]:
                if c[0] >= low or c[0] >= limit:
                    break  # sorted by cost
                low = min(low, added(k, c))
            return min(low, limit)

        def search(k, cost):
            if k == len(group):
                if cost < best[0]:
                    best[0], best[1] = cost, list(chosen)
                return
            children = []
            for c in options[k]:
                if cost + c[0] >= best[0]:
                    break  # sorted by cost: no later candidate does better
                total = cost + added(k, c)
                if total < best[0]:
                    children.append((total, len(children), c))
            children.sort(key=lambda t: (t[0], t[1]))
            for total, _, c in children:
                if budget[0] <= 0 or total >= best[0]:
                    break
                budget[0] -= 1
                chosen.append(c)
                bound = total
                for j in range(k + 1, len(group)):
                    bound += least(j, best[0] - bound)
                    if bound >= best[0]:
                        break
                if bound < best[0]:
                    search(k + 1, total)
                chosen.pop()

        search(0, 0.0)
        for item, (_, _, side, box) in zip(group, best[1]):
            placed.append((item, side, box))
    return [(item, box) for item, _, box in placed]


def render(data):
    builds = list(data)
    style = {}
    for i, build in enumerate(reversed(builds)):
        style[build] = (COLOURS[i % len(COLOURS)], MARKERS[i % len(MARKERS)])

    xs = [a for pts in data.values() for a, _, _ in pts]
    xmax, xstep = axis_top(max(xs))
    secs = max(s for pts in data.values() for _, s, _ in pts)
    mbs = max(max(m for pts in data.values() for _, _, m in pts), AIM_MB)
    tmax, tstep = axis_top(secs * 1.1)
    mmax, mstep = axis_top(mbs * 1.1)

    top, bottom = 92, 326
    # Room on the right of each plot for the labels of the last points.
    left = Panel(62, 398, top, bottom, xmax, xstep, tmax, tstep)
    right = Panel(532, 846, top, bottom, xmax, xstep, mmax, mstep)

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        text(WIDTH / 2, 24, TITLE, size=15, weight="bold"),
    ]

    # Legend: one entry a build, centred under the title.
    entry = [22 + 7.2 * len(b) + 24 for b in builds]
    x = (WIDTH - sum(entry) + 24) / 2
    for build, w in zip(builds, entry):
        colour, kind = style[build]
        out.append(f'<line x1="{num(x)}" y1="47" x2="{num(x + 18)}" y2="47" stroke="{colour}" stroke-width="2"/>')
        out.append(marker(kind, x + 9, 47, colour))
        out.append(text(x + 24, 51, build, size=12, anchor="start"))
        x += w

    out += left.frame("Wall time (s)", fmt_tick)
    out += right.frame("Peak memory (MB)", fmt_tick)

    # The aims, under the data; their text and lines are for the value labels to avoid.
    aim_style = 'stroke="#777" stroke-width="1.2" stroke-dasharray="6 4"'
    y = right.y(AIM_MB)
    out.append(f'<line x1="{num(right.x0)}" y1="{num(y)}" x2="{num(right.x1)}" y2="{num(y)}" {aim_style}/>')
    label = "4 GB aim"
    out.append(text(right.x0 + 6, y - 5, label, size=11, anchor="start", fill="#555"))
    obstacles = [(right.x0 + 5, y - 15, right.x0 + 7 + AIM_TEXT_EM * 11 * len(label), y - 2)]
    dashed = [((right.x0, y), (right.x1, y))]
    per_million = AIM_BYTES_A_LINE * 1e6 / MB
    xend = min(xmax, mmax / per_million)
    out.append(
        f'<line x1="{num(right.x(0))}" y1="{num(right.y(0))}" x2="{num(right.x(xend))}" '
        f'y2="{num(right.y(xend * per_million))}" {aim_style}/>'
    )
    dashed.append(((right.x(0), right.y(0)), (right.x(xend), right.y(xend * per_million))))
    # Under the rising line: the baseline clears the line at the label's left end.
    label = "250 B/line aim"
    x_end = right.x(xend) - 2
    x_start = x_end - 6.6 * len(label)
    v_start = (x_start - right.x0) / (right.x1 - right.x0) * xmax * per_million
    y = right.y(v_start) + 14
    out.append(text(x_end, y, label, size=11, anchor="end", fill="#555"))
    obstacles.append((x_start - 1, y - 10, x_end + 1, y + 3))

    tdata = {b: [(a, s) for a, s, _ in data[b]] for b in builds}
    mdata = {b: [(a, m) for a, _, m in data[b]] for b in builds}
    out += left.plot(tdata, builds, style)
    out += right.plot(mdata, builds, style)
    # The time panel's labels may reach into the gap before the memory panel's tick labels.
    out += left.labels(tdata, builds, style, lambda v: f"{v:.1f}", right.x0 - 48)
    out += right.labels(mdata, builds, style, lambda v: f"{round(v):,}", WIDTH - 4, obstacles, dashed)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) > 3 or any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__.strip())
        return 0 if len(argv) <= 3 else 2
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_CSV
    dst = Path(argv[2]) if len(argv) > 2 else DEFAULT_SVG
    try:
        data = series(read_runs(src))
    except InputError as e:
        print(f"lines_chart.py: {e}", file=sys.stderr)
        return 1
    dst.write_bytes(render(data).encode("utf-8"))
    print(f"wrote {dst} ({len(data)} build(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
