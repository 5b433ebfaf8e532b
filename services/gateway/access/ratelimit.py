"""Per-client abuse limits that hold across gateway replicas (the maintained `limits` package).

The counts live in the store every replica shares (the gateway's database,
collection `rate_limits`), so N replicas still allow a client the limit once.
`limits` ships a MongoDB storage, but it updates with aggregation pipelines
and `$not`, which the embedded nx-27017 store does not implement; this
storage keeps to `$inc` with upsert, which both nx-27017 and MongoDB do,
and gives `limits`' fixed-window strategy what it needs.

Sign-ins reserve their attempt before the password is checked (`reserve`, one
atomic `$inc`): of 64 parallel guesses only the limit's worth reach scrypt.
A sign-in that succeeds gives its reservation back (`Reservation.release`), so
only failed attempts stay counted, per client and per account.

The client is the address the connection came from, or, behind a configured
number of trusted proxies (`TRUSTED_PROXIES`, default 0), the address the
outermost of them saw: as werkzeug's ProxyFix reads `X-Forwarded-For`.
Anything further left in that header is whatever the client chose to send.
"""
import logging
import math
import time

from limits import parse, strategies
from limits.storage import Storage
from nameko.extensions import DependencyProvider
from pymongo import ReturnDocument
from pymongo.errors import PyMongoError

from services.servicekit.errors import RateLimited, Unavailable
from services.servicekit.store import connect

DEFAULT_LIMITS = {"aspirasi_submit": "20/minute", "login": "10/minute",
                  "seeker_register": "10/minute", "employer_signup": "10/minute",
                  # failed sign-ins (console, AK/1, API token), per client and per account
                  "sign_in_failed": "5/minute", "sign_in_account_failed": "10/minute",
                  "open311_token": "30/minute"}  # token lookups: each says whether a key was used
log = logging.getLogger(__name__)
COLLECTION = "rate_limits"
SWEEP_EVERY = 200
LIMIT_STORE_TIMEOUT_MS = 500  # increments between deletions of expired windows


def client_address(request, trusted_proxies):
    """The client's address as the outermost of `trusted_proxies` proxies saw it."""
    if trusted_proxies:
        hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return request.remote_addr or "?"


class StoreCounters(Storage):
    """`limits` storage of fixed-window counters in a MongoDB(-protocol) collection.

    One document per key and window: `_id` "<key>|<window start>", `count`,
    `expires` (epoch seconds, so range deletes work on the embedded store too).
    """

    STORAGE_SCHEME = ["tl-store"]

    def __init__(self, collection, **options):
        super().__init__(None, **options)
        self.collection = collection
        self._since_sweep = 0

    @property
    def base_exceptions(self):
        return PyMongoError

    @staticmethod
    def _window(expiry, now=None):
        now = time.time() if now is None else now
        return math.floor(now / expiry) * expiry

    def _current(self, key):
        found = self.collection.find({"key": key, "expires": {"$gt": time.time()}}).limit(1)
        return next(iter(found), None)

    def incr(self, key, expiry, amount=1):
        start = self._window(expiry)
        doc = self.collection.find_one_and_update(
            {"_id": f"{key}|{start}"},
            {"$inc": {"count": amount}, "$set": {"key": key, "expires": start + expiry}},
            upsert=True, return_document=ReturnDocument.AFTER)
        self._since_sweep += 1
        if self._since_sweep >= SWEEP_EVERY:
            self._since_sweep = 0
            self.collection.delete_many({"expires": {"$lt": time.time()}})
        return doc["count"]

    def release(self, key, start, amount=1):
        """Give back `amount` counted in the window that began at `start` (never below 0, and
        never into a later window, which would hand out an extra attempt there)."""
        self.collection.update_one({"_id": f"{key}|{start}", "count": {"$gte": amount}},
                                   {"$inc": {"count": -amount}})

    def get(self, key):
        doc = self._current(key)
        return doc["count"] if doc else 0

    def get_expiry(self, key):
        doc = self._current(key)
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
        self.collection.delete_many({"key": key})


class Limiter:
    def __init__(self, limiter, limits, trusted_proxies=0):
        self._limiter = limiter
        self._limits = limits
        self.trusted_proxies = trusted_proxies

    def hit(self, name, request):
        """Count one `name` action of this client; 429 with Retry-After past the limit."""
        # The counts share the store the write needs too: a store outage is a 503 at once.
        self._hit(self._limits[name], name, client_address(request, self.trusted_proxies))

    def reserve(self, name, request, identity=None):
        """Count one `name` attempt now, before the work it guards, for this client or, given
        `identity`, for that (e.g. an account); 429 past the limit. The attempt can be given
        back with the answer's `release()` once it turns out not to count (a good password)."""
        limit = self._limits[name]
        key = identity if identity is not None else client_address(request, self.trusted_proxies)
        start = StoreCounters._window(limit.get_expiry())
        self._hit(limit, name, key)
        return Reservation(self._limiter.storage, limit.key_for(name, key), start)

    def _hit(self, limit, name, key):
        try:
            if self._limiter.hit(limit, name, key):
                return
        except PyMongoError as exc:
            log.warning("rate limit %s not counted (store unavailable: %s)", name, type(exc).__name__)
            raise Unavailable("a backing store is unavailable, please retry shortly") from None
        self._refuse(limit, name, key)

    def _refuse(self, limit, name, client):
        reset = self._limiter.get_window_stats(limit, name, client).reset_time
        retry_after = max(1, math.ceil(reset - time.time()))
        raise RateLimited(f"too many requests; try again in {retry_after} s",
                          {"retry_after": retry_after, "limit": str(limit)})


class Reservation:
    """One attempt counted by `Limiter.reserve`; `release()` gives it back (once)."""

    def __init__(self, counters, key, start):
        self._counters, self._key, self._start = counters, key, start

    def release(self):
        if self._counters is not None:
            counters, self._counters = self._counters, None
            try:
                counters.release(self._key, self._start)
            except PyMongoError as exc:  # the attempt then stays counted: safe side
                log.warning("rate limit reservation not released: %s", type(exc).__name__)


def limiter_for(config, client):
    """The Limiter a gateway with `config` uses, counting in `client`'s gateway database."""
    configured = {**DEFAULT_LIMITS, **(config.get("RATE_LIMITS") or {})}
    limits = {name: parse(value) for name, value in configured.items()}
    counters = StoreCounters(client[config["MONGO_DB"]][COLLECTION])
    return Limiter(strategies.FixedWindowRateLimiter(counters), limits,
                   int(config.get("TRUSTED_PROXIES") or 0))


class RateLimits(DependencyProvider):
    def setup(self):
        # a short deadline: during a store outage a limited write answers 503 well within 1 s
        self.client = connect(self.container.config["MONGO_URI"], timeout_ms=LIMIT_STORE_TIMEOUT_MS)
        self.limiter = limiter_for(self.container.config, self.client)

    def start(self):
        try:
            self.client[self.container.config["MONGO_DB"]][COLLECTION].create_index("key")
        except PyMongoError as exc:
            log.warning("rate-limit index not ensured: %s", exc)

    def stop(self):
        self.client.close()

    def get_dependency(self, worker_ctx):
        return self.limiter
