"""Prometheus RED metrics for every entrypoint, and the `/metrics` body.

One service runs per process, so the default registry is the service's own.
Labels are bounded: entrypoint names and HTTP route templates, never raw paths.
"""
import time
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.web.handlers import HttpRequestHandler
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from services.servicekit.errors import as_domain_error

REQUESTS = Counter(
    "tl_entrypoint_calls_total", "Entrypoint calls by outcome",
    ["service", "kind", "entrypoint", "outcome"])
DURATION = Histogram(
    "tl_entrypoint_duration_seconds", "Entrypoint duration",
    ["service", "kind", "entrypoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))

KINDS = {"Rpc": "rpc", "EventHandler": "event", "Timer": "timer"}


def outcome_of(result: Any, exc_info: Any) -> str:
    """success | client_error | server_error, from an exception or HTTP status."""
    if exc_info is not None:
        error = as_domain_error(exc_info[1])
        return "client_error" if error is not None and error.status < 500 else "server_error"
    status = getattr(result, "status_code", None)
    if status is None and isinstance(result, tuple) and result and isinstance(result[0], int):
        status = result[0]
    if status is not None and status >= 500:
        return "server_error"
    if status is not None and status >= 400:
        return "client_error"
    return "success"


def describe(entrypoint: Any) -> tuple[str, str]:
    if isinstance(entrypoint, HttpRequestHandler):
        return "http", f"{entrypoint.method} {entrypoint.url}"
    kind = KINDS.get(type(entrypoint).__name__, type(entrypoint).__name__.lower())
    return kind, entrypoint.method_name


class Metrics(DependencyProvider):
    def setup(self) -> None:
        self.started: dict[Any, float] = {}

    def worker_setup(self, worker_ctx: Any) -> None:
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        started = self.started.pop(worker_ctx, None)
        kind, name = describe(worker_ctx.entrypoint)
        if kind == "timer":
            return
        service = self.container.service_name
        REQUESTS.labels(service, kind, name, outcome_of(result, exc_info)).inc()
        if started is not None:
            DURATION.labels(service, kind, name).observe(time.perf_counter() - started)

    def worker_teardown(self, worker_ctx: Any) -> None:
        self.started.pop(worker_ctx, None)


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
