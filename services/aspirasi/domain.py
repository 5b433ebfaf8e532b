"""LAKSA's pure domain: submissions, the ticket lifecycle, and what is public.

No nameko, no pymongo, no clock reads: callers pass `now`.
"""
import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from services.aspirasi import sla
from services.servicekit import authority
from services.servicekit import nik as niks
from services.servicekit.authority import ACTING_FOR, ANY, OPD, OWN, REGION, Target
from services.servicekit.contracts.aspirasi import STATE_LABELS
from services.servicekit.errors import Conflict, Forbidden, ValidationFailed
from services.servicekit.validation import check_contact, reject_markup

MAX_DESCRIPTION = 4000
MAX_PHOTOS = 5
REOPEN_WINDOW = timedelta(days=14)
# A retry with the same idempotency key gets the tracking secret again this long after the
# first answer (a phone that lost it); later only the ticket number (the secret is shown once).
RETRY_WINDOW = timedelta(minutes=10)
SECRET_BYTES = 16
# Indonesia's bounding box (Sabang to Merauke, Miangas to Rote).
LAT_RANGE = (-11.2, 6.3)
LON_RANGE = (94.7, 141.1)

OPEN_STATES = {"submitted", "verified", "dispatched", "in_progress"}

# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "verify": ({"submitted"}, "verified"),
    "dispatch": ({"verified"}, "dispatched"),
    "start": ({"dispatched"}, "in_progress"),
    "resolve": ({"in_progress"}, "resolved"),
    "reject": ({"submitted", "verified"}, "rejected"),
    "mark_duplicate": ({"submitted", "verified"}, "duplicate"),
    "reopen": ({"resolved"}, "in_progress"),
}
# Who may do what to a ticket (action -> role -> scope; servicekit.authority).
# A citizen owns a ticket by its tracking secret; an OPD officer acts on, and
# reads the reporter's contact of, their own OPD's tickets only.
AUTHORITY = {
    "verify": {"region_admin": REGION},
    "dispatch": {"region_admin": REGION},
    "start": {"opd_officer": OPD},
    "resolve": {"opd_officer": OPD},
    "reject": {"region_admin": REGION},
    "mark_duplicate": {"region_admin": REGION},
    "reopen": {"citizen": OWN},
    # a platform service (notifications) only for the region whose event it handles
    "read_contact": {"region_admin": REGION, "opd_officer": OPD, "service": ACTING_FOR},
    "set_category": {"region_admin": REGION, "platform_operator": ANY},
    "retire_category": {"region_admin": REGION, "platform_operator": ANY},
    "issue_api_key": {"region_admin": REGION, "platform_operator": ANY},
    "manage_api_keys": {"region_admin": REGION, "platform_operator": ANY},
    # the officer console: a region's queue (an OPD officer: their OPD's) and kinerja
    "read_queue": {"region_admin": REGION, "opd_officer": OPD, "platform_operator": ANY},
    "read_kinerja": {"region_admin": REGION, "platform_operator": ANY},
    "read_kinerja_regions": {"platform_operator": ANY},
}
MAX_NOTE = 2000
REJECT_REASONS = {"not_our_authority", "spam", "incomplete"}


# A category's code is its Open311 service_code and rides in URLs and XML: a short slug.
CATEGORY_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
CATEGORY_LIMITS = {"name": 120, "opd": 60}


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    opd: str


def category_from(code, name, opd):
    """The category an admin sets, or one ValidationFailed naming every bad field: a slug
    code, plain-text name and OPD (no control characters, no markup, bounded)."""
    problems = {}
    if not isinstance(code, str) or not CATEGORY_CODE.match(code.strip()):
        problems["code"] = "must be 1-60 lowercase letters, digits or hyphens, e.g. jalan-rusak"
    fields = {"name": name, "opd": opd}
    for field, size in CATEGORY_LIMITS.items():
        try:
            fields[field] = reject_markup(fields, field, max_length=size)
        except ValidationFailed as exc:
            problems[field] = exc.message.removeprefix(f"{field}: ")
    if problems:
        raise ValidationFailed("; ".join(f"{k}: {v}" for k, v in problems.items()),
                               {"field": next(iter(problems)), "fields": problems})
    return Category(code.strip(), fields["name"], fields["opd"])


