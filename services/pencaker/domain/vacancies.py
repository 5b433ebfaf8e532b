"""Vacancies: their life (pending -> published or rejected -> closed) as decisions (the
record to store and the events to announce with it), when one is open, and its public
view. The posting's fields are checked in vacancy_fields.py."""
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.pencaker import commands
from services.pencaker.domain import matching
from services.pencaker.domain.announcements import closed_event, pencaker_event, posted_payload
from services.pencaker.domain.checks import checked, plain
from services.pencaker.domain.salary import SALARY_UNITS, monthly
from services.pencaker.domain.vacancy_fields import MAX_VALIDITY, parse_valid_through, validate
from services.servicekit.decision import Decision
from services.servicekit.errors import Conflict
from services.servicekit.regions import Region

__all__ = ["SALARY_UNITS", "MAX_VALIDITY", "parse_valid_through", "validate", "post", "publish", "reject",
           "close", "close_if_filled", "monthly", "is_open", "due_to_expire", "view"]
Vacancy = dict[str, Any]


def vacancy_id(region: Region, year: int, sequence: int) -> str:
    return f"LK-{region.code.replace('.', '')}-{year}-{sequence:06d}"


def post(data: Any, employer: dict[str, Any], region: Region, now: datetime,
         sequence: Callable[[str], int]) -> Decision:
    """A new vacancy of `employer` in `region`: it waits for a Disnaker officer's verification."""
    fields = validate(data, region, now)
    number = sequence(f"vacancies:{region.code}:{now.year}")
    return Decision({"_id": vacancy_id(region, now.year, number), **fields,
                     "employer_id": employer["_id"], "employer_name": employer["name"],
                     "employer_url": employer.get("url"), "owner": employer["owner"],
                     "status": "pending", "created_at": now, "updated_at": now})


def publish(vacancy: Vacancy, officer: str, candidates: list[tuple[dict[str, Any], Any, Any]],
            now: datetime) -> Decision:
    """Verified: searchable and shared (vacancy_posted), and each ranked candidate
    ([(match result, seeker, _)]) scoring the threshold hears of it (match_found)."""
    if vacancy["status"] != "pending":
        raise Conflict(f"vacancy {vacancy['_id']} is {vacancy['status']}; only pending ones can be "
                       "verified", {"field": "status", "code": "not_pending", "status": vacancy["status"]})
    if now >= vacancy["valid_through"]:
        raise Conflict("its valid_through has passed; the employer must post it again",
                       {"field": "valid_through", "code": "valid_through_passed"})
    published = {**vacancy, "status": "published", "posted_at": now, "verified_at": now,
                 "verified_by": officer, "updated_at": now}
    events = [pencaker_event("vacancy_posted", vacancy["region"], now, **posted_payload(published))]
    events += [pencaker_event("match_found", seeker["region"], now, seeker_id=seeker["_id"],
                              vacancy_id=vacancy["_id"], vacancy_region=vacancy["region"],
                              score=result["score"])
               for result, seeker, _ in candidates if result["score"] >= matching.THRESHOLD]
    return Decision(published, events)


def reject(vacancy: Vacancy, reason: Any, now: datetime) -> Decision:
    body = checked(commands.REJECT_VACANCY, {"reason": reason})
    if vacancy["status"] != "pending":
        raise Conflict(f"vacancy {vacancy['_id']} is {vacancy['status']}; only pending ones can be "
                       "rejected", {"field": "status", "code": "not_pending", "status": vacancy["status"]})
    return Decision({**vacancy, "status": "rejected", "reject_reason": plain(body["reason"]),
                     "rejected_at": now, "updated_at": now})


def close(vacancy: Vacancy, reason: str, now: datetime) -> Decision:
    """Closed (withdrawn, expired, filled); vacancy_closed if it was public."""
    if vacancy["status"] not in ("pending", "published"):
        raise Conflict(f"vacancy {vacancy['_id']} is already {vacancy['status']}",
                       {"field": "status", "code": "already_closed", "status": vacancy["status"]})
    closed = {**vacancy, "status": "closed", "close_reason": reason, "closed_at": now, "updated_at": now}
    return Decision(closed, [closed_event(closed, now)] if vacancy["status"] == "published" else [])


def close_if_filled(vacancy: Vacancy, accepted: int, now: datetime) -> Decision | None:
    """A published vacancy with as many accepted applications as openings is filled."""
    if vacancy["status"] == "published" and accepted >= vacancy["openings"]:
        return close(vacancy, "filled", now)
    return None


def is_open(vacancy: Vacancy, now: datetime) -> bool:
    return vacancy["status"] == "published" and now < vacancy["valid_through"]


def due_to_expire(vacancies: list[Vacancy], now: datetime) -> list[Vacancy]:
    """Published vacancies whose validThrough has passed: they close by themselves."""
    return [v for v in vacancies if v["status"] == "published" and now >= v["valid_through"]]


def view(vacancy: Vacancy, region: Region, now: datetime) -> dict[str, Any]:
    """What anyone may see of a vacancy: no employer contact beyond its name."""
    return {
        "id": vacancy["_id"], "title": vacancy["title"], "description": vacancy["description"],
        "kbji": vacancy.get("kbji"), "employment_type": vacancy["employment_type"],
        "education": vacancy["education"], "skills": vacancy["skills"],
        "region": vacancy["region"], "region_name": region.name,
        "address": vacancy.get("address"), "salary": vacancy["salary"],
        "valid_through": vacancy["valid_through"], "openings": vacancy["openings"],
        "experience_months": vacancy.get("experience_months", 0),
        "employer": {"id": vacancy["employer_id"], "name": vacancy["employer_name"]},
        "status": vacancy["status"], "open": is_open(vacancy, now),
        "posted_at": vacancy.get("posted_at"), "created_at": vacancy["created_at"],
        "close_reason": vacancy.get("close_reason"), "reject_reason": vacancy.get("reject_reason"),
    }
