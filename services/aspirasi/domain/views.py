"""What each reader sees of a ticket: anyone, the region's officers, the notifications service."""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.aspirasi import sla
from services.aspirasi.domain.policy import NOTE_READERS, allowed_actions, note_readers
from services.servicekit import nik as niks
from services.servicekit.caller import Caller
from services.servicekit.contracts.aspirasi import STATE_LABELS


def public_view(ticket: Mapping[str, Any]) -> dict[str, Any]:
    """What anyone may see: never NIK, phone or e-mail; the name only if the reporter chose so."""
    reporter = ticket.get("reporter") or {}
    return {
        "number": ticket["_id"],
        "region": ticket["region"],
        "category": ticket["category"],
        "opd": ticket["opd"],
        "description": ticket["description"],
        "location": ticket["location"],
        "photos": ticket["photos"],
        "status": ticket["status"],
        "status_label": STATE_LABELS[ticket["status"]],
        "reporter_name": reporter.get("name") if ticket.get("show_name") else None,
        "submitted_at": ticket["submitted_at"],
        "updated_at": ticket["updated_at"],
        "verify_due_at": ticket.get("verify_due_at"),
        "opd_due_at": ticket.get("opd_due_at"),
        "sla": sla.view(ticket),
        "overdue": bool(ticket.get("breaches")),
        "duplicate_of": ticket.get("duplicate_of"),
        "history": [public_entry(entry) for entry in ticket["history"]],
    }


def public_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A history entry as anyone sees it: an internal note (between officers) left out."""
    shown = {k: entry[k] for k in ("from", "to", "action", "role", "at")}
    shown["note"] = entry["note"] if note_readers(entry) == "public" else ""
    return shown


def officer_view(ticket: Mapping[str, Any], duplicates: list[dict[str, Any]]) -> dict[str, Any]:
    """What officers of the ticket's region see: the public view, the reporter's
    contact, duplicate suggestions, and a note when the NIK is from elsewhere."""
    return {**public_view(ticket), "reporter": ticket.get("reporter"), "version": ticket["version"],
            "likely_duplicates": duplicates,
            "nik_outside_region": bool(ticket.get("nik_outside_region")),
            "nik_note": niks.officer_note(dict(ticket))}


def notification_contact(ticket: Mapping[str, Any]) -> dict[str, str] | None:
    """The reporter's e-mail and phone, nothing else; None for anonymous reports."""
    reporter = ticket.get("reporter") or {}
    contact = {k: reporter[k] for k in ("email", "phone") if reporter.get(k)}
    return contact or None


def officer_ticket(ticket: Mapping[str, Any], duplicates: list[dict[str, Any]], caller: Caller,
                   now: datetime) -> dict[str, Any]:
    """The officer's page of a ticket: its officer view, the running clock's due time, who
    did what, and the actions `caller` may take now."""
    return {**officer_view(ticket, duplicates), "due_at": sla.due_at(ticket),
            "overdue": sla.is_overdue(ticket, now),
            "history": [{**entry, "actor": entry.get("actor"), "readers": note_readers(entry)}
                        for entry in ticket["history"]],
            "actions": (actions := allowed_actions(ticket, caller)),
            # who will read the note each of those actions takes (the console says so beside it)
            "note_readers": {action: NOTE_READERS[action] for action in actions}}


def queue_item(row: Mapping[str, Any]) -> dict[str, Any]:
    """One row of an officer's queue (kinerja.queue's, with its due time and overdue)."""
    return {"number": row["_id"], "category": row["category"], "opd": row["opd"], "status": row["status"],
            "status_label": STATE_LABELS[row["status"]], "submitted_at": row["submitted_at"],
            "due_at": row["due_at"], "overdue": row["overdue"],
            "nik_outside_region": bool(row.get("nik_outside_region"))}
