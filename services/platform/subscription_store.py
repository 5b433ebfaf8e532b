"""Where subscriptions are kept: subscriptions.yaml (defaults, per-region entries and
the partner queues' backlog bound) and, changed at run time, the platform database;
and what a region receives from them (live views)."""
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml

from services.platform.subscriptions import binding_keys, parse_subscriptions, topic_matches
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import Region, all_regions, platform_db

SUBSCRIPTIONS_FILE = Path(__file__).parent / "subscriptions.yaml"

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def subscription_defaults(path: str | Path | None = None) -> dict[str, Any]:
    data = yaml.safe_load(Path(path or SUBSCRIPTIONS_FILE).read_text())
    parse_subscriptions(data["default"])
    for subs in (data.get("regions") or {}).values():
        parse_subscriptions(subs)
    return data


def subscriptions_for(code: str) -> list[dict[str, Any]]:
    """Run-time override, else the file's entry for the region, else the default."""
    db = platform_db()
    if db is not None:
        try:
            doc = db.subscriptions.find_one({"_id": code})
        except Exception as exc:  # noqa: BLE001 - fall back to the file
            log.warning("subscriptions of %s: platform db unreadable (%s)", code, type(exc).__name__)
            doc = None
        if doc:
            return doc["subscriptions"]
    data = subscription_defaults()
    return (data.get("regions") or {}).get(code) or data["default"]


def store_subscriptions(code: str, subscriptions: Any) -> None:
    parse_subscriptions(subscriptions)
    db = platform_db()
    if db is None:
        raise ValidationFailed.field("MONGO_URI", "set it: run-time subscriptions live in the platform db",
                                     code="not_configured")
    db.subscriptions.replace_one({"_id": code}, {"_id": code, "subscriptions": subscriptions}, upsert=True)


def backlog_policy() -> dict[str, Any]:
    bound = subscription_defaults()["backlog"]
    return {"max-length": int(bound["max_length"]),
            "message-ttl": int(bound["message_ttl_days"] * 86400 * 1000),
            "overflow": bound["overflow"]}


def host_codes() -> list[str]:
    return [r.code for r in all_regions() if r.host]


def subscribed_sources(region_code: str, domain: str, event_type: str = "*",
                       subscriptions: Any = None, regions: Iterable[Region] | None = None) -> list[str]:
    """The other regions whose `domain` events `region_code` receives, sorted.

    For live views: "this region's content plus what it subscribes to, marked
    with the source region". `event_type="*"` means any event of the domain.
    Reads the registry and subscriptions unless given; has no side effects.
    """
    known = list(regions if regions is not None else all_regions())
    if subscriptions is None:
        subscriptions = subscriptions_for(region_code)
    keys = binding_keys(region_code, subscriptions, [r.code for r in known if r.host])
    sources: set[str] = set()
    for key in keys:
        topic_source, topic_type, region_pattern = key.split(".", 2)
        if topic_source not in ("*", domain):
            continue
        if event_type != "*" and topic_type not in ("*", event_type):
            continue
        sources.update(r.code for r in known
                       if r.code != region_code and topic_matches(region_pattern, r.code))
    return sorted(sources)
