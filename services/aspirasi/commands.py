"""LAKSA's commands as JSON Schemas: one a command, the one statement of each limit.

The gateway checks request bodies and documents them (OpenAPI) with these; the domain
checks the same command with the same schema (`servicekit.validation.check_body`) and
keeps code only for what a schema cannot say (a category offered in the region, an OPD
of the region, a NIK's digits, a phone or an e-mail, a point inside Indonesia).

A blank text (only spaces) is a missing one: `REQUIRED_TEXT` says so with a pattern whose
code is `required`, so the form and the API refuse it alike.
"""
import re
from typing import Any, Literal, TypedDict

from services.servicekit.schema_parts import obj

MAX_PHOTOS = 3  # what the lapor page takes (gateway/photos.py); the API promised 5, nobody sent more
MAX_DESCRIPTION = 4000
MIN_DESCRIPTION = 10  # "rusak" says nothing an officer can act on; "Lampu mati" is the least (#31)
MAX_NOTE = 2000
MAX_ADDRESS = 300
MAX_NAME = 120
MAX_OPD = 60
MAX_CATEGORY = 60
REJECT_REASONS = ("incomplete", "not_our_authority", "spam")
# A category's code is its Open311 service_code and rides in URLs and XML: a short slug.
CATEGORY_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
CATEGORY_LIMITS = {"name": MAX_NAME, "opd": MAX_OPD}
# Indonesia's bounding box (Sabang to Merauke, Miangas to Rote).
LAT_RANGE = (-11.2, 6.3)
LON_RANGE = (94.7, 141.1)

Schema = dict[str, Any]


def text(max_length: int, **extra: Any) -> Schema:
    return {"type": "string", "maxLength": max_length, **extra}


def required_text(max_length: int, **extra: Any) -> Schema:
    """Text that must say something: empty or only spaces is `required`."""
    return text(max_length, pattern=r"\S", **{"x-code": "required", "x-error": "is required"}, **extra)


PHOTO_URL = text(500, pattern=r"^https?://\S+$",
                 **{"x-code": "bad_photo_url", "x-error": "must be an http(s) URL"})
SUBMIT_REPORT = obj({
    # blank is what the lapor form sends when no category was chosen: its own code
    "category": text(MAX_CATEGORY, pattern=r"\S",
                     **{"x-code": "choose_category", "x-error": "is required: choose a category"}),
    "description": required_text(MAX_DESCRIPTION, minLength=MIN_DESCRIPTION),
    "location": obj({"lat": {"type": "number", "minimum": -90, "maximum": 90},
                     "long": {"type": "number", "minimum": -180, "maximum": 180},
                     "address": text(MAX_ADDRESS)},
                    description="lat and long (inside Indonesia), or an address, or both"),
    "photos": {"type": "array", "maxItems": MAX_PHOTOS, "items": PHOTO_URL},
    "anonymous": {"type": "boolean"},
    "show_name": {"type": "boolean", "default": False,
                  "description": "show the reporter's name on the public ticket (never by default)"},
    "reporter": obj({"name": required_text(MAX_NAME), "nik": text(24), "phone": text(20),
                     # the shape at the gate, with every other mistake; the domain checks the rest
                     "email": text(254, pattern=r"^\s*[^@\s]+@[^@\s.]+(\.[^@\s.]+)+\s*$",
                                   **{"x-code": "bad_email", "x-error": "must be an e-mail address"})},
                    required=("name",), description="required unless anonymous; a phone or an e-mail"),
}, required=("category", "description", "location"))

NOTE: Schema = text(MAX_NOTE, description="plain text, shown in the ticket's history")
# Who reads each action's note is the domain's rule (domain/policy.NOTE_READERS); the
# schemas say it to whoever writes one.
PUBLIC_NOTE: Schema = text(MAX_NOTE, description="plain text, public: the reporter and anyone "
                                                 "following the ticket read it")
