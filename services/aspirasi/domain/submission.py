"""A citizen's report: checked by its schema (commands.SUBMIT_REPORT), then by the rules no
schema can say, every bad field named at once; and the new ticket it becomes.

Each rule's refusal has its own code (Indonesian text: gateway/messages_id.yaml):
unknown_category (allowed=), location_missing, bad_coordinates, outside_indonesia
(lat=, long=), reporter_required, contact_required; a NIK, phone or e-mail is checked
by the kit (servicekit.nik, servicekit.validation).
"""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.aspirasi import sla
from services.aspirasi.commands import LAT_RANGE, LON_RANGE, SUBMIT_REPORT
from services.aspirasi.domain.categories import Category
from services.aspirasi.domain.events import public_point, ticket_event
from services.aspirasi.domain.text import plain_texts
from services.servicekit import nik as niks
from services.servicekit.decision import Decision
from services.servicekit.errors import ValidationFailed, problem
from services.servicekit.regions import Region
from services.servicekit.validation import check_body, check_email, check_phone

Problems = dict[str, dict[str, Any]]
# The order a citizen reads the refusals in: the form's, top to bottom.
FIELD_ORDER = ("category", "reporter", "description", "location", "photos", "anonymous", "show_name")


def validate_submission(report: Any, region: Region, categories: Mapping[str, Category]) -> dict[str, Any]:
    """Check a citizen's report; return the clean fields of a new ticket (its SLA included)."""
    if not isinstance(report, dict):
        raise ValidationFailed.field("body", "the report must be a JSON object", code="wrong_type",
                                     expected="object")
    body, problems = _as_sent(report)
    try:
        check_body(SUBMIT_REPORT, body, problems)
    except ValidationFailed as exc:
        problems = exc.details["fields"]
    reporter = _reporter(body, problems, region)
    problems = {**problems, **_rules(body, problems, categories)}
    if problems:
        raise ValidationFailed.of(dict(sorted(problems.items(), key=_reading_order)))
    category = categories[body["category"].strip()]
    fields = {"category": category.code, "opd": category.opd, "sla": category.sla.stored(),
              "description": body["description"].strip(), "location": _location(body["location"]),
              "photos": body.get("photos", []), "reporter": reporter, "anonymous": reporter is None,
              "show_name": bool(body.get("show_name")) and not body.get("anonymous")}
    if reporter and "nik" in reporter:
        fields["nik_outside_region"] = niks.outside_region(reporter["nik"], region)
    return fields


def _reading_order(item: tuple[str, Any]) -> int:
    top = item[0].split(".")[0].split("[")[0]
    return FIELD_ORDER.index(top) if top in FIELD_ORDER else len(FIELD_ORDER)


def _as_sent(report: dict[str, Any]) -> tuple[dict[str, Any], Problems]:
    """The report with what a form sends for "nothing" left out (None: not given), a
    coordinate given as text read as the number it says, and the coordinates that say none."""
    body = {k: v for k, v in report.items() if v is not None}
    problems: Problems = {}
    for name in ("location", "reporter"):
        if isinstance(body.get(name), dict):
            body[name] = {k: v for k, v in body[name].items() if v is not None}
    location = body.get("location")
    if isinstance(location, dict):
        for axis in ("lat", "long"):
            if isinstance(location.get(axis), str):
                try:
                    location[axis] = float(location[axis])
                except ValueError:
                    del location[axis]  # named once, as the pair it belongs to
                    problems["location"] = _bad_coordinates()
    return body, problems


def _bad_coordinates() -> dict[str, Any]:
    return problem("bad_coordinates", "lat and long must both be numbers")


def _untouched(name: str, problems: Problems) -> bool:
    """Whether the schema found nothing wrong in `name` (so its rules can read it)."""
    return not any(f == name or f.startswith((name + ".", name + "[")) for f in problems)


def _rules(body: dict[str, Any], problems: Problems, categories: Mapping[str, Category]) -> Problems:
    found: Problems = plain_texts(body, ("description",))
    code = body.get("category") or ""
    if _untouched("category", problems) and code.strip() not in categories:
        found["category"] = problem(
            "unknown_category",
            f"{code!r} is not offered here; choose one of " + ", ".join(sorted(categories)),
            allowed=sorted(categories))
    if _untouched("location", problems):
        found.update(_location_problems(body["location"]))
    return found


def _location_problems(location: Mapping[str, Any]) -> Problems:
    found = plain_texts(location, ("address",), prefix="location.")
    lat, lon = location.get("lat"), location.get("long")
    if (lat is None) != (lon is None):
        found["location"] = _bad_coordinates()
    elif lat is not None and lon is not None and not (
            LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        found["location"] = problem("outside_indonesia", f"{lat},{lon} is outside Indonesia",
                                    lat=lat, long=lon)
    elif lat is None and not (location.get("address") or "").strip():
        found["location"] = problem("location_missing", "give lat and long, or an address")
    return found


def _location(location: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if location.get("lat") is not None:
        result.update(lat=round(location["lat"], 6), long=round(location["long"], 6))
    if (location.get("address") or "").strip():
        result["address"] = location["address"].strip()
    return result


def _reporter(body: dict[str, Any], problems: Problems, region: Region) -> dict[str, Any] | None:
    """The reporter's clean contact (None when anonymous); what is wrong with it goes to `problems`."""
    if body.get("anonymous") is True:
        return None
    contact = body.get("reporter")
    if contact is None:
        problems.setdefault("reporter", problem("reporter_required", "is required unless anonymous is true"))
        return None
    if not _untouched("reporter", problems) and not isinstance(contact, dict):
        return None
    found = plain_texts(contact, ("name",), prefix="reporter.")
    reporter = {"name": (contact.get("name") or "").strip()}
    for field, check in (("nik", niks.check_nik), ("phone", check_phone), ("email", check_email)):
        name = "reporter." + field
        if field in contact and name not in problems:
            try:
                reporter[field] = check(contact[field], name)
            except ValidationFailed as exc:
                found.update(exc.details["fields"])
    if not any(field in contact for field in ("phone", "email")):
        found["reporter"] = problem("contact_required", "give a phone or an e-mail so the OPD can reach you")
    for name, item in found.items():
        problems.setdefault(name, item)
    return reporter


def submitted(number: str, region: Region, fields: Mapping[str, Any], now: datetime, tracking_hash: str,
              idempotency_hash: str | None, receipt: bool = True) -> Decision:
    """The new ticket of a checked report (`validate_submission`'s fields) and its announcement:
    submitted, its verification clock started from its category's SLA. The announcement says
    whether the reporter is owed a receipt (number and tracking link, sent by notifications):
    only when they gave a contact, and not when the channel that carried the report already
    answered with its number (`receipt=False`: the SMS inbox's reply)."""
    ticket: dict[str, Any] = {
        "_id": number, "region": region.code, **fields, "status": "submitted",
        "submitted_at": now, "updated_at": now, "breaches": [], "idempotency_hash": idempotency_hash,
        "tracking_hash": tracking_hash,
        "history": [{"from": None, "to": "submitted", "action": "submit", "actor": "citizen",
                     "role": "citizen", "note": "", "at": now}]}
    ticket.update(sla.started("submit", ticket, now, region.timezone, region.code))
    reporter = ticket.get("reporter") or {}
    event = ticket_event("aspirasi_submitted", ticket, now, submitted_at=now.isoformat(),
                         location=public_point(ticket),
                         receipt=receipt and bool(reporter.get("email") or reporter.get("phone")))
    return Decision(ticket, [event])
