"""Officers' work queue and performance (kinerja): pure functions over ticket documents.

The queue is sorted by the clock that runs now (`sla.STAGES`: verification while
submitted or verified, the OPD's follow-up once dispatched); a ticket is overdue once
that clock has run out or a breach was recorded. Kinerja counts a month in the
region's own time:

* received: tickets submitted in the month (per officer: tickets they first acted on);
* resolved: tickets resolved in the month; on time: resolved without any SLA breach;
* median working days to verify (submitted -> verified) and to resolve
  (submitted -> resolved), over tickets verified / resolved in the month, counted
  as the SLA counts them (`sla.working_days_between`: time on the region's
  working days only, each day whole (00:00-24:00), not office hours: Friday 17:00
  to Monday 09:00 is 0.667, not 64 hours);
* backlog and overdue: open tickets now, whatever the month.

No I/O, no clock reads: callers pass `now`.
"""
from collections.abc import Mapping, Sequence
from datetime import datetime
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from services.aspirasi import sla
from services.aspirasi.domain import OPEN_STATES
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import Region

Tickets = Sequence[Mapping[str, Any]]
Bounds = tuple[datetime, datetime]

FAR_FUTURE = datetime.max.replace(tzinfo=ZoneInfo("UTC"))


due_at = sla.due_at  # when the running clock of an open ticket runs out (None when closed)
is_overdue = sla.is_overdue  # run out, or any clock of it breached


def queue(tickets: Tickets, now: datetime) -> list[dict[str, Any]]:
    """Open tickets first by due time (soonest, i.e. most overdue, first), then closed
    ones newest first; each with `due_at` and `overdue`."""
    def key(ticket):
        due = due_at(ticket)
        if ticket["status"] in OPEN_STATES:
            return (0, due or FAR_FUTURE, ticket["submitted_at"])
        return (1, FAR_FUTURE, -ticket["submitted_at"].timestamp())
    return [{**t, "due_at": due_at(t), "overdue": is_overdue(t, now)} for t in sorted(tickets, key=key)]


def month_bounds(month: Any, timezone: str) -> Bounds:
    """("2026-11", "Asia/Jakarta") -> the month's first instant and the next month's, UTC-aware."""
    try:
        first = datetime.strptime(month or "", "%Y-%m")
    except ValueError:
        raise ValidationFailed.field("month", f"{month!r} is not a month; write YYYY-MM",
                                     code="bad_month") from None
    zone = ZoneInfo(timezone)
    nxt = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
    return first.replace(tzinfo=zone), nxt.replace(tzinfo=zone)


def _within(moment, bounds):
    return moment is not None and bounds[0] <= moment < bounds[1]


def _median_working_days(tickets, field, region):
    """The median working days from submission to `field`, to 3 places (None for none)."""
    days = [sla.working_days_between(t["submitted_at"], t[field], region.timezone, region.code)
            for t in tickets]
    return round(median(days), 3) if days else None


def _figures(received, resolved, verified, open_now, region, now):
    on_time = [t for t in resolved if not t.get("breaches")]
    return {"received": len(received), "resolved": len(resolved), "resolved_on_time": len(on_time),
            "share_on_time": round(len(on_time) / len(resolved), 4) if resolved else None,
            "median_working_days_to_verify": _median_working_days(verified, "verified_at", region),
            "median_working_days_to_resolve": _median_working_days(resolved, "resolved_at", region),
            "backlog": len(open_now), "overdue": sum(is_overdue(t, now) for t in open_now)}


def group_figures(tickets: Tickets, bounds: Bounds, region: Region, now: datetime) -> dict[str, Any]:
    """The kinerja figures of a set of tickets (an OPD's, a region's) in `region`'s calendar."""
    return _figures([t for t in tickets if _within(t["submitted_at"], bounds)],
                    [t for t in tickets if _within(t.get("resolved_at"), bounds)],
                    [t for t in tickets if _within(t.get("verified_at"), bounds)],
                    [t for t in tickets if t["status"] in OPEN_STATES], region, now)


def _actions(ticket, bounds=None):
    """(officer, action) of the ticket's history, officers only, within `bounds` if given."""
    return [(e["actor"], e["action"]) for e in ticket["history"]
            if e.get("role") not in (None, "citizen") and (bounds is None or _within(e["at"], bounds))]


def officer_figures(tickets: Tickets, bounds: Bounds, region: Region, now: datetime) -> dict[str, Any]:
    """{officer: figures}: what each officer took up (first action), verified, resolved,
    and the open tickets whose last officer action was theirs."""
    people: dict[str, dict[str, list]] = {}

    def of(name):
        return people.setdefault(name, {"received": [], "resolved": [], "verified": [], "open": []})

    for ticket in tickets:
        actions = _actions(ticket)
        month_actions = _actions(ticket, bounds)
        for actor in {a for a, _ in month_actions}:
            first_entry = next(e for e in ticket["history"] if e["actor"] == actor)
            if _within(first_entry["at"], bounds):
                of(actor)["received"].append(ticket)
        for actor, action in month_actions:
            if action == "verify":
                of(actor)["verified"].append(ticket)
            if action == "resolve":
                of(actor)["resolved"].append(ticket)
        if ticket["status"] in OPEN_STATES and actions:
            of(actions[-1][0])["open"].append(ticket)
    return {name: _figures(p["received"], p["resolved"], p["verified"], p["open"], region, now)
            for name, p in sorted(people.items())}


def kinerja(tickets: Tickets, month: str, region: Region, now: datetime) -> dict[str, Any]:
    """The month's figures for everything given, per OPD and per officer, in the
    region's time and working-day calendar (`region`: its timezone and code)."""
    bounds = month_bounds(month, region.timezone)
    opds = sorted({t["opd"] for t in tickets})
    return {"month": month, "total": group_figures(tickets, bounds, region, now),
            "by_opd": {opd: group_figures([t for t in tickets if t["opd"] == opd], bounds, region, now)
                       for opd in opds},
            "by_officer": officer_figures(tickets, bounds, region, now)}
