"""The region registry: `regions.yaml` (or REGIONS_FILE) plus run-time entries.

The file holds the MoU regions known at build time. Regions onboarded later
(`python -m tools.regions add`, or POST /api/v1/admin/regions) are documents in
the `regions` collection of the platform database (PLATFORM_DB, default
`tl_platform`, on MONGO_URI); a removed file region is a `removed` document.
Every process re-reads that collection in the background every REFRESH_SECONDS,
and at once when asked for a code it does not know, so onboarding needs no restart.
Without MONGO_URI the registry is the file alone.
"""
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from services.servicekit.errors import NotFound, Problem, ValidationFailed, problem
from services.servicekit.region_profile import (
    DEFAULT_WORKING_DAYS,
    MODULES,
    PROFILE_FIELDS,
    check_profile,
    resolved,
)

DEFAULT_FILE = Path(__file__).parent / "regions.yaml"
CODE_PATTERN = re.compile(r"^[0-9]{2}\.[0-9]{2}$")
DOMAIN_PATTERN = re.compile(r"^([a-z0-9-]+\.)+[a-z]{2,}$")
REFRESH_SECONDS = 2.0
RETRY_AFTER_ERROR = 10.0
FORCED_INTERVAL = 1.0
COLLECTION = "regions"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Region:
    """A registered region and its profile (region_profile.py: what it makes its own)."""
    code: str
    name: str
    province: str
    domain: str = ""
    host: bool = False
    edge: bool = False
    timezone: str = ""  # "": derived from the province
    modules: tuple[str, ...] = MODULES
    brand: Mapping[str, str] = field(default_factory=dict, hash=False)
    senders: Mapping[str, str] = field(default_factory=dict, hash=False)
    working_days: tuple[int, ...] = DEFAULT_WORKING_DAYS
    days_off: tuple[Mapping[str, str], ...] = field(default=(), hash=False)

    def __post_init__(self) -> None:
        profile = {name: getattr(self, name) for name in PROFILE_FIELDS}
        for name, value in resolved(profile, self.name, self.province, self.code).items():
            object.__setattr__(self, name, value)

    @property
    def nik_prefix(self) -> str:
        """The first four NIK digits of residents registered here."""
        return self.code.replace(".", "")

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "province": self.province,
                "domain": self.domain, "host": self.host, "edge": self.edge,
                "timezone": self.timezone, "modules": list(self.modules), "brand": dict(self.brand),
                "senders": dict(self.senders), "working_days": list(self.working_days),
                "days_off": [dict(d) for d in self.days_off]}


def validate_region(entry: Any) -> Region:
    """A Region from an operator's entry, or one ValidationFailed naming every bad field."""
    if not isinstance(entry, dict):
        raise ValidationFailed.field("region", "must be an object with code, name, province, domain",
                                     code="wrong_type", expected="object")
    problems = _registry_problems(entry)
    problems.update(check_profile(entry))
    unknown = sorted(set(entry) - set(Region.__dataclass_fields__))
    for name in unknown:
        problems[name] = problem("unknown_field", "is not a region field",
                                 known=sorted(Region.__dataclass_fields__))
    if problems:
        raise ValidationFailed.of(problems)
    fields = {k: v for k, v in entry.items() if k in Region.__dataclass_fields__}
    return Region(**{**fields, "name": entry["name"].strip(), "province": entry["province"].strip()})


def _registry_problems(entry: dict[str, Any]) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    code = entry.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        problems["code"] = problem("bad_region_code",
                                   f"{code!r} is not a Kemendagri code; use the form 36.71")
    for name in ("name", "province"):
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            problems[name] = problem("required", "is required (1-100 characters)")
        elif len(value) > 100:
            problems[name] = problem("too_long", "is required (1-100 characters)", max=100)
    domain = entry.get("domain", "")
    if not isinstance(domain, str) or (domain and not DOMAIN_PATTERN.match(domain)):
        problems["domain"] = problem("bad_domain", f"{domain!r} is not a host name like lebakkab.go.id")
    for name in ("host", "edge"):
        if not isinstance(entry.get(name, False), bool):
            problems[name] = problem("not_boolean", "must be true or false")
    return problems


def host_code() -> str:
    """The code of the region this deployment serves first (HOST_REGION; default 36.71, the
    hub): its pages' default region and the name its Open311 discovery answers with."""
    return os.environ.get("HOST_REGION") or "36.71"


@lru_cache(maxsize=4)
def file_regions(path: str | Path | None = None) -> dict[str, Region]:
    path = Path(path or os.environ.get("REGIONS_FILE") or DEFAULT_FILE)
    entries = yaml.safe_load(path.read_text())["regions"]
    return {entry["code"]: Region(**entry) for entry in entries}


def platform_db() -> Any:
    """The platform database holding run-time registry entries, or None."""
    uri = os.environ.get("MONGO_URI")
    if not uri:
        return None
    return _database(uri, os.environ.get("PLATFORM_DB", "tl_platform"))


@lru_cache(maxsize=4)
def _database(uri: str, name: str) -> Any:
    return _client(uri)[name]


@lru_cache(maxsize=4)
def _client(uri: str) -> Any:
    from services.servicekit.store import connect  # the store is optional for file-only callers
    return connect(uri, timeout_ms=1500)


