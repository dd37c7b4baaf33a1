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

    def plot(self, data, builds, style, value_fmt):
        """Polylines, markers and value labels. At each number of lines the highest value is
        labelled above its marker, the lowest below (on its left near the axis), any
        others to the right."""
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
        at = {}
        for build in builds:
            for a, b in data[build]:
                at.setdefault(a, []).append((b, build))
        for a in sorted(at):
            group = sorted(at[a], key=lambda t: (-t[0], builds.index(t[1])))
            for i, (b, build) in enumerate(group):
                colour = style[build][0]
                x, y = self.x(a), self.y(b)

                def label(lx, ly, anchor="middle"):
                    return text(lx, ly, value_fmt(b), size=11, anchor=anchor, fill=colour, weight="bold")

                if i == 0:
                    out.append(label(x, y - 9))
                elif i == len(group) - 1 and y + 19 <= self.y1 - 3:
                    out.append(label(x, y + 19))
                elif i == len(group) - 1 and x - 9 - 7 * len(value_fmt(b)) >= self.x0:
                    # Too close to the axis for a label below: on its left (the lines leave
                    # to the right).
                    out.append(label(x - 9, y + 4, "end"))
                elif i == len(group) - 1:
                    out.append(label(x + 8, y + 13, "start"))
                else:
                    out.append(label(x + 9, y + 4, "start"))
        return out


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
    left = Panel(62, 412, top, bottom, xmax, xstep, tmax, tstep)
    right = Panel(532, 868, top, bottom, xmax, xstep, mmax, mstep)

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

    # The aims, under the data.
    aim_style = 'stroke="#777" stroke-width="1.2" stroke-dasharray="6 4"'
    y = right.y(AIM_MB)
    out.append(f'<line x1="{num(right.x0)}" y1="{num(y)}" x2="{num(right.x1)}" y2="{num(y)}" {aim_style}/>')
    out.append(text(right.x0 + 6, y - 5, "4 GB aim", size=11, anchor="start", fill="#555"))
    per_million = AIM_BYTES_A_LINE * 1e6 / MB
    xend = min(xmax, mmax / per_million)
    out.append(
        f'<line x1="{num(right.x(0))}" y1="{num(right.y(0))}" x2="{num(right.x(xend))}" '
        f'y2="{num(right.y(xend * per_million))}" {aim_style}/>'
    )
    # Under the rising line: the baseline clears the line at the label's left end.
    label = "250 B/line aim"
    x_end = right.x(xend) - 2
    x_start = x_end - 6.6 * len(label)
    v_start = (x_start - right.x0) / (right.x1 - right.x0) * xmax * per_million
    out.append(text(x_end, right.y(v_start) + 14, label, size=11, anchor="end", fill="#555"))

    out += left.plot({b: [(a, s) for a, s, _ in data[b]] for b in builds}, builds, style, lambda v: f"{v:.1f}")
    out += right.plot({b: [(a, m) for a, _, m in data[b]] for b in builds}, builds, style, lambda v: f"{round(v):,}")
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
