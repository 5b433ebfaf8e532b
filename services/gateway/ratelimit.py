"""Per-client abuse limits (moving window, the maintained `limits` package).

Counts live in this gateway process: with N replicas a client gets at most N
times the limit, which is acceptable for abuse protection and needs no store.
"""
import math
import time

from limits import parse, storage, strategies
from nameko.extensions import DependencyProvider

from services.servicekit.errors import RateLimited

DEFAULT_LIMITS = {"aspirasi_submit": "20/minute", "login": "10/minute",
                  "console_sign_in_failed": "5/minute"}  # failed sign-ins to the officer console


class Limiter:
    def __init__(self, limiter, limits):
        self._limiter = limiter
        self._limits = limits

    def hit(self, name, request):
        """Count one `name` action of this client; 429 with Retry-After past the limit."""
        limit, client = self._limits[name], _client(request)
        if self._limiter.hit(limit, name, client):
            return
        self._refuse(limit, name, client)

    def check(self, name, request):
        """429 if this client has used up `name`, without counting (e.g. before a sign-in
        attempt, when only failed attempts are counted with `hit`)."""
        limit, client = self._limits[name], _client(request)
        if not self._limiter.test(limit, name, client):
            self._refuse(limit, name, client)

    def _refuse(self, limit, name, client):
        reset = self._limiter.get_window_stats(limit, name, client).reset_time
        retry_after = max(1, math.ceil(reset - time.time()))
        raise RateLimited(f"too many requests; try again in {retry_after} s",
                          {"retry_after": retry_after, "limit": str(limit)})


class RateLimits(DependencyProvider):
    def setup(self):
        configured = {**DEFAULT_LIMITS, **(self.container.config.get("RATE_LIMITS") or {})}
        limits = {name: parse(value) for name, value in configured.items()}
        self.limiter = Limiter(strategies.MovingWindowRateLimiter(storage.MemoryStorage()), limits)

    def get_dependency(self, worker_ctx):
        return self.limiter


def _client(request):
    # Behind the ingress, the last X-Forwarded-For hop is the one our proxy saw;
    # earlier entries are whatever the client chose to send.
    return request.headers.get("X-Forwarded-For", request.remote_addr or "?").split(",")[-1].strip()
