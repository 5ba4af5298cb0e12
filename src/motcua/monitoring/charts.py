"""Charts as server-side SVG: no script, no inline style (the CSP forbids both), readable
without colour (values are written on the bars) and printable.

Each function returns markup for ``{{ svg|safe }}``; every text is escaped here.
"""

from django.utils.html import escape

PALETTE = ["#1f5fa8", "#2e9e5b", "#d98c1f", "#c0392b", "#7b4fa0", "#5d6d7e"]
GREEN, AMBER, RED, BLUE = "#2e9e5b", "#d98c1f", "#c0392b", "#1f5fa8"


def _num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".replace(",", " ").replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def _svg(width: int, height: int, body: str, title: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def stacked_columns(
    labels: list[str], series: list[tuple[str, list[int], str]], title: str, height: int = 240
) -> str:
    """Columns per bucket, one stacked segment per series (e.g. on time / late)."""
    n = max(len(labels), 1)
    width = max(480, 34 * n + 80)
    top, bottom, left = 28, 42, 48
    plot_h = height - top - bottom
    totals = [sum(s[1][i] for s in series) for i in range(len(labels))]
    peak = max([*totals, 1])
    step = (width - left - 10) / n
    bar = max(6.0, step * 0.66)
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 5}" y2="{top + plot_h}" '
        'stroke="#888" stroke-width="1"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{_num(peak)}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, label in enumerate(labels):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for name, values, color in series:
            h = plot_h * values[i] / peak
            if h > 0:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                    f'fill="{color}"><title>{escape(label)} — {escape(name)}: '
                    f"{_num(values[i])}</title></rect>"
                )
        if totals[i] and n <= 24:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'font-size="10">{_num(totals[i])}</text>'
            )
        if n <= 24 or i % max(1, n // 12) == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                f'font-size="10">{escape(label)}</text>'
            )
    parts.append(_legend([(s[0], s[2]) for s in series], left, height - 10))
    return _svg(int(width), height, "".join(parts), title)


def _legend(items: list[tuple[str, str]], x: float, y: float) -> str:
    out = []
    for name, color in items:
        out.append(f'<rect x="{x:.0f}" y="{y - 9:.0f}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{x + 14:.0f}" y="{y:.0f}" font-size="11">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return "".join(out)


def hbars(rows: list[tuple[str, float, float | None]], title: str, unit: str = "") -> str:
    """Horizontal bars: (label, value, maximum or None for a shared scale)."""
    height = 26 * max(len(rows), 1) + 16
    width, left = 640, 250
    peak = max([r[2] or r[1] for r in rows] + [1])
    parts = []
    for i, (label, value, top) in enumerate(rows):
        y = 8 + 26 * i
        full = (width - left - 90) * ((top or peak) / peak)
        w = (width - left - 90) * (value / peak) if peak else 0
        short = label if len(label) <= 38 else label[:36] + "…"
        parts.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" font-size="12">'
            f"{escape(short)}<title>{escape(label)}</title></text>"
        )
        if top:
            parts.append(
                f'<rect x="{left}" y="{y + 3}" width="{full:.1f}" height="16" fill="#e6e9ee"/>'
            )
        color = PALETTE[i % len(PALETTE)] if top else BLUE
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{max(w, 0):.1f}" height="16" fill="{color}"/>'
        )
        text = _num(value) + (f"/{_num(top)}" if top else "") + unit
        parts.append(
            f'<text x="{left + max(w, full if top else w) + 6:.1f}" y="{y + 15}" '
            f'font-size="12">{escape(text)}</text>'
        )
    return _svg(width, height, "".join(parts), title)


def donut(items: list[tuple[str, int]], title: str) -> str:
    """Shares of a whole (e.g. channels), as a ring with a legend."""
    import math

    total = sum(v for _, v in items)
    width, height, cx, cy, r = 420, 180, 90, 90, 70
    parts = []
    if not total:
        parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#e6e9ee" stroke-width="26"/>'
        )
        parts.append(f'<text x="{cx}" y="{cy + 4}" text-anchor="middle" font-size="12">0</text>')
    angle = -math.pi / 2
    for i, (name, value) in enumerate(items):
        if not value:
            continue
        share = value / total
        end = angle + 2 * math.pi * share
        large = 1 if share > 0.5 else 0
        x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
        x2, y2 = cx + r * math.cos(end - 1e-6), cy + r * math.sin(end - 1e-6)
        color = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<path d="M {x1:.2f} {y1:.2f} A {r} {r} 0 {large} 1 {x2:.2f} {y2:.2f}" '
            f'fill="none" stroke="{color}" stroke-width="26"><title>{escape(name)}: '
            f"{_num(value)}</title></path>"
        )
        angle = end
    if total:
        parts.append(
            f'<text x="{cx}" y="{cy + 5}" text-anchor="middle" font-size="15" '
            f'font-weight="bold">{_num(total)}</text>'
        )
    for i, (name, value) in enumerate(items):
        y = 30 + 24 * i
        share = f" ({100 * value / total:.1f}%)".replace(".", ",") if total else ""
        parts.append(
            f'<rect x="190" y="{y - 10}" width="12" height="12" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(
            f'<text x="208" y="{y}" font-size="12">{escape(name)}: {_num(value)}{share}</text>'
        )
    return _svg(width, height, "".join(parts), title)
