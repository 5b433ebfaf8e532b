"""What a region makes its own without a code change: its profile, as data in the registry.

A profile is a region's enabled modules, its brand (name, short name, theme colour,
logo), its time zone (derived from the province when not given: Indonesia's three zones),
its notification senders (mail from, SMS sender id), its working days (ISO weekdays) and
its own days off. `check_profile` names every bad field of it at once; `resolved` fills
what an entry leaves out (regions.Region calls it, so file, store and API agree).

Who edits what (the gateway's authority table): the platform operator the modules and
the brand (what the platform offers a partner and how it is presented), the region admin
the rest (its own calendar and senders).
"""
import os
import re
from datetime import date
from typing import Any, Mapping
from zoneinfo import available_timezones

from services.servicekit.errors import Problem, problem

MODULES = ("aspirasi", "prices", "news", "pencaker")
DEFAULT_THEME = "#0b5cad"
PLATFORM_NAME = "Tangerang Live"
DEFAULT_WORKING_DAYS = (1, 2, 3, 4, 5)
PROFILE_FIELDS = ("modules", "brand", "timezone", "senders", "working_days", "days_off")
OPERATOR_FIELDS = ("modules", "brand")  # the rest is the region admin's
BRAND_LIMITS = {"name": 60, "short_name": 15, "theme_color": 7, "logo_url": 500}
THEME_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_URL = re.compile(r"^(https://\S+|/static/\S+)$")
MAIL_FROM = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$")
SMS_SENDER = re.compile(r"^[A-Za-z0-9]{3,11}$")  # an alphanumeric sender id (GSM: 11 at most)
MAX_DAYS_OFF = 400
# Indonesia's zones by province (Kemendagri names; IANA: WIB Jakarta/Pontianak, WITA
# Makassar, WIT Jayapura). Every Papua* and Maluku* province is WIT; what is not named is WIB.
WITA = {"bali", "nusa tenggara barat", "nusa tenggara timur", "kalimantan selatan",
        "kalimantan timur", "kalimantan utara", "sulawesi utara", "sulawesi tengah",
        "sulawesi selatan", "sulawesi tenggara", "gorontalo", "sulawesi barat"}
PONTIANAK = {"kalimantan barat", "kalimantan tengah"}
# The same by the province part of the region's code, for a province name we do not know.
WITA_CODES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT_CODES = {"81", "82", "91", "92", "93", "94", "95", "96"}
PONTIANAK_CODES = {"61", "62"}


def zone_of(province: str, code: str = "") -> str:
    """The IANA zone of a province (by name, else by the code's province part)."""
    name = " ".join(str(province).lower().replace("prov.", "").replace("provinsi", "").split())
    prefix = str(code)[:2]
    if name.startswith(("papua", "maluku")) or prefix in WIT_CODES and name not in WITA | PONTIANAK:
        return "Asia/Jayapura"
    if name in WITA or prefix in WITA_CODES and name not in PONTIANAK:
        return "Asia/Makassar"
    if name in PONTIANAK or prefix in PONTIANAK_CODES:
        return "Asia/Pontianak"
    return "Asia/Jakarta"


def default_brand(name: str) -> dict[str, str]:
    """A region that names no brand is the platform's app with the region's name (as the
    pages and the manifest always said: "Tangerang Live Kabupaten Lebak", "Tangerang Live")."""
    return {"name": f"{PLATFORM_NAME} {name}"[:BRAND_LIMITS["name"]], "short_name": PLATFORM_NAME,
            "theme_color": DEFAULT_THEME, "logo_url": ""}


