"""Indonesian working days, one calendar for every service: weekends, national
holidays, cuti bersama and a region's own days off do not count.

National days come from the maintained `holidays` package (Indonesia's PUBLIC
and GOVERNMENT categories: the latter is the cuti bersama of the joint
ministerial decree, when government offices close). A region's own days off
are data in `regional_days_off.yaml` (by region or province code).
"""
from bisect import bisect_left
from datetime import date
from functools import lru_cache
from pathlib import Path

import holidays
import yaml
from holidays.constants import GOVERNMENT, PUBLIC

REGIONAL_DAYS_OFF = Path(__file__).parent / "regional_days_off.yaml"


@lru_cache(maxsize=None)
def national_days_off(year):
    """{date: name} of public holidays and cuti bersama in `year`."""
    return dict(holidays.Indonesia(years=year, categories=(PUBLIC, GOVERNMENT)))


@lru_cache(maxsize=1)
def _regional_file():
    return yaml.safe_load(REGIONAL_DAYS_OFF.read_text())["days_off"] or {}


@lru_cache(maxsize=None)
def regional_days_off(region_code):
    """{date: name} of the region's own days off (its own entries and its province's)."""
    if not region_code:
        return {}
    entries = _regional_file()
    found = {}
    for key in (region_code.split(".")[0], region_code):
        for day in entries.get(key) or ():
            found[date.fromisoformat(str(day["date"]))] = day["name"]
    return found


def is_working_day(day, region_code=None):
    return (day.weekday() < 5 and day not in national_days_off(day.year)
            and day not in regional_days_off(region_code))


@lru_cache(maxsize=None)
def _weekdays_off(year, region_code):
    """The sorted Monday-to-Friday days off of `year` (national and the region's own)."""
    off = set(national_days_off(year)) | {d for d in regional_days_off(region_code) if d.year == year}
    return sorted(d for d in off if d.weekday() < 5)


def count_working_days(first, stop, region_code=None):
    """How many working days fall on `first` .. the day before `stop` (dates).

    Arithmetic on weeks and a search of the sorted days off, not a walk over the
    days: the statistics count spans for thousands of tickets per request.
    """
    if stop <= first:
        return 0
    weeks, extra = divmod((stop - first).days, 7)
    weekdays = weeks * 5 + sum((first.weekday() + i) % 7 < 5 for i in range(extra))
    days_off = 0
    for year in range(first.year, stop.year + 1):
        off = _weekdays_off(year, region_code)
        days_off += bisect_left(off, stop) - bisect_left(off, first)
    return weekdays - days_off
