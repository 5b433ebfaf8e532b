"""Line charts as plain geometry for server-rendered SVG (templates/_grafik.html): no JavaScript.

A chart is the series [[date, price], ...] laid on a calendar x-axis and a price
y-axis that always includes the reference figure (HET/HAP) when there is one,
so the reference line is on the chart.
"""
from datetime import date


def _nice_step(span, ticks):
    raw = max(span / ticks, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def chart(points, reference=None, width=320, height=140, pad=(8, 8, 18, 64), ticks=4):
    """{width, height, line, dots, ref, lower, y_ticks, x_labels} for `points`; pad is
    (top, right, bottom, left) in SVG units (bottom and left hold the labels)."""
    if not points:
        return None
    top, right, bottom, left = pad
    days = [date.fromisoformat(d).toordinal() for d, _ in points]
    prices = [p for _, p in points]
    marks = [v for v in ((reference or {}).get("price"), (reference or {}).get("lower")) if v]
    low, high = min(prices + marks), max(prices + marks)
    step = _nice_step(high - low or high * 0.1, ticks) if ticks else 1
    if ticks:
        low, high = (low // step) * step, -(-high // step) * step
    if high == low:
        high, low = high + 1, low - 1
    span_x = max(days[-1] - days[0], 1)

    def x(day):
        return round(left + (day - days[0]) / span_x * (width - left - right), 1)

    def y(price):
        return round(top + (high - price) / (high - low) * (height - top - bottom), 1)

    coords = [(x(d), y(p)) for d, p in zip(days, prices, strict=True)]
    result = {"width": width, "height": height, "left": left, "right": width - right, "top": top,
              "bottom": height - bottom, "line": " ".join(f"{a},{b}" for a, b in coords),
              "dots": coords if len(coords) <= 31 else [], "last": coords[-1],
              "ref": reference and reference.get("price") and y(reference["price"]),
              "lower": reference and reference.get("lower") and y(reference["lower"]),
              "y_ticks": [], "x_labels": []}
    if ticks:
        value = low
        while value <= high:
            result["y_ticks"].append((y(value), value))
            value += step
        result["x_labels"] = [(x(days[0]), "start", points[0][0]), (x(days[-1]), "end", points[-1][0])]
    return result


def sparkline(points, reference=None):
    """A row's small trend: no labels, same geometry."""
    return chart(points, reference, width=90, height=24, pad=(2, 2, 2, 2), ticks=0)