class _RuntimeEntries:
    """This process's copy of the `regions` collection.

    Requests never wait for a routine refresh: once loaded, a stale copy is
    served while a background thread re-reads it, so a store outage costs a
    request nothing. Only the first load and a code nobody knows (perhaps
    onboarded a moment ago) read inline, the latter at most every
    FORCED_INTERVAL seconds.
    """

    def __init__(self) -> None:
        self.docs: dict[str, Any] = {}
        self.key: tuple[str | None, str] | None = None  # (uri, db): tests and tools switch databases
        self.fresh_until = 0.0
        self.forced_at = 0.0
        self.refreshing = False
        self.generation = 0  # bumped by invalidate(): older reads must not win
        self.lock = threading.Lock()

    def get(self, force: bool = False) -> dict[str, Any]:
        db = platform_db()
        if db is None:
            return {}
        key = (os.environ.get("MONGO_URI"), db.name)
        now = time.monotonic()
        if key != self.key:
            return self._refresh(db, key)
        if force and now - self.forced_at >= FORCED_INTERVAL:
            self.forced_at = now
            return self._refresh(db, key)
        if now >= self.fresh_until and not self.refreshing:
            self.refreshing = True
            threading.Thread(target=self._refresh, args=(db, key), daemon=True).start()
        return self.docs

    def _refresh(self, db: Any, key: tuple[str | None, str]) -> dict[str, Any]:
        generation = self.generation
        try:
            with self.lock:
                try:
                    docs = {d["_id"]: d for d in db[COLLECTION].find({})}
                except Exception as exc:  # noqa: BLE001 - the file registry keeps working
                    log.warning("region registry: cannot read %s.%s (%s); using the last known "
                                "entries", db.name, COLLECTION, type(exc).__name__)
                    if key != self.key:  # serve the file alone until the store answers
                        self.docs, self.key = {}, key
                    self.fresh_until = time.monotonic() + RETRY_AFTER_ERROR
                    return self.docs
                if generation == self.generation:
                    self.docs, self.key = docs, key
                    self.fresh_until = time.monotonic() + REFRESH_SECONDS
                return docs
        finally:
            self.refreshing = False

    def invalidate(self) -> None:
        """This process changed the registry: its next read goes to the store."""
        self.generation += 1
        self.key = None


_runtime = _RuntimeEntries()


def load_regions(path: str | Path | None = None, force: bool = False) -> dict[str, Region]:
    """Every registered region by code: the file's, changed by run-time entries.

    Every request asks; the merge is redone only when the file or a refresh
    brings new entries. Callers must not change the dict they get.
    """
    global _last_merge
    file_entries, docs = file_regions(path), _runtime.get(force)
    if _last_merge[0] is not file_entries or _last_merge[1] is not docs:
        _last_merge = (file_entries, docs, _merge(file_entries, docs))
    return _last_merge[2]


_last_merge: tuple[Any, Any, dict[str, Any]] = (None, None, {})


def _merge(file_entries: dict[str, Region], docs: dict[str, Any]) -> dict[str, Region]:
    regions = dict(file_entries)
    for code, doc in docs.items():
        if doc.get("removed"):
            regions.pop(code, None)
        else:
            regions[code] = Region(**{k: doc[k] for k in Region.__dataclass_fields__ if k in doc})
    return regions


def all_regions() -> list[Region]:
    return list(load_regions().values())


def get_region(code: object) -> Region:
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise ValidationFailed.field(
            "region", f"{code!r} is not a Kemendagri code; use the form 36.71", code="bad_region_code")
    regions = load_regions()
    if code not in regions:  # maybe onboarded a moment ago by another process
        regions = load_regions(force=True)
    try:
        return regions[code]
    except KeyError:
        raise NotFound(f"region {code} is not registered", {"field": "region"}) from None


def registered_codes(codes: Any) -> list[str]:
    """The codes of `codes` that name a registered region, in order: a batch asked for
    regions one of which was removed a moment ago answers for the others."""
    regions = load_regions()
    return [code for code in codes if isinstance(code, str) and code in regions]


def register_region(entry: Any) -> Region:
    """Add or update a region at run time; returns the Region."""
    region = validate_region(entry)
    db = _require_db()
    db[COLLECTION].replace_one({"_id": region.code}, {"_id": region.code, **region.to_dict()}, upsert=True)
    _runtime.invalidate()
    return region


def update_profile(code: str, changes: Any) -> Region:
    """Change some profile fields of a registered region (the others stay), validated as a
    whole: one ValidationFailed naming every bad field, and nothing stored, or the Region."""
    if not isinstance(changes, dict):
        raise ValidationFailed.field("profile", "must be an object", code="wrong_type", expected="object")
    current = get_region(code).to_dict()
    outside = sorted(set(changes) - set(PROFILE_FIELDS))
    if outside:
        raise ValidationFailed.of({name: problem("not_profile_field", "is not a profile field",
                                                 known=list(PROFILE_FIELDS)) for name in outside})
    return register_region({**current, **changes})


def unregister_region(code: str) -> Region:
    """Remove a region at run time (a file region is hidden by a `removed` entry)."""
    region = get_region(code)
    if region.host:
        raise ValidationFailed.field("code", f"{code} is the host region and cannot be removed",
                                     code="host_region")
    _require_db()[COLLECTION].replace_one({"_id": code}, {"_id": code, "removed": True}, upsert=True)
    _runtime.invalidate()
    return region


def _require_db() -> Any:
    db = platform_db()
    if db is None:
        raise ValidationFailed.field("MONGO_URI", "set it: run-time regions live in the platform database",
                                     code="not_configured")
    return db
