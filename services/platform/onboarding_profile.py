"""A region's onboarding profile checked whole before anything is written: the registry
part (servicekit.regions.validate_region) and what only onboarding takes (subscriptions,
categories with their SLA, markets, the first region admin), every bad field named in
one ValidationFailed.

The schema below is the one statement of the onboarding part's limits: the admin API
documents and checks its body with it (gateway/regions/admin_api.py), and `parse_profile`
checks the CLI's profile file with the same schema.
"""
from dataclasses import dataclass, field
from typing import Any

from services.platform.subscriptions import parse_subscriptions
from services.servicekit.errors import Problem, ValidationFailed
from services.servicekit.regions import validate_region
from services.servicekit.schema_parts import obj, text
from services.servicekit.validation import check_body

# The aspirasi category's own limits (services/aspirasi/commands.py: a slug code, name 120,
# OPD 60); repeated as numbers, not imported: platform code reaches no domain's modules.
CATEGORY_CODE = r"^[a-z0-9][a-z0-9-]{0,59}$"
REQUIRED = {"x-code": "required", "x-error": "is required"}  # blank is missing, as aspirasi says
SLA_DAYS = {"type": "integer", "minimum": 1, "maximum": 60}
CATEGORY = obj({"code": text(60, 1, pattern=CATEGORY_CODE, **{"x-code": "bad_category_code",
                                                              "x-error": "use a-z, 0-9 and -"}),
                "name": {**text(120, pattern=r"\S"), **REQUIRED},
                "opd": {**text(60, pattern=r"\S"), **REQUIRED},
                "sla": obj({"verify_days": SLA_DAYS, "follow_up_days": SLA_DAYS},
                           description="working days; the default SLA fills what is left out")},
               required=("code", "name", "opd"))
# The gateway's account names (access/accounts.py USERNAME).
ADMIN = obj({"username": text(64, 3, pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$",
                              **{"x-code": "bad_username", "x-error": "use 3-64 lowercase letters, "
                                 "digits, . _ -"})},
            required=("username",), description="the region's first region_admin account; its "
            "first password is answered once, when onboarding has finished")
MARKET = obj({"code": text(60, 1), "name": text(120, 1),
              "lat": {"type": "number", "minimum": -11.2, "maximum": 6.3},
              "lon": {"type": "number", "minimum": 94.7, "maximum": 141.1}},
             required=("code", "name"))
SUBSCRIPTIONS = {"type": "array", "maxItems": 100}  # each entry: subscriptions.parse_subscriptions
EXTRAS = obj({"subscriptions": SUBSCRIPTIONS,
              "categories": {"type": "array", "maxItems": 100, "items": CATEGORY},
              "markets": {"type": "array", "maxItems": 200, "items": MARKET},
              "admin": ADMIN})
# Lane harga's prices RPCs (add_market, retire_market) are wired into the markets step
# after the merge; until then a profile naming markets is refused, nothing written.
MARKETS_WIRED = False

@dataclass(frozen=True)
class Profile:
    """An onboarding profile, checked: the registry entry and what onboarding adds."""
    entry: dict[str, Any]
    subscriptions: list[dict[str, Any]] | None = None
    categories: list[dict[str, Any]] = field(default_factory=list)
    markets: list[dict[str, Any]] = field(default_factory=list)
    admin: dict[str, Any] | None = None

    @property
    def code(self) -> str:
        return str(self.entry["code"])


def parse_profile(raw: Any, found: dict[str, Problem] | None = None) -> Profile:
    """The Profile, or one ValidationFailed naming every bad field of the whole profile
    (with `found`: problems a caller already knows, e.g. a missing signing key)."""
    if not isinstance(raw, dict):
        raise ValidationFailed.field("body", "must be an object", code="wrong_type", expected="object")
    entry = {k: v for k, v in raw.items() if k not in EXTRAS["properties"]}
    extras = {k: v for k, v in raw.items() if k in EXTRAS["properties"]}
    problems = dict(found or {})
    if entry.get("timezone") in (None, ""):  # validate_region derives it from the province
        entry.pop("timezone", None)
    problems.update(_problems(lambda: validate_region(entry)))
    problems.update(_problems(lambda: check_body(EXTRAS, extras)))
    if extras.get("subscriptions") is not None:
        problems.update(_problems(lambda: parse_subscriptions(extras["subscriptions"])))
    problems.update(_duplicates(extras.get("categories")))
    if extras.get("markets") and not MARKETS_WIRED:
        problems["markets"] = {"code": "not_available", "message": "onboarding cannot add markets "
                               "yet; add them in the prices console after onboarding"}
    if problems:
        raise ValidationFailed.of(problems)
    return Profile(entry, extras.get("subscriptions"), _stripped(extras.get("categories") or []),
                   extras.get("markets") or [], extras.get("admin"))


def _problems(check: Any) -> dict[str, Problem]:
    try:
        check()
    except ValidationFailed as refused:
        return dict(refused.details["fields"])
    return {}


def _duplicates(categories: Any) -> dict[str, Problem]:
    seen: set[str] = set()
    found = {}
    for i, item in enumerate(categories if isinstance(categories, list) else []):
        code = item.get("code") if isinstance(item, dict) else None
        if not isinstance(code, str):
            continue
        if code.strip() in seen:
            found[f"categories[{i}].code"] = {"code": "duplicate", "message": f"{code!r} is given twice"}
        seen.add(code.strip())
    return found


def _stripped(categories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**c, "code": c["code"].strip(), "name": c["name"].strip(), "opd": c["opd"].strip()}
            for c in categories]
