"""Inline SVG charts for the HTML report: no JavaScript, no network, readable when printed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

PALETTE = ("#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#4b5563")
FONT = 'font-family="system-ui, sans-serif"'


def _svg(width: int, height: int, body: str, title: str) -> str:
    return (f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f'<title>{escape(title)}</title>{body}</svg>')


def _fmt(v: float) -> str:
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.2f}".rstrip("0").rstrip(".") if v else "0"


def confusion(labels: Sequence[str], matrix: Sequence[Sequence[int]], title: str = "Confusion matrix") -> str:
    """Rows gold, columns predicted; cell shade by share of the row."""
    n = len(labels)
    cell = 28 if n <= 14 else 18
    left, top = 170, 150
    width, height = left + n * cell + 20, top + n * cell + 30
    parts = [f'<text x="{left}" y="14" font-size="12" {FONT} fill="#374151">predicted →</text>',
             f'<text x="8" y="{top - 8}" font-size="12" {FONT} fill="#374151">gold ↓</text>']
    for i, label in enumerate(labels):
        short = escape(label if len(label) <= 24 else label[:23] + "…")
        y = top + i * cell + cell * 0.65
        parts.append(f'<text x="{left - 6}" y="{y:.1f}" font-size="11" text-anchor="end" {FONT}>{short}</text>')
        x = left + i * cell + cell * 0.6
        parts.append(f'<text x="{x:.1f}" y="{top - 6}" font-size="11" {FONT} transform="rotate(-55 {x:.1f} {top - 6})">{short}</text>')
    for i, row in enumerate(matrix):
        total = sum(row) or 1
        for j, count in enumerate(row):
            share = count / total
            if i == j:
                fill = f"rgba(22,163,74,{0.12 + 0.88 * share:.3f})"
            else:
                fill = f"rgba(220,38,38,{min(1.0, 0.15 + 2.5 * share):.3f})" if count else "#f9fafb"
            x, y = left + j * cell, top + i * cell
            parts.append(f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{fill}">'
                         f'<title>{escape(labels[i])} → {escape(labels[j])}: {count}</title></rect>')
            if count and cell >= 24:
                parts.append(f'<text x="{x + cell / 2:.1f}" y="{y + cell * 0.65:.1f}" font-size="10" text-anchor="middle" {FONT}>{count}</text>')
    return _svg(width, height, "".join(parts), title)


def _axes(left: int, top: int, w: int, h: int, y_max: float, x_label: str, y_label: str, y_ticks: int = 5) -> list[str]:
    parts = [f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#6b7280"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="#6b7280"/>']
    for t in range(y_ticks + 1):
        v = y_max * t / y_ticks
        y = top + h - h * t / y_ticks
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" {FONT}>{_fmt(v)}</text>')
    parts.append(f'<text x="{left + w / 2}" y="{top + h + 36}" font-size="12" text-anchor="middle" {FONT}>{escape(x_label)}</text>')
    parts.append(f'<text x="14" y="{top + h / 2}" font-size="12" text-anchor="middle" {FONT} transform="rotate(-90 14 {top + h / 2})">{escape(y_label)}</text>')
    return parts


def line(series: dict[str, Sequence[tuple[float, float]]], title: str, x_label: str = "k", y_label: str = "recall",
         y_max: float = 1.0) -> str:
    left, top, w, h = 56, 20, 460, 240
    xs = sorted({x for pts in series.values() for x, _ in pts}) or [0, 1]
    x0, x1 = xs[0], xs[-1] if xs[-1] != xs[0] else xs[0] + 1
    parts = _axes(left, top, w, h, y_max, x_label, y_label)
    for x in xs:
        px = left + w * (x - x0) / (x1 - x0)
        parts.append(f'<text x="{px:.1f}" y="{top + h + 16}" font-size="11" text-anchor="middle" {FONT}>{_fmt(x)}</text>')
    for n, (name, pts) in enumerate(series.items()):
        color = PALETTE[n % len(PALETTE)]
        coords = [(left + w * (x - x0) / (x1 - x0), top + h - h * min(y, y_max) / y_max) for x, y in pts]
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in coords)}"/>')
        for (x, y), (a, b) in zip(pts, coords, strict=True):
            parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{color}"><title>{escape(name)} @{_fmt(x)}: {y:.3f}</title></circle>')
        ly = top + 14 + 16 * n
        parts.append(f'<rect x="{left + w + 12}" y="{ly - 9}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{left + w + 26}" y="{ly}" font-size="12" {FONT}>{escape(name)}</text>')
    return _svg(left + w + 130, top + h + 50, "".join(parts), title)


def histogram(values: Sequence[float], title: str, x_label: str = "latency (ms)", bins: int = 20) -> str:
    left, top, w, h = 56, 20, 520, 220
    if not values:
        return _svg(300, 40, f'<text x="10" y="24" font-size="12" {FONT}>no data</text>', title)
    lo, hi = min(values), max(values)
    if hi == lo:
        hi = lo + 1
    step = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / step))] += 1
    y_max = max(5, math.ceil(max(counts) / 5) * 5)
    parts = _axes(left, top, w, h, y_max, x_label, "cases")
    bw = w / bins
    for i, c in enumerate(counts):
        bh = h * c / y_max
        parts.append(f'<rect x="{left + i * bw + 1:.1f}" y="{top + h - bh:.1f}" width="{bw - 2:.1f}" height="{bh:.1f}" fill="{PALETTE[0]}">'
                     f'<title>{_fmt(lo + i * step)}–{_fmt(lo + (i + 1) * step)}: {c}</title></rect>')
    for t in range(0, bins + 1, max(1, bins // 5)):
        parts.append(f'<text x="{left + t * bw:.1f}" y="{top + h + 16}" font-size="11" text-anchor="middle" {FONT}>{_fmt(lo + t * step)}</text>')
    return _svg(left + w + 20, top + h + 50, "".join(parts), title)


def bars(items: Sequence[tuple[str, float, int]], title: str, x_max: float = 1.0, label: str = "score") -> str:
    """Horizontal bars: (name, value, number of cases)."""
    row, left, w = 20, 170, 360
    height = 30 + row * len(items) + 24
    parts = []
    for t in range(6):
        x = left + w * t / 5
        parts.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{20 + row * len(items)}" stroke="#e5e7eb"/>'
                     f'<text x="{x:.1f}" y="{34 + row * len(items)}" font-size="11" text-anchor="middle" {FONT}>{_fmt(x_max * t / 5)}</text>')
    for i, (name, value, n) in enumerate(items):
        y = 20 + i * row
        bw = w * max(0.0, min(value, x_max)) / x_max if x_max else 0
        color = PALETTE[1] if value >= 0.9 * x_max else PALETTE[4] if value >= 0.7 * x_max else PALETTE[2]
        parts.append(f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end" {FONT}>{escape(name)} ({n})</text>'
                     f'<rect x="{left}" y="{y + 3}" width="{bw:.1f}" height="{row - 6}" fill="{color}"><title>{escape(name)}: {value:.3f} over {n} cases</title></rect>'
                     f'<text x="{left + bw + 4:.1f}" y="{y + 14}" font-size="11" {FONT}>{value:.3f}</text>')
    parts.append(f'<text x="{left + w / 2}" y="{height - 2}" font-size="12" text-anchor="middle" {FONT}>{escape(label)}</text>')
    return _svg(left + w + 60, height, "".join(parts), title)


def render(chart: dict) -> str:
    kind, data, title = chart["kind"], chart["data"], chart["title"]
    if kind == "confusion":
        return confusion(data["labels"], data["matrix"], title)
    if kind == "line":
        return line({k: [tuple(p) for p in v] for k, v in data["series"].items()}, title, data.get("x_label", "k"),
                    data.get("y_label", "recall"), data.get("y_max", 1.0))
    if kind == "histogram":
        return histogram(data["values"], title, data.get("x_label", "latency (ms)"))
    if kind == "bars":
        return bars([tuple(i) for i in data["items"]], title, data.get("x_max", 1.0), data.get("label", "score"))
    raise ValueError(f"unknown chart kind {kind!r}")


__all__ = ["confusion", "line", "histogram", "bars", "render", "math"]
