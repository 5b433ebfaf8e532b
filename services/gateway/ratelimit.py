"""Per-client abuse limits that hold across gateway replicas (the maintained `limits` package).

The counts live in the store every replica shares (the gateway's database,
collection `rate_limits`), so N replicas still allow a client the limit once.
Limits hold over a moving window: "10/minute" is 10 in any 60 s, so a client
cannot spend two fixed windows' worth in the seconds around a minute's turn.
`limits` ships a MongoDB storage, but it updates with aggregation pipelines
and `$not`, which the embedded nx-27017 store does not implement; this
storage keeps to find, insert and a compare-and-set update, which both
nx-27017 and MongoDB do.

The client is the address the connection came from, or, behind a configured
number of trusted proxies (`TRUSTED_PROXIES`, default 0), the address the
outermost of them saw: as werkzeug's ProxyFix reads `X-Forwarded-For`.
Anything further left in that header is whatever the client chose to send.
"""
import logging
import math
import time

from limits import parse, strategies
from limits.storage import MovingWindowSupport, Storage
from nameko.extensions import DependencyProvider
from pymongo.errors import DuplicateKeyError, PyMongoError

from services.servicekit.errors import RateLimited, Unavailable
from services.servicekit.store import connect

DEFAULT_LIMITS = {"aspirasi_submit": "20/minute", "login": "10/minute",
                  "seeker_register": "10/minute", "employer_signup": "10/minute",
                  "console_sign_in_failed": "5/minute"}  # failed sign-ins to the officer console
log = logging.getLogger(__name__)
COLLECTION = "rate_limits"
SWEEP_EVERY = 200  # writes between deletions of windows with nothing left in them
CAS_ATTEMPTS = 5
LIMIT_STORE_TIMEOUT_MS = 500


def client_address(request, trusted_proxies):
    """The client's address as the outermost of `trusted_proxies` proxies saw it."""
    if trusted_proxies:
        hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return request.remote_addr or "?"


class StoreWindows(MovingWindowSupport, Storage):
    """`limits` storage of moving windows in a MongoDB(-protocol) collection.

    One document per key: `_id` the key, `entries` (epoch seconds of the hits
    still inside a window), `version` (each write is a compare-and-set on it, so
    replicas counting the same client at once cannot both take the last slot),
    `expires` (when the newest entry leaves its window; what the sweep deletes by).
    """

    STORAGE_SCHEME = ["tl-store"]

    def __init__(self, collection, **options):
        super().__init__(None, **options)
        self.collection = collection
        self._since_sweep = 0

    @property
    def base_exceptions(self):
        return PyMongoError

    def _live(self, key, expiry):
        """(document or None, its entries still inside `expiry` seconds, now)."""
        now = time.time()
        doc = self.collection.find_one({"_id": key})
        return doc, sorted(t for t in (doc or {}).get("entries", ()) if t > now - expiry), now

    def _add(self, key, expiry, amount, limit=None):
        """Add `amount` entries unless that passes `limit`; the live count after, or None."""
        for _ in range(CAS_ATTEMPTS):
            doc, live, now = self._live(key, expiry)
            if limit is not None and len(live) + amount > limit:
                return None
            entries = live + [now] * amount
            try:
                if doc is None:
                    self.collection.insert_one({"_id": key, "entries": entries, "version": 1,
                                                "expires": now + expiry})
                elif not self.collection.update_one(
                        {"_id": key, "version": doc["version"]},
                        {"$set": {"entries": entries, "expires": now + expiry},
                         "$inc": {"version": 1}}).matched_count:
                    continue
            except DuplicateKeyError:
                continue
            self._sweep(now)
            return len(entries)
        return None  # the same client, hitting every replica at once: refuse rather than spin

    def _sweep(self, now):
        self._since_sweep += 1
        if self._since_sweep >= SWEEP_EVERY:
            self._since_sweep = 0
            self.collection.delete_many({"expires": {"$lt": now}})

    def acquire_entry(self, key, limit, expiry, amount=1):
        return self._add(key, expiry, amount, limit) is not None

    def get_moving_window(self, key, limit, expiry):
        _, live, now = self._live(key, expiry)
        return (live[0], len(live)) if live else (now, 0)

    # The counter view `limits` asks every storage for, read from the same entries.
    def incr(self, key, expiry, amount=1):
        return self._add(key, expiry, amount)

    def get(self, key):
        doc = self.collection.find_one({"_id": key, "expires": {"$gt": time.time()}})
        return len(doc["entries"]) if doc else 0

    def get_expiry(self, key):
        doc = self.collection.find_one({"_id": key})
        return doc["expires"] if doc else time.time()

    def check(self):
        try:
            self.collection.database.client.admin.command("ping")
            return True
        except PyMongoError:
            return False

    def reset(self):
        return self.collection.delete_many({}).deleted_count

    def clear(self, key):
        self.collection.delete_one({"_id": key})


class Limiter:
    def __init__(self, limiter, limits, trusted_proxies=0):
        self._limiter = limiter
        self._limits = limits
        self.trusted_proxies = trusted_proxies

    def hit(self, name, request):
        """Count one `name` action of this client; 429 with Retry-After past the limit."""
        limit = self._limits[name]
        client = client_address(request, self.trusted_proxies)
        try:
            if self._limiter.hit(limit, name, client):
                return
        except PyMongoError as exc:
            # The counts share the store the write needs too: answer its outage at once.
            log.warning("rate limit %s not counted (store unavailable: %s)", name, type(exc).__name__)
            raise Unavailable("a backing store is unavailable, please retry shortly") from None
        self._refuse(limit, name, client)

    def check(self, name, request):
        """429 if this client has used up `name`, without counting (e.g. before a sign-in
        attempt, when only failed attempts are counted with `hit`)."""
        limit = self._limits[name]
        client = client_address(request, self.trusted_proxies)
        try:
            spent = not self._limiter.test(limit, name, client)
        except PyMongoError as exc:
            log.warning("rate limit %s not checked (store unavailable: %s)", name, type(exc).__name__)
            raise Unavailable("a backing store is unavailable, please retry shortly") from None
        if spent:
            self._refuse(limit, name, client)

    def _refuse(self, limit, name, client):
        reset = self._limiter.get_window_stats(limit, name, client).reset_time
        retry_after = max(1, math.ceil(reset - time.time()))
        raise RateLimited(f"too many requests; try again in {retry_after} s",
                          {"retry_after": retry_after, "limit": str(limit)})


def limiter_for(config, client):
    """The Limiter a gateway with `config` uses, counting in `client`'s gateway database."""
    configured = {**DEFAULT_LIMITS, **(config.get("RATE_LIMITS") or {})}
    limits = {name: parse(value) for name, value in configured.items()}
    windows = StoreWindows(client[config["MONGO_DB"]][COLLECTION])
    return Limiter(strategies.MovingWindowRateLimiter(windows), limits,
                   int(config.get("TRUSTED_PROXIES") or 0))


class RateLimits(DependencyProvider):
    def setup(self):
        # a short deadline: during a store outage a limited write answers 503 well within 1 s
        self.client = connect(self.container.config["MONGO_URI"], timeout_ms=LIMIT_STORE_TIMEOUT_MS)
        self.limiter = limiter_for(self.container.config, self.client)

    def stop(self):
        self.client.close()

    def get_dependency(self, worker_ctx):
        return self.limiter
