"""Boards: each commodity's latest price with its change and reference, the trends
behind the charts, and the live view's compact board."""
from typing import Any

from services.prices.domain.catalogue_model import Catalogue
from services.prices.domain.price_math import (
    LOOKBACK_DAYS,
    change,
    day_before,
    gap_percent,
    median_series,
    previous_point,
)
from services.prices.domain.references import reference_for, reference_view

Point = dict[str, Any]  # a stored price: region, market, commodity, date, price
# Changes against a week and a month ago: the median on the latest date at least that many
# days before the commodity's latest date, and at most SPAN_SLACK days older than that (a
# market that reports weekly still has a week-ago figure; a gap of months is no comparison).
SPANS = {"week": 7, "month": 30}
SPAN_SLACK = 7
# How far back a board loads points: the look-back window and the month-ago comparison.
BOARD_DAYS_BACK = LOOKBACK_DAYS + SPANS["month"] + SPAN_SLACK


def board_of(points: list[Point], day: str, catalogue: Catalogue, region_code: str) -> list[dict[str, Any]]:
    """The board of `day` from stored points: every commodity priced in the look-back window
    ending on `day`, at its own latest date in it (`date`, the board's day where it was priced
    then): the median across the markets that reported it that date, their count and range,
    its change against the commodity's point before, and the reference in force that date."""
    history = median_series((p["commodity"], p["date"], p["price"]) for p in points if p["date"] <= day)
    points = _in_window(points, day)
    series = median_series((p["commodity"], p["date"], p["price"]) for p in points)
    reported: dict[tuple[str, str], list[int]] = {}
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
                      **{span: span_change(history.get(code, {}), latest, price, days)
                         for span, days in SPANS.items()},
                      "reference": reference_view(reference, price),
                      "markets": len(prices), "low": min(prices), "high": max(prices)})
    return items


def span_change(series: dict[str, int], latest: str, price: int, days: int) -> dict[str, Any] | None:
    """{date, price, gap_percent, direction} against the series' latest date at least `days`
    before `latest` (and at most SPAN_SLACK days older than that); None when there is none."""
    until, earliest = day_before(latest, days), day_before(latest, days + SPAN_SLACK)
    found = max((d for d in series if earliest <= d <= until), default=None)
    if found is None:
        return None
    then = series[found]
    return {"date": found, "price": then, "gap_percent": gap_percent(price, then),
            "direction": change(price, then)["direction"]}


def latest_prices(points: list[Point], day: str) -> dict[str, int]:
    """{commodity: price} of the board of `day`, without what else it computes: the live
    view's check of the board (each commodity's median on its latest date in the window)."""
    series = median_series((p["commodity"], p["date"], p["price"]) for p in _in_window(points, day))
    return {code: days[max(days)] for code, days in sorted(series.items())}


def _in_window(points: list[Point], day: str) -> list[Point]:
    # A board reads the look-back window ending on its day, wherever its points were loaded from.
    earliest = day_before(day, LOOKBACK_DAYS)
    return [p for p in points if earliest <= p["date"] <= day]


def trends(points: list[Point], start: str, end: str, catalogue: Catalogue,
           region_code: str) -> dict[str, dict[str, Any]]:
    """Per commodity its regional median per day from `start` on, and the reference in
    force at `end`: what the harga page's charts draw."""
    series = median_series((p["commodity"], p["date"], p["price"]) for p in points)
    return {code: {"points": [[day, price] for day, price in sorted(days.items()) if day >= start],
                   "reference": reference_view(reference_for(catalogue.references, code, region_code, end))}
            for code, days in sorted(series.items())}


def compact(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The live view's board: just what a glance needs, with the commodity's name and unit,
    and the date of its price (older than the board's day where it was not priced then)."""
    return [{k: item[k] for k in ("commodity", "name", "unit", "date", "price", "gap", "gap_percent",
                                  "direction")}
            for item in items]
