"""Cache policies, declared by each route where it is defined (`@page(..., cache=public(30,
60, region_tag("prices")))`); a route without one is answered `no-store`. web/cache.py
applies the matched route's policy.

`tags` names what the answer shows, for the in-process cache: an event that changes one
of them drops the kept answers (web/cache.EVENT_TAGS); `ttl` bounds what changes with
time alone (a vacancy's closing date)."""
from typing import Callable, NamedTuple, Optional


class Policy(NamedTuple):
    cache_control: str
    tags: Optional[Callable] = None  # path values -> [tag, ...] for the in-process cache
    ttl: float = 30.0


def public(max_age: int, stale: int, tags: Optional[Callable] = None, ttl: float = 30.0) -> Policy:
    return Policy(f"public, max-age={max_age}, stale-while-revalidate={stale}", tags, ttl)


def region_tag(kind: str) -> Callable[[dict], list]:
    return lambda values: [(kind, values["code"])]


def everywhere(kind: str) -> Callable[[dict], list]:
    return lambda values: [(kind,)]


LIVE = public(5, 30, region_tag("live"), ttl=300)  # the live view and beranda
CATALOGUE = public(300, 3600)  # what changes with a deployment or an admin's edit
LIST = public(30, 60)  # lists and boards
DETAIL = public(60, 300)  # one item, a history
FEED = public(300, 600, everywhere("news"))
IMMUTABLE = Policy("public, max-age=31536000, immutable")  # bytes that never change
# the offline helper's script and worker: checked on every visit (a new worker is seen at once)
CHECK_EVERY_TIME = Policy("no-cache")
