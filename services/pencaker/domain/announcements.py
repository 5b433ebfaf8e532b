"""The events Pencaker announces, and the payloads they carry (built by the domain with
the record they announce; `now` is when it happened)."""
from datetime import datetime
from typing import Any

from services.servicekit.envelope import isoformat, new_event

Event = dict[str, Any]


def pencaker_event(event_type: str, region: str, now: datetime | None = None, **payload: Any) -> Event:
    return new_event(event_type, "pencaker", region, payload, occurred_at=now)


def posted_payload(vacancy: dict[str, Any]) -> dict[str, Any]:
    return {"vacancy_id": vacancy["_id"], "title": vacancy["title"],
            "employer_id": vacancy["employer_id"], "employer_name": vacancy["employer_name"],
            "location_region": vacancy["region"], "employment_type": vacancy["employment_type"],
            "education": vacancy["education"], "skills": vacancy["skills"],
            "salary": vacancy["salary"], "openings": vacancy["openings"],
            "valid_through": isoformat(vacancy["valid_through"]),
            "posted_at": isoformat(vacancy["posted_at"])}


def closed_event(vacancy: dict[str, Any], now: datetime) -> Event:
    """vacancy_closed of a vacancy as it now stands (closed)."""
    return pencaker_event("vacancy_closed", vacancy["region"], now, vacancy_id=vacancy["_id"],
                          title=vacancy["title"], reason=vacancy["close_reason"],
                          closed_at=isoformat(vacancy["closed_at"]))
