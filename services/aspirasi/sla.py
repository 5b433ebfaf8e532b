"""LAPOR!'s clocks in Indonesian working days: weekends, national holidays,
cuti bersama and the region's own days off do not count.

National days come from the maintained `holidays` package (Indonesia's PUBLIC
and GOVERNMENT categories: the latter is the cuti bersama of the joint
ministerial decree, when government offices close). A region's own days off
are data in `regional_days_off.yaml`. Times are UTC in and out; the working
day is the region's local day.
"""
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import yaml
from holidays.constants import GOVERNMENT, PUBLIC

VERIFY_DAYS = 3
FOLLOW_UP_DAYS = 5
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


def add_working_days(start, days, timezone="Asia/Jakarta", region_code=None):
    """The moment `days` working days after `start` (an aware datetime).

    A start on a day off counts from the beginning of the next working day,
    so a report sent on Saturday is due at the same time as one sent Monday
    at 00:00.
    """
    zone = ZoneInfo(timezone)
    local = start.astimezone(zone)
    if not is_working_day(local.date(), region_code):
        day = local.date()
        while not is_working_day(day, region_code):
            day += timedelta(days=1)
        local = datetime.combine(day, time(0, 0), tzinfo=zone)
    day = local.date()
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, region_code):
            remaining -= 1
    return datetime.combine(day, local.timetz()).astimezone(ZoneInfo("UTC"))


def breaches(ticket, now):
    """The clocks of `ticket` that have run out at `now` and are not yet recorded."""
    due = []
    if ticket["status"] == "submitted" and ticket.get("verify_due_at") and now > ticket["verify_due_at"]:
        due.append("verification")
    if ticket["status"] in {"dispatched", "in_progress"} and ticket.get("opd_due_at") \
            and now > ticket["opd_due_at"]:
        due.append("follow_up")
    return [clock for clock in due if clock not in ticket.get("breaches", [])]
