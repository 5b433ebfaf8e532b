"""Boards: each commodity's price of a day with its change and reference, the trends
behind the charts, and the live view's compact board."""
from collections import Counter

from services.prices.domain.price_math import change, median_series, previous_point
from services.prices.domain.references import reference_for, reference_view


def board(series_by_commodity, day, catalogue, region_code, counts=None, ranges=None):
    """The board of `day`: each commodity priced that day, with its change and reference."""
    items = []
    for code in sorted(series_by_commodity):
        series = series_by_commodity[code]
        if day not in series:
            continue
        price = series[day]
        previous_date, previous = previous_point(series, day)
        commodity = catalogue.commodities.get(code)
        reference = reference_for(catalogue.references, code, region_code, day)
        item = {"commodity": code, "name": commodity.name if commodity else code,
                "unit": commodity.unit if commodity else None, "date": day, "price": price,
                **change(price, previous, previous_date),
                "reference": reference_view(reference, price)}
        if counts is not None:
            item["markets"] = counts.get((code, day), 0)
        if ranges is not None and (code, day) in ranges:
            item["low"], item["high"] = ranges[(code, day)]
        items.append(item)
    return items


def board_of(points, day, catalogue, region_code):
    """The board of `day` from stored points: the median across markets per commodity."""
    points = list(points)
    series = median_series((p["commodity"], p["date"], p["price"]) for p in points)
    counts = Counter((p["commodity"], p["date"]) for p in points)
    ranges = {}
    for p in points:
        low, high = ranges.get((p["commodity"], p["date"]), (p["price"], p["price"]))
        ranges[(p["commodity"], p["date"])] = (min(low, p["price"]), max(high, p["price"]))
    return board(series, day, catalogue, region_code, counts, ranges)


def trends(points, start, end, catalogue, region_code):
    """Per commodity its regional median per day from `start` on, and the reference in
    force at `end`: what the harga page's charts draw."""
    series = median_series((p["commodity"], p["date"], p["price"]) for p in points)
    return {code: {"points": [[day, price] for day, price in sorted(days.items()) if day >= start],
                   "reference": reference_view(reference_for(catalogue.references, code, region_code, end))}
            for code, days in sorted(series.items())}


def compact(items):
    """The live view's board: just what a glance needs, with the commodity's name and unit."""
    return [{k: item[k] for k in ("commodity", "name", "unit", "price", "gap", "gap_percent", "direction")}
            for item in items]
