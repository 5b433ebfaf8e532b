"""What LAKSA stores of a ticket, as the domain reads and writes it (a Mongo document)."""
from datetime import datetime
from typing import Any, TypedDict

from services.aspirasi.commands import Location, Reporter

# A history entry: {"from", "to", "action", "actor", "role", "note", "at"} (policy.transition).
Ticket = TypedDict("Ticket", {
    "_id": str, "region": str, "category": str, "opd": str, "description": str,
    "location": Location, "photos": list[str], "reporter": Reporter | None, "anonymous": bool,
    "show_name": bool, "nik_outside_region": bool, "sla": dict[str, int],
    "status": str, "submitted_at": datetime, "updated_at": datetime, "version": int,
    "verify_due_at": datetime | None, "opd_due_at": datetime | None, "breaches": list[str],
    "idempotency_hash": str | None, "tracking_hash": str, "history": list[dict[str, Any]],
    "verified_at": datetime, "dispatched_at": datetime, "first_response_at": datetime,
    "resolved_at": datetime, "reopened_at": datetime, "reject_reason": str, "duplicate_of": str,
}, total=False)
