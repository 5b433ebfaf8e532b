"""Job seekers: the AK/1 registration, the seeker's own changes and six-monthly report
as decisions (the record to store and the events to announce with it); the seeker's
own view of their record, and the contact the notifications service reads.
Their fields are checked in seeker_fields.py."""
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.pencaker.domain import cards
from services.pencaker.domain.announcements import pencaker_event
from services.pencaker.domain.seeker_fields import check_nik, nik_shape, validate, validate_update
from services.servicekit import nik as niks
from services.servicekit.decision import Decision
from services.servicekit.envelope import isoformat
from services.servicekit.regions import Region

__all__ = ["check_nik", "nik_shape", "validate", "validate_update", "register", "update", "report", "expire",
           "announce_report_window", "place", "view", "notification_contact"]
# A named counter's next value (the store's): card numbers count per region and year.
NextNumber = Callable[[str], int]


def register(data: Any, region: Region, now: datetime, seeker_id: str, sequence: NextNumber) -> Decision:
    """A new seeker with their AK/1 card, and seeker_registered."""
    fields = validate(data, region, now)
    number = cards.number(region.code, now.year, sequence(f"ak1:{region.code}:{now.year}"))
    seeker = {"_id": seeker_id, "region": region.code, **fields, **cards.issue(number, now),
              "status": "active", "registered_at": now}
    event = pencaker_event("seeker_registered", region.code, now, seeker_id=seeker_id,
                           education_level=fields["education"]["level"],
                           registered_at=isoformat(now), valid_until=isoformat(seeker["valid_until"]))
    return Decision(seeker, [event])


def update(seeker: dict[str, Any], changes: Any, region: Region, now: datetime) -> Decision:
    return Decision({**seeker, **validate_update(changes, region, now, seeker.get("birth_date")),
                     "updated_at": now})


def report(seeker: dict[str, Any], now: datetime) -> Decision:
    """The six-monthly report that keeps the card active."""
    return Decision({**seeker, **cards.record_report(seeker, now)})


def expire(seeker: dict[str, Any], now: datetime) -> Decision | None:
    """A lapsed card (validity ended, report missed) marks its seeker expired; else None."""
    status, reason = cards.seeker_status(seeker, now)
    if status != "expired":
        return None
    return Decision({**seeker, "status": "expired", "expiry_reason": reason})


def announce_report_window(seeker: dict[str, Any], now: datetime) -> Decision | None:
    """seeker_report_window_opened, once per due date; None when there is nothing to say."""
    due = cards.report_window_to_announce(seeker, now)
    if due is None:
        return None
    event = pencaker_event("seeker_report_window_opened", seeker["region"], now,
                           seeker_id=seeker["_id"], due=isoformat(due))
    return Decision({**seeker, "report_window_announced": due.isoformat()}, [event])


def place(seeker: dict[str, Any], application: dict[str, Any], now: datetime) -> Decision | None:
    """An accepted application places its seeker (once): seeker_placed."""
    if seeker["status"] == "placed":
        return None
    event = pencaker_event("seeker_placed", seeker["region"], now, seeker_id=seeker["_id"],
                           vacancy_id=application["vacancy_id"], application_id=application["_id"],
                           placed_at=isoformat(now))
    return Decision({**seeker, "status": "placed", "placed_at": now,
                     "placed_vacancy": application["vacancy_id"]}, [event])


def notification_contact(seeker: dict[str, Any]) -> dict[str, str] | None:
    """The seeker's e-mail and phone, nothing else, for telling them of their card and applications."""
    contact = seeker.get("contact") or {}
    return {k: contact[k] for k in ("email", "phone") if contact.get(k)} or None


VIEW_KEYS = ("card_number", "region", "nik", "name", "birth_place", "birth_date", "sex",
             "domicile_address", "marital_status", "religion", "education", "courses", "languages",
             "disability", "skills", "experience", "desired_position", "desired_locations",
             "expected_salary", "contact", "issued_at", "valid_until", "next_report_due", "reports")


def view(seeker: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The seeker's own record (personal data: owner and Disnaker only)."""
    status, reason = cards.seeker_status(seeker, now)
    return {"seeker_id": seeker["_id"], **{k: seeker.get(k) for k in VIEW_KEYS},
            "nik_outside_region": bool(seeker.get("nik_outside_region")),
            "nik_note": niks.officer_note(seeker),
            "status": status, "status_reason": reason,
            "report_dates": cards.report_dates(seeker["issued_at"]), "version": seeker["version"]}
