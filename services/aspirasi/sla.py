"""LAPOR!'s clocks in Indonesian working days: weekends and national holidays off.

Holidays come from the maintained `holidays` package (Indonesia), not a list
of our own. Times are UTC in and out; the working day is the region's local day.
"""
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

VERIFY_DAYS = 3
FOLLOW_UP_DAYS = 5


@lru_cache(maxsize=None)
def _holidays(year):
    return holidays.Indonesia(years=year)


def is_working_day(day):
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start, days, timezone="Asia/Jakarta"):
    """The moment `days` working days after `start` (an aware datetime).

    A start on a day off counts from the beginning of the next working day,
    so a report sent on Saturday is due at the same time as one sent Monday
    at 00:00.
    """
    zone = ZoneInfo(timezone)
    local = start.astimezone(zone)
    if not is_working_day(local.date()):
        day = local.date()
        while not is_working_day(day):
            day += timedelta(days=1)
        local = datetime.combine(day, time(0, 0), tzinfo=zone)
    day = local.date()
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
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
