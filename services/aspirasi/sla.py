"""LAPOR!'s clocks in Indonesian working days (the kit's one calendar,
`servicekit.working_days`: weekends, national holidays, cuti bersama and the
region's own days off do not count). Times are UTC in and out; the working day
is the region's local day.

A working day counts whole, 00:00 to 24:00 local time, not office hours: the
SLA's clocks run in whole working days, so the time something took
(`working_days_between`, for kinerja and the public statistics) is the time
elapsed on working days only, and a clock of n working days spans exactly n of them.
"""
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from services.servicekit.working_days import count_working_days, is_working_day

VERIFY_DAYS = 3
FOLLOW_UP_DAYS = 5
UTC = ZoneInfo("UTC")


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
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    if last <= first:
        return _share_of_day(first, start, end, timezone, region_code) if last == first else 0.0
    # the days between count whole: only the first and the last are shared
    return (_share_of_day(first, start, end, timezone, region_code)
            + count_working_days(first + timedelta(days=1), last, region_code)
            + _share_of_day(last, start, end, timezone, region_code))


def _share_of_day(day, start, end, timezone, region_code):
    """The part of `day` (a working day, else nothing) that lies between `start` and `end`."""
    if not is_working_day(day, region_code):
        return 0.0
    opens, closes = _day_bounds(day, timezone)
    overlap = (min(end, closes) - max(start, opens)).total_seconds()
    return max(overlap, 0) / (closes - opens).total_seconds()


@lru_cache(maxsize=4096)  # statistics ask for the same few hundred days thousands of times
def _day_bounds(day, timezone):
    """When `day` begins and ends, in UTC: so that a day is its real length wherever clocks shift."""
    zone = ZoneInfo(timezone)
    return tuple(datetime.combine(d, time(0, 0), tzinfo=zone).astimezone(UTC)
                 for d in (day, day + timedelta(days=1)))


def breaches(ticket, now):
    """The clocks of `ticket` that have run out at `now` and are not yet recorded."""
    due = []
    if ticket["status"] == "submitted" and ticket.get("verify_due_at") and now > ticket["verify_due_at"]:
        due.append("verification")
    if ticket["status"] in {"dispatched", "in_progress"} and ticket.get("opd_due_at") \
            and now > ticket["opd_due_at"]:
        due.append("follow_up")
    return [clock for clock in due if clock not in ticket.get("breaches", [])]