def authorize(action, caller, ticket, acting_for=None):
    """The caller, if AUTHORITY lets it do `action` on `ticket` (or on a region: {"region": code});
    `acting_for`: the region a service's call is for (servicekit.authority.ACTING_FOR)."""
    return authority.authorize(AUTHORITY, action, caller, Target(
        ticket["region"], ticket.get("opd"), frozenset([ticket["_id"]] if "_id" in ticket else [])),
        acting_for)


def new_tracking_secret():
    """A ticket's tracking secret: 128 random bits, never derived from anything."""
    return secrets.token_urlsafe(SECRET_BYTES)


def tracking_hash(secret):
    """What is stored of a tracking secret. A plain SHA-256: the secret is 128 random bits,
    so nobody can search its space however fast the hash, and a slow one (scrypt) would
    only cost ~100 ms of the event loop on every reopen."""
    return hashlib.sha256(secret.encode()).hexdigest()


def key_hash(idempotency_key):
    """What is stored of a client's idempotency key (never the key itself: within the
    retry window it opens the sealed secret). SHA-256, unpeppered: a key is looked up by
    its hash on every retry, and the key alone, after the window, yields only the ticket
    number, which is public anyway."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()


def _pad(idempotency_key, region_code):
    return hmac.new(idempotency_key.encode(), f"tl-tracking-seal|{region_code}".encode(),
                    hashlib.sha256).digest()[:SECRET_BYTES]


def sealed_secret(secret, idempotency_key, region_code, now):
    """The secret kept for a retry within RETRY_WINDOW: XORed with a pad only the raw key
    yields (HMAC keyed by it). A pad is used once, as one claim binds one key in one region,
    and the store holds only the key's SHA-256, so what is stored opens nothing by itself.
    `sealed_until` is epoch seconds (the embedded store compares numbers, not datetimes)."""
    raw = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
    sealed = bytes(a ^ b for a, b in zip(raw, _pad(idempotency_key, region_code), strict=True))
    return {"sealed": sealed.hex(), "sealed_until": now.timestamp() + RETRY_WINDOW.total_seconds()}


def unsealed_secret(claim, idempotency_key, region_code, now):
    """The secret a claim keeps for its key, or None once the retry window is over."""
    if not claim or not claim.get("sealed") or claim.get("sealed_until", 0) <= now.timestamp():
        return None
    pad = _pad(idempotency_key, region_code)
    raw = bytes(a ^ b for a, b in zip(bytes.fromhex(claim["sealed"]), pad, strict=True))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def proves_ownership(ticket, secret):
    """Whether `secret` is the ticket's tracking secret (compared in constant time)."""
    stored = ticket.get("tracking_hash")
    return bool(stored and isinstance(secret, str)
                and hmac.compare_digest(stored, tracking_hash(secret)))


def ticket_number(region_code, year, sequence):
    return f"LAKSA-{region_code.replace('.', '')}-{year}-{sequence:06d}"


def _location(report):
    location = report.get("location")
    if not isinstance(location, dict):
        raise ValidationFailed.field("location", "is required: give lat and long, or an address")
    lat, lon = location.get("lat"), location.get("long")
    address = location.get("address")
    result = {}
    if lat is not None or lon is not None:
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            raise ValidationFailed.field("location", "lat and long must both be numbers") from None
        if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
            raise ValidationFailed.field("location", f"{lat},{lon} is outside Indonesia")
        result.update(lat=round(lat, 6), long=round(lon, 6))
    if address is not None:
        result["address"] = reject_markup(location, "address", max_length=300, prefix="location.")
    if not result:
        raise ValidationFailed.field("location", "give lat and long, or an address")
    return result


def _photos(report):
    photos = report.get("photos") or []
    if not isinstance(photos, list):
        raise ValidationFailed.field("photos", "must be a list of URLs")
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed.field("photos", f"{len(photos)} given; at most {MAX_PHOTOS}")
    for url in photos:
        if not isinstance(url, str) or not re.match(r"^https?://\S+$", url) or len(url) > 500:
            raise ValidationFailed.field("photos", f"{str(url)[:60]!r} is not an http(s) URL")
    return photos


