"""LAPOR!'s clocks in Indonesian working days (the kit's one calendar,
`servicekit.working_days`: weekends, national holidays, cuti bersama and the
region's own days off do not count). Times are UTC in and out; the working day
is the region's local day.

The SLA is data: each category may carry `sla: {verify: n, follow_up: n}` (catalogue.yaml,
then its stored copy per region), DEFAULT_SLA below fills what it leaves out, and a new
ticket keeps its category's days. STAGES is the one rule of which clock runs when: the
breach clock, kinerja's queue and verdicts, Open311's expected_datetime and the ticket
page all read it.

A working day counts whole, 00:00 to 24:00 local time, not office hours: the
SLA's clocks run in whole working days, so the time something took
(`working_days_between`, for kinerja and the public statistics) is the time
elapsed on working days only, and a clock of n working days spans exactly n of them.
"""
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from services.servicekit.working_days import count_working_days, is_working_day

UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Sla:
    """A category's clocks, in working days: to verify a report, for the OPD to follow up."""
    verify: int = 3
    follow_up: int = 5

    @classmethod
    def of(cls, record: Mapping[str, Any] | None) -> "Sla":
        """The SLA a category or ticket document carries (`sla: {...}`), defaults for the rest."""
        given = (record or {}).get("sla") or {}
        return cls(**{k: int(v) for k, v in given.items() if k in ("verify", "follow_up")})

    def stored(self) -> dict[str, int]:
        return asdict(self)


DEFAULT_SLA = Sla()


@dataclass(frozen=True)
class Stage:
    """One SLA clock: its name (as a breach records it), the states it runs in, the
    ticket field holding its due time, the Sla field giving its days, and the actions
    that (re)start it."""
    name: str
    states: frozenset[str]
    due_field: str
    days: str
    starts: frozenset[str]


# a ticket an OPD handed back is the admin's to verify and dispatch again, on a fresh clock
VERIFICATION = Stage("verification", frozenset({"submitted", "verified"}), "verify_due_at", "verify",
                     frozenset({"submit", "hand_back"}))
FOLLOW_UP = Stage("follow_up", frozenset({"dispatched", "in_progress"}), "opd_due_at", "follow_up",
                  frozenset({"dispatch", "reopen"}))
STAGES = (VERIFICATION, FOLLOW_UP)


def running(status: str) -> Stage | None:
    """The clock that runs while a ticket is in `status` (None once it is closed)."""
    return next((stage for stage in STAGES if status in stage.states), None)


def due_at(ticket: Mapping[str, Any]) -> datetime | None:
    """When the running clock of an open ticket (or its public view) runs out."""
    stage = running(ticket["status"])
    return ticket.get(stage.due_field) if stage else None


def is_overdue(ticket: Mapping[str, Any], now: datetime) -> bool:
    """Whether an open ticket's running clock has run out, or any clock of it was breached."""
    if running(ticket["status"]) is None:
        return False
    due = due_at(ticket)
    return bool(ticket.get("breaches")) or (due is not None and due < now)


def started(action: str, ticket: Mapping[str, Any], now: datetime, timezone: str,
            region_code: str | None) -> dict[str, Any]:
    """The changes `action` makes to the clocks: a clock it starts gets its due time from
    the ticket's own SLA and forgets an earlier breach of it (a reopened ticket runs anew)."""
    changes: dict[str, Any] = {}
    for stage in STAGES:
        if action in stage.starts:
            days = getattr(Sla.of(ticket), stage.days)
            changes[stage.due_field] = add_working_days(now, days, timezone, region_code)
            changes["breaches"] = [b for b in ticket.get("breaches", []) if b != stage.name]
    return changes


def view(ticket: Mapping[str, Any]) -> dict[str, Any]:
    """What a ticket's page and API show of its SLA: the days of each clock, the one running."""
    sla = Sla.of(ticket)
    stage = running(ticket["status"])
    return {"verify_days": sla.verify, "follow_up_days": sla.follow_up,
            "running": stage.name if stage else None}


def add_working_days(start: datetime, days: int, timezone: str = "Asia/Jakarta",
                     region_code: str | None = None) -> datetime:
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


def working_days_between(start: datetime, end: datetime, timezone: str = "Asia/Jakarta",
                         region_code: str | None = None) -> float:
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


def breaches(ticket: Mapping[str, Any], now: datetime) -> list[str]:
    """The running clock of `ticket` if it has run out at `now` and is not yet recorded."""
    stage = running(ticket["status"])
    due = ticket.get(stage.due_field) if stage else None
    if stage is None or due is None or now <= due or stage.name in ticket.get("breaches", []):
        return []
    return [stage.name]
