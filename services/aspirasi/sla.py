"""LAPOR!'s clocks in Indonesian working days: weekends, national holidays,
cuti bersama and the region's own days off do not count.

National days come from the maintained `holidays` package (Indonesia's PUBLIC
and GOVERNMENT categories: the latter is the cuti bersama of the joint
ministerial decree, when government offices close). A region's own days off
are data in `regional_days_off.yaml`. Times are UTC in and out; the working
day is the region's local day.

A working day counts whole, 00:00 to 24:00 local time, not office hours: the
SLA's clocks run in whole working days, so the time something took
(`working_days_between`, for kinerja) is the time elapsed on working days only,
and a clock of n working days spans exactly n of them.
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
UTC = ZoneInfo("UTC")


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
    return datetime.combine(day, local.timetz()).astimezone(UTC)


def working_days_between(start, end, timezone="Asia/Jakarta", region_code=None):
    """The working days (a fraction) elapsed from `start` to `end`, aware datetimes:
    the time on the region's working days, in its local time, each day pro rata.

    Friday 17:00 to Monday 09:00 is 16/24 (Friday's last 7 hours, Monday's first
    9), Saturday to Monday 09:00 is 9/24. It counts the calendar `add_working_days`
    does, so from `start` to `add_working_days(start, n)` is n. Nothing when `end`
    is not after `start`.
    """
    zone = ZoneInfo(timezone)
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    elapsed = 0.0
    while day <= last:
        if is_working_day(day, region_code):
            # in UTC, so that a day is its real length wherever clocks shift
            opens, closes = (datetime.combine(d, time(0, 0), tzinfo=zone).astimezone(UTC)
                             for d in (day, day + timedelta(days=1)))
            overlap = (min(end, closes) - max(start, opens)).total_seconds()
            elapsed += max(overlap, 0) / (closes - opens).total_seconds()
        day += timedelta(days=1)
    return elapsed


def breaches(ticket, now):
    """The clocks of `ticket` that have run out at `now` and are not yet recorded."""
    due = []
    if ticket["status"] == "submitted" and ticket.get("verify_due_at") and now > ticket["verify_due_at"]:
        due.append("verification")
    if ticket["status"] in {"dispatched", "in_progress"} and ticket.get("opd_due_at") \
            and now > ticket["opd_due_at"]:
        due.append("follow_up")
    return [clock for clock in due if clock not in ticket.get("breaches", [])]