def _reporter(report, region):
    anonymous = report.get("anonymous", False)
    if not isinstance(anonymous, bool):
        raise ValidationFailed.field("anonymous", "must be true or false")
    if anonymous:
        return None
    contact = report.get("reporter")
    if not isinstance(contact, dict):
        raise ValidationFailed.field("reporter", "is required unless anonymous is true")
    checks = {"name": lambda: reject_markup(contact, "name", max_length=120, prefix="reporter.")}
    if contact.get("nik") is not None:
        checks["nik"] = lambda: niks.check_nik(contact["nik"], field="reporter.nik")
    checks["contact"] = lambda: check_contact(contact, "reporter.")
    found = all_checked(checks)
    reporter = {k: found[k] for k in ("name", "nik") if k in found}
    reporter.update(found["contact"])
    if not any(k in reporter for k in ("phone", "email")):
        raise ValidationFailed.field("reporter", "give a phone or an e-mail so the OPD can reach you")
    return reporter


def all_checked(checks):
    """Run every check {name: fn}; their results, or one ValidationFailed listing every
    failure in details["errors"] (the first also as details["field"], as before)."""
    results, errors = {}, []
    for name, check in checks.items():
        try:
            results[name] = check()
        except ValidationFailed as exc:
            errors.extend(exc.details.get("errors") or [{"field": exc.details.get("field", name),
                                                         "message": exc.message}])
    if errors:
        raise ValidationFailed("; ".join(e["message"] for e in errors),
                               {"field": errors[0]["field"], "errors": errors})
    return results


def validate_submission(report, region, categories):
    """Check a citizen's report; return the clean fields of a new ticket."""
    if not isinstance(report, dict):
        raise ValidationFailed("the report must be a JSON object")

    def category():
        code = reject_markup(report, "category", max_length=60)
        if code not in categories:
            raise ValidationFailed.field(
                "category", f"{code!r} is not offered in {region.name}; choose one of "
                + ", ".join(sorted(categories)))
        return code

    # every field is checked, so a citizen fixes all mistakes in one round trip
    checked = all_checked({
        "category": category, "reporter": lambda: _reporter(report, region),
        "description": lambda: reject_markup(report, "description", max_length=MAX_DESCRIPTION),
        "location": lambda: _location(report), "photos": lambda: _photos(report)})
    reporter = checked["reporter"]
    fields = {
        "category": checked["category"],
        "opd": categories[checked["category"]].opd,
        "description": checked["description"],
        "location": checked["location"],
        "photos": checked["photos"],
        "reporter": reporter,
        "anonymous": reporter is None,
        "show_name": _show_name(report),
    }
    if reporter and "nik" in reporter:
        fields["nik_outside_region"] = niks.outside_region(reporter["nik"], region)
    return fields


def _show_name(report):
    """The reporter's name is public only when they say so; never by default."""
    value = report.get("show_name", False)
    if not isinstance(value, bool):
        raise ValidationFailed.field("show_name", "must be true or false (default false: name not shown)")
    return value and not report.get("anonymous")


def _note(note):
    if note is None:
        return ""
    if not isinstance(note, str):
        raise ValidationFailed.field("note", "must be text")
    return reject_markup({"note": note}, "note", required=False, max_length=MAX_NOTE) or ""


