"""Boards: each commodity's latest price with its change and reference, the trends
behind the charts, and the live view's compact board."""
from services.prices.domain.price_math import LOOKBACK_DAYS, change, day_before, median_series, previous_point
from services.prices.domain.references import reference_for, reference_view


def board_of(points, day, catalogue, region_code):
    """The board of `day` from stored points: every commodity priced in the look-back window
    ending on `day`, at its own latest date in it (`date`, the board's day where it was priced
    then): the median across the markets that reported it that date, their count and range,
    its change against the commodity's point before, and the reference in force that date."""
    points = _in_window(points, day)
    series = median_series((p["commodity"], p["date"], p["price"]) for p in points)
    reported = {}
    for p in points:
        reported.setdefault((p["commodity"], p["date"]), []).append(p["price"])
    items = []
    for code, days in sorted(series.items()):
        latest = max(days)
        price, prices = days[latest], reported[(code, latest)]
        previous_date, previous = previous_point(days, latest)
        commodity = catalogue.commodities.get(code)
        reference = reference_for(catalogue.references, code, region_code, latest)
        items.append({"commodity": code, "name": commodity.name if commodity else code,
                      "unit": commodity.unit if commodity else None, "date": latest, "price": price,
                      **change(price, previous, previous_date),
                      "reference": reference_view(reference, price),
                      "markets": len(prices), "low": min(prices), "high": max(prices)})
    return items


def latest_prices(points, day):
    """{commodity: price} of the board of `day`, without what else it computes: the live
    view's check of the board (each commodity's median on its latest date in the window)."""
    series = median_series((p["commodity"], p["date"], p["price"]) for p in _in_window(points, day))
    return {code: days[max(days)] for code, days in sorted(series.items())}


def _in_window(points, day):
    # A board reads the look-back window ending on its day, wherever its points were loaded from.
    earliest = day_before(day, LOOKBACK_DAYS)
    return [p for p in points if earliest <= p["date"] <= day]


def trends(points, start, end, catalogue, region_code):
    """Per commodity its regional median per day from `start` on, and the reference in
    force at `end`: what the harga page's charts draw."""
    series = median_series((p["commodity"], p["date"], p["price"]) for p in points)
    return {code: {"points": [[day, price] for day, price in sorted(days.items()) if day >= start],
                   "reference": reference_view(reference_for(catalogue.references, code, region_code, end))}
            for code, days in sorted(series.items())}


def compact(items):
    """The live view's board: just what a glance needs, with the commodity's name and unit,
    and the date of its price (older than the board's day where it was not priced then)."""
    return [{k: item[k] for k in ("commodity", "name", "unit", "date", "price", "gap", "gap_percent",
                                  "direction")}
            for item in items]
