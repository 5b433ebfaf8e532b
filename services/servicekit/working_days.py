"""Indonesian working days, one calendar for every service: weekends, national
holidays, cuti bersama and a region's own days off do not count.

National days come from the maintained `holidays` package (Indonesia's PUBLIC
and GOVERNMENT categories: the latter is the cuti bersama of the joint
ministerial decree, when government offices close). A region's own days off
are data in `regional_days_off.yaml` (by region or province code) and in the region's
profile (`days_off`, edited at run time); its profile's `working_days` say which weekdays
count (default Monday to Friday).
"""
from bisect import bisect_left
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
import yaml
from holidays.constants import GOVERNMENT, PUBLIC

from services.servicekit.errors import DomainError
from services.servicekit.region_profile import DEFAULT_WORKING_DAYS
from services.servicekit.regions import get_region

REGIONAL_DAYS_OFF = Path(__file__).parent / "regional_days_off.yaml"


@lru_cache(maxsize=None)
def national_days_off(year: int) -> dict[date, str]:
    """{date: name} of public holidays and cuti bersama in `year`."""
    return dict(holidays.Indonesia(years=year, categories=(PUBLIC, GOVERNMENT)))


@lru_cache(maxsize=1)
def _regional_file() -> dict[str, Any]:
    return yaml.safe_load(REGIONAL_DAYS_OFF.read_text())["days_off"] or {}


@lru_cache(maxsize=None)
def regional_days_off(region_code: str | None) -> dict[date, str]:
    """{date: name} of the region's own days off (its own entries and its province's)."""
    if not region_code:
        return {}
    entries = _regional_file()
    found: dict[date, str] = {}
    for key in (region_code.split(".")[0], region_code):
        for day in entries.get(key) or ():
            found[date.fromisoformat(str(day["date"]))] = day["name"]
    return found


def calendar_of(region_code: str | None) -> tuple[tuple[int, ...], tuple[date, ...]]:
    """The region's working weekdays (ISO) and its profile's own days off: the registry's
    (a region admin edits them at run time), defaults for a code nobody registered."""
    if not region_code:
        return DEFAULT_WORKING_DAYS, ()
    try:
        region = get_region(region_code)
    except DomainError:  # a code of a test or a retired region: the national calendar
        return DEFAULT_WORKING_DAYS, ()
    return region.working_days, _profile_days(tuple(d["date"] for d in region.days_off))


@lru_cache(maxsize=256)
def _profile_days(days_off: tuple[str, ...]) -> tuple[date, ...]:
    return tuple(sorted(date.fromisoformat(d) for d in days_off))


def is_working_day(day: date, region_code: str | None = None) -> bool:
    weekdays, own = calendar_of(region_code)
    return (day.isoweekday() in weekdays and day not in national_days_off(day.year)
            and day not in regional_days_off(region_code) and day not in own)


@lru_cache(maxsize=1024)
def _weekdays_off(year: int, region_code: str | None, weekdays: tuple[int, ...],
                  own: tuple[date, ...]) -> list[date]:
    """The sorted days off of `year` that fall on a working weekday (national, the file's
    and the profile's own)."""
    off = (set(national_days_off(year)) | {d for d in regional_days_off(region_code) if d.year == year}
           | {d for d in own if d.year == year})
    return sorted(d for d in off if d.isoweekday() in weekdays)


def count_working_days(first: date, stop: date, region_code: str | None = None) -> int:
    """How many working days fall on `first` .. the day before `stop` (dates).

    Arithmetic on weeks and a search of the sorted days off, not a walk over the
    days: the statistics count spans for thousands of tickets per request.
    """
    if stop <= first:
        return 0
    weekdays, own = calendar_of(region_code)
    weeks, extra = divmod((stop - first).days, 7)
    working = weeks * len(weekdays) + sum((first.isoweekday() + i - 1) % 7 + 1 in weekdays
                                          for i in range(extra))
    days_off = 0
    for year in range(first.year, stop.year + 1):
        off = _weekdays_off(year, region_code, weekdays, own)
        days_off += bisect_left(off, stop) - bisect_left(off, first)
    return working - days_off
