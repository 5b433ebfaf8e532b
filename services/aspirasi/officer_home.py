"""The console home's counts for an officer: what waits for them, how much of it is overdue,
due today, and new since yesterday (the region's local yesterday).

What waits for whom is data (WAITING): the region admin verifies and dispatches, so the
verification clock's tickets wait for them; an OPD officer follows up, so the tickets
dispatched to their OPD (dispatched, in progress) wait for them. Each count is one
`count_documents` over an index (HomeCounts.indexes), never a read of the tickets: the
home of a region with 20,000 tickets reads no ticket.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pymongo import ASCENDING

from services.aspirasi import domain, sla
from services.servicekit.caller import Caller
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import utcnow
from services.servicekit.regions import get_region
from services.servicekit.store import MongoStore, Repository

UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Waiting:
    """The tickets that wait for a role: a clock's states, and the stamp that says since when."""
    stage: sla.Stage
    since_field: str


WAITING = {"region_admin": Waiting(sla.VERIFICATION, "submitted_at"),
           "opd_officer": Waiting(sla.FOLLOW_UP, "dispatched_at")}


def local_bounds(now: datetime, timezone: str) -> tuple[datetime, datetime]:
    """(the start of yesterday, the end of today) in the region's local time, as UTC."""
    zone = ZoneInfo(timezone)
    today = datetime.combine(now.astimezone(zone).date(), time(), tzinfo=zone)
    return (today - timedelta(days=1)).astimezone(UTC), (today + timedelta(days=1)).astimezone(UTC)


def count_queries(waiting: Waiting, scope: Mapping[str, Any], now: datetime,
                  timezone: str) -> dict[str, dict[str, Any]]:
    """{count: its query}. `on_time` is what sla.is_overdue calls not overdue: the running
    clock still runs and no clock was ever breached (`$size`: the embedded store gets
    `$ne: []` and `breaches.0` wrong); overdue = waiting - on_time."""
    yesterday, end_of_today = local_bounds(now, timezone)
    due = waiting.stage.due_field
    base = {**scope, "status": {"$in": sorted(waiting.stage.states)}}
    return {"waiting": base, "on_time": {**base, due: {"$gte": now}, "breaches": {"$size": 0}},
            "due_today": {**base, due: {"$gte": now, "$lt": end_of_today}, "breaches": {"$size": 0}},
            "new_since_yesterday": {**base, waiting.since_field: {"$gte": yesterday}}}


class HomeCounts(Repository):
    """Counts over the tickets collection (aspirasi's TicketRepository owns its documents)."""
    indexes = {"tickets": [([(field, ASCENDING) for field in fields], {}) for fields in (
        ("region", "status", "verify_due_at"), ("region", "opd", "status", "opd_due_at"),
        ("region", "opd", "status", "dispatched_at"))]}

    def count(self, query: dict[str, Any]) -> int:
        return self.db.tickets.count_documents(query)


class OfficerHomeRpcs:
    """Mixed into AspirasiService."""

    home_counts = MongoStore(HomeCounts)

    @rpc
    def officer_home_counts(self, region_code, *, caller):
        """{waiting, overdue, due_today, new_since_yesterday, statuses}: the counts of what
        waits for the calling officer (empty for a role nothing in LAKSA waits for)."""
        region = get_region(region_code)
        who = Caller.verify(caller)
        waiting = WAITING.get(who.role)
        if waiting is None:
            return {}
        opd = who.opd or "?" if who.role == "opd_officer" else None  # no OPD: nothing waits
        domain.authorize("read_queue", who, {"region": region_code, "opd": opd})
        scope = {"region": region_code, **({"opd": opd} if opd else {})}
        counts = {name: self.home_counts.count(query)
                  for name, query in count_queries(waiting, scope, utcnow(), region.timezone).items()}
        return {"waiting": counts["waiting"], "overdue": counts["waiting"] - counts.pop("on_time"),
                "due_today": counts["due_today"], "new_since_yesterday": counts["new_since_yesterday"],
                "statuses": sorted(waiting.stage.states)}
