"""A region's markets as data (#28): what adding, renaming and retiring one decides, and a
market document as the catalogue and the API show it. The store holds them (seeded once
per region from markets.yaml); a retired market keeps its prices but takes no new ones."""
from typing import Any

from services.prices import commands
from services.prices.domain.catalogue_model import Market
from services.servicekit.errors import Conflict, NotFound, ValidationFailed
from services.servicekit.validation import check_body

Doc = dict[str, Any]


def market_id(region_code: str, code: str) -> str:
    return f"{region_code}:{code}"


def seed_docs(region_code: str, markets: dict[str, Market], now: str) -> list[Doc]:
    """The YAML's markets of a region as store documents (the first time only)."""
    return [{"_id": market_id(region_code, m.code), "region": region_code, "code": m.code, "name": m.name,
             "type": m.type, "lat": m.lat, "lon": m.long, "retired": None, "created": now,
             "source": "markets.yaml"} for m in markets.values()]


def new_market(region_code: str, body: Any, existing: list[Doc], now: str, actor: str) -> Doc:
    """The document of a new market, or a refusal naming every bad field (a code or name
    another market of the region has, retired or not, is refused: history keeps its name)."""
    check_body(commands.ADD_MARKET, body)
    name = " ".join(body["name"].split())
    clashes = {}
    if any(m["code"] == body["code"] for m in existing):
        clashes["code"] = "another market of the region has this code"
    if any(m["name"].lower() == name.lower() for m in existing):
        clashes["name"] = "another market of the region has this name"
    if clashes:
        raise ValidationFailed.of({f: {"code": "market_taken", "message": m} for f, m in clashes.items()})
    return {"_id": market_id(region_code, body["code"]), "region": region_code, "code": body["code"],
            "name": name, "type": body["type"], "lat": float(body["lat"]), "lon": float(body["lon"]),
            "retired": None, "created": now, "created_by": actor, "source": "console"}


def renamed(doc: Doc | None, code: str, body: Any, existing: list[Doc], now: str, actor: str) -> Doc:
    """The changes of a rename, a move (lat and lon given together), or both; a refusal
    names every field that is wrong."""
    found = _found(doc, code)
    check_body(commands.RENAME_MARKET, body)
    name = " ".join(body["name"].split()) if "name" in body else None
    problems = {}
    if ("lat" in body) != ("lon" in body):
        problems["lon" if "lat" in body else "lat"] = ("required", "give lat and lon together")
    if name is None and "lat" not in body and "lon" not in body:
        problems["name"] = ("required", "give a new name, new lat and lon, or both")
    if name and any(m["name"].lower() == name.lower() and m["code"] != code for m in existing):
        problems["name"] = ("market_taken", "another market of the region has this name")
    if problems:
        raise ValidationFailed.of({f: {"code": c, "message": m} for f, (c, m) in problems.items()})
    change: Doc = {}
    if name:
        change.update(name=name, renamed=now, renamed_by=actor, previous_name=found["name"])
    if "lat" in body:
        change.update(lat=float(body["lat"]), lon=float(body["lon"]), moved=now, moved_by=actor)
    return change


def retirement(doc: Doc | None, code: str, body: Any, now: str, actor: str, day: str) -> Doc:
    """`day`: the region's own date at `now` (the day it shows as retired, not UTC's)."""
    found = _found(doc, code)
    check_body(commands.RETIRE_MARKET, body or {})
    if found.get("retired"):
        raise Conflict(f"market {code} was retired on {_retired_day(found['retired'])}",
                       {"field": "market", "code": "already_retired"})
    return {"retired": {"at": now, "day": day, "by": actor, "reason": (body or {}).get("reason")}}


def _retired_day(retired: Doc) -> str:
    return retired.get("day") or retired["at"][:10]


def _found(doc: Doc | None, code: str) -> Doc:
    if doc is None:
        raise NotFound(f"no market {code!r} in this region", {"field": "market"})
    return doc


def as_market(doc: Doc) -> Market:
    return Market(doc["code"], doc["name"], doc["type"], doc["lat"], doc["lon"])


def view(doc: Doc) -> Doc:
    """A market as the API shows it: lat/lon (and `long`, the catalogue's old name), retired or not."""
    retired = doc.get("retired")
    return {"code": doc["code"], "name": doc["name"], "type": doc["type"], "lat": doc["lat"],
            "lon": doc["lon"], "long": doc["lon"], "active": not retired,
            "retired": retired and _retired_day(retired)}
