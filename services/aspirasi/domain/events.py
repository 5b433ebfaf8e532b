"""The events a ticket announces: every one names the ticket, its category and OPD.
Built by the domain with the decision's own `now`, so a decision reads no clock."""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.servicekit.envelope import new_event


def ticket_event(event_type: str, ticket: Mapping[str, Any], now: datetime, **payload: Any) -> dict[str, Any]:
    return new_event(event_type, "aspirasi", ticket["region"], {
        "number": ticket["_id"], "category": ticket["category"], "opd": ticket["opd"], **payload},
        occurred_at=now)


def public_point(ticket: Mapping[str, Any]) -> dict[str, float]:
    """The ticket's point (no address: events travel to every subscriber)."""
    location = ticket["location"]
    return {k: location[k] for k in ("lat", "long") if k in location}
