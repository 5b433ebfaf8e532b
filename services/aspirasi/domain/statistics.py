"""The public statistics of a region's tickets (the kinerja of officers is kinerja.py)."""
from collections.abc import Iterable, Mapping
from statistics import median
from typing import Any

from services.aspirasi import sla
from services.aspirasi.domain.policy import OPEN_STATES
from services.servicekit.contracts.aspirasi import STATE_LABELS
from services.servicekit.regions import Region


def statistics(tickets: Iterable[Mapping[str, Any]], region: Region, by_opd: bool = False) -> dict[str, Any]:
    """Counts by status, share resolved, time to respond and resolve (median hours, and
    median working days in `region`'s calendar, as its SLA counts), overdue; with
    `by_opd`, the same per OPD. Each ticket's times are counted once."""
    timed = [_times(t, region) for t in tickets]
    result = _summary(timed)
    if by_opd:
        result["by_opd"] = {opd: _summary([t for t in timed if t["opd"] == opd])
                            for opd in sorted({t["opd"] for t in timed})}
    return result


def _times(ticket, region):
    """What the statistics need of one ticket: its state and how long it took to be verified
    and resolved, in hours and in working days (None before it was)."""
    times = {"status": ticket["status"], "opd": ticket["opd"], "breached": bool(ticket.get("breaches"))}
    for field, key in (("verified_at", "verify"), ("resolved_at", "resolve")):
        done = ticket.get(field)
        times[f"hours_to_{key}"] = (done - ticket["submitted_at"]).total_seconds() / 3600 if done else None
        times[f"days_to_{key}"] = sla.working_days_between(
            ticket["submitted_at"], done, region.timezone, region.code) if done else None
    return times


def _summary(timed):
    by_status: dict[str, int] = {state: 0 for state in STATE_LABELS}
    for t in timed:
        by_status[t["status"]] += 1
    resolved_ever = [t for t in timed if t["hours_to_resolve"] is not None]
    on_time = sum(not t["breached"] for t in resolved_ever)
    total, resolved = len(timed), by_status["resolved"]

    def median_of(key, places):
        values = [t[key] for t in timed if t[key] is not None]
        return round(median(values), places) if values else None

    return {
        "received": total,
        "by_status": by_status,
        "resolved": resolved,
        "share_resolved": round(resolved / total, 4) if total else 0.0,
        "share_resolved_on_time": round(on_time / resolved, 4) if resolved else 0.0,
        "median_hours_to_first_response": median_of("hours_to_verify", 2),
        "median_hours_to_resolution": median_of("hours_to_resolve", 2),
        "median_working_days_to_first_response": median_of("days_to_verify", 3),
        "median_working_days_to_resolution": median_of("days_to_resolve", 3),
        "overdue": sum(t["status"] in OPEN_STATES and t["breached"] for t in timed),
    }
