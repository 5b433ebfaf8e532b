"""Open311 GeoReport v2 in LAKSA's terms (pure mapping; the gateway renders it).

`jurisdiction_id` is the region code, `service_code` a category code. Our
detailed state travels in `status_notes`; Open311 itself knows open/closed.
"""
from collections.abc import Mapping
from typing import Any

from services.aspirasi import sla
from services.aspirasi.domain import OPEN_STATES, STATE_LABELS
from services.servicekit.contracts.aspirasi import listed
from services.servicekit.envelope import isoformat
from services.servicekit.errors import ValidationFailed


def service_entry(category: Mapping[str, Any]) -> dict[str, Any]:
    """A category as an entry of the GET services list."""
    return {"service_code": category["code"], "service_name": category["name"],
            "description": f"{category['name']} — ditangani {category['opd']}",
            "metadata": False, "type": "realtime", "keywords": category["code"].replace("-", ","),
            "group": category["opd"]}


def service_definition(category: Mapping[str, Any]) -> dict[str, Any]:
    """GET services/{code}: the attributes a request must carry beyond the standard
    fields; LAKSA asks for none."""
    return {"service_code": category["code"], "attributes": []}


def report_from_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """A LAKSA report from a POST requests form; raises naming the Open311 field."""
    def number(field):
        value = form.get(field)
        if value in (None, ""):
            return None
        try:
            return float(value)
        except ValueError:
            raise ValidationFailed.field(field, f"{value!r} is not a number", code="not_number") from None

    if not form.get("service_code"):
        raise ValidationFailed.field("service_code", "is required: one of GET services' service_code",
                                     code="required")
    location: dict[str, object] = {}
    lat, lon = number("lat"), number("long")
    if lat is not None or lon is not None:
        location.update(lat=lat, long=lon)
    if form.get("address_string"):
        location["address"] = form["address_string"]
    if not location:
        raise ValidationFailed.field("lat", "give lat and long, or address_string", code="location_missing")
    name = " ".join(p for p in (form.get("first_name"), form.get("last_name")) if p)
    contact = {k: v for k, v in (("name", name), ("email", form.get("email")),
                                 ("phone", form.get("phone"))) if v}
    report = {"category": form.get("service_code"), "description": form.get("description"),
              "location": location, "photos": [form["media_url"]] if form.get("media_url") else []}
    if contact.get("name") and (contact.get("email") or contact.get("phone")):
        report["reporter"] = contact
    else:
        report["anonymous"] = True
    return report


def service_request(ticket: Mapping[str, Any], names: Mapping[str, str] | None = None,
                    media_base: str = "") -> dict[str, Any]:
    """One of our public ticket views as an Open311 service request; `names` maps
    category codes to their names, `media_base` makes stored photo paths absolute."""
    location = ticket["location"]
    status_label = STATE_LABELS[ticket["status"]]
    notes = [status_label] + [e["note"] for e in ticket["history"] if e.get("note")][-1:]
    return {
        "service_request_id": ticket["number"],
        "status": "open" if ticket["status"] in OPEN_STATES else "closed",
        "status_notes": f"{ticket['status']}: " + " — ".join(notes),
        "service_name": (names or {}).get(ticket["category"], ticket["category"]),
        "service_code": ticket["category"],
        "description": ticket["description"],
        "agency_responsible": ticket["opd"],
        "service_notice": service_notice(ticket),
        "requested_datetime": _iso(ticket["submitted_at"]),
        "updated_datetime": _iso(ticket["updated_at"]),
        # the running clock's due time; a closed ticket's last one
        "expected_datetime": _iso(sla.due_at(ticket) or ticket.get("opd_due_at")
                                  or ticket.get("verify_due_at")),
        "address": location.get("address", ""),
        "address_id": "",
        "zipcode": "",
        "lat": location.get("lat"),
        "long": location.get("long"),
        "media_url": _absolute(ticket["photos"][0], media_base) if ticket["photos"] else "",
    }


def service_notice(ticket: Mapping[str, Any]) -> str:
    """The ticket's SLA in words (its category's days, as its view carries them)."""
    days = ticket.get("sla") or sla.view(ticket)
    return (f"Verifikasi dalam {days['verify_days']} hari kerja, "
            f"tindak lanjut OPD dalam {days['follow_up_days']} hari kerja")


def status_filter(status: Any) -> list[str] | None:
    """Open311's open/closed (one, a comma list or repeated) as our states."""
    wanted = set(listed(status))
    if not wanted:
        return None
    if wanted - {"open", "closed"}:
        raise ValidationFailed.field("status", "must be open, closed or open,closed", code="not_allowed",
                                     allowed=["open", "closed"])
    closed = set(STATE_LABELS) - OPEN_STATES
    return sorted((OPEN_STATES if "open" in wanted else set()) | (closed if "closed" in wanted else set()))


def _absolute(url, base):
    return base.rstrip("/") + url if url.startswith("/") else url


def _iso(value):
    if value is None:
        return None
    return value if isinstance(value, str) else isoformat(value)