INTERNAL_NOTE: Schema = text(MAX_NOTE, description="plain text, internal: only the region's "
                                                   "officers read it, never a public page")
VERIFY = obj({"note": INTERNAL_NOTE})
DISPATCH = obj({"note": INTERNAL_NOTE,
                "opd": text(MAX_OPD, description="one of the region's OPDs; default the category's")})
START = obj({"note": PUBLIC_NOTE})
RESOLVE = obj({"note": PUBLIC_NOTE})
REJECT = obj({"note": PUBLIC_NOTE, "reason": {"type": "string", "enum": list(REJECT_REASONS)}},
             required=("reason",))
MARK_DUPLICATE = obj({"note": PUBLIC_NOTE, "duplicate_of": required_text(
    40, description="the original: an open or closed ticket of the same region, not itself a duplicate")},
    required=("duplicate_of",))
REOPEN = obj({"note": PUBLIC_NOTE})
# an OPD hands a misrouted ticket back to the region admin: why is required
HAND_BACK = obj({"note": required_text(MAX_NOTE, description=(
    "internal: why this is not the OPD's to do, e.g. bukan kewenangan kami; read by the region admin"))},
    required=("note",))
# action -> the schema of what that transition takes besides who and which ticket
TRANSITION_COMMANDS: dict[str, Schema] = {
    "verify": VERIFY, "dispatch": DISPATCH, "start": START, "resolve": RESOLVE, "reject": REJECT,
    "mark_duplicate": MARK_DUPLICATE, "reopen": REOPEN, "hand_back": HAND_BACK}
# The transitions route's body: any action, with what each action takes.
TRANSITION = obj({
    "action": {"type": "string", "enum": list(TRANSITION_COMMANDS)},
    "note": NOTE, "version": {"type": "integer", "minimum": 1}, "opd": text(MAX_OPD),
    "reason": text(60), "duplicate_of": text(40),
    "tracking_secret": text(200, description="the secret the submission answered with; "
                                             "citizens need it to reopen")}, required=("action",))

CATEGORY_CODE_SCHEMA = text(MAX_CATEGORY, pattern=CATEGORY_CODE.pattern, **{
    "x-code": "bad_category_code",
    "x-error": "must be 1-60 lowercase letters, digits or hyphens, e.g. jalan-rusak"})
# The category route's body (its code is in the path) and the whole set_category command.
MAX_SLA_DAYS = 60
# A category's clocks in working days (sla.py: verification, then the OPD's follow-up); what it
# leaves out keeps the category's current days (a new category: sla.DEFAULT_SLA).
CATEGORY_SLA = obj({name: {"type": "integer", "minimum": 1, "maximum": MAX_SLA_DAYS}
                    for name in ("verify_days", "follow_up_days")},
                   description="working days to verify a report and for the OPD to follow it up")
CATEGORY = obj({"name": required_text(MAX_NAME), "opd": required_text(MAX_OPD), "sla": CATEGORY_SLA},
               required=("name", "opd"))
SET_CATEGORY = obj({"code": CATEGORY_CODE_SCHEMA, **CATEGORY["properties"]}, required=("code", "name", "opd"))


class Location(TypedDict, total=False):
    lat: float
    long: float
    address: str


class Reporter(TypedDict, total=False):
    name: str
    nik: str
    phone: str
    email: str


class Report(TypedDict, total=False):
    """A citizen's report as SUBMIT_REPORT describes it."""
    category: str
    description: str
    location: Location
    photos: list[str]
    anonymous: bool
    show_name: bool
    reporter: Reporter | None


Action = Literal["verify", "dispatch", "start", "resolve", "reject", "mark_duplicate", "reopen", "hand_back"]


class TransitionCommand(TypedDict, total=False):
    """What a transition takes (TRANSITION_COMMANDS[action] says which of these)."""
    note: str
    opd: str
    reason: str
    duplicate_of: str
