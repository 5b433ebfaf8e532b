"""Chart geometry: the line, the reference line inside the plot, labels at round rupiah."""
from services.gateway.prices.charts import chart, sparkline

POINTS = [["2026-11-01", 13000], ["2026-11-16", 14000], ["2026-11-30", 13500]]
HET = {"kind": "HET", "price": 15000, "lower": None}


def test_chart_spans_the_calendar_and_keeps_the_reference_on_the_plot():
    g = chart(POINTS, HET)
    xs = [float(p.split(",")[0]) for p in g["line"].split()]
    ys = [float(p.split(",")[1]) for p in g["line"].split()]
    assert xs[0] == g["left"] and xs[-1] == g["right"]
    assert round((xs[1] - xs[0]) / (xs[2] - xs[0]), 2) == round(15 / 29, 2)  # by date, not by index
    assert ys[1] < ys[2] < ys[0]  # higher price, higher on the chart
    assert g["top"] <= g["ref"] < min(ys)  # the HET is above every price and inside the plot
    values = [v for _, v in g["y_ticks"]]
    assert values[0] <= 13000 and values[-1] >= 15000 and all(v % 500 == 0 for v in values)
    assert [label for _, _, label in g["x_labels"]] == ["2026-11-01", "2026-11-30"]


def test_a_range_reference_draws_both_bounds_and_empty_series_draw_nothing():
    g = chart(POINTS, {"kind": "HAP", "price": 14500, "lower": 12000})
    assert g["lower"] > g["ref"]
    assert chart([], HET) is None
    flat = sparkline([["2026-11-01", 13000]])
    assert flat["y_ticks"] == [] and flat["width"] == 90 and flat["line"]