def on_colour(theme: str) -> str:
    """The text colour readable on `theme` (#fff or near-black, by WCAG relative luminance):
    a partner's light theme colour keeps its header legible."""
    channels = [int(theme[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "#1b1f23"


def resolved(fields: Mapping[str, Any], name: str, province: str, code: str) -> dict[str, Any]:
    """The profile with its defaults: what every reader of a Region sees."""
    return {"modules": tuple(fields.get("modules") or MODULES),
            "brand": {**default_brand(name), **(fields.get("brand") or {})},
            "timezone": fields.get("timezone") or zone_of(province, code),
            "senders": {"mail_from": "", "sms_sender": "", **(fields.get("senders") or {})},
            "working_days": tuple(fields.get("working_days") or DEFAULT_WORKING_DAYS),
            "days_off": tuple(_day_off(d) for d in fields.get("days_off") or ())}


def _day_off(entry: Any) -> dict[str, str]:
    if isinstance(entry, dict):
        return {"date": str(entry["date"]), "name": str(entry.get("name") or "Hari libur daerah")}
    return {"date": str(entry), "name": "Hari libur daerah"}


def check_profile(entry: Mapping[str, Any]) -> dict[str, Problem]:
    """{field: problem} for every bad profile field of `entry` (nested ones as brand.name)."""
    problems: dict[str, Problem] = {}
    for name, check in CHECKS.items():
        if name in entry and entry[name] is not None:
            problems.update(check(entry[name]))
    return problems


def _modules(value: Any) -> dict[str, Problem]:
    if not isinstance(value, list) or not value or not all(isinstance(m, str) for m in value):
        return {"modules": problem("bad_modules", f"must be a non-empty list of {', '.join(MODULES)}",
                                   allowed=list(MODULES))}
    unknown = [m for m in value if m not in MODULES]
    if unknown or len(set(value)) != len(value):
        return {"modules": problem("bad_modules", f"{', '.join(unknown) or 'a repeated module'} is not one "
                                   f"of {', '.join(MODULES)} (each once)", allowed=list(MODULES))}
    return {}


def _brand(value: Any) -> dict[str, Problem]:
    if not isinstance(value, dict):
        return {"brand": problem("wrong_type", "must be an object with name, short_name, theme_color, "
                                 "logo_url", expected="object")}
    problems = {f"brand.{k}": problem("unknown_field", "is not a brand field", known=list(BRAND_LIMITS))
                for k in value if k not in BRAND_LIMITS}
    for key in ("name", "short_name"):
        text = value.get(key)
        if key in value and (not isinstance(text, str) or not text.strip() or len(text) > BRAND_LIMITS[key]):
            problems[f"brand.{key}"] = problem("bad_length", f"must be 1-{BRAND_LIMITS[key]} characters",
                                               max=BRAND_LIMITS[key])
    if "theme_color" in value and not (isinstance(value["theme_color"], str)
                                       and THEME_COLOR.match(value["theme_color"])):
        problems["brand.theme_color"] = problem("bad_color", "must be a colour like #0b5cad")
    logo = value.get("logo_url")
    if "logo_url" in value and logo != "" and not (isinstance(logo, str) and len(logo) <= 500
                                                   and LOGO_URL.match(logo)):
        problems["brand.logo_url"] = problem("bad_logo_url", "must be an https:// address or /static/ path "
                                             "(500 characters at most)", max=500)
    return problems


def _timezone(value: Any) -> dict[str, Problem]:
    if not isinstance(value, str) or value not in available_timezones():
        return {"timezone": problem("bad_timezone", f"{value!r} is not an IANA time zone like Asia/Jakarta")}
    return {}


def _senders(value: Any) -> dict[str, Problem]:
    if not isinstance(value, dict):
        return {"senders": problem("wrong_type", "must be an object with mail_from, sms_sender",
                                   expected="object")}
    problems = {f"senders.{k}": problem("unknown_field", "is not a sender field",
                                        known=["mail_from", "sms_sender"])
                for k in value if k not in ("mail_from", "sms_sender")}
    for key, pattern, code, what in (
            ("mail_from", MAIL_FROM, "bad_mail_from", "an e-mail address like laksa@lebakkab.go.id"),
            ("sms_sender", SMS_SENDER, "bad_sms_sender", "3-11 letters or digits, like LEBAKKAB")):
        given = value.get(key)
        if key in value and given != "" and not (isinstance(given, str) and len(given) <= 254
                                                 and pattern.match(given)):
            problems[f"senders.{key}"] = problem(code, f"must be {what}")
    return problems


def _working_days(value: Any) -> dict[str, Problem]:
    if (not isinstance(value, list) or not value or len(set(map(repr, value))) != len(value)
            or not all(type(d) is int and 1 <= d <= 7 for d in value)):
        return {"working_days": problem("bad_working_days", "must list ISO weekdays 1 (Monday) to 7 "
                                        "(Sunday), each once, at least one", min=1, max=7)}
    return {}


def _days_off(value: Any) -> dict[str, Problem]:
    if not isinstance(value, list) or len(value) > MAX_DAYS_OFF:
        return {"days_off": problem("wrong_type", f"must be a list of dates (at most {MAX_DAYS_OFF})",
                                    max=MAX_DAYS_OFF)}
    problems = {}
    for i, entry in enumerate(value):
        day = entry.get("date") if isinstance(entry, dict) else entry
        name = entry.get("name", "") if isinstance(entry, dict) else ""
        if not _is_date(day) or not isinstance(name, str) or len(name) > 100 or (
                isinstance(entry, dict) and set(entry) - {"date", "name"}):
            problems[f"days_off[{i}]"] = problem("bad_day_off", "must be a date YYYY-MM-DD or "
                                                 "{date, name} (name: 100 characters at most)")
    return problems


def _is_date(value: Any) -> bool:
    try:
        return isinstance(value, (str, date)) and bool(date.fromisoformat(str(value)))
    except ValueError:
        return False


CHECKS = {"modules": _modules, "brand": _brand, "timezone": _timezone, "senders": _senders,
          "working_days": _working_days, "days_off": _days_off}


def deployed_modules() -> tuple[str, ...]:
    """The modules this deployment runs (DEPLOYED_MODULES, comma-separated; default all):
    an edge that runs no prices service shows no prices, whatever the region's profile."""
    raw = os.environ.get("DEPLOYED_MODULES", "")
    listed = tuple(m.strip() for m in raw.split(",") if m.strip() in MODULES)
    return listed or MODULES


def shows(region: Any, module: str) -> bool:
    """Whether `region`'s pages, routes, menu, sitemap and feeds offer `module`."""
    return module in getattr(region, "modules", MODULES) and module in deployed_modules()


def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """The profile as JSON Schema: what the API's bodies are checked with first (shape, caps)
    and what the OpenAPI document shows; `check_profile` says the rest in the same codes."""
    from services.servicekit.schema_parts import obj, text
    day = {"type": "string", "format": "date", "maxLength": 10, "example": "2026-12-24"}
    fields = {
        "modules": {"type": "array", "minItems": 1, "maxItems": len(MODULES), "uniqueItems": True,
                    "items": {"type": "string", "enum": list(MODULES)}, "example": list(MODULES),
                    "description": "the modules the region offers (menu, routes, sections, feeds)"},
        "brand": obj({"name": text(BRAND_LIMITS["name"], 1),
                      "short_name": text(BRAND_LIMITS["short_name"], 1),
                      "theme_color": text(7, pattern=THEME_COLOR.pattern, example=DEFAULT_THEME),
                      "logo_url": text(500)}, description="how the pages, manifest and mails present it"),
        "timezone": text(60, example="Asia/Jayapura", description="IANA zone; default: the province's"),
        "senders": obj({"mail_from": text(254), "sms_sender": text(11)},
                       description="what its notifications are sent as"),
        "working_days": {"type": "array", "minItems": 1, "maxItems": 7, "uniqueItems": True,
                         "items": {"type": "integer", "minimum": 1, "maximum": 7},
                         "example": list(DEFAULT_WORKING_DAYS), "description": "ISO weekdays, 1 = Monday"},
        "days_off": {"type": "array", "maxItems": MAX_DAYS_OFF, "description": "the region's own days off",
                     "items": {"oneOf": [day, obj({"date": day, "name": text(100)}, required=("date",))]}},
    }
    return fields, obj(fields, description="any of the profile's fields; the others stay")


PROFILE_PROPERTIES, PROFILE = _schemas()