def transition(ticket, action, caller, now, note=None, opds=(), **params):
    """Apply `action` for `caller`; return (changes to store, history entry). Pure.

    `opds` are the region's known OPDs (a dispatch must name one of them).
    """
    if action not in TRANSITIONS:
        raise ValidationFailed.field("action", f"{action!r} unknown; one of {', '.join(TRANSITIONS)}")
    authorize(action, caller, ticket)
    note = _note(note)
    sources, target = TRANSITIONS[action]
    state = ticket["status"]
    if state not in sources:
        raise Conflict(
            f"cannot {action} a ticket that is {state} ({STATE_LABELS[state]}); allowed from "
            + ", ".join(sorted(sources)), {"field": "action", "status": state})
    changes = {"status": target}
    if action == "dispatch":
        changes["opd"] = _dispatch_opd(params.get("opd"), ticket["opd"], opds)
        changes["dispatched_at"] = now
    if action == "verify":
        changes["verified_at"] = now
    if action == "start" and "first_response_at" not in ticket:
        changes["first_response_at"] = now
    if action == "resolve":
        changes["resolved_at"] = now
    if action == "reject":
        reason = params.get("reason")
        if reason not in REJECT_REASONS:
            raise ValidationFailed.field("reason", f"give one of {', '.join(sorted(REJECT_REASONS))}")
        changes["reject_reason"] = reason
    if action == "mark_duplicate":
        original = params.get("duplicate_of")
        if not original or original == ticket["_id"]:
            raise ValidationFailed.field("duplicate_of", "give the number of the original ticket")
        changes["duplicate_of"] = original
    if action == "reopen":
        if now - ticket["resolved_at"] > REOPEN_WINDOW:
            raise Conflict("a resolved ticket can be reopened within 14 days only",
                           {"field": "action"})
        changes["reopened_at"] = now
        changes["opd_due_at"] = None
    entry = {"from": state, "to": target, "action": action, "actor": caller.subject,
             "role": caller.role, "note": note, "at": now}
    return changes, entry


def notification_contact(ticket):
    """The reporter's e-mail and phone, nothing else; None for anonymous reports."""
    reporter = ticket.get("reporter") or {}
    contact = {k: reporter[k] for k in ("email", "phone") if reporter.get(k)}
    return contact or None


def _dispatch_opd(opd, current, opds):
    if opd is None:
        return current
    if not isinstance(opd, str) or opd not in opds:
        raise ValidationFailed.field("opd", "must be one of the region's OPDs: " + ", ".join(sorted(opds)))
    return opd


def officer_view(ticket, duplicates):
    """What officers of the ticket's region see: the public view, the reporter's
    contact, duplicate suggestions, and a note when the NIK is from elsewhere."""
    return {**public_view(ticket), "reporter": ticket.get("reporter"), "version": ticket["version"],
            "likely_duplicates": duplicates,
            "nik_outside_region": bool(ticket.get("nik_outside_region")),
            "nik_note": niks.officer_note(ticket)}


def public_view(ticket):
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
        "overdue": bool(ticket.get("breaches")),
        "duplicate_of": ticket.get("duplicate_of"),
        "history": [
            {k: entry[k] for k in ("from", "to", "action", "role", "note", "at")}
            for entry in ticket["history"]
        ],
    }


DUPLICATE_RADIUS_M = 50
DUPLICATE_WINDOW = timedelta(days=30)


def distance_m(a, b):
    """Great-circle distance in metres between two {lat, long} points."""
    from math import asin, cos, radians, sin, sqrt
    lat1, lon1, lat2, lon2 = map(radians, (a["lat"], a["long"], b["lat"], b["long"]))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371000 * asin(sqrt(h))


def likely_duplicates(ticket, candidates, now):
    """Open tickets of the same category within 50 m in the last 30 days."""
    if "lat" not in ticket["location"]:
        return []
    found = []
    for other in candidates:
        if other["_id"] == ticket["_id"] or other["category"] != ticket["category"]:
            continue
        if other["status"] not in OPEN_STATES or now - other["submitted_at"] > DUPLICATE_WINDOW:
            continue
        if "lat" not in other["location"]:
            continue
        metres = distance_m(ticket["location"], other["location"])
        if metres <= DUPLICATE_RADIUS_M:
            found.append({"number": other["_id"], "distance_m": round(metres, 1),
                          "status": other["status"]})
    return sorted(found, key=lambda d: d["distance_m"])


def statistics(tickets, region, by_opd=False):
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
    by_status = {state: 0 for state in STATE_LABELS}
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


def allowed_actions(ticket, caller):
    """The officer actions `caller` may take on the ticket now (state and AUTHORITY)."""
    allowed = []
    for action, (sources, _) in TRANSITIONS.items():
        if ticket["status"] not in sources or caller.role == "citizen":
            continue
        try:
            authorize(action, caller, ticket)
        except Forbidden:
            continue
        allowed.append(action)
    return allowed
