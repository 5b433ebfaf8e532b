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
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import available_timezones

import yaml

from services.servicekit.errors import NotFound, ValidationFailed

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
    code: str
    name: str
    province: str
    domain: str = ""
    host: bool = False
    edge: bool = False
    timezone: str = "Asia/Jakarta"

    @property
    def nik_prefix(self):
        """The first four NIK digits of residents registered here."""
        return self.code.replace(".", "")

    def to_dict(self):
        return {"code": self.code, "name": self.name, "province": self.province,
                "domain": self.domain, "host": self.host, "edge": self.edge,
                "timezone": self.timezone}


def validate_region(entry):
    """A Region from an operator's entry, or ValidationFailed naming the field."""
    if not isinstance(entry, dict):
        raise ValidationFailed.field("region", "must be an object with code, name, province, domain")
    code = entry.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise ValidationFailed.field("code", f"{code!r} is not a Kemendagri code; use the form 36.71")
    for field in ("name", "province"):
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip() or len(value) > 100:
            raise ValidationFailed.field(field, "is required (1-100 characters)")
    domain = entry.get("domain", "")
    if not isinstance(domain, str) or (domain and not DOMAIN_PATTERN.match(domain)):
        raise ValidationFailed.field("domain", f"{domain!r} is not a host name like lebakkab.go.id")
    for field in ("host", "edge"):
        if not isinstance(entry.get(field, False), bool):
            raise ValidationFailed.field(field, "must be true or false")
    timezone = entry.get("timezone", "Asia/Jakarta")
    if timezone not in available_timezones():
        raise ValidationFailed.field("timezone", f"{timezone!r} is not an IANA time zone like Asia/Jakarta")
    unknown = set(entry) - set(Region.__dataclass_fields__)
    if unknown:
        raise ValidationFailed.field(sorted(unknown)[0], "is not a region field")
    return Region(code, entry["name"].strip(), entry["province"].strip(), domain,
                  entry.get("host", False), entry.get("edge", False), timezone)


@lru_cache(maxsize=4)
def file_regions(path=None):
    path = Path(path or os.environ.get("REGIONS_FILE") or DEFAULT_FILE)
    entries = yaml.safe_load(path.read_text())["regions"]
    return {entry["code"]: Region(**entry) for entry in entries}


def platform_db():
    """The platform database holding run-time registry entries, or None."""
    uri = os.environ.get("MONGO_URI")
    if not uri:
        return None
    return _database(uri, os.environ.get("PLATFORM_DB", "tl_platform"))


@lru_cache(maxsize=4)
def _database(uri, name):
    return _client(uri)[name]


@lru_cache(maxsize=4)
def _client(uri):
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

    def __init__(self):
        self.docs = {}
        self.key = None  # (uri, db): tests and tools switch databases
        self.fresh_until = 0.0
        self.forced_at = 0.0
        self.refreshing = False
        self.generation = 0  # bumped by invalidate(): older reads must not win
        self.lock = threading.Lock()

    def get(self, force=False):
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

    def _refresh(self, db, key):
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

    def invalidate(self):
        """This process changed the registry: its next read goes to the store."""
        self.generation += 1
        self.key = None


_runtime = _RuntimeEntries()


def load_regions(path=None, force=False):
    """Every registered region by code: the file's, changed by run-time entries.

    Every request asks; the merge is redone only when the file or a refresh
    brings new entries. Callers must not change the dict they get.
    """
    global _last_merge
    file_entries, docs = file_regions(path), _runtime.get(force)
    if _last_merge[0] is not file_entries or _last_merge[1] is not docs:
        _last_merge = (file_entries, docs, _merge(file_entries, docs))
    return _last_merge[2]


_last_merge = (None, None, {})


def _merge(file_entries, docs):
    regions = dict(file_entries)
    for code, doc in docs.items():
        if doc.get("removed"):
            regions.pop(code, None)
        else:
            regions[code] = Region(**{k: doc[k] for k in Region.__dataclass_fields__ if k in doc})
    return regions


def all_regions():
    return list(load_regions().values())


def get_region(code):
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise ValidationFailed.field(
            "region", f"{code!r} is not a Kemendagri code; use the form 36.71")
    regions = load_regions()
    if code not in regions:  # maybe onboarded a moment ago by another process
        regions = load_regions(force=True)
    try:
        return regions[code]
    except KeyError:
        raise NotFound(f"region {code} is not registered", {"field": "region"}) from None


def register_region(entry):
    """Add or update a region at run time; returns the Region."""
    region = validate_region(entry)
    db = _require_db()
    db[COLLECTION].replace_one({"_id": region.code}, {"_id": region.code, **asdict(region)}, upsert=True)
    _runtime.invalidate()
    return region


def unregister_region(code):
    """Remove a region at run time (a file region is hidden by a `removed` entry)."""
    region = get_region(code)
    if region.host:
        raise ValidationFailed.field("code", f"{code} is the host region and cannot be removed")
    _require_db()[COLLECTION].replace_one({"_id": code}, {"_id": code, "removed": True}, upsert=True)
    _runtime.invalidate()
    return region


def _require_db():
    db = platform_db()
    if db is None:
        raise ValidationFailed.field("MONGO_URI", "set it: run-time regions live in the platform database")
    return db
