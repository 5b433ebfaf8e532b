"""Price math: whole rupiah, changes against the previous report, medians across markets."""
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any, Iterable

from services.servicekit.working_days import count_working_days

# A change is measured against the previous report at most this many days old.
LOOKBACK_DAYS = 31


def to_rupiah(value: int | float | Decimal | str) -> int:
    """Whole rupiah, halves rounded up (as published figures are)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def gap(price: int, previous: int | None) -> int | None:
    return None if previous is None else price - previous


def gap_percent(price: int, previous: int | None) -> float | None:
    """(price - previous) / previous * 100, to 2 decimals, halves away from zero."""
    if not previous:
        return None
    value = (Decimal(price) - Decimal(previous)) * 100 / Decimal(previous)
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def direction(price: int, previous: int | None) -> str | None:
    if previous is None:
        return None
    return "up" if price > previous else "down" if price < previous else "no_change"


def change(price: int, previous: int | None, previous_date: str | None = None) -> dict[str, Any]:
    return {"previous_price": previous, "previous_date": previous_date,
            "gap": gap(price, previous), "gap_percent": gap_percent(price, previous),
            "direction": direction(price, previous)}


def working_days_without_data(latest: str, today: str, region_code: str | None = None) -> int:
    """Whole working days after `latest` (the last day with prices) and before
    `today` (today's prices may still be coming): how long a region is stale."""
    return count_working_days(date.fromisoformat(latest) + timedelta(days=1), date.fromisoformat(today),
                              region_code)


def day_before(day: str, days: int = 1) -> str:
    return (date.fromisoformat(day) - timedelta(days=days)).isoformat()


def previous_point(series: dict[str, int], day: str) -> tuple[str | None, int | None]:
    """The latest (date, price) of `series` {date: price} before `day`, within LOOKBACK_DAYS."""
    earliest = day_before(day, LOOKBACK_DAYS)
    candidates = [d for d in series if earliest <= d < day]
    if not candidates:
        return None, None
    found = max(candidates)
    return found, series[found]


def with_changes(series: dict[str, int], start: str | None = None) -> list[dict[str, Any]]:
    """[{date, price, gap, ...}] for each date of `series` {date: price} from `start` on."""
    points = []
    previous_date: str | None = None
    previous_price: int | None = None
    for day in sorted(series):
        price = series[day]
        prior = previous_date if previous_date and previous_date >= day_before(day, LOOKBACK_DAYS) else None
        if start is None or day >= start:
            points.append({"date": day, "price": price,
                           **change(price, previous_price if prior else None, prior)})
        previous_date, previous_price = day, price
    return points


def median_series(observations: Iterable[tuple[Any, str, int]]) -> dict[Any, dict[str, int]]:
    """{key: {date: median price}} from (key, date, price) observations."""
    grouped: dict = {}
    for key, day, price in observations:
        grouped.setdefault(key, {}).setdefault(day, []).append(price)
    return {key: {day: to_rupiah(median(prices)) for day, prices in days.items()}
            for key, days in grouped.items()}
